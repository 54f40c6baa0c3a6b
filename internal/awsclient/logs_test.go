package awsclient_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/cogscope/cogscope/internal/awsclient"
)

// hostRecorder records the host of each request and fails it.
type hostRecorder struct {
	mu    sync.Mutex
	hosts []string
}

var errRecorded = errors.New("recorded")

func (h *hostRecorder) Do(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	h.hosts = append(h.hosts, r.URL.Host)
	h.mu.Unlock()
	return nil, errRecorded
}

// StartLiveTail carries a "stream-" host prefix that an overridden
// endpoint cannot take; awsclient.Logs switches it off, and only then.
func TestLogsClientDropsTheHostPrefixForAnEndpoint(t *testing.T) {
	t.Parallel()
	in := &cwl.StartLiveTailInput{LogGroupIdentifiers: []string{"arn:aws:logs:us-east-1:123456789012:log-group:g"}}
	for _, tc := range []struct {
		name   string
		client func(*hostRecorder) *cwl.Client
		want   string
	}{
		{"plain SDK client, endpoint set", func(h *hostRecorder) *cwl.Client {
			return cwl.NewFromConfig(awsclient.Static("us-east-1", nil), func(o *cwl.Options) {
				o.BaseEndpoint, o.HTTPClient = aws.String("http://127.0.0.1:9229"), h
			})
		}, "stream-127.0.0.1:9229"},
		{"awsclient.Logs, endpoint set", func(h *hostRecorder) *cwl.Client {
			cfg := awsclient.Static("us-east-1", nil)
			cfg.HTTPClient = h
			return awsclient.Logs(cfg, "http://127.0.0.1:9229")
		}, "127.0.0.1:9229"},
		{"awsclient.Logs, AWS", func(h *hostRecorder) *cwl.Client {
			cfg := awsclient.Static("eu-west-1", nil)
			cfg.HTTPClient = h
			return awsclient.Logs(cfg, "")
		}, "stream-logs.eu-west-1.amazonaws.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := &hostRecorder{}
			_, err := tc.client(h).StartLiveTail(context.Background(), in)
			if !errors.Is(err, errRecorded) || len(h.hosts) != 1 || h.hosts[0] != tc.want {
				t.Fatalf("hosts %v, err %v; want %s", h.hosts, err, tc.want)
			}
			if strings.HasPrefix(tc.want, "stream-") {
				return
			}
			// Other operations are untouched.
			_, _ = tc.client(h).FilterLogEvents(context.Background(), &cwl.FilterLogEventsInput{LogGroupName: aws.String("g")})
			if h.hosts[1] != tc.want {
				t.Fatalf("FilterLogEvents went to %s", h.hosts[1])
			}
		})
	}
}
