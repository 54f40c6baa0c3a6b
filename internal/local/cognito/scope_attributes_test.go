package cognito

import "testing"

func TestScopeAttributes(t *testing.T) {
	t.Parallel()
	if ScopeAttributes([]string{"openid"}) != nil || ScopeAttributes([]string{"openid", apiScope}) != nil {
		t.Error("openid alone must release every readable attribute")
	}
	f := ScopeAttributes([]string{"openid", "phone", "profile"})
	for name, want := range map[string]bool{"phone_number": true, "phone_number_verified": true, "name": true,
		"custom:tenant": true, "email": false, "email_verified": false, "address": false} {
		if f(name) != want {
			t.Errorf("%s released = %v, want %v", name, !want, want)
		}
	}
}
