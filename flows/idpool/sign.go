package idpool

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// SignRequest signs req with SigV4 for API Gateway (service execute-api),
// as a route with AWS_IAM authorization expects: body is the request's
// body (nil for none), hashed into the signature. The credentials'
// session token goes in X-Amz-Security-Token.
func SignRequest(ctx context.Context, req *http.Request, body []byte, creds aws.Credentials, region string, now time.Time) error {
	if creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
		return fmt.Errorf("sign request: no credentials")
	}
	if region == "" {
		return fmt.Errorf("sign request: no region")
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "execute-api", region, now); err != nil {
		return fmt.Errorf("sign request: %w", err)
	}
	return nil
}
