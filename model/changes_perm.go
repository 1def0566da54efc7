package model

import (
	"slices"
	"strings"
	"time"
)

// SetPermission saves a catalogue entry (PERM-1): the department that owns
// the permission, and the position classes and roles that hold it by
// themselves. Nil fields keep what the entry had. Admins maintain it.
type SetPermission struct {
	Name      string
	Owner     string // department path; "" keeps the owner
	Positions *[]Position
	Roles     *[]Role
}

// Op names the operation.
func (c *SetPermission) Op() string { return "perm.owner" }

// Target names the permission.
func (c *SetPermission) Target() string { return c.Name }

// Authorize needs perm.manage over the whole company.
func (c *SetPermission) Authorize(v View, a Actor) error {
	return Authorize(a, RightPermManage, nil, v)
}

// Apply checks the entry and saves it.
func (c *SetPermission) Apply(tx Tx, env Env) error {
	name, err := ParsePerm(c.Name)
	if err != nil {
		return err
	}
	if box, ok := strings.CutPrefix(name, PermSendAs); ok {
		if err := mustBeSendAsBox(tx, Address(box)); err != nil {
			return err
		}
	}
	p, err := LookupPermission(tx, name)
	if err != nil {
		return err
	}
	old := p
	p.Name = name
	if strings.TrimSpace(c.Owner) != "" {
		d, err := resolveDept(tx, c.Owner)
		if err != nil {
			return err
		}
		p.Owner = d.ID
	}
	if c.Positions != nil {
		p.Positions = slices.Clone(*c.Positions)
	}
	if c.Roles != nil {
		p.Roles = slices.Clone(*c.Roles)
	}
	if p.Owner == 0 {
		return Invalidf("the permission %s needs an owning department: give it as perm owner %s PATH", name, name)
	}
	if p.Owner == old.Owner && slices.Equal(p.Positions, old.Positions) && slices.Equal(p.Roles, old.Roles) && !old.Updated.IsZero() {
		return nil // nothing changes
	}
	p.By, p.Updated = env.Actor.Address, env.Now
	return tx.PutPermission(p)
}

// mustBeSendAsBox checks that a is a mailbox one sends as: a shared or a
// department mailbox.
func mustBeSendAsBox(v View, a Address) error {
	o, ok, err := v.Owner(a)
	if err != nil {
		return err
	}
	if !ok || (o.Kind != OwnerShared && o.Kind != OwnerDept) {
		return Invalidf("sendas:%s names no shared or department mailbox: members send as their own address without a permission", a)
	}
	return nil
}

// checkGrantable checks that a permission can be granted to m: a known
// name, not the sub-admin role's, a mailbox that exists for sendas.
func checkGrantable(v View, perm string) (string, error) {
	name, err := ParsePerm(perm)
	if err != nil {
		return "", err
	}
	if name == PermSubadmin {
		return "", Invalidf("subadmin is held through the sub-admin role: ask for it with request file grant --perm subadmin --scope PATH --rights RIGHTS, or an admin gives it with role grant")
	}
	if box, ok := strings.CutPrefix(name, PermSendAs); ok {
		if err := mustBeSendAsBox(v, Address(box)); err != nil {
			return "", err
		}
	}
	return name, nil
}

// grantTo sets a direct grant on the member, replacing any earlier direct
// grant of the same permission (a change of permission is a new grant).
func grantTo(tx Tx, env Env, a Address, g Grant) error {
	m, err := tx.Member(a)
	if err != nil {
		return err
	}
	if m.Status != StatusActive && m.Status != StatusLocked {
		return Conflictf("%s is %s; enable the account first", m.Address, Word(m.Status))
	}
	if !g.Until.IsZero() && !g.Until.After(env.Now) {
		return Invalidf("the grant would end at %s, which has passed: give a later --until", g.Until.UTC().Format(time.RFC3339))
	}
	if !g.From.IsZero() && !g.Until.IsZero() && !g.From.Before(g.Until) {
		return Invalidf("the grant's window is empty: it would start at %s and end at %s", g.From.UTC().Format(time.RFC3339), g.Until.UTC().Format(time.RFC3339))
	}
	m = m.Clone()
	m.Grants = slices.DeleteFunc(m.Grants, func(x Grant) bool { return x.Perm == g.Perm })
	m.Grants = append(m.Grants, g)
	m.Updated = env.Now
	return tx.PutMember(m)
}

// GrantPerm grants a permission to a member directly, for an optional
// window: IT setting what was approved on paper, or an admin's own grant.
// It replaces an earlier direct grant of the same permission.
type GrantPerm struct {
	Address Address
	Perm    string
	From    time.Time // zero: now
	Until   time.Time // zero: no end
	Reason  string
}

// Op names the operation.
func (c *GrantPerm) Op() string { return "perm.grant" }

// Target names the member.
func (c *GrantPerm) Target() string { return string(c.Address) }

// Authorize needs perm.grant over the member's departments.
func (c *GrantPerm) Authorize(v View, a Actor) error {
	_, s, err := memberScope(v, c.Address)
	if err != nil {
		return err
	}
	return Authorize(a, RightPermGrant, s, v)
}

// Apply grants it.
func (c *GrantPerm) Apply(tx Tx, env Env) error {
	name, err := checkGrantable(tx, c.Perm)
	if err != nil {
		return err
	}
	if r := strings.TrimSpace(c.Reason); r != "" {
		tx.Note("reason", r)
	}
	return grantTo(tx, env, c.Address, Grant{Perm: name, Source: SourceDirect, By: env.Actor.Address, From: c.From, Until: c.Until})
}

// RevokePerm takes a member's direct grant of a permission away. Rights by
// position class or role are the catalogue's; delegations end with perm back.
type RevokePerm struct {
	Address Address
	Perm    string
	Reason  string
}

// Op names the operation.
func (c *RevokePerm) Op() string { return "perm.revoke" }

// Target names the member.
func (c *RevokePerm) Target() string { return string(c.Address) }

// Authorize needs perm.grant over the member's departments.
func (c *RevokePerm) Authorize(v View, a Actor) error {
	_, s, err := memberScope(v, c.Address)
	if err != nil {
		return err
	}
	return Authorize(a, RightPermGrant, s, v)
}

// Apply revokes it.
func (c *RevokePerm) Apply(tx Tx, env Env) error {
	name, err := ParsePerm(c.Perm)
	if err != nil {
		return err
	}
	m, err := tx.Member(c.Address)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(m.Grants, func(g Grant) bool { return g.Perm == name }) {
		return NotFoundf("%s holds no direct grant of %s: perm list --member %s shows where its rights come from", m.Address, name, m.Address)
	}
	m = m.Clone()
	m.Grants = slices.DeleteFunc(m.Grants, func(g Grant) bool { return g.Perm == name })
	m.Updated = env.Now
	if r := strings.TrimSpace(c.Reason); r != "" {
		tx.Note("reason", r)
	}
	return tx.PutMember(m)
}

// MarkBack marks a person back at work (PERM-3, seed part 5 2.2(2)): every
// delegation of their permissions that is still running or yet to start
// ends now. The person themself, whoever may file requests about them, and
// IT may mark them back.
type MarkBack struct {
	Address Address
	// Ended is filled in by Apply: how many delegations it ended.
	Ended int
}

// Op names the operation.
func (c *MarkBack) Op() string { return "perm.back" }

// Target names the person.
func (c *MarkBack) Target() string { return string(c.Address) }

// Authorize lets the person, request.file or perm.grant over their departments.
func (c *MarkBack) Authorize(v View, a Actor) error {
	if a.Address == c.Address && !a.IsSystem() {
		return nil
	}
	_, s, err := memberScope(v, c.Address)
	if err != nil {
		return err
	}
	if Can(a, RightPermGrant, s, v) {
		return nil
	}
	return Authorize(a, RightRequestFile, s, v)
}

// Apply ends the delegations.
func (c *MarkBack) Apply(tx Tx, env Env) error {
	if _, err := tx.Member(c.Address); err != nil {
		return err
	}
	borrowers, err := tx.Borrowers(c.Address)
	if err != nil {
		return err
	}
	c.Ended = 0
	for _, b := range borrowers {
		m, err := tx.Member(b)
		if err != nil {
			return err
		}
		m = m.Clone()
		n := 0
		for i := range m.Delegations {
			d := &m.Delegations[i]
			if d.Lender == c.Address && d.Ended.IsZero() && env.Now.Before(d.Until) {
				d.Ended = env.Now
				n++
			}
		}
		if n == 0 {
			continue
		}
		c.Ended += n
		m.Updated = env.Now
		if err := tx.PutMember(m); err != nil {
			return err
		}
	}
	if c.Ended == 0 {
		return NotFoundf("nobody borrows the permissions of %s now: there is no delegation to end", c.Address)
	}
	return nil
}
