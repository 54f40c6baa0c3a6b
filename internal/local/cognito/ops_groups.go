package cognito

import "sort"

type groupType struct {
	GroupName        string `json:"GroupName"`
	UserPoolId       string `json:"UserPoolId"`
	Description      string `json:"Description,omitempty"`
	RoleArn          string `json:"RoleArn,omitempty"`
	Precedence       *int   `json:"Precedence,omitempty"`
	LastModifiedDate *epoch `json:"LastModifiedDate"`
	CreationDate     *epoch `json:"CreationDate"`
}

func toGroupType(p *pool, g *group) groupType {
	return groupType{GroupName: g.Name, UserPoolId: p.ID, Description: g.Description, RoleArn: g.RoleArn,
		Precedence: g.Precedence, LastModifiedDate: epochPtr(g.Modified), CreationDate: epochPtr(g.Created)}
}

func errGroupNotFound() error { return newErr(excResourceNotFound, "Group not found.") }

func opCreateGroup(s *Service, c *call) (any, error) {
	var in struct {
		GroupName   string `json:"GroupName"`
		UserPoolId  string `json:"UserPoolId"`
		Description string `json:"Description"`
		RoleArn     string `json:"RoleArn"`
		Precedence  *int   `json:"Precedence"`
	}
	if err := c.decode(&in, "GroupName", "UserPoolId"); err != nil {
		return nil, err
	}
	if err := checkName("GroupName", in.GroupName, 128); err != nil {
		return nil, err
	}
	return s.withPool(in.UserPoolId, func(p *pool) (any, error) {
		if p.Groups[in.GroupName] != nil {
			return nil, errf(excGroupExists, "A group with the name %s already exists.", in.GroupName)
		}
		now := s.now().UTC()
		g := &group{Name: in.GroupName, Description: in.Description, RoleArn: in.RoleArn, Precedence: in.Precedence, Created: now, Modified: now}
		p.Groups[g.Name] = g
		s.markChanged()
		return map[string]any{"Group": toGroupType(p, g)}, nil
	})
}

type groupInput struct {
	GroupName  string `json:"GroupName"`
	UserPoolId string `json:"UserPoolId"`
	Username   string `json:"Username"`
}

func (s *Service) withGroup(in groupInput, fn func(p *pool, g *group) (any, error)) (any, error) {
	return s.withPool(in.UserPoolId, func(p *pool) (any, error) {
		g := p.Groups[in.GroupName]
		if g == nil {
			return nil, errGroupNotFound()
		}
		return fn(p, g)
	})
}

func opGetGroup(s *Service, c *call) (any, error) {
	var in groupInput
	if err := c.decode(&in, "GroupName", "UserPoolId"); err != nil {
		return nil, err
	}
	return s.withGroup(in, func(p *pool, g *group) (any, error) {
		return map[string]any{"Group": toGroupType(p, g)}, nil
	})
}

func opDeleteGroup(s *Service, c *call) (any, error) {
	var in groupInput
	if err := c.decode(&in, "GroupName", "UserPoolId"); err != nil {
		return nil, err
	}
	return s.withGroup(in, func(p *pool, g *group) (any, error) {
		delete(p.Groups, g.Name)
		for _, u := range p.Users {
			u.Groups = without(u.Groups, g.Name)
		}
		s.markChanged()
		return empty{}, nil
	})
}

func without(list []string, v string) []string {
	out := list[:0]
	for _, x := range list {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

func opListGroups(s *Service, c *call) (any, error) {
	var in struct {
		UserPoolId string `json:"UserPoolId"`
		Limit      *int   `json:"Limit"`
		NextToken  string `json:"NextToken"`
	}
	if err := c.decode(&in, "UserPoolId"); err != nil {
		return nil, err
	}
	limit := 60
	if in.Limit != nil {
		if err := checkRange("Limit", *in.Limit, 0, 60); err != nil {
			return nil, err
		}
		if *in.Limit > 0 {
			limit = *in.Limit
		}
	}
	return s.withPool(in.UserPoolId, func(p *pool) (any, error) {
		names := make([]string, 0, len(p.Groups))
		for n := range p.Groups {
			names = append(names, n)
		}
		sort.Strings(names)
		page, next, err := paginate(names, in.NextToken, limit)
		if err != nil {
			return nil, err
		}
		out := make([]groupType, 0, len(page))
		for _, n := range page {
			out = append(out, toGroupType(p, p.Groups[n]))
		}
		return struct {
			Groups    []groupType `json:"Groups"`
			NextToken string      `json:"NextToken,omitempty"`
		}{out, next}, nil
	})
}

func opAdminAddUserToGroup(s *Service, c *call) (any, error) {
	var in groupInput
	if err := c.decode(&in, "UserPoolId", "Username", "GroupName"); err != nil {
		return nil, err
	}
	return s.withGroup(in, func(p *pool, g *group) (any, error) {
		u, err := adminUser(p, in.Username)
		if err != nil {
			return nil, err
		}
		if !contains(u.Groups, g.Name) {
			u.Groups = append(u.Groups, g.Name)
			s.markChanged()
		}
		return empty{}, nil
	})
}

func opAdminRemoveUserFromGroup(s *Service, c *call) (any, error) {
	var in groupInput
	if err := c.decode(&in, "UserPoolId", "Username", "GroupName"); err != nil {
		return nil, err
	}
	return s.withGroup(in, func(p *pool, g *group) (any, error) {
		u, err := adminUser(p, in.Username)
		if err != nil {
			return nil, err
		}
		u.Groups = without(u.Groups, g.Name)
		s.markChanged()
		return empty{}, nil
	})
}

func opAdminListGroupsForUser(s *Service, c *call) (any, error) {
	var in struct {
		UserPoolId string `json:"UserPoolId"`
		Username   string `json:"Username"`
	}
	if err := c.decode(&in, "Username", "UserPoolId"); err != nil {
		return nil, err
	}
	return s.withAdminUser(in.UserPoolId, in.Username, func(p *pool, u *user) (any, error) {
		out := []groupType{}
		names := append([]string(nil), u.Groups...)
		sort.Strings(names)
		for _, n := range names {
			if g := p.Groups[n]; g != nil {
				out = append(out, toGroupType(p, g))
			}
		}
		return map[string]any{"Groups": out}, nil
	})
}

func opListUsersInGroup(s *Service, c *call) (any, error) {
	var in groupInput
	if err := c.decode(&in, "UserPoolId", "GroupName"); err != nil {
		return nil, err
	}
	return s.withGroup(in, func(p *pool, g *group) (any, error) {
		var keys []string
		for k, u := range p.Users {
			if contains(u.Groups, g.Name) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		out := make([]userType, 0, len(keys))
		for _, k := range keys {
			out = append(out, toUserType(p.Users[k]))
		}
		return map[string]any{"Users": out}, nil
	})
}
