package console

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/internal/local/localtest"
	"github.com/cogscope/cogscope/ui/service"
)

// TestConsoleTokensNameNoFlag: what the Tokens view draws of a report —
// every check's detail, hint and attack, the notes, the error — names no
// command-line flag (the console has none to set), for every fix code the
// inspector leaves to an edge; where the console offers a way (the
// profile, a view) its words say so.
func TestConsoleTokensNameNoFlag(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	now := time.Now().Truncate(time.Second)
	f := &cmdutil.Factory{Env: func(string) string { return "" }, Now: func() time.Time { return now },
		HTTP: &http.Client{Timeout: 5 * time.Second}}
	keys := inspect.NewCache(inspect.CacheOptions{Client: f.HTTP, Now: f.Now})
	onPool := consoleTokens{c: &console{f: f, keys: keys,
		target: cmdutil.Target{Endpoint: env.Endpoint, Region: env.Region, UserPoolID: env.Demo.PoolID, ClientID: env.Demo.ClientID}}}
	// A profile naming only a hosted-UI domain: no issuer is expected, so
	// the keys come from the token's own iss.
	noPool := consoleTokens{c: &console{f: f, keys: keys, target: cmdutil.Target{Domain: "auth.example.com", ClientID: "c"}}}
	issuer := onPool.c.target.PoolIssuer()

	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	// mint signs access-token claims (with a key the pool does not
	// publish: the checks after kid still run), changed by kv; a nil
	// value leaves the claim out.
	mint := func(kv ...any) string {
		c := map[string]any{"sub": "s", "iss": issuer, "client_id": env.Demo.ClientID, "token_use": "access",
			"scope": "aws.cognito.signin.user.admin", "iat": now.Add(-time.Minute).Unix(), "exp": now.Add(time.Hour).Unix()}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == nil {
				delete(c, kv[i].(string))
			} else {
				c[kv[i].(string)] = kv[i+1]
			}
		}
		h, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": "not-the-pool's"})
		p, _ := json.Marshal(c)
		in := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p)
		sum := sha256.Sum256([]byte(in))
		sig, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, sum[:])
		if err != nil {
			t.Fatal(err)
		}
		return in + "." + base64.RawURLEncoding.EncodeToString(sig)
	}
	minutes := func(n int) int64 { return now.Add(time.Duration(n) * time.Minute).Unix() }

	cases := []struct {
		name     string
		svc      consoleTokens
		describe bool // Describe, else Inspect as use
		use      service.TokenUse
		token    string
		fixes    []string // fix codes the report (or its error) carries
		says     string   // the console's words, when it has a way
	}{
		{name: "described", svc: onPool, describe: true, token: mint(),
			fixes: []string{inspect.FixExpectIssuer, inspect.FixAnyTokenUse, inspect.FixExpectClientID, inspect.FixRequireScope, inspect.FixRequireGroup},
			says:  "the profile's user_pool_id gives one"},
		{name: "described, no iss", svc: onPool, describe: true, token: mint("iss", nil), fixes: []string{inspect.FixExpectIssuer}},
		{name: "another issuer, no token_use", svc: onPool, describe: true, token: mint("iss", "https://login.example.com/", "token_use", nil),
			fixes: []string{inspect.FixExpectTokenUse}, says: "a pasted token may be of either kind"},
		{name: "pasted, expired just now", svc: onPool, token: mint("exp", minutes(-1)), fixes: []string{inspect.FixSkew, inspect.FixExpectClientID},
			says: "a pasted token is not held to the profile's client_id"},
		{name: "not valid yet", svc: onPool, use: service.TokenAccess, token: mint("nbf", minutes(10)), fixes: []string{inspect.FixSkew}},
		{name: "issued in the future", svc: onPool, use: service.TokenAccess, token: mint("iat", minutes(10)), fixes: []string{inspect.FixSkewDrift}},
		{name: "no issuer anywhere", svc: noPool, token: mint("iss", nil), fixes: []string{inspect.FixGiveIssuer}, says: "in the profile (its user_pool_id)"},
		{name: "unconfirmed issuer", svc: noPool, token: mint(), fixes: []string{inspect.FixConfirmIssuer}, says: "name its pool in the profile's user_pool_id"},
		{name: "plain http beyond loopback", svc: noPool, token: mint("iss", "http://login.example.com/eu-west-2_Abc"), fixes: []string{inspect.FixRelaxFetch}},
		{name: "a private address, unconfirmed", svc: noPool, token: mint("iss", "https://10.1.2.3/eu-west-2_Abc"),
			fixes: []string{inspect.FixConfirmOrRelax}, says: "the profile's user_pool_id confirms it"},
		{name: "an issuer that is no URL", svc: noPool, token: mint("iss", "urn:example:issuer"), fixes: []string{inspect.FixGiveJWKS}},
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		var r *inspect.Report
		var err error
		if tc.describe {
			r = tc.svc.Describe(tc.token)
		} else {
			r, err = tc.svc.Inspect(context.Background(), tc.token, tc.use)
		}
		if r == nil {
			t.Fatalf("%s: no report (%v)", tc.name, err)
		}
		// Everything the view draws of it.
		drawn := slices.Clone(r.Notes)
		var fixes []string
		for _, c := range r.Checks {
			drawn = append(drawn, c.Detail, c.Hint, c.Attack)
			if c.Fix != "" {
				fixes = append(fixes, c.Fix)
			}
		}
		if err != nil {
			drawn = append(drawn, err.Error())
		}
		text := strings.Join(drawn, "\n")
		for _, fx := range tc.fixes {
			if !slices.Contains(fixes, fx) {
				t.Errorf("%s: no check carries %s (%v):\n%s", tc.name, fx, fixes, text)
			}
			seen[fx] = true
		}
		if strings.Contains(text, "--") {
			t.Errorf("%s: a flag reaches the Tokens view:\n%s", tc.name, text)
		}
		if tc.says != "" && !strings.Contains(text, tc.says) {
			t.Errorf("%s: the console's words %q are missing:\n%s", tc.name, tc.says, text)
		}
	}
	for _, fx := range inspect.FixCodes {
		if !seen[fx] {
			t.Errorf("fix code %s: no case shows how the console words it", fx)
		}
	}
}
