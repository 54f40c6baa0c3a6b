// Package flows signs in to Cognito user pools in every way Cognito allows,
// recording each step in a trace that the CLI prints and the console
// narrates. Challenges are returned as values and answered by the caller:
// a flow never blocks waiting for input.
//
// It imports only the standard library, aws-sdk-go-v2, flows/srp and
// flows/trace; it must not import charm.land/* or ui. The trace's types
// (Step, APIError, SRPValues, SecretHashInfo) and its recorder live in
// flows/trace, shared with flows/oauth and the API and log traces; flows
// names them as aliases.
//
// # Using it
//
//	f, err := flows.New(flows.Options{
//		Kind: flows.KindUserSRP, API: awsclient.AnonymousCognito(cfg, endpoint),
//		UserPoolID: "us-east-1_AbCdEfGhI", ClientID: "…", Username: "alice", Password: pw,
//		OnStep: func(s flows.Step) { steps <- s }, // live, for a console
//	})
//	res, err := f.Start(ctx)
//	for err == nil && !res.Done() {
//		ans := askUser(res.Challenge)     // a form built from Challenge.Fields
//		res, err = f.Respond(ctx, ans)    // flows.Answer{"code": "123456"}
//	}
//	if err != nil { d := flows.Diagnose(err) … }
//	tokens, trace := res.Tokens, f.Trace()
//
// or, with a callback, res, err := flows.Run(ctx, f, answerer).
//
// # Public API
//
//	type Kind string   // KindUserSRP, KindUserPassword, KindAdminUserPassword, KindCustom,
//	                   // KindCustomSRP, KindUserAuth, KindRefresh (auto), KindRefreshTokenAuth,
//	                   // KindGetTokensFromRefreshToken;  Kinds() []Kind;  (Kind) IsRefresh() bool
//	type Options struct{ Kind; API API; Admin AdminAPI; UserPoolID, ClientID, ClientSecret,
//	                     Username, Password, RefreshToken, AccessToken string; RotationEnabled *bool;
//	                     PreferredChallenge string; ClientMetadata map[string]string; Device *Device;
//	                     DeviceName string; RememberDevice, SkipDeviceConfirmation bool;
//	                     TOTPIssuer string; Reveal bool; OnStep func(Step); Now func() time.Time }
//	type API interface      // InitiateAuth, RespondToAuthChallenge, AssociateSoftwareToken,
//	                        // VerifySoftwareToken, ConfirmDevice, UpdateDeviceStatus,
//	                        // GetTokensFromRefreshToken (anonymous client)
//	type AdminAPI interface // AdminInitiateAuth, AdminRespondToAuthChallenge, DescribeUserPoolClient
//	func New(Options) (*Flow, error)                 // errors wrap ErrInvalidOptions
//	func (*Flow) Start(ctx) (*Result, error)
//	func (*Flow) Respond(ctx, Answer) (*Result, error) // ErrNoPendingChallenge, ErrInvalidAnswer
//	func (*Flow) Trace() []Step;  (*Flow) Pending() *Challenge;  (*Flow) Kind() Kind
//	func Run(ctx, *Flow, Answerer) (*Result, error)
//	type Answerer interface{ Answer(ctx, *Challenge) (Answer, error) };  AnswererFunc
//	type Retrier interface{ Retry(ctx, *Challenge, error) bool } // optional: ask again after a Retryable refusal
//	func Retryable(error) bool                      // a wrong code, a refused new password, a malformed answer
//	var NonInteractive Answerer                     // fails with *UnanswerableError
//	type Answer map[string]string                   // keys: Field.Name
//	type Result struct{ Tokens *Tokens; Challenge *Challenge; NewDevice *Device; ForgottenDevice string }
//	type Tokens struct{ IDToken, AccessToken, RefreshToken string; ExpiresIn int32; TokenType string;
//	                    IssuedAt time.Time; RefreshRotated bool }
//	type Device struct{ Key, GroupKey, Password string; Remembered bool }
//	type Challenge struct{ Name string; Parameters map[string]string; Username, Prompt string;
//	                       Fields []Field; DeliveryMedium, Destination string; Options []string;
//	                       RequiredAttributes []string; UserAttributes map[string]string;
//	                       OTPAuthURI, Unanswerable string; IssuedAt time.Time }
//	type Field struct{ Name, Label string; Secret bool; Options []string; Digits int; Optional bool }
//	const FieldCode, FieldNewPassword, FieldChoice, FieldAnswer, FieldPassword
//	type Step = trace.Step (below);  StepKind = trace.StepKind: StepCall, StepCompute, StepDecision
//	type SecretHashInfo struct{ Username, Source string } // Source: HashFromTyped, HashFromUserIDForSRP,
//	                        // HashFromChallenge, HashFromUsernameClaim, HashFromSubClaim
//	type SRPValues struct{ Subject, PoolName, UserID, A, B, Salt, U, X, Key, SecretBlock, Timestamp, Signature string }
//	const Redacted = "[redacted]";  func Shorten(v string) string // "eyJraWQiOi…QIQYrw (1045 chars)"
//	func IsSecretKey(key string) bool               // trace keys whose values are secrets: trace.IsSecret, the one table
//	var ErrInvalidOptions, ErrInvalidAnswer, ErrNoPendingChallenge
//	var ErrBadResponse                              // an answer Cognito never gives (an emulator, a proxy, not Cognito)
//	type APIError struct{ Type, Message, RequestID string; HTTPStatus int }
//	func APIErrorOf(error) (*APIError, bool)
//	type CallError struct{ Op, Operation string; Flow Kind; Challenge string; SecretHash *SecretHashInfo;
//	                       SecretSent bool; Timestamp, DeviceKey string; API *APIError; Err error }
//	type UnanswerableError struct{ Challenge, Reason string }
//	func Diagnose(error) Diagnosis
//	type Diagnosis struct{ Type, Message, RequestID, Operation, Cause, Fix, Ref string;
//	                       ID string; Template Text }   // ID and Template are not in the JSON form
//	func (Diagnosis) Phrase(Words) Diagnosis        // Cause and Fix in an edge's words
//
//	// The catalogue of diagnoses: one table keyed by source, code and context.
//	func Catalogue() []Entry;  func EntryByID(id string) (Entry, bool)
//	type Entry struct{ ID, Source, Code string; Context Context; Ref, Cause, Fix string }
//	type Context struct{ Message, Operation, Grant, Flow, Condition string }; (Context) String() string
//	const SourceCognito, SourceLocal, SourceOAuth, SourceOAuthClient; const NoCode
//	type Facts struct{ Source, Code, Message, Operation, Grant, Flow string; Conditions []string; Params map[string]string }
//	func Lookup(Facts) (Entry, bool);  func Explain(*Diagnosis, Facts) bool
//	type Text struct{ Cause, Fix string }; (Text) Phrase(Words) Text; (Text) Refs() []Ref
//	type Ref struct{ Kind, Name string }            // Kind: flow, scope, input, omit, setting, env
//	type Words interface{ Flow, Scope, Input, Omit, Setting(string) string }
//	type EnvWords interface{ Env(name string) string } // Words that show {env:NAME} with its value (the CLI)
//	func ProxyFacts(*Facts, error) bool             // a dead HTTP(S)_PROXY (internal/proxyerr): conditions proxy-http, proxy-https, proxy
//	var FlagWords Words                             // the default: references as command-line flags
//	func UnverifiedClaims(token string) (Claims, error) // no signature check
//	type Claims struct{ TokenUse, Username, Sub, ClientID, Issuer string; IssuedAt, ExpiresAt, AuthTime time.Time }
//	func ValidateUserPoolID(string) error;  func RegionOf(userPoolID string) string
//
// # Diagnoses
//
// Diagnose (and flows/oauth's Diagnose) gather the facts of an error — its
// source, code, message, the operation, grant and flow, a few named
// conditions, and values to quote — and take the first entry of the
// catalogue that matches them (Lookup). An entry's Cause and Fix are
// templates: {name} placeholders are filled from the facts, and
// references ({flow:password}, {scope:openid email}, {input:redirect-uri},
// {omit:scope}, {setting:ALLOW_USER_SRP_AUTH}, {env:HTTPS_PROXY}) are
// phrased by an edge's Words ({env:…} only the proxy variables: the CLI
// shows them with their value, a password masked; others name them). Diagnosis.Cause and Fix carry them phrased as command-line flags
// (FlagWords); Diagnosis.Template keeps them unphrased for another edge
// (the console words them as its views and profile keys). The catalogue
// is exported for `cogscope explain` and the troubleshooting page.
//
// # Challenges
//
// The flow answers PASSWORD_VERIFIER, DEVICE_SRP_AUTH and
// DEVICE_PASSWORD_VERIFIER itself, and calls AssociateSoftwareToken for
// MFA_SETUP before returning it (so Challenge.OTPAuthURI is ready). The
// caller answers, by Field name:
//
//	SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP, SMS_OTP   code
//	MFA_SETUP                                         code (the authenticator's first code)
//	SELECT_MFA_TYPE, SELECT_CHALLENGE                 choice (one of Challenge.Options)
//	NEW_PASSWORD_REQUIRED                             new_password, userAttributes.<name> per required attribute
//	CUSTOM_CHALLENGE                                  answer
//	PASSWORD                                          password (USER_AUTH chose PASSWORD/PASSWORD_SRP without one)
//	WEB_AUTHN                                         none: Challenge.Unanswerable explains why
//
// # The trace
//
// Every flow records an ordered list of Steps, delivered live to
// Options.OnStep and kept on the flow (Trace). A Step marshals to JSON as
// follows; this shape is public and stable (fields may be added, none
// renamed or removed; the keys are camelCase, as every command's --json).
// Empty fields are omitted except index, kind, operation, title, started
// and durationMs.
//
//	{
//	  "index": 2,                        // 1-based position
//	  "kind": "call",                    // "call" (Cognito API), "compute" (SRP claim, device verifier),
//	                                     // "decision" (refresh choice, retry, dropped device)
//	  "operation": "RespondToAuthChallenge", // or PASSWORD_CLAIM, DEVICE_VERIFIER, DECISION
//	  "title": "RespondToAuthChallenge PASSWORD_VERIFIER → tokens",
//	  "authFlow": "USER_SRP_AUTH",       // InitiateAuth only
//	  "challenge": "PASSWORD_VERIFIER",  // the challenge answered / computed for
//	  "nextChallenge": "SOFTWARE_TOKEN_MFA",
//	  "request":  {"ChallengeResponses.USERNAME": "alice", "ChallengeResponses.SECRET_HASH": "[redacted]", …},
//	  "response": {"AuthenticationResult.IdToken": "eyJraWQiOi…x9Q2A (1043 chars)", …},
//	  "error": {"type": "NotAuthorizedException", "message": "Incorrect username or password.",
//	            "requestId": "…", "httpStatus": 400},
//	  "requestId": "0b6e…",
//	  "secretHash": {"username": "7c1e…", "source": "USER_ID_FOR_SRP"},
//	  "srp": {"subject": "user", "poolName": "AbCdEfGhI", "userId": "7c1e…", "srpA": "hex", "srpB": "hex",
//	          "salt": "hex", "u": "hex", "x": "[redacted]", "key": "[redacted]",
//	          "secretBlock": "…", "timestamp": "Tue Nov 3 09:05:01 UTC 2026", "signature": "base64"},
//	  "notes": ["SECRET_HASH computed from \"7c1e…\" (USER_ID_FOR_SRP)."],
//	  "started": "2026-11-26T10:00:00.123Z",
//	  "durationMs": 12.3,
//	  "serverTime": "2026-11-26T10:00:00Z" // the response's Date header (clock skew)
//	}
//
// request and response hold the members sent and received, flattened with
// dots; lists are JSON text. Which values are secret or shortened is
// flows/trace's classification table (trace.Rules), the same table the
// console masks by. Without Options.Reveal, secrets are replaced
// by "[redacted]" (passwords, NEW_PASSWORD, SECRET_HASH, refresh tokens,
// client secrets, the TOTP secret, the device password, SRP x and key) and
// long opaque values are shortened to their first and last characters
// with their length (ID and access tokens, Session, SECRET_BLOCK, SRP_A,
// SRP_B). The SRP values are named as the protocol names them: "srpA" and
// "srpB" are the public values A and B (SRP_A, SRP_B); the client's private
// `a` is never recorded.
package flows
