package replay

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/spf13/pflag"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/apicall"
	"github.com/cogscope/cogscope/internal/termtext"
	"github.com/cogscope/cogscope/internal/transcript"
)

// A call recorded with `call --sigv4` (token kind sigv4: an AWS_IAM
// route) is re-sent signed, with credentials found as `call --sigv4`
// finds them (cmdutil.FindSigV4): --identity-pool-id, else on the local
// stack its demo identity pool, else the target's AWS credential chain —
// an identity pool trading the replay's ID token, not the saved
// session's. They are found once, at the first signed call; when none can
// be had the signed calls are recorded as not sent, with the reason, and
// compared as such.

// addSigV4Flags adds --identity-pool-id.
func addSigV4Flags(fl *pflag.FlagSet, o *ReplayOptions) {
	fl.StringVar(&o.IdentityPoolID, "identity-pool-id", "", "calls recorded with --sigv4: get the signing credentials by trading the replay's ID token at this identity pool (default on the local stack: its demo identity pool; elsewhere the AWS credential chain)")
}

// checkIdentityPoolFlag validates --identity-pool-id as call does.
func checkIdentityPoolFlag(o *ReplayOptions) error {
	if o.FlagsSet["identity-pool-id"] && !cmdutil.ValidIdentityPoolID(o.IdentityPoolID) {
		return cmdutil.UsageErr("--identity-pool-id %q: want <region>:<uuid>", o.IdentityPoolID)
	}
	return nil
}

// checkSigV4Flags refuses --identity-pool-id for a transcript without a
// signed call (as --password-stdin for one without a password).
func checkSigV4Flags(o *ReplayOptions, rec *transcript.Transcript) error {
	if o.IdentityPoolID == "" {
		return nil
	}
	for _, c := range rec.Calls {
		if c.TokenKind == apicall.TokenSigV4 {
			return nil
		}
	}
	return cmdutil.UsageErr("--identity-pool-id applies to calls recorded with --sigv4; %s has none", o.File)
}

// sigv4Creds are the replay's signing credentials, found once.
type sigv4Creds struct {
	found  bool
	signer *cmdutil.SigV4
	// notSent is why there are none.
	notSent string
}

// sign is what a recorded signed call is re-sent with: a signing
// function, which adds every signature it makes and the credentials'
// secrets to the runner's secrets, or, when no credentials can be had,
// why the call is not sent. The error is bad input (exit 2) or an
// interruption (130).
func (r *runner) sign(ctx context.Context, c transcript.Call, tokens *flows.Tokens) (func(*http.Request, []byte) error, *cmdutil.SigV4, string, error) {
	sc := &r.sigv4
	if !sc.found {
		forURL := r.baseURL
		if b, err := apicall.Build(ctx, apicall.Request{Method: c.Method, Target: c.Path, BaseURL: r.baseURL}); err == nil {
			forURL = b.Info.URL
		}
		s, err := r.f.FindSigV4(ctx, r.target, cmdutil.SigV4Options{
			IdentityPoolID: r.o.IdentityPoolID,
			ForURL:         forURL,
			IDToken: func(context.Context) (string, error) {
				if tokens == nil {
					return "", nil
				}
				return tokens.IDToken, nil
			},
			NoIDToken: func(poolID string) string {
				return "the replay's sign-ins got no ID token to trade at identity pool " + poolID
			},
		})
		var no *cmdutil.NoSigV4Error
		switch {
		case ctx.Err() != nil:
			return nil, nil, "", &cmdutil.ExitError{Code: cmdutil.ExitInterrupted, Err: ctx.Err()}
		case errors.As(err, &no):
			sc.notSent = "no credentials to sign with: " + no.Reason
			fmt.Fprintf(r.o.IO.ErrOut, "note: the recorded SigV4-signed calls are not sent: %s\n", termtext.Line(sc.notSent))
		case err != nil:
			return nil, nil, "", err
		default:
			sc.signer = s
			r.secrets = append(r.secrets, s.Secrets()...)
			fmt.Fprintf(r.o.IO.ErrOut, "Signing the recorded SigV4 calls (execute-api, %s) with credentials from %s.\n", termtext.Line(s.Region), s.Source)
		}
		sc.found = true
	}
	s := sc.signer
	if s == nil {
		return nil, nil, sc.notSent, nil
	}
	return func(req *http.Request, body []byte) error {
		err := s.Sign(req, body)
		r.secrets = append(r.secrets, s.Secrets()...)
		return err
	}, s, "", nil
}

// checkAuthorizationType is the failed check of a signed call refused by
// a route that is no longer AWS_IAM.
const checkAuthorizationType = "authorization_type"

// explainSigned rewords the explanation of a signed call's refusal when
// API Gateway's configuration says the route is no longer AWS_IAM: the
// authorizer judged the signature as if it were a token ("whitespace
// inside the token"), while what differs is the route's authorization.
func explainSigned(j *apicall.Judgement) {
	if j == nil || j.Route == nil || j.Route.AuthorizationType == "" || j.Route.AuthorizationType == "AWS_IAM" {
		return
	}
	what := j.Route.AuthorizationType
	if a := j.Route.Authorizer; a != nil && a.Name != "" {
		what += " (authorizer " + a.Name + ")"
	}
	j.FailedCheck, j.Cause, j.Fix, j.Mistakes = checkAuthorizationType, apicall.CauseUnknown, "", nil
	j.Reason = "the route is " + termtext.Line(what) + ", no longer AWS_IAM: it wants a token, and the recorded call was SigV4-signed"
}
