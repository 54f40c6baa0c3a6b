package cmdutil

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cogscope/cogscope/flows/idpool"
	"github.com/cogscope/cogscope/internal/apicall"
)

// SigV4 signs API Gateway calls (service execute-api) with AWS
// credentials, for `call --sigv4` and the console's AWS_IAM routes, and
// takes what the signature put in the request out of an answer that
// echoes it.
type SigV4 struct {
	Creds  aws.Credentials
	Region string
	Now    func() time.Time

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
