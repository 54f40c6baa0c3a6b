// Package apigw is the local stack's API Gateway: one demo HTTP API and one
// demo REST API (or whatever the seed declares) served path-based on the
// stack's single endpoint, with JWT, Cognito user-pool and Lambda
// authorizers that answer as cognito-protocol.md §6 gives, and the
// configuration APIs of apigatewayv2 and apigateway over REST-JSON so the
// AWS SDK clients read (and change) routes and authorizers unchanged.
//
// URL scheme (the stack's endpoint is e.g. http://127.0.0.1:9229):
//
//	<endpoint>/_api/<apiId>/<path>             HTTP API, $default stage (no stage prefix, as on AWS)
//	<endpoint>/_api/<restApiId>/<stage>/<path> REST API
//	<endpoint>/v2/apis...                      apigatewayv2 configuration API
//	<endpoint>/restapis...                     apigateway (REST) configuration API
//
// None of these collide with Cognito's GET /<poolId>/.well-known/..., the
// hosted UI's /_domain/... or the JSON protocols' POST /.
//
// Lambda authorizers are built-in Go functions named in the seed
// (cogscope-demo-admins, cogscope-demo-policy); Invocations counts their
// calls. Every request writes one JSON access-log line to its stage's log
// group, and every authorizer invocation writes Lambda-shaped START / log /
// END / REPORT lines to /aws/lambda/<function>, through Options.LogSink.
//
// It must not import charm.land/*, ui or cmd; it imports the standard
// library only.
package apigw
