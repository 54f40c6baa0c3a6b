package oauth

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"
)

// maxBody caps what is read of any response: OAuth answers are small.
const maxBody = 1 << 20

// do sends req and reads the whole (capped) body.
func (c *Client) do(req *http.Request) (*http.Response, []byte, error) {
	res, err := c.hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	if err != nil {
		return res, nil, fmt.Errorf("read the response of %s: %w", req.URL.Redacted(), err)
	}
	return res, body, nil
}

// The patterns are compiled on first use, not at every start of cogscope.
var (
	tagRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>|<[^>]+>`)
	})
	spaceRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\s+`) })
)

// snippet is the start of a body as readable text (tags dropped), for
// error messages.
func snippet(body []byte) string {
	s := string(body)
	if !utf8.ValidString(s) {
		return fmt.Sprintf("(%d bytes, not text)", len(body))
	}
	if strings.Contains(s, "<") {
		s = tagRE().ReplaceAllString(s, " ")
	}
	s = strings.TrimSpace(spaceRE().ReplaceAllString(s, " "))
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}

// errorBody is an OAuth error response body (RFC 6749 §5.2).
type errorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
	URI         string `json:"error_uri"`
}

// parseErrorBody reads an OAuth error from a JSON body; ok is false when
// the body is not one.
func parseErrorBody(body []byte) (errorBody, bool) {
	var eb errorBody
	if json.Unmarshal(body, &eb) != nil || eb.Error == "" {
		return errorBody{}, false
	}
	return eb, true
}

var authParamRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`([a-zA-Z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))`)
})

// parseWWWAuthenticate reads error and error_description from a Bearer
// challenge (RFC 6750 §3), as Cognito's userInfo endpoint sends them.
func parseWWWAuthenticate(h string) (code, desc string) {
	for _, m := range authParamRE().FindAllStringSubmatch(h, -1) {
		v := m[2]
		if m[3] != "" {
			v = m[3]
		}
		v = strings.ReplaceAll(v, `\"`, `"`)
		switch strings.ToLower(m[1]) {
		case "error":
			code = v
		case "error_description":
			desc = v
		}
	}
	return code, desc
}
