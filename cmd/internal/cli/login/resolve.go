package login

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/flows"
)

// resolve works out the target from flags, profile and defaults, and reads
// what must come from stdin, in a fixed order: client secret, password,
// refresh token.
func (l *run) resolve(ctx context.Context) error {
	f, o := l.f, l.o
	prof, err := o.Config()
	if err != nil {
		return err
	}
	if o.FlagsSet["no-save"] && o.FlagsSet["save"] && o.Save && o.NoSave {
		return cmdutil.UsageErr("--save and --no-save contradict each other")
	}
	if o.NoSave {
		o.Save = false
	}

	flowName := cmdutil.FirstNonEmpty(o.Flow, prof.Flow, "srp")
	lf, ok := findLoginFlow(flowName)
	if !ok {
		return cmdutil.UsageErr("unknown --flow %q (want %s)", flowName, loginFlowNames())
	}
	l.flow = lf
	if err := checkHostedFlags(lf, o); err != nil { // hosted.go
		return err
	}
	if lf.hosted {
		return l.resolveHostedTarget(ctx, prof)
	}
	if err := checkAPIFlowFlags(lf, o); err != nil {
		return err
	}

	t := f.NewTarget(prof, cmdutil.TargetFlags{UserPoolID: o.UserPoolID, ClientID: o.ClientID, Username: o.Username})
	if err := t.CheckPoolAndEndpoint(); err != nil {
		return err
	}
	if t.UserPoolID == "" && t.ClientID == "" {
		// No target at all: the local stack's demo pool.
		demo, stop, err := f.LocalDemo(ctx, t.Endpoint, t.Region)
		if err != nil {
			return cmdutil.UsageErr("%v", err)
		}
		l.stop = stop
		if t.Endpoint != "" {
			// Only a local stack has the demo pool: say so only when
			// the endpoint serves it.
			if err := f.ProbeDemoPool(ctx, demo); err != nil {
				return cmdutil.UsageErr("no target: --endpoint %s: %v; give --user-pool-id and --client-id (or a --profile) for it", t.Endpoint, err)
			}
		}
		t.Ephemeral = demo.Ephemeral
		t.Endpoint, t.UserPoolID, t.ClientID = demo.Endpoint, demo.UserPoolID, demo.ClientID
		t.Region = cmdutil.FirstNonEmpty(t.Region, demo.Region)
		who := ""
		if t.Username == "" {
			t.Username, t.Password = demo.Username, demo.Password
			who = " as " + t.Username + " (the demo user)"
		}
		fmt.Fprintf(l.io.ErrOut, "No AWS target configured: using the local stack's demo pool %s at %s%s.\n", t.UserPoolID, t.Endpoint, who)
	}
	if err := t.Check(!lf.needsRefresh, true); err != nil {
		return err
	}

	// Secrets from stdin, in a fixed order.
	secret, err := l.clientSecret(ctx, t)
	if err != nil {
		return err
	}
	t.ClientSecret = secret

	if !lf.needsRefresh && t.Username == "" {
		if !l.io.InTTY {
			return cmdutil.UsageErr("no username: give --username or set username in the profile")
		}
		u, err := l.stdin.Prompt(l.io.ErrOut, "Username: ")
		if err != nil {
			return err
		}
		if u == "" {
			return cmdutil.UsageErr("the username is empty")
		}
		t.Username = u
	}
	needPassword := lf.needsPassword || (lf.passwordMaybe && (cmdutil.IsPasswordFactor(o.PreferredChallenge) || o.Script.ChoosesPassword()))
	switch {
	case o.PasswordStdin:
		pw, err := l.stdinValue("password")
		if err != nil {
			return err
		}
		t.Password = pw
	case t.Password != "":
		// the demo user's
	case needPassword && l.io.InTTY:
		pw, err := l.stdin.Secret(*l.io, fmt.Sprintf("Password for %s: ", t.Username))
		if err != nil {
			return err
		}
		if pw == "" {
			return cmdutil.UsageErr("the password is empty")
		}
		t.Password = pw
	case needPassword:
		return cmdutil.UsageErr("no password: use --password-stdin (stdin is not a terminal to prompt on)")
	}
	script, err := cmdutil.NewScripted(o.Script, f.Env, l.stdinValue, f.Clock(), flows.NonInteractive)
	if err != nil {
		return err
	}
	l.script = script
	l.target = t
	l.store = f.Sessions()
	l.key = config.SessionKey(t.Profile, t.UserPoolID, t.ClientID)
	return nil
}

// stdinValue reads the next line of stdin as what (a secret, a token);
// an empty line is a usage error.
func (l *run) stdinValue(what string) (string, error) {
	v, err := l.stdin.Line(what)
	if err != nil {
		return "", err
	}
	if v == "" {
		return "", cmdutil.UsageErr("the %s on stdin is empty", what)
	}
	return v, nil
}

// clientSecret picks the app client's secret as every command does
// (cmdutil's ClientSecretFrom): --client-secret-stdin, --client-secret,
// the target's own (the demo's), the profile's reference.
func (l *run) clientSecret(ctx context.Context, t cmdutil.Target) (string, error) {
	o := l.o
	return t.ClientSecretFrom(ctx, cmdutil.ClientSecretFlags{Stdin: o.ClientSecretStdin, Value: o.ClientSecret, Read: l.stdinValue})
}

// preferredChallenges are the values USER_AUTH's PREFERRED_CHALLENGE takes.
var preferredChallenges = []string{"PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"}

// checkAPIFlowFlags refuses flags the chosen API flow would ignore or
// misuse, before anything is read from stdin or sent: a flag that silently
// does nothing hides a mistake.
func checkAPIFlowFlags(lf loginFlow, o *LoginOptions) error {
	if o.PreferredChallenge != "" {
		if lf.kind != flows.KindUserAuth {
			return cmdutil.UsageErr("--preferred-challenge only applies to --flow user-auth")
		}
		pc := strings.ToUpper(strings.TrimSpace(o.PreferredChallenge))
		if !slices.Contains(preferredChallenges, pc) {
			return cmdutil.UsageErr("--preferred-challenge %q: want one of %s", o.PreferredChallenge, strings.Join(preferredChallenges, ", "))
		}
		o.PreferredChallenge = pc
	}
	if o.Script.NewPasswordStdin && o.Script.NewPasswordEnv != "" {
		return cmdutil.UsageErr("give --new-password-stdin or --new-password-env, not both")
	}
	if lf.needsRefresh {
		for _, n := range scriptFlags {
			if o.FlagsSet[n] {
				return cmdutil.UsageErr("--%s does not apply to --flow %s: a refresh answers no challenge", n, lf.name)
			}
		}
	}
	if o.RefreshTokenStdin && !lf.needsRefresh {
		return cmdutil.UsageErr("--refresh-token-stdin only applies to --flow refresh (or refresh-token)")
	}
	if o.PasswordStdin && lf.needsRefresh {
		return cmdutil.UsageErr("--password-stdin does not apply to --flow %s: a refresh needs no password", lf.name)
	}
	return nil
}
