package cognito

import (
	"crypto/rand"
	"crypto/rsa"
	"io"
	"log/slog"
	"math/big"
	"sync"
	"sync/atomic"
	"time"
)

// Options configures a Service. The zero value works: region us-east-1,
// issuers on the real cognito-idp host name, the wall clock, and a logger
// that discards.
type Options struct {
	// Region is used in new pool ids and ARNs. Default "us-east-1".
	Region string
	// BaseURL returns the stack's endpoint URL, e.g. "http://127.0.0.1:9229".
	// Issuers are BaseURL()+"/"+poolID, so that the JWKS and discovery
	// documents are served under the issuer exactly as Cognito serves them.
	// It is called per token (the listener's port may be known only after
	// New). Default: "https://cognito-idp.<region>.amazonaws.com".
	BaseURL func() string
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// Logger receives request errors at debug level and the codes Cognito
	// would send by SMS or e-mail at info level. Default: discard.
	Logger *slog.Logger
	// TimestampSkew is how far an SRP TIMESTAMP may be from Now. Cognito
	// does not document its tolerance; default 5 minutes.
	TimestampSkew time.Duration
	// LockoutAfter, when positive, locks a user out after that many
	// consecutive wrong passwords (Cognito uses 5): each further failure
	// doubles a lock that starts at one second, up to 15 minutes, and
	// sign-ins during it fail with NotAuthorizedException "Password
	// attempts exceeded". Zero turns lockout off, so tests that try many
	// wrong passwords are not surprised by it.
	LockoutAfter int
	// DomainURL returns the base URL at which the hosted UI of a pool with
	// the given domain prefix is served (e.g. the stack's endpoint plus a
	// path); discovery documents point their OAuth endpoints there. Nil or
	// "" means the real form https://<domain>.auth.<region>.amazoncognito.com.
	DomainURL func(domain string) string
	// NewKey makes a pool's RSA-2048 signing keys. Default
	// rsa.GenerateKey(rand.Reader, 2048). Tests pass a source of
	// pre-generated keys because generation costs 50-200 ms per key.
	NewKey func() (*rsa.PrivateKey, error)
}

// Service is the emulated Cognito user-pools service. It is an
// http.Handler; all methods are safe for concurrent use.
type Service struct {
	region  string
	baseURL func() string
	now     func() time.Time
	log     *slog.Logger
	skew    time.Duration
	newKey  func() (*rsa.PrivateKey, error)

	domainURLFn func(domain string) string
	lockout     int

	// mu guards st and the in-memory auth state below. Crypto (RSA
	// signatures, SRP exponentiations) always runs with mu released.
	mu       sync.Mutex
	st       *state
	sessions map[string]*authSession // Session string → state
	srp      map[string]*srpExchange // SECRET_BLOCK → state
	// srpByPool orders each pool's pending SRP exchanges for the
	// MaxPendingSRP bound; maxPendingSRP overrides it in tests.
	srpByPool     map[string]*srpQueue
	maxPendingSRP int
	lastGC        time.Time

	codesMu sync.Mutex
	codes   []SentCode

	changeMu  sync.Mutex
	listeners []func()
	dirty     atomic.Bool

	// Test hooks: the §1.8 known-answer test fixes b and the secret block.
	srpSecret   func() (*big.Int, error)
	secretBlock func() []byte
}

// New returns an empty service (no pools); load pools with ApplySeed or
// Restore, or create them through the API.
func New(opts Options) *Service {
	s := &Service{
		region:      opts.Region,
		baseURL:     opts.BaseURL,
		now:         opts.Now,
		log:         opts.Logger,
		skew:        opts.TimestampSkew,
		newKey:      opts.NewKey,
		domainURLFn: opts.DomainURL,
		lockout:     opts.LockoutAfter,
		st:          newState(),
		sessions:    map[string]*authSession{},
		srp:         map[string]*srpExchange{},
		srpByPool:   map[string]*srpQueue{},
	}
	if s.region == "" {
		s.region = "us-east-1"
	}
	if s.baseURL == nil {
		region := s.region
		s.baseURL = func() string { return "https://cognito-idp." + region + ".amazonaws.com" }
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.skew <= 0 {
		s.skew = 5 * time.Minute
	}
	if s.newKey == nil {
		s.newKey = func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) }
	}
	return s
}

// OnChange registers fn to be called after every request or method call
// that changed persistent state (pools, clients, users, devices, refresh
// tokens), so the stack can save a snapshot. fn runs on the goroutine that
// made the change, after the service's lock is released and before the
// request's answer is written (so a synchronous save precedes the
// acknowledgement), and may be called
// concurrently from several goroutines: it must be safe for that, and may
// call Snapshot.
func (s *Service) OnChange(fn func()) {
	s.changeMu.Lock()
	defer s.changeMu.Unlock()
	s.listeners = append(s.listeners, fn)
}

// markChanged records that persistent state changed; callers hold s.mu.
func (s *Service) markChanged() { s.dirty.Store(true) }

// notify calls the OnChange listeners if anything changed since the last
// call. It must be called without s.mu held.
func (s *Service) notify() {
	if !s.dirty.Swap(false) {
		return
	}
	s.changeMu.Lock()
	fns := append([]func(){}, s.listeners...)
	s.changeMu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// issuer is the iss claim and the base of the well-known documents.
func (s *Service) issuer(poolID string) string {
	return trimSlash(s.baseURL()) + "/" + poolID
}

func trimSlash(u string) string {
	for len(u) > 0 && u[len(u)-1] == '/' {
		u = u[:len(u)-1]
	}
	return u
}
