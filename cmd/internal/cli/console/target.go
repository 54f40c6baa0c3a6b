package console

import (
	"strings"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/ui/service"
)

// localHint tells a user of the local stack how to reach AWS instead.
const localHint = "no AWS target: --profile NAME, or --user-pool-id and --client-id, point at AWS"

// targetView is the target as the header and the sign-in form show it.
func targetView(t cmdutil.Target) service.Target {
	v := service.Target{Profile: t.Profile, Endpoint: t.Endpoint, Region: t.Region, PoolID: t.UserPoolID,
		ClientID: t.ClientID, CCClientID: t.CCClientID, Username: t.Username, Scopes: "openid email profile"}
	if len(t.Scopes) > 0 {
		v.Scopes = strings.Join(t.Scopes, " ")
	}
	switch {
	case t.Pending || t.Ephemeral:
		v.Kind, v.Hint = service.TargetLocal, localHint
		// The demo user's password is public (README); pre-filling it
		// makes the first sign-in three presses of enter.
		v.Password = t.Password
	case t.Endpoint != "":
		v.Kind = service.TargetEndpoint
		if t.UserPoolID == cognito.DemoPoolID {
			v.Password = t.Password
		}
	default:
		v.Kind = service.TargetAWS
	}
	return v
}
