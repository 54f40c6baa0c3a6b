package logs_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

func startTail(t *testing.T, c *cwl.Client, in *cwl.StartLiveTailInput) *cwl.StartLiveTailEventStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	out, err := c.StartLiveTail(ctx, in)
	if err != nil {
		t.Fatalf("StartLiveTail: %v", err)
	}
	st := out.GetStream()
	t.Cleanup(func() { st.Close() })
	select {
	case e := <-st.Events():
		start, ok := e.(*types.StartLiveTailResponseStreamMemberSessionStart)
		if !ok || aws.ToString(start.Value.SessionId) == "" {
			t.Fatalf("first event %T %+v, want sessionStart", e, e)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no sessionStart within 5s")
	}
	return st
}

// Events written after the session started arrive within 1 s, only those
// the streams and the pattern select, with the group ARN as given.
func TestLiveTailDelivers(t *testing.T) {
	t.Parallel()
	env, c := setup(t)
	env.Logs.Write("g", "old", time.Now(), "before the session")
	arn := env.Logs.GroupARN("g")
	st := startTail(t, c, &cwl.StartLiveTailInput{LogGroupIdentifiers: []string{arn},
		LogStreamNamePrefixes: []string{"2026/"}, LogEventFilterPattern: aws.String("ERROR")})
	written := time.Now()
	env.Logs.Write("g", "2026/12/06/[$LATEST]abc", written, "ERROR one")
	env.Logs.Write("g", "2026/12/06/[$LATEST]abc", written, "INFO skipped")
	env.Logs.Write("g", "other", written, "ERROR other stream")
	env.Logs.Write("g", "2026/12/06/[$LATEST]abc", written, "ERROR two")
	var got []types.LiveTailSessionLogEvent
	deadline := time.After(time.Second)
	for len(got) < 2 {
		select {
		case e, ok := <-st.Events():
			if !ok {
				t.Fatalf("stream closed: %v", st.Err())
			}
			if u, ok := e.(*types.StartLiveTailResponseStreamMemberSessionUpdate); ok {
				if u.Value.SessionMetadata.Sampled {
					t.Error("sampled at 2 events")
				}
				got = append(got, u.Value.SessionResults...)
			}
		case <-deadline:
			t.Fatalf("after 1s got %d events, want 2 (%v since write)", len(got), time.Since(written))
		}
	}
	if *got[0].Message != "ERROR one" || *got[1].Message != "ERROR two" || *got[0].LogGroupIdentifier != arn ||
		*got[0].LogStreamName != "2026/12/06/[$LATEST]abc" || *got[0].Timestamp != written.UnixMilli() || aws.ToInt64(got[0].IngestionTime) == 0 {
		t.Fatalf("results = %+v", got)
	}
}

func TestLiveTailRefusals(t *testing.T) {
	t.Parallel()
	env, c := setup(t)
	env.Logs.Write("g", "s", time.Now(), "x")
	env.Logs.Write("h", "s", time.Now(), "x")
	for _, tc := range []struct {
		name     string
		in       cwl.StartLiveTailInput
		typ, msg string
	}{
		{"unknown group", cwl.StartLiveTailInput{LogGroupIdentifiers: []string{env.Logs.GroupARN("nope")}}, "ResourceNotFoundException", "The specified log group does not exist."},
		{"name not ARN", cwl.StartLiveTailInput{LogGroupIdentifiers: []string{"g"}}, "InvalidParameterException", "must be log group ARNs"},
		{"bad pattern", cwl.StartLiveTailInput{LogGroupIdentifiers: []string{env.Logs.GroupARN("g")}, LogEventFilterPattern: aws.String(`{ $.x = `)}, "InvalidParameterException", "Invalid filter pattern"},
		{"streams with two groups", cwl.StartLiveTailInput{LogGroupIdentifiers: []string{env.Logs.GroupARN("g"), env.Logs.GroupARN("h")}, LogStreamNames: []string{"s"}}, "InvalidParameterException", "exactly one log group"},
		{"no groups", cwl.StartLiveTailInput{LogGroupIdentifiers: []string{}}, "InvalidParameterException", "at 'logGroupIdentifiers' failed to satisfy constraint: Member must"},
		{"eleven groups", cwl.StartLiveTailInput{LogGroupIdentifiers: []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"}}, "InvalidParameterException", "Member must have length less than or equal to 10"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.StartLiveTail(context.Background(), &tc.in)
			apiErr(t, err, tc.typ, tc.msg)
		})
	}
}

// Above the sampling rate a session says sampled; at the maximum length it
// ends with SessionTimeoutException.
func TestLiveTailSamplingAndTimeout(t *testing.T) {
	t.Parallel()
	env, c := setup(t)
	env.Logs.Write("g", "s", time.Now(), "x")
	env.Logs.SetLiveTailLimits(5, 1500*time.Millisecond)
	st := startTail(t, c, &cwl.StartLiveTailInput{LogGroupIdentifiers: []string{env.Logs.GroupARN("g")}})
	for i := range 50 {
		env.Logs.Write("g", "s", time.Now(), fmt.Sprint(i))
	}
	sampled, n := false, 0
	for e := range st.Events() {
		if u, ok := e.(*types.StartLiveTailResponseStreamMemberSessionUpdate); ok {
			n += len(u.Value.SessionResults)
			sampled = sampled || u.Value.SessionMetadata.Sampled
		}
	}
	var timeout *types.SessionTimeoutException
	if !errors.As(st.Err(), &timeout) || aws.ToString(timeout.Message) == "" {
		t.Fatalf("stream ended with %v, want SessionTimeoutException", st.Err())
	}
	if !sampled || n > 10 || n == 0 {
		t.Fatalf("sampled=%v with %d of 50 events at 5/s", sampled, n)
	}
}

// A stack that shuts down ends its Live Tail sessions at once (with
// SessionStreamingException) instead of waiting out the shutdown grace.
func TestLiveTailEndsAtShutdown(t *testing.T) {
	t.Parallel()
	env, c := setup(t)
	env.Logs.Write("g", "s", time.Now(), "x")
	st := startTail(t, c, &cwl.StartLiveTailInput{LogGroupIdentifiers: []string{env.Logs.GroupARN("g")}})
	start := time.Now()
	env.Logs.Shutdown()
	for range st.Events() {
	}
	var se *types.SessionStreamingException
	if !errors.As(st.Err(), &se) || time.Since(start) > time.Second {
		t.Fatalf("stream ended with %v after %v", st.Err(), time.Since(start))
	}
	_, err := c.StartLiveTail(context.Background(), &cwl.StartLiveTailInput{LogGroupIdentifiers: []string{env.Logs.GroupARN("g")}})
	apiErr(t, err, "ServiceUnavailableException", "shutting down")
	if _, err := c.FilterLogEvents(context.Background(), &cwl.FilterLogEventsInput{LogGroupName: aws.String("g")}); err != nil {
		t.Fatalf("FilterLogEvents after Shutdown: %v", err)
	}
}

// LiveTailSessions counts the sessions open and started: a refused start
// is not one, a closed session is no longer open.
func TestLiveTailSessionsCounts(t *testing.T) {
	t.Parallel()
	env, c := setup(t)
	env.Logs.Write("g", "s", time.Now(), "line")
	if open, started := env.Logs.LiveTailSessions(); open != 0 || started != 0 {
		t.Fatalf("before any session: open %d, started %d", open, started)
	}
	if _, err := c.StartLiveTail(context.Background(), &cwl.StartLiveTailInput{LogGroupIdentifiers: []string{env.Logs.GroupARN("missing")}}); err == nil {
		t.Fatal("a tail of a missing group started")
	}
	in := &cwl.StartLiveTailInput{LogGroupIdentifiers: []string{env.Logs.GroupARN("g")}}
	first := startTail(t, c, in)
	// A client of its own: smithy-go's event-stream codec is one per
	// client, and two streams read at once on it race.
	startTail(t, env.LogsClient(), in)
	if open, started := env.Logs.LiveTailSessions(); open != 2 || started != 2 {
		t.Fatalf("two sessions: open %d, started %d", open, started)
	}
	first.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		open, started := env.Logs.LiveTailSessions()
		if open == 1 && started == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("one closed: open %d, started %d", open, started)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
