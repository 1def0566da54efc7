package cmd_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"postroom/store"
)

// TestBadInputs: each bad input is refused with exit 1 and a message that
// says what is wrong (and usually what to do), and nothing changes.
func TestBadInputs(t *testing.T) {
	deep := "技术部/研发中心/平台组/存储小组/五/六/七/八/九/十"
	cases := []struct {
		name  string
		setup [][]string // admin commands that must succeed first
		args  []string
		stdin string
		want  []string
	}{
		{
			name:  "11th department level",
			setup: [][]string{{"dept", "add", "技术部/研发中心/平台组/存储小组/五"}, {"dept", "add", "技术部/研发中心/平台组/存储小组/五/六"}, {"dept", "add", "技术部/研发中心/平台组/存储小组/五/六/七"}, {"dept", "add", "技术部/研发中心/平台组/存储小组/五/六/七/八"}, {"dept", "add", "技术部/研发中心/平台组/存储小组/五/六/七/八/九"}, {"dept", "add", deep}},
			args:  []string{"dept", "add", deep + "/十一"},
			want:  []string{"11 levels", "at most 10"},
		},
		{
			name: "11 levels in one path",
			args: []string{"dept", "add", "一/二/三/四/五/六/七/八/九/十/十一"},
			want: []string{"at most 10"},
		},
		{
			name: "move under its own subtree",
			args: []string{"dept", "move", "销售部", "销售部/华北大区/北京一组"},
			want: []string{"own subtree"},
		},
		{
			name: "move under itself",
			args: []string{"dept", "move", "销售部/华北大区", "销售部/华北大区"},
			want: []string{"own subtree"},
		},
		{
			name:  "move that makes the tree too deep",
			setup: [][]string{{"dept", "add", "技术部/研发中心/平台组/存储小组/五"}, {"dept", "add", "技术部/研发中心/平台组/存储小组/五/六"}, {"dept", "add", "技术部/研发中心/平台组/存储小组/五/六/七"}, {"dept", "add", "技术部/研发中心/平台组/存储小组/五/六/七/八"}},
			args:  []string{"dept", "move", "销售部", "技术部/研发中心/平台组/存储小组/五/六/七/八"},
			want:  []string{"at most 10"},
		},
		{
			name:  "a 6th alias",
			setup: [][]string{{"member", "alias", "add", memberAddr, "ww1@example.com"}, {"member", "alias", "add", memberAddr, "ww2@example.com"}, {"member", "alias", "add", memberAddr, "ww3@example.com"}, {"member", "alias", "add", memberAddr, "ww4@example.com"}, {"member", "alias", "add", memberAddr, "ww5@example.com"}},
			args:  []string{"member", "alias", "add", memberAddr, "ww6@example.com"},
			want:  []string{"5 aliases", "remove one first"},
		},
		{
			name: "an alias that is another member's address",
			args: []string{"member", "alias", "add", memberAddr, headAddr},
			want: []string{headAddr, "already taken"},
		},
		{
			name: "an alias that is a group's address",
			args: []string{"member", "alias", "add", memberAddr, "sales@example.com"},
			want: []string{"sales@example.com", "already taken"},
		},
		{
			name: "an alias in a domain the company does not have",
			args: []string{"member", "alias", "add", memberAddr, "ww@elsewhere.example"},
			want: []string{"elsewhere.example"},
		},
		{
			name: "a Chinese local part",
			args: []string{"member", "add", "张三@example.com", "--name", "张三"},
			want: []string{"not allowed before the '@'", "pinyin"},
		},
		{
			name: "a space in the address",
			args: []string{"member", "add", "a b@example.com", "--name", "张三"},
			want: []string{"spaces are not allowed"},
		},
		{
			name: "two @",
			args: []string{"member", "add", "a@b@example.com", "--name", "张三"},
			want: []string{"more than one '@'"},
		},
		{
			name: "no @",
			args: []string{"member", "add", "zhangsan", "--name", "张三"},
			want: []string{"no '@'"},
		},
		{
			name: "a Unicode domain in an address",
			args: []string{"member", "add", "zhangsan@例子.中国", "--name", "张三"},
			want: []string{"punycode", "zhangsan@xn--fsqu00a.xn--fiqs8s"},
		},
		{
			name: "a member in a domain the company does not have",
			args: []string{"member", "add", "zhangsan@elsewhere.example", "--name", "张三"},
			want: []string{"elsewhere.example"},
		},
		{
			name: "a Unicode domain",
			args: []string{"domain", "add", "例子.中国"},
			want: []string{"punycode", "xn--fsqu00a.xn--fiqs8s"},
		},
		{
			name: "broken punycode",
			args: []string{"domain", "add", "xn--zzzz.com"},
			want: []string{"not valid punycode"},
		},
		{
			name: "a domain twice",
			args: []string{"domain", "add", "EXAMPLE.com"},
			want: []string{"already"},
		},
		{
			name: "a duplicate employee id on add",
			args: []string{"member", "add", "zhangsan@example.com", "--name", "张三", "--dept", "销售部", "--employee-id", "E00074"},
			want: []string{"E00074", memberAddr},
		},
		{
			name: "a duplicate employee id on set",
			args: []string{"member", "set", headAddr, "--employee-id", "E00074"},
			want: []string{"E00074", memberAddr},
		},
		{
			name: "a duplicate address",
			args: []string{"member", "add", "WangWei@Example.com", "--name", "王伟"},
			want: []string{memberAddr, "already taken"},
		},
		{
			name: "deleting a department with members",
			args: []string{"dept", "rm", "销售部/华北大区/北京一组"},
			want: []string{"22 members", "--move-members-up"},
		},
		{
			name: "deleting a department with departments below it",
			args: []string{"dept", "rm", "销售部/华北大区"},
			want: []string{"departments below it"},
		},
		{
			name: "deleting the root",
			args: []string{"dept", "rm", "/"},
			want: []string{"root"},
		},
		{
			name:  "a password under the policy",
			args:  []string{"member", "add", "zhangsan@example.com", "--name", "张三", "--dept", "销售部", "--password-stdin"},
			stdin: "short\n",
			want:  []string{"too short", "15"},
		},
		{
			name:  "a common password",
			args:  []string{"member", "add", "zhangsan@example.com", "--name", "张三", "--dept", "销售部", "--password-stdin"},
			stdin: "password1234567890\n",
			want:  []string{"common password"},
		},
		{
			name:  "a password built from the name",
			args:  []string{"member", "add", "zhangsan@example.com", "--name", "张三", "--dept", "销售部", "--password-stdin"},
			stdin: "zhangsan-zhangsan-2024\n",
			want:  []string{"your own details"},
		},
		{
			name:  "no password on stdin",
			args:  []string{"member", "add", "zhangsan@example.com", "--name", "张三", "--dept", "销售部", "--password-stdin"},
			stdin: "",
			want:  []string{"no password on standard input"},
		},
		{
			name: "a member without a name",
			args: []string{"member", "add", "zhangsan@example.com", "--dept", "销售部"},
			want: []string{"--name"},
		},
		{
			name: "an unknown department",
			args: []string{"member", "add", "zhangsan@example.com", "--name", "张三", "--dept", "销售部/西北大区"},
			want: []string{"西北大区", "dept add"},
		},
		{
			name: "an unknown position",
			args: []string{"member", "add", "zhangsan@example.com", "--name", "张三", "--dept", "销售部", "--position", "boss"},
			want: []string{"boss"},
		},
		{
			name: "a department whose parent is missing",
			args: []string{"dept", "add", "西北大区/西安组"},
			want: []string{"西北大区", "dept add"},
		},
		{
			name: "an unknown role",
			args: []string{"role", "grant", memberAddr, "king"},
			want: []string{"unknown role", "subadmin"},
		},
		{
			name: "domain rm without --confirm",
			args: []string{"domain", "rm", "example.com"},
			want: []string{"nothing was changed", "--confirm example.com", "members"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			for _, s := range c.setup {
				ok(t, "admin", "", s...)
			}
			before := ok(t, "admin", "", "export", "members")
			unchanged(t, func() {
				errs := refused(t, "admin", c.stdin, c.args, c.want...)
				if strings.Count(strings.TrimSpace(errs), "\n") > 0 {
					t.Errorf("the refusal takes more than one line:\n%s", errs)
				}
			})
			if after := ok(t, "admin", "", "export", "members"); after != before {
				t.Errorf("the member export changed after a refused command")
			}
		})
	}
}

// TestPunycodeDomain: an IDN in its ASCII form is accepted and takes members.
func TestPunycodeDomain(t *testing.T) {
	ok(t, "admin", "", "domain", "add", "xn--fiqs8s.xn--fiqz9s")
	var ds []struct {
		Name string `json:"name"`
	}
	decode(t, ok(t, "admin", "", "domain", "list", "--json"), &ds)
	found := false
	for _, d := range ds {
		found = found || d.Name == "xn--fiqs8s.xn--fiqz9s"
	}
	if !found {
		t.Fatalf("domain list does not show xn--fiqs8s.xn--fiqz9s: %+v", ds)
	}
	ok(t, "admin", "", "member", "add", "zhangsan@xn--fiqs8s.xn--fiqz9s", "--name", "张三", "--dept", "销售部")
	if m := showMember(t, "zhangsan@xn--fiqs8s.xn--fiqz9s"); m.Name != "张三" {
		t.Errorf("member show gives %+v", m)
	}
}

// TestFullWidthAddress: an address typed with a Chinese input method
// (full-width letters, 。 for the dot) is folded to ASCII; the name keeps
// its full-width characters.
func TestFullWidthAddress(t *testing.T) {
	ok(t, "admin", "", "member", "add", "ｚｈａｎｇｓａｎ＠example。com", "--name", "张三（Ａ）", "--dept", "销售部")
	m := showMember(t, "zhangsan@example.com")
	if m.Address != "zhangsan@example.com" || m.Name != "张三（Ａ）" {
		t.Errorf("member show gives address %q name %q", m.Address, m.Name)
	}
}

// TestDomainRemoval: without --confirm the command says what would go and
// changes nothing; with the right --confirm it takes a backup file under
// DIR/backups first, then removes the domain with its members.
func TestDomainRemoval(t *testing.T) {
	f := fx(t)
	ok(t, "admin", "", "domain", "add", "example.org")
	ok(t, "admin", "", "member", "add", "zhangsan@example.org", "--name", "张三", "--dept", "销售部")
	ok(t, "admin", "", "member", "alias", "add", memberAddr, "wangwei@example.org")
	ok(t, "admin", "", "group", "add", "team@example.org", "--name", "小组")

	backups := filepath.Join(f.dir, "backups")
	unchanged(t, func() {
		refused(t, "admin", "", []string{"domain", "rm", "example.org"},
			"1 members", "1 aliases", "1 groups", "Nothing was changed", "--confirm example.org")
		refused(t, "admin", "", []string{"domain", "rm", "example.org", "--confirm", "example.com"}, "Nothing was changed")
		refused(t, "subadmin", "", []string{"domain", "rm", "example.org", "--confirm", "example.org"}, "org.manage")
		refused(t, "admin", "", []string{"domain", "rm", "example.net", "--confirm", "example.net"}, "not one of the company's domains")
	})
	if _, err := os.Stat(backups); err == nil {
		t.Errorf("a refused domain rm left %s behind", backups)
	}
	if !memberExists(t, "zhangsan@example.org") {
		t.Fatal("a refused domain rm removed a member")
	}

	out := ok(t, "admin", "", "domain", "rm", "example.org", "--confirm", "example.org")
	files, err := filepath.Glob(filepath.Join(backups, "*.db"))
	if err != nil || len(files) != 1 {
		t.Fatalf("want one backup file under %s, found %v (%v)", backups, files, err)
	}
	if !strings.Contains(out, files[0]) {
		t.Errorf("domain rm does not name the backup %s:\n%s", files[0], out)
	}
	// The backup holds the data as it was before the removal.
	b, err := store.Open(files[0], storeOptions())
	if err != nil {
		t.Fatalf("the backup does not open: %v", err)
	}
	defer b.Close()
	if err := b.Read(func(r *store.Reader) error {
		if !r.IsLocal("example.org") {
			t.Errorf("the backup does not hold example.org")
		}
		_, err := r.Member("zhangsan@example.org")
		return err
	}); err != nil {
		t.Errorf("the backup does not hold zhangsan@example.org: %v", err)
	}

	if memberExists(t, "zhangsan@example.org") {
		t.Error("zhangsan@example.org is still there after domain rm")
	}
	if m := showMember(t, memberAddr); len(m.Aliases) != 0 {
		t.Errorf("the alias in the removed domain stays: %v", m.Aliases)
	}
	if _, _, code := run(t, "admin", "", "group", "show", "team@example.org"); code == 0 {
		t.Error("the group in the removed domain stays")
	}
	if rec := opLog(t, 1)[0]; rec.Op != "domain.rm" || rec.Target != "example.org" {
		t.Errorf("the newest op record is %s %s, want domain.rm example.org", rec.Op, rec.Target)
	}
	if rep := ok(t, "auditor", "", "audit", "verify"); !strings.Contains(rep, "intact") {
		t.Errorf("audit verify after domain rm: %s", rep)
	}
}

// TestDeleteDepartmentMovingMembersUp: --move-members-up empties the
// department into its parent.
func TestDeleteDepartmentMovingMembersUp(t *testing.T) {
	ok(t, "admin", "", "dept", "rm", "销售部/华北大区/北京一组", "--move-members-up")
	if m := showMember(t, memberAddr); len(m.Departments) != 1 || m.Departments[0] != "销售部/华北大区" {
		t.Errorf("after dept rm --move-members-up %s is in %v, want [销售部/华北大区]", memberAddr, m.Departments)
	}
	if _, _, code := run(t, "admin", "", "member", "list", "--dept", "销售部/华北大区/北京一组"); code != 1 {
		t.Errorf("the deleted department can still be listed")
	}
}

// TestUsageMistakes exit 2 with the reason on stderr.
func TestUsageMistakes(t *testing.T) {
	for _, args := range [][]string{
		{"bogus"},
		{"member", "add"},
		{"member", "list", "--nope"},
		{"member", "show", "a@example.com", "b@example.com"},
		{"log", "ops", "--limit"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			out, errs, code := run(t, "admin", "", args...)
			if code != 2 || errs == "" {
				t.Errorf("exit %d, want 2 with a reason on stderr\nstdout: %s\nstderr: %s", code, out, errs)
			}
		})
	}
}

// TestUnknownSubcommand: a typo in a subcommand is a usage mistake, not
// a successful run that prints help.
func TestUnknownSubcommand(t *testing.T) {
	for _, args := range [][]string{{"member", "bogus"}, {"dept", "lsit"}, {"log", "opps"}} {
		out, errs, code := run(t, "admin", "", args...)
		if code != 2 || !strings.Contains(errs, "unknown command") {
			t.Errorf("%v: exit %d, want 2 with unknown command on stderr\nstdout: %s\nstderr: %s", args, code, out, errs)
		}
	}
}

// TestAuthorizeBeforePasswordCheck: a person without the right learns that
// first, not the password policy, and no hashing is spent on them.
func TestAuthorizeBeforePasswordCheck(t *testing.T) {
	unchanged(t, func() {
		refused(t, "member", "short\n", []string{"member", "add", "zz@example.com", "--name", "Z", "--dept", "销售部", "--password-stdin"}, "needs the right member.manage")
	})
}
