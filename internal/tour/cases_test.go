package tour_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/oauth"
	"github.com/cogscope/cogscope/flows/oauth/oauthtest"
	"github.com/cogscope/cogscope/internal/local/localtest"
	"github.com/cogscope/cogscope/internal/tour"
)

// stopAt is a challenge the test leaves unanswered, as a user looking at
// the console's form would: the run ends there with an EventChallenge.
type stopAt struct{ challenge *flows.Challenge }

func (s *stopAt) Error() string { return "stopped at " + s.challenge.Name }

// answerer answers SOFTWARE_TOKEN_MFA with the tour's code helper and
// stops at anything else.
func answerer(now func() time.Time) flows.Answerer {
	return flows.AnswererFunc(func(_ context.Context, c *flows.Challenge) (flows.Answer, error) {
		if c.Name == "SOFTWARE_TOKEN_MFA" {
			code, _, err := tour.TOTPCode(tour.TOTPSecret, now())
			if err != nil {
				return nil, err
			}
			return flows.Answer{flows.FieldCode: code}, nil
		}
		return nil, &stopAt{c}
	})
}

// signIn runs a case's Try as the console's sign-in would (package flows
// over the SDK client, or flows/oauth for the hosted-UI flows) and turns
// the outcome into the Event the console gives the tour.
func signIn(t *testing.T, env *localtest.Env, try tour.Try, session *flows.Tokens) tour.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ev := tour.Event{Kind: tour.EventSignIn, Flow: try.Flow, Username: try.Username, ClientID: try.ClientID}
	client, secret := try.ClientID, try.ClientSecret
	if client == "" {
		client = tour.PublicClientID
	}
	switch try.Flow {
	case tour.FlowPKCE, tour.FlowClientCredentials:
		return hosted(t, ctx, env, try, ev)
	}
	kind := map[string]flows.Kind{tour.FlowSRP: flows.KindUserSRP, tour.FlowPassword: flows.KindUserPassword, tour.FlowRefresh: flows.KindRefresh}[try.Flow]
	opts := flows.Options{Kind: kind, API: env.CognitoClient(), UserPoolID: env.Demo.PoolID, ClientID: client, ClientSecret: secret,
		Username: try.Username, Password: try.Password, Reveal: true}
	if session != nil {
		opts.RefreshToken, opts.AccessToken = session.RefreshToken, session.AccessToken
	}
	f, err := flows.New(opts)
	if err != nil {
		t.Fatalf("flows.New: %v", err)
	}
	res, err := flows.Run(ctx, f, answerer(time.Now))
	ev.Steps = f.Trace()
	var stop *stopAt
	switch {
	case errors.As(err, &stop):
		ev.Kind, ev.Challenge = tour.EventChallenge, stop.challenge.Name
	case err != nil:
		d := flows.Diagnose(err)
		ev.Failure = &d
	default:
		ev.Tokens = res.Tokens
	}
	return ev
}

// hosted runs the PKCE flow (a scripted browser signs in as demo) or
// client credentials.
func hosted(t *testing.T, ctx context.Context, env *localtest.Env, try tour.Try, ev tour.Event) tour.Event {
	t.Helper()
	o := oauth.Options{Issuer: env.Demo.Issuer, ClientID: try.ClientID, ClientSecret: try.ClientSecret, Scopes: try.Scopes, Reveal: true,
		Timeout: 10 * time.Second}
	if try.Flow == tour.FlowClientCredentials {
		c, err := oauth.New(o)
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.ClientCredentials(ctx)
		if err != nil {
			d := oauth.Diagnose(err)
			ev.Failure = &d
			return ev
		}
		ev.Tokens = res.Tokens
		return ev
	}
	// The public client's registered callback is the console's
	// (localhost:8765, maybe busy on a shared machine): this test's stack
	// also allows its own free port.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	redirect := "http://localhost:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port) + "/callback"
	allowCallback(t, ctx, env, tour.PublicClientID, redirect)
	o.ClientID, o.RedirectURI, o.Listener = tour.PublicClientID, redirect, ln
	o.Scopes = []string{"openid", "email", "profile"}
	urls := make(chan string, 1)
	o.OnAuthorizeURL = func(u string) { urls <- u }
	c, err := oauth.New(o)
	if err != nil {
		t.Fatal(err)
	}
	b := oauthtest.New(map[string]string{"username": tour.Username, "password": tour.Password})
	type out struct {
		res *oauth.Result
		err error
	}
	done := make(chan out, 1)
	go func() {
		res, err := c.AuthorizationCode(ctx)
		done <- out{res, err}
	}()
	select {
	case u := <-urls:
		if _, err := b.Open(ctx, u); err != nil {
			t.Logf("browser: %v (visited %v)", err, b.Visited)
		}
	case <-ctx.Done():
	}
	r := <-done
	if r.err != nil {
		d := oauth.Diagnose(r.err)
		ev.Failure = &d
		return ev
	}
	ev.Tokens = r.res.Tokens
	return ev
}

// allowCallback adds redirect to the client's callback URLs (Update
// resets what it is not given, as Cognito's does: everything is copied).
func allowCallback(t *testing.T, ctx context.Context, env *localtest.Env, clientID, redirect string) {
	t.Helper()
	api := env.CognitoClient()
	d, err := api.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(env.Demo.PoolID), ClientId: aws.String(clientID)})
	if err != nil {
		t.Fatal(err)
	}
	c := d.UserPoolClient
	_, err = api.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: c.UserPoolId, ClientId: c.ClientId, ClientName: c.ClientName,
		ExplicitAuthFlows: c.ExplicitAuthFlows, AllowedOAuthFlows: c.AllowedOAuthFlows, AllowedOAuthScopes: c.AllowedOAuthScopes,
		AllowedOAuthFlowsUserPoolClient: aws.ToBool(c.AllowedOAuthFlowsUserPoolClient), CallbackURLs: append(c.CallbackURLs, redirect),
		LogoutURLs: c.LogoutURLs, SupportedIdentityProviders: c.SupportedIdentityProviders})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSignInCases runs every sign-in case of the tour against the local
// stack and checks the outcome it promises: the catalogue entry, the
// challenge, or the tokens' claims; and that the case's own matcher
// ticks it off (and that a clean sign-in does not tick off a failure).
func TestSignInCases(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	cases := tour.Demo()
	for _, c := range cases {
		if c.Try.View != tour.ViewSignIn {
			continue
		}
		t.Run(c.ID, func(t *testing.T) {
			var session *flows.Tokens
			if c.ID == "rotation" {
				first := signIn(t, env, c.Try, nil)
				if first.Tokens == nil {
					t.Fatalf("sign-in before the refresh: %+v", first.Failure)
				}
				session = first.Tokens
				try := c.Try
				try.Flow = tour.FlowRefresh
				ev := signIn(t, env, try, session)
				check(t, cases, c, ev)
				if ev.Tokens == nil || ev.Tokens.RefreshToken == session.RefreshToken {
					t.Errorf("refresh on the rotating client gave no new refresh token: %+v", ev.Tokens)
				}
				return
			}
			ev := signIn(t, env, c.Try, nil)
			check(t, cases, c, ev)
			switch {
			case c.Diagnosis != "":
				if ev.Failure == nil || ev.Failure.ID != c.Diagnosis {
					t.Errorf("diagnosis = %+v, the tour promises %s", ev.Failure, c.Diagnosis)
				}
			case c.Challenge != "" && ev.Kind == tour.EventChallenge:
				if ev.Challenge != c.Challenge {
					t.Errorf("challenge = %s, the tour promises %s", ev.Challenge, c.Challenge)
				}
			default:
				if ev.Tokens == nil {
					t.Fatalf("no tokens: %+v", ev.Failure)
				}
			}
		})
	}
}

// check asserts that ev ticks off c, and no case that promises another
// failure.
func check(t *testing.T, cases []tour.Case, c tour.Case, ev tour.Event) {
	t.Helper()
	hits := tour.Match(cases, ev)
	i := slices.IndexFunc(hits, func(h tour.Hit) bool { return h.Case == c.ID })
	if i < 0 {
		t.Fatalf("event does not tick off %s: hits %v, event %+v (failure %+v)", c.ID, hits, ev, ev.Failure)
	}
	if hits[i].Outcome == "" {
		t.Errorf("%s ticked off with no outcome to show", c.ID)
	}
	for _, h := range hits {
		other, _ := tour.CaseByID(cases, h.Case)
		if h.Case != c.ID && other.Diagnosis != "" && other.Diagnosis != c.Diagnosis {
			t.Errorf("event of %s also ticks off %s (%s)", c.ID, h.Case, h.Outcome)
		}
	}
}

// TestAPICases calls every API case's route as the console's API view
// would, with the tokens of the users the case names, and checks the
// statuses the tour promises, that each ticks the case off, and that the
// log groups the tour points at fill.
func TestAPICases(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	cases := tour.Demo()
	demo := signIn(t, env, tour.Try{Flow: tour.FlowSRP, Username: tour.Username, Password: tour.Password}, nil)
	mfa := signIn(t, env, tour.Try{Flow: tour.FlowSRP, Username: tour.MFAUsername, Password: tour.Password}, nil)
	if demo.Tokens == nil || mfa.Tokens == nil {
		t.Fatalf("sign-ins: %+v / %+v", demo.Failure, mfa.Failure)
	}
	tokenOf := func(tk *flows.Tokens, which string) string {
		switch which {
		case tour.TokenAccess:
			return tk.AccessToken
		case tour.TokenID:
			return tk.IDToken
		}
		return ""
	}
	for _, tc := range []struct {
		caseID string
		url    string
		user   *flows.Tokens
		token  string
		status int
		header string // in www-authenticate, when set
	}{
		{"api-public", env.API.HTTPURL + "/hello", nil, tour.TokenNone, 200, ""},
		{"api-public", env.API.RestURL + "/hello", nil, tour.TokenNone, 200, ""},
		{"api-jwt", env.API.HTTPURL + "/private", nil, tour.TokenNone, 401, ""},
		{"api-jwt", env.API.HTTPURL + "/private", demo.Tokens, tour.TokenAccess, 200, ""},
		{"api-scope", env.API.HTTPURL + "/scoped", demo.Tokens, tour.TokenID, 403, "insufficient_scope"},
		{"api-admins", env.API.HTTPURL + "/admin", demo.Tokens, tour.TokenAccess, 200, ""},
		{"api-admins", env.API.HTTPURL + "/admin", mfa.Tokens, tour.TokenAccess, 403, ""},
		{"api-rest", env.API.RestURL + "/profile", demo.Tokens, tour.TokenAccess, 401, ""},
		{"api-rest", env.API.RestURL + "/profile", demo.Tokens, tour.TokenID, 200, ""},
	} {
		t.Run(tc.caseID+"/"+tc.token, func(t *testing.T) {
			c, ok := tour.CaseByID(cases, tc.caseID)
			if !ok {
				t.Fatalf("no case %s", tc.caseID)
			}
			if !slices.Contains(c.Status, tc.status) {
				t.Fatalf("the tour does not promise %d for %s (promises %v)", tc.status, tc.caseID, c.Status)
			}
			req, _ := http.NewRequest(http.MethodGet, tc.url, nil)
			if tc.user != nil {
				req.Header.Set("Authorization", tokenOf(tc.user, tc.token))
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.status || !strings.Contains(resp.Header.Get("Www-Authenticate"), tc.header) {
				t.Fatalf("GET %s with the %s token = %d (www-authenticate %q), the tour promises %d %s", tc.url, tc.token, resp.StatusCode,
					resp.Header.Get("Www-Authenticate"), tc.status, tc.header)
			}
			path := tc.url[strings.LastIndex(tc.url, "/"):]
			ev := tour.Event{Kind: tour.EventCall, Method: "GET", Path: path, Token: tc.token, Status: resp.StatusCode}
			check(t, cases, c, ev)
			// The same route with another outcome is not the case.
			ev.Status = 500
			if _, ok := c.Matches(ev); ok {
				t.Errorf("%s ticks off on a 500", c.ID)
			}
		})
	}
	// The groups the tour sends the user to have the calls' lines.
	logs := env.LogsClient()
	for _, g := range []string{tour.HTTPLogGroup, tour.RestLogGroup, tour.AdminsFunctionGroup} {
		out, err := logs.FilterLogEvents(context.Background(), &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(g)})
		if err != nil {
			t.Fatalf("FilterLogEvents %s: %v", g, err)
		}
		if len(out.Events) == 0 {
			t.Errorf("log group %s is empty after the calls", g)
		}
	}
}

// TestTOTPCode checks the code helper against RFC 6238's SHA-1 vector
// (secret "12345678901234567890", T = 59 s → 287082).
func TestTOTPCode(t *testing.T) {
	t.Parallel()
	const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // base32 of "12345678901234567890"
	for _, tc := range []struct {
		at   int64
		code string
		left time.Duration
	}{
		{59, "287082", 1 * time.Second},
		{1111111109, "081804", 1 * time.Second},
		{1234567890, "005924", 30 * time.Second},
	} {
		code, left, err := tour.TOTPCode(rfcSecret, time.Unix(tc.at, 0))
		if err != nil || code != tc.code || left != tc.left {
			t.Errorf("TOTPCode at %d = %s, %v, %v; want %s, %v", tc.at, code, left, err, tc.code, tc.left)
		}
	}
	if _, _, err := tour.TOTPCode("not base32!", time.Unix(0, 0)); err == nil {
		t.Error("a bad secret gave a code")
	}
}
