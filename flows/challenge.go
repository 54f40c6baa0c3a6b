package flows

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/flows/srp"
)

// ErrInvalidAnswer is wrapped by Respond's errors for an answer that does
// not fit the challenge's form (a missing field, a choice not offered).
var ErrInvalidAnswer = fmt.Errorf("invalid answer")

const webAuthnReason = "WEB_AUTHN needs a passkey or security key through a browser or the operating system's authenticator; " +
	"a terminal cannot run the WebAuthn ceremony. Choose another factor (PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP) or sign in through the hosted UI."

// buildChallenge turns a challenge Cognito returned into the form the
// caller fills in.
func (f *Flow) buildChallenge(out authOut) *Challenge {
	p := out.params
	c := &Challenge{Name: out.name, Parameters: p, Username: f.username, IssuedAt: f.now()}
	code := func(digits int) Field {
		return Field{Name: FieldCode, Label: "Code", Digits: digits}
	}
	sent := func(what string) {
		c.DeliveryMedium = p["CODE_DELIVERY_DELIVERY_MEDIUM"]
		c.Destination = p["CODE_DELIVERY_DESTINATION"]
		c.Prompt = "Enter the " + what
		if c.Destination != "" {
			c.Prompt += " sent to " + c.Destination
		}
	}
	switch types.ChallengeNameType(out.name) {
	case types.ChallengeNameTypeSmsMfa:
		sent("SMS code")
		c.Fields = []Field{code(6)}
	case types.ChallengeNameTypeSmsOtp:
		sent("one-time code sent by SMS")
		c.Fields = []Field{code(0)}
	case types.ChallengeNameTypeEmailOtp:
		sent("code sent by e-mail")
		c.Fields = []Field{code(0)}
	case types.ChallengeNameTypeSoftwareTokenMfa:
		c.Prompt = "Enter the 6-digit code from your authenticator app"
		if n := p["FRIENDLY_DEVICE_NAME"]; n != "" {
			c.Prompt += " (" + n + ")"
		}
		c.Fields = []Field{code(6)}
	case types.ChallengeNameTypeSelectMfaType:
		c.Options = jsonStrings(p["MFAS_CAN_CHOOSE"])
		c.Prompt = "Choose the second factor to sign in with"
		c.Fields = []Field{{Name: FieldChoice, Label: "MFA type", Options: c.Options}}
	case types.ChallengeNameTypeSelectChallenge:
		c.Options = out.available
		if len(c.Options) == 0 {
			c.Options = jsonStrings(p["AVAILABLE_CHALLENGES"])
		}
		c.Prompt = "Choose how to sign in"
		c.Fields = []Field{{Name: FieldChoice, Label: "Sign-in factor", Options: c.Options}}
	case types.ChallengeNameTypeNewPasswordRequired:
		c.Prompt = "Choose a new password (the account has a temporary one)"
		c.Fields = []Field{{Name: FieldNewPassword, Label: "New password", Secret: true}}
		attrs := map[string]string{}
		_ = json.Unmarshal([]byte(p["userAttributes"]), &attrs) // absent or malformed: no attributes to show
		if len(attrs) > 0 {
			c.UserAttributes = attrs
		}
		for _, r := range jsonStrings(p["requiredAttributes"]) {
			name := strings.TrimPrefix(r, "userAttributes.")
			c.RequiredAttributes = append(c.RequiredAttributes, name)
			c.Fields = append(c.Fields, Field{Name: "userAttributes." + name, Label: name})
		}
		if len(c.RequiredAttributes) > 0 {
			c.Prompt += ", and fill in the required attributes " + strings.Join(c.RequiredAttributes, ", ")
		}
	case types.ChallengeNameTypeCustomChallenge:
		c.Prompt = "Answer the custom challenge"
		keys := make([]string, 0, len(p))
		for k := range p {
			if k != "USERNAME" && k != "USER_ID_FOR_SRP" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for i, k := range keys {
			if i == 0 {
				c.Prompt += ": "
			} else {
				c.Prompt += ", "
			}
			c.Prompt += k + "=" + p[k]
		}
		c.Fields = []Field{{Name: FieldAnswer, Label: "Answer"}}
	case types.ChallengeNameTypeWebAuthn:
		c.Prompt = "Sign in with a passkey"
		c.Unanswerable = webAuthnReason
	default:
		c.Prompt = "Answer the " + out.name + " challenge"
		c.Unanswerable = "cogscope does not know how to answer " + out.name
	}
	return c
}

// passwordChallenge is the PASSWORD pseudo-challenge: USER_AUTH chose a
// password factor and the flow has no password yet.
func (f *Flow) passwordChallenge(choice string) *pending {
	return &pending{choice: choice, c: &Challenge{
		Name: "PASSWORD", Username: f.username, IssuedAt: f.now(),
		Prompt: "Enter the password (" + choice + ")",
		Fields: []Field{{Name: FieldPassword, Label: "Password", Secret: true}},
	}}
}

func jsonStrings(s string) []string {
	var v []string
	if s == "" || json.Unmarshal([]byte(s), &v) != nil {
		return nil
	}
	return v
}

// checkAnswer verifies the answer fills the challenge's form.
func checkAnswer(c *Challenge, a Answer) error {
	for _, fl := range c.Fields {
		v := a[fl.Name]
		if v == "" {
			if fl.Optional {
				continue
			}
			return fmt.Errorf("%w to %s: %s is empty", ErrInvalidAnswer, c.Name, fl.Label)
		}
		if len(fl.Options) > 0 && !slices.Contains(fl.Options, v) {
			return fmt.Errorf("%w to %s: %q is not one of %s", ErrInvalidAnswer, c.Name, v, strings.Join(fl.Options, ", "))
		}
	}
	return nil
}

// answer sends the answer to a pending challenge. next is set when the
// flow needs one more input before it can call Cognito (PASSWORD).
func (f *Flow) answer(ctx context.Context, p *pending, a Answer) (out authOut, next *pending, err error) {
	name := p.c.Name
	one := func(key string) (authOut, *pending, error) {
		out, err := f.respond(ctx, name, params{}.add(key, a[FieldCode]), nil)
		return out, nil, err
	}
	switch name {
	case string(types.ChallengeNameTypeSmsMfa):
		return one("SMS_MFA_CODE")
	case string(types.ChallengeNameTypeSoftwareTokenMfa):
		return one("SOFTWARE_TOKEN_MFA_CODE")
	case string(types.ChallengeNameTypeEmailOtp):
		return one("EMAIL_OTP_CODE")
	case string(types.ChallengeNameTypeSmsOtp):
		return one("SMS_OTP_CODE")
	case string(types.ChallengeNameTypeSelectMfaType):
		out, err := f.respond(ctx, name, params{}.add("ANSWER", a[FieldChoice]), nil)
		return out, nil, err
	case string(types.ChallengeNameTypeCustomChallenge):
		out, err := f.respond(ctx, name, params{}.add("ANSWER", a[FieldAnswer]), nil)
		return out, nil, err
	case string(types.ChallengeNameTypeNewPasswordRequired):
		ps := params{}.add("NEW_PASSWORD", a[FieldNewPassword])
		for _, attr := range p.c.RequiredAttributes {
			ps = ps.add("userAttributes."+attr, a["userAttributes."+attr])
		}
		out, err := f.respond(ctx, name, ps, nil)
		if err == nil {
			f.password = a[FieldNewPassword]
		}
		return out, nil, err
	case string(types.ChallengeNameTypeMfaSetup):
		out, err := f.finishMFASetup(ctx, p, a[FieldCode])
		return out, nil, err
	case string(types.ChallengeNameTypeSelectChallenge):
		return f.selectChallenge(ctx, a[FieldChoice], a[FieldPassword])
	case "PASSWORD":
		f.password = a[FieldPassword]
		return f.selectChallenge(ctx, p.choice, a[FieldPassword])
	}
	return authOut{}, nil, &UnanswerableError{Challenge: name, Reason: "cogscope does not know how to answer it"}
}

// selectChallenge answers USER_AUTH's SELECT_CHALLENGE. A password factor
// goes with the password (or SRP_A) in the same request.
func (f *Flow) selectChallenge(ctx context.Context, choice, password string) (authOut, *pending, error) {
	name := string(types.ChallengeNameTypeSelectChallenge)
	if password == "" {
		password = f.password
	}
	ps := params{}.add("ANSWER", choice)
	switch choice {
	case "PASSWORD":
		if password == "" {
			return authOut{}, f.passwordChallenge(choice), nil
		}
		ps = ps.add("PASSWORD", password)
	case "PASSWORD_SRP":
		if password == "" {
			return authOut{}, f.passwordChallenge(choice), nil
		}
		if err := ValidateUserPoolID(f.o.UserPoolID); err != nil {
			return authOut{}, nil, fmt.Errorf("PASSWORD_SRP needs the user pool ID: %w", err)
		}
		c, err := srp.NewClient()
		if err != nil {
			return authOut{}, nil, err
		}
		f.srpUser = c
		ps = ps.add("SRP_A", c.AHex())
	case "WEB_AUTHN":
		return authOut{}, nil, &UnanswerableError{Challenge: "WEB_AUTHN", Reason: webAuthnReason}
	}
	f.password = password
	out, err := f.respond(ctx, name, ps, nil)
	return out, nil, err
}

// startMFASetup associates a software token for MFA_SETUP, so the
// challenge can carry the otpauth URI the user enrols with.
func (f *Flow) startMFASetup(ctx context.Context, out authOut) (*pending, error) {
	c := f.buildChallenge(authOut{name: out.name, params: out.params})
	c.Unanswerable = ""
	canSetup := jsonStrings(out.params["MFAS_CAN_SETUP"])
	if len(canSetup) > 0 && !slices.Contains(canSetup, string(types.ChallengeNameTypeSoftwareTokenMfa)) {
		c.Prompt = "Set up MFA (" + strings.Join(canSetup, ", ") + ")"
		c.Unanswerable = "the pool only offers " + strings.Join(canSetup, ", ") + " for setup; cogscope sets up authenticator apps (SOFTWARE_TOKEN_MFA)"
		return &pending{c: c, params: out.params}, nil
	}
	r := f.begin(StepCall, "AssociateSoftwareToken", "AssociateSoftwareToken (MFA_SETUP)")
	r.Step.Challenge = out.name
	r.Request("Session", deref(f.session))
	o, err := f.o.API.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: f.session})
	if err != nil {
		ce := r.fail(&CallError{Op: "associate a software token for MFA_SETUP", Operation: "AssociateSoftwareToken", Challenge: out.name}, err)
		r.End()
		return nil, ce
	}
	r.meta(o.ResultMetadata)
	r.Response("SecretCode", deref(o.SecretCode))
	r.Response("Session", deref(o.Session))
	r.Note("The secret goes into an authenticator app through the otpauth URI; the first code it shows verifies it.")
	r.End()

	label := f.o.Username
	if label == "" {
		label = f.username
	}
	c.OTPAuthURI = "otpauth://totp/" + url.PathEscape(f.o.TOTPIssuer) + ":" + url.PathEscape(label) +
		"?secret=" + url.QueryEscape(deref(o.SecretCode)) + "&issuer=" + url.QueryEscape(f.o.TOTPIssuer)
	c.Prompt = "Add the account to an authenticator app (scan the QR code or open the otpauth URI), then enter its first code"
	c.Fields = []Field{{Name: FieldCode, Label: "Code", Digits: 6}}
	setup := deref(o.Session)
	if setup == "" {
		setup = deref(f.session)
	}
	return &pending{c: c, params: out.params, setupSession: setup}, nil
}

// finishMFASetup verifies the first code, then answers MFA_SETUP with the
// Session VerifySoftwareToken returned.
func (f *Flow) finishMFASetup(ctx context.Context, p *pending, code string) (authOut, error) {
	r := f.begin(StepCall, "VerifySoftwareToken", "VerifySoftwareToken (MFA_SETUP)")
	r.Step.Challenge = p.c.Name
	r.Request("Session", p.setupSession)
	r.Request("UserCode", code)
	r.Request("FriendlyDeviceName", f.o.DeviceName)
	o, err := f.o.API.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{
		Session: aws.String(p.setupSession), UserCode: aws.String(code), FriendlyDeviceName: aws.String(f.o.DeviceName),
	})
	if err != nil {
		ce := r.fail(&CallError{Op: "verify the first code for MFA_SETUP", Operation: "VerifySoftwareToken", Challenge: p.c.Name}, err)
		r.End()
		return authOut{}, ce
	}
	r.meta(o.ResultMetadata)
	r.Response("Status", string(o.Status))
	r.Response("Session", deref(o.Session))
	r.End()
	if o.Status != types.VerifySoftwareTokenResponseTypeSuccess {
		return authOut{}, &CallError{Op: "verify the first code for MFA_SETUP", Operation: "VerifySoftwareToken", Challenge: p.c.Name, Flow: f.o.Kind,
			API: &APIError{Message: "VerifySoftwareToken returned status " + string(o.Status)},
			Err: fmt.Errorf("VerifySoftwareToken returned status %q", o.Status)}
	}
	if o.Session != nil {
		f.session = o.Session
		p.setupSession = *o.Session
	}
	return f.respond(ctx, p.c.Name, nil, func(r *rec) {
		r.Note("Answered with the Session from VerifySoftwareToken, which proves the authenticator is set up.")
	})
}
