package flows

import (
	"context"
	"time"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// Kind names a flow. Where Cognito has an AuthFlow of that name the Kind is
// spelled the same way.
type Kind string

// The flows this package runs.
const (
	KindUserSRP           Kind = "USER_SRP_AUTH"
	KindUserPassword      Kind = "USER_PASSWORD_AUTH"
	KindAdminUserPassword Kind = "ADMIN_USER_PASSWORD_AUTH" // AdminInitiateAuth, needs AWS credentials
	KindCustom            Kind = "CUSTOM_AUTH"
	KindCustomSRP         Kind = "CUSTOM_AUTH_SRP" // CUSTOM_AUTH that proves the password with SRP first
	KindUserAuth          Kind = "USER_AUTH"       // choice-based: PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP, WEB_AUTHN

	// KindRefresh chooses between REFRESH_TOKEN_AUTH and
	// GetTokensFromRefreshToken from the app client's settings.
	KindRefresh                   Kind = "REFRESH"
	KindRefreshTokenAuth          Kind = "REFRESH_TOKEN_AUTH"
	KindGetTokensFromRefreshToken Kind = "GetTokensFromRefreshToken"
)

// Kinds lists every Kind in the order a menu would show them.
func Kinds() []Kind {
	return []Kind{KindUserSRP, KindUserPassword, KindAdminUserPassword, KindCustom, KindCustomSRP,
		KindUserAuth, KindRefresh, KindRefreshTokenAuth, KindGetTokensFromRefreshToken}
}

// IsRefresh reports whether k starts from a refresh token.
func (k Kind) IsRefresh() bool {
	return k == KindRefresh || k == KindRefreshTokenAuth || k == KindGetTokensFromRefreshToken
}

// Tokens are what a successful flow yields. The JSON form is the `tokens`
// object of `cogscope login --json`; its five keys are always present (a
// token the flow did not get, such as client_credentials' ID and refresh
// tokens, is ""), so scripts can rely on the shape.
type Tokens struct {
	IDToken      string `json:"idToken"`
	AccessToken  string `json:"accessToken"`
	RefreshToken string `json:"refreshToken"`
	ExpiresIn    int32  `json:"expiresIn"`
	TokenType    string `json:"tokenType"`

	// IssuedAt is when the flow received the tokens (the flow's clock).
	IssuedAt time.Time `json:"-"`
	// RefreshRotated is true when Cognito returned a new refresh token on
	// a refresh; false when RefreshToken is the one the refresh started
	// from (REFRESH_TOKEN_AUTH never rotates).
	RefreshRotated bool `json:"-"`
}

// Device is a remembered device: what ConfirmDevice registered and what a
// later sign-in needs to answer DEVICE_SRP_AUTH. Password is a secret; keep
// it only in the 0600 session store.
type Device struct {
	Key        string `json:"deviceKey"`
	GroupKey   string `json:"deviceGroupKey"`
	Password   string `json:"devicePassword"`
	Remembered bool   `json:"remembered"`
}

// Result is where a flow stands after Start or Respond: either Tokens
// (done) or a Challenge the caller must answer with Respond.
type Result struct {
	Tokens    *Tokens    `json:"tokens,omitempty"`
	Challenge *Challenge `json:"challenge,omitempty"`

	// NewDevice is set when this sign-in confirmed a new device
	// (ConfirmDevice); store it to skip MFA next time.
	NewDevice *Device `json:"-"`
	// ForgottenDevice is the key of a remembered device the pool no longer
	// knows (ResourceNotFoundException); the flow went on without it and
	// the caller should drop it from its store.
	ForgottenDevice string `json:"-"`
}

// Done reports whether the flow has finished with tokens.
func (r *Result) Done() bool { return r != nil && r.Tokens != nil }

// Field names used in Answer, one per kind of input a challenge asks for.
const (
	FieldCode        = "code"         // SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP, SMS_OTP, MFA_SETUP
	FieldNewPassword = "new_password" // NEW_PASSWORD_REQUIRED
	FieldChoice      = "choice"       // SELECT_MFA_TYPE, SELECT_CHALLENGE
	FieldAnswer      = "answer"       // CUSTOM_CHALLENGE
	FieldPassword    = "password"     // PASSWORD (USER_AUTH chose a password factor and none was given)
	// Required attributes of NEW_PASSWORD_REQUIRED use the field name
	// "userAttributes.<name>", exactly as Cognito expects the response key.
)

// Field is one input of a challenge's answer form.
type Field struct {
	Name     string   `json:"name"`              // key in Answer
	Label    string   `json:"label"`             // what to show next to the input
	Secret   bool     `json:"secret,omitempty"`  // mask the input (echo off)
	Options  []string `json:"options,omitempty"` // choose exactly one of these
	Digits   int      `json:"digits,omitempty"`  // a numeric code of this length, when known
	Optional bool     `json:"optional,omitempty"`
}

// Challenge is a question Cognito asked that the caller must answer. The
// flow has already answered everything it can by itself (PASSWORD_VERIFIER,
// DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER) and started what needs no
// input (AssociateSoftwareToken for MFA_SETUP).
type Challenge struct {
	Name       string            `json:"name"`                 // Cognito's ChallengeName, or PASSWORD (see FieldPassword)
	Parameters map[string]string `json:"parameters,omitempty"` // ChallengeParameters as Cognito sent them
	Username   string            `json:"username,omitempty"`   // the internal username Cognito echoed
	Prompt     string            `json:"prompt"`               // one plain-language line: what is being asked
	Fields     []Field           `json:"fields,omitempty"`     // the answer form

	DeliveryMedium string `json:"deliveryMedium,omitempty"` // SMS or EMAIL for codes that were sent
	Destination    string `json:"destination,omitempty"`    // masked phone or e-mail the code went to
	// Options are the choices of SELECT_MFA_TYPE / SELECT_CHALLENGE.
	Options []string `json:"options,omitempty"`
	// RequiredAttributes and UserAttributes come with NEW_PASSWORD_REQUIRED;
	// names are bare ("email", not "userAttributes.email").
	RequiredAttributes []string          `json:"requiredAttributes,omitempty"`
	UserAttributes     map[string]string `json:"userAttributes,omitempty"`
	// OTPAuthURI is the authenticator enrolment URI of MFA_SETUP
	// (otpauth://totp/<issuer>:<user>?secret=…&issuer=…). It contains the
	// TOTP secret: show it to the user, never log it.
	OTPAuthURI string `json:"otpauthUri,omitempty"`
	// Unanswerable explains why a terminal cannot answer this challenge
	// (WEB_AUTHN); empty when it can.
	Unanswerable string `json:"unanswerable,omitempty"`
	// IssuedAt is when Cognito issued the challenge's Session (the flow's
	// clock); sessions live 3 to 15 minutes (the client's AuthSessionValidity).
	IssuedAt time.Time `json:"issuedAt"`
}

// Answer holds a challenge's answer, keyed by Field.Name.
type Answer map[string]string

// Answerer answers challenges for Run: the CLI prompts on the terminal, the
// console shows a form, a script supplies fixed values.
type Answerer interface {
	Answer(ctx context.Context, c *Challenge) (Answer, error)
}

// AnswererFunc adapts a function to Answerer.
type AnswererFunc func(ctx context.Context, c *Challenge) (Answer, error)

// Answer calls fn.
func (fn AnswererFunc) Answer(ctx context.Context, c *Challenge) (Answer, error) { return fn(ctx, c) }

// API is the part of the Cognito user-pools client the public flows use.
// Build it with internal/awsclient.AnonymousCognito: these operations are
// unsigned. *cognitoidentityprovider.Client implements it.
type API interface {
	InitiateAuth(ctx context.Context, in *cip.InitiateAuthInput, optFns ...func(*cip.Options)) (*cip.InitiateAuthOutput, error)
	RespondToAuthChallenge(ctx context.Context, in *cip.RespondToAuthChallengeInput, optFns ...func(*cip.Options)) (*cip.RespondToAuthChallengeOutput, error)
	AssociateSoftwareToken(ctx context.Context, in *cip.AssociateSoftwareTokenInput, optFns ...func(*cip.Options)) (*cip.AssociateSoftwareTokenOutput, error)
	VerifySoftwareToken(ctx context.Context, in *cip.VerifySoftwareTokenInput, optFns ...func(*cip.Options)) (*cip.VerifySoftwareTokenOutput, error)
	ConfirmDevice(ctx context.Context, in *cip.ConfirmDeviceInput, optFns ...func(*cip.Options)) (*cip.ConfirmDeviceOutput, error)
	UpdateDeviceStatus(ctx context.Context, in *cip.UpdateDeviceStatusInput, optFns ...func(*cip.Options)) (*cip.UpdateDeviceStatusOutput, error)
	GetTokensFromRefreshToken(ctx context.Context, in *cip.GetTokensFromRefreshTokenInput, optFns ...func(*cip.Options)) (*cip.GetTokensFromRefreshTokenOutput, error)
}

// AdminAPI is the part of the client that needs AWS credentials
// (internal/awsclient.Cognito with a real aws.Config).
// *cognitoidentityprovider.Client implements it.
type AdminAPI interface {
	AdminInitiateAuth(ctx context.Context, in *cip.AdminInitiateAuthInput, optFns ...func(*cip.Options)) (*cip.AdminInitiateAuthOutput, error)
	AdminRespondToAuthChallenge(ctx context.Context, in *cip.AdminRespondToAuthChallengeInput, optFns ...func(*cip.Options)) (*cip.AdminRespondToAuthChallengeOutput, error)
	DescribeUserPoolClient(ctx context.Context, in *cip.DescribeUserPoolClientInput, optFns ...func(*cip.Options)) (*cip.DescribeUserPoolClientOutput, error)
}

// Options configure one flow.
type Options struct {
	Kind Kind

	// API makes the public calls (required). Admin makes the credentialed
	// ones: required for KindAdminUserPassword; for KindRefresh it is used
	// to read the client's refresh-token rotation setting when present.
	API   API
	Admin AdminAPI

	UserPoolID   string // region_id, e.g. us-east-1_AbCdEfGhI (SRP needs the part after "_")
	ClientID     string
	ClientSecret string // the raw secret, when the app client has one

	Username string // as typed: a username or an alias (email, phone)
	Password string

	// RefreshToken starts refresh flows. AccessToken (possibly expired) is
	// read, unverified, for the username claim REFRESH_TOKEN_AUTH's
	// SECRET_HASH needs; Username is the fallback.
	RefreshToken string
	AccessToken  string
	// RotationEnabled, when the caller knows it, says whether the app
	// client has refresh-token rotation on; KindRefresh then skips
	// DescribeUserPoolClient.
	RotationEnabled *bool

	// PreferredChallenge is USER_AUTH's PREFERRED_CHALLENGE (PASSWORD,
	// PASSWORD_SRP, EMAIL_OTP, SMS_OTP, WEB_AUTHN); empty asks Cognito for
	// the choices (SELECT_CHALLENGE).
	PreferredChallenge string

	ClientMetadata map[string]string

	// Device is a remembered device to sign in with (DEVICE_KEY,
	// DEVICE_SRP_AUTH); nil for none.
	Device *Device
	// DeviceName is sent with ConfirmDevice and as VerifySoftwareToken's
	// FriendlyDeviceName; default "cogscope".
	DeviceName string
	// RememberDevice marks a newly confirmed device remembered
	// (UpdateDeviceStatus) in pools where the user opts in.
	RememberDevice bool
	// SkipDeviceConfirmation leaves NewDeviceMetadata unconfirmed.
	SkipDeviceConfirmation bool

	// TOTPIssuer is the issuer in MFA_SETUP's otpauth URI; default "AWSCognito".
	TOTPIssuer string

	// Reveal puts secrets in the trace unredacted (passwords, SECRET_HASH,
	// tokens, sessions, SRP x and key). Off by default.
	Reveal bool
	// OnStep receives each step as soon as it is complete, on the flow's
	// goroutine; keep it short (hand off to a channel).
	OnStep func(Step)
	// Now is the clock for TIMESTAMP and step times; default time.Now.
	Now func() time.Time
}
