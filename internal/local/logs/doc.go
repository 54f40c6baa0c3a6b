// Package logs is the local CloudWatch Logs service: the JSON 1.1 protocol
// (X-Amz-Target Logs_20140328.*, camelCase members, millisecond timestamps)
// for CreateLogGroup, DeleteLogGroup, CreateLogStream, PutLogEvents,
// DescribeLogGroups, DescribeLogStreams, GetLogEvents, FilterLogEvents,
// PutRetentionPolicy and StartLiveTail (an application/vnd.amazon.eventstream
// response built with aws-sdk-go-v2's eventstream encoder), so the real SDK
// clients work against it unchanged. Error names and messages follow the
// protocol reference §7.
//
// Other local services write into it with Service.Write (the API Gateway's
// access logs, the Lambda authorizers' lines). Memory is bounded: each group
// keeps at most Options.MaxEventsPerGroup events (default 100,000); the
// oldest are dropped first and counted (Service.Dropped). Nothing here is
// persisted: a restarted stack starts with no log groups.
//
// It must not import charm.land/*, ui or cmd.
package logs
