package call

import (
	"context"
	"fmt"
	"time"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil/logview"
	"github.com/cogscope/cogscope/internal/apicall"
	"github.com/cogscope/cogscope/internal/logtail"
	"github.com/cogscope/cogscope/internal/termtext"
)

// callLogsJSON is the "logs" member `call --json --logs` adds: the call's
// access-log line, its authorizer's invocation, and what did not arrive
// before --logs-wait ran out.
type callLogsJSON struct {
	APIRequestID        string          `json:"apiRequestId"`
	Access              *logtail.Event  `json:"access,omitempty"`
	AuthorizerError     string          `json:"authorizerError,omitempty"`
	AuthorizerRequestID string          `json:"authorizerRequestId,omitempty"`
	Authorizer          []logtail.Event `json:"authorizer,omitempty"`
	Missing             []string        `json:"missing,omitempty"`
	Error               string          `json:"error,omitempty"`
}

// resultWithLogs is the --json document of a call with --logs.
type resultWithLogs struct {
	*apicall.Result
	Logs *callLogsJSON `json:"logs"`
}

// findCallLogs waits up to --logs-wait for the lines a call left in
// CloudWatch Logs, linked by its API Gateway request id: the stage's
// access-log line and the Lambda authorizer invocation that logged it.
// The groups are the refusal's (the judgement names them) or the
// target's defaults (the profile's, API Gateway's configuration, the
// local stack's).
func (o *CallOptions) findCallLogs(ctx context.Context, c *Context, res *apicall.Result, started time.Time) (*logtail.CallLogs, error) {
	if res == nil || res.Response == nil {
		return nil, fmt.Errorf("no answer, so no request id to look for")
	}
	if res.Response.RequestID == "" {
		return nil, fmt.Errorf("the answer carries no API Gateway request id (apigw-requestid / x-amzn-RequestId): not an API Gateway route?")
	}
	lc, err := logview.NewClient(ctx, o.Factory, c.Target)
	if err != nil {
		return nil, err
	}
	var access, auth []string
	if res.Judgement != nil && len(res.Judgement.LogGroups) > 0 {
		access, auth = logview.SplitGroups(res.Judgement.LogGroups)
	}
	if len(access) == 0 && len(auth) == 0 {
		d, err := logview.DefaultGroups(ctx, o.Factory, c.Target, c.Profile, lc)
		if err != nil {
			return nil, err
		}
		access, auth = d.Access, d.Authorizer
	}
	if len(access) == 0 && len(auth) == 0 {
		return nil, fmt.Errorf("no log groups to read: name them in the profile's [logs] groups")
	}
	return logview.FindCallLogs(ctx, lc, logview.CallLogsOptions{
		APIRequestID:     res.Response.RequestID,
		AccessLogGroups:  access,
		AuthorizerGroups: auth,
		Since:            started.Add(-time.Minute),
		Wait:             o.LogsWait,
	})
}

// printCallLogs writes the lines for people, after the response.
func (o *CallOptions) printCallLogs(cl *logtail.CallLogs, err error, c *Context) {
	w := o.IO.Out
	fmt.Fprintln(w)
	if cl != nil {
		p := &logview.Printer{W: w, Color: cmdutil.ColorFor(o.IO.OutTTY, o.Factory.Env), Groups: 2}
		_ = logview.PrintCallLogs(p, cl)
		for _, m := range cl.Missing {
			fmt.Fprintf(w, "  (no %s within %s)\n", termtext.Line(m), o.logsWait())
		}
	}
	if err != nil {
		msg, _ := logview.Explain(err, c.Target)
		fmt.Fprintf(o.IO.ErrOut, "cogscope: logs: %s\n", termtext.Line(msg))
	}
}

// logsJSON is the "logs" member for --json.
func logsJSON(cl *logtail.CallLogs, err error) *callLogsJSON {
	j := &callLogsJSON{}
	if cl != nil {
		j.APIRequestID, j.Access, j.Missing = cl.APIRequestID, cl.Access, cl.Missing
		j.AuthorizerError, j.AuthorizerRequestID = cl.AuthorizerError, cl.AuthorizerRequestID
		if cl.Authorizer != nil {
			j.Authorizer = cl.Authorizer.Lines
		}
	}
	if err != nil {
		j.Error = err.Error()
	}
	return j
}

func (o *CallOptions) logsWait() time.Duration {
	if o.LogsWait <= 0 {
		return logview.DefaultCallLogsWait
	}
	return o.LogsWait
}
