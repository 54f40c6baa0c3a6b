// Package flows signs in to Cognito user pools in every way Cognito allows,
// recording each step in a trace that the CLI prints and the console
// narrates. Challenges are returned as values and answered by the caller.
//
// It must not import charm.land/* or ui.
package flows
