// Package local is the in-process AWS stack: it composes the emulated
// services (one sub-package each) behind one http.Handler that dispatches on
// X-Amz-Target and path, and starts it on a loopback listener.
//
// It must not import charm.land/* or ui.
package local
