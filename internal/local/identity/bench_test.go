package identity_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"

	"github.com/cogscope/cogscope/flows/rolemap"
	"github.com/cogscope/cogscope/internal/local/cognito"
)

// BenchmarkGetCredentialsForIdentity is one enhanced-flow exchange through
// the SDK against the in-process stack: the ID token's RS256 signature
// checked, the claim rule evaluated, credentials minted.
func BenchmarkGetCredentialsForIdentity(b *testing.B) {
	f := start(b)
	tok := *f.tokens(b, cognito.DemoUsername, cognito.DemoPassword).IdToken
	logins := map[string]string{f.provider: tok}
	ctx := context.Background()
	id, err := f.ci.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(f.env.Demo.IdentityPoolID), Logins: logins})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := f.ci.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: id.IdentityId, Logins: logins}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResolveRole is the role choice alone.
func BenchmarkResolveRole(b *testing.B) {
	claims := map[string]any{"cognito:groups": []any{"users", "admins"}, "sub": "x"}
	m := &rolemap.RoleMapping{Type: rolemap.MappingRules, AmbiguousRoleResolution: rolemap.AmbiguousAuthenticatedRole,
		Rules: []rolemap.MappingRule{{Claim: "cognito:groups", MatchType: rolemap.MatchContains, Value: "admins", RoleARN: "arn:aws:iam::1:role/a"}}}
	roles := map[string]string{"authenticated": "arn:aws:iam::1:role/auth"}
	for b.Loop() {
		if _, _, err := rolemap.ResolveRole(roles, m, claims, ""); err != nil {
			b.Fatal(err)
		}
	}
}
