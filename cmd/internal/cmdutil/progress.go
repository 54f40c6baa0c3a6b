package cmdutil

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/cogscope/cogscope/internal/termtext"
)

// progressAfter is how long a request may take before the terminal is
// told what is being waited for: Cognito answers in well under a second.
const progressAfter = 2 * time.Second

// progress shows, on a terminal's stderr, which host a request has been
// waiting on and for how long, once it takes longer than progressAfter,
// and erases the line when the answer comes: a hung endpoint is not 30 s
// of silence.
type progress struct {
	w     io.Writer
	after time.Duration
	tick  time.Duration

	mu      sync.Mutex
	showing bool // a progress line is on the screen
}

// wait starts watching one request to host; done ends it.
func (p *progress) wait(host string) (done func()) {
	stop := make(chan struct{})
	finished := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(finished)
		timer := time.NewTimer(p.after)
		defer timer.Stop()
		select {
		case <-stop:
			return
		case <-timer.C:
		}
		ticker := time.NewTicker(p.tick)
		defer ticker.Stop()
		for {
			p.show(fmt.Sprintf("cogscope: waiting for %s… %ds", termtext.Line(host), int(time.Since(start).Seconds())))
			select {
			case <-stop:
				return
			case <-ticker.C:
			}
		}
	}()
	return func() {
		close(stop)
		<-finished
		p.clear()
	}
}

func (p *progress) show(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "\r\x1b[K%s", line)
	p.showing = true
}

func (p *progress) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.showing {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.showing = false
	}
}

type progressTransport struct {
	next http.RoundTripper
	p    *progress
}

func (t progressTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	done := t.p.wait(r.URL.Host)
	defer done()
	return t.next.RoundTrip(r)
}

type progressDoer struct {
	next aws.HTTPClient
	p    *progress
}

func (d progressDoer) Do(r *http.Request) (*http.Response, error) {
	done := d.p.wait(r.URL.Host)
	defer done()
	return d.next.Do(r)
}
