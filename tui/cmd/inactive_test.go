package cmd_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// inactiveJSON is one element of member inactive --json.
type inactiveJSON struct {
	Address    string   `json:"address"`
	Name       string   `json:"name"`
	Department string   `json:"department"`
	Heads      []string `json:"heads"`
	Status     string   `json:"status"`
	LastLogin  *string  `json:"last_login"`
	Days       int      `json:"days_unused"`
}

// TestMemberInactive (ACC-6): after the period every unused account is
// listed with its department and heads; a login takes one off; admins (and
// sub-admins over their subtree) list and disable them in bulk with the
// number confirmed; the helpdesk, the auditor and a member are refused.
func TestMemberInactive(t *testing.T) {
	var none []inactiveJSON
	decode(t, ok(t, "admin", "", "member", "inactive", "--json"), &none)
	if len(none) != 0 {
		t.Fatalf("a new company has %d inactive accounts", len(none))
	}
	ok(t, "admin", "", "org", "set", "--inactive-after", "30d")
	fx(t).advance(40 * 24 * time.Hour)
	var all []inactiveJSON
	decode(t, ok(t, "admin", "", "member", "inactive", "--json"), &all)
	if len(all) < 10 {
		t.Fatalf("after 40 days: %d inactive", len(all))
	}
	var ww *inactiveJSON
	for i := range all {
		if all[i].Address == memberAddr {
			ww = &all[i]
		}
	}
	if ww == nil || ww.Department == "" || len(ww.Heads) == 0 || ww.LastLogin != nil || ww.Days < 39 || ww.Status != "active" {
		t.Errorf("wangwei: %+v", ww)
	}
	for _, role := range []string{"helpdesk", "auditor", "member", "hr"} {
		unchanged(t, func() { refused(t, role, "", []string{"member", "inactive"}, "member.manage") })
	}
	var sales []inactiveJSON
	decode(t, ok(t, "subadmin", "", "member", "inactive", "--dept", "销售部", "--json"), &sales)
	if len(sales) == 0 || len(sales) >= len(all) {
		t.Errorf("销售部: %d of %d", len(sales), len(all))
	}
	refused(t, "subadmin", "", []string{"member", "inactive"}, "member.manage")
	dept := "销售部/华北大区/北京一组"
	var group []inactiveJSON
	decode(t, ok(t, "admin", "", "member", "inactive", "--dept", dept, "--json"), &group)
	unchanged(t, func() {
		refused(t, "admin", "", []string{"member", "inactive", "--dept", dept, "--disable"}, fmt.Sprintf("--confirm %d", len(group)))
		refused(t, "admin", "", []string{"member", "inactive", "--dept", dept, "--disable", "--confirm", "1"}, "repeat their number")
	})
	out := ok(t, "admin", "", "member", "inactive", "--dept", dept, "--disable", "--confirm", fmt.Sprint(len(group)))
	if !strings.Contains(out, fmt.Sprintf("%d long-unused accounts disabled", len(group))) {
		t.Errorf("disable: %q", out)
	}
	if m := showMember(t, memberAddr); m.Status != "disabled" {
		t.Errorf("wangwei after the bulk disable: %s", m.Status)
	}
	recs := opLog(t, len(group))
	for _, r := range recs {
		if r.Op != "member.disable" {
			t.Errorf("log: %+v", r)
		}
	}
	decode(t, ok(t, "admin", "", "member", "inactive", "--dept", dept, "--json"), &group)
	if len(group) != 0 {
		t.Errorf("still inactive after the disable: %d", len(group))
	}
	ok(t, "admin", "", "org", "set", "--inactive-after", "off")
	refused(t, "admin", "", []string{"member", "inactive"}, "inactivity check is off")
}
