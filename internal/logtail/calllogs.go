package logtail

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/smithy-go"
)

// CallQuery asks for the log lines of one API Gateway call.
type CallQuery struct {
	// APIRequestID is the call's API Gateway request id: the
	// apigw-requestid header (HTTP API) or x-amzn-RequestId (REST), which
	// the access log has as $context.requestId.
	APIRequestID string
	// AccessLogGroups are the stage's access-log groups; AuthorizerGroups
	// the Lambda authorizers' groups (/aws/lambda/<function>).
	AccessLogGroups  []string
	AuthorizerGroups []string
	// Since is a little before the call was made; default 5 minutes ago.
	Since time.Time
	// Wait is how long to wait for the lines to arrive; default 10 s.
	Wait time.Duration
	// PollInterval is the time between looks; default 500 ms.
	PollInterval time.Duration
	Now          func() time.Time
}

// CallLogs are the lines of one call that arrived before the deadline.
type CallLogs struct {
	APIRequestID string
	// Access is the access-log line whose requestId is the call's, and
	// AccessFields its JSON (nil for a non-JSON format).
	Access       *Event
	AccessFields map[string]any
	// AuthorizerError is $context.authorizer.error from the access line
	// ("" when the line has none or it is "-").
	AuthorizerError string
	// AuthorizerRequestID is the authorizer invocation's Lambda request
	// id: from the access line's $context.authorizer.requestId (REST), or
	// from the authorizer's own line that logged the call's request id
	// (HTTP API authorizers log requestContext.requestId).
	AuthorizerRequestID string
	// Authorizer holds the authorizer invocation's lines (START, its
	// decision, END, REPORT), when found.
	Authorizer *Invocation
	// Missing names what did not arrive before the deadline, e.g.
	// "access-log line", "authorizer lines", "authorizer REPORT line".
	Missing []string

	decision  *Event // the authorizer line that logged the call's request id
	authGroup string // the group it is in
}

// Complete reports whether everything asked for arrived.
func (c *CallLogs) Complete() bool { return len(c.Missing) == 0 }

// FindCallLogs waits up to q.Wait for the call's access-log line and its
// authorizer's invocation, and returns what it found; Missing says what did
// not arrive. An error means the lookup itself failed (an unreachable
// endpoint, or a group that still did not exist at the deadline — AWS's
// ResourceNotFoundException), not merely that lines are missing.
func FindCallLogs(ctx context.Context, api API, q CallQuery) (*CallLogs, error) {
	if q.APIRequestID == "" {
		return nil, fmt.Errorf("find call logs: no API Gateway request id")
	}
	if q.Now == nil {
		q.Now = time.Now
	}
	if q.Wait <= 0 {
		q.Wait = 10 * time.Second
	}
	if q.PollInterval <= 0 {
		q.PollInterval = 500 * time.Millisecond
	}
	if q.Since.IsZero() {
		q.Since = q.Now().Add(-5 * time.Minute)
	}
	deadline := q.Now().Add(q.Wait)
	res := &CallLogs{APIRequestID: q.APIRequestID}
	var absent error // a group that does not exist (yet: Lambda creates its group on first invocation)
	for {
		done, err := res.look(ctx, api, q)
		if err != nil && isNotFound(err) {
			absent, err = err, nil
		} else if err == nil {
			absent = nil
		}
		if err != nil {
			return res, err
		}
		if done || !q.Now().Before(deadline) {
			break
		}
		if err := sleep(ctx, min(q.PollInterval, deadline.Sub(q.Now()))); err != nil {
			return res, err
		}
	}
	res.Missing = res.missing(q)
	if absent != nil && len(res.Missing) > 0 {
		return res, absent
	}
	return res, nil
}

func isNotFound(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "ResourceNotFoundException"
}

func (c *CallLogs) missing(q CallQuery) []string {
	var m []string
	if len(q.AccessLogGroups) > 0 && c.Access == nil {
		m = append(m, "access-log line")
	}
	if len(q.AuthorizerGroups) > 0 && !c.noAuthorizer() {
		switch {
		case c.Authorizer == nil:
			m = append(m, "authorizer lines")
		case !c.Authorizer.Complete():
			m = append(m, "authorizer REPORT line")
		}
	}
	return m
}

// noAuthorizer: the access line says no authorizer ran for this call (a
// cached decision, a missing identity source: "-" or empty request id
// while other authorizer fields are there).
func (c *CallLogs) noAuthorizer() bool {
	if c.AccessFields == nil || c.AuthorizerRequestID != "" {
		return false
	}
	v, ok := findField(c.AccessFields, isAuthorizerRequestIDKey)
	return ok && (v == "" || v == "-")
}

// look makes one pass; done is true when nothing more is expected.
func (c *CallLogs) look(ctx context.Context, api API, q CallQuery) (bool, error) {
	since := q.Since.UnixMilli()
	phrase := quotePhrase(q.APIRequestID)
	if c.Access == nil {
		for _, g := range q.AccessLogGroups {
			evs, err := search(ctx, api, g, phrase, since, nil)
			if err != nil {
				return false, err
			}
			for _, e := range evs {
				fields, isJSON := JSONObject(e.Message)
				if isJSON && !fieldEquals(fields, "requestId", q.APIRequestID) {
					continue
				}
				c.Access, c.AccessFields = &e, fields
				if isJSON {
					if v, ok := findField(fields, isAuthorizerErrorKey); ok && v != "-" {
						c.AuthorizerError = v
					}
					if v, ok := findField(fields, isAuthorizerRequestIDKey); ok && v != "-" {
						c.AuthorizerRequestID = v
					}
				}
				break
			}
			if c.Access != nil {
				break
			}
		}
	}
	if len(q.AuthorizerGroups) > 0 && !c.noAuthorizer() {
		if err := c.lookAuthorizer(ctx, api, q, since); err != nil {
			return false, err
		}
	}
	return len(c.missing(q)) == 0, nil
}

func (c *CallLogs) lookAuthorizer(ctx context.Context, api API, q CallQuery, since int64) error {
	if c.AuthorizerRequestID == "" {
		// HTTP API: the authorizer logged the call's request id.
		for _, g := range q.AuthorizerGroups {
			evs, err := search(ctx, api, g, quotePhrase(q.APIRequestID), since, nil)
			if err != nil {
				return err
			}
			if len(evs) == 0 {
				continue
			}
			e := evs[0]
			c.decision, c.authGroup = &e, g
			if l := ParseLambdaLine(e.Message); l.RequestID != "" {
				c.AuthorizerRequestID = l.RequestID
			} else {
				id, err := startBefore(ctx, api, g, e)
				if err != nil {
					return err
				}
				c.AuthorizerRequestID = id
			}
			break
		}
		if c.AuthorizerRequestID == "" {
			return nil
		}
	}
	decision := c.decision
	groups := q.AuthorizerGroups
	if c.authGroup != "" {
		groups = []string{c.authGroup}
	}
	for _, g := range groups {
		evs, err := search(ctx, api, g, quotePhrase(c.AuthorizerRequestID), since, nil)
		if err != nil {
			return err
		}
		if len(evs) == 0 {
			continue
		}
		if decision != nil && !slices.ContainsFunc(evs, func(e Event) bool { return e.EventID == decision.EventID }) {
			evs = append(evs, *decision)
			slices.SortStableFunc(evs, func(a, b Event) int {
				if c := cmpInt(a.Timestamp, b.Timestamp); c != 0 {
					return c
				}
				return strings.Compare(a.EventID, b.EventID)
			})
		}
		gr := NewGrouper()
		for _, e := range evs {
			gr.Add(e)
		}
		for _, inv := range gr.Invocations() {
			if inv.RequestID == c.AuthorizerRequestID {
				if inv.Decision == nil && decision != nil {
					if d, ok := ParseDecision(decision.Message); ok {
						inv.Decision = &d
					}
				}
				c.Authorizer = inv
				return nil
			}
		}
	}
	return nil
}

// startBefore finds the Lambda request id of the START line that precedes e
// in its stream: the invocation a line without a request id belongs to.
func startBefore(ctx context.Context, api API, group string, e Event) (string, error) {
	evs, err := search(ctx, api, group, `"START RequestId"`, e.Timestamp-15*60*1000, &e)
	if err != nil {
		return "", err
	}
	id := ""
	for _, s := range evs {
		if s.LogStream != e.LogStream {
			continue
		}
		if s.Timestamp > e.Timestamp || s.Timestamp == e.Timestamp && s.EventID > e.EventID {
			break
		}
		if l := ParseLambdaLine(s.Message); l.Kind == LineStart {
			id = l.RequestID
		}
	}
	return id, nil
}

// search returns a group's events matching pattern since a time (up to
// e's timestamp when e is given), in order.
func search(ctx context.Context, api API, group, pattern string, since int64, upTo *Event) ([]Event, error) {
	in := &cwl.FilterLogEventsInput{LogGroupName: aws.String(group), FilterPattern: aws.String(pattern), StartTime: aws.Int64(since)}
	if upTo != nil {
		in.EndTime = aws.Int64(upTo.Timestamp)
		in.LogStreamNames = []string{upTo.LogStream}
	}
	var out []Event
	for {
		page, err := api.FilterLogEvents(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("search %s for %s: %w", group, pattern, err)
		}
		for _, fe := range page.Events {
			out = append(out, newEvent(group, aws.ToString(fe.LogStreamName), aws.ToString(fe.EventId),
				aws.ToString(fe.Message), aws.ToInt64(fe.Timestamp), aws.ToInt64(fe.IngestionTime)))
		}
		if page.NextToken == nil {
			return out, nil
		}
		in.NextToken = page.NextToken
	}
}

// PhrasePattern is the filter pattern matching events that contain s
// exactly (a quoted phrase), e.g. for `tail --request-id ID`.
func PhrasePattern(s string) string { return quotePhrase(s) }

// quotePhrase makes an exact-phrase filter pattern.
func quotePhrase(s string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
}

func fieldEquals(m map[string]any, key, want string) bool {
	v, ok := m[key]
	return ok && scalarString(v) == want
}

func isAuthorizerErrorKey(path string) bool {
	p := strings.ToLower(path)
	return p == "autherror" || strings.Contains(p, "authorizer") && strings.HasSuffix(p, "error")
}

func isAuthorizerRequestIDKey(path string) bool {
	p := strings.ToLower(path)
	return strings.Contains(p, "authorizer") && strings.HasSuffix(p, "requestid") || p == "authreqid" || p == "authrequestid"
}

// findField finds a scalar under a key path (nested keys joined by ".")
// the predicate accepts.
func findField(m map[string]any, pred func(path string) bool) (string, bool) {
	var walk func(prefix string, m map[string]any) (string, bool)
	walk = func(prefix string, m map[string]any) (string, bool) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			path := k
			if prefix != "" {
				path = prefix + "." + k
			}
			if sub, ok := m[k].(map[string]any); ok {
				if v, ok := walk(path, sub); ok {
					return v, true
				}
				continue
			}
			if pred(path) {
				return scalarString(m[k]), true
			}
		}
		return "", false
	}
	return walk("", m)
}

func scalarString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}
