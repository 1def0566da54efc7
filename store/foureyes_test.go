package store_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"postroom/model"
	"postroom/store"
)

// fourEyesCompany is permCompany with a second admin, ops@.
func fourEyesCompany(t *testing.T) (*company, model.Actor) {
	f := permCompany(t)
	f.addMember("ops@example.com", "运维", "技术部")
	f.addMember("bak.example.com@example.com", "x", "技术部")
	f.apply(f.admin, &model.AddDomain{Name: "old.example.com"})
	return f, f.grant("ops@example.com", model.RoleAdmin, "")
}

func pending(t *testing.T, err error) *model.ApprovalPending {
	t.Helper()
	var p *model.ApprovalPending
	if !errors.As(err, &p) {
		t.Fatalf("want the change filed for approval, got %v", err)
	}
	return p
}

// TestFourEyesClasses: which changes need a second admin's approval, under
// which settings, with one admin or two.
func TestFourEyesClasses(t *testing.T) {
	seed, _ := model.PolicyPreset("seed")
	exec := model.MemberFields{Position: string(model.PositionExecutive)}
	staff := model.MemberFields{Position: string(model.PositionStaff)}
	title := model.MemberFields{Title: "经理"}
	post := "anyone"
	bcast := []model.Position{model.PositionStaff}
	for _, tc := range []struct {
		name   string
		change func() model.Change
		class  model.FourEyesClass // "": applies at once
	}{
		{"remove a domain", func() model.Change { return &model.RemoveDomain{Name: "old.example.com", Confirm: "old.example.com"} }, model.FourEyesDomain},
		{"change the password policy", func() model.Change { return &model.SetPasswordPolicy{Policy: seed} }, model.FourEyesPassword},
		{"grant broadcast", func() model.Change { return &model.GrantPerm{Address: "ww@example.com", Perm: "broadcast"} }, model.FourEyesBroadcast},
		{"grant external", func() model.Change { return &model.GrantPerm{Address: "ww@example.com", Perm: "external"} }, ""},
		{"position that sends to all", func() model.Change {
			return &model.SetMember{Address: "ww@example.com", Fields: exec, Set: map[string]bool{"position": true}}
		}, model.FourEyesBroadcast},
		{"position that does not", func() model.Change {
			return &model.SetMember{Address: "ww@example.com", Fields: staff, Set: map[string]bool{"position": true}}
		}, ""},
		{"a title", func() model.Change {
			return &model.SetMember{Address: "ww@example.com", Fields: title, Set: map[string]bool{"title": true}}
		}, ""},
		{"broadcast for staff in the catalogue", func() model.Change {
			return &model.SetPermission{Name: "broadcast", Owner: "技术部", Positions: &bcast}
		}, model.FourEyesBroadcast},
		{"the mail policy", func() model.Change {
			p := model.DefaultMailPolicy("example.com")
			p.Broadcast.Threshold = 99
			return &model.SetMailPolicy{Policy: p}
		}, model.FourEyesSending},
		{"the enterprise signature alone", func() model.Change {
			p := model.DefaultMailPolicy("example.com")
			p.Signature = model.SignaturePolicy{Text: "-- \n{name}"}
			return &model.SetMailPolicy{Policy: p}
		}, ""},
		{"an all-staff group's posting rule", func() model.Change { return &model.SetGroup{Address: "all@example.com", Post: &post} }, model.FourEyesSending},
		{"a small group's posting rule", func() model.Change { return &model.SetGroup{Address: "team@example.com", Post: &post} }, ""},
		{"switching four-eyes off", func() model.Change {
			none := []model.FourEyesClass{}
			return &model.SetEnterprise{FourEyes: &none}
		}, model.FourEyesDomain},
	} {
		for _, setting := range []struct {
			name string
			on   []model.FourEyesClass // nil: the default (all)
			two  bool                  // a second admin exists
		}{{"default, two admins", nil, true}, {"default, one admin", nil, false}, {"only domains, two admins", []model.FourEyesClass{model.FourEyesDomain}, true}} {
			t.Run(tc.name+"/"+setting.name, func(t *testing.T) {
				f := permCompany(t)
				f.apply(f.admin, &model.AddDomain{Name: "old.example.com"},
					&model.AddGroup{Address: "all@example.com", Name: "全员", Post: "members"}, &model.GroupMember{Group: "all@example.com", Dept: "/"},
					&model.AddGroup{Address: "team@example.com", Name: "小组", Post: "members"}, &model.GroupMember{Group: "team@example.com", Dept: "技术部"})
				if setting.on != nil {
					on := setting.on
					f.apply(f.admin, &model.SetEnterprise{FourEyes: &on})
				}
				if setting.two {
					f.addMember("ops@example.com", "运维", "技术部")
					f.grant("ops@example.com", model.RoleAdmin, "")
				}
				want := tc.class
				if setting.on != nil && !(want != "" && setting.on[0] == want) {
					want = ""
				}
				err := f.s.Apply(f.admin, tc.change())
				switch {
				case want != "" && setting.two:
					p := pending(t, err)
					r := f.request(p.ID)
					if r.Kind != model.RequestChange || r.Change.Class != want || r.State != model.RequestPending || len(r.Steps) != 1 || r.Steps[0].Role != model.StepAdmin {
						t.Errorf("filed: %s", mustMarshal(t, r))
					}
					if op := f.lastOp(); op.Op != "request.file" || !strings.Contains(op.Target, "change") {
						t.Errorf("logged as %s %s", op.Op, op.Target)
					}
				case err != nil:
					t.Fatalf("refused: %v", err)
				case want != "":
					op := f.lastOp()
					if len(op.Notes) == 0 || op.Notes[len(op.Notes)-1].Key != "four_eyes" || !strings.Contains(op.Notes[len(op.Notes)-1].Value, "unreviewed") {
						t.Errorf("a one-admin company's change is not noted unreviewed: %s", mustMarshal(t, op.Notes))
					}
				}
			})
		}
	}
}

// TestFourEyesApprove: the filer may not approve their own change; the
// second admin's approval applies it once, logged with who filed and who
// approved; others are refused.
func TestFourEyesApprove(t *testing.T) {
	f, ops := fourEyesCompany(t)
	p := pending(t, f.s.Apply(f.admin, &model.RemoveDomain{Name: "old.example.com", Confirm: "old.example.com"}))
	if r := f.request(p.ID); len(r.Change.Diff) == 0 {
		t.Errorf("no readable before and after: %s", mustMarshal(t, r.Change))
	}
	refused(t, f.decide(f.admin, p.ID, true, ""), model.ErrForbidden, "second admin")
	refused(t, f.decide(f.actor("ww@example.com"), p.ID, true, ""), model.ErrForbidden)
	helpdesk := f.grant("li@example.com", model.RoleHelpdesk, "")
	refused(t, f.decide(helpdesk, p.ID, true, ""), model.ErrForbidden)
	f.apply(ops, &model.DecideRequest{ID: p.ID, Approve: true})
	if r := f.request(p.ID); r.State != model.RequestApplied || r.Steps[0].By != ops.Address {
		t.Fatalf("after approval: %s", mustMarshal(t, r))
	}
	var domains []model.Domain
	f.s.Read(func(r *store.Reader) error { domains, _ = r.Domains(); return nil })
	if len(domains) != 1 {
		t.Errorf("domains after approval: %v", domains)
	}
	op := f.lastOp()
	notes := map[string]string{}
	for _, n := range op.Notes {
		notes[n.Key] = n.Value
	}
	if op.Op != "domain.rm" || op.Actor != ops.Address || notes["filed_by"] != "admin@example.com" || notes["approved_by"] != "ops@example.com" {
		t.Errorf("the change's log record: %s %s %v", op.Op, op.Actor, notes)
	}
	refused(t, f.decide(ops, p.ID, true, ""), model.ErrConflict, "already decided")

	// A rejection ends it; nothing changes.
	pp := pending(t, f.s.Apply(ops, &model.GrantPerm{Address: "ww@example.com", Perm: "broadcast"}))
	refused(t, f.decide(ops, pp.ID, true, ""), model.ErrForbidden)
	f.apply(f.admin, &model.DecideRequest{ID: pp.ID, Approve: false, Comment: "没有依据"})
	if m := f.member("ww@example.com"); len(m.Grants) != 0 {
		t.Errorf("a rejected grant applied: %v", m.Grants)
	}
	// A batch with a dangerous change is refused whole.
	refused(t, f.s.Apply(f.admin, &model.AddDomain{Name: "new.example.com"}, &model.GrantPerm{Address: "ww@example.com", Perm: "broadcast"}),
		model.ErrConflict, "on its own")
	// Mistakes are reported at once, not filed.
	refused(t, f.s.Apply(f.admin, &model.RemoveDomain{Name: "example.com", Confirm: "wrong"}), model.ErrInvalid, "--confirm")
}

// TestFourEyesStale: a change that no longer applies when approved ends
// the request as failed with the reason; nothing is applied.
func TestFourEyesStale(t *testing.T) {
	f, ops := fourEyesCompany(t)
	seed, _ := model.PolicyPreset("seed")
	p := pending(t, f.s.Apply(f.admin, &model.SetPasswordPolicy{Policy: seed}))
	custom, _ := model.PolicyPreset("custom")
	custom.MinLength = 20
	f.apply(model.System(model.DoorCLI), &model.SetPasswordPolicy{Policy: custom})
	refused(t, f.decide(ops, p.ID, true, ""), model.ErrConflict, "ended as failed", "changed by someone else")
	r := f.request(p.ID)
	if r.State != model.RequestFailed || r.Change.Error == "" || r.Steps[0].By != ops.Address {
		t.Errorf("stale change: %s", mustMarshal(t, r))
	}
	if pol := f.policy(); pol.MinLength != 20 {
		t.Errorf("the stale change applied: %+v", pol)
	}
}

// TestFourEyesConcurrentApprovals: many approvals at once, by two admins,
// apply the stored change exactly once.
func TestFourEyesConcurrentApprovals(t *testing.T) {
	f, ops := fourEyesCompany(t)
	f.addMember("third@example.com", "第三", "技术部")
	third := f.grant("third@example.com", model.RoleAdmin, "")
	p := pending(t, f.s.Apply(f.admin, &model.GrantPerm{Address: "ww@example.com", Perm: "broadcast"}))
	before := len(f.ops())
	newOps := func() []store.OpRecord { all := f.ops(); return all[:len(all)-before] }
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			as := ops
			if i%2 == 1 {
				as = third
			}
			if f.decide(as, p.ID, true, "") == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if ok != 1 {
		t.Errorf("%d approvals succeeded, want 1", ok)
	}
	grants := 0
	for _, op := range newOps() {
		if op.Op == "perm.grant" {
			grants++
		}
	}
	if m := f.member("ww@example.com"); len(m.Grants) != 1 || grants != 1 {
		t.Errorf("applied %d times, grants %v", grants, m.Grants)
	}
	// After a restart it is still applied once.
	f.close()
	f.reopen()
	refused(t, f.decide(third, p.ID, true, ""), model.ErrConflict, "already decided")
}
