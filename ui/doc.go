// Package ui is cogscope's interactive console: a bubbletea root model that
// owns layout, focus and key routing, and one model per view.
//
// It never builds AWS clients, reads flags or writes to stdout; it receives
// its services as interfaces from cmd.
//
// # Contract
//
// cmd builds the console with New(Options) and runs it with tea.NewProgram:
//
//	Options.Target   service.Target   where calls go (header; sign-in form defaults)
//	Options.SignIn   service.SignIn   flows, streamed as events; service.NewSignIn adapts
//	                                  a blocking flows.Run (challenges through an Answerer)
//	Options.Tokens   service.Tokens   Describe (no I/O), Inspect (verify), Refresh
//	Options.API      service.API      Routes, Check (the authorizer judgement before
//	                                  sending), Call; nil: view 3 says no API is configured
//	Options.Logs     service.Logs     Groups, Tail (updates on a channel); nil: no log
//	                                  service (view 4 and view 3's pane say so); view 5
//	                                  also asks it once per call for the route's lines
//	                                  of the call's request id (a filter pattern, Since)
//	                                  service (view 4 and view 3's pane say so)
//	Options.Doctor   service.Doctor   the doctor's checklist and pasted errors explained
//	                                  (the Sign-in view's d and e); nil: the keys are off
//	Options.Session  *flows.Tokens    tokens to start with (the session store's)
//	Options.SaveSession func(ctx, flows.Tokens, flow string) (where string, err error)
//	                                  keeps new tokens (sign-in, refresh); nil: not kept
//	Options.ExportTranscript func(ctx) (path string, err error)
//	                                  writes the target's latest recorded session as
//	                                  Markdown to a new file, JSON beside it (.json)
//	                                  (`x`, in a Cmd; the status
//	                                  line names the file); an error wrapping
//	                                  service.ErrNothingRecorded: nothing to export yet;
//	                                  nil: the key is off
//	Options.OpenURL  func(url string) error
//	                                  opens the hosted UI's authorize URL again (`o`)
//	Options.Connect  func(ctx) (service.Target, error)
//	                                  finishes the target a frame after the first window size
//	                                  (starting the local stack)
//	Options.Providers func(ctx) service.ProviderList
//	                                  the pool's identity providers, where the
//	                                  list came from and why the pool was not read
//	Options.Tour     []tour.Case      the demo's tour (internal/tour.Demo()), on the local
//	                                  stack's demo only: `t` opens it; nil: no tour
//	Options.NoColor, Options.Now
//
// The types the services exchange are flows' (Step, Challenge, Answer,
// Tokens) and inspect's (Report); service.Failure carries Cognito's code,
// message and request id with our diagnosis. Trace values are masked by
// the one classification table, flows/trace's IsSecret (the same table the
// CLI's redaction reads); the hosted UI's steps are told apart by flows/oauth's
// operation names (OpAuthorize, OpRedirect, OpToken, …), the only thing ui
// takes from that package.
//
// # Layout of the package tree
//
//	ui              root model: header, footer (keys from bubbles/help), ? overlay, routing
//	ui/signin       view 1: flow picker, form, trace, sequence diagram, challenge forms, QR
//	ui/tokens       view 2: token tabs, claims, checks, lifetime bar, r/c/v/p
//	ui/api          view 3: routes, token per call, warning, response, judgement, history, log pane
//	ui/logs         view 4 (and view 3's log pane): tail in a bounded ring, filter, pause, jump
//	ui/timeline     view 5: the session in order — sign-ins and their steps, tokens (jti,
//	                expiry), calls and their log lines by request id — and each one's detail
//	ui/doctor       the doctor pane of view 1: checklist (d), a pasted error explained (e)
//	ui/tour         the demo's tour: cases ticked off from the views' reports, enter sets one up
//	ui/service      the service interfaces and the flows bridge
//	ui/common       messages shared by the root and the views
//	ui/widgets      leaf render functions (pane, lifetime bar, sequence diagram, QR)
//	ui/theme        palettes (dark, light, NO_COLOR), styles, glyphs
//
// The root holds its views in an array indexed by Page behind one small
// interface (page.go: size, theme, keys, typing, update, view, init,
// busy); a view in the bubbles grammar is adapted by pageOf, so adding a
// view is a line.
//
// Results of async work go to every view. The views' own result messages
// (a sign-in's event, a call's answer, a tail's batch) also carry what
// they say about the session as service.Records (service.Recorded): the
// Timeline view reads the session from them and from common.SessionMsg,
// into a bounded store of its own, so no view copies another's state.
//
// Every key binding lives in a bubbles/key KeyMap, so the footer, the help
// overlay and KeyTable (the README's table) come from the same bindings.
package ui
