package flows

import (
	"context"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/flows/srp"
)

// confirmDevice registers the device Cognito offered (NewDeviceMetadata)
// with a fresh device password, and marks it remembered when asked to.
func (f *Flow) confirmDevice(ctx context.Context, accessToken string, md *types.NewDeviceMetadataType) (*Device, error) {
	key, group := deref(md.DeviceKey), deref(md.DeviceGroupKey)
	r := f.begin(StepCompute, "DEVICE_VERIFIER", "Compute the device verifier for "+key)
	dv, err := srp.NewDeviceVerifier(group, key)
	if err != nil {
		r.Step.Error = &APIError{Message: err.Error()}
		r.End()
		return nil, err
	}
	r.Response("DevicePassword", dv.Password)
	r.Response("Salt", srp.Hex(dv.Salt))
	r.Response("PasswordVerifier", srp.Hex(dv.Verifier))
	r.Note("The device password is random and stays in the session store; Cognito gets only the salt and the verifier g^x.")
	r.End()

	r = f.begin(StepCall, "ConfirmDevice", "ConfirmDevice "+key)
	r.Request("AccessToken", accessToken)
	r.Request("DeviceKey", key)
	r.Request("DeviceName", f.o.DeviceName)
	r.Request("DeviceSecretVerifierConfig.PasswordVerifier", dv.PasswordVerifierBase64())
	r.Request("DeviceSecretVerifierConfig.Salt", dv.SaltBase64())
	o, err := f.o.API.ConfirmDevice(ctx, &cip.ConfirmDeviceInput{
		AccessToken: aws.String(accessToken), DeviceKey: aws.String(key), DeviceName: aws.String(f.o.DeviceName),
		DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{
			PasswordVerifier: aws.String(dv.PasswordVerifierBase64()), Salt: aws.String(dv.SaltBase64()),
		},
	})
	if err != nil {
		ce := r.fail(&CallError{Op: "confirm device " + key, Operation: "ConfirmDevice"}, err)
		r.Note("The sign-in succeeded; the device was not remembered.")
		r.End()
		return nil, ce
	}
	r.meta(o.ResultMetadata)
	r.Response("UserConfirmationNecessary", strconv.FormatBool(o.UserConfirmationNecessary))
	d := &Device{Key: key, GroupKey: group, Password: dv.Password, Remembered: !o.UserConfirmationNecessary}
	if o.UserConfirmationNecessary {
		r.Note("The pool lets the user choose whether to remember devices (UpdateDeviceStatus).")
	} else {
		r.Note("The pool always remembers devices: the next sign-in can skip MFA with DEVICE_SRP_AUTH.")
	}
	r.End()

	if o.UserConfirmationNecessary && f.o.RememberDevice {
		r = f.begin(StepCall, "UpdateDeviceStatus", "UpdateDeviceStatus "+key+" remembered")
		r.Request("AccessToken", accessToken)
		r.Request("DeviceKey", key)
		r.Request("DeviceRememberedStatus", string(types.DeviceRememberedStatusTypeRemembered))
		uo, err := f.o.API.UpdateDeviceStatus(ctx, &cip.UpdateDeviceStatusInput{
			AccessToken: aws.String(accessToken), DeviceKey: aws.String(key),
			DeviceRememberedStatus: types.DeviceRememberedStatusTypeRemembered,
		})
		if err != nil {
			r.fail(&CallError{Op: "remember device " + key, Operation: "UpdateDeviceStatus"}, err)
			r.Note("The device is confirmed but not remembered.")
		} else {
			r.meta(uo.ResultMetadata)
			d.Remembered = true
		}
		r.End()
	}
	return d, nil
}
