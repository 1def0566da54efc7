package cmd_test

import (
	"strings"
	"testing"

	"postroom/store"
)

// TestRequestDecidesHeldMail: the id the SMTP hold reply names as the
// request ("held for approval: request ID") is taken by request approve
// and request reject, which do what queue release and queue reject do:
// the approver and IT decide, once, the sender is told and the decision
// logged; the member, the helpdesk, the auditor and another head are
// refused; a rejection needs a comment.
func TestRequestDecidesHeldMail(t *testing.T) {
	q := qfx(t)
	unchanged(t, func() {
		q.refused("member", "request approve HELD1", "queue.manage")
		q.refused("helpdesk", "request approve HELD1", "queue.manage")
		q.refused("auditor", "request approve HELD1", "queue.manage")
		q.refused(otherHead, "request approve HELD1", "queue.manage")
		q.refused("head", "request reject HELD1", "comment")
		q.refused("head", "request approve 0123456789abcdef0123", "queue.manage")
	})
	out := q.ok("head", "request approve HELD1 --comment 同意发送")
	if !strings.Contains(out, q.held1) || !strings.Contains(out, "released") {
		t.Errorf("request approve of held mail printed %q", out)
	}
	if st := q.status(q.held1); st != store.MsgQueued {
		t.Errorf("after the approval the message is %s", st)
	}
	if q.kicks != 1 || len(q.notices) != 1 || q.notices[0] != (notice{"released", q.held1, headAddr, "同意发送"}) {
		t.Errorf("kicks %d, notices %+v", q.kicks, q.notices)
	}
	if recs := opLog(t, 1); recs[0].Op != "queue.release" || recs[0].Target != q.held1 || recs[0].Actor != headAddr {
		t.Errorf("the newest op record is %+v", recs[0])
	}
	unchanged(t, func() {
		q.refused("head", "request approve HELD1", "already released by "+headAddr)
		q.refused("admin", "request reject HELD1 --comment 晚了", "already released by "+headAddr)
	})

	// IT (queue.manage) rejects another head's message; JSON says so.
	var it struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	decode(t, q.ok("admin", "request reject HELD2 --comment 请改为部门邮件 --json"), &it)
	if it.ID != q.held2 || it.Status != string(store.MsgRejected) {
		t.Errorf("request reject --json printed %+v", it)
	}
	if len(q.notices) != 2 || q.notices[1].ev != "rejected" || q.notices[1].comment != "请改为部门邮件" {
		t.Errorf("notices %+v", q.notices)
	}
	// A request's number is still a request.
	q.refused("admin", "request approve 999", "no request 999")
}
