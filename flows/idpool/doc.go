// Package idpool trades a user-pool ID token for AWS credentials through a
// Cognito identity pool (the enhanced flow: GetId, GetCredentialsForIdentity;
// the basic flow: GetOpenIdToken, STS AssumeRoleWithWebIdentity; guest
// identities), asks STS who the credentials are (GetCallerIdentity), and
// explains the role they carry (which rule chose it) and their principal
// tags. Its rules (ResolveRole, Matches, PrincipalTags) are also the local
// stack's. SignRequest signs a request to an AWS_IAM API Gateway route.
//
// It imports std, aws-sdk-go-v2 and flows; never ui, cmd or charm.
package idpool
