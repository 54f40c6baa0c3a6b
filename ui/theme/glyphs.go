package theme

import (
	"time"

	"charm.land/bubbles/v2/spinner"
)

// Spinner turns while the console waits for a service: bubbles' Dot
// without the space its frames end with (views put their own between the
// spinner and what it waits for).
var Spinner = spinner.Spinner{
	Frames: []string{"⣾", "⣽", "⣻", "⢿", "⡿", "⣟", "⣯", "⣷"},
	FPS:    time.Second / 10,
}

// Glyphs the views share, so a terminal with a poor font can be served by
// changing them in one place.
const (
	Check     = "✓"
	Cross     = "✗"
	Skip      = "–"
	Warning   = "!"
	Caution   = "⚠" // a doctor check that warns
	Bullet    = "•"
	Pointer   = "›"
	Ellipsis  = "…"
	Mask      = "••••••••"
	ArrowHead = "▶"
	ArrowBack = "◀"
	Line      = "─"
	Lifeline  = "│"
	BarFull   = "█"
	BarEmpty  = "░"
	BarNow    = "▏"
)
