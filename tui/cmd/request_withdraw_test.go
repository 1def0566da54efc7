package cmd_test

import (
	"strconv"
	"strings"
	"testing"
)

// TestWithdrawByEachRole: a member withdraws the request they filed, an
// admin withdraws anyone's; the approver, HR, the helpdesk, the auditor
// and the sub-admin are refused with who may, and nothing changes.
func TestWithdrawByEachRole(t *testing.T) {
	for _, c := range []struct {
		as    string
		allow bool
	}{
		{"member", true},
		{"admin", true},
		{"head", false}, // the approver of step 1
		{"hr", false},
		{"helpdesk", false},
		{"auditor", false},
		{"subadmin", false},
	} {
		t.Run(c.as, func(t *testing.T) {
			t.Parallel()
			ownExternal(t)
			id := fileID(t, "member", "request", "file", "grant", "--member", memberAddr, "--perm", "external", "--json")
			args := []string{"request", "withdraw", id, "--comment", "不需要了"}
			if !c.allow {
				unchanged(t, func() {
					refused(t, c.as, "", args, "may not withdraw request "+id, "only its requester "+memberAddr, "request.apply")
				})
				if r := showRequest(t, "member", id); r.Status != "pending" {
					t.Errorf("after a refused withdrawal: %+v", r)
				}
				return
			}
			if out := ok(t, c.as, "", args...); !strings.Contains(out, "request "+id+" withdrawn") {
				t.Errorf("withdraw printed %q", out)
			}
			r := showRequest(t, "member", id)
			if r.Status != "withdrawn" || r.Waiting != "" {
				t.Errorf("withdrawn: %+v", r)
			}
		})
	}
}

// TestWithdrawByCommand: once withdrawn, a request leaves the approver's
// inbox, lists under --status withdrawn, shows who withdrew it and why,
// and neither a second withdrawal nor an approval goes through.
func TestWithdrawByCommand(t *testing.T) {
	ownExternal(t)
	id := fileID(t, "member", "request", "file", "grant", "--member", memberAddr, "--perm", "external", "--json")
	var w struct {
		Status          string `json:"status"`
		WithdrawnBy     string `json:"withdrawn_by"`
		WithdrawComment string `json:"withdraw_comment"`
		Done            string `json:"done"`
	}
	decode(t, ok(t, "member", "", "request", "withdraw", id, "--comment", "客户已取消", "--json"), &w)
	if w.Status != "withdrawn" || w.WithdrawnBy != memberAddr || w.WithdrawComment != "客户已取消" || w.Done == "" {
		t.Errorf("withdraw --json: %+v", w)
	}
	unchanged(t, func() {
		refused(t, "member", "", []string{"request", "withdraw", id}, "already withdrawn by "+memberAddr)
		refused(t, "head", "", []string{"request", "approve", id}, "was withdrawn by "+memberAddr)
		refused(t, "member", "", []string{"request", "list", "--status", "cancelled"}, "withdrawn")
	})
	var waiting, withdrawn, pending []requestView
	decode(t, ok(t, "head", "", "request", "list", "--waiting", "--json"), &waiting)
	decode(t, ok(t, "member", "", "request", "list", "--status", "withdrawn", "--json"), &withdrawn)
	decode(t, ok(t, "member", "", "request", "list", "--status", "pending", "--json"), &pending)
	for _, q := range waiting {
		if strconv.FormatUint(q.ID, 10) == id {
			t.Errorf("the withdrawn request is still in the head's inbox")
		}
	}
	if len(withdrawn) != 1 || strconv.FormatUint(withdrawn[0].ID, 10) != id || len(pending) != 0 {
		t.Errorf("--status withdrawn: %+v; pending: %+v", withdrawn, pending)
	}
	if out := ok(t, "member", "", "request", "show", id); !strings.Contains(out, "withdrawn:") || !strings.Contains(out, "客户已取消") {
		t.Errorf("request show:\n%s", out)
	}
}
