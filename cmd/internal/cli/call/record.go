package call

import (
	"time"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/internal/apicall"
	"github.com/cogscope/cogscope/internal/logtail"
	"github.com/cogscope/cogscope/internal/transcript"
)

// record adds the call to the target's recorded session (see
// internal/transcript): method, path, status, request id, explanation,
// and with --logs its log lines. The token sent is a known secret: only
// its jti is kept.
func (o *CallOptions) record(c *Context, res *apicall.Result, token string, logs *logtail.CallLogs, started time.Time) {
	if res == nil {
		return
	}
	jti := ""
	if tk := transcript.TokenFrom("", token, nil, started); tk.JTI != "" {
		jti = tk.JTI
	}
	call := transcript.CallFrom(res, jti, c.BaseURL, logs, started)
	t := c.Target
	o.Factory.RecordTranscript(t, t.ClientID, transcript.RecordOptions{
		Target: cmdutil.TranscriptTarget(t, t.ClientID, c.BaseURL), Secrets: []string{token},
	}, func(tr *transcript.Transcript) { tr.Calls = append(tr.Calls, call) })
}
