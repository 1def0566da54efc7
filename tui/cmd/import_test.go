package cmd_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// importReport is what import members --json prints.
type importReport struct {
	File     string   `json:"file"`
	Encoding string   `json:"encoding"`
	Rows     int      `json:"rows"`
	Added    int      `json:"added"`
	Updated  int      `json:"updated"`
	Same     int      `json:"unchanged"`
	Depts    []string `json:"departments_created"`
	DryRun   bool     `json:"dry_run"`
	Applied  bool     `json:"applied"`
	Batch    uint64   `json:"batch"`
	Errors   []struct {
		Line   int    `json:"line"`
		Column string `json:"column"`
		Value  string `json:"value"`
		Reason string `json:"reason"`
	} `json:"errors"`
}

// importJSON runs import members - --json with extra flags and returns the
// report and the exit status.
func importJSON(t testing.TB, as, csv string, flags ...string) (importReport, string, int) {
	t.Helper()
	args := append([]string{"import", "members", "-", "--json"}, flags...)
	out, errs, code := run(t, as, csv, args...)
	var rep importReport
	decode(t, out, &rep)
	return rep, errs, code
}

// newMembersCSV is a file of three new members with Chinese names and
// departments, in the columns' Chinese names.
const newMembersCSV = "邮箱,姓名,部门,职务,岗位类别,工号,手机,性别,生日\r\n" +
	"zhangsan@example.com,张三,销售部/华北大区/北京一组,销售代表,staff,N0001,13800138000,男,1990-01-02\r\n" +
	"lisi@example.com,李四,技术部/研发中心;销售部,架构师,staff,N0002,13800138001,女,1991/2/3\r\n" +
	"ouyang.xiu@example.com,欧阳修,总经办,顾问,,N0003,,,\r\n"

func checkNewMembers(t testing.TB) {
	t.Helper()
	z := showMember(t, "zhangsan@example.com")
	if z.Name != "张三" || !slices.Equal(z.Departments, []string{"销售部/华北大区/北京一组"}) || z.Title != "销售代表" || z.EmployeeID != "N0001" {
		t.Errorf("zhangsan after import: %+v", z)
	}
	l := showMember(t, "lisi@example.com")
	if l.Name != "李四" || len(l.Departments) != 2 {
		t.Errorf("lisi after import: %+v", l)
	}
	if o := showMember(t, "ouyang.xiu@example.com"); o.Name != "欧阳修" || o.Position != "staff" {
		t.Errorf("ouyang.xiu after import: %+v", o)
	}
}

// TestExportFormat: UTF-8 with a BOM, CRLF line ends, a header row and one
// row per member.
func TestExportFormat(t *testing.T) {
	var all []member
	decode(t, ok(t, "admin", "", "member", "list", "--json"), &all)
	for _, zh := range []bool{false, true} {
		args := []string{"export", "members"}
		header := "address,name,department,title,position,employee_id,mobile,phone,gender,birthday"
		if zh {
			args = append(args, "--zh")
			header = "邮箱,姓名,部门,职务,岗位类别,工号,手机,电话,性别,生日"
		}
		out := ok(t, "admin", "", args...)
		if !strings.HasPrefix(out, "\ufeff") {
			t.Fatalf("%v does not start with the UTF-8 BOM: %q", args, out[:min(20, len(out))])
		}
		if strings.Count(out, "\n") != strings.Count(out, "\r\n") || !strings.HasSuffix(out, "\r\n") {
			t.Errorf("%v has line ends other than CRLF", args)
		}
		lines := strings.Split(strings.TrimSuffix(strings.TrimPrefix(out, "\ufeff"), "\r\n"), "\r\n")
		if lines[0] != header {
			t.Errorf("%v header is %q, want %q", args, lines[0], header)
		}
		if len(lines)-1 != len(all) {
			t.Errorf("%v has %d rows; member list has %d members", args, len(lines)-1, len(all))
		}
		if !strings.Contains(out, "wangwei@example.com,王伟,销售部/华北大区/北京一组,销售代表,") {
			t.Errorf("%v does not hold 王伟's row as expected", args)
		}
	}
	// A department's export holds only its subtree.
	out := ok(t, "admin", "", "export", "members", "--dept", "销售部/华北大区/北京一组")
	if n := strings.Count(out, "\r\n") - 1; n != 22 {
		t.Errorf("export of 北京一组 has %d rows, want 22", n)
	}
}

// TestImportRoundTrip: importing an export changes nothing in the data
// and reports every row as an update.
func TestImportRoundTrip(t *testing.T) {
	for _, zh := range []bool{false, true} {
		t.Run(map[bool]string{false: "en", true: "zh"}[zh], func(t *testing.T) {
			t.Parallel()
			args := []string{"export", "members"}
			if zh {
				args = append(args, "--zh")
			}
			exported := ok(t, "admin", "", args...)
			rows := strings.Count(exported, "\r\n") - 1
			rep, errs, code := importJSON(t, "admin", exported)
			if code != 0 || len(rep.Errors) != 0 {
				t.Fatalf("re-import: exit %d, errors %+v\n%s", code, rep.Errors, errs)
			}
			// Rows that change nothing are left alone: no write, no log line.
			if rep.Same != rows || rep.Updated != 0 || rep.Added != 0 || rep.Rows != rows || !rep.Applied || rep.Encoding != "UTF-8 with BOM" {
				t.Errorf("re-import of %d rows reports %+v", rows, rep)
			}
			if again := ok(t, "admin", "", args...); again != exported {
				t.Errorf("the export after the round trip differs from before")
			}
			if rec := opLog(t, 1)[0]; rec.Op != "import.members" || rec.Actor != adminAddr {
				t.Errorf("the newest op record is %s by %s, want import.members by %s", rec.Op, rec.Actor, adminAddr)
			}
		})
	}
}

// TestImportEncodings: new members with Chinese names and departments from
// UTF-8 with and without a BOM, and from GB18030 (Excel on Chinese Windows).
func TestImportEncodings(t *testing.T) {
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(newMembersCSV)
	if err != nil {
		t.Fatal(err)
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(strings.ReplaceAll(newMembersCSV, "\r\n", "\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, file, enc string }{
		{"UTF-8", newMembersCSV, "UTF-8"},
		{"UTF-8 with BOM", "\ufeff" + newMembersCSV, "UTF-8 with BOM"},
		{"GB18030", gb, "GB18030"},
		{"GBK with LF", gbk, "GB18030"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if c.enc == "GB18030" && strings.Contains(c.file, "张三") {
				t.Fatal("the GB18030 file is UTF-8")
			}
			rep, errs, code := importJSON(t, "admin", c.file)
			if code != 0 {
				t.Fatalf("import: exit %d %+v\n%s", code, rep, errs)
			}
			if rep.Encoding != c.enc || rep.Added != 3 || rep.Updated != 0 || rep.Rows != 3 || !rep.Applied {
				t.Errorf("report %+v, want encoding %s, 3 added", rep, c.enc)
			}
			checkNewMembers(t)
			recs := opLog(t, 4)
			if recs[0].Op != "import.members" || recs[0].Target != "-" {
				t.Errorf("the newest op record is %s %s, want import.members -", recs[0].Op, recs[0].Target)
			}
			notes := map[string]string{}
			for _, n := range recs[0].Notes {
				notes[n.Key] = n.Value
			}
			if notes["encoding"] != c.enc || notes["added"] != "3" {
				t.Errorf("the import.members record's notes are %v", notes)
			}
			adds := 0
			for _, r := range recs[1:4] {
				if r.Op == "member.add" {
					adds++
				}
			}
			if adds != 3 {
				t.Errorf("the three records before import.members are not member.add: %+v", recs[1:4])
			}
		})
	}
}

// TestImportFromFile: the local door reads a file; over SSH the file must
// come on stdin.
func TestImportFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "新员工.csv")
	if err := os.WriteFile(path, []byte(newMembersCSV), 0o600); err != nil {
		t.Fatal(err)
	}
	unchanged(t, func() {
		refused(t, "admin", "", []string{"import", "members", path}, "standard input", "-")
	})
	out, errs, code := runLocal(t, "admin", "", "import", "members", path)
	if code != 0 {
		t.Fatalf("local import: exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "3 new") {
		t.Errorf("the text report does not say 3 new:\n%s", out)
	}
	checkNewMembers(t)
	if rec := opLog(t, 1)[0]; rec.Op != "import.members" || rec.Target != "新员工.csv" || rec.Door != "cli" {
		t.Errorf("the newest op record is %+v, want import.members of 新员工.csv via cli", rec)
	}
	_, errs, code = runLocal(t, "admin", "", "import", "members", filepath.Join(t.TempDir(), "missing.csv"))
	if code != 1 || !strings.Contains(errs, "no file") {
		t.Errorf("a missing file: exit %d, stderr %q", code, errs)
	}
}

// TestImportOneBadRow: one bad row among good ones imports nothing; the
// report names the line, the column and the reason.
func TestImportOneBadRow(t *testing.T) {
	file := "address,name,department,gender\n" +
		"good.one@example.com,好一,销售部,男\n" +
		"good.two@example.com,好二,销售部,女\n" +
		"bad.three@example.com,坏三,销售部,unknown\n" +
		"good.four@example.com,好四,销售部,\n"
	var rep importReport
	unchanged(t, func() {
		var errs string
		var code int
		rep, errs, code = importJSON(t, "admin", file)
		if code != 1 || !strings.Contains(errs, "nothing was imported") {
			t.Errorf("exit %d, stderr %q; want 1 and nothing was imported", code, errs)
		}
	})
	if rep.Applied || len(rep.Errors) != 1 || rep.Rows != 4 {
		t.Fatalf("report %+v, want 4 rows, one error and nothing applied", rep)
	}
	e := rep.Errors[0]
	if e.Line != 4 || e.Column != "gender" || e.Value != "unknown" || !strings.Contains(e.Reason, "male or female") {
		t.Errorf("the error is %+v, want line 4, column gender, value unknown, a reason naming male or female", e)
	}
	for _, a := range []string{"good.one@example.com", "good.two@example.com", "good.four@example.com"} {
		if memberExists(t, a) {
			t.Errorf("%s was imported though another row is bad", a)
		}
	}

	// The text report says the same in words.
	out, _, code := run(t, "admin", file, "import", "members", "-")
	if code != 1 || !strings.Contains(out, `line 4, gender "unknown"`) {
		t.Errorf("text report (exit %d):\n%s", code, out)
	}
}

// TestImportRowErrors: each kind of bad cell is reported on its own line.
// (What only the store finds, such as an employee id taken in the data, is
// reported once the file has no other problems: see TestImportDryRun.)
func TestImportRowErrors(t *testing.T) {
	file := "address,name,department,employee_id,birthday\n" +
		"张三@example.com,张三,销售部,,\n" + // 2: address
		"ok.a@example.com,,销售部,,\n" + // 3: name
		"ok.b@example.com,乙,销售部,1.38001E+10,\n" + // 4: Excel's scientific notation
		"ok.c@example.com,丙,销售部,,1990-13-01\n" + // 5: birthday
		"ok.d@example.com,丁,销售部,X1,\n" +
		"ok.d@example.com,丁二,销售部,X2,\n" + // 7: duplicate address
		"sales@example.com,组,销售部,,\n" // 8: a group's address
	var rep importReport
	unchanged(t, func() { rep, _, _ = importJSON(t, "admin", file) })
	want := map[int]string{2: "address", 3: "name", 4: "employee_id", 5: "birthday", 7: "address", 8: "address"}
	got := map[int]string{}
	for _, e := range rep.Errors {
		got[e.Line] = e.Column
		if e.Reason == "" {
			t.Errorf("line %d has no reason", e.Line)
		}
	}
	for line, col := range want {
		c, found := got[line]
		if !found {
			t.Errorf("no error reported for line %d (want column %q); report: %+v", line, col, rep.Errors)
		} else if col != "" && c != col {
			t.Errorf("line %d: column %q, want %q", line, c, col)
		}
	}
	if _, found := got[6]; found {
		t.Errorf("line 6 is good but reported: %+v", rep.Errors)
	}
}

// TestImportMissingColumn: a file without a required column is refused as
// a whole, naming the column.
func TestImportMissingColumn(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{"address,department\nzhangsan@example.com,销售部\n", "name (姓名) is missing"},
		{"姓名,部门\n张三,销售部\n", "address (邮箱) is missing"},
		{"address,name,工资\nzhangsan@example.com,张三,1000\n", "unknown columns"},
		{"zhangsan@example.com,张三\n", "not a header row"},
		{"", "empty"},
	} {
		unchanged(t, func() {
			out, errs, code := run(t, "admin", c.file, "import", "members", "-", "--json")
			if code != 1 || !strings.Contains(errs, c.want) {
				t.Errorf("file %q: exit %d, stderr %q; want 1 and %q", c.file, code, errs, c.want)
			}
			if out != "" {
				t.Errorf("file %q: a refused file prints %q on stdout", c.file, out)
			}
		})
	}
}

// TestImportUnknownDepartment: without --create-depts it is a row error
// that names the fix; with it the department and its parents are created.
func TestImportUnknownDepartment(t *testing.T) {
	file := "address,name,department\n" +
		"zhangsan@example.com,张三,西北大区/西安组\n" +
		"lisi@example.com,李四,销售部\n"
	unchanged(t, func() {
		rep, _, code := importJSON(t, "admin", file)
		if code != 1 || len(rep.Errors) != 1 {
			t.Fatalf("exit %d, report %+v; want 1 and one error", code, rep)
		}
		e := rep.Errors[0]
		if e.Line != 2 || e.Column != "department" || !strings.Contains(e.Reason, "--create-depts") {
			t.Errorf("the error is %+v, want line 2, column department, a reason naming --create-depts", e)
		}
	})

	// A dry run with --create-depts says what would happen, and changes nothing.
	unchanged(t, func() {
		rep, errs, code := importJSON(t, "admin", file, "--create-depts", "--dry-run")
		if code != 0 || rep.Applied || !rep.DryRun || rep.Added != 2 || !slices.Equal(rep.Depts, []string{"西北大区", "西北大区/西安组"}) {
			t.Errorf("dry run: exit %d, report %+v\n%s", code, rep, errs)
		}
	})
	if memberExists(t, "zhangsan@example.com") || memberExists(t, "lisi@example.com") {
		t.Fatal("a dry run imported members")
	}
	if _, _, code := run(t, "admin", "", "member", "list", "--dept", "西北大区"); code == 0 {
		t.Fatal("a dry run created a department")
	}
	out, _, _ := run(t, "admin", file, "import", "members", "-", "--create-depts", "--dry-run")
	if !strings.Contains(out, "dry run") {
		t.Errorf("the text report of a dry run does not say so:\n%s", out)
	}

	rep, errs, code := importJSON(t, "admin", file, "--create-depts")
	if code != 0 || !rep.Applied || rep.Added != 2 || !slices.Equal(rep.Depts, []string{"西北大区", "西北大区/西安组"}) {
		t.Fatalf("--create-depts: exit %d, report %+v\n%s", code, rep, errs)
	}
	if z := showMember(t, "zhangsan@example.com"); !slices.Equal(z.Departments, []string{"西北大区/西安组"}) {
		t.Errorf("zhangsan is in %v", z.Departments)
	}
	var depts []struct {
		Path string `json:"path"`
	}
	decode(t, ok(t, "admin", "", "dept", "list", "--json"), &depts)
	var paths []string
	for _, d := range depts {
		paths = append(paths, d.Path)
	}
	for _, p := range []string{"西北大区", "西北大区/西安组"} {
		if !slices.Contains(paths, p) {
			t.Errorf("dept list does not show %s", p)
		}
	}
	recs := opLog(t, 5)
	var ops []string
	for _, r := range recs[:5] {
		ops = append(ops, r.Op+" "+r.Target)
	}
	// Departments first, then the members in address order (newest record first).
	want := []string{"import.members -", "member.add zhangsan@example.com", "member.add lisi@example.com", "dept.add 西北大区/西安组", "dept.add 西北大区"}
	if !slices.Equal(ops, want) {
		t.Errorf("the newest op records are %q, want %q", ops, want)
	}
}

// TestImportDryRun: a dry run of good rows reports what would happen and
// changes nothing.
func TestImportDryRun(t *testing.T) {
	unchanged(t, func() {
		rep, errs, code := importJSON(t, "admin", newMembersCSV, "--dry-run")
		if code != 0 || rep.Applied || !rep.DryRun || rep.Added != 3 || len(rep.Errors) != 0 {
			t.Errorf("dry run: exit %d, report %+v\n%s", code, rep, errs)
		}
	})
	if memberExists(t, "zhangsan@example.com") {
		t.Error("a dry run imported zhangsan@example.com")
	}
	// A dry run still finds what the store would refuse (a taken employee id).
	file := "address,name,department,employee_id\nzhangsan@example.com,张三,销售部,E00074\n"
	unchanged(t, func() {
		rep, _, code := importJSON(t, "admin", file, "--dry-run")
		if code != 1 || len(rep.Errors) != 1 || rep.Errors[0].Line != 2 || !strings.Contains(rep.Errors[0].Reason, "E00074") {
			t.Errorf("dry run with a taken employee id: exit %d, report %+v", code, rep)
		}
	})
}

// TestImportRandomBytes: 10 MB of random bytes is refused quickly with a
// message that says the file is not CSV text.
func TestImportRandomBytes(t *testing.T) {
	junk := make([]byte, 10<<20)
	var seed [32]byte
	if _, err := rand.NewChaCha8(seed).Read(junk); err != nil {
		t.Fatal(err)
	}
	unchanged(t, func() {
		start := time.Now()
		out, errs, code := run(t, "admin", string(junk), "import", "members", "-")
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("refusing 10 MB of junk took %s", d)
		}
		if code != 1 || !strings.Contains(errs, "not a CSV text file") || !strings.Contains(errs, "UTF-8") {
			t.Errorf("exit %d, stderr %q; want 1 and a message that the file is not CSV text", code, errs)
		}
		if out != "" {
			t.Errorf("stdout: %q", out[:min(len(out), 200)])
		}
	})
	// UTF-16 (Excel's "Unicode Text") gets its own hint.
	unchanged(t, func() {
		refused(t, "admin", "\xff\xfea\x00", []string{"import", "members", "-"}, "UTF-16")
	})
}

// TestImportBySubadmin: rows outside the sub-admin's subtree are refused
// one by one and nothing is imported; rows inside are imported.
func TestImportBySubadmin(t *testing.T) {
	file := "address,name,department\n" +
		"in.one@example.com,内一,销售部/华北大区\n" +
		"out.two@example.com,外二,技术部\n" +
		"in.three@example.com,内三,销售部\n" +
		techPerson + ",高振宇,销售部\n"
	unchanged(t, func() {
		rep, _, code := importJSON(t, "subadmin", file)
		if code != 1 || rep.Applied {
			t.Errorf("exit %d, report %+v; want 1, nothing applied", code, rep)
		}
		lines := map[int]string{}
		for _, e := range rep.Errors {
			lines[e.Line] = e.Reason
		}
		for _, l := range []int{3, 5} {
			if !strings.Contains(lines[l], "member.manage") {
				t.Errorf("line %d: reason %q, want a refusal naming member.manage; all: %+v", l, lines[l], rep.Errors)
			}
		}
		if len(lines) != 2 {
			t.Errorf("errors on lines %v, want 3 and 5 only", lines)
		}
	})
	for _, a := range []string{"in.one@example.com", "in.three@example.com", "out.two@example.com"} {
		if memberExists(t, a) {
			t.Errorf("%s was imported though rows were refused", a)
		}
	}
	rep, errs, code := importJSON(t, "subadmin", "address,name,department\nin.one@example.com,内一,销售部/华北大区\nin.three@example.com,内三,销售部\n")
	if code != 0 || rep.Added != 2 {
		t.Errorf("the sub-admin's own rows: exit %d, report %+v\n%s", code, rep, errs)
	}
}

// TestSubadminRoundTrip: a sub-admin's own export imports back unchanged.
func TestSubadminRoundTrip(t *testing.T) {
	exported := ok(t, "subadmin", "", "export", "members")
	rep, errs, code := importJSON(t, "subadmin", exported)
	if code != 0 || len(rep.Errors) != 0 || rep.Same != strings.Count(exported, "\r\n")-1 || rep.Updated != 0 {
		t.Errorf("a sub-admin's round trip: exit %d, report %+v\n%s", code, rep, errs)
	}
}

// TestImportWithoutTheRight: people without the import right are refused
// up front, and stderr names the right.
func TestImportWithoutTheRight(t *testing.T) {
	for _, as := range []string{"helpdesk", "auditor", "hr", "member"} {
		unchanged(t, func() {
			refused(t, as, smallCSV, []string{"import", "members", "-"}, "needs the right import")
		})
	}
}

// TestImportReportJSONShape: the report's keys follow the snake_case of
// the rest of the automation surface, and lists are never null.
func TestImportReportJSONShape(t *testing.T) {
	out, _, _ := run(t, "admin", "address,name,gender\nzhangsan@example.com,张三,x\n", "import", "members", "-", "--json")
	var rep map[string]any
	decode(t, out, &rep)
	if _, isList := rep["departments_created"].([]any); !isList {
		t.Errorf("departments_created is %v, want a list", rep["departments_created"])
	}
	errs, _ := rep["errors"].([]any)
	if len(errs) != 1 {
		t.Fatalf("errors: %v", rep["errors"])
	}
	e := errs[0].(map[string]any)
	for _, k := range []string{"line", "column", "value", "reason"} {
		if _, found := e[k]; !found {
			t.Errorf("an error has no key %q: %v", k, e)
		}
	}
}
