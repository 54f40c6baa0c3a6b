package flows

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// Diagnosis explains an error in plain language, beside AWS's own words.
type Diagnosis struct {
	Type      string `json:"type,omitempty"` // AWS's __type, e.g. NotAuthorizedException
	Message   string `json:"message"`        // AWS's message (or the error's text)
	RequestID string `json:"request_id,omitempty"`
	Operation string `json:"operation,omitempty"` // what the flow was doing, e.g. "respond to PASSWORD_VERIFIER"
	Cause     string `json:"cause"`               // what went wrong, plainly
	Fix       string `json:"fix,omitempty"`       // what to do about it
	// Ref points into docs/failure-catalogue.md ("a4"), when the error is
	// one developers often hit.
	Ref string `json:"ref,omitempty"`
}

// String renders the diagnosis for a terminal: AWS's words, then ours.
func (d Diagnosis) String() string {
	var b strings.Builder
	if d.Type != "" {
		b.WriteString(d.Type + ": ")
	}
	b.WriteString(d.Message)
	if d.RequestID != "" {
		b.WriteString(" (request id " + d.RequestID + ")")
	}
	b.WriteString("\n  cause: " + d.Cause)
	if d.Fix != "" {
		b.WriteString("\n  fix:   " + d.Fix)
	}
	return b.String()
}

// flowNames maps a Kind to its ExplicitAuthFlows setting.
var allowFlag = map[Kind]string{
	KindUserSRP:           "ALLOW_USER_SRP_AUTH",
	KindCustomSRP:         "ALLOW_CUSTOM_AUTH",
	KindUserPassword:      "ALLOW_USER_PASSWORD_AUTH",
	KindAdminUserPassword: "ALLOW_ADMIN_USER_PASSWORD_AUTH",
	KindCustom:            "ALLOW_CUSTOM_AUTH",
	KindUserAuth:          "ALLOW_USER_AUTH",
	KindRefresh:           "ALLOW_REFRESH_TOKEN_AUTH",
	KindRefreshTokenAuth:  "ALLOW_REFRESH_TOKEN_AUTH",
}

// Diagnose maps an error from a flow to a plain-language cause and fix.
// It understands every Cognito error the flows can meet; others get a
// generic reading with AWS's type and message kept.
func Diagnose(err error) Diagnosis {
	if err == nil {
		return Diagnosis{}
	}
	var ce *CallError
	errors.As(err, &ce)
	if ce == nil {
		ce = &CallError{}
	}
	d := Diagnosis{Message: err.Error(), Operation: ce.Op}
	ae := ce.API
	if ae == nil {
		ae, _ = APIErrorOf(err)
	}
	if ae == nil {
		diagnoseLocal(err, &d)
		return d
	}
	d.Type, d.Message, d.RequestID = ae.Type, ae.Message, ae.RequestID
	diagnoseAPI(ce, ae, &d)
	return d
}

func diagnoseLocal(err error, d *Diagnosis) {
	var ue *UnanswerableError
	var ne net.Error
	var urlErr *url.Error
	var de *smithy.DeserializationError
	switch {
	case errors.As(err, &ue):
		d.Cause = fmt.Sprintf("Cognito asked for %s, which could not be answered here: %s", ue.Challenge, ue.Reason)
		d.Fix = "Run the command in a terminal to answer it, or use the console."
		if ue.Challenge == "WEB_AUTHN" {
			d.Fix = "Choose another sign-in factor, or sign in through the hosted UI in a browser."
		}
	case errors.Is(err, ErrInvalidOptions), errors.Is(err, ErrInvalidAnswer):
		d.Cause = "The flow was given incomplete or malformed input; nothing was sent."
		d.Fix = "Correct the input named in the message."
	case errors.Is(err, context.Canceled):
		d.Cause = "The flow was cancelled."
	case errors.Is(err, context.DeadlineExceeded):
		d.Cause = "The flow ran out of time waiting for Cognito."
		d.Fix = "Check the network path to the endpoint; Cognito answers in well under a second."
	case errors.As(err, &de):
		// An answer that is not Cognito's JSON: a web page, a proxy's
		// error, a body cut off or too large. Before the network errors:
		// a body that fails mid-read is also a net.Error.
		d.Cause = "The endpoint answered" + responseSummary(err) + ", but not in Cognito's JSON protocol (" + decodeReason(de) + ")."
		d.Fix = "Check --endpoint: it must be Cognito's API endpoint (https://cognito-idp.<region>.amazonaws.com) or the URL `cogscope local` prints, not a hosted-UI domain, an API Gateway URL or a proxy."
	case errors.Is(err, ErrBadResponse):
		detail := strings.TrimPrefix(errorMessage(err), ErrBadResponse.Error()+": ")
		d.Cause = "The endpoint answered in a way Cognito never does: " + detail + "."
		if strings.Contains(detail, "srp:") || strings.Contains(detail, "SRP_B") || strings.Contains(detail, "SALT") || strings.Contains(detail, "SECRET_BLOCK") {
			d.Cause = "Cognito's SRP values were unsafe or malformed, so the flow stopped before sending a password claim (" + detail + ")."
		}
		d.Fix = "This points at a broken emulator, a proxy altering the response, or an endpoint that is not Cognito; check --endpoint, and try against real Cognito."
	case errors.As(err, &urlErr), errors.As(err, &ne):
		d.Cause = "Cognito's endpoint could not be reached (" + errorMessage(err) + ")."
		d.Fix = "Check --endpoint and the region; for the local stack, is `cogscope local` running?"
	case strings.Contains(strings.ToLower(err.Error()), "credentials"):
		d.Cause = "The call needs AWS credentials and none could be found."
		d.Fix = "Configure AWS credentials (AWS_PROFILE, aws sso login, environment variables) for the account that owns the pool."
	default:
		d.Cause = "The flow stopped before Cognito answered: " + errorMessage(err) + "."
	}
}

// responseSummary describes the HTTP response behind err, e.g. " (HTTP
// 502, text/html)", or "" when there was none.
func responseSummary(err error) string {
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.Response == nil {
		return ""
	}
	s := fmt.Sprintf(" (HTTP %d", re.Response.StatusCode)
	if ct := re.Response.Header.Get("Content-Type"); ct != "" {
		s += ", " + ct
	}
	return s + ")"
}

// decodeReason is why the SDK could not read a response body, without its
// "failed to decode response body" preamble.
func decodeReason(de *smithy.DeserializationError) string {
	if de.Err == nil {
		return "unreadable body"
	}
	msg := de.Err.Error()
	for _, p := range []string{"failed to decode response body, ", "failed to decode response body with invalid JSON, "} {
		msg = strings.TrimPrefix(msg, p)
	}
	if strings.Contains(msg, "invalid character '<'") {
		return "an HTML page"
	}
	return msg
}

func diagnoseAPI(ce *CallError, ae *APIError, d *Diagnosis) {
	msg := ae.Message
	low := strings.ToLower(msg)
	flow := ce.Flow
	flag := allowFlag[flow]
	if flag == "" {
		flag = "the flow's ALLOW_… setting"
	}
	hashed := ""
	if ce.SecretHash != nil {
		hashed = fmt.Sprintf(" SECRET_HASH was computed from %q (%s).", ce.SecretHash.Username, ce.SecretHash.Source)
	}
	switch ae.Type {
	case "NotAuthorizedException":
		switch {
		case strings.Contains(low, "configured for secret but secret was not received"):
			d.Ref = "a2"
			d.Cause = "The app client has a client secret, and no SECRET_HASH was sent."
			if ce.Operation == "GetTokensFromRefreshToken" {
				d.Cause = "The app client has a client secret, and GetTokensFromRefreshToken was sent without it (it takes the secret itself, not a SECRET_HASH)."
			}
			d.Fix = "Give the client secret (--client-secret-stdin, or client_secret_env / client_secret_command in the profile); cogscope then computes SECRET_HASH."
		case strings.Contains(low, "secret hash") || strings.Contains(low, "secrethash"):
			d.Ref = "a1"
			if !ce.SecretSent {
				d.Cause = "Cognito could not verify a secret hash, yet none was sent: the app client has a secret."
				d.Fix = "Give the client secret so cogscope can compute SECRET_HASH."
				break
			}
			d.Cause = "SECRET_HASH does not match this app client." + hashed
			if flow.IsRefresh() {
				d.Cause += " For REFRESH_TOKEN_AUTH it must be computed from the user's internal username (the access token's username claim, sometimes its sub), not an e-mail alias."
				d.Fix = "Check the client secret; give the access token from the sign-in (it holds the username claim), or --username with the internal username."
			} else {
				d.Fix = "Check that the client secret belongs to this app client (copy it again from the console). cogscope hashes the username Cognito echoes back, which is what Cognito checks."
			}
		case strings.Contains(low, "incorrect username or password"):
			d.Ref = "a4"
			d.Cause = "Wrong password, or a user that does not exist while the client hides that (PreventUserExistenceErrors)."
			if flow == KindUserSRP || flow == KindCustomSRP || ce.Challenge == "PASSWORD_VERIFIER" {
				d.Cause += " With SRP the same answer also covers a bad password claim: a malformed TIMESTAMP, a wrong pool name, or a clock far off."
				if ce.Timestamp != "" {
					d.Cause += fmt.Sprintf(" The TIMESTAMP sent was %q (English, UTC, day not zero-padded — the format is right).", ce.Timestamp)
				}
				if s := ce.ClockSkew; s != nil {
					abs := s.Abs().Round(time.Second)
					if abs >= 2*time.Minute {
						d.Cause += fmt.Sprintf(" This machine's clock is %s off Cognito's: enough for Cognito to reject the TIMESTAMP.", abs)
					} else {
						d.Cause += fmt.Sprintf(" The clocks agree (within %s), so the TIMESTAMP is not the problem: most likely the password is wrong.", max(abs, time.Second))
					}
				}
				d.Fix = "Check the password and the username; compare the machine's clock with the server_time in the trace; try --flow password (USER_PASSWORD_AUTH, if the client allows it) to tell a wrong password from an SRP problem."
			} else {
				d.Fix = "Check the password and the username (and that the user is in this pool)."
			}
		case strings.Contains(low, "password attempts exceeded"):
			d.Ref = "a10"
			d.Cause = "Too many failed sign-ins: Cognito locked the user out for a while (the back-off grows with each failure)."
			d.Fix = "Stop retrying and wait (minutes, doubling each time), then sign in with the right password."
		case strings.Contains(low, "session is expired"):
			d.Ref = "a12"
			d.Cause = "The challenge session expired before the answer arrived (sessions last 3 to 15 minutes, the client's AuthSessionValidity)."
			d.Fix = "Start the sign-in again and answer sooner, or raise AuthSessionValidity on the app client."
		case strings.Contains(low, "invalid session"):
			d.Ref = "a12"
			d.Cause = "Cognito does not accept this challenge session: it was already used (for example after a wrong custom-challenge answer), belongs to another sign-in, or expired."
			d.Fix = "Start the sign-in again; each answer must carry the Session from the previous response."
		case strings.Contains(low, "refresh token has been revoked"):
			d.Ref = "a18"
			d.Cause = "The refresh token was revoked (GlobalSignOut or RevokeToken, perhaps from another device)."
			d.Fix = "Sign in again to get a new refresh token."
		case strings.Contains(low, "refresh token has expired"):
			d.Cause = "The refresh token is past the app client's refresh-token validity."
			d.Fix = "Sign in again; raise RefreshTokenValidity on the app client if sessions should last longer."
		case strings.Contains(low, "invalid refresh token"):
			d.Ref = "a19"
			d.Cause = "Cognito does not recognise the refresh token: it is malformed, from another app client, rotated out (GetTokensFromRefreshToken replaced it)"
			if ce.DeviceKey == "" {
				d.Cause += ", or the pool tracks devices and no DEVICE_KEY was sent"
			} else {
				d.Cause += ", or device " + ce.DeviceKey + " is not the one the token was issued to"
			}
			d.Cause += "."
			d.Fix = "Use the refresh token of the latest sign-in with the same client (and its remembered device); otherwise sign in again."
		case strings.Contains(low, "access token has been revoked"):
			d.Ref = "a18"
			d.Cause = "The access token was revoked (GlobalSignOut or RevokeToken)."
			d.Fix = "Sign in again."
		case strings.Contains(low, "access token has expired"), strings.Contains(low, "invalid access token"):
			d.Cause = "The access token is expired or not a token of this pool."
			d.Fix = "Refresh or sign in again."
		case strings.Contains(low, "required scopes"):
			d.Ref = "a17"
			d.Cause = "The access token lacks the aws.cognito.signin.user.admin scope this operation needs (hosted-UI tokens only have it when it was requested)."
			d.Fix = "Request the aws.cognito.signin.user.admin scope, or use a token from an API sign-in."
		case strings.Contains(low, "user is disabled"):
			d.Cause = "An administrator disabled the user (AdminDisableUser)."
			d.Fix = "Enable the user again (AdminEnableUser)."
		case strings.Contains(low, "not enabled") || strings.Contains(low, "not allowed"):
			diagnoseFlowDisabled(flow, flag, d)
		default:
			d.Cause = "Cognito refused the request as not authorised."
			d.Fix = "Read AWS's message above; check the user, the client and the token used."
		}
	case "InvalidParameterException":
		switch {
		case strings.Contains(low, "timestamp format"):
			d.Ref = "a5"
			d.Cause = fmt.Sprintf("Cognito could not parse the SRP TIMESTAMP %q; it wants English day and month names, UTC, a 24-hour clock and an unpadded day (Tue Nov 3 09:05:01 UTC 2026).", ce.Timestamp)
			d.Fix = "This is a client bug (cogscope formats it itself); report it with the trace."
		case strings.Contains(low, "not enabled") || strings.Contains(low, "not allowed") || strings.Contains(low, "not supported"):
			diagnoseFlowDisabled(flow, flag, d)
		case strings.Contains(low, "missing required parameter"):
			d.Ref = "a6"
			d.Cause = "A parameter the flow needs was not sent (" + strings.TrimSpace(msg[strings.Index(low, "missing required parameter")+len("missing required parameter"):]) + ")."
			d.Fix = "Give the missing value (a USER_SRP_AUTH sign-in sends SRP_A, not PASSWORD)."
		case strings.Contains(low, "validation error"):
			d.Cause = "A value does not fit the API's constraints (length, pattern or allowed values)."
			d.Fix = "Correct the value AWS names in the message."
		default:
			d.Cause = "Cognito rejected a parameter."
			d.Fix = "Read AWS's message above."
		}
	case "UserNotFoundException":
		d.Ref = "a7"
		d.Cause = "There is no such user in this pool. Common reasons: the app client belongs to another pool or region, or the name is an e-mail/phone alias that is not verified (unverified aliases cannot sign in)."
		d.Fix = "Check the user pool ID and region the client belongs to, and sign in with the username or a verified alias."
	case "UserNotConfirmedException":
		d.Ref = "a8"
		d.Cause = "The user signed up but never confirmed the account. Cognito says so before checking the password, so the password is not known to be right."
		d.Fix = "Confirm the account (ConfirmSignUp with the code, ResendConfirmationCode for a new one, or AdminConfirmSignUp)."
	case "PasswordResetRequiredException":
		d.Ref = "a9"
		d.Cause = "An administrator reset the password (or the user was imported) and the user must choose a new one."
		d.Fix = "Run the forgot-password flow (ForgotPassword, then ConfirmForgotPassword with the code)."
	case "LimitExceededException":
		d.Ref = "a10"
		d.Cause = "Too many attempts: Cognito is backing off for this user."
		d.Fix = "Stop retrying and wait a few minutes."
	case "TooManyRequestsException":
		d.Cause = "Cognito throttled the request (the account's request rate quota)."
		d.Fix = "Wait a moment and try again; cogscope does not retry on its own, so the error you see is Cognito's."
	case "CodeMismatchException":
		d.Ref = "a14"
		d.Cause = "The code does not match."
		switch ce.Challenge {
		case "SOFTWARE_TOKEN_MFA", "MFA_SETUP":
			d.Cause += " For authenticator codes this also happens when the phone's clock drifts or the code expired (30-second window)."
		case "":
			if ce.Operation == "VerifySoftwareToken" {
				d.Cause += " For authenticator codes this also happens when the phone's clock drifts or the code expired (30-second window)."
			}
		}
		d.Fix = "Enter the current code; the challenge stays open while its session lasts."
	case "ExpiredCodeException":
		d.Cause = "The code expired or was already used."
		d.Fix = "Start the sign-in again to get a new code."
	case "EnableSoftwareTokenMFAException":
		d.Cause = "The authenticator app could not be verified: the first code was wrong or expired."
		d.Fix = "Check the app shows the account just added and enter its current code."
	case "SoftwareTokenMFANotFoundException":
		d.Ref = "a13"
		d.Cause = "The user has no verified authenticator app (or the pool does not allow TOTP MFA)."
		d.Fix = "Enrol one (AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference) or check the pool's MFA settings."
	case "MFAMethodNotFoundException":
		d.Cause = "The user has no MFA method Cognito can use (no verified phone, e-mail or authenticator)."
		d.Fix = "Verify the user's phone or e-mail, or set up an authenticator app."
	case "InvalidPasswordException":
		d.Cause = "The new password does not meet the pool's password policy (" + msg + ")."
		d.Fix = "Choose a password that satisfies the policy (length, upper/lower case, digits, symbols as configured)."
	case "ResourceNotFoundException":
		switch {
		case strings.Contains(low, "device"):
			d.Ref = "a15"
			d.Cause = "The remembered device is unknown to the pool (it was forgotten, or belongs to another pool or user)."
			d.Fix = "Drop the device from the session store and sign in again; a new device is confirmed then."
		case strings.Contains(low, "client"):
			d.Cause = "No app client with this ID exists in the region the request went to."
			d.Fix = "Check the client ID and the region (the part of the user pool ID before the underscore)."
		default:
			d.Cause = "The user pool or app client does not exist in this region."
			d.Fix = "Check the user pool ID, the client ID and the region."
		}
	case "RefreshTokenReuseException":
		d.Ref = "a19"
		d.Cause = "This refresh token was already rotated out and its grace period is over (refresh-token rotation)."
		d.Fix = "Use the newest refresh token, or sign in again."
	case "InvalidUserPoolConfigurationException":
		d.Cause = "The pool is not configured for what the flow needs (for example MFA, SMS or e-mail sending)."
		d.Fix = "Check the pool's MFA and messaging settings."
	case "UserLambdaValidationException", "InvalidLambdaResponseException", "UnexpectedLambdaException":
		d.Cause = "A Lambda trigger of the pool failed or answered in a shape Cognito does not accept (custom auth challenges run in the define/create/verify triggers)."
		d.Fix = "Read the trigger's logs (/aws/lambda/<function>) for its error."
	case "AccessDeniedException", "UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException", "UnauthorizedException":
		d.Cause = "The AWS credentials used are missing permissions or invalid for " + ce.Operation + "."
		d.Fix = "Use credentials allowed to call cognito-idp:" + ce.Operation + " on this pool (and check the clock for signature errors)."
	case "ForbiddenException":
		d.Cause = "AWS WAF, associated with the user pool, blocked the request."
		d.Fix = "Check the web ACL rules on the pool."
	case "UnknownOperationException", "UnknownOperation":
		// AWS's answer to a request that names no operation it serves at
		// that URL: the endpoint is not Cognito's API root.
		d.Cause = "The endpoint does not serve " + orDefault(ce.Operation, "this operation") + ": it is not Cognito's API, or the URL has a path (Cognito answers POST / only)."
		d.Fix = "Give --endpoint as the root URL: https://cognito-idp.<region>.amazonaws.com, or the URL `cogscope local` prints, with no path."
	case "InternalErrorException":
		d.Cause = "Cognito failed internally."
		d.Fix = "Try again; if it persists, check the AWS Health Dashboard."
	default:
		d.Cause = "Cognito refused the request."
		d.Fix = "Read AWS's message above."
	}
}

func diagnoseFlowDisabled(flow Kind, flag string, d *Diagnosis) {
	d.Ref = "a3"
	name := string(flow)
	if flow == KindCustomSRP {
		name = "CUSTOM_AUTH"
	}
	if flow.IsRefresh() {
		d.Ref = "a19"
		d.Cause = "REFRESH_TOKEN_AUTH is not enabled for this app client. Clients with refresh-token rotation must have it off, and refresh with GetTokensFromRefreshToken instead."
		d.Fix = "Use --flow refresh with AWS credentials (cogscope reads the client's rotation setting) or GetTokensFromRefreshToken; otherwise enable ALLOW_REFRESH_TOKEN_AUTH in the app client's authentication flows."
		return
	}
	d.Cause = name + " is not enabled for this app client."
	d.Fix = "Enable " + flag + " in the app client's authentication flows, or choose a flow the client allows."
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
