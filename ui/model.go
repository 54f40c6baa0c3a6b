package ui

import (
	"context"
	"errors"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/termtext"
	"github.com/cogscope/cogscope/ui/api"
	"github.com/cogscope/cogscope/ui/common"
	"github.com/cogscope/cogscope/ui/logs"
	"github.com/cogscope/cogscope/ui/service"
	"github.com/cogscope/cogscope/ui/signin"
	"github.com/cogscope/cogscope/ui/theme"
	"github.com/cogscope/cogscope/ui/timeline"
	"github.com/cogscope/cogscope/ui/tokens"
	tourpane "github.com/cogscope/cogscope/ui/tour"
	"github.com/cogscope/cogscope/ui/widgets"
)

// Page names one of the five views.
type Page int

// The views, in the order of their number keys.
const (
	PageSignIn Page = iota
	PageTokens
	PageAPI
	PageLogs
	PageTimeline
	numPages
)

var pageTitles = [numPages]string{"Sign in", "Tokens", "API", "Logs", "Timeline"}

// The smallest terminal the frame can be drawn in; below it the console
// says so instead of drawing garbage.
const (
	MinWidth  = 60
	MinHeight = 16
)

// Frame rows around the active view.
const (
	headerRows = 2
	footerRows = 2
)

// Model is the console's root: it owns the layout, the focus (which view
// is active, whether help is open) and key routing, and hands everything
// else to the views.
type Model struct {
	opts  Options
	t     *theme.Theme
	keys  KeyMap
	help  help.Model
	clock common.Clock

	width, height int
	active        Page
	showHelp      bool
	connecting    bool  // Options.Connect has not answered yet
	connectArmed  bool  // the first sized frame armed Options.Connect
	connectErr    error // what Connect failed with
	// sessionClient is the client of the session when it is not the
	// target's (after client credentials): the header names it.
	sessionClient string

	status    common.StatusMsg
	statusID  int
	statusFor time.Duration

	// pages are the views, indexed by Page. signIn is pages[PageSignIn]'s
	// model, for what only it does (the target, the browser).
	pages  [numPages]page
	signIn *signin.Model

	// tour is the demo's tour (nil without one), drawn over the body
	// while showTour; tourModel is its model, for Open and Close.
	tour      page
	tourModel *tourpane.Model
	showTour  bool

	// exporting is true while Options.ExportTranscript runs: another x
	// waits for it.
	exporting bool
}

// statusClearMsg clears the status line it was armed for.
type statusClearMsg struct{ id int }

// sessionSavedMsg is Options.SaveSession's answer.
type sessionSavedMsg struct {
	from  string
	where string
	err   error
}

// connectAfter is how long after the first sized frame Options.Connect
// starts: the renderer writes a frame on its next tick (60 a second), and
// starting the local stack (signing keys, the seed) must not compete with
// it for the CPU (2 cores on a loaded machine: the first frame took twice
// as long with the stack starting beside it).
const connectAfter = 25 * time.Millisecond

// connectMsg starts Options.Connect, once the first frame is out.
type connectMsg struct{}

// transcriptExportedMsg is Options.ExportTranscript's answer.
type transcriptExportedMsg struct {
	path string
	err  error
}

// connectedMsg is Options.Connect's answer.
type connectedMsg struct {
	target service.Target
	err    error
}

// providersMsg is Options.Providers' answer.
type providersMsg struct{ list service.ProviderList }

// New builds the console. The background is Options.Background, assumed
// dark when unknown, until the terminal says otherwise.
func New(o Options) Model {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.StatusFor == 0 {
		o.StatusFor = 5 * time.Second
	}
	if o.Background == BackgroundAuto {
		o.FixedBackground = false // nothing to keep
	}
	t := theme.New(o.Background != BackgroundLight, o.NoColor)
	m := Model{
		opts:      o,
		t:         t,
		keys:      DefaultKeyMap(),
		help:      help.New(),
		clock:     o.Now,
		statusFor: o.StatusFor,
	}
	signIn := newPage(signin.New(t, o.SignIn, o.Target))
	m.signIn = &signIn.M
	m.pages = [numPages]page{
		PageSignIn: signIn,
		PageTokens: newPage(tokens.New(t, o.Tokens, o.Now)),
		PageAPI:    newPage(api.New(t, o.API, o.Logs)),
		PageLogs:   newPage(logs.New(t, o.Logs, logs.Options{Now: o.Now})),
		// The timeline reads what the others' messages say (service.Recorded,
		// common.SessionMsg) into a bounded store of its own.
		PageTimeline: newPage(timeline.New(t, o.Tokens, o.Logs, o.Now, timeline.Options{})),
	}
	if len(o.Tour) > 0 {
		tp := newPage(tourpane.New(t, o.Tour, o.Now))
		m.tour, m.tourModel = tp, &tp.M
	}
	m.keys.Tour.SetEnabled(m.tour != nil)
	m.keys.Export.SetEnabled(o.ExportTranscript != nil)
	m.help.Styles = t.Help
	m.signIn.SetOpenURL(o.OpenURL)
	m.signIn.SetDoctor(o.Doctor)
	m.connecting = o.Connect != nil
	return m
}

// Init asks the terminal for its background colour (unless the user
// chose one), starts the tokens' countdown, and shows the starting
// session if there is one.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.askBackground()}
	for _, p := range m.pages {
		cmds = append(cmds, p.Init())
	}
	if s := m.opts.Session; s != nil && !tokensEmpty(*s) {
		cmds = append(cmds, common.StoredSession(*s))
	}
	if m.opts.Connect == nil {
		cmds = append(cmds, m.readProviders())
	}
	return tea.Batch(cmds...)
}

// armConnect schedules Options.Connect after the first frame that has a
// size (the frames before it are empty), once.
func (m *Model) armConnect() tea.Cmd {
	if m.opts.Connect == nil || m.connectArmed {
		return nil
	}
	m.connectArmed = true
	return tea.Tick(connectAfter, func(time.Time) tea.Msg { return connectMsg{} })
}

// connectCmd runs Options.Connect.
func (m Model) connectCmd() tea.Cmd {
	connect := m.opts.Connect
	return func() tea.Msg {
		t, err := connect(context.Background())
		return connectedMsg{target: t, err: err}
	}
}

// readProviders asks Options.Providers for the pool's identity providers.
func (m Model) readProviders() tea.Cmd {
	read := m.opts.Providers
	if read == nil {
		return nil
	}
	return func() tea.Msg { return providersMsg{list: read(context.Background())} }
}

// askBackground asks the terminal for its background colour (OSC 11),
// unless the user chose the background.
func (m Model) askBackground() tea.Cmd {
	if m.opts.FixedBackground {
		return nil
	}
	return tea.RequestBackgroundColor
}

// Active returns the view on screen.
func (m Model) Active() Page { return m.active }

// Busy reports whether a view, or the transcript's export, waits for a
// service.
func (m Model) Busy() bool {
	if m.exporting {
		return true
	}
	for _, p := range m.pages {
		if p.Busy() {
			return true
		}
	}
	return false
}

// TourOpen reports whether the tour is shown.
func (m Model) TourOpen() bool { return m.showTour }

// HelpOpen reports whether the help overlay is shown.
func (m Model) HelpOpen() bool { return m.showHelp }

// Status returns the status line's text ("" when clear).
func (m Model) Status() string { return m.status.Text }

// Update routes a message: the window size to the layout, global keys
// first, then the active view; results of async work go to every view,
// each of which drops what is not its own.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m, m.armConnect()
	case connectMsg:
		return m, m.connectCmd()
	case tea.BackgroundColorMsg:
		if !m.opts.FixedBackground {
			m.setTheme(theme.New(msg.IsDark(), m.opts.NoColor))
		}
		return m, nil
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.MouseWheelMsg:
		// Views see coordinates relative to their own area.
		msg.Y -= headerRows
		return m.updateActive(msg)
	case tea.PasteMsg:
		return m.updateActive(msg)
	case common.StatusMsg:
		m.status = msg
		m.statusID++
		id := m.statusID
		return m, tea.Tick(m.statusFor, func(time.Time) tea.Msg { return statusClearMsg{id: id} })
	case statusClearMsg:
		if msg.id == m.statusID {
			m.status = common.StatusMsg{}
		}
		return m, nil
	case common.SessionMsg:
		// The header names the client the session belongs to.
		switch {
		case msg.Flow == string(service.FlowClientCredentials) && m.opts.Target.CCClientID != "":
			m.sessionClient = m.opts.Target.CCClientID
		case !msg.Stored && msg.Flow != string(service.FlowRefresh):
			m.sessionClient = ""
		}
		next, cmd := m.broadcast(msg)
		if save := m.opts.SaveSession; save != nil && !msg.Stored {
			cmd = tea.Batch(cmd, saveCmd(save, msg))
		}
		if m.tour != nil && msg.SignIn != nil {
			cmd = tea.Batch(cmd, m.tour.Update(*msg.SignIn))
		}
		return next, cmd
	case sessionSavedMsg:
		if msg.err != nil {
			return m, common.StatusError(theme.Cross + " the tokens of the " + msg.from + " were not saved: " + msg.err.Error())
		}
		// Said after whatever the view said about the tokens, so that
		// both stay readable.
		text := "session saved (" + msg.where + ")"
		if m.status.Text != "" && !m.status.Err {
			text = m.status.Text + " · " + text
		}
		return m.Update(common.StatusMsg{Text: text})
	case common.ShowLogsMsg:
		// A call's lines, from the API view: the Logs view jumps there.
		m.active = PageLogs
		return m.broadcast(msg)
	case common.SignInEventMsg, common.CallDoneMsg:
		// What happened, for the tour (the views send, and ignore, them).
		if m.tour == nil {
			return m, nil
		}
		return m, m.tour.Update(msg)
	case tourpane.TickedMsg:
		// Said after whatever the view said about the same event.
		text := msg.Text
		if m.status.Text != "" && !m.status.Err {
			text = m.status.Text + " · " + text
		}
		return m.Update(common.StatusMsg{Text: text})
	case common.TryMsg:
		// The tour's case, set up in its view.
		m.closeTour()
		switch msg.View {
		case "signin":
			m.active = PageSignIn
		case "api":
			m.active = PageAPI
		}
		return m.broadcast(msg)
	case transcriptExportedMsg:
		m.exporting = false
		return m.Update(m.exportedStatus(msg))
	case connectedMsg:
		m.connecting = false
		if msg.err != nil {
			m.connectErr = msg.err
			return m, common.StatusError("could not start: " + msg.err.Error())
		}
		m.opts.Target = msg.target
		m.signIn.SetTarget(msg.target)
		return m, m.readProviders()
	case providersMsg:
		m.opts.Target.SetProviders(msg.list)
		m.signIn.SetTarget(m.opts.Target)
		return m, nil
	}
	return m.broadcast(msg)
}

func (m Model) handleKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if key.Matches(k, m.keys.ForceQuit) {
		return m, tea.Quit
	}
	if m.showHelp {
		if key.Matches(k, m.keys.CloseHelp) {
			m.showHelp = false
		}
		return m, nil
	}
	if m.tooSmall() {
		// Nothing is drawn but the "too small" message: keys that would
		// act unseen are ignored.
		if key.Matches(k, m.keys.Quit) {
			return m, tea.Quit
		}
		return m, nil
	}
	if m.showTour {
		switch {
		case key.Matches(k, m.keys.Quit):
			return m, tea.Quit
		case key.Matches(k, m.keys.Help):
			m.showHelp = true
			return m, nil
		case key.Matches(k, m.keys.Tour), k.String() == "esc":
			m.closeTour()
			return m, nil
		case key.Matches(k, m.keys.Export):
			return m.export()
		case m.pageKey(k) >= 0:
			m.closeTour()
			m.active = m.pageKey(k)
			return m, nil
		}
		return m, m.tour.Update(k)
	}
	if m.typing() {
		return m.updateActive(k)
	}
	switch {
	case m.tour != nil && key.Matches(k, m.keys.Tour):
		m.showTour = true
		return m, m.tourModel.Open()
	case key.Matches(k, m.keys.Quit):
		return m, tea.Quit
	case key.Matches(k, m.keys.Help):
		m.showHelp = true
		return m, nil
	case key.Matches(k, m.keys.Export):
		return m.export()
	case m.pageKey(k) >= 0:
		m.active = m.pageKey(k)
	case key.Matches(k, m.keys.NextView):
		m.active = (m.active + 1) % numPages
	case key.Matches(k, m.keys.PrevView):
		m.active = (m.active + numPages - 1) % numPages
	default:
		return m.updateActive(k)
	}
	return m, nil
}

// pageKey is the view a number key goes to, -1 for none.
func (m Model) pageKey(k tea.KeyPressMsg) Page {
	for p, b := range m.keys.pageBindings() {
		if key.Matches(k, b) {
			return Page(p)
		}
	}
	return -1
}

// closeTour hides the tour.
func (m *Model) closeTour() {
	if m.tourModel != nil {
		m.tourModel.Close()
	}
	m.showTour = false
}

// typing reports whether the active view has a text field focused.
func (m Model) typing() bool { return m.pages[m.active].Typing() }

// updateActive hands msg to the active view only.
func (m Model) updateActive(msg tea.Msg) (tea.Model, tea.Cmd) {
	return m, m.pages[m.active].Update(msg)
}

// exportTimeout bounds writing a transcript.
const exportTimeout = 30 * time.Second

// export runs Options.ExportTranscript in a Cmd (x); the status line
// says it is under way, then where the file is. A press while one runs
// is dropped. Key bindings that are disabled never match, so without
// ExportTranscript x goes on to the view.
func (m Model) export() (tea.Model, tea.Cmd) {
	if m.exporting {
		return m, nil
	}
	m.exporting = true
	write := m.opts.ExportTranscript
	run := func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), exportTimeout)
		defer cancel()
		path, err := write(ctx)
		return transcriptExportedMsg{path: path, err: err}
	}
	next, status := m.Update(common.StatusMsg{Text: "exporting the transcript…"})
	return next, tea.Batch(status, run)
}

// exportedStatus says where the transcript went, the whole path when the
// line can hold it (else without the words before it, then cut in the
// middle to keep the file's name), or why not.
func (m Model) exportedStatus(msg transcriptExportedMsg) common.StatusMsg {
	switch {
	case errors.Is(msg.err, service.ErrNothingRecorded):
		return common.StatusMsg{Text: termtext.Line(msg.err.Error())}
	case msg.err != nil:
		return common.StatusMsg{Text: termtext.Line(theme.Cross + " the transcript was not written: " + msg.err.Error()), Err: true}
	}
	path := termtext.Line(msg.path)
	for _, text := range []string{
		theme.Check + " transcript (Markdown, secrets masked) written to " + path + ", and its JSON beside it (.json, for cogscope replay)",
		theme.Check + " transcript (Markdown, secrets masked) written to " + path,
		theme.Check + " transcript written to " + path,
	} {
		if ansi.StringWidth(text) <= m.width {
			return common.StatusMsg{Text: text}
		}
	}
	return common.StatusMsg{Text: widgets.CutMiddle(path, m.width)}
}

// saveTimeout bounds writing the session file.
const saveTimeout = 10 * time.Second

func saveCmd(save func(context.Context, flows.Tokens, string) (string, error), msg common.SessionMsg) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), saveTimeout)
		defer cancel()
		where, err := save(ctx, msg.Tokens, msg.Flow)
		return sessionSavedMsg{from: msg.From, where: where, err: err}
	}
}

// broadcast hands msg to every view: async results carry ids, so each
// view takes its own and drops the rest.
func (m Model) broadcast(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmds [numPages + 1]tea.Cmd
	for i, p := range m.pages {
		cmds[i] = p.Update(msg)
	}
	if m.tour != nil {
		cmds[numPages] = m.tour.Update(msg) // its clock
	}
	return m, tea.Batch(cmds[:]...)
}

// layout gives every view the body's size.
func (m *Model) layout() {
	w, h := m.width, m.height-headerRows-footerRows
	if m.tooSmall() {
		return
	}
	for _, p := range m.pages {
		p.SetSize(w, h)
	}
	if m.tour != nil {
		m.tour.SetSize(w, h)
	}
	m.help.SetWidth(w)
}

func (m Model) tooSmall() bool {
	return m.width < MinWidth || m.height < MinHeight
}

func (m *Model) setTheme(t *theme.Theme) {
	m.t = t
	m.help.Styles = t.Help
	for _, p := range m.pages {
		p.SetTheme(t)
	}
	if m.tour != nil {
		m.tour.SetTheme(t)
	}
}

// pageKeys is the active view's bindings (the tour's while it is shown).
func (m Model) pageKeys() help.KeyMap {
	if m.showTour {
		return m.tour.KeyMap()
	}
	return m.pages[m.active].KeyMap()
}
