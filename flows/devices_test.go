package flows

import (
	"context"
	"strings"
	"testing"
)

func TestDeviceSRP(t *testing.T) {
	t.Parallel()
	e := startEnv(t)
	o := e.opts(KindUserSRP, deviceClient, "dora")
	o.UserPoolID = devicePoolID
	f := e.flow(t, o)
	mustChallenge(t, "SOFTWARE_TOKEN_MFA")(f.Start(context.Background()))
	res, err := f.Respond(context.Background(), Answer{FieldCode: e.totpCode(t, totpSecret)})
	checkTokens(t, res, err)
	d := res.NewDevice
	if d == nil || d.Key == "" || d.GroupKey == "" || d.Password == "" || !d.Remembered {
		t.Fatalf("new device = %+v\n%s", d, mustJSON(t, f.Trace()))
	}
	if strings.Contains(mustJSON(t, f.Trace()), d.Password) {
		t.Error("the device password reached the trace")
	}

	// Next sign-in: the remembered device answers instead of MFA.
	o.Device = d
	f2 := e.flow(t, o)
	tk := mustTokens(t)(Run(context.Background(), f2, NonInteractive))
	var ops []string
	for _, s := range f2.Trace() {
		ops = append(ops, s.Operation+":"+s.Challenge)
	}
	want := "InitiateAuth:,PASSWORD_CLAIM:PASSWORD_VERIFIER,RespondToAuthChallenge:PASSWORD_VERIFIER,RespondToAuthChallenge:DEVICE_SRP_AUTH," +
		"PASSWORD_CLAIM:DEVICE_PASSWORD_VERIFIER,RespondToAuthChallenge:DEVICE_PASSWORD_VERIFIER"
	if strings.Join(ops, ",") != want {
		t.Errorf("steps = %v", ops)
	}

	// Refresh with the device key.
	ro := e.opts(KindRefreshTokenAuth, deviceClient, "")
	ro.UserPoolID = devicePoolID
	ro.RefreshToken, ro.AccessToken, ro.Device = tk.RefreshToken, tk.AccessToken, d
	mustTokens(t)(Run(context.Background(), e.flow(t, ro), NonInteractive))
}
