package inspect

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeAcceptsWhatPeoplePaste(t *testing.T) {
	t.Parallel()
	ti := newTestIssuer(t, CognitoIssuer("us-east-1", testPool))
	tok := ti.access(ti.accessClaims(testNow))
	cases := []struct {
		name, in  string
		wantNotes []string
	}{
		{"bare", tok, nil},
		{"Bearer prefix", "Bearer " + tok, []string{`"Bearer "`}},
		{"lower-case bearer and tabs", "\tbearer\t" + tok + "\n", []string{`"Bearer "`}},
		{"Authorization header line", "Authorization: Bearer " + tok, []string{"Authorization", "Bearer"}},
		{"quoted", `"` + tok + `"`, []string{"quotes"}},
		{"wrapped", tok[:60] + "\n" + tok[60:120] + "\r\n" + tok[120:], []string{"3 whitespace"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Decode(tc.in)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got.Raw != tok {
				t.Fatalf("Raw differs from the clean token")
			}
			if got.Header.Alg != "RS256" || got.Header.Kid != accessKid {
				t.Fatalf("header %+v", got.Header)
			}
			if v, ok := got.Lookup("token_use"); !ok || string(v) != `"access"` {
				t.Fatalf("token_use = %s", v)
			}
			if len(got.Signature) != 256 {
				t.Fatalf("signature %d bytes", len(got.Signature))
			}
			notes := strings.Join(got.Notes, "|")
			for _, w := range tc.wantNotes {
				if !strings.Contains(notes, w) {
					t.Errorf("notes %q lack %q", notes, w)
				}
			}
			if tc.wantNotes == nil && len(got.Notes) != 0 {
				t.Errorf("unexpected notes %q", got.Notes)
			}
		})
	}
}

func TestDecodeKeepsClaimOrder(t *testing.T) {
	t.Parallel()
	raw := b64([]byte(`{"alg":"RS256","kid":"k"}`)) + "." + b64([]byte(`{"z":1,"a":[1,2],"m":{"x":null},"a":"again"}`)) + ".c2ln"
	tok, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range tok.Claims {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, ","); got != "z,a,m,a" {
		t.Fatalf("order %s", got)
	}
	if v, _ := tok.Lookup("a"); string(v) != `"again"` {
		t.Fatalf("Lookup takes the last duplicate, got %s", v)
	}
	if !strings.Contains(strings.Join(tok.Notes, " "), `"a" appears more than once`) {
		t.Fatalf("notes %q", tok.Notes)
	}
}

func TestDecodeErrorsSayWhatAndWhere(t *testing.T) {
	t.Parallel()
	hdr := b64([]byte(`{"alg":"RS256","kid":"k"}`))
	pay := b64([]byte(`{"sub":"x","exp":1}`))
	cases := []struct {
		name      string
		in        string
		part      Part
		offset    int
		truncated bool
		want      string
	}{
		{"empty after cleaning", "Bearer   ", "", 0, false, "input is empty"},
		{"opaque", "abcdef", PartToken, -1, false, "no '.'"},
		{"two parts", hdr + "." + pay, PartSignature, len(hdr + "." + pay), true, "2 parts"},
		{"four parts", hdr + "." + pay + ".c2ln.eA", PartToken, -1, false, "4 dot-separated parts"},
		{"standard base64", hdr + "." + pay[:5] + "+" + pay[6:] + ".c2ln", PartPayload, len(hdr) + 1 + 5, false, "standard base64"},
		{"bad character", hdr + "." + pay + ".c2l*", PartSignature, len(hdr+"."+pay) + 4, false, "'*' at position"},
		{"impossible length", hdr + "." + padTo1(pay) + ".c2ln", PartPayload, len(hdr) + 1 + len(padTo1(pay)), true, "cannot encode whole bytes"},
		{"empty header", "." + pay + ".c2ln", PartHeader, 0, false, "first part is empty"},
		{"JSON syntax", hdr + "." + b64([]byte(`{"sub":x}`)) + ".c2ln", PartPayload, 7, false, "invalid JSON at byte 7"},
		{"JSON cut off", hdr + "." + b64([]byte(`{"sub":"abc`)) + ".c2ln", PartPayload, 11, true, "ends early"},
		{"payload not an object", hdr + "." + b64([]byte(`["a"]`)) + ".c2ln", PartPayload, 0, false, "is an array, not an object"},
		{"trailing data", hdr + "." + b64([]byte(`{} {}`)) + ".c2ln", PartPayload, -2, false, "after the JSON object"},
		{"alg not a string", b64([]byte(`{"alg":5}`)) + "." + pay + ".c2ln", PartHeader, -1, false, `"alg" is a number`},
		{"kid null", b64([]byte(`{"alg":"RS256","kid":null}`)) + "." + pay + ".c2ln", PartHeader, -1, false, `"kid" is null`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Decode(tc.in)
			if err == nil {
				t.Fatal("decoded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q lacks %q", err, tc.want)
			}
			if tc.part == "" {
				if !errors.Is(err, ErrEmpty) {
					t.Fatalf("err %v, want ErrEmpty", err)
				}
				return
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("err %T, want *DecodeError", err)
			}
			if de.Part != tc.part || de.Truncated != tc.truncated {
				t.Fatalf("part %s truncated %v, want %s %v", de.Part, de.Truncated, tc.part, tc.truncated)
			}
			if tc.offset != -2 && de.Offset != tc.offset {
				t.Fatalf("offset %d, want %d", de.Offset, tc.offset)
			}
		})
	}
}

func TestDecodeRefusesJWE(t *testing.T) {
	t.Parallel()
	refresh := "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.Zm9v.YmFy.YmF6.cXV4"
	_, err := Decode(refresh)
	var je *JWEError
	if !errors.As(err, &je) {
		t.Fatalf("err %v, want *JWEError", err)
	}
	if !je.RefreshOf || je.Alg != "RSA-OAEP" || je.Enc != "A256GCM" {
		t.Fatalf("%+v", je)
	}
	for _, w := range []string{"encrypted", "refresh token", "cannot be shown"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%q lacks %q", err, w)
		}
	}
	// Another JWE is still named, without the refresh-token guess.
	_, err = Decode(b64([]byte(`{"alg":"dir","enc":"A128GCM"}`)) + "..aXY.Y3Q.dGFn")
	if !errors.As(err, &je) || je.RefreshOf || strings.Contains(err.Error(), "refresh") {
		t.Fatalf("err %v", err)
	}
}

// padTo1 lengthens a base64url string to a length of 1 mod 4, which no
// byte string encodes to.
func padTo1(s string) string {
	for len(s)%4 != 1 {
		s += "A"
	}
	return s
}
