// Package initcmd is `cogscope init`: it writes a profile to the config
// file for a real user pool (or an emulator's). It asks for — or takes as
// flags — the region, the pool id and the app client id, then reads the
// rest with the caller's AWS credentials: the pool's domain
// (DescribeUserPool, DescribeUserPoolDomain), its federated identity
// providers (ListIdentityProviders), the client's callback and
// sign-out URLs, flows, OAuth scopes and whether it has a secret
// (DescribeUserPoolClient) and, given --api-id, the API's routes and the
// log groups of its authorizers and stages (internal/apiconfig). What it
// could not read is said, with why, and the profile is written anyway.
package initcmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/apicall"
	"github.com/cogscope/cogscope/internal/apiconfig"
	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/internal/lazyregexp"
	"github.com/cogscope/cogscope/ui/common"
)

// InitOptions are `cogscope init`'s inputs. initRun reads only these,
// never cobra.
type InitOptions struct {
	IO      *cmdutil.IOStreams
	Factory *cmdutil.Factory

	Profile             string // the global --profile ($COGSCOPE_PROFILE); default "default"
	Region              string // the global --region
	Endpoint            string // the global --endpoint, written to the profile
	UserPoolID          string
	ClientID            string
	APIIDs              []string
	Username            string
	ClientSecretEnv     string
	ClientSecretCommand string
	AWSProfile          string
	Default             bool // make it default_profile
	Force               bool // replace an existing profile
	NoRead              bool // do not call AWS
	JSON                bool
	FlagsSet            map[string]bool
}

// NewCmdInit writes a profile. runF, when not nil, is called with the
// parsed options instead of initRun.
func NewCmdInit(f *cmdutil.Factory, runF func(*InitOptions) error) *cobra.Command {
	o := &InitOptions{IO: &f.IO, Factory: f}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a profile for a user pool and app client to the config file",
		Long: `Write a profile to the config file (--config, else
$XDG_CONFIG_HOME/cogscope/config.toml) named by --profile ($COGSCOPE_PROFILE),
"default" without one.

The region, user pool id and app client id come from the flags, or are asked
for at a terminal. The rest is read with your AWS credentials (the standard
chain, or --aws-profile): the pool's hosted-UI domain, the client's callback
and sign-out URLs, its sign-in flows and OAuth scopes, whether it has a
secret, and with --api-id the API's routes and the log groups of its
authorizers. What cannot be read (no credentials, no permission) is said, and
the profile is written with what is known: sign-in with SRP needs only the
pool and the client.

An existing config file is rewritten with the new profile (its comments are
not kept; the previous file is saved beside it as config.toml.bak).

A client secret is never written: with a secret client, the profile names an
environment variable (--client-secret-env, default COGSCOPE_CLIENT_SECRET) or
a command (--client-secret-command) to read it from.`,
		Example: `  cogscope init
  cogscope init --profile dev --user-pool-id eu-west-1_AbCdEfGhI --client-id 1example23456789
  cogscope init --profile dev --user-pool-id eu-west-1_AbCdEfGhI --client-id 1example23456789 --api-id a1b2c3d4e5
  cogscope init --endpoint http://127.0.0.1:9229 --user-pool-id us-east-1_CogScope1 --client-id cogscopedemopublicclient01`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Profile, o.Region, o.Endpoint = f.Global.Profile, f.Global.Region, f.Global.Endpoint
			o.FlagsSet = cmdutil.FlagsSet(cmd)
			if runF != nil {
				return runF(o)
			}
			return initRun(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.UserPoolID, "user-pool-id", "", "user pool id (region_id); asked for at a terminal")
	fl.StringVar(&o.ClientID, "client-id", "", "app client id; asked for at a terminal")
	fl.StringSliceVar(&o.APIIDs, "api-id", nil, "API Gateway API id (HTTP or REST) whose routes and authorizer logs to add; repeatable")
	fl.StringVar(&o.Username, "username", "", "default --username of login")
	fl.StringVar(&o.ClientSecretEnv, "client-secret-env", "", "environment variable holding the client secret (for a client with one)")
	fl.StringVar(&o.ClientSecretCommand, "client-secret-command", "", "command printing the client secret (for a client with one)")
	fl.StringVar(&o.AWSProfile, "aws-profile", "", "AWS credentials profile to read the pool with; written to the profile for admin calls")
	fl.BoolVar(&o.Default, "default", false, "make it the default profile (the first profile always is)")
	fl.BoolVar(&o.Force, "force", false, "replace the profile if it exists")
	fl.BoolVar(&o.NoRead, "no-read", false, "do not call AWS: write only what was given")
	fl.BoolVar(&o.JSON, "json", false, "print what was written and what could not be read as JSON on stdout")
	return cmd
}

var profileNameRe = lazyregexp.New(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$`)

// DefaultSecretEnv is the environment variable a secret client's profile
// names when --client-secret-env and --client-secret-command are not given.
const DefaultSecretEnv = "COGSCOPE_CLIENT_SECRET"

// Unread is something init could not read, and why.
type Unread struct {
	What string `json:"what"`
	Why  string `json:"why"`
}

// Result is what initRun did (the --json document).
type Result struct {
	Path    string         `json:"path"`
	Profile string         `json:"profile"`
	Default bool           `json:"default"`
	Written config.Profile `json:"written"`
	Read    []string       `json:"read"`
	Unread  []Unread       `json:"unread"`
}

func initRun(ctx context.Context, o *InitOptions) error {
	f := o.Factory
	name := cmdutil.FirstNonEmpty(o.Profile, "default")
	if !profileNameRe.MatchString(name) {
		return cmdutil.UsageErr("--profile %q: a profile name is letters, digits, '-', '_' and '.', at most 64", common.CleanLine(name))
	}
	if o.ClientSecretEnv != "" && o.ClientSecretCommand != "" {
		return cmdutil.UsageErr("give --client-secret-env or --client-secret-command, not both")
	}
	path := cmdutil.FirstNonEmpty(f.Global.ConfigPath, f.Paths().ConfigFile)
	file, err := config.Load(path)
	if err != nil {
		return cmdutil.UsageErr("%v", err)
	}
	if _, exists := file.Profiles[name]; exists && !o.Force {
		return cmdutil.UsageErr("profile %q already exists in %s: give --force to replace it, or --profile NAME for another", name, path)
	}
	if err := o.ask(ctx); err != nil {
		return err
	}

	prof := config.Profile{
		Region:              o.Region,
		UserPoolID:          o.UserPoolID,
		ClientID:            o.ClientID,
		Endpoint:            o.Endpoint,
		AWSProfile:          o.AWSProfile,
		Username:            o.Username,
		ClientSecretEnv:     o.ClientSecretEnv,
		ClientSecretCommand: o.ClientSecretCommand,
	}
	t := cmdutil.Target{Profile: name, Region: o.Region, Endpoint: o.Endpoint, UserPoolID: o.UserPoolID,
		ClientID: o.ClientID, AWSProfile: o.AWSProfile}
	if err := t.Check(true, true); err != nil {
		return err
	}
	prof.Region = t.Region
	res := &Result{Path: path, Profile: name, Read: []string{}, Unread: []Unread{}}

	// Asked once: without credentials the chain can take seconds to say so.
	canRead := !o.NoRead && f.HasAWSCredentials(ctx, t)
	switch {
	case o.NoRead:
		res.Unread = append(res.Unread, Unread{"the pool, the client and the API", "--no-read"})
	case !canRead:
		res.Unread = append(res.Unread, Unread{"the pool, the client and the API",
			"no AWS credentials (set AWS_PROFILE or AWS_ACCESS_KEY_ID, or give --aws-profile)"})
	default:
		cfg, err := f.AWSConfig(ctx, t)
		if err != nil {
			res.Unread = append(res.Unread, Unread{"the pool, the client and the API", "AWS configuration: " + err.Error()})
			break
		}
		r := reader{cfg: cfg, t: t, prof: &prof, res: res}
		r.readPool(ctx)
		r.readAPIs(ctx, o.APIIDs)
		if err := ctx.Err(); err != nil {
			return cmdutil.UsageErr("interrupted")
		}
	}
	if len(o.APIIDs) > 0 && !canRead {
		res.Unread = append(res.Unread, Unread{"API " + strings.Join(o.APIIDs, ", "), "not read: add its routes under [profiles." + name + ".api] by hand"})
	}

	if file.Profiles == nil {
		file.Profiles = map[string]config.Profile{}
	}
	file.Profiles[name] = prof
	if o.Default || file.DefaultProfile == "" {
		file.DefaultProfile = name
	}
	res.Default = file.DefaultProfile == name
	res.Written = prof
	if err := config.Save(path, file); err != nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("write config: %w", err)}
	}
	if o.JSON {
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printResult(o.IO.ErrOut, res)
	return nil
}

// ask fills in the region, pool and client at a terminal; without one a
// missing pool or client is a usage error.
func (o *InitOptions) ask(ctx context.Context) error {
	if o.UserPoolID != "" && o.ClientID != "" {
		return nil
	}
	if !o.IO.InTTY {
		return cmdutil.UsageErr("give --user-pool-id and --client-id (stdin is not a terminal to ask on)")
	}
	in := cmdutil.NewLineReader(ctx, o.IO.In)
	w := o.IO.ErrOut
	fmt.Fprintln(w, "cogscope init: a profile for a user pool and app client (Ctrl-C to stop)")
	for o.UserPoolID == "" {
		v, err := in.Prompt(w, "  user pool id (e.g. eu-west-1_AbCdEfGhI): ")
		if err != nil {
			return err
		}
		v = strings.TrimSpace(v)
		if err := flows.ValidateUserPoolID(v); err != nil {
			fmt.Fprintf(w, "  %s\n", cmdutil.OptionsText(err))
			continue
		}
		o.UserPoolID = v
	}
	if o.Region == "" {
		def := flows.RegionOf(o.UserPoolID)
		v, err := in.Prompt(w, fmt.Sprintf("  region [%s]: ", def))
		if err != nil {
			return err
		}
		o.Region = cmdutil.FirstNonEmpty(strings.TrimSpace(v), def)
	}
	for o.ClientID == "" {
		v, err := in.Prompt(w, "  app client id: ")
		if err != nil {
			return err
		}
		o.ClientID = strings.TrimSpace(v)
	}
	if len(o.APIIDs) == 0 && !o.FlagsSet["api-id"] {
		v, err := in.Prompt(w, "  API Gateway API id (optional, enter to skip): ")
		if err != nil {
			return err
		}
		o.APIIDs = strings.Fields(strings.ReplaceAll(v, ",", " "))
	}
	return nil
}

// reader reads the pool, client and APIs into the profile.
type reader struct {
	cfg  aws.Config
	t    cmdutil.Target
	prof *config.Profile
	res  *Result
}

func (r *reader) unread(what string, err error) {
	r.res.Unread = append(r.res.Unread, Unread{What: what, Why: why(err)})
}

func (r *reader) readPool(ctx context.Context) {
	c := awsclient.Cognito(r.cfg, r.t.Endpoint)
	pool, err := c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(r.t.UserPoolID)})
	var domain string
	custom := false
	if err != nil {
		r.unread("the pool's hosted-UI domain (DescribeUserPool)", err)
	} else {
		r.res.Read = append(r.res.Read, "the pool (DescribeUserPool)")
		domain = aws.ToString(pool.UserPool.Domain)
		if cd := aws.ToString(pool.UserPool.CustomDomain); cd != "" {
			domain, custom = cd, true
		}
	}
	if domain != "" {
		d, err := c.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String(domain)})
		switch {
		case err != nil:
			r.unread("the domain's status (DescribeUserPoolDomain)", err)
		case d.DomainDescription == nil || aws.ToString(d.DomainDescription.UserPoolId) == "":
			r.res.Unread = append(r.res.Unread, Unread{"the domain " + domain, "DescribeUserPoolDomain does not know it"})
			domain = ""
		default:
			r.res.Read = append(r.res.Read, "the hosted-UI domain (DescribeUserPoolDomain)")
			if d.DomainDescription.CustomDomainConfig != nil {
				custom = true
			}
		}
	}
	if domain != "" {
		r.prof.HostedUI.Domain = domainURL(r.t.Endpoint, r.t.Region, domain, custom)
	}

	r.readProviders(ctx, c)

	cl, err := c.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{
		UserPoolId: aws.String(r.t.UserPoolID), ClientId: aws.String(r.t.ClientID)})
	if err != nil {
		r.unread("the app client's URLs, flows, scopes and secret (DescribeUserPoolClient)", err)
		return
	}
	r.res.Read = append(r.res.Read, "the app client (DescribeUserPoolClient)")
	upc := cl.UserPoolClient
	if aws.ToString(upc.ClientSecret) != "" && r.prof.ClientSecretEnv == "" && r.prof.ClientSecretCommand == "" {
		r.prof.ClientSecretEnv = DefaultSecretEnv
	}
	if upc.ClientSecret == nil && (r.prof.ClientSecretEnv != "" || r.prof.ClientSecretCommand != "") {
		r.res.Unread = append(r.res.Unread, Unread{"the client secret", "the client has no secret: the secret setting given is not needed"})
	}
	fl := upc.ExplicitAuthFlows
	if !slices.Contains(fl, types.ExplicitAuthFlowsTypeAllowUserSrpAuth) && slices.Contains(fl, types.ExplicitAuthFlowsTypeAllowUserPasswordAuth) {
		r.prof.Flow = "password"
	}
	if upc.AllowedOAuthFlowsUserPoolClient != nil && *upc.AllowedOAuthFlowsUserPoolClient {
		r.prof.HostedUI.CallbackURL = pickCallback(upc.CallbackURLs)
		if len(upc.LogoutURLs) > 0 {
			r.prof.HostedUI.LogoutURL = upc.LogoutURLs[0]
		}
		r.prof.HostedUI.Scopes = slices.Clone(upc.AllowedOAuthScopes)
	}
}

// readProviders writes the pool's federated identity providers
// (ListIdentityProviders, every page) to hosted_ui.identity_providers,
// for the console to offer when it cannot read the pool itself.
func (r *reader) readProviders(ctx context.Context, c *cip.Client) {
	names, err := cmdutil.ListIdentityProviders(ctx, c, r.t.UserPoolID)
	if err != nil {
		r.unread("the pool's identity providers (ListIdentityProviders)", err)
		return
	}
	r.res.Read = append(r.res.Read, fmt.Sprintf("the pool's identity providers (ListIdentityProviders, %d)", len(names)))
	r.prof.HostedUI.IdentityProviders = names
}

// readAPIs adds the routes of the first API (its invoke URL is the
// profile's base URL) and the log groups of every API's authorizers and
// stages.
func (r *reader) readAPIs(ctx context.Context, ids []string) {
	if len(ids) == 0 {
		return
	}
	clients := apiconfig.Clients{
		HTTP: awsclient.APIGatewayV2(r.cfg, r.t.Endpoint),
		REST: awsclient.APIGateway(r.cfg, r.t.Endpoint),
	}
	cfg, err := apiconfig.Read(ctx, clients, apiconfig.Options{APIIDs: ids, Endpoint: r.t.Endpoint, Region: r.t.Region})
	if cfg == nil {
		r.unread("API "+strings.Join(ids, ", "), err)
		return
	}
	for _, p := range cfg.Problems {
		r.res.Unread = append(r.res.Unread, Unread{What: "API " + p.APIID + " (" + p.Op + ")", Why: why(p)})
	}
	found := map[string]bool{}
	var groups []string
	addGroup := func(g string) {
		if g != "" && !slices.Contains(groups, g) {
			groups = append(groups, g)
		}
	}
	names := map[string]bool{}
	for _, api := range cfg.APIs {
		found[api.ID] = true
		r.res.Read = append(r.res.Read, fmt.Sprintf("API %s (%s, %d routes)", api.ID, api.Kind, len(api.Routes)))
		for _, st := range api.Stages {
			addGroup(st.AccessLogGroup)
		}
		for _, rt := range api.Routes {
			if rt.Authorizer != nil && rt.Authorizer.Function != "" {
				addGroup("/aws/lambda/" + rt.Authorizer.Function)
			}
		}
		if r.prof.API.BaseURL != "" {
			continue
		}
		r.prof.API.BaseURL = api.InvokeURL
		for _, rt := range api.Routes {
			if rt.Path == "$default" || strings.Contains(rt.Path, "{") {
				continue // no concrete path to call
			}
			method := cmdutil.FirstNonEmpty(rt.Method, "GET")
			if method == "ANY" {
				method = "GET"
			}
			n := routeName(method, rt.Path, names)
			r.prof.API.Routes = append(r.prof.API.Routes, config.Route{Name: n, Method: method, Path: rt.Path, Token: apicall.RightToken(rt)})
		}
	}
	for _, id := range ids {
		if !found[id] && !problemFor(cfg.Problems, id) {
			r.res.Unread = append(r.res.Unread, Unread{What: "API " + id, Why: "no HTTP or REST API has this id in " + r.t.Region})
		}
	}
	r.prof.Logs.Groups = groups
}

func problemFor(ps []*apiconfig.ReadError, id string) bool {
	for _, p := range ps {
		if p.APIID == id || p.APIID == "" {
			return true
		}
	}
	return false
}

// routeName is a unique name for a route: its path's words ("/me" → "me",
// "/orders/list" → "orders-list", "/" → "root"), with the method when
// the path is taken.
func routeName(method, path string, taken map[string]bool) string {
	n := strings.Trim(strings.ReplaceAll(path, "/", "-"), "-")
	if n == "" {
		n = "root"
	}
	if taken[n] {
		n = strings.ToLower(method) + "-" + n
	}
	for i := 2; taken[n]; i++ {
		n = fmt.Sprintf("%s-%d", strings.TrimRight(n, "-0123456789"), i)
	}
	taken[n] = true
	return n
}

// pickCallback prefers a loopback callback URL (login's hosted flows
// listen there), else the first.
func pickCallback(urls []string) string {
	for _, u := range urls {
		if cmdutil.IsLoopback(u) {
			return u
		}
	}
	if len(urls) > 0 {
		return urls[0]
	}
	return ""
}

// domainURL is the hosted UI's base URL: on an endpoint (the local stack)
// <endpoint>/_domain/<prefix>; a custom domain https://<domain>; else
// https://<prefix>.auth.<region>.amazoncognito.com.
func domainURL(endpoint, region, domain string, custom bool) string {
	switch {
	case endpoint != "":
		return strings.TrimRight(endpoint, "/") + "/_domain/" + url.PathEscape(domain)
	case custom:
		return "https://" + domain
	}
	return "https://" + domain + ".auth." + region + ".amazoncognito.com"
}

// why is an error's reason in one line, the service's code first.
func why(err error) string {
	if err == nil {
		return "unknown"
	}
	var re *apiconfig.ReadError
	if errors.As(err, &re) {
		if re.Kind != nil {
			return re.Kind.Error() + ": " + re.Error()
		}
		return re.Error()
	}
	return cmdutil.WhyUnread(err, "cognito-idp:Describe*, cognito-idp:ListIdentityProviders, apigateway:GET")
}

func printResult(w io.Writer, res *Result) {
	def := ""
	if res.Default {
		def = " (the default profile)"
	}
	fmt.Fprintf(w, "Wrote profile %s%s to %s\n", common.CleanLine(res.Profile), def, common.CleanLine(res.Path))
	p := res.Written
	// The keys are aligned to the longest one printed.
	var rows [][2]string
	line := func(k, v string) {
		if v != "" {
			rows = append(rows, [2]string{k, v})
		}
	}
	line("region", p.Region)
	line("user_pool_id", p.UserPoolID)
	line("client_id", p.ClientID)
	line("endpoint", p.Endpoint)
	line("client_secret_env", p.ClientSecretEnv)
	line("client_secret_command", p.ClientSecretCommand)
	line("flow", p.Flow)
	line("hosted_ui.domain", p.HostedUI.Domain)
	line("hosted_ui.callback_url", p.HostedUI.CallbackURL)
	line("hosted_ui.scopes", strings.Join(p.HostedUI.Scopes, " "))
	line("hosted_ui.identity_providers", strings.Join(p.HostedUI.IdentityProviders, " "))
	line("api.base_url", p.API.BaseURL)
	for _, rt := range p.API.Routes {
		line("api.routes", rt.Name+" = "+rt.Method+" "+rt.Path+" ("+cmdutil.FirstNonEmpty(rt.Token, "access")+")")
	}
	line("logs.groups", strings.Join(p.Logs.Groups, " "))
	width := 0
	for _, r := range rows {
		width = max(width, len(r[0]))
	}
	for _, r := range rows {
		fmt.Fprintf(w, "  %-*s %s\n", width, r[0], common.CleanLine(r[1]))
	}
	if len(res.Unread) > 0 {
		fmt.Fprintln(w, "Could not read:")
		for _, u := range res.Unread {
			fmt.Fprintf(w, "  %s: %s\n", common.CleanLine(u.What), common.CleanLine(u.Why))
		}
	}
	if p.ClientSecretEnv != "" {
		fmt.Fprintf(w, "The client has a secret: set $%s before signing in (it is never written to the config file).\n", p.ClientSecretEnv)
	}
	fmt.Fprintf(w, "Next: cogscope --profile %s login\n", common.CleanLine(res.Profile))
}
