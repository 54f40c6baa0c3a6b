package signin

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/oauth"
	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/internal/fakes"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
	"github.com/cogscope/cogscope/ui/widgets"
)

// opener records the URLs it is asked to open.
type opener struct {
	mu   sync.Mutex
	urls []string
	err  error
}

func (o *opener) open(u string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.urls = append(o.urls, u)
	return o.err
}

func (o *opener) opened() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.urls...)
}

// While the hosted UI waits for the browser the view shows the authorize
// URL, o opens it again, c copies it, the view is not busy (it waits for
// the user), and esc stops the flow.
func TestPKCEWaitsForTheBrowser(t *testing.T) {
	t.Parallel()
	svc := &fakes.SignIn{Scripts: map[service.Flow]fakes.Script{service.FlowPKCE: fakes.PKCEWaitingScript()}}
	m := New(theme.New(true, false), svc, fakes.Target())
	m.SetSize(120, 36)
	op := &opener{}
	m.SetOpenURL(op.open)
	d := drive(t, m)
	d.Keys("down", "down", "enter", "enter")
	d.Until(Model.WaitsForBrowser)
	if d.M.Busy() {
		t.Fatal("waiting for the user's browser is not being busy")
	}
	if got := svc.Requests(); len(got) != 1 || strings.Join(got[0].Scopes, " ") != "openid email profile" {
		t.Fatalf("requests %+v", got)
	}
	view := ansi.Strip(d.M.View())
	for _, want := range []string{"waiting for you to sign in", "o opens it again", "if none opened", "http://127.0.0.1:9229/_domain/co"} {
		if !strings.Contains(view, want) {
			t.Errorf("the view lacks %q:\n%s", want, view)
		}
	}
	k := d.M.KeyMap().(KeyMap)
	if !k.Open.Enabled() || !k.Copy.Enabled() {
		t.Error("o and c are offered while the browser sign-in waits")
	}

	d.Keys("o")
	if got := op.opened(); len(got) != 1 || got[0] != fakes.AuthorizeURL {
		t.Fatalf("o opened %v, want the authorize URL", got)
	}
	d.TakeKept()
	_, cmd := d.M.Update(teststepKey("c"))
	if !hasClipboard(cmd, fakes.AuthorizeURL) {
		t.Error("c copies the authorize URL (OSC 52)")
	}

	d.Keys("esc")
	if d.M.phase != phaseCancelled || d.M.WaitsForBrowser() {
		t.Fatalf("phase %v: esc cancels the browser sign-in", d.M.phase)
	}
	select {
	case <-firstRunDone(t, svc):
	case <-time.After(2 * time.Second):
		t.Fatal("the flow still waits for the browser after esc")
	}
	if k := d.M.KeyMap().(KeyMap); k.Open.Enabled() || k.Copy.Enabled() {
		t.Error("o and c go away with the wait")
	}
}

func TestOpenFailureSaysSo(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		open func(string) error
		want string
	}{
		{"no opener", nil, "press c to copy the URL"},
		{"opener fails", (&opener{err: errors.New("exec: \"xdg-open\": not found")}).open, "could not open the browser: exec"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			svc := &fakes.SignIn{Scripts: map[service.Flow]fakes.Script{service.FlowPKCE: fakes.PKCEWaitingScript()}}
			m := New(theme.New(true, false), svc, fakes.Target())
			m.SetSize(120, 36)
			m.SetOpenURL(c.open)
			d := drive(t, m)
			d.Keys("down", "down", "enter", "enter")
			d.Until(Model.WaitsForBrowser)
			d.TakeKept()
			d.Keys("o")
			st := statuses(d.TakeKept())
			if len(st) != 1 || !st[0].Err || !strings.Contains(st[0].Text, c.want) {
				t.Fatalf("status %+v, want an error with %q", st, c.want)
			}
			d.Keys("esc")
		})
	}
}

func TestClientCredentialsUseTheirOwnScopes(t *testing.T) {
	t.Parallel()
	target := fakes.Target()
	target.ClientScopes = "cogscope-api/read"
	svc := &fakes.SignIn{Scripts: map[service.Flow]fakes.Script{service.FlowClientCredentials: fakes.PKCEScript()}}
	m := New(theme.New(true, false), svc, target)
	m.SetSize(120, 36)
	d := drive(t, m)
	d.Keys("down", "down", "down", "enter")
	if !d.M.inputs[fieldClientScopes].Focused() {
		t.Fatal("client credentials ask for their scopes")
	}
	d.Type(" cogscope-api/write")
	d.Keys("enter")
	got := svc.Requests()
	if len(got) != 1 || got[0].Flow != service.FlowClientCredentials || strings.Join(got[0].Scopes, ",") != "cogscope-api/read,cogscope-api/write" {
		t.Fatalf("requests %+v", got)
	}
}

// The diagram follows flows/oauth's operations: the authorize URL goes
// to the browser, the sign-in happens between browser and Cognito, the
// redirect comes back to the client, the code exchange is a call.
func TestArrowsOfTheHostedUI(t *testing.T) {
	t.Parallel()
	type arrow struct {
		from, to widgets.Party
		label    string
		failed   bool
	}
	cases := []struct {
		name string
		step flows.Step
		want []arrow
	}{
		{"discovery", flows.Step{Index: 1, Kind: flows.StepCall, Operation: oauth.OpDiscovery},
			[]arrow{{widgets.Client, widgets.Cognito, "1 discovery", false}, {widgets.Cognito, widgets.Client, "200 OK", false}}},
		{"pkce", flows.Step{Index: 2, Kind: flows.StepCompute, Operation: oauth.OpPKCE},
			[]arrow{{widgets.Client, widgets.Client, "2 PKCE", false}}},
		{"check", flows.Step{Index: 3, Kind: flows.StepCall, Operation: oauth.OpAuthorizeCheck},
			[]arrow{{widgets.Client, widgets.Cognito, "3 check authorize URL", false}, {widgets.Cognito, widgets.Client, "sign-in page", false}}},
		{"check refused", flows.Step{Index: 3, Kind: flows.StepCall, Operation: oauth.OpAuthorizeCheck,
			Error: &flows.APIError{Type: "redirect_mismatch"}},
			[]arrow{{widgets.Client, widgets.Cognito, "3 check authorize URL", false}, {widgets.Cognito, widgets.Client, "redirect_mismatch", true}}},
		{"authorize", flows.Step{Index: 4, Kind: flows.StepCall, Operation: oauth.OpAuthorize},
			[]arrow{{widgets.Client, widgets.Browser, "4 open authorize URL", false}}},
		{"redirect", flows.Step{Index: 5, Kind: flows.StepCall, Operation: oauth.OpRedirect, Response: map[string]string{"code": "c"}},
			[]arrow{{widgets.Browser, widgets.Cognito, "sign in", false}, {widgets.Cognito, widgets.Browser, "302 + code", false},
				{widgets.Browser, widgets.Client, "5 redirect with code", false}}},
		{"error redirect", flows.Step{Index: 5, Kind: flows.StepCall, Operation: oauth.OpRedirect,
			Response: map[string]string{"error": "access_denied"}, Error: &flows.APIError{Type: "access_denied"}},
			[]arrow{{widgets.Browser, widgets.Cognito, "sign in", false}, {widgets.Cognito, widgets.Browser, "302 + error", false},
				{widgets.Browser, widgets.Client, "5 redirect: access_denied", true}}},
		{"timeout", flows.Step{Index: 5, Kind: flows.StepCall, Operation: oauth.OpRedirect, Error: &flows.APIError{Message: "nothing arrived"}},
			[]arrow{{widgets.Browser, widgets.Client, "5 no redirect", true}}},
		{"token", flows.Step{Index: 6, Kind: flows.StepCall, Operation: oauth.OpToken,
			Request: map[string]string{"grant_type": "authorization_code"}, Response: map[string]string{"access_token": "x"}},
			[]arrow{{widgets.Client, widgets.Cognito, "6 token (code)", false}, {widgets.Cognito, widgets.Client, "tokens", false}}},
		{"token refused", flows.Step{Index: 6, Kind: flows.StepCall, Operation: oauth.OpToken,
			Request: map[string]string{"grant_type": "client_credentials"}, Error: &flows.APIError{Type: "invalid_scope"}},
			[]arrow{{widgets.Client, widgets.Cognito, "6 token (client_credentials)", false}, {widgets.Cognito, widgets.Client, "invalid_scope", true}}},
		{"cognito api", flows.Step{Index: 1, Kind: flows.StepCall, Operation: "InitiateAuth", AuthFlow: "USER_SRP_AUTH", NextChallenge: "PASSWORD_VERIFIER"},
			[]arrow{{widgets.Client, widgets.Cognito, "1 InitiateAuth USER_SRP_AUTH", false}, {widgets.Cognito, widgets.Client, "PASSWORD_VERIFIER", false}}},
	}
	for _, c := range cases {
		var got []arrow
		for _, a := range arrows(c.step) {
			got = append(got, arrow{a.From, a.To, a.Label, a.Failed})
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: arrows %+v, want %+v", c.name, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: arrow %d = %+v, want %+v", c.name, i, got[i], c.want[i])
			}
		}
	}
}

// The trace masks what flows.IsSecretKey names (the PKCE verifier, the
// code, the refresh token) and nothing else.
func TestHostedTraceMasksSecrets(t *testing.T) {
	t.Parallel()
	d, _ := newView(t, map[service.Flow]fakes.Script{service.FlowPKCE: fakes.PKCEScript()}, fakes.Target())
	d.Keys("down", "down", "enter", "enter")
	d.M.trace.GotoTop()
	all := strings.Join(d.M.traceLines, "\n")
	text := ansi.Strip(all)
	for _, secret := range []string{"dBjftJeZ4CVP", "SplxlOBeZQQYbYS6WxSbIA", "eyJjdHkiOiJKV1Qi"} {
		if strings.Contains(text, secret) {
			t.Errorf("%s is shown before m", secret)
		}
	}
	// (Long values are cut in the middle: their first cells show.)
	for _, plain := range []string{"E9Melhoa", "af0ifjsldkj", "authorization_code"} {
		if !strings.Contains(text, plain) {
			t.Errorf("%s should be shown", plain)
		}
	}
	d.Keys("m")
	if text := ansi.Strip(strings.Join(d.M.traceLines, "\n")); !strings.Contains(text, "SplxlOBeZQQYbYS6WxSbIA") {
		t.Error("m shows the code")
	}
}

func teststepKey(k string) tea.KeyPressMsg { return tea.KeyPressMsg{Code: []rune(k)[0], Text: k} }

// hasClipboard reports whether cmd (a batch, possibly) sets the clipboard
// to want: the clipboard message prints as its content.
func hasClipboard(cmd tea.Cmd, want string) bool {
	if cmd == nil {
		return false
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			if hasClipboard(c, want) {
				return true
			}
		}
		return false
	}
	_, status := msg.(common.StatusMsg)
	return !status && fmt.Sprint(msg) == want
}
