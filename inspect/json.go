package inspect

import (
	"bytes"
	"encoding/json"
)

// MarshalJSON renders the stable machine form printed by
// `cogscope inspect --json`:
//
//	{"header": {...}, "claims": {...}, "checks": [{"name", "status", "detail"}], "valid": bool,
//	 "trust": "expected-issuer"|"given-jwks"|"token-issuer-unconfirmed" (absent when no keys were consulted),
//	 "issuer": {"iss", "cognito", "poolShaped", "pool", "region"} (absent without a string iss)}
//
// header and claims hold the token's members with their raw values, in
// token order (an empty object when the token could not be decoded).
func (r *Report) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"header":`)
	writeObject(&b, r.Header)
	b.WriteString(`,"claims":`)
	writeObject(&b, r.Claims)
	b.WriteString(`,"checks":[`)
	for i, c := range r.Checks {
		if i > 0 {
			b.WriteByte(',')
		}
		one, err := json.Marshal(struct {
			Name   CheckName `json:"name"`
			Status Status    `json:"status"`
			Detail string    `json:"detail"`
		}{c.Name, c.Status, c.Detail})
		if err != nil {
			return nil, err
		}
		b.Write(one)
	}
	b.WriteString(`],"valid":`)
	if r.Valid {
		b.WriteString("true")
	} else {
		b.WriteString("false")
	}
	if r.Trust != TrustNone {
		b.WriteString(`,"trust":`)
		t, _ := json.Marshal(string(r.Trust))
		b.Write(t)
	}
	if r.Issuer.URL != "" {
		iss, err := json.Marshal(struct {
			URL        string `json:"iss"`
			Cognito    bool   `json:"cognito"`
			PoolShaped bool   `json:"poolShaped,omitempty"`
			Pool       string `json:"pool,omitempty"`
			Region     string `json:"region,omitempty"`
		}{r.Issuer.URL, r.Issuer.Cognito, r.Issuer.PoolShaped, r.Issuer.Pool, r.Issuer.Region})
		if err != nil {
			return nil, err
		}
		b.WriteString(`,"issuer":`)
		b.Write(iss)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// writeObject writes members as a JSON object. A name repeated in the
// token is written once, with its last value (the one that counts).
func writeObject(b *bytes.Buffer, members []Claim) {
	last := make(map[string]int, len(members))
	for i, m := range members {
		last[m.Name] = i
	}
	b.WriteByte('{')
	first := true
	for i, m := range members {
		if last[m.Name] != i {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		name, _ := json.Marshal(m.Name)
		b.Write(name)
		b.WriteByte(':')
		var c bytes.Buffer
		if json.Compact(&c, m.Value) == nil {
			b.Write(c.Bytes())
		} else {
			b.WriteString("null")
		}
	}
	b.WriteByte('}')
}
