package oauth

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/termtext"
)

// Revoke revokes a refresh token at the revocation endpoint (RFC 7009;
// Cognito's /oauth2/revoke), which also ends the access and ID tokens
// minted from it. Revoking a token that is already revoked or unknown
// succeeds, as the RFC says.
func (c *Client) Revoke(ctx context.Context, refreshToken string) error {
	if refreshToken == "" {
		return errInvalid("no token to revoke")
	}
	ep, err := c.Endpoints(ctx)
	if err != nil {
		return err
	}
	s := c.rec.begin(flows.StepCall, OpRevoke, "Revoke the refresh token")
	defer s.End()
	if err := need("revocation_endpoint", ep.Revocation); err != nil {
		s.fail(err)
		return err
	}
	s.Request("url", ep.Revocation)
	s.Request("token", refreshToken)
	// No token_type_hint: Cognito takes only refresh tokens and refuses
	// parameters it does not know.
	res, body, auth, err := c.postForm(ctx, s, ep.Revocation, url.Values{"token": {refreshToken}})
	if err != nil {
		err = fmt.Errorf("revoke: %w", err)
		s.fail(err)
		return err
	}
	s.Response("status", fmt.Sprint(res.StatusCode))
	if res.StatusCode == http.StatusOK {
		s.Step.Title += " → revoked"
		s.Note("The refresh token and the access and ID tokens minted from it are revoked (ID tokens still verify offline until they expire).")
		return nil
	}
	eb, ok := parseErrorBody(body)
	if !ok {
		he := &HTTPError{Op: OpRevoke, URL: ep.Revocation, Status: res.StatusCode, Body: snippet(body),
			Reason: "the revocation endpoint did not answer with an OAuth error"}
		s.fail(he)
		return he
	}
	s.Response("error", termtext.Line(eb.Error))
	s.Response("error_description", termtext.Line(eb.Description))
	oe := &Error{Op: OpRevoke, Code: termtext.Line(eb.Error), Description: termtext.Line(eb.Description), URI: termtext.Line(eb.URI), HTTPStatus: res.StatusCode,
		RequestID: s.Step.RequestID, ClientAuth: auth}
	s.fail(oe)
	return oe
}
