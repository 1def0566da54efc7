package cmd_test

import (
	"strconv"
	"strings"
	"testing"
)

// contactsCSV holds two customers; the second has two emails.
const contactsCSV = "\ufeff姓名,邮箱,电话,公司,职务,备注\r\n张客户,zhang@customer.cn,'+86 138 0000 0001,客户甲,采购经理,老客户\r\nBob Li,bob@partner.com;bob.li@partner.com,010-1,Partner,Buyer,\r\n"

// bookReport is what book import --json prints (the fields scripts rely on).
type bookReport struct {
	Format      string `json:"format"`
	Encoding    string `json:"encoding"`
	OnDuplicate string `json:"on_duplicate"`
	DryRun      bool   `json:"dry_run"`
	Applied     bool   `json:"applied"`
	Added       int    `json:"added"`
	Overwritten int    `json:"overwritten"`
	Unchanged   int    `json:"unchanged"`
	Skipped     int    `json:"skipped"`
	Errors      int    `json:"errors"`
	Outcomes    []struct {
		Unit    string `json:"unit"`
		Number  int    `json:"number"`
		Action  string `json:"action"`
		Contact int    `json:"contact"`
		Email   string `json:"email"`
		Reason  string `json:"reason"`
	} `json:"outcomes"`
}

type bookContact struct {
	ID      int      `json:"id"`
	Name    string   `json:"name"`
	Emails  []string `json:"emails"`
	Phones  []string `json:"phones"`
	Company string   `json:"company"`
	Title   string   `json:"title"`
	Notes   string   `json:"notes"`
}

func bookList(t *testing.T, as string, args ...string) []bookContact {
	t.Helper()
	var cs []bookContact
	decode(t, ok(t, as, "", append([]string{"book", "list", "--json"}, args...)...), &cs)
	return cs
}

// TestBookRoles: who may do what with the customer address book (BOOK-1).
// Only admins manage it; the people it is shared with see or edit it;
// everyone else is refused with the missing right named and nothing changed.
func TestBookRoles(t *testing.T) {
	cases := []roleCase{
		{as: "admin", args: "book list --json"},
		{as: "admin", args: "book add --name 客户 --email c@customer.cn"},
		{as: "admin", args: "book import -", stdin: contactsCSV},
		{as: "admin", args: "book share --viewer-dept 销售部 --editor " + memberAddr},
		{as: "admin", args: "book export --customers --format vcard"},
		{as: "admin", args: "book template"},
	}
	for _, as := range []string{"subadmin", "helpdesk", "auditor", "hr", "head", "member"} {
		cases = append(cases,
			roleCase{as: as, args: "book template"},
			roleCase{as: as, args: "book list --json", right: "book.read"},
			roleCase{as: as, args: "book add --name 客户 --email c@customer.cn", right: "book.edit"},
			roleCase{as: as, args: "book import -", stdin: contactsCSV, right: "book.edit"},
			roleCase{as: as, args: "book rm 1", right: "book.edit"},
			roleCase{as: as, args: "book export --customers", right: "book.read"},
			roleCase{as: as, args: "book share --viewer " + memberAddr, right: "book.manage"},
		)
	}
	for _, c := range cases {
		t.Run(c.name(), func(t *testing.T) {
			t.Parallel()
			if c.right == "" {
				ok(t, c.as, c.stdin, strings.Fields(c.args)...)
				return
			}
			unchanged(t, func() {
				refused(t, c.as, c.stdin, strings.Fields(c.args), "needs the right "+c.right, string(who(t, c.as)))
			})
		})
	}
}

// TestBookSharing: sharing with a department lets its members see the
// book, sharing with a person as editor lets them change it, and taking
// it back takes both away.
func TestBookSharing(t *testing.T) {
	ok(t, "admin", contactsCSV, "book", "import", "-")
	ok(t, "admin", "", "book", "share", "--viewer-dept", "销售部", "--editor", memberAddr)
	// The head works in 销售部: a viewer, not an editor.
	if cs := bookList(t, "head", "--query", "zkh"); len(cs) != 1 || cs[0].Name != "张客户" {
		t.Fatalf("the head finds %+v by the initials zkh", cs)
	}
	refused(t, "head", "", []string{"book", "add", "--name", "x", "--email", "x@customer.cn"}, "book.edit")
	refused(t, "helpdesk", "", []string{"book", "list"}, "book.read")
	// The member is an editor.
	out := ok(t, "member", "", "book", "add", "--name", "王客户", "--email", "wang@customer.cn", "--phone", "13900000000", "--json")
	var added struct{ ID int }
	decode(t, out, &added)
	ok(t, "member", "", "book", "set", strconv.Itoa(added.ID), "--title", "总经理", "--email", "wang@customer.cn", "--email", "wang2@customer.cn")
	cs := bookList(t, "head", "--query", "王客户")
	if len(cs) != 1 || cs[0].Title != "总经理" || len(cs[0].Emails) != 2 {
		t.Fatalf("after set: %+v", cs)
	}
	refused(t, "member", "", []string{"book", "add", "--name", "重复", "--email", "WANG2@customer.cn"}, "already in the customer address book", "王客户")
	ok(t, "member", "", "book", "rm", strconv.Itoa(added.ID))
	if cs := bookList(t, "admin", "--query", "王客户"); len(cs) != 0 {
		t.Fatalf("after rm: %+v", cs)
	}
	var sh struct {
		ViewDepts  []string `json:"viewer_depts"`
		Editors    []string `json:"editors"`
		YourAccess string   `json:"your_access"`
	}
	decode(t, ok(t, "member", "", "book", "share", "--json"), &sh)
	if sh.YourAccess != "edit" || len(sh.ViewDepts) != 1 || sh.ViewDepts[0] != "销售部" || sh.Editors[0] != memberAddr {
		t.Errorf("book share --json as the member: %+v", sh)
	}
	recs := opLog(t, 3)
	if recs[0].Op != "book.rm" || recs[0].Actor != memberAddr || recs[2].Op != "book.add" {
		t.Errorf("the operation log ends with %+v", recs)
	}
	ok(t, "admin", "", "book", "share", "--clear")
	refused(t, "member", "", []string{"book", "list"}, "book.read")
	refused(t, "head", "", []string{"book", "list"}, "book.read")
}

// TestBookImport: the per-row report, skip and overwrite, the dry run and a
// file with a bad row, which imports nothing.
func TestBookImport(t *testing.T) {
	var rep bookReport
	decode(t, ok(t, "admin", contactsCSV, "book", "import", "-", "--json"), &rep)
	if !rep.Applied || rep.Added != 2 || rep.Format != "csv" || rep.Encoding != "UTF-8 with BOM" || len(rep.Outcomes) != 2 || rep.Outcomes[1].Number != 3 {
		t.Fatalf("first import: %+v", rep)
	}
	changed := strings.Replace(contactsCSV, "采购经理", "采购总监", 1)
	decode(t, ok(t, "admin", changed, "book", "import", "-", "--json"), &rep)
	if rep.Skipped != 2 || rep.Added != 0 || rep.OnDuplicate != "skip" || rep.Outcomes[0].Action != "skipped" || !strings.Contains(rep.Outcomes[0].Reason, "--on-duplicate overwrite") {
		t.Fatalf("import again, skipping: %+v", rep)
	}
	unchanged(t, func() {
		decode(t, ok(t, "admin", changed, "book", "import", "-", "--on-duplicate", "overwrite", "--dry-run", "--json"), &rep)
	})
	if !rep.DryRun || rep.Applied || rep.Overwritten != 1 || rep.Unchanged != 1 {
		t.Fatalf("dry run: %+v", rep)
	}
	if cs := bookList(t, "admin", "--query", "张客户"); cs[0].Title != "采购经理" {
		t.Fatalf("the dry run changed the book: %+v", cs)
	}
	decode(t, ok(t, "admin", changed, "book", "import", "-", "--on-duplicate", "overwrite", "--json"), &rep)
	if cs := bookList(t, "admin", "--query", "张客户"); rep.Overwritten != 1 || cs[0].Title != "采购总监" || cs[0].Phones[0] != "+86 138 0000 0001" {
		t.Fatalf("overwrite: %+v, %+v", rep, cs)
	}
	if recs := opLog(t, 1); recs[0].Op != "book.import" {
		t.Errorf("the operation log ends with %+v", recs[0])
	}
	// A bad row: the report names it, nothing is imported, exit 1.
	bad := "name,email\r\n新客户,new@customer.cn\r\n坏行,not-an-address\r\n"
	unchanged(t, func() {
		out, errs, code := run(t, "admin", bad, "book", "import", "-")
		if code != 1 || !strings.Contains(out, "row 3: error") || !strings.Contains(out, "row 2: added 新客户") || !strings.Contains(errs, "nothing was imported") {
			t.Errorf("bad row: exit %d\n%s\n%s", code, out, errs)
		}
	})
	// An unreadable file: refused as a whole.
	for _, text := range []string{"", "\x00\x01\x02", "foo,bar\n1,2\n", "BEGIN:VCARD\nFN:x\nEND:VCARD\ntrailing words\n"} {
		unchanged(t, func() {
			refused(t, "admin", text, []string{"book", "import", "-"})
		})
	}
	refused(t, "admin", "", []string{"book", "import", "-", "--on-duplicate", "merge"}, "skip or overwrite")
	// Over SSH a path names the server's file.
	refused(t, "admin", "", []string{"book", "import", "/etc/passwd"}, "standard input")
}

// TestBookImportVCard imports an old phone's vCard 2.1 export (GBK in
// quoted-printable) and a vCard 4.0 card, then exports them as vCard.
func TestBookImportVCard(t *testing.T) {
	// 欧阳娜娜 in GBK, quoted-printable.
	v := "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=GBK;ENCODING=QUOTED-PRINTABLE:=C5=B7=D1=F4;=C4=C8=C4=C8;;;\r\n" +
		"TEL;CELL:13800138000\r\nEMAIL;INTERNET:ouyang@customer.cn\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Zoe\r\nEMAIL:zoe@partner.com\r\nORG:Partner\r\nEND:VCARD\r\n"
	var rep bookReport
	decode(t, ok(t, "admin", v, "book", "import", "-", "--json"), &rep)
	if rep.Format != "vcard" || rep.Added != 2 || rep.Outcomes[0].Unit != "card" || rep.Outcomes[1].Number != 2 {
		t.Fatalf("report %+v", rep)
	}
	if cs := bookList(t, "admin", "--query", "oynn"); len(cs) != 1 || cs[0].Name != "欧阳娜娜" {
		t.Fatalf("found %+v", cs)
	}
	out := ok(t, "admin", "", "book", "export", "--customers", "--format", "vcard")
	if !strings.Contains(out, "FN:欧阳娜娜\r\n") || strings.Count(out, "BEGIN:VCARD") != 2 || !strings.Contains(out, "VERSION:4.0") {
		t.Errorf("vCard export:\n%s", out)
	}
	// The export imports again as the same contacts.
	decode(t, ok(t, "admin", out, "book", "import", "-", "--on-duplicate", "overwrite", "--json"), &rep)
	if rep.Unchanged != 2 {
		t.Errorf("re-import of the export: %+v", rep)
	}
}

// TestBookTemplate: the template is the CSV header, Excel-correct, and
// imports as an empty file.
func TestBookTemplate(t *testing.T) {
	out := ok(t, "member", "", "book", "template")
	if out != "\ufeffname,email,phone,company,title,notes\r\n" {
		t.Errorf("template %q", out)
	}
	if zh := ok(t, "member", "", "book", "template", "--zh"); zh != "\ufeff姓名,邮箱,电话,公司,职务,备注\r\n" {
		t.Errorf("template --zh %q", zh)
	}
	var rep bookReport
	decode(t, ok(t, "admin", out, "book", "import", "-", "--json"), &rep)
	if rep.Added != 0 || len(rep.Outcomes) != 0 || !rep.Applied {
		t.Errorf("importing the template: %+v", rep)
	}
}

// TestEnterpriseBook: the enterprise address book (ORG-8) is searched by
// every member while it is shared, and by those who may read members only
// when it is not; exports are Excel-correct CSV and vCard.
func TestEnterpriseBook(t *testing.T) {
	ok(t, "admin", "", "org", "set", "--address-book", "shared")
	var es []dirEntry
	decode(t, ok(t, "member", "", "book", "directory", "--query", "wangwei", "--json"), &es)
	if !hasAddr(es, memberAddr) {
		t.Fatalf("the member finds %+v by pinyin", es)
	}
	decode(t, ok(t, "member", "", "book", "directory", "--query", "ww", "--json"), &es)
	if !hasAddr(es, memberAddr) {
		t.Errorf("initials ww do not find %s: %+v", memberAddr, es)
	}
	decode(t, ok(t, "member", "", "book", "directory", "--query", "xinxi", "--json"), &es)
	if !hasAddr(es, helpdeskAddr) {
		t.Errorf("the department 信息部 by pinyin does not find %s: %+v", helpdeskAddr, es)
	}
	for _, e := range es {
		if !strings.HasPrefix(e.Departments[0], "信息部") && !strings.Contains(strings.ToLower(e.Name+e.Address), "xinxi") {
			t.Errorf("xinxi finds %+v", e)
		}
	}
	csv := ok(t, "member", "", "book", "export", "--zh")
	if !strings.HasPrefix(csv, "\ufeff姓名,邮箱,部门,职务,手机,电话\r\n") || !strings.Contains(csv, memberAddr) {
		t.Errorf("CSV export starts %q", csv[:min(len(csv), 200)])
	}
	vc := ok(t, "member", "", "book", "export", "--format", "vcard", "--query", "wangwei")
	if !strings.Contains(vc, "FN:王伟\r\n") || !strings.Contains(vc, "EMAIL:"+memberAddr) {
		t.Errorf("vCard export:\n%s", vc)
	}
	refused(t, "member", "", []string{"book", "export", "--format", "pdf"}, "csv or vcard")

	ok(t, "admin", "", "org", "set", "--address-book", "private")
	refused(t, "member", "", []string{"book", "directory"}, "not shared", "member.read")
	refused(t, "member", "", []string{"book", "export"}, "not shared")
	decode(t, ok(t, "helpdesk", "", "book", "directory", "--query", "wangwei", "--json"), &es)
	if !hasAddr(es, memberAddr) {
		t.Errorf("the helpdesk may read members and finds %+v", es)
	}
	// The sub-admin of 销售部 sees only their subtree.
	decode(t, ok(t, "subadmin", "", "book", "directory", "--json"), &es)
	for _, e := range es {
		if !strings.HasPrefix(e.Departments[0], "销售部") {
			t.Errorf("the sub-admin of 销售部 sees %+v", e)
		}
	}
	// Refused roles: the org setting is the admin's.
	refused(t, "member", "", []string{"org", "set", "--address-book", "shared"}, "org.manage")
}

// dirEntry is one element of book directory --json.
type dirEntry struct {
	Name        string   `json:"name"`
	Address     string   `json:"address"`
	Departments []string `json:"departments"`
}

func hasAddr(es []dirEntry, a string) bool {
	for _, e := range es {
		if e.Address == a {
			return true
		}
	}
	return false
}

// TestBookImportOutlook: an Outlook-style export with first and last names
// and columns the book does not keep imports, naming the columns left out.
func TestBookImportOutlook(t *testing.T) {
	csv := "First Name,Last Name,E-mail Address,Business Phone,Company,Birthday\r\nZoe,Chen,zoe@partner.com,010-1,Partner,1990-01-02\r\n"
	var rep struct {
		Added   int      `json:"added"`
		Ignored []string `json:"ignored_columns"`
	}
	decode(t, ok(t, "admin", csv, "book", "import", "-", "--json"), &rep)
	if rep.Added != 1 || len(rep.Ignored) != 1 || rep.Ignored[0] != "Birthday" {
		t.Fatalf("report %+v", rep)
	}
	if cs := bookList(t, "admin", "--query", "zoe"); len(cs) != 1 || cs[0].Name != "Zoe Chen" || cs[0].Phones[0] != "010-1" {
		t.Fatalf("imported %+v", cs)
	}
	if out := ok(t, "admin", csv, "book", "import", "-"); !strings.Contains(out, "columns left out: Birthday") {
		t.Errorf("the text report does not name the column left out:\n%s", out)
	}
}

// TestBookImportReportInChinese: the report of a contacts import, its
// rows and their problems, reads in Chinese.
func TestBookImportReportInChinese(t *testing.T) {
	csv := "姓名,邮箱\n张三,zhang san@kunde.example\n李四,lisi@kunde.example\n"
	out, errs, code := runLang(t, "zh-CN", "admin", csv, "book", "import", "-", "--dry-run")
	for _, want := range []string{"：csv，UTF-8", "第 2 行：有错误：邮箱 \"zhang san@kunde.example\"：“@”前面的部分含有", "第 3 行：新增 李四", "未导入任何内容；修正后将：新增 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q (exit %d):\n%s%s", want, code, out, errs)
		}
	}
}
