package cli

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"
	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/awsclient"
)

// resolve works out the target from flags, profile and defaults, and reads
// what must come from stdin, in a fixed order: client secret, password,
// refresh token.
func (l *loginRun) resolve(ctx context.Context, cmd *cobra.Command) error {
	f, o := l.f, l.o
	paths := config.DefaultPaths(f.Env)
	prof, profName, err := activeProfile(f) // profile.go, shared with the console
	if err != nil {
		return err
	}
	if cmd.Flags().Changed("no-save") && cmd.Flags().Changed("save") && o.Save && o.NoSave {
		return usageErr("--save and --no-save contradict each other")
	}
	if o.NoSave {
		o.Save = false
	}

	flowName := firstNonEmpty(o.Flow, prof.Flow, "srp")
	lf, ok := findLoginFlow(flowName)
	if !ok {
		return usageErr("unknown --flow %q (want %s)", flowName, loginFlowNames())
	}
	l.flow = lf
	if done, err := resolveHosted(ctx, l, cmd, prof, profName); done { // login_oauth.go
		return err
	}
	if err := checkAPIFlowFlags(lf, o); err != nil {
		return err
	}

	t := profileTarget(f, prof, profName, o.UserPoolID, o.ClientID, o.Username)
	if err := checkPoolAndEndpoint(&t); err != nil {
		return err
	}
	if t.UserPoolID == "" && t.ClientID == "" {
		// No target at all: the local stack's demo pool.
		demo, stop, err := localDemoTarget(ctx, f, t.Endpoint, t.Region)
		if err != nil {
			return usageErr("%v", err)
		}
		l.stop = stop
		t.Ephemeral = demo.Ephemeral
		t.Endpoint, t.UserPoolID, t.ClientID = demo.Endpoint, demo.UserPoolID, demo.ClientID
		t.Region = firstNonEmpty(t.Region, demo.Region)
		who := ""
		if t.Username == "" {
			t.Username, t.Password = demo.Username, demo.Password
			who = " as " + t.Username + " (the demo user)"
		}
		fmt.Fprintf(f.IO.ErrOut, "No AWS target configured: using the local stack's demo pool %s at %s%s.\n", t.UserPoolID, t.Endpoint, who)
	}
	if err := checkTarget(&t, !lf.needsRefresh, true); err != nil {
		return err
	}

	// Secrets from stdin, in a fixed order.
	secret, err := l.clientSecret(ctx, prof, profName, t.ClientSecret)
	if err != nil {
		return err
	}
	t.ClientSecret = secret

	if !lf.needsRefresh && t.Username == "" {
		if !f.IO.InTTY {
			return usageErr("no username: give --username or set username in the profile")
		}
		u, err := l.stdin.prompt(f.IO.ErrOut, "Username: ")
		if err != nil {
			return err
		}
		if u == "" {
			return usageErr("the username is empty")
		}
		t.Username = u
	}
	needPassword := lf.needsPassword || (lf.passwordMaybe && (o.PreferredChallenge == "PASSWORD" || o.PreferredChallenge == "PASSWORD_SRP"))
	switch {
	case o.PasswordStdin:
		pw, err := l.stdin.line("password")
		if err != nil {
			return err
		}
		if pw == "" {
			return usageErr("the password on stdin is empty")
		}
		t.Password = pw
	case t.Password != "":
		// the demo user's
	case needPassword && f.IO.InTTY:
		pw, err := l.stdin.secret(f.IO, fmt.Sprintf("Password for %s: ", t.Username))
		if err != nil {
			return err
		}
		if pw == "" {
			return usageErr("the password is empty")
		}
		t.Password = pw
	case needPassword:
		return usageErr("no password: use --password-stdin (stdin is not a terminal to prompt on)")
	}
	l.target = t
	l.store = config.NewStore(paths.StateDir)
	l.key = config.SessionKey(t.Profile, t.UserPoolID, t.ClientID)
	return nil
}

// clientSecret picks the app client's secret: --client-secret-stdin (read
// first, before any other stdin secret), else --client-secret, else the
// one the target already has (the demo's), else the profile's reference.
func (l *loginRun) clientSecret(ctx context.Context, prof config.Profile, profName, preset string) (string, error) {
	o := l.o
	switch {
	case o.ClientSecretStdin && o.ClientSecret != "":
		return "", usageErr("give --client-secret or --client-secret-stdin, not both")
	case o.ClientSecretStdin:
		s, err := l.stdin.line("client secret")
		if err != nil {
			return "", err
		}
		if s == "" {
			return "", usageErr("the client secret on stdin is empty")
		}
		return s, nil
	case o.ClientSecret != "":
		return o.ClientSecret, nil
	case preset != "":
		return preset, nil
	}
	s, err := prof.ClientSecret(ctx, l.f.Env)
	if err != nil {
		return "", usageErr("profile %s: %v", profName, err)
	}
	return s, nil
}

// awsConfig builds the SDK configuration. A loopback endpoint (the local
// stack) gets hermetic dummy credentials: the developer's ~/.aws is never
// read for it. Anything else uses the default credential chain.
func (l *loginRun) awsConfig(ctx context.Context) (aws.Config, error) {
	t := l.target
	if isLoopback(t.Endpoint) {
		return awsclient.Static(t.Region, l.f.HTTP), nil
	}
	var timeout time.Duration
	if l.f.HTTP != nil {
		timeout = l.f.HTTP.Timeout
	}
	opts := []func(*awsconfig.LoadOptions) error{
		awsconfig.WithRegion(t.Region),
		awsconfig.WithRetryer(func() aws.Retryer { return aws.NopRetryer{} }),
		awsconfig.WithHTTPClient(awsHTTPClient(timeout)),
		// The SDK logs warnings (an IMDS fallback, a retry) to stderr
		// itself; errors reach the user through the flow's diagnosis.
		awsconfig.WithLogger(logging.Nop{}),
	}
	if t.AWSProfile != "" {
		opts = append(opts, awsconfig.WithSharedConfigProfile(t.AWSProfile))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return cfg, err
	}
	cfg.HTTPClient = limitedDoer{next: cfg.HTTPClient}
	return cfg, nil
}

// hasAWSCredentials says whether reading the client's settings is worth
// trying: looking for credentials that are not there can take seconds
// (the instance metadata service).
func (l *loginRun) hasAWSCredentials() bool {
	if isLoopback(l.target.Endpoint) || l.target.AWSProfile != "" {
		return true
	}
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE"} {
		if l.f.Env(k) != "" {
			return true
		}
	}
	return false
}

func isLoopback(endpoint string) bool {
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

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// preferredChallenges are the values USER_AUTH's PREFERRED_CHALLENGE takes.
var preferredChallenges = []string{"PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"}

// checkAPIFlowFlags refuses flags the chosen API flow would ignore or
// misuse, before anything is read from stdin or sent: a flag that silently
// does nothing hides a mistake.
func checkAPIFlowFlags(lf loginFlow, o *loginOptions) error {
	if o.PreferredChallenge != "" {
		if lf.kind != flows.KindUserAuth {
			return usageErr("--preferred-challenge only applies to --flow user-auth")
		}
		pc := strings.ToUpper(strings.TrimSpace(o.PreferredChallenge))
		if !slices.Contains(preferredChallenges, pc) {
			return usageErr("--preferred-challenge %q: want one of %s", o.PreferredChallenge, strings.Join(preferredChallenges, ", "))
		}
		o.PreferredChallenge = pc
	}
	if o.RefreshTokenStdin && !lf.needsRefresh {
		return usageErr("--refresh-token-stdin only applies to --flow refresh (or refresh-token)")
	}
	if o.PasswordStdin && lf.needsRefresh {
		return usageErr("--password-stdin does not apply to --flow %s: a refresh needs no password", lf.name)
	}
	return nil
}
