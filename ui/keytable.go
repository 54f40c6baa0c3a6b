package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"

	"github.com/cogscope/cogscope/ui/api"
	"github.com/cogscope/cogscope/ui/doctor"
	"github.com/cogscope/cogscope/ui/logs"
	"github.com/cogscope/cogscope/ui/signin"
	"github.com/cogscope/cogscope/ui/timeline"
	"github.com/cogscope/cogscope/ui/tokens"
	tourpane "github.com/cogscope/cogscope/ui/tour"
)

// KeyTable is the console's keys as a Markdown table, generated from the
// same bindings as the footer and the help overlay, for the README.
func KeyTable() string {
	var b strings.Builder
	b.WriteString("| where | key | does |\n| --- | --- | --- |\n")
	sections := []struct {
		where  string
		groups [][]key.Binding
	}{
		{"everywhere", DefaultKeyMap().FullHelp()},
		{"Sign in", signin.DefaultKeyMap().FullHelp()},
		{"Sign in, doctor pane", doctor.DefaultKeyMap().FullHelp()},
		{"Tokens", tokens.DefaultKeyMap().FullHelp()},
		{"API", api.DefaultKeyMap().FullHelp()},
		{"Logs", logs.DefaultKeyMap().FullHelp()},
		{"Timeline", timeline.DefaultKeyMap().FullHelp()},
		{"Tour", tourpane.DefaultKeyMap().FullHelp()},
	}
	for _, s := range sections {
		for _, g := range s.groups {
			for _, k := range g {
				h := k.Help()
				if h.Key == "" {
					continue
				}
				b.WriteString("| " + s.where + " | `" + h.Key + "` | " + h.Desc + " |\n")
			}
		}
	}
	return b.String()
}
