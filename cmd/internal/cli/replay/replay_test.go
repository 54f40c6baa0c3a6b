package replay

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cogscope/cogscope/cmd/internal/cli/call"
	"github.com/cogscope/cogscope/cmd/internal/cli/login"
	"github.com/cogscope/cogscope/cmd/internal/cli/transcriptcmd"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/internal/local/apigw"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
	"github.com/cogscope/cogscope/internal/transcript"
)

const (
	user     = "alice"
	password = "Al1ce-Passw0rd!"
	totpSeed = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

	devClient   = "devclient00000000000000001"
	otherClient = "otherclient000000000000001"
	twinClient  = "twinclient0000000000000001"
	mfaClient   = "mfaclient00000000000000001"

	devLogGroup = "/aws/apigateway/transcript-dev"
)

// world is one local stack with pools and APIs that differ in one thing
// each from "dev", and a config file with a profile for each:
//
//	dev    pool dev, client devClient, API devapi (GET /private, GET /data: JWT, audience devClient)
//	twin   pool twin, configured as dev, its own API configured as devapi
//	aud    pool dev, client otherClient (not in devapi's audience), API devapi
//	mfa    pool mfa (MFA on, alice enrolled in TOTP), API mfaapi
//	scope  pool dev, client devClient, API scopeapi (GET /data needs scope cogscope-api/read)
type world struct {
	stack *localtest.Env
	dir   string
	env   map[string]string
	cfg   string
}

func newWorld(t *testing.T, opts ...localtest.Option) *world {
	t.Helper()
	w := &world{stack: localtest.Start(t, opts...), dir: t.TempDir()}
	flowsAllowed := []string{"ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
	alice := cognito.UserSeed{Username: user, Password: password}
	client := func(id string) cognito.ClientSeed {
		return cognito.ClientSeed{ID: id, Name: id, ExplicitAuthFlows: flowsAllowed}
	}
	seed := cognito.Seed{UserPools: []cognito.PoolSeed{
		{Name: "dev", Clients: []cognito.ClientSeed{client(devClient), client(otherClient)}, Users: []cognito.UserSeed{alice}},
		{Name: "twin", Clients: []cognito.ClientSeed{client(twinClient)}, Users: []cognito.UserSeed{alice}},
		{Name: "mfa", MFA: "ON", MFATypes: []string{"SOFTWARE_TOKEN_MFA"}, Clients: []cognito.ClientSeed{client(mfaClient)},
			Users: []cognito.UserSeed{{Username: user, Password: password, TOTPSecret: totpSeed, PreferredMFA: "SOFTWARE_TOKEN_MFA"}}},
	}}
	if err := w.stack.Cognito.ApplySeed(seed); err != nil {
		t.Fatal(err)
	}
	pools := map[string]string{}
	for _, p := range w.stack.Cognito.Describe() {
		pools[p.Name] = p.ID
	}
	api := func(id, pool, client, logGroup string, dataScopes ...string) apigw.HTTPAPISeed {
		return apigw.HTTPAPISeed{ID: id, Name: id, AccessLogGroup: logGroup,
			Authorizers: []apigw.HTTPAuthorizerSeed{{Name: "jwt", Type: "JWT", UserPoolID: pool, Audience: []string{client}}},
			Routes: []apigw.HTTPRouteSeed{{RouteKey: "GET /private", Authorizer: "jwt"},
				{RouteKey: "GET /data", Authorizer: "jwt", Scopes: dataScopes}}}
	}
	if err := w.stack.Gateway.ApplySeed(apigw.Seed{HTTPAPIs: []apigw.HTTPAPISeed{
		api("devapi0001", pools["dev"], devClient, devLogGroup),
		api("twinapi001", pools["twin"], twinClient, ""),
		api("scopeapi01", pools["dev"], devClient, "", apigw.DemoScope),
		api("mfaapi0001", pools["mfa"], mfaClient, ""),
	}}); err != nil {
		t.Fatal(err)
	}
	profile := func(name, pool, client, apiID string) string {
		return fmt.Sprintf("[profiles.%s]\nregion = %q\nendpoint = %q\nuser_pool_id = %q\nclient_id = %q\nusername = %q\n[profiles.%s.api]\nbase_url = %q\n",
			name, w.stack.Region, w.stack.Endpoint, pool, client, user, name, apigw.InvokeURL(w.stack.Endpoint, apiID, ""))
	}
	w.cfg = filepath.Join(w.dir, "config.toml")
	cfg := profile("dev", pools["dev"], devClient, "devapi0001") + profile("twin", pools["twin"], twinClient, "twinapi001") +
		profile("aud", pools["dev"], otherClient, "devapi0001") + profile("mfa", pools["mfa"], mfaClient, "mfaapi0001") +
		profile("scope", pools["dev"], devClient, "scopeapi01")
	if err := os.WriteFile(w.cfg, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	w.env = map[string]string{"XDG_CONFIG_HOME": filepath.Join(w.dir, "c"), "XDG_STATE_HOME": filepath.Join(w.dir, "s")}
	return w
}

// run runs `cogscope --config <file> ARGS` with stdin.
func (w *world) run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut},
		Env: func(k string) string { return w.env[k] }}
	root := cmdutil.NewRootCmd(f)
	root.AddCommand(login.NewCmdLogin(f, nil), call.NewCmdCall(f, nil), transcriptcmd.NewCmdTranscript(f, nil), NewCmdReplay(f, nil))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code := cmdutil.Execute(ctx, f, root, append([]string{"--config", w.cfg}, args...))
	return code, out.String(), errOut.String()
}

func (w *world) must(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	code, out, errOut := w.run(t, stdin, args...)
	if code != 0 {
		t.Fatalf("cogscope %s: exit %d\nstderr: %s\nstdout: %s", strings.Join(args, " "), code, errOut, out)
	}
	return out
}

// session is the session store's saved tokens of a profile.
func (w *world) session(t *testing.T, profile string) *config.Tokens {
	t.Helper()
	s, err := config.NewStore(filepath.Join(w.dir, "s", "cogscope")).Load(profile)
	if err != nil || s.Tokens == nil {
		t.Fatalf("no saved session for %s: %v", profile, err)
	}
	return s.Tokens
}

// record signs in as alice on dev (SRP, trace revealed so its secrets are
// known to the test), refreshes, and calls /private and /data with
// --logs. It returns every secret the session used.
func (w *world) record(t *testing.T) []string {
	t.Helper()
	out := w.must(t, password+"\n", "--profile", "dev", "login", "--password-stdin", "--json", "--reveal")
	var doc struct {
		Trace []struct {
			Request  map[string]string `json:"request"`
			Response map[string]string `json:"response"`
			SRP      map[string]string `json:"srp"`
		} `json:"trace"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("login --json: %v\n%s", err, out)
	}
	secrets := []string{password}
	for _, s := range doc.Trace {
		for _, k := range []string{"Session", "ChallengeResponses.PASSWORD_CLAIM_SIGNATURE", "ChallengeParameters.SECRET_BLOCK", "ChallengeResponses.PASSWORD_CLAIM_SECRET_BLOCK"} {
			secrets = append(secrets, s.Request[k], s.Response[k])
		}
		for _, k := range []string{"x", "key", "signature", "secret_block"} {
			secrets = append(secrets, s.SRP[k])
		}
	}
	first := w.session(t, "dev")
	w.must(t, "", "--profile", "dev", "login", "--flow", "refresh")
	second := w.session(t, "dev")
	for _, tk := range []*config.Tokens{first, second} {
		secrets = append(secrets, tk.RefreshToken)
		for _, jwt := range []string{tk.IDToken, tk.AccessToken} {
			secrets = append(secrets, jwt, jwt[strings.LastIndexByte(jwt, '.')+1:])
		}
	}
	w.must(t, "", "--profile", "dev", "call", "/private", "--logs", "--logs-wait", "5s")
	w.must(t, "", "--profile", "dev", "call", "/data", "--logs", "--logs-wait", "5s")
	var kept []string
	for _, s := range secrets {
		if len(s) >= 8 && s != transcript.Masked && !strings.HasPrefix(s, "[") {
			kept = append(kept, s)
		}
	}
	if len(kept) < 10 {
		t.Fatalf("only %d secrets to look for: %q", len(kept), kept)
	}
	return kept
}

// TestExportMasksEverySecret: a session of an SRP sign-in (its trace
// recorded revealed), a refresh and two calls with their log lines,
// exported as Markdown and as JSON: no secret the session used appears in
// either file, what was masked is listed first, the files are 0600, and
// the session is all there.
func TestExportMasksEverySecret(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	secrets := w.record(t)
	mdPath, jsonPath := filepath.Join(w.dir, "ticket.md"), filepath.Join(w.dir, "session.json")
	w.must(t, "", "--profile", "dev", "transcript", "export", "--output", mdPath)
	w.must(t, "", "--profile", "dev", "transcript", "export", "--format", "json", "--output", jsonPath)
	stdout := w.must(t, "", "--profile", "dev", "transcript", "export", "--format", "json")

	for _, p := range []string{mdPath, jsonPath} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", p, st.Mode().Perm())
		}
		b, _ := os.ReadFile(p)
		for _, s := range secrets {
			if strings.Contains(string(b), s) {
				t.Errorf("%s holds a secret of the session: %.12s…", filepath.Base(p), s)
			}
		}
	}
	// The store itself keeps nothing secret either.
	stored, _ := os.ReadFile(filepath.Join(w.dir, "s", "cogscope", "transcripts", "dev.json"))
	for _, s := range secrets {
		if strings.Contains(string(stored), s) {
			t.Errorf("the transcript store holds a secret: %.12s…", s)
		}
	}

	md, _ := os.ReadFile(mdPath)
	text := string(md)
	iMasked, iSignIn := strings.Index(text, "## Masked"), strings.Index(text, "## Sign-in 1")
	if iMasked < 0 || iSignIn < 0 || iMasked > iSignIn {
		t.Errorf("the Markdown does not list what was masked before the sign-ins:\n%s", text)
	}
	for _, want := range []string{"## Sign-in 2: refresh", "## Call 1: GET `/private` → 200", "## Call 2: GET `/data` → 200", devLogGroup, "srp.x", "signature"} {
		if !strings.Contains(text, want) {
			t.Errorf("the Markdown lacks %q", want)
		}
	}

	var tr transcript.Transcript
	if err := json.Unmarshal([]byte(stdout), &tr); err != nil {
		t.Fatalf("export --format json: %v", err)
	}
	if tr.Version != 1 || len(tr.SignIns) != 2 || len(tr.Calls) != 2 {
		t.Fatalf("version %d, %d sign-ins, %d calls; want 1, 2, 2", tr.Version, len(tr.SignIns), len(tr.Calls))
	}
	if tr.SignIns[0].Flow != "srp" || tr.SignIns[1].Flow != "refresh" || tr.SignIns[0].Outcome != transcript.OutcomeSignedIn {
		t.Errorf("sign-ins: %s %s, %s", tr.SignIns[0].Flow, tr.SignIns[0].Outcome, tr.SignIns[1].Flow)
	}
	access := tr.SignIns[0].Tokens[1]
	if access.Use != "access" || access.JTI == "" || access.ClientID != devClient || access.Expires.IsZero() || !access.Verified || !access.Valid {
		t.Errorf("access token recorded as %+v", access)
	}
	for i, c := range tr.Calls {
		if c.Status != 200 || c.RequestID == "" || c.TokenJTI == "" || len(c.Logs) == 0 {
			t.Errorf("call %d: status %d, request id %q, jti %q, %d log lines", i+1, c.Status, c.RequestID, c.TokenJTI, len(c.Logs))
		}
	}
	keys := map[string]bool{}
	for _, m := range tr.Masked {
		keys[m.Key] = true
	}
	for _, want := range []string{"srp.x", "srp.key", "srp.signature", "signature", "refresh_token", "PASSWORD_CLAIM_SIGNATURE", "SECRET_BLOCK"} {
		found := keys[want]
		for k := range keys {
			found = found || strings.HasSuffix(k, "."+want)
		}
		if !found {
			t.Errorf("masked list lacks %s: %v", want, keys)
		}
	}
}

// TestReplay: the session recorded on dev, replayed against pools and
// APIs that differ in one thing each, reports that difference; replayed
// against an identical twin it reports none.
func TestReplay(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.record(t)
	file := filepath.Join(w.dir, "dev.json")
	w.must(t, "", "--profile", "dev", "transcript", "export", "--format", "json", "--output", file)

	cases := []struct {
		profile  string
		wantCode int
		step     string // the step that differs ("" for none)
		want     []string
	}{
		{"twin", 0, "", nil},
		{"aud", 1, "call 1", []string{"dev 200, aud 401", "`aud` differs (dev client devcli…, aud client otherc…)"}},
		{"mfa", 1, "sign-in 1", []string{"mfa asks for SOFTWARE_TOKEN_MFA where dev did not"}},
		{"scope", 1, "call 2", []string{"dev 200, scope 403", "`scope`"}},
	}
	for _, tc := range cases {
		t.Run(tc.profile, func(t *testing.T) {
			code, out, errOut := w.run(t, password+"\n", "--profile", tc.profile, "replay", file, "--password-stdin", "--json")
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d\nstderr: %s\nstdout: %s", code, tc.wantCode, errOut, out)
			}
			var doc Document
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("replay --json: %v\n%s", err, out)
			}
			c := doc.Comparison
			if c.A != "dev" || c.B != tc.profile || len(c.Steps) != 4 {
				t.Fatalf("comparison %s vs %s with %d steps: %+v", c.A, c.B, len(c.Steps), c.Steps)
			}
			for _, s := range c.Steps {
				if s.Step == tc.step {
					if s.Same {
						t.Errorf("%s reported the same: %+v", s.Step, s)
					}
					all := strings.Join(s.Differences, "\n")
					for _, want := range tc.want {
						if !strings.Contains(all, want) {
							t.Errorf("%s: differences lack %q:\n%s", s.Step, want, all)
						}
					}
				} else if !s.Same && tc.profile != "mfa" && tc.profile != "aud" {
					t.Errorf("%s differs unexpectedly: %v", s.Step, s.Differences)
				}
			}
			if c.Same != (tc.wantCode == 0) {
				t.Errorf("same = %v with exit %d", c.Same, code)
			}
			if strings.Contains(out, password) {
				t.Error("the replay's output holds the password")
			}
		})
	}

	t.Run("text", func(t *testing.T) {
		code, out, _ := w.run(t, password+"\n", "--profile", "aud", "replay", file, "--password-stdin")
		if code != 1 || !strings.Contains(out, "DIFFERS") || !strings.Contains(out, "`aud` differs") {
			t.Fatalf("exit %d:\n%s", code, out)
		}
	})
	// With the TOTP secret, the replay answers the challenge dev never
	// met: the sign-in still differs (the challenge), the calls do not.
	t.Run("mfa answered", func(t *testing.T) {
		w.env["REPLAY_TOTP"] = totpSeed
		code, out, errOut := w.run(t, password+"\n", "--profile", "mfa", "replay", file, "--password-stdin", "--totp-secret-env", "REPLAY_TOTP", "--json")
		if code != 1 {
			t.Fatalf("exit %d\nstderr: %s\nstdout: %s", code, errOut, out)
		}
		var doc Document
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		for _, s := range doc.Comparison.Steps {
			switch {
			case s.Step == "sign-in 1" && (s.Same || !strings.Contains(strings.Join(s.Differences, " "), "SOFTWARE_TOKEN_MFA")):
				t.Errorf("sign-in 1: %+v", s)
			case strings.HasPrefix(s.Step, "call") && !s.Same:
				t.Errorf("%s differs: %v", s.Step, s.Differences)
			}
		}
	})
}

// TestReplayBadInput: an unreadable transcript is a usage error (exit
// 2), never a panic.
func TestReplayBadInput(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	bad := filepath.Join(w.dir, "bad")
	for _, tc := range []struct{ name, content, want string }{
		{"markdown", "# cogscope session transcript\n", "not a JSON transcript but a Markdown one (`cogscope transcript export` without --format json, or the console's x key), which is for people: export the session as JSON"},
		{"an array", "[1]", "not a JSON transcript (export one with `cogscope transcript export --format json`"},
		{"empty", "", "empty"},
		{"other version", `{"version": 7}`, "version 7"},
		{"not json", `{"version": `, "not a transcript"},
		{"nothing to replay", `{"version": 1, "signIns": null, "calls": []}`, "has no sign-in and no call: nothing to replay"},
		{"more calls than a session holds", `{"version": 1, "calls": [` + strings.Repeat(`{"method": "GET", "path": "/hello", "tokenKind": "none"},`, transcript.DefaultMaxCalls) + `{}]}`,
			"has 0 sign-ins and 201 calls: a recorded session holds at most 50 and 200"},
		{"more sign-ins than a session holds", `{"version": 1, "signIns": [` + strings.Repeat(`{"flow": "refresh"},`, transcript.DefaultMaxSignIns) + `{"flow": "refresh"}]}`,
			"has 51 sign-ins and 0 calls"},
		{"unknown flow", `{"version": 1, "signIns": [{"flow": "device-code"}]}`, "cannot re-run (it re-runs srp, password, refresh, user-auth, custom, custom-srp, client-credentials, pkce and refresh-token)"},
	} {
		if err := os.WriteFile(bad, []byte(tc.content), 0o600); err != nil {
			t.Fatal(err)
		}
		code, _, errOut := w.run(t, "", "--profile", "twin", "replay", bad)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", tc.name, code, errOut, tc.want)
		}
	}
	// The console's x writes its JSON beside the Markdown: replay names it.
	md, js := filepath.Join(w.dir, "console.md"), filepath.Join(w.dir, "console.json")
	if err := os.WriteFile(md, []byte("# cogscope session transcript\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(js, []byte(`{"version": 1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := w.run(t, "", "--profile", "twin", "replay", md); code != 2 || !strings.Contains(errOut, "Its JSON form is beside it: cogscope replay "+js) {
		t.Errorf("a console export's Markdown: exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut := w.run(t, "", "--profile", "twin", "replay", filepath.Join(w.dir, "missing.json")); code != 2 {
		t.Errorf("missing file: exit %d (%s)", code, errOut)
	}

	// A good transcript, but no password, or an environment that does
	// not answer: exit 2, not a difference.
	if err := os.WriteFile(bad, []byte(`{"version": 1, "target": {"username": "alice"}, "signIns": [{"flow": "srp"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := w.run(t, "", "--profile", "twin", "replay", bad); code != 2 || !strings.Contains(errOut, "no password for alice") {
		t.Errorf("no password: exit %d, %s", code, errOut)
	}
	w.env["PW"] = password
	code, out, errOut := w.run(t, "", "--profile", "twin", "--endpoint", "http://127.0.0.1:1", "replay", bad, "--password-env", "PW")
	if code != 2 || out != "" {
		t.Errorf("unreachable: exit %d\nstderr: %s\nstdout: %s", code, errOut, out)
	}
}

// TestReplayClientCredentials: a client_credentials grant recorded on the
// demo pool's confidential client, replayed against a twin pool whose
// client is allowed the same scope (the secret from the profile's
// client_secret_env, or from --client-secret-stdin) reports no difference;
// against a client not allowed the recorded scope it reports the
// refusal; without any secret it is a usage error.
func TestReplayClientCredentials(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	const (
		scope      = "cogscope-api/read"
		ccTwin     = "cctwinclient00000000000001"
		twinSecret = "twinclientsecretforthereplaytest0123456789abcdefgh"
	)
	err := w.stack.Cognito.ApplySeed(cognito.Seed{UserPools: []cognito.PoolSeed{{Name: "cctwin", Domain: "cogscope-cctwin",
		ResourceServers: []cognito.ResourceServerSeed{{Identifier: "cogscope-api", Name: "api", Scopes: []cognito.ScopeSeed{{Name: "read"}, {Name: "write"}}}},
		Clients: []cognito.ClientSeed{{ID: ccTwin, Name: "cctwin", Secret: twinSecret, AllowedOAuthFlows: []string{"client_credentials"},
			AllowedOAuthScopes: []string{scope}, AllowedOAuthFlowsUserPoolClient: true, SupportedIdentityProviders: []string{"COGNITO"}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	var twinPool string
	for _, p := range w.stack.Cognito.Describe() {
		if p.Name == "cctwin" {
			twinPool = p.ID
		}
	}
	profile := func(name, pool, client, secretEnv string) string {
		return fmt.Sprintf("[profiles.%s]\nregion = %q\nendpoint = %q\nuser_pool_id = %q\nclient_id = %q\nclient_secret_env = %q\n",
			name, w.stack.Region, w.stack.Endpoint, pool, client, secretEnv)
	}
	cfg, err := os.ReadFile(w.cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg = append(cfg, profile("ccdev", cognito.DemoPoolID, cognito.DemoSecretClientID, "CC_DEV_SECRET")+
		profile("cctwin", twinPool, ccTwin, "CC_TWIN_SECRET")+
		profile("ccmachine", cognito.DemoPoolID, cognito.DemoMachineClientID, "CC_MACHINE_SECRET")+
		fmt.Sprintf("[profiles.ccbare]\nregion = %q\nendpoint = %q\nuser_pool_id = %q\nclient_id = %q\n", w.stack.Region, w.stack.Endpoint, twinPool, ccTwin)...)
	if err := os.WriteFile(w.cfg, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	w.env["CC_DEV_SECRET"], w.env["CC_TWIN_SECRET"], w.env["CC_MACHINE_SECRET"] = cognito.DemoClientSecret, twinSecret, cognito.DemoMachineClientSecret

	w.must(t, "", "--profile", "ccdev", "login", "--flow", "client-credentials", "--scope", scope)
	file := filepath.Join(w.dir, "cc.json")
	w.must(t, "", "--profile", "ccdev", "transcript", "export", "--format", "json", "--output", file)
	rec, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(rec), cognito.DemoClientSecret) || !strings.Contains(string(rec), `"flow": "client-credentials"`) {
		t.Fatalf("the recorded transcript:\n%s", rec)
	}

	cases := []struct {
		name     string
		stdin    string
		profile  string
		args     []string
		wantCode int
		// granted are the scopes of the replay's access token (nil: no token).
		granted []string
		want    []string // in sign-in 1's differences
	}{
		{"twin, secret from the profile", "", "cctwin", nil, 0, []string{scope}, nil},
		{"twin, secret on stdin", twinSecret + "\n", "ccbare", []string{"--client-secret-stdin"}, 0, []string{scope}, nil},
		{"client without the scope", "", "ccmachine", nil, 1, nil, []string{"invalid_scope"}},
		{"wrong secret", "wrong\n", "cctwin", []string{"--client-secret-stdin"}, 1, nil, []string{"invalid_client"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := w.run(t, tc.stdin, append([]string{"--profile", tc.profile, "replay", file, "--json"}, tc.args...)...)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d\nstderr: %s\nstdout: %s", code, tc.wantCode, errOut, out)
			}
			var doc Document
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("replay --json: %v\n%s", err, out)
			}
			c := doc.Comparison
			if len(c.Steps) != 1 || c.Steps[0].Same != (tc.wantCode == 0) || c.Same != (tc.wantCode == 0) {
				t.Fatalf("comparison: %+v", c)
			}
			all := strings.Join(c.Steps[0].Differences, "\n")
			for _, want := range tc.want {
				if !strings.Contains(all, want) {
					t.Errorf("differences lack %q:\n%s", want, all)
				}
			}
			si := doc.Replay.SignIns[0]
			var got []string
			for _, tk := range si.Tokens {
				if tk.Use == "access" {
					got = tk.Scopes
				}
			}
			if strings.Join(got, " ") != strings.Join(tc.granted, " ") {
				t.Errorf("replayed access token scopes %v, want %v (sign-in %+v)", got, tc.granted, si)
			}
			for _, s := range []string{twinSecret, cognito.DemoMachineClientSecret} {
				if strings.Contains(out, s) || strings.Contains(errOut, s) {
					t.Error("the replay's output holds the client secret")
				}
			}
		})
	}
	t.Run("no secret", func(t *testing.T) {
		code, _, errOut := w.run(t, "", "--profile", "ccbare", "replay", file)
		if code != cmdutil.ExitUsage || !strings.Contains(errOut, "--client-secret-stdin, or client_secret_env") {
			t.Fatalf("exit %d\n%s", code, errOut)
		}
	})
}
