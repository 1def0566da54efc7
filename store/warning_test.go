package store_test

import (
	"testing"

	"postroom/model"
	"postroom/store"
)

// TestWarnings: each warning is recorded with its reason, who and when; the
// one that reaches the limit (3 by default, or the enterprise's setting)
// blocks the mailbox: no login, and the reason says so.
func TestWarnings(t *testing.T) {
	for _, tc := range []struct {
		name    string
		limit   int // 0: the default
		warns   int
		count   int
		blocked bool
	}{
		{"first", 0, 1, 1, false},
		{"second", 0, 2, 2, false},
		{"third blocks", 0, 3, 3, true},
		{"limit 2: second blocks", 2, 2, 2, true},
		{"limit 5: fourth does not", 5, 4, 4, false},
		{"limit 1: first blocks", 1, 1, 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := permCompany(t)
			if tc.limit > 0 {
				f.apply(f.admin, &model.SetEnterprise{BlockAfter: &tc.limit})
			}
			var last *model.WarnMember
			for i := range tc.warns {
				last = &model.WarnMember{Address: "ww@example.com", Reason: "群发广告 " + string(rune('1'+i))}
				f.apply(f.admin, last)
			}
			if last.Count != tc.count || last.Blocked != tc.blocked {
				t.Errorf("count %d blocked %v, want %d %v", last.Count, last.Blocked, tc.count, tc.blocked)
			}
			m := f.member("ww@example.com")
			if len(m.Warnings) != tc.warns || m.Warnings[0].By != f.admin.Address || m.Warnings[0].Reason != "群发广告 1" || !m.Warnings[0].Time.Equal(f.clock.Now()) {
				t.Errorf("warnings recorded: %s", mustMarshal(t, m.Warnings))
			}
			if m.WarnBlocked() != tc.blocked || (m.Status == model.StatusDisabled) != tc.blocked {
				t.Errorf("status %s blocked %v, want blocked %v", m.Status, m.Blocked, tc.blocked)
			}
			_, err := f.s.Login("ww@example.com", store.Credentials{Password: memberPassword}, model.LoginSMTP, "192.0.2.1", "")
			if tc.blocked {
				refused(t, err, model.ErrAuth, "blocked after", "request file unblock --member ww@example.com")
				refused(t, f.s.Apply(f.admin, &model.WarnMember{Address: "ww@example.com", Reason: "again"}), model.ErrConflict, "already blocked")
				refused(t, f.s.Apply(f.admin, &model.EnableMember{Address: "ww@example.com"}), model.ErrConflict, "request file unblock")
			} else if err != nil {
				t.Errorf("login refused before the limit: %v", err)
			}
			if op := f.lastOp(); op.Op != "member.warn" {
				t.Errorf("last op %s", op.Op)
			}
		})
	}
}

// TestWarnRefusals: warnings need member.manage over the member; a reason;
// nobody warns themself.
func TestWarnRefusals(t *testing.T) {
	f := permCompany(t)
	sub := f.grant("north@example.com", model.RoleSubadmin, "销售部/华北大区", model.SubMembers)
	f.apply(sub, &model.WarnMember{Address: "ww@example.com", Reason: "超大附件"})
	refused(t, f.s.Apply(sub, &model.WarnMember{Address: "li@example.com", Reason: "x"}), model.ErrForbidden, "member.manage")
	refused(t, f.s.Apply(f.actor("li@example.com"), &model.WarnMember{Address: "ww@example.com", Reason: "x"}), model.ErrForbidden, "member.manage")
	refused(t, f.s.Apply(f.admin, &model.WarnMember{Address: "ww@example.com", Reason: " "}), model.ErrInvalid, "--reason")
	refused(t, f.s.Apply(f.admin, &model.WarnMember{Address: f.admin.Address, Reason: "x"}), model.ErrConflict, "yourself")
	limit := 0
	refused(t, f.s.Apply(f.admin, &model.SetEnterprise{BlockAfter: &limit}), model.ErrInvalid, "1 to 100")
}

// TestUnblockRequest: an unblock is a request filed by the member's head or
// an admin, signed by the member's officer and applied by IT, once: the
// member is active again and the warnings that blocked them are cleared,
// kept in the history.
func TestUnblockRequest(t *testing.T) {
	f := permCompany(t)
	refused(t, f.s.Apply(f.admin, &model.FileRequest{Kind: model.RequestUnblock, Subject: "ww@example.com"}), model.ErrConflict, "not blocked")
	for range 3 {
		f.apply(f.admin, &model.WarnMember{Address: "ww@example.com", Reason: "群发广告"})
	}
	refused(t, f.s.Apply(f.actor("li@example.com"), &model.FileRequest{Kind: model.RequestUnblock, Subject: "ww@example.com"}), model.ErrForbidden, "request.file")
	c := &model.FileRequest{Kind: model.RequestUnblock, Subject: "ww@example.com", Reason: "已整改"}
	f.apply(f.admin, c)
	r := f.request(c.ID)
	if len(r.Steps) != 2 || r.Steps[0].Approver != "north@example.com" || r.Steps[1].Role != model.StepIT {
		t.Fatalf("chain: %s", mustMarshal(t, r.Steps))
	}
	if m := f.member("ww@example.com"); !m.WarnBlocked() {
		t.Fatal("filing lifted the block")
	}
	f.approveAll(c.ID)
	if r := f.request(c.ID); r.State != model.RequestApplied {
		t.Fatalf("unblock: %s", r.State)
	}
	m := f.member("ww@example.com")
	if m.Status != model.StatusActive || m.WarnBlocked() || m.ActiveWarnings() != 0 || len(m.Warnings) != 3 || m.Warnings[2].Request != c.ID {
		t.Errorf("after the unblock: %s", mustMarshal(t, m))
	}
	refused(t, f.decide(f.admin, c.ID, true, ""), model.ErrConflict, "already decided")
	if _, err := f.s.Login("ww@example.com", store.Credentials{Password: memberPassword}, model.LoginSMTP, "192.0.2.1", ""); err != nil {
		t.Errorf("login after the unblock: %v", err)
	}
	// Counting starts again: the next warning is the first.
	w := &model.WarnMember{Address: "ww@example.com", Reason: "again"}
	f.apply(f.admin, w)
	if w.Count != 1 || w.Blocked {
		t.Errorf("after the unblock a warning counts %d blocked %v", w.Count, w.Blocked)
	}
}
