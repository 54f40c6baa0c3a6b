package oauth

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/cogscope/cogscope/flows"
)

// UserInfo asks the userinfo endpoint for the claims an access token may
// read. Cognito wants a token from its token endpoint with the openid
// scope; it sends email_verified and phone_number_verified as strings.
func (c *Client) UserInfo(ctx context.Context, accessToken string) (map[string]any, error) {
	if accessToken == "" {
		return nil, errInvalid("no access token")
	}
	ep, err := c.Endpoints(ctx)
	if err != nil {
		return nil, err
	}
	s := c.rec.begin(flows.StepCall, OpUserInfo, "UserInfo")
	defer s.End()
	if err := need("userinfo_endpoint", ep.UserInfo); err != nil {
		s.fail(err)
		return nil, err
	}
	s.Request("url", ep.UserInfo)
	s.Request("Authorization", "Bearer "+accessToken)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ep.UserInfo, nil)
	if err != nil {
		s.fail(err)
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json")
	res, body, err := c.do(req)
	if err != nil {
		err = fmt.Errorf("userinfo: %w", err)
		s.fail(err)
		return nil, err
	}
	s.HTTPMeta(res.Header)
	s.Response("status", fmt.Sprint(res.StatusCode))
	if res.StatusCode != http.StatusOK {
		oe := &Error{Op: OpUserInfo, HTTPStatus: res.StatusCode, RequestID: s.Step.RequestID}
		if h := res.Header.Get("WWW-Authenticate"); h != "" {
			s.Response("WWW-Authenticate", h)
			oe.Code, oe.Description = parseWWWAuthenticate(h)
		}
		if eb, ok := parseErrorBody(body); ok && oe.Code == "" {
			oe.Code, oe.Description = eb.Error, eb.Description
		}
		if oe.Code == "" {
			he := &HTTPError{Op: OpUserInfo, URL: ep.UserInfo, Status: res.StatusCode, Body: snippet(body),
				Reason: "the userinfo endpoint refused without saying why"}
			s.fail(he)
			return nil, he
		}
		s.fail(oe)
		return nil, oe
	}
	var claims map[string]any
	if err := json.Unmarshal(body, &claims); err != nil {
		he := &HTTPError{Op: OpUserInfo, URL: ep.UserInfo, Status: res.StatusCode, Body: snippet(body),
			Reason: "the userinfo response is not a JSON object (a signed JWT response is not supported)"}
		s.fail(he)
		return nil, he
	}
	keys := make([]string, 0, len(claims))
	for k := range claims {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v, _ := json.Marshal(claims[k])
		if str, ok := claims[k].(string); ok {
			v = []byte(str)
		}
		s.Response(k, string(v))
	}
	s.Step.Title += fmt.Sprintf(" → %d claims", len(claims))
	return claims, nil
}
