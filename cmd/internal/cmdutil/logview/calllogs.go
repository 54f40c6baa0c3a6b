package logview

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/cogscope/cogscope/internal/logtail"
)

// DefaultCallLogsWait is how long call --logs waits for a call's lines.
const DefaultCallLogsWait = 10 * time.Second

// CallLogsOptions ask for one API Gateway call's log lines.
type CallLogsOptions struct {
	// APIRequestID is the call's API Gateway request id (apicall's
	// Result.Response.RequestID).
	APIRequestID string
	// AccessLogGroups and AuthorizerGroups are where to look: the
	// stage's access log and /aws/lambda/<authorizer function> (apicall's
	// Judgement.LogGroups, or Defaults' Access and Authorizer).
	AccessLogGroups, AuthorizerGroups []string
	// Since is a little before the call; zero: a minute before now.
	Since time.Time
	// Wait is how long to wait for the lines (--logs-wait); zero:
	// DefaultCallLogsWait.
	Wait time.Duration
	// PollInterval between looks; zero: 500 ms.
	PollInterval time.Duration
	Now          func() time.Time
}

// FindCallLogs waits for a call's lines (logtail.FindCallLogs).
func FindCallLogs(ctx context.Context, api logtail.API, o CallLogsOptions) (*logtail.CallLogs, error) {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	since := o.Since
	if since.IsZero() {
		since = now().Add(-time.Minute)
	}
	wait := o.Wait
	if wait <= 0 {
		wait = DefaultCallLogsWait
	}
	return logtail.FindCallLogs(ctx, api, logtail.CallQuery{APIRequestID: o.APIRequestID,
		AccessLogGroups: o.AccessLogGroups, AuthorizerGroups: o.AuthorizerGroups,
		Since: since, Wait: wait, PollInterval: o.PollInterval, Now: now})
}

// PrintCallLogs writes a call's log lines after its response: the
// access-log line (its authorizer.error called out), then the
// authorizer invocation's Lambda lines (START, its decision, END,
// REPORT), then what did not arrive within the wait. With p.JSON each
// line is one --json event line instead (and nothing else is written).
func PrintCallLogs(p *Printer, c *logtail.CallLogs) error {
	if c == nil {
		return nil
	}
	var evs []logtail.Event
	if c.Access != nil {
		evs = append(evs, *c.Access)
	}
	if c.Authorizer != nil {
		evs = append(evs, c.Authorizer.Lines...)
	}
	if p.JSON {
		for _, e := range evs {
			if err := WriteJSON(p.W, e); err != nil {
				return err
			}
		}
		return nil
	}
	w := p.W
	fmt.Fprintf(w, "%s\n", p.paint(ansiBold, "Log lines of request "+Line(c.APIRequestID)))
	if c.Access != nil {
		fmt.Fprintf(w, "%s %s\n", p.paint(ansiBold, "access log"), p.paint(ansiCyan, Line(c.Access.LogGroup)))
		if err := p.Event(*c.Access); err != nil {
			return err
		}
		if c.AuthorizerError != "" {
			fmt.Fprintf(w, "  %s\n", p.paint(ansiRed+ansiBold, "authorizer.error: "+Line(c.AuthorizerError)))
		}
	}
	if inv := c.Authorizer; inv != nil {
		head := "authorizer " + Line(inv.RequestID)
		if inv.Decision != nil {
			head += " " + p.decision(*inv.Decision)
		}
		fmt.Fprintf(w, "%s %s\n", p.paint(ansiBold, head), p.paint(ansiCyan, Line(inv.LogGroup)))
		for _, e := range inv.Lines {
			if err := p.Event(e); err != nil {
				return err
			}
		}
	}
	if len(c.Missing) > 0 {
		_, err := fmt.Fprintf(w, "%s\n", p.paint(ansiDim, "not arrived: "+strings.Join(c.Missing, ", ")))
		return err
	}
	return nil
}

// SplitGroups sorts a mixed list of log groups (apicall's
// Judgement.LogGroups, a profile's logs.groups) into access logs and
// Lambda authorizers' groups (/aws/lambda/…), names or ARNs.
func SplitGroups(groups []string) (access, authorizers []string) {
	for _, g := range groups {
		if strings.HasPrefix(logtail.GroupName(g), "/aws/lambda/") {
			authorizers = append(authorizers, g)
		} else {
			access = append(access, g)
		}
	}
	return access, authorizers
}
