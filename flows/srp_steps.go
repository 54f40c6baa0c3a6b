package flows

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/flows/srp"
)

// srpInput is what a PASSWORD_VERIFIER or DEVICE_PASSWORD_VERIFIER
// challenge carries.
type srpInput struct {
	salt, B *big.Int
	block   []byte
	blockB  string // SECRET_BLOCK as sent, echoed unchanged
}

func parseSRPChallenge(name string, p map[string]string) (srpInput, error) {
	var in srpInput
	var err error
	if in.salt, err = srp.ParseHex(p["SALT"]); err != nil {
		return in, fmt.Errorf("%w: %s from Cognito has a bad SALT: %w", ErrBadResponse, name, err)
	}
	if in.B, err = srp.ParseHex(p["SRP_B"]); err != nil {
		return in, fmt.Errorf("%w: %s from Cognito has a bad SRP_B: %w", ErrBadResponse, name, err)
	}
	in.blockB = p["SECRET_BLOCK"]
	if in.blockB == "" {
		return in, fmt.Errorf("%w: %s from Cognito has no SECRET_BLOCK", ErrBadResponse, name)
	}
	if in.block, err = base64.StdEncoding.DecodeString(in.blockB); err != nil {
		return in, fmt.Errorf("%w: %s from Cognito has a SECRET_BLOCK that is not base64: %w", ErrBadResponse, name, err)
	}
	return in, nil
}

// claim computes a password claim and records it as a compute step.
func (f *Flow) claim(challenge, subject string, c *srp.Client, poolName, userID, password string, in srpInput) (sig, ts string, err error) {
	r := f.begin(StepCompute, "PASSWORD_CLAIM", "Compute the password claim for "+challenge)
	r.Step.Challenge = challenge
	v := &SRPValues{
		Subject: subject, PoolName: poolName, UserID: userID,
		A: c.AHex(), B: srp.Hex(in.B), Salt: srp.Hex(in.salt),
		SecretBlock: r.Value("srp.secretBlock", in.blockB),
	}
	r.Step.SRP = v
	vals, err := c.Key(poolName, userID, password, in.salt, in.B)
	if err != nil {
		r.Step.Error = &APIError{Message: err.Error()}
		r.Note("Refused the server's values: continuing would let a hostile server choose the key.")
		r.End()
		return "", "", fmt.Errorf("%w: %s: %w", ErrBadResponse, challenge, err)
	}
	ts = srp.FormatTimestamp(f.now())
	sig = srp.Signature(vals.Key, poolName, userID, in.block, ts)
	v.U = srp.Hex(vals.U)
	v.X = r.Value("srp.x", srp.Hex(vals.X))
	v.Key = r.Value("srp.key", hex.EncodeToString(vals.Key))
	v.Timestamp = ts
	v.Signature = sig
	if subject == "user" {
		r.Note("x hashes pool name %q, USER_ID_FOR_SRP %q and the password; the signature covers pool name, user id, SECRET_BLOCK and TIMESTAMP.", poolName, userID)
	} else {
		r.Note("Device SRP: the device group key stands for the pool name, the device key for the user id, the device password for the password.")
	}
	r.End()
	return sig, ts, nil
}

// answerPasswordVerifier proves the password for PASSWORD_VERIFIER.
func (f *Flow) answerPasswordVerifier(ctx context.Context, out authOut) (authOut, error) {
	name := string(types.ChallengeNameTypePasswordVerifier)
	if f.srpUser == nil {
		return authOut{}, fmt.Errorf("%w: Cognito asked for PASSWORD_VERIFIER, but this flow sent no SRP_A", ErrBadResponse)
	}
	in, err := parseSRPChallenge(name, out.params)
	if err != nil {
		return authOut{}, err
	}
	userID := out.params["USER_ID_FOR_SRP"]
	if userID == "" {
		userID = f.username
	}
	sig, ts, err := f.claim(name, "user", f.srpUser, f.poolName(), userID, f.password, in)
	if err != nil {
		return authOut{}, err
	}
	f.srpUser = nil // single use
	ps := params{}.
		add("USERNAME", userID).
		add("PASSWORD_CLAIM_SECRET_BLOCK", in.blockB).
		add("PASSWORD_CLAIM_SIGNATURE", sig).
		add("TIMESTAMP", ts)
	if f.device != nil {
		ps = ps.add("DEVICE_KEY", f.device.Key)
	}
	return f.respond(ctx, name, ps, func(r *rec) {
		if userID != f.o.Username {
			r.Note("USERNAME is USER_ID_FOR_SRP %q, not %q as typed: Cognito checks the claim and SECRET_HASH against its internal name.", userID, f.o.Username)
		}
	})
}

// answerDeviceSRP proves a remembered device: DEVICE_SRP_AUTH with a fresh
// A, then DEVICE_PASSWORD_VERIFIER with the device password.
func (f *Flow) answerDeviceSRP(ctx context.Context, out authOut) (authOut, error) {
	if f.device == nil {
		return authOut{}, fmt.Errorf("%w: Cognito asked for DEVICE_SRP_AUTH, but no remembered device was given", ErrBadResponse)
	}
	d := f.device
	c, err := srp.NewClient()
	if err != nil {
		return authOut{}, err
	}
	ps := params{}.add("DEVICE_KEY", d.Key).add("SRP_A", c.AHex())
	out, err = f.respond(ctx, string(types.ChallengeNameTypeDeviceSrpAuth), ps, func(r *rec) {
		r.Note("Remembered device %s answers instead of MFA.", d.Key)
	})
	if err != nil {
		return authOut{}, err
	}
	dpv := string(types.ChallengeNameTypeDevicePasswordVerifier)
	if out.name != dpv {
		return out, nil
	}
	if out.session != nil {
		f.session = out.session
	}
	f.learnUsername(out)
	in, err := parseSRPChallenge(dpv, out.params)
	if err != nil {
		return authOut{}, err
	}
	sig, ts, err := f.claim(dpv, "device", c, d.GroupKey, d.Key, d.Password, in)
	if err != nil {
		return authOut{}, err
	}
	ps = params{}.
		add("DEVICE_KEY", d.Key).
		add("PASSWORD_CLAIM_SECRET_BLOCK", in.blockB).
		add("PASSWORD_CLAIM_SIGNATURE", sig).
		add("TIMESTAMP", ts)
	return f.respond(ctx, dpv, ps, nil)
}
