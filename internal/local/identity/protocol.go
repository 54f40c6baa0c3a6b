package identity

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/cogscope/cogscope/internal/local/awsjson"
)

const (
	targetPrefix = "AWSCognitoIdentityService."
	jsonType     = awsjson.ContentType
	maxBody      = 1 << 20
)

// Exception names (the __type of errors), as AWS sends them.
const (
	ExcNotAuthorized        = "NotAuthorizedException"
	ExcResourceNotFound     = "ResourceNotFoundException"
	ExcInvalidParameter     = "InvalidParameterException"
	ExcInvalidConfiguration = "InvalidIdentityPoolConfigurationException"
	ExcResourceConflict     = "ResourceConflictException"
	ExcInternalError        = "InternalErrorException"
	excUnknownOperation     = "UnknownOperationException"
	excSerialization        = "SerializationException"
)

// Messages of the failures clients diagnose (protocol doc §8 and the
// identity-pool failures of the failure catalogue).
const (
	MsgCouldNotVerify      = "Invalid login token. Couldn't verify signed token."
	MsgUnsupportedProvider = "Token is not from a supported provider of this identity pool."
	MsgUnauthenticated     = "Unauthenticated access is not supported for this identity pool."
	MsgLoginsDontMatch     = "Logins don't match. Please include at least one valid login for this identity or identity pool."
	MsgInvalidConfig       = "Invalid identity pool configuration. Check assigned IAM roles for this pool."
	MsgBasicFlowDisabled   = "Basic (classic) flow is not enabled, please use enhanced flow."
)

// APIError is an error the service answers with.
type APIError = awsjson.Error

func apiErr(typ, format string, args ...any) *APIError {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	status := http.StatusBadRequest
	if typ == ExcInternalError {
		status = http.StatusInternalServerError
	}
	return &APIError{Type: typ, Message: msg, Status: status}
}

type opFunc func(s *Service, body []byte) (any, error)

var ops = map[string]opFunc{
	"CreateIdentityPool":          wrap(opCreateIdentityPool),
	"DescribeIdentityPool":        wrap(opDescribeIdentityPool),
	"SetIdentityPoolRoles":        wrap(opSetIdentityPoolRoles),
	"GetIdentityPoolRoles":        wrap(opGetIdentityPoolRoles),
	"SetPrincipalTagAttributeMap": wrap(opSetPrincipalTagAttributeMap),
	"GetPrincipalTagAttributeMap": wrap(opGetPrincipalTagAttributeMap),
	"GetId":                       wrap(opGetID),
	"GetCredentialsForIdentity":   wrap(opGetCredentialsForIdentity),
	"GetOpenIdToken":              wrap(opGetOpenIDToken),
}

// wrap decodes the request body into In and runs op.
func wrap[In any](op func(s *Service, in *In) (any, error)) opFunc {
	return func(s *Service, body []byte) (any, error) {
		in := new(In)
		if err := decode(body, in); err != nil {
			return nil, err
		}
		return op(s, in)
	}
}

func (s *Service) serveJSON(w http.ResponseWriter, r *http.Request) {
	reqID := uuid.NewString()
	w.Header().Set("x-amzn-RequestId", reqID)
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("cognito-identity handler panicked", "panic", v, "requestId", reqID)
			awsjson.WriteError(w, apiErr(ExcInternalError, "internal error"))
		}
	}()
	target := r.Header.Get("X-Amz-Target")
	action, ok := strings.CutPrefix(target, targetPrefix)
	op := ops[action]
	if r.Method != http.MethodPost || !ok || op == nil {
		awsjson.WriteError(w, apiErr(excUnknownOperation, "Unknown operation %s", target))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		awsjson.WriteError(w, apiErr(excSerialization, "could not read the request body"))
		return
	}
	if len(body) == 0 {
		body = []byte("{}")
	}
	resp, err := op(s, body)
	if err != nil {
		var ae *APIError
		if !errors.As(err, &ae) {
			ae = apiErr(ExcInternalError, "%v", err)
		}
		s.log.Debug("cognito-identity request failed", "action", action, "type", ae.Type, "message", ae.Message, "requestId", reqID)
		awsjson.WriteError(w, ae)
		return
	}
	out, err := json.Marshal(resp)
	if err != nil {
		awsjson.WriteError(w, apiErr(ExcInternalError, "encode response: %v", err))
		return
	}
	w.Header().Set("Content-Type", jsonType)
	_, _ = w.Write(out)
}

// decode reads a request; unknown members are ignored as AWS does.
func decode(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return apiErr(excSerialization, "could not parse the request: %v", err)
	}
	return nil
}

func required(name, v string) error {
	if v == "" {
		return apiErr(ExcInvalidParameter, "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", lowerFirst(name))
	}
	return nil
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
