// Package cognito emulates the Cognito user-pools service: the JSON 1.1
// protocol (X-Amz-Target AWSCognitoIdentityProviderService.*), real SRP
// verification, RS256 tokens, and each pool's JWKS and discovery documents.
//
// It must not import charm.land/* or ui.
package cognito
