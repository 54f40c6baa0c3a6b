package cognito

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/cogscope/cogscope/internal/local/awsjson"
)

// apiError is an error the service answers with: an AWS exception name
// (the __type) and Cognito's message, byte for byte where the protocol
// reference gives it.
type apiError = awsjson.Error

func newErr(typ, msg string) *apiError {
	return &apiError{Type: typ, Message: msg, Status: http.StatusBadRequest}
}

func errf(typ, format string, args ...any) *apiError {
	return newErr(typ, fmt.Sprintf(format, args...))
}

// Exception names, as the service model spells them.
const (
	excNotAuthorized          = "NotAuthorizedException"
	excInvalidParameter       = "InvalidParameterException"
	excResourceNotFound       = "ResourceNotFoundException"
	excUserNotFound           = "UserNotFoundException"
	excUserNotConfirmed       = "UserNotConfirmedException"
	excPasswordResetRequired  = "PasswordResetRequiredException"
	excCodeMismatch           = "CodeMismatchException"
	excExpiredCode            = "ExpiredCodeException"
	excInvalidPassword        = "InvalidPasswordException"
	excUsernameExists         = "UsernameExistsException"
	excAliasExists            = "AliasExistsException"
	excLimitExceeded          = "LimitExceededException"
	excInternal               = "InternalErrorException"
	excSerialization          = "SerializationException"
	excUnknownOperation       = "UnknownOperationException"
	excGroupExists            = "GroupExistsException"
	excSoftwareTokenNotFound  = "SoftwareTokenMFANotFoundException"
	excEnableSoftwareToken    = "EnableSoftwareTokenMFAException"
	excInvalidUserPoolConfig  = "InvalidUserPoolConfigurationException"
	excUnsupportedTokenType   = "UnsupportedTokenTypeException"
	excUnsupportedOperation   = "UnsupportedOperationException"
	excRefreshTokenReuse      = "RefreshTokenReuseException"
	excInvalidLambdaResponse  = "InvalidLambdaResponseException"
	excMFAMethodNotFound      = "MFAMethodNotFoundException"
	excUnauthorized           = "UnauthorizedException"
	excTooManyRequests        = "TooManyRequestsException"
	excConcurrentModification = "ConcurrentModificationException"
)

// Messages the protocol reference (§2.3, §3.5) gives verbatim. Note which end
// in a period: clients and people match on them.
const (
	msgIncorrectCredentials  = "Incorrect username or password."
	msgUserNotFound          = "User does not exist."
	msgUserNotConfirmed      = "User is not confirmed."
	msgPasswordResetRequired = "Password reset required for the user"
	msgUserDisabled          = "User is disabled."
	msgSessionExpired        = "Invalid session for the user, session is expired."
	msgSessionInvalid        = "Invalid session for the user."
	msgInvalidRefreshToken   = "Invalid Refresh Token"
	msgRefreshTokenRevoked   = "Refresh Token has been revoked"
	msgRefreshTokenExpired   = "Refresh Token has expired"
	msgAccessTokenRevoked    = "Access Token has been revoked"
	msgAccessTokenExpired    = "Access Token has expired"
	msgInvalidAccessToken    = "Invalid Access Token"
	msgAccessTokenScopes     = "Access Token does not have required scopes"
	msgCodeMismatch          = "Invalid verification code provided, please try again."
	msgExpiredCode           = "Invalid code provided, please request a code again."
	msgUsernameExists        = "User already exists"
	msgTimestampFormat       = "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english."
	msgDeviceNotFound        = "Device does not exist."
	msgAttemptLimit          = "Attempt limit exceeded, please try after some time."
	msgForgotUserNotFound    = "Username/client id combination not found."
)

func errIncorrectCredentials() *apiError { return newErr(excNotAuthorized, msgIncorrectCredentials) }
func errUserNotFound() *apiError         { return newErr(excUserNotFound, msgUserNotFound) }
func errSessionInvalid() *apiError       { return newErr(excNotAuthorized, msgSessionInvalid) }
func errSessionExpired() *apiError       { return newErr(excNotAuthorized, msgSessionExpired) }
func errCodeMismatch() *apiError         { return newErr(excCodeMismatch, msgCodeMismatch) }
func errInvalidRefresh() *apiError       { return newErr(excNotAuthorized, msgInvalidRefreshToken) }

func errPoolNotFound(id string) *apiError {
	return errf(excResourceNotFound, "User pool %s does not exist.", id)
}

func errClientNotFound(id string) *apiError {
	return errf(excResourceNotFound, "User pool client %s does not exist.", id)
}

func errMissingParam(name string) *apiError {
	return errf(excInvalidParameter, "Missing required parameter %s", name)
}

func errSecretNotReceived(clientID string) *apiError {
	return errf(excNotAuthorized, "Client %s is configured for secret but secret was not received", clientID)
}

func errSecretHashMismatch(clientID string) *apiError {
	return errf(excNotAuthorized, "Unable to verify secret hash for client %s", clientID)
}

func errInternal(err error) *apiError {
	return &apiError{Type: excInternal, Message: "Internal server error: " + err.Error(), Status: http.StatusInternalServerError}
}

// violation is one failed model constraint, rendered the way AWS's request
// validation does: "Value null at 'userPoolId' failed to satisfy
// constraint: Member must not be null".
type violation struct {
	member string // PascalCase member name as on the wire
	value  *string
	rule   string
	hidden bool // a sensitive member: the value is not repeated
}

func (v violation) String() string {
	if v.hidden {
		return fmt.Sprintf("Value at '%s' failed to satisfy constraint: %s", lowerFirst(v.member), v.rule)
	}
	val := "null"
	if v.value != nil {
		val = "'" + echo(*v.value) + "'"
	}
	return fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", val, lowerFirst(v.member), v.rule)
}

// validationError joins violations into AWS's "N validation error(s)
// detected: ...; ..." message, or returns nil when there are none.
func validationError(vs []violation) error {
	if len(vs) == 0 {
		return nil
	}
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.String()
	}
	noun := "errors"
	if len(vs) == 1 {
		noun = "error"
	}
	return errf(excInvalidParameter, "%d validation %s detected: %s", len(vs), noun, strings.Join(parts, "; "))
}

// lowerFirst renders a member path as AWS's validation messages do: each
// segment starts lower case ("Policies.PasswordPolicy" → "policies.passwordPolicy").
func lowerFirst(s string) string {
	parts := strings.Split(s, ".")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToLower(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, ".")
}

func enumViolation(member, value string, allowed []string) violation {
	return violation{member: member, value: &value,
		rule: "Member must satisfy enum value set: [" + strings.Join(allowed, ", ") + "]"}
}
