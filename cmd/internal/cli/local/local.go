// Package local is `cogscope local`: the local AWS stack in the foreground.
package local

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"io"
	"log/slog"
	"slices"
	"strings"
	"syscall"
	"time"

	localstack "github.com/cogscope/cogscope/internal/local"
	"github.com/cogscope/cogscope/internal/local/apigw"
	"github.com/cogscope/cogscope/internal/termtext"
	"github.com/spf13/cobra"
)

// LocalOptions are `cogscope local`'s inputs: its streams, clock and
// flags. localRun reads only these, never cobra.
type LocalOptions struct {
	IO  *cmdutil.IOStreams
	Now func() time.Time

	Addr        string
	JSON        bool
	AllowRemote bool
	SeedPath    string
	StatePath   string
	StateSync   bool
	Region      string // from the global --region
}

// NewCmdLocal starts the local stack in the foreground.
// runF, when not nil, is called with the parsed options instead of
// localRun (tests of the flags).
func NewCmdLocal(f *cmdutil.Factory, runF func(*LocalOptions) error) *cobra.Command {
	opts := &LocalOptions{IO: &f.IO, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "local",
		Short: "Run the local AWS stack (Cognito, hosted UI, JWKS) in the foreground",
		Long: `Run the local AWS stack in the foreground until interrupted (Ctrl-C).

It serves Cognito user pools (the AWS JSON protocol, real SRP, RS256 tokens,
each pool's JWKS and OpenID discovery documents) on one endpoint, as AWS
would. Point cogscope at it with --endpoint URL (or COGSCOPE_ENDPOINT), and
the AWS CLI with --endpoint-url URL. Any credentials are accepted.

Without --seed it creates the demo pool and the demo APIs (ids in the
README); with --state FILE pools and users survive restarts. Once ready it
prints the pools, clients and users, the API Gateway APIs (ids, invoke URLs,
routes with their authorizer kind), the log groups and the cogscope init
line that writes a profile for the stack (--json: one JSON line instead).`,
		Example: `  cogscope local
  cogscope local --addr 127.0.0.1:0 --json
  cogscope local --seed pools.yaml --state ~/.cache/cogscope-local.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Region = f.Global.Region
			if runF != nil {
				return runF(opts)
			}
			return localRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", localstack.DefaultAddr, "listen address; 127.0.0.1:0 picks a free port")
	fl.BoolVar(&opts.JSON, "json", false, "print one line of JSON describing the stack on stdout once it is ready")
	fl.BoolVar(&opts.AllowRemote, "allow-remote", false, "allow a non-loopback --addr (the stack accepts any credentials)")
	fl.StringVar(&opts.SeedPath, "seed", "", "seed file (YAML or JSON) declaring pools, clients, users and groups, and API Gateway APIs (default: the demo pool and APIs)")
	fl.StringVar(&opts.StatePath, "state", "", "keep pools and users in this file across restarts (written atomically, mode 0600)")
	fl.BoolVar(&opts.StateSync, "state-sync", false, "with --state: write the file after every change, before answering (survives kill -9)")
	return cmd
}

// localRun starts the stack, announces it and serves until ctx ends.
func localRun(ctx context.Context, opts *LocalOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if opts.Region != "" {
		// Said as the region's fault, not as the demo pool id built from it.
		if err := cmdutil.ValidateRegion(opts.Region); err != nil {
			return cmdutil.UsageErr("--region %q %v", opts.Region, err)
		}
	}
	stackOpts := localstack.Options{
		Region:      opts.Region,
		StatePath:   opts.StatePath,
		StateSync:   opts.StateSync,
		AllowRemote: opts.AllowRemote,
		Now:         opts.Now,
		// Request lines and the codes Cognito would send by SMS/e-mail go
		// to stderr; stdout is for the announcement (and --json).
		Logger: slog.New(slog.NewTextHandler(opts.IO.ErrOut, &slog.HandlerOptions{Level: slog.LevelInfo})),
	}
	if opts.StateSync && opts.StatePath == "" {
		return cmdutil.UsageErr("local: --state-sync needs --state FILE")
	}
	if opts.SeedPath != "" {
		doc, err := localstack.LoadSeedDoc(opts.SeedPath)
		if err != nil {
			return cmdutil.UsageErr("local: %v", err)
		}
		// The file's pools and its APIs (httpApis, restApis): none
		// declared means no API, as the demo APIs trust the demo pool.
		stackOpts.Seed, stackOpts.APISeed = doc.Pools(), doc.APIs()
	}
	stack, err := localstack.New(stackOpts)
	if err != nil {
		if opts.SeedPath != "" && errors.Is(err, localstack.ErrBadSeed) {
			return cmdutil.UsageErr("local: seed file %s: %v", opts.SeedPath, err)
		}
		return cmdutil.UsageErr("local: %v", err)
	}
	if err := stack.Listen(opts.Addr); err != nil {
		_ = stack.Close()
		return cmdutil.UsageErr("local: %s", describeListenError(opts.Addr, err))
	}
	if err := announce(opts.IO.Out, stack, opts); err != nil {
		_ = stack.Close()
		return cmdutil.UsageErr("local: write to stdout: %v", err)
	}
	if err := stack.Serve(ctx); err != nil {
		return cmdutil.UsageErr("local: %v", err)
	}
	if !opts.JSON {
		fmt.Fprintln(opts.IO.ErrOut, "cogscope local: stopped")
	}
	return nil
}

// describeListenError adds the way out to the two mistakes people make.
func describeListenError(addr string, err error) string {
	switch {
	case errors.Is(err, localstack.ErrNotLoopback):
		return fmt.Sprintf("%v; the stack accepts any credentials, so it listens on loopback (127.0.0.1:PORT) unless --allow-remote is given", err)
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Sprintf("%s is already in use (another cogscope local?); choose another port with --addr, or --addr 127.0.0.1:0 for a free one", addr)
	}
	return err.Error()
}

// announce prints the stack's description: one JSON line for scripts, or
// a short guide for people.
func announce(w io.Writer, stack *localstack.Stack, opts *LocalOptions) error {
	info := stack.Info()
	if opts.JSON {
		b, err := json.Marshal(info)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "cogscope local: serving on %s (region %s)\n", info.Endpoint, info.Region)
	if opts.StatePath != "" {
		fmt.Fprintf(&b, "state file: %s\n", opts.StatePath)
	}
	for _, p := range info.UserPools {
		fmt.Fprintf(&b, "\nuser pool  %s  %s\n", p.ID, p.Name)
		fmt.Fprintf(&b, "  issuer   %s\n", p.Issuer)
		fmt.Fprintf(&b, "  jwks     %s/.well-known/jwks.json\n", p.Issuer)
		for _, c := range p.Clients {
			secret := "no secret"
			if c.HasSecret {
				secret = "with secret"
			}
			fmt.Fprintf(&b, "  client   %s  %s (%s)\n", c.ID, c.Name, secret)
		}
		for _, u := range p.Users {
			if u.Password != "" {
				fmt.Fprintf(&b, "  user     %s  password %s\n", u.Username, u.Password)
			} else {
				fmt.Fprintf(&b, "  user     %s\n", u.Username)
			}
		}
	}
	writeAPIs(&b, info)
	fmt.Fprintf(&b, "\nPoint cogscope at it:  cogscope --endpoint %s …   (or COGSCOPE_ENDPOINT=%s)\n", info.Endpoint, info.Endpoint)
	if init := initLine(info); init != "" {
		fmt.Fprintf(&b, "Write a profile:       %s\n", init)
	}
	fmt.Fprintf(&b, "The AWS CLI:           aws --endpoint-url %s cognito-idp list-user-pools --max-results 10\n", info.Endpoint)
	fmt.Fprintf(&b, "Stop with Ctrl-C.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// apisOf is every API the stack serves: the HTTP and REST APIs Info names
// one by one, or all of them when there are more.
func apisOf(info localstack.Info) []apigw.APIInfo {
	if len(info.APIs) > 0 {
		return info.APIs
	}
	var out []apigw.APIInfo
	for _, a := range []*apigw.APIInfo{info.API, info.RestAPI} {
		if a != nil {
			out = append(out, *a)
		}
	}
	return out
}

// authorizerWords name a route's authorizer kind (apigw.RouteInfo's) in
// the banner.
var authorizerWords = map[string]string{"none": "none", "jwt": "JWT", "cognito": "Cognito user pool", "lambda": "Lambda", "iam": "AWS_IAM (SigV4)"}

// writeAPIs adds the API Gateway APIs (id, name, invoke URL, each route
// with its authorizer kind and scopes) and the log groups, in the pools'
// style: the ids are what `cogscope init --api-id` and `cogscope tail`
// take.
func writeAPIs(b *strings.Builder, info localstack.Info) {
	for _, a := range apisOf(info) {
		kind, stage := "HTTP API", ""
		if a.Type == "rest" {
			kind, stage = "REST API", "  (stage "+termtext.Line(a.Stage)+")"
		}
		fmt.Fprintf(b, "\n%-9s  %s  %s%s\n", kind, termtext.Line(a.ID), termtext.Line(a.Name), stage)
		fmt.Fprintf(b, "  url      %s\n", a.URL)
		width := 0
		for _, r := range a.Routes {
			width = max(width, len(termtext.Line(r.Method+" "+r.Path)))
		}
		for _, r := range a.Routes {
			auth := cmp.Or(authorizerWords[r.Authorizer], r.Authorizer)
			if len(r.Scopes) > 0 {
				auth += ", scope " + strings.Join(r.Scopes, " ")
			}
			fmt.Fprintf(b, "  route    %-*s  %s\n", width, termtext.Line(r.Method+" "+r.Path), termtext.Line(auth))
		}
	}
	groups := slices.Clone(info.APILogGroups)
	for _, g := range info.Logs.Groups {
		if !slices.Contains(groups, g) {
			groups = append(groups, g)
		}
	}
	slices.Sort(groups)
	if len(groups) > 0 {
		fmt.Fprintf(b, "\nlog groups (CloudWatch Logs on the same endpoint)\n")
		for _, g := range groups {
			fmt.Fprintf(b, "  %s\n", termtext.Line(g))
		}
	}
}

// initLine is the `cogscope init` that writes a profile for the stack:
// its first pool, that pool's first client without a secret (else its
// first), the first API; "" without a pool and a client.
func initLine(info localstack.Info) string {
	if len(info.UserPools) == 0 || len(info.UserPools[0].Clients) == 0 {
		return ""
	}
	p := info.UserPools[0]
	client := p.Clients[0].ID
	for _, c := range p.Clients {
		if !c.HasSecret {
			client = c.ID
			break
		}
	}
	line := fmt.Sprintf("cogscope init --profile local --endpoint %s --user-pool-id %s --client-id %s", info.Endpoint, termtext.Line(p.ID), termtext.Line(client))
	if apis := apisOf(info); len(apis) > 0 {
		line += " --api-id " + termtext.Line(apis[0].ID)
	}
	return line
}
