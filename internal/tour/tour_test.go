package tour_test

import (
	"testing"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/local/apigw"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/tour"
)

// TestNamesAreTheDemos keeps the tour's copies of the demo's names equal
// to the local stack's (the tour must not import the stack).
func TestNamesAreTheDemos(t *testing.T) {
	t.Parallel()
	for _, tc := range [][2]string{
		{tour.PoolID, cognito.DemoPoolID},
		{tour.PublicClientID, cognito.DemoPublicClientID},
		{tour.SecretClientID, cognito.DemoSecretClientID},
		{tour.ClientSecret, cognito.DemoClientSecret},
		{tour.RotateClientID, cognito.DemoRotateClientID},
		{tour.NoSRPClientID, cognito.DemoNoSRPClientID},
		{tour.MachineClientID, cognito.DemoMachineClientID},
		{tour.MachineClientSecret, cognito.DemoMachineClientSecret},
		{tour.MachineScope, cognito.DemoMachineScope},
		{tour.Username, cognito.DemoUsername},
		{tour.Password, cognito.DemoPassword},
		{tour.MFAUsername, cognito.DemoMFAUsername},
		{tour.TOTPSecret, cognito.DemoTOTPSecret},
		{tour.NewUsername, cognito.DemoNewUsername},
		{tour.TempPassword, cognito.DemoTempPassword},
		{tour.UnconfirmedUsername, cognito.DemoUnconfirmedUsername},
		{tour.AdminsGroup, apigw.DemoAdminsGroup},
		{tour.HTTPLogGroup, apigw.DemoHTTPLogGroup},
		{tour.RestLogGroup, apigw.DemoRestLogGroup},
		{tour.AdminsFunctionGroup, apigw.FunctionLogGroup(apigw.DemoAdminsFunction)},
	} {
		if tc[0] != tc[1] {
			t.Errorf("tour has %q, the demo %q", tc[0], tc[1])
		}
	}
}

// TestCasesAreComplete: every case says what to do and what to expect,
// can be filled in, has a unique id, and names catalogue entries that
// exist.
func TestCasesAreComplete(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	sections := map[tour.Section]int{}
	for _, c := range tour.Demo() {
		if c.ID == "" || seen[c.ID] {
			t.Errorf("case id %q empty or repeated", c.ID)
		}
		seen[c.ID] = true
		sections[c.Section]++
		if c.Title == "" || c.Do == "" || c.Expect == "" || c.Try.View == "" {
			t.Errorf("%s: title, do, expect and view are required: %+v", c.ID, c)
		}
		if c.Try.View == tour.ViewSignIn && c.Try.Flow == "" || c.Try.View == tour.ViewAPI && (c.Try.Path == "" || len(c.Status) == 0) {
			t.Errorf("%s: nothing to fill in: %+v", c.ID, c.Try)
		}
		if c.Diagnosis != "" {
			if _, ok := flows.EntryByID(c.Diagnosis); !ok {
				t.Errorf("%s: no catalogue entry %s", c.ID, c.Diagnosis)
			}
		}
	}
	for _, s := range tour.Sections() {
		if sections[s] == 0 {
			t.Errorf("section %s has no case", s)
		}
	}
}

// TestMatchNeedsTheCasesOwnSetting: events that differ from a case in
// one respect do not tick it off.
func TestMatchNeedsTheCasesOwnSetting(t *testing.T) {
	t.Parallel()
	cases := tour.Demo()
	tokens := &flows.Tokens{AccessToken: "a.b.c", IDToken: "a.b.c", RefreshToken: "r"}
	unconfirmed := flows.Diagnosis{ID: "cognito.UserNotConfirmedException", Type: "UserNotConfirmedException", Cause: "never confirmed"}
	secret := flows.Diagnosis{ID: "cognito.NotAuthorizedException.secret-missing", Type: "NotAuthorizedException"}
	for _, tc := range []struct {
		name string
		ev   tour.Event
		not  string
		is   string
	}{
		{"clean on another client", tour.Event{Kind: tour.EventSignIn, Flow: tour.FlowSRP, Username: tour.Username, ClientID: tour.SecretClientID, Tokens: tokens}, "clean", ""},
		{"clean as another user", tour.Event{Kind: tour.EventSignIn, Flow: tour.FlowSRP, Username: tour.MFAUsername, Tokens: tokens}, "clean", ""},
		{"clean", tour.Event{Kind: tour.EventSignIn, Flow: tour.FlowSRP, Username: tour.Username, Tokens: tokens}, "", "clean"},
		{"secret missing on the public client", tour.Event{Kind: tour.EventSignIn, Flow: tour.FlowSRP, Failure: &secret}, "secret-missing", ""},
		{"secret missing", tour.Event{Kind: tour.EventSignIn, Flow: tour.FlowSRP, ClientID: tour.SecretClientID, Failure: &secret}, "", "secret-missing"},
		{"unconfirmed", tour.Event{Kind: tour.EventSignIn, Flow: tour.FlowPassword, Failure: &unconfirmed}, "", "unconfirmed"},
		{"another challenge", tour.Event{Kind: tour.EventChallenge, Challenge: "SOFTWARE_TOKEN_MFA"}, "force-change", ""},
		{"refresh not rotated", tour.Event{Kind: tour.EventSignIn, Flow: tour.FlowRefresh, ClientID: tour.RotateClientID, Tokens: tokens}, "rotation", ""},
		{"no groups claim", tour.Event{Kind: tour.EventSignIn, Flow: tour.FlowSRP, Username: tour.Username, Tokens: tokens}, "admins", ""},
		{"scoped with the access token", tour.Event{Kind: tour.EventCall, Path: "/scoped", Token: tour.TokenAccess, Status: 403}, "api-scope", ""},
		{"private 200 without a token", tour.Event{Kind: tour.EventCall, Path: "/private", Token: tour.TokenNone, Status: 200}, "api-jwt", ""},
		{"call not answered", tour.Event{Kind: tour.EventCall, Path: "/hello", Token: tour.TokenNone}, "api-public", ""},
	} {
		hits := tour.Match(cases, tc.ev)
		for _, h := range hits {
			if h.Case == tc.not {
				t.Errorf("%s: ticks off %s", tc.name, tc.not)
			}
		}
		if tc.is != "" {
			found := false
			for _, h := range hits {
				found = found || h.Case == tc.is
			}
			if !found {
				t.Errorf("%s: does not tick off %s (hits %v)", tc.name, tc.is, hits)
			}
		}
	}
}
