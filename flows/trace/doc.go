// Package trace is the one recorder of the exchanges cogscope makes and
// the one table of which recorded values are secrets.
//
// Every trace in the project is built here: the Cognito sign-in flows
// (flows), the hosted-UI client (flows/oauth), and the API caller and log
// tail (internal/apicall, internal/logtail). The CLI's redaction (a trace
// recorded without Reveal) and the console's masking (a trace recorded
// with Reveal, masked by IsSecret until the user asks) read the same
// table, so they hide the same values.
//
// It imports only the standard library, so that flows, flows/oauth, ui,
// cmd and internal/* can all reach it.
//
// # API
//
//	type Step struct{ … }            // one entry of a trace; JSON form documented in package flows
//	type StepKind string             // StepCall, StepCompute, StepDecision
//	type APIError struct{ Type, Message, RequestID string; HTTPStatus int }
//	type SecretHashInfo struct{ Username, Source string }
//	type SRPValues struct{ … }
//
//	type Class int                   // Plain, Secret, Short
//	const Redacted = "[redacted]"
//	func Classify(key, value string) Class   // the table: how a value under key is recorded
//	func IsSecret(key string) bool            // whether a viewer must mask the value under key
//	func Rules() []Rule                       // the table itself, for documentation
//	func Render(v string, c Class, reveal bool) string
//	func Shorten(v string) string
//	func RedactURL(raw string, reveal bool) string // secret query parameters replaced
//
//	func NewRecorder(o Options) *Recorder    // Options{Reveal bool; OnStep func(Step); Now func() time.Time}
//	func (*Recorder) Begin(kind StepKind, op, title string) *Recording
//	func (*Recorder) Steps() []Step
//	func (*Recording) Request(key, val string);  Response(key, val string)      // classified by the table
//	func (*Recording) RequestAs(key, val string, c Class);  ResponseAs(…)      // a value whose key is not ours
//	func (*Recording) Value(key, v string) string                               // a value kept outside the maps ("srp.x")
//	func (*Recording) Note(format string, args ...any)
//	func (*Recording) HTTPMeta(h http.Header)  // request id, server time
//	func (*Recording) Exchange(x Exchange)     // method, URL, status, headers, body of one HTTP exchange
//	func (*Recording) Elapsed() time.Duration;  (*Recording) End() Step
package trace
