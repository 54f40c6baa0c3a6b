// Package inspect decodes, verifies and explains JWTs, and judges them as
// API Gateway's authorizers would. The CLI (`cogscope inspect`) and the
// console both build on it. It imports only the standard library and jwx
// (a test holds it to that with `go list -deps`).
//
// # Decoding (unverified)
//
//	Decode(raw string) (*Token, error)
//
// splits and decodes a compact JWS. Nothing in a Token is trusted. It
// accepts "Bearer " / "Authorization:" prefixes, quotes and whitespace
// (noted in Token.Notes); it refuses a JWE such as a Cognito refresh token
// (*JWEError, saying what it is and why it cannot be shown), and explains
// truncated tokens and base64/JSON errors with their position
// (*DecodeError{Part, Offset, InJSON, Reason, Truncated}).
//
//	Describe(raw string, now time.Time) *Report
//
// explains a token without fetching keys: claims, lifetime, time checks;
// kid and signature skipped and Valid false. For "paste any token".
//
// # Verifying
//
//	NewVerifier(Options{Issuer, ClientIDs, TokenUse, Scopes, Groups, Skew, Now, Keys}) (*Verifier, error)
//	(*Verifier).Verify(ctx, raw) (*Report, error)   // the full, explained report
//	(*Verifier).Validate(ctx, raw) error            // fast verdict: nil, *Failure{Check, Detail, Hint, Attack}, or an I/O error
//
// Keys come from a KeySource: NewCache(CacheOptions{Client, Now, URL,
// MinTTL, MaxTTL, DefaultTTL, RefetchInterval, RelaxFetch}) fetches
// <iss>/.well-known/jwks.json (else the discovery document's jwks_uri, or
// a fixed URL) with jwx, honours
// Cache-Control/Expires/Age/ETag/Last-Modified and refetches once on an
// unknown kid; ParseJWKS(bytes, source) gives a fixed *KeySet (a file).
// A key the JWKS holds but cannot be used (an RSA key under 2048 bits or
// without n or e, an unknown kty, one jwx cannot read) is skipped and
// named (KeySet.Skipped, Cache.SkippedKeys, and a note in the report), and
// the other keys are used (RFC 7517 §5); a token whose kid names a skipped
// key fails the kid check saying why. EC/OKP keys are kept so the alg
// check can name a key-type mismatch. An unreachable JWKS is *FetchError, returned as the error of Verify (the
// report still lists what could be checked); a kid the JWKS lacks is a
// verdict (the kid check fails, *UnknownKidError in its detail).
//
// A Report holds Header and Claims as []Claim{Name, Value (raw JSON),
// Display, Items, Time, Meaning, Known, Check, Status}, Checks as
// []Check{Name, Status ok|fail|skipped, Detail, Hint, Attack, Fix} in the order
// parse, alg, kid, signature, iss, token_use, aud, exp, nbf, iat, scope,
// group (CheckNames), Valid, Kind (id|access|unknown), Now, Lifetime{Known,
// IssuedAt, ExpiresAt, NotBefore, Now, Total, Remaining, Elapsed 0..1} for
// a bar from iat to exp, and Notes. Report.MarshalJSON gives the stable
// `--json` form {"header", "claims", "checks": [{"name", "status",
// "detail"}], "valid", "trust", "issuer"}.
//
// Texts name no flag, key or command: the command line and the console
// give an expected issuer, keys or a clock allowance in different ways.
// Where a text leaves one for the edge to name, Check.Fix (and
// PolicyError.Fix, for a refused fetch) holds its code (FixExpectIssuer,
// FixConfirmIssuer, FixSkew, FixRelaxFetch... — FixCodes lists them), and
// the edge adds its words, keyed by the code, as apicall's FixPhrase does
// for a refused call:
//
//	type Hint struct{ After, Text string }           // Text goes after After, or at the end
//	func Phrase(text, fix string, hints map[string]Hint) string
//	func (Check) Phrase(hints) Check                  // to Hint when set, else to Detail
//	func (*Report) Phrase(hints) *Report              // a copy, every check phrased
//	func PhraseError(err, hints) error                // the PolicyError's fix in err's message
//
// Valid means: the signature verified, no check failed, and someone other
// than the token vouched for the keys (see Trust below). A check with
// nothing to compare against (no expected client id, no required
// scope...) is skipped and says why. Scopes and groups need at least one match, as API Gateway and
// aws-jwt-verify do. The alg check accepts only RS256/RS384/RS512 as the
// key declares; "none", HS* with an RSA key and alg/key mismatches fail
// with Check.Attack naming the attack (AttackAlgNone, AttackKeyConfusion,
// AttackAlgSubstitution, AttackKeyTypeMismatch).
//
// # Who vouches for the keys (Report.Trust)
//
// A signature proves only that the holder of the keys signed. Keys looked
// up from the token's own iss were chosen by whoever wrote the token, so
// without an expected issuer (Options.Issuer: --issuer, a profile or a
// session) or keys the caller gave (a PinnedKeySource: a JWKS file, or a
// Cache with a fixed URL) the iss check FAILS as an unconfirmed issuer:
// "the signature was checked against the token's own issuer, which nobody
// confirmed", and Valid is false (Trust = TrustTokenIssuer). With an
// expected issuer Trust is TrustExpectedIssuer; with given keys and no
// issuer it is TrustGivenKeys and the iss check is skipped.
// Report.Issuer (DescribeIssuer) says whether iss is a Cognito user
// pool's, https://cognito-idp.<region>.amazonaws.com/<poolId> (Cognito,
// Pool, Region), one shaped like it on another host (PoolShaped: a local
// stack or emulator), or another provider's.
//
// # Fetching keys safely
//
// The Cache fetches <issuer>/.well-known/jwks.json, or the one URL given.
// When the issuer's jwks.json answers 404 (other OpenID providers keep
// their keys elsewhere), it reads <issuer>/.well-known/openid-configuration,
// as API Gateway does, and uses its jwks_uri (remembered for refetches)
// if the document names the same issuer and the jwks_uri passes the
// policy below; the document is capped at 256 KiB.
// Since an unconfirmed iss points wherever the token's author likes, every
// fetch follows this policy (PolicyError, inside a FetchError, says what
// was refused):
//
//   - https only; plain http only to loopback (localhost, 127.0.0.0/8,
//     ::1), so the local stack (http on 127.0.0.1) works as is.
//   - The JWKS URL is built from the parsed issuer: scheme, host and path
//     plus "/.well-known/jwks.json". An issuer with a query or fragment
//     ('?' or '#', even empty), credentials (user:pass@), '.' or '..' path
//     segments, or no host is refused, so a '#' cannot replace the path
//     and no credentials are ever sent.
//   - Never fetched from: link-local addresses (169.254.0.0/16, fe80::/10,
//     where cloud metadata services answer), other metadata addresses
//     (100.100.100.200, fd00:ec2::254), unspecified, multicast and
//     reserved addresses, and their IPv4-mapped and NAT64 forms.
//   - Private addresses (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7)
//     only for a confirmed issuer (an expected issuer, or a JWKS URL the
//     caller gave): a company IdP on a private network is a choice its
//     user makes; a token's author does not get to make it. Loopback is
//     allowed for any issuer (it is the machine cogscope runs on, where
//     the local stack listens), but only the .well-known path is asked for
//     and nothing of the answer but a parsed JWKS is shown.
//   - The rules apply to the URL and again at dial time: a net.Dialer
//     Control checks the address each connection is actually made to, so
//     DNS cannot smuggle in a private or metadata address; connections are
//     not kept alive (every fetch dials and is checked again) and no proxy
//     is used. The configured client's timeout (30 s when it has none)
//     and TLS settings are kept;
//     a Transport that is not an *http.Transport is replaced, since the
//     dialer is the check.
//   - Redirects: at most 3, to the same host only, never https to http.
//   - Responses: bodies over 1 MiB and headers over 64 KiB are refused;
//     the body of a non-200 answer is never shown.
//
// CacheOptions.RelaxFetch (`--relaxed-fetch`) is for local emulators on
// other hosts or in containers: plain http to any host and private
// addresses for any issuer. Link-local and metadata addresses,
// credentials, queries and fragments, and cross-host redirects stay
// refused.
//
// # Explaining
//
//	LookupClaim(name) (ClaimInfo, bool), LookupHeader(name), Catalogue() []ClaimInfo
//	ExplainCheck(name CheckName) string
//	FormatTime(t), Relative(t, now) ("in 42m", "3h ago"), HumanDuration(d)
//	FormatDuration(d, layout) // the project's one duration formatter: Compact "3h12m", Padded "3h 12m"
//	CognitoIssuer(region, pool), ExpandIssuer(poolIDOrURL), ParseCognitoIssuer(iss)
//
// # Judging as API Gateway
//
//	Judge(ctx, Authorizer{Type, IdentitySource, Issuer, Audience, ProviderARNs, Issuers,
//	      IdentityValidationExpression, Scopes}, headers http.Header, keys KeySource, now) (*Judgement, error)
//
// Type is HTTPJWTAuthorizer (HTTP API JWT authorizer) or
// RESTCognitoAuthorizer (REST COGNITO_USER_POOLS). The Judgement says
// Allowed, the Status, Body, WWWAuthenticate (HTTP API) or
// ResponseType/ErrorType (REST) the gateway would answer, the Reason,
// Mistakes in plain words (ID token where scopes are required, access
// token to an aud check, another pool or region, expired, wrong header,
// refresh token sent), Caveats for undocumented behaviour, and the Report.
//
// # Keys and speed
//
// jwx parses the JWKS and imports each key once into an *rsa.PublicKey;
// the cache is our own (not jwk.Cache/httprc) so it needs no background
// goroutines, takes an injected clock, and its lookups of fresh keys take
// no lock. Validate keeps the hot path lean: one base64 decode per part
// into one buffer, one pass of a small validating JSON scanner over the
// header and payload (held to encoding/json's behaviour by FuzzDecode),
// crypto/rsa for the signature, and no text for passing checks. RSA-2048
// verification itself is most of the cost (crypto/rsa rebuilds its
// Montgomery modulus on every call). BenchmarkVerifyAccessToken and
// BenchmarkVerifyAccessTokenParallel measure it.
//
// # Differences from aws-jwt-verify
//
// The differential test (differential_test.go) judges one corpus with both
// and requires equal verdicts except for these deliberate differences:
//
//   - exp is required. aws-jwt-verify accepts a token without exp; Cognito
//     always sets one and a token that never expires is refused here.
//   - iat and auth_time must not be in the future (beyond the skew), as API
//     Gateway's JWT authorizer requires; aws-jwt-verify does not look at
//     them.
//   - Only RSA keys and RS256/RS384/RS512 are verified (Cognito signs
//     RS256); aws-jwt-verify also verifies ES* and EdDSA.
//   - A base64url part whose length is impossible (length mod 4 = 1) is a
//     parse failure (a truncated token); Node's decoder drops the extra
//     character.
//   - cognito:groups holding a non-string is refused whole; aws-jwt-verify
//     accepts it if a matching string comes before the non-string.
//   - exp equal to now is expired (RFC 7519 §4.1.4: now must be before
//     exp; with a skew, now must be before exp + skew); aws-jwt-verify
//     accepts the token at the exact second.
//   - A header with crit (RFC 7515 §4.1.11) is refused, whatever it lists:
//     cogscope understands no extension, and a JWS whose crit names one
//     the recipient does not understand is invalid; so is "b64": false
//     (RFC 7797, an unencoded payload), with or without crit. The parse
//     check fails. aws-jwt-verify ignores both.
//   - The audience as API Gateway's HTTP API JWT authorizer judges it
//     (cognito-protocol.md §6.1): aud is evaluated whenever the token has
//     one (a string, or a list of which one must match), client_id only
//     when there is no aud, whatever token_use says. aws-jwt-verify's
//     Cognito checks read aud (a string only) for ID tokens and client_id
//     for access tokens, so an access token with aud "urn:my:api" and
//     client_id "web-app" passes it with client id "web-app" and fails it
//     with "urn:my:api"; here it is the other way round.
//   - token_use is required only when one is expected (TokenUse) or the
//     issuer is a Cognito user pool or shaped like one (a local stack);
//     aws-jwt-verify's Cognito checks always require it. Tokens of other
//     OpenID providers have none.
//   - Input cleaning: a "Bearer " prefix, quotes and whitespace inside the
//     token (a wrapped paste) are removed before verifying; aws-jwt-verify
//     refuses such strings as malformed. An API would see them as
//     aws-jwt-verify does: Judge applies the gateway's own rules.
//
// Same verdict, different reason: aws-jwt-verify refuses an alg "none"
// token with an empty signature as malformed (JwtParseError) and checks
// claim types while parsing; cogscope fails the alg check and the check of
// the mistyped claim.
package inspect
