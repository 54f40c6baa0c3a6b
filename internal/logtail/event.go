package logtail

import (
	"context"
	"errors"
	"strings"
	"time"

	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

// API is the part of the CloudWatch Logs client the library uses;
// *cloudwatchlogs.Client satisfies it (build one with awsclient.Logs, which
// switches off StartLiveTail's host prefix for an overridden endpoint).
type API interface {
	DescribeLogGroups(ctx context.Context, in *cwl.DescribeLogGroupsInput, optFns ...func(*cwl.Options)) (*cwl.DescribeLogGroupsOutput, error)
	FilterLogEvents(ctx context.Context, in *cwl.FilterLogEventsInput, optFns ...func(*cwl.Options)) (*cwl.FilterLogEventsOutput, error)
	StartLiveTail(ctx context.Context, in *cwl.StartLiveTailInput, optFns ...func(*cwl.Options)) (*cwl.StartLiveTailOutput, error)
}

// Event is one log event, in the shape `cogscope tail --json` prints one a
// line. Timestamps are milliseconds since the epoch, as CloudWatch gives
// them. EventID is empty for events that came through Live Tail (it sends
// none). RequestID is the Lambda request id of a Lambda line, or the
// requestId of an API Gateway access-log line, when the message has one.
type Event struct {
	Timestamp     int64  `json:"timestamp"`
	IngestionTime int64  `json:"ingestionTime"`
	LogGroup      string `json:"logGroup"`
	LogStream     string `json:"logStream"`
	EventID       string `json:"eventId"`
	Message       string `json:"message"`
	RequestID     string `json:"requestId"`
}

// Time is the event's timestamp.
func (e Event) Time() time.Time { return time.UnixMilli(e.Timestamp) }

// Lag is how long after its timestamp the event was ingested.
func (e Event) Lag() time.Duration {
	return time.Duration(e.IngestionTime-e.Timestamp) * time.Millisecond
}

// newEvent fills RequestID from the message.
func newEvent(group, stream, id, msg string, ts, ingest int64) Event {
	e := Event{Timestamp: ts, IngestionTime: ingest, LogGroup: group, LogStream: stream, EventID: id, Message: msg}
	e.RequestID = requestIDOf(msg)
	return e
}

// requestIDOf finds the request id a line carries: a Lambda line's, else an
// access-log line's "requestId".
func requestIDOf(msg string) string {
	if l := ParseLambdaLine(msg); l.RequestID != "" {
		return l.RequestID
	}
	if m, ok := JSONObject(msg); ok {
		if id, ok := m["requestId"].(string); ok {
			return id
		}
	}
	return ""
}

// Group is a resolved log group.
type Group struct {
	Name string
	ARN  string // the logGroupArn form (no ":*"), as StartLiveTail takes it
}

// UnknownGroupError says a log group does not exist, with the groups that do
// (the first page of DescribeLogGroups, sorted by name).
type UnknownGroupError struct {
	Name     string
	Existing []string
}

func (e *UnknownGroupError) Error() string {
	if len(e.Existing) == 0 {
		return "log group " + e.Name + " does not exist (the account has no log groups in this region)"
	}
	return "log group " + e.Name + " does not exist; existing groups: " + strings.Join(e.Existing, ", ")
}

// ErrNoGroups is returned when there is nothing to tail.
var ErrNoGroups = errors.New("no log groups to tail")
