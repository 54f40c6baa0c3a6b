package cognito

import "sort"

// PoolInfo summarises a pool for `cogscope local --json`: its issuer, app
// clients and the users whose seed passwords are still valid.
type PoolInfo struct {
	ID      string       `json:"id" yaml:"id"`
	Name    string       `json:"name" yaml:"name"`
	Issuer  string       `json:"issuer" yaml:"issuer"`
	Clients []ClientInfo `json:"clients" yaml:"clients"`
	Users   []UserInfo   `json:"users" yaml:"users"`
}

// ClientInfo is an app client in PoolInfo.
type ClientInfo struct {
	ID        string `json:"id" yaml:"id"`
	Name      string `json:"name" yaml:"name"`
	HasSecret bool   `json:"hasSecret" yaml:"hasSecret"`
}

// UserInfo is a seeded user in PoolInfo. Password is the seed's password,
// empty once the user has changed it.
type UserInfo struct {
	Username string `json:"username" yaml:"username"`
	Password string `json:"password" yaml:"password"`
}

// Describe lists every pool, sorted by name then id, with clients sorted
// by name and users by username.
func (s *Service) Describe() []PoolInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]PoolInfo, 0, len(s.st.Pools))
	for _, p := range s.st.Pools {
		info := PoolInfo{ID: p.ID, Name: p.Name, Issuer: s.issuer(p.ID),
			Clients: []ClientInfo{}, Users: []UserInfo{}}
		for _, c := range p.Clients {
			info.Clients = append(info.Clients, ClientInfo{ID: c.ClientID, Name: c.Name, HasSecret: c.Secret != ""})
		}
		for _, u := range p.Users {
			if u.SeedPassword != "" {
				info.Users = append(info.Users, UserInfo{Username: u.Username, Password: u.SeedPassword})
			}
		}
		sort.Slice(info.Clients, func(i, j int) bool {
			a, b := info.Clients[i], info.Clients[j]
			return a.Name < b.Name || a.Name == b.Name && a.ID < b.ID
		})
		sort.Slice(info.Users, func(i, j int) bool { return info.Users[i].Username < info.Users[j].Username })
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Name < out[j].Name || out[i].Name == out[j].Name && out[i].ID < out[j].ID
	})
	return out
}
