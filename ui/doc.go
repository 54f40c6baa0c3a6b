// Package ui is cogscope's interactive console: a bubbletea root model that
// owns layout, focus and key routing, and one model per view.
//
// It never builds AWS clients, reads flags or writes to stdout; it receives
// its services as interfaces from cmd.
package ui
