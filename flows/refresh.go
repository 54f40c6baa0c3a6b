package flows

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/flows/trace"
)

// startRefresh runs the refresh kinds. KindRefresh picks the operation
// from the app client's settings and, when it cannot read them, tries
// REFRESH_TOKEN_AUTH and moves to GetTokensFromRefreshToken if the client
// turns out to rotate refresh tokens.
func (f *Flow) startRefresh(ctx context.Context) (*Result, error) {
	kind := f.o.Kind
	known := true
	if kind == KindRefresh {
		kind, known = f.chooseRefresh(ctx)
	}
	if kind == KindGetTokensFromRefreshToken {
		return f.getTokensFromRefreshToken(ctx)
	}
	res, err := f.refreshTokenAuth(ctx)
	if err != nil && !known && looksLikeRotationRefusal(err) {
		f.decision("Retry with GetTokensFromRefreshToken",
			"REFRESH_TOKEN_AUTH was refused the way a client with refresh-token rotation refuses it (rotation needs ALLOW_REFRESH_TOKEN_AUTH off).",
			"GetTokensFromRefreshToken works on any client and rotates the refresh token when rotation is on.")
		return f.getTokensFromRefreshToken(ctx)
	}
	return res, err
}

// chooseRefresh reads the client's RefreshTokenRotation when it can.
// known is false when the choice is a guess.
func (f *Flow) chooseRefresh(ctx context.Context) (kind Kind, known bool) {
	pick := func(rotation bool) Kind {
		if rotation {
			return KindGetTokensFromRefreshToken
		}
		return KindRefreshTokenAuth
	}
	if f.o.RotationEnabled != nil {
		k := pick(*f.o.RotationEnabled)
		f.decision("Refresh with "+string(k), fmt.Sprintf("The caller says refresh-token rotation is %s for this client.", onOff(*f.o.RotationEnabled)))
		return k, true
	}
	if f.o.Admin == nil || f.o.UserPoolID == "" {
		f.decision("Refresh with REFRESH_TOKEN_AUTH (a guess)",
			"Without AWS credentials (and the pool ID) the client's RefreshTokenRotation setting cannot be read (DescribeUserPoolClient).",
			"If the client rotates refresh tokens, REFRESH_TOKEN_AUTH is refused and GetTokensFromRefreshToken is tried next.")
		return KindRefreshTokenAuth, false
	}
	r := f.begin(StepCall, "DescribeUserPoolClient", "DescribeUserPoolClient (refresh-token rotation?)")
	r.Request("UserPoolId", f.o.UserPoolID)
	r.Request("ClientId", f.o.ClientID)
	o, err := f.o.Admin.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{
		UserPoolId: aws.String(f.o.UserPoolID), ClientId: aws.String(f.o.ClientID),
	})
	if err != nil {
		r.fail(&CallError{Op: "read the app client's settings", Operation: "DescribeUserPoolClient"}, err)
		r.End()
		f.decision("Refresh with REFRESH_TOKEN_AUTH (a guess)",
			"The client's settings could not be read, so whether it rotates refresh tokens is unknown.",
			"If it does, REFRESH_TOKEN_AUTH is refused and GetTokensFromRefreshToken is tried next.")
		return KindRefreshTokenAuth, false
	}
	r.meta(o.ResultMetadata)
	rotation := false
	if c := o.UserPoolClient; c != nil {
		if c.ClientSecret != nil {
			// Never recorded, even with Reveal: the flow did not send it.
			// "(set)" stands for it and is no secret itself.
			r.ResponseAs("UserPoolClient.ClientSecret", "(set)", trace.Plain)
			if f.o.ClientSecret == "" {
				r.Note("The client has a secret, but none was given: Cognito will refuse the refresh.")
			}
		}
		flows := make([]string, len(c.ExplicitAuthFlows))
		for i, fl := range c.ExplicitAuthFlows {
			flows[i] = string(fl)
		}
		r.Response("UserPoolClient.ExplicitAuthFlows", jsonList(flows))
		if rt := c.RefreshTokenRotation; rt != nil {
			r.Response("UserPoolClient.RefreshTokenRotation.Feature", string(rt.Feature))
			if rt.RetryGracePeriodSeconds != nil {
				r.Response("UserPoolClient.RefreshTokenRotation.RetryGracePeriodSeconds", strconv.Itoa(int(*rt.RetryGracePeriodSeconds)))
			}
			rotation = rt.Feature == types.FeatureTypeEnabled
		}
	}
	r.End()
	k := pick(rotation)
	f.decision("Refresh with "+string(k), fmt.Sprintf("The app client has refresh-token rotation %s.", onOff(rotation)))
	return k, true
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// looksLikeRotationRefusal reports whether REFRESH_TOKEN_AUTH was refused
// in a way that a rotating client would refuse it.
func looksLikeRotationRefusal(err error) bool {
	ae, ok := APIErrorOf(err)
	if !ok {
		return false
	}
	m := strings.ToLower(ae.Message)
	if strings.Contains(m, "rotation") || strings.Contains(m, "gettokensfromrefreshtoken") {
		return true
	}
	return ae.Type == "InvalidParameterException" && strings.Contains(m, "not enabled")
}

// refreshUsername picks the username REFRESH_TOKEN_AUTH's SECRET_HASH is
// computed from: the access token's username claim (its sub as the
// fallback candidate), else the username given.
func (f *Flow) refreshUsername() (name, source, sub string) {
	if f.o.AccessToken != "" {
		if c, err := UnverifiedClaims(f.o.AccessToken); err == nil {
			if c.Username != "" {
				return c.Username, HashFromUsernameClaim, c.Sub
			}
			if c.Sub != "" {
				return c.Sub, HashFromSubClaim, ""
			}
		}
	}
	return f.o.Username, HashFromTyped, ""
}

// refreshTokenAuth is InitiateAuth REFRESH_TOKEN_AUTH, retried once with
// the sub claim when Cognito rejects the SECRET_HASH built from the
// username claim.
func (f *Flow) refreshTokenAuth(ctx context.Context) (*Result, error) {
	name, source, sub := f.refreshUsername()
	if f.o.ClientSecret != "" && name == "" {
		return nil, fmt.Errorf("%w: REFRESH_TOKEN_AUTH with a client secret needs the user's internal username for SECRET_HASH: give the access token or the username", ErrInvalidOptions)
	}
	out, err := f.refreshOnce(ctx, name, source)
	if err != nil && f.o.ClientSecret != "" && sub != "" && sub != name && isSecretHashError(err) {
		f.decision("Retry REFRESH_TOKEN_AUTH with SECRET_HASH from the sub claim",
			fmt.Sprintf("SECRET_HASH from the username claim %q was refused; some pools check it against sub %q.", name, sub))
		out, err = f.refreshOnce(ctx, sub, HashFromSubClaim)
		if err == nil {
			f.decision("SECRET_HASH from the sub claim worked", "Use the sub claim for this pool's refreshes.")
		}
	}
	if err != nil {
		return f.partial(), err
	}
	return f.advance(ctx, out)
}

func isSecretHashError(err error) bool {
	ae, ok := APIErrorOf(err)
	if !ok {
		return false
	}
	m := strings.ToLower(ae.Message)
	return ae.Type == "NotAuthorizedException" && (strings.Contains(m, "secret hash") || strings.Contains(m, "secrethash"))
}

func (f *Flow) refreshOnce(ctx context.Context, name, source string) (authOut, error) {
	flow := types.AuthFlowTypeRefreshTokenAuth
	ps := params{}.add("REFRESH_TOKEN", f.o.RefreshToken)
	hash, info := f.secretHash(name, source)
	ps = ps.add("SECRET_HASH", hash)
	if f.device != nil {
		ps = ps.add("DEVICE_KEY", f.device.Key)
	}
	r := f.begin(StepCall, "InitiateAuth", "InitiateAuth "+string(flow))
	r.Step.AuthFlow = string(flow)
	r.Step.SecretHash = info
	r.Request("AuthFlow", string(flow))
	r.Request("ClientId", f.o.ClientID)
	for _, p := range ps {
		r.Request("AuthParameters."+p.key, p.val)
	}
	if info != nil {
		r.Note("SECRET_HASH computed from %q (%s): the request has no USERNAME, and Cognito checks the hash against the token's user.", info.Username, info.Source)
	}
	if f.device == nil {
		r.Note("No DEVICE_KEY: if the pool tracks devices and the sign-in confirmed one, Cognito answers Invalid Refresh Token.")
	}
	o, err := f.o.API.InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow: flow, ClientId: aws.String(f.o.ClientID), AuthParameters: ps.wire(), ClientMetadata: f.o.ClientMetadata,
	})
	if err != nil {
		ce := r.fail(&CallError{Op: "refresh with " + string(flow), Operation: "InitiateAuth", Flow: KindRefreshTokenAuth,
			SecretHash: info, SecretSent: info != nil, DeviceKey: ps.get("DEVICE_KEY")}, err)
		r.End()
		return authOut{}, ce
	}
	r.meta(o.ResultMetadata)
	out := authOut{name: string(o.ChallengeName), params: o.ChallengeParameters, session: o.Session, result: o.AuthenticationResult}
	r.recordAuthOut(out)
	if out.result != nil && out.result.RefreshToken == nil {
		r.Note("REFRESH_TOKEN_AUTH never rotates: the refresh token stays the same.")
	}
	r.Step.Title += " → " + outcome(out)
	r.End()
	return out, nil
}

// getTokensFromRefreshToken refreshes with the operation made for
// rotation; it takes the client secret itself, not a hash.
func (f *Flow) getTokensFromRefreshToken(ctx context.Context) (*Result, error) {
	op := "GetTokensFromRefreshToken"
	r := f.begin(StepCall, op, op)
	r.Request("ClientId", f.o.ClientID)
	r.Request("RefreshToken", f.o.RefreshToken)
	r.Request("ClientSecret", f.o.ClientSecret)
	in := &cip.GetTokensFromRefreshTokenInput{
		ClientId: aws.String(f.o.ClientID), RefreshToken: aws.String(f.o.RefreshToken), ClientMetadata: f.o.ClientMetadata,
	}
	if f.o.ClientSecret != "" {
		in.ClientSecret = aws.String(f.o.ClientSecret)
		r.Note("GetTokensFromRefreshToken takes the client secret itself, not a SECRET_HASH.")
	}
	if f.device != nil {
		in.DeviceKey = aws.String(f.device.Key)
		r.Request("DeviceKey", f.device.Key)
	}
	o, err := f.o.API.GetTokensFromRefreshToken(ctx, in)
	if err != nil {
		ce := r.fail(&CallError{Op: "refresh with " + op, Operation: op, Flow: KindGetTokensFromRefreshToken,
			SecretSent: f.o.ClientSecret != "", DeviceKey: deref(in.DeviceKey)}, err)
		r.End()
		return f.partial(), ce
	}
	r.meta(o.ResultMetadata)
	out := authOut{result: o.AuthenticationResult}
	r.recordAuthOut(out)
	if ar := o.AuthenticationResult; ar != nil {
		if ar.RefreshToken != nil && *ar.RefreshToken != f.o.RefreshToken {
			r.Note("Cognito rotated the refresh token: the old one stops working after the client's grace period.")
		} else {
			r.Note("No new refresh token: the client does not rotate them.")
		}
	}
	r.Step.Title += " → " + outcome(out)
	r.End()
	if o.AuthenticationResult == nil {
		return nil, fmt.Errorf("%w: GetTokensFromRefreshToken returned no tokens", ErrBadResponse)
	}
	return f.finish(ctx, o.AuthenticationResult)
}
