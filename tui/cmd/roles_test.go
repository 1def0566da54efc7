package cmd_test

import (
	"strings"
	"testing"
	"time"

	"postroom/model"
	"postroom/store"
)

// techPerson is a member outside 销售部 (技术总监, 技术部).
const techPerson = "gaozhenyu@example.com"

// smallCSV is a member file with one new member in 销售部/华北大区.
const smallCSV = "address,name,department\r\nimport.one@example.com,导入一,销售部/华北大区\r\n"

// roleCase is one command line run by one demo person: allowed when right
// is empty, otherwise refused with exit 1 and a stderr that names right.
type roleCase struct {
	as    string
	args  string // split on spaces; no argument holds a space
	stdin string
	right string
}

func (c roleCase) name() string {
	verdict := "allowed"
	if c.right != "" {
		verdict = "refused"
	}
	return c.as + "/" + verdict + "/" + c.args
}

// TestRoles runs each role against each command family (ROLE-1, ROLE-2):
// what the role may do works, and what it may not is refused with exit 1,
// a stderr that names the missing right, and no change to the data.
func TestRoles(t *testing.T) {
	cases := []roleCase{
		// The admin may do everything.
		{as: "admin", args: "whoami"},
		{as: "admin", args: "org set --phone 010-65520001"},
		{as: "admin", args: "domain add example.org"},
		{as: "admin", args: "domain list --json"},
		{as: "admin", args: "dkim enable example.com --json"},
		{as: "admin", args: "dkim list --json"},
		{as: "admin", args: "passwd policy set --preset seed"},
		{as: "admin", args: "dept add 技术部/新组"},
		{as: "admin", args: "dept set 技术部 --head gaozhenyu@example.com"},
		{as: "admin", args: "dept list --json"},
		{as: "admin", args: "member add test.admin@example.com --name 测试 --dept 技术部"},
		{as: "admin", args: "member add test.root@example.com --name 测试"},
		{as: "admin", args: "member set wangwei@example.com --title 高级销售代表"},
		{as: "admin", args: "member disable wangwei@example.com --reason 离职"},
		{as: "admin", args: "member alias add wangwei@example.com ww@example.com"},
		{as: "admin", args: "member rm wangwei@example.com"},
		{as: "admin", args: "member list --json"},
		{as: "admin", args: "passwd reset wangwei@example.com --reason T"},
		{as: "admin", args: "group add test.group@example.com --name 测试组"},
		{as: "admin", args: "group list --json"},
		{as: "admin", args: "shared add test.shared@example.com --name 测试邮箱 --dept 技术部"},
		{as: "admin", args: "role grant wangwei@example.com helpdesk"},
		{as: "admin", args: "role list --json"},
		{as: "admin", args: "log ops --json"},
		{as: "admin", args: "log login --json"},
		{as: "admin", args: "audit verify"},
		{as: "admin", args: "backup"},
		{as: "admin", args: "export members"},
		{as: "admin", args: "import members -", stdin: smallCSV},

		// The sub-admin of 销售部 with members and groups: inside the subtree only.
		{as: "subadmin", args: "member add test.sub@example.com --name 测试 --dept 销售部/华北大区"},
		{as: "subadmin", args: "member add test.sub@example.com --name 测试 --dept 技术部", right: "member.manage"},
		{as: "subadmin", args: "member add test.sub@example.com --name 测试", right: "member.manage"},
		{as: "subadmin", args: "member add test.sub@example.com --name 测试 --dept 销售部 --dept 技术部", right: "member.manage"},
		{as: "subadmin", args: "member set wangwei@example.com --title 高级销售代表"},
		{as: "subadmin", args: "member set wangwei@example.com --dept 技术部", right: "member.manage"},
		{as: "subadmin", args: "member set " + techPerson + " --title 总监", right: "member.manage"},
		{as: "subadmin", args: "member disable wangwei@example.com"},
		{as: "subadmin", args: "member disable " + techPerson, right: "member.manage"},
		{as: "subadmin", args: "member list --json"},
		{as: "subadmin", args: "member show " + techPerson, right: "member.read"},
		{as: "subadmin", args: "passwd reset wangwei@example.com --reason T"},
		{as: "subadmin", args: "passwd reset " + techPerson + " --reason T", right: "password.reset"},
		{as: "subadmin", args: "dept add 销售部/新组"},
		{as: "subadmin", args: "dept add 技术部/新组", right: "dept.manage"},
		{as: "subadmin", args: "dept add 新部门", right: "dept.manage"},
		{as: "subadmin", args: "group add test.group@example.com --name 测试组 --owner 销售部"},
		{as: "subadmin", args: "group add test.group@example.com --name 测试组 --owner 技术部", right: "group.manage"},
		{as: "subadmin", args: "import members -", stdin: smallCSV},
		{as: "subadmin", args: "role grant wangwei@example.com helpdesk", right: "role.manage"},
		{as: "subadmin", args: "domain add example.org", right: "org.manage"},
		{as: "subadmin", args: "org set --phone 010-1", right: "org.manage"},
		{as: "subadmin", args: "passwd policy set --preset seed", right: "org.manage"},
		{as: "subadmin", args: "log ops", right: "log.read"},
		{as: "subadmin", args: "audit verify", right: "audit.verify"},
		{as: "subadmin", args: "backup", right: "backup"},

		// The helpdesk finds people, resets passwords and unlocks; nothing else.
		{as: "helpdesk", args: "member list --json"},
		{as: "helpdesk", args: "member show " + techPerson + " --json"},
		{as: "helpdesk", args: "passwd reset " + techPerson + " --reason T"},
		{as: "helpdesk", args: "member disable wangwei@example.com", right: "member.manage"},
		{as: "helpdesk", args: "dkim enable example.com", right: "org.manage"},
		{as: "member", args: "dkim list", right: "org.manage"},
		{as: "helpdesk", args: "member enable wangwei@example.com", right: "member.manage"},
		{as: "helpdesk", args: "member add test.hd@example.com --name 测试 --dept 信息部", right: "member.manage"},
		{as: "helpdesk", args: "member set wangwei@example.com --title X", right: "member.manage"},
		{as: "helpdesk", args: "passwd set wangwei@example.com", stdin: "violet-river-stone-42\n", right: "member.manage"},
		{as: "helpdesk", args: "dept add 信息部/新组", right: "dept.manage"},
		{as: "helpdesk", args: "group add test.group@example.com --name 测试组", right: "group.manage"},
		{as: "helpdesk", args: "role grant wangwei@example.com helpdesk", right: "role.manage"},
		{as: "helpdesk", args: "domain add example.org", right: "org.manage"},
		{as: "helpdesk", args: "log ops", right: "log.read"},
		{as: "helpdesk", args: "log login", right: "log.read"},
		{as: "helpdesk", args: "audit verify", right: "audit.verify"},
		{as: "helpdesk", args: "backup", right: "backup"},

		// The auditor reads everything and changes nothing.
		{as: "auditor", args: "log ops --json"},
		{as: "auditor", args: "log login --json"},
		{as: "auditor", args: "audit verify"},
		{as: "auditor", args: "audit verify --json"},
		{as: "auditor", args: "member list --json"},
		{as: "auditor", args: "member show wangwei@example.com --json"},
		{as: "auditor", args: "dept list --json"},
		{as: "auditor", args: "group list --json"},
		{as: "auditor", args: "role list --json"},
		{as: "auditor", args: "export members"},
		{as: "auditor", args: "member add test.au@example.com --name 测试 --dept 财务部", right: "member.manage"},
		{as: "auditor", args: "member set wangwei@example.com --title X", right: "member.manage"},
		{as: "auditor", args: "member disable wangwei@example.com", right: "member.manage"},
		{as: "auditor", args: "member rm wangwei@example.com", right: "member.manage"},
		{as: "auditor", args: "member alias add wangwei@example.com ww@example.com", right: "member.manage"},
		{as: "auditor", args: "member key add wangwei@example.com -", stdin: "KEY0", right: "member.manage"},
		{as: "auditor", args: "member unlock wangwei@example.com", right: "account.unlock"},
		{as: "auditor", args: "passwd reset wangwei@example.com --reason T", right: "password.reset"},
		{as: "auditor", args: "passwd set wangwei@example.com", stdin: "violet-river-stone-42\n", right: "member.manage"},
		{as: "auditor", args: "passwd policy set --preset seed", right: "org.manage"},
		{as: "auditor", args: "dept add 财务部/新组", right: "dept.manage"},
		{as: "auditor", args: "dept rm 销售部/华北大区/北京一组", right: "dept.manage"},
		{as: "auditor", args: "group add test.group@example.com --name 测试组", right: "group.manage"},
		{as: "auditor", args: "role grant wangwei@example.com helpdesk", right: "role.manage"},
		{as: "auditor", args: "domain add example.org", right: "org.manage"},
		{as: "auditor", args: "org set --phone 010-1", right: "org.manage"},
		{as: "auditor", args: "backup", right: "backup"},

		// HR reads the directory but changes nothing through these commands.
		{as: "hr", args: "member list --json"},
		{as: "hr", args: "member show wangwei@example.com --json"},
		{as: "hr", args: "dept list --json"},
		{as: "hr", args: "export members"},
		{as: "hr", args: "member add test.hr@example.com --name 测试 --dept 人力资源部", right: "member.manage"},
		{as: "hr", args: "member set wangwei@example.com --title X", right: "member.manage"},
		{as: "hr", args: "member disable wangwei@example.com", right: "member.manage"},
		{as: "hr", args: "passwd reset wangwei@example.com --reason T", right: "password.reset"},
		{as: "hr", args: "dept add 人力资源部/新组", right: "dept.manage"},
		{as: "hr", args: "log ops", right: "log.read"},

		// The head of 北京一组 reads the department and writes nothing.
		{as: "head", args: "member show wangwei@example.com --json"},
		{as: "head", args: "member list --json"},
		{as: "head", args: "dept list --json"},
		{as: "head", args: "member show " + techPerson, right: "member.read"},
		{as: "head", args: "member add test.head@example.com --name 测试 --dept 销售部/华北大区/北京一组", right: "member.manage"},
		{as: "head", args: "member set wangwei@example.com --title X", right: "member.manage"},
		{as: "head", args: "member disable wangwei@example.com", right: "member.manage"},
		{as: "head", args: "passwd reset wangwei@example.com --reason T", right: "password.reset"},
		{as: "head", args: "dept add 销售部/华北大区/北京一组/新组", right: "dept.manage"},
		{as: "head", args: "log ops", right: "log.read"},

		// A plain member: themself only.
		{as: "member", args: "whoami"},
		{as: "member", args: "member show wangwei@example.com --json"},
		{as: "member", args: "log login --account wangwei@example.com --json"},
		{as: "member", args: "member key add wangwei@example.com -", stdin: "KEY0"},
		{as: "member", args: "member list", right: "member.read"},
		{as: "member", args: "member list --json", right: "member.read"},
		{as: "member", args: "member show " + headAddr, right: "member.read"},
		{as: "member", args: "member key add " + headAddr + " -", stdin: "KEY1", right: "member.manage"},
		{as: "member", args: "member add test.m@example.com --name 测试 --dept 销售部/华北大区/北京一组", right: "member.manage"},
		{as: "member", args: "member set wangwei@example.com --title 销售总监", right: "member.manage"},
		{as: "member", args: "member alias add wangwei@example.com boss@example.com", right: "member.manage"},
		{as: "member", args: "passwd reset " + headAddr + " --reason T", right: "password.reset"},
		{as: "member", args: "passwd reset wangwei@example.com --reason T", right: "password.reset"},
		{as: "member", args: "dept list", right: "member.read"},
		{as: "member", args: "group list", right: "member.read"},
		{as: "member", args: "export members", right: "member.read"},
		{as: "member", args: "log ops", right: "log.read"},
		{as: "member", args: "log login", right: "log.read"},
		{as: "member", args: "log login --account " + headAddr, right: "log.read"},
		{as: "member", args: "audit verify", right: "audit.verify"},
		{as: "member", args: "backup", right: "backup"},
		{as: "member", args: "role grant wangwei@example.com admin", right: "role.manage"},
	}
	for _, c := range cases {
		t.Run(c.name(), func(t *testing.T) {
			t.Parallel()
			args := strings.Fields(c.args)
			stdin := c.stdin
			switch stdin {
			case "KEY0":
				stdin = sshKey(t, 0) + "\n"
			case "KEY1":
				stdin = sshKey(t, 1) + "\n"
			}
			if c.right == "" {
				ok(t, c.as, stdin, args...)
				return
			}
			unchanged(t, func() {
				refused(t, c.as, stdin, args, "needs the right "+c.right, string(who(t, c.as)))
			})
		})
	}
}

// TestSubadminSeesOnlyTheSubtree: listings show what CanSee allows.
func TestSubadminSeesOnlyTheSubtree(t *testing.T) {
	for _, as := range []string{"subadmin", "head"} {
		t.Run(as, func(t *testing.T) {
			scope := map[string]string{"subadmin": "销售部", "head": "销售部/华北大区/北京一组"}[as]
			var ms []member
			decode(t, ok(t, as, "", "member", "list", "--json"), &ms)
			if len(ms) == 0 {
				t.Fatalf("%s sees nobody", as)
			}
			found := false
			for _, m := range ms {
				found = found || m.Address == memberAddr
				inside := false
				for _, d := range m.Departments {
					inside = inside || d == scope || strings.HasPrefix(d, scope+"/")
				}
				if !inside {
					t.Errorf("%s sees %s in %v, outside %s", as, m.Address, m.Departments, scope)
				}
			}
			if !found {
				t.Errorf("%s does not see %s", as, memberAddr)
			}
		})
	}
}

// TestHelpdeskResetsPassword: the one-time password is the only thing on
// stdout, it works once, and the member must change it.
func TestHelpdeskResetsPassword(t *testing.T) {
	out, errs, code := run(t, "helpdesk", "", "passwd", "reset", memberAddr, "--reason", "ticket 42")
	if code != 0 {
		t.Fatalf("passwd reset: exit %d: %s", code, errs)
	}
	otp := strings.TrimSuffix(out, "\n")
	if otp == "" || strings.ContainsAny(otp, "\n ") {
		t.Fatalf("stdout should be the one-time password alone on one line, got %q", out)
	}
	if !strings.Contains(errs, "shown once") {
		t.Errorf("stderr should say the password is shown once: %q", errs)
	}
	if m := showMember(t, memberAddr); !m.MustChange {
		t.Errorf("after passwd reset, member show says must_change %v, want true", m.MustChange)
	}
	if _, err := fx(t).s.Login(memberAddr, store.Credentials{Password: password(t, "member")}, model.LoginSSHPassword, "192.0.2.7", ""); err == nil {
		t.Errorf("the old password still works after a reset")
	}
	if _, err := fx(t).s.Login(memberAddr, store.Credentials{Password: otp}, model.LoginSSHPassword, "192.0.2.8", ""); err != nil {
		t.Errorf("the one-time password does not log in: %v", err)
	}
	recs := opLog(t, 4)
	if recs[0].Op != "password.reset" || recs[0].Target != memberAddr || recs[0].Actor != helpdeskAddr || recs[0].Door != "ssh" {
		t.Errorf("the newest op record is %+v, want password.reset of %s by %s via ssh", recs[0], memberAddr, helpdeskAddr)
	}
	if strings.Contains(ok(t, "admin", "", "log", "ops", "--limit", "0", "--json", "-v"), otp) {
		t.Errorf("the operation log holds the one-time password")
	}

	// --json gives the address and the password.
	var j struct {
		Address  string `json:"address"`
		Password string `json:"password"`
	}
	decode(t, ok(t, "helpdesk", "", "passwd", "reset", memberAddr, "--reason", "ticket 44", "--json"), &j)
	if j.Address != memberAddr || j.Password == "" || j.Password == otp {
		t.Errorf("passwd reset --json gives %+v", j)
	}

	// A reset needs a reason.
	unchanged(t, func() { refused(t, "helpdesk", "", []string{"passwd", "reset", memberAddr}, "reason") })
}

// TestHelpdeskUnlocks: a member locked after failed logins is unlocked by
// the helpdesk; unlocking someone who is not locked says so.
func TestHelpdeskUnlocks(t *testing.T) {
	f := fx(t)
	refused(t, "helpdesk", "", []string{"member", "unlock", memberAddr}, "not locked")
	for i := range 10 {
		f.advance(2 * time.Minute)
		if _, err := f.s.Login(memberAddr, store.Credentials{Password: "wrong-password-" + string(rune('a'+i))}, model.LoginSSHPassword, "192.0.2.9", ""); err == nil {
			t.Fatal("a wrong password logged in")
		}
	}
	if m := showMember(t, memberAddr); m.Status != "locked" {
		t.Fatalf("after 10 failed logins the status is %q, want locked", m.Status)
	}
	if _, err := f.s.Login(memberAddr, store.Credentials{Password: password(t, "member")}, model.LoginSSHPassword, "192.0.2.10", ""); err == nil {
		t.Fatal("a locked account logged in with the right password")
	}
	out := ok(t, "helpdesk", "", "member", "unlock", memberAddr, "--reason", "ticket 43")
	if !strings.Contains(out, "unlocked") {
		t.Errorf("member unlock printed %q", out)
	}
	if m := showMember(t, memberAddr); m.Status != "active" {
		t.Errorf("after unlock the status is %q, want active", m.Status)
	}
	f.advance(2 * time.Minute)
	if _, err := f.s.Login(memberAddr, store.Credentials{Password: password(t, "member")}, model.LoginSSHPassword, "192.0.2.11", ""); err != nil {
		t.Errorf("after unlock the right password does not log in: %v", err)
	}
	var logins []struct {
		Address string `json:"address"`
		OK      bool   `json:"ok"`
		Reason  string `json:"reason"`
	}
	decode(t, ok(t, "member", "", "log", "login", "--account", memberAddr, "--json"), &logins)
	if len(logins) != 12 || !logins[0].OK || logins[1].OK {
		t.Errorf("the member's own login log has %d records (want 12, newest ok, the one before refused): %+v", len(logins), logins)
	}
}

// TestMemberChangesOwnPassword: old on the first line, new on the second.
func TestMemberChangesOwnPassword(t *testing.T) {
	old, nw := password(t, "member"), "violet-river-stone-lamp"
	unchanged(t, func() {
		refused(t, "member", "not-my-password\n"+nw+"\n", []string{"passwd", "change"}, "current password is wrong")
		refused(t, "member", old+"\nshort\n", []string{"passwd", "change"}, "too short")
		refused(t, "member", old+"\n", []string{"passwd", "change"}, "new password")
	})
	out := ok(t, "member", old+"\n"+nw+"\n", "passwd", "change")
	if !strings.Contains(out, "changed") {
		t.Errorf("passwd change printed %q", out)
	}
	s := fx(t).s
	if _, err := s.Login(memberAddr, store.Credentials{Password: nw}, model.LoginSSHPassword, "192.0.2.12", ""); err != nil {
		t.Errorf("the new password does not log in: %v", err)
	}
	if _, err := s.Login(memberAddr, store.Credentials{Password: old}, model.LoginSSHPassword, "192.0.2.13", ""); err == nil {
		t.Errorf("the old password still logs in")
	}
}

// TestMemberAddsOwnKey: a member registers their own key, not another's.
func TestMemberAddsOwnKey(t *testing.T) {
	out := ok(t, "member", sshKey(t, 0)+"\n", "member", "key", "add", memberAddr, "-")
	fp := strings.Fields(out)[0]
	if !strings.HasPrefix(fp, "SHA256:") {
		t.Fatalf("member key add printed %q, want the fingerprint first", out)
	}
	var me member
	decode(t, ok(t, "member", "", "member", "show", memberAddr, "--json"), &me)
	if len(me.Keys) != 1 || me.Keys[0] != fp {
		t.Errorf("member show lists keys %v, want [%s]", me.Keys, fp)
	}
	if owner, found, _ := keyOwner(t, fp); !found || owner != memberAddr {
		t.Errorf("the key index says %q (%v) owns %s", owner, found, fp)
	}
	// The same key again, or on another member, is refused.
	unchanged(t, func() {
		refused(t, "member", sshKey(t, 0)+"\n", []string{"member", "key", "add", memberAddr, "-"}, "already has the key")
		refused(t, "admin", sshKey(t, 0)+"\n", []string{"member", "key", "add", headAddr, "-"}, "registered to another member")
		refused(t, "member", "not a key\n", []string{"member", "key", "add", memberAddr, "-"}, "not an OpenSSH public key")
	})
}

func keyOwner(t testing.TB, fp string) (string, bool, error) {
	var a model.Address
	var found bool
	err := fx(t).s.Read(func(r *store.Reader) error {
		var err error
		a, found, err = r.KeyOwner(fp)
		return err
	})
	return string(a), found, err
}

// TestHelpdeskCannotTakeOverAnAdmin: the helpdesk resets members'
// passwords, not the admins' (ACC-8: no login as someone else; a helpdesk
// reset of an admin hands the helpdesk the admin's account).
func TestHelpdeskCannotTakeOverAnAdmin(t *testing.T) {
	unchanged(t, func() {
		refused(t, "helpdesk", "", []string{"passwd", "reset", adminAddr, "--reason", "T"}, adminAddr, "admin")
	})
}
