package hostedui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
)

// apiError is an error answer of the Cognito JSON API called in-process.
type apiError struct{ typ, message string }

func (e *apiError) Error() string { return e.typ + ": " + e.message }

// callAPI calls a Cognito JSON API action in-process, through the
// service's own handler: the TOTP enrolment of an MFA_SETUP challenge
// exists only as API actions (AssociateSoftwareToken and
// VerifySoftwareToken with the sign-in's Session), and going through them
// keeps their checks in one place.
func (h *Handler) callAPI(action string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("encode %s: %w", action, err)
	}
	r, err := http.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("build %s: %w", action, err)
	}
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+action)
	rec := httptest.NewRecorder()
	h.svc.ServeHTTP(rec, r)
	if rec.Code != http.StatusOK {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Type == "" {
			return fmt.Errorf("%s: status %d", action, rec.Code)
		}
		return &apiError{typ: e.Type, message: e.Message}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
		return fmt.Errorf("decode %s: %w", action, err)
	}
	return nil
}

// jsonList decodes a challenge parameter holding a JSON list of strings
// (MFAS_CAN_CHOOSE, requiredAttributes); anything else is an empty list.
func jsonList(s string) []string {
	var out []string
	if json.Unmarshal([]byte(s), &out) != nil {
		return nil
	}
	return out
}
