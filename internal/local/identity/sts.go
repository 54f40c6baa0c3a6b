package identity

import (
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/cogscope/cogscope/internal/lazyregexp"
)

const stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// STS is the query-protocol handler for STS (POST / with a form body
// naming the Action): GetCallerIdentity and AssumeRoleWithWebIdentity.
func (s *Service) STS() http.Handler { return http.HandlerFunc(s.serveSTS) }

type stsError struct {
	Status        int
	Code, Message string
}

func (s *Service) serveSTS(w http.ResponseWriter, r *http.Request) {
	reqID := uuid.NewString()
	w.Header().Set("x-amzn-RequestId", reqID)
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		writeSTSError(w, reqID, stsError{http.StatusBadRequest, "MalformedInput", "could not read the request body"})
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		writeSTSError(w, reqID, stsError{http.StatusBadRequest, "MalformedInput", "the request body is not a valid form"})
		return
	}
	var resp any
	var serr *stsError
	switch action := form.Get("Action"); action {
	case "GetCallerIdentity":
		resp, serr = s.getCallerIdentity(r, body)
	case "AssumeRoleWithWebIdentity":
		resp, serr = s.assumeRoleWithWebIdentity(form)
	default:
		serr = &stsError{http.StatusBadRequest, "InvalidAction", "Could not find operation " + action + " for version " + form.Get("Version")}
	}
	if serr != nil {
		s.log.Debug("sts request failed", "code", serr.Code, "message", serr.Message, "requestId", reqID)
		writeSTSError(w, reqID, *serr)
		return
	}
	out, err := xml.Marshal(resp)
	if err != nil {
		writeSTSError(w, reqID, stsError{http.StatusInternalServerError, "InternalFailure", "encode response"})
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(out)
}

func writeSTSError(w http.ResponseWriter, reqID string, e stsError) {
	typ := "Sender"
	if e.Status >= 500 {
		typ = "Receiver"
	}
	type errBody struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	out, _ := xml.Marshal(struct {
		XMLName   xml.Name `xml:"ErrorResponse"`
		Xmlns     string   `xml:"xmlns,attr"`
		Error     errBody  `xml:"Error"`
		RequestID string   `xml:"RequestId"`
	}{Xmlns: stsNamespace, Error: errBody{typ, e.Code, e.Message}, RequestID: reqID})
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(e.Status)
	_, _ = w.Write(out)
}

type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

func (s *Service) getCallerIdentity(r *http.Request, body []byte) (any, *stsError) {
	c, err := s.Authenticate(r, body, "sts")
	if err != nil {
		var ae *AuthError
		errors.As(err, &ae)
		status := http.StatusForbidden
		if ae.Code == "IncompleteSignature" {
			status = http.StatusBadRequest
		}
		return nil, &stsError{status, ae.Code, ae.Message}
	}
	type result struct {
		Arn     string `xml:"Arn"`
		UserID  string `xml:"UserId"`
		Account string `xml:"Account"`
	}
	return struct {
		XMLName  xml.Name         `xml:"GetCallerIdentityResponse"`
		Xmlns    string           `xml:"xmlns,attr"`
		Result   result           `xml:"GetCallerIdentityResult"`
		Metadata responseMetadata `xml:"ResponseMetadata"`
	}{Xmlns: stsNamespace, Result: result{c.Arn, c.UserID, c.Account}, Metadata: responseMetadata{uuid.NewString()}}, nil
}

var sessionNameRE = lazyregexp.New(`^[\w+=,.@-]{2,64}$`)

func (s *Service) assumeRoleWithWebIdentity(form url.Values) (any, *stsError) {
	roleARN, name, tok := form.Get("RoleArn"), form.Get("RoleSessionName"), form.Get("WebIdentityToken")
	if roleARN == "" || name == "" || tok == "" {
		return nil, &stsError{http.StatusBadRequest, "ValidationError", "RoleArn, RoleSessionName and WebIdentityToken are required"}
	}
	if !sessionNameRE.MatchString(name) {
		return nil, &stsError{http.StatusBadRequest, "ValidationError", "1 validation error detected: Value '" + name + "' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"}
	}
	if _, _, err := roleParts(roleARN); err != nil {
		return nil, &stsError{http.StatusBadRequest, "ValidationError", "Invalid RoleArn: " + roleARN}
	}
	ttl := time.Hour
	if d := form.Get("DurationSeconds"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 900 || n > 43200 {
			return nil, &stsError{http.StatusBadRequest, "ValidationError", "1 validation error detected: Value '" + d + "' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200"}
		}
		ttl = time.Duration(n) * time.Second
	}
	c, err := s.verifyOpenIDToken(tok)
	switch {
	case errors.Is(err, errTokenExpired):
		return nil, &stsError{http.StatusBadRequest, "ExpiredTokenException", "Token expired: current date/time must be before the expiration date/time"}
	case err != nil:
		return nil, &stsError{http.StatusBadRequest, "InvalidIdentityToken", "Couldn't verify the web identity token: this local STS trusts only tokens from Cognito identity's GetOpenIdToken (" + OpenIDIssuer + ")"}
	}
	s.mu.Lock()
	trusted := s.trusts(roleARN, c.Aud)
	var sess *session
	if trusted {
		sess = s.mint(roleARN, name, c.Sub, c.Aud, nil)
		sess.Expires = s.now().Add(ttl).Truncate(time.Second)
	}
	s.mu.Unlock()
	if !trusted {
		return nil, &stsError{http.StatusForbidden, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"}
	}
	type creds struct {
		AccessKeyID     string `xml:"AccessKeyId"`
		SecretAccessKey string `xml:"SecretAccessKey"`
		SessionToken    string `xml:"SessionToken"`
		Expiration      string `xml:"Expiration"`
	}
	type user struct {
		Arn           string `xml:"Arn"`
		AssumedRoleID string `xml:"AssumedRoleId"`
	}
	type result struct {
		Credentials                 creds  `xml:"Credentials"`
		SubjectFromWebIdentityToken string `xml:"SubjectFromWebIdentityToken"`
		AssumedRoleUser             user   `xml:"AssumedRoleUser"`
		Provider                    string `xml:"Provider"`
		Audience                    string `xml:"Audience"`
	}
	return struct {
		XMLName  xml.Name         `xml:"AssumeRoleWithWebIdentityResponse"`
		Xmlns    string           `xml:"xmlns,attr"`
		Result   result           `xml:"AssumeRoleWithWebIdentityResult"`
		Metadata responseMetadata `xml:"ResponseMetadata"`
	}{Xmlns: stsNamespace, Result: result{
		Credentials:                 creds{sess.AccessKeyID, sess.Secret, sess.Token, sess.Expires.UTC().Format(time.RFC3339)},
		SubjectFromWebIdentityToken: c.Sub,
		AssumedRoleUser:             user{assumedRoleARN(roleARN, name), roleID(roleARN) + ":" + name},
		Provider:                    "cognito-identity.amazonaws.com", Audience: c.Aud,
	}, Metadata: responseMetadata{uuid.NewString()}}, nil
}
