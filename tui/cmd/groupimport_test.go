package cmd_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

type groupImportReport struct {
	Rows, Groups, Created, Updated, Unchanged int
	MembersAdded                              int  `json:"members_added"`
	DryRun                                    bool `json:"dry_run"`
	Applied                                   bool
	Batch                                     uint64
	Errors                                    []struct {
		Line           int
		Column, Reason string
	}
}

func groupImport(t *testing.T, as, csv string, args ...string) (groupImportReport, string, int) {
	t.Helper()
	out, errs, code := run(t, as, csv, append(args, "-", "--json")...)
	var rep groupImportReport
	if out != "" {
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
	}
	return rep, errs, code
}

// TestImportGroups: a GB18030 file with Chinese column names creates a
// group from a whole department and two members, a dry run changes
// nothing, a file with one bad row imports nothing and names the row and
// column, and group import is the same command.
func TestImportGroups(t *testing.T) {
	member, head := string(who(t, "member")), string(who(t, "head"))
	csv := "群组地址,群组名称,成员,发信权限\r\n" +
		"huadong@example.com,华东全体,销售部/华东大区,组内成员\r\n" +
		"huadong@example.com,," + member + ",\r\n" +
		"huadong@example.com,," + head + ",\r\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(csv)
	if err != nil {
		t.Fatal(err)
	}
	rep, errs, code := groupImport(t, "admin", gb, "import", "groups", "--dry-run")
	if code != 0 || !rep.DryRun || rep.Applied || rep.Created != 1 || rep.MembersAdded != 3 {
		t.Fatalf("dry run: %d %+v %s", code, rep, errs)
	}
	if _, _, code := run(t, "admin", "", "group", "show", "huadong@example.com"); code == 0 {
		t.Fatal("the dry run created the group")
	}
	rep, errs, code = groupImport(t, "admin", gb, "import", "groups")
	if code != 0 || !rep.Applied || rep.Groups != 1 || rep.Rows != 3 || rep.Batch == 0 {
		t.Fatalf("import: %d %+v %s", code, rep, errs)
	}
	// The run is a batch task with a row per line (LOG-5).
	out := ok(t, "admin", "", "batch", "show", fmt.Sprint(rep.Batch), "--rows", "all")
	for _, want := range []string{"import-groups", "line 2 huadong@example.com 销售部/华东大区", "group created, added", "line 4"} {
		if !strings.Contains(out, want) {
			t.Errorf("the batch task lacks %q:\n%s", want, out)
		}
	}
	var g struct {
		Name, Post string
		Members    []string
		Depts      []string `json:"departments"`
	}
	if err := json.Unmarshal([]byte(ok(t, "admin", "", "group", "show", "huadong@example.com", "--json")), &g); err != nil {
		t.Fatal(err)
	}
	if g.Name != "华东全体" || g.Post != "members" || len(g.Members) != 2 || len(g.Depts) != 1 || g.Depts[0] != "销售部/华东大区" {
		t.Errorf("the group: %+v", g)
	}
	// Again, through group import: nothing new.
	rep, _, code = groupImport(t, "admin", csv, "group", "import")
	if code != 0 || rep.MembersAdded != 0 || rep.Unchanged != 3 {
		t.Errorf("the same file again: %d %+v", code, rep)
	}
	// One bad row: nothing is imported, the row and column are named.
	bad := "group,name,member,post\nnew@example.com,新组," + member + ",anyone\nnew@example.com,,nobody@example.com,\n"
	rep, errs, code = groupImport(t, "admin", bad, "import", "groups")
	if code == 0 || rep.Applied || len(rep.Errors) != 1 || rep.Errors[0].Line != 3 || rep.Errors[0].Column != "member" || !strings.Contains(errs, "nothing was imported") {
		t.Fatalf("a bad row: %d %+v %s", code, rep, errs)
	}
	if _, _, code := run(t, "admin", "", "group", "show", "new@example.com"); code == 0 {
		t.Fatal("a file with a bad row created a group")
	}
	if out, _, _ := run(t, "admin", bad, "import", "groups", "-"); !strings.Contains(out, `line 3, member "nobody@example.com"`) {
		t.Errorf("the report: %q", out)
	}
}

// TestImportGroupsRefused: member, helpdesk and auditor may not import
// groups; nothing is created.
func TestImportGroupsRefused(t *testing.T) {
	csv := "group,name,member\nx@example.com,X,/\n"
	for _, role := range []string{"member", "helpdesk", "auditor"} {
		for _, args := range [][]string{{"import", "groups", "-"}, {"group", "import", "-"}} {
			_, errs, code := run(t, role, csv, args...)
			if code == 0 || !strings.Contains(errs, "group.manage") {
				t.Errorf("%s as %s: %d %q", strings.Join(args, " "), role, code, errs)
			}
		}
	}
	if _, _, code := run(t, "admin", "", "group", "show", "x@example.com"); code == 0 {
		t.Fatal("a refused import created the group")
	}
}

// TestImportGroupsReportInChinese: the rows' problems read in Chinese,
// each column named by the group CSV's Chinese header.
func TestImportGroupsReportInChinese(t *testing.T) {
	csv := "group,name,member\nteam@example.com,小组,nobody@example.com\nteam@example.com,小组,\n"
	out, errs, code := runLang(t, "zh-CN", "admin", csv, "import", "groups", "-", "--dry-run")
	for _, want := range []string{"成员 \"nobody@example.com\"：nobody@example.com 既不是成员也不是群组", "成员 \"\"：成员为空"} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q (exit %d):\n%s%s", want, code, out, errs)
		}
	}
	if code == 0 || !strings.Contains(errs, "有 2 处错误") {
		t.Errorf("exit %d: %s", code, errs)
	}
}
