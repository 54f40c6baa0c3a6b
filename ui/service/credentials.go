package service

import (
	"context"
	"time"
)

// AWSCredentials is what an identity pool gave for the session's ID token:
// who, which role and why, which principal tags, until when. The secret
// key and session token never reach the console.
type AWSCredentials struct {
	IdentityPoolID, IdentityID string
	RoleARN                    string
	// Rule says why the pool chose the role ("claim rule 1: cognito:groups
	// Contains \"admins\""), or "unknown" with RuleNote saying why.
	Rule, RuleNote string
	// PrincipalTags are the session tags; nil when unknown (TagsNote).
	PrincipalTags map[string]string
	TagsNote      string
	CallerArn     string
	AccessKeyID   string
	Expires       time.Time // zero: no expiry
}

// Credentials trades the session's ID token for AWS credentials through an
// identity pool. A Tokens service may implement it too; the Tokens view
// then offers its "AWS credentials" panel.
type Credentials interface {
	AWSCredentials(ctx context.Context, idToken string) (*AWSCredentials, error)
}
