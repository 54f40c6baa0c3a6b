package local_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/internal/local"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// lockedBuffer is a log sink safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestStackServesTheDemoPool(t *testing.T) {
	t.Parallel()
	logs := &lockedBuffer{}
	env := localtest.Start(t, localtest.WithLogger(slog.New(slog.NewTextHandler(logs, nil))))
	ctx := context.Background()
	if env.Demo.PoolID == "" || env.Demo.ClientID == "" || env.Demo.Username == "" || env.Demo.Password == "" {
		t.Fatalf("demo seed incomplete: %+v", env.Demo)
	}
	if !strings.HasPrefix(env.Endpoint, "http://127.0.0.1:") {
		t.Fatalf("endpoint %q is not on loopback", env.Endpoint)
	}
	if env.Demo.Issuer != env.Endpoint+"/"+env.Demo.PoolID {
		t.Errorf("issuer = %q, want endpoint/poolId", env.Demo.Issuer)
	}

	// Admin API through the SDK, dispatched on X-Amz-Target.
	idp := env.CognitoClient()
	pools, err := idp.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)})
	if err != nil {
		t.Fatal(err)
	}
	if len(pools.UserPools) == 0 || aws.ToString(pools.UserPools[0].Id) != env.Demo.PoolID {
		t.Fatalf("ListUserPools = %+v, want the demo pool %s", pools.UserPools, env.Demo.PoolID)
	}

	// A sign-in, unsigned, as the console makes it.
	anon := awsclient.AnonymousCognito(env.AWSConfig(), env.Endpoint)
	out, err := anon.InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		ClientId: aws.String(env.Demo.ClientID),
		AuthParameters: map[string]string{
			"USERNAME": env.Demo.Username,
			"PASSWORD": env.Demo.Password,
		},
	})
	if err != nil {
		t.Fatalf("InitiateAuth as the demo user: %v", err)
	}
	if out.AuthenticationResult == nil || aws.ToString(out.AuthenticationResult.IdToken) == "" {
		t.Fatalf("no tokens: %+v", out)
	}

	// A wrong password gets Cognito's error, typed by the SDK.
	_, err = anon.InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow:       types.AuthFlowTypeUserPasswordAuth,
		ClientId:       aws.String(env.Demo.ClientID),
		AuthParameters: map[string]string{"USERNAME": env.Demo.Username, "PASSWORD": "wrong-Passw0rd!"},
	})
	var na *types.NotAuthorizedException
	if !errors.As(err, &na) || na.ErrorMessage() != "Incorrect username or password." {
		t.Fatalf("wrong password: err = %v, want NotAuthorizedException", err)
	}

	// The pool's JWKS is served under its issuer, by path.
	resp, err := http.Get(env.Demo.JWKSURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var jwks struct {
		Keys []struct{ Kid, Kty, Alg string } `json:"keys"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&jwks); err != nil || resp.StatusCode != 200 {
		t.Fatalf("jwks: status %d, %v", resp.StatusCode, err)
	}
	if len(jwks.Keys) != 2 || jwks.Keys[0].Alg != "RS256" {
		t.Fatalf("jwks = %+v, want two RS256 keys", jwks)
	}

	// The request log names operations and statuses but never secrets.
	log := logs.String()
	for _, want := range []string{"op=AWSCognitoIdentityProviderService.InitiateAuth", "status=200", "status=400", "error=NotAuthorizedException", "requestId="} {
		if !strings.Contains(log, want) {
			t.Errorf("request log lacks %q:\n%s", want, log)
		}
	}
	for _, secret := range []string{env.Demo.Password, "wrong-Passw0rd!", aws.ToString(out.AuthenticationResult.RefreshToken)} {
		if strings.Contains(log, secret) {
			t.Errorf("request log contains a secret %q", secret)
		}
	}
}

func TestStackAnswersUnknownTargetsLikeAWS(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	tests := []struct {
		name, target string
		wantType     string
	}{
		{"other service", "DynamoDB_20120810.ListTables", "UnknownOperationException"},
		{"no target", "", "UnknownOperationException"},
		{"cognito unknown action", "AWSCognitoIdentityProviderService.MakeCoffee", "UnknownOperationException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, _ := http.NewRequest("POST", env.Endpoint+"/", strings.NewReader("{}"))
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			if tt.target != "" {
				req.Header.Set("X-Amz-Target", tt.target)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 400 || body.Type != tt.wantType || body.Message == "" {
				t.Fatalf("status %d body %+v, want 400 %s with a message", resp.StatusCode, body, tt.wantType)
			}
		})
	}
}

func TestListenRefusesRemoteAndBusyAddresses(t *testing.T) {
	t.Parallel()
	stack, err := local.New(local.Options{Seed: &cognito.Seed{}})
	if err != nil {
		t.Fatal(err)
	}
	defer stack.Close()
	if err := stack.Listen("0.0.0.0:0"); !errors.Is(err, local.ErrNotLoopback) {
		t.Fatalf("Listen(0.0.0.0:0) = %v, want ErrNotLoopback", err)
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	err = stack.Listen(busy.Addr().String())
	if !errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("Listen on a busy port = %v, want EADDRINUSE", err)
	}
	if stack.Endpoint() != "" || stack.Addr() != nil {
		t.Fatalf("a failed Listen left endpoint %q", stack.Endpoint())
	}
}

func TestServeStopsWhenTheContextEnds(t *testing.T) {
	t.Parallel()
	stack, err := local.New(local.Options{Seed: &cognito.Seed{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := stack.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- stack.Serve(ctx) }()
	waitUp(t, stack.Endpoint())
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve = %v, want nil after a clean shutdown", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
	if _, err := http.Get(stack.Endpoint() + "/"); err == nil {
		t.Fatal("still answering after shutdown")
	}
	if err := stack.Close(); err != nil {
		t.Fatalf("Close after Serve: %v", err)
	}
}

func waitUp(t *testing.T, endpoint string) {
	t.Helper()
	for i := 0; i < 100; i++ {
		resp, err := http.Get(endpoint + "/")
		if err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s never answered", endpoint)
}

func TestStatePersistsAcrossRestarts(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	ctx := context.Background()

	env := localtest.Start(t, localtest.WithStatePath(path))
	// Seeding writes the file at once, with mode 0600.
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("no state file after seeding: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600", fi.Mode().Perm())
	}
	idp := env.CognitoClient()
	if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId:        aws.String(env.Demo.PoolID),
		Username:          aws.String("persisted"),
		TemporaryPassword: aws.String("Temp-Passw0rd!"),
	}); err != nil {
		t.Fatal(err)
	}
	jwksBefore := get(t, env.Demo.JWKSURL)
	if err := env.Stack.Close(); err != nil { // the final write
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("Temp-Passw0rd!")) {
		t.Error("the state file holds a temporary password in clear")
	}

	// A second stack on the same file has the user, the same pool id and
	// the same signing keys (so tokens issued before a restart verify).
	env2 := localtest.Start(t, localtest.WithStatePath(path), localtest.WithSeed(cognito.Seed{}))
	if env2.Demo.PoolID != env.Demo.PoolID {
		t.Fatalf("pool id after restart %q, want %q (the seed must be ignored when state exists)", env2.Demo.PoolID, env.Demo.PoolID)
	}
	got, err := env2.CognitoClient().AdminGetUser(ctx, &cip.AdminGetUserInput{
		UserPoolId: aws.String(env.Demo.PoolID), Username: aws.String("persisted")})
	if err != nil {
		t.Fatalf("user lost across restart: %v", err)
	}
	if got.UserStatus != types.UserStatusTypeForceChangePassword {
		t.Errorf("status after restart = %s", got.UserStatus)
	}
	if jwksAfter := get(t, env2.Demo.Issuer+"/.well-known/jwks.json"); jwksAfter != jwksBefore {
		t.Errorf("signing keys changed across restart:\n%s\n%s", jwksBefore, jwksAfter)
	}
}

func TestStateIsWrittenAfterChangesWhileServing(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	env := localtest.Start(t, localtest.WithStatePath(path))
	if _, err := env.CognitoClient().CreateGroup(context.Background(), &cip.CreateGroupInput{
		UserPoolId: aws.String(env.Demo.PoolID), GroupName: aws.String("written-soon")}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if b, _ := os.ReadFile(path); bytes.Contains(b, []byte("written-soon")) {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatal("the change never reached the state file while the stack ran")
}

func TestCorruptStateIsRefused(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, content string }{
		{"truncated", `{"format":"cogscope-local-state","version":1,"services":{"cognito-idp":{"pools":`},
		{"no cognito", `{"format":"cogscope-local-state","version":1,"services":{}}`},
		{"bad cognito", `{"format":"cogscope-local-state","version":1,"services":{"cognito-idp":{"version":1,"pools":{"x":{"id":"y"}}}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "state.json")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := local.New(local.Options{StatePath: path})
			if !errors.Is(err, local.ErrCorruptState) {
				t.Fatalf("New = %v, want ErrCorruptState", err)
			}
			// The file is left as it was, for the user to inspect.
			if b, _ := os.ReadFile(path); string(b) != tt.content {
				t.Fatal("a refused state file was modified")
			}
		})
	}
}

func TestInfoIsTheDocumentedJSON(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t, localtest.WithRegion("eu-west-2"))
	b, err := json.Marshal(env.Stack.Info())
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["endpoint"] != env.Endpoint || doc["region"] != "eu-west-2" {
		t.Fatalf("info = %s", b)
	}
	pools, _ := doc["userPools"].([]any)
	if len(pools) == 0 {
		t.Fatalf("no userPools in %s", b)
	}
	p := pools[0].(map[string]any)
	for _, k := range []string{"id", "name", "issuer", "clients", "users"} {
		if _, ok := p[k]; !ok {
			t.Errorf("pool lacks %q: %v", k, p)
		}
	}
	c := p["clients"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "name", "hasSecret"} {
		if _, ok := c[k]; !ok {
			t.Errorf("client lacks %q: %v", k, c)
		}
	}
	u := p["users"].([]any)[0].(map[string]any)
	if u["username"] == "" || u["password"] == "" {
		t.Errorf("user = %v", u)
	}
}

// TestStackSurvivesAFlood hammers one pool from many goroutines with a mix
// of good sign-ins, wrong passwords, malformed JSON, unknown targets and
// oversized bodies. Run with -race: every request gets an AWS-shaped
// answer, the server stays up, and the user can still sign in afterwards.
func TestStackSurvivesAFlood(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	client := &http.Client{Timeout: 30 * time.Second}
	signIn := func(username, password string) string {
		return fmt.Sprintf(`{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":%q,"AuthParameters":{"USERNAME":%q,"PASSWORD":%q}}`,
			env.Demo.ClientID, username, password)
	}
	kinds := []struct {
		target, body string
		want         int
	}{
		{"AWSCognitoIdentityProviderService.InitiateAuth", signIn(env.Demo.Username, env.Demo.Password), 200},
		// An unknown user rather than a wrong password: repeated wrong
		// passwords would (rightly) lock the demo user out.
		{"AWSCognitoIdentityProviderService.InitiateAuth", signIn("nobody-here", "Wr0ng-password"), 400},
		{"AWSCognitoIdentityProviderService.InitiateAuth", `{"AuthFlow":`, 400},
		{"Nope_2020.Thing", `{}`, 400},
		{"AWSCognitoIdentityProviderService.InitiateAuth", `{"x":"` + strings.Repeat("a", 2<<20) + `"}`, 413},
	}
	const workers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				k := kinds[(w+i)%len(kinds)]
				req, _ := http.NewRequest("POST", env.Endpoint+"/", strings.NewReader(k.body))
				req.Header.Set("Content-Type", "application/x-amz-json-1.1")
				req.Header.Set("X-Amz-Target", k.target)
				resp, err := client.Do(req)
				if err != nil {
					errs <- err
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != k.want {
					errs <- fmt.Errorf("%s: status %d, want %d: %.200s", k.target, resp.StatusCode, k.want, b)
				} else if k.want != 200 && !bytes.Contains(b, []byte(`"__type"`)) {
					errs <- fmt.Errorf("%s: error without __type: %.200s", k.target, b)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	_, err := awsclient.AnonymousCognito(env.AWSConfig(), env.Endpoint).InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(env.Demo.ClientID),
		AuthParameters: map[string]string{"USERNAME": env.Demo.Username, "PASSWORD": env.Demo.Password}})
	if err != nil {
		t.Fatalf("sign-in after the flood: %v", err)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	return string(b)
}
