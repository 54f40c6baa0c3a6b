// Package local is the in-process AWS stack behind `cogscope local` and the
// tests of every other package. It composes the emulated services (one
// sub-package each: cognito now, logs and API Gateway later) behind one
// http.Handler that dispatches on the X-Amz-Target prefix and on the path,
// serves it on a loopback listener, loads seed files and keeps state files.
//
// Adding a service means adding one entry to Stack.services (a target
// prefix and/or path patterns and a handler); the dispatcher, request log,
// body cap and listener do not change.
//
// # Limits of the server
//
// Serve (not Handler, which others may mount on their own server) applies
// limits suited to a local server (serve.go): headers within 10 s, the
// body within 30 s (a trickling or half-sent body is cut off; the read
// deadline is lifted once the body has been read, so a stream's request
// context lives on), the answer within 60 s, 60 s of idle keep-alive,
// and at most 256 connections at once. A streaming operation gets no
// write deadline: CloudWatch Logs StartLiveTail is listed in
// streamingTargets; another streaming handler can lift its own with
// http.NewResponseController(w).SetWriteDeadline(time.Time{}). Listen
// judges --addr by the address actually bound, not by its name.
//
// # State
//
// With Options.StatePath the state file is written 250 ms after a change
// (changes in that window are written together), so a crash can lose
// acknowledged changes of the last ~quarter second plus the write time;
// Options.StateSync writes before each answer instead. Both go through
// internal/atomicfile.
//
// It must not import charm.land/* or ui. Besides the standard library,
// internal/local/* and internal/atomicfile, it imports go.yaml.in/yaml/v3 (YAML seed files) and
// google/uuid (request ids of the dispatcher's own errors).
package local
