package srp

import (
	"bytes"
	"encoding/base64"
	"testing"
)

// TestDeviceVerifierRoundTrip: what ConfirmDevice registers lets a server
// prove the device exactly as it proves a user (DEVICE_SRP_AUTH).
func TestDeviceVerifierRoundTrip(t *testing.T) {
	const group, key = "-XM4XBvd35", "us-east-1_643f6098-f728-4a7f-961b-b84e88140857"
	dv, err := NewDeviceVerifier(group, key)
	if err != nil {
		t.Fatal(err)
	}
	if raw, err := base64.StdEncoding.DecodeString(dv.Password); err != nil || len(raw) != DevicePasswordBytes {
		t.Errorf("device password %q: %d bytes, %v", dv.Password, len(raw), err)
	}
	// The server decodes the two base64 fields back to integers.
	v, err := ParseBase64Int(dv.PasswordVerifierBase64())
	if err != nil || v.Cmp(dv.Verifier) != 0 {
		t.Fatalf("verifier round trip: %v", err)
	}
	salt, err := ParseBase64Int(dv.SaltBase64())
	if err != nil || salt.Cmp(dv.Salt) != 0 {
		t.Fatalf("salt round trip: %v", err)
	}
	// base64 of the padded bytes, not of hex text.
	if b, _ := base64.StdEncoding.DecodeString(dv.PasswordVerifierBase64()); !bytes.Equal(b, Pad(dv.Verifier)) {
		t.Error("PasswordVerifier is not base64(pad(verifier))")
	}

	srv, err := NewServer(v)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient()
	if err != nil {
		t.Fatal(err)
	}
	vals, err := c.Key(group, key, dv.Password, salt, srv.B)
	if err != nil {
		t.Fatal(err)
	}
	sk, err := srv.Key(c.A)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(vals.Key, sk) {
		t.Fatal("client and server derive different device keys")
	}
	// A wrong device password does not.
	bad, err := c.Key(group, key, dv.Password+"x", salt, srv.B)
	if err != nil || bytes.Equal(bad.Key, sk) {
		t.Error("a wrong device password derived the server's key")
	}
	// Two devices never share a password or salt.
	dv2, err := NewDeviceVerifier(group, key)
	if err != nil || dv2.Password == dv.Password || dv2.Salt.Cmp(dv.Salt) == 0 {
		t.Error("device secrets repeat")
	}
}

func TestParseBase64IntRejects(t *testing.T) {
	for _, s := range []string{"", "!!!", "===="} {
		if _, err := ParseBase64Int(s); err == nil {
			t.Errorf("ParseBase64Int(%q) accepted", s)
		}
	}
}
