package console

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil/logview"
	"github.com/cogscope/cogscope/internal/logtail"
	"github.com/cogscope/cogscope/ui/service"
)

// consoleLogs is the console's service.Logs (view 4 and view 3's log
// pane) on internal/logtail: the target's Logs client, the default groups
// of cogscope tail, Live Tail with the polling fallback. The UI sanitises
// what it shows.
type consoleLogs struct {
	c *console
	// recheck is how often a tail looks for its groups that did not
	// exist yet (a Lambda's group appears on its first invocation).
	recheck time.Duration

	// api is the target's Logs client, built on first use and shared by
	// every tail (view 4's, the pane's, their restarts) and Groups: one
	// AWS configuration, whose credentials are fetched once.
	mu  sync.Mutex
	api *logview.Client
	key targetKey // the target api is of: another target, another client

	// hubs are the tails' shared sessions, one per filter pattern
	// (tailhub.go); hubMu guards them and their subscribers.
	hubMu sync.Mutex
	hubs  map[string]*tailHub
}

func newConsoleLogs(c *console) *consoleLogs { return &consoleLogs{c: c, recheck: 5 * time.Second} }

// target waits for the in-process stack to start, if the console starts
// one, and returns the final target.
func (l *consoleLogs) target(ctx context.Context) (cmdutil.Target, error) {
	select {
	case <-l.c.done:
	case <-ctx.Done():
		return cmdutil.Target{}, ctx.Err()
	}
	t := l.c.current()
	if t.Pending {
		return t, errors.New("the local stack did not start")
	}
	return t, nil
}

func (l *consoleLogs) client(ctx context.Context) (*logview.Client, cmdutil.Target, error) {
	t, err := l.target(ctx)
	if err != nil {
		return nil, t, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if key := keyOf(t); l.api == nil || l.key != key {
		c, err := logview.NewClient(ctx, l.c.f, t)
		if err != nil {
			return nil, t, explainErr(err, t)
		}
		l.api, l.key = c, key
	}
	return l.api, t, nil
}

func explainErr(err error, t cmdutil.Target) error {
	msg, _ := logview.Explain(err, t)
	return errors.New(msg)
}

// Groups implements service.Logs: the profile's logs.groups, else those
// the API Gateway configuration names (the console's one read of it,
// which the API view shares), else the local stack's.
func (l *consoleLogs) Groups(ctx context.Context) ([]string, error) {
	api, t, err := l.client(ctx)
	if err != nil {
		return nil, err
	}
	prof, err := l.c.f.Profile()
	if err != nil {
		return nil, err
	}
	d, ok := logview.ProfileGroups(prof)
	if !ok {
		d, err = l.defaults(ctx, t, prof, api)
		if err != nil {
			return nil, explainErr(err, t)
		}
	}
	return d.All(), nil
}

// defaults are the groups the console's read of API Gateway's
// configuration names (narrowed to the API of the profile's
// api.base_url), else the local stack's. Where that read sent nothing (no
// AWS credentials or configuration found), or read in another region than
// tail would (a local endpoint and no region), the groups are found as
// tail finds them: its own read, and its own words for what failed.
func (l *consoleLogs) defaults(ctx context.Context, t cmdutil.Target, prof cmdutil.ActiveProfile, api *logview.Client) (logview.Defaults, error) {
	if t.Region == "" && t.Endpoint != "" {
		return logview.DefaultGroups(ctx, l.c.f, t, prof, api)
	}
	conf, sent, rerr := l.c.apiConfig(ctx, t)
	if ctx.Err() != nil {
		return logview.Defaults{}, ctx.Err()
	}
	if !sent {
		return logview.DefaultGroups(ctx, l.c.f, t, prof, api)
	}
	conf, rerr = logview.Narrow(conf, rerr, logview.ProfileAPIIDs(prof))
	return logview.GroupsFrom(ctx, t, api, conf, rerr)
}

// Tail implements service.Logs. Groups that do not exist yet are skipped
// and looked for again every few seconds: when one appears the tail ends
// (its last Status says so) and the view starts it again.
func (l *consoleLogs) Tail(ctx context.Context, req service.TailRequest) (<-chan service.TailUpdate, error) {
	if len(req.Groups) == 0 {
		return nil, errors.New("no log group to follow")
	}
	api, t, err := l.client(ctx)
	if err != nil {
		return nil, err
	}
	groups, missing, err := resolveExisting(ctx, api, req.Groups)
	if err != nil {
		return nil, explainErr(err, t)
	}
	if len(groups) == 0 {
		return nil, fmt.Errorf("%w: %s do not exist (a group appears with its first line: the API's first logged request, a Lambda's first invocation)", service.ErrNoGroupYet, strings.Join(missing, ", "))
	}
	sub := newTailSub(ctx, groups, req.Since, l.c.f.Clock())
	if len(missing) > 0 {
		sub.status(service.TailStatus{Mode: service.TailLive, Err: fmt.Errorf("not following %s: not there yet", strings.Join(missing, ", ")), Retrying: true})
	}
	var appeared chan string
	if len(missing) > 0 {
		appeared = make(chan string, 1)
		go watchGroups(sub.wctx, api, missing, l.recheck, appeared)
	}
	h := l.subscribe(api, req.FilterPattern, sub)
	go func() {
		select {
		case <-ctx.Done():
		case <-sub.quit:
		case name := <-appeared:
			last := sub.current()
			last.Err, last.Retrying = fmt.Errorf("%w: %s: following it too", service.ErrGroupAppeared, name), true
			sub.send(context.Background(), service.TailUpdate{Status: &last})
		}
		sub.finish()
		h.unsubscribe(sub)
	}()
	return sub.out, nil
}

// resolveExisting resolves the groups one by one and names those that do
// not exist.
func resolveExisting(ctx context.Context, api logtail.API, names []string) ([]logtail.Group, []string, error) {
	var groups []logtail.Group
	var missing []string
	for _, n := range names {
		g, err := logtail.ResolveGroups(ctx, api, []string{n})
		var ug *logtail.UnknownGroupError
		switch {
		case errors.As(err, &ug):
			missing = append(missing, n)
		case err != nil:
			return nil, nil, err
		default:
			groups = append(groups, g...)
		}
	}
	return groups, missing, nil
}

// watchGroups says on appeared when one of the missing groups exists.
func watchGroups(ctx context.Context, api logtail.API, missing []string, every time.Duration, appeared chan<- string) {
	tk := time.NewTicker(every)
	defer tk.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tk.C:
		}
		for _, n := range missing {
			if _, err := logtail.ResolveGroups(ctx, api, []string{n}); err == nil {
				appeared <- n
				return
			}
		}
	}
}

// maxTracked bounds the invocations a tail remembers.
const maxTracked = 10_000

// tracker gives a Live Tail session's events the API Gateway request id
// they carry. apiIDs maps a Lambda invocation (its request id) to the
// API Gateway request id it logged; current is each stream's running
// invocation. Entries go at REPORT, and all at maxTracked.
type tracker struct {
	apiIDs  map[string]string
	current map[string]string
}

func newTracker() *tracker {
	return &tracker{apiIDs: map[string]string{}, current: map[string]string{}}
}

// event is a LogEvent whose RequestID is the API Gateway request id: an
// access line's requestId, or, for a Lambda authorizer's lines, the
// requestContext.requestId its invocation logged (from that line on).
func (s *tracker) event(e logtail.Event) service.LogEvent {
	le := service.LogEvent{Time: e.Time(), Group: e.LogGroup, Stream: e.LogStream, ID: e.EventID, Message: e.Message}
	l := logtail.ParseLambdaLine(e.Message)
	stream := e.LogGroup + "\x00" + e.LogStream
	inv := l.RequestID
	if inv == "" && l.Kind == logtail.LineOther {
		inv = s.current[stream]
	}
	m, isJSON := logtail.JSONObject(e.Message)
	if inv == "" {
		if id, ok := m["requestId"].(string); isJSON && ok {
			le.RequestID = id
		}
		return le
	}
	if len(s.apiIDs) >= maxTracked {
		clear(s.apiIDs)
		clear(s.current)
	}
	if isJSON {
		if rc, ok := m["requestContext"].(map[string]any); ok {
			if id, ok := rc["requestId"].(string); ok {
				s.apiIDs[inv] = id
			}
		}
	}
	le.RequestID = s.apiIDs[inv]
	switch l.Kind {
	case logtail.LineStart:
		s.current[stream] = inv
	case logtail.LineReport:
		delete(s.apiIDs, inv)
		if s.current[stream] == inv {
			delete(s.current, stream)
		}
	}
	return le
}
