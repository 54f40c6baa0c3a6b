// Package tail is `cogscope tail`: read and follow CloudWatch log groups
// (the authorizers' and the API's access logs by default), with Live Tail
// and a polling fallback, Lambda's lines grouped by request id and the
// authorizer's decisions marked. The rendering and the client live in
// cmd/internal/cmdutil/logview, which `call --logs` and the console share.
package tail

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/cmd/internal/cmdutil/logview"
	"github.com/cogscope/cogscope/internal/logtail"
)

// TailOptions are tail's flags and arguments.
type TailOptions struct {
	IO      *cmdutil.IOStreams
	Factory *cmdutil.Factory

	Groups    []string // names or ARNs; none: the defaults
	Since     string
	Until     string
	Filter    string
	Follow    bool
	Poll      bool
	RequestID string
	Format    string
	UTC       bool
	JSON      bool

	FlagsSet map[string]bool
}

// NewCmdTail builds `cogscope tail`.
func NewCmdTail(f *cmdutil.Factory, runF func(*TailOptions) error) *cobra.Command {
	o := &TailOptions{IO: &f.IO, Factory: f}
	cmd := &cobra.Command{
		Use:   "tail [LOG_GROUP...]",
		Short: "Read and follow CloudWatch log groups (the authorizers' and the API's access logs by default)",
		Long: `Read CloudWatch log groups, by name or ARN; without any, the profile's
logs.groups, else those the API Gateway configuration names (each stage's
access-log destination, each Lambda authorizer's /aws/lambda/<function>),
else every group of the local stack.

--follow keeps reading with CloudWatch Logs Live Tail, and falls back to
FilterLogEvents polling (saying so on stderr) where Live Tail is refused;
--poll forces polling. Lambda's START/END/REPORT lines are shown with the
invocation's request id, duration, billed duration, memory and init
duration; an authorizer's allow/deny lines and a gateway's authorizer.error
stand out.

--json prints one event a line:
{"timestamp","ingestionTime","logGroup","logStream","eventId","message","requestId"}

Exit status: 0 read, 1 refused by CloudWatch Logs (unknown group, invalid
filter pattern, access denied), 2 bad flags, no credentials or network.`,
		Example: `  cogscope local &                                   # the local stack on :9229
  cogscope --endpoint http://127.0.0.1:9229 tail --since 1h
  cogscope --endpoint http://127.0.0.1:9229 tail /aws/lambda/cogscope-demo-admins --follow
  cogscope tail --request-id Mc7UVioPPHcEKPA= --format detailed
  cogscope tail /aws/apigateway/prod-access --filter '{ $.status = "401" }' --json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Groups, o.FlagsSet = args, cmdutil.FlagsSet(cmd)
			switch o.Format {
			case logview.FormatShort, logview.FormatDetailed:
			default:
				return cmdutil.UsageErr("--format %q: want short or detailed", o.Format)
			}
			if o.Poll && !o.Follow {
				return cmdutil.UsageErr("--poll is how --follow follows: give --follow too")
			}
			if runF != nil {
				return runF(o)
			}
			return tailRun(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Since, "since", "10m", "start this long ago (10m, 2h, 1d) or at a time (2026-12-06T09:30:00Z)")
	fl.StringVar(&o.Until, "until", "", "stop at this time (same forms as --since)")
	fl.StringVar(&o.Filter, "filter", "", "CloudWatch Logs filter pattern, evaluated by the service (terms, \"phrases\", ?alt, -exclude, { $.field = value })")
	fl.BoolVarP(&o.Follow, "follow", "f", false, "keep reading new events (Live Tail; polling where it is refused)")
	fl.BoolVar(&o.Poll, "poll", false, "follow by FilterLogEvents polling instead of Live Tail")
	fl.StringVar(&o.RequestID, "request-id", "", "only events containing this request id (API Gateway or Lambda)")
	fl.StringVar(&o.Format, "format", logview.FormatShort, "short (one line an event) or detailed (group/stream, JSON pretty-printed)")
	fl.BoolVar(&o.UTC, "utc", false, "show times in UTC")
	fl.BoolVar(&o.JSON, "json", false, "one JSON object an event a line")
	return cmd
}

func tailRun(ctx context.Context, o *TailOptions) error {
	f := o.Factory
	now := f.Clock()()
	loc := time.Local
	if o.UTC {
		loc = time.UTC
	}
	var since, until time.Time
	var err error
	if o.Since != "" && !(o.Follow && !o.FlagsSet["since"]) {
		if since, err = logtail.ParseTime(o.Since, now, loc); err != nil {
			return cmdutil.UsageErr("--since: %v", err)
		}
	}
	if o.Until != "" {
		if until, err = logtail.ParseTime(o.Until, now, loc); err != nil {
			return cmdutil.UsageErr("--until: %v", err)
		}
		if !since.IsZero() && until.Before(since) {
			return cmdutil.UsageErr("--until %s is before --since %s", o.Until, o.Since)
		}
	}
	filter := o.Filter
	if o.RequestID != "" {
		if filter != "" {
			return cmdutil.UsageErr("give --request-id or --filter, not both: --request-id is the filter %s", logtail.PhrasePattern(o.RequestID))
		}
		filter = logtail.PhrasePattern(o.RequestID)
	}

	t, prof, err := logview.Target(f)
	if err != nil {
		return err
	}
	client, err := logview.NewClient(ctx, f, t)
	if err != nil {
		return logview.ErrorExit(err, t)
	}
	names := o.Groups
	if len(names) == 0 {
		d, err := logview.DefaultGroups(ctx, f, t, prof, client)
		if err != nil {
			return logview.ErrorExit(err, t)
		}
		names = d.All()
		if len(names) == 0 {
			return logview.ErrorExit(logtail.ErrNoGroups, t)
		}
		names = existing(ctx, client, names, d.From, o)
		if len(names) == 0 {
			return &cmdutil.ExitError{Code: cmdutil.ExitRefused, Err: fmt.Errorf("none of the log groups %s names exists yet (they appear when the API is first called)", d.From)}
		}
	}
	groups, err := logtail.ResolveGroups(ctx, client, names)
	if err != nil {
		return logview.ErrorExit(err, t)
	}
	p := &logview.Printer{W: o.IO.Out, Format: o.Format, UTC: o.UTC, JSON: o.JSON, Groups: len(groups),
		Color: cmdutil.ColorFor(o.IO.OutTTY, f.Env)}
	opts := logtail.Options{Groups: groups, Filter: filter, Since: since, Until: until,
		Follow: o.Follow, Poll: o.Poll, Now: f.Clock(),
		Notify: func(n logtail.Notice) { notice(o.IO, n) }}

	if !o.Follow {
		var evs []logtail.Event
		err := logtail.Tail(ctx, client, opts, func(e logtail.Event) bool {
			evs = append(evs, e)
			return true
		})
		if err != nil {
			return logview.ErrorExit(err, t)
		}
		if err := p.Events(evs); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		return nil
	}
	var werr error
	err = logtail.Tail(ctx, client, opts, func(e logtail.Event) bool {
		werr = p.Event(e)
		return werr == nil
	})
	if werr != nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("write: %w", werr)}
	}
	if err != nil && errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return nil // Ctrl-C ends a follow cleanly
	}
	if err != nil {
		return logview.ErrorExit(err, t)
	}
	return nil
}

// existing keeps the default groups that exist, saying which are skipped
// (a Lambda's group appears on its first invocation).
func existing(ctx context.Context, api logtail.API, names []string, from string, o *TailOptions) []string {
	var out []string
	for _, n := range names {
		if _, err := logtail.ResolveGroups(ctx, api, []string{n}); err != nil {
			var ug *logtail.UnknownGroupError
			if errors.As(err, &ug) {
				fmt.Fprintf(o.IO.ErrOut, "cogscope: skipping log group %s (from %s): it does not exist yet\n", logview.Line(n), from)
				continue
			}
		}
		out = append(out, n)
	}
	return out
}

// notice tells the person following what the tail is doing, on stderr.
func notice(io *cmdutil.IOStreams, n logtail.Notice) {
	w := io.ErrOut
	switch n.Kind {
	case logtail.NoticeLiveTail:
		if n.Count > 1 {
			fmt.Fprintf(w, "cogscope: Live Tail session %d started\n", n.Count)
		} else {
			fmt.Fprintln(w, "cogscope: following with Live Tail (Ctrl-C to stop)")
		}
	case logtail.NoticePolling:
		if n.Err != nil {
			fmt.Fprintf(w, "cogscope: Live Tail unavailable (%s): following by polling FilterLogEvents instead (Ctrl-C to stop)\n", logview.Line(n.Err.Error()))
		} else {
			fmt.Fprintln(w, "cogscope: following by polling FilterLogEvents (Ctrl-C to stop)")
		}
	case logtail.NoticeSampled:
		fmt.Fprintln(w, "cogscope: AWS sampled this Live Tail session (over 500 events/s): not every event is shown; narrow it with --filter")
	case logtail.NoticeReconnect:
		fmt.Fprintf(w, "cogscope: Live Tail session ended (%s); reconnecting in %s, the gap is read back\n", logview.Line(errText(n.Err)), n.Wait.Round(time.Millisecond))
	case logtail.NoticeRetry:
		fmt.Fprintf(w, "cogscope: reading failed (%s); retrying in %s\n", logview.Line(errText(n.Err)), n.Wait.Round(time.Millisecond))
	case logtail.NoticeCatchUp:
		// The catch-up events are printed; nothing to add.
	}
}

func errText(err error) string {
	if err == nil {
		return "no reason given"
	}
	return err.Error()
}
