package cmd_test

import (
	"encoding/json"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"postroom/model"
)

type listImportReport struct {
	Rows, Imported     int
	Confirmed, Applied bool
	DryRun             bool `json:"dry_run"`
	Batch              uint64
	Encoding           string
	Errors             []struct {
		Line           int
		Column, Reason string
	}
}

func listImport(t *testing.T, as, csv string, args ...string) (listImportReport, string, int) {
	t.Helper()
	out, errs, code := run(t, as, csv, append(append([]string{"list", "import", "news@example.com", "-"}, args...), "--json")...)
	var rep listImportReport
	if out != "" {
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
	}
	return rep, errs, code
}

func listCounts(t *testing.T) (sub, unconf, unsub int) {
	t.Helper()
	var show struct{ Subscribed, Unconfirmed, Unsubscribed int }
	if err := json.Unmarshal([]byte(ok(t, "admin", "", "list", "show", "news@example.com", "--json")), &show); err != nil {
		t.Fatal(err)
	}
	return show.Subscribed, show.Unconfirmed, show.Unsubscribed
}

// TestListImport: a GB18030 file with Chinese column names is checked
// whole: one bad row (malformed, given twice, already subscribed,
// unsubscribed before) imports nothing and names each row and column; a
// dry run changes nothing; the fixed file makes every address unconfirmed
// and queues its confirmation; --confirmed subscribes at once and the
// operation log says who attested consent; each run is a batch task.
func TestListImport(t *testing.T) {
	ok(t, "admin", "", "list", "add", "news@example.com", "--name", "产品通讯")
	ok(t, "admin", "", "list", "subscriber", "add", "news@example.com", "sub@kunde.example", "left@kunde.example")
	ok(t, "admin", "", "list", "subscriber", "rm", "news@example.com", "left@kunde.example")

	gb := func(s string) string {
		out, err := simplifiedchinese.GB18030.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	bad := gb("邮箱,姓名\r\nli@kunde.example,李雷\r\nkein adresse,韩梅梅\r\nLI@kunde.example,李雷\r\nsub@kunde.example,\r\nleft@kunde.example,\r\n")
	rep, errs, code := listImport(t, "admin", bad)
	if code != 1 || rep.Applied || rep.Rows != 5 || rep.Encoding != "GB18030" || len(rep.Errors) != 4 {
		t.Fatalf("a file with bad rows: %d %+v %s", code, rep, errs)
	}
	want := map[int]string{3: "not an email address", 4: "line 2 already gives", 5: "already subscribed", 6: "unsubscribed from the list"}
	for _, e := range rep.Errors {
		if e.Column != "address" || !strings.Contains(e.Reason, want[e.Line]) {
			t.Errorf("line %d: %+v, want %q", e.Line, e, want[e.Line])
		}
	}
	if !strings.Contains(errs, "nothing was imported") {
		t.Errorf("stderr %q", errs)
	}
	if s, u, x := listCounts(t); s != 1 || u != 0 || x != 1 {
		t.Fatalf("a refused import changed the counts: %d %d %d", s, u, x)
	}

	good := gb("邮箱,姓名\r\nli@kunde.example,李雷\r\nhan@kunde.example,韩梅梅\r\n")
	rep, errs, code = listImport(t, "admin", good, "--dry-run")
	if code != 0 || !rep.DryRun || rep.Applied || rep.Imported != 2 || rep.Batch != 0 {
		t.Fatalf("dry run: %d %+v %s", code, rep, errs)
	}
	if _, u, _ := listCounts(t); u != 0 {
		t.Fatal("the dry run imported")
	}
	rep, errs, code = listImport(t, "admin", good)
	if code != 0 || !rep.Applied || rep.Imported != 2 || rep.Confirmed || rep.Batch == 0 {
		t.Fatalf("import: %d %+v %s", code, rep, errs)
	}
	if s, u, _ := listCounts(t); s != 1 || u != 2 {
		t.Fatalf("after the import: %d subscribed, %d unconfirmed", s, u)
	}
	pending, err := fx(t).s.PendingConfirmations(10)
	if err != nil || len(pending) != 2 || !model.ValidListToken(pending[0].Token) {
		t.Fatalf("pending confirmations %+v %v", pending, err)
	}
	var subs []struct{ Address, Status, Via string }
	if json.Unmarshal([]byte(ok(t, "admin", "", "list", "subscribers", "news@example.com", "--status", "unconfirmed", "--json")), &subs) != nil ||
		len(subs) != 2 || subs[0].Via != "import" {
		t.Errorf("subscribers: %+v", subs)
	}
	// The same file again: both are waiting for their confirmation.
	if rep, _, code = listImport(t, "admin", good); code != 1 || len(rep.Errors) != 2 || !strings.Contains(rep.Errors[0].Reason, "not confirmed yet") {
		t.Errorf("the same file again: %d %+v", code, rep)
	}

	// Consent attested: subscribed at once, no confirmation queued, and
	// the operation log names who attested.
	rep, errs, code = listImport(t, "admin", "address\nzhao@kunde.example\nqian@kunde.example\n", "--confirmed")
	if code != 0 || !rep.Applied || !rep.Confirmed || rep.Imported != 2 {
		t.Fatalf("--confirmed: %d %+v %s", code, rep, errs)
	}
	if s, u, _ := listCounts(t); s != 3 || u != 2 {
		t.Fatalf("after --confirmed: %d subscribed, %d unconfirmed", s, u)
	}
	if pending, _ := fx(t).s.PendingConfirmations(10); len(pending) != 2 {
		t.Errorf("--confirmed queued confirmations: %+v", pending)
	}
	rec := opLog(t, 1)[0]
	consent := ""
	for _, n := range rec.Notes {
		if n.Key == "consent" {
			consent = n.Value
		}
	}
	if rec.Op != "list.import" || !strings.Contains(consent, "attested by "+string(who(t, "admin"))) {
		t.Errorf("the operation log: %+v", rec)
	}
	var b struct {
		Kind, State string
	}
	if err := json.Unmarshal([]byte(ok(t, "admin", "", "batch", "show", "2", "--json")), &b); err != nil || b.Kind != string(model.BatchImportSubscribers) {
		t.Errorf("batch task: %+v %v", b, err)
	}
}

// TestListImportRefused: only list.manage imports; the refusal names it
// and nothing is read or changed.
func TestListImportRefused(t *testing.T) {
	ok(t, "admin", "", "list", "add", "news@example.com", "--name", "News")
	for _, role := range []string{"member", "helpdesk", "auditor", "subadmin", "hr"} {
		for _, extra := range [][]string{nil, {"--confirmed"}, {"--dry-run"}} {
			_, errs, code := listImport(t, role, "address\nx@kunde.example\n", extra...)
			if code != 1 || !strings.Contains(errs, "list.manage") {
				t.Errorf("%s %v: exit %d, %q", role, extra, code, errs)
			}
		}
	}
	if _, u, _ := listCounts(t); u != 0 {
		t.Error("a refused import went through")
	}
	// A list that does not exist, and a file that is no CSV.
	if _, errs, code := run(t, "admin", "address\nx@kunde.example\n", "list", "import", "none@example.com", "-"); code != 1 || !strings.Contains(errs, "no mailing list") {
		t.Errorf("no such list: %d %q", code, errs)
	}
	if _, errs, code := run(t, "admin", "\xff\xfea\x00", "list", "import", "news@example.com", "-"); code != 1 || !strings.Contains(errs, "UTF-16") {
		t.Errorf("UTF-16: %d %q", code, errs)
	}
	// In Chinese.
	if out, errs, code := runLang(t, "zh-CN", "admin", "address\nx@kunde.example\nx@kunde.example\n", "list", "import", "news@example.com", "-"); code != 1 ||
		!strings.Contains(errs, "未导入任何内容") || !strings.Contains(out, "第 2 行已经有地址") || !strings.Contains(out, "改正后可导入 1 个地址") {
		t.Errorf("Chinese: %d %q %q", code, out, errs)
	}
	if out, errs, code := runLang(t, "en", "admin", "address\ny@kunde.example\n", "list", "import", "news@example.com", "-", "--dry-run"); code != 0 ||
		!strings.Contains(out, "dry run: would import 1 addresses into news@example.com") {
		t.Errorf("English: %d %q %q", code, out, errs)
	}
}
