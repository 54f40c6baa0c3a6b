package inspect

import (
	"encoding/json"
	"strings"
)

// federatedIdentity is one entry of Cognito's identities claim.
type federatedIdentity struct {
	ProviderName, ProviderType, UserID string
}

// federatedIdentities reads the identities claim's providers; nil when
// the token has none (a user of the pool's own directory).
func federatedIdentities(r *Report) []federatedIdentity {
	for _, c := range r.Claims {
		if c.Name != "identities" {
			continue
		}
		var list []map[string]any
		if json.Unmarshal(c.Value, &list) != nil {
			return nil
		}
		var out []federatedIdentity
		for _, m := range list {
			str := func(k string) string {
				if s, ok := m[k].(string); ok {
					return s
				}
				if n, ok := m[k].(float64); ok {
					b, _ := json.Marshal(n)
					return string(b)
				}
				return ""
			}
			out = append(out, federatedIdentity{ProviderName: str("providerName"), ProviderType: str("providerType"), UserID: str("userId")})
		}
		return out
	}
	return nil
}

// explainFederation says what a federated user's claims mean: the
// <Provider>_<id> username Cognito made on the first sign-in through the
// provider, and the <poolId>_<Provider> group it puts every such user in.
func explainFederation(r *Report) {
	ids := federatedIdentities(r)
	if len(ids) == 0 {
		return
	}
	var names []string
	for _, id := range ids {
		if id.ProviderName != "" {
			names = append(names, id.ProviderName+" ("+orDefault(id.ProviderType, "?")+")")
		}
	}
	if len(names) > 0 {
		r.Notes = append(r.Notes, "a federated user: signed in through "+strings.Join(names, ", ")+
			"; Cognito copies the provider's mapped attributes onto the user at every sign-in")
	}
	for i := range r.Claims {
		c := &r.Claims[i]
		switch c.Name {
		case "cognito:username", "username":
			var v string
			if json.Unmarshal(c.Value, &v) != nil {
				continue
			}
			for _, id := range ids {
				if id.ProviderName != "" && v == id.ProviderName+"_"+id.UserID {
					c.Meaning = "the federated user's username, <provider>_<user id at the provider>: Cognito created it on the first sign-in through " +
						id.ProviderName + " (status EXTERNAL_PROVIDER, no password)"
				}
			}
		case "cognito:groups":
			for _, g := range c.Items {
				for _, id := range ids {
					if id.ProviderName != "" && strings.HasSuffix(g, "_"+id.ProviderName) && poolIDRe().MatchString(strings.TrimSuffix(g, "_"+id.ProviderName)) {
						c.Meaning += "; " + g + " is the group Cognito adds every user of the " + id.ProviderName + " identity provider to (<poolId>_<provider>)"
					}
				}
			}
		}
	}
}
