package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"postroom/model"
)

// writeTx is the model.Tx the store hands to a change: a Reader that can
// also write, keeping every index in step and noting what it changed for
// the operation log.
type writeTx struct {
	*Reader
	diffs  map[string]*Diff // kind/key → diff, for the current change
	order  []string
	notes  []Note
	events []Event
	// storedNotes go on the log record of a change an approval applies
	// (foureyes.go): the backup taken before it.
	storedNotes []Note
	// pending are deferred index writes: bucket → key → what to write.
	pending map[string]map[string]pendingEntry
	// stats is the change to the member counts, written at flush.
	stats      MemberStats
	statsDirty bool
}

// Diff is one thing a change wrote: its state before and after (secrets
// redacted). Before is null for a new thing, After null for a deleted one.
type Diff struct {
	Kind   string          `json:"kind"`
	Key    string          `json:"key"`
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
}

// Note is an extra line on an operation-log record.
type Note struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func newWriteTx(tx *bolt.Tx) *writeTx {
	return &writeTx{Reader: newReader(tx), diffs: map[string]*Diff{}}
}

// begin starts recording a new change.
func (w *writeTx) begin() {
	w.diffs = map[string]*Diff{}
	w.order = w.order[:0]
	w.notes = nil
}

func (w *writeTx) record(kind, key string, before, after any) {
	id := kind + "/" + key
	d, ok := w.diffs[id]
	if !ok {
		d = &Diff{Kind: kind, Key: key, Before: mustJSON(before)}
		w.diffs[id] = d
		w.order = append(w.order, id)
	}
	d.After = mustJSON(after)
}

func (w *writeTx) taken() []Diff {
	out := make([]Diff, 0, len(w.order))
	for _, id := range w.order {
		out = append(out, *w.diffs[id])
	}
	return out
}

func mustJSON(v any) json.RawMessage {
	if v == nil {
		return json.RawMessage("null")
	}
	switch x := v.(type) {
	case *model.Member:
		if x == nil {
			return json.RawMessage("null")
		}
		v = x.Redacted()
	case *model.Department:
		if x == nil {
			return json.RawMessage("null")
		}
	case *model.Group:
		if x == nil {
			return json.RawMessage("null")
		}
	case *model.SharedMailbox:
		if x == nil {
			return json.RawMessage("null")
		}
	case *model.Domain:
		if x == nil {
			return json.RawMessage("null")
		}
	case *model.Request:
		if x == nil {
			return json.RawMessage("null")
		}
	case *model.Permission:
		if x == nil {
			return json.RawMessage("null")
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("store: encode %T: %v", v, err))
	}
	return b
}

// Note adds a line to the current change's log record.
func (w *writeTx) Note(key, value string) { w.notes = append(w.notes, Note{key, value}) }

func (w *writeTx) put(bucket, key []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return w.tx.Bucket(bucket).Put(key, b)
}

// claim makes addr owned by o, refusing an address another thing owns.
func (w *writeTx) claim(a model.Address, o model.Owner) error {
	b := w.tx.Bucket(bAddr)
	k := addrKey(a)
	if raw := b.Get(k); raw != nil {
		var cur model.Owner
		if err := json.Unmarshal(raw, &cur); err == nil && cur == o {
			return nil
		}
		return model.Existsf("%s is already taken: it is %s", a, cur.Describe(a))
	}
	v, _ := json.Marshal(o)
	return b.Put(k, v)
}

func (w *writeTx) release(a model.Address) error {
	return w.tx.Bucket(bAddr).Delete(addrKey(a))
}

// PutEnterprise writes the profile.
func (w *writeTx) PutEnterprise(e model.Enterprise) error {
	old, _ := w.Enterprise()
	w.record("enterprise", "enterprise", old, e)
	return w.put(bMeta, []byte("enterprise"), e)
}

// PutPolicy writes the password policy.
func (w *writeTx) PutPolicy(p model.PasswordPolicy) error {
	old, _ := getJSON[model.PasswordPolicy](w.tx, bMeta, []byte("policy"))
	w.record("policy", "password", old, p)
	return w.put(bMeta, []byte("policy"), p)
}

// PutLoginRules writes the login rules.
func (w *writeTx) PutLoginRules(p model.LoginRules) error {
	old, _ := getJSON[model.LoginRules](w.tx, bMeta, []byte("loginrules"))
	w.record("policy", "login", old, p)
	return w.put(bMeta, []byte("loginrules"), p)
}

// PutMailPolicy writes the mail policy.
func (w *writeTx) PutMailPolicy(p model.MailPolicy) error {
	old, _ := getJSON[model.MailPolicy](w.tx, bMeta, []byte("mailpolicy"))
	w.record("policy", "mail", old, p)
	return w.put(bMeta, []byte("mailpolicy"), p)
}

// PutDomain writes a domain.
func (w *writeTx) PutDomain(d model.Domain) error {
	old, _ := getJSON[model.Domain](w.tx, bDomains, []byte(d.Name))
	w.record("domain", d.Name, old, &d)
	return w.put(bDomains, []byte(d.Name), d)
}

// DeleteDomain removes a domain.
func (w *writeTx) DeleteDomain(name string) error {
	old, _ := getJSON[model.Domain](w.tx, bDomains, []byte(name))
	w.record("domain", name, old, nil)
	if k, _ := w.DKIMKey(name); k != nil {
		if err := w.DeleteDKIMKey(name); err != nil {
			return err
		}
	}
	return w.tx.Bucket(bDomains).Delete([]byte(name))
}

// NewDeptID allocates a department id.
func (w *writeTx) NewDeptID() (model.DeptID, error) {
	meta := w.tx.Bucket(bMeta)
	next := uint64(model.RootDept + 1)
	if raw := meta.Get([]byte("deptseq")); raw != nil {
		next = binary.BigEndian.Uint64(raw)
	}
	if err := meta.Put([]byte("deptseq"), u64(next+1)); err != nil {
		return 0, err
	}
	return model.DeptID(next), nil
}

// PutDept writes a department and its indexes.
func (w *writeTx) PutDept(d *model.Department) error {
	old, err := getJSON[model.Department](w.tx, bDepts, id8(d.ID))
	if err != nil {
		return err
	}
	child := w.tx.Bucket(bDeptChild)
	lead := w.tx.Bucket(bDeptLead)
	if old != nil {
		if err := child.Delete(append(id8(old.Parent), old.Name...)); err != nil {
			return err
		}
		for _, a := range leaders(old) {
			if err := lead.Delete(leadKey(a, old.ID)); err != nil {
				return err
			}
		}
		if old.Mailbox != "" && old.Mailbox != d.Mailbox {
			if err := w.release(old.Mailbox); err != nil {
				return err
			}
		}
	}
	if d.ID != model.RootDept {
		k := append(id8(d.Parent), d.Name...)
		if raw := child.Get(k); raw != nil && binary.BigEndian.Uint64(raw) != uint64(d.ID) {
			return model.Existsf("%s already has a department named %s", w.DeptPath(d.Parent), d.Name)
		}
		if err := child.Put(k, id8(d.ID)); err != nil {
			return err
		}
	}
	for _, a := range leaders(d) {
		if err := lead.Put(leadKey(a, d.ID), nil); err != nil {
			return err
		}
	}
	if d.Mailbox != "" {
		if err := w.claim(d.Mailbox, model.Owner{Kind: model.OwnerDept, Dept: d.ID}); err != nil {
			return err
		}
	}
	cp := *d
	w.depts[d.ID] = &cp
	w.record("dept", w.DeptPath(d.ID), old, d)
	w.event("dept", fmt.Sprint(d.ID))
	return w.put(bDepts, id8(d.ID), d)
}

func leaders(d *model.Department) []model.Address {
	out := slices.Clone(d.Heads)
	if d.Officer != "" && !slices.Contains(out, d.Officer) {
		out = append(out, d.Officer)
	}
	return out
}

func leadKey(a model.Address, id model.DeptID) []byte {
	return append([]byte(string(a)+"\x00"), id8(id)...)
}

// DeleteDept removes a department and its indexes.
func (w *writeTx) DeleteDept(id model.DeptID) error {
	old, err := w.Dept(id)
	if err != nil {
		return err
	}
	path := w.DeptPath(id)
	if err := w.tx.Bucket(bDeptChild).Delete(append(id8(old.Parent), old.Name...)); err != nil {
		return err
	}
	for _, a := range leaders(old) {
		if err := w.tx.Bucket(bDeptLead).Delete(leadKey(a, id)); err != nil {
			return err
		}
	}
	if old.Mailbox != "" {
		if err := w.release(old.Mailbox); err != nil {
			return err
		}
	}
	delete(w.depts, id)
	w.record("dept", path, old, nil)
	w.event("dept", fmt.Sprint(id))
	return w.tx.Bucket(bDepts).Delete(id8(id))
}

// PutMember writes a member and every index that names them.
func (w *writeTx) PutMember(m *model.Member) error {
	old, err := getJSON[model.Member](w.tx, bMembers, []byte(m.Address))
	if err != nil {
		return err
	}
	if len(m.Depts) == 0 {
		m.Depts = []model.DeptID{model.RootDept}
	}
	if err := w.unindexMember(old, m); err != nil {
		return err
	}
	if err := w.indexMember(m); err != nil {
		return err
	}
	w.countMember(old, m)
	if err := w.putLastUse(old, m); err != nil {
		return err
	}
	w.record("member", string(m.Address), old, m)
	w.event("member", string(m.Address))
	return w.put(bMembers, []byte(m.Address), m)
}

// DeleteMember removes a member and every index that names them.
func (w *writeTx) DeleteMember(a model.Address) error {
	old, err := getJSON[model.Member](w.tx, bMembers, []byte(a))
	if err != nil {
		return err
	}
	if old == nil {
		return model.NotFoundf("no member %s", a)
	}
	if err := w.unindexMember(old, nil); err != nil {
		return err
	}
	w.countMember(old, nil)
	if err := w.tx.Bucket(bLastUse).Delete([]byte(a)); err != nil {
		return err
	}
	w.record("member", string(a), old, nil)
	w.event("member", string(a))
	return w.tx.Bucket(bMembers).Delete([]byte(a))
}

// unindexMember removes the index entries of old that next does not keep.
func (w *writeTx) unindexMember(old, next *model.Member) error {
	if old == nil {
		return nil
	}
	keep := map[string]bool{}
	if next != nil {
		for _, k := range memberIndexKeys(next) {
			keep[k] = true
		}
	}
	for _, k := range memberIndexKeys(old) {
		if keep[k] {
			continue
		}
		bucket, key, _ := strings.Cut(k, "|")
		var err error
		switch {
		case bucket == "addr":
			err = w.release(model.Address(key))
		case deferred[bucket]:
			w.deferDelete(bucket, key)
		default:
			err = w.tx.Bucket([]byte(bucket)).Delete([]byte(key))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// indexMember writes every index entry of m.
func (w *writeTx) indexMember(m *model.Member) error {
	if err := w.claim(m.Address, model.Owner{Kind: model.OwnerMember, Member: m.Address}); err != nil {
		return err
	}
	for _, al := range m.Aliases {
		if err := w.claim(al, model.Owner{Kind: model.OwnerAlias, Member: m.Address}); err != nil {
			return err
		}
	}
	if m.EmployeeID != "" {
		k := strings.ToLower(m.EmployeeID)
		if cur, ok := w.deferredGet(bEmpID, k); ok && cur != string(m.Address) {
			return model.Existsf("employee id %s already belongs to %s", m.EmployeeID, cur)
		}
		w.deferPut(string(bEmpID), k, string(m.Address))
	}
	keys := w.tx.Bucket(bSSHKeys)
	for _, k := range m.Keys {
		if cur := keys.Get([]byte(k.Fingerprint)); cur != nil && string(cur) != string(m.Address) {
			return model.Existsf("the key %s is registered to another member", k.Fingerprint)
		}
		if err := keys.Put([]byte(k.Fingerprint), []byte(m.Address)); err != nil {
			return err
		}
	}
	for _, k := range memberIndexKeys(m) {
		bucket, key, _ := strings.Cut(k, "|")
		switch bucket {
		case "addr", string(bEmpID), string(bSSHKeys):
			continue
		}
		if deferred[bucket] {
			w.deferPut(bucket, key, "")
			continue
		}
		if err := w.tx.Bucket([]byte(bucket)).Put([]byte(key), nil); err != nil {
			return err
		}
	}
	return nil
}

// deferred are the index buckets whose entries a transaction collects and
// writes at the end in key order. bbolt splits nodes only at commit, so many
// inserts at random places in one transaction move ever longer slices
// (quadratic); sorted inserts append. Reads of them within the transaction
// see the pending entries (deferredGet) or flush first.
var deferred = map[string]bool{
	string(bSearch): true, string(bDeptMember): true, string(bRoleScope): true, string(bAdmins): true,
	string(bEmpID): true, string(bMemberBorn): true, string(bPwChanged): true,
	string(bListToken): true, string(bListKey): true,
}

// pendingEntry is one deferred write: a value to put, or a delete.
type pendingEntry struct {
	del bool
	val string
}

func (w *writeTx) deferEntry(bucket, key string, e pendingEntry) {
	if w.pending == nil {
		w.pending = map[string]map[string]pendingEntry{}
	}
	b := w.pending[bucket]
	if b == nil {
		b = map[string]pendingEntry{}
		w.pending[bucket] = b
	}
	b[key] = e
}

// deferPut notes an entry to put at the next flush.
func (w *writeTx) deferPut(bucket, key, val string) {
	w.deferEntry(bucket, key, pendingEntry{val: val})
}

// deferDelete notes an entry to delete at the next flush.
func (w *writeTx) deferDelete(bucket, key string) { w.deferEntry(bucket, key, pendingEntry{del: true}) }

// deferredGet reads a deferred bucket as the transaction has written it.
func (w *writeTx) deferredGet(bucket []byte, key string) (string, bool) {
	if e, ok := w.pending[string(bucket)][key]; ok {
		return e.val, !e.del
	}
	v := w.tx.Bucket(bucket).Get([]byte(key))
	return string(v), v != nil
}

// EmployeeID finds the member with an employee id, pending writes included.
func (w *writeTx) EmployeeID(id string) (model.Address, bool, error) {
	a, ok := w.deferredGet(bEmpID, strings.ToLower(id))
	return model.Address(a), ok, nil
}

// flush writes the deferred index entries in key order. It runs before the
// commit and before any read of those buckets in the same transaction.
func (w *writeTx) flush() error {
	for bucket, entries := range w.pending {
		var puts, dels []string
		for k, e := range entries {
			if e.del {
				dels = append(dels, k)
			} else {
				puts = append(puts, k)
			}
		}
		delete(w.pending, bucket)
		slices.Sort(puts)
		slices.Sort(dels)
		b := w.tx.Bucket([]byte(bucket))
		b.FillPercent = 0.9 // sorted inserts: pages need little room to grow
		for i, k := range dels {
			if err := b.Delete([]byte(k)); err != nil {
				return err
			}
			dels[i] = ""
		}
		for i, k := range puts {
			var val []byte
			if v := entries[k].val; v != "" {
				val = []byte(v)
			}
			if err := b.Put([]byte(k), val); err != nil {
				return err
			}
			puts[i] = "" // bbolt has its own copy now
		}
	}
	w.pending = nil
	for _, b := range [][]byte{bMembers, bAddr} {
		w.tx.Bucket(b).FillPercent = 0.9
	}
	return w.flushStats()
}

// The reads of deferred buckets within a transaction see its own writes.

// DeptMembers flushes, then lists the department's members.
func (w *writeTx) DeptMembers(id model.DeptID) ([]model.Address, error) {
	if err := w.flush(); err != nil {
		return nil, err
	}
	return w.Reader.DeptMembers(id)
}

// ScopedRoles flushes, then lists the roles scoped to a department.
func (w *writeTx) ScopedRoles(id model.DeptID) ([]model.Address, error) {
	if err := w.flush(); err != nil {
		return nil, err
	}
	return w.Reader.ScopedRoles(id)
}

// Admins flushes, then lists the admins.
func (w *writeTx) Admins() ([]model.Address, error) {
	if err := w.flush(); err != nil {
		return nil, err
	}
	return w.Reader.Admins()
}

// memberIndexKeys lists a member's index entries as "bucket|key".
func memberIndexKeys(m *model.Member) []string {
	var out []string
	out = append(out, "addr|"+string(m.Address))
	for _, a := range m.Aliases {
		out = append(out, "addr|"+string(a))
	}
	if m.EmployeeID != "" {
		out = append(out, "empid|"+strings.ToLower(m.EmployeeID))
	}
	for _, k := range m.Keys {
		out = append(out, "sshkeys|"+k.Fingerprint)
	}
	for _, k := range model.SearchKeys(m) {
		out = append(out, "search|"+k+"\x00"+string(m.Address))
	}
	deptIndex := "deptmember|"
	if m.Status == model.StatusReclaimed {
		deptIndex = "deptleaver|" // history, not staff: see the package doc
	}
	for _, d := range m.Depts {
		out = append(out, deptIndex+string(id8(d))+string(m.Address))
	}
	for _, g := range m.Roles {
		if g.Scope != 0 {
			out = append(out, "rolescope|"+string(id8(g.Scope))+string(m.Address))
		}
		if g.Role == model.RoleAdmin {
			out = append(out, "admins|"+string(m.Address))
		}
	}
	out = append(out, letterIndexKeys(m)...)
	return append(out, requestIndexKeys(m)...)
}

// PutGroup writes a group and its indexes.
func (w *writeTx) PutGroup(g *model.Group) error {
	old, err := getJSON[model.Group](w.tx, bGroups, []byte(g.Address))
	if err != nil {
		return err
	}
	mo := w.tx.Bucket(bMemberOf)
	if old != nil {
		for _, m := range old.Members {
			if err := mo.Delete([]byte(string(m) + "\x00" + string(g.Address))); err != nil {
				return err
			}
		}
	}
	if err := w.claim(g.Address, model.Owner{Kind: model.OwnerGroup}); err != nil {
		return err
	}
	for _, m := range g.Members {
		if err := mo.Put([]byte(string(m)+"\x00"+string(g.Address)), nil); err != nil {
			return err
		}
	}
	w.record("group", string(g.Address), old, g)
	w.event("group", string(g.Address))
	return w.put(bGroups, []byte(g.Address), g)
}

// DeleteGroup removes a group and its indexes.
func (w *writeTx) DeleteGroup(a model.Address) error {
	old, err := w.Group(a)
	if err != nil {
		return err
	}
	for _, m := range old.Members {
		if err := w.tx.Bucket(bMemberOf).Delete([]byte(string(m) + "\x00" + string(a))); err != nil {
			return err
		}
	}
	if err := w.release(a); err != nil {
		return err
	}
	w.record("group", string(a), old, nil)
	w.event("group", string(a))
	return w.tx.Bucket(bGroups).Delete([]byte(a))
}

// PutShared writes a shared mailbox.
func (w *writeTx) PutShared(s *model.SharedMailbox) error {
	old, err := getJSON[model.SharedMailbox](w.tx, bShared, []byte(s.Address))
	if err != nil {
		return err
	}
	if err := w.claim(s.Address, model.Owner{Kind: model.OwnerShared}); err != nil {
		return err
	}
	w.record("shared", string(s.Address), old, s)
	w.event("shared", string(s.Address))
	return w.put(bShared, []byte(s.Address), s)
}

// DeleteShared removes a shared mailbox.
func (w *writeTx) DeleteShared(a model.Address) error {
	old, err := w.Shared(a)
	if err != nil {
		return err
	}
	if err := w.release(a); err != nil {
		return err
	}
	w.record("shared", string(a), old, nil)
	w.event("shared", string(a))
	return w.tx.Bucket(bShared).Delete([]byte(a))
}

var _ model.Tx = (*writeTx)(nil)

// prefixCount counts keys with a prefix.
func prefixCount(b *bolt.Bucket, prefix []byte) int {
	n := 0
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		n++
	}
	return n
}
