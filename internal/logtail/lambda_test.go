package logtail_test

import (
	"testing"
	"time"

	"github.com/cogscope/cogscope/internal/logtail"
)

const rid = "8f5a0b1e-6c1d-4f6e-9a39-1d2c3b4a5f60"

func TestParseLambdaLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		msg  string
		want logtail.LambdaLine
	}{
		{"start", "START RequestId: " + rid + " Version: $LATEST\n", logtail.LambdaLine{Kind: logtail.LineStart, RequestID: rid, Version: "$LATEST"}},
		{"end", "END RequestId: " + rid + "\n", logtail.LambdaLine{Kind: logtail.LineEnd, RequestID: rid}},
		{"init", "INIT_START Runtime Version: nodejs:18.v30\tRuntime Version ARN: arn:x\n", logtail.LambdaLine{Kind: logtail.LineInitStart}},
		{"node runtime", "2026-11-03T09:05:01.123Z\t" + rid + "\tINFO\tdecided Allow\n", logtail.LambdaLine{Kind: logtail.LineRuntime, RequestID: rid, Level: "INFO", Text: "decided Allow"}},
		{"python runtime", "[ERROR]\t2026-11-03T09:05:01.123Z\t" + rid + "\tboom\n", logtail.LambdaLine{Kind: logtail.LineRuntime, RequestID: rid, Level: "ERROR", Text: "boom"}},
		{"json start", `{"time":"2026-11-03T09:05:01.123Z","type":"platform.start","record":{"requestId":"` + rid + `","version":"$LATEST"}}`, logtail.LambdaLine{Kind: logtail.LineStart, RequestID: rid, Version: "$LATEST"}},
		{"json app", `{"timestamp":"2026-11-03T09:05:01.123Z","level":"INFO","requestId":"` + rid + `","message":"hi"}`, logtail.LambdaLine{Kind: logtail.LineRuntime, RequestID: rid, Level: "INFO", Text: "hi"}},
		{"other", "hello world", logtail.LambdaLine{}},
		{"access log json", `{"requestId":"Mc7UVioPPHcEKPA="}`, logtail.LambdaLine{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := logtail.ParseLambdaLine(tc.msg)
			if got.Kind != tc.want.Kind || got.RequestID != tc.want.RequestID || got.Version != tc.want.Version || got.Level != tc.want.Level || got.Text != tc.want.Text {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParseReport(t *testing.T) {
	t.Parallel()
	ms := func(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }
	for _, tc := range []struct {
		name string
		msg  string
		want logtail.Report
	}{
		{"cold, 2023+ form", "REPORT RequestId: " + rid + "\tDuration: 2.35 ms\tBilled Duration: 148 ms\tMemory Size: 128 MB\tMax Memory Used: 67 MB\tInit Duration: 145.12 ms\t\n",
			logtail.Report{Duration: ms(2.35), BilledDuration: 148 * time.Millisecond, InitDuration: ms(145.12), MemorySizeMB: 128, MaxMemoryUsedMB: 67}},
		{"warm, old space before tab", "REPORT RequestId: " + rid + "\tDuration: 1.10 ms\tBilled Duration: 100 ms \tMemory Size: 256 MB\tMax Memory Used: 70 MB\t\n",
			logtail.Report{Duration: ms(1.10), BilledDuration: 100 * time.Millisecond, MemorySizeMB: 256, MaxMemoryUsedMB: 70}},
		{"x-ray second line", "REPORT RequestId: " + rid + "\tDuration: 3 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\nXRAY TraceId: 1-5e1b4151-5ac6c58f5f8b2c4a1c7f3a9b\tSegmentId: 0f1e2d3c4b5a6978\tSampled: true\t\n",
			logtail.Report{Duration: 3 * time.Millisecond, BilledDuration: 3 * time.Millisecond, MemorySizeMB: 128, MaxMemoryUsedMB: 60, XRayTraceID: "1-5e1b4151-5ac6c58f5f8b2c4a1c7f3a9b"}},
		{"json format", `{"time":"…","type":"platform.report","record":{"requestId":"` + rid + `","metrics":{"durationMs":1233.96,"billedDurationMs":1698,"memorySizeMB":256,"maxMemoryUsedMB":123,"initDurationMs":463.512},"status":"success"}}`,
			logtail.Report{Duration: ms(1233.96), BilledDuration: 1698 * time.Millisecond, InitDuration: ms(463.512), MemorySizeMB: 256, MaxMemoryUsedMB: 123}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := logtail.ParseLambdaLine(tc.msg)
			if l.Kind != logtail.LineReport || l.RequestID != rid || l.Report == nil {
				t.Fatalf("parsed %+v", l)
			}
			got := *l.Report
			if got.Duration.Round(time.Microsecond) != tc.want.Duration.Round(time.Microsecond) || got.BilledDuration != tc.want.BilledDuration ||
				got.InitDuration.Round(time.Microsecond) != tc.want.InitDuration.Round(time.Microsecond) || got.MemorySizeMB != tc.want.MemorySizeMB ||
				got.MaxMemoryUsedMB != tc.want.MaxMemoryUsedMB || got.XRayTraceID != tc.want.XRayTraceID || got.Cold() != (tc.want.InitDuration > 0) {
				t.Fatalf("report %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParseDecision(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		msg  string
		ok   bool
		want logtail.Decision
	}{
		{"policy allow", `{"principalId":"user-1","policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":"arn:x"}]}}`,
			true, logtail.Decision{Effect: "Allow", PrincipalID: "user-1"}},
		{"policy with a deny wins", `{"principalId":"u","policyDocument":{"Statement":[{"Effect":"Allow"},{"Effect":"Deny"}]}}`, true, logtail.Decision{Effect: "Deny", PrincipalID: "u"}},
		{"simple response", `{"isAuthorized":false,"requestContext":{"requestId":"Mc7UVioPPHcEKPA="}}`, true, logtail.Decision{Effect: "Deny", APIRequestID: "Mc7UVioPPHcEKPA="}},
		{"decision under a key, node runtime line", "2026-11-03T09:05:01.123Z\t" + rid + "\tINFO\t" + `{"apiRequestId":"abc=","response":{"isAuthorized":true}}`, true, logtail.Decision{Effect: "Allow", APIRequestID: "abc="}},
		{"effect field", `{"effect":"deny","requestContext":{"requestId":"r1"}}`, true, logtail.Decision{Effect: "Deny", APIRequestID: "r1"}},
		{"unauthorized error", `{"errorType":"Error","errorMessage":"Unauthorized"}`, true, logtail.Decision{Effect: "Unauthorized"}},
		{"the local gateway's unauthorized line", `{"function":"f","requestContext":{"requestId":"Mc7U="},"error":"Unauthorized"}`, true, logtail.Decision{Effect: "Unauthorized", APIRequestID: "Mc7U="}},
		{"unauthorized text", "2026-11-03T09:05:01.123Z\t" + rid + "\tERROR\tInvoke Error \t{\"errorType\":\"Error\",\"errorMessage\":\"Unauthorized\"}", true, logtail.Decision{Effect: "Unauthorized"}},
		{"not a decision", `{"requestId":"x","status":"200"}`, false, logtail.Decision{}},
		{"plain", "hello", false, logtail.Decision{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := logtail.ParseDecision(tc.msg)
			if ok != tc.ok || got != tc.want {
				t.Fatalf("got %+v %v, want %+v %v", got, ok, tc.want, tc.ok)
			}
			if ok && got.Allowed() != (tc.want.Effect == "Allow") {
				t.Fatal("Allowed disagrees with Effect")
			}
		})
	}
}

func TestGrouper(t *testing.T) {
	t.Parallel()
	other := "11111111-2222-3333-4444-555555555555"
	ev := func(stream, msg string) logtail.Event {
		return logtail.Event{LogGroup: "/aws/lambda/auth", LogStream: stream, Message: msg}
	}
	invs := logtail.GroupInvocations([]logtail.Event{
		ev("a", "START RequestId: "+rid+" Version: $LATEST\n"),
		ev("b", "START RequestId: "+other+" Version: 3\n"),
		ev("a", `{"isAuthorized":true,"requestContext":{"requestId":"api-1"}}`), // no request id: a's running invocation
		ev("b", "2026-11-03T09:05:01.123Z\t"+other+"\tINFO\tsomething\n"),
		ev("a", "END RequestId: "+rid+"\n"),
		ev("a", "REPORT RequestId: "+rid+"\tDuration: 2.35 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 67 MB\t\n"),
		ev("a", "stray line after the invocation"),
		ev("b", "END RequestId: "+other+"\n"),
	})
	if len(invs) != 2 {
		t.Fatalf("%d invocations", len(invs))
	}
	a, b := invs[0], invs[1]
	if a.RequestID != rid || len(a.Lines) != 4 || !a.Complete() || !a.Started || !a.Ended || a.Decision == nil || !a.Decision.Allowed() || a.Decision.APIRequestID != "api-1" {
		t.Fatalf("a = %+v", a)
	}
	if b.RequestID != other || b.Version != "3" || len(b.Lines) != 3 || b.Complete() || b.Decision != nil {
		t.Fatalf("b = %+v", b)
	}
}

func TestPrettyJSON(t *testing.T) {
	t.Parallel()
	if got, ok := logtail.PrettyJSON(` {"a":1,"b":[true]} `); !ok || got != "{\n  \"a\": 1,\n  \"b\": [\n    true\n  ]\n}" {
		t.Fatalf("got %q %v", got, ok)
	}
	for _, s := range []string{"plain", "{broken", ""} {
		if _, ok := logtail.PrettyJSON(s); ok {
			t.Fatalf("%q pretty-printed", s)
		}
	}
}

func TestParseTime(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	loc := time.FixedZone("X", 3600)
	for _, tc := range []struct {
		in   string
		want time.Time
		err  bool
	}{
		{"10m", now.Add(-10 * time.Minute), false},
		{"1h30m", now.Add(-90 * time.Minute), false},
		{"2d", now.Add(-48 * time.Hour), false},
		{"1w", now.Add(-7 * 24 * time.Hour), false},
		{"now", now, false},
		{"2026-12-06T09:30:00Z", time.Date(2026, 12, 6, 9, 30, 0, 0, time.UTC), false},
		{"2026-12-06T09:30:00.250+01:00", time.Date(2026, 12, 6, 8, 30, 0, 250e6, time.UTC), false},
		{"2026-12-06T09:30:00", time.Date(2026, 12, 6, 9, 30, 0, 0, loc), false},
		{"2026-12-06 09:30", time.Date(2026, 12, 6, 9, 30, 0, 0, loc), false},
		{"2026-12-06", time.Date(2026, 12, 6, 0, 0, 0, 0, loc), false},
		{"1733477400000", time.UnixMilli(1733477400000), false},
		{"-5m", time.Time{}, true},
		{"yesterday", time.Time{}, true},
		{"", time.Time{}, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := logtail.ParseTime(tc.in, now, loc)
			if (err != nil) != tc.err || !got.Equal(tc.want) {
				t.Fatalf("ParseTime(%q) = %v, %v; want %v (err %v)", tc.in, got, err, tc.want, tc.err)
			}
			if err == nil {
				back, err := logtail.ParseTime(logtail.FormatTime(got, true), now, loc)
				if err != nil || !back.Equal(got.Truncate(time.Millisecond)) {
					t.Fatalf("FormatTime round trip: %v, %v", back, err)
				}
			}
		})
	}
}
