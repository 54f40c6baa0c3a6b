package localtest

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"sync"
)

// Generating an RSA-2048 key costs 50-200 ms (more on a busy 2-core
// machine), and every pool needs two. Stacks started by tests share one
// process-wide list of keys instead: each stack draws keys 0, 1, 2, … from
// it, so pools within a stack still have distinct keys (a token from one
// pool fails against another's JWKS, as on AWS) while only the first stack
// pays for generating them.
var (
	sharedKeysMu sync.Mutex
	sharedKeys   []*rsa.PrivateKey
)

func sharedKey(i int) (*rsa.PrivateKey, error) {
	sharedKeysMu.Lock()
	defer sharedKeysMu.Unlock()
	for len(sharedKeys) <= i {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, fmt.Errorf("localtest: generate signing key: %w", err)
		}
		sharedKeys = append(sharedKeys, k)
	}
	return sharedKeys[i], nil
}

// keySource hands one stack the shared keys in order.
func keySource() func() (*rsa.PrivateKey, error) {
	var mu sync.Mutex
	next := 0
	return func() (*rsa.PrivateKey, error) {
		mu.Lock()
		i := next
		next++
		mu.Unlock()
		return sharedKey(i)
	}
}
