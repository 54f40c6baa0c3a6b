package console

import (
	"context"
	"fmt"
	"slices"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/oauth"
	"github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/internal/tour"
	"github.com/cogscope/cogscope/ui/service"
)

// consoleTokens inspects with package inspect (JWKS fetched over the
// factory's HTTP client and cached) and refreshes with package flows, or
// at the hosted UI's token endpoint when the target names no pool.
type consoleTokens struct{ c *console }

// tokenHints word what a check's text, or a fetch refusal, leaves for an
// edge to name (inspect's fix codes) by what the console offers: the
// profile, its views. The console has no --issuer, --jwks, --skew or
// --relaxed-fetch, so where it offers nothing the library's plain words
// stand alone (the command line's words are inspect's checkHints).
var tokenHints = map[string]inspect.Hint{
	inspect.FixExpectIssuer:   {After: "no expected issuer given", Text: " (the profile's user_pool_id gives one)"},
	inspect.FixGiveIssuer:     {Text: " in the profile (its user_pool_id)"},
	inspect.FixConfirmIssuer:  {Text: ": name its pool in the profile's user_pool_id, whose issuer the console trusts"},
	inspect.FixExpectTokenUse: {Text: ", and a pasted token may be of either kind"},
	inspect.FixAnyTokenUse:    {Text: " (a pasted token)"},
	inspect.FixExpectClientID: {Text: " (a pasted token is not held to the profile's client_id)"},
	inspect.FixRequireScope:   {Text: " (the API view holds a token to its route's scopes)"},
	inspect.FixConfirmOrRelax: {After: "the issuer is unconfirmed", Text: " (the profile's user_pool_id confirms it)"},
	// FixSkew, FixSkewDrift, FixRequireGroup, FixRelaxFetch, FixGiveJWKS:
	// nothing in the console does them.
}

func (ct consoleTokens) Describe(raw string) *inspect.Report {
	return inspect.Describe(raw, ct.c.f.Clock()()).Phrase(tokenHints)
}

func (ct consoleTokens) Inspect(ctx context.Context, raw string, use service.TokenUse) (*inspect.Report, error) {
	t := ct.c.current()
	opts := inspect.Options{Now: ct.c.f.Clock(), Keys: ct.c.keys}
	if t.UserPoolID != "" {
		opts.Issuer = t.PoolIssuer()
	}
	if t.ClientID != "" && use != service.TokenUnknown {
		// The session's tokens come from the sign-in client, or from the
		// client credentials client.
		opts.ClientIDs = []string{t.ClientID}
		if t.CCClientID != "" && t.CCClientID != t.ClientID {
			opts.ClientIDs = append(opts.ClientIDs, t.CCClientID)
		}
		if demoStack(t) {
			// The tour signs in as the demo's other clients too.
			for _, id := range []string{tour.SecretClientID, tour.RotateClientID, tour.NoSRPClientID, tour.MachineClientID} {
				if !slices.Contains(opts.ClientIDs, id) {
					opts.ClientIDs = append(opts.ClientIDs, id)
				}
			}
		}
	}
	switch use {
	case service.TokenID, service.TokenAccess:
		opts.TokenUse = string(use)
	}
	v, err := inspect.NewVerifier(opts)
	if err != nil {
		return nil, fmt.Errorf("inspect: %w", err)
	}
	r, err := v.Verify(ctx, raw)
	if r == nil && err != nil {
		// Empty input and the like: a description says what it is.
		return ct.Describe(raw), nil
	}
	if err != nil {
		err = inspect.PhraseError(err, tokenHints)
	}
	return r.Phrase(tokenHints), err
}

func (ct consoleTokens) Refresh(ctx context.Context, s flows.Tokens) (flows.Tokens, error) {
	t := ct.c.current()
	switch {
	case t.Pending:
		return flows.Tokens{}, errStarting
	case s.RefreshToken == "":
		return flows.Tokens{}, &service.Failure{Diagnosis: flows.Diagnosis{Message: "the session has no refresh token",
			Cause: "Client credentials give an access token only.", Fix: "Sign in as a user to get a refresh token."}}
	case t.UserPoolID == "":
		return ct.hostedRefresh(ctx, t, s)
	}
	api, err := ct.c.api(t)
	if err != nil {
		return flows.Tokens{}, err
	}
	t.ClientID, t.ClientSecret = tourClient(t, s)
	fl, err := flows.New(flows.Options{Kind: flows.KindRefresh, API: api, UserPoolID: t.UserPoolID,
		ClientID: t.ClientID, ClientSecret: t.ClientSecret, RefreshToken: s.RefreshToken, AccessToken: s.AccessToken, Now: ct.c.f.Clock()})
	if err != nil {
		return flows.Tokens{}, failureOf(err)
	}
	res, err := flows.Run(ctx, fl, flows.NonInteractive)
	if err != nil {
		return flows.Tokens{}, failureOf(err)
	}
	return *res.Tokens, nil
}

// hostedRefresh uses the refresh_token grant of the hosted UI's token
// endpoint, for a profile that names only a domain.
func (ct consoleTokens) hostedRefresh(ctx context.Context, t cmdutil.Target, s flows.Tokens) (flows.Tokens, error) {
	client, err := oauth.New(oauth.Options{Issuer: t.Issuer, Domain: t.Domain, ClientID: t.ClientID,
		ClientSecret: t.ClientSecret, HTTPClient: ct.c.f.HTTP, Now: ct.c.f.Clock()})
	if err != nil {
		return flows.Tokens{}, hostedFailureOf(err)
	}
	res, err := client.Refresh(ctx, s.RefreshToken)
	if err != nil {
		return flows.Tokens{}, hostedFailureOf(err)
	}
	return *res.Tokens, nil
}

// tourClient is the app client a session's refresh goes to: on the demo
// stack, the client the tour signed in as (the access token's client_id,
// one of the demo's, whose secrets are public); the target's otherwise.
func tourClient(t cmdutil.Target, s flows.Tokens) (id, secret string) {
	if !demoStack(t) {
		return t.ClientID, t.ClientSecret
	}
	c, err := flows.UnverifiedClaims(s.AccessToken)
	if err != nil || c.ClientID == "" || c.ClientID == t.ClientID {
		return t.ClientID, t.ClientSecret
	}
	switch c.ClientID {
	case tour.SecretClientID:
		return c.ClientID, tour.ClientSecret
	case tour.RotateClientID, tour.NoSRPClientID:
		return c.ClientID, ""
	}
	return t.ClientID, t.ClientSecret
}
