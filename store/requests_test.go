package store_test

import (
	"encoding/binary"
	"errors"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"postroom/model"
	"postroom/store"
)

// permCompany is the usual tree with officers: 销售部/华北大区's officer
// north@, 技术部's officer tech@ (external is 技术部's), the unit officer
// unit@, and the member ww@ in 华北大区 who asks for permissions.
func permCompany(t *testing.T) *company {
	f := newCompany(t)
	f.org()
	f.addMember("north@example.com", "北区", "销售部/华北大区")
	f.addMember("tech@example.com", "技术", "技术部")
	f.addMember("unit@example.com", "单位", "销售部")
	f.addMember("ww@example.com", "王伟", "销售部/华北大区")
	f.addMember("li@example.com", "李", "技术部")
	north, tech := model.Address("north@example.com"), model.Address("tech@example.com")
	f.apply(f.admin, &model.SetDept{Path: "销售部/华北大区", Officer: &north}, &model.SetDept{Path: "技术部", Officer: &tech},
		&model.SetPermission{Name: model.PermExternal, Owner: "技术部"})
	f.grant("unit@example.com", model.RoleUnitOfficer, "")
	return f
}

func (f *company) request(id uint64) *model.Request {
	f.t.Helper()
	var r *model.Request
	if err := f.s.Read(func(rd *store.Reader) error {
		var err error
		r, err = rd.Request(id)
		return err
	}); err != nil {
		f.t.Fatal(err)
	}
	return r
}

func (f *company) file(as model.Actor, c *model.FileRequest) uint64 {
	f.t.Helper()
	f.apply(as, c)
	return c.ID
}

func (f *company) decide(as model.Actor, id uint64, approve bool, comment string) error {
	return f.s.Apply(as, &model.DecideRequest{ID: id, Approve: approve, Comment: comment})
}

// TestGrantRequestThroughItsChain: a grant request across departments is
// signed by the subject's officer, the owner's officer and the unit officer
// in that order, then IT applies it; the grant names the request and its
// signers, and the steps record who, when and the comment.
func TestGrantRequestThroughItsChain(t *testing.T) {
	f := permCompany(t)
	ww := f.actor("ww@example.com")
	id := f.file(ww, &model.FileRequest{Kind: model.RequestGrant, Subject: "ww@example.com", Perm: "external", Reason: "客户邮件"})
	r := f.request(id)
	if r.State != model.RequestPending || len(r.Steps) != 4 || r.Steps[0].Approver != "north@example.com" ||
		r.Steps[1].Approver != "tech@example.com" || r.Steps[2].Role != model.StepUnit || r.Steps[3].Role != model.StepIT {
		t.Fatalf("filed request: %s", mustMarshal(t, r))
	}
	if !r.Expires.Equal(epoch.Add(model.DefaultRequestExpiry)) {
		t.Errorf("expires %s, want %s", r.Expires, epoch.Add(model.DefaultRequestExpiry))
	}

	// Out of order, or by someone not on the chain: refused, nothing written.
	refused(t, f.decide(f.actor("tech@example.com"), id, true, ""), model.ErrConflict, "waits for step 1")
	refused(t, f.decide(f.actor("li@example.com"), id, true, ""), model.ErrForbidden, "li@example.com may not decide request", "north@example.com")
	refused(t, f.decide(f.admin, id, true, ""), model.ErrConflict, "waits for step 1")

	f.clock.Advance(time.Hour)
	if err := f.decide(f.actor("north@example.com"), id, true, "同意"); err != nil {
		t.Fatal(err)
	}
	if err := f.decide(f.actor("tech@example.com"), id, true, ""); err != nil {
		t.Fatal(err)
	}
	if err := f.decide(f.actor("unit@example.com"), id, true, "跨部门，同意"); err != nil {
		t.Fatal(err)
	}
	if len(f.member("ww@example.com").Grants) != 0 {
		t.Fatal("the grant was set before IT applied it")
	}
	if err := f.decide(f.admin, id, true, ""); err != nil {
		t.Fatal(err)
	}
	r = f.request(id)
	if r.State != model.RequestApplied || r.Steps[0].By != "north@example.com" || r.Steps[0].Comment != "同意" || !r.Steps[0].Time.Equal(epoch.Add(time.Hour)) {
		t.Errorf("applied request: %s", mustMarshal(t, r))
	}
	gs := f.member("ww@example.com").Grants
	if len(gs) != 1 || gs[0].Perm != "external" || gs[0].Request != id || gs[0].By != adminAddr || len(gs[0].Approvers) != 3 {
		t.Errorf("grants after applying: %s", mustMarshal(t, gs))
	}
	// Applying again is applying once: a clear refusal, the grant unchanged.
	refused(t, f.decide(f.admin, id, true, ""), model.ErrConflict, "already decided", "applied")
	if len(f.member("ww@example.com").Grants) != 1 {
		t.Error("a second approval changed the grants")
	}
	if op := f.lastOp(); op.Op != "request.approve" || op.Target != "request 1" {
		t.Errorf("last op %s %s", op.Op, op.Target)
	}
}

// TestRequestRejectedExpiredHanded: a rejection needs a comment and ends the
// request; an undecided request expires; a step handed to a deputy is
// decided by the deputy.
func TestRequestRejectedExpiredHanded(t *testing.T) {
	f := permCompany(t)
	ww := f.actor("ww@example.com")
	north := f.actor("north@example.com")
	grant := func() uint64 {
		return f.file(ww, &model.FileRequest{Kind: model.RequestGrant, Subject: "ww@example.com", Perm: "external"})
	}
	id := grant()
	refused(t, f.decide(north, id, false, ""), model.ErrInvalid, "--comment")
	if err := f.decide(north, id, false, "不需要"); err != nil {
		t.Fatal(err)
	}
	if r := f.request(id); r.State != model.RequestRejected || r.Steps[0].Verdict != model.VerdictRejected {
		t.Errorf("rejected: %s", mustMarshal(t, r))
	}
	refused(t, f.decide(f.actor("tech@example.com"), id, true, ""), model.ErrConflict, "already decided", "rejected")

	id = grant()
	f.clock.Advance(model.DefaultRequestExpiry)
	refused(t, f.decide(north, id, true, ""), model.ErrConflict, "expired")

	id = grant()
	refused(t, f.s.Apply(f.actor("li@example.com"), &model.HandStep{ID: id, To: "li@example.com"}), model.ErrForbidden)
	// IT hands on the step of an officer who is away; the officer may
	// hand it too.
	f.apply(f.admin, &model.HandStep{ID: id, To: "tech@example.com", Comment: "北区负责人休假"})
	f.apply(north, &model.HandStep{ID: id, To: "li@example.com", Comment: "出差"})
	if err := f.decide(f.actor("li@example.com"), id, true, "代签"); err != nil {
		t.Fatal(err)
	}
	if r := f.request(id); r.Steps[0].By != "li@example.com" || r.Steps[0].Deputy != "li@example.com" {
		t.Errorf("the deputy's decision: %s", mustMarshal(t, r.Steps[0]))
	}
}

// TestConcurrentApprovals: people acting on the same request at once, on a
// real file: one approval applies it, every other gets "already decided",
// and the grant is written once.
func TestConcurrentApprovals(t *testing.T) {
	f := permCompany(t)
	f.apply(f.admin, &model.SetRequestPolicy{Policy: model.RequestPolicy{Expiry: model.Duration(72 * time.Hour)}})
	f.addMember("it2@example.com", "运维二", "技术部")
	admin2 := f.grant("it2@example.com", model.RoleAdmin, "")
	id := f.file(f.actor("ww@example.com"), &model.FileRequest{Kind: model.RequestGrant, Subject: "ww@example.com", Perm: "external"})
	for _, a := range []model.Address{"north@example.com", "tech@example.com", "unit@example.com"} {
		if err := f.decide(f.actor(a), id, true, ""); err != nil {
			t.Fatal(err)
		}
	}
	before := len(f.ops())
	actors := []model.Actor{f.admin, admin2, f.admin, admin2, f.admin, admin2, f.admin, admin2}
	errs := make([]error, len(actors))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, a := range actors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = f.decide(a, id, true, "")
		}()
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case errors.Is(err, model.ErrConflict):
		default:
			t.Errorf("a concurrent approval failed otherwise: %v", err)
		}
	}
	if won != 1 {
		t.Errorf("%d approvals succeeded, want exactly 1: %v", won, errs)
	}
	if gs := f.member("ww@example.com").Grants; len(gs) != 1 {
		t.Errorf("grants: %s", mustMarshal(t, gs))
	}
	if n := len(f.ops()) - before; n != 1 {
		t.Errorf("%d operation-log records for the concurrent approvals, want 1", n)
	}
	// The step signers acting again at once are told it was decided.
	refused(t, f.decide(f.actor("north@example.com"), id, true, ""), model.ErrConflict, "already decided")
}

// TestDelegationLifecycle: an approved delegation lends the lender's
// permissions, which the policy applies on the last signature; marking the
// lender back ends it; its window ends it too.
func TestDelegationLifecycle(t *testing.T) {
	f := permCompany(t)
	f.apply(f.admin, &model.SetRequestPolicy{Policy: model.RequestPolicy{Expiry: model.Duration(72 * time.Hour), AutoApply: []model.RequestKind{model.RequestDelegate}}})
	f.apply(f.admin, &model.GrantPerm{Address: "ww@example.com", Perm: "external"})
	f.addMember("ww2@example.com", "王二", "销售部/华北大区")
	north := f.actor("north@example.com")
	held := func(a model.Address) []model.HeldPerm {
		var hs []model.HeldPerm
		if err := f.s.Read(func(r *store.Reader) error {
			b, err := model.LoadPermBasis(r)
			if err != nil {
				return err
			}
			m, err := r.Member(a)
			if err != nil {
				return err
			}
			hs, err = model.EffectivePerms(r, b, m, f.clock.Now())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return hs
	}
	lend := func() uint64 {
		return f.file(north, &model.FileRequest{Kind: model.RequestDelegate, Subject: "ww@example.com", To: "ww2@example.com",
			Until: f.clock.Now().Add(48 * time.Hour)})
	}
	refused(t, f.s.Apply(north, &model.FileRequest{Kind: model.RequestDelegate, Subject: "ww@example.com", To: "ww2@example.com",
		Perms: []string{"broadcast"}, Until: f.clock.Now().Add(time.Hour)}), model.ErrConflict, "does not hold the permission broadcast")

	id := lend()
	if err := f.decide(north, id, true, ""); err != nil {
		t.Fatal(err)
	}
	r := f.request(id)
	if r.State != model.RequestApplied || r.Steps[1].By != "" || r.Steps[1].Verdict != model.VerdictApproved {
		t.Fatalf("the delegation did not apply itself: %s", mustMarshal(t, r))
	}
	hs := held("ww2@example.com")
	if h, ok := model.FindPerm(hs, "external"); !ok || h.Source != model.SourceDelegation || h.Lender != "ww@example.com" || h.Request != id {
		t.Fatalf("ww2 holds %+v", hs)
	}
	f.clock.Advance(time.Hour)
	back := &model.MarkBack{Address: "ww@example.com"}
	f.apply(f.actor("ww@example.com"), back)
	if back.Ended != 1 {
		t.Errorf("marking back ended %d delegations, want 1", back.Ended)
	}
	if hs := held("ww2@example.com"); len(hs) != 0 {
		t.Errorf("after ww is back, ww2 holds %+v", hs)
	}
	refused(t, f.s.Apply(f.actor("ww@example.com"), &model.MarkBack{Address: "ww@example.com"}), model.ErrNotFound, "no delegation to end")

	lend2 := lend()
	if err := f.decide(north, lend2, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, ok := model.FindPerm(held("ww2@example.com"), "external"); !ok {
		t.Fatal("the second delegation lends nothing")
	}
	f.clock.Advance(49 * time.Hour)
	if hs := held("ww2@example.com"); len(hs) != 0 {
		t.Errorf("past the window, ww2 holds %+v", hs)
	}
}

// TestUnitOfficerIndex: the unit officers are indexed as the role is
// granted and revoked.
func TestUnitOfficerIndex(t *testing.T) {
	f := permCompany(t)
	var us []model.Address
	f.s.Read(func(r *store.Reader) error {
		us, _ = r.UnitOfficers()
		return nil
	})
	if len(us) != 1 || us[0] != "unit@example.com" {
		t.Errorf("unit officers %v", us)
	}
	f.apply(f.admin, &model.RevokeRole{Address: "unit@example.com", Role: model.RoleUnitOfficer})
	f.s.Read(func(r *store.Reader) error {
		us, _ = r.UnitOfficers()
		return nil
	})
	if len(us) != 0 {
		t.Errorf("unit officers after the revoke %v", us)
	}
}

// approveAll signs every step of a request as the step's approver, and
// the IT step as the admin; it returns the last decision.
func (f *company) approveAll(id uint64) *model.DecideRequest {
	f.t.Helper()
	var last *model.DecideRequest
	for range 8 {
		r := f.request(id)
		if r.State != model.RequestPending {
			return last
		}
		s := r.Steps[r.Current()]
		act := f.admin
		if s.Approver != "" {
			act = f.actor(s.Approver)
		}
		last = &model.DecideRequest{ID: id, Approve: true}
		f.apply(act, last)
	}
	f.t.Fatalf("request %d never finished", id)
	return nil
}

// TestLeaverReclaimed: HR files a leaver with a successor; until IT applies
// it nothing changes; then the login is blocked, new mail goes to the
// successor, grants, roles, keys and delegations are gone, the leaver is
// out of their groups and no longer signs for a department, and what they
// lent is ended (ACC-5).
func TestLeaverReclaimed(t *testing.T) {
	f := permCompany(t)
	hr := f.grant("unit@example.com", model.RoleHR, "")
	unit := model.Address("unit@example.com")
	f.apply(f.admin, &model.SetDept{Path: "/", Officer: &unit}) // signs for the officer of 华北大区 himself
	f.apply(f.admin, &model.GrantPerm{Address: "north@example.com", Perm: "external"},
		&model.AddGroup{Address: "team@example.com", Name: "组"},
		&model.GroupMember{Group: "team@example.com", Member: "north@example.com"}, &model.GroupMember{Group: "team@example.com", Member: "ww@example.com"})
	f.apply(f.admin, &model.SetRequestPolicy{Policy: model.RequestPolicy{Expiry: model.Duration(72 * time.Hour), AutoApply: []model.RequestKind{model.RequestDelegate}}})
	lend := &model.FileRequest{Kind: model.RequestDelegate, Subject: "north@example.com", To: "ww@example.com", Until: f.clock.Now().Add(time.Hour)}
	f.apply(f.admin, lend)
	f.approveAll(lend.ID)

	refused(t, f.s.Apply(hr, &model.FileRequest{Kind: model.RequestLeave, Subject: "north@example.com"}), model.ErrInvalid, "--successor")
	leave := &model.FileRequest{Kind: model.RequestLeave, Subject: "north@example.com", Successor: "ww@example.com", Reason: "离职"}
	f.apply(hr, leave)
	if m := f.member("north@example.com"); m.Status != model.StatusActive {
		t.Fatalf("filing a leaver changed the account: %s", m.Status)
	}
	f.approveAll(leave.ID)
	if r := f.request(leave.ID); r.State != model.RequestApplied {
		t.Fatalf("leaver: %s", mustMarshal(t, r))
	}
	m := f.member("north@example.com")
	if m.Status != model.StatusReclaimed || m.Successor != "ww@example.com" || len(m.Grants) != 0 || len(m.Roles) != 0 {
		t.Errorf("the leaver: %s", mustMarshal(t, m))
	}
	if d := f.dept("销售部/华北大区"); d.Officer != "" {
		t.Errorf("the leaver still signs for 华北大区")
	}
	if len(f.member("ww@example.com").Delegations) != 1 || f.member("ww@example.com").Delegations[0].Ended.IsZero() {
		t.Errorf("the leaver's delegation did not end: %s", mustMarshal(t, f.member("ww@example.com").Delegations))
	}
	var res *model.Resolution
	f.s.Read(func(r *store.Reader) error {
		g, _ := r.Group("team@example.com")
		if len(g.Members) != 1 {
			t.Errorf("the group still lists the leaver: %v", g.Members)
		}
		p, _ := r.MailPolicy()
		res, _ = model.ResolveRecipients(r, p, []model.Address{"north@example.com"})
		return nil
	})
	if res == nil || len(res.Local) != 1 || res.Local[0].Address != "ww@example.com" {
		t.Errorf("mail for the leaver goes to %+v, want the successor", res)
	}
	if _, err := f.s.Login("north@example.com", store.Credentials{Password: memberPassword}, model.LoginSSHPassword, "192.0.2.1", ""); err == nil {
		t.Error("the leaver still logs in")
	}
}

// TestDismissalBlocksAtOnce: an urgent leaver (dismissal) is blocked on
// filing; only HR and admins may file one.
func TestDismissalBlocksAtOnce(t *testing.T) {
	f := permCompany(t)
	refused(t, f.s.Apply(f.actor("north@example.com"), &model.FileRequest{Kind: model.RequestLeave, Subject: "ww@example.com", Successor: "north@example.com", Urgent: true}),
		model.ErrForbidden, "request.urgent")
	hr := f.grant("unit@example.com", model.RoleHR, "")
	c := &model.FileRequest{Kind: model.RequestLeave, Subject: "ww@example.com", Successor: "north@example.com", Urgent: true}
	f.apply(hr, c)
	if m := f.member("ww@example.com"); m.Status != model.StatusDisabled {
		t.Errorf("a dismissal on filing: %s, want disabled", m.Status)
	}
	f.approveAll(c.ID)
	if m := f.member("ww@example.com"); m.Status != model.StatusReclaimed {
		t.Errorf("a dismissal applied: %s, want reclaimed", m.Status)
	}
}

// TestJoinerOpened: HR files a joiner; once IT applies it the account
// exists with a one-time password shown to IT, which must be changed.
func TestJoinerOpened(t *testing.T) {
	f := permCompany(t)
	hr := f.grant("unit@example.com", model.RoleHR, "")
	c := &model.FileRequest{Kind: model.RequestJoin, JoinDept: "销售部/华北大区",
		Join: &model.JoinForm{Name: "新人", Title: "销售代表", Position: model.PositionStaff, Address: "new@example.com"}}
	refused(t, f.s.Apply(f.actor("ww@example.com"), c), model.ErrForbidden, "request.file")
	f.apply(hr, c)
	r := f.request(c.ID)
	if r.Subject != "new@example.com" || len(r.Steps) != 2 || r.Steps[0].Approver != "north@example.com" {
		t.Fatalf("joiner: %s", mustMarshal(t, r))
	}
	last := f.approveAll(c.ID)
	if last.OneTime == "" {
		t.Fatal("IT's approval made no one-time password")
	}
	m := f.member("new@example.com")
	if m.Status != model.StatusActive || !m.Password.MustChange || m.Name != "新人" {
		t.Errorf("the new account: %s", mustMarshal(t, m))
	}
	if _, err := f.s.Login("new@example.com", store.Credentials{Password: last.OneTime}, model.LoginSSHPassword, "192.0.2.1", ""); err != nil && !errors.Is(err, model.ErrAuth) {
		t.Errorf("login with the one-time password: %v", err)
	}
}

// TestInbox: the index of who decides next follows each request through
// its chain: the officer, a deputy, the unit officers, IT; a decided or
// expired request leaves every inbox; the count needs no request read.
func TestInbox(t *testing.T) {
	f := permCompany(t)
	ww := f.actor("ww@example.com")
	inbox := func(a model.Actor) ([]uint64, int) {
		var ids []uint64
		var n int
		f.s.Read(func(r *store.Reader) error {
			qs, total, err := r.Inbox(a, f.clock.Now(), 1)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range qs {
				ids = append(ids, q.ID)
			}
			n = total
			return nil
		})
		return ids, n
	}
	north, tech, unit, li := f.actor("north@example.com"), f.actor("tech@example.com"), f.actor("unit@example.com"), f.actor("li@example.com")
	a := f.file(ww, &model.FileRequest{Kind: model.RequestGrant, Subject: "ww@example.com", Perm: "external"})
	b := f.file(ww, &model.FileRequest{Kind: model.RequestGrant, Subject: "ww@example.com", Perm: "external"})
	if ids, n := inbox(north); n != 2 || len(ids) != 1 || ids[0] != b {
		t.Errorf("north's inbox: %v of %d, want [%d] of 2", ids, n, b)
	}
	if _, n := inbox(tech); n != 0 {
		t.Errorf("tech's inbox before step 1: %d", n)
	}
	f.apply(north, &model.HandStep{ID: a, To: "li@example.com"})
	if ids, n := inbox(li); n != 1 || ids[0] != a {
		t.Errorf("the deputy's inbox: %v of %d", ids, n)
	}
	if err := f.decide(li, a, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, n := inbox(north); n != 1 {
		t.Errorf("north's inbox after the deputy decided: %d, want 1", n)
	}
	if _, n := inbox(tech); n != 1 {
		t.Errorf("tech's inbox at step 2: %d, want 1", n)
	}
	if err := f.decide(tech, a, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, n := inbox(unit); n != 1 {
		t.Errorf("the unit officer's inbox: %d, want 1", n)
	}
	if err := f.decide(unit, a, true, ""); err != nil {
		t.Fatal(err)
	}
	if ids, n := inbox(f.admin); n != 1 || ids[0] != a {
		t.Errorf("IT's inbox: %v of %d", ids, n)
	}
	if err := f.decide(f.admin, a, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, n := inbox(f.admin); n != 0 {
		t.Errorf("IT's inbox after applying: %d", n)
	}
	f.clock.Advance(model.DefaultRequestExpiry)
	if _, n := inbox(north); n != 0 {
		t.Errorf("north's inbox after b expired: %d", n)
	}
}

// TestWaitingIndexMigrates: a file of schema 3 gains the index of who
// decides next when opened.
func TestWaitingIndexMigrates(t *testing.T) {
	f := permCompany(t)
	id := f.file(f.actor("ww@example.com"), &model.FileRequest{Kind: model.RequestGrant, Subject: "ww@example.com", Perm: "external"})
	f.close()
	db, err := bolt.Open(f.path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket([]byte("waiting")); err != nil {
			return err
		}
		v := make([]byte, 8)
		binary.BigEndian.PutUint64(v, 3)
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), v)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	f.reopen()
	f.s.Read(func(r *store.Reader) error {
		qs, n, err := r.Inbox(f.actor("north@example.com"), f.clock.Now(), 0)
		if err != nil || n != 1 || qs[0].ID != id {
			t.Errorf("north's inbox after the migration: %v of %d (%v)", qs, n, err)
		}
		return nil
	})
}

// TestWithdrawLeavesTheInbox: a withdrawn request leaves the waiting index
// at once (the approver's inbox and its count), is logged as
// request.withdraw with its comment, cannot be withdrawn again or decided,
// and lists under withdrawn, never under expired.
func TestWithdrawLeavesTheInbox(t *testing.T) {
	f := permCompany(t)
	ww, north := f.actor("ww@example.com"), f.actor("north@example.com")
	id := f.file(ww, &model.FileRequest{Kind: model.RequestGrant, Subject: "ww@example.com", Perm: "external"})
	other := f.file(ww, &model.FileRequest{Kind: model.RequestGrant, Subject: "ww@example.com", Perm: "external"})
	f.apply(north, &model.HandStep{ID: id, To: "li@example.com"})
	count := func(a model.Actor) int {
		var n int
		f.s.Read(func(r *store.Reader) error {
			var err error
			_, n, err = r.Inbox(a, f.clock.Now(), 0)
			return err
		})
		return n
	}
	if n := count(north); n != 2 {
		t.Fatalf("north's inbox before: %d, want 2", n)
	}
	refused(t, f.s.Apply(north, &model.WithdrawRequest{ID: id}), model.ErrForbidden, "may not withdraw", "ww@example.com")
	f.clock.Advance(time.Hour)
	f.apply(ww, &model.WithdrawRequest{ID: id, Comment: "客户已取消"})
	if n := count(north); n != 1 {
		t.Errorf("north's inbox after the withdrawal: %d, want 1", n)
	}
	if n := count(f.actor("li@example.com")); n != 0 {
		t.Errorf("the deputy's inbox after the withdrawal: %d, want 0", n)
	}
	op := f.lastOp()
	if op.Op != "request.withdraw" || op.Target != "request 1" || op.Actor != "ww@example.com" || len(op.Notes) == 0 || op.Notes[0].Value != "客户已取消" {
		t.Errorf("the operation log: %s", mustMarshal(t, op))
	}
	r := f.request(id)
	if r.State != model.RequestWithdrawn || r.WithdrawnBy != "ww@example.com" || !r.Done.Equal(epoch.Add(time.Hour)) || r.WithdrawComment != "客户已取消" {
		t.Errorf("withdrawn: %s", mustMarshal(t, r))
	}
	refused(t, f.s.Apply(ww, &model.WithdrawRequest{ID: id}), model.ErrConflict, "already withdrawn by ww@example.com")
	refused(t, f.decide(f.actor("li@example.com"), id, true, ""), model.ErrConflict, "was withdrawn by ww@example.com")
	refused(t, f.s.Apply(north, &model.HandStep{ID: other, To: "ww@example.com"}), model.ErrInvalid)

	f.clock.Advance(model.DefaultRequestExpiry)
	list := func(st model.RequestState) []uint64 {
		var ids []uint64
		f.s.Read(func(rd *store.Reader) error {
			qs, err := rd.Requests(store.RequestFilter{State: st, Now: f.clock.Now()})
			for _, q := range qs {
				ids = append(ids, q.ID)
			}
			return err
		})
		return ids
	}
	if got := list(model.RequestWithdrawn); len(got) != 1 || got[0] != id {
		t.Errorf("withdrawn: %v, want [%d]", got, id)
	}
	if got := list(model.RequestExpired); len(got) != 1 || got[0] != other {
		t.Errorf("expired: %v, want [%d]", got, other)
	}
}
