package flows

import "github.com/cogscope/cogscope/flows/trace"

// IsSecretKey reports whether the trace value under key is a secret: one
// that a trace recorded without Reveal holds as Redacted, and that a
// trace recorded with Reveal (the console's, which masks values itself so
// the user can unmask them) must not show unasked. It reads the one
// classification table, trace.IsSecret; key is a member of Step.Request or
// Step.Response as recorded ("AuthParameters.SECRET_HASH",
// "code_verifier"), or "srp.<name>" for a value of Step.SRP.
func IsSecretKey(key string) bool { return trace.IsSecret(key) }
