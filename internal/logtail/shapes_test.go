package logtail_test

import (
	"testing"
	"time"

	"github.com/cogscope/cogscope/internal/local/logs"
	"github.com/cogscope/cogscope/internal/logtail"
)

// What the local services write as Lambda is what the tailer recognises,
// and both are the shapes of protocol reference §7.7.
func TestLocalLambdaShapesRoundTrip(t *testing.T) {
	t.Parallel()
	var env [16]byte
	copy(env[:], "\xe6\xf4\xa0\xc4\x24\x1a\xdc\xd7\x0c\x26\x2d\x34\xc0\xbb\xc8\x5c")
	if got := logs.LambdaStream(time.Date(2019, 6, 7, 23, 0, 0, 0, time.UTC), "$LATEST", env); got != "2019/06/07/[$LATEST]e6f4a0c4241adcd70c262d34c0bbc85c" {
		t.Fatalf("stream %q", got)
	}
	if logs.LambdaGroup("auth") != "/aws/lambda/auth" {
		t.Fatal("group")
	}
	report := logs.LambdaReportLine(rid, 2350*time.Microsecond, 145120*time.Microsecond, 128, 67)
	if report != "REPORT RequestId: "+rid+"\tDuration: 2.35 ms\tBilled Duration: 148 ms\tMemory Size: 128 MB\tMax Memory Used: 67 MB\tInit Duration: 145.12 ms\t\n" {
		t.Fatalf("report %q", report)
	}
	for _, tc := range []struct {
		line string
		kind logtail.LineKind
	}{
		{logs.LambdaStartLine(rid, "$LATEST"), logtail.LineStart},
		{logs.LambdaEndLine(rid), logtail.LineEnd},
		{report, logtail.LineReport},
		{logs.LambdaReportLine(rid, 3*time.Millisecond, 0, 128, 60), logtail.LineReport},
		{logs.LambdaRuntimeLine(time.Now(), rid, "INFO", `{"isAuthorized":true}`), logtail.LineRuntime},
	} {
		l := logtail.ParseLambdaLine(tc.line)
		if l.Kind != tc.kind || l.RequestID != rid {
			t.Errorf("%q parsed as %+v", tc.line, l)
		}
	}
	warm := logtail.ParseLambdaLine(logs.LambdaReportLine(rid, 3*time.Millisecond, 0, 128, 60)).Report
	if warm.Cold() || warm.BilledDuration != 3*time.Millisecond {
		t.Errorf("warm report %+v", warm)
	}
}
