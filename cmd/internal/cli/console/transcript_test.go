package console

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/internal/local/localtest"
	"github.com/cogscope/cogscope/internal/transcript"
	"github.com/cogscope/cogscope/ui/service"
)

// The console records its sign-ins as `cogscope login` does: a sign-in
// starts a session, a refresh joins it, a refusal is kept with Cognito's
// error; the trace the console records unredacted reaches the store
// masked.
func TestConsoleRecordsSessions(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	e := newConsoleEnv(t, "")
	ctx := context.Background()
	f := e.factory(cmdutil.GlobalOptions{Endpoint: env.Endpoint})
	c, err := newConsole(ctx, f, cmdutil.TargetFlags{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	sign := c.options().SignIn
	run, err := sign.Start(ctx, service.SignInRequest{Flow: service.FlowSRP, Username: env.Demo.Username, Password: env.Demo.Password})
	if err != nil {
		t.Fatal(err)
	}
	steps, tokens, err := drain(t, run)
	if err != nil || tokens == nil {
		t.Fatalf("sign-in: %v", err)
	}
	run, err = sign.Start(ctx, service.SignInRequest{Flow: service.FlowRefresh, RefreshToken: tokens.RefreshToken, AccessToken: tokens.AccessToken})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := drain(t, run); err != nil {
		t.Fatal(err)
	}
	run, err = sign.Start(ctx, service.SignInRequest{Flow: service.FlowPassword, Username: env.Demo.Username, Password: "Wr0ng-Passw0rd"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := drain(t, run); err == nil {
		t.Fatal("a wrong password signed in")
	}

	key := c.current().SessionKey(c.current().ClientID)
	all, err := f.Transcripts().Load(key)
	if err != nil || len(all) != 2 {
		t.Fatalf("%d sessions recorded under %s (%v), want 2", len(all), key, err)
	}
	if s := all[0].SignIns; len(s) != 2 || s[0].Flow != "srp" || s[1].Flow != "refresh" || s[1].Outcome != transcript.OutcomeSignedIn {
		t.Errorf("first session: %+v", s)
	}
	if s := all[1].SignIns; len(s) != 1 || s[0].Outcome != transcript.OutcomeRefused || s[0].Error.Type != "NotAuthorizedException" {
		t.Errorf("second session: %+v", s)
	}
	p, _ := f.Transcripts().Path(key)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{env.Demo.Password, "Wr0ng-Passw0rd", tokens.RefreshToken, tokens.AccessToken[strings.LastIndexByte(tokens.AccessToken, '.')+1:]}
	for _, s := range steps {
		if s.SRP != nil {
			secrets = append(secrets, s.SRP.X, s.SRP.Key, s.SRP.Signature)
		}
	}
	for _, s := range secrets {
		if s == "" || strings.Contains(string(b), s) {
			t.Errorf("the recorded session holds a secret (or the test has an empty one): %.12q", s)
		}
	}
	var out strings.Builder
	if _, err := f.ExportTranscript(c.current(), c.current().ClientID, transcript.FormatMarkdown, &out); err != nil || !strings.Contains(out.String(), "NotAuthorizedException") {
		t.Errorf("export: %v\n%s", err, out.String())
	}
	if _, err := f.ExportTranscript(cmdutil.Target{Ephemeral: true}, "", transcript.FormatJSON, &out); !errors.Is(err, transcript.ErrNoTranscript) {
		t.Errorf("the in-process stack's export: %v", err)
	}
}
