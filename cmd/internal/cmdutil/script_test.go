package cmdutil

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cogscope/cogscope/flows"
)

// TestScriptedAnswerer: the answerer alone: successive rounds take
// successive --answer values, a challenge it cannot fill goes to the
// next answerer, and the code command sees the challenge.
func TestScriptedAnswerer(t *testing.T) {
	t.Parallel()
	env := map[string]string{}
	var asked []string
	next := flows.AnswererFunc(func(_ context.Context, c *flows.Challenge) (flows.Answer, error) {
		asked = append(asked, c.Name)
		return flows.Answer{"x": "from the terminal"}, nil
	})
	s, err := NewScripted(ScriptOptions{Answers: []string{"CUSTOM_CHALLENGE=one", "CUSTOM_CHALLENGE=two", "userAttributes.email=a@b.c"},
		MFACodeCommand: "fetch"}, func(k string) string { return env[k] }, nil, time.Now, next)
	if err != nil {
		t.Fatal(err)
	}
	var cmdEnv []string
	s.Run = func(_ context.Context, command string, env []string) (string, error) {
		cmdEnv = env
		return " 123456\n", nil
	}
	custom := &flows.Challenge{Name: "CUSTOM_CHALLENGE", Fields: []flows.Field{{Name: flows.FieldAnswer}}}
	for _, want := range []string{"one", "two"} {
		a, err := s.Answer(context.Background(), custom)
		if err != nil || a[flows.FieldAnswer] != want {
			t.Errorf("round: %v %v, want %q", a, err, want)
		}
	}
	if _, err := s.Answer(context.Background(), custom); err != nil || len(asked) != 1 {
		t.Errorf("a third round goes to the terminal: asked %v, %v", asked, err)
	}
	sms := &flows.Challenge{Name: "SMS_MFA", Username: "alice", Destination: "+*****0100", Fields: []flows.Field{{Name: flows.FieldCode}}}
	if a, err := s.Answer(context.Background(), sms); err != nil || a[flows.FieldCode] != "123456" {
		t.Errorf("code command: %v %v", a, err)
	}
	if !strings.Contains(strings.Join(cmdEnv, " "), "COGSCOPE_CHALLENGE=SMS_MFA COGSCOPE_USERNAME=alice") {
		t.Errorf("the command's environment: %v", cmdEnv)
	}
	np := &flows.Challenge{Name: "NEW_PASSWORD_REQUIRED", Fields: []flows.Field{{Name: flows.FieldNewPassword}, {Name: "userAttributes.email"}}}
	if _, err := s.Answer(context.Background(), np); err != nil || len(asked) != 2 {
		t.Errorf("a half-answered form goes to the terminal whole: asked %v, %v", asked, err)
	}
}

// TestRunShell: the shell command's stdout, its stderr in the error, and
// the timeout.
func TestRunShell(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("sh")
	}
	t.Parallel()
	out, err := RunShell(context.Background(), `printf '%s' "$COGSCOPE_CHALLENGE"`, []string{"COGSCOPE_CHALLENGE=EMAIL_OTP"})
	if err != nil || out != "EMAIL_OTP" {
		t.Errorf("env: %q %v", out, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := RunShell(ctx, "sleep 5", nil); err == nil || time.Since(start) > 3*time.Second {
		t.Errorf("a command past its context: %v after %s", err, time.Since(start))
	}
}

// TestPrompterPrintable: what a challenge brings from the server (its
// prompt, options, attribute names) reaches the terminal printable, and
// the answers are read as typed.
func TestPrompterPrintable(t *testing.T) {
	t.Parallel()
	var errOut strings.Builder
	io := &IOStreams{In: strings.NewReader("2\nblue\n"), Out: &errOut, ErrOut: &errOut, InTTY: true}
	p := NewPrompter(io, NewLineReader(context.Background(), io.In))
	c := &flows.Challenge{Name: "CUSTOM_CHALLENGE", Prompt: "Answer: colour=\x1b[2Jred\x07",
		Fields: []flows.Field{{Name: flows.FieldChoice, Label: "Pick", Options: []string{"a\x1b]0;x\x07", "b"}}, {Name: "userAttributes.col\x1bour", Label: "col\x1bour"}}}
	a, err := p.Answer(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if a[flows.FieldChoice] != "b" || a["userAttributes.col\x1bour"] != "blue" {
		t.Errorf("answers %q", a)
	}
	if strings.ContainsAny(errOut.String(), "\x1b\x07") {
		t.Errorf("a control character reached the terminal: %q", errOut.String())
	}
	if !strings.Contains(errOut.String(), "CUSTOM_CHALLENGE: Answer: colour=") {
		t.Errorf("the prompt is not shown: %q", errOut.String())
	}
}

// An --answer without its NAME= is refused by position, without echoing
// its value: it may be a secret given without its name.
func TestAnswerWithoutNameIsNotEchoed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		answers []string
		want    string
	}{
		{[]string{"s3cr3t-answer"}, "the 1st given"},
		{[]string{"CUSTOM_CHALLENGE=42", "s3cr3t-answer"}, "the 2nd given"},
		{[]string{"a=1", "b=2", "=s3cr3t-answer"}, "the 3rd given"},
	} {
		_, err := NewScripted(ScriptOptions{Answers: tc.answers}, func(string) string { return "" }, nil, time.Now, flows.NonInteractive)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("%q: %v; want %q and no value", tc.answers, err, tc.want)
		}
	}
	for n, want := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 102: "102nd", 111: "111th"} {
		if got := ordinal(n); got != want {
			t.Errorf("ordinal(%d) = %q, want %q", n, got, want)
		}
	}
}
