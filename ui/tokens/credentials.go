package tokens

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/internal/termtext"
	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
)

// The "AWS credentials" panel of the ID tab: a press of the AWS key trades
// the session's ID token for credentials through the identity pool (when
// the service can: service.Credentials), shows the identity, the role and
// why, the principal tags and the expiry, and exchanges again once they
// expire while the panel is open.

// credsState is the panel's state.
type credsState struct {
	creds *service.AWSCredentials
	err   error
	busy  bool
	id    int // the latest exchange asked for
}

// credentialsMsg answers an exchange.
type credentialsMsg struct {
	id    int
	creds *service.AWSCredentials
	err   error
}

func credentialsCmd(svc service.Credentials, id int, idToken string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		c, err := svc.AWSCredentials(ctx, idToken)
		return credentialsMsg{id: id, creds: c, err: err}
	}
}

// credentialsService is the view's service as a Credentials, if it is one.
func (m Model) credentialsService() (service.Credentials, bool) {
	c, ok := m.svc.(service.Credentials)
	return c, ok
}

// exchange asks for credentials for the session's ID token.
func (m Model) exchange() (Model, tea.Cmd) {
	svc, ok := m.credentialsService()
	switch {
	case !ok:
		return m, common.StatusError("AWS credentials are not available here")
	case m.session.IDToken == "":
		return m, common.StatusError("no ID token to exchange: sign in first (view 1)")
	case m.aws.busy:
		return m, nil
	}
	m.seq++
	m.aws.id, m.aws.busy, m.aws.err = m.seq, true, nil
	m.refreshContent()
	return m, tea.Batch(credentialsCmd(svc, m.aws.id, m.session.IDToken), m.spin.Tick)
}

// gotCredentials takes an exchange's answer.
func (m Model) gotCredentials(msg credentialsMsg) (Model, tea.Cmd) {
	if msg.id != m.aws.id {
		return m, nil
	}
	m.aws.busy = false
	if msg.err != nil {
		m.aws.err = msg.err
		m.refreshContent()
		f := service.AsFailure(msg.err)
		return m, common.StatusError(theme.Cross + " AWS credentials: " + f.Error())
	}
	m.aws.creds = msg.creds
	m.refreshContent()
	return m, common.Status(theme.Check + " AWS credentials for " + msg.creds.RoleARN)
}

// credentialsExpired re-exchanges credentials that have expired.
func (m Model) credentialsExpired() (Model, tea.Cmd) {
	c := m.aws.creds
	if c == nil || c.Expires.IsZero() || m.now.Before(c.Expires) || m.aws.busy || m.aws.err != nil || m.session.IDToken == "" {
		return m, nil
	}
	return m.exchange()
}

// credentialLines render the panel (nil when the service has none to give).
func (m Model) credentialLines(w int) []string {
	if _, ok := m.credentialsService(); !ok {
		return nil
	}
	t := m.t
	lines := []string{t.PaneTitle.Render("AWS credentials")}
	a := m.aws
	switch {
	case a.busy:
		return append(lines, t.Muted.Render("exchanging the ID token at the identity pool…"))
	case a.err != nil:
		f := service.AsFailure(a.err)
		lines = append(lines, wrap(t.Error, theme.Cross+" "+termtext.Line(f.Error()), w))
		if f.Fix != "" {
			lines = append(lines, wrap(t.Muted, "fix: "+termtext.Line(f.Fix), w))
		}
		return append(lines, t.Muted.Render("a: try again"))
	case a.creds == nil:
		return append(lines, wrap(t.Muted, "a: trade the ID token for AWS credentials (identity pool) and see the role, why, and the principal tags", w))
	}
	c := a.creds
	// The identity, the role, the rule and the tags are the services':
	// shown, never obeyed (a principal tag can come from a token's claim).
	row := func(k, v string) { lines = append(lines, wrap(t.Text, k+" "+termtext.Line(v), w)) }
	row("identity", c.IdentityID)
	row("role    ", c.RoleARN)
	why := c.Rule
	if c.RuleNote != "" {
		why += " (" + c.RuleNote + ")"
	}
	row("why     ", why)
	switch {
	case c.PrincipalTags == nil:
		row("tags    ", "unknown ("+c.TagsNote+")")
	case len(c.PrincipalTags) == 0:
		row("tags    ", "none")
	default:
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(c.PrincipalTags)) {
			parts = append(parts, k+"="+c.PrincipalTags[k])
		}
		row("tags    ", strings.Join(parts, ", "))
	}
	row("caller  ", c.CallerArn)
	row("key     ", c.AccessKeyID)
	if !c.Expires.IsZero() {
		row("expires ", c.Expires.UTC().Format(time.RFC3339)+" ("+inspect.FormatDuration(c.Expires.Sub(m.now), inspect.Compact)+" when shown; renewed when they expire)")
	}
	return lines
}
