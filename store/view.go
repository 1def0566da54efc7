package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"

	"postroom/model"
)

// Reader is a read-only look at the data as of one transaction. It
// implements model.View and the typed queries the doors use. It lives only
// inside the function given to Store.Read.
type Reader struct {
	tx    *bolt.Tx
	depts map[model.DeptID]*model.Department
	// policy caches the decoded mail policy between read transactions
	// (ReadOnlyMailPolicy); nil inside a write transaction.
	policy *atomic.Pointer[policyCache]
	// reqStrings shares the strings that repeat between the requests this
	// Reader decodes (decodeRequest); reqBucket is the requests bucket,
	// opened once (an inbox reads thousands by id).
	reqStrings strIntern
	reqBucket  *bolt.Bucket
}

// policyCache is the mail policy as of the write transaction txid: the
// database cannot differ between read transactions that see the same txid.
type policyCache struct {
	txid int
	pol  model.MailPolicy
}

func newReader(tx *bolt.Tx) *Reader {
	return &Reader{tx: tx, depts: map[model.DeptID]*model.Department{}}
}

// Read runs fn with a consistent read-only view.
func (s *Store) Read(fn func(r *Reader) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		r := newReader(tx)
		r.policy = &s.policy
		return fn(r)
	})
}

func getJSON[T any](tx *bolt.Tx, bucket, key []byte) (*T, error) {
	raw := tx.Bucket(bucket).Get(key)
	if raw == nil {
		return nil, nil
	}
	v := new(T)
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, fmt.Errorf("decode %s/%q: %w", bucket, key, err)
	}
	return v, nil
}

func addrKey(a model.Address) []byte {
	return []byte(a.Domain() + "\x00" + a.Local())
}

// Enterprise returns the enterprise profile.
func (r *Reader) Enterprise() (model.Enterprise, error) {
	e, err := getJSON[model.Enterprise](r.tx, bMeta, []byte("enterprise"))
	if err != nil {
		return model.Enterprise{}, err
	}
	if e == nil {
		return model.Enterprise{}, model.NotFoundf("no enterprise here yet: run postroom init first")
	}
	return *e, nil
}

// Policy returns the password policy.
func (r *Reader) Policy() (model.PasswordPolicy, error) {
	p, err := getJSON[model.PasswordPolicy](r.tx, bMeta, []byte("policy"))
	if err != nil {
		return model.PasswordPolicy{}, err
	}
	if p == nil {
		return model.PolicyPreset("nist")
	}
	return *p, nil
}

// LoginRules returns where members may log in from, and the named sites.
func (r *Reader) LoginRules() (model.LoginRules, error) {
	p, err := getJSON[model.LoginRules](r.tx, bMeta, []byte("loginrules"))
	if err != nil || p == nil {
		return model.LoginRules{}, err
	}
	return *p, nil
}

// MailPolicy returns the mail policy; the defaults, built for the primary
// domain, when none was saved.
func (r *Reader) MailPolicy() (model.MailPolicy, error) {
	p, err := getJSON[model.MailPolicy](r.tx, bMeta, []byte("mailpolicy"))
	if err != nil {
		return model.MailPolicy{}, err
	}
	if p != nil {
		return *p, nil
	}
	ds, err := r.Domains()
	if err != nil {
		return model.MailPolicy{}, err
	}
	primary := ""
	if len(ds) > 0 {
		primary = ds[0].Name
	}
	return model.DefaultMailPolicy(primary), nil
}

// ReadOnlyMailPolicy is MailPolicy decoded once per committed version of
// the database and shared by every reader of that version: the relay asks
// for it on every message. The caller must not modify it (its slices and
// maps are shared); use MailPolicy for a policy to change.
func (r *Reader) ReadOnlyMailPolicy() (model.MailPolicy, error) {
	if r.policy == nil {
		return r.MailPolicy()
	}
	txid := r.tx.ID()
	if c := r.policy.Load(); c != nil && c.txid == txid {
		return c.pol, nil
	}
	p, err := r.MailPolicy()
	if err != nil {
		return p, err
	}
	r.policy.Store(&policyCache{txid: txid, pol: p})
	return p, nil
}

// Domains lists the mail domains, primary first.
func (r *Reader) Domains() ([]model.Domain, error) {
	var out []model.Domain
	err := r.tx.Bucket(bDomains).ForEach(func(k, v []byte) error {
		var d model.Domain
		if err := json.Unmarshal(v, &d); err != nil {
			return err
		}
		if d.Primary {
			out = append([]model.Domain{d}, out...)
		} else {
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

// IsLocal reports whether domain is one of the company's.
func (r *Reader) IsLocal(domain string) bool {
	return r.tx.Bucket(bDomains).Get([]byte(domain)) != nil
}

// Dept returns a department by id.
func (r *Reader) Dept(id model.DeptID) (*model.Department, error) {
	if d, ok := r.depts[id]; ok {
		return d, nil
	}
	d, err := getJSON[model.Department](r.tx, bDepts, id8(id))
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, model.NotFoundf("department %d does not exist", id)
	}
	r.depts[id] = d
	return d, nil
}

// DeptChild finds a department by parent and name.
func (r *Reader) DeptChild(parent model.DeptID, name string) (*model.Department, error) {
	raw := r.tx.Bucket(bDeptChild).Get(append(id8(parent), name...))
	if raw == nil {
		return nil, model.NotFoundf("%s has no department named %s", r.DeptPath(parent), name)
	}
	return r.Dept(model.DeptID(binary.BigEndian.Uint64(raw)))
}

// DeptByPath finds a department by its path relative to the root.
func (r *Reader) DeptByPath(path string) (*model.Department, error) {
	parts, err := model.SplitDeptPath(path)
	if err != nil {
		return nil, err
	}
	d, err := r.Dept(model.RootDept)
	if err != nil {
		return nil, err
	}
	for i, name := range parts {
		next, err := r.DeptChild(d.ID, name)
		if err != nil {
			return nil, model.NotFoundf("department %s does not exist (no %s under %s): create it with dept add %s, or check the spelling",
				strings.Join(parts, "/"), name, r.DeptPath(d.ID), strings.Join(parts[:i+1], "/"))
		}
		d = next
	}
	return d, nil
}

// DeptChildren lists the departments directly below id, in name order.
func (r *Reader) DeptChildren(id model.DeptID) ([]model.DeptID, error) {
	var out []model.DeptID
	prefix := id8(id)
	c := r.tx.Bucket(bDeptChild).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		out = append(out, model.DeptID(binary.BigEndian.Uint64(v)))
	}
	return out, nil
}

// DeptMembers lists the members placed directly in a department, leavers
// (reclaimed) not included: they are listed by DeptLeavers.
func (r *Reader) DeptMembers(id model.DeptID) ([]model.Address, error) {
	var out []model.Address
	prefix := id8(id)
	c := r.tx.Bucket(bDeptMember).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, model.Address(k[8:]))
	}
	return out, nil
}

// DeptLeavers lists the reclaimed leavers whose record names a department.
func (r *Reader) DeptLeavers(id model.DeptID) ([]model.Address, error) {
	var out []model.Address
	prefix := id8(id)
	c := r.tx.Bucket(bDeptLeaver).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, model.Address(k[8:]))
	}
	return out, nil
}

// DeptMemberCount counts the members placed directly in a department,
// leavers (reclaimed) not included.
func (r *Reader) DeptMemberCount(id model.DeptID) int {
	n := 0
	prefix := id8(id)
	c := r.tx.Bucket(bDeptMember).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		n++
	}
	return n
}

// DeptPath returns a department's path relative to the root ("/" for the root).
func (r *Reader) DeptPath(id model.DeptID) string {
	var parts []string
	for id != model.RootDept && id != 0 {
		d, err := r.Dept(id)
		if err != nil {
			return fmt.Sprintf("#%d", id)
		}
		parts = append(parts, d.Name)
		id = d.Parent
		if len(parts) > model.MaxDeptDepth+2 {
			break
		}
	}
	if len(parts) == 0 {
		return "/"
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, "/")
}

// Within reports whether dept is root or lies below it.
func (r *Reader) Within(dept, root model.DeptID) bool {
	for i := 0; i <= model.MaxDeptDepth+2; i++ {
		if dept == root {
			return true
		}
		if dept == model.RootDept || dept == 0 {
			return false
		}
		d, err := r.Dept(dept)
		if err != nil {
			return false
		}
		dept = d.Parent
	}
	return false
}

// Member returns a member by address.
func (r *Reader) Member(a model.Address) (*model.Member, error) {
	m, err := getJSON[model.Member](r.tx, bMembers, []byte(a))
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, model.NotFoundf("no member %s: check the address, or search with member list --query", a)
	}
	return m, nil
}

// Owner says what an address belongs to.
func (r *Reader) Owner(a model.Address) (model.Owner, bool, error) {
	if !strings.Contains(string(a), "@") {
		return model.Owner{}, false, nil
	}
	o, err := getJSON[model.Owner](r.tx, bAddr, addrKey(a))
	if err != nil || o == nil {
		return model.Owner{}, false, err
	}
	return *o, true, nil
}

// Resolve finds the member behind an address or alias.
func (r *Reader) Resolve(a model.Address) (*model.Member, error) {
	o, ok, err := r.Owner(a)
	if err != nil {
		return nil, err
	}
	if ok && o.Kind == model.OwnerAlias {
		a = o.Member
	}
	return r.Member(a)
}

// Addresses lists every address in a domain.
func (r *Reader) Addresses(domain string) ([]model.Address, error) {
	var out []model.Address
	prefix := []byte(domain + "\x00")
	c := r.tx.Bucket(bAddr).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, model.Address(string(k[len(prefix):])+"@"+domain))
	}
	return out, nil
}

// EmployeeID finds the member with an employee id (case-insensitive).
func (r *Reader) EmployeeID(id string) (model.Address, bool, error) {
	raw := r.tx.Bucket(bEmpID).Get([]byte(strings.ToLower(id)))
	if raw == nil {
		return "", false, nil
	}
	return model.Address(raw), true, nil
}

// KeyOwner finds the member who registered an SSH key.
func (r *Reader) KeyOwner(fp string) (model.Address, bool, error) {
	raw := r.tx.Bucket(bSSHKeys).Get([]byte(fp))
	if raw == nil {
		return "", false, nil
	}
	return model.Address(raw), true, nil
}

// Group returns a group by address.
func (r *Reader) Group(a model.Address) (*model.Group, error) {
	g, err := getJSON[model.Group](r.tx, bGroups, []byte(a))
	if err != nil {
		return nil, err
	}
	if g == nil {
		return nil, model.NotFoundf("no group %s: list the groups with group list", a)
	}
	return g, nil
}

// Groups lists every group.
func (r *Reader) Groups() ([]*model.Group, error) {
	return listJSON[model.Group](r.tx, bGroups)
}

// GroupsOf lists the groups that name the member directly.
func (r *Reader) GroupsOf(a model.Address) ([]model.Address, error) {
	var out []model.Address
	prefix := []byte(string(a) + "\x00")
	c := r.tx.Bucket(bMemberOf).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, model.Address(k[len(prefix):]))
	}
	return out, nil
}

// Shared returns a shared mailbox.
func (r *Reader) Shared(a model.Address) (*model.SharedMailbox, error) {
	s, err := getJSON[model.SharedMailbox](r.tx, bShared, []byte(a))
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, model.NotFoundf("no shared mailbox %s", a)
	}
	return s, nil
}

// SharedMailboxes lists every shared mailbox.
func (r *Reader) SharedMailboxes() ([]*model.SharedMailbox, error) {
	return listJSON[model.SharedMailbox](r.tx, bShared)
}

// ScopedRoles lists the members holding a role scoped to a department.
func (r *Reader) ScopedRoles(id model.DeptID) ([]model.Address, error) {
	var out []model.Address
	prefix := id8(id)
	c := r.tx.Bucket(bRoleScope).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, model.Address(k[8:]))
	}
	return out, nil
}

// Admins lists the members holding the admin role.
func (r *Reader) Admins() ([]model.Address, error) {
	var out []model.Address
	err := r.tx.Bucket(bAdmins).ForEach(func(k, _ []byte) error {
		out = append(out, model.Address(k))
		return nil
	})
	return out, err
}

// DeptsLedBy lists the departments a member heads or signs for.
func (r *Reader) DeptsLedBy(a model.Address) ([]model.DeptID, error) {
	var out []model.DeptID
	prefix := []byte(string(a) + "\x00")
	c := r.tx.Bucket(bDeptLead).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, model.DeptID(binary.BigEndian.Uint64(k[len(prefix):])))
	}
	return out, nil
}

func listJSON[T any](tx *bolt.Tx, bucket []byte) ([]*T, error) {
	var out []*T
	err := tx.Bucket(bucket).ForEach(func(k, v []byte) error {
		x := new(T)
		if err := json.Unmarshal(v, x); err != nil {
			return fmt.Errorf("decode %s/%q: %w", bucket, k, err)
		}
		out = append(out, x)
		return nil
	})
	return out, err
}

// Actor builds the actor for a member: granted roles plus head and officer
// roles derived from the departments they lead.
func (r *Reader) Actor(a model.Address, door model.Door, source string) (model.Actor, error) {
	m, err := r.Member(a)
	if err != nil {
		return model.Actor{}, err
	}
	act := model.Actor{Address: m.Address, Name: m.Name, Roles: append([]model.RoleGrant(nil), m.Roles...), Door: door, Source: source}
	ids, err := r.DeptsLedBy(a)
	if err != nil {
		return model.Actor{}, err
	}
	for _, id := range ids {
		d, err := r.Dept(id)
		if err != nil {
			continue
		}
		for _, h := range d.Heads {
			if h == a {
				act.Roles = append(act.Roles, model.RoleGrant{Role: model.RoleHead, Scope: id})
				break
			}
		}
		if d.Officer == a {
			act.Roles = append(act.Roles, model.RoleGrant{Role: model.RoleOfficer, Scope: id})
		}
	}
	return act, nil
}

// indexLeavers moves the reclaimed leavers of a file of schema 4 from the
// department-member index to deptleaver (schema 5).
func indexLeavers(tx *bolt.Tx) error {
	dm, dl := tx.Bucket(bDeptMember), tx.Bucket(bDeptLeaver)
	return tx.Bucket(bMembers).ForEach(func(k, v []byte) error {
		var m model.Member
		if err := json.Unmarshal(v, &m); err != nil {
			return err
		}
		if m.Status != model.StatusReclaimed {
			return nil
		}
		for _, d := range m.Depts {
			key := append(id8(d), m.Address...)
			if err := dm.Delete(key); err != nil {
				return err
			}
			if err := dl.Put(key, nil); err != nil {
				return err
			}
		}
		return nil
	})
}

// reindexSearch writes the search index again from the members, for when
// model.SearchKeys changes what a member is found by.
func reindexSearch(tx *bolt.Tx) error {
	if err := tx.DeleteBucket(bSearch); err != nil {
		return err
	}
	b, err := tx.CreateBucket(bSearch)
	if err != nil {
		return err
	}
	var keys []string
	if err := tx.Bucket(bMembers).ForEach(func(k, v []byte) error {
		var m model.Member
		if err := json.Unmarshal(v, &m); err != nil {
			return err
		}
		for _, sk := range model.SearchKeys(&m) {
			keys = append(keys, sk+"\x00"+string(m.Address))
		}
		return nil
	}); err != nil {
		return err
	}
	slices.Sort(keys)
	b.FillPercent = 0.9 // sorted inserts
	for _, k := range keys {
		if err := b.Put([]byte(k), nil); err != nil {
			return err
		}
	}
	return nil
}
