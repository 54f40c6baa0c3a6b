package local

import (
	"crypto/rand"
	"crypto/rsa"
	"sync"
	"testing"
)

var (
	testKeysOnce sync.Once
	testKeys     [2]*rsa.PrivateKey
	testKeysErr  error
)

// testKey hands a stack two pre-generated signing keys (one pool's worth),
// generated once per test binary, so in-package tests do not each pay for
// RSA key generation.
func testKey(t *testing.T) func() (*rsa.PrivateKey, error) {
	t.Helper()
	testKeysOnce.Do(func() {
		for i := range testKeys {
			if testKeys[i], testKeysErr = rsa.GenerateKey(rand.Reader, 2048); testKeysErr != nil {
				return
			}
		}
	})
	if testKeysErr != nil {
		t.Fatal(testKeysErr)
	}
	var mu sync.Mutex
	next := 0
	return func() (*rsa.PrivateKey, error) {
		mu.Lock()
		defer mu.Unlock()
		k := testKeys[next%len(testKeys)]
		next++
		return k, nil
	}
}
