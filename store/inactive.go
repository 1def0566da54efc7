package store

import (
	"encoding/binary"
	"encoding/json"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"postroom/model"
)

// Long-unused accounts (ACC-6, model/inactive.go).
// The bucket
//
//	lastuse   address → last login (8) + since (8) + status length (1) + status + first department (8) + name
//
// (times as big-endian Unix nanoseconds, 0 for none) holds, for every
// member, when they last logged in (SSH or SMTP: the login log's
// successful records, kept in step by each login), since when the account
// is open (its creation, or the last time it was enabled again after being
// disabled), and what a list of unused accounts shows of them (status,
// first department, name), rewritten with every member write. Listing the
// inactive accounts among 50,000 reads this bucket alone.
var bLastUse = []byte("lastuse")

// lastUse is one lastuse entry.
type lastUse struct {
	Login, Since time.Time
	Status       model.Status
	Dept         model.DeptID
	Name         string
}

func nanos(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	return uint64(t.UnixNano())
}

func fromNanos(n uint64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(n)).UTC()
}

func (l lastUse) encode() []byte {
	b := make([]byte, 0, 33+len(l.Status)+len(l.Name))
	b = binary.BigEndian.AppendUint64(b, nanos(l.Login))
	b = binary.BigEndian.AppendUint64(b, nanos(l.Since))
	b = append(b, byte(len(l.Status)))
	b = append(b, l.Status...)
	b = binary.BigEndian.AppendUint64(b, uint64(l.Dept))
	return append(b, l.Name...)
}

func decodeLastUse(v []byte) lastUse {
	var l lastUse
	if len(v) < 17 {
		return l
	}
	l.Login, l.Since = fromNanos(binary.BigEndian.Uint64(v[:8])), fromNanos(binary.BigEndian.Uint64(v[8:16]))
	n := int(v[16])
	if len(v) < 17+n+8 {
		return l
	}
	l.Status = model.Status(v[17 : 17+n])
	l.Dept = model.DeptID(binary.BigEndian.Uint64(v[17+n : 25+n]))
	l.Name = string(v[25+n:])
	return l
}

// at is the entry's last use.
func (l lastUse) at() time.Time { return model.LastUse(l.Login, l.Since) }

// putLastUse keeps a member's lastuse entry in step with a member write:
// a new member is open since its creation, one enabled again since then.
func (w *writeTx) putLastUse(old, m *model.Member) error {
	b := w.tx.Bucket(bLastUse)
	raw := b.Get([]byte(m.Address))
	cur := decodeLastUse(raw)
	switch {
	case old == nil || raw == nil:
		cur.Since = m.Created
	case !usable(old.Status) && usable(m.Status):
		cur.Since = m.Updated
	}
	cur.Status, cur.Name, cur.Dept = m.Status, m.Name, firstDept(m)
	return b.Put([]byte(m.Address), cur.encode())
}

func firstDept(m *model.Member) model.DeptID {
	if len(m.Depts) == 0 {
		return model.RootDept
	}
	return m.Depts[0]
}

func usable(st model.Status) bool { return st == model.StatusActive || st == model.StatusLocked }

// loggedIn notes a successful login.
func loggedIn(tx *bolt.Tx, a model.Address, t time.Time) error {
	b := tx.Bucket(bLastUse)
	cur := decodeLastUse(b.Get([]byte(a)))
	if t.After(cur.Login) {
		cur.Login = t
	}
	return b.Put([]byte(a), cur.encode())
}

// indexLastUse fills lastuse from the members and the login log (schema 8).
func indexLastUse(tx *bolt.Tx) error {
	b := tx.Bucket(bLastUse)
	last := map[model.Address]time.Time{}
	if err := tx.Bucket(bLoginLog).ForEach(func(_, v []byte) error {
		var rec LoginRecord
		if err := json.Unmarshal(v, &rec); err != nil || !rec.OK {
			return nil
		}
		if rec.Time.After(last[rec.Address]) {
			last[rec.Address] = rec.Time
		}
		return nil
	}); err != nil {
		return err
	}
	return tx.Bucket(bMembers).ForEach(func(k, v []byte) error {
		var m model.Member
		if err := json.Unmarshal(v, &m); err != nil {
			return err
		}
		return b.Put(k, lastUse{Login: last[m.Address], Since: m.Created, Status: m.Status, Dept: firstDept(&m), Name: m.Name}.encode())
	})
}

// InactiveAccount is one long-unused account, as member inactive lists it.
type InactiveAccount struct {
	Address model.Address `json:"address"`
	Name    string        `json:"name"`
	Dept    string        `json:"department"`
	// Heads are the heads told of it: those of its first department, else
	// of the nearest department above with a head.
	Heads     []model.Address `json:"heads"`
	Status    model.Status    `json:"status"`
	LastLogin *time.Time      `json:"last_login"` // null: never logged in
	LastUse   time.Time       `json:"last_use"`
	Days      int             `json:"days_unused"`
	// DeptID is the account's first department.
	DeptID model.DeptID `json:"-"`
}

// Inactive lists the accounts unused for limit or longer at now (ACC-6),
// the longest unused first; under, when not zero, keeps those whose first
// department is that one or below it. It reads the lastuse bucket alone,
// and each department's path and heads once.
func (r *Reader) Inactive(now time.Time, limit time.Duration, under model.DeptID) ([]InactiveAccount, error) {
	var out []InactiveAccount
	cutoff := now.Add(-limit)
	depts := map[model.DeptID]deptHeads{}
	c := r.tx.Bucket(bLastUse).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(v) < 16 {
			continue
		}
		// The times first: most accounts are in use, and are skipped
		// without decoding the rest.
		if model.LastUse(fromNanos(binary.BigEndian.Uint64(v[:8])), fromNanos(binary.BigEndian.Uint64(v[8:16]))).After(cutoff) {
			continue
		}
		l := decodeLastUse(v)
		m := inactiveMember{Address: model.Address(k), Name: l.Name, Status: l.Status, Dept: l.Dept}
		if !model.InactiveAt(m.Status, l.at(), limit, now) {
			continue
		}
		first := m.Dept
		if under != 0 && !r.Within(first, under) {
			continue
		}
		dh, ok := depts[first]
		if !ok {
			dh.path = r.DeptPath(first)
			_, dh.heads = r.HeadsOf(&model.Member{Depts: []model.DeptID{first}})
			depts[first] = dh
		}
		heads := dh.heads
		if slices.Contains(heads, m.Address) {
			// The member heads their own department: the heads above.
			_, heads = r.HeadsOf(&model.Member{Address: m.Address, Depts: []model.DeptID{first}})
		}
		a := InactiveAccount{Address: m.Address, Name: m.Name, Dept: dh.path, DeptID: first, Heads: slices.Clip(heads), Status: m.Status,
			LastUse: l.at(), Days: int(now.Sub(l.at()) / (24 * time.Hour))}
		if !l.Login.IsZero() {
			t := l.Login
			a.LastLogin = &t
		}
		if a.Heads == nil {
			a.Heads = []model.Address{}
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b InactiveAccount) int {
		if c := a.LastUse.Compare(b.LastUse); c != 0 {
			return c
		}
		return cmpString(string(a.Address), string(b.Address))
	})
	return out, nil
}

// inactiveMember is what Inactive knows of a member from lastuse.
type inactiveMember struct {
	Address model.Address
	Name    string
	Status  model.Status
	Dept    model.DeptID
}

// deptHeads is a department's path and the heads who answer for its people.
type deptHeads struct {
	path  string
	heads []model.Address
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// HeadsOf are the heads who answer for a member: those of the member's
// first department, else of the nearest department above it that has a
// head other than the member; with that first department.
func (r *Reader) HeadsOf(m *model.Member) (model.DeptID, []model.Address) {
	id := model.RootDept
	if len(m.Depts) > 0 {
		id = m.Depts[0]
	}
	first := id
	for range model.MaxDeptDepth + 2 {
		d, err := r.Dept(id)
		if err != nil {
			return first, nil
		}
		var out []model.Address
		for _, h := range d.Heads {
			if h != m.Address {
				out = append(out, h)
			}
		}
		if len(out) > 0 || d.ID == model.RootDept || d.Parent == 0 {
			return first, out
		}
		id = d.Parent
	}
	return first, nil
}

// LastUse says when a member last logged in (zero: never since the
// record began) and since when the account is open; for DisableInactive.
func (r *Reader) LastUse(a model.Address) (login, since time.Time, err error) {
	l := decodeLastUse(r.tx.Bucket(bLastUse).Get([]byte(a)))
	return l.Login, l.Since, nil
}
