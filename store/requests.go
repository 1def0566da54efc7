package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"postroom/model"
)

// The permission catalogue, the requests and the indexes they need:
//
//	perms         permission name → model.Permission (PERM-1)
//	requests      request id → model.Request (REQ-1..5)
//	unitofficers  address → ""                          (members holding the unit-officer role)
//	lent          lender + 0 + borrower → ""            (delegations not marked ended)
//	waiting       waiter + 0 + request id → expiry      (pending requests by who decides the current step)
//	meta          "requestseq" → last request id; "requestpolicy" → model.RequestPolicy
//
// A waiter is the step's approver and the deputy it was handed to, "@unit"
// for the unit officers' step and "@it" for IT's; the value is the
// request's expiry (8-byte big-endian Unix nanoseconds), so the inbox is
// counted without reading the requests.
var (
	bPerms        = []byte("perms")
	bRequests     = []byte("requests")
	bUnitOfficers = []byte("unitofficers")
	bLent         = []byte("lent")
	bWaiting      = []byte("waiting")
)

// The waiters of steps anyone of a kind may decide.
const (
	waiterIT   = "@it"
	waiterUnit = "@unit"
	// waiterAdmin is a change request's step: any admin but its filer.
	waiterAdmin = "@admin"
)

// waitKeys are the waiting index's keys of a request: none unless pending.
func waitKeys(q *model.Request) [][]byte {
	if q == nil || q.State != model.RequestPending {
		return nil
	}
	i := q.Current()
	if i >= len(q.Steps) {
		return nil
	}
	s := q.Steps[i]
	var who []string
	switch s.Role {
	case model.StepIT:
		who = []string{waiterIT}
	case model.StepUnit:
		who = []string{waiterUnit}
	case model.StepAdmin:
		who = []string{waiterAdmin}
	default:
		who = []string{string(s.Approver)}
	}
	if s.Deputy != "" {
		who = append(who, string(s.Deputy))
	}
	var out [][]byte
	for _, w := range who {
		out = append(out, append([]byte(w+"\x00"), u64(q.ID)...))
	}
	return out
}

// indexWaiting builds the waiting index of the requests already stored
// (schema 4).
func indexWaiting(tx *bolt.Tx) error {
	w := tx.Bucket(bWaiting)
	return tx.Bucket(bRequests).ForEach(func(k, v []byte) error {
		var q model.Request
		if err := json.Unmarshal(v, &q); err != nil {
			return err
		}
		for _, key := range waitKeys(&q) {
			if err := w.Put(key, u64(uint64(q.Expires.UnixNano()))); err != nil {
				return err
			}
		}
		return nil
	})
}

// waiters are the index prefixes whose requests the actor may decide.
func waiters(r *Reader, a model.Actor) []string {
	var out []string
	if a.Address != "" {
		out = append(out, string(a.Address))
	}
	if a.Has(model.RoleUnitOfficer) {
		out = append(out, waiterUnit)
	}
	if model.Can(a, model.RightRequestApply, nil, r) {
		out = append(out, waiterIT)
	}
	if a.Has(model.RoleAdmin) {
		out = append(out, waiterAdmin)
	}
	return out
}

// Inbox lists the pending requests whose current step the actor may decide
// at now, newest first, at most limit of them (0: all), and how many there
// are in all; it reads only those requests (REQ-3: the Approvals inbox).
func (r *Reader) Inbox(a model.Actor, now time.Time, limit int) ([]*model.Request, int, error) {
	ids := map[uint64]bool{}
	var order []uint64
	for _, w := range waiters(r, a) {
		prefix := []byte(w + "\x00")
		c := r.tx.Bucket(bWaiting).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if len(v) == 8 && !now.Before(time.Unix(0, int64(binary.BigEndian.Uint64(v)))) {
				continue // expired
			}
			id := binary.BigEndian.Uint64(k[len(prefix):])
			if w == waiterAdmin && r.filedBy(id, a.Address) {
				continue // nobody approves their own change
			}
			if !ids[id] {
				ids[id] = true
				order = append(order, id)
			}
		}
	}
	slices.SortFunc(order, func(x, y uint64) int { return cmpUint(y, x) })
	total := len(order)
	if limit > 0 && len(order) > limit {
		order = order[:limit]
	}
	out := make([]*model.Request, 0, len(order))
	for _, id := range order {
		q, err := r.Request(id)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, q)
	}
	return out, total, nil
}

// filedBy reports whether the request was filed by a.
func (r *Reader) filedBy(id uint64, a model.Address) bool {
	q, err := r.Request(id)
	return err == nil && q.Requester == a
}

func cmpUint(x, y uint64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// indexPermsAndRequests builds the unitofficers and lent indexes of the
// members already stored (schema 3).
func indexPermsAndRequests(tx *bolt.Tx) error {
	units, lent := tx.Bucket(bUnitOfficers), tx.Bucket(bLent)
	return tx.Bucket(bMembers).ForEach(func(k, v []byte) error {
		var m model.Member
		if err := json.Unmarshal(v, &m); err != nil {
			return err
		}
		for _, key := range memberIndexKeys(&m) {
			bucket, key, _ := bytes.Cut([]byte(key), []byte("|"))
			var err error
			switch string(bucket) {
			case string(bUnitOfficers):
				err = units.Put(key, nil)
			case string(bLent):
				err = lent.Put(key, nil)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// Permissions lists the saved catalogue entries in name order.
func (r *Reader) Permissions() ([]model.Permission, error) {
	ps, err := listJSON[model.Permission](r.tx, bPerms)
	if err != nil {
		return nil, err
	}
	out := make([]model.Permission, 0, len(ps))
	for _, p := range ps {
		out = append(out, *p)
	}
	return out, nil
}

// UnitOfficers lists the members holding the unit-officer role.
func (r *Reader) UnitOfficers() ([]model.Address, error) {
	var out []model.Address
	err := r.tx.Bucket(bUnitOfficers).ForEach(func(k, _ []byte) error {
		out = append(out, model.Address(k))
		return nil
	})
	return out, err
}

// Borrowers lists the members a person lends permissions to.
func (r *Reader) Borrowers(lender model.Address) ([]model.Address, error) {
	var out []model.Address
	prefix := []byte(string(lender) + "\x00")
	c := r.tx.Bucket(bLent).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, model.Address(k[len(prefix):]))
	}
	return out, nil
}

// Request returns a request by id.
func (r *Reader) Request(id uint64) (*model.Request, error) {
	if r.reqBucket == nil {
		r.reqBucket = r.tx.Bucket(bRequests)
	}
	var key [8]byte
	binary.BigEndian.PutUint64(key[:], id)
	raw := r.reqBucket.Get(key[:])
	if raw == nil {
		return nil, model.NotFoundf("no request %d: request list shows the requests you may see", id)
	}
	req := new(model.Request)
	if err := decodeRequest(raw, req, &r.reqStrings); err != nil {
		return nil, fmt.Errorf("decode %s/%d: %w", bRequests, id, err)
	}
	return req, nil
}

// RequestPolicy returns the request policy; the defaults when none was saved.
func (r *Reader) RequestPolicy() (model.RequestPolicy, error) {
	p, err := getJSON[model.RequestPolicy](r.tx, bMeta, []byte("requestpolicy"))
	if err != nil || p == nil {
		return model.RequestPolicy{Expiry: model.Duration(model.DefaultRequestExpiry)}, err
	}
	return *p, nil
}

// RequestFilter narrows a request listing.
type RequestFilter struct {
	// State keeps requests in this state at Now (expired ones included
	// under "expired"); empty: all.
	State model.RequestState
	Kind  model.RequestKind
	Now   time.Time
	// Keep is the actor's visibility; nil: every request.
	Keep func(*model.Request) bool
	// Limit is how many, newest first; 0: all.
	Limit int
}

// Requests lists requests newest first.
func (r *Reader) Requests(f RequestFilter) ([]*model.Request, error) {
	var out []*model.Request
	c := r.tx.Bucket(bRequests).Cursor()
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		req := new(model.Request)
		if err := decodeRequest(v, req, &r.reqStrings); err != nil {
			return nil, err
		}
		if f.State != "" && req.StateAt(f.Now) != f.State {
			continue
		}
		if f.Kind != "" && req.Kind != f.Kind {
			continue
		}
		if f.Keep != nil && !f.Keep(req) {
			continue
		}
		out = append(out, req)
		if f.Limit > 0 && len(out) >= f.Limit {
			break
		}
	}
	return out, nil
}

// PutPermission writes a catalogue entry.
func (w *writeTx) PutPermission(p model.Permission) error {
	old, err := getJSON[model.Permission](w.tx, bPerms, []byte(p.Name))
	if err != nil {
		return err
	}
	w.record("perm", p.Name, old, &p)
	w.event("perm", p.Name)
	return w.put(bPerms, []byte(p.Name), p)
}

// PutRequestPolicy writes the request policy.
func (w *writeTx) PutRequestPolicy(p model.RequestPolicy) error {
	old, _ := getJSON[model.RequestPolicy](w.tx, bMeta, []byte("requestpolicy"))
	w.record("policy", "requests", old, p)
	return w.put(bMeta, []byte("requestpolicy"), p)
}

// NewRequestID allocates a request id.
func (w *writeTx) NewRequestID() (uint64, error) {
	meta := w.tx.Bucket(bMeta)
	var last uint64
	if raw := meta.Get([]byte("requestseq")); raw != nil {
		last = binary.BigEndian.Uint64(raw)
	}
	if err := meta.Put([]byte("requestseq"), u64(last+1)); err != nil {
		return 0, err
	}
	return last + 1, nil
}

// PutRequest writes a request.
func (w *writeTx) PutRequest(req *model.Request) error {
	if req.ID == 0 {
		return fmt.Errorf("store: a request without an id")
	}
	old, err := getJSON[model.Request](w.tx, bRequests, u64(req.ID))
	if err != nil {
		return err
	}
	wb := w.tx.Bucket(bWaiting)
	for _, k := range waitKeys(old) {
		if err := wb.Delete(k); err != nil {
			return err
		}
	}
	for _, k := range waitKeys(req) {
		if err := wb.Put(k, u64(uint64(req.Expires.UnixNano()))); err != nil {
			return err
		}
	}
	key := "request " + uintString(req.ID)
	w.record("request", key, old, req)
	w.event("request", uintString(req.ID))
	b := w.tx.Bucket(bRequests)
	b.FillPercent = 0.9 // ids only grow
	return w.put(bRequests, u64(req.ID), req)
}

func uintString(n uint64) string { return strconv.FormatUint(n, 10) }

// requestIndexKeys are the member index entries of perms and requests.
func requestIndexKeys(m *model.Member) []string {
	var out []string
	if slices.ContainsFunc(m.Roles, func(g model.RoleGrant) bool { return g.Role == model.RoleUnitOfficer }) {
		out = append(out, "unitofficers|"+string(m.Address))
	}
	for _, d := range m.Delegations {
		if d.Ended.IsZero() {
			k := "lent|" + string(d.Lender) + "\x00" + string(m.Address)
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	return out
}
