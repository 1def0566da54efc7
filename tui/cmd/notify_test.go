package cmd_test

import (
	"strconv"
	"strings"
	"testing"
)

const notifyCSV = "\ufeff邮箱,姓名,金额\r\n" + headAddr + ",,\r\nli@ext.example,李雷,12.50\r\nnot-an-address,某人,1\r\nli@ext.example,李雷,3\r\n"

var notifyArgs = []string{"--subject", "{{with .Member}}{{.Name}}{{else}}{{.姓名}}{{end}}：本月账单", "--body", "您好，本月金额 {{.金额}} 元。", "--csv", "-"}

// TestNotifyPreviewAndSend: an admin previews the first rows (a member's
// own name, a customer's from the CSV, bad and repeated rows named) and
// the quota, sends (the job id), lists and shows the report; the
// sender's job is theirs and the auditor's to read, not another member's.
func TestNotifyPreviewAndSend(t *testing.T) {
	var pv struct {
		Rows, Sendable, Quota, Today int
		UsedToday                    int `json:"used_today"`
		NextDays                     int `json:"next_days"`
		Skipped                      []struct {
			Line   int
			Reason string
		}
		Messages []struct {
			To, Subject, Body string
			Member            bool
		}
	}
	decode(t, ok(t, "admin", notifyCSV, append([]string{"notify", "preview", "--n", "5", "--json"}, notifyArgs...)...), &pv)
	m := showMember(t, headAddr)
	if pv.Rows != 4 || pv.Sendable != 2 || pv.Quota != 1000 || pv.Today != 2 || len(pv.Skipped) != 2 || len(pv.Messages) != 2 {
		t.Fatalf("preview: %+v", pv)
	}
	if !pv.Messages[0].Member || pv.Messages[0].Subject != m.Name+"：本月账单" || pv.Messages[1].Subject != "李雷：本月账单" || pv.Messages[1].Body != "您好，本月金额 12.50 元。" {
		t.Errorf("messages: %+v", pv.Messages)
	}
	if !strings.Contains(pv.Skipped[1].Reason, "repeats line 3") {
		t.Errorf("skipped: %+v", pv.Skipped)
	}
	// In Chinese the skipped rows say why in Chinese.
	if out, _, code := runLang(t, "zh-CN", "admin", notifyCSV, append([]string{"notify", "preview"}, notifyArgs...)...); code != 0 || !strings.Contains(out, "地址与第 3 行重复") {
		t.Errorf("preview in Chinese (exit %d):\n%s", code, out)
	}
	if out := ok(t, "admin", notifyCSV, append([]string{"notify", "preview"}, notifyArgs...)...); !strings.Contains(out, "2 would go today") || !strings.Contains(out, "Subject: 李雷：本月账单") {
		t.Errorf("preview text:\n%s", out)
	}
	out := ok(t, "admin", notifyCSV, append([]string{"notify", "send"}, notifyArgs...)...)
	id, err := strconv.Atoi(strings.Fields(out)[0])
	if err != nil || id < 1 {
		t.Fatalf("send printed %q", out)
	}
	var jobs []struct {
		ID      int
		Sender  string
		State   string
		Rows    int
		Waiting int
	}
	decode(t, ok(t, "auditor", "", "notify", "list", "--json"), &jobs)
	if len(jobs) != 1 || jobs[0].ID != id || jobs[0].Sender != adminAddr || jobs[0].State != "running" || jobs[0].Rows != 4 {
		t.Fatalf("list: %+v", jobs)
	}
	decode(t, ok(t, "member", "", "notify", "list", "--json"), &jobs)
	if len(jobs) != 0 {
		t.Errorf("another member sees %+v", jobs)
	}
	refused(t, "member", "", []string{"notify", "show", strconv.Itoa(id)}, "no notification job")
	var show struct {
		Subject string
		Report  []struct{ Address, Status string }
	}
	decode(t, ok(t, "admin", "", "notify", "show", strconv.Itoa(id), "--json"), &show)
	if len(show.Report) != 4 || show.Report[0].Address != headAddr || show.Report[0].Status != "pending" {
		t.Errorf("show: %+v", show)
	}
	opl := opLog(t, 1)
	if opl[0].Op != "notify.send" || opl[0].Actor != adminAddr {
		t.Errorf("operation log: %+v", opl[0])
	}
	refused(t, "member", "", []string{"notify", "cancel", strconv.Itoa(id)}, "queue.manage")
	// A head's roles come from their department: refused the same way.
	refused(t, "head", "", []string{"notify", "cancel", strconv.Itoa(id)}, "queue.manage")
	if out := ok(t, "admin", "", "notify", "cancel", strconv.Itoa(id)); !strings.Contains(out, "cancelled") {
		t.Errorf("cancel: %q", out)
	}
	refused(t, "admin", "", []string{"notify", "cancel", strconv.Itoa(id)}, "cancelled already")
}

// TestNotifyPermission: members without notify, the helpdesk and the
// auditor are refused with the permission named; a member granted notify
// sends; the quota is the admin's to set (org.manage).
func TestNotifyPermission(t *testing.T) {
	for _, role := range []string{"member", "helpdesk", "auditor"} {
		refused(t, role, notifyCSV, append([]string{"notify", "send"}, notifyArgs...), "permission notify")
		refused(t, role, notifyCSV, append([]string{"notify", "preview"}, notifyArgs...), "permission notify")
	}
	ok(t, "admin", "", "perm", "grant", memberAddr, "notify")
	out := ok(t, "member", notifyCSV, append([]string{"notify", "send"}, notifyArgs...)...)
	if _, err := strconv.Atoi(strings.Fields(out)[0]); err != nil {
		t.Errorf("send as a member holding notify: %q", out)
	}
	refused(t, "member", "", []string{"org", "set", "--notify-quota", "5"}, "org.manage")
	ok(t, "admin", "", "org", "set", "--notify-quota", "5")
	var org struct {
		Quota int `json:"notify_quota"`
	}
	decode(t, ok(t, "admin", "", "org", "show", "--json"), &org)
	if org.Quota != 5 {
		t.Errorf("quota %d", org.Quota)
	}
	refused(t, "admin", "", []string{"org", "set", "--notify-quota", "0"}, "1 to")
}

// TestNotifyInputMistakes: what is wrong with the template or the list is
// said plainly, and nothing is started.
func TestNotifyInputMistakes(t *testing.T) {
	cases := []struct {
		stdin string
		args  []string
		want  string
	}{
		{"name\nx\n", []string{"--subject", "s", "--body", "b", "--csv", "-"}, "no address column"},
		{notifyCSV, []string{"--subject", "{{.nosuch", "--body", "b", "--csv", "-"}, "does not parse"},
		{notifyCSV, []string{"--body", "b", "--csv", "-"}, "no subject"},
		{"Subject: x\n\nbody", []string{"--template", "-", "--csv", "/etc/hosts"}, "standard input"},
		{"", []string{"--template", "-", "--csv", "-"}, "only one of"},
		{"address,name\n", []string{"--subject", "s", "--body", "b", "--csv", "-"}, "no recipients"},
	}
	for _, c := range cases {
		refused(t, "admin", c.stdin, append([]string{"notify", "send"}, c.args...), c.want)
	}
	var jobs []any
	decode(t, ok(t, "admin", "", "notify", "list", "--json"), &jobs)
	if len(jobs) != 0 {
		t.Errorf("jobs started: %v", jobs)
	}
	// A template whose variables the rows do not have is named in the preview.
	out := ok(t, "admin", notifyCSV, "notify", "preview", "--subject", "x", "--body", "{{.nosuch}}", "--csv", "-")
	if !strings.Contains(out, "does not fill in") {
		t.Errorf("preview: %s", out)
	}
}
