package logtail_test

import (
	"testing"

	"github.com/cogscope/cogscope/internal/logtail"
)

// Log lines come from anyone who can write to a group: no line may panic
// the parsers, and what they find must be consistent.
func FuzzParseLines(f *testing.F) {
	for _, s := range []string{
		"START RequestId: " + rid + " Version: $LATEST\n",
		"REPORT RequestId: " + rid + "\tDuration: 2.35 ms\tBilled Duration: 148 ms\tMemory Size: 128 MB\tMax Memory Used: 67 MB\tInit Duration: 145.12 ms\t\n",
		`{"type":"platform.report","record":{"requestId":"x","metrics":{"durationMs":1}}}`,
		`{"principalId":"u","policyDocument":{"Statement":[{"Effect":"Deny"}]}}`,
		"2026-11-03T09:05:01.123Z\t" + rid + "\tINFO\t{\"isAuthorized\":true}",
		`{"errorMessage":"Unauthorized"}`, "{", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		l := logtail.ParseLambdaLine(msg)
		if (l.Kind == logtail.LineReport) != (l.Report != nil) {
			t.Fatalf("kind %v with report %v", l.Kind, l.Report)
		}
		if d, ok := logtail.ParseDecision(msg); ok && d.Effect != "Allow" && d.Effect != "Deny" && d.Effect != "Unauthorized" {
			t.Fatalf("effect %q", d.Effect)
		}
		logtail.JSONObject(msg)
		logtail.PrettyJSON(msg)
		logtail.GroupInvocations([]logtail.Event{{Message: msg}, {Message: msg}})
	})
}
