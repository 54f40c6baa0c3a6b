package flows

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/flows/srp"
)

// param is one AuthParameters / ChallengeResponses entry and how the trace
// shows it.
type param struct {
	key, val string
	class    valueClass
}

type params []param

func (ps params) add(key, val string, c valueClass) params {
	if val == "" {
		return ps
	}
	return append(ps, param{key, val, c})
}

func (ps params) get(key string) string {
	for _, p := range ps {
		if p.key == key {
			return p.val
		}
	}
	return ""
}

func (ps params) wire() map[string]string {
	m := make(map[string]string, len(ps))
	for _, p := range ps {
		m[p.key] = p.val
	}
	return m
}

// initiate sends the flow's first request. A remembered device the pool no
// longer knows is dropped and the request sent once more without it, as
// the official client does.
func (f *Flow) initiate(ctx context.Context) (authOut, error) {
	out, err := f.initiateOnce(ctx)
	if err != nil && f.device != nil && isDeviceNotFound(err) {
		f.forgotten = f.device.Key
		f.device = nil
		f.decision("Sign in again without the remembered device",
			fmt.Sprintf("Cognito does not know device %s: it was forgotten, or belongs to another pool or user. Drop it from the session store.", f.forgotten))
		return f.initiateOnce(ctx)
	}
	return out, err
}

// authFlow is the AuthFlow the flow's first request names.
func (f *Flow) authFlow() types.AuthFlowType {
	switch f.o.Kind {
	case KindCustomSRP:
		return types.AuthFlowTypeCustomAuth
	default:
		return types.AuthFlowType(f.o.Kind)
	}
}

func (f *Flow) initiateOnce(ctx context.Context) (authOut, error) {
	flow := f.authFlow()
	ps := params{}.add("USERNAME", f.o.Username, plain)
	switch f.o.Kind {
	case KindUserPassword, KindAdminUserPassword:
		ps = ps.add("PASSWORD", f.o.Password, secret)
	case KindUserSRP, KindCustomSRP:
		c, err := srp.NewClient()
		if err != nil {
			return authOut{}, err
		}
		f.srpUser = c
		if f.o.Kind == KindCustomSRP {
			ps = ps.add("CHALLENGE_NAME", "SRP_A", plain)
		}
		ps = ps.add("SRP_A", c.AHex(), shorten)
	case KindUserAuth:
		ps = ps.add("PREFERRED_CHALLENGE", f.o.PreferredChallenge, plain)
		switch f.o.PreferredChallenge {
		case "PASSWORD":
			ps = ps.add("PASSWORD", f.o.Password, secret)
		case "PASSWORD_SRP":
			c, err := srp.NewClient()
			if err != nil {
				return authOut{}, err
			}
			f.srpUser = c
			ps = ps.add("SRP_A", c.AHex(), shorten)
		}
	}
	hash, info := f.secretHash(f.o.Username, HashFromTyped)
	ps = ps.add("SECRET_HASH", hash, secret)
	if f.device != nil {
		ps = ps.add("DEVICE_KEY", f.device.Key, plain)
	}

	op := "InitiateAuth"
	if f.o.Kind == KindAdminUserPassword {
		op = "AdminInitiateAuth"
	}
	r := f.begin(StepCall, op, op+" "+string(flow))
	r.st.AuthFlow = string(flow)
	r.st.SecretHash = info
	r.req("AuthFlow", string(flow), plain)
	r.req("ClientId", f.o.ClientID, plain)
	if op == "AdminInitiateAuth" {
		r.req("UserPoolId", f.o.UserPoolID, plain)
	}
	for _, p := range ps {
		r.req("AuthParameters."+p.key, p.val, p.class)
	}
	for k, v := range f.o.ClientMetadata {
		r.req("ClientMetadata."+k, v, plain)
	}
	if info != nil {
		r.note("SECRET_HASH computed from %q (%s).", info.Username, info.Source)
	}

	var out authOut
	var err error
	if op == "AdminInitiateAuth" {
		var o *cip.AdminInitiateAuthOutput
		o, err = f.o.Admin.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{
			AuthFlow: flow, ClientId: aws.String(f.o.ClientID), UserPoolId: aws.String(f.o.UserPoolID),
			AuthParameters: ps.wire(), ClientMetadata: f.o.ClientMetadata,
		})
		if err == nil {
			r.meta(o.ResultMetadata)
			out = authOut{name: string(o.ChallengeName), params: o.ChallengeParameters, session: o.Session,
				result: o.AuthenticationResult, available: challengeNames(o.AvailableChallenges)}
		}
	} else {
		var o *cip.InitiateAuthOutput
		o, err = f.o.API.InitiateAuth(ctx, &cip.InitiateAuthInput{
			AuthFlow: flow, ClientId: aws.String(f.o.ClientID),
			AuthParameters: ps.wire(), ClientMetadata: f.o.ClientMetadata,
		})
		if err == nil {
			r.meta(o.ResultMetadata)
			out = authOut{name: string(o.ChallengeName), params: o.ChallengeParameters, session: o.Session,
				result: o.AuthenticationResult, available: challengeNames(o.AvailableChallenges)}
		}
	}
	if err != nil {
		ce := r.fail(&CallError{Op: "initiate " + string(flow), Operation: op, SecretHash: info,
			SecretSent: info != nil, DeviceKey: ps.get("DEVICE_KEY")}, err)
		r.end()
		return authOut{}, ce
	}
	r.recordAuthOut(out)
	r.st.Title += " → " + outcome(out)
	r.end()
	return out, nil
}

// respond answers challenge with the given responses; USERNAME (the name
// Cognito echoed), SECRET_HASH (from that same name) and the Session are
// added here, so no answer can forget them.
func (f *Flow) respond(ctx context.Context, challenge string, ps params, extra func(*rec)) (authOut, error) {
	if ps.get("USERNAME") == "" {
		ps = append(params{{"USERNAME", f.username, plain}}, ps...)
	}
	hash, info := f.secretHash(ps.get("USERNAME"), f.hashSource)
	ps = ps.add("SECRET_HASH", hash, secret)

	admin := f.o.Kind == KindAdminUserPassword
	op := "RespondToAuthChallenge"
	if admin {
		op = "AdminRespondToAuthChallenge"
	}
	r := f.begin(StepCall, op, op+" "+challenge)
	r.st.Challenge = challenge
	r.st.SecretHash = info
	r.req("ChallengeName", challenge, plain)
	r.req("ClientId", f.o.ClientID, plain)
	if admin {
		r.req("UserPoolId", f.o.UserPoolID, plain)
	}
	if f.session != nil {
		r.req("Session", *f.session, shorten)
	}
	for _, p := range ps {
		r.req("ChallengeResponses."+p.key, p.val, p.class)
	}
	if info != nil {
		r.note("SECRET_HASH computed from %q (%s).", info.Username, info.Source)
	}
	if extra != nil {
		extra(r)
	}

	var out authOut
	var err error
	if admin {
		var o *cip.AdminRespondToAuthChallengeOutput
		o, err = f.o.Admin.AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{
			ChallengeName: types.ChallengeNameType(challenge), ClientId: aws.String(f.o.ClientID),
			UserPoolId: aws.String(f.o.UserPoolID), Session: f.session,
			ChallengeResponses: ps.wire(), ClientMetadata: f.o.ClientMetadata,
		})
		if err == nil {
			r.meta(o.ResultMetadata)
			out = authOut{name: string(o.ChallengeName), params: o.ChallengeParameters, session: o.Session, result: o.AuthenticationResult}
		}
	} else {
		var o *cip.RespondToAuthChallengeOutput
		o, err = f.o.API.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
			ChallengeName: types.ChallengeNameType(challenge), ClientId: aws.String(f.o.ClientID),
			Session: f.session, ChallengeResponses: ps.wire(), ClientMetadata: f.o.ClientMetadata,
		})
		if err == nil {
			r.meta(o.ResultMetadata)
			out = authOut{name: string(o.ChallengeName), params: o.ChallengeParameters, session: o.Session, result: o.AuthenticationResult}
		}
	}
	if err != nil {
		ce := r.fail(&CallError{Op: "respond to " + challenge, Operation: op, Challenge: challenge,
			SecretHash: info, SecretSent: info != nil, Timestamp: ps.get("TIMESTAMP"), DeviceKey: ps.get("DEVICE_KEY")}, err)
		r.end()
		return authOut{}, ce
	}
	r.recordAuthOut(out)
	r.st.Title += " → " + outcome(out)
	r.end()
	return out, nil
}

func outcome(o authOut) string {
	if o.name != "" {
		return o.name
	}
	if o.result != nil {
		return "tokens"
	}
	return "nothing"
}

func challengeNames(cs []types.ChallengeNameType) []string {
	if len(cs) == 0 {
		return nil
	}
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}
