// Package identity is the local stack's Cognito identity pools
// (AWSCognitoIdentityService.*, JSON 1.1) and the part of STS they need
// (GetCallerIdentity, AssumeRoleWithWebIdentity over the query protocol).
// Logins are user-pool ID tokens, verified against the stack's user pools
// (internal/local/cognito's VerifyToken); roles are chosen with
// flows/idpool's rules; the credentials it mints are fake but STS knows
// them, so GetCallerIdentity signed with them names the assumed role.
// State lives in memory only (not in the stack's state file).
package identity

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cogscope/cogscope/flows/rolemap"
	"github.com/cogscope/cogscope/internal/local/cognito"
)

// DefaultAccount is the account of the roles and ARNs the service makes
// up when a role ARN names none.
const DefaultAccount = "123456789012"

// TokenVerifier verifies user-pool tokens: *cognito.Service.
type TokenVerifier interface {
	VerifyToken(token string) (cognito.VerifiedToken, error)
}

// Options configure a Service.
type Options struct {
	Region    string        // default "us-east-1"
	UserPools TokenVerifier // the user pools whose ID tokens are logins
	Now       func() time.Time
	Logger    *slog.Logger
	// NewKey makes the RSA key that signs GetOpenIdToken's tokens, on
	// first use; default a fresh RSA-2048 key.
	NewKey func() (*rsa.PrivateKey, error)
	// CredentialTTL is how long minted credentials last; default 1 h.
	CredentialTTL time.Duration
}

// Service is the identity pools and STS of the local stack.
type Service struct {
	opts Options
	log  *slog.Logger

	mu         sync.Mutex
	pools      map[string]*pool     // identity pool id → pool
	identities map[string]*identity // identity id → identity
	byLogin    map[string]string    // pool id + "|" + provider + "|" + sub → identity id
	sessions   map[string]*session  // access key id → credentials
	trust      map[string][]string  // role ARN → identity pools its trust policy names (absent: any)
	oidcKey    *rsa.PrivateKey
	oidcKid    string
}

type pool struct {
	ID, Name             string
	AllowUnauthenticated bool
	AllowClassicFlow     bool
	Providers            []Provider
	Roles                map[string]string
	RoleMappings         map[string]rolemap.RoleMapping
	PrincipalTags        map[string]tagMap // provider name → map
}

type tagMap struct {
	UseDefaults bool
	Tags        map[string]string
}

// Provider is a user pool app client an identity pool accepts.
type Provider struct {
	ProviderName         string `json:"ProviderName"` // cognito-idp.<region>.amazonaws.com/<poolId>
	ClientId             string `json:"ClientId"`
	ServerSideTokenCheck bool   `json:"ServerSideTokenCheck"`
}

type identity struct {
	ID, PoolID string
	Logins     []string // provider names linked (empty: a guest)
}

// session is one set of minted credentials.
type session struct {
	AccessKeyID, Secret, Token string
	RoleARN, SessionName       string
	IdentityID, PoolID         string
	Tags                       map[string]string
	Expires                    time.Time
}

// New builds an empty service.
func New(opts Options) *Service {
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.CredentialTTL <= 0 {
		opts.CredentialTTL = time.Hour
	}
	if opts.NewKey == nil {
		opts.NewKey = func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) }
	}
	return &Service{opts: opts, log: opts.Logger,
		pools: map[string]*pool{}, identities: map[string]*identity{}, byLogin: map[string]string{},
		sessions: map[string]*session{}, trust: map[string][]string{}}
}

// SetRoleTrust declares which identity pools a role's trust policy names
// (its cognito-identity.amazonaws.com:aud condition). A role never
// declared trusts every pool; a role declared with none trusts none.
// Credentials for a role that does not trust the pool are refused with
// InvalidIdentityPoolConfigurationException, as AWS does.
func (s *Service) SetRoleTrust(roleARN string, identityPoolIDs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trust[roleARN] = append([]string{}, identityPoolIDs...)
}

func (s *Service) trusts(roleARN, poolID string) bool {
	ids, declared := s.trust[roleARN]
	if !declared {
		return true
	}
	for _, id := range ids {
		if id == poolID {
			return true
		}
	}
	return false
}

func (s *Service) now() time.Time { return s.opts.Now() }

// newIdentityPoolID is "<region>:<uuid>".
func (s *Service) newID() string { return s.opts.Region + ":" + uuid.NewString() }

// identityIDFor is deterministic per (identity pool, provider, sub), as the
// protocol notes ask of an emulator.
func (s *Service) identityIDFor(poolID, provider, sub string) string {
	region, _, _ := strings.Cut(poolID, ":")
	return region + ":" + uuid.NewSHA1(uuid.NameSpaceURL, []byte(poolID+"|"+provider+"|"+sub)).String()
}

const keyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// mint makes STS-shaped credentials for a role and remembers them; s.mu held.
func (s *Service) mint(roleARN, sessionName, identityID, poolID string, tags map[string]string) *session {
	tok := make([]byte, 96)
	_, _ = rand.Read(tok)
	sess := &session{
		AccessKeyID: "ASIA" + randomString(16, keyAlphabet),
		Secret:      randomString(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
		Token:       "IQoJb3JpZ2luX2VjE" + base64.StdEncoding.EncodeToString(tok),
		RoleARN:     roleARN, SessionName: sessionName, IdentityID: identityID, PoolID: poolID,
		Tags: tags, Expires: s.now().Add(s.opts.CredentialTTL).Truncate(time.Second),
	}
	s.sessions[sess.AccessKeyID] = sess
	// Forget expired sessions now and then; a long-running stack must
	// not grow without bound.
	if len(s.sessions)%64 == 0 {
		now := s.now()
		for k, v := range s.sessions {
			if now.After(v.Expires.Add(time.Hour)) {
				delete(s.sessions, k)
			}
		}
	}
	return sess
}

// roleParts splits "arn:aws:iam::<acct>:role/<path/>name" into account and name.
func roleParts(arn string) (account, name string, err error) {
	p := strings.SplitN(arn, ":", 6)
	if len(p) != 6 || p[0] != "arn" || p[2] != "iam" || !strings.HasPrefix(p[5], "role/") {
		return "", "", fmt.Errorf("not an IAM role ARN: %q", arn)
	}
	account = p[4]
	if account == "" {
		account = DefaultAccount
	}
	name = p[5][strings.LastIndexByte(p[5], '/')+1:]
	if name == "" {
		return "", "", fmt.Errorf("not an IAM role ARN: %q", arn)
	}
	return account, name, nil
}

// roleID is a stable made-up role id (AROA…) for a role ARN.
func roleID(arn string) string {
	u := uuid.NewSHA1(uuid.NameSpaceURL, []byte(arn))
	enc := base64.StdEncoding.EncodeToString(u[:])
	up := strings.ToUpper(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, enc))
	return ("AROA" + up + "XXXXXXXXXXXXXXXX")[:21]
}

// assumedRoleARN is what GetCallerIdentity says for a session.
func assumedRoleARN(roleARN, sessionName string) string {
	account, name, err := roleParts(roleARN)
	if err != nil {
		return roleARN
	}
	return "arn:aws:sts::" + account + ":assumed-role/" + name + "/" + sessionName
}

// ServeHTTP answers AWSCognitoIdentityService.* on POST / (JSON 1.1).
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.serveJSON(w, r)
}
