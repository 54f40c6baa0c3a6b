package tokens

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
)

// credsTokens is a Tokens service that can also exchange the ID token.
type credsTokens struct {
	*fakes.Tokens
	mu     sync.Mutex
	calls  []string
	expiry time.Time
	err    error
}

func (c *credsTokens) AWSCredentials(_ context.Context, idToken string) (*service.AWSCredentials, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, idToken)
	if c.err != nil {
		return nil, c.err
	}
	return &service.AWSCredentials{IdentityID: "us-east-1:1111", RoleARN: "arn:aws:iam::1:role/admins",
		Rule: `claim rule 1: cognito:groups Contains "admins"`, PrincipalTags: map[string]string{"tenant": "acme", "client": "c1"},
		CallerArn: "arn:aws:sts::1:assumed-role/admins/CognitoIdentityCredentials", AccessKeyID: "ASIAEXAMPLE", Expires: c.expiry}, nil
}

func (c *credsTokens) exchanged() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.calls...)
}

func TestAWSCredentialsPanel(t *testing.T) {
	t.Parallel()
	now := fakes.Clock()
	svc := &credsTokens{Tokens: fakes.NewTokens(), expiry: now.Add(time.Hour)}
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	m := New(theme.New(true, false), svc, clock)
	m.SetSize(120, 34)
	d := drive(t, m)
	d.Send(common.SessionMsg{Tokens: fakes.Session()})
	d.Settle()
	d.Keys("a")
	d.Settle()
	if got := svc.exchanged(); len(got) != 1 || got[0] != fakes.Session().IDToken {
		t.Fatalf("exchanged %v, want the session's ID token once", got)
	}
	view := ansi.Strip(d.M.View())
	for _, want := range []string{"AWS credentials", "arn:aws:iam::1:role/admins", "claim rule 1: cognito:groups Contains", "client=c1, tenant=acme", "ASIAEXAMPLE"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	if d.M.active != tabID {
		t.Errorf("active tab %d, want the ID tab", d.M.active)
	}
	// Expired: the next tick exchanges again.
	mu.Lock()
	now = now.Add(61 * time.Minute)
	mu.Unlock()
	d.Send(tickMsg{id: d.M.tickID})
	d.Settle()
	if got := svc.exchanged(); len(got) != 2 {
		t.Errorf("exchanges after expiry: %d, want 2", len(got))
	}
}

func TestAWSCredentialsPanelFailureAndAbsence(t *testing.T) {
	t.Parallel()
	svc := &credsTokens{Tokens: fakes.NewTokens(), err: service.NewFailure(
		flows.Diagnosis{Message: "Token is not from a supported provider of this identity pool.", Cause: "not a provider", Fix: "add the app client"}, errors.New("refused"))}
	m := New(theme.New(true, false), svc, fakes.Clock)
	m.SetSize(120, 34)
	d := drive(t, m)
	d.Send(common.SessionMsg{Tokens: fakes.Session()})
	d.Settle()
	d.Keys("a")
	d.Settle()
	view := ansi.Strip(d.M.View())
	if !strings.Contains(view, "fix: add the app client") {
		t.Errorf("failure not shown:\n%s", view)
	}
	// A service without credentials: no panel, the key does nothing.
	plain := newView(t, fakes.NewTokens())
	plain.Send(common.SessionMsg{Tokens: fakes.Session()})
	plain.Settle()
	plain.Keys("a")
	plain.Settle()
	if v := ansi.Strip(plain.M.View()); strings.Contains(v, "AWS credentials") {
		t.Errorf("panel without a Credentials service:\n%s", v)
	}
}
