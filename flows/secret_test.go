package flows

import (
	"context"
	"net/url"
	"strings"
	"testing"
)

func TestIsSecretKey(t *testing.T) {
	t.Parallel()
	cases := map[string]bool{
		"AuthParameters.PASSWORD":           true,
		"ChallengeResponses.NEW_PASSWORD":   true,
		"ChallengeResponses.SECRET_HASH":    true,
		"AuthParameters.REFRESH_TOKEN":      true,
		"AuthenticationResult.RefreshToken": true,
		"RefreshToken":                      true,
		"ClientSecret":                      true,
		"SecretCode":                        true,
		"DevicePassword":                    true,
		"code_verifier":                     true,
		"code":                              true,
		"refresh_token":                     true,
		"client_secret":                     true,
		"Authorization":                     true,
		"srp.x":                             true,
		"srp.key":                           true,
		"AuthParameters.USERNAME":           false,
		"AuthParameters.SRP_A":              false,
		"ChallengeParameters.SECRET_BLOCK":  false,
		"ChallengeResponses.PASSWORD_CLAIM_SIGNATURE": false,
		"AuthenticationResult.AccessToken":            false,
		"AuthenticationResult.IdToken":                false,
		"Session":                                     false,
		"ChallengeResponses.SOFTWARE_TOKEN_MFA_CODE":  false,
		"code_challenge":                              false,
		"state":                                       false,
		"access_token":                                false,
		"srp.a":                                       false,
		"srp.salt":                                    false,
		"srp.signature":                               false,
		"PASSWORD_CLAIM":                              false,
		"":                                            false,
		"x":                                           false, // only SRP's x is one
	}
	for key, want := range cases {
		if got := IsSecretKey(key); got != want {
			t.Errorf("IsSecretKey(%q) = %v, want %v", key, got, want)
		}
	}
}

// Every value a trace without Reveal redacts is under a key IsSecretKey
// names, and every key it names is redacted: the console, which records
// with Reveal and masks by IsSecretKey, hides exactly what the CLI hides.
func TestIsSecretKeyMatchesRedaction(t *testing.T) {
	t.Parallel()
	e := startEnv(t)
	ctx := context.Background()
	var traces [][]Step

	run := func(o Options, answers ...func(*Challenge) Answer) *Tokens {
		t.Helper()
		f := e.flow(t, o)
		res, err := f.Start(ctx)
		for _, a := range answers {
			if err != nil || res.Done() {
				break
			}
			res, err = f.Respond(ctx, a(res.Challenge))
		}
		traces = append(traces, f.Trace())
		return checkTokens(t, res, err)
	}

	// SRP and passwords with a client secret: PASSWORD, SECRET_HASH, SRP x
	// and key, the refresh token in the result.
	tk := run(e.opts(KindUserSRP, secretClient, "alice"))
	run(e.opts(KindUserPassword, secretClient, "alice"))
	// A new password.
	np := e.opts(KindUserPassword, secretClient, "carol")
	np.Password = tempPassword
	run(np, func(c *Challenge) Answer {
		a := Answer{FieldNewPassword: "N3w-Passw0rd!"}
		for _, attr := range c.RequiredAttributes {
			a["userAttributes."+attr] = "x"
		}
		return a
	})
	// MFA setup (SecretCode) and a new device (DevicePassword).
	setup := e.opts(KindUserSRP, setupClient, "newbie")
	setup.UserPoolID = setupPoolID
	run(setup, func(c *Challenge) Answer {
		u, err := url.Parse(c.OTPAuthURI)
		if err != nil {
			t.Fatal(err)
		}
		return Answer{FieldCode: e.totpCode(t, u.Query().Get("secret"))}
	})
	dev := e.opts(KindUserSRP, deviceClient, "dora")
	dev.UserPoolID = devicePoolID
	run(dev, func(*Challenge) Answer { return Answer{FieldCode: e.totpCode(t, totpSecret)} })
	// Both refresh operations with a secret: REFRESH_TOKEN, RefreshToken,
	// ClientSecret.
	ref := e.opts(KindRefreshTokenAuth, secretClient, "")
	ref.RefreshToken, ref.AccessToken = tk.RefreshToken, tk.AccessToken
	run(ref)
	rot := e.opts(KindUserPassword, rotatingSec, "alice")
	rtk := run(rot)
	gt := e.opts(KindGetTokensFromRefreshToken, rotatingSec, "")
	gt.RefreshToken = rtk.RefreshToken
	run(gt)

	seen := map[string]bool{}
	for _, trace := range traces {
		for _, s := range trace {
			for _, members := range []map[string]string{s.Request, s.Response} {
				for k, v := range members {
					if v == "" {
						continue
					}
					if redacted := v == Redacted; redacted != IsSecretKey(k) {
						t.Errorf("step %d %s: %s = %q, but IsSecretKey says %v", s.Index, s.Operation, k, v, IsSecretKey(k))
					}
					if v == Redacted {
						seen[k[strings.LastIndexByte(k, '.')+1:]] = true
					}
				}
			}
			if v := s.SRP; v != nil {
				for name, val := range map[string]string{"x": v.X, "key": v.Key, "a": v.A, "b": v.B, "salt": v.Salt, "u": v.U, "signature": v.Signature} {
					if (val == Redacted) != IsSecretKey("srp."+name) {
						t.Errorf("step %d: srp.%s = %q, but IsSecretKey says %v", s.Index, name, val, IsSecretKey("srp."+name))
					}
				}
			}
		}
	}
	// The journeys above really met the Cognito API's secrets.
	for _, k := range []string{"PASSWORD", "NEW_PASSWORD", "SECRET_HASH", "REFRESH_TOKEN", "RefreshToken", "ClientSecret", "SecretCode", "DevicePassword"} {
		if !seen[k] {
			t.Errorf("no trace redacted a %s: the journeys no longer cover it", k)
		}
	}
}
