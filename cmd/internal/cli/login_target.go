package cli

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
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
	cfgPath := f.Global.ConfigPath
	if cfgPath == "" {
		cfgPath = paths.ConfigFile
	}
	file, err := config.Load(cfgPath)
	if err != nil {
		return usageErr("%v", err)
	}
	if f.Global.ConfigPath != "" && !file.Found {
		return usageErr("--config %s: no such file", cfgPath)
	}
	prof, profName, _, err := file.Profile(f.Global.Profile)
	if err != nil {
		return usageErr("%v", err)
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

	t := loginTarget{
		Profile:    profName,
		AWSProfile: prof.AWSProfile,
		Region:     firstNonEmpty(f.Global.Region, prof.Region),
		Endpoint:   firstNonEmpty(f.Global.Endpoint, prof.Endpoint),
		UserPoolID: firstNonEmpty(o.UserPoolID, prof.UserPoolID),
		ClientID:   firstNonEmpty(o.ClientID, prof.ClientID),
		Username:   firstNonEmpty(o.Username, prof.Username),
	}
	if t.UserPoolID == "" && t.ClientID == "" {
		// No target at all: the local stack's demo pool.
		demo, stop, err := localDemoTarget(ctx, f, t.Endpoint)
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
	if t.ClientID == "" {
		return usageErr("no app client: give --client-id or set client_id in the profile")
	}
	if t.UserPoolID != "" {
		if err := flows.ValidateUserPoolID(t.UserPoolID); err != nil {
			return usageErr("--user-pool-id: %s", strings.TrimPrefix(err.Error(), flows.ErrInvalidOptions.Error()+": "))
		}
	} else if !lf.needsRefresh {
		return usageErr("no user pool: give --user-pool-id or set user_pool_id in the profile")
	}
	if t.Region == "" {
		t.Region = flows.RegionOf(t.UserPoolID)
	}
	if t.Region == "" {
		return usageErr("no region: give --region or set region in the profile")
	}
	if t.Endpoint != "" {
		if u, err := url.Parse(t.Endpoint); err != nil || u.Scheme == "" || u.Host == "" {
			return usageErr("--endpoint %q is not an absolute URL", t.Endpoint)
		}
	}

	// Secrets from stdin, in a fixed order.
	switch {
	case o.ClientSecretStdin && o.ClientSecret != "":
		return usageErr("give --client-secret or --client-secret-stdin, not both")
	case o.ClientSecretStdin:
		s, err := l.stdin.line("client secret")
		if err != nil {
			return err
		}
		if s == "" {
			return usageErr("the client secret on stdin is empty")
		}
		t.ClientSecret = s
	case o.ClientSecret != "":
		t.ClientSecret = o.ClientSecret
	default:
		s, err := prof.ClientSecret(ctx, f.Env)
		if err != nil {
			return usageErr("profile %s: %v", profName, err)
		}
		t.ClientSecret = s
	}

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

// awsConfig builds the SDK configuration. A loopback endpoint (the local
// stack) gets hermetic dummy credentials: the developer's ~/.aws is never
// read for it. Anything else uses the default credential chain.
func (l *loginRun) awsConfig(ctx context.Context) (aws.Config, error) {
	t := l.target
	if isLoopback(t.Endpoint) {
		return awsclient.Static(t.Region, l.f.HTTP), nil
	}
	opts := []func(*awsconfig.LoadOptions) error{
		awsconfig.WithRegion(t.Region),
		awsconfig.WithRetryer(func() aws.Retryer { return aws.NopRetryer{} }),
	}
	if l.f.HTTP != nil {
		opts = append(opts, awsconfig.WithHTTPClient(l.f.HTTP))
	}
	if t.AWSProfile != "" {
		opts = append(opts, awsconfig.WithSharedConfigProfile(t.AWSProfile))
	}
	return awsconfig.LoadDefaultConfig(ctx, opts...)
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
