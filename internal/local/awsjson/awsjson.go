// Package awsjson is the error answer of AWS's JSON 1.1 protocol, the one
// shape the local stack's JSON services (cognito-idp, logs,
// cognito-identity) and its dispatcher all answer failures in.
package awsjson

import (
	"encoding/json"
	"net/http"
)

// ContentType is the JSON 1.1 protocol's media type.
const ContentType = "application/x-amz-json-1.1"

// Error is an AWS exception a service answers with: the exception name
// (the __type), its message and the HTTP status.
type Error struct {
	Type    string
	Message string
	Status  int
}

func (e *Error) Error() string { return e.Type + ": " + e.Message }

// WriteError answers e in the shape the SDKs decode: __type and message in
// the body, the exception name in x-amzn-ErrorType; status 400 when
// e.Status is 0. Headers the caller set before (a request id, an
// x-amzn-ErrorMessage) go out with it.
func WriteError(w http.ResponseWriter, e *Error) {
	body, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{e.Type, e.Message})
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("x-amzn-ErrorType", e.Type+":")
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
