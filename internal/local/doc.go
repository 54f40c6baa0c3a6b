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
// It must not import charm.land/* or ui. Besides the standard library and
// internal/local/*, it imports go.yaml.in/yaml/v3 (YAML seed files) and
// google/uuid (request ids of the dispatcher's own errors).
package local
