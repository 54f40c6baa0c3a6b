package cognito

import (
	"encoding/json"
	"sort"
	"strconv"
	"time"
)

// epoch is a timestamp as the JSON 1.1 protocol sends it: a number of
// seconds since the epoch, with milliseconds as a fraction.
type epoch time.Time

func (e epoch) MarshalJSON() ([]byte, error) {
	t := time.Time(e)
	return []byte(strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', -1, 64)), nil
}

func (e *epoch) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*e = epoch(time.UnixMilli(int64(f * 1000)).UTC())
	return nil
}

func epochPtr(t time.Time) *epoch {
	if t.IsZero() {
		return nil
	}
	e := epoch(t)
	return &e
}

type attributeType struct {
	Name  string  `json:"Name"`
	Value *string `json:"Value,omitempty"`
}

// attributeList renders a user's attributes (sub first, then by name) as
// Cognito's [{Name, Value}] list; filter drops attributes a client may not
// read (nil keeps all).
func attributeList(u *user, filter func(string) bool) []attributeType {
	names := make([]string, 0, len(u.Attributes))
	for k := range u.Attributes {
		if filter == nil || filter(k) {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	out := make([]attributeType, 0, len(names)+1)
	sub := u.Sub
	out = append(out, attributeType{Name: "sub", Value: &sub})
	for _, n := range names {
		v := u.Attributes[n]
		out = append(out, attributeType{Name: n, Value: &v})
	}
	return out
}

// attributeMap turns a [{Name, Value}] list into a map, failing on an
// empty name.
func attributeMap(list []attributeType) (map[string]string, error) {
	m := make(map[string]string, len(list))
	for _, a := range list {
		if a.Name == "" {
			return nil, newErr(excInvalidParameter, "1 validation error detected: Value null at 'userAttributes.member.name' failed to satisfy constraint: Member must not be null")
		}
		v := ""
		if a.Value != nil {
			v = *a.Value
		}
		m[a.Name] = v
	}
	return m, nil
}

type codeDeliveryDetails struct {
	Destination    string `json:"Destination,omitempty"`
	DeliveryMedium string `json:"DeliveryMedium,omitempty"`
	AttributeName  string `json:"AttributeName,omitempty"`
}

type mfaOptionType struct {
	DeliveryMedium string `json:"DeliveryMedium,omitempty"`
	AttributeName  string `json:"AttributeName,omitempty"`
}

type empty struct{}

// userType is the UserType shape (AdminCreateUser, ListUsers,
// ListUsersInGroup).
type userType struct {
	Username             string          `json:"Username"`
	Attributes           []attributeType `json:"Attributes"`
	UserCreateDate       *epoch          `json:"UserCreateDate,omitempty"`
	UserLastModifiedDate *epoch          `json:"UserLastModifiedDate,omitempty"`
	Enabled              bool            `json:"Enabled"`
	UserStatus           string          `json:"UserStatus"`
	MFAOptions           []mfaOptionType `json:"MFAOptions,omitempty"`
}

func toUserType(u *user) userType {
	return userType{Username: u.Username, Attributes: attributeList(u, nil),
		UserCreateDate: epochPtr(u.Created), UserLastModifiedDate: epochPtr(u.Modified),
		Enabled: u.Enabled, UserStatus: u.Status, MFAOptions: mfaOptions(u)}
}

// mfaOptions is the legacy MFAOptions list: SMS when SMS MFA is on.
func mfaOptions(u *user) []mfaOptionType {
	if !u.SMSMFA {
		return nil
	}
	return []mfaOptionType{{DeliveryMedium: "SMS", AttributeName: "phone_number"}}
}

// mfaSettings is UserMFASettingList and PreferredMfaSetting.
func mfaSettings(u *user) ([]string, string) {
	var list []string
	if u.SMSMFA {
		list = append(list, "SMS_MFA")
	}
	if u.TOTPMFA {
		list = append(list, "SOFTWARE_TOKEN_MFA")
	}
	if u.EmailMFA {
		list = append(list, "EMAIL_OTP")
	}
	return list, u.PreferredMFA
}

func stringsOrEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
