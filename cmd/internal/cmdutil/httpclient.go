package cmdutil

import (
	"fmt"
	"io"
	"net/http"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// httpTimeout bounds every HTTP exchange (connection, request, whole
// response) the commands make: Cognito, token endpoints and JWKS answer
// in well under a second, so a server that takes longer is broken or
// hostile, and the command must not hang on it.
const httpTimeout = 30 * time.Second

// maxResponseBytes bounds a response body. Cognito's answers, token
// endpoint responses, discovery documents and JWKS are a few KB; a server
// that sends more is not one of them, and reading it whole could exhaust
// memory.
const maxResponseBytes = 4 << 20

// errResponseTooLarge is the read error of a body past maxResponseBytes.
var errResponseTooLarge = fmt.Errorf("response body larger than %d MiB: not an answer from Cognito, a token endpoint or a JWKS", maxResponseBytes>>20)

// NewHTTPClient is the client every command uses: bounded in time and in
// response size.
func NewHTTPClient() *http.Client {
	return &http.Client{Timeout: httpTimeout, Transport: LimitTransport(http.DefaultTransport)}
}

// LimitTransport caps the bodies next returns at maxResponseBytes.
func LimitTransport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if _, ok := next.(limitedTransport); ok {
		return next
	}
	return limitedTransport{next: next}
}

type limitedTransport struct{ next http.RoundTripper }

func (t limitedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err == nil {
		limitBody(resp)
	}
	return resp, err
}

// limitedDoer caps the bodies of an SDK HTTP client (an aws.HTTPClient,
// which need not be an *http.Client).
type limitedDoer struct {
	next interface {
		Do(*http.Request) (*http.Response, error)
	}
}

func (d limitedDoer) Do(r *http.Request) (*http.Response, error) {
	resp, err := d.next.Do(r)
	if err == nil {
		limitBody(resp)
	}
	return resp, err
}

func limitBody(resp *http.Response) {
	if resp.Body != nil && resp.Body != http.NoBody {
		resp.Body = &limitedBody{rc: resp.Body, left: maxResponseBytes}
	}
}

// limitedBody reads at most left bytes, then fails: unlike
// io.LimitReader it does not pass a cut-off body off as whole.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body of exactly the limit from a longer one.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, errResponseTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// awsHTTPClient is the SDK's HTTP client for calls to AWS itself: the
// SDK's buildable client (so AWS_CA_BUNDLE and ca_bundle can add their
// roots to its transport; a plain *http.Client makes LoadDefaultConfig
// fail when they are set), bounded like NewHTTPClient. timeout is the
// factory client's, when it has one.
func awsHTTPClient(timeout time.Duration) *awshttp.BuildableClient {
	if timeout <= 0 {
		timeout = httpTimeout
	}
	return awshttp.NewBuildableClient().WithTimeout(timeout)
}
