package flows

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/flows/srp"
)

// param is one AuthParameters / ChallengeResponses entry; the trace shows
// it as the classification table (flows/trace) says.
type param struct {
	key, val string
}

type params []param

func (ps params) add(key, val string) params {
	if val == "" {
		return ps
	}
	return append(ps, param{key, val})
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
	ps := params{}.add("USERNAME", f.o.Username)
	switch f.o.Kind {
	case KindUserPassword, KindAdminUserPassword:
		ps = ps.add("PASSWORD", f.o.Password)
	case KindUserSRP, KindCustomSRP:
		c, err := srp.NewClient()
		if err != nil {
			return authOut{}, err
		}
		f.srpUser = c
		if f.o.Kind == KindCustomSRP {
			ps = ps.add("CHALLENGE_NAME", "SRP_A")
		}
		ps = ps.add("SRP_A", c.AHex())
	case KindUserAuth:
		ps = ps.add("PREFERRED_CHALLENGE", f.o.PreferredChallenge)
		switch f.o.PreferredChallenge {
		case "PASSWORD":
			ps = ps.add("PASSWORD", f.o.Password)
		case "PASSWORD_SRP":
			c, err := srp.NewClient()
			if err != nil {
				return authOut{}, err
			}
			f.srpUser = c
			ps = ps.add("SRP_A", c.AHex())
		}
	}
	hash, info := f.secretHash(f.o.Username, HashFromTyped)
	ps = ps.add("SECRET_HASH", hash)
	if f.device != nil {
		ps = ps.add("DEVICE_KEY", f.device.Key)
	}

	op := "InitiateAuth"
	if f.o.Kind == KindAdminUserPassword {
		op = "AdminInitiateAuth"
	}
	r := f.begin(StepCall, op, op+" "+string(flow))
	r.Step.AuthFlow = string(flow)
	r.Step.SecretHash = info
	r.Request("AuthFlow", string(flow))
	r.Request("ClientId", f.o.ClientID)
	if op == "AdminInitiateAuth" {
		r.Request("UserPoolId", f.o.UserPoolID)
	}
	for _, p := range ps {
		r.Request("AuthParameters."+p.key, p.val)
	}
	for k, v := range f.o.ClientMetadata {
		r.Request("ClientMetadata."+k, v)
	}
	if info != nil {
		r.Note("SECRET_HASH computed from %q (%s).", info.Username, info.Source)
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
		r.End()
		return authOut{}, ce
	}
	r.recordAuthOut(out)
	r.Step.Title += " → " + outcome(out)
	r.End()
	return out, nil
}

// respond answers challenge with the given responses; USERNAME (the name
// Cognito echoed), SECRET_HASH (from that same name) and the Session are
// added here, so no answer can forget them.
func (f *Flow) respond(ctx context.Context, challenge string, ps params, extra func(*rec)) (authOut, error) {
	if ps.get("USERNAME") == "" {
		ps = append(params{{"USERNAME", f.username}}, ps...)
	}
	hash, info := f.secretHash(ps.get("USERNAME"), f.hashSource)
	ps = ps.add("SECRET_HASH", hash)

	admin := f.o.Kind == KindAdminUserPassword
	op := "RespondToAuthChallenge"
	if admin {
		op = "AdminRespondToAuthChallenge"
	}
	r := f.begin(StepCall, op, op+" "+challenge)
	r.Step.Challenge = challenge
	r.Step.SecretHash = info
	r.Request("ChallengeName", challenge)
	r.Request("ClientId", f.o.ClientID)
	if admin {
		r.Request("UserPoolId", f.o.UserPoolID)
	}
	if f.session != nil {
		r.Request("Session", *f.session)
	}
	for _, p := range ps {
		r.Request("ChallengeResponses."+p.key, p.val)
	}
	if info != nil {
		r.Note("SECRET_HASH computed from %q (%s).", info.Username, info.Source)
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
		r.End()
		return authOut{}, ce
	}
	r.recordAuthOut(out)
	r.Step.Title += " → " + outcome(out)
	r.End()
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
