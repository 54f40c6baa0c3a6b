// Package logview is what `cogscope tail`, `cogscope call --logs` and the
// console share about CloudWatch Logs: the Logs client of a target (a
// Live Tail stream outlives the commands' 30 s HTTP bound), the default
// log groups (the profile's, else those the API Gateway configuration
// names), the plain-words phrasing of Logs errors, and the rendering of
// events and of one call's log lines — sanitised, coloured only on a
// terminal.
//
// It lives under cmdutil, not in the tail command, because a command's
// package never imports another command (internal/archtest).
package logview

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/apiconfig"
	"github.com/cogscope/cogscope/internal/awsclient"
	"github.com/cogscope/cogscope/internal/logtail"
)

// DefaultLocalRegion is the region of a local stack target that names none.
const DefaultLocalRegion = "us-east-1"

// Client is the CloudWatch Logs client of a target. Its StartLiveTail
// uses an HTTP client without the commands' 30 s / 4 MiB bounds: a Live
// Tail session is one response that lasts up to 3 hours.
type Client struct {
	*cwl.Client
	stream aws.HTTPClient
}

// StartLiveTail is the SDK's, over the unbounded streaming HTTP client,
// with a protocol of its own: smithy-go's event-stream codec (one per
// client, v1.28.9) keeps its decoding buffer in the codec, so two streams
// read at once on one client's protocol share it (a data race that can
// mix their payloads) — the console's tails and a Timeline lookup run at
// once.
func (c *Client) StartLiveTail(ctx context.Context, in *cwl.StartLiveTailInput, optFns ...func(*cwl.Options)) (*cwl.StartLiveTailOutput, error) {
	stream := c.stream
	protocol := cwl.New(cwl.Options{}).Options().Protocol
	optFns = append(optFns, func(o *cwl.Options) {
		o.HTTPClient = awsclient.BufferBodies(stream)
		o.Protocol = protocol
	})
	return c.Client.StartLiveTail(ctx, in, optFns...)
}

// NewClient builds the Logs client for t from the factory's AWS
// configuration (hermetic for the local stack, the credential chain
// otherwise). A target with an endpoint and no region gets
// DefaultLocalRegion.
func NewClient(ctx context.Context, f *cmdutil.Factory, t cmdutil.Target) (*Client, error) {
	if t.Region == "" && t.Endpoint != "" {
		t.Region = DefaultLocalRegion
	}
	cfg, err := f.AWSConfig(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	var stream aws.HTTPClient
	if t.IsLoopback() {
		stream = &http.Client{}
	} else {
		// The SDK's client (proxies, TLS) without the overall timeout;
		// connecting and the TLS handshake keep theirs.
		stream = awshttp.NewBuildableClient().WithTimeout(0)
	}
	return &Client{Client: awsclient.Logs(cfg, t.Endpoint), stream: stream}, nil
}

// Target is the target of a command that reads logs only: the profile's
// and the global flags' region, endpoint and credentials profile. It
// needs no user pool or app client.
func Target(f *cmdutil.Factory) (cmdutil.Target, cmdutil.ActiveProfile, error) {
	p, err := f.Profile()
	if err != nil {
		return cmdutil.Target{}, p, err
	}
	t := f.NewTarget(p, cmdutil.TargetFlags{})
	if err := t.CheckPoolAndEndpoint(); err != nil {
		return t, p, err
	}
	if t.Region == "" {
		t.Region = flows.RegionOf(t.UserPoolID) // "" without a pool: the AWS configuration's
	}
	return t, p, nil
}

// Defaults are the log groups to read when none are named, and where
// they came from.
type Defaults struct {
	// Access are the stages' access-log groups; Authorizer the Lambda
	// authorizers' /aws/lambda/<function>; Other the profile's groups or
	// a local stack's remaining groups.
	Access, Authorizer, Other []string
	// From says where they came from, for messages: "profile X",
	// "the API Gateway configuration", "the local stack".
	From string
}

// All is every default group, without duplicates, access logs first.
func (d Defaults) All() []string {
	var out []string
	for _, l := range [][]string{d.Access, d.Authorizer, d.Other} {
		for _, g := range l {
			if !slices.Contains(out, g) {
				out = append(out, g)
			}
		}
	}
	return out
}

// DefaultGroups finds the log groups of a target: the profile's
// logs.groups; else, from the API Gateway configuration (the APIs of the
// profile's api.base_url, else all), each stage's access-log destination
// and each Lambda authorizer's /aws/lambda/<function>; else, on the
// local stack, every group it has.
func DefaultGroups(ctx context.Context, f *cmdutil.Factory, t cmdutil.Target, p cmdutil.ActiveProfile, logs logtail.API) (Defaults, error) {
	if d, ok := ProfileGroups(p); ok {
		return d, nil
	}
	if t.Region == "" && t.Endpoint != "" {
		t.Region = DefaultLocalRegion
	}
	cfg, err := f.AWSConfig(ctx, t)
	if err != nil {
		return Defaults{}, fmt.Errorf("AWS configuration: %w", err)
	}
	opts := apiconfig.Options{Endpoint: t.Endpoint, Region: t.Region, APIIDs: ProfileAPIIDs(p)}
	conf, rerr := apiconfig.Read(ctx, apiconfig.Clients{
		HTTP: awsclient.APIGatewayV2(cfg, t.Endpoint),
		REST: awsclient.APIGateway(cfg, t.Endpoint),
	}, opts)
	return GroupsFrom(ctx, t, logs, conf, rerr)
}

// ProfileGroups are the profile's logs.groups, sorted the way call --logs
// needs them; ok is false when it names none.
func ProfileGroups(p cmdutil.ActiveProfile) (d Defaults, ok bool) {
	if len(p.Logs.Groups) == 0 {
		return Defaults{}, false
	}
	d = Defaults{From: "profile " + p.Name}
	d.Access, d.Authorizer = SplitGroups(p.Logs.Groups)
	return d, true
}

// ProfileAPIIDs are the APIs whose groups DefaultGroups reads: the one of
// the profile's api.base_url; nil (all) when it names none.
func ProfileAPIIDs(p cmdutil.ActiveProfile) []string {
	if id := apiIDOf(p.API.BaseURL); id != "" {
		return []string{id}
	}
	return nil
}

// GroupsFrom is DefaultGroups once the API Gateway configuration is read
// (conf and rerr as apiconfig.Read answered, for the APIs of
// ProfileAPIIDs): the groups it names; else, on the local stack, every
// group the stack has. The console reads the configuration once for all
// its views and passes it here.
func GroupsFrom(ctx context.Context, t cmdutil.Target, logs logtail.API, conf *apiconfig.Config, rerr error) (Defaults, error) {
	d := Defaults{From: "the API Gateway configuration"}
	if conf != nil {
		d.Access, d.Authorizer = GroupsOf(conf)
	}
	if len(d.Access)+len(d.Authorizer) > 0 {
		return d, nil
	}
	if rerr != nil && ctx.Err() != nil {
		return d, ctx.Err()
	}
	if t.IsLoopback() {
		out, err := logs.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{})
		if err != nil {
			return d, err
		}
		d = Defaults{From: "the local stack"}
		for _, g := range out.LogGroups {
			name := aws.ToString(g.LogGroupName)
			if strings.HasPrefix(name, "/aws/lambda/") {
				d.Authorizer = append(d.Authorizer, name)
			} else {
				d.Access = append(d.Access, name)
			}
		}
		return d, nil
	}
	if rerr != nil {
		return d, fmt.Errorf("no log groups named, none in the profile, and the API Gateway configuration could not be read: %w", rerr)
	}
	return d, nil
}

// Narrow is conf and rerr (apiconfig.Read's answer for every API) as a
// read of the APIs ids alone would have answered: those APIs, and the
// problems of the lists and of them. ids nil: all, unchanged.
func Narrow(conf *apiconfig.Config, rerr error, ids []string) (*apiconfig.Config, error) {
	var ie *apiconfig.IncompleteError
	if len(ids) == 0 || conf == nil || (rerr != nil && !errors.As(rerr, &ie)) {
		return conf, rerr
	}
	out := &apiconfig.Config{APIs: []apiconfig.API{}}
	for _, a := range conf.APIs {
		if slices.Contains(ids, a.ID) {
			out.APIs = append(out.APIs, a)
		}
	}
	for _, p := range conf.Problems {
		if p.APIID == "" || slices.Contains(ids, p.APIID) {
			out.Problems = append(out.Problems, p)
		}
	}
	if len(out.Problems) > 0 {
		return out, &apiconfig.IncompleteError{Problems: out.Problems}
	}
	return out, nil
}

// GroupsOf are the log groups an API Gateway configuration names: the
// stages' access logs and the Lambda authorizers' groups.
func GroupsOf(conf *apiconfig.Config) (access, authorizers []string) {
	for i := range conf.APIs {
		api := &conf.APIs[i]
		access = accessGroups(access, api)
		for j := range api.Routes {
			if g, ok := authorizerGroup(&api.Routes[j]); ok && !slices.Contains(authorizers, g) {
				authorizers = append(authorizers, g)
			}
		}
	}
	return access, authorizers
}

// RouteGroups are the log groups of one route's calls: its API's stages'
// access logs, then its Lambda authorizer's group (the console's log pane
// follows them).
func RouteGroups(api *apiconfig.API, r *apiconfig.Route) []string {
	groups := accessGroups(nil, api)
	if g, ok := authorizerGroup(r); ok && !slices.Contains(groups, g) {
		groups = append(groups, g)
	}
	return groups
}

// accessGroups adds the access-log groups of api's stages to groups.
func accessGroups(groups []string, api *apiconfig.API) []string {
	for _, s := range api.Stages {
		g := s.AccessLogGroup
		if g == "" {
			g, _ = logtail.AccessLogGroup(s.AccessLogARN)
		}
		if g != "" && !slices.Contains(groups, g) {
			groups = append(groups, g)
		}
	}
	return groups
}

// authorizerGroup is the log group of r's Lambda authorizer.
func authorizerGroup(r *apiconfig.Route) (string, bool) {
	if r.Authorizer == nil {
		return "", false
	}
	ref := r.Authorizer.Function
	if ref == "" {
		ref = r.Authorizer.FunctionARN
	}
	return logtail.LambdaLogGroup(ref)
}

// apiIDOf is the API id of an invoke URL: https://<id>.execute-api.… or
// <endpoint>/_api/<id>/….
func apiIDOf(base string) string {
	if base == "" {
		return ""
	}
	if _, rest, ok := strings.Cut(base, "/_api/"); ok {
		id, _, _ := strings.Cut(rest, "/")
		return id
	}
	host := cmdutil.HostOf(base)
	if id, _, ok := strings.Cut(host, ".execute-api."); ok {
		return id
	}
	return ""
}

// ErrorExit turns a Logs failure into the command's exit: the service's
// refusals (an unknown group, a bad filter pattern, access denied) are 1,
// and everything else (no credentials, an unreachable endpoint) 2 — with
// the message said plainly.
func ErrorExit(err error, t cmdutil.Target) error {
	var ee *cmdutil.ExitError
	if errors.As(err, &ee) {
		return err
	}
	msg, refused := Explain(err, t)
	code := cmdutil.ExitUsage
	if refused {
		code = cmdutil.ExitRefused
	}
	return &cmdutil.ExitError{Code: code, Err: errors.New(msg)}
}
