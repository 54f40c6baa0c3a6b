package login

import (
	"context"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/internal/transcript"
)

// record adds this sign-in to the target's recorded session (see
// internal/transcript): its trace, the tokens it issued (decoded and
// checked against the pool's keys) and how it ended. A sign-in starts a
// new session; a refresh joins the latest one. The raw tokens, the
// password, the refresh token sent and the client secret are passed as
// known secrets, so none can reach the file even through a message.
func (l *run) record(ctx context.Context, steps []flows.Step, tk *flows.Tokens, runErr error, extraSecrets ...string) {
	f, t := l.f, l.target
	var issued transcript.IssuedTokens
	if tk != nil {
		issued = transcript.IssuedTokens{IDToken: tk.IDToken, AccessToken: tk.AccessToken, RefreshToken: tk.RefreshToken}
		// A refresh that did not rotate hands back the refresh token it
		// started from: nothing new was issued, but it stays a secret.
		if l.flow.needsRefresh && !tk.RefreshRotated {
			extraSecrets = append(extraSecrets, tk.RefreshToken)
			issued.RefreshToken = ""
		}
	}
	keys := inspect.NewCache(inspect.CacheOptions{Client: f.HTTPClient(), Now: f.Now})
	reports := cmdutil.VerifyForTranscript(ctx, t, t.ClientID, keys, f.Clock(),
		map[string]string{"id": issued.IDToken, "access": issued.AccessToken})
	now := f.Clock()()
	s := transcript.SignInFrom(l.flow.name, steps, issued, reports, runErr, now)
	fresh := !l.flow.needsRefresh
	secrets := append([]string{t.Password, t.ClientSecret, issued.IDToken, issued.AccessToken, issued.RefreshToken}, extraSecrets...)
	target := cmdutil.TranscriptTarget(t, t.ClientID, "")
	if u := cmdutil.TokenUsername(issued.AccessToken); u != "" {
		target.Username = u
	}
	f.RecordTranscript(t, t.ClientID, transcript.RecordOptions{Fresh: fresh, Target: target, Now: now, Secrets: secrets},
		func(tr *transcript.Transcript) { tr.SignIns = append(tr.SignIns, s) })
}
