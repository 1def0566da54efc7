package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"postroom/model"
)

// Search finds members by name, pinyin, initials, address, alias, employee
// id or phone (ORG-7): every member with a search key that starts with the
// query, best matches first (exact key matches before prefix matches), at
// most limit of them, and only those keep accepts.
func (r *Reader) Search(query string, limit int, keep func(*model.Member) bool) ([]*model.Member, error) {
	q := model.NormalizeQuery(query)
	if q == "" {
		return nil, nil
	}
	seen := map[string]bool{}
	var exact, prefix []*model.Member
	// add notes a member found by a key; it reports when the search has
	// found enough.
	add := func(addr string, isExact bool) bool {
		if seen[addr] {
			return false
		}
		seen[addr] = true
		m, err := r.Member(model.Address(addr))
		if err != nil || (keep != nil && !keep(m)) {
			return false
		}
		if isExact {
			exact = append(exact, m)
		} else {
			prefix = append(prefix, m)
		}
		return limit > 0 && (len(exact) >= limit || len(exact)+len(prefix) >= limit*4)
	}
	done := false
	// An address: its local part is whole, its domain may be a start.
	if local, dom, ok := strings.Cut(q, "@"); ok && local != "" {
		domains, err := r.Domains()
		if err != nil {
			return nil, err
		}
		for _, d := range domains {
			if done || !strings.HasPrefix(d.Name, dom) {
				continue
			}
			o, ok, err := r.Owner(model.Address(local + "@" + d.Name))
			if err != nil {
				return nil, err
			}
			switch {
			case ok && o.Kind == model.OwnerMember:
				done = add(local+"@"+d.Name, d.Name == dom)
			case ok && o.Kind == model.OwnerAlias:
				done = add(string(o.Member), d.Name == dom)
			}
		}
	}
	for _, b := range [][]byte{bSearch, bEmpID} {
		c := r.tx.Bucket(b).Cursor()
		for k, v := c.Seek([]byte(q)); !done && k != nil && bytes.HasPrefix(k, []byte(q)); k, v = c.Next() {
			key, addr := k, v // empid: id → address
			if bytes.Equal(b, bSearch) {
				var ok bool
				if key, addr, ok = bytes.Cut(k, []byte{0}); !ok {
					continue
				}
			}
			done = add(string(addr), len(key) == len(q))
		}
	}
	out := append(exact, prefix...)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// MemberFilter narrows a member listing.
type MemberFilter struct {
	Dept      model.DeptID // 0: everyone; else this department and its subtree
	Recursive bool
	Status    model.Status
	Keep      func(*model.Member) bool // visibility to the actor
}

// Members lists members in address order.
func (r *Reader) Members(f MemberFilter) ([]*model.Member, error) {
	var out []*model.Member
	if f.Dept != 0 && !f.Recursive {
		// The records that name the department: its staff and its leavers,
		// as the walk over every member below finds them.
		addrs, err := r.DeptMembers(f.Dept)
		if err != nil {
			return nil, err
		}
		leavers, err := r.DeptLeavers(f.Dept)
		if err != nil {
			return nil, err
		}
		if len(leavers) > 0 {
			addrs = append(addrs, leavers...)
			slices.Sort(addrs)
		}
		for _, a := range addrs {
			m, err := r.Member(a)
			if err != nil {
				return nil, err
			}
			if f.match(m, r) {
				out = append(out, m)
			}
		}
		return out, nil
	}
	// A status asked for is looked for in the record's bytes first: a
	// member is decoded only when it could match (every locked account
	// among 50,000 without decoding the rest).
	var status []byte
	if f.Status != "" {
		status = []byte(`"status":"` + string(f.Status) + `"`)
	}
	err := r.tx.Bucket(bMembers).ForEach(func(k, v []byte) error {
		if status != nil && !bytes.Contains(v, status) {
			return nil
		}
		m := new(model.Member)
		if err := json.Unmarshal(v, m); err != nil {
			return err
		}
		if f.match(m, r) {
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// WarnBlocked lists the members whose mailbox warnings blocked (ACC-7), in
// address order. It decodes only the records that carry the marker, so the
// relay's sweep costs little in a large directory.
func (r *Reader) WarnBlocked() ([]*model.Member, error) {
	var out []*model.Member
	err := r.tx.Bucket(bMembers).ForEach(func(k, v []byte) error {
		if !bytes.Contains(v, blockedMarker) {
			return nil
		}
		m := new(model.Member)
		if err := json.Unmarshal(v, m); err != nil {
			return err
		}
		if m.WarnBlocked() {
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// blockedMarker is how a member record written by encoding/json names the
// time warnings blocked it (model.Member.Blocked).
var blockedMarker = []byte(`"blocked":"`)

// MembersPage reads up to limit members in address order, starting after
// the address after ("" from the first), and keeps those the filter
// matches. next is where the following page starts ("" after the last
// member): a long listing read page by page, each in its own read.
func (r *Reader) MembersPage(f MemberFilter, after model.Address, limit int) (out []*model.Member, next model.Address, err error) {
	c := r.tx.Bucket(bMembers).Cursor()
	k, v := c.First()
	if after != "" {
		k, v = c.Seek([]byte(after))
		if k != nil && string(k) == string(after) {
			k, v = c.Next()
		}
	}
	for n := 0; k != nil; k, v = c.Next() {
		if limit > 0 && n == limit {
			return out, model.Address(after), nil
		}
		m := new(model.Member)
		if err := json.Unmarshal(v, m); err != nil {
			return nil, "", err
		}
		after = m.Address
		n++
		if f.match(m, r) {
			out = append(out, m)
		}
	}
	return out, "", nil
}

func (f MemberFilter) match(m *model.Member, r *Reader) bool {
	if f.Status != "" && m.Status != f.Status {
		return false
	}
	if f.Dept != 0 && f.Dept != model.RootDept {
		in := false
		for _, d := range m.Depts {
			if d == f.Dept || (f.Recursive && r.Within(d, f.Dept)) {
				in = true
				break
			}
		}
		if !in {
			return false
		}
	}
	return f.Keep == nil || f.Keep(m)
}

// DeptInfo is a department with its path and head count, for listings.
type DeptInfo struct {
	model.Department
	Path    string `json:"path"`
	Depth   int    `json:"depth"`
	Members int    `json:"members"` // placed directly; reclaimed leavers not counted
}

// Depts lists the whole tree depth-first, children in Chinese collation
// order (by pinyin: 财务部 before 人力资源部 before 销售部).
func (r *Reader) Depts() ([]DeptInfo, error) {
	var out []DeptInfo
	col := collate.New(language.Chinese)
	var walk func(id model.DeptID, depth int) error
	walk = func(id model.DeptID, depth int) error {
		d, err := r.Dept(id)
		if err != nil {
			return err
		}
		out = append(out, DeptInfo{Department: *d, Path: r.DeptPath(id), Depth: depth, Members: r.DeptMemberCount(id)})
		kids, err := r.DeptChildren(id)
		if err != nil {
			return err
		}
		names := make(map[model.DeptID]string, len(kids))
		for _, k := range kids {
			if kd, err := r.Dept(k); err == nil {
				names[k] = kd.Name
			}
		}
		slices.SortStableFunc(kids, func(a, b model.DeptID) int { return col.CompareString(names[a], names[b]) })
		for _, k := range kids {
			if err := walk(k, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return out, walk(model.RootDept, 0)
}

// OpFilter narrows the operation log.
type OpFilter struct {
	Actor  model.Address
	Target string
	Op     string // prefix, e.g. "member."
	Door   model.Door
	Since  time.Time
	Until  time.Time
	Limit  int // newest first; 0 for all
}

// OpLog lists operation-log records, newest first.
func (r *Reader) OpLog(f OpFilter) ([]OpRecord, error) {
	var out []OpRecord
	c := r.tx.Bucket(bOpLog).Cursor()
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		sum, body, err := decodeOpValue(v)
		if err != nil {
			return nil, fmt.Errorf("operation-log record %d: %w (run audit verify)", binary.BigEndian.Uint64(k), err)
		}
		var rec OpRecord
		if err := json.Unmarshal(body, &rec); err != nil {
			return nil, err
		}
		if !f.Since.IsZero() && rec.Time.Before(f.Since) {
			break
		}
		if !f.Until.IsZero() && !rec.Time.Before(f.Until) {
			continue
		}
		if (f.Actor != "" && rec.Actor != f.Actor) || (f.Target != "" && !strings.Contains(rec.Target, f.Target)) ||
			(f.Op != "" && !strings.HasPrefix(rec.Op, f.Op)) || (f.Door != "" && rec.Door != f.Door) {
			continue
		}
		rec.Hash = hexOf(sum)
		out = append(out, rec)
		if f.Limit > 0 && len(out) >= f.Limit {
			break
		}
	}
	return out, nil
}

// LoginFilter narrows the login log.
type LoginFilter struct {
	Address model.Address
	Failed  bool
	Since   time.Time
	Until   time.Time
	Limit   int
}

// LoginLog lists login records, newest first.
func (r *Reader) LoginLog(f LoginFilter) ([]LoginRecord, error) {
	var out []LoginRecord
	c := r.tx.Bucket(bLoginLog).Cursor()
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		var rec LoginRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return nil, err
		}
		if !f.Since.IsZero() && rec.Time.Before(f.Since) {
			break
		}
		if !f.Until.IsZero() && !rec.Time.Before(f.Until) {
			continue
		}
		if (f.Address != "" && rec.Address != f.Address) || (f.Failed && rec.OK) {
			continue
		}
		out = append(out, rec)
		if f.Limit > 0 && len(out) >= f.Limit {
			break
		}
	}
	return out, nil
}

// Counts are the directory's totals.
type Counts struct {
	Members, Active, Disabled, Locked, Depts, Groups, Shared, OpLog, Logins int
}

// Count totals the directory cheaply (bucket statistics, one member pass).
func (r *Reader) Count() Counts {
	var c Counts
	c.Depts = r.tx.Bucket(bDepts).Stats().KeyN
	c.Groups = r.tx.Bucket(bGroups).Stats().KeyN
	c.Shared = r.tx.Bucket(bShared).Stats().KeyN
	c.OpLog = r.tx.Bucket(bOpLog).Stats().KeyN
	c.Logins = r.tx.Bucket(bLoginLog).Stats().KeyN
	c.Members = r.tx.Bucket(bMembers).Stats().KeyN
	return c
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, len(b)*2)
	for i, x := range b {
		out[i*2], out[i*2+1] = digits[x>>4], digits[x&15]
	}
	return string(out)
}
