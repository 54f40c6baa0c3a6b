// Package rolemap is how a Cognito identity pool picks a role and
// principal tags for an identity: role mappings (Token, Rules), claim
// rules, AmbiguousRoleResolution, the default principal tag map, and the
// Logins key of a user pool. It imports std only: both the client
// (flows/idpool) and the local stack (internal/local/identity) use it.
package rolemap
