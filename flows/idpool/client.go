package idpool

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/cogscope/cogscope/flows"
)

// The flows of Exchange.
const (
	FlowEnhanced = "enhanced" // GetId → GetCredentialsForIdentity
	FlowBasic    = "basic"    // GetId → GetOpenIdToken → STS AssumeRoleWithWebIdentity
)

// IdentityAPI is the part of the identity pools client Exchange uses
// (*cognitoidentity.Client). GetId, GetCredentialsForIdentity and
// GetOpenIdToken are unsigned; GetIdentityPoolRoles and
// GetPrincipalTagAttributeMap, read only to explain the role and tags,
// need the caller's own AWS credentials.
type IdentityAPI interface {
	GetId(context.Context, *ci.GetIdInput, ...func(*ci.Options)) (*ci.GetIdOutput, error)
	GetCredentialsForIdentity(context.Context, *ci.GetCredentialsForIdentityInput, ...func(*ci.Options)) (*ci.GetCredentialsForIdentityOutput, error)
	GetOpenIdToken(context.Context, *ci.GetOpenIdTokenInput, ...func(*ci.Options)) (*ci.GetOpenIdTokenOutput, error)
	GetIdentityPoolRoles(context.Context, *ci.GetIdentityPoolRolesInput, ...func(*ci.Options)) (*ci.GetIdentityPoolRolesOutput, error)
	GetPrincipalTagAttributeMap(context.Context, *ci.GetPrincipalTagAttributeMapInput, ...func(*ci.Options)) (*ci.GetPrincipalTagAttributeMapOutput, error)
}

// STSAPI is the part of the STS client Exchange uses (*sts.Client).
type STSAPI interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
	AssumeRoleWithWebIdentity(context.Context, *sts.AssumeRoleWithWebIdentityInput, ...func(*sts.Options)) (*sts.AssumeRoleWithWebIdentityOutput, error)
}

// Clients are what Exchange talks to.
type Clients struct {
	Identity IdentityAPI
	// STS returns an STS client that signs with creds; nil creds: an
	// anonymous one (AssumeRoleWithWebIdentity is unsigned).
	STS func(creds aws.CredentialsProvider) STSAPI
}

// Request is one exchange.
type Request struct {
	IdentityPoolID string
	// IDToken is the user pool's ID token; empty with Guest.
	IDToken string
	// Guest asks for an unauthenticated identity (no Logins).
	Guest bool
	// Flow is FlowEnhanced (default) or FlowBasic.
	Flow string
	// RoleARN: with the enhanced flow the CustomRoleArn (one of the
	// token's cognito:roles); with the basic flow the role to assume
	// (default: the pool's role for the identity, read with GetIdentityPoolRoles).
	RoleARN string
	// SessionName is the basic flow's RoleSessionName; default "cogscope".
	SessionName string
	// Provider overrides the Logins key, which is otherwise built from the
	// token's issuer (cognito-idp.<region>.amazonaws.com/<poolId>).
	Provider string
	// NoExplain skips reading the pool's configuration (signed calls):
	// for a caller without AWS credentials, who would otherwise wait on
	// the SDK's credential chain. The rule and tags are then unknown.
	NoExplain bool
}

// Result is the credentials and what they carry.
type Result struct {
	IdentityPoolID, IdentityID, Flow string
	// Provider is the Logins key sent ("" for a guest).
	Provider string
	// RoleARN is the role the credentials are for: from the pool's
	// configuration when it explains STS's answer, else built from the
	// assumed-role ARN (a role path is then lost).
	RoleARN string
	// Rule says why that role: RuleKnown is false when the pool's
	// configuration could not be read or does not explain STS's answer
	// (RuleNote says which).
	Rule      Rule
	RuleKnown bool
	RuleNote  string
	// PrincipalTags are the session tags the pool maps from the token's
	// claims; nil when unknown (TagsNote says why).
	PrincipalTags map[string]string
	TagsNote      string
	Credentials   aws.Credentials
	// CallerArn, Account and UserID are STS GetCallerIdentity's answer.
	CallerArn, Account, UserID string
}

// Error is a failed exchange: the operation, the error and its diagnosis.
type Error struct {
	Op        string // "GetId", "GetCredentialsForIdentity", "GetOpenIdToken", "AssumeRoleWithWebIdentity", "GetCallerIdentity", or "input"
	Err       error
	Diagnosis flows.Diagnosis
}

func (e *Error) Error() string { return e.Op + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// ErrInvalidRequest wraps a request Exchange refuses before any call.
var ErrInvalidRequest = errors.New("invalid request")

// Exchange trades the ID token (or nothing, for a guest) for AWS
// credentials through the identity pool, asks STS who they are, and
// explains the role and principal tags from the pool's configuration.
func Exchange(ctx context.Context, c Clients, req Request) (*Result, error) {
	if req.Flow == "" {
		req.Flow = FlowEnhanced
	}
	if req.SessionName == "" {
		req.SessionName = "cogscope"
	}
	res := &Result{IdentityPoolID: req.IdentityPoolID, Flow: req.Flow}
	fx := factsBase{identityPool: req.IdentityPoolID, role: req.RoleARN}
	switch {
	case req.IdentityPoolID == "":
		return nil, inputErr("no identity pool id")
	case req.Flow != FlowEnhanced && req.Flow != FlowBasic:
		return nil, inputErr(fmt.Sprintf("unknown flow %q (want enhanced or basic)", req.Flow))
	case req.Guest && req.IDToken != "":
		return nil, inputErr("a guest identity takes no ID token")
	case !req.Guest && req.IDToken == "":
		return nil, inputErr("no ID token (or ask for a guest identity)")
	}
	var claims map[string]any
	var logins map[string]string
	if !req.Guest {
		var err error
		claims, err = tokenClaims(req.IDToken)
		if err != nil {
			return nil, inputErr(err.Error())
		}
		iss, _ := claims["iss"].(string)
		pool := iss[strings.LastIndexByte(iss, '/')+1:]
		if flows.ValidateUserPoolID(pool) != nil {
			return nil, inputErr(fmt.Sprintf("the token's issuer %q is not a user pool's", iss))
		}
		res.Provider = ProviderName(pool)
		fx.provider, fx.tokenPool, fx.keyPool = res.Provider, pool, pool
		if req.Provider != "" && req.Provider != res.Provider {
			fx.keyPool, _ = ParseProviderName(req.Provider)
			if fx.keyPool == "" {
				fx.keyPool = req.Provider
			}
			fx.conditions = append(fx.conditions, "wrong-logins-key")
			res.Provider = req.Provider
		}
		logins = map[string]string{res.Provider: req.IDToken}
		fx.clientID, _ = claims["aud"].(string)
		if use, _ := claims["token_use"].(string); use == "access" {
			fx.conditions = append(fx.conditions, "access-token")
			fx.clientID, _ = claims["client_id"].(string)
		}
	} else {
		fx.conditions = append(fx.conditions, "guest")
	}

	id, err := c.Identity.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(req.IdentityPoolID), Logins: logins})
	if err != nil {
		return nil, fx.fail("GetId", flows.SourceCognitoIdentity, err)
	}
	res.IdentityID = aws.ToString(id.IdentityId)

	if req.Flow == FlowEnhanced {
		in := &ci.GetCredentialsForIdentityInput{IdentityId: id.IdentityId, Logins: logins}
		if req.RoleARN != "" {
			in.CustomRoleArn = aws.String(req.RoleARN)
		}
		out, err := c.Identity.GetCredentialsForIdentity(ctx, in)
		if err != nil {
			return nil, fx.fail("GetCredentialsForIdentity", flows.SourceCognitoIdentity, err)
		}
		if out.Credentials == nil {
			return nil, fx.fail("GetCredentialsForIdentity", flows.SourceCognitoIdentity, errors.New("the answer holds no credentials"))
		}
		cr := out.Credentials
		res.Credentials = credentials(cr.AccessKeyId, cr.SecretKey, cr.SessionToken, cr.Expiration, "CognitoIdentity")
	} else {
		tok, err := c.Identity.GetOpenIdToken(ctx, &ci.GetOpenIdTokenInput{IdentityId: id.IdentityId, Logins: logins})
		if err != nil {
			return nil, fx.fail("GetOpenIdToken", flows.SourceCognitoIdentity, err)
		}
		res.IdentityID = aws.ToString(tok.IdentityId)
		role := req.RoleARN
		if role == "" {
			err = errors.New("no AWS credentials to read the pool's roles")
			if !req.NoExplain {
				role, err = poolRole(ctx, c.Identity, req, claims, res.Provider)
			}
			if err != nil {
				return nil, &Error{Op: "input", Err: fmt.Errorf("%w: the basic flow needs a role: give one, or AWS credentials that may read the pool's roles (%v)", ErrInvalidRequest, err),
					Diagnosis: flows.Diagnosis{Message: err.Error(), Cause: "The basic flow assumes a role the caller names; none was given and the pool's roles could not be read (" + err.Error() + ").", Fix: "Give the role with --role-arn."}}
			}
			fx.role = role
		}
		out, err := c.STS(nil).AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(role),
			RoleSessionName: aws.String(req.SessionName), WebIdentityToken: tok.Token})
		if err != nil {
			return nil, fx.fail("AssumeRoleWithWebIdentity", flows.SourceSTS, err)
		}
		if out.Credentials == nil {
			return nil, fx.fail("AssumeRoleWithWebIdentity", flows.SourceSTS, errors.New("the answer holds no credentials"))
		}
		cr := out.Credentials
		res.Credentials = credentials(cr.AccessKeyId, cr.SecretAccessKey, cr.SessionToken, cr.Expiration, "AssumeRoleWithWebIdentity")
		res.RoleARN, res.Rule, res.RuleKnown = role, Rule{Kind: RuleBasicFlow}, true
	}

	who, err := c.STS(aws.NewCredentialsCache(staticProvider{res.Credentials})).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fx.fail("GetCallerIdentity", flows.SourceSTS, err)
	}
	res.CallerArn, res.Account, res.UserID = aws.ToString(who.Arn), aws.ToString(who.Account), aws.ToString(who.UserId)
	switch {
	case res.Flow == FlowEnhanced && req.NoExplain:
		res.RoleARN, _ = RoleFromAssumedRoleARN(res.CallerArn)
		res.RuleNote = "no AWS credentials to read the pool's role configuration (GetIdentityPoolRoles)"
		res.TagsNote = "no AWS credentials to read the pool's principal tag map (GetPrincipalTagAttributeMap)"
	case res.Flow == FlowEnhanced:
		explain(ctx, c.Identity, req, claims, res)
	}
	return res, nil
}

// credentials builds the SDK's credentials from an answer's fields (the
// identity pool's and STS's credential types name the secret differently).
func credentials(id, secret, token *string, expires *time.Time, source string) aws.Credentials {
	c := aws.Credentials{AccessKeyID: aws.ToString(id), SecretAccessKey: aws.ToString(secret), SessionToken: aws.ToString(token), Source: source}
	if expires != nil {
		c.CanExpire, c.Expires = true, *expires
	}
	return c
}

type staticProvider struct{ c aws.Credentials }

func (p staticProvider) Retrieve(context.Context) (aws.Credentials, error) { return p.c, nil }

// explain reads the pool's roles and tag map and says why the role and
// which tags (enhanced flow).
func explain(ctx context.Context, api IdentityAPI, req Request, claims map[string]any, res *Result) {
	stsRole, stsName := RoleFromAssumedRoleARN(res.CallerArn)
	res.RoleARN = stsRole
	roles, err := api.GetIdentityPoolRoles(ctx, &ci.GetIdentityPoolRolesInput{IdentityPoolId: aws.String(req.IdentityPoolID)})
	if err != nil {
		res.RuleNote = "the pool's role configuration could not be read (GetIdentityPoolRoles needs AWS credentials of the pool's account): " + errorMessage(err)
	} else {
		role, rule := "", Rule{}
		if req.Guest {
			role, rule = roles.Roles["unauthenticated"], Rule{Kind: RuleUnauthenticated}
		} else {
			aud, _ := claims["aud"].(string)
			var m *RoleMapping
			if wm, ok := roles.RoleMappings[res.Provider+":"+aud]; ok {
				rm := RoleMapping{Type: string(wm.Type), AmbiguousRoleResolution: string(wm.AmbiguousRoleResolution)}
				if wm.RulesConfiguration != nil {
					for _, r := range wm.RulesConfiguration.Rules {
						rm.Rules = append(rm.Rules, MappingRule{Claim: aws.ToString(r.Claim), MatchType: string(r.MatchType), Value: aws.ToString(r.Value), RoleARN: aws.ToString(r.RoleARN)})
					}
				}
				m = &rm
			}
			var rerr error
			role, rule, rerr = ResolveRole(roles.Roles, m, claims, req.RoleARN)
			if rerr != nil {
				role = ""
			}
		}
		// A role ARN's name is its last path segment, as in the assumed-role ARN.
		if name := role[strings.LastIndexByte(role, '/')+1:]; role != "" && name == stsName {
			res.RoleARN, res.Rule, res.RuleKnown = role, rule, true
		} else {
			res.RuleNote = fmt.Sprintf("the pool's configuration predicts %q, but STS names %q", orNone(role), stsRole)
		}
	}
	if req.Guest {
		res.PrincipalTags, res.TagsNote = map[string]string{}, "guest identities carry no principal tags"
		return
	}
	aud, _ := claims["aud"].(string)
	for _, name := range []string{res.Provider + ":" + aud, res.Provider} {
		tm, err := api.GetPrincipalTagAttributeMap(ctx, &ci.GetPrincipalTagAttributeMapInput{IdentityPoolId: aws.String(req.IdentityPoolID), IdentityProviderName: aws.String(name)})
		if err != nil {
			res.TagsNote = "the principal tag map could not be read: " + errorMessage(err)
			return
		}
		if aws.ToBool(tm.UseDefaults) || len(tm.PrincipalTags) > 0 {
			res.PrincipalTags = PrincipalTags(aws.ToBool(tm.UseDefaults), tm.PrincipalTags, claims)
			res.TagsNote = ""
			return
		}
	}
	res.PrincipalTags, res.TagsNote = map[string]string{}, "the pool maps no principal tags for this provider"
}

// poolRole is the role the pool would give (the basic flow's default).
func poolRole(ctx context.Context, api IdentityAPI, req Request, claims map[string]any, provider string) (string, error) {
	roles, err := api.GetIdentityPoolRoles(ctx, &ci.GetIdentityPoolRolesInput{IdentityPoolId: aws.String(req.IdentityPoolID)})
	if err != nil {
		return "", err
	}
	key := "authenticated"
	if req.Guest {
		key = "unauthenticated"
	}
	if r := roles.Roles[key]; r != "" {
		return r, nil
	}
	return "", fmt.Errorf("the pool has no %s role", key)
}

// RoleFromAssumedRoleARN turns STS's "arn:aws:sts::<acct>:assumed-role/<name>/<session>"
// into the role's ARN "arn:aws:iam::<acct>:role/<name>" (without any path)
// and the role name; anything else is returned as it is, with no name.
func RoleFromAssumedRoleARN(arn string) (roleARN, name string) {
	p := strings.SplitN(arn, ":", 6)
	if len(p) != 6 || p[2] != "sts" {
		return arn, ""
	}
	parts := strings.Split(p[5], "/")
	if len(parts) != 3 || parts[0] != "assumed-role" {
		return arn, ""
	}
	return "arn:" + p[1] + ":iam::" + p[4] + ":role/" + parts[1], parts[1]
}

func orNone(s string) string {
	if s == "" {
		return "no role"
	}
	return s
}

func errorMessage(err error) string {
	if ae, ok := flows.APIErrorOf(err); ok {
		return ae.Type + ": " + ae.Message
	}
	return err.Error()
}

// tokenClaims decodes a JWT's payload without verifying it (the identity
// pool verifies it).
func tokenClaims(token string) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("the ID token is not a JWT (want three dot-separated parts)")
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, fmt.Errorf("the ID token's payload is not base64url: %w", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(b, &claims); err != nil {
		return nil, fmt.Errorf("the ID token's payload is not JSON: %w", err)
	}
	return claims, nil
}

func inputErr(msg string) error {
	err := fmt.Errorf("%w: %s", ErrInvalidRequest, msg)
	return &Error{Op: "input", Err: err, Diagnosis: flows.Diagnosis{Message: msg, Cause: msg}}
}

// factsBase is what a diagnosis knows of the request.
type factsBase struct {
	identityPool, provider, tokenPool, keyPool, clientID, role string
	conditions                                                 []string
}

// fail wraps an error of op with its diagnosis from flows' catalogue.
func (fx factsBase) fail(op, source string, err error) error {
	d := flows.Diagnosis{Message: err.Error(), Operation: op}
	ae, ok := flows.APIErrorOf(err)
	if !ok {
		return &Error{Op: op, Err: err, Diagnosis: flows.Diagnose(err)}
	}
	d.Type, d.Message, d.RequestID = ae.Type, ae.Message, ae.RequestID
	params := map[string]string{
		"message": ae.Message, "operation": op, "operation_or_this": op,
		"identity_pool": fx.identityPool, "provider": fx.provider, "client_id": fx.clientID,
		"token_pool": fx.tokenPool, "key_pool": fx.keyPool, "expected_key": fx.provider, "role": orNone(fx.role),
	}
	flows.Explain(&d, flows.Facts{Source: source, Code: ae.Type, Message: ae.Message, Operation: op,
		Conditions: fx.conditions, Params: params})
	return &Error{Op: op, Err: err, Diagnosis: d}
}

// Diagnose returns the diagnosis of an Exchange error (flows.Diagnose's
// for any other).
func Diagnose(err error) flows.Diagnosis {
	var e *Error
	if errors.As(err, &e) {
		return e.Diagnosis
	}
	return flows.Diagnose(err)
}

// Remaining is how long the credentials last from now (0 when expired or
// when they do not expire).
func (r *Result) Remaining(now time.Time) time.Duration {
	if !r.Credentials.CanExpire {
		return 0
	}
	return max(r.Credentials.Expires.Sub(now), 0)
}

// TagsCopy is a copy of the principal tags (nil stays nil).
func (r *Result) TagsCopy() map[string]string { return maps.Clone(r.PrincipalTags) }
