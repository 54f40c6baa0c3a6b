package awsclient

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
)

// APIGatewayV2 returns an HTTP API configuration client for cfg, pointed
// at endpoint when it is not empty.
func APIGatewayV2(cfg aws.Config, endpoint string) *apigatewayv2.Client {
	return apigatewayv2.NewFromConfig(cfg, func(o *apigatewayv2.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
		o.HTTPClient = BufferBodies(o.HTTPClient)
	})
}

// APIGateway returns a REST API configuration client for cfg, pointed at
// endpoint when it is not empty.
func APIGateway(cfg aws.Config, endpoint string) *apigateway.Client {
	return apigateway.NewFromConfig(cfg, func(o *apigateway.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
		o.HTTPClient = BufferBodies(o.HTTPClient)
	})
}
