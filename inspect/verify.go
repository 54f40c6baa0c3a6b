package inspect

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// Options say what a valid token looks like. Empty expectations skip their
// check (reported as skipped, with why), as aws-jwt-verify does with null.
type Options struct {
	// Issuer is the expected iss, compared exactly (no trailing slash). A
	// bare user-pool id ("us-east-1_AbC123") is expanded to the Cognito
	// issuer URL. When empty and Keys are not pinned (a PinnedKeySource:
	// a JWKS file or URL the caller chose), keys come from the token's own
	// iss, which nobody confirmed: the iss check then fails
	// (TrustTokenIssuer), since whoever wrote the token chose the keys.
	Issuer string
	// ClientIDs are the accepted app client ids (audiences), compared as
	// API Gateway's JWT authorizer does: aud when the token has one (one
	// of a list must match), client_id only when it has no aud.
	ClientIDs []string
	// TokenUse is "id", "access", or "" for either. With "", token_use
	// must still be one of the two when the issuer is a Cognito user pool
	// (or shaped like one); other issuers' tokens need none.
	TokenUse string
	// Scopes: the token's scope must hold at least one of them (as API
	// Gateway and aws-jwt-verify require).
	Scopes []string
	// Groups: cognito:groups must hold at least one of them.
	Groups []string
	// Skew is the clock-skew allowance for exp, nbf, iat and auth_time.
	// Default 0, as in aws-jwt-verify.
	Skew time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Keys resolves signing keys; default NewCache(CacheOptions{}), which
	// fetches <issuer>/.well-known/jwks.json.
	Keys KeySource
}

// Verifier checks tokens against Options. It is safe for concurrent use
// and cheap to keep: build one per expectation and reuse it.
type Verifier struct {
	opts    Options
	keys    KeySource
	skewSec float64
	clients map[string]struct{}
	// pinned: the keys are the caller's choice (PinnedKeySource).
	pinned bool
}

var poolIDRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([a-z]{2}(?:-[a-z]+)+-\d+)_[0-9A-Za-z]+$`) })

// CognitoIssuer is the issuer URL of a user pool:
// https://cognito-idp.<region>.amazonaws.com/<poolId>.
func CognitoIssuer(region, poolID string) string {
	return "https://cognito-idp." + region + ".amazonaws.com/" + poolID
}

// ExpandIssuer turns a bare user-pool id into its Cognito issuer URL and
// returns anything else unchanged.
func ExpandIssuer(s string) string {
	if m := poolIDRe().FindStringSubmatch(s); m != nil {
		return CognitoIssuer(m[1], s)
	}
	return s
}

// NewVerifier checks the options and builds a verifier.
func NewVerifier(opts Options) (*Verifier, error) {
	switch opts.TokenUse {
	case "", "id", "access":
	default:
		return nil, fmt.Errorf("token use %q: want \"id\", \"access\" or empty for either", opts.TokenUse)
	}
	if opts.Skew < 0 {
		return nil, fmt.Errorf("skew %v: must not be negative", opts.Skew)
	}
	opts.Issuer = ExpandIssuer(strings.TrimSpace(opts.Issuer))
	if opts.Now == nil {
		opts.Now = time.Now
	}
	v := &Verifier{opts: opts, keys: opts.Keys, skewSec: opts.Skew.Seconds()}
	if v.keys == nil {
		v.keys = NewCache(CacheOptions{})
	}
	v.pinned = pinned(v.keys)
	if len(opts.ClientIDs) > 0 {
		v.clients = make(map[string]struct{}, len(opts.ClientIDs))
		for _, c := range opts.ClientIDs {
			v.clients[c] = struct{}{}
		}
	}
	return v, nil
}

// Options returns the options in use (Issuer expanded, defaults filled).
func (v *Verifier) Options() Options { return v.opts }

// Failure is the first failed check, as returned by Validate.
type Failure struct {
	Check  CheckName
	Detail string
	Hint   string
	Attack string
}

func (f *Failure) Error() string { return string(f.Check) + ": " + f.Detail }

// Validate is the fast verdict: full verification (parse, alg, kid,
// signature, every claim check) without building a report. It returns nil
// for a valid token, a *Failure naming the first failed check, or another
// error when the keys could not be had (*FetchError: an I/O failure, not a
// verdict). Its verdict always equals Verify's.
func (v *Verifier) Validate(ctx context.Context, raw string) error {
	e := evaluation{v: v, ctx: ctx}
	if !e.decodeFast(raw) {
		if cleaned, _ := cleanInput(raw); cleaned == raw || !e.decodeFast(cleaned) {
			return e.parseFailure(raw)
		}
	}
	return e.run()
}

// Verify verifies a token and explains everything about it. The error is
// non-nil only when the verdict could not be reached because the keys
// could not be had (*FetchError and the like); the report is returned
// regardless, with the checks that could be made. A token that cannot be
// decoded is a verdict (the parse check fails), not an error, except for
// empty input (ErrEmpty).
func (v *Verifier) Verify(ctx context.Context, raw string) (*Report, error) {
	e := evaluation{v: v, ctx: ctx, full: true}
	tok, derr := Decode(raw)
	if errors.Is(derr, ErrEmpty) {
		return nil, derr
	}
	e.setNow(v.opts.Now())
	if derr == nil {
		e.tok = tok
		if err := parseHeader(tok.HeaderJSON, &e.hdr, false); err != nil {
			derr = &DecodeError{Part: PartHeader, Offset: -1, InJSON: true, Reason: "header: " + err.Error(), Err: err}
		} else if err := parseClaims(tok.PayloadJSON, &e.cs, false); err != nil {
			derr = &DecodeError{Part: PartPayload, Offset: -1, InJSON: true, Reason: "payload: " + err.Error(), Err: err}
		} else {
			e.signingInput = []byte(tok.Raw[:strings.LastIndexByte(tok.Raw, '.')])
			e.sig = tok.Signature
		}
	}
	if derr != nil {
		e.checks[0] = failCheck(CheckParse, derr.Error())
		if de := (*DecodeError)(nil); errors.As(derr, &de) && de.Truncated {
			e.checks[0].Hint = "the token looks cut off: copy it again whole"
		}
		var je *JWEError
		if errors.As(derr, &je) && je.RefreshOf {
			e.checks[0].Hint = "refresh tokens are encrypted and opaque to clients: inspect the ID or access token"
		}
		for i := 1; i < numChecks; i++ {
			e.checks[i] = Check{Name: CheckNames[i], Status: StatusSkipped, Detail: "the token could not be decoded"}
		}
		return e.report(tok), nil
	}
	err := e.run()
	var f *Failure
	if errors.As(err, &f) {
		err = nil // failures are in the report
	}
	return e.report(tok), err
}

// evaluation is one verification in progress. In full mode every check is
// made and described; otherwise the first failure ends it and passing
// checks get no text, which keeps the fast path free of formatting.
type evaluation struct {
	v    *Verifier
	ctx  context.Context
	full bool

	tok          *Token
	hdr          headerSet
	cs           claimSet
	sig          []byte
	signingInput []byte

	now    time.Time
	nowSec float64

	keyDone bool
	key     *Key
	keyErr  error // from the KeySource: *UnknownKidError, or I/O
	ioErr   error // the I/O error that kept the signature undecided

	checks [numChecks]Check
}

func (e *evaluation) setNow(t time.Time) {
	e.now = t
	e.nowSec = float64(t.Unix()) + float64(t.Nanosecond())/1e9
}

// decodeFast splits and decodes a clean compact JWS into one buffer and
// reads the header and claims with the scanner. It reports false on any
// problem; parseFailure then explains it.
func (e *evaluation) decodeFast(raw string) bool {
	d1 := strings.IndexByte(raw, '.')
	if d1 <= 0 {
		return false
	}
	d2 := strings.IndexByte(raw[d1+1:], '.')
	if d2 < 0 {
		return false
	}
	d2 += d1 + 1
	// The base64 decoder skips '\r' and '\n'; such input must go through
	// cleaning so the signing input is the cleaned token.
	if strings.IndexByte(raw[d2+1:], '.') >= 0 || strings.IndexByte(raw, '\n') >= 0 || strings.IndexByte(raw, '\r') >= 0 {
		return false
	}
	// A read-only view of raw, not a copy: the decoder and the hash only
	// read it, and raw (a string) cannot change.
	b := unsafe.Slice(unsafe.StringData(raw), len(raw))
	h64 := trimPad(b[:d1])
	p64 := trimPad(b[d1+1 : d2])
	s64 := trimPad(b[d2+1:])
	enc := base64.RawURLEncoding
	buf := make([]byte, enc.DecodedLen(len(h64))+enc.DecodedLen(len(p64))+enc.DecodedLen(len(s64)))
	if len(h64)%4 == 1 || len(p64)%4 == 1 || len(s64)%4 == 1 {
		return false
	}
	hn, err := enc.Decode(buf, h64)
	if err != nil || hn == 0 {
		return false
	}
	pn, err := enc.Decode(buf[hn:], p64)
	if err != nil || pn == 0 {
		return false
	}
	sn, err := enc.Decode(buf[hn+pn:], s64)
	if err != nil {
		return false
	}
	// buf is private to this call and never written again, so the claims
	// may alias it instead of copying every string.
	if parseHeader(buf[:hn], &e.hdr, true) != nil {
		return false
	}
	if parseClaims(buf[hn:hn+pn], &e.cs, true) != nil {
		return false
	}
	e.sig = buf[hn+pn : hn+pn+sn]
	e.signingInput = b[:d2]
	return true
}

func trimPad(b []byte) []byte {
	for n := 0; n < 2 && len(b) > 0 && b[len(b)-1] == '='; n++ {
		b = b[:len(b)-1]
	}
	return b
}

// parseFailure explains why raw did not decode, using Decode's messages.
func (e *evaluation) parseFailure(raw string) error {
	_, err := Decode(raw)
	if err == nil {
		// Decode accepts what the scanner refused: the header or payload
		// JSON breaks a rule only the verifier applies.
		tok, _ := Decode(raw)
		var h headerSet
		if herr := parseHeader(tok.HeaderJSON, &h, false); herr != nil {
			return &Failure{Check: CheckParse, Detail: "header: " + herr.Error()}
		}
		var cs claimSet
		if perr := parseClaims(tok.PayloadJSON, &cs, false); perr != nil {
			return &Failure{Check: CheckParse, Detail: "payload: " + perr.Error()}
		}
		return &Failure{Check: CheckParse, Detail: "the token could not be decoded"}
	}
	return &Failure{Check: CheckParse, Detail: err.Error()}
}

// run makes the checks after parse, in report order.
func (e *evaluation) run() error {
	if !e.full {
		e.setNow(e.v.opts.Now())
	}
	e.checks[0] = Check{Name: CheckParse, Status: StatusOK}
	if e.full {
		e.checks[0].Detail = e.parseOKDetail()
	}
	if c := e.checkCrit(); c.Status == StatusFail {
		e.checks[0] = c
		if !e.full {
			return c.failure()
		}
	} else if c := e.checkParseTypes(); c.Status == StatusFail {
		e.checks[0] = c
		if !e.full {
			return c.failure()
		}
	}
	for i := 1; i < numChecks; i++ {
		c := e.step(CheckNames[i])
		e.checks[i] = c
		if !e.full {
			if c.Status == StatusFail {
				return c.failure()
			}
			if e.ioErr != nil {
				return e.ioErr
			}
		}
	}
	if e.ioErr != nil {
		return e.ioErr
	}
	return nil
}

func (c Check) failure() error {
	return &Failure{Check: c.Name, Detail: c.Detail, Hint: c.Hint, Attack: c.Attack}
}

// lookupKey resolves the token's key once.
func (e *evaluation) lookupKey() {
	if e.keyDone {
		return
	}
	e.keyDone = true
	if !e.hdr.hasKid || e.hdr.kid == "" {
		return
	}
	iss, ctx := e.keyIssuer()
	e.key, e.keyErr = e.v.keys.Key(ctx, iss, e.hdr.kid)
}

// keyIssuer is the issuer whose keys verify the token: the expected one,
// else the token's own iss, with a context that marks it unconfirmed (the
// fetch policy then refuses private addresses).
func (e *evaluation) keyIssuer() (string, context.Context) {
	ctx := e.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	if e.v.opts.Issuer != "" {
		return e.v.opts.Issuer, ctx
	}
	return e.cs.iss, withUnconfirmedIssuer(ctx)
}

// verifyRSA checks an RSASSA-PKCS1-v1_5 signature.
func verifyRSA(pub *rsa.PublicKey, alg string, input, sig []byte) error {
	switch alg {
	case "RS256":
		h := sha256.Sum256(input)
		return rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig)
	case "RS384":
		h := sha512.Sum384(input)
		return rsa.VerifyPKCS1v15(pub, crypto.SHA384, h[:], sig)
	case "RS512":
		h := sha512.Sum512(input)
		return rsa.VerifyPKCS1v15(pub, crypto.SHA512, h[:], sig)
	}
	return fmt.Errorf("unsupported algorithm %q", alg)
}
