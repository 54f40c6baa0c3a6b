package console

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
	"github.com/cogscope/cogscope/ui/service"
)

// seededConsole is the console on a local stack whose profile's client
// is misconfigured: SRP is not among its flows, rotation is on, and its
// callback URL is registered without the trailing slash the profile has.
func seededConsole(t *testing.T) (*localtest.Env, service.Doctor) {
	t.Helper()
	env := localtest.Start(t)
	ctx := context.Background()
	out, err := env.CognitoClient().CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(cognito.DemoPoolID), ClientName: aws.String("doctor"),
		ExplicitAuthFlows:               []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "email"}, SupportedIdentityProviders: []string{"COGNITO"},
		CallbackURLs:         []string{"http://localhost:8765/callback"},
		RefreshTokenRotation: &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled},
	})
	if err != nil {
		t.Fatal(err)
	}
	e := newConsoleEnv(t, profileFor(env.Endpoint, *out.UserPoolClient.ClientId, "http://localhost:8765/callback/"))
	c, err := newConsole(ctx, e.factory(cmdutil.GlobalOptions{}), cmdutil.TargetFlags{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.close)
	doc := c.options().Doctor
	if doc == nil {
		t.Fatal("no doctor service")
	}
	return env, doc
}

func checksNamed(r *service.DoctorReport, name string) []service.Check {
	var out []service.Check
	for _, c := range r.Checks {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// The console's doctor on a seeded misconfiguration: each check trips
// for the flow the view picked, and what it says names the console's
// places, never a command-line flag.
func TestConsoleDoctorOnASeededMisconfiguration(t *testing.T) {
	t.Parallel()
	_, doc := seededConsole(t)
	ctx := context.Background()
	cases := []struct {
		req    service.DoctorRequest
		check  string
		status service.CheckStatus
		text   string // in the check's detail, fix or error
	}{
		{service.DoctorRequest{Flow: service.FlowSRP}, "client.auth-flow", service.CheckFail, "USER_SRP_AUTH is not enabled for the client."},
		{service.DoctorRequest{Flow: service.FlowPassword}, "client.auth-flow", service.CheckOK, "ALLOW_USER_PASSWORD_AUTH"},
		{service.DoctorRequest{Flow: service.FlowSRP}, "client.refresh-rotation", service.CheckWarn, "GetTokensFromRefreshToken (the Refresh flow)"},
		{service.DoctorRequest{Flow: service.FlowPKCE, Scopes: []string{"openid"}}, "hosted.callback-url", service.CheckFail,
			"or pass a registered one with the profile's hosted_ui.callback_url"},
		{service.DoctorRequest{Flow: service.FlowPKCE, Scopes: []string{"openid", "cogscope-api/read"}}, "hosted.scopes", service.CheckFail,
			"leave the Scopes field empty to get all of them"},
		{service.DoctorRequest{Flow: service.FlowPKCE, Scopes: []string{"openid", "email"}}, "hosted.scopes", service.CheckOK, ""},
		// The API the API view lists (the stack's demo APIs) is checked.
		{service.DoctorRequest{Flow: service.FlowSRP}, "api.audience", service.CheckFail, "does not have a valid audience"},
	}
	for _, c := range cases {
		t.Run(string(c.req.Flow)+"/"+c.check+"/"+string(c.status), func(t *testing.T) {
			rep, err := doc.Doctor(ctx, c.req)
			if err != nil {
				t.Fatal(err)
			}
			got := checksNamed(rep, c.check)
			var text []string
			worst := service.CheckSkipped
			for _, ch := range got {
				text = append(text, string(ch.Status)+": "+ch.Detail+" | "+ch.Fix+" | "+ch.Error)
				if ch.Status == c.status {
					worst = ch.Status
				}
			}
			all := strings.Join(text, "\n")
			if worst != c.status || !strings.Contains(all, c.text) {
				t.Errorf("%s: want %s with %q, got:\n%s", c.check, c.status, c.text, all)
			}
			for _, ch := range rep.Checks {
				if strings.Contains(ch.Detail+ch.Fix, "--") {
					t.Errorf("%s names a flag: %s | %s", ch.Name, ch.Detail, ch.Fix)
				}
			}
			if !strings.Contains(rep.Target, cognito.DemoPoolID) || len(rep.Unread) != 0 {
				t.Errorf("target %q, unread %+v", rep.Target, rep.Unread)
			}
		})
	}
}

// A pasted catalogue message is explained and its cause confirmed by the
// target's configuration; the fix is in the console's words.
func TestConsoleExplainsAPastedError(t *testing.T) {
	t.Parallel()
	_, doc := seededConsole(t)
	ctx := context.Background()
	pasted := "operation error Cognito Identity Provider: InitiateAuth, https response error StatusCode: 400, RequestID: 0b9f2a, " +
		"InvalidParameterException: USER_SRP_AUTH is not enabled for the client."
	x, err := doc.Explain(ctx, pasted, service.DoctorRequest{Flow: service.FlowSRP})
	if err != nil {
		t.Fatal(err)
	}
	if x.Best == nil || x.Best.ID != "cognito.flow-disabled" || !x.Checked {
		t.Fatalf("explanation: %+v", x)
	}
	if strings.Contains(x.Best.Fix, "--flow") || !strings.Contains(x.Best.Fix, "flow") {
		t.Errorf("fix in the CLI's words: %q", x.Best.Fix)
	}
	var confirmed bool
	for _, c := range x.Confirmations {
		if c.Cause == "cognito.flow-disabled" && c.Check == "client.auth-flow" {
			confirmed = c.Verdict == service.Confirmed
		}
	}
	if !confirmed {
		t.Errorf("the client's flows do not confirm the cause: %+v", x.Confirmations)
	}
	// With the password flow the same client rules the cause out.
	x, err = doc.Explain(ctx, pasted, service.DoctorRequest{Flow: service.FlowPassword})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range x.Confirmations {
		if c.Check == "client.auth-flow" && c.Verdict != service.RuledOut {
			t.Errorf("password flow: %+v", c)
		}
	}
	if x.Best == nil || x.Best.Link != flows.RefURL("cognito.flow-disabled") {
		t.Errorf("the cause does not link its entry on the troubleshooting page: %+v", x.Best)
	}
	// The explain table's own causes (API Gateway, JWT libraries, Logs)
	// link to their entries on the page too.
	for text, id := range map[string]string{
		`401 {"message":"The incoming token has expired"}`:                            "gateway.expired.rest",
		"CognitoJwtInvalidTokenUseError: Token use not allowed: id. Expected: access": "jwt.token-use",
		"ResourceNotFoundException: The specified log group does not exist.":          "logs.group-not-found",
	} {
		x, err := doc.Explain(ctx, text, service.DoctorRequest{Flow: service.FlowSRP})
		if err != nil || x.Best == nil || x.Best.ID != id || x.Best.Link != flows.RefURL(id) {
			t.Errorf("%s: %+v %v", text, x.Best, err)
		}
	}
	// A JWT authorizer's refusal pasted whole is one cause (the header's),
	// the generic 401 body's among the others, as `cogscope explain` says.
	refusal := "HTTP/2 401\nwww-authenticate: Bearer scope=\"\" error=\"invalid_token\" error_description=\"the token could not be decoded\"\n\n{\"message\":\"Unauthorized\"}"
	x, err = doc.Explain(ctx, refusal, service.DoctorRequest{Flow: service.FlowSRP})
	if err != nil || x.Ambiguous || x.Best == nil || x.Best.ID != "gateway.jwt.invalid_token" ||
		!slices.ContainsFunc(x.Others, func(c service.Cause) bool { return c.ID == "gateway.unauthorized" }) {
		t.Errorf("JWT refusal: %+v %v", x, err)
	}
	// Text that matches nothing is said to, without reading anything.
	x, err = doc.Explain(ctx, "it does not work", service.DoctorRequest{Flow: service.FlowSRP})
	if err != nil || x.Best != nil || len(x.Others) != 0 || x.Checked {
		t.Errorf("no match: %+v %v", x, err)
	}
}
