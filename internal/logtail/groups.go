package logtail

import "strings"

// LambdaLogGroup is the log group of a Lambda function, "/aws/lambda/<name>",
// from what API Gateway's configuration holds: a function name, a function
// ARN (with or without a version or alias), or an authorizer URI
// (arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/<function ARN>/invocations).
// ok is false when ref names no function.
func LambdaLogGroup(ref string) (string, bool) {
	r := strings.TrimSpace(ref)
	if i := strings.Index(r, "/functions/"); i >= 0 {
		r = strings.TrimSuffix(r[i+len("/functions/"):], "/invocations")
	}
	if i := strings.Index(r, ":function:"); i >= 0 {
		r = r[i+len(":function:"):]
		r, _, _ = strings.Cut(r, ":") // drop a version or alias
	} else if strings.HasPrefix(r, "arn:") {
		return "", false
	}
	// Stage variables (${stageVariables.fn}) and empty names are not
	// resolvable here.
	if r == "" || strings.ContainsAny(r, "${}/ ") {
		return "", false
	}
	return "/aws/lambda/" + r, true
}

// AccessLogGroup is the log group of a stage's access-log destination ARN
// (arn:aws:logs:{region}:{account}:log-group:{name}, with or without ":*").
func AccessLogGroup(destinationARN string) (string, bool) {
	if !strings.HasPrefix(destinationARN, "arn:") || !strings.Contains(destinationARN, ":log-group:") {
		return "", false
	}
	name := GroupName(destinationARN)
	return name, name != ""
}
