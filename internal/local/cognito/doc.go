// Package cognito emulates the Cognito user-pools service for the local
// stack: the JSON 1.1 protocol (POST / with X-Amz-Target
// AWSCognitoIdentityProviderService.<Action>), real SRP verification, RS256
// tokens, and each pool's /.well-known/jwks.json and
// /.well-known/openid-configuration under its issuer BaseURL()+"/"+poolID.
// It follows ../shared/docs/cognito-protocol.md: wire shapes, __type and
// message byte for byte where the reference gives them, and its order of
// checks for InitiateAuth.
//
// # What it serves
//
// Pools, app clients, domains, resource servers and groups (create,
// describe, list, update, delete); users administratively (AdminCreateUser
// with FORCE_CHANGE_PASSWORD, AdminSetUserPassword, AdminGetUser, ...) and
// by themselves (SignUp, ConfirmSignUp, ForgotPassword, ChangePassword,
// GetUser, GlobalSignOut, RevokeToken, attribute verification and
// deletion, GetUserAuthFactors); sign-in
// with InitiateAuth, RespondToAuthChallenge and their Admin twins for
// USER_SRP_AUTH, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH,
// REFRESH_TOKEN_AUTH, CUSTOM_AUTH (optionally SRP first) and USER_AUTH;
// the challenges PASSWORD_VERIFIER, NEW_PASSWORD_REQUIRED, SMS_MFA,
// EMAIL_OTP, SMS_OTP, SOFTWARE_TOKEN_MFA (RFC 6238), SELECT_MFA_TYPE,
// MFA_SETUP, SELECT_CHALLENGE, CUSTOM_CHALLENGE, DEVICE_SRP_AUTH and
// DEVICE_PASSWORD_VERIFIER; remembered devices; GetTokensFromRefreshToken
// with refresh-token rotation and its grace period; sign-in after sign-up
// (SignUp's and ConfirmSignUp's Session). handlers.go lists every action. Codes Cognito would send by SMS or e-mail are logged and kept for
// SentCodes.
//
// CUSTOM_AUTH has no Lambda triggers here: a seed declares each pool's
// challenge rounds (CustomChallengeSeed) instead. WEB_AUTHN is offered in
// USER_AUTH to users that have credentials in the seed, but cannot be
// answered: a terminal has no authenticator.
//
// The hosted UI (internal/local/hostedui) builds on the Go API in
// hosted.go rather than on HTTP.
//
// # Secrets
//
// A password is kept only as its SRP salt and verifier; USER_PASSWORD_AUTH
// checks the password by recomputing the verifier. (Seeded users also keep
// their seed password, which the seed file holds anyway, so Describe can
// print the demo credentials; it is dropped when the password changes.)
// Refresh tokens are stored as SHA-256 hashes. Passwords, refresh tokens
// and client secrets are never logged; temporary passwords from
// AdminCreateUser go to SentCodes but not to the log.
//
// # Choices where AWS does not document the answer
//
//   - REFRESH_TOKEN_AUTH on a client with refresh-token rotation:
//     InvalidParameterException "REFRESH_TOKEN_AUTH is not supported for app
//     clients with refresh token rotation enabled. Use
//     GetTokensFromRefreshToken." A rotated token used after its grace
//     period: RefreshTokenReuseException "The refresh token has been rotated
//     and is no longer valid." A rotated refresh token gets a full new
//     validity.
//   - SECRET_HASH in REFRESH_TOKEN_AUTH may be computed over the internal
//     username or over the sub (AWS's guides say either; in e-mail-as-
//     username pools they are the same value); a mismatch is "SecretHash
//     does not match for the client: <id>". In PASSWORD_VERIFIER only the
//     internal username (USER_ID_FOR_SRP) is accepted; in other challenge
//     responses the USERNAME sent or the internal username.
//   - A raw ClientSecret that is wrong (GetTokensFromRefreshToken,
//     RevokeToken): NotAuthorizedException "Unable to verify secret for
//     client <id>".
//   - Unknown device key: ResourceNotFoundException "Device does not
//     exist." (amazon-cognito-identity-js looks for "device" in it).
//   - The PASSWORD_VERIFIER challenge carries no Session; its SECRET_BLOCK
//     is the state, single use, valid for the client's AuthSessionValidity.
//     Other sessions are single use too, except that a wrong MFA code (up
//     to three) or a malformed response leaves them usable.
//   - SRP TIMESTAMP: unparseable → InvalidParameterException; parseable but
//     not canonical (zero-padded day, wrong weekday), or more than
//     Options.TimestampSkew (default 5 minutes) from now → "Incorrect
//     username or password.".
//   - Access tokens of a deleted user: UserNotFoundException; of a disabled
//     user: NotAuthorizedException "User is disabled.".
//   - Malformed JSON: SerializationException; a wrong Content-Type or an
//     unknown or missing X-Amz-Target: UnknownOperationException; a body
//     over 1 MiB: SerializationException with status 413.
//   - InvalidPasswordException is worded per operation, as real answers
//     show: "Password did not conform with policy: " (SignUp,
//     ChangePassword, NEW_PASSWORD_REQUIRED, AdminSetUserPassword),
//     "Password did not conform with password policy: " (AdminCreateUser),
//     "Password does not conform to policy: " (ConfirmForgotPassword).
//   - Aliases (AliasAttributes): a verified e-mail or phone number, or a
//     preferred_username, names one user; a second gets
//     AliasExistsException "An account with the <attribute> already
//     exists.", or with ForceAliasCreation takes the alias over (the old
//     holder keeps the attribute, unverified).
//   - Sign-in after sign-up: SignUp always returns a Session, valid for
//     the client's AuthSessionValidity; ConfirmSignUp given it returns
//     another, which InitiateAuth USER_AUTH turns into tokens once.
//   - USER_AUTH for an unknown user under PreventUserExistenceErrors:
//     the pool's first factors as SELECT_CHALLENGE (or the preferred
//     one); a password is wrong, SRP cannot succeed, and an OTP names a
//     simulated destination, sends nothing and never matches.
//
// # Bounds
//
// Pending PASSWORD_VERIFIER exchanges are the one piece of sign-in state
// anyone can create with only a username and a public client id, so each
// pool keeps at most MaxPendingSRP (1,000, about 4 MB) of them: beyond
// that the oldest is dropped first (answering it then gets "Incorrect
// username or password."), and an exchange is freed once its session has
// expired (at the next sweep, at most a minute later).
//
// Every request member with a documented limit is checked against it
// (limits.go: usernames 1–128 characters of letters, marks, symbols,
// numbers and punctuation; passwords ≤ 256; attribute names 1–32 and
// values ≤ 2,048; codes ≤ 2,048; sessions 20–2,048; ...) with AWS's
// "N validation error(s) detected" message. Sensitive members are named,
// never echoed; other values are echoed cut to 64 characters, and the
// x-amzn-ErrorMessage header is printable ASCII of at most 512 bytes. A
// body that is not valid UTF-8, or has an unpaired surrogate escape, is a
// SerializationException (decoding it would silently turn different byte
// strings into the same name).
//
// # Concurrency
//
// One mutex guards all state. RSA signatures and SRP exponentiations run
// with it released: a handler snapshots what it needs, computes, then
// re-locks and re-checks (a password changed meanwhile is detected rather
// than overwritten).
//
// It must not import charm.land/* or ui.
package cognito
