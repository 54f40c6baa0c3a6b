package cli

import (
	"context"
	"strings"

	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/ui/service"
)

// localHint tells a user of the local stack how to reach AWS instead.
const localHint = "no AWS target: --profile NAME (config.toml) points at AWS"

// consoleTarget is everything the console's services need to know about
// where they go; view is its face in the header and the forms.
type consoleTarget struct {
	// loginTarget is the pool, client (and secret), region, endpoint and
	// profile, resolved as login resolves them; Ephemeral marks the
	// in-process stack, whose tokens are not worth saving.
	loginTarget
	// Issuer and Domain name the hosted UI (the pool's issuer lists its
	// domain's endpoints); RedirectURI is the registered loopback
	// callback, "" for a free port on 127.0.0.1; Scopes are the
	// profile's hosted-UI scopes.
	Issuer, Domain, RedirectURI string
	Scopes                      []string
	// CCClientID and CCClientSecret are the client of the client
	// credentials grant: the demo's confidential client on the local
	// stack, the profile's client otherwise.
	CCClientID, CCClientSecret string
	// stack is set while the in-process stack has yet to start.
	stack bool
}

// resolveConsoleTarget works out the target from the flags and the
// profile, as login does. With no pool, client or hosted-UI domain it is
// the local stack's demo pool: the `cogscope local` at --endpoint (or the
// profile's endpoint), else a stack started in-process after the first
// frame.
func resolveConsoleTarget(ctx context.Context, f *Factory) (consoleTarget, error) {
	prof, name, err := activeProfile(f)
	if err != nil {
		return consoleTarget{}, err
	}
	t := consoleTarget{loginTarget: profileTarget(f, prof, name, "", "", "")}
	t.Domain, t.RedirectURI, t.Scopes = prof.HostedUI.Domain, prof.HostedUI.CallbackURL, prof.HostedUI.Scopes
	if t.UserPoolID == "" && t.ClientID == "" && t.Domain == "" {
		if t.Endpoint == "" {
			t.stack = true
			return t, nil
		}
		demo, _, err := localDemoTarget(ctx, f, t.Endpoint, t.Region) // returns at once: nothing to start
		if err != nil {
			return t, usageErr("%v", err)
		}
		t.useDemo(demo)
		return t, checkTarget(&t.loginTarget, true, true)
	}
	if err := checkTarget(&t.loginTarget, false, false); err != nil {
		return t, err
	}
	secret, err := prof.ClientSecret(ctx, f.Env)
	if err != nil {
		return t, usageErr("profile %s: %v", name, err)
	}
	t.ClientSecret = secret
	t.CCClientID, t.CCClientSecret = t.ClientID, secret
	if t.UserPoolID != "" {
		t.Issuer = poolIssuer(t.Endpoint, t.Region, t.UserPoolID)
	}
	return t, nil
}

// needsStack reports whether the in-process stack has yet to start.
func (t consoleTarget) needsStack() bool { return t.stack }

// useDemo points the target at the local stack's demo pool, its hosted UI
// and its clients.
func (t *consoleTarget) useDemo(d demoTarget) {
	t.stack = false
	t.Endpoint, t.UserPoolID, t.ClientID = d.Endpoint, d.UserPoolID, d.ClientID
	t.Region = firstNonEmpty(t.Region, d.Region)
	t.Username, t.Password = d.Username, d.Password
	t.Ephemeral = d.Ephemeral
	t.Issuer = poolIssuer(d.Endpoint, t.Region, d.UserPoolID)
	t.RedirectURI = demoCallbackURL
	t.CCClientID, t.CCClientSecret = cognito.DemoSecretClientID, cognito.DemoClientSecret
}

// view is the target as the header and the sign-in form show it.
func (t consoleTarget) view() service.Target {
	v := service.Target{Profile: t.Profile, Endpoint: t.Endpoint, Region: t.Region, PoolID: t.UserPoolID,
		ClientID: t.ClientID, Username: t.Username, Scopes: "openid email profile"}
	if len(t.Scopes) > 0 {
		v.Scopes = strings.Join(t.Scopes, " ")
	}
	switch {
	case t.stack || t.Ephemeral:
		v.Kind, v.Hint = service.TargetLocal, localHint
		// The demo user's password is public (README); pre-filling it
		// makes the first sign-in three presses of enter.
		v.Password = t.Password
	case t.Endpoint != "":
		v.Kind = service.TargetEndpoint
		if t.UserPoolID == cognito.DemoPoolID {
			v.Password = t.Password
		}
	default:
		v.Kind = service.TargetAWS
	}
	return v
}

// sessionKey names the session of the client that signed in, as login
// names it: the profile, else the pool (or the issuer's pool, or the
// domain's host) and the client.
func (t consoleTarget) sessionKey(clientID string) string {
	return config.SessionKey(t.Profile, firstNonEmpty(t.UserPoolID, poolOf(t.Issuer), hostOf(t.Domain)), clientID)
}
