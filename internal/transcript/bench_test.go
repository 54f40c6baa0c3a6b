package transcript

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cogscope/cogscope/flows/trace"
)

// fullSession is a session like a real one: an SRP sign-in's three steps
// (768-hex SRP values) with its tokens, then calls with log lines.
func fullSession(calls int) func(*Transcript) {
	hex := strings.Repeat("0123456789abcdef", 48)
	tok := jwt(map[string]any{"jti": "j", "token_use": "access", "client_id": "c", "scope": "openid", "exp": 1.9e9, "iat": 1.8e9}, strings.Repeat("S", 342))
	steps := []trace.Step{
		{Index: 1, Kind: trace.StepCall, Operation: "InitiateAuth", Request: map[string]string{"AuthParameters.SRP_A": hex, "AuthParameters.USERNAME": "alice"},
			Response: map[string]string{"ChallengeParameters.SRP_B": hex, "ChallengeParameters.SECRET_BLOCK": hex, "ChallengeParameters.SALT": hex[:32]}},
		{Index: 2, Kind: trace.StepCompute, Operation: "PASSWORD_CLAIM", SRP: &trace.SRPValues{A: hex, B: hex, X: hex, Key: hex[:32], Signature: hex[:44]}},
		{Index: 3, Kind: trace.StepCall, Operation: "RespondToAuthChallenge", Request: map[string]string{"ChallengeResponses.PASSWORD_CLAIM_SIGNATURE": hex[:44]},
			Response: map[string]string{"AuthenticationResult.AccessToken": tok, "AuthenticationResult.IdToken": tok}},
	}
	return func(tr *Transcript) {
		tr.SignIns = append(tr.SignIns, SignInFrom("srp", steps, IssuedTokens{IDToken: tok, AccessToken: tok, RefreshToken: "r"}, nil, nil, time.Now()))
		for i := range calls {
			tr.Calls = append(tr.Calls, Call{Method: "GET", Path: fmt.Sprintf("/r%d", i), Status: 200, RequestID: "abc",
				Logs: []LogLine{{Kind: "access", Message: strings.Repeat(`{"requestId":"abc","status":"200"}`, 10)}}})
		}
	}
}

// BenchmarkRecordCall is what `cogscope call` adds to a call: load the
// target's file (10 sessions of 50 calls), add the call, redact, save.
func BenchmarkRecordCall(b *testing.B) {
	s := NewStore(b.TempDir())
	for range DefaultMaxSessions {
		if err := s.Record("k", RecordOptions{Fresh: true}, fullSession(50)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Record("k", RecordOptions{}, func(tr *Transcript) { tr.Calls = append(tr.Calls, Call{Method: "GET", Path: "/x", Status: 200}) }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExportMarkdown is `cogscope transcript export` of a session of
// one sign-in and 50 calls.
func BenchmarkExportMarkdown(b *testing.B) {
	tr := New(Target{}, time.Now())
	fullSession(50)(tr)
	b.ReportAllocs()
	for b.Loop() {
		if err := Write(discard{}, tr, FormatMarkdown); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
