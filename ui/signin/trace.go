package signin

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/theme"
	"github.com/cogscope/cogscope/ui/widgets"
)

// traceCache holds each step rendered once: steps never change, so a new
// step costs only its own lines, however long the trace. It is dropped
// when the width, the masking, the theme or the run's failure changes.
type traceCache struct {
	width   int
	unmask  bool
	t       *theme.Theme
	failure *service.Failure
	steps   [][]string
}

// renderTrace lays the steps out for the trace pane, width cells wide:
// each step's title, the members it sent (→) and received (←), SRP's
// intermediate values, which username SECRET_HASH used, the server's clock,
// notes, and — on the step that failed — Cognito's error with our
// diagnosis (failure, when the run ended with one). It returns the lines
// and the updated cache.
func renderTrace(t *theme.Theme, steps []flows.Step, failure *service.Failure, unmask bool, width int, c traceCache) ([]string, traceCache) {
	if len(steps) == 0 && failure == nil {
		intro := ansi.Wrap("The trace appears here step by step as the flow runs: each request and response, "+
			"SRP's values, each challenge. Secrets are masked until you press m.", max(width, 10), " ")
		return strings.Split(t.Muted.Render(intro), "\n"), traceCache{}
	}
	if c.width != width || c.unmask != unmask || c.t != t || c.failure != failure || len(c.steps) > len(steps) {
		c = traceCache{width: width, unmask: unmask, t: t, failure: failure}
	}
	failedAt := -1
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i].Error != nil {
			failedAt = i
			break
		}
	}
	for i := len(c.steps); i < len(steps); i++ {
		var f *service.Failure
		if i == failedAt {
			f = widgets.StepFailure(steps[i], failure)
		}
		c.steps = append(c.steps[:i:i], renderStep(t, steps[i], f, unmask, width))
	}
	var lines []string
	for i, sl := range c.steps {
		if i > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, sl...)
	}
	if failedAt < 0 && failure != nil {
		// The run failed outside any recorded call (a bad request, a
		// cancelled browser sign-in): show it after the last step.
		if len(lines) > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, widgets.Failure(t, failure, width, "")...)
	}
	return lines, c
}

// renderStep draws one step of the trace (widgets.TraceStep: the Timeline
// view draws its steps the same way).
func renderStep(t *theme.Theme, s flows.Step, f *service.Failure, unmask bool, width int) []string {
	return widgets.TraceStep(t, s, f, unmask, width)
}
