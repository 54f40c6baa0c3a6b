package theme

// Glyphs the views share, so a terminal with a poor font can be served by
// changing them in one place.
const (
	Check     = "✓"
	Cross     = "✗"
	Skip      = "–"
	Warning   = "!"
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
