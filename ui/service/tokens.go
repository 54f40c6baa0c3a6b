package service

import (
	"context"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/inspect"
)

// TokenUse names which token of a session a report is about.
type TokenUse string

// The tokens of a session; TokenUnknown is a pasted token.
const (
	TokenID      TokenUse = "id"
	TokenAccess  TokenUse = "access"
	TokenRefresh TokenUse = "refresh"
	TokenUnknown TokenUse = ""
)

// Tokens inspects and renews tokens.
type Tokens interface {
	// Describe decodes token and explains it without verifying anything
	// or doing any I/O (inspect.Describe), so the view can show the claims
	// at once while Inspect verifies.
	Describe(token string) *inspect.Report
	// Inspect decodes and verifies token (fetching the issuer's JWKS when
	// needed). use is the role the token has in the session, or
	// TokenUnknown for a pasted one. A token that fails checks, or is no
	// token at all, is a Report (its parse check says what the input is);
	// the error is for not being able to judge at all (JWKS unreachable).
	Inspect(ctx context.Context, token string, use TokenUse) (*inspect.Report, error)
	// Refresh trades the session's refresh token for new tokens. The
	// result keeps the old refresh token when Cognito did not rotate it.
	Refresh(ctx context.Context, s flows.Tokens) (flows.Tokens, error)
}
