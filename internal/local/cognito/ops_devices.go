package cognito

import (
	"encoding/base64"
	"math/big"
	"sort"
)

type deviceType struct {
	DeviceKey                   string          `json:"DeviceKey"`
	DeviceAttributes            []attributeType `json:"DeviceAttributes"`
	DeviceCreateDate            *epoch          `json:"DeviceCreateDate"`
	DeviceLastModifiedDate      *epoch          `json:"DeviceLastModifiedDate"`
	DeviceLastAuthenticatedDate *epoch          `json:"DeviceLastAuthenticatedDate,omitempty"`
}

func toDeviceType(d *device) deviceType {
	status := "not_remembered"
	if d.Remembered {
		status = "remembered"
	}
	attrs := map[string]string{"device_status": "valid", "device_remembered_status": status, "last_ip_used": "127.0.0.1"}
	for k, v := range d.Attributes {
		attrs[k] = v
	}
	names := make([]string, 0, len(attrs))
	for k := range attrs {
		names = append(names, k)
	}
	sort.Strings(names)
	list := make([]attributeType, 0, len(names))
	for _, n := range names {
		v := attrs[n]
		list = append(list, attributeType{Name: n, Value: &v})
	}
	return deviceType{DeviceKey: d.Key, DeviceAttributes: list, DeviceCreateDate: epochPtr(d.Created),
		DeviceLastModifiedDate: epochPtr(d.Modified), DeviceLastAuthenticatedDate: epochPtr(d.LastAuth)}
}

// userDevice finds a device of u: ResourceNotFoundException mentioning
// "device" otherwise, the text amazon-cognito-identity-js looks for.
func userDevice(p *pool, u *user, key string) (*device, error) {
	d := p.Devices[key]
	if d == nil || d.Username != p.userKey(u.Username) {
		return nil, newErr(excResourceNotFound, msgDeviceNotFound)
	}
	return d, nil
}

// ConfirmDevice stores the device's SRP verifier and salt (base64 of the
// padded big-endian bytes, protocol reference §1.7). Whether the device is
// remembered at once depends on the pool's DeviceOnlyRememberedOnUserPrompt.
func opConfirmDevice(s *Service, c *call) (any, error) {
	var in struct {
		AccessToken                string `json:"AccessToken"`
		DeviceKey                  string `json:"DeviceKey"`
		DeviceSecretVerifierConfig *struct {
			PasswordVerifier string `json:"PasswordVerifier"`
			Salt             string `json:"Salt"`
		} `json:"DeviceSecretVerifierConfig"`
		DeviceName string `json:"DeviceName"`
	}
	if err := c.decode(&in, "AccessToken", "DeviceKey"); err != nil {
		return nil, err
	}
	var verifier, salt *big.Int
	if v := in.DeviceSecretVerifierConfig; v != nil {
		vb, err1 := base64.StdEncoding.DecodeString(v.PasswordVerifier)
		sb, err2 := base64.StdEncoding.DecodeString(v.Salt)
		if err1 != nil || err2 != nil || len(vb) == 0 || len(sb) == 0 {
			return nil, newErr(excInvalidParameter, "DeviceSecretVerifierConfig must hold base64 PasswordVerifier and Salt")
		}
		verifier, salt = new(big.Int).SetBytes(vb), new(big.Int).SetBytes(sb)
	}
	if verifier == nil {
		return nil, newErr(excInvalidParameter, "DeviceSecretVerifierConfig is required to confirm a device")
	}
	return s.withAccessUser(in.AccessToken, func(p *pool, u *user, _ *accessClaims) (any, error) {
		if p.Device == nil {
			return nil, newErr(excInvalidParameter, "Device tracking is not enabled for the user pool.")
		}
		d, err := userDevice(p, u, in.DeviceKey)
		if err != nil {
			return nil, err
		}
		d.Salt, d.Verifier, d.Confirmed = salt, verifier, true
		d.Remembered = !p.Device.DeviceOnlyRememberedOnUserPrompt
		if in.DeviceName != "" {
			d.Attributes["device_name"] = in.DeviceName
		}
		d.Modified = s.now().UTC()
		s.markChanged()
		return map[string]bool{"UserConfirmationNecessary": p.Device.DeviceOnlyRememberedOnUserPrompt}, nil
	})
}

func setRemembered(s *Service, p *pool, u *user, key, status string) (any, error) {
	if status != "remembered" && status != "not_remembered" {
		return nil, validationError([]violation{enumViolation("DeviceRememberedStatus", status, []string{"remembered", "not_remembered"})})
	}
	d, err := userDevice(p, u, key)
	if err != nil {
		return nil, err
	}
	d.Remembered = status == "remembered"
	d.Modified = s.now().UTC()
	s.markChanged()
	return empty{}, nil
}

type deviceStatusInput struct {
	AccessToken            string `json:"AccessToken"`
	UserPoolId             string `json:"UserPoolId"`
	Username               string `json:"Username"`
	DeviceKey              string `json:"DeviceKey"`
	DeviceRememberedStatus string `json:"DeviceRememberedStatus"`
}

func opUpdateDeviceStatus(s *Service, c *call) (any, error) {
	var in deviceStatusInput
	if err := c.decode(&in, "AccessToken", "DeviceKey"); err != nil {
		return nil, err
	}
	return s.withAccessUser(in.AccessToken, func(p *pool, u *user, _ *accessClaims) (any, error) {
		return setRemembered(s, p, u, in.DeviceKey, in.DeviceRememberedStatus)
	})
}

func opAdminUpdateDeviceStatus(s *Service, c *call) (any, error) {
	var in deviceStatusInput
	if err := c.decode(&in, "UserPoolId", "Username", "DeviceKey"); err != nil {
		return nil, err
	}
	return s.withAdminUser(in.UserPoolId, in.Username, func(p *pool, u *user) (any, error) {
		return setRemembered(s, p, u, in.DeviceKey, in.DeviceRememberedStatus)
	})
}

type deviceKeyInput struct {
	AccessToken string `json:"AccessToken"`
	UserPoolId  string `json:"UserPoolId"`
	Username    string `json:"Username"`
	DeviceKey   string `json:"DeviceKey"`
}

func opGetDevice(s *Service, c *call) (any, error) {
	var in deviceKeyInput
	if err := c.decode(&in, "DeviceKey"); err != nil {
		return nil, err
	}
	return s.withAccessUser(in.AccessToken, func(p *pool, u *user, _ *accessClaims) (any, error) {
		d, err := userDevice(p, u, in.DeviceKey)
		if err != nil {
			return nil, err
		}
		return map[string]any{"Device": toDeviceType(d)}, nil
	})
}

func opAdminGetDevice(s *Service, c *call) (any, error) {
	var in deviceKeyInput
	if err := c.decode(&in, "UserPoolId", "Username", "DeviceKey"); err != nil {
		return nil, err
	}
	return s.withAdminUser(in.UserPoolId, in.Username, func(p *pool, u *user) (any, error) {
		d, err := userDevice(p, u, in.DeviceKey)
		if err != nil {
			return nil, err
		}
		return map[string]any{"Device": toDeviceType(d)}, nil
	})
}

// forget removes a device; refresh tokens bound to it stop working.
func forget(s *Service, p *pool, u *user, key string) (any, error) {
	if _, err := userDevice(p, u, key); err != nil {
		return nil, err
	}
	delete(p.Devices, key)
	s.markChanged()
	return empty{}, nil
}

func opForgetDevice(s *Service, c *call) (any, error) {
	var in deviceKeyInput
	if err := c.decode(&in, "DeviceKey"); err != nil {
		return nil, err
	}
	return s.withAccessUser(in.AccessToken, func(p *pool, u *user, _ *accessClaims) (any, error) {
		return forget(s, p, u, in.DeviceKey)
	})
}

func opAdminForgetDevice(s *Service, c *call) (any, error) {
	var in deviceKeyInput
	if err := c.decode(&in, "UserPoolId", "Username", "DeviceKey"); err != nil {
		return nil, err
	}
	return s.withAdminUser(in.UserPoolId, in.Username, func(p *pool, u *user) (any, error) {
		return forget(s, p, u, in.DeviceKey)
	})
}

// listDevices pages a user's confirmed devices by key.
func listDevices(p *pool, u *user, limit *int, token string) (any, error) {
	n := 60
	if limit != nil {
		if err := checkRange("Limit", *limit, 0, 60); err != nil {
			return nil, err
		}
		if *limit > 0 {
			n = *limit
		}
	}
	var keys []string
	for k, d := range p.Devices {
		if d.Username == p.userKey(u.Username) && d.Confirmed {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	page, next, err := paginate(keys, token, n)
	if err != nil {
		return nil, err
	}
	out := make([]deviceType, 0, len(page))
	for _, k := range page {
		out = append(out, toDeviceType(p.Devices[k]))
	}
	return struct {
		Devices         []deviceType `json:"Devices"`
		PaginationToken string       `json:"PaginationToken,omitempty"`
	}{out, next}, nil
}

func opListDevices(s *Service, c *call) (any, error) {
	var in struct {
		AccessToken     string `json:"AccessToken"`
		Limit           *int   `json:"Limit"`
		PaginationToken string `json:"PaginationToken"`
	}
	if err := c.decode(&in, "AccessToken"); err != nil {
		return nil, err
	}
	return s.withAccessUser(in.AccessToken, func(p *pool, u *user, _ *accessClaims) (any, error) {
		return listDevices(p, u, in.Limit, in.PaginationToken)
	})
}

func opAdminListDevices(s *Service, c *call) (any, error) {
	var in struct {
		UserPoolId      string `json:"UserPoolId"`
		Username        string `json:"Username"`
		Limit           *int   `json:"Limit"`
		PaginationToken string `json:"PaginationToken"`
	}
	if err := c.decode(&in, "UserPoolId", "Username"); err != nil {
		return nil, err
	}
	return s.withAdminUser(in.UserPoolId, in.Username, func(p *pool, u *user) (any, error) {
		return listDevices(p, u, in.Limit, in.PaginationToken)
	})
}
