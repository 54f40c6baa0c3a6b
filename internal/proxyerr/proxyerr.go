// Package proxyerr recognises a request that never reached its host
// because the HTTP proxy it was sent through could not be reached, and
// names that proxy as the user set it (HTTPS_PROXY=http://…), so that a
// dead proxy is not reported as an unreachable endpoint.
//
// Go's transport (http.ProxyFromEnvironment) sends a request through
// HTTPS_PROXY (or https_proxy) when its URL is https, through HTTP_PROXY
// (or http_proxy) when it is plain http, and skips both only for hosts in
// NO_PROXY and for localhost and loopback addresses. When it cannot reach
// the proxy it returns the dial error wrapped in a *net.OpError whose Op
// is "proxyconnect", for http and https URLs alike; the *url.Error around
// it carries the request's URL, hence which variable was read.
//
// It imports only the standard library and reads no environment itself:
// Setting is given the lookup function.
package proxyerr

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Failure is a request that the proxy it was sent through never carried.
type Failure struct {
	// Var is the variable Go's transport took the proxy from for the
	// request's URL: HTTPS for an https URL, HTTP for plain http, ""
	// when the URL is unknown.
	Var string
	// Addr is the proxy's address as dialled ("127.0.0.1:3128"), or ""
	// when the error does not say (a proxy host that does not resolve:
	// then Reason says so).
	Addr string
	// Host is the host the request was for, as NO_PROXY would list it
	// ("cognito-idp.eu-west-1.amazonaws.com"); "" when unknown.
	Host string
	// Reason is why the proxy could not be reached: the dial's error
	// ("connect: connection refused").
	Reason string
}

// The variables a proxy comes from (upper case; the lower-case spelling
// is read when the upper-case one is unset).
const (
	HTTP    = "HTTP_PROXY"
	HTTPS   = "HTTPS_PROXY"
	NoProxy = "NO_PROXY"
)

// Of reports whether err is the failure to reach an HTTP proxy, and which
// proxy and request it was.
func Of(err error) (Failure, bool) {
	var oe *net.OpError
	found := false
	for e := err; errors.As(e, &oe); e = oe.Err {
		if oe.Op == "proxyconnect" {
			found = true
			break
		}
		if oe.Err == nil {
			break
		}
	}
	if !found {
		return Failure{}, false
	}
	f := Failure{}
	var inner *net.OpError
	switch {
	case errors.As(oe.Err, &inner) && inner.Addr != nil:
		f.Addr = inner.Addr.String()
	case oe.Addr != nil:
		f.Addr = oe.Addr.String()
	}
	if oe.Err != nil {
		f.Reason = oe.Err.Error()
		if inner != nil && inner.Err != nil {
			f.Reason = inner.Err.Error()
		}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			f.Host = u.Hostname()
			switch strings.ToLower(u.Scheme) {
			case "https":
				f.Var = HTTPS
			case "http":
				f.Var = HTTP
			}
		}
	}
	return f, true
}

// Describe says that the request never got to its host because its proxy
// could not be reached, and what to do, naming the variable by setting
// (the command line's Setting shows it with its value; nil names it bare).
func (f Failure) Describe(setting func(name string) string) string {
	if setting == nil {
		setting = func(name string) string { return name }
	}
	name := "HTTPS_PROXY or HTTP_PROXY"
	if f.Var != "" {
		name = setting(f.Var)
	}
	at, host, reason := "", "the host", ""
	if f.Addr != "" {
		at = " at " + f.Addr
	}
	if f.Host != "" {
		host = f.Host
	}
	if f.Reason != "" {
		reason = " (" + f.Reason + ")"
	}
	return fmt.Sprintf("cannot reach the HTTP proxy%s that %s names%s: the request never got to %s; start the proxy, correct or unset the variable, or add %s to NO_PROXY to reach it directly", at, name, reason, host, host)
}

// Setting is the variable name with its value as getenv has it, the
// way to show the user which setting to check: "HTTP_PROXY=http://127.0.0.1:3128",
// or "http_proxy=…" when only the lower-case spelling is set (Go reads
// the upper-case one first). A password in the URL is masked. Only the
// proxy variables (HTTP_PROXY, HTTPS_PROXY, NO_PROXY) are ever shown;
// any other name, or one that is unset, is returned bare.
func Setting(getenv func(string) string, name string) string {
	upper := strings.ToUpper(name)
	if getenv == nil || (upper != HTTP && upper != HTTPS && upper != NoProxy) {
		return name
	}
	for _, n := range []string{upper, strings.ToLower(upper)} {
		v := strings.TrimSpace(getenv(n))
		if v == "" {
			continue
		}
		if upper != NoProxy {
			v = redact(v)
		}
		return n + "=" + v
	}
	return upper
}

// redact masks the password of a proxy URL, as Go's transport accepts it
// (a bare "host:port" is read as http://host:port).
func redact(v string) string {
	raw := v
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		// Unparsable: show no part of it that could be a credential.
		if i := strings.LastIndex(v, "@"); i >= 0 {
			return "…@" + v[i+1:]
		}
		return v
	}
	if _, ok := u.User.Password(); !ok {
		return v
	}
	s := u.Redacted()
	if !strings.Contains(v, "://") {
		s = strings.TrimPrefix(s, "http://")
	}
	return s
}
