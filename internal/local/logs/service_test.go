package logs_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"
	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/internal/local/localtest"
	"github.com/cogscope/cogscope/internal/local/logs"
)

// apiErr asserts err is the AWS error typ whose message contains msg.
func apiErr(t *testing.T, err error, typ, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want %s", err, typ)
	}
	if ae.ErrorCode() != typ || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("err = %s: %q, want %s containing %q", ae.ErrorCode(), ae.ErrorMessage(), typ, msg)
	}
}

func setup(t *testing.T) (*localtest.Env, *cwl.Client) {
	t.Helper()
	env := localtest.Start(t)
	return env, env.LogsClient()
}

func mustGroup(t *testing.T, c *cwl.Client, group string, streams ...string) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String(group)}); err != nil {
		t.Fatalf("CreateLogGroup: %v", err)
	}
	for _, s := range streams {
		if _, err := c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(s)}); err != nil {
			t.Fatalf("CreateLogStream: %v", err)
		}
	}
}

func put(t *testing.T, c *cwl.Client, group, stream string, evs ...types.InputLogEvent) *cwl.PutLogEventsOutput {
	t.Helper()
	out, err := c.PutLogEvents(context.Background(), &cwl.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), LogEvents: evs})
	if err != nil {
		t.Fatalf("PutLogEvents: %v", err)
	}
	return out
}

func ev(ts time.Time, msg string) types.InputLogEvent {
	return types.InputLogEvent{Timestamp: aws.Int64(ts.UnixMilli()), Message: aws.String(msg)}
}

func TestGroupsAndStreams(t *testing.T) {
	t.Parallel()
	env, c := setup(t)
	ctx := context.Background()
	mustGroup(t, c, "/aws/lambda/auth", "b", "a")
	mustGroup(t, c, "/aws/apigw/access")

	_, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("/aws/lambda/auth")})
	apiErr(t, err, "ResourceAlreadyExistsException", "The specified log group already exists")
	_, err = c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("bad name!")})
	apiErr(t, err, "InvalidParameterException", "1 validation error detected: Value 'bad name!' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern")
	_, err = c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String("/aws/lambda/auth"), LogStreamName: aws.String("a")})
	apiErr(t, err, "ResourceAlreadyExistsException", "The specified log stream already exists")
	_, err = c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String("nope"), LogStreamName: aws.String("a")})
	apiErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")

	dg, err := c.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/")})
	if err != nil {
		t.Fatal(err)
	}
	if len(dg.LogGroups) != 1 || *dg.LogGroups[0].LogGroupName != "/aws/lambda/auth" ||
		*dg.LogGroups[0].Arn != "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/auth:*" ||
		*dg.LogGroups[0].LogGroupArn != env.Logs.GroupARN("/aws/lambda/auth") {
		t.Fatalf("DescribeLogGroups = %+v", dg.LogGroups)
	}
	// Paging: one group a page, in name order.
	var names []string
	p := cwl.NewDescribeLogGroupsPaginator(c, &cwl.DescribeLogGroupsInput{Limit: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range page.LogGroups {
			names = append(names, *g.LogGroupName)
		}
	}
	if !slices.Equal(names, []string{"/aws/apigw/access", "/aws/lambda/auth"}) {
		t.Fatalf("paged groups = %v", names)
	}
	if got := env.Stack.Info().Logs; got.Endpoint != env.Endpoint || !slices.Equal(got.Groups, names) {
		t.Fatalf("Info().Logs = %+v", got)
	}

	ds, err := c.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("/aws/lambda/auth")})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.LogStreams) != 2 || *ds.LogStreams[0].LogStreamName != "a" || *ds.LogStreams[1].LogStreamName != "b" {
		t.Fatalf("DescribeLogStreams = %+v", ds.LogStreams)
	}
	_, err = c.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("nope")})
	apiErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	_, err = c.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("/aws/lambda/auth"),
		LogStreamNamePrefix: aws.String("a"), OrderBy: types.OrderByLastEventTime})
	apiErr(t, err, "InvalidParameterException", "LastEventTime")

	if _, err := c.PutRetentionPolicy(ctx, &cwl.PutRetentionPolicyInput{LogGroupName: aws.String("/aws/lambda/auth"), RetentionInDays: aws.Int32(7)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PutRetentionPolicy(ctx, &cwl.PutRetentionPolicyInput{LogGroupName: aws.String("/aws/lambda/auth"), RetentionInDays: aws.Int32(2)})
	apiErr(t, err, "InvalidParameterException", "Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, 5")
	_, err = c.PutRetentionPolicy(ctx, &cwl.PutRetentionPolicyInput{LogGroupName: aws.String("nope"), RetentionInDays: aws.Int32(7)})
	apiErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	dg, _ = c.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupIdentifiers: []string{env.Logs.GroupARN("/aws/lambda/auth")}})
	if len(dg.LogGroups) != 1 || aws.ToInt32(dg.LogGroups[0].RetentionInDays) != 7 {
		t.Fatalf("retention not kept: %+v", dg.LogGroups)
	}

	if _, err := c.DeleteLogGroup(ctx, &cwl.DeleteLogGroupInput{LogGroupName: aws.String("/aws/lambda/auth")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteLogGroup(ctx, &cwl.DeleteLogGroupInput{LogGroupName: aws.String("/aws/lambda/auth")})
	apiErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
}

func TestPutLogEvents(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := context.Background()
	mustGroup(t, c, "g", "s")
	now := time.Now()
	out := put(t, c, "g", "s", ev(now.Add(-14*24*time.Hour-time.Hour), "old"), ev(now.Add(-14*24*time.Hour-time.Minute), "old2"), ev(now.Add(-14*24*time.Hour+2*time.Hour), "kept"))
	if r := out.RejectedLogEventsInfo; r == nil || aws.ToInt32(r.TooOldLogEventEndIndex) != 2 || r.TooNewLogEventStartIndex != nil {
		t.Fatalf("too old: %+v", r)
	}
	out = put(t, c, "g", "s", ev(now, "now"), ev(now.Add(3*time.Hour), "new"))
	if r := out.RejectedLogEventsInfo; r == nil || aws.ToInt32(r.TooNewLogEventStartIndex) != 1 || r.TooOldLogEventEndIndex != nil {
		t.Fatalf("too new: %+v", r)
	}
	if _, err := c.PutRetentionPolicy(ctx, &cwl.PutRetentionPolicyInput{LogGroupName: aws.String("g"), RetentionInDays: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	out = put(t, c, "g", "s", ev(now.Add(-25*time.Hour), "expired"), ev(now.Add(-time.Hour), "fresh"))
	if r := out.RejectedLogEventsInfo; r == nil || aws.ToInt32(r.ExpiredLogEventEndIndex) != 1 {
		t.Fatalf("expired: %+v", r)
	}
	f, err := c.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g")})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, e := range f.Events {
		msgs = append(msgs, *e.Message)
	}
	if !slices.Equal(msgs, []string{"kept", "fresh", "now"}) {
		t.Fatalf("stored = %v", msgs)
	}

	many := make([]types.InputLogEvent, 10_001)
	for i := range many {
		many[i] = ev(now, "x")
	}
	big := strings.Repeat("y", 600_000)
	for _, tc := range []struct {
		name          string
		group, stream string
		evs           []types.InputLogEvent
		typ, msg      string
	}{
		{"unknown group", "nope", "s", []types.InputLogEvent{ev(now, "a")}, "ResourceNotFoundException", "The specified log group does not exist."},
		{"unknown stream", "g", "nope", []types.InputLogEvent{ev(now, "a")}, "ResourceNotFoundException", "The specified log stream does not exist."},
		{"out of order", "g", "s", []types.InputLogEvent{ev(now, "a"), ev(now.Add(-time.Second), "b")}, "InvalidParameterException", "Log events in a single PutLogEvents request must be in chronological order."},
		{"span over 24h", "g", "s", []types.InputLogEvent{ev(now.Add(-25*time.Hour), "a"), ev(now, "b")}, "InvalidParameterException", "cannot span more than 24 hours"},
		{"too many", "g", "s", many, "InvalidParameterException", "Member must have length less than or equal to 10000"},
		{"too large", "g", "s", []types.InputLogEvent{ev(now, big), ev(now, big)}, "InvalidParameterException", "Upload too large: 1200052 bytes exceeds limit of 1048576"},
		{"empty batch", "g", "s", []types.InputLogEvent{}, "InvalidParameterException", "at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"empty message", "g", "s", []types.InputLogEvent{ev(now, "")}, "InvalidParameterException", "at 'logEvents.1.member.message'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String(tc.group), LogStreamName: aws.String(tc.stream), LogEvents: tc.evs})
			apiErr(t, err, tc.typ, tc.msg)
		})
	}
}

func TestGetLogEvents(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := context.Background()
	mustGroup(t, c, "g", "s")
	base := time.Now().Add(-time.Minute).Truncate(time.Second)
	var evs []types.InputLogEvent
	for i := range 5 {
		evs = append(evs, ev(base.Add(time.Duration(i)*time.Second), fmt.Sprint("m", i)))
	}
	put(t, c, "g", "s", evs...)
	msgs := func(out *cwl.GetLogEventsOutput) (m []string) {
		for _, e := range out.Events {
			m = append(m, *e.Message)
		}
		return m
	}
	// Default: the newest events (startFromHead false).
	out, err := c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), Limit: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	if got := msgs(out); !slices.Equal(got, []string{"m3", "m4"}) {
		t.Fatalf("tail page = %v", got)
	}
	back, err := c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), Limit: aws.Int32(2), NextToken: out.NextBackwardToken})
	if err != nil || !slices.Equal(msgs(back), []string{"m1", "m2"}) {
		t.Fatalf("backward page = %v, %v", msgs(back), err)
	}
	// From the head, forward to the end; at the end the token comes back.
	out, err = c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), StartFromHead: aws.Bool(true), Limit: aws.Int32(3)})
	if err != nil || !slices.Equal(msgs(out), []string{"m0", "m1", "m2"}) {
		t.Fatalf("head page = %v, %v", msgs(out), err)
	}
	out, _ = c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), StartFromHead: aws.Bool(true), NextToken: out.NextForwardToken})
	if !slices.Equal(msgs(out), []string{"m3", "m4"}) {
		t.Fatalf("next page = %v", msgs(out))
	}
	tok := out.NextForwardToken
	out, _ = c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), StartFromHead: aws.Bool(true), NextToken: tok})
	if len(out.Events) != 0 || *out.NextForwardToken != *tok {
		t.Fatalf("end page = %v, token %q want %q", msgs(out), *out.NextForwardToken, *tok)
	}
	// endTime is exclusive.
	out, _ = c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), StartFromHead: aws.Bool(true),
		StartTime: aws.Int64(base.Add(time.Second).UnixMilli()), EndTime: aws.Int64(base.Add(3 * time.Second).UnixMilli())})
	if !slices.Equal(msgs(out), []string{"m1", "m2"}) {
		t.Fatalf("time window = %v", msgs(out))
	}
	_, err = c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("nope")})
	apiErr(t, err, "ResourceNotFoundException", "The specified log stream does not exist.")
	_, err = c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("nope"), LogStreamName: aws.String("s")})
	apiErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	_, err = c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), NextToken: aws.String("garbage")})
	apiErr(t, err, "InvalidParameterException", "The specified nextToken is invalid.")
}

func TestFilterLogEvents(t *testing.T) {
	t.Parallel()
	env, c := setup(t)
	ctx := context.Background()
	base := time.Now().Add(-time.Minute)
	lines := []string{
		`ERROR something broke`,
		`WARN disk low`,
		`INFO user-123 signed in`,
		`ERROR ARGUMENTS missing`,
		`{"requestId":"Mc7UVioPPHcEKPA=","status":"401","latency":512,"authorizer":{"error":"Unauthorized"},"ok":false}`,
		`{"requestId":"Xy","status":"200","latency":12,"user":"admin-1","ok":true,"nothing":null}`,
		`INTERNAL SERVER ERROR at edge`,
	}
	for i, l := range lines {
		env.Logs.Write("g", []string{"s1", "s2"}[i%2], base.Add(time.Duration(i)*time.Millisecond), l)
	}
	for _, tc := range []struct {
		pattern string
		want    []int // indexes into lines
	}{
		{"", []int{0, 1, 2, 3, 4, 5, 6}},
		{`" "`, []int{0, 1, 2, 3, 4, 5, 6}},
		{"ERROR", []int{0, 3, 6}},
		{"ERROR ARGUMENTS", []int{3}},
		{"?WARN ?INFO", []int{1, 2}},
		{"ERROR -ARGUMENTS", []int{0, 6}},
		{`"INTERNAL SERVER ERROR"`, []int{6}},
		{`"user-123"`, []int{2}},
		{`%^(WARN|INFO)%`, nil}, // groups are refused below; not here
		{`{ $.status = "401" }`, []int{4}},
		{`{ $.status = 401 }`, []int{4}},
		{`{ $.latency > 500 }`, []int{4}},
		{`{ $.latency <= 12 }`, []int{5}},
		{`{ $.latency != 12 }`, []int{4}},
		{`{ $.authorizer.error = "Unauth*" }`, []int{4}},
		{`{ $.user = "adm*" }`, []int{5}},
		{`{ $.status = "200" || $.latency > 500 }`, []int{4, 5}},
		{`{ ($.status = "200" || $.status = "401") && $.latency < 100 }`, []int{5}},
		{`{ $.ok IS TRUE }`, []int{5}},
		{`{ $.ok IS FALSE }`, []int{4}},
		{`{ $.nothing IS NULL }`, []int{5}},
		{`{ $.user NOT EXISTS }`, []int{4}},
		{`{ $.authorizer = "x" }`, nil}, // an object never matches
		{`%^WARN%`, []int{1}},
	} {
		if tc.pattern == `%^(WARN|INFO)%` {
			continue
		}
		t.Run(tc.pattern, func(t *testing.T) {
			out, err := c.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g"), FilterPattern: aws.String(tc.pattern)})
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, e := range out.Events {
				got = append(got, slices.Index(lines, *e.Message))
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("matched %v, want %v", got, tc.want)
			}
		})
	}
	for _, bad := range []string{`"unclosed`, `{ $.a = }`, `{ $.a = 1`, `{ $.a > "x" }`, `{ a = 1 }`, `[ip, user]`, `%^(WARN|INFO)%`, `? ERROR`, `{ $.a = 1 && }`} {
		t.Run("invalid "+bad, func(t *testing.T) {
			_, err := c.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g"), FilterPattern: aws.String(bad)})
			apiErr(t, err, "InvalidParameterException", "Invalid filter pattern")
		})
	}
	_, err := c.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("nope")})
	apiErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	_, err = c.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g"), LogStreamNames: []string{"s1"}, LogStreamNamePrefix: aws.String("s")})
	apiErr(t, err, "InvalidParameterException", "LogStreamNames and LogStreamNamePrefix")

	// Streams, a time window (both ends inclusive), ARNs as identifiers.
	out, err := c.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupIdentifier: aws.String(env.Logs.GroupARN("g")),
		LogStreamNames: []string{"s2"}, StartTime: aws.Int64(base.Add(time.Millisecond).UnixMilli()), EndTime: aws.Int64(base.Add(3 * time.Millisecond).UnixMilli())})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Events) != 2 || *out.Events[0].Message != lines[1] || *out.Events[1].Message != lines[3] || *out.Events[0].LogStreamName != "s2" {
		t.Fatalf("window = %+v", out.Events)
	}
	if id := aws.ToString(out.Events[0].EventId); len(id) != 56 || strings.Trim(id, "0123456789") != "" {
		t.Fatalf("eventId %q is not 56 digits", id)
	}
}

// Many events in one millisecond, across streams, come back across pages
// exactly once each and in (timestamp, ingestion) order.
func TestFilterLogEventsPaging(t *testing.T) {
	t.Parallel()
	env, c := setup(t)
	ts := time.Now().Add(-time.Second)
	const n = 2500
	for i := range n {
		env.Logs.Write("g", fmt.Sprint("s", i%3), ts.Add(time.Duration(i/1000)*time.Millisecond), fmt.Sprint(i))
	}
	p := cwl.NewFilterLogEventsPaginator(c, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g"), Limit: aws.Int32(300)})
	var got []string
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, e := range page.Events {
			got = append(got, *e.Message)
		}
	}
	if len(got) != n || pages < n/300 {
		t.Fatalf("%d events in %d pages", len(got), pages)
	}
	for i, m := range got {
		if m != fmt.Sprint(i) {
			t.Fatalf("event %d is %q", i, m)
		}
	}
	_, err := c.FilterLogEvents(context.Background(), &cwl.FilterLogEventsInput{LogGroupName: aws.String("g"), NextToken: aws.String("bogus")})
	apiErr(t, err, "InvalidParameterException", "The specified nextToken is invalid.")
}

// The memory bound drops the oldest events first and counts them.
func TestMemoryBound(t *testing.T) {
	t.Parallel()
	svc := logs.New(logs.Options{MaxEventsPerGroup: 10})
	srv := httptest.NewServer(svc)
	t.Cleanup(srv.Close)
	c := awsclient.Logs(awsclient.Static("us-east-1", nil), srv.URL)
	base := time.Now()
	for i := range 25 {
		// Interleave two streams and one late event to make "oldest" real.
		svc.Write("g", fmt.Sprint("s", i%2), base.Add(time.Duration(i)*time.Millisecond), fmt.Sprint(i))
	}
	svc.Write("g", "s0", base.Add(-time.Hour), "late and oldest")
	out, err := c.FilterLogEvents(context.Background(), &cwl.FilterLogEventsInput{LogGroupName: aws.String("g")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range out.Events {
		got = append(got, *e.Message)
	}
	want := []string{"15", "16", "17", "18", "19", "20", "21", "22", "23", "24"}
	if !slices.Equal(got, want) || svc.Dropped("g") != 16 {
		t.Fatalf("kept %v, dropped %d", got, svc.Dropped("g"))
	}
}

func TestDescribeLogStreamsOrderAndPaging(t *testing.T) {
	t.Parallel()
	env, c := setup(t)
	ctx := context.Background()
	base := time.Now().Add(-time.Minute)
	// Names in one order, last events in another.
	env.Logs.Write("g", "c", base.Add(1*time.Second), "x")
	env.Logs.Write("g", "a", base.Add(3*time.Second), "x")
	env.Logs.Write("g", "b", base.Add(2*time.Second), "x")
	env.Logs.Write("g", "b", base, "first")
	names := func(in *cwl.DescribeLogStreamsInput) []string {
		t.Helper()
		var out []string
		p := cwl.NewDescribeLogStreamsPaginator(c, in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range page.LogStreams {
				out = append(out, *s.LogStreamName)
			}
		}
		return out
	}
	for _, tc := range []struct {
		name string
		in   cwl.DescribeLogStreamsInput
		want []string
	}{
		{"by name, paged", cwl.DescribeLogStreamsInput{LogGroupName: aws.String("g"), Limit: aws.Int32(1)}, []string{"a", "b", "c"}},
		{"by last event, descending", cwl.DescribeLogStreamsInput{LogGroupIdentifier: aws.String(env.Logs.GroupARN("g")), OrderBy: types.OrderByLastEventTime, Descending: aws.Bool(true)}, []string{"a", "b", "c"}},
		{"by last event", cwl.DescribeLogStreamsInput{LogGroupName: aws.String("g"), OrderBy: types.OrderByLastEventTime, Limit: aws.Int32(2)}, []string{"c", "b", "a"}},
		{"prefix", cwl.DescribeLogStreamsInput{LogGroupName: aws.String("g"), LogStreamNamePrefix: aws.String("b")}, []string{"b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := names(&tc.in); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
	out, err := c.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("g"), LogStreamNamePrefix: aws.String("b")})
	if err != nil {
		t.Fatal(err)
	}
	s := out.LogStreams[0]
	if *s.FirstEventTimestamp != base.UnixMilli() || *s.LastEventTimestamp != base.Add(2*time.Second).UnixMilli() || aws.ToInt64(s.LastIngestionTime) == 0 ||
		*s.Arn != env.Logs.GroupARN("g")+":log-stream:b" {
		t.Fatalf("stream b = %+v", s)
	}
	_, err = c.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("g"), LogGroupIdentifier: aws.String("g")})
	apiErr(t, err, "InvalidParameterException", "mutually exclusive")
	_, err = c.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("g"), Limit: aws.Int32(51)})
	apiErr(t, err, "InvalidParameterException", "Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50")
}
