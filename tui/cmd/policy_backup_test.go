package cmd_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestPolicyBackup: an admin adds, lists, replaces and removes backup
// rules (MAILFX-2); the impact says what each change does; a member may
// neither change nor read them.
func TestPolicyBackup(t *testing.T) {
	box := string(who(t, "auditor"))
	out, errs, code := run(t, "admin", "", "policy", "backup", "add", "sales-out", "--to", box, "--dept", "销售部", "--direction", "out")
	if code != 0 || !strings.Contains(out, "backup sales-out: matching mail now also goes to "+box) {
		t.Fatalf("add: %d %q %q", code, out, errs)
	}
	out, _, code = run(t, "admin", "", "policy", "backup", "list", "--json")
	var rules []struct {
		Name, Mailbox, Direction string
		Depts                    []string
		Since                    string
	}
	if code != 0 || json.Unmarshal([]byte(out), &rules) != nil || len(rules) != 1 || rules[0].Depts[0] != "销售部" || rules[0].Direction != "out" || rules[0].Since == "" {
		t.Fatalf("list: %d %q", code, out)
	}
	if out, _, _ = run(t, "admin", "", "policy", "show"); !strings.Contains(out, "Backup sales-out") {
		t.Errorf("policy show lacks the rule:\n%s", out)
	}
	if _, errs, code = run(t, "admin", "", "policy", "backup", "add", "everything", "--to", box); code == 0 || !strings.Contains(errs, "copy every message") {
		t.Errorf("a rule without conditions: %d %q", code, errs)
	}
	if _, errs, code = run(t, "admin", "", "policy", "backup", "add", "x", "--to", "all@example.com", "--direction", "in"); code == 0 || !strings.Contains(errs, "name a member") {
		t.Errorf("a group as the backup mailbox: %d %q", code, errs)
	}
	if _, errs, code = run(t, "member", "", "policy", "backup", "add", "mine", "--to", box, "--direction", "in"); code != 1 || !strings.Contains(errs, "policy.manage") {
		t.Errorf("a member adding a rule: %d %q", code, errs)
	}
	if _, errs, code = run(t, "member", "", "policy", "backup", "list"); code != 1 || !strings.Contains(errs, "policy.manage") {
		t.Errorf("a member listing the rules: %d %q", code, errs)
	}
	if out, errs, code = run(t, "admin", "", "policy", "backup", "rm", "sales-out"); code != 0 || !strings.Contains(out, "backup sales-out removed") {
		t.Fatalf("rm: %d %q %q", code, out, errs)
	}
	if _, errs, code = run(t, "admin", "", "policy", "backup", "rm", "sales-out"); code == 0 || !strings.Contains(errs, "no backup rule") {
		t.Errorf("rm twice: %d %q", code, errs)
	}
}
