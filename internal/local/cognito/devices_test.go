package cognito

import (
	"encoding/base64"
	"math/big"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/flows/srp"
)

const (
	devicePool   = "us-east-1_DevicePl1"
	deviceClient = "deviceclient"
)

func deviceSeed(optIn bool) *Seed {
	return &Seed{UserPools: []PoolSeed{{ID: devicePool, Name: "devices", MFA: "OPTIONAL", MFATypes: []string{"SOFTWARE_TOKEN_MFA"},
		DeviceTracking: &DeviceTrackingSeed{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: optIn},
		Clients:        []ClientSeed{{ID: deviceClient, Name: "c", ExplicitAuthFlows: []string{"ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}},
		Users:          []UserSeed{{Username: "dev", Password: goodPassword, TOTPSecret: DemoTOTPSecret}, {Username: "other", Password: goodPassword}},
	}}}
}

// deviceSecret is what a client keeps for a remembered device.
type deviceSecret struct{ key, group, password string }

// confirmDevice runs the client's side of §1.7: a random device password,
// its salt and verifier, ConfirmDevice.
func (e *env) confirmDevice(t *testing.T, access *string, md *types.NewDeviceMetadataType) (deviceSecret, *cip.ConfirmDeviceOutput) {
	t.Helper()
	d := deviceSecret{key: *md.DeviceKey, group: *md.DeviceGroupKey, password: base64.StdEncoding.EncodeToString(randomBytes(40))}
	salt := new(big.Int).SetBytes(randomBytes(16))
	v := srp.Verifier(d.group, d.key, d.password, salt)
	out := must[*cip.ConfirmDeviceOutput](t)(e.client.ConfirmDevice(e.ctx, &cip.ConfirmDeviceInput{AccessToken: access, DeviceKey: md.DeviceKey,
		DeviceName: aws.String("laptop"), DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{
			PasswordVerifier: aws.String(base64.StdEncoding.EncodeToString(srp.Pad(v))), Salt: aws.String(base64.StdEncoding.EncodeToString(srp.Pad(salt)))}}))
	return d, out
}

// deviceSignIn runs USER_SRP_AUTH with a device key through
// DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER.
func (e *env) deviceSignIn(t *testing.T, d deviceSecret, devicePassword string) (*cip.RespondToAuthChallengeOutput, error) {
	t.Helper()
	sc := newSRPClient(t, devicePool, e.clock.Now)
	init := must[*cip.InitiateAuthOutput](t)(e.client.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth,
		ClientId: aws.String(deviceClient), AuthParameters: map[string]string{"USERNAME": "dev", "SRP_A": sc.c.AHex(), "DEVICE_KEY": d.key}}))
	resp := sc.answer(t, init.ChallengeParameters, goodPassword, "", "")
	resp["DEVICE_KEY"] = d.key
	dev, err := e.respondVerifier(deviceClient, resp)
	if err != nil {
		return nil, err
	}
	if dev.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth {
		return dev, nil
	}
	dc := newSRPClient(t, devicePool, e.clock.Now)
	pv, err := e.respond(deviceClient, "DEVICE_SRP_AUTH", dev.Session, map[string]string{"USERNAME": "dev", "DEVICE_KEY": d.key, "SRP_A": dc.c.AHex()})
	if err != nil {
		return nil, err
	}
	if pv.ChallengeName != types.ChallengeNameTypeDevicePasswordVerifier || pv.ChallengeParameters["DEVICE_KEY"] != d.key {
		t.Fatalf("got %s %v", pv.ChallengeName, pv.ChallengeParameters)
	}
	answer := dc.answer(t, pv.ChallengeParameters, devicePassword, d.group, d.key)
	answer["USERNAME"], answer["DEVICE_KEY"] = "dev", d.key
	return e.respond(deviceClient, "DEVICE_PASSWORD_VERIFIER", pv.Session, answer)
}

func TestDeviceTracking(t *testing.T) {
	t.Parallel()
	e := newEnv(t, deviceSeed(true))

	// First sign-in: MFA, then tokens with NewDeviceMetadata.
	res := must[*cip.RespondToAuthChallengeOutput](t)(e.srpSignIn(deviceClient, devicePool, "dev", goodPassword))
	if res.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("got %s", res.ChallengeName)
	}
	res = must[*cip.RespondToAuthChallengeOutput](t)(e.respond(deviceClient, "SOFTWARE_TOKEN_MFA", res.Session,
		map[string]string{"USERNAME": "dev", "SOFTWARE_TOKEN_MFA_CODE": totpCode(t, DemoTOTPSecret, e.clock.Now())}))
	r := res.AuthenticationResult
	md := r.NewDeviceMetadata
	if md == nil || md.DeviceKey == nil || md.DeviceGroupKey == nil {
		t.Fatalf("no NewDeviceMetadata: %+v", r)
	}
	if claims(t, *r.AccessToken)["device_key"] != *md.DeviceKey {
		t.Errorf("access token device_key %v", claims(t, *r.AccessToken)["device_key"])
	}

	// Opt-in pool: the device must be remembered explicitly.
	d, conf := e.confirmDevice(t, r.AccessToken, md)
	if !conf.UserConfirmationNecessary {
		t.Error("UserConfirmationNecessary = false in an opt-in pool")
	}
	must[*cip.UpdateDeviceStatusOutput](t)(e.client.UpdateDeviceStatus(e.ctx, &cip.UpdateDeviceStatusInput{AccessToken: r.AccessToken,
		DeviceKey: md.DeviceKey, DeviceRememberedStatus: types.DeviceRememberedStatusTypeRemembered}))

	// Refresh needs the device key.
	refresh := func(deviceKey string) error {
		params := map[string]string{"REFRESH_TOKEN": *r.RefreshToken}
		if deviceKey != "" {
			params["DEVICE_KEY"] = deviceKey
		}
		_, err := e.client.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: aws.String(deviceClient), AuthParameters: params})
		return err
	}
	wantAPIError(t, refresh(""), "NotAuthorizedException", "Invalid Refresh Token")
	if err := refresh(d.key); err != nil {
		t.Fatalf("refresh with the device key: %v", err)
	}

	// A remembered device: DEVICE_SRP_AUTH replaces MFA, and no new device.
	res = must[*cip.RespondToAuthChallengeOutput](t)(e.deviceSignIn(t, d, d.password))
	if res.AuthenticationResult == nil || res.AuthenticationResult.NewDeviceMetadata != nil {
		t.Fatalf("device sign-in: %+v", res)
	}
	if claims(t, *res.AuthenticationResult.AccessToken)["device_key"] != d.key {
		t.Error("device_key missing after device sign-in")
	}
	_, err := e.deviceSignIn(t, d, "not the device password")
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")

	dev := must[*cip.GetDeviceOutput](t)(e.client.GetDevice(e.ctx, &cip.GetDeviceInput{AccessToken: r.AccessToken, DeviceKey: md.DeviceKey})).Device
	if *dev.DeviceKey != d.key || attrValue(dev.DeviceAttributes, "device_name") != "laptop" || attrValue(dev.DeviceAttributes, "device_remembered_status") != "remembered" {
		t.Errorf("GetDevice %+v", dev)
	}
	list := must[*cip.ListDevicesOutput](t)(e.client.ListDevices(e.ctx, &cip.ListDevicesInput{AccessToken: r.AccessToken}))
	if len(list.Devices) != 1 {
		t.Errorf("%d devices", len(list.Devices))
	}

	// Not remembered: MFA again, but the device is still recognised.
	must[*cip.AdminUpdateDeviceStatusOutput](t)(e.client.AdminUpdateDeviceStatus(e.ctx, &cip.AdminUpdateDeviceStatusInput{UserPoolId: aws.String(devicePool),
		Username: aws.String("dev"), DeviceKey: md.DeviceKey, DeviceRememberedStatus: types.DeviceRememberedStatusTypeNotRemembered}))
	res = must[*cip.RespondToAuthChallengeOutput](t)(e.deviceSignIn(t, d, d.password))
	if res.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("not-remembered device: got %s", res.ChallengeName)
	}

	// Forgotten: the key is unknown, and its refresh tokens die.
	must[*cip.ForgetDeviceOutput](t)(e.client.ForgetDevice(e.ctx, &cip.ForgetDeviceInput{AccessToken: r.AccessToken, DeviceKey: md.DeviceKey}))
	_, err = e.deviceSignIn(t, d, d.password)
	wantAPIError(t, err, "ResourceNotFoundException", "Device does not exist.")
	wantAPIError(t, refresh(d.key), "NotAuthorizedException", "Invalid Refresh Token")
	_, err = e.client.GetDevice(e.ctx, &cip.GetDeviceInput{AccessToken: r.AccessToken, DeviceKey: md.DeviceKey})
	wantAPIError(t, err, "ResourceNotFoundException", "Device does not exist.")
}

func TestDeviceRememberedAtOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, deviceSeed(false))
	r := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(deviceClient, "other", goodPassword, nil)).AuthenticationResult
	_, conf := e.confirmDevice(t, r.AccessToken, r.NewDeviceMetadata)
	if conf.UserConfirmationNecessary {
		t.Error("UserConfirmationNecessary = true in an always-remember pool")
	}
	// Another user cannot use the device.
	_, err := e.client.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		ClientId: aws.String(deviceClient), AuthParameters: map[string]string{"USERNAME": "dev", "PASSWORD": goodPassword, "DEVICE_KEY": *r.NewDeviceMetadata.DeviceKey}})
	wantAPIError(t, err, "ResourceNotFoundException", "Device does not exist.")
	// Its owner signs in with it; remembered at once, so no MFA question
	// arises for this user (who has none) and no new device is issued.
	again := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(deviceClient, "other", goodPassword, map[string]string{"DEVICE_KEY": *r.NewDeviceMetadata.DeviceKey}))
	if again.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth {
		t.Fatalf("got %s, want DEVICE_SRP_AUTH for a remembered device", again.ChallengeName)
	}
}
