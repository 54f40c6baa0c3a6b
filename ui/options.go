package ui

import (
	"context"
	"time"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/ui/service"
)

// Options are what cmd gives the console: where it points, the services
// behind the views, and how to draw.
type Options struct {
	Target service.Target
	SignIn service.SignIn
	Tokens service.Tokens
	// Session is a session to start with (the session store's latest),
	// nil for none.
	Session *flows.Tokens
	// NoColor draws without colour (NO_COLOR is set).
	NoColor bool
	// Now is the clock; default time.Now. Tests fix it.
	Now func() time.Time
	// StatusFor is how long a status line stays; default 5 s.
	StatusFor time.Duration
	// Connect, when set, finishes setting up the target after the first
	// frame (starting the local stack takes longer than a frame should):
	// it runs in a Cmd, and its Target replaces Options.Target. The
	// services must read the target it produced.
	Connect func(ctx context.Context) (service.Target, error)
}
