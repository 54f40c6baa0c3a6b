package local

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/cogscope/cogscope/internal/local/apigw"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/identity"
	"github.com/cogscope/cogscope/internal/local/logs"
)

// DefaultAddr is where `cogscope local` listens unless told otherwise.
const DefaultAddr = "127.0.0.1:9229"

// DefaultRegion is the region of the stack's pools unless told otherwise.
const DefaultRegion = "us-east-1"

// ErrBadSeed wraps a seed that parses but that the services refuse (an id
// in the wrong form, a user in an undeclared group, ...).
var ErrBadSeed = errors.New("bad seed")

// shutdownGrace is how long Serve waits for in-flight requests after its
// context ends before cutting connections.
const shutdownGrace = 5 * time.Second

// Options configure a Stack. The zero value is a stack with the demo seed,
// in us-east-1, without a state file, logging nowhere.
type Options struct {
	// Region of the emulated services; default DefaultRegion.
	Region string
	// Seed declares the pools, clients and users to create; nil means the
	// built-in demo seed. Ignored when StatePath names an existing file.
	Seed *cognito.Seed
	// StatePath, when set, is restored at start if it exists (else
	// written right after seeding) and rewritten atomically after changes
	// and at Close. By default a change reaches the file 250 ms after it
	// was acknowledged (longer while a large state is being written), so
	// a crash (kill -9, power loss) loses the changes of that window.
	StatePath string
	// StateSync writes the state file after every change before the
	// request that made it is answered: an acknowledged change survives
	// a crash. Each change then costs a whole-file write and an fsync.
	StateSync bool
	// Logger receives one line per request and the codes Cognito would
	// have sent by SMS or e-mail; default: discard.
	Logger *slog.Logger
	// Now is the clock of the services; default time.Now.
	Now func() time.Time
	// AllowRemote lets Listen bind an address other machines can reach.
	AllowRemote bool
	// Endpoint is the URL clients reach the stack at, when the stack is
	// served through Handler by someone else's server; Listen sets it
	// otherwise. Issuers in tokens are Endpoint + "/" + poolID.
	Endpoint string
	// NewKey makes the RSA-2048 signing keys of new pools; default fresh
	// random keys. Tests pass pre-generated ones (localtest does) because
	// generating a key costs 50-200 ms.
	NewKey func() (*rsa.PrivateKey, error)
	// APISeed declares the local API Gateway's APIs. Nil means the demo
	// APIs when Seed is nil too (the demo pool's), else none.
	APISeed *apigw.Seed
	// APILogSink receives the gateway's access-log lines and its Lambda
	// authorizers' log lines; nil sends them to the stack's own CloudWatch
	// Logs (Stack.Logs), where tails read them.
	APILogSink func(group, stream string, t time.Time, message string)
}

// Stack is the local AWS stack: the emulated services behind one handler.
type Stack struct {
	opts     Options
	logger   *slog.Logger
	cognito  *cognito.Service
	apigw    *apigw.Service
	logs     *logs.Service     // in memory only: not in the state file
	identity *identity.Service // identity pools and STS (identity_mount.go); in memory only
	handler  http.Handler
	persist  *persister // nil without a state file

	mu       sync.Mutex
	endpoint string
	ln       net.Listener
	srv      *http.Server
	closed   bool

	closeOnce sync.Once
	closeErr  error

	limits serverLimits // Serve's timeouts and connection cap; tests shorten them
}

// New builds a stack: it restores the state file when there is one, else
// applies the seed, and wires the dispatcher. It does not listen yet.
func New(opts Options) (*Stack, error) {
	if opts.Region == "" {
		opts.Region = DefaultRegion
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Stack{opts: opts, logger: opts.Logger, endpoint: opts.Endpoint, limits: defaultLimits}
	s.cognito = cognito.New(cognito.Options{
		Region:    opts.Region,
		BaseURL:   s.Endpoint,
		Now:       opts.Now,
		Logger:    opts.Logger,
		NewKey:    opts.NewKey,
		DomainURL: s.domainURL,
	})
	s.logs = logs.New(logs.Options{Region: opts.Region, Now: opts.Now, Logger: opts.Logger})
	s.apigw = s.newAPIGateway()
	if err := s.load(); err != nil {
		return nil, err
	}
	if err := s.seedAPIs(); err != nil {
		return nil, err
	}
	s.identity = s.newIdentity()
	s.handler = logRequests(s.logger, newRouter(s.services()))
	return s, nil
}

// services lists what the dispatcher routes to. A later service (logs,
// API Gateway, the hosted UI) is one more entry here.
func (s *Stack) services() []service {
	return []service{{
		name:    "cognito-idp",
		handler: s.cognito,
		targets: []string{"AWSCognitoIdentityProviderService"},
		patterns: []string{
			"GET /{pool}/.well-known/jwks.json",
			"GET /{pool}/.well-known/openid-configuration",
		},
	}, {
		name:    "logs",
		handler: s.logs,
		targets: []string{"Logs_20140328"},
		maxBody: logsMaxBody,
	}, s.hostedUIService(), s.apigwService(), s.identityService(), s.stsService()}
}

// logsMaxBody caps CloudWatch Logs bodies: a PutLogEvents batch may carry
// 1 MiB of messages in 10,000 events, and JSON escaping can grow a message
// up to six times.
const logsMaxBody = 8 << 20

// load restores the state file, or seeds a fresh stack (and writes the
// state file right away, so a crash before the first change still leaves
// the seeded pools and their signing keys on disk).
func (s *Stack) load() error {
	if s.opts.StatePath != "" {
		doc, err := readState(s.opts.StatePath)
		if err != nil {
			return err
		}
		if doc != nil {
			if err := s.restore(doc); err != nil {
				return err
			}
			// Re-applying a seed would duplicate every pool it declares
			// without an id, so an existing state file wins outright.
			s.logger.Info("state restored; seed not applied", "path", s.opts.StatePath, "savedAt", doc.SavedAt)
			s.startPersisting()
			return nil
		}
	}
	seed := s.opts.Seed
	if seed == nil {
		demo := demoSeed(s.opts.Region)
		seed = &demo
	}
	if err := s.cognito.ApplySeed(*seed); err != nil {
		return fmt.Errorf("%w: %v", ErrBadSeed, err)
	}
	if s.opts.StatePath != "" {
		if err := s.saveState(); err != nil {
			return err
		}
		s.startPersisting()
	}
	return nil
}

// demoSeed is the built-in demo seed with its pool id in region: a pool
// id's prefix is its region on AWS, and verifiers derive one from the other.
func demoSeed(region string) cognito.Seed {
	seed := cognito.DemoSeed()
	for i := range seed.UserPools {
		p := &seed.UserPools[i]
		if _, suffix, ok := strings.Cut(p.ID, "_"); ok {
			p.ID = region + "_" + suffix
		}
	}
	return seed
}

func (s *Stack) restore(doc *stateDoc) error {
	raw, ok := doc.Services["cognito-idp"]
	if !ok {
		return fmt.Errorf("%w %s: no cognito-idp state in it", ErrCorruptState, s.opts.StatePath)
	}
	b, err := decodeSnapshot(raw)
	if err != nil {
		return fmt.Errorf("%w %s: cognito-idp: %v", ErrCorruptState, s.opts.StatePath, err)
	}
	if err := s.cognito.Restore(b); err != nil {
		return fmt.Errorf("%w %s: cognito-idp: %v", ErrCorruptState, s.opts.StatePath, err)
	}
	return nil
}

func (s *Stack) startPersisting() {
	s.persist = newPersister(s.saveState, persistDelay, s.logger)
	if s.opts.StateSync {
		s.cognito.OnChange(s.persist.changedSync)
		return
	}
	s.cognito.OnChange(s.persist.changed)
}

func (s *Stack) saveState() error {
	snap, err := s.cognito.Snapshot()
	if err != nil {
		return fmt.Errorf("snapshot cognito-idp: %w", err)
	}
	return writeState(s.opts.StatePath, map[string][]byte{"cognito-idp": snap}, s.opts.Now())
}

// Handler is the whole stack as one http.Handler: it dispatches on the
// X-Amz-Target prefix and on the path, caps bodies and logs requests.
func (s *Stack) Handler() http.Handler { return s.handler }

// Cognito is the user-pools service, for tests that read the codes it
// "sent" or inspect its state.
func (s *Stack) Cognito() *cognito.Service { return s.cognito }

// Logs is the CloudWatch Logs service, where the other local services
// write their log lines (Logs().Write) and tests read them. Its log groups
// live in memory only: the state file does not keep them.
func (s *Stack) Logs() *logs.Service { return s.logs }

// Region is the region of the stack's services.
func (s *Stack) Region() string { return s.opts.Region }

// Listen binds addr ("127.0.0.1:0" picks a free port). It refuses an
// address other machines can reach unless Options.AllowRemote is set.
func (s *Stack) Listen(addr string) error {
	if !s.opts.AllowRemote {
		if err := checkLoopback(addr); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	if !s.opts.AllowRemote {
		// A name ("localhost") passed checkLoopback, but it resolves
		// through the hosts file: judge the address actually bound.
		if err := checkBoundLoopback(ln.Addr()); err != nil {
			_ = ln.Close()
			return fmt.Errorf("listen on %s: %w", addr, err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		_ = ln.Close()
		return errors.New("stack is already listening on " + s.ln.Addr().String())
	}
	s.ln = ln
	if s.opts.Endpoint == "" {
		s.endpoint = endpointFor(ln.Addr())
	}
	return nil
}

// Serve answers requests on the listener until ctx ends or Close is
// called, then shuts down gracefully and writes the state file. It returns
// nil after a clean shutdown.
func (s *Stack) Serve(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	if s.ln == nil {
		s.mu.Unlock()
		return errors.New("serve: Listen first")
	}
	if s.srv != nil {
		s.mu.Unlock()
		return errors.New("serve: already serving")
	}
	lim := s.limits
	srv := &http.Server{
		Handler:           withDeadlines(lim, s.handler),
		ReadHeaderTimeout: lim.ReadHeader,
		IdleTimeout:       lim.Idle,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
	}
	// Live Tail streams never end by themselves: end them when shutting down.
	srv.RegisterOnShutdown(s.logs.Shutdown)
	s.srv = srv
	var ln net.Listener = s.ln
	if lim.MaxConns > 0 {
		ln = newLimitListener(ln, lim.MaxConns)
	}
	s.mu.Unlock()

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		s.mu.Lock()
		closed := s.closed
		s.mu.Unlock()
		if closed || errors.Is(err, http.ErrServerClosed) {
			return nil // Close was called
		}
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	shutdownErr := srv.Shutdown(sctx)
	<-errc
	if err := s.Close(); err != nil {
		return err
	}
	if shutdownErr != nil && !errors.Is(shutdownErr, context.DeadlineExceeded) {
		return fmt.Errorf("shutdown: %w", shutdownErr)
	}
	return nil
}

// Endpoint is the URL clients use, e.g. "http://127.0.0.1:9229"; empty
// before Listen unless Options.Endpoint was given.
func (s *Stack) Endpoint() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.endpoint
}

// Addr is the bound listener address, or nil before Listen.
func (s *Stack) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Close stops serving at once (in-flight requests are cut; use Serve's
// context for a graceful stop) and writes pending state. It is safe to call
// more than once.
func (s *Stack) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		srv, ln := s.srv, s.ln
		s.mu.Unlock()
		switch {
		case srv != nil:
			_ = srv.Close() // closes the listener too
		case ln != nil:
			_ = ln.Close()
		}
		if s.persist != nil {
			if err := s.persist.close(); err != nil {
				s.closeErr = fmt.Errorf("save state: %w", err)
			}
		}
	})
	return s.closeErr
}
