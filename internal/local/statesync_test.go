package local_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/internal/local"
	"github.com/cogscope/cogscope/internal/local/cognito"
)

// stateSyncChildEnv makes the test binary a stack process: the value is
// the state file; "sync" or "async" follows after a comma.
const stateSyncChildEnv = "COGSCOPE_TEST_STATE_CHILD"

func init() {
	spec := os.Getenv(stateSyncChildEnv)
	if spec == "" {
		return
	}
	path, mode, _ := strings.Cut(spec, ",")
	stack, err := local.New(local.Options{StatePath: path, StateSync: mode == "sync"})
	if err == nil {
		err = stack.Listen("127.0.0.1:0")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	fmt.Println(stack.Endpoint())
	_ = stack.Serve(context.Background()) // until killed
	os.Exit(0)
}

// TestStateSyncSurvivesKill9 runs the stack in a child process with
// --state-sync, creates groups one after another and kills the child with
// SIGKILL at a random moment, three times: every group whose CreateGroup
// was answered must be in the state file, and the next child restores it.
func TestStateSyncSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	var acked []string
	const kills = 3
	for round := range kills {
		acked = append(acked, runAndKill(t, path, "sync", round)...)
		missing := missingGroups(t, path, acked)
		if len(missing) > 0 {
			t.Fatalf("after kill %d: %d of %d acknowledged groups lost: %v", round+1, len(missing), len(acked), missing)
		}
	}
	if len(acked) < kills {
		t.Fatalf("only %d changes acknowledged in %d rounds; the test proved little", len(acked), kills)
	}
	t.Logf("%d acknowledged changes over %d kills, none lost", len(acked), kills)
}

// TestStateWithoutSyncHasAWindow shows the window --state-sync closes:
// without it, a change acknowledged just before a kill is not on disk.
func TestStateWithoutSyncHasAWindow(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	acked := runAndKill(t, path, "async", 0)
	if len(acked) == 0 {
		t.Fatal("nothing acknowledged")
	}
	if missing := missingGroups(t, path, acked); len(missing) == 0 {
		t.Fatal("every change survived without --state-sync: the window the README states was not observed")
	}
}

// runAndKill starts a stack child on path, creates groups until it kills
// the child (after 150-400 ms), and returns the groups acknowledged.
func runAndKill(t *testing.T, path, mode string, round int) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), stateSyncChildEnv+"="+path+","+mode)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("child: %v", err)
	}
	endpoint := strings.TrimSpace(line)
	client := awsclient.Cognito(awsclient.Static("us-east-1", nil), endpoint)

	killAt := time.Now().Add(time.Duration(150+time.Now().UnixNano()%250) * time.Millisecond)
	killed := make(chan struct{})
	go func() {
		time.Sleep(time.Until(killAt))
		_ = cmd.Process.Kill() // SIGKILL: no shutdown, no final write
		close(killed)
	}()
	var acked []string
	for i := 0; ; i++ {
		name := fmt.Sprintf("r%d-g%d", round, i)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := client.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: aws.String(cognito.DemoPoolID), GroupName: aws.String(name)})
		cancel()
		if err != nil {
			select {
			case <-killed:
				return acked
			case <-time.After(3 * time.Second):
				t.Fatalf("CreateGroup %s failed before the kill: %v", name, err)
			}
		}
		acked = append(acked, name)
	}
}

// missingGroups lists the names not in the state file's demo pool.
func missingGroups(t *testing.T, path string, names []string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Services map[string]json.RawMessage `json:"services"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("state file after kill is not JSON: %v", err)
	}
	state := string(doc.Services["cognito-idp"])
	var missing []string
	for _, n := range names {
		if !strings.Contains(state, `"`+n+`"`) {
			missing = append(missing, n)
		}
	}
	return missing
}
