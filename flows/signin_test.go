package flows

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func TestSignInFlows(t *testing.T) {
	t.Parallel()
	e := startEnv(t)
	cases := []struct {
		name   string
		kind   Kind
		client string
		user   string
		steps  []string // operations, in order
	}{
		{"srp", KindUserSRP, publicClient, "alice", []string{"InitiateAuth", "PASSWORD_CLAIM", "RespondToAuthChallenge"}},
		{"srp by alias with secret", KindUserSRP, secretClient, "alice@example.com", []string{"InitiateAuth", "PASSWORD_CLAIM", "RespondToAuthChallenge"}},
		{"password", KindUserPassword, publicClient, "alice", []string{"InitiateAuth"}},
		{"password with secret", KindUserPassword, secretClient, "alice", []string{"InitiateAuth"}},
		{"admin password", KindAdminUserPassword, secretClient, "alice", []string{"AdminInitiateAuth"}},
		{"user auth preferred password", KindUserAuth, publicClient, "alice", []string{"InitiateAuth"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			o := e.opts(c.kind, c.client, c.user)
			if c.kind == KindUserAuth {
				o.PreferredChallenge = "PASSWORD"
			}
			var live []string
			o.OnStep = func(s Step) { live = append(live, s.Operation) }
			f := e.flow(t, o)
			tk := mustTokens(t)(Run(context.Background(), f, NonInteractive))
			if got := claimsOf(t, tk.AccessToken); got.Username != "alice" || got.TokenUse != "access" || got.ClientID != c.client {
				t.Errorf("access token claims = %+v", got)
			}
			if tk.RefreshToken == "" || tk.IDToken == "" || tk.ExpiresIn <= 0 || tk.TokenType != "Bearer" {
				t.Errorf("tokens = %+v", tk)
			}
			if strings.Join(live, ",") != strings.Join(c.steps, ",") {
				t.Errorf("steps = %v, want %v", live, c.steps)
			}
			for _, s := range f.Trace() {
				if s.Kind == StepCall && (s.RequestID == "" || s.DurationMS <= 0) {
					t.Errorf("step %d %s: request id %q, duration %v", s.Index, s.Operation, s.RequestID, s.DurationMS)
				}
			}
		})
	}
}

// TestSRPSecretHashUsesEchoedName: signing in by e-mail alias, the
// PASSWORD_VERIFIER answer and its SECRET_HASH use USER_ID_FOR_SRP.
func TestSRPSecretHashUsesEchoedName(t *testing.T) {
	t.Parallel()
	e := startEnv(t)
	f := e.flow(t, e.opts(KindUserSRP, secretClient, "alice@example.com"))
	mustTokens(t)(f.Start(context.Background()))
	tr := f.Trace()
	if got := tr[0].SecretHash; got == nil || got.Username != "alice@example.com" || got.Source != HashFromTyped {
		t.Errorf("InitiateAuth hashed %+v", got)
	}
	if got := tr[2].SecretHash; got == nil || got.Username != "alice" || got.Source != HashFromUserIDForSRP {
		t.Errorf("PASSWORD_VERIFIER hashed %+v", got)
	}
	if got := tr[2].Request["ChallengeResponses.USERNAME"]; got != "alice" {
		t.Errorf("PASSWORD_VERIFIER USERNAME = %q", got)
	}
	v := tr[1].SRP
	if v == nil || v.PoolName != "FlowsPool" || v.UserID != "alice" || v.X != Redacted || v.Key != Redacted || v.U == "" || v.Signature == "" {
		t.Errorf("SRP values = %+v", v)
	}
	if _, err := time.Parse("Mon Jan 2 15:04:05 MST 2006", v.Timestamp); err != nil {
		t.Errorf("TIMESTAMP %q: %v", v.Timestamp, err)
	}
}

func TestSignInFailures(t *testing.T) {
	t.Parallel()
	e := startEnv(t)
	cases := []struct {
		name       string
		kind       Kind
		client     string
		user, pw   string
		secret     *string
		typ, msg   string
		causeMatch string
	}{
		{"wrong password srp", KindUserSRP, publicClient, "alice", "nope-Wr0ng!", nil, "NotAuthorizedException", "Incorrect username or password.", "TIMESTAMP"},
		{"wrong password", KindUserPassword, publicClient, "alice", "nope-Wr0ng!", nil, "NotAuthorizedException", "Incorrect username or password.", "Wrong password"},
		{"unconfirmed", KindUserSRP, publicClient, "bob", password, nil, "UserNotConfirmedException", "User is not confirmed.", "never confirmed"},
		{"unknown user", KindUserPassword, publicClient, "nobody", password, nil, "UserNotFoundException", "User does not exist.", "no such user"},
		{"bad secret hash", KindUserSRP, secretClient, "alice", password, aws.String("wrong-secret"), "NotAuthorizedException", "Unable to verify secret hash for client " + secretClient, "SECRET_HASH does not match"},
		{"missing secret", KindUserPassword, secretClient, "alice", password, aws.String(""), "NotAuthorizedException", "Client " + secretClient + " is configured for secret but secret was not received", "has a client secret"},
		{"password flow not enabled", KindUserPassword, srpOnlyClient, "alice", password, nil, "InvalidParameterException", "", "USER_PASSWORD_AUTH is not enabled"},
		{"custom flow not enabled", KindCustom, srpOnlyClient, "custom", password, nil, "InvalidParameterException", "", "CUSTOM_AUTH is not enabled"},
		{"unknown client", KindUserPassword, "nosuchclient0000000000000", "alice", password, nil, "ResourceNotFoundException", "", "app client"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			o := e.opts(c.kind, c.client, c.user)
			o.Password = c.pw
			if c.secret != nil {
				o.ClientSecret = *c.secret
			}
			f := e.flow(t, o)
			_, err := Run(context.Background(), f, NonInteractive)
			wantAPIError(t, err, c.typ, c.msg)
			d := Diagnose(err)
			if !strings.Contains(d.Cause, c.causeMatch) {
				t.Errorf("diagnosis %q lacks %q", d.Cause, c.causeMatch)
			}
			last := f.Trace()[len(f.Trace())-1]
			if last.Error == nil || last.Error.Type != c.typ {
				t.Errorf("last step error = %+v", last.Error)
			}
		})
	}
}

// TestSRPClockSkew: a machine clock far from Cognito's makes a correct
// password fail; the diagnosis measures the skew from the Date header.
func TestSRPClockSkew(t *testing.T) {
	t.Parallel()
	e := startEnv(t)
	o := e.opts(KindUserSRP, publicClient, "alice")
	f := e.flow(t, o)
	mustTokens(t)(f.Start(context.Background()))
	if d := Diagnose(&CallError{Flow: KindUserSRP, Challenge: "PASSWORD_VERIFIER", ClockSkew: e.skewOf(f),
		API: &APIError{Type: "NotAuthorizedException", Message: "Incorrect username or password."}, Err: errors.New("x")}); !strings.Contains(d.Cause, "clocks agree") {
		t.Errorf("in-sync clocks: %s", d.Cause)
	}

	// The machine's clock runs 10 minutes ahead of Cognito's (whose Date
	// header comes from the real clock).
	o.Now = func() time.Time { return time.Now().Add(10 * time.Minute) }
	f = e.flow(t, o)
	_, err := f.Start(context.Background())
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	d := Diagnose(err)
	if !strings.Contains(d.Cause, "clock is 10m") {
		t.Errorf("diagnosis = %s", d.Cause)
	}
}

func (e *env) skewOf(f *Flow) *time.Duration { return f.skew }
