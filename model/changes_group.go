package model

import (
	"slices"
	"strings"
)

func groupScope(v View, a Address) (*Group, Scope, error) {
	g, err := v.Group(a)
	if err != nil {
		return nil, nil, err
	}
	return g, Scope{g.Owner}, nil
}

// AddGroup creates a mail group owned by a department (LIST-1).
type AddGroup struct {
	Address   Address
	Name      string
	Post      string
	Owner     string    // department path; empty is the root
	Senders   []Address // the listed rule's sender mailboxes
	Positions []string  // the permitted rule's position classes
}

// Op names the operation.
func (c *AddGroup) Op() string { return "group.add" }

// Target names the group.
func (c *AddGroup) Target() string { return string(c.Address) }

// Authorize needs group.manage over the owning department.
func (c *AddGroup) Authorize(v View, a Actor) error {
	s, err := deptScope(v, c.Owner)
	if err != nil {
		return err
	}
	return Authorize(a, RightGroupManage, s, v)
}

// Apply creates the group.
func (c *AddGroup) Apply(tx Tx, env Env) error {
	a, err := ParseAddress(string(c.Address))
	if err != nil {
		return err
	}
	if err := addressFree(tx, a); err != nil {
		return err
	}
	name, err := CleanName("group name", c.Name, 64)
	if err != nil {
		return err
	}
	post, err := ParsePostRule(c.Post)
	if err != nil {
		return err
	}
	owner, err := resolveDept(tx, c.Owner)
	if err != nil {
		return err
	}
	g := &Group{Address: a, Name: name, Post: post, Owner: owner.ID, Created: env.Now}
	if g.Senders, err = postSenders(tx, c.Senders); err != nil {
		return err
	}
	if g.Positions, err = postPositions(c.Positions); err != nil {
		return err
	}
	if err := checkPosting(g); err != nil {
		return err
	}
	return tx.PutGroup(g)
}

// postSenders checks the sender mailboxes of a listed group: members,
// shared or department mailboxes, each once.
func postSenders(v View, as []Address) ([]Address, error) {
	var out []Address
	for _, a := range as {
		n, err := ParseAddress(string(a))
		if err != nil {
			return nil, err
		}
		if err := mustBeMailbox(v, n, "--sender"); err != nil {
			return nil, err
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// postPositions reads the position classes of a permitted group.
func postPositions(ps []string) ([]Position, error) {
	var out []Position
	for _, s := range ps {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		p, err := ParsePosition(s)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// checkPosting refuses a posting rule its group cannot use.
func checkPosting(g *Group) error {
	if g.Post == PostListed && len(g.Senders) == 0 {
		return Invalidf("the group %s takes posts only from listed senders, but lists none: name them with --sender ADDR", g.Address)
	}
	return nil
}

// SetGroup changes a group's name or posting rule (SEND-3); nil fields stay.
type SetGroup struct {
	Address   Address
	Name      *string
	Post      *string
	Senders   *[]Address // the listed rule's sender mailboxes
	Positions *[]string  // the permitted rule's position classes; empty: the policy's
}

// Op names the operation.
func (c *SetGroup) Op() string { return "group.set" }

// Target names the group.
func (c *SetGroup) Target() string { return string(c.Address) }

// Authorize needs group.manage over the owning department.
func (c *SetGroup) Authorize(v View, a Actor) error {
	_, s, err := groupScope(v, c.Address)
	if err != nil {
		return err
	}
	return Authorize(a, RightGroupManage, s, v)
}

// Apply writes the group.
func (c *SetGroup) Apply(tx Tx, env Env) error {
	g, err := tx.Group(c.Address)
	if err != nil {
		return err
	}
	g = g.Clone()
	if c.Name != nil {
		if g.Name, err = CleanName("group name", *c.Name, 64); err != nil {
			return err
		}
	}
	if c.Post != nil {
		if g.Post, err = ParsePostRule(*c.Post); err != nil {
			return err
		}
	}
	if c.Senders != nil {
		if g.Senders, err = postSenders(tx, *c.Senders); err != nil {
			return err
		}
	}
	if c.Positions != nil {
		if g.Positions, err = postPositions(*c.Positions); err != nil {
			return err
		}
	}
	if err := checkPosting(g); err != nil {
		return err
	}
	return tx.PutGroup(g)
}

// DeleteGroup removes a group; its members keep their mailboxes.
type DeleteGroup struct{ Address Address }

// Op names the operation.
func (c *DeleteGroup) Op() string { return "group.rm" }

// Target names the group.
func (c *DeleteGroup) Target() string { return string(c.Address) }

// Authorize needs group.manage over the owning department.
func (c *DeleteGroup) Authorize(v View, a Actor) error {
	_, s, err := groupScope(v, c.Address)
	if err != nil {
		return err
	}
	return Authorize(a, RightGroupManage, s, v)
}

// Apply deletes the group, and takes it out of the groups that nest it.
func (c *DeleteGroup) Apply(tx Tx, env Env) error {
	if _, err := tx.Group(c.Address); err != nil {
		return err
	}
	parents, err := tx.GroupsOf(c.Address)
	if err != nil {
		return err
	}
	for _, pa := range parents {
		pg, err := tx.Group(pa)
		if err != nil {
			continue
		}
		pg = pg.Clone()
		pg.Members = slices.DeleteFunc(pg.Members, func(m Address) bool { return m == c.Address })
		if err := tx.PutGroup(pg); err != nil {
			return err
		}
	}
	return tx.DeleteGroup(c.Address)
}

// GroupMember adds (or with Remove, takes out) a member, a whole
// department, or another group (whose members then receive the group's
// mail too; a group cannot contain itself, even through others).
type GroupMember struct {
	Group  Address
	Member Address // a member's own address, never an alias (ORG-6), or a group's
	Dept   string  // or a department path: the department and its subtree
	Remove bool
}

// Op names the operation.
func (c *GroupMember) Op() string {
	if c.Remove {
		return "group.member.rm"
	}
	return "group.member.add"
}

// Target names the group.
func (c *GroupMember) Target() string { return string(c.Group) }

// Authorize needs group.manage over the group's department and over the
// member or department added.
func (c *GroupMember) Authorize(v View, a Actor) error {
	_, s, err := groupScope(v, c.Group)
	if err != nil {
		return err
	}
	if !c.Remove {
		switch {
		case c.Dept != "":
			ds, err := deptScope(v, c.Dept)
			if err != nil {
				return err
			}
			s = append(s, ds...)
		case c.Member != "":
			if m, err := v.Member(c.Member); err == nil {
				s = append(s, m.Depts...)
			} else if n, err := v.Group(c.Member); err == nil {
				s = append(s, n.Owner)
			}
		}
	}
	return Authorize(a, RightGroupManage, s, v)
}

// Apply changes the group.
func (c *GroupMember) Apply(tx Tx, env Env) error {
	g, err := tx.Group(c.Group)
	if err != nil {
		return err
	}
	g = g.Clone()
	switch {
	case c.Dept != "" && c.Member != "":
		return Invalidf("name either a member or a department, not both")
	case c.Dept != "":
		d, err := resolveDept(tx, c.Dept)
		if err != nil {
			return err
		}
		i := slices.Index(g.Depts, d.ID)
		if c.Remove {
			if i < 0 {
				return NotFoundf("the group %s does not include the department %s", g.Address, tx.DeptPath(d.ID))
			}
			g.Depts = slices.Delete(g.Depts, i, i+1)
		} else {
			if i >= 0 {
				return Existsf("the group %s already includes the department %s", g.Address, tx.DeptPath(d.ID))
			}
			g.Depts = append(g.Depts, d.ID)
		}
	case c.Member != "":
		a, err := ParseAddress(string(c.Member))
		if err != nil {
			return err
		}
		i := slices.Index(g.Members, a)
		if c.Remove {
			if i < 0 {
				return NotFoundf("%s is not a member of the group %s", a, g.Address)
			}
			g.Members = slices.Delete(g.Members, i, i+1)
			break
		}
		if i >= 0 {
			return Existsf("%s is already a member of the group %s", a, g.Address)
		}
		o, ok, err := tx.Owner(a)
		if err != nil {
			return err
		}
		switch {
		case !ok:
			return NotFoundf("%s is not a member; add the member first", a)
		case o.Kind == OwnerAlias:
			return Invalidf("%s is an alias of %s; aliases cannot be group members, add %s instead", a, o.Member, o.Member)
		case o.Kind == OwnerGroup:
			if err := noGroupLoop(tx, g.Address, a); err != nil {
				return err
			}
		case o.Kind != OwnerMember:
			return Invalidf("%s is %s; only members and other groups can be group members", a, o.Describe(a))
		}
		g.Members = append(g.Members, a)
	default:
		return Invalidf("name a member address or --dept PATH")
	}
	return tx.PutGroup(g)
}

// noGroupLoop refuses to nest the group inner in outer when outer is
// already inside inner (or is inner itself).
func noGroupLoop(v View, outer, inner Address) error {
	seen := map[Address]bool{}
	var reaches func(a Address) bool
	reaches = func(a Address) bool {
		if a == outer {
			return true
		}
		if seen[a] {
			return false
		}
		seen[a] = true
		g, err := v.Group(a)
		if err != nil {
			return false
		}
		for _, m := range g.Members {
			if reaches(m) {
				return true
			}
		}
		return false
	}
	if reaches(inner) {
		return Invalidf("the group %s already contains %s (or is it): adding it would make a loop", inner, outer)
	}
	return nil
}

// AddShared creates a shared mailbox owned by a department (SEND-3, SEND-7).
type AddShared struct {
	Address Address
	Name    string
	Dept    string
}

// Op names the operation.
func (c *AddShared) Op() string { return "shared.add" }

// Target names the mailbox.
func (c *AddShared) Target() string { return string(c.Address) }

// Authorize needs group.manage over the owning department.
func (c *AddShared) Authorize(v View, a Actor) error {
	s, err := deptScope(v, c.Dept)
	if err != nil {
		return err
	}
	return Authorize(a, RightGroupManage, s, v)
}

// Apply creates the shared mailbox.
func (c *AddShared) Apply(tx Tx, env Env) error {
	a, err := ParseAddress(string(c.Address))
	if err != nil {
		return err
	}
	if err := addressFree(tx, a); err != nil {
		return err
	}
	name, err := CleanName("mailbox name", c.Name, 64)
	if err != nil {
		return err
	}
	d, err := resolveDept(tx, c.Dept)
	if err != nil {
		return err
	}
	return tx.PutShared(&SharedMailbox{Address: a, Name: name, Dept: d.ID, Created: env.Now})
}

// DeleteShared removes a shared mailbox.
type DeleteShared struct{ Address Address }

// Op names the operation.
func (c *DeleteShared) Op() string { return "shared.rm" }

// Target names the mailbox.
func (c *DeleteShared) Target() string { return string(c.Address) }

// Authorize needs group.manage over the owning department.
func (c *DeleteShared) Authorize(v View, a Actor) error {
	s, err := v.Shared(c.Address)
	if err != nil {
		return err
	}
	return Authorize(a, RightGroupManage, Scope{s.Dept}, v)
}

// Apply deletes it.
func (c *DeleteShared) Apply(tx Tx, env Env) error {
	if _, err := tx.Shared(c.Address); err != nil {
		return err
	}
	return tx.DeleteShared(c.Address)
}

// GrantRole gives a member a role, over the whole company or a department
// subtree (ROLE-1). Only admins grant roles, so a sub-admin cannot make
// sub-admins. Officer and head are a department's: granting them sets the
// department's officer or adds a head.
type GrantRole struct {
	Address Address
	Role    Role
	Scope   string // department path; empty for the whole company
	Rights  []SubRight
}

// Op names the operation.
func (c *GrantRole) Op() string { return "role.grant" }

// Target names the member.
func (c *GrantRole) Target() string { return string(c.Address) }

// Authorize needs role.manage over the whole company.
func (c *GrantRole) Authorize(v View, a Actor) error {
	return Authorize(a, RightRoleManage, nil, v)
}

// Apply grants the role.
func (c *GrantRole) Apply(tx Tx, env Env) error {
	m, err := tx.Member(c.Address)
	if err != nil {
		return err
	}
	var scope DeptID
	if strings.Trim(c.Scope, "/ ") != "" {
		d, err := resolveDept(tx, c.Scope)
		if err != nil {
			return err
		}
		scope = d.ID
	}
	switch c.Role {
	case RoleMember:
		return Invalidf("every member already holds the member role")
	case RoleOfficer, RoleHead:
		if scope == 0 {
			return Invalidf("%s is a department's role: give --scope PATH", c.Role)
		}
		d, err := tx.Dept(scope)
		if err != nil {
			return err
		}
		cp := *d
		if c.Role == RoleOfficer {
			cp.Officer = m.Address
		} else if !slices.Contains(cp.Heads, m.Address) {
			cp.Heads = append(slices.Clone(cp.Heads), m.Address)
		}
		return tx.PutDept(&cp)
	case RoleSubadmin:
		if scope == 0 {
			return Invalidf("a sub-admin works on department subtrees: give --scope PATH")
		}
		if len(c.Rights) == 0 {
			return Invalidf("name the sub-admin's rights with --rights members,groups,announcements")
		}
	case RoleAdmin, RoleAuditor, RoleUnitOfficer:
		if scope != 0 {
			return Invalidf("the %s role covers the whole company; leave out --scope", c.Role)
		}
	}
	if c.Role != RoleSubadmin && len(c.Rights) > 0 {
		return Invalidf("only sub-admins take --rights")
	}
	if m.Status != StatusActive && m.Status != StatusLocked {
		return Conflictf("%s is %s; enable the account first", m.Address, Word(m.Status))
	}
	for _, g := range m.Roles {
		if g.Role == c.Role && g.Scope == scope && slices.Equal(g.Rights, c.Rights) {
			return Existsf("%s already holds %s there", m.Address, c.Role)
		}
	}
	m = m.Clone()
	m.Roles = append(m.Roles, RoleGrant{Role: c.Role, Scope: scope, Rights: c.Rights, By: env.Actor.Address, Granted: env.Now})
	m.Updated = env.Now
	return tx.PutMember(m)
}

// RevokeRole takes a role away; with a Scope only the grant over that
// department, otherwise every grant of that role.
type RevokeRole struct {
	Address Address
	Role    Role
	Scope   string
}

// Op names the operation.
func (c *RevokeRole) Op() string { return "role.revoke" }

// Target names the member.
func (c *RevokeRole) Target() string { return string(c.Address) }

// Authorize needs role.manage.
func (c *RevokeRole) Authorize(v View, a Actor) error {
	return Authorize(a, RightRoleManage, nil, v)
}

// Apply revokes the role.
func (c *RevokeRole) Apply(tx Tx, env Env) error {
	m, err := tx.Member(c.Address)
	if err != nil {
		return err
	}
	var scope DeptID
	if strings.Trim(c.Scope, "/ ") != "" {
		d, err := resolveDept(tx, c.Scope)
		if err != nil {
			return err
		}
		scope = d.ID
	}
	if c.Role == RoleOfficer || c.Role == RoleHead {
		if scope == 0 {
			return Invalidf("%s is a department's role: give --scope PATH", c.Role)
		}
		d, err := tx.Dept(scope)
		if err != nil {
			return err
		}
		cp := *d
		if c.Role == RoleOfficer && cp.Officer == m.Address {
			cp.Officer = ""
		} else if c.Role == RoleHead && slices.Contains(cp.Heads, m.Address) {
			cp.Heads = slices.DeleteFunc(slices.Clone(cp.Heads), func(x Address) bool { return x == m.Address })
		} else {
			return NotFoundf("%s is not %s of %s", m.Address, c.Role, tx.DeptPath(scope))
		}
		return tx.PutDept(&cp)
	}
	kept := slices.DeleteFunc(slices.Clone(m.Roles), func(g RoleGrant) bool {
		return g.Role == c.Role && (scope == 0 || g.Scope == scope)
	})
	if len(kept) == len(m.Roles) {
		return NotFoundf("%s does not hold the role %s", m.Address, c.Role)
	}
	if c.Role == RoleAdmin {
		if err := keepAnAdmin(tx, m); err != nil {
			return err
		}
		if m.Address == env.Actor.Address {
			return Conflictf("you cannot take away your own admin role; ask another admin")
		}
	}
	m = m.Clone()
	m.Roles = kept
	m.Updated = env.Now
	return tx.PutMember(m)
}
