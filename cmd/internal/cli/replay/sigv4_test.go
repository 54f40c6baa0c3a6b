package replay

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cogscope/cogscope/cmd/internal/cli/call"
	"github.com/cogscope/cogscope/cmd/internal/cli/login"
	"github.com/cogscope/cogscope/cmd/internal/cli/transcriptcmd"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil/cmdtest"
	"github.com/cogscope/cogscope/flows/rolemap"
	"github.com/cogscope/cogscope/internal/apicall"
	"github.com/cogscope/cogscope/internal/local/apigw"
	"github.com/cogscope/cogscope/internal/local/identity"
	"github.com/cogscope/cogscope/internal/transcript"
)

// credRecorder is the factory's HTTP client, through which the identity
// pool's exchanges go: it keeps the secret key and session token of every
// GetCredentialsForIdentity answer, for the test to look for.
type credRecorder struct {
	mu      sync.Mutex
	secrets []string
}

func (c *credRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil || req.Header.Get("X-Amz-Target") != "AWSCognitoIdentityService.GetCredentialsForIdentity" {
		return resp, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	var doc struct {
		Credentials struct{ SecretKey, SessionToken string }
	}
	if json.Unmarshal(b, &doc) == nil && doc.Credentials.SessionToken != "" {
		c.mu.Lock()
		c.secrets = append(c.secrets, doc.Credentials.SecretKey, doc.Credentials.SessionToken)
		c.mu.Unlock()
	}
	return resp, nil
}

func (c *credRecorder) seen() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.secrets...)
}

// runRec is world.run with the factory's HTTP client recording the
// credentials the identity pool hands out.
func (w *world) runRec(t *testing.T, rec *credRecorder, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut},
		Env: func(k string) string { return w.env[k] }, HTTP: &http.Client{Timeout: 30 * time.Second, Transport: rec}}
	root := cmdutil.NewRootCmd(f)
	root.AddCommand(login.NewCmdLogin(f, nil), call.NewCmdCall(f, nil), transcriptcmd.NewCmdTranscript(f, nil), NewCmdReplay(f, nil))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code := cmdutil.Execute(ctx, f, root, append([]string{"--config", w.cfg}, args...))
	return code, out.String(), errOut.String()
}

// sigv4World adds to the world an identity pool for each of the dev and
// twin pools' clients, an HTTP API for each with GET /iam (AWS_IAM), one
// whose GET /iam is a JWT route, and their profiles:
//
//	iamdev   pool dev, client devClient, API iamdevapi1 (GET /iam AWS_IAM)
//	iamtwin  pool twin, client twinClient, API iamtwinap1 (GET /iam AWS_IAM)
//	iamjwt   pool twin, client twinClient, API iamjwtapi1 (GET /iam JWT, audience twinClient)
//
// It returns the identity pools' ids: dev's, twin's.
func sigv4World(t *testing.T, w *world) (idDev, idTwin string) {
	t.Helper()
	pools := map[string]string{}
	for _, p := range w.stack.Cognito.Describe() {
		pools[p.Name] = p.ID
	}
	ids := w.stack.Stack.Identity()
	idPool := func(name, poolID, clientID string) string {
		id, err := ids.AddPool(identity.PoolSeed{Name: name, Providers: []identity.Provider{{ProviderName: rolemap.ProviderName(poolID), ClientId: clientID}},
			Roles: map[string]string{"authenticated": identity.DemoAuthRole}})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	idDev, idTwin = idPool("dev-identities", pools["dev"], devClient), idPool("twin-identities", pools["twin"], twinClient)
	iam := func(id string) apigw.HTTPAPISeed {
		return apigw.HTTPAPISeed{ID: id, Name: id, Routes: []apigw.HTTPRouteSeed{{RouteKey: "GET /iam", AuthorizationType: "AWS_IAM"}}}
	}
	jwt := apigw.HTTPAPISeed{ID: "iamjwtapi1", Name: "iamjwtapi1",
		Authorizers: []apigw.HTTPAuthorizerSeed{{Name: "jwt", Type: "JWT", UserPoolID: pools["twin"], Audience: []string{twinClient}}},
		Routes:      []apigw.HTTPRouteSeed{{RouteKey: "GET /iam", Authorizer: "jwt"}}}
	if err := w.stack.Gateway.ApplySeed(apigw.Seed{HTTPAPIs: []apigw.HTTPAPISeed{iam("iamdevapi1"), iam("iamtwinap1"), jwt}}); err != nil {
		t.Fatal(err)
	}
	profile := func(name, pool, client, apiID string) string {
		return fmt.Sprintf("[profiles.%s]\nregion = %q\nendpoint = %q\nuser_pool_id = %q\nclient_id = %q\nusername = %q\n[profiles.%s.api]\nbase_url = %q\n",
			name, w.stack.Region, w.stack.Endpoint, pool, client, user, name, apigw.InvokeURL(w.stack.Endpoint, apiID, ""))
	}
	cfg, err := os.ReadFile(w.cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg = append(cfg, profile("iamdev", pools["dev"], devClient, "iamdevapi1")+profile("iamtwin", pools["twin"], twinClient, "iamtwinap1")+
		profile("iamjwt", pools["twin"], twinClient, "iamjwtapi1")...)
	if err := os.WriteFile(w.cfg, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	return idDev, idTwin
}

// sigHex is a SigV4 signature's shape; emptySHA256 the one such string a
// request may legitimately show (the hash of an empty body).
var (
	sigHex      = regexp.MustCompile(`[0-9a-f]{64}`)
	emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	sigLeak     = regexp.MustCompile(`(?i)signature=[0-9a-f]`)
)

// TestReplaySigV4: a session of a sign-in on dev and a call to its
// AWS_IAM route signed with credentials from dev's identity pool
// (`call --sigv4 --identity-pool-id`), replayed: against a twin, with the
// twin's identity pool, the call is re-sent signed and answered the same;
// where the identity pool refuses the replay's ID token (dev's pool for
// twin's token; by default the local stack's demo identity pool), where
// the replayed sign-in got no ID token, or where the route is no longer
// AWS_IAM, the call differs and says why. No credential's secret, session
// token or signature reaches the output.
func TestReplaySigV4(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	idDev, idTwin := sigv4World(t, w)
	rec := &credRecorder{}

	if code, out, errOut := w.runRec(t, rec, password+"\n", "--profile", "iamdev", "login", "--password-stdin"); code != 0 {
		t.Fatalf("login: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := w.runRec(t, rec, "", "--profile", "iamdev", "call", "/iam", "--sigv4", "--identity-pool-id", idDev); code != 0 {
		t.Fatalf("call /iam --sigv4: exit %d\n%s\n%s", code, out, errOut)
	}
	file := filepath.Join(w.dir, "iam.json")
	w.must(t, "", "--profile", "iamdev", "transcript", "export", "--format", "json", "--output", file)
	recorded, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var tr transcript.Transcript
	if err := json.Unmarshal(recorded, &tr); err != nil {
		t.Fatal(err)
	}
	if len(tr.Calls) != 1 || tr.Calls[0].TokenKind != apicall.TokenSigV4 || tr.Calls[0].Status != 200 {
		t.Fatalf("recorded calls: %+v", tr.Calls)
	}

	cases := []struct {
		name     string
		profile  string
		args     []string
		wantCode int
		status   int    // the replayed call's status (0: not sent)
		want     string // in call 1's differences ("" for none)
		stderr   string
	}{
		{"twin with its identity pool", "iamtwin", []string{"--identity-pool-id", idTwin}, 0, 200, "",
			"Signing the recorded SigV4 calls (execute-api, " + w.stack.Region + ") with credentials from identity pool " + idTwin + " (role " + identity.DemoAuthRole + ")"},
		{"identity pool refuses the token", "iamtwin", []string{"--identity-pool-id", idDev}, 1, 0,
			"iamdev 200, iamtwin not sent: no credentials to sign with: credentials from identity pool " + idDev + ": ",
			"note: the recorded SigV4-signed calls are not sent: no credentials to sign with: credentials from identity pool " + idDev},
		{"the local stack's demo identity pool by default", "iamtwin", nil, 1, 0,
			"iamdev 200, iamtwin not sent: no credentials to sign with: credentials from identity pool " + identity.DemoPoolID(w.stack.Region) + ": ", ""},
		{"no ID token: the sign-in stopped", "mfa", []string{"--identity-pool-id", idTwin}, 1, 0,
			"iamdev 200, mfa not sent: no credentials to sign with: the replay's sign-ins got no ID token to trade at identity pool " + idTwin, ""},
		{"the route is no longer AWS_IAM", "iamjwt", []string{"--identity-pool-id", idTwin}, 1, 401,
			"iamdev 200, iamjwt 401: `authorization_type` check failed in iamjwt: the route is JWT (authorizer jwt), no longer AWS_IAM: it wants a token, and the recorded call was SigV4-signed", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var outs []string
			for _, asJSON := range []bool{true, false} {
				args := append([]string{"--profile", tc.profile, "replay", file, "--password-stdin"}, tc.args...)
				if asJSON {
					args = append(args, "--json")
				}
				code, out, errOut := w.runRec(t, rec, password+"\n", args...)
				if code != tc.wantCode {
					t.Fatalf("exit %d, want %d\nstderr: %s\nstdout: %s", code, tc.wantCode, errOut, out)
				}
				if !strings.Contains(errOut, tc.stderr) {
					t.Errorf("stderr lacks %q:\n%s", tc.stderr, errOut)
				}
				outs = append(outs, out, errOut)
				if !asJSON {
					if tc.want != "" && (!strings.Contains(out, "DIFFERS") || !strings.Contains(out, tc.want)) {
						t.Errorf("text output lacks DIFFERS and %q:\n%s", tc.want, out)
					}
					continue
				}
				var doc Document
				if err := json.Unmarshal([]byte(out), &doc); err != nil {
					t.Fatalf("replay --json: %v\n%s", err, out)
				}
				if len(doc.Replay.Calls) != 1 || len(doc.Comparison.Steps) != 2 {
					t.Fatalf("replayed calls %+v, steps %+v", doc.Replay.Calls, doc.Comparison.Steps)
				}
				c, step := doc.Replay.Calls[0], doc.Comparison.Steps[1]
				// The call's record (its headers, its message) holds no
				// signature: a SigV4 signature is 64 hex digits.
				callJSON, _ := json.Marshal(c)
				for _, h := range sigHex.FindAllString(string(callJSON), -1) {
					if h != emptySHA256 {
						t.Errorf("the replayed call's record holds a signature-like %s…: %s", h[:12], callJSON)
					}
				}
				if c.TokenKind != apicall.TokenSigV4 || c.Status != tc.status || c.Skipped != "" {
					t.Errorf("replayed call: kind %s, status %d (want %d), skipped %q, error %q", c.TokenKind, c.Status, tc.status, c.Skipped, c.Error)
				}
				if tc.status == 0 && step.B != "not sent" {
					t.Errorf("call 1's outcome is %q, want not sent", step.B)
				}
				all := strings.Join(step.Differences, "\n")
				if tc.want == "" {
					if !step.Same || !doc.Comparison.Same {
						t.Errorf("call 1 differs: %v", step.Differences)
					}
				} else if step.Same || !strings.Contains(all, tc.want) {
					t.Errorf("call 1 (same %v): %q does not name %q", step.Same, all, tc.want)
				}
			}
			secrets := rec.seen()
			if len(secrets) < 4 {
				t.Fatalf("the identity pools handed out %d secrets; the test sees nothing", len(secrets))
			}
			for _, o := range outs {
				for _, s := range secrets {
					if strings.Contains(o, s) {
						t.Errorf("the output holds a credential's secret or session token %.8s…", s)
					}
				}
				if sigLeak.MatchString(o) {
					t.Errorf("the output holds a signature: %s", sigLeak.FindString(o))
				}
			}
		})
	}
}

// TestReplaySigV4BadInput: a malformed --identity-pool-id, or one given
// for a transcript without a signed call, is a usage error (exit 2).
func TestReplaySigV4BadInput(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	file := filepath.Join(w.dir, "nosig.json")
	if err := os.WriteFile(file, []byte(`{"version": 1, "target": {"username": "alice"}, "signIns": [{"flow": "srp"}], "calls": [{"method": "GET", "path": "/private", "tokenKind": "access"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"bogus", []string{"--identity-pool-id", "bogus"}, `--identity-pool-id "bogus": want <region>:<uuid>`},
		{"not a uuid", []string{"--identity-pool-id", "us-east-1:1234"}, `want <region>:<uuid>`},
		{"no signed call", []string{"--identity-pool-id", "us-east-1:11111111-2222-3333-4444-555555555555"}, "--identity-pool-id applies to calls recorded with --sigv4; " + file + " has none"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := w.run(t, password+"\n", append([]string{"--profile", "twin", "replay", file, "--password-stdin"}, tc.args...)...)
			if code != cmdutil.ExitUsage || !strings.Contains(errOut, tc.want) || out != "" {
				t.Errorf("exit %d, stderr %q, stdout %q; want 2 and %q", code, errOut, out, tc.want)
			}
		})
	}
}

// TestSignKeepsEverySignatureSecret: every signature the replay's signer
// makes (each call's, and each re-signing for an explanation) joins the
// runner's secrets, so transcript.Redact takes it out of the replayed
// transcript wherever an answer echoed it.
func TestSignKeepsEverySignatureSecret(t *testing.T) {
	t.Parallel()
	creds := aws.Credentials{AccessKeyID: "ASIAEXAMPLEEXAMPLE01", SecretAccessKey: "secret-access-key-0123456789abcdefghijkl", SessionToken: "session-token-0123456789abcdefghijklmnop"}
	r := &runner{sigv4: sigv4Creds{found: true, signer: &cmdutil.SigV4{Creds: creds, Region: "us-east-1"}}}
	sign, signer, notSent, err := r.sign(context.Background(), transcript.Call{Method: "GET", Path: "/iam"}, nil)
	if err != nil || sign == nil || signer == nil || notSent != "" {
		t.Fatalf("sign: %v, signer %v, not sent %q", err, signer, notSent)
	}
	var sigs []string
	for i := range 2 {
		req, _ := http.NewRequest("GET", fmt.Sprintf("https://abc.execute-api.us-east-1.amazonaws.com/iam?n=%d", i), nil)
		if err := sign(req, nil); err != nil {
			t.Fatal(err)
		}
		_, sig, ok := strings.Cut(req.Header.Get("Authorization"), "Signature=")
		if !ok || len(sig) != 64 {
			t.Fatalf("request %d not signed: %q", i, req.Header.Get("Authorization"))
		}
		sigs = append(sigs, sig)
	}
	if sigs[0] == sigs[1] {
		t.Fatal("two requests, one signature")
	}
	tr := transcript.New(transcript.Target{}, time.Now())
	for _, s := range append(sigs, creds.SessionToken, creds.SecretAccessKey) {
		tr.Calls = append(tr.Calls, transcript.Call{Method: "GET", Path: "/iam", Status: 403, Message: "echo: " + s})
	}
	transcript.Redact(tr, r.secrets...)
	b, _ := json.Marshal(tr)
	for _, s := range append(sigs, creds.SessionToken, creds.SecretAccessKey) {
		if strings.Contains(string(b), s) {
			t.Errorf("the redacted transcript still holds %.12s…", s)
		}
	}

	// Without credentials, no signing function: the reason.
	r = &runner{sigv4: sigv4Creds{found: true, notSent: "no credentials to sign with: x"}}
	if sign, _, why, err := r.sign(context.Background(), transcript.Call{}, nil); sign != nil || err != nil || why != "no credentials to sign with: x" {
		t.Errorf("no credentials: sign %v, why %q, err %v", sign != nil, why, err)
	}
}

// TestReplayIdentityPoolFlag parses --identity-pool-id through runF:
// kept as given when it is <region>:<uuid>, refused before running
// otherwise.
func TestReplayIdentityPoolFlag(t *testing.T) {
	t.Parallel()
	const id = "eu-west-1:11111111-2222-3333-4444-555555555555"
	for _, tc := range []struct {
		name, value, wantErr string
	}{
		{"valid", id, ""},
		{"no uuid", "eu-west-1", `--identity-pool-id "eu-west-1": want <region>:<uuid>`},
		{"upper case", "EU-WEST-1:11111111-2222-3333-4444-555555555555", "want <region>:<uuid>"},
		{"empty", "", `--identity-pool-id "": want <region>:<uuid>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, o := cmdtest.ParseFlags(t, NewCmdReplay, []string{"f.json", "--identity-pool-id", tc.value}, tc.wantErr)
			if tc.wantErr == "" && (o.IdentityPoolID != id || !o.FlagsSet["identity-pool-id"]) {
				t.Errorf("options %+v", o)
			}
		})
	}
}
