package model

import (
	"slices"
	"strings"
)

// resolveDept finds a department by path with a message that says what to do.
func resolveDept(v View, path string) (*Department, error) {
	return v.DeptByPath(path)
}

func deptScope(v View, path string) (Scope, error) {
	d, err := resolveDept(v, path)
	if err != nil {
		return nil, err
	}
	return Scope{d.ID}, nil
}

// parentPath splits "a/b/c" into "a/b" and "c".
func parentPath(path string) (string, string, error) {
	parts, err := SplitDeptPath(path)
	if err != nil {
		return "", "", err
	}
	if len(parts) == 0 {
		return "", "", Invalidf("the root department is the enterprise itself; name a department below it, like 销售部")
	}
	return strings.Join(parts[:len(parts)-1], "/"), parts[len(parts)-1], nil
}

// AddDept creates a department under an existing parent (ORG-3).
type AddDept struct {
	Path string
	// ID is set by Apply.
	ID DeptID
}

// Op names the operation.
func (c *AddDept) Op() string { return "dept.add" }

// Target names the department.
func (c *AddDept) Target() string { return c.Path }

// Authorize needs dept.manage over the parent.
func (c *AddDept) Authorize(v View, a Actor) error {
	parent, _, err := parentPath(c.Path)
	if err != nil {
		return err
	}
	s, err := deptScope(v, parent)
	if err != nil {
		return err
	}
	return Authorize(a, RightDeptManage, s, v)
}

// Apply creates the department.
func (c *AddDept) Apply(tx Tx, env Env) error {
	parentP, name, err := parentPath(c.Path)
	if err != nil {
		return err
	}
	parent, err := resolveDept(tx, parentP)
	if err != nil {
		return err
	}
	if _, err := tx.DeptChild(parent.ID, name); err == nil {
		return Existsf("department %s already exists", c.Path)
	}
	depth, err := DeptDepth(tx, parent.ID)
	if err != nil {
		return err
	}
	if depth+1 > MaxDeptDepth {
		return Invalidf("department %s would be level %d; at most %d levels are allowed below the root", c.Path, depth+1, MaxDeptDepth)
	}
	id, err := tx.NewDeptID()
	if err != nil {
		return err
	}
	c.ID = id
	return tx.PutDept(&Department{ID: id, Parent: parent.ID, Name: name, Created: env.Now})
}

// SetDept sets a department's heads, permission officer and mailbox (ORG-4).
// Nil fields stay as they are.
type SetDept struct {
	Path    string
	Heads   *[]Address
	Officer *Address
	Mailbox *Address
}

// Op names the operation.
func (c *SetDept) Op() string { return "dept.set" }

// Target names the department.
func (c *SetDept) Target() string { return c.Path }

// Authorize needs dept.manage over the department.
func (c *SetDept) Authorize(v View, a Actor) error {
	s, err := deptScope(v, c.Path)
	if err != nil {
		return err
	}
	return Authorize(a, RightDeptManage, s, v)
}

func mustBeMember(v View, a Address, what string) error {
	if _, err := ParseAddress(string(a)); err != nil {
		return err
	}
	o, ok, err := v.Owner(a)
	if err != nil {
		return err
	}
	if !ok {
		return NotFoundf("%s %s is not a member; add the member first", what, a)
	}
	if o.Kind != OwnerMember {
		return Invalidf("%s %s is %s; name the member's own address", what, a, o.Describe(a))
	}
	return nil
}

// Apply writes the department.
func (c *SetDept) Apply(tx Tx, env Env) error {
	d, err := resolveDept(tx, c.Path)
	if err != nil {
		return err
	}
	cp := *d
	if c.Heads != nil {
		var heads []Address
		for _, h := range *c.Heads {
			if err := mustBeMember(tx, h, "head"); err != nil {
				return err
			}
			if !slices.Contains(heads, h) {
				heads = append(heads, h)
			}
		}
		cp.Heads = heads
	}
	if c.Officer != nil {
		if *c.Officer != "" {
			if err := mustBeMember(tx, *c.Officer, "permission officer"); err != nil {
				return err
			}
		}
		cp.Officer = *c.Officer
	}
	if c.Mailbox != nil && *c.Mailbox != d.Mailbox {
		if mb := *c.Mailbox; mb != "" {
			a, err := ParseAddress(string(mb))
			if err != nil {
				return err
			}
			if err := addressFree(tx, a); err != nil {
				return err
			}
		}
		cp.Mailbox = *c.Mailbox
	}
	return tx.PutDept(&cp)
}

// addressFree checks that a new address is in a local domain and unused.
func addressFree(v View, a Address) error {
	if _, err := ParseAddress(string(a)); err != nil {
		return err
	}
	if !v.IsLocal(a.Domain()) {
		return Invalidf("%s is not in one of the company's domains; add the domain %s first or pick another address", a, a.Domain())
	}
	o, ok, err := v.Owner(a)
	if err != nil {
		return err
	}
	if ok {
		return Existsf("%s is already taken: it is %s", a, o.Describe(a))
	}
	return nil
}

// RenameDept gives a department a new name in the same place.
type RenameDept struct {
	Path string
	Name string
}

// Op names the operation.
func (c *RenameDept) Op() string { return "dept.rename" }

// Target names the department.
func (c *RenameDept) Target() string { return c.Path }

// Authorize needs dept.manage over the department.
func (c *RenameDept) Authorize(v View, a Actor) error {
	s, err := deptScope(v, c.Path)
	if err != nil {
		return err
	}
	return Authorize(a, RightDeptManage, s, v)
}

// Apply renames the department.
func (c *RenameDept) Apply(tx Tx, env Env) error {
	d, err := resolveDept(tx, c.Path)
	if err != nil {
		return err
	}
	if d.ID == RootDept {
		return Invalidf("the root department carries the enterprise name; change it with org set --name")
	}
	name, err := CleanName("department name", c.Name, 64)
	if err != nil {
		return err
	}
	if strings.Contains(name, "/") {
		return Invalidf("department name %q holds '/', which separates levels; pick a name without it", name)
	}
	if other, err := tx.DeptChild(d.Parent, name); err == nil && other.ID != d.ID {
		return Existsf("a department named %s already stands beside %s", name, c.Path)
	}
	cp := *d
	cp.Name = name
	return tx.PutDept(&cp)
}

// MoveDept moves a department, with its subtree, under another parent.
type MoveDept struct {
	Path   string
	Parent string
}

// Op names the operation.
func (c *MoveDept) Op() string { return "dept.move" }

// Target names the department.
func (c *MoveDept) Target() string { return c.Path }

// Authorize needs dept.manage over the department and the new parent.
func (c *MoveDept) Authorize(v View, a Actor) error {
	d, err := resolveDept(v, c.Path)
	if err != nil {
		return err
	}
	p, err := resolveDept(v, c.Parent)
	if err != nil {
		return err
	}
	return Authorize(a, RightDeptManage, Scope{d.ID, p.ID}, v)
}

// Apply moves the department.
func (c *MoveDept) Apply(tx Tx, env Env) error {
	d, err := resolveDept(tx, c.Path)
	if err != nil {
		return err
	}
	if d.ID == RootDept {
		return Invalidf("the root department cannot move")
	}
	p, err := resolveDept(tx, c.Parent)
	if err != nil {
		return err
	}
	if tx.Within(p.ID, d.ID) {
		return Invalidf("cannot move %s under %s: that is inside its own subtree", tx.DeptPath(d.ID), tx.DeptPath(p.ID))
	}
	if p.ID == d.Parent {
		return nil
	}
	if _, err := tx.DeptChild(p.ID, d.Name); err == nil {
		return Existsf("%s already has a department named %s; rename one first", tx.DeptPath(p.ID), d.Name)
	}
	depth, err := DeptDepth(tx, p.ID)
	if err != nil {
		return err
	}
	height, err := SubtreeHeight(tx, d.ID)
	if err != nil {
		return err
	}
	if depth+1+height > MaxDeptDepth {
		return Invalidf("moving %s under %s would make the tree %d levels deep; at most %d are allowed", tx.DeptPath(d.ID), tx.DeptPath(p.ID), depth+1+height, MaxDeptDepth)
	}
	cp := *d
	cp.Parent = p.ID
	return tx.PutDept(&cp)
}

// DeleteDept deletes an empty department, or one whose members move up to
// its parent when MoveMembersUp is set (ORG-3).
type DeleteDept struct {
	Path          string
	MoveMembersUp bool
}

// Op names the operation.
func (c *DeleteDept) Op() string { return "dept.rm" }

// Target names the department.
func (c *DeleteDept) Target() string { return c.Path }

// Authorize needs dept.manage over the department and its parent.
func (c *DeleteDept) Authorize(v View, a Actor) error {
	d, err := resolveDept(v, c.Path)
	if err != nil {
		return err
	}
	return Authorize(a, RightDeptManage, Scope{d.ID, d.Parent}, v)
}

// DeptLeaverLister lists the reclaimed leavers whose record names a
// department (DeptMembers lists the people who work there; leavers are
// not among them).
type DeptLeaverLister interface {
	DeptLeavers(id DeptID) ([]Address, error)
}

// RoleScopeLister lists the members holding a role scoped to a department.
type RoleScopeLister interface {
	ScopedRoles(id DeptID) ([]Address, error)
}

// Apply deletes the department.
func (c *DeleteDept) Apply(tx Tx, env Env) error {
	d, err := resolveDept(tx, c.Path)
	if err != nil {
		return err
	}
	if d.ID == RootDept {
		return Invalidf("the root department is the enterprise itself and cannot be deleted")
	}
	path := tx.DeptPath(d.ID)
	kids, err := tx.DeptChildren(d.ID)
	if err != nil {
		return err
	}
	if len(kids) > 0 {
		return Conflictf("department %s still has %d departments below it; move or delete them first", path, len(kids))
	}
	if l, ok := tx.(RoleScopeLister); ok {
		holders, err := l.ScopedRoles(d.ID)
		if err != nil {
			return err
		}
		if len(holders) > 0 {
			return Conflictf("roles are scoped to %s (held by %s); revoke them first", path, strings.Join(addrStrings(holders), ", "))
		}
	}
	groups, err := tx.Groups()
	if err != nil {
		return err
	}
	for _, g := range groups {
		if g.Owner == d.ID || slices.Contains(g.Depts, d.ID) {
			return Conflictf("the group %s includes or belongs to %s; change the group first", g.Address, path)
		}
	}
	shared, err := tx.SharedMailboxes()
	if err != nil {
		return err
	}
	for _, s := range shared {
		if s.Dept == d.ID {
			return Conflictf("the shared mailbox %s belongs to %s; give it to another department first", s.Address, path)
		}
	}
	members, err := tx.DeptMembers(d.ID)
	if err != nil {
		return err
	}
	if len(members) > 0 && !c.MoveMembersUp {
		return Conflictf("department %s still has %d members; move them first, or delete with --move-members-up to place them in %s", path, len(members), tx.DeptPath(d.Parent))
	}
	for _, a := range members {
		m, err := tx.Member(a)
		if err != nil {
			return err
		}
		m = m.Clone()
		m.Depts = slices.DeleteFunc(m.Depts, func(x DeptID) bool { return x == d.ID })
		if !slices.Contains(m.Depts, d.Parent) {
			m.Depts = append(m.Depts, d.Parent)
		}
		if len(m.Depts) > 1 {
			m.Depts = slices.DeleteFunc(m.Depts, func(x DeptID) bool { return x == RootDept })
		}
		m.Updated = env.Now
		if err := tx.PutMember(m); err != nil {
			return err
		}
	}
	if err := leaversUp(tx, env, d); err != nil {
		return err
	}
	if d.Mailbox != "" {
		tx.Note("mailbox", "the department mailbox "+string(d.Mailbox)+" was released")
	}
	return tx.DeleteDept(d.ID)
}

func addrStrings(as []Address) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = string(a)
	}
	return out
}

// leaversUp makes the records of the leavers placed in a department that is
// deleted name its parent instead, so that no record names a department
// that is gone. Leavers do not keep a department from being deleted.
func leaversUp(tx Tx, env Env, d *Department) error {
	l, ok := tx.(DeptLeaverLister)
	if !ok {
		return nil
	}
	leavers, err := l.DeptLeavers(d.ID)
	if err != nil {
		return err
	}
	for _, a := range leavers {
		m, err := tx.Member(a)
		if err != nil {
			return err
		}
		m = m.Clone()
		m.Depts = slices.DeleteFunc(m.Depts, func(x DeptID) bool { return x == d.ID })
		if !slices.Contains(m.Depts, d.Parent) {
			m.Depts = append(m.Depts, d.Parent)
		}
		if len(m.Depts) > 1 {
			m.Depts = slices.DeleteFunc(m.Depts, func(x DeptID) bool { return x == RootDept })
		}
		m.Updated = env.Now
		if err := tx.PutMember(m); err != nil {
			return err
		}
	}
	return nil
}
