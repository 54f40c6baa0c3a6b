package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/lazyregexp"
)

// Target is where a command goes: the profile it came from, the AWS side
// (region, endpoint, credentials profile), the user pool and app client,
// the user, the hosted UI, and whether it is the local stack. It is
// resolved once — flags over the profile over the environment — by
// Factory.NewTarget (and Factory.ResolveTarget, which adds the defaults
// and checks), and every service the command builds reads it.
type Target struct {
	Profile    string // cogscope profile name, "" without one
	AWSProfile string // the profile's aws_profile: credentials for admin calls
	Region     string
	Endpoint   string // every AWS call goes here when set (the local stack, an emulator)
	UserPoolID string
	ClientID   string
	// ClientSecret is the app client's secret once read; the profile's
	// reference to it (client_secret_env, client_secret_command) is read
	// by ProfileSecret.
	ClientSecret string
	Username     string
	Password     string // the demo user's; otherwise typed or from stdin

	// Issuer and Domain name the hosted UI (the pool's issuer lists its
	// domain's endpoints); RedirectURI is the registered loopback
	// callback, "" for a free port on 127.0.0.1; Scopes are the hosted-UI
	// scopes (nil: all the client allows).
	Issuer, Domain, RedirectURI string
	Scopes                      []string
	// CCClientID and CCClientSecret are the client of the client
	// credentials grant: the demo's confidential client on the local
	// stack, the target's own client otherwise.
	CCClientID, CCClientSecret string

	// Ephemeral marks a local stack started in-process: it ends with the
	// command, so its tokens are not worth saving.
	Ephemeral bool
	// Pending marks a target that is the in-process local stack yet to
	// start (the console starts it after its first frame).
	Pending bool

	// secret reads the profile's client secret reference.
	secret func(ctx context.Context) (string, error)
	// poolFrom and endpointFrom name where UserPoolID and Endpoint came
	// from (a flag, or a profile's key), for error messages.
	poolFrom, endpointFrom, regionFrom string
}

// TargetFlags are a command's own flags that name a target; "" is not
// given. Scope is the space-separated --scope (given: over the profile's).
type TargetFlags struct {
	UserPoolID, ClientID, Username string
	Issuer, Domain, RedirectURI    string
	Scope                          string
	// Secret is how the command takes the app client's secret besides
	// the profile (ResolveTargetWith reads it with ClientSecretFrom).
	Secret ClientSecretFlags
	// NoSecret says the command sends nothing the secret would
	// authenticate (transcript export reads a file): ResolveTargetWith
	// then reads no secret, and a profile's unset client_secret_env is
	// no error.
	NoSecret bool
}

// ActiveProfile is the config file's profile a command runs with.
type ActiveProfile struct {
	Name string // "" without a profile
	config.Profile
}

// Profile reads the config file (--config, else the XDG default) and picks
// the profile: --profile ($COGSCOPE_PROFILE), else the file's
// default_profile. With neither, Name is "" and the profile empty. A
// --config that does not exist, a file that does not parse and a profile
// the file lacks are usage errors.
func (f *Factory) Profile() (ActiveProfile, error) {
	cfgPath := f.Global.ConfigPath
	if cfgPath == "" {
		cfgPath = f.Paths().ConfigFile
	}
	file, err := config.Load(cfgPath)
	if err != nil {
		return ActiveProfile{}, UsageErr("%v", err)
	}
	if f.Global.ConfigPath != "" && !file.Found {
		return ActiveProfile{}, UsageErr("--config %s: no such file", cfgPath)
	}
	prof, name, _, err := file.Profile(f.Global.Profile)
	if err != nil {
		return ActiveProfile{}, UsageErr("%v", err)
	}
	return ActiveProfile{Name: name, Profile: prof}, nil
}

// NewTarget is the target before any default: the global flags and the
// command's own over the profile's values.
func (f *Factory) NewTarget(p ActiveProfile, fl TargetFlags) Target {
	prof, name := p.Profile, p.Name
	t := Target{
		Profile:      name,
		AWSProfile:   FirstNonEmpty(f.Global.AWSProfile, prof.AWSProfile),
		Region:       FirstNonEmpty(f.Global.Region, prof.Region),
		Endpoint:     FirstNonEmpty(f.Global.Endpoint, prof.Endpoint),
		UserPoolID:   FirstNonEmpty(fl.UserPoolID, prof.UserPoolID),
		ClientID:     FirstNonEmpty(fl.ClientID, prof.ClientID),
		Username:     FirstNonEmpty(fl.Username, prof.Username),
		Issuer:       fl.Issuer,
		Domain:       FirstNonEmpty(fl.Domain, prof.HostedUI.Domain),
		RedirectURI:  FirstNonEmpty(fl.RedirectURI, prof.HostedUI.CallbackURL),
		Scopes:       strings.Fields(fl.Scope),
		poolFrom:     "--user-pool-id",
		endpointFrom: "--endpoint",
		regionFrom:   "--region",
	}
	if fl.Scope == "" {
		t.Scopes = prof.HostedUI.Scopes
	}
	env := f.Env
	t.secret = func(ctx context.Context) (string, error) { return prof.ClientSecret(ctx, env) }
	// Errors name where a bad value came from: a profile's value is fixed
	// in the file, not on the command line.
	if fl.UserPoolID == "" && prof.UserPoolID != "" {
		t.poolFrom = fmt.Sprintf("user_pool_id of profile %s", name)
	}
	if f.Global.Region == "" && prof.Region != "" {
		t.regionFrom = fmt.Sprintf("region of profile %s", name)
	}
	if f.Global.Endpoint == "" && prof.Endpoint != "" {
		t.endpointFrom = fmt.Sprintf("endpoint of profile %s", name)
	}
	return t
}

// ResolveTarget is the target of a command that takes its target from
// the global flags and the profile only (the console; call and tail):
// with no pool, client or hosted-UI domain it is the local stack's demo
// pool — the `cogscope local` at --endpoint (or the profile's endpoint),
// else a Pending target for an in-process stack (see LocalDemo). Otherwise
// the target is checked and the profile's client secret read.
func (f *Factory) ResolveTarget(ctx context.Context) (Target, error) {
	return f.ResolveTargetWith(ctx, TargetFlags{})
}

// ResolveTargetWith is ResolveTarget with a command's own target flags
// (the console's --user-pool-id and --client-id) over the profile's, and
// its own client-secret flags (replay's --client-secret-stdin) over the
// profile's reference, which is then not read.
func (f *Factory) ResolveTargetWith(ctx context.Context, fl TargetFlags) (Target, error) {
	p, err := f.Profile()
	if err != nil {
		return Target{}, err
	}
	t := f.NewTarget(p, fl)
	if err := t.CheckPoolAndEndpoint(); err != nil {
		return t, err
	}
	if t.UserPoolID == "" && t.ClientID == "" && t.Domain == "" {
		if t.Endpoint == "" {
			t.Pending = true
			return t, nil
		}
		demo, _, err := f.LocalDemo(ctx, t.Endpoint, t.Region) // returns at once: nothing to start
		if err != nil {
			return t, UsageErr("%v", err)
		}
		t.UseDemo(demo)
		return t, t.Check(true, true)
	}
	if err := t.Check(false, false); err != nil {
		return t, err
	}
	if !fl.NoSecret {
		secret, err := t.ClientSecretFrom(ctx, fl.Secret)
		if err != nil {
			return t, err
		}
		t.ClientSecret = secret
	}
	t.CCClientID, t.CCClientSecret = t.ClientID, t.ClientSecret
	if t.UserPoolID != "" {
		t.Issuer = t.PoolIssuer()
	}
	return t, nil
}

// ProfileSecret reads the client secret the profile refers to
// (client_secret_env, client_secret_command); "" when it names none.
func (t Target) ProfileSecret(ctx context.Context) (string, error) {
	if t.secret == nil {
		return "", nil
	}
	return t.secret(ctx)
}

// UseDemo points the target at the local stack's demo pool d (from
// LocalDemo), its hosted UI, its user and its clients.
func (t *Target) UseDemo(d Target) {
	t.Pending = false
	t.Endpoint, t.UserPoolID, t.ClientID = d.Endpoint, d.UserPoolID, d.ClientID
	t.Region = FirstNonEmpty(t.Region, d.Region)
	t.Username, t.Password = d.Username, d.Password
	t.Ephemeral = d.Ephemeral
	t.Issuer = PoolIssuer(d.Endpoint, t.Region, d.UserPoolID)
	t.RedirectURI = d.RedirectURI
	t.CCClientID, t.CCClientSecret = d.CCClientID, d.CCClientSecret
}

// Check refuses a target that names no app client, a malformed pool id or
// endpoint, and fills in the region from the pool id. needPool and
// needRegion say whether the command cannot do without them.
func (t *Target) Check(needPool, needRegion bool) error {
	if t.ClientID == "" {
		return UsageErr("no app client: give --client-id or set client_id in the profile")
	}
	if err := t.CheckPoolAndEndpoint(); err != nil {
		return err
	}
	if t.UserPoolID == "" && needPool {
		return UsageErr("no user pool: give --user-pool-id or set user_pool_id in the profile")
	}
	if t.Region == "" {
		t.Region = flows.RegionOf(t.UserPoolID)
	}
	if t.Region == "" && needRegion {
		return UsageErr("no region: give --region or set region in the profile")
	}
	return nil
}

// CheckPoolAndEndpoint refuses a pool id not in region_id form, a region
// that is not a region's name and an endpoint that is not an absolute
// URL, when they are given.
func (t *Target) CheckPoolAndEndpoint() error {
	if t.UserPoolID != "" {
		if err := flows.ValidateUserPoolID(t.UserPoolID); err != nil {
			return UsageErr("%s: %s", FirstNonEmpty(t.poolFrom, "--user-pool-id"), OptionsText(err))
		}
	}
	if t.Region != "" {
		if err := ValidateRegion(t.Region); err != nil {
			return UsageErr("%s %q %v", FirstNonEmpty(t.regionFrom, "--region"), t.Region, err)
		}
	}
	if t.Endpoint != "" {
		if err := checkEndpointURL(t.Endpoint); err != nil {
			return UsageErr("%s %q %v", FirstNonEmpty(t.endpointFrom, "--endpoint"), t.Endpoint, err)
		}
	}
	return nil
}

// checkEndpointURL refuses what cannot be an AWS endpoint: not an
// absolute http(s) URL (a bare host, ftp://, a typo such as htp://).
func checkEndpointURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Host == "" || u.Scheme == "":
		return errors.New("is not an absolute URL (want http://HOST:PORT or https://HOST)")
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("has scheme %q: want http or https", u.Scheme)
	case u.RawQuery != "" || u.Fragment != "":
		return errors.New("must not hold a query or fragment")
	}
	return nil
}

// IsLoopback says whether the target's endpoint is on this machine (the
// local stack): its calls get hermetic dummy credentials.
func (t Target) IsLoopback() bool { return IsLoopback(t.Endpoint) }

// PoolIssuer is the target's pool's OpenID issuer (see PoolIssuer).
func (t Target) PoolIssuer() string { return PoolIssuer(t.Endpoint, t.Region, t.UserPoolID) }

// SessionKey names the session of clientID's sign-in at the target: the
// profile, else the pool (or the issuer's pool, or the domain's host) and
// the client. Login and the console name sessions alike, so either picks
// up the other's tokens.
func (t Target) SessionKey(clientID string) string {
	return config.SessionKey(t.Profile, FirstNonEmpty(t.UserPoolID, PoolOf(t.Issuer), HostOf(t.Domain)), clientID)
}

// PoolIssuer is a user pool's OpenID issuer: on AWS
// https://cognito-idp.<region>.amazonaws.com/<pool>, on an endpoint (the
// local stack) <endpoint>/<pool>. Its discovery document lists the pool
// domain's hosted-UI endpoints.
func PoolIssuer(endpoint, region, userPoolID string) string {
	if endpoint != "" {
		return strings.TrimSuffix(endpoint, "/") + "/" + userPoolID
	}
	return "https://cognito-idp." + FirstNonEmpty(region, flows.RegionOf(userPoolID)) + ".amazonaws.com/" + userPoolID
}

// PoolOf is the user pool id at the end of a Cognito issuer URL, else the
// issuer's host.
func PoolOf(issuer string) string {
	u, err := url.Parse(issuer)
	if err != nil {
		return ""
	}
	last := u.Path[strings.LastIndex(u.Path, "/")+1:]
	if flows.ValidateUserPoolID(last) != nil {
		return u.Host
	}
	return last
}

// HostOf is the host of a domain URL (the scheme may be left out).
func HostOf(raw string) string {
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

// IsLoopback says whether endpoint's host is localhost or a loopback IP.
func IsLoopback(endpoint string) bool {
	if endpoint == "" {
		return false
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// FirstNonEmpty is the first of vs that is not "".
func FirstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// regionName is the shape of an AWS region's name: us-east-1,
// us-gov-west-1, cn-northwest-1, eu-isoe-west-1.
var regionName = lazyregexp.New(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)

// ValidateRegion refuses what cannot be an AWS region's name (a typo, a
// pool id, a URL), so that it is reported as the region, not as the pool
// id or endpoint built from it.
func ValidateRegion(r string) error {
	if !regionName.MatchString(r) {
		return errors.New("is not an AWS region (want a name such as eu-west-1)")
	}
	return nil
}
