package cmdutil

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/flows/idpool"
	"github.com/cogscope/cogscope/internal/apicall"
	"github.com/cogscope/cogscope/internal/local/identity"
	"github.com/cogscope/cogscope/internal/termtext"
)

// SigV4 signs API Gateway calls (service execute-api) with AWS
// credentials, for `call --sigv4`, replay's signed calls and the
// console's AWS_IAM routes, and takes what the signature put in the
// request out of an answer that echoes it.
type SigV4 struct {
	Creds  aws.Credentials
	Region string
	Now    func() time.Time
	// Source says where the credentials came from, for stderr
	// ("identity pool <id> (role <arn>)", "the AWS credential chain").
	Source string

	mu      sync.Mutex
	lastSig string // the last signature made
}

// Sign is apicall.Request.Sign.
func (s *SigV4) Sign(req *http.Request, body []byte) error {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	if err := idpool.SignRequest(req.Context(), req, body, s.Creds, s.Region, now()); err != nil {
		return err
	}
	if _, sig, ok := strings.Cut(req.Header.Get("Authorization"), "Signature="); ok {
		s.mu.Lock()
		s.lastSig = sig
		s.mu.Unlock()
	}
	return nil
}

// Redact removes the session token and the signature where the answer
// echoes the request's headers.
func (s *SigV4) Redact(r *apicall.ResponseInfo) {
	s.mu.Lock()
	sig := s.lastSig
	s.mu.Unlock()
	apicall.RedactEcho(r, s.Creds.SessionToken)
	apicall.RedactEcho(r, sig)
}

// Secrets are what must never be shown of the signer: the secret access
// key, the session token and the last signature made (for
// transcript.Redact).
func (s *SigV4) Secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return []string{s.Creds.SecretAccessKey, s.Creds.SessionToken, s.lastSig}
}

// SigV4Options say where FindSigV4 gets what it needs beside the target.
type SigV4Options struct {
	// IdentityPoolID is --identity-pool-id ("": the rule's default).
	IdentityPoolID string
	// ForURL is where the signed request goes: an execute-api host's
	// region is the one signed for.
	ForURL string
	// IDToken is the ID token to trade at the identity pool: the saved
	// session's (`call`), the replayed sign-in's (`replay`); "" none. It
	// is asked only when an identity pool is used; its error is returned
	// as it is.
	IDToken func(ctx context.Context) (string, error)
	// NoIDToken words the reason when IDToken gives none, for the
	// identity pool poolID (already made printable).
	NoIDToken func(poolID string) string
	// HasAWSCredentials asks whether the target has AWS credentials; nil:
	// the factory's HasAWSCredentials.
	HasAWSCredentials func(ctx context.Context) bool
}

// NoSigV4Error is why FindSigV4 has no credentials to sign with: no ID
// token, an identity pool's refusal, no AWS credentials, no region.
// Reason is plain words, printable.
type NoSigV4Error struct{ Reason string }

func (e *NoSigV4Error) Error() string { return e.Reason }

// FindSigV4 finds the credentials to SigV4-sign a call to t's API with,
// by `call --sigv4`'s one rule (replay's signed calls follow it too):
//
//   - o.IdentityPoolID: the ID token (o.IDToken) traded at that identity
//     pool (GetId, GetCredentialsForIdentity);
//   - else, on the local stack: the same at its demo identity pool;
//   - else: the standard AWS chain of the target (AWS_PROFILE, the
//     profile's aws_profile, the environment, ...).
//
// When none can be had the error is a *NoSigV4Error; an unusable AWS
// configuration is a usage error; o.IDToken's error is returned as is.
func (f *Factory) FindSigV4(ctx context.Context, t Target, o SigV4Options) (*SigV4, error) {
	s := &SigV4{Now: f.Clock()}
	poolID := o.IdentityPoolID
	if poolID == "" && t.IsLoopback() {
		poolID = identity.DemoPoolID(FirstNonEmpty(t.Region, flows.RegionOf(t.UserPoolID), "us-east-1"))
	}
	cfg, err := f.AWSConfig(ctx, t)
	if err != nil {
		return nil, UsageErr("AWS configuration: %v", err)
	}
	if poolID == "" {
		has := o.HasAWSCredentials
		if has == nil {
			has = func(ctx context.Context) bool { return f.HasAWSCredentials(ctx, t) }
		}
		if !has(ctx) {
			return nil, &NoSigV4Error{"no AWS credentials (set AWS_PROFILE, or aws_profile in the profile), and no --identity-pool-id to get some from"}
		}
		cr, err := cfg.Credentials.Retrieve(ctx)
		if err != nil {
			return nil, &NoSigV4Error{"AWS credentials: " + termtext.Line(err.Error())}
		}
		s.Creds, s.Source = cr, "the AWS credential chain"
		s.Region = FirstNonEmpty(regionOfURL(o.ForURL), t.Region, cfg.Region)
	} else {
		idToken := ""
		if o.IDToken != nil {
			if idToken, err = o.IDToken(ctx); err != nil {
				return nil, err
			}
		}
		if idToken == "" {
			why := "no ID token to trade at identity pool " + termtext.Line(poolID)
			if o.NoIDToken != nil {
				why = o.NoIDToken(termtext.Line(poolID))
			}
			return nil, &NoSigV4Error{why}
		}
		res, err := idpool.Exchange(ctx, IdentityPoolClients(cfg, t.Endpoint), idpool.Request{IdentityPoolID: poolID, IDToken: idToken, NoExplain: true})
		if err != nil {
			d := idpool.Diagnose(err)
			return nil, &NoSigV4Error{"credentials from identity pool " + termtext.Line(poolID) + ": " + termtext.Line(d.Message)}
		}
		region, _, _ := strings.Cut(poolID, ":")
		s.Creds, s.Region = res.Credentials, region
		s.Source = "identity pool " + termtext.Line(poolID) + " (role " + termtext.Line(res.RoleARN) + ")"
	}
	if s.Region == "" {
		return nil, &NoSigV4Error{"no region to sign for (set --region)"}
	}
	return s, nil
}

// regionOfURL is the region of an execute-api host
// (<id>.execute-api.<region>.amazonaws.com), else "".
func regionOfURL(u string) string {
	pu, err := url.Parse(u)
	if err != nil {
		return ""
	}
	_, rest, ok := strings.Cut(pu.Hostname(), ".execute-api.")
	if !ok {
		return ""
	}
	region, _, _ := strings.Cut(rest, ".")
	return region
}

// ValidIdentityPoolID says whether id is <region>:<uuid>, as Cognito
// spells an identity pool's id (--identity-pool-id of call and replay).
func ValidIdentityPoolID(id string) bool {
	region, uuid, ok := strings.Cut(id, ":")
	if !ok || region == "" || len(uuid) != 36 || strings.Count(uuid, "-") != 4 {
		return false
	}
	for _, r := range region + uuid {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}
