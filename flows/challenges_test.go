package flows

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestNewPasswordRequired(t *testing.T) {
	t.Parallel()
	e := startEnv(t)
	o := e.opts(KindUserSRP, secretClient, "carol")
	o.Password = tempPassword
	f := e.flow(t, o)
	c := mustChallenge(t, "NEW_PASSWORD_REQUIRED")(f.Start(context.Background()))
	if c.Fields[0].Name != FieldNewPassword || !c.Fields[0].Secret {
		t.Fatalf("form = %+v", c.Fields)
	}
	// A password the policy refuses keeps the challenge open.
	_, err := f.Respond(context.Background(), Answer{FieldNewPassword: "short"})
	wantAPIError(t, err, "InvalidPasswordException", "")
	ans := Answer{FieldNewPassword: "N3w-Passw0rd!"}
	for _, a := range c.RequiredAttributes {
		ans["userAttributes."+a] = "x"
	}
	tk := mustTokens(t)(f.Respond(context.Background(), ans))
	if claimsOf(t, tk.IDToken).Username != "carol" {
		t.Errorf("id token for the wrong user")
	}
	js := mustJSON(t, f.Trace())
	if strings.Contains(js, "N3w-Passw0rd!") || strings.Contains(js, tempPassword) {
		t.Errorf("a password reached the trace")
	}
	// The new password works.
	o.Password = "N3w-Passw0rd!"
	mustTokens(t)(Run(context.Background(), e.flow(t, o), NonInteractive))
}

func TestSoftwareTokenMFA(t *testing.T) {
	t.Parallel()
	e := startEnv(t)
	f := e.flow(t, e.opts(KindUserSRP, publicClient, "totp"))
	c := mustChallenge(t, "SOFTWARE_TOKEN_MFA")(f.Start(context.Background()))
	if c.Fields[0].Name != FieldCode || c.Fields[0].Digits != 6 {
		t.Errorf("form = %+v", c.Fields)
	}
	good := e.totpCode(t, totpSecret)
	bad := "000000"
	if good == bad {
		bad = "111111"
	}
	_, err := f.Respond(context.Background(), Answer{FieldCode: bad})
	wantAPIError(t, err, "CodeMismatchException", "")
	if d := Diagnose(err); d.Ref != "a14" {
		t.Errorf("diagnosis = %+v", d)
	}
	if f.Pending() == nil {
		t.Fatal("challenge not kept after a wrong code")
	}
	mustTokens(t)(f.Respond(context.Background(), Answer{FieldCode: good}))
}

func TestCodeChallenges(t *testing.T) {
	t.Parallel()
	e := startEnv(t)
	cases := []struct {
		user, challenge, medium string
	}{
		{"sms", "SMS_MFA", "SMS"},
		{"mail", "EMAIL_OTP", "EMAIL"},
	}
	for _, c := range cases {
		t.Run(c.challenge, func(t *testing.T) {
			t.Parallel()
			f := e.flow(t, e.opts(KindUserPassword, publicClient, c.user))
			ch := mustChallenge(t, c.challenge)(f.Start(context.Background()))
			if ch.DeliveryMedium != c.medium || ch.Destination == "" || !strings.Contains(ch.Destination, "*") {
				t.Errorf("delivery = %q to %q, want masked %s", ch.DeliveryMedium, ch.Destination, c.medium)
			}
			mustTokens(t)(f.Respond(context.Background(), Answer{FieldCode: e.sentCode(t, c.user)}))
		})
	}
}

func TestSelectMFAType(t *testing.T) {
	t.Parallel()
	e := startEnv(t)
	f := e.flow(t, e.opts(KindUserSRP, publicClient, "both"))
	c := mustChallenge(t, "SELECT_MFA_TYPE")(f.Start(context.Background()))
	if len(c.Options) < 2 {
		t.Fatalf("options = %v", c.Options)
	}
	if _, err := f.Respond(context.Background(), Answer{FieldChoice: "CARRIER_PIGEON"}); !errors.Is(err, ErrInvalidAnswer) {
		t.Errorf("bad choice: %v", err)
	}
	mustChallenge(t, "SOFTWARE_TOKEN_MFA")(f.Respond(context.Background(), Answer{FieldChoice: "SOFTWARE_TOKEN_MFA"}))
	mustTokens(t)(f.Respond(context.Background(), Answer{FieldCode: e.totpCode(t, totpSecret)}))
}

func TestMFASetup(t *testing.T) {
	t.Parallel()
	e := startEnv(t)
	o := e.opts(KindUserSRP, setupClient, "newbie")
	o.UserPoolID = setupPoolID
	o.TOTPIssuer = "Test Issuer"
	f := e.flow(t, o)
	c := mustChallenge(t, "MFA_SETUP")(f.Start(context.Background()))
	u, err := url.Parse(c.OTPAuthURI)
	if err != nil || u.Scheme != "otpauth" || u.Host != "totp" {
		t.Fatalf("otpauth URI %q: %v", c.OTPAuthURI, err)
	}
	if u.Path != "/Test Issuer:newbie" || u.Query().Get("issuer") != "Test Issuer" {
		t.Errorf("label %q issuer %q", u.Path, u.Query().Get("issuer"))
	}
	secret := u.Query().Get("secret")
	if strings.Contains(mustJSON(t, f.Trace()), secret) {
		t.Error("the TOTP secret reached the trace")
	}
	mustTokens(t)(f.Respond(context.Background(), Answer{FieldCode: e.totpCode(t, secret)}))
	var ops []string
	for _, s := range f.Trace() {
		ops = append(ops, s.Operation)
	}
	want := "InitiateAuth,PASSWORD_CLAIM,RespondToAuthChallenge,AssociateSoftwareToken,VerifySoftwareToken,RespondToAuthChallenge"
	if strings.Join(ops, ",") != want {
		t.Errorf("steps = %v", ops)
	}
	// Enrolled: the next sign-in asks for the authenticator's code.
	f2 := e.flow(t, o)
	mustChallenge(t, "SOFTWARE_TOKEN_MFA")(f2.Start(context.Background()))
}

func TestCustomAuth(t *testing.T) {
	t.Parallel()
	e := startEnv(t)
	for _, kind := range []Kind{KindCustom, KindCustomSRP} {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			f := e.flow(t, e.opts(kind, secretClient, "custom"))
			c := mustChallenge(t, "CUSTOM_CHALLENGE")(f.Start(context.Background()))
			if c.Parameters["question"] != "2+2?" || !strings.Contains(c.Prompt, "2+2?") {
				t.Errorf("challenge = %+v", c)
			}
			c = mustChallenge(t, "CUSTOM_CHALLENGE")(f.Respond(context.Background(), Answer{FieldAnswer: "4"}))
			if c.Parameters["question"] != "capital of France?" {
				t.Errorf("second round = %+v", c.Parameters)
			}
			mustTokens(t)(f.Respond(context.Background(), Answer{FieldAnswer: "Paris"}))
			if kind == KindCustomSRP && f.Trace()[0].Request["AuthParameters.CHALLENGE_NAME"] != "SRP_A" {
				t.Errorf("custom SRP did not start with SRP_A: %+v", f.Trace()[0].Request)
			}
		})
	}
}

func TestUserAuth(t *testing.T) {
	t.Parallel()
	e := startEnv(t)
	t.Run("choose password", func(t *testing.T) {
		t.Parallel()
		f := e.flow(t, e.opts(KindUserAuth, publicClient, "alice"))
		c := mustChallenge(t, "SELECT_CHALLENGE")(f.Start(context.Background()))
		if !contains(c.Options, "PASSWORD") || !contains(c.Options, "EMAIL_OTP") {
			t.Fatalf("options = %v", c.Options)
		}
		mustTokens(t)(f.Respond(context.Background(), Answer{FieldChoice: "PASSWORD"}))
	})
	t.Run("choose SRP without a password", func(t *testing.T) {
		t.Parallel()
		o := e.opts(KindUserAuth, publicClient, "alice")
		o.Password = ""
		f := e.flow(t, o)
		mustChallenge(t, "SELECT_CHALLENGE")(f.Start(context.Background()))
		c := mustChallenge(t, "PASSWORD")(f.Respond(context.Background(), Answer{FieldChoice: "PASSWORD_SRP"}))
		if !c.Fields[0].Secret {
			t.Errorf("password field not masked")
		}
		mustTokens(t)(f.Respond(context.Background(), Answer{FieldPassword: password}))
	})
	t.Run("email code", func(t *testing.T) {
		t.Parallel()
		o := e.opts(KindUserAuth, publicClient, "alice")
		o.PreferredChallenge = "EMAIL_OTP"
		f := e.flow(t, o)
		c := mustChallenge(t, "EMAIL_OTP")(f.Start(context.Background()))
		if c.Destination == "" {
			t.Errorf("no destination: %+v", c)
		}
		mustTokens(t)(f.Respond(context.Background(), Answer{FieldCode: e.sentCode(t, "alice")}))
	})
	t.Run("sms code", func(t *testing.T) {
		t.Parallel()
		o := e.opts(KindUserAuth, secretClient, "sms")
		o.Password = ""
		f := e.flow(t, o)
		c := mustChallenge(t, "SELECT_CHALLENGE")(f.Start(context.Background()))
		if !contains(c.Options, "SMS_OTP") {
			t.Fatalf("options = %v", c.Options)
		}
		c = mustChallenge(t, "SMS_OTP")(f.Respond(context.Background(), Answer{FieldChoice: "SMS_OTP"}))
		if c.DeliveryMedium != "SMS" || !strings.Contains(c.Destination, "*") {
			t.Errorf("delivery = %+v", c)
		}
		mustTokens(t)(f.Respond(context.Background(), Answer{FieldCode: e.sentCode(t, "sms")}))
	})
	t.Run("web authn is explained", func(t *testing.T) {
		t.Parallel()
		o := e.opts(KindUserAuth, publicClient, "passkey")
		o.PreferredChallenge = "WEB_AUTHN"
		f := e.flow(t, o)
		res, err := Run(context.Background(), f, NonInteractive)
		var ue *UnanswerableError
		if !errors.As(err, &ue) || ue.Challenge != "WEB_AUTHN" || !strings.Contains(ue.Reason, "terminal") {
			t.Fatalf("err = %v, res = %+v", err, res)
		}
	})
}

func TestExpiredSession(t *testing.T) {
	t.Parallel()
	e := startEnv(t)
	f := e.flow(t, e.opts(KindUserSRP, publicClient, "totp"))
	mustChallenge(t, "SOFTWARE_TOKEN_MFA")(f.Start(context.Background()))
	e.clock.Advance(16 * time.Minute) // past any AuthSessionValidity (3-15 minutes)
	_, err := f.Respond(context.Background(), Answer{FieldCode: e.totpCode(t, totpSecret)})
	wantAPIError(t, err, "NotAuthorizedException", "")
	if d := Diagnose(err); d.Ref != "a12" {
		t.Errorf("diagnosis = %+v", d)
	}
}
