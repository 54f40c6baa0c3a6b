package oauth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/termtext"
)

// Grant types of the token endpoint.
const (
	GrantAuthorizationCode = "authorization_code"
	GrantRefreshToken      = "refresh_token"
	GrantClientCredentials = "client_credentials"
)

// tokenResponse is the token endpoint's success body (RFC 6749 §5.1).
type tokenResponse struct {
	AccessToken  string          `json:"access_token"`
	IDToken      string          `json:"id_token"`
	RefreshToken string          `json:"refresh_token"`
	TokenType    string          `json:"token_type"`
	ExpiresIn    json.RawMessage `json:"expires_in"` // a number; a few providers send a string
	Scope        string          `json:"scope"`
}

func (t *tokenResponse) expiresIn() (int32, error) {
	if len(t.ExpiresIn) == 0 || string(t.ExpiresIn) == "null" {
		return 0, nil
	}
	s := strings.Trim(string(t.ExpiresIn), `"`)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > math.MaxInt32 {
		return 0, fmt.Errorf("expires_in %s is not a number of seconds", t.ExpiresIn)
	}
	return int32(f), nil
}

// authenticate adds the client's credentials to a token or revocation
// form: form fields for client_secret_post, client_id alone for a public
// client. For client_secret_basic it returns the Authorization header
// value. auth is the method used ("" for public clients).
func (c *Client) authenticate(form url.Values, s *rec) (auth ClientAuth, header string) {
	if c.o.ClientSecret == "" {
		form.Set("client_id", c.o.ClientID)
		s.Request("client_id", c.o.ClientID)
		return "", ""
	}
	if c.o.ClientAuth == ClientSecretPost {
		form.Set("client_id", c.o.ClientID)
		form.Set("client_secret", c.o.ClientSecret)
		s.Request("client_id", c.o.ClientID)
		s.Request("client_secret", c.o.ClientSecret)
		return ClientSecretPost, ""
	}
	// RFC 6749 §2.3.1: both parts form-encoded before Base64. Cognito's
	// ids and secrets are alphanumeric, so this changes nothing there.
	cred := base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(c.o.ClientID) + ":" + url.QueryEscape(c.o.ClientSecret)))
	s.Request("Authorization", "Basic "+cred)
	s.Request("client_id (in Basic)", c.o.ClientID)
	return ClientSecretBasic, "Basic " + cred
}

// postForm sends a form, with the client's credentials, to an endpoint.
// The form's own fields are recorded by the caller.
func (c *Client) postForm(ctx context.Context, s *rec, endpoint string, form url.Values) (*http.Response, []byte, ClientAuth, error) {
	auth, header := c.authenticate(form, s)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, nil, auth, err
	}
	if header != "" {
		req.Header.Set("Authorization", header)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	res, resBody, err := c.do(req)
	if err != nil {
		return nil, nil, auth, err
	}
	s.HTTPMeta(res.Header)
	return res, resBody, auth, nil
}

// token runs one grant at the token endpoint, recording the step s (which
// the caller ends).
func (c *Client) token(ctx context.Context, s *rec, ep *Endpoints, grant string, form url.Values) (*tokenResponse, error) {
	if err := need("token_endpoint", ep.Token); err != nil {
		s.fail(err)
		return nil, err
	}
	form.Set("grant_type", grant)
	s.Request("url", ep.Token)
	for k := range form {
		s.Request(k, form.Get(k))
	}
	res, body, auth, err := c.postForm(ctx, s, ep.Token, form)
	if err != nil {
		err = fmt.Errorf("token (%s): %w", grant, err)
		s.fail(err)
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		eb, ok := parseErrorBody(body)
		if !ok {
			he := &HTTPError{Op: OpToken, URL: ep.Token, Status: res.StatusCode, Body: snippet(body),
				Reason: "the token endpoint did not answer with an OAuth error"}
			s.fail(he)
			return nil, he
		}
		s.Response("error", termtext.Line(eb.Error))
		s.Response("error_description", termtext.Line(eb.Description))
		oe := &Error{Op: OpToken, Grant: grant, Code: termtext.Line(eb.Error), Description: termtext.Line(eb.Description), URI: termtext.Line(eb.URI),
			HTTPStatus: res.StatusCode, RequestID: s.Step.RequestID, ClientAuth: auth, RedirectURI: form.Get("redirect_uri")}
		s.fail(oe)
		return nil, oe
	}
	var tr tokenResponse
	if err := json.Unmarshal(body, &tr); err != nil || tr.AccessToken == "" {
		reason := "the token response has no access_token"
		if err != nil {
			reason = "the token response is not JSON: " + err.Error()
		}
		he := &HTTPError{Op: OpToken, URL: ep.Token, Status: res.StatusCode, Body: snippet(body), Reason: reason}
		s.fail(he)
		return nil, he
	}
	s.Response("access_token", tr.AccessToken)
	s.Response("id_token", tr.IDToken)
	s.Response("refresh_token", tr.RefreshToken)
	s.Response("token_type", tr.TokenType)
	s.Response("expires_in", strings.Trim(string(tr.ExpiresIn), `"`))
	s.Response("scope", tr.Scope)
	if _, err := tr.expiresIn(); err != nil {
		he := &HTTPError{Op: OpToken, URL: ep.Token, Status: res.StatusCode, Reason: err.Error()}
		s.fail(he)
		return nil, he
	}
	if tt := tr.TokenType; tt != "" && !strings.EqualFold(tt, "Bearer") {
		s.Note("token_type is %q, not Bearer: APIs that expect a bearer token may refuse it.", tt)
	}
	return &tr, nil
}

func (c *Client) tokens(tr *tokenResponse) *flows.Tokens {
	exp, _ := tr.expiresIn() // checked in token
	return &flows.Tokens{IDToken: tr.IDToken, AccessToken: tr.AccessToken, RefreshToken: tr.RefreshToken,
		ExpiresIn: exp, TokenType: tr.TokenType, IssuedAt: c.o.Now()}
}

// ClientCredentials gets an access token for the client itself (no user):
// the client must have a secret and the grant enabled. Scopes are custom
// resource-server scopes such as "test/test.read"; none asks for all the
// client may have.
func (c *Client) ClientCredentials(ctx context.Context) (*Result, error) {
	if c.o.ClientSecret == "" {
		return nil, errInvalid("the client_credentials grant needs the client secret")
	}
	ep, err := c.Endpoints(ctx)
	if err != nil {
		return nil, err
	}
	s := c.rec.begin(flows.StepCall, OpToken, "Token "+GrantClientCredentials)
	defer s.End()
	form := url.Values{}
	if len(c.o.Scopes) > 0 {
		form.Set("scope", strings.Join(c.o.Scopes, " "))
	}
	tr, err := c.token(ctx, s, ep, GrantClientCredentials, form)
	if err != nil {
		return nil, err
	}
	s.Step.Title += " → access token"
	if tr.IDToken != "" || tr.RefreshToken != "" {
		s.Note("The provider returned an ID or refresh token for client_credentials; Cognito never does.")
	}
	return &Result{Tokens: c.tokens(tr), Scope: tr.Scope}, nil
}

// Refresh trades a refresh token for new tokens. Cognito returns a new
// refresh token only when the client rotates them; otherwise the result
// keeps the one given (Tokens.RefreshRotated false).
func (c *Client) Refresh(ctx context.Context, refreshToken string) (*Result, error) {
	if refreshToken == "" {
		return nil, errInvalid("no refresh token")
	}
	ep, err := c.Endpoints(ctx)
	if err != nil {
		return nil, err
	}
	s := c.rec.begin(flows.StepCall, OpToken, "Token "+GrantRefreshToken)
	defer s.End()
	tr, err := c.token(ctx, s, ep, GrantRefreshToken, url.Values{"refresh_token": {refreshToken}})
	if err != nil {
		return nil, err
	}
	// OpenID Connect Core §12.2: a refreshed ID token keeps its issuer
	// and audience; it carries no nonce.
	if err := c.checkIDToken(s, ep, tr.IDToken, idTokenCheck{grant: GrantRefreshToken, accessToken: tr.AccessToken}); err != nil {
		s.fail(err)
		return nil, err
	}
	s.Step.Title += " → tokens"
	t := c.tokens(tr)
	switch tr.RefreshToken {
	case "":
		t.RefreshToken = refreshToken
		s.Note("No new refresh token: the one given stays valid (no refresh-token rotation).")
	case refreshToken:
		s.Note("The same refresh token came back: it stays valid (no rotation).")
	default:
		t.RefreshRotated = true
		s.Note("A new refresh token replaced the one given (refresh-token rotation).")
	}
	return &Result{Tokens: t, Scope: tr.Scope}, nil
}
