// Package interop holds tests only: the official JavaScript clients
// (amazon-cognito-identity-js, aws-jwt-verify, the AWS SDK for JavaScript
// v3) drive the local stack in-process, as referees of its wire shapes,
// SRP, tokens and JWKS.
//
// The tests need Node.js and the peers installed from peers/package.json;
// they run when COGSCOPE_PEERS names the directory holding their
// node_modules (.ci/run sets it) and skip otherwise, so `go test ./...` on
// a machine with only Go stays quick.
//
// It must not import charm.land/* or ui.
package interop
