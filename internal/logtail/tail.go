package logtail

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"
)

// NoticeKind says what a Notice reports.
type NoticeKind int

const (
	// NoticeLiveTail: a Live Tail session started (Detail: its session id;
	// Count: how many sessions so far, >1 after a reconnect).
	NoticeLiveTail NoticeKind = iota + 1
	// NoticePolling: following by FilterLogEvents polling. Err says why
	// Live Tail is not used (nil when polling was asked for).
	NoticePolling
	// NoticeSampled: AWS sampled the Live Tail session (more than 500
	// matching events a second): not every event is shown.
	NoticeSampled
	// NoticeReconnect: the Live Tail session ended (Err: why — the
	// 3-hour cap is a *types.SessionTimeoutException); reconnecting after
	// Wait. Events of the gap are fetched with FilterLogEvents.
	NoticeReconnect
	// NoticeRetry: a FilterLogEvents request failed (Err); retrying after
	// Wait. Nothing is lost: the round is redone from the cursor.
	NoticeRetry
	// NoticeCatchUp: Count events of the time before the session (the
	// --since window, or the gap of a reconnect) came from FilterLogEvents.
	NoticeCatchUp
)

// Notice is something the person tailing should be told.
type Notice struct {
	Kind   NoticeKind
	Err    error
	Wait   time.Duration
	Detail string
	Count  int
}

// Options configure Tail.
type Options struct {
	Groups       []Group   // from ResolveGroups
	StreamNames  []string  // only these streams (Live Tail: one group only; else polling)
	StreamPrefix string    // only streams with this prefix
	Filter       string    // CloudWatch filter pattern, evaluated by the service
	Since        time.Time // zero: the beginning, or now when following
	Until        time.Time // zero: no end
	Follow       bool      // keep reading new events
	Poll         bool      // follow by polling even where Live Tail works
	// PollInterval is the time between polling rounds; default 1 s.
	PollInterval time.Duration
	// Overlap is how far behind the newest event each polling round looks
	// again, so late events are not lost; default 5 s.
	Overlap time.Duration
	// MaxBackoff caps the wait between reconnects and retries; default 30 s.
	MaxBackoff time.Duration
	// MaxFailures is how many failures in a row (sessions that would not
	// start, polling rounds) end the tail with an error; default 8.
	MaxFailures int
	Notify      func(Notice) // default: ignore
	Now         func() time.Time
}

const maxLiveTailGroups = 10

var errStop = errors.New("consumer stopped")

// errStreamEnded is a Live Tail stream that closed without an error.
var errStreamEnded = errors.New("the Live Tail stream ended")

// Tail reads the groups' events and hands each to yield, in timestamp order
// per group. Without Follow it reads [Since, Until] once by FilterLogEvents
// and returns. With Follow it reads the Since window and then follows with
// Live Tail (or polling), until ctx ends, Until passes, or yield returns
// false — then it closes the stream and returns (nil, or ctx's error).
func Tail(ctx context.Context, api API, opts Options, yield func(Event) bool) error {
	if len(opts.Groups) == 0 {
		return ErrNoGroups
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = time.Second
	}
	if opts.Overlap <= 0 {
		opts.Overlap = 5 * time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 30 * time.Second
	}
	if opts.MaxFailures <= 0 {
		opts.MaxFailures = 8
	}
	if opts.Notify == nil {
		opts.Notify = func(Notice) {}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	t := &tailer{api: api, o: opts, yield: yield, cursors: map[string]*Cursor{}, live: newSigSet()}
	from := opts.Since
	if from.IsZero() && opts.Follow {
		from = opts.Now() // following without --since: from now on
	}
	for _, g := range opts.Groups {
		t.cursors[g.Name] = NewCursor(from, opts.Overlap)
	}
	var err error
	switch {
	case !opts.Follow:
		err = t.pollRound(ctx, t.untilMS(), nil)
	case opts.Poll:
		opts.Notify(Notice{Kind: NoticePolling})
		err = t.pollLoop(ctx)
	default:
		err = t.liveLoop(ctx)
	}
	if errors.Is(err, errStop) {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

type tailer struct {
	api     API
	o       Options
	yield   func(Event) bool
	cursors map[string]*Cursor
	live    *sigSet // signatures of events delivered by Live Tail
}

func (t *tailer) untilMS() *int64 {
	if t.o.Until.IsZero() {
		return nil
	}
	return aws.Int64(t.o.Until.UnixMilli())
}

func (t *tailer) emit(events []Event) error {
	for _, e := range events {
		if !t.yield(e) {
			return errStop
		}
	}
	return nil
}

// fetch pages one group from startTime through the cursor. Events already
// delivered (by id, or by Live Tail signature) are left out.
func (t *tailer) fetch(ctx context.Context, g Group, startTime int64, until *int64, into *[]Event, skipLive bool) error {
	c := t.cursors[g.Name]
	in := &cwl.FilterLogEventsInput{LogGroupName: aws.String(g.Name), StartTime: aws.Int64(startTime), EndTime: until}
	if t.o.Filter != "" {
		in.FilterPattern = aws.String(t.o.Filter)
	}
	if len(t.o.StreamNames) > 0 {
		in.LogStreamNames = t.o.StreamNames
	} else if t.o.StreamPrefix != "" {
		in.LogStreamNamePrefix = aws.String(t.o.StreamPrefix)
	}
	for {
		out, err := t.api.FilterLogEvents(ctx, in)
		if err != nil {
			return fmt.Errorf("filter log events of %s: %w", g.Name, err)
		}
		for _, fe := range out.Events {
			ts := aws.ToInt64(fe.Timestamp)
			if !c.Admit(aws.ToString(fe.EventId), ts) {
				continue
			}
			e := newEvent(g.Name, aws.ToString(fe.LogStreamName), aws.ToString(fe.EventId), aws.ToString(fe.Message), ts, aws.ToInt64(fe.IngestionTime))
			if skipLive && t.live.take(e) {
				continue // Live Tail delivered it already
			}
			*into = append(*into, e)
		}
		if out.NextToken == nil {
			return nil
		}
		in.NextToken = out.NextToken
	}
}

// pollRound reads every group once from its cursor (or from `from`) and
// delivers the new events in timestamp order. On an error it delivers what
// it got first: the cursor has admitted those, and a redone round must not
// drop them.
func (t *tailer) pollRound(ctx context.Context, until *int64, from *int64) error {
	var batch []Event
	var ferr error
	for _, g := range t.o.Groups {
		c := t.cursors[g.Name]
		start := c.StartTime()
		if from != nil {
			start = *from
		}
		if ferr = t.fetch(ctx, g, start, until, &batch, true); ferr != nil {
			break
		}
		c.Prune()
	}
	slices.SortStableFunc(batch, func(a, b Event) int { return cmpInt(a.Timestamp, b.Timestamp) })
	if err := t.emit(batch); err != nil {
		return err
	}
	return ferr
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (t *tailer) backoff(n int) time.Duration {
	d := 500 * time.Millisecond << min(n-1, 10)
	return min(d, t.o.MaxBackoff)
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}

// Permanent reports whether an error will not go away by retrying: an AWS
// client error other than throttling (an unknown group, a bad pattern,
// access denied), or an unknown group.
func Permanent(err error) bool {
	var ug *UnknownGroupError
	if errors.As(err, &ug) {
		return true
	}
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorFault() != smithy.FaultServer {
		switch ae.ErrorCode() {
		case "ThrottlingException", "LimitExceededException", "ServiceUnavailableException", "RequestTimeout", "RequestTimeoutException":
			return false
		}
		return true
	}
	return false
}

func (t *tailer) pollLoop(ctx context.Context) error {
	failures := 0
	for {
		roundStart := t.o.Now()
		err := t.pollRound(ctx, t.untilMS(), nil)
		switch {
		case err == nil:
			failures = 0
		case errors.Is(err, errStop) || ctx.Err() != nil:
			return err
		case Permanent(err):
			return err
		default:
			failures++
			if failures > t.o.MaxFailures {
				return fmt.Errorf("polling failed %d times in a row: %w", failures, err)
			}
			wait := t.backoff(failures)
			t.o.Notify(Notice{Kind: NoticeRetry, Err: err, Wait: wait})
			if err := sleep(ctx, wait); err != nil {
				return err
			}
			continue
		}
		if !t.o.Until.IsZero() && roundStart.After(t.o.Until) {
			return nil
		}
		if err := sleep(ctx, t.o.PollInterval); err != nil {
			return err
		}
	}
}

// liveRefusal says why Live Tail cannot serve these options, or nil.
func (t *tailer) liveRefusal() error {
	switch {
	case len(t.o.Groups) > maxLiveTailGroups:
		return fmt.Errorf("Live Tail follows at most %d log groups, not %d", maxLiveTailGroups, len(t.o.Groups))
	case (len(t.o.StreamNames) > 0 || t.o.StreamPrefix != "") && len(t.o.Groups) > 1:
		return errors.New("Live Tail selects log streams only when tailing one log group")
	}
	return nil
}

func (t *tailer) liveInput() *cwl.StartLiveTailInput {
	in := &cwl.StartLiveTailInput{}
	for _, g := range t.o.Groups {
		in.LogGroupIdentifiers = append(in.LogGroupIdentifiers, g.ARN)
	}
	if t.o.Filter != "" {
		in.LogEventFilterPattern = aws.String(t.o.Filter)
	}
	if len(t.o.StreamNames) > 0 {
		in.LogStreamNames = t.o.StreamNames
	} else if t.o.StreamPrefix != "" {
		in.LogStreamNamePrefixes = []string{t.o.StreamPrefix}
	}
	return in
}

func (t *tailer) liveLoop(ctx context.Context) error {
	if err := t.liveRefusal(); err != nil {
		t.o.Notify(Notice{Kind: NoticePolling, Err: err})
		return t.pollLoop(ctx)
	}
	var catchFrom *int64
	if !t.o.Since.IsZero() {
		catchFrom = aws.Int64(t.o.Since.UnixMilli())
	}
	sessions, failures := 0, 0
	// Nothing before floor is wanted: the --since time, or when the tail
	// began.
	floor := t.o.Now().UnixMilli()
	if catchFrom != nil {
		floor = *catchFrom
	}
	for {
		began := t.o.Now()
		sctx, cancel := context.WithCancel(ctx)
		out, err := t.api.StartLiveTail(sctx, t.liveInput())
		if err == nil {
			err = t.session(sctx, out.GetStream(), catchFrom, sessions+1)
			out.GetStream().Close()
		}
		cancel()
		if errors.Is(err, errStop) || ctx.Err() != nil {
			return err
		}
		if err == nil { // Until passed
			return nil
		}
		var started *sessionStarted
		if errors.As(err, &started) {
			sessions++
			err = started.err
		}
		if sessions == 0 && failures == 0 {
			// Live Tail refused or absent: poll from where the session
			// would have started.
			t.o.Notify(Notice{Kind: NoticePolling, Err: err})
			from := began
			if catchFrom != nil {
				from = time.UnixMilli(*catchFrom)
			}
			for _, c := range t.cursors {
				c.start, c.last = from.UnixMilli(), from.UnixMilli()
			}
			return t.pollLoop(ctx)
		}
		// Reconnect; the gap is fetched with FilterLogEvents.
		gap := began.Add(-t.o.Overlap).UnixMilli()
		if last := t.live.newest; last > 0 {
			gap = min(gap, last-t.o.Overlap.Milliseconds())
		}
		catchFrom = aws.Int64(max(gap, floor))
		var timeout *types.SessionTimeoutException
		var wait time.Duration
		switch {
		case errors.As(err, &timeout):
			failures = 0
		case started != nil && t.o.Now().Sub(began) > time.Minute:
			failures = 1
			wait = t.backoff(failures)
		default:
			failures++
			if failures > t.o.MaxFailures {
				return fmt.Errorf("Live Tail failed %d times in a row: %w", failures, err)
			}
			wait = t.backoff(failures)
		}
		t.o.Notify(Notice{Kind: NoticeReconnect, Err: err, Wait: wait})
		if err := sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// sessionStarted wraps the error that ended a session that had started.
type sessionStarted struct{ err error }

func (s *sessionStarted) Error() string { return s.err.Error() }
func (s *sessionStarted) Unwrap() error { return s.err }

type catchUp struct {
	events []Event
	err    error
}

// session reads one Live Tail stream. It returns nil when Until has passed,
// errStop when the consumer stopped, or why the stream ended (wrapped in
// *sessionStarted once sessionStart arrived).
func (t *tailer) session(ctx context.Context, stream *cwl.StartLiveTailEventStream, catchFrom *int64, n int) error {
	events := stream.Events()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case ev, ok := <-events:
		if !ok {
			if err := stream.Err(); err != nil {
				return err
			}
			return errStreamEnded
		}
		start, isStart := ev.(*types.StartLiveTailResponseStreamMemberSessionStart)
		if !isStart {
			return fmt.Errorf("the Live Tail stream began with %T, not sessionStart", ev)
		}
		t.o.Notify(Notice{Kind: NoticeLiveTail, Detail: aws.ToString(start.Value.SessionId), Count: n})
	}
	var catchDone chan catchUp
	var pending []Event
	if catchFrom != nil {
		catchDone = make(chan catchUp, 1)
		from := *catchFrom
		cctx, ccancel := context.WithCancel(ctx)
		done := catchDone
		// The catch-up uses the cursors: it must be over before the
		// session returns and a new one starts.
		defer func() {
			ccancel()
			if catchDone != nil {
				<-done
			}
		}()
		ctx := cctx
		go func() {
			var evs []Event
			var err error
			for attempt := 1; attempt <= 3; attempt++ {
				err = t.collect(ctx, from, &evs)
				if err == nil || Permanent(err) || ctx.Err() != nil {
					break
				}
				_ = sleep(ctx, t.backoff(attempt))
			}
			catchDone <- catchUp{evs, err}
		}()
	}
	sampled := false
	fromCatchUp := newSigSet() // events the catch-up delivered
	finishCatchUp := func(r catchUp) error {
		catchDone = nil
		if r.err != nil {
			return &sessionStarted{fmt.Errorf("catch up with FilterLogEvents: %w", r.err)}
		}
		kept := r.events[:0]
		for _, e := range r.events {
			if !t.live.take(e) {
				kept = append(kept, e)
				// Live Tail may still bring it in a later update.
				fromCatchUp.add(e, t.o.Overlap.Milliseconds())
			}
		}
		t.o.Notify(Notice{Kind: NoticeCatchUp, Count: len(kept)})
		if err := t.emit(kept); err != nil {
			return err
		}
		err := t.emit(pending)
		pending = nil
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case r := <-catchDone:
			if err := finishCatchUp(r); err != nil {
				return err
			}
		case ev, ok := <-events:
			if !ok {
				if catchDone != nil { // deliver the window before saying the stream ended
					if err := finishCatchUp(<-catchDone); err != nil {
						return err
					}
				}
				err := stream.Err()
				if err == nil {
					err = errStreamEnded
				}
				return &sessionStarted{err}
			}
			u, isUpdate := ev.(*types.StartLiveTailResponseStreamMemberSessionUpdate)
			if !isUpdate {
				continue
			}
			if s := u.Value.SessionMetadata != nil && u.Value.SessionMetadata.Sampled; s && !sampled {
				t.o.Notify(Notice{Kind: NoticeSampled})
				sampled = true
			}
			batch := make([]Event, 0, len(u.Value.SessionResults))
			for _, r := range u.Value.SessionResults {
				e := newEvent(GroupName(aws.ToString(r.LogGroupIdentifier)), aws.ToString(r.LogStreamName), "",
					aws.ToString(r.Message), aws.ToInt64(r.Timestamp), aws.ToInt64(r.IngestionTime))
				if fromCatchUp.take(e) {
					continue // the catch-up delivered it first
				}
				t.live.add(e, t.o.Overlap.Milliseconds())
				batch = append(batch, e)
			}
			if catchDone != nil {
				pending = append(pending, batch...)
			} else if err := t.emit(batch); err != nil {
				return err
			}
			if !t.o.Until.IsZero() && t.o.Now().After(t.o.Until) {
				if catchDone != nil {
					if err := finishCatchUp(<-catchDone); err != nil {
						return err
					}
				}
				return nil
			}
		}
	}
}

// collect reads every group from `from` up to now for a catch-up.
func (t *tailer) collect(ctx context.Context, from int64, into *[]Event) error {
	var got []Event
	for _, g := range t.o.Groups {
		// Not skipping Live Tail's events here: this runs beside the
		// session, which owns t.live; finishCatchUp skips them.
		if err := t.fetch(ctx, g, from, t.untilMS(), &got, false); err != nil {
			*into = append(*into, got...) // admitted: keep them
			return err
		}
		t.cursors[g.Name].PruneBefore(from - t.o.Overlap.Milliseconds())
	}
	slices.SortStableFunc(got, func(a, b Event) int { return cmpInt(a.Timestamp, b.Timestamp) })
	*into = append(*into, got...)
	return nil
}

// sigSet is a multiset of Live Tail events (which carry no id) by group,
// stream, timestamp and message, kept for an overlap window so the
// FilterLogEvents catch-up after a (re)connect skips what Live Tail showed.
type sigSet struct {
	counts map[uint64]int
	queue  []sigEntry
	newest int64
}

type sigEntry struct {
	ts  int64
	sig uint64
}

func newSigSet() *sigSet { return &sigSet{counts: map[uint64]int{}} }

func signature(e Event) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00", e.LogGroup, e.LogStream, e.Timestamp)
	h.Write([]byte(e.Message))
	return h.Sum64()
}

func (s *sigSet) add(e Event, window int64) {
	sig := signature(e)
	s.counts[sig]++
	s.queue = append(s.queue, sigEntry{e.Timestamp, sig})
	s.newest = max(s.newest, e.Timestamp)
	// Forget what left the window (twice the overlap: a reconnect looks
	// back one overlap behind the newest event).
	floor := s.newest - 2*window - int64(time.Minute/time.Millisecond)
	i := 0
	for i < len(s.queue) && s.queue[i].ts < floor {
		if c := s.counts[s.queue[i].sig]; c <= 1 {
			delete(s.counts, s.queue[i].sig)
		} else {
			s.counts[s.queue[i].sig] = c - 1
		}
		i++
	}
	if i > 0 {
		s.queue = s.queue[i:]
	}
}

// take reports whether Live Tail delivered e, consuming one count.
func (s *sigSet) take(e Event) bool {
	if len(s.counts) == 0 {
		return false
	}
	sig := signature(e)
	c := s.counts[sig]
	switch {
	case c == 0:
		return false
	case c == 1:
		delete(s.counts, sig)
	default:
		s.counts[sig] = c - 1
	}
	return true
}
