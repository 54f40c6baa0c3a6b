// Package srp holds the pure arithmetic of Cognito's SRP-6a variant: the
// 3072-bit group, the hex padding rule, the HKDF step that turns the shared
// secret into a 16-byte key, the password-claim signature and Cognito's
// TIMESTAMP format. Both sides live here: the sign-in client (flows) and the
// local stack's verifier (internal/local/cognito) share one implementation so
// they cannot drift apart, and known-answer tests from the official client
// pin both.
//
// It imports only the standard library and golang.org/x/crypto; it performs
// no I/O.
package srp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"

	"golang.org/x/crypto/hkdf"
)

// nHex is the RFC 5054 / RFC 3526 3072-bit MODP prime Cognito uses.
const nHex = "" +
	"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
	"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
	"83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
	"15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
	"ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
	"BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"

// infoBits is the HKDF info string. x/crypto/hkdf appends the 0x01 block
// counter itself, which gives Cognito's "Caldera Derived Key" || 0x01.
const infoBits = "Caldera Derived Key"

// KeyLen is the length of the derived key in bytes.
const KeyLen = 16

// ExponentBytes is how many random bytes the client and server secret
// exponents are drawn from. RFC 5054 asks for at least 256 bits; the official
// client uses 1024, which costs four times as much per exponentiation for no
// gain in security.
const ExponentBytes = 32

var (
	// N is the group's prime modulus.
	N = mustHex(nHex)
	// G is the group's generator.
	G = big.NewInt(2)
	// K is the multiplier H(pad(N) || pad(g)), computed over the minimal
	// encodings as Cognito does (not RFC 5054's width-padded ones).
	K = new(big.Int).SetBytes(hashBytes(Pad(N), Pad(G)))
)

// Errors a caller may want to tell apart.
var (
	ErrBadB       = errors.New("srp: server value B is 0 mod N")
	ErrBadA       = errors.New("srp: client value A is 0 mod N")
	ErrZeroU      = errors.New("srp: scrambling parameter u is 0")
	ErrBadKeySize = errors.New("srp: key must be 16 bytes")
)

func mustHex(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("srp: bad constant " + s)
	}
	return n
}

func hashBytes(parts ...[]byte) []byte {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// Pad returns the minimal big-endian two's-complement encoding of a
// non-negative x, as Java's BigInteger.toByteArray does: a leading zero byte
// is added when the top bit is set, and zero encodes as a single 0x00.
func Pad(x *big.Int) []byte {
	b := x.Bytes()
	if len(b) == 0 || b[0]&0x80 != 0 {
		return append([]byte{0}, b...)
	}
	return b
}

// PoolName is the part of a user pool ID after the first underscore
// ("us-east-1_AbCdEfGhI" gives "AbCdEfGhI"). An ID without one is returned
// unchanged.
func PoolName(userPoolID string) string {
	if _, after, ok := strings.Cut(userPoolID, "_"); ok {
		return after
	}
	return userPoolID
}

// ParseHex parses an unsigned hex integer as Cognito sends SRP_A, SRP_B and
// SALT.
func ParseHex(s string) (*big.Int, error) {
	if s == "" {
		return nil, errors.New("srp: empty hex value")
	}
	n, ok := new(big.Int).SetString(s, 16)
	if !ok || n.Sign() < 0 {
		return nil, fmt.Errorf("srp: %q is not a hex integer", truncate(s, 16))
	}
	return n, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Hex renders x as lower-case hex without padding, the form Cognito sends
// and expects for SRP_A, SRP_B and SALT.
func Hex(x *big.Int) string { return x.Text(16) }

// U is the scrambling parameter H(pad(A) || pad(B)).
func U(A, B *big.Int) *big.Int {
	return new(big.Int).SetBytes(hashBytes(Pad(A), Pad(B)))
}

// X is the private value H(pad(salt) || H(poolName || userID || ":" || password)).
// For device SRP pass the device group key as poolName, the device key as
// userID and the device password.
func X(poolName, userID, password string, salt *big.Int) *big.Int {
	inner := hashBytes([]byte(poolName + userID + ":" + password))
	return new(big.Int).SetBytes(hashBytes(Pad(salt), inner))
}

// Verifier is v = g^x mod N, what a server stores instead of the password.
func Verifier(poolName, userID, password string, salt *big.Int) *big.Int {
	return new(big.Int).Exp(G, X(poolName, userID, password, salt), N)
}

// DeriveKey is HKDF-SHA256 with salt pad(u), key material pad(S) and info
// "Caldera Derived Key", cut to 16 bytes.
func DeriveKey(S, u *big.Int) []byte {
	key := make([]byte, KeyLen)
	r := hkdf.New(sha256.New, Pad(S), Pad(u), []byte(infoBits))
	if _, err := io.ReadFull(r, key); err != nil {
		panic("srp: hkdf: " + err.Error()) // cannot happen for 16 bytes of SHA-256 HKDF
	}
	return key
}

// SignatureMessage is the byte layout the password claim signs:
// poolName || userID || secretBlock || timestamp, with no separators.
func SignatureMessage(poolName, userID string, secretBlock []byte, timestamp string) []byte {
	msg := make([]byte, 0, len(poolName)+len(userID)+len(secretBlock)+len(timestamp))
	msg = append(msg, poolName...)
	msg = append(msg, userID...)
	msg = append(msg, secretBlock...)
	return append(msg, timestamp...)
}

// Signature is the PASSWORD_CLAIM_SIGNATURE: base64 of
// HMAC-SHA256(key, SignatureMessage(...)).
func Signature(key []byte, poolName, userID string, secretBlock []byte, timestamp string) string {
	return base64.StdEncoding.EncodeToString(signatureMAC(key, poolName, userID, secretBlock, timestamp))
}

func signatureMAC(key []byte, poolName, userID string, secretBlock []byte, timestamp string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(SignatureMessage(poolName, userID, secretBlock, timestamp))
	return m.Sum(nil)
}

// VerifySignature reports, in constant time, whether sig is the expected
// base64 signature.
func VerifySignature(key []byte, poolName, userID string, secretBlock []byte, timestamp, sig string) bool {
	got, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return false
	}
	return hmac.Equal(got, signatureMAC(key, poolName, userID, secretBlock, timestamp))
}

// randomExponent draws ExponentBytes random bytes as a non-zero integer
// below N.
func randomExponent(r io.Reader) (*big.Int, error) {
	if r == nil {
		r = rand.Reader
	}
	buf := make([]byte, ExponentBytes)
	for {
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, fmt.Errorf("srp: random exponent: %w", err)
		}
		e := new(big.Int).SetBytes(buf)
		e.Mod(e, N)
		if e.Sign() != 0 {
			return e, nil
		}
	}
}

func isZeroModN(x *big.Int) bool {
	return new(big.Int).Mod(x, N).Sign() == 0
}

// Client is one side of one SRP exchange: it holds the secret a and public A.
// A Client is used for a single sign-in and then dropped.
type Client struct {
	a *big.Int
	A *big.Int
}

// NewClient draws a fresh secret a from crypto/rand and computes A = g^a.
func NewClient() (*Client, error) {
	a, err := randomExponent(rand.Reader)
	if err != nil {
		return nil, err
	}
	return NewClientWithSecret(a)
}

// NewClientWithSecret uses a given secret exponent. It exists for
// known-answer tests; real sign-ins use NewClient.
func NewClientWithSecret(a *big.Int) (*Client, error) {
	a = new(big.Int).Mod(a, N)
	A := new(big.Int).Exp(G, a, N)
	if A.Sign() == 0 {
		return nil, ErrBadA
	}
	return &Client{a: a, A: A}, nil
}

// AHex is SRP_A as sent to Cognito.
func (c *Client) AHex() string { return Hex(c.A) }

// Values are the intermediate numbers of one client computation, kept so a
// trace can show them.
type Values struct {
	U   *big.Int
	X   *big.Int
	S   *big.Int
	Key []byte
}

// Key computes the shared 16-byte key from the server's salt and B, for the
// given pool name (or device group key), user ID (USER_ID_FOR_SRP, or device
// key) and password. It refuses B ≡ 0 (mod N) and u = 0, which would let a
// hostile server fix the key.
func (c *Client) Key(poolName, userID, password string, salt, B *big.Int) (Values, error) {
	if B.Sign() <= 0 || isZeroModN(B) {
		return Values{}, ErrBadB
	}
	u := U(c.A, B)
	if u.Sign() == 0 {
		return Values{}, ErrZeroU
	}
	x := X(poolName, userID, password, salt)
	// base = (B - k*g^x) mod N, reduced into [0, N) before exponentiation.
	gx := new(big.Int).Exp(G, x, N)
	kgx := new(big.Int).Mul(K, gx)
	base := new(big.Int).Sub(B, kgx)
	base.Mod(base, N)
	exp := new(big.Int).Mul(u, x)
	exp.Add(exp, c.a)
	S := new(big.Int).Exp(base, exp, N)
	return Values{U: u, X: x, S: S, Key: DeriveKey(S, u)}, nil
}

// Server is the verifier side of one SRP exchange: it holds b and B for a
// user's verifier v.
type Server struct {
	v *big.Int
	b *big.Int
	B *big.Int
}

// NewServer draws a fresh b and computes B = (k*v + g^b) mod N for the
// stored verifier v.
func NewServer(v *big.Int) (*Server, error) {
	for {
		b, err := randomExponent(rand.Reader)
		if err != nil {
			return nil, err
		}
		s := NewServerWithSecret(v, b)
		if s.B.Sign() != 0 {
			return s, nil
		}
	}
}

// NewServerWithSecret uses a given secret exponent; for known-answer tests
// and for restoring an exchange from stored state.
func NewServerWithSecret(v, b *big.Int) *Server {
	B := new(big.Int).Mul(K, v)
	B.Add(B, new(big.Int).Exp(G, b, N))
	B.Mod(B, N)
	return &Server{v: v, b: b, B: B}
}

// Secret returns the server's secret exponent b, so an exchange can be kept
// between the two requests of a sign-in.
func (s *Server) Secret() *big.Int { return s.b }

// BHex is SRP_B as sent to the client.
func (s *Server) BHex() string { return Hex(s.B) }

// Key computes the shared key for the client's A: S = (A * v^u)^b mod N.
func (s *Server) Key(A *big.Int) ([]byte, error) {
	if A.Sign() <= 0 || isZeroModN(A) {
		return nil, ErrBadA
	}
	u := U(A, s.B)
	if u.Sign() == 0 {
		return nil, ErrZeroU
	}
	t := new(big.Int).Exp(s.v, u, N)
	t.Mul(t, A)
	t.Mod(t, N)
	S := t.Exp(t, s.b, N)
	return DeriveKey(S, u), nil
}

// NewSalt returns a 16-byte random salt whose first byte is non-zero, so
// that clients that pad the salt as text and clients that pad it as an
// integer hash the same bytes.
func NewSalt() (*big.Int, error) {
	buf := make([]byte, 16)
	for {
		if _, err := io.ReadFull(rand.Reader, buf); err != nil {
			return nil, fmt.Errorf("srp: salt: %w", err)
		}
		if buf[0] != 0 {
			return new(big.Int).SetBytes(buf), nil
		}
	}
}

var (
	weekdays = [...]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	months   = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

// FormatTimestamp renders t as Cognito's TIMESTAMP, e.g.
// "Tue Nov 3 09:05:01 UTC 2026". It is written out by hand so that no
// locale, zone database or layout quirk can change it. The year has at
// least four digits, as Java's yyyy prints it.
func FormatTimestamp(t time.Time) string {
	t = t.UTC()
	return fmt.Sprintf("%s %s %d %02d:%02d:%02d UTC %04d",
		weekdays[t.Weekday()], months[t.Month()-1], t.Day(), t.Hour(), t.Minute(), t.Second(), t.Year())
}

// ErrTimestampFormat is returned by ParseTimestamp for a value that does not
// follow the pattern at all.
var ErrTimestampFormat = errors.New("TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.")

// ParseTimestamp parses a TIMESTAMP leniently (as Java's parser would: a
// zero-padded day or a wrong weekday still parse), so the caller can tell an
// unparseable value from a non-canonical one by comparing
// FormatTimestamp(t) with the input.
func ParseTimestamp(s string) (time.Time, error) {
	fields := strings.Fields(s)
	if len(fields) != 6 || fields[4] != "UTC" {
		return time.Time{}, ErrTimestampFormat
	}
	// Go accepts a fractional second after the seconds even when the
	// layout has none ("09:05:01,5"); the Java pattern does not.
	if strings.Trim(fields[3], "0123456789:") != "" {
		return time.Time{}, ErrTimestampFormat
	}
	t, err := time.Parse("Mon Jan 2 15:04:05 2006", strings.Join([]string{fields[0], fields[1], fields[2], fields[3], fields[5]}, " "))
	if err != nil {
		return time.Time{}, ErrTimestampFormat
	}
	return t.UTC(), nil
}

// SecretHash is the SECRET_HASH an app client with a secret must send:
// base64(HMAC-SHA256(key = clientSecret, msg = username || clientID)). The
// username is the one Cognito knows the user by in that request (see the
// protocol notes on USER_ID_FOR_SRP and refresh).
func SecretHash(clientSecret, username, clientID string) string {
	m := hmac.New(sha256.New, []byte(clientSecret))
	m.Write([]byte(username))
	m.Write([]byte(clientID))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}
