package ui

import (
	"context"
	"time"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/tour"
	"github.com/cogscope/cogscope/ui/service"
)

// Options are what cmd gives the console: where it points, the services
// behind the views, and how to draw.
type Options struct {
	Target service.Target
	SignIn service.SignIn
	Tokens service.Tokens
	// API lists and calls the target's API Gateway routes (view 3), and
	// Logs tails log groups (view 4, and view 3's log pane); nil when the
	// target has none: the views then say so.
	API  service.API
	Logs service.Logs
	// Doctor checks the target's configuration and explains pasted
	// errors (the Sign-in view's d and e); nil: the keys are off.
	Doctor service.Doctor
	// Session is a session to start with (the session store's latest),
	// nil for none.
	Session *flows.Tokens
	// NoColor draws without colour (NO_COLOR is set).
	NoColor bool
	// Background is the terminal's background as cmd knows it before the
	// terminal is asked (COLORFGBG, or a forced setting): BackgroundAuto
	// starts dark; the terminal's answer to the query (OSC 11) then wins
	// unless FixedBackground says the user chose.
	Background      Background
	FixedBackground bool
	// Now is the clock; default time.Now. Tests fix it.
	Now func() time.Time
	// StatusFor is how long a status line stays; default 5 s.
	StatusFor time.Duration
	// OpenURL opens a URL in the user's browser (the hosted UI's
	// authorize URL again, on `o`); nil when there is no way to.
	OpenURL func(url string) error
	// SaveSession keeps new tokens (a sign-in, a refresh) in the session
	// store and says where; nil when they are not kept (the in-process
	// stack's tokens die with it). flow is a service.Flow. It runs in a
	// Cmd.
	SaveSession func(ctx context.Context, t flows.Tokens, flow string) (where string, err error)
	// ExportTranscript writes the latest recorded session of the target
	// (its sign-ins and calls, secrets masked) to a new Markdown file, and
	// its JSON form (for tools and `cogscope replay`) beside it under the
	// same name with .json, and returns the Markdown file's path; `x` runs
	// it in a Cmd and shows the path on the status line. An error wrapping service.ErrNothingRecorded says
	// there is nothing to export yet. Nil: the key is off.
	ExportTranscript func(ctx context.Context) (path string, err error)
	// Connect, when set, finishes setting up the target after the first
	// frame (starting the local stack takes longer than a frame should,
	// and it must not compete with that frame for the CPU): it starts a
	// little after the first window size, runs in a Cmd, and its Target
	// replaces Options.Target. The services must read the target it
	// produced.
	Connect func(ctx context.Context) (service.Target, error)
	// Providers, when set, lists the pool's federated identity providers
	// for the hosted-UI flow to offer (Target.IdentityProviders). It runs
	// in a Cmd once the target is known (after Connect, when set): reading
	// the pool can take seconds.
	Providers func(ctx context.Context) service.ProviderList

	// Tour is the demo's tour (internal/tour.Demo()), given only on the
	// local stack's demo: `t` opens it and the footer announces it. Nil:
	// no tour.
	Tour []tour.Case
}

// Background is a terminal's background brightness.
type Background int

// The backgrounds: unknown (drawn as dark until the terminal says), dark,
// light.
const (
	BackgroundAuto Background = iota
	BackgroundDark
	BackgroundLight
)
