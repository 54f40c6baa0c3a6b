package login

import (
	"context"
	"fmt"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/termtext"
)

// record adds this sign-in to the target's recorded session (see
// internal/transcript and cmdutil.RecordSignIn): a sign-in starts a new
// session, a refresh joins the latest one. The refresh token sent and
// the client secrets are passed as known secrets, so none can reach the
// file even through a message. A failure is a warning: the sign-in
// itself went as it went.
func (l *run) record(ctx context.Context, steps []flows.Step, tk *flows.Tokens, runErr error, extraSecrets ...string) {
	t := l.target
	if err := l.f.RecordSignIn(ctx, t, t.ClientID, l.flow.name, l.flow.needsRefresh, steps, tk, runErr, nil, extraSecrets...); err != nil {
		fmt.Fprintf(l.io.ErrOut, "cogscope: warning: %s\n", termtext.Line(err.Error()))
	}
}
