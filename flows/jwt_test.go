package flows

import (
	"encoding/base64"
	"testing"
)

func TestJWTSegment(t *testing.T) {
	t.Parallel()
	enc := base64.RawURLEncoding.EncodeToString
	cases := []struct {
		name, seg string
		want      map[string]any // nil: not an object
	}{
		{"a header", enc([]byte(`{"alg":"RS256","kid":"k1"}`)), map[string]any{"alg": "RS256", "kid": "k1"}},
		{"padding tolerated", base64.URLEncoding.EncodeToString([]byte(`{"a":1}`)), map[string]any{"a": float64(1)}},
		{"not base64url", "{{{", nil},
		{"not JSON", enc([]byte("plain")), nil},
		{"an array", enc([]byte(`[1]`)), nil},
		{"empty", "", nil},
	}
	for _, tc := range cases {
		got := JWTSegment(tc.seg)
		if (got == nil) != (tc.want == nil) || len(got) != len(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			continue
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("%s: %s = %v, want %v", tc.name, k, got[k], v)
			}
		}
	}
}
