// Package config reads cogscope's config file (named profiles, TOML) and
// keeps the session store (tokens and remembered devices, one 0600 JSON
// file per profile, written atomically) under the XDG base directories.
//
// It imports only the standard library, go-toml, xdg and internal/atomicfile; it must
// not import charm.land/* or ui.
//
// # The config file
//
// $XDG_CONFIG_HOME/cogscope/config.toml (on Linux usually
// ~/.config/cogscope/config.toml), or the file given with --config:
//
//	# Profile used when --profile is not given (optional).
//	default_profile = "dev"
//
//	[profiles.dev]
//	region       = "eu-west-1"              # default: the part of user_pool_id before "_"
//	user_pool_id = "eu-west-1_AbCdEfGhI"
//	client_id    = "1example23456789"
//	# The client secret is never written here; name where to get it:
//	client_secret_env     = "DEV_CLIENT_SECRET"       # an environment variable, or
//	# client_secret_command = "pass show cognito/dev"  # a command whose stdout is the secret
//	username     = "alice"                  # default --username
//	flow         = "srp"                    # default --flow
//	endpoint     = "http://127.0.0.1:9229"  # send every AWS call here (the local stack, an emulator)
//	aws_profile  = "dev-admin"              # AWS credentials profile for admin calls
//
//	[profiles.dev.hosted_ui]
//	domain       = "https://dev.auth.eu-west-1.amazoncognito.com"
//	callback_url = "http://localhost:8400/callback"
//	logout_url   = "http://localhost:8400/"
//	scopes       = ["openid", "email", "profile"]
//	# The pool's federated identity providers, offered by the console's
//	# hosted-UI flow when the pool cannot be read (ListIdentityProviders
//	# needs AWS credentials); cogscope init fills it when it can read them.
//	identity_providers = ["Google", "CorpSAML"]
//
//	[profiles.dev.api]
//	base_url = "https://abc123.execute-api.eu-west-1.amazonaws.com/prod"
//	[[profiles.dev.api.routes]]
//	name   = "me"
//	method = "GET"
//	path   = "/me"
//
//	[profiles.dev.logs]
//	groups = ["/aws/lambda/authorizer"]
//
// Unknown keys are an error (so a typo does not silently drop a setting),
// and so is a client_secret key: secrets belong in the environment or a
// password manager, not in a config file.
//
// # The session store
//
// $XDG_STATE_HOME/cogscope/sessions/<profile>.json (usually
// ~/.local/state/cogscope/sessions/), directory 0700, files 0600, replaced
// atomically (temporary file, fsync, rename). Without a profile the file is
// named after the pool and client ("<pool>.<client>.json"). A session holds
// the last tokens and the remembered devices (device key, group key and
// device password, per username) of that profile.
package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/adrg/xdg"
	"github.com/pelletier/go-toml/v2"
)

// File is a parsed config file.
type File struct {
	DefaultProfile string             `toml:"default_profile,omitempty"`
	Profiles       map[string]Profile `toml:"profiles,omitempty"`

	// Path is where the file was read from; Found is false when it does
	// not exist (an empty configuration).
	Path  string `toml:"-"`
	Found bool   `toml:"-"`
}

// Profile is one named target: a user pool, an app client and what the
// other commands need around them. Later features add fields (in their own
// sub-tables where they have several); none is ever renamed.
type Profile struct {
	Region              string `toml:"region,omitempty" json:"region,omitempty"`
	UserPoolID          string `toml:"user_pool_id,omitempty" json:"userPoolId,omitempty"`
	ClientID            string `toml:"client_id,omitempty" json:"clientId,omitempty"`
	ClientSecretEnv     string `toml:"client_secret_env,omitempty" json:"clientSecretEnv,omitempty"`
	ClientSecretCommand string `toml:"client_secret_command,omitempty" json:"clientSecretCommand,omitempty"`
	Username            string `toml:"username,omitempty" json:"username,omitempty"`
	Flow                string `toml:"flow,omitempty" json:"flow,omitempty"`
	Endpoint            string `toml:"endpoint,omitempty" json:"endpoint,omitempty"`
	AWSProfile          string `toml:"aws_profile,omitempty" json:"awsProfile,omitempty"`

	HostedUI HostedUI `toml:"hosted_ui,omitempty" json:"hostedUI,omitzero"`
	API      API      `toml:"api,omitempty" json:"api,omitzero"`
	Logs     Logs     `toml:"logs,omitempty" json:"logs,omitzero"`
}

// HostedUI is the profile's managed-login (OAuth) settings.
type HostedUI struct {
	Domain      string   `toml:"domain,omitempty" json:"domain,omitempty"` // base URL of the pool's domain
	CallbackURL string   `toml:"callback_url,omitempty" json:"callbackUrl,omitempty"`
	LogoutURL   string   `toml:"logout_url,omitempty" json:"logoutUrl,omitempty"`
	Scopes      []string `toml:"scopes,omitempty" json:"scopes,omitempty"`
	// IdentityProviders are the pool's federated identity providers by
	// name (ProviderName), for when the pool cannot be read.
	IdentityProviders []string `toml:"identity_providers,omitempty" json:"identityProviders,omitempty"`
}

// API is the API Gateway the profile's tokens are for.
type API struct {
	BaseURL string  `toml:"base_url,omitempty" json:"baseUrl,omitempty"`
	Routes  []Route `toml:"routes,omitempty" json:"routes,omitempty"`
}

// Route is one API route to call with a token.
type Route struct {
	Name   string `toml:"name" json:"name"`
	Method string `toml:"method,omitempty" json:"method,omitempty"` // default GET
	Path   string `toml:"path" json:"path"`
	// Token is the token kind `cogscope call --routes` sends: access
	// (default), id, none, or sigv4 (no token: the request is SigV4-signed,
	// for AWS_IAM routes); Expect the status it wants (0: any 2xx).
	Token  string `toml:"token,omitempty" json:"token,omitempty"`
	Expect int    `toml:"expect,omitempty" json:"expect,omitempty"`
}

// Logs are the CloudWatch log groups to tail beside the profile.
type Logs struct {
	Groups []string `toml:"groups,omitempty" json:"groups,omitempty"`
}

// ErrUnknownProfile is wrapped by File.Profile for a name the file lacks.
var ErrUnknownProfile = errors.New("unknown profile")

// Paths are where cogscope keeps its files.
type Paths struct {
	ConfigFile string // config.toml
	StateDir   string // holds sessions/
}

// DefaultPaths resolves the XDG locations, reading XDG_CONFIG_HOME and
// XDG_STATE_HOME through env (so tests can point them at a temporary
// directory) and falling back to the platform defaults.
func DefaultPaths(env func(string) string) Paths {
	configHome, stateHome := xdg.ConfigHome, xdg.StateHome
	if env != nil {
		if v := env("XDG_CONFIG_HOME"); filepath.IsAbs(v) {
			configHome = v
		}
		if v := env("XDG_STATE_HOME"); filepath.IsAbs(v) {
			stateHome = v
		}
	}
	return Paths{
		ConfigFile: filepath.Join(configHome, "cogscope", "config.toml"),
		StateDir:   filepath.Join(stateHome, "cogscope"),
	}
}

// Load reads and checks the config file at path. A missing file is an
// empty configuration (Found false), not an error.
func Load(path string) (*File, error) {
	f := &File{Path: path}
	b, err := readLimited(path, maxConfigBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	if err := Parse(b, f); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	f.Found = true
	return f, nil
}

// maxConfigBytes bounds the config file: a real one is a few KB, and
// --config /dev/zero must fail, not fill memory.
const maxConfigBytes = 1 << 20

// readLimited reads a file of at most limit bytes; a larger one is an
// error (never silently cut).
func readLimited(path string, limit int64) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d MiB", path, limit>>20)
	}
	return b, nil
}

// Parse decodes config text into f and checks it.
func Parse(b []byte, f *File) error {
	dec := toml.NewDecoder(bytes.NewReader(b)).DisallowUnknownFields()
	if err := dec.Decode(f); err != nil {
		var sm *toml.StrictMissingError
		if errors.As(err, &sm) {
			var keys []string
			for _, e := range sm.Errors {
				k := strings.Join(e.Key(), ".")
				if strings.HasSuffix(k, ".client_secret") {
					return fmt.Errorf("%s: the client secret cannot be stored in the config file; use client_secret_env or client_secret_command", k)
				}
				keys = append(keys, k)
			}
			return fmt.Errorf("unknown key(s) %s", strings.Join(keys, ", "))
		}
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, col := de.Position()
			return fmt.Errorf("line %d, column %d: %s", row, col, strings.TrimPrefix(de.Error(), "toml: "))
		}
		return err
	}
	for name, p := range f.Profiles {
		if err := p.check(); err != nil {
			return fmt.Errorf("profile %q: %w", name, err)
		}
	}
	if f.DefaultProfile != "" {
		if _, ok := f.Profiles[f.DefaultProfile]; !ok {
			return fmt.Errorf("default_profile %q is not a profile (have: %s)", f.DefaultProfile, strings.Join(f.Names(), ", "))
		}
	}
	return nil
}

func (p Profile) check() error {
	if p.ClientSecretEnv != "" && p.ClientSecretCommand != "" {
		return errors.New("set client_secret_env or client_secret_command, not both")
	}
	for i, r := range p.API.Routes {
		if r.Name == "" || r.Path == "" {
			return fmt.Errorf("api.routes[%d] needs a name and a path", i)
		}
		switch r.Token {
		case "", "access", "id", "none", "sigv4":
		default:
			return fmt.Errorf("api.routes[%d] (%s): token %q: want access, id, none or sigv4", i, r.Name, r.Token)
		}
		if r.Expect != 0 && (r.Expect < 100 || r.Expect > 599) {
			return fmt.Errorf("api.routes[%d] (%s): expect %d is not an HTTP status", i, r.Name, r.Expect)
		}
	}
	return nil
}

// Names lists the profiles, sorted.
func (f *File) Names() []string {
	names := make([]string, 0, len(f.Profiles))
	for n := range f.Profiles {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Profile returns the named profile; an empty name selects
// default_profile, and with neither, ok is false.
func (f *File) Profile(name string) (p Profile, resolved string, ok bool, err error) {
	if name == "" {
		name = f.DefaultProfile
	}
	if name == "" {
		return Profile{}, "", false, nil
	}
	p, found := f.Profiles[name]
	if !found {
		have := "none"
		if len(f.Profiles) > 0 {
			have = strings.Join(f.Names(), ", ")
		}
		where := f.Path
		if !f.Found {
			where += ", which does not exist"
		}
		return Profile{}, "", false, fmt.Errorf("%w %q in %s (profiles: %s)", ErrUnknownProfile, name, where, have)
	}
	return p, name, true, nil
}

// Marshal renders f as TOML (for `cogscope config` style writers and tests).
func (f *File) Marshal() ([]byte, error) {
	return toml.Marshal(f)
}

// ClientSecret resolves the profile's secret reference: the environment
// variable, or the command's standard output (trailing newline removed).
// It returns "" when the profile names none.
func (p Profile) ClientSecret(ctx context.Context, env func(string) string) (string, error) {
	switch {
	case p.ClientSecretEnv != "":
		v := env(p.ClientSecretEnv)
		if v == "" {
			return "", fmt.Errorf("client_secret_env: $%s is empty or not set", p.ClientSecretEnv)
		}
		return v, nil
	case p.ClientSecretCommand != "":
		return runSecretCommand(ctx, p.ClientSecretCommand)
	}
	return "", nil
}

func runSecretCommand(ctx context.Context, command string) (string, error) {
	var cmd *exec.Cmd
	if runtime.GOOS == "windows" {
		cmd = exec.CommandContext(ctx, "cmd", "/C", command)
	} else {
		cmd = exec.CommandContext(ctx, "sh", "-c", command)
	}
	// Bounded: a command that prints without end (yes, cat /dev/zero) must
	// fail, not fill memory.
	stdout := &cappedBuffer{max: maxSecretOutput}
	stderr := &cappedBuffer{max: maxSecretOutput}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	if stdout.over {
		return "", fmt.Errorf("client_secret_command %q printed more than %d KiB: not a secret", command, maxSecretOutput>>10)
	}
	if err != nil {
		// The command's own error text, never its output: that would be
		// the secret.
		msg := strings.TrimSpace(stderr.String())
		if msg != "" {
			return "", fmt.Errorf("client_secret_command %q failed: %w: %s", command, err, firstLine(msg))
		}
		return "", fmt.Errorf("client_secret_command %q failed: %w", command, err)
	}
	// The first line, as password managers print it (pass show puts
	// notes on the lines after the password).
	s := strings.TrimRight(firstLine(stdout.String()), "\r")
	if s == "" {
		return "", fmt.Errorf("client_secret_command %q printed nothing on its first line", command)
	}
	return s, nil
}

// maxSecretOutput bounds what client_secret_command may print.
const maxSecretOutput = 64 << 10

// cappedBuffer keeps the first max bytes written to it; a write past them
// fails, which closes the pipe and ends a command that prints without end.
// The buffer is a field, not embedded: an embedded bytes.Buffer would
// give the type a ReadFrom, which io.Copy prefers over Write, unbounded.
type cappedBuffer struct {
	buf  bytes.Buffer
	max  int
	over bool
}

var errOutputTooLong = errors.New("output too long")

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if room := c.max - c.buf.Len(); room < len(p) {
		c.over = true
		if room > 0 {
			c.buf.Write(p[:room])
		}
		return 0, errOutputTooLong
	}
	return c.buf.Write(p)
}

func (c *cappedBuffer) String() string { return c.buf.String() }

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
