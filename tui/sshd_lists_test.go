package tui

import (
	"encoding/json"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

// TestSSHDListCommands: over the real SSH door an admin creates a mailing
// list, reads its counts as JSON, imports subscribers and a group from
// standard input;
// member, helpdesk and auditor are refused, the refusal naming the right.
func TestSSHDListCommands(t *testing.T) {
	st := demoStore(t)
	s := sshtStart(t, st, "", ServerOptions{})
	clients := map[string]*gossh.Client{}
	for _, role := range []string{"admin", "helpdesk", "auditor", "member"} {
		l := loginOf(t, role)
		clients[role] = s.mustDial(t, l.Address, gossh.Password(l.Password))
	}
	member := loginOf(t, "member").Address
	if out, errs, code := sshtRun(t, clients["admin"], "", "list add news@example.com --name 产品通讯 --sender "+member); code != 0 || !strings.Contains(out, "news+subscribe@example.com") {
		t.Fatalf("list add: %d %q %q", code, out, errs)
	}
	out, errs, code := sshtRun(t, clients["admin"], "", "list show news@example.com --json")
	var show struct {
		Address                               string
		Subscribed, Unconfirmed, Unsubscribed int
	}
	if code != 0 || json.Unmarshal([]byte(out), &show) != nil || show.Address != "news@example.com" {
		t.Fatalf("list show: %d %q %q", code, out, errs)
	}
	csv := "group,name,member\nsshgroup@example.com,SSH 组," + member + "\n"
	if out, errs, code := sshtRun(t, clients["admin"], csv, "import groups -"); code != 0 || !strings.Contains(out, "imported 1 groups") {
		t.Fatalf("import groups: %d %q %q", code, out, errs)
	}
	subs := "邮箱,姓名\r\nreader@kunde.example,读者\r\n"
	if out, errs, code := sshtRun(t, clients["admin"], subs, "list import news@example.com - --confirmed"); code != 0 || !strings.Contains(out, "imported 1 addresses") {
		t.Fatalf("list import: %d %q %q", code, out, errs)
	}
	for _, role := range []string{"member", "helpdesk", "auditor"} {
		if out, errs, code := sshtRun(t, clients[role], subs, "list import news@example.com - --confirmed"); code == 0 || out != "" || !strings.Contains(errs, "list.manage") {
			t.Errorf("%s: list import: exit %d, stdout %q, stderr %q", role, code, out, errs)
		}
		for _, line := range []string{"list show news@example.com --json", "list add x@example.com --name X", "list subscribers news@example.com"} {
			out, errs, code := sshtRun(t, clients[role], "", line)
			if code == 0 || out != "" || !strings.Contains(errs, "list.manage") {
				t.Errorf("%s: %s: exit %d, stdout %q, stderr %q", role, line, code, out, errs)
			}
		}
		if _, errs, code := sshtRun(t, clients[role], csv, "import groups -"); code == 0 || !strings.Contains(errs, "group.manage") {
			t.Errorf("%s: import groups: exit %d, stderr %q", role, code, errs)
		}
	}
}
