// Package service holds the console's view of the work it shows: the
// interfaces cmd implements on top of flows, inspect and the local stack
// (SignIn, Tokens), and the plain data they exchange with the pages
// (trace steps, challenges, tokens, inspection reports).
//
// The console depends on these interfaces only, so every page can be driven
// by a fake in tests. Nothing here performs I/O; implementations do, and the
// pages call them from tea.Cmds only.
//
// It imports flows and inspect for their types (and phrases flows'
// diagnoses in the console's words: Failure embeds flows.Diagnosis,
// NewFailure words it with Words), and no charm.land/* or other ui
// package.
package service
