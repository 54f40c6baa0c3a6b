// Package doctor reads a Cognito user pool's, app client's and API
// Gateway's configuration and lists, before anyone signs in, every
// failure the setup will produce: each as a Finding with the exact error
// the user would see, the diagnosis-table entry (flows.Catalogue) that
// explains it and the fix. The checks are rules in one table (Rules); the
// package also predicts API Gateway's answer to a call before it is sent
// (Predict) and decodes pasted error text against the catalogues
// (Explain).
//
// Everything here is plain data: server text is kept raw, for the CLI and
// the console to sanitise and phrase. It must not import charm.land/*, ui
// or cmd.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/apiconfig"
	"github.com/cogscope/cogscope/internal/proxyerr"
)

// Status is a check's outcome.
type Status string

// The statuses, in the JSON form `cogscope doctor --json` prints.
const (
	StatusOK      Status = "ok"
	StatusWarn    Status = "warn"
	StatusFail    Status = "fail"
	StatusSkipped Status = "skipped"
)

// Finding is one check's result.
type Finding struct {
	// Name is the rule's name ("client.auth-flow"); Subject what it is
	// about when a rule checks several things ("GET /orders").
	Name    string `json:"name"`
	Subject string `json:"subject,omitempty"`
	Status  Status `json:"status"`
	// Detail says what was found; Fix what to change.
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
	// Error is the exact error the user would see (raw, unsanitised).
	Error string `json:"error,omitempty"`
	// Catalogue is the flows.Catalogue entry id (or an explain entry id)
	// that explains Error; Ref the failure-catalogue row ("a3").
	Catalogue string `json:"catalogue,omitempty"`
	Ref       string `json:"ref,omitempty"`
	// Link is Catalogue's entry on the troubleshooting page
	// (EntryURL: flows' catalogue and the explain table); Run fills it
	// (phrased).
	Link string `json:"link,omitempty"`

	// template is Detail and Fix with their references ({flow:refresh},
	// {input:redirect-uri}) not yet phrased: Run phrases them with
	// flows.FlagWords, Phrase with another edge's words.
	template flows.Text
}

// Phrase returns f with its detail and fix worded by w (the console's
// words, where Detail and Fix carry the command line's).
func (f Finding) Phrase(w flows.Words) Finding {
	if f.template == (flows.Text{}) {
		return f
	}
	t := f.template.Phrase(w)
	f.Detail, f.Fix = t.Cause, t.Fix
	return f
}

// phrased keeps f's text as a template and words it with FlagWords,
// and links its catalogue entry.
func phrased(f Finding) Finding {
	f.Link, _ = EntryURL(f.Catalogue)
	if !strings.Contains(f.Detail, "{") && !strings.Contains(f.Fix, "{") {
		return f
	}
	f.template = flows.Text{Cause: f.Detail, Fix: f.Fix}
	return f.Phrase(flows.FlagWords)
}

// Target is what the user signs in with: the pool, the client, the flow
// and the hosted-UI inputs, as `cogscope login` takes them.
type Target struct {
	Region, PoolID, ClientID string
	// Endpoint is the Cognito endpoint override (a local stack); "" is
	// AWS's https://cognito-idp.<region>.amazonaws.com.
	Endpoint string
	// Issuer is this pool's token issuer (AWS's
	// https://cognito-idp.<region>.amazonaws.com/<pool>, or a local
	// stack's <endpoint>/<pool>).
	Issuer string
	// Flow is cogscope's flow name: srp, password, admin-password,
	// refresh, user-auth, custom, custom-srp, pkce, client-credentials,
	// refresh-token; "" = srp.
	Flow        string
	RedirectURI string
	Scopes      []string
	// SecretKnown says the client secret is at hand (SECRET_HASH can be
	// computed).
	SecretKnown bool
}

// ServiceURL is the Cognito endpoint the target talks to.
func (t Target) ServiceURL() string {
	if t.Endpoint != "" {
		return strings.TrimSuffix(t.Endpoint, "/") + "/"
	}
	return "https://cognito-idp." + t.Region + ".amazonaws.com/"
}

// Unread is a configuration read that failed.
type Unread struct {
	// What is the part of the configuration: pool, client, domain, mfa,
	// api.
	What string `json:"what"`
	// Op is the AWS operation; Reason says why in words; Code is AWS's
	// error code, if any.
	Op     string `json:"op"`
	Reason string `json:"reason"`
	Code   string `json:"code,omitempty"`
	// NoCredentials: the read needs AWS credentials there were none of.
	NoCredentials bool `json:"noCredentials,omitempty"`
}

// Config is the configuration Read found.
type Config struct {
	Pool   *types.UserPoolType
	Client *types.UserPoolClientType
	Domain *types.DomainDescriptionType
	MFA    *cip.GetUserPoolMfaConfigOutput
	API    *apiconfig.Config
	// Users are a sample of the pool's users with their MFA settings
	// (read when MFA is ON or OPTIONAL and the client can list users).
	Users  []UserMFA
	Unread []Unread
}

// UserMFA is one user's MFA enrolment.
type UserMFA struct {
	Username  string
	Status    string
	Factors   []string // UserMFASettingList: SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP
	Preferred string
}

// UsersAPI is what Read samples users with (a *cognitoidentityprovider.Client
// has it); without it the users' check is skipped.
type UsersAPI interface {
	ListUsers(context.Context, *cip.ListUsersInput, ...func(*cip.Options)) (*cip.ListUsersOutput, error)
	AdminGetUser(context.Context, *cip.AdminGetUserInput, ...func(*cip.Options)) (*cip.AdminGetUserOutput, error)
}

// DefaultUserSample is how many users Read looks at.
const DefaultUserSample = 20

// Parts of the configuration a rule needs.
const (
	PartPool   = "pool"
	PartClient = "client"
	PartDomain = "domain"
	PartMFA    = "mfa"
	PartAPI    = "api"
	PartUsers  = "users"
)

func (c *Config) has(part string) bool {
	switch part {
	case PartPool:
		return c.Pool != nil
	case PartClient:
		return c.Client != nil
	case PartDomain:
		return c.Pool != nil && !c.unread(PartDomain)
	case PartMFA:
		return c.MFA != nil
	case PartAPI:
		return c.API != nil
	case PartUsers:
		return c.Users != nil
	}
	return false
}

func (c *Config) unread(part string) bool {
	for _, u := range c.Unread {
		if u.What == part {
			return true
		}
	}
	return false
}

func (c *Config) why(part string) string {
	for _, u := range c.Unread {
		if u.What == part {
			return fmt.Sprintf("could not read %s: %s", u.Op, u.Reason)
		}
	}
	return "not read (" + part + " not given)"
}

// CognitoAPI is the part of the Cognito client Read uses.
type CognitoAPI interface {
	DescribeUserPool(context.Context, *cip.DescribeUserPoolInput, ...func(*cip.Options)) (*cip.DescribeUserPoolOutput, error)
	DescribeUserPoolClient(context.Context, *cip.DescribeUserPoolClientInput, ...func(*cip.Options)) (*cip.DescribeUserPoolClientOutput, error)
	DescribeUserPoolDomain(context.Context, *cip.DescribeUserPoolDomainInput, ...func(*cip.Options)) (*cip.DescribeUserPoolDomainOutput, error)
	GetUserPoolMfaConfig(context.Context, *cip.GetUserPoolMfaConfigInput, ...func(*cip.Options)) (*cip.GetUserPoolMfaConfigOutput, error)
}

// Clients are the SDK clients Read uses; a nil API side skips the API.
type Clients struct {
	Cognito CognitoAPI
	API     apiconfig.Clients
}

// ReadOptions say which API to read (none when APIIDs is empty and ReadAPI
// is false).
type ReadOptions struct {
	ReadAPI bool
	API     apiconfig.Options
	// UserSample is how many users to read MFA settings of (0:
	// DefaultUserSample; <0: none).
	UserSample int
}

// ErrNoCredentials marks reads refused for want of AWS credentials.
var ErrNoCredentials = errors.New("no AWS credentials")

// Read reads the pool, the client, the pool's domain, the MFA
// configuration and (with ReadAPI) the API's configuration. What it could
// not read is in Config.Unread; the error is only the context's.
func Read(ctx context.Context, c Clients, t Target, opts ReadOptions) (*Config, error) {
	cfg := &Config{}
	fail := func(part, op string, err error) {
		cfg.Unread = append(cfg.Unread, unreadOf(part, op, err))
	}
	if c.Cognito == nil {
		for _, p := range [][2]string{{PartPool, "DescribeUserPool"}, {PartClient, "DescribeUserPoolClient"}, {PartDomain, "DescribeUserPoolDomain"}, {PartMFA, "GetUserPoolMfaConfig"}} {
			cfg.Unread = append(cfg.Unread, Unread{What: p[0], Op: p[1], Reason: "no AWS credentials to call it with", NoCredentials: true})
		}
	} else {
		pool := &t.PoolID
		if out, err := c.Cognito.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: pool}); err != nil {
			fail(PartPool, "DescribeUserPool", err)
		} else {
			cfg.Pool = out.UserPool
		}
		if t.ClientID == "" {
			cfg.Unread = append(cfg.Unread, Unread{What: PartClient, Op: "DescribeUserPoolClient", Reason: "no client id given"})
		} else if out, err := c.Cognito.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: pool, ClientId: &t.ClientID}); err != nil {
			fail(PartClient, "DescribeUserPoolClient", err)
		} else {
			cfg.Client = out.UserPoolClient
		}
		if cfg.Pool != nil {
			for _, d := range []*string{cfg.Pool.CustomDomain, cfg.Pool.Domain} {
				if d == nil || *d == "" {
					continue
				}
				out, err := c.Cognito.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: d})
				if err != nil {
					fail(PartDomain, "DescribeUserPoolDomain", err)
				} else if out.DomainDescription != nil && out.DomainDescription.Domain != nil {
					cfg.Domain = out.DomainDescription
				}
				break
			}
		} else {
			cfg.Unread = append(cfg.Unread, Unread{What: PartDomain, Op: "DescribeUserPoolDomain", Reason: "the pool could not be read"})
		}
		if out, err := c.Cognito.GetUserPoolMfaConfig(ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: pool}); err != nil {
			fail(PartMFA, "GetUserPoolMfaConfig", err)
		} else {
			cfg.MFA = out
		}
		readUsers(ctx, c.Cognito, t.PoolID, opts.UserSample, cfg)
	}
	if err := ctx.Err(); err != nil {
		return cfg, err
	}
	if opts.ReadAPI {
		if c.API.HTTP == nil && c.API.REST == nil {
			cfg.Unread = append(cfg.Unread, Unread{What: PartAPI, Op: "GetApis", Reason: "no AWS credentials to call it with", NoCredentials: true})
			return cfg, nil
		}
		api, err := apiconfig.Read(ctx, c.API, opts.API)
		if api != nil {
			for _, p := range api.Problems {
				u := Unread{What: PartAPI, Op: p.Op, Reason: p.Message, Code: p.Code, NoCredentials: errors.Is(p, apiconfig.ErrNoCredentials)}
				if u.Reason == "" {
					u.Reason = p.Error()
				}
				cfg.Unread = append(cfg.Unread, u)
			}
			if len(api.APIs) > 0 || len(api.Problems) == 0 {
				cfg.API = api
			}
		}
		if err != nil && ctx.Err() != nil {
			return cfg, ctx.Err()
		}
	}
	return cfg, nil
}

func unreadOf(part, op string, err error) Unread {
	u := Unread{What: part, Op: op, Reason: err.Error()}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		u.Code, u.Reason = ae.ErrorCode(), ae.ErrorMessage()
	}
	if pf, ok := proxyerr.Of(err); ok {
		// The proxy was not reached, not the endpoint.
		u.Reason = pf.Describe(nil)
		return u
	}
	low := strings.ToLower(err.Error())
	if errors.Is(err, ErrNoCredentials) || strings.Contains(low, "no valid credential") || strings.Contains(low, "failed to retrieve credentials") ||
		strings.Contains(low, "missing credentials") || strings.Contains(low, "anonymous credentials") {
		u.NoCredentials = true
		u.Reason = "no AWS credentials to call it with"
	}
	return u
}

// readUsers samples the pool's users' MFA settings when MFA is on.
func readUsers(ctx context.Context, c CognitoAPI, poolID string, n int, cfg *Config) {
	api, ok := c.(UsersAPI)
	if !ok || n < 0 || cfg.MFA == nil || cfg.MFA.MfaConfiguration == "" || cfg.MFA.MfaConfiguration == types.UserPoolMfaTypeOff {
		return
	}
	if n == 0 {
		n = DefaultUserSample
	}
	out, err := api.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: &poolID, Limit: aws.Int32(int32(min(n, 60)))})
	if err != nil {
		cfg.Unread = append(cfg.Unread, unreadOf(PartUsers, "ListUsers", err))
		return
	}
	cfg.Users = []UserMFA{}
	for _, u := range out.Users {
		if len(cfg.Users) >= n {
			break
		}
		got, err := api.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: u.Username})
		if err != nil {
			cfg.Unread = append(cfg.Unread, unreadOf(PartUsers, "AdminGetUser", err))
			cfg.Users = nil
			return
		}
		cfg.Users = append(cfg.Users, UserMFA{Username: aws.ToString(got.Username), Status: string(got.UserStatus),
			Factors: got.UserMFASettingList, Preferred: aws.ToString(got.PreferredMfaSetting)})
	}
}
