// Package inspect decodes, verifies and explains JWTs, and judges them as
// API Gateway's authorizers would.
//
// It imports only the standard library and jwx.
package inspect
