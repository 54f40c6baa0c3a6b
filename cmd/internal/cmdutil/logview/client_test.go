package logview

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

// Two Live Tail sessions read at once on one Client (the console's tails
// beside a Timeline lookup) each get exactly their group's lines, intact:
// each session decodes with a codec of its own (go test -race saw the
// shared one's buffer written by both).
func TestClientLiveTailSessionsAtOnce(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard},
		Env: func(string) string { return "" }, Global: cmdutil.GlobalOptions{Endpoint: env.Endpoint}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := NewClient(ctx, f, cmdutil.Target{Endpoint: env.Endpoint, Region: env.Region})
	if err != nil {
		t.Fatal(err)
	}
	groups := []string{"/cogscope/test/one", "/cogscope/test/two"}
	const n = 200
	got := make([][]string, len(groups))
	var ready, wg sync.WaitGroup
	for i, g := range groups {
		env.Logs.Write(g, "s", time.Now(), "create")
		out, err := c.StartLiveTail(ctx, &cwl.StartLiveTailInput{LogGroupIdentifiers: []string{env.Logs.GroupARN(g)}})
		if err != nil {
			t.Fatal(err)
		}
		st := out.GetStream()
		defer st.Close()
		ready.Add(1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			started := false
			for e := range st.Events() {
				switch e := e.(type) {
				case *types.StartLiveTailResponseStreamMemberSessionStart:
					if !started {
						started = true
						ready.Done()
					}
				case *types.StartLiveTailResponseStreamMemberSessionUpdate:
					for _, r := range e.Value.SessionResults {
						got[i] = append(got[i], aws.ToString(r.Message))
					}
				}
				if len(got[i]) >= n {
					return
				}
			}
		}()
	}
	ready.Wait()
	pad := strings.Repeat("x", 2000)
	for k := range n {
		for _, g := range groups {
			env.Logs.Write(g, "s", time.Now(), fmt.Sprintf("%s %d %s", g, k, pad))
		}
	}
	wg.Wait()
	for i, g := range groups {
		if len(got[i]) != n {
			t.Fatalf("%s: %d lines, want %d", g, len(got[i]), n)
		}
		for k, m := range got[i] {
			if want := fmt.Sprintf("%s %d %s", g, k, pad); m != want {
				t.Fatalf("%s: line %d is %.60q…, want %.60q…", g, k, m, want)
			}
		}
	}
}
