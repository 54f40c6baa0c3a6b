package logs

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	"github.com/google/uuid"
)

// Live Tail (protocol reference §7.4): an initial-response event, one
// sessionStart, then a sessionUpdate every tick that has results and at
// least every second, until the client leaves, the connection breaks or
// the session reaches its maximum length (SessionTimeoutException).

const (
	tailBufferEvents = 5000 // AWS buffers a slow reader up to 5000 events
	tailEmptyEvery   = time.Second
	maxTailGroups    = 10
)

type tailResult struct {
	LogStreamName      string `json:"logStreamName"`
	LogGroupIdentifier string `json:"logGroupIdentifier"`
	Message            string `json:"message"`
	Timestamp          int64  `json:"timestamp"`
	IngestionTime      int64  `json:"ingestionTime"`
}

type subscriber struct {
	groups   map[string]string // group name → the ARN the request gave
	streams  map[string]bool
	prefixes []string
	match    matcher

	mu      sync.Mutex
	buf     []tailResult
	dropped int
	wake    chan struct{}
}

// publishLocked hands new events to the sessions that want them. s.mu held.
func (s *Service) publishLocked(g *group, st *stream, evs []event) {
	for sub := range s.subs {
		arn, ok := sub.groups[g.name]
		if !ok {
			continue
		}
		if sub.streams != nil && !sub.streams[st.name] {
			continue
		}
		if sub.prefixes != nil && !slices.ContainsFunc(sub.prefixes, func(p string) bool { return strings.HasPrefix(st.name, p) }) {
			continue
		}
		added := false
		sub.mu.Lock()
		for _, e := range evs {
			if !sub.match.match(e.msg) {
				continue
			}
			if len(sub.buf) >= tailBufferEvents {
				sub.buf = sub.buf[1:]
				sub.dropped++
			}
			sub.buf = append(sub.buf, tailResult{LogStreamName: st.name, LogGroupIdentifier: arn,
				Message: e.msg, Timestamp: e.ts, IngestionTime: e.ingest})
			added = true
		}
		sub.mu.Unlock()
		if added {
			select {
			case sub.wake <- struct{}{}:
			default:
			}
		}
	}
}

type startLiveTailIn struct {
	LogGroupIdentifiers   []string `json:"logGroupIdentifiers"`
	LogStreamNames        []string `json:"logStreamNames"`
	LogStreamNamePrefixes []string `json:"logStreamNamePrefixes"`
	LogEventFilterPattern *string  `json:"logEventFilterPattern"`
}

func opStartLiveTail(s *Service, w http.ResponseWriter, r *http.Request, body []byte) (any, error) {
	in := new(startLiveTailIn)
	if len(body) > 0 {
		if err := json.Unmarshal(body, in); err != nil {
			return nil, newErr(excSerialization, "Could not parse the request body: "+err.Error())
		}
	}
	var v validation
	listLen := func(list []string, member string, required bool, maxLen int) {
		switch n := len(list); {
		case list == nil && !required:
		case list == nil:
			v.add("null", member, "Member must not be null")
		case n < 1:
			v.add("[]", member, "Member must have length greater than or equal to 1")
		case n > maxLen:
			v.add(fmt.Sprint(list), member, fmt.Sprintf("Member must have length less than or equal to %d", maxLen))
		}
	}
	listLen(in.LogGroupIdentifiers, "logGroupIdentifiers", true, maxTailGroups)
	listLen(in.LogStreamNames, "logStreamNames", false, 100)
	listLen(in.LogStreamNamePrefixes, "logStreamNamePrefixes", false, 100)
	if err := v.err(); err != nil {
		return nil, err
	}
	if in.LogStreamNames != nil && in.LogStreamNamePrefixes != nil {
		return nil, newErr(excInvalidParameter, "You cannot specify both logStreamNames and logStreamNamePrefixes.")
	}
	if (in.LogStreamNames != nil || in.LogStreamNamePrefixes != nil) && len(in.LogGroupIdentifiers) != 1 {
		return nil, newErr(excInvalidParameter, "logStreamNames and logStreamNamePrefixes can only be used with exactly one log group.")
	}
	m, err := compilePattern(deref(in.LogEventFilterPattern))
	if err != nil {
		return nil, errf(excInvalidParameter, msgInvalidPatternFmt, err)
	}
	select {
	case <-s.closing:
		return nil, &apiError{Type: excServiceUnavail, Status: http.StatusServiceUnavailable, Message: "The local stack is shutting down."}
	default:
	}
	sub := &subscriber{groups: map[string]string{}, match: m, wake: make(chan struct{}, 1), prefixes: in.LogStreamNamePrefixes}
	if in.LogStreamNames != nil {
		sub.streams = map[string]bool{}
		for _, n := range in.LogStreamNames {
			sub.streams[n] = true
		}
	}
	s.mu.Lock()
	for _, id := range in.LogGroupIdentifiers {
		if !strings.HasPrefix(id, "arn:") {
			s.mu.Unlock()
			return nil, errf(excInvalidParameter, "logGroupIdentifiers must be log group ARNs (arn:aws:logs:%s:%s:log-group:NAME), not %q.", s.region, s.account, id)
		}
		name := s.nameFromIdentifier(id)
		if _, ok := s.groups[name]; !ok {
			s.mu.Unlock()
			return nil, errGroupNotFound()
		}
		sub.groups[name] = id
	}
	s.subs[sub] = struct{}{}
	s.started++
	rate, maxDur, tick := s.tailRate, s.tailMax, s.tailTick
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.subs, sub)
		s.mu.Unlock()
	}()

	start := map[string]any{
		"requestId":           w.Header().Get("x-amzn-RequestId"),
		"sessionId":           uuid.NewString(),
		"logGroupIdentifiers": in.LogGroupIdentifiers,
	}
	if in.LogStreamNames != nil {
		start["logStreamNames"] = in.LogStreamNames
	}
	if in.LogStreamNamePrefixes != nil {
		start["logStreamNamePrefixes"] = in.LogStreamNamePrefixes
	}
	if in.LogEventFilterPattern != nil {
		start["logEventFilterPattern"] = *in.LogEventFilterPattern
	}
	sess := &tailSession{w: w, rc: http.NewResponseController(w), enc: eventstream.NewEncoder()}
	w.Header().Set("Content-Type", "application/vnd.amazon.eventstream")
	w.WriteHeader(http.StatusOK)
	if err := sess.event("initial-response", struct{}{}); err != nil {
		return nil, nil
	}
	if err := sess.event("sessionStart", start); err != nil {
		return nil, nil
	}
	sess.run(r.Context(), s.closing, sub, rate, maxDur, tick)
	return nil, nil
}

type tailSession struct {
	w   http.ResponseWriter
	rc  *http.ResponseController
	enc *eventstream.Encoder
}

func (t *tailSession) write(headers eventstream.Headers, payload []byte) error {
	if err := t.enc.Encode(t.w, eventstream.Message{Headers: headers, Payload: payload}); err != nil {
		return err
	}
	return t.rc.Flush()
}

func (t *tailSession) event(typ string, v any) error {
	payload, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return t.write(eventstream.Headers{
		{Name: ":message-type", Value: eventstream.StringValue("event")},
		{Name: ":event-type", Value: eventstream.StringValue(typ)},
		{Name: ":content-type", Value: eventstream.StringValue("application/json")},
	}, payload)
}

func (t *tailSession) exception(typ, msg string) error {
	payload, _ := json.Marshal(map[string]string{"message": msg})
	return t.write(eventstream.Headers{
		{Name: ":message-type", Value: eventstream.StringValue("exception")},
		{Name: ":exception-type", Value: eventstream.StringValue(typ)},
		{Name: ":content-type", Value: eventstream.StringValue("application/json")},
	}, payload)
}

func (t *tailSession) run(ctx context.Context, closing <-chan struct{}, sub *subscriber, rate int, maxDur, tick time.Duration) {
	ticker := time.NewTicker(tick)
	defer ticker.Stop()
	deadline := time.NewTimer(maxDur)
	defer deadline.Stop()
	lastSent := time.Now()
	windowStart, windowCount := time.Now(), 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-closing:
			_ = t.exception(excSessionStreaming, "The local stack is shutting down.")
			return
		case <-deadline.C:
			_ = t.exception(excSessionTimeout, fmt.Sprintf("Session exceeded the maximum duration of %s.", maxDur))
			return
		case <-ticker.C:
		}
		sub.mu.Lock()
		batch, dropped := sub.buf, sub.dropped
		sub.buf, sub.dropped = nil, 0
		sub.mu.Unlock()
		now := time.Now()
		if len(batch) == 0 && now.Sub(lastSent) < tailEmptyEvery {
			continue
		}
		if now.Sub(windowStart) >= time.Second {
			windowStart, windowCount = now, 0
		}
		sampled := dropped > 0
		if rate >= 0 && windowCount+len(batch) > rate {
			batch = sample(batch, max(0, rate-windowCount))
			sampled = true
		}
		windowCount += len(batch)
		if batch == nil {
			batch = []tailResult{}
		}
		update := map[string]any{"sessionMetadata": map[string]bool{"sampled": sampled}, "sessionResults": batch}
		if err := t.event("sessionUpdate", update); err != nil {
			return // the client left
		}
		lastSent = now
	}
}

// sample keeps n of the results, evenly spread.
func sample(in []tailResult, n int) []tailResult {
	if n >= len(in) {
		return in
	}
	out := make([]tailResult, 0, n)
	for i := range n {
		out = append(out, in[i*len(in)/n])
	}
	return out
}
