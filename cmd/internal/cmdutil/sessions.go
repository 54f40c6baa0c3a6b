package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/internal/apicall"
	"github.com/cogscope/cogscope/internal/logtail"
	"github.com/cogscope/cogscope/internal/transcript"
)

// SavedSession loads the session saved for clientID's sign-in at t (the
// key login and the console save under); config.ErrNoSession when there
// is none.
func (f *Factory) SavedSession(t Target, clientID string) (*config.Session, error) {
	return f.Sessions().Load(t.SessionKey(clientID))
}

// RecordTokens writes a sign-in's tokens into the saved session s, with
// where they came from (the target, clientID, flow) and when they were
// obtained. username, when not "", replaces s.Username. Login (API and
// hosted-UI flows) and the console save sessions through it, so either
// reads what the other wrote.
func RecordTokens(s *config.Session, t Target, clientID, flow, username string, tk flows.Tokens) {
	s.Profile, s.Region, s.Endpoint = t.Profile, t.Region, t.Endpoint
	s.UserPoolID, s.ClientID, s.Flow = t.UserPoolID, clientID, flow
	if username != "" {
		s.Username = username
	}
	s.Tokens = &config.Tokens{IDToken: tk.IDToken, AccessToken: tk.AccessToken, RefreshToken: tk.RefreshToken,
		ExpiresIn: tk.ExpiresIn, TokenType: tk.TokenType}
	s.ObtainedAt = tk.IssuedAt.UTC()
}

// TokenUsername is the username claim of an access token, "" when it has
// none or cannot be read.
func TokenUsername(accessToken string) string {
	c, err := flows.UnverifiedClaims(accessToken)
	if err != nil {
		return ""
	}
	return c.Username
}

// SessionTarget is the target whose saved session a command reads (token,
// userinfo, logout), and that session (see loadSession): the command's
// --user-pool-id and --client-id over the profile's; with neither, the
// demo pool of the `cogscope local` at --endpoint. The in-process stack
// keeps no session, so with no target at all it is a usage error.
func (f *Factory) SessionTarget(ctx context.Context, fl TargetFlags) (Target, *config.Session, error) {
	t, err := f.sessionTarget(ctx, fl)
	if err != nil {
		return t, nil, err
	}
	sess, err := f.loadSession(t)
	return t, sess, err
}

func (f *Factory) sessionTarget(ctx context.Context, fl TargetFlags) (Target, error) {
	p, err := f.Profile()
	if err != nil {
		return Target{}, err
	}
	t := f.NewTarget(p, fl)
	if err := t.CheckPoolAndEndpoint(); err != nil {
		return t, err
	}
	if t.UserPoolID == "" && t.ClientID == "" {
		if t.Endpoint == "" {
			return t, UsageErr("no target: give --user-pool-id and --client-id, --profile, or the --endpoint of a running `cogscope local` (the in-process stack saves no session)")
		}
		demo, _, err := f.LocalDemo(ctx, t.Endpoint, t.Region) // returns at once: nothing to start
		if err != nil {
			return t, UsageErr("%v", err)
		}
		t.UseDemo(demo)
	}
	if err := t.Check(false, false); err != nil {
		return t, err
	}
	if t.UserPoolID != "" && t.Issuer == "" {
		t.Issuer = t.PoolIssuer()
	}
	return t, nil
}

// loadSession is t's saved session for its client, or a refusal (exit 1)
// that says how to get one.
func (f *Factory) loadSession(t Target) (*config.Session, error) {
	sess, err := f.SavedSession(t, t.ClientID)
	switch {
	case errors.Is(err, config.ErrNoSession):
		return nil, &ExitError{Code: ExitRefused, Err: fmt.Errorf("no saved session for %s: sign in first with `cogscope login`", t.SessionKey(t.ClientID))}
	case err != nil:
		return nil, &ExitError{Code: ExitUsage, Err: err}
	case sess.Tokens == nil:
		return nil, &ExitError{Code: ExitRefused, Err: fmt.Errorf("the session %s holds no tokens (signed out?): sign in with `cogscope login`", t.SessionKey(t.ClientID))}
	}
	return sess, nil
}

// Transcripts is the store of recorded sessions (internal/transcript),
// beside the session store: what `cogscope transcript export` writes and
// `cogscope replay` re-runs.
func (f *Factory) Transcripts() *transcript.Store {
	return transcript.NewStore(f.Paths().StateDir)
}

// transcriptStore is where t's sessions are recorded: the state
// directory's store; for a target on the in-process local stack
// EphemeralTranscripts' (nil: not recorded); nil for a stack yet to
// start.
func (f *Factory) transcriptStore(t Target) *transcript.Store {
	switch {
	case t.Pending:
		return nil
	case t.Ephemeral:
		if f.EphemeralTranscripts == nil {
			return nil
		}
		return f.EphemeralTranscripts()
	}
	return f.Transcripts()
}

// TranscriptTarget is t as a transcript records it.
func TranscriptTarget(t Target, clientID, apiBaseURL string) transcript.Target {
	return transcript.Target{Profile: t.Profile, Region: t.Region, Endpoint: t.Endpoint, UserPoolID: t.UserPoolID,
		ClientID: FirstNonEmpty(clientID, t.ClientID), Username: t.Username, APIBaseURL: apiBaseURL}
}

// RecordTranscript adds an entry to the target's recorded sessions
// (o.Fresh: a new session, for a sign-in that is not a refresh). A
// target on an in-process stack is not recorded (it ends with the
// command), unless EphemeralTranscripts gives it a store.
func (f *Factory) RecordTranscript(t Target, clientID string, o transcript.RecordOptions, fn func(*transcript.Transcript)) error {
	store := f.transcriptStore(t)
	if store == nil {
		return nil
	}
	if o.Now.IsZero() {
		o.Now = f.Clock()()
	}
	if err := store.Record(t.SessionKey(clientID), o, fn); err != nil {
		return fmt.Errorf("the session was not recorded for `cogscope transcript`: %w", err)
	}
	return nil
}

// RecordSignIn records a sign-in (or refresh) of clientID at t: flow is
// login's --flow name (srp, password, refresh, pkce, …), refresh says it
// carries on the latest session rather than starting one; steps are the
// flow's trace, tk its tokens (nil when it ended without), runErr how it
// ended. The tokens are decoded and verified against the pool's keys
// (keys: nil for a fresh JWKS cache on the factory's HTTP client).
// secrets are values known to be secret beyond the target's password and
// client secret and the tokens (the refresh token sent). login, and the
// console's sign-ins, call it.
func (f *Factory) RecordSignIn(ctx context.Context, t Target, clientID, flow string, refresh bool, steps []flows.Step,
	tk *flows.Tokens, runErr error, keys inspect.KeySource, secrets ...string) error {
	if f.transcriptStore(t) == nil {
		return nil // not recorded: spare the verification
	}
	var issued transcript.IssuedTokens
	if tk != nil {
		issued = transcript.IssuedTokens{IDToken: tk.IDToken, AccessToken: tk.AccessToken, RefreshToken: tk.RefreshToken}
		secrets = append(secrets, tk.RefreshToken)
		// A refresh that did not rotate hands back the refresh token it
		// started from: nothing new was issued.
		if refresh && !tk.RefreshRotated {
			issued.RefreshToken = ""
		}
	}
	if keys == nil {
		keys = inspect.NewCache(inspect.CacheOptions{Client: f.HTTPClient(), Now: f.Now})
	}
	reports := VerifyForTranscript(ctx, t, clientID, keys, f.Clock(), map[string]string{"id": issued.IDToken, "access": issued.AccessToken})
	now := f.Clock()()
	s := transcript.SignInFrom(flow, steps, issued, reports, runErr, now)
	target := TranscriptTarget(t, clientID, "")
	if u := TokenUsername(issued.AccessToken); u != "" {
		target.Username = u
	}
	secrets = append(secrets, t.Password, t.ClientSecret, t.CCClientSecret, issued.IDToken, issued.AccessToken)
	return f.RecordTranscript(t, clientID, transcript.RecordOptions{Fresh: !refresh, Target: target, Now: now, Secrets: secrets},
		func(tr *transcript.Transcript) { tr.SignIns = append(tr.SignIns, s) })
}

// RecordCall records an API call made at t with token (only its jti is
// kept) against the API at baseURL, with its matched log lines (nil
// without). `cogscope call` and the console's API view call it.
func (f *Factory) RecordCall(t Target, baseURL string, res *apicall.Result, token string, logs *logtail.CallLogs, started time.Time) error {
	if res == nil || f.transcriptStore(t) == nil {
		return nil
	}
	jti := ""
	if token != "" {
		jti = transcript.TokenFrom("", token, nil, started).JTI
	}
	return f.RecordCalls(t, baseURL, []transcript.Call{transcript.CallFrom(res, jti, baseURL, logs, started)}, token)
}

// RecordCalls records calls made at t against the API at baseURL (a
// smoke run's rows); secrets are the tokens sent.
func (f *Factory) RecordCalls(t Target, baseURL string, calls []transcript.Call, secrets ...string) error {
	if len(calls) == 0 {
		return nil
	}
	return f.RecordTranscript(t, t.ClientID, transcript.RecordOptions{Target: TranscriptTarget(t, t.ClientID, baseURL), Secrets: secrets},
		func(tr *transcript.Transcript) { tr.Calls = append(tr.Calls, calls...) })
}

// VerifyForTranscript is the inspector's report of each JWT of a
// sign-in, verified against the target's issuer and client with the
// given key source (nil entries when a token cannot be verified: the
// transcript then keeps its offline checks).
func VerifyForTranscript(ctx context.Context, t Target, clientID string, keys inspect.KeySource, now func() time.Time, tokens map[string]string) map[string]*inspect.Report {
	out := map[string]*inspect.Report{}
	issuer := t.Issuer
	if issuer == "" && t.UserPoolID != "" {
		issuer = t.PoolIssuer()
	}
	for use, raw := range tokens {
		if raw == "" || issuer == "" || keys == nil {
			continue
		}
		v, err := inspect.NewVerifier(inspect.Options{Issuer: issuer, ClientIDs: []string{clientID}, TokenUse: use, Keys: keys, Now: now})
		if err != nil {
			continue
		}
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		rep, err := v.Verify(ctx, raw)
		cancel()
		if err == nil && rep != nil {
			out[use] = rep
		}
	}
	return out
}

// ExportTranscript writes the latest recorded session of clientID's
// sign-ins at t in format (transcript.FormatMarkdown or FormatJSON),
// masked: `cogscope transcript export` and a console key share it.
// transcript.ErrNoTranscript (wrapped) when nothing was recorded (an
// in-process stack records nothing unless EphemeralTranscripts is set).
func (f *Factory) ExportTranscript(t Target, clientID, format string, w io.Writer) (*transcript.Transcript, error) {
	store := f.transcriptStore(t)
	if store == nil {
		return nil, fmt.Errorf("%w: the in-process local stack records nothing", transcript.ErrNoTranscript)
	}
	tr, err := store.Latest(t.SessionKey(clientID))
	if err != nil {
		return nil, err
	}
	return tr, transcript.Write(w, tr, format)
}
