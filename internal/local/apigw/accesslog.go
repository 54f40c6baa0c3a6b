package apigw

import (
	"encoding/json"
	"regexp"
	"strconv"
	"sync"
)

var (
	regexCacheMu sync.Mutex
	regexCache   = map[string]*regexp.Regexp{}
)

// regexpMatch matches v against a (cached) regular expression.
func regexpMatch(expr, v string) (bool, error) {
	regexCacheMu.Lock()
	re, ok := regexCache[expr]
	regexCacheMu.Unlock()
	if !ok {
		var err error
		if re, err = regexp.Compile(expr); err != nil {
			return false, err
		}
		regexCacheMu.Lock()
		regexCache[expr] = re
		regexCacheMu.Unlock()
	}
	return re.MatchString(v), nil
}

// AccessLogStream is the stream the gateway writes a stage's access log
// to (an emulator choice: "<apiId>_<stage>").
func AccessLogStream(apiID, stage string) string { return apiID + "_" + stage }

func dash(v string) string {
	if v == "" {
		return "-"
	}
	return v
}

// accessFields are the $context variables every access-log line holds, as
// a JSON access-log format naming them would write them (strings, "-"
// when empty).
func (s *Service) accessFields(c *call) map[string]string {
	sub := ""
	if c.claims != nil {
		sub, _ = c.claims["sub"].(string)
	}
	return map[string]string{
		"requestId":              c.requestID,
		"extendedRequestId":      c.extendedID,
		"apiId":                  c.apiID,
		"stage":                  c.stage,
		"httpMethod":             c.method,
		"path":                   c.path,
		"status":                 strconv.Itoa(c.status),
		"identity.sourceIp":      c.sourceIP,
		"requestTime":            clf(c.start),
		"requestTimeEpoch":       strconv.FormatInt(c.start.UnixMilli(), 10),
		"responseLatency":        strconv.FormatInt(s.opts.Now().Sub(c.start).Milliseconds(), 10),
		"authorizer.error":       dash(c.authErr),
		"authorizer.principalId": dash(c.principalID),
		"authorizer.claims.sub":  dash(sub),
		"error.message":          dash(c.errMsg),
		"error.responseType":     dash(c.respType),
		"integration.status":     dash(map[bool]string{true: "200"}[c.status == 200]),
	}
}

func (s *Service) writeAccessLog(group, stream string, f map[string]string) {
	if s.opts.LogSink == nil || group == "" {
		return
	}
	b, _ := json.Marshal(f)
	s.opts.LogSink(group, stream, s.opts.Now(), string(b))
}

func (s *Service) accessLogHTTP(a *httpAPI, c *call) {
	if s.opts.LogSink == nil || a.LogGroup == "" {
		return
	}
	f := s.accessFields(c)
	f["routeKey"] = dash(c.routeKey)
	s.writeAccessLog(a.LogGroup, AccessLogStream(a.ID, "$default"), f)
}

func (s *Service) accessLogREST(a *restAPI, c *call) {
	if s.opts.LogSink == nil || a.LogGroup == "" {
		return
	}
	f := s.accessFields(c)
	f["resourcePath"] = dash(c.routeKey)
	f["authorizer.requestId"] = dash(c.authzReqID)
	s.writeAccessLog(a.LogGroup, AccessLogStream(a.ID, a.Stage), f)
}
