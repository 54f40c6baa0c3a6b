package widgets

import (
	"fmt"
	"strings"

	"rsc.io/qr"
)

// quietZone is the light margin scanners need around a QR code, in modules.
const quietZone = 2

// QR draws text as a QR code with half-block characters, two modules per
// cell vertically so modules come out square. Terminals differ in which of
// foreground and background is light, so the caller says which modules to
// draw: drawDark for a light background (the dark modules are inked),
// !drawDark for a dark one (the light modules, quiet zone included, are
// inked and the terminal's dark background shows through as dark modules).
// No colour is needed either way, so it works under NO_COLOR.
func QR(text string, drawDark bool) ([]string, error) {
	code, err := qr.Encode(text, qr.L)
	if err != nil {
		return nil, fmt.Errorf("encode QR code: %w", err)
	}
	n := code.Size + 2*quietZone
	ink := func(x, y int) bool {
		x -= quietZone
		y -= quietZone
		dark := x >= 0 && y >= 0 && x < code.Size && y < code.Size && code.Black(x, y)
		return dark == drawDark
	}
	lines := make([]string, 0, (n+1)/2)
	for y := 0; y < n; y += 2 {
		var b strings.Builder
		for x := 0; x < n; x++ {
			top := ink(x, y)
			bottom := y+1 < n && ink(x, y+1)
			switch {
			case top && bottom:
				b.WriteString("█")
			case top:
				b.WriteString("▀")
			case bottom:
				b.WriteString("▄")
			default:
				b.WriteByte(' ')
			}
		}
		lines = append(lines, b.String())
	}
	return lines, nil
}
