package awsclient

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// CognitoIdentity returns an identity-pools client for cfg, pointed at
// endpoint when it is not empty. GetId, GetCredentialsForIdentity and
// GetOpenIdToken are unsigned in this client already.
func CognitoIdentity(cfg aws.Config, endpoint string) *ci.Client {
	return ci.NewFromConfig(cfg, func(o *ci.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
		o.HTTPClient = BufferBodies(o.HTTPClient)
	})
}

// STS returns an STS client for cfg, pointed at endpoint when it is not
// empty (the local stack serves STS's query protocol on its one endpoint).
func STS(cfg aws.Config, endpoint string) *sts.Client {
	return sts.NewFromConfig(cfg, func(o *sts.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
		o.HTTPClient = BufferBodies(o.HTTPClient)
	})
}
