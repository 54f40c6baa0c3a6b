// Package widgets holds the console's leaf widgets as plain render
// functions: titled panes, the lifetime bar, the sequence diagram, QR codes,
// verdict glyphs and error boxes. They take a *theme.Theme and sizes and
// return strings; they keep no state.
//
// It imports lipgloss, x/ansi, rsc.io/qr, ui/theme and ui/service only.
package widgets
