// Package logtail is the library behind `cogscope tail` and `cogscope call
// --logs`: it resolves log group names to ARNs, follows groups with
// CloudWatch Logs Live Tail (StartLiveTail) and falls back to
// FilterLogEvents polling where Live Tail is refused, reconnects at the
// 3-hour cap and after dropped streams, and keeps a polling cursor that
// neither repeats nor drops events. It recognises Lambda's START / END /
// REPORT lines and groups them by request id, flags Lambda authorizer
// decisions, and links an API Gateway call's request id to its access-log
// line and its authorizer's invocation.
//
// Presentation stays out: the library reports events, invocations and
// notices (Live Tail started, fell back to polling, sampled, reconnecting) as
// values; the CLI and the console phrase them.
//
// It must not import charm.land/*, ui or cmd.
package logtail
