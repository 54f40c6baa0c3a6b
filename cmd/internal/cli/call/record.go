package call

import (
	"fmt"
	"time"

	"github.com/cogscope/cogscope/internal/apicall"
	"github.com/cogscope/cogscope/internal/logtail"
	"github.com/cogscope/cogscope/internal/termtext"
)

// record adds the call to the target's recorded session (see
// internal/transcript and cmdutil.RecordCall): method, path, status,
// request id, explanation, and with --logs its log lines. Only the sent
// token's jti is kept.
func (o *CallOptions) record(c *Context, res *apicall.Result, token string, logs *logtail.CallLogs, started time.Time) {
	if err := o.Factory.RecordCall(c.Target, c.BaseURL, res, token, logs, started); err != nil {
		fmt.Fprintf(o.IO.ErrOut, "cogscope: warning: %s\n", termtext.Line(err.Error()))
	}
}
