package model

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// recTx is a Tx over a memView for the request changes: it reads requests
// and members and records what is written. The embedded Tx is nil, so a
// change that writes anything else fails the test with a panic.
type recTx struct {
	Tx
	v     *memView
	notes map[string]string
}

func (t *recTx) Request(id uint64) (*Request, error) { return t.v.Request(id) }
func (t *recTx) Member(a Address) (*Member, error)   { return t.v.Member(a) }
func (t *recTx) PutRequest(r *Request) error         { t.v.perms.requests[r.ID] = r; return nil }
func (t *recTx) PutMember(m *Member) error           { t.v.members[m.Address] = m; return nil }
func (t *recTx) Note(k, v string)                    { t.notes[k] = v }

// withdrawWorld is a request waiting at its first step: ww@ asked for
// external, north@ signs first, then IT. hr@ filed a dismissal of gone@,
// which blocked gone@'s login on filing.
func withdrawWorld(state RequestState) (*memView, *Request) {
	v := newMemView("example.com")
	north := v.dept(RootDept, "华北")
	for _, a := range []Address{"ww@example.com", "north@example.com", "hr@example.com", "other@example.com"} {
		v.member(a, PositionStaff, north)
	}
	gone := v.member("gone@example.com", PositionStaff, north)
	gone.Status, gone.Reason = StatusDisabled, "dismissal: request 2"
	filed := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	r := &Request{ID: 1, Kind: RequestGrant, State: state, Subject: "ww@example.com", Requester: "ww@example.com",
		Filed: filed, Expires: filed.Add(DefaultRequestExpiry), Perm: PermExternal,
		Steps: []Step{{Role: StepOfficer, Dept: north, Approver: "north@example.com"}, {Role: StepIT}}}
	if state == RequestApplied {
		r.Done = filed.Add(time.Hour)
		r.Steps[0].Verdict, r.Steps[0].By, r.Steps[0].Time = VerdictApproved, "north@example.com", r.Done
		r.Steps[1].Verdict, r.Steps[1].By, r.Steps[1].Time = VerdictApproved, "admin@example.com", r.Done
	}
	dismissal := &Request{ID: 2, Kind: RequestLeave, Urgent: true, State: RequestPending, Subject: "gone@example.com",
		Requester: "hr@example.com", Successor: "north@example.com", Filed: filed, Expires: filed.Add(DefaultRequestExpiry),
		Steps: []Step{{Role: StepOfficer, Dept: north, Approver: "north@example.com"}, {Role: StepIT}}}
	v.perms.requests = map[uint64]*Request{1: r, 2: dismissal}
	return v, r
}

// TestWithdrawRequest: the requester, or an admin, withdraws a pending
// request; nobody else may; a request that is not pending cannot be
// withdrawn, and the refusal says why; withdrawing a dismissal lifts the
// block it made, when the block is still its own.
func TestWithdrawRequest(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	admin := Actor{Address: "admin@example.com", Roles: []RoleGrant{{Role: RoleAdmin}}}
	hr := Actor{Address: "hr@example.com", Roles: []RoleGrant{{Role: RoleHR}}}
	for _, tt := range []struct {
		name    string
		state   RequestState
		id      uint64
		as      Actor
		at      time.Time
		setup   func(v *memView)
		kind    error    // the refusal's kind; nil: withdrawn
		words   []string // in the refusal
		unblock bool     // the dismissed member's login is open again
	}{
		{name: "requester", as: Actor{Address: "ww@example.com"}},
		{name: "admin", as: admin},
		{name: "approver", as: Actor{Address: "north@example.com"}, kind: ErrForbidden,
			words: []string{"north@example.com may not withdraw request 1", "ww@example.com", "request.apply"}},
		{name: "another member", as: Actor{Address: "other@example.com"}, kind: ErrForbidden, words: []string{"may not withdraw"}},
		{name: "HR, not the requester", as: hr, kind: ErrForbidden, words: []string{"may not withdraw"}},
		{name: "twice", state: RequestWithdrawn, as: Actor{Address: "ww@example.com"}, kind: ErrConflict,
			words: []string{"already withdrawn by ww@example.com at 2026-12-01T10:00:00Z"}},
		{name: "applied", state: RequestApplied, as: Actor{Address: "ww@example.com"}, kind: ErrConflict,
			words: []string{"already decided", "applied", "only a pending request"}},
		{name: "expired", as: Actor{Address: "ww@example.com"}, at: now.Add(DefaultRequestExpiry), kind: ErrConflict,
			words: []string{"expired at 2026-12-15T09:00:00Z", "nothing to withdraw"}},
		{name: "dismissal", id: 2, as: hr, unblock: true},
		{name: "dismissal, account changed since", id: 2, as: hr,
			setup: func(v *memView) { v.members["gone@example.com"].Reason = "warnings: 3" }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := tt.state
			if st == "" {
				st = RequestPending
			}
			v, r := withdrawWorld(st)
			if st == RequestWithdrawn {
				r.WithdrawnBy, r.Done = "ww@example.com", time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
			}
			if tt.setup != nil {
				tt.setup(v)
			}
			id := tt.id
			if id == 0 {
				id = 1
			}
			at := tt.at
			if at.IsZero() {
				at = now
			}
			orig := v.perms.requests[id]
			before := *orig
			c := &WithdrawRequest{ID: id, Comment: " 不需要了 "}
			tx := &recTx{v: v, notes: map[string]string{}}
			err := c.Authorize(v, tt.as)
			if err == nil {
				err = c.Apply(tx, Env{Actor: tt.as, Now: at})
			}
			if tt.kind != nil {
				if !errors.Is(err, tt.kind) || !IsUserError(err) {
					t.Fatalf("err = %v, want a %v user error", err, tt.kind)
				}
				for _, w := range tt.words {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("%q does not say %q", err, w)
					}
				}
				if got := v.perms.requests[id]; got.State != before.State || got.WithdrawnBy != before.WithdrawnBy {
					t.Errorf("a refused withdrawal changed the request: %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := v.perms.requests[id]
			if got.State != RequestWithdrawn || got.WithdrawnBy != tt.as.Address || !got.Done.Equal(now) ||
				got.WithdrawComment != "不需要了" || c.Result != got {
				t.Errorf("withdrawn: %+v", got)
			}
			if got.StateAt(now.Add(2*DefaultRequestExpiry)) != RequestWithdrawn {
				t.Error("a withdrawn request turns expired later")
			}
			if tx.notes["comment"] != "不需要了" {
				t.Errorf("notes %v", tx.notes)
			}
			if orig.State != before.State || orig.WithdrawnBy != "" {
				t.Error("the stored request was edited in place")
			}
			if tt.id == 2 {
				m := v.members["gone@example.com"]
				if open := m.Status == StatusActive; open != tt.unblock {
					t.Errorf("the dismissed member is %s (%s), want unblocked %v", m.Status, m.Reason, tt.unblock)
				}
			}
		})
	}
}

// TestDecideWithdrawnRequest: deciding a withdrawn request says it was
// withdrawn, by whom and when, not that it was decided at the zero time.
func TestDecideWithdrawnRequest(t *testing.T) {
	v, r := withdrawWorld(RequestPending)
	at := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	ww := Actor{Address: "ww@example.com"}
	if err := (&WithdrawRequest{ID: 1}).Apply(&recTx{v: v, notes: map[string]string{}}, Env{Actor: ww, Now: at}); err != nil {
		t.Fatal(err)
	}
	for _, approve := range []bool{true, false} {
		c := &DecideRequest{ID: r.ID, Approve: approve, Comment: "同意"}
		north := Actor{Address: "north@example.com"}
		if err := c.Authorize(v, north); err != nil {
			t.Fatal(err)
		}
		err := c.Apply(&recTx{v: v, notes: map[string]string{}}, Env{Actor: north, Now: at.Add(time.Hour)})
		if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "request 1 was withdrawn by ww@example.com at 2026-12-02T10:00:00Z") ||
			strings.Contains(err.Error(), "0001-01-01") {
			t.Errorf("approve %v: %v", approve, err)
		}
	}
	if got := v.perms.requests[1]; got.Steps[0].Verdict != "" {
		t.Errorf("a step of the withdrawn request was decided: %+v", got.Steps[0])
	}
}

// TestParseRequestState: request list --status takes every state.
func TestParseRequestState(t *testing.T) {
	for _, s := range []string{"pending", "applied", "rejected", "expired", "withdrawn", " withdrawn "} {
		if st, err := ParseRequestState(s); err != nil || string(st) != strings.TrimSpace(s) {
			t.Errorf("ParseRequestState(%q) = %q, %v", s, st, err)
		}
	}
	if _, err := ParseRequestState("cancelled"); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "withdrawn") {
		t.Errorf("ParseRequestState(cancelled): %v", err)
	}
}
