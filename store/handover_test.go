package store_test

import (
	"testing"

	"postroom/model"
	"postroom/store"
)

// handoverCompany is permCompany with ww@ (王伟, 华北大区) reclaimed as a
// leaver whose mail goes to li@ (技术部); HR is hr@, with the HR role.
// It returns the leave request's id.
func handoverCompany(t *testing.T) (*company, uint64) {
	f := permCompany(t)
	f.addMember("hr@example.com", "人事", "销售部")
	f.addMember("help@example.com", "服务台", "技术部")
	f.addMember("audit@example.com", "审计", "技术部")
	f.addMember("south@example.com", "南区", "销售部/华南大区")
	f.grant("hr@example.com", model.RoleHR, "")
	f.grant("help@example.com", model.RoleHelpdesk, "")
	f.grant("audit@example.com", model.RoleAuditor, "")
	f.addMember("mate@example.com", "同事", "销售部/华北大区")
	heads := []model.Address{"south@example.com"}
	f.apply(f.admin, &model.SetDept{Path: "销售部/华南大区", Heads: &heads})
	leave := &model.FileRequest{Kind: model.RequestLeave, Subject: "ww@example.com", Successor: "li@example.com"}
	f.apply(f.actor("hr@example.com"), leave)
	return f, leave.ID
}

// TestHandoverWhoMayFile: the handover of a leaver's mailbox is filed by
// the successor, HR, the leaver's officer or an admin; the leaver's colleagues, the helpdesk,
// the auditor and the head of another department are refused, each with
// the right they lack; nobody files it before the leave is applied, nor
// twice.
func TestHandoverWhoMayFile(t *testing.T) {
	f, leaveID := handoverCompany(t)
	hand := func() *model.FileRequest {
		return &model.FileRequest{Kind: model.RequestHandover, Subject: "ww@example.com", Reason: "客户往来邮件"}
	}
	refused(t, f.s.Apply(f.actor("li@example.com"), hand()), model.ErrForbidden, "request.file")
	refused(t, f.s.Apply(f.actor("hr@example.com"), hand()), model.ErrConflict, "has not left", "request file leave")
	f.approveAll(leaveID)

	for _, who := range []model.Address{"mate@example.com", "help@example.com", "audit@example.com", "south@example.com"} {
		refused(t, f.s.Apply(f.actor(who), hand()), model.ErrForbidden, "request.file")
	}
	for _, who := range []model.Actor{f.actor("li@example.com"), f.actor("hr@example.com"), f.admin} {
		c := hand()
		if err := f.s.Apply(who, c); err != nil {
			t.Fatalf("%s files the handover: %v", who.Address, err)
		}
		r := f.request(c.ID)
		if r.Kind != model.RequestHandover || r.Successor != "li@example.com" || r.Leave != leaveID || r.Requester != who.Address ||
			len(r.Steps) != 2 || r.Steps[0].Approver != "north@example.com" || r.Steps[1].Role != model.StepIT {
			t.Fatalf("the handover: %s", mustMarshal(t, r))
		}
		if l := f.request(leaveID); l.Handover != c.ID {
			t.Errorf("the leave request names handover %d, want %d", l.Handover, c.ID)
		}
		refused(t, f.s.Apply(f.admin, hand()), model.ErrConflict, "already asks", "pending")
		f.apply(who, &model.WithdrawRequest{ID: c.ID}) // withdrawn: it can be filed again
	}
}

// TestHandoverLeaveDoneAfterCopy: the leave request is finished when it is
// applied and no handover was asked for; once one is asked for, it is
// finished only when the handover's copy is recorded (by postroom alone,
// once), or when the handover is turned down.
func TestHandoverLeaveDoneAfterCopy(t *testing.T) {
	f, leaveID := handoverCompany(t)
	finished := func(id uint64) bool {
		var ok bool
		f.s.Read(func(r *store.Reader) error {
			q, _ := r.Request(id)
			ok = q.Finished(r, f.clock.Now())
			return nil
		})
		return ok
	}
	if finished(leaveID) {
		t.Fatal("a pending leave request is finished")
	}
	f.approveAll(leaveID)
	if !finished(leaveID) {
		t.Fatal("an applied leave request without handover is not finished")
	}

	// Turned down: the leave is finished again.
	c := &model.FileRequest{Kind: model.RequestHandover, Subject: "ww@example.com"}
	f.apply(f.actor("li@example.com"), c)
	if finished(leaveID) {
		t.Error("the leave is finished while its handover is pending")
	}
	if err := f.decide(f.actor("north@example.com"), c.ID, false, "不需要"); err != nil {
		t.Fatal(err)
	}
	if !finished(leaveID) {
		t.Error("the leave is not finished after its handover was rejected")
	}

	c = &model.FileRequest{Kind: model.RequestHandover, Subject: "ww@example.com"}
	f.apply(f.actor("hr@example.com"), c)
	rec := &model.RecordHandover{ID: c.ID, Handed: model.Handed{Folder: "交接-王伟", Messages: 3, Bytes: 4096}}
	refused(t, f.s.Apply(model.System(model.DoorSystem), rec), model.ErrConflict, "only an applied handover")
	f.approveAll(c.ID)
	if q := f.request(c.ID); !q.HandingOver() || finished(c.ID) || finished(leaveID) {
		t.Fatalf("applied, not copied: %s", mustMarshal(t, q))
	}
	refused(t, f.s.Apply(f.admin, rec), model.ErrForbidden, "only postroom")
	f.apply(model.System(model.DoorSystem), rec)
	q := f.request(c.ID)
	if q.Handed == nil || q.Handed.Messages != 3 || q.Handed.Bytes != 4096 || q.Handed.Folder != "交接-王伟" || !q.Handed.Time.Equal(f.clock.Now()) {
		t.Errorf("recorded: %s", mustMarshal(t, q))
	}
	if !finished(c.ID) || !finished(leaveID) {
		t.Error("the handover, or its leave request, is not finished after the copy")
	}
	refused(t, f.s.Apply(model.System(model.DoorSystem), rec), model.ErrConflict, "already handed over")
	op := f.lastOp()
	if op.Op != "request.handover" {
		t.Errorf("the last operation is %s", op.Op)
	}
	refused(t, f.s.Apply(f.admin, &model.FileRequest{Kind: model.RequestHandover, Subject: "ww@example.com"}), model.ErrConflict, "already handed over by request")
}
