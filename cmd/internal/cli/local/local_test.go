package local

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cogscope/cogscope/internal/awsclient"
	localstack "github.com/cogscope/cogscope/internal/local"
	"github.com/cogscope/cogscope/internal/local/apigw"
)

// localBuffer is a stream the server's goroutines may write while the test
// reads it; lines signals each completed line.
type localBuffer struct {
	mu    sync.Mutex
	b     bytes.Buffer
	lines chan struct{}
}

func newLocalBuffer() *localBuffer { return &localBuffer{lines: make(chan struct{}, 1024)} }

func (l *localBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, err := l.b.Write(p)
	for range bytes.Count(p, []byte("\n")) {
		select {
		case l.lines <- struct{}{}:
		default:
		}
	}
	return n, err
}

func (l *localBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// localProc is `cogscope local ...` running in the background with fake
// streams.
type localProc struct {
	out, errOut *localBuffer
	cancel      context.CancelFunc
	done        chan int
}

func startLocal(t *testing.T, args ...string) *localProc {
	t.Helper()
	r := &localProc{out: newLocalBuffer(), errOut: newLocalBuffer(), done: make(chan int, 1)}
	f := &cmdutil.Factory{
		IO:   cmdutil.IOStreams{In: strings.NewReader(""), Out: r.out, ErrOut: r.errOut},
		Env:  func(string) string { return "" },
		Now:  time.Now,
		HTTP: nil,
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.done <- runCLI(ctx, f, append([]string{"local"}, args...)) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			t.Error("cogscope local did not stop")
		}
	})
	return r
}

// waitReady returns the first line on stdout, or fails if the command
// exits first.
func (r *localProc) waitReady(t *testing.T) string {
	t.Helper()
	select {
	case <-r.out.lines:
		line, _, _ := strings.Cut(r.out.String(), "\n")
		return line
	case code := <-r.done:
		r.done <- code
		t.Fatalf("cogscope local exited %d before it was ready; stderr:\n%s", code, r.errOut.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("cogscope local not ready after 20s; stderr:\n%s", r.errOut.String())
	}
	return ""
}

// stop interrupts the command (as SIGINT does through the root's context)
// and returns its exit code.
func (r *localProc) stop(t *testing.T) int {
	t.Helper()
	r.cancel()
	select {
	case code := <-r.done:
		r.done <- code // for the cleanup
		return code
	case <-time.After(10 * time.Second):
		t.Fatal("cogscope local did not stop after its context ended")
	}
	return -1
}

// runLocalOnce runs a command line that is expected to fail at once.
func runLocalOnce(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	r := startLocal(t, args...)
	select {
	case code := <-r.done:
		r.done <- code
		return code, r.out.String(), r.errOut.String()
	case <-time.After(20 * time.Second):
		t.Fatalf("cogscope local %v kept running", args)
	}
	return -1, "", ""
}

type localJSON struct {
	Endpoint  string `json:"endpoint"`
	Region    string `json:"region"`
	UserPools []struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Issuer   string `json:"issuer"`
		Domain   string `json:"domain"`   // pools with a hosted-UI domain
		HostedUI string `json:"hostedUI"` // its base URL on the stack
		Clients  []struct {
			ID        string `json:"id"`
			Name      string `json:"name"`
			HasSecret bool   `json:"hasSecret"`
		} `json:"clients"`
		Users []struct {
			Username string `json:"username"`
			Password string `json:"password"`
		} `json:"users"`
		IdentityProviders []struct {
			Name  string `json:"name"`
			Type  string `json:"type"`
			Users []struct {
				Username string `json:"username"`
				Password string `json:"password"`
			} `json:"users"`
		} `json:"identityProviders"`
	} `json:"userPools"`
	// The local API Gateway's demo HTTP and REST APIs.
	API          *localAPIJSON  `json:"api"`
	RestAPI      *localAPIJSON  `json:"restApi"`
	APIs         []localAPIJSON `json:"apis"`
	APILogGroups []string       `json:"apiLogGroups"`
	Logs         struct {
		Endpoint string   `json:"endpoint"` // the CloudWatch Logs endpoint (the stack's)
		Groups   []string `json:"groups"`
	} `json:"logs"`
	IdentityPools []struct {
		ID                   string `json:"id"`
		Name                 string `json:"name"`
		AllowUnauthenticated bool   `json:"allowUnauthenticated"`
		AllowClassicFlow     bool   `json:"allowClassicFlow"`
		Providers            []struct {
			ProviderName string `json:"providerName"`
			ClientID     string `json:"clientId"`
		} `json:"providers"`
		Roles map[string]string `json:"roles"`
	} `json:"identityPools"`
}

type localAPIJSON struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	Stage  string `json:"stage"`
	URL    string `json:"url"`
	Routes []struct {
		Method       string   `json:"method"`
		Path         string   `json:"path"`
		Authorizer   string   `json:"authorizer"`
		Scopes       []string `json:"scopes"`
		AuthorizerID string   `json:"authorizerId"`
	} `json:"routes"`
	AccessLogGroup    string   `json:"accessLogGroup"`
	FunctionLogGroups []string `json:"functionLogGroups"`
}

func parseLocalJSON(t *testing.T, line string) localJSON {
	t.Helper()
	var info localJSON
	dec := json.NewDecoder(strings.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&info); err != nil {
		t.Fatalf("--json line is not the documented object: %v\n%s", err, line)
	}
	if info.Logs.Endpoint != info.Endpoint || info.Logs.Groups == nil {
		t.Fatalf("--json line's logs = %+v\n%s", info.Logs, line)
	}
	if info.Endpoint == "" || len(info.UserPools) == 0 || len(info.UserPools[0].Clients) == 0 || len(info.UserPools[0].Users) == 0 {
		t.Fatalf("--json line lacks the demo pool: %s", line)
	}
	return info
}

func TestLocalJSONServesUntilInterrupted(t *testing.T) {
	t.Parallel()
	r := startLocal(t, "--addr", "127.0.0.1:0", "--json", "--region", "eu-central-1")
	info := parseLocalJSON(t, r.waitReady(t))
	if info.Region != "eu-central-1" || !strings.HasPrefix(info.UserPools[0].ID, "eu-central-1_") {
		t.Errorf("region %q, pool %q: --region not honoured", info.Region, info.UserPools[0].ID)
	}
	if info.API == nil || info.API.URL != info.Endpoint+"/_api/cogshttp01" || info.RestAPI == nil || info.RestAPI.URL != info.Endpoint+"/_api/cogsrest01/prod" {
		t.Errorf("api %+v, restApi %+v: the demo APIs are missing from --json", info.API, info.RestAPI)
	}
	pool := info.UserPools[0]
	if pool.Issuer != info.Endpoint+"/"+pool.ID {
		t.Errorf("issuer %q, want %s/%s", pool.Issuer, info.Endpoint, pool.ID)
	}
	var clientID string
	for _, c := range pool.Clients {
		if !c.HasSecret {
			clientID = c.ID
		}
	}
	user := pool.Users[0]
	if idps := pool.IdentityProviders; len(idps) != 2 || idps[0].Name != "CogscopeOIDC" || idps[0].Type != "OIDC" ||
		idps[1].Name != "CogscopeSAML" || idps[1].Type != "SAML" || len(idps[0].Users) != 1 || idps[0].Users[0].Username != "fed-user" {
		t.Errorf("identityProviders %+v, want the built-in upstream as CogscopeOIDC and CogscopeSAML with fed-user", idps)
	}

	// Drive it with the real SDK, as a script given the JSON would.
	cfg := awsclient.Static(info.Region, nil)
	idp := awsclient.AnonymousCognito(cfg, info.Endpoint)
	out, err := idp.InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow:       types.AuthFlowTypeUserPasswordAuth,
		ClientId:       aws.String(clientID),
		AuthParameters: map[string]string{"USERNAME": user.Username, "PASSWORD": user.Password},
	})
	if err != nil {
		t.Fatalf("sign in with the announced user: %v", err)
	}
	if out.AuthenticationResult == nil {
		t.Fatal("no tokens")
	}

	if code := r.stop(t); code != cmdutil.ExitOK {
		t.Fatalf("exit code %d after interrupt, want 0; stderr:\n%s", code, r.errOut.String())
	}
	// Exactly one line of JSON on stdout, nothing else.
	if got := r.out.String(); strings.Count(got, "\n") != 1 || !strings.HasSuffix(got, "\n") {
		t.Errorf("stdout is not exactly one line:\n%q", got)
	}
	// Requests were logged on stderr without the password.
	logs := r.errOut.String()
	if !strings.Contains(logs, "InitiateAuth") {
		t.Errorf("no request log on stderr:\n%s", logs)
	}
	if strings.Contains(logs, user.Password) {
		t.Error("the password reached the log")
	}
}

func TestLocalHumanOutput(t *testing.T) {
	t.Parallel()
	r := startLocal(t, "--addr", "127.0.0.1:0")
	first := r.waitReady(t)
	if !strings.HasPrefix(first, "cogscope local: serving on http://127.0.0.1:") {
		t.Fatalf("first line = %q", first)
	}
	// The whole announcement is written in one go; wait for its last line.
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(r.out.String(), "Ctrl-C") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	out := r.out.String()
	for _, want := range []string{"user pool", "issuer", "/.well-known/jwks.json", "client", "(no secret)", "password ", "--endpoint http://127.0.0.1:", "COGSCOPE_ENDPOINT=", "--endpoint-url", "Ctrl-C"} {
		if !strings.Contains(out, want) {
			t.Errorf("announcement lacks %q:\n%s", want, out)
		}
	}
	// The demo APIs (their ids, invoke URLs, routes and authorizer
	// kinds), the log groups and the init line that takes them.
	ep := strings.TrimPrefix(first, "cogscope local: serving on ")
	ep, _, _ = strings.Cut(ep, " ")
	for _, want := range []string{
		"\nHTTP API   cogshttp01  cogscope-demo-http\n  url      " + ep + "/_api/cogshttp01\n  route    GET /hello    none\n" +
			"  route    GET /private  JWT\n  route    GET /scoped   JWT, scope cogscope-api/read\n  route    GET /admin    Lambda\n" +
			"  route    GET /iam      AWS_IAM (SigV4)\n",
		"\nREST API   cogsrest01  cogscope-demo-rest  (stage prod)\n  url      " + ep + "/_api/cogsrest01/prod\n",
		"  route    GET /orders          Cognito user pool, scope cogscope-api/read\n",
		"\nlog groups (CloudWatch Logs on the same endpoint)\n  /aws/apigateway/cogscope-demo-http\n  /aws/apigateway/cogscope-demo-rest\n" +
			"  /aws/lambda/cogscope-demo-admins\n  /aws/lambda/cogscope-demo-policy\n",
		"Write a profile:       cogscope init --profile local --endpoint " + ep + " --user-pool-id us-east-1_CogScope1 --client-id cogscopedemopublicclient01 --api-id cogshttp01\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("announcement lacks\n%s\n---\n%s", want, out)
		}
	}
	if code := r.stop(t); code != cmdutil.ExitOK {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(r.errOut.String(), "stopped") {
		t.Errorf("no stop message on stderr: %q", r.errOut.String())
	}
}

func TestLocalStateSurvivesRestart(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "local-state.json")
	ctx := context.Background()

	r := startLocal(t, "--addr", "127.0.0.1:0", "--json", "--state", state)
	info := parseLocalJSON(t, r.waitReady(t))
	idp := awsclient.Cognito(awsclient.Static(info.Region, nil), info.Endpoint)
	if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: aws.String(info.UserPools[0].ID), Username: aws.String("second-life"),
		TemporaryPassword: aws.String("Temp-Passw0rd!"),
	}); err != nil {
		t.Fatal(err)
	}
	if code := r.stop(t); code != cmdutil.ExitOK {
		t.Fatalf("exit %d: %s", code, r.errOut.String())
	}
	fi, err := os.Stat(state)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600", fi.Mode().Perm())
	}

	r2 := startLocal(t, "--addr", "127.0.0.1:0", "--json", "--state", state)
	info2 := parseLocalJSON(t, r2.waitReady(t))
	if info2.UserPools[0].ID != info.UserPools[0].ID {
		t.Fatalf("pool id changed across restart: %s → %s", info.UserPools[0].ID, info2.UserPools[0].ID)
	}
	idp2 := awsclient.Cognito(awsclient.Static(info2.Region, nil), info2.Endpoint)
	if _, err := idp2.AdminGetUser(ctx, &cip.AdminGetUserInput{
		UserPoolId: aws.String(info2.UserPools[0].ID), Username: aws.String("second-life")}); err != nil {
		t.Fatalf("user lost across restart: %v", err)
	}
	if code := r2.stop(t); code != cmdutil.ExitOK {
		t.Fatalf("exit %d", code)
	}
}

func TestLocalSeedFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	seed := filepath.Join(dir, "pools.yaml")
	if err := os.WriteFile(seed, []byte(`userPools:
  - id: eu-west-1_SeedTest1
    name: seeded
    clients:
      - name: web
        explicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
    users:
      - username: carol
        password: Carol-Passw0rd!
`), 0o600); err != nil {
		t.Fatal(err)
	}
	r := startLocal(t, "--addr", "127.0.0.1:0", "--json", "--seed", seed)
	info := parseLocalJSON(t, r.waitReady(t))
	p := info.UserPools[0]
	if len(info.UserPools) != 1 || p.ID != "eu-west-1_SeedTest1" || p.Name != "seeded" ||
		p.Clients[0].Name != "web" || p.Users[0].Username != "carol" || p.Users[0].Password != "Carol-Passw0rd!" {
		t.Fatalf("seed not applied: %+v", info)
	}
	if info.API != nil || info.RestAPI != nil || len(info.APIs) != 0 {
		t.Errorf("a seed without APIs gave APIs: %+v %+v", info.API, info.RestAPI)
	}
	if code := r.stop(t); code != cmdutil.ExitOK {
		t.Fatalf("exit %d", code)
	}
}

// TestLocalSeedFileAPIs: --seed reads the file's httpApis and restApis
// beside its pools, and a bad API is a usage error naming the file.
func TestLocalSeedFileAPIs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	seed := filepath.Join(dir, "stack.yaml")
	if err := os.WriteFile(seed, []byte(`userPools:
  - id: eu-west-1_SeedTest2
    name: seeded
    clients:
      - name: web
    users:
      - username: dave
        password: Dave-Passw0rd!
httpApis:
  - id: myhttpapi1
    name: mine
    authorizers:
      - {name: jwt, type: JWT, userPoolId: eu-west-1_SeedTest2, audience: [someclientid]}
    routes:
      - {routeKey: GET /things, authorizer: jwt, scopes: [orders/read]}
      - {routeKey: GET /open}
restApis:
  - name: legacy
    stage: prod
    authorizers:
      - {name: pool, type: COGNITO_USER_POOLS, userPoolIds: [eu-west-1_SeedTest2]}
    methods:
      - {method: GET, path: "/orders/{id}", authorizer: pool}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	r := startLocal(t, "--addr", "127.0.0.1:0", "--json", "--seed", seed)
	info := parseLocalJSON(t, r.waitReady(t))
	if info.API == nil || info.API.ID != "myhttpapi1" || len(info.API.Routes) != 2 || info.API.Routes[0].Path != "/things" ||
		info.API.Routes[0].Authorizer != "jwt" || info.API.Routes[0].Scopes[0] != "orders/read" {
		t.Fatalf("HTTP API not seeded: %+v", info.API)
	}
	if info.RestAPI == nil || info.RestAPI.Name != "legacy" || info.RestAPI.Stage != "prod" || len(info.RestAPI.Routes) != 1 ||
		info.RestAPI.Routes[0].Authorizer != "cognito" {
		t.Fatalf("REST API not seeded: %+v", info.RestAPI)
	}
	if code := r.stop(t); code != cmdutil.ExitOK {
		t.Fatalf("exit %d", code)
	}

	bad := filepath.Join(dir, "badapi.yaml")
	if err := os.WriteFile(bad, []byte(`userPools:
  - id: eu-west-1_SeedTest3
    name: seeded
httpApis:
  - name: broken
    routes:
      - {routeKey: GET /x, authorizer: nosuch}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, Env: func(string) string { return "" }}
	root := cmdutil.NewRootCmd(f)
	root.AddCommand(NewCmdLocal(f, nil))
	code := cmdutil.Execute(context.Background(), f, root, []string{"local", "--addr", "127.0.0.1:0", "--seed", bad})
	if code != cmdutil.ExitUsage || !strings.Contains(errOut.String(), "badapi.yaml") || !strings.Contains(errOut.String(), "nosuch") {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
}

func TestLocalRefusesBadSetups(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	badYAML := write("bad.yaml", "userPools:\n  - name: a\n    clientz: []\n")
	badJSON := write("bad.json", "{\n  \"userPools\": [\n    {\"name\": \"a\",}\n  ]\n}\n")
	badIDs := write("ids.json", `{"userPools":[{"id":"not a pool id","name":"x"}]}`)
	corrupt := write("corrupt.json", `{"format":"cogscope-local-state","version":1,"services":{"cognito-idp":`)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { busy.Close() })

	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"non-loopback", []string{"--addr", "0.0.0.0:0"}, []string{"loopback", "--allow-remote"}},
		{"every interface", []string{"--addr", ":0"}, []string{"every interface"}},
		{"port in use", []string{"--addr", busy.Addr().String()}, []string{"already in use", "127.0.0.1:0"}},
		{"bad address", []string{"--addr", "nonsense"}, []string{"nonsense"}},
		{"unknown seed field", []string{"--addr", "127.0.0.1:0", "--seed", badYAML}, []string{"bad.yaml", "line 3", "clientz"}},
		{"seed syntax", []string{"--addr", "127.0.0.1:0", "--seed", badJSON}, []string{"bad.json", "line 3"}},
		{"seed the service refuses", []string{"--addr", "127.0.0.1:0", "--seed", badIDs}, []string{"seed file", "ids.json", "not a pool id"}},
		{"missing seed", []string{"--addr", "127.0.0.1:0", "--seed", filepath.Join(dir, "absent.yaml")}, []string{"absent.yaml"}},
		{"corrupt state", []string{"--addr", "127.0.0.1:0", "--state", corrupt}, []string{"corrupt state file", "corrupt.json"}},
		{"unreadable state", []string{"--addr", "127.0.0.1:0", "--state", dir}, []string{"read state file"}},
		{"bad region", []string{"--addr", "127.0.0.1:0", "--region", "not a region"}, []string{`--region "not a region" is not an AWS region`}},
		{"extra argument", []string{"extra"}, []string{"unknown command"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runLocalOnce(t, tt.args...)
			if code != cmdutil.ExitUsage {
				t.Fatalf("exit %d, want %d; stderr %q", code, cmdutil.ExitUsage, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout not empty on failure: %q", stdout)
			}
			if strings.Count(stderr, "\n") != 1 {
				t.Errorf("error is not one line: %q", stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
		})
	}
}

func TestDescribeListenError(t *testing.T) {
	t.Parallel()
	other := errors.New("listen on x: boom")
	if got := describeListenError("x", other); got != other.Error() {
		t.Errorf("unrelated errors pass through unchanged; got %q", got)
	}
}

// TestWriteAPIs: every API is listed (all of Info.APIs when there are
// more than one of a kind), a route's scopes follow its authorizer, the
// log groups are listed once each, and seed-file text is made safe for
// the terminal.
func TestWriteAPIs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		info localstack.Info
		want []string
		not  []string
	}{
		{
			name: "no APIs, no groups",
			info: localstack.Info{Endpoint: "http://127.0.0.1:1"},
			not:  []string{"API", "log groups"},
		},
		{
			name: "three APIs",
			info: localstack.Info{Endpoint: "http://127.0.0.1:1",
				APIs: []apigw.APIInfo{
					{ID: "one", Name: "first", Type: "http", URL: "http://127.0.0.1:1/_api/one", Routes: []apigw.RouteInfo{{Method: "GET", Path: "/x", Authorizer: "iam"}}},
					{ID: "two", Name: "bad\x1b[31mname", Type: "http", URL: "http://127.0.0.1:1/_api/two", Routes: []apigw.RouteInfo{{Method: "ANY", Path: "$default", Authorizer: "none"}}},
					{ID: "three", Name: "rest", Type: "rest", Stage: "dev", URL: "http://127.0.0.1:1/_api/three/dev",
						Routes: []apigw.RouteInfo{{Method: "GET", Path: "/orders/{id}", Authorizer: "cognito", Scopes: []string{"a/read", "a/write"}}}},
				},
				APILogGroups: []string{"/aws/apigateway/one"},
				Logs:         localstack.LogsInfo{Groups: []string{"/aws/apigateway/one", "/custom"}},
			},
			want: []string{
				"\nHTTP API   one  first\n  url      http://127.0.0.1:1/_api/one\n  route    GET /x  AWS_IAM (SigV4)\n",
				"\nHTTP API   two  bad\\x1b[31mname\n",
				"  route    ANY $default  none\n",
				"\nREST API   three  rest  (stage dev)\n  url      http://127.0.0.1:1/_api/three/dev\n  route    GET /orders/{id}  Cognito user pool, scope a/read a/write\n",
				"\nlog groups (CloudWatch Logs on the same endpoint)\n  /aws/apigateway/one\n  /custom\n",
			},
			not: []string{"\x1b"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			writeAPIs(&b, tt.info)
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("lacks %q:\n%s", w, b.String())
				}
			}
			for _, n := range tt.not {
				if strings.Contains(b.String(), n) {
					t.Errorf("holds %q:\n%s", n, b.String())
				}
			}
		})
	}
}
