package logs

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cogscope/cogscope/internal/lazyregexp"
)

var (
	groupNameRE  = lazyregexp.New(`^[\.\-_/#A-Za-z0-9]+$`)
	streamNameRE = lazyregexp.New(`^[^:*]*$`)
)

const (
	maxBatchEvents = 10_000
	maxBatchBytes  = 1_048_576
	maxEventBytes  = 1_048_576 - perEventOverhead
	maxBatchSpan   = 24 * time.Hour
	tooNewAfter    = 2 * time.Hour
	tooOldBefore   = 14 * 24 * time.Hour
	maxPageBytes   = 1_048_576
	maxScanPerPage = 200_000
)

var retentionDays = []int32{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

func checkGroupName(v *validation, member, name string) {
	if name == "" {
		v.add(name, member, "Member must have length greater than or equal to 1")
		return
	}
	if len(name) > 512 {
		v.add(name, member, "Member must have length less than or equal to 512")
	}
	if !groupNameRE.MatchString(name) {
		v.add(name, member, `Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+`)
	}
}

func checkStreamName(v *validation, member, name string) {
	if name == "" {
		v.add(name, member, "Member must have length greater than or equal to 1")
		return
	}
	if len(name) > 512 {
		v.add(name, member, "Member must have length less than or equal to 512")
	}
	if !streamNameRE.MatchString(name) {
		v.add(name, member, "Member must satisfy regular expression pattern: [^:*]*")
	}
}

// groupFromIdentifier resolves a name or an ARN (with or without ":*").
func (s *Service) nameFromIdentifier(id string) string {
	if rest, ok := strings.CutPrefix(id, "arn:"); ok {
		if i := strings.Index(rest, ":log-group:"); i >= 0 {
			return strings.TrimSuffix(rest[i+len(":log-group:"):], ":*")
		}
	}
	return id
}

// groupArg resolves logGroupName / logGroupIdentifier: exactly one.
func (s *Service) groupArg(name, ident *string) (string, error) {
	switch {
	case name != nil && ident != nil:
		return "", newErr(excInvalidParameter, "LogGroupName and LogGroupIdentifier are mutually exclusive parameters.")
	case name != nil:
		var v validation
		checkGroupName(&v, "logGroupName", *name)
		if err := v.err(); err != nil {
			return "", err
		}
		return *name, nil
	case ident != nil:
		return s.nameFromIdentifier(*ident), nil
	}
	return "", newErr(excInvalidParameter, "Either LogGroupName or LogGroupIdentifier must be specified.")
}

// --- CreateLogGroup / DeleteLogGroup / CreateLogStream / PutRetentionPolicy

type createLogGroupIn struct {
	LogGroupName  *string `json:"logGroupName"`
	LogGroupClass string  `json:"logGroupClass"`
}

func opCreateLogGroup(s *Service, in *createLogGroupIn) (any, error) {
	var v validation
	name := deref(in.LogGroupName)
	checkGroupName(&v, "logGroupName", name)
	if c := in.LogGroupClass; c != "" && c != "STANDARD" && c != "INFREQUENT_ACCESS" && c != "DELIVERY" {
		v.add(c, "logGroupClass", "Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.groups[name]; ok {
		return nil, newErr(excAlreadyExists, msgGroupExists)
	}
	s.createGroupLocked(name)
	return struct{}{}, nil
}

type deleteLogGroupIn struct {
	LogGroupName *string `json:"logGroupName"`
}

func opDeleteLogGroup(s *Service, in *deleteLogGroupIn) (any, error) {
	var v validation
	name := deref(in.LogGroupName)
	checkGroupName(&v, "logGroupName", name)
	if err := v.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.groupLocked(name); err != nil {
		return nil, err
	}
	delete(s.groups, name)
	return struct{}{}, nil
}

type createLogStreamIn struct {
	LogGroupName  *string `json:"logGroupName"`
	LogStreamName *string `json:"logStreamName"`
}

func opCreateLogStream(s *Service, in *createLogStreamIn) (any, error) {
	var v validation
	gname, sname := deref(in.LogGroupName), deref(in.LogStreamName)
	checkGroupName(&v, "logGroupName", gname)
	checkStreamName(&v, "logStreamName", sname)
	if err := v.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupLocked(gname)
	if err != nil {
		return nil, err
	}
	if _, ok := g.streams[sname]; ok {
		return nil, newErr(excAlreadyExists, msgStreamExists)
	}
	g.createStream(sname, ms(s.now()))
	return struct{}{}, nil
}

type putRetentionIn struct {
	LogGroupName    *string `json:"logGroupName"`
	RetentionInDays *int32  `json:"retentionInDays"`
}

func opPutRetentionPolicy(s *Service, in *putRetentionIn) (any, error) {
	var v validation
	name := deref(in.LogGroupName)
	checkGroupName(&v, "logGroupName", name)
	if in.RetentionInDays == nil {
		v.add("null", "retentionInDays", "Member must not be null")
	} else if !slices.Contains(retentionDays, *in.RetentionInDays) {
		vals := make([]string, len(retentionDays))
		for i, d := range retentionDays {
			vals[i] = strconv.Itoa(int(d))
		}
		v.add(strconv.Itoa(int(*in.RetentionInDays)), "retentionInDays",
			"Member must satisfy enum value set: ["+strings.Join(vals, ", ")+"]")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupLocked(name)
	if err != nil {
		return nil, err
	}
	g.retention = *in.RetentionInDays
	return struct{}{}, nil
}

// --- PutLogEvents ---------------------------------------------------------

type inputEvent struct {
	Timestamp *int64  `json:"timestamp"`
	Message   *string `json:"message"`
}

type putLogEventsIn struct {
	LogGroupName  *string      `json:"logGroupName"`
	LogStreamName *string      `json:"logStreamName"`
	LogEvents     []inputEvent `json:"logEvents"`
}

type rejectedInfo struct {
	TooNewLogEventStartIndex *int `json:"tooNewLogEventStartIndex,omitempty"`
	TooOldLogEventEndIndex   *int `json:"tooOldLogEventEndIndex,omitempty"`
	ExpiredLogEventEndIndex  *int `json:"expiredLogEventEndIndex,omitempty"`
}

type putLogEventsOut struct {
	NextSequenceToken     string        `json:"nextSequenceToken"`
	RejectedLogEventsInfo *rejectedInfo `json:"rejectedLogEventsInfo,omitempty"`
}

func opPutLogEvents(s *Service, in *putLogEventsIn) (any, error) {
	var v validation
	gname, sname := deref(in.LogGroupName), deref(in.LogStreamName)
	checkGroupName(&v, "logGroupName", gname)
	checkStreamName(&v, "logStreamName", sname)
	switch n := len(in.LogEvents); {
	case in.LogEvents == nil:
		v.add("null", "logEvents", "Member must not be null")
	case n == 0:
		v.add("[]", "logEvents", "Member must have length greater than or equal to 1")
	case n > maxBatchEvents:
		v.add(fmt.Sprintf("[%d events]", n), "logEvents", "Member must have length less than or equal to 10000")
	}
	size := 0
	for i, e := range in.LogEvents {
		if e.Timestamp == nil {
			v.add("null", fmt.Sprintf("logEvents.%d.member.timestamp", i+1), "Member must not be null")
		} else if *e.Timestamp < 0 {
			v.add(strconv.FormatInt(*e.Timestamp, 10), fmt.Sprintf("logEvents.%d.member.timestamp", i+1), "Member must have value greater than or equal to 0")
		}
		if e.Message == nil {
			v.add("null", fmt.Sprintf("logEvents.%d.member.message", i+1), "Member must not be null")
		} else if *e.Message == "" {
			v.add("", fmt.Sprintf("logEvents.%d.member.message", i+1), "Member must have length greater than or equal to 1")
		}
		if e.Message != nil {
			size += len(*e.Message) + perEventOverhead
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if size > maxBatchBytes {
		return nil, errf(excInvalidParameter, "Upload too large: %d bytes exceeds limit of %d", size, maxBatchBytes)
	}
	for i, e := range in.LogEvents {
		if n := len(*e.Message); n > maxEventBytes {
			return nil, errf(excInvalidParameter, "Log event too large: %d bytes exceeds limit of %d", n+perEventOverhead, maxBatchBytes)
		}
		if !utf8.ValidString(*e.Message) {
			return nil, errf(excInvalidParameter, "Log event %d is not valid UTF-8.", i)
		}
		if i > 0 && *e.Timestamp < *in.LogEvents[i-1].Timestamp {
			return nil, newErr(excInvalidParameter, "Log events in a single PutLogEvents request must be in chronological order.")
		}
	}
	first, last := *in.LogEvents[0].Timestamp, *in.LogEvents[len(in.LogEvents)-1].Timestamp
	if time.Duration(last-first)*time.Millisecond > maxBatchSpan {
		return nil, newErr(excInvalidParameter, "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupLocked(gname)
	if err != nil {
		return nil, err
	}
	st, ok := g.streams[sname]
	if !ok {
		return nil, errStreamNotFound()
	}
	now := s.now()
	tooNew := ms(now.Add(tooNewAfter))
	tooOld := ms(now.Add(-tooOldBefore))
	expired := int64(-1 << 63)
	if g.retention > 0 {
		expired = ms(now.Add(-time.Duration(g.retention) * 24 * time.Hour))
	}
	out := putLogEventsOut{NextSequenceToken: strconv.FormatUint(s.seq+1, 10)}
	var info rejectedInfo
	keep := make([]event, 0, len(in.LogEvents))
	for i, e := range in.LogEvents {
		ts := *e.Timestamp
		switch {
		case ts > tooNew:
			if info.TooNewLogEventStartIndex == nil {
				info.TooNewLogEventStartIndex = ptr(i)
			}
		case ts < expired && expired > tooOld:
			info.ExpiredLogEventEndIndex = ptr(i + 1)
		case ts < tooOld:
			info.TooOldLogEventEndIndex = ptr(i + 1)
		default:
			keep = append(keep, event{ts: ts, msg: *e.Message})
		}
	}
	if len(keep) > 0 {
		s.appendLocked(g, st, keep)
	}
	if info != (rejectedInfo{}) {
		out.RejectedLogEventsInfo = &info
	}
	return out, nil
}

// --- DescribeLogGroups ----------------------------------------------------

type describeLogGroupsIn struct {
	LogGroupNamePrefix  *string  `json:"logGroupNamePrefix"`
	LogGroupNamePattern *string  `json:"logGroupNamePattern"`
	LogGroupIdentifiers []string `json:"logGroupIdentifiers"`
	NextToken           *string  `json:"nextToken"`
	Limit               *int     `json:"limit"`
}

type logGroupOut struct {
	LogGroupName      string `json:"logGroupName"`
	CreationTime      int64  `json:"creationTime"`
	RetentionInDays   *int32 `json:"retentionInDays,omitempty"`
	MetricFilterCount *int   `json:"metricFilterCount,omitempty"`
	Arn               string `json:"arn"`
	LogGroupArn       string `json:"logGroupArn,omitempty"`
	StoredBytes       *int64 `json:"storedBytes,omitempty"`
	LogGroupClass     string `json:"logGroupClass,omitempty"`
}

func opDescribeLogGroups(s *Service, in *describeLogGroupsIn) (any, error) {
	var v validation
	if in.LogGroupNamePrefix != nil {
		checkGroupName(&v, "logGroupNamePrefix", *in.LogGroupNamePrefix)
	}
	limit := checkLimit(&v, in.Limit, 50)
	if err := v.err(); err != nil {
		return nil, err
	}
	if in.LogGroupNamePrefix != nil && in.LogGroupNamePattern != nil {
		return nil, newErr(excInvalidParameter, "LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters.")
	}
	after := ""
	if in.NextToken != nil {
		raw, ok := decodeNameToken(*in.NextToken)
		if !ok {
			return nil, newErr(excInvalidParameter, msgInvalidNextToken)
		}
		after = raw
	}
	var want map[string]bool
	if in.LogGroupIdentifiers != nil {
		want = map[string]bool{}
		for _, id := range in.LogGroupIdentifiers {
			want[s.nameFromIdentifier(id)] = true
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.groups))
	for n := range s.groups {
		switch {
		case in.LogGroupNamePrefix != nil && !strings.HasPrefix(n, *in.LogGroupNamePrefix),
			in.LogGroupNamePattern != nil && !strings.Contains(n, *in.LogGroupNamePattern),
			want != nil && !want[n],
			after != "" && n <= after:
			continue
		}
		names = append(names, n)
	}
	slices.Sort(names)
	out := struct {
		LogGroups []logGroupOut `json:"logGroups"`
		NextToken string        `json:"nextToken,omitempty"`
	}{LogGroups: []logGroupOut{}}
	for i, n := range names {
		if i == limit {
			out.NextToken = encodeNameToken(names[i-1])
			break
		}
		g := s.groups[n]
		arn := s.GroupARN(n)
		lg := logGroupOut{LogGroupName: n, CreationTime: g.created, Arn: arn + ":*"}
		if in.LogGroupNamePattern == nil { // AWS returns only arn, creationTime and the name then
			lg.LogGroupArn, lg.LogGroupClass = arn, "STANDARD"
			lg.MetricFilterCount, lg.StoredBytes = ptr(0), ptr(g.bytes)
			if g.retention > 0 {
				lg.RetentionInDays = ptr(g.retention)
			}
		}
		out.LogGroups = append(out.LogGroups, lg)
	}
	return out, nil
}

func checkLimit(v *validation, limit *int, max int) int {
	if limit == nil {
		return max
	}
	if *limit < 1 {
		v.add(strconv.Itoa(*limit), "limit", "Member must have value greater than or equal to 1")
	} else if *limit > max {
		v.add(strconv.Itoa(*limit), "limit", fmt.Sprintf("Member must have value less than or equal to %d", max))
	}
	return *limit
}

func encodeNameToken(name string) string { return "n/" + encodeRaw(name) }

func decodeNameToken(tok string) (string, bool) {
	rest, ok := strings.CutPrefix(tok, "n/")
	if !ok {
		return "", false
	}
	return decodeRaw(rest)
}

// --- DescribeLogStreams ---------------------------------------------------

type describeLogStreamsIn struct {
	LogGroupName        *string `json:"logGroupName"`
	LogGroupIdentifier  *string `json:"logGroupIdentifier"`
	LogStreamNamePrefix *string `json:"logStreamNamePrefix"`
	OrderBy             string  `json:"orderBy"`
	Descending          bool    `json:"descending"`
	NextToken           *string `json:"nextToken"`
	Limit               *int    `json:"limit"`
}

type logStreamOut struct {
	LogStreamName       string `json:"logStreamName"`
	CreationTime        int64  `json:"creationTime"`
	FirstEventTimestamp *int64 `json:"firstEventTimestamp,omitempty"`
	LastEventTimestamp  *int64 `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   *int64 `json:"lastIngestionTime,omitempty"`
	Arn                 string `json:"arn"`
	StoredBytes         int64  `json:"storedBytes"`
}

func opDescribeLogStreams(s *Service, in *describeLogStreamsIn) (any, error) {
	var v validation
	limit := checkLimit(&v, in.Limit, 50)
	if in.OrderBy != "" && in.OrderBy != "LogStreamName" && in.OrderBy != "LastEventTime" {
		v.add(in.OrderBy, "orderBy", "Member must satisfy enum value set: [LogStreamName, LastEventTime]")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	gname, err := s.groupArg(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if in.LogStreamNamePrefix != nil && in.OrderBy == "LastEventTime" {
		return nil, newErr(excInvalidParameter, "Cannot order by LastEventTime with a logStreamNamePrefix.")
	}
	offset := 0
	if in.NextToken != nil {
		raw, ok := decodeNameToken(*in.NextToken)
		n, err := strconv.Atoi(raw)
		if !ok || err != nil || n < 0 {
			return nil, newErr(excInvalidParameter, msgInvalidNextToken)
		}
		offset = n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupLocked(gname)
	if err != nil {
		return nil, err
	}
	streams := make([]*stream, 0, len(g.streams))
	for _, st := range g.streams {
		if in.LogStreamNamePrefix == nil || strings.HasPrefix(st.name, *in.LogStreamNamePrefix) {
			streams = append(streams, st)
		}
	}
	lastTS := func(st *stream) int64 {
		if len(st.events) == 0 {
			return 0
		}
		return st.events[len(st.events)-1].ts
	}
	slices.SortFunc(streams, func(a, b *stream) int {
		if in.OrderBy == "LastEventTime" {
			if c := lastTS(a) - lastTS(b); c != 0 {
				if c < 0 {
					return -1
				}
				return 1
			}
		}
		return strings.Compare(a.name, b.name)
	})
	if in.Descending {
		slices.Reverse(streams)
	}
	out := struct {
		LogStreams []logStreamOut `json:"logStreams"`
		NextToken  string         `json:"nextToken,omitempty"`
	}{LogStreams: []logStreamOut{}}
	if offset > len(streams) {
		offset = len(streams)
	}
	for i, st := range streams[offset:] {
		if i == limit {
			out.NextToken = encodeNameToken(strconv.Itoa(offset + i))
			break
		}
		ls := logStreamOut{LogStreamName: st.name, CreationTime: st.created,
			Arn: s.GroupARN(g.name) + ":log-stream:" + st.name}
		if n := len(st.events); n > 0 {
			ls.FirstEventTimestamp, ls.LastEventTimestamp = ptr(st.events[0].ts), ptr(st.events[n-1].ts)
			ls.LastIngestionTime = ptr(st.lastIngest)
		}
		out.LogStreams = append(out.LogStreams, ls)
	}
	return out, nil
}

// --- GetLogEvents ---------------------------------------------------------

type getLogEventsIn struct {
	LogGroupName       *string `json:"logGroupName"`
	LogGroupIdentifier *string `json:"logGroupIdentifier"`
	LogStreamName      *string `json:"logStreamName"`
	StartTime          *int64  `json:"startTime"`
	EndTime            *int64  `json:"endTime"`
	NextToken          *string `json:"nextToken"`
	Limit              *int    `json:"limit"`
	StartFromHead      *bool   `json:"startFromHead"`
}

type outputEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

func opGetLogEvents(s *Service, in *getLogEventsIn) (any, error) {
	var v validation
	limit := checkLimit(&v, in.Limit, 10_000)
	sname := deref(in.LogStreamName)
	checkStreamName(&v, "logStreamName", sname)
	if err := v.err(); err != nil {
		return nil, err
	}
	gname, err := s.groupArg(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	forward := in.StartFromHead != nil && *in.StartFromHead
	var pos *key
	if in.NextToken != nil {
		if k, ok := decodeKeyToken("f/", *in.NextToken); ok {
			forward, pos = true, &k
		} else if k, ok := decodeKeyToken("b/", *in.NextToken); ok {
			forward, pos = false, &k
		} else {
			return nil, newErr(excInvalidParameter, msgInvalidNextToken)
		}
	}
	start, end := int64(-1<<63), int64(1<<63-1)
	if in.StartTime != nil {
		start = *in.StartTime
	}
	if in.EndTime != nil {
		end = *in.EndTime - 1 // exclusive
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupLocked(gname)
	if err != nil {
		return nil, err
	}
	st, ok := g.streams[sname]
	if !ok {
		return nil, errStreamNotFound()
	}
	// The window of events in range, then a page of it.
	evs := st.events
	lo := slices.IndexFunc(evs, func(e event) bool { return e.ts >= start })
	if lo < 0 {
		lo = len(evs)
	}
	hi := lo
	for hi < len(evs) && evs[hi].ts <= end {
		hi++
	}
	win := evs[lo:hi]
	var page []event
	if forward {
		i := 0
		if pos != nil {
			p := *pos
			i = slices.IndexFunc(win, func(e event) bool { return p.less(e.key()) })
			if i < 0 {
				i = len(win)
			}
		}
		page = win[i:min(i+limit, len(win))]
		page = trimPage(page, true)
	} else {
		j := len(win)
		if pos != nil {
			p := *pos
			j = slices.IndexFunc(win, func(e event) bool { return !e.key().less(p) })
			if j < 0 {
				j = len(win)
			}
		}
		page = win[max(0, j-limit):j]
		page = trimPage(page, false)
	}
	out := struct {
		Events            []outputEvent `json:"events"`
		NextForwardToken  string        `json:"nextForwardToken"`
		NextBackwardToken string        `json:"nextBackwardToken"`
	}{Events: make([]outputEvent, 0, len(page))}
	for _, e := range page {
		out.Events = append(out.Events, outputEvent{Timestamp: e.ts, Message: e.msg, IngestionTime: e.ingest})
	}
	if len(page) > 0 {
		out.NextForwardToken = encodeKeyToken("f/", page[len(page)-1].key())
		out.NextBackwardToken = encodeKeyToken("b/", page[0].key())
	} else {
		// At either end the token passed in comes back.
		k := key{ts: start}
		if pos != nil {
			k = *pos
		} else if !forward {
			k = key{ts: end, seq: 1<<64 - 1}
		}
		out.NextForwardToken, out.NextBackwardToken = encodeKeyToken("f/", k), encodeKeyToken("b/", k)
	}
	return out, nil
}

// trimPage keeps a page within 1 MB, from its front (forward) or back.
func trimPage(page []event, forward bool) []event {
	size := 0
	for i := range page {
		j := i
		if !forward {
			j = len(page) - 1 - i
		}
		size += len(page[j].msg) + perEventOverhead
		if size > maxPageBytes && i > 0 {
			if forward {
				return page[:i]
			}
			return page[j+1:]
		}
	}
	return page
}

// --- FilterLogEvents ------------------------------------------------------

type filterLogEventsIn struct {
	LogGroupName        *string  `json:"logGroupName"`
	LogGroupIdentifier  *string  `json:"logGroupIdentifier"`
	LogStreamNames      []string `json:"logStreamNames"`
	LogStreamNamePrefix *string  `json:"logStreamNamePrefix"`
	StartTime           *int64   `json:"startTime"`
	EndTime             *int64   `json:"endTime"`
	FilterPattern       *string  `json:"filterPattern"`
	NextToken           *string  `json:"nextToken"`
	Limit               *int     `json:"limit"`
	Interleaved         *bool    `json:"interleaved"`
}

type filteredEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId"`
}

func opFilterLogEvents(s *Service, in *filterLogEventsIn) (any, error) {
	var v validation
	limit := checkLimit(&v, in.Limit, 10_000)
	if in.LogStreamNames != nil && (len(in.LogStreamNames) < 1 || len(in.LogStreamNames) > 100) {
		v.add(fmt.Sprint(in.LogStreamNames), "logStreamNames", "Member must have length between 1 and 100")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	gname, err := s.groupArg(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if in.LogStreamNames != nil && in.LogStreamNamePrefix != nil {
		return nil, newErr(excInvalidParameter, "You cannot specify both LogStreamNames and LogStreamNamePrefix.")
	}
	m, err := compilePattern(deref(in.FilterPattern))
	if err != nil {
		return nil, errf(excInvalidParameter, msgInvalidPatternFmt, err)
	}
	var after *key
	if in.NextToken != nil {
		k, ok := decodeKeyToken("e/", *in.NextToken)
		if !ok {
			return nil, newErr(excInvalidParameter, msgInvalidNextToken)
		}
		after = &k
	}
	start, end := int64(-1<<63), int64(1<<63-1)
	if in.StartTime != nil {
		start = *in.StartTime
	}
	if in.EndTime != nil {
		end = *in.EndTime
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupLocked(gname)
	if err != nil {
		return nil, err
	}
	streams := s.selectStreams(g, in.LogStreamNames, in.LogStreamNamePrefix)
	out := struct {
		Events             []filteredEvent `json:"events"`
		SearchedLogStreams []struct{}      `json:"searchedLogStreams"`
		NextToken          string          `json:"nextToken,omitempty"`
	}{Events: []filteredEvent{}, SearchedLogStreams: []struct{}{}}
	size, scanned := 0, 0
	var last key
	more := scan(streams, after, start, end, func(st *stream, e *event) bool {
		if len(out.Events) == limit || size+len(e.msg)+perEventOverhead > maxPageBytes && len(out.Events) > 0 || scanned == maxScanPerPage {
			return false
		}
		scanned++
		last = e.key()
		if m.match(e.msg) {
			size += len(e.msg) + perEventOverhead
			out.Events = append(out.Events, filteredEvent{LogStreamName: st.name, Timestamp: e.ts,
				Message: e.msg, IngestionTime: e.ingest, EventID: e.eventID()})
		}
		return true
	})
	if more {
		out.NextToken = encodeKeyToken("e/", last)
	}
	return out, nil
}

// selectStreams picks the streams named, or with the prefix, or all.
func (s *Service) selectStreams(g *group, names []string, prefix *string) []*stream {
	var out []*stream
	switch {
	case names != nil:
		for _, n := range names {
			if st, ok := g.streams[n]; ok {
				out = append(out, st)
			}
		}
	default:
		for _, st := range g.streams {
			if prefix == nil || strings.HasPrefix(st.name, *prefix) {
				out = append(out, st)
			}
		}
	}
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func ptr[T any](v T) *T { return &v }
