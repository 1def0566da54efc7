package cmd_test

import (
	"fmt"
	"strings"
	"testing"
)

// batchJSON is what batch list --json prints per task and batch show
// --json prints with the rows.
type batchJSON struct {
	ID       uint64  `json:"id"`
	Kind     string  `json:"kind"`
	By       string  `json:"by"`
	Door     string  `json:"door"`
	Started  string  `json:"started"`
	Finished string  `json:"finished"`
	State    string  `json:"state"`
	Expected int     `json:"expected"`
	Rows     int     `json:"rows"`
	OK       int     `json:"ok"`
	Failed   int     `json:"failed"`
	Skipped  int     `json:"skipped"`
	Progress float64 `json:"progress"`
	Summary  string  `json:"summary"`
	Results  []struct {
		N       int    `json:"row"`
		Key     string `json:"key"`
		Outcome string `json:"outcome"`
		Reason  string `json:"reason"`
	} `json:"results"`
	NextRow int `json:"next_row"`
}

func batches(t testing.TB, as string, args ...string) []batchJSON {
	t.Helper()
	var out []batchJSON
	decode(t, ok(t, as, "", append([]string{"batch", "list", "--json"}, args...)...), &out)
	return out
}

func batchShow(t testing.TB, as string, id uint64, args ...string) batchJSON {
	t.Helper()
	var out batchJSON
	decode(t, ok(t, as, "", append([]string{"batch", "show", fmt.Sprint(id), "--json"}, args...)...), &out)
	return out
}

// TestBatchMemberImport: import members records a batch task with a row
// per line of the file; a file with a bad line records the task failed,
// the bad line failed with its reason and the good lines skipped (the
// import is all or nothing). A dry run records nothing.
func TestBatchMemberImport(t *testing.T) {
	rep, _, code := importJSON(t, "admin", newMembersCSV, "--create-depts")
	if code != 0 || rep.Batch == 0 {
		t.Fatalf("import: exit %d, batch %d", code, rep.Batch)
	}
	b := batchShow(t, "admin", rep.Batch, "--rows", "all")
	if b.Kind != "import-members" || b.State != "done" || b.By != adminAddr || b.Door != "ssh" || b.Rows != 3 || b.OK != 3 || len(b.Results) != 3 {
		t.Fatalf("batch = %+v", b)
	}
	if r := b.Results[0]; r.N != 1 || r.Key != "line 2 zhangsan@example.com" || r.Outcome != "ok" || r.Reason != "added" {
		t.Errorf("first row = %+v", r)
	}
	if !strings.Contains(b.Summary, "3 added") {
		t.Errorf("summary %q", b.Summary)
	}

	bad := "address,name,department\r\nnew1@example.com,新人一,技术部\r\nnew2@example.com,新人二,没有这个部门\r\nnew3@example.com,新人三,技术部\r\n"
	rep, _, code = importJSON(t, "admin", bad)
	if code != 1 || rep.Batch == 0 {
		t.Fatalf("bad import: exit %d, batch %d", code, rep.Batch)
	}
	b = batchShow(t, "admin", rep.Batch)
	if b.State != "failed" || b.Rows != 3 || b.Failed != 1 || b.Skipped != 2 || len(b.Results) != 1 {
		t.Fatalf("failed import batch = %+v", b)
	}
	if r := b.Results[0]; r.Key != "line 3 new2@example.com" || !strings.Contains(r.Reason, "no such department") {
		t.Errorf("failed row = %+v", r)
	}

	before := len(batches(t, "admin"))
	importJSON(t, "admin", "address,name\r\nnew9@example.com,新人九\r\n", "--dry-run")
	if n := len(batches(t, "admin")); n != before {
		t.Errorf("a dry run recorded a batch task (%d → %d)", before, n)
	}
}

// TestBatchExportAndBookImport: export members and book import record
// their tasks, with a row per member or contact.
func TestBatchExportAndBookImport(t *testing.T) {
	csv := ok(t, "admin", "", "export", "members")
	lines := strings.Count(csv, "\r\n") - 1
	exports := batches(t, "admin", "--kind", "export")
	if len(exports) != 1 || exports[0].Rows != lines || exports[0].OK != lines || exports[0].State != "done" {
		t.Fatalf("export tasks = %+v (the file has %d members)", exports, lines)
	}
	var rep struct {
		Batch uint64 `json:"batch"`
	}
	decode(t, ok(t, "admin", contactsCSV, "book", "import", "-", "--json"), &rep)
	b := batchShow(t, "admin", rep.Batch, "--rows", "all")
	if b.Kind != "import-contacts" || b.Rows != 2 || b.OK != 2 || b.Results[0].Key != "row 2 张客户 <zhang@customer.cn>" || b.Results[0].Reason != "added" {
		t.Errorf("contacts import task = %+v", b)
	}
	// Again: both are duplicates now and are skipped.
	decode(t, ok(t, "admin", contactsCSV, "book", "import", "-", "--json"), &rep)
	if b := batchShow(t, "admin", rep.Batch, "--rows", "skipped"); b.Skipped != 2 || len(b.Results) != 2 {
		t.Errorf("duplicates: %+v", b)
	}
	// Paging through the rows.
	page := batchShow(t, "admin", exports[0].ID, "--rows", "all", "--limit", "5")
	if len(page.Results) != 5 || page.NextRow != 5 {
		t.Fatalf("first page: %d rows, next %d", len(page.Results), page.NextRow)
	}
	page = batchShow(t, "admin", exports[0].ID, "--rows", "all", "--after", "5", "--limit", "5")
	if page.Results[0].N != 6 {
		t.Errorf("second page starts at row %d", page.Results[0].N)
	}
	out := ok(t, "admin", "", "batch", "show", fmt.Sprint(exports[0].ID), "--rows", "all", "--limit", "3")
	if !strings.Contains(out, "export, done") || !strings.Contains(out, "--after 3") {
		t.Errorf("batch show as text:\n%s", out)
	}
	if out := ok(t, "admin", "", "batch", "list"); !strings.Contains(out, "import-contacts") || !strings.Contains(out, "OK/FAILED/SKIPPED") {
		t.Errorf("batch list as text:\n%s", out)
	}
}

// TestBatchRoles: admins and auditors see every task; anyone else sees
// only their own, and is told another's task does not exist for them.
func TestBatchRoles(t *testing.T) {
	_, _, code := importJSON(t, "admin", "address,name\r\nnew1@example.com,新人一\r\n")
	if code != 0 {
		t.Fatal("admin import failed")
	}
	admins := batches(t, "admin")
	if len(admins) != 1 {
		t.Fatalf("admin sees %d tasks", len(admins))
	}
	id := admins[0].ID
	sub, _, code := importJSON(t, "subadmin", "address,name,department\r\nnew2@example.com,新人二,销售部\r\n")
	if code != 0 {
		t.Fatalf("the sub-admin's import failed: %+v", sub)
	}
	for _, c := range []struct {
		as   string
		sees int
	}{{"admin", 2}, {"auditor", 2}, {"subadmin", 1}, {"helpdesk", 0}, {"hr", 0}, {"head", 0}, {"member", 0}} {
		if got := len(batches(t, c.as)); got != c.sees {
			t.Errorf("%s sees %d tasks, want %d", c.as, got, c.sees)
		}
	}
	batchShow(t, "auditor", id, "--rows", "all")
	batchShow(t, "subadmin", sub.Batch)
	for _, as := range []string{"subadmin", "helpdesk", "hr", "head", "member"} {
		refused(t, as, "", []string{"batch", "show", fmt.Sprint(id)}, "no batch task")
	}
	refused(t, "admin", "", []string{"batch", "show", "999"}, "no batch task 999")
	refused(t, "admin", "", []string{"batch", "show", "abc"}, "not a batch task id")
	refused(t, "admin", "", []string{"batch", "show", fmt.Sprint(id), "--rows", "some"}, "--rows takes")
	refused(t, "admin", "", []string{"batch", "list", "--kind", "Bad Kind"}, "not a batch kind")
	// Refused imports record nothing.
	refused(t, "member", "address,name\r\nx@example.com,X\r\n", []string{"import", "members", "-"}, "import")
	if got := len(batches(t, "admin")); got != 2 {
		t.Errorf("after a refused import admin sees %d tasks", got)
	}
}

// TestBatchRowsInChinese: a refused member import's task tells each row
// in Chinese to a Chinese reader, in English to an English one.
func TestBatchRowsInChinese(t *testing.T) {
	csv := "address,name,gender\nxiaoyu@example.com,小雨,x\nxiaofeng@example.com,小峰,男\n"
	_, errs, code := run(t, "admin", csv, "import", "members", "-", "--create-depts")
	if code == 0 {
		t.Fatal("a bad file was imported")
	}
	var tasks []struct{ ID uint64 }
	decode(t, ok(t, "admin", "", "batch", "list", "--json"), &tasks)
	if len(tasks) == 0 {
		t.Fatalf("no batch task (%s)", errs)
	}
	id := fmt.Sprint(tasks[0].ID)
	zh, _, _ := runLang(t, "zh-CN", "admin", "", "batch", "show", id, "--rows", "all")
	for _, want := range []string{"性别 \"x\"：无法识别性别", "未导入：其他行有问题"} {
		if !strings.Contains(zh, want) {
			t.Errorf("in Chinese the task lacks %q:\n%s", want, zh)
		}
	}
	if en := ok(t, "admin", "", "batch", "show", id, "--rows", "all"); !strings.Contains(en, `gender "x": the gender is not understood`) {
		t.Errorf("in English:\n%s", en)
	}
}
