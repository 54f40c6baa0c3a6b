package logview

import (
	"errors"
	"net"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/internal/logtail"
	"github.com/cogscope/cogscope/internal/proxyerr"
	"github.com/cogscope/cogscope/internal/termtext"
)

var credCodes = map[string]bool{"UnrecognizedClientException": true, "InvalidSignatureException": true,
	"ExpiredTokenException": true, "InvalidClientTokenId": true, "MissingAuthenticationTokenException": true}

// Explain says a Logs failure in plain words; refused is true when the
// service answered with a refusal (exit 1) rather than not being reached
// or not being asked (exit 2).
func Explain(err error, t cmdutil.Target) (msg string, refused bool) {
	var ug *logtail.UnknownGroupError
	if errors.As(err, &ug) {
		return termtext.Block(ug.Error()), true
	}
	if errors.Is(err, logtail.ErrNoGroups) {
		return "no log groups to tail: name them (cogscope tail GROUP…), set logs.groups in the profile, or point at an API whose configuration names them", false
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code, text := ae.ErrorCode(), termtext.Block(ae.ErrorMessage())
		switch {
		case code == "ResourceNotFoundException":
			return "CloudWatch Logs: " + text + " (" + code + ")", true
		case code == "InvalidParameterException" && strings.Contains(strings.ToLower(text), "filter pattern"):
			return "CloudWatch Logs refused the filter pattern: " + text + " (see the filter-pattern syntax: terms, \"quoted phrases\", ?alternatives, -exclusions, { $.field = value })", true
		case credCodes[code]:
			return "CloudWatch Logs refused the AWS credentials: " + text + " (" + code + ")", true
		case code == "AccessDeniedException":
			return "CloudWatch Logs denied access: " + text + " (the credentials need logs:DescribeLogGroups, logs:FilterLogEvents and logs:StartLiveTail)", true
		}
		return "CloudWatch Logs: " + code + ": " + text, true
	}
	if NoCredentials(err) {
		where := "the environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE), the shared config and credentials files (~/.aws/config, ~/.aws/credentials; AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE), SSO, web identity (AWS_WEB_IDENTITY_TOKEN_FILE), the container and the EC2 instance metadata service"
		if t.AWSProfile != "" {
			where = "the profile's aws_profile " + t.AWSProfile + " in " + where
		}
		return "no AWS credentials found: the SDK tried " + where + " — " + termtext.Block(err.Error()), false
	}
	if pf, ok := proxyerr.Of(err); ok {
		// Not the endpoint: the proxy Go's transport sent the request
		// through (every host but localhost and loopback addresses).
		return "CloudWatch Logs: " + termtext.Line(pf.Describe(cmdutil.ProxySetting)), false
	}
	var ne net.Error
	var oe *net.OpError
	if errors.As(err, &oe) || errors.As(err, &ne) {
		ep := t.Endpoint
		if ep == "" {
			ep = "CloudWatch Logs in " + cmdutil.FirstNonEmpty(t.Region, "the configured region")
		}
		return "cannot reach " + ep + ": " + termtext.Block(err.Error()), false
	}
	return termtext.Block(err.Error()), false
}

// NoCredentials reports whether err is the SDK's failure to find
// credentials (its credential chain's error).
func NoCredentials(err error) bool {
	msg := err.Error()
	for _, s := range []string{"get credentials", "retrieve credentials", "no EC2 IMDS role found", "failed to refresh cached credentials", "AnonymousCredentials"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
