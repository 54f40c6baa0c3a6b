package service

import (
	"errors"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/flows"
)

// The console phrases the catalogue's references in its own terms: the
// picker's flows, the form's fields, the profile's keys.
func TestNewFailureWordsTheFix(t *testing.T) {
	t.Parallel()
	cases := []struct {
		facts      flows.Facts
		want, lose string // in Cause+Fix, and what must not be there
	}{
		{flows.Facts{Source: flows.SourceCognito, Code: "NotAuthorizedException", Message: "Incorrect username or password.", Conditions: []string{"srp"}},
			"try the Password flow (USER_PASSWORD_AUTH", "--"},
		{flows.Facts{Source: flows.SourceCognito, Code: "InvalidParameterException", Message: "Refresh Token flow not enabled", Flow: "refresh"},
			"Use the Refresh flow with AWS credentials", "--flow"},
		{flows.Facts{Source: flows.SourceCognito, Code: "NotAuthorizedException", Message: "SecretHash does not match", Flow: "refresh"},
			"or the Username field with the internal username", "--username"},
		{flows.Facts{Source: flows.SourceOAuth, Code: "invalid_scope", Operation: "Authorize"},
			"or leave the Scopes field empty to get all of them", "--scope"},
		{flows.Facts{Source: flows.SourceOAuth, Code: "invalid_scope", Operation: "Token"},
			`e.g. Scopes "cogscope-api/read"`, "--scope"},
		{flows.Facts{Source: flows.SourceOAuth, Code: "invalid_request", Operation: "UserInfo"},
			`(the Hosted UI (PKCE) flow Scopes "openid email")`, "--"},
		{flows.Facts{Source: flows.SourceOAuth, Code: "redirect_mismatch", Operation: "Authorize"},
			"with the profile's hosted_ui.callback_url", "--redirect-uri"},
		{flows.Facts{Source: flows.SourceOAuth, Code: "invalid_request", Operation: "Authorize"},
			"Check the profile's client_id against", "--client-id"},
		{flows.Facts{Source: flows.SourceOAuthClient, Code: "http", Operation: "Token"},
			"(the profile's hosted_ui.domain, or the discovery document)", "--domain"},
		// Inputs the console takes from the profile (or cogscope's own
		// flags) are named there.
		{flows.Facts{Source: flows.SourceLocal, Code: "unreachable"}, "Check the endpoint (the profile's endpoint, or cogscope --endpoint URL) and the region", ""},
		{flows.Facts{Source: flows.SourceCognito, Code: "NotAuthorizedException", Message: "Client is configured for secret but secret was not received"},
			"the profile's client_secret_env or client_secret_command", "--client-secret"},
		{flows.Facts{Source: flows.SourceCognito, Code: "NotAuthorizedException", Message: "Incorrect username or password.", Conditions: []string{"srp"}},
			"that the profile's user_pool_id is the app client's pool", "--user-pool-id"},
		// Inputs the console has no place for keep their option names.
		{flows.Facts{Source: flows.SourceOAuthClient, Code: "deadline"}, "Check the network path to the provider", ""},
	}
	for _, c := range cases {
		var d flows.Diagnosis
		if !flows.Explain(&d, c.facts) {
			t.Fatalf("%+v: no entry", c.facts)
		}
		err := errors.New("x")
		f := NewFailure(d, err)
		text := f.Cause + " " + f.Fix
		if !strings.Contains(text, c.want) || (c.lose != "" && strings.Contains(text, c.lose)) {
			t.Errorf("%s: %q\nwant %q, without %q", d.ID, text, c.want, c.lose)
		}
		if f.Err != err || f.ID != d.ID || f.Ref != d.Ref {
			t.Errorf("%s: failure lost the diagnosis: %+v", d.ID, f)
		}
	}
}
