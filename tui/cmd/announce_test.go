package cmd_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"postroom/mail"
	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

type announcement struct {
	ID     uint64   `json:"id"`
	Title  string   `json:"title"`
	Body   string   `json:"body"`
	Depts  []string `json:"depts"`
	Author string   `json:"author"`
	Status string   `json:"status"`
	Copies int      `json:"copies"`
	Recall *struct {
		Recalled int `json:"recalled"`
		Fetched  int `json:"fetched"`
	} `json:"recall"`
}

func announcements(t *testing.T, as string) []announcement {
	t.Helper()
	var out []announcement
	decode(t, ok(t, as, "", "announce", "list", "--json"), &out)
	return out
}

// runRecallLocal runs announce recall as the local CLI does, with the
// Maildir under the fixture's data directory.
func runRecallLocal(t *testing.T, as string, args ...string) (string, string, int) {
	t.Helper()
	f := fx(t)
	var actor model.Actor
	if err := f.s.Read(func(r *store.Reader) error {
		var err error
		actor, err = r.Actor(who(t, as), model.DoorCLI, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	env := &cmd.Env{Actor: actor, Store: f.s, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Local: true,
		DataDir: f.dir, Recall: mail.LocalRecall(f.dir)}
	code := cmd.Run(env, args)
	return out.String(), errb.String(), code
}

// TestAnnounceRoles: admins publish to anyone and recall; a sub-admin
// only with the announcements right and only within their scope; members,
// helpdesk, auditors and hr never, with the missing right named and
// nothing changed.
func TestAnnounceRoles(t *testing.T) {
	body := "元旦放假安排：1 月 1 日至 3 日放假。"
	cases := []roleCase{
		{as: "admin", args: "announce publish --title 放假通知 --body-file -", stdin: body},
		{as: "admin", args: "announce publish --title 销售会议 --body-file - --dept 销售部 --dept 技术部/产品组", stdin: body},
		{as: "admin", args: "announce list --json"},
		{as: "admin", args: "announce template list --json"},
		{as: "admin", args: "announce template show welcome --lang en"},
		// The demo sub-admin holds members and groups over 销售部, not announcements.
		{as: "subadmin", args: "announce publish --title T --body-file - --dept 销售部", stdin: body, right: "announce"},
		{as: "subadmin", args: "announce template list", right: "org.manage"},
	}
	for _, as := range []string{"helpdesk", "auditor", "hr", "head", "member"} {
		cases = append(cases,
			roleCase{as: as, args: "announce list --json"},
			roleCase{as: as, args: "announce publish --title T --body-file -", stdin: body, right: "announce"},
			roleCase{as: as, args: "announce publish --title T --body-file - --dept 销售部", stdin: body, right: "announce"},
			roleCase{as: as, args: "announce template set welcome --lang en --file -", stdin: "Subject: hi\n\nx", right: "org.manage"},
			roleCase{as: as, args: "announce template reset welcome", right: "org.manage"},
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

// TestAnnounceSubadminScope: with the announcements right over 销售部, a
// sub-admin announces within it, not to 技术部 nor to all staff, and
// recalls only what they may.
func TestAnnounceSubadminScope(t *testing.T) {
	ok(t, "admin", "", "role", "grant", subadminAddr, "subadmin", "--scope", "销售部", "--rights", "members,groups,announcements")
	out := ok(t, "subadmin", "华北大区周会改到周三。", "announce", "publish", "--title", "周会", "--body-file", "-", "--dept", "销售部/华北大区", "--json")
	var got struct{ ID uint64 }
	decode(t, out, &got)
	if got.ID == 0 {
		t.Fatalf("publish printed %q", out)
	}
	for _, args := range [][]string{
		{"announce", "publish", "--title", "T", "--body-file", "-", "--dept", "技术部"},
		{"announce", "publish", "--title", "T", "--body-file", "-", "--dept", "销售部", "--dept", "技术部"},
		{"announce", "publish", "--title", "T", "--body-file", "-"},
	} {
		unchanged(t, func() { refused(t, "subadmin", "x", args, "needs the right announce") })
	}
	adminOut := ok(t, "admin", "全体", "announce", "publish", "--title", "全员", "--body-file", "-")
	adminID := strings.TrimSpace(adminOut)
	// The sub-admin sees and may recall only their own scope's.
	list := announcements(t, "subadmin")
	if len(list) != 1 || list[0].ID != got.ID || list[0].Depts[0] != "销售部/华北大区" {
		t.Fatalf("the sub-admin lists %+v", list)
	}
	unchanged(t, func() {
		refused(t, "subadmin", "", []string{"announce", "recall", adminID}, "needs the right announce")
	})
	// A member of 华北大区 sees both at Home (announce list); one of 技术部 only the company's.
	if l := announcements(t, "yangjianjun@example.com"); len(l) != 2 {
		t.Errorf("a member of 华北大区 sees %d announcements", len(l))
	}
	if l := announcements(t, "gaozhenyu@example.com"); len(l) != 1 || l[0].Title != "全员" {
		t.Errorf("a member of 技术部 sees %+v", l)
	}
}

// TestAnnouncePublishRecallCLI: the text is checked (2000 characters,
// Chinese counted as one each), the id printed, the recall gives counts
// as JSON and takes the announcement from every Home.
func TestAnnouncePublishRecallCLI(t *testing.T) {
	long := strings.Repeat("字", model.MaxAnnouncementRunes+1)
	unchanged(t, func() {
		refused(t, "admin", long, []string{"announce", "publish", "--title", "长", "--body-file", "-"}, "2001 characters", "at most 2000")
		refused(t, "admin", "x", []string{"announce", "publish", "--title", " ", "--body-file", "-"}, "no title")
		refused(t, "admin", "x", []string{"announce", "publish", "--title", "T", "--body-file", "-", "--dept", "没有这个部门"}, "没有这个部门")
		refused(t, "admin", "", []string{"announce", "publish", "--title", "T"}, "--body-file")
	})
	id := strings.TrimSpace(ok(t, "admin", long[:len(long)-len("字")], "announce", "publish", "--title", "两千字", "--body-file", "-", "--dept", "财务部"))
	if _, err := strconv.ParseUint(id, 10, 64); err != nil {
		t.Fatalf("publish printed %q, not an id", id)
	}
	if l := announcements(t, "qianwen@example.com"); len(l) != 1 || len([]rune(l[0].Body)) != model.MaxAnnouncementRunes {
		t.Fatalf("the head of 财务部 sees %+v", l)
	}
	// Over SSH without a relay, the copies cannot be reached: it says so,
	// and the announcement has still left every Home.
	_, errs, code := run(t, "admin", "", "announce", "recall", id)
	if code != 1 || !strings.Contains(errs, "announce recall again where the relay runs") {
		t.Fatalf("recall without the relay: exit %d, %s", code, errs)
	}
	if l := announcements(t, "qianwen@example.com"); len(l) != 0 {
		t.Fatalf("after the recall the head of 财务部 still sees %+v", l)
	}
	// Run again where the mail is (the local CLI): the copies are dealt
	// with (none were queued: serve never ran) and counted.
	out, errs, code := runRecallLocal(t, "admin", "announce", "recall", id, "--json")
	if code != 0 {
		t.Fatalf("local recall: exit %d: %s", code, errs)
	}
	var counts struct {
		ID       uint64 `json:"id"`
		Recalled *int   `json:"recalled"`
		Fetched  *int   `json:"fetched"`
	}
	decode(t, out, &counts)
	if counts.Recalled == nil || counts.Fetched == nil || *counts.Recalled != 0 || *counts.Fetched != 0 {
		t.Errorf("recall --json printed %s", out)
	}
	l := announcements(t, "admin")
	if len(l) != 1 || l[0].Status != "recalled" || l[0].Recall == nil {
		t.Errorf("announce list after the recall: %+v", l)
	}
	if _, errs, code := runRecallLocal(t, "admin", "announce", "recall", id); code != 1 || !strings.Contains(errs, "already recalled") {
		t.Errorf("a second recall: exit %d, %s", code, errs)
	}
	recs := opLog(t, 3)
	if recs[0].Op != "announce.recall.result" || recs[1].Op != "announce.recall" {
		t.Errorf("the operation log ends with %+v", recs)
	}
}

// TestAnnounceTemplates: an admin replaces a letter's template after it
// passes a trial on a sample member; a broken one is refused with the
// parser's words and nothing saved; reset goes back to the default.
func TestAnnounceTemplates(t *testing.T) {
	unchanged(t, func() {
		refused(t, "admin", "Subject: 欢迎\n\n{{.Name", []string{"announce", "template", "set", "welcome", "--lang", "zh-CN", "--file", "-"}, "cannot be read", "unclosed action")
		refused(t, "admin", "Subject: x\n\n{{.Salary}}", []string{"announce", "template", "set", "welcome", "--lang", "en", "--file", "-"}, "sample member", "Salary")
		refused(t, "admin", "Subject: x\n\nok", []string{"announce", "template", "set", "farewell", "--lang", "en", "--file", "-"}, "no letter")
		refused(t, "admin", "Subject: x\n\nok", []string{"announce", "template", "set", "welcome", "--file", "-"}, "--lang")
	})
	ok(t, "admin", "Subject: Welcome, {{.Name}}\n\nSee you in {{.Department}}.\n", "announce", "template", "set", "welcome", "--lang", "en", "--file", "-")
	var ls []struct {
		Name   string `json:"name"`
		Lang   string `json:"lang"`
		Custom bool   `json:"custom"`
	}
	decode(t, ok(t, "admin", "", "announce", "template", "list", "--json"), &ls)
	custom := 0
	for _, l := range ls {
		if l.Custom {
			custom++
			if l.Name != "welcome" || l.Lang != "en" {
				t.Errorf("custom: %+v", l)
			}
		}
	}
	if len(ls) != 4 || custom != 1 {
		t.Errorf("template list: %+v", ls)
	}
	if out := ok(t, "admin", "", "announce", "template", "show", "welcome", "--lang", "en"); !strings.HasPrefix(out, "Subject: Welcome, {{.Name}}") {
		t.Errorf("show: %q", out)
	}
	if out := ok(t, "admin", "", "announce", "template", "show", "welcome"); !strings.Contains(out, "欢迎加入") {
		t.Errorf("show zh-CN: %q", out)
	}
	ok(t, "admin", "", "announce", "template", "reset", "welcome")
	if out := ok(t, "admin", "", "announce", "template", "show", "welcome", "--lang", "en"); !strings.Contains(out, "Welcome to {{.Company}}") {
		t.Errorf("after reset: %q", out)
	}
	recs := opLog(t, 2)
	if recs[0].Op != "letter.reset" || recs[1].Op != "letter.set" {
		t.Errorf("the operation log ends with %+v", recs)
	}
}

// TestEmptyListSaysSo: a list with no rows prints its header on stdout and
// says aside that there is nothing, so a person is not left guessing and a
// script reading the table sees only it.
func TestEmptyListSaysSo(t *testing.T) {
	out, errs, code := run(t, "member", "", "announce", "list")
	if code != 0 || strings.Count(strings.TrimSpace(out), "\n") != 0 || !strings.Contains(out, "TITLE") || !strings.Contains(errs, "nothing to list") {
		t.Errorf("announce list with none: code %d, stdout %q, stderr %q", code, out, errs)
	}
	if out, errs, _ := run(t, "member", "", "announce", "list", "--json"); strings.TrimSpace(out) != "[]" || errs != "" {
		t.Errorf("announce list --json with none: stdout %q, stderr %q", out, errs)
	}
}
