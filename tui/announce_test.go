package tui

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"postroom/mail"
	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

// annKeys sends keys to a pane and runs what they start: names such as
// "tab", "enter", "esc", "ctrl+s", "backspace"; anything else is typed.
func annKeys(p Pane, ks ...string) {
	for _, k := range ks {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "tab":
			msg = tea.KeyPressMsg{Code: tea.KeyTab}
		case "backspace":
			msg = tea.KeyPressMsg{Code: tea.KeyBackspace}
		case "ctrl+s":
			msg = tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}
		default:
			for _, r := range k {
				_, cmd := p.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
				drive(p, cmd)
			}
			continue
		}
		_, cmd := p.Update(msg)
		drive(p, cmd)
	}
}

// annSession is a session on st with a spool of its own and the local
// recall over a Maildir in a temporary directory.
func annSession(t *testing.T, st *store.Store, role, lang string) *Session {
	t.Helper()
	s := sessionAs(t, st, role, lang)
	dir := t.TempDir()
	sp, err := store.OpenSpool(filepath.Join(dir, store.SpoolFile), store.SpoolOptions{Now: st.Now, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sp.Close() })
	s.Spool, s.Recall = sp, mail.LocalRecall(dir)
	return s
}

func annView(p Pane) string { return ansi.Strip(p.View()) }

// TestAnnouncePane: an admin writes an announcement (the count follows
// the text, Chinese one character each), picks 销售部 from the tree,
// previews and publishes it; a member of 销售部 sees it at the top of Home
// and it leaves that Home at once when the admin recalls it (y asked
// first, the counts told). At 80x24 and 200x50, in both languages.
func TestAnnouncePane(t *testing.T) {
	for _, lang := range goldenLangs {
		for _, sz := range []struct{ w, h int }{{80, 24}, {200, 50}} {
			t.Run(fmt.Sprintf("%s_%dx%d", lang, sz.w, sz.h), func(t *testing.T) {
				st := demoStore(t)
				s := annSession(t, st, "admin", lang)
				p := newAnnouncePane(s)
				p.SetSize(sz.w, sz.h-3)
				drive(p, p.Init())
				if v := annView(p); !strings.Contains(v, p.t.None) {
					t.Fatalf("an empty list:\n%s", v)
				}
				annKeys(p, "n", "季度销售会议", "tab", "下周一上午九点在三楼会议室开会。", "enter", "请准时参加。")
				n := len([]rune("下周一上午九点在三楼会议室开会。\n请准时参加。"))
				if v := annView(p); !strings.Contains(v, s.Sprintf(p.t.Count, n, model.MaxAnnouncementRunes)) {
					t.Fatalf("the count %d is not shown:\n%s", n, v)
				}
				annKeys(p, "tab", "a", "销售部", "enter")
				if len(p.targets) != 1 || p.targets[0] != "销售部" {
					t.Fatalf("targets %v after picking 销售部", p.targets)
				}
				if !p.Capturing() || p.Cursor() != nil && p.focus == 2 {
					t.Errorf("the composer must capture keys")
				}
				requireGoldenAs(t, "compose", annView(p))
				annKeys(p, "ctrl+s")
				if v := annView(p); !strings.Contains(v, "季度销售会议") || !strings.Contains(v, "请准时参加。") || !strings.Contains(v, "销售部") {
					t.Fatalf("preview:\n%s", v)
				}
				annKeys(p, "enter")
				if len(p.rows) != 1 || p.rows[0].Status != "live" || p.rows[0].Depts[0] != "销售部" {
					t.Fatalf("after publishing, the list has %+v (err %q, status %q)", p.rows, p.err, p.status)
				}
				requireGoldenAs(t, "list", annView(p))

				// The member's Home shows it at the top.
				ms := sessionAs(t, st, "member", lang)
				now := testNow
				ms.Now = func() time.Time { return now }
				home := newHomePane(ms)
				home.SetSize(sz.w-16, sz.h-3)
				drive(home, home.Init())
				hv := annView(home)
				if !strings.Contains(hv, "季度销售会议") || strings.Contains(hv, ms.T.Home.NoAnnounce) {
					t.Fatalf("the member's Home:\n%s", hv)
				}
				if strings.Index(hv, "季度销售会议") > strings.Index(hv, ms.T.Home.YourAccount) {
					t.Errorf("the announcement is not at the top of Home:\n%s", hv)
				}
				requireGoldenAs(t, "home", hv)
				// a opens the whole text over Home; esc closes it.
				annKeys(home, "a")
				if rv := annView(home); !home.reading || !strings.Contains(rv, "请准时参加。") || !strings.Contains(rv, "周涛") {
					t.Errorf("the announcements' reader:\n%s", rv)
				}
				annKeys(home, "esc")
				if home.reading {
					t.Error("esc left the reader open")
				}

				// Recall: asked first; any key but y keeps it.
				annKeys(p, "r", "x")
				if p.rows[0].Status != "live" {
					t.Fatal("a key other than y recalled it")
				}
				annKeys(p, "r")
				if v := annView(p); !strings.Contains(v, "季度销售会议") || p.confirm == 0 {
					t.Fatalf("no question before the recall:\n%s", v)
				}
				_, cmd := p.Update(tea.KeyPressMsg{Code: 'y', Text: "y"})
				msg := cmd()
				p.Update(msg)
				if p.status != s.Sprintf(p.t.RecallDone, p.rows[0].ID, 0, 0) {
					t.Errorf("after the recall the pane says %q", p.status)
				}
				// The store's event reaches the member's open Home at once
				// (the rest of Home waits its reload gap).
				now = now.Add(homeReloadGap)
				_, hcmd := home.Update(storeChangedMsg{events: []store.Event{{Kind: "announce", Key: "1"}}})
				drive(home, hcmd)
				if hv := annView(home); strings.Contains(hv, "季度销售会议") {
					t.Errorf("the recalled announcement is still on the member's Home:\n%s", hv)
				}
			})
		}
	}
}

// TestAnnounceComposeRefusals: the preview is refused without a title,
// without text and over the limit, saying so; nothing is published.
func TestAnnounceComposeRefusals(t *testing.T) {
	st := demoStore(t)
	s := annSession(t, st, "admin", "en")
	p := newAnnouncePane(s)
	p.SetSize(100, 30)
	drive(p, p.Init())
	annKeys(p, "n", "ctrl+s")
	if p.mode != annCompose || p.formErr != p.t.NoTitle {
		t.Fatalf("no title: mode %d, %q", p.mode, p.formErr)
	}
	annKeys(p, "T", "tab", "ctrl+s")
	if p.formErr != p.t.NoBody {
		t.Fatalf("no text: %q", p.formErr)
	}
	p.body.SetValue(strings.Repeat("字", model.MaxAnnouncementRunes+5))
	if v := annView(p); !strings.Contains(v, s.Sprintf(p.t.TooLong, 5)) {
		t.Errorf("over the limit, the count does not say by how much:\n%s", v)
	}
	annKeys(p, "ctrl+s")
	if p.mode != annCompose || !strings.Contains(p.formErr, "at most 2000") {
		t.Fatalf("over the limit: mode %d, %q", p.mode, p.formErr)
	}
	annKeys(p, "esc")
	if p.mode != annList || len(p.rows) != 0 {
		t.Errorf("esc: mode %d, %d rows", p.mode, len(p.rows))
	}
}

// TestAnnouncePaneRoles: admins get Announcements; a sub-admin only with
// the announcements right, and then picks only from their scope; members,
// helpdesk and auditors never.
func TestAnnouncePaneRoles(t *testing.T) {
	st := demoStore(t)
	has := func(s *Session) bool {
		for _, p := range panesFor(s, false) {
			if p.ID() == "announce" {
				return true
			}
		}
		return false
	}
	for role, want := range map[string]bool{"admin": true, "subadmin": false, "member": false, "helpdesk": false, "auditor": false, "head": false} {
		if got := has(sessionAs(t, st, role, "en")); got != want {
			t.Errorf("%s has Announcements: %v, want %v", role, got, want)
		}
	}
	admin := sessionAs(t, st, "admin", "en")
	sub := model.Address(loginOf(t, "subadmin").Address)
	if err := st.Apply(admin.Actor, &model.GrantRole{Address: sub, Role: model.RoleSubadmin, Scope: "销售部",
		Rights: []model.SubRight{model.SubMembers, model.SubGroups, model.SubAnnouncements}}); err != nil {
		t.Fatal(err)
	}
	s := sessionAs(t, st, "subadmin", "en")
	if !has(s) {
		t.Fatal("a sub-admin with the announcements right has no Announcements pane")
	}
	p := newAnnouncePane(s)
	p.SetSize(100, 30)
	drive(p, p.Init())
	for _, path := range p.paths {
		if path != "销售部" && !strings.HasPrefix(path, "销售部/") {
			t.Errorf("the sub-admin may pick %q", path)
		}
	}
	if len(p.paths) == 0 {
		t.Error("the sub-admin may pick nothing")
	}
	// All staff is refused by the model, and said so in the composer.
	annKeys(p, "n", "T", "tab", "text", "ctrl+s", "enter")
	if p.mode != annCompose || !strings.Contains(p.formErr, "announce") {
		t.Errorf("a sub-admin's announcement to all staff: mode %d, %q", p.mode, p.formErr)
	}
}

// requireGoldenAs compares text with the golden file of a subtest of t.
func requireGoldenAs(t *testing.T, name, text string) {
	t.Helper()
	t.Run(name, func(t *testing.T) { requireGolden(t, text) })
}

// TestAnnounceOverSSH: the commands through the real SSH door: the admin
// publishes with the text on stdin and recalls; a member lists what
// reaches them and is refused publishing, the right named.
func TestAnnounceOverSSH(t *testing.T) {
	st := demoStore(t)
	dir := t.TempDir()
	sp, err := store.OpenSpool(filepath.Join(dir, store.SpoolFile), store.SpoolOptions{Now: st.Now, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sp.Close() })
	srv := sshtStart(t, st, "", ServerOptions{CommandEnv: func(e *cmd.Env) { e.Spool, e.Recall = sp, mail.LocalRecall(dir) }})
	admin, member := loginOf(t, "admin"), loginOf(t, "member")
	ac := srv.mustDial(t, admin.Address, gossh.PublicKeys(sshtAddKey(t, st, admin.Address)))
	mc := srv.mustDial(t, member.Address, gossh.PublicKeys(sshtAddKey(t, st, member.Address)))

	out, errs, code := sshtRun(t, ac, "周五下午三点消防演练。\n", "announce publish --title 消防演练 --body-file - --dept 销售部 --json")
	if code != 0 || !strings.Contains(out, `"id": 1`) {
		t.Fatalf("publish over SSH: exit %d, %q, %q", code, out, errs)
	}
	out, _, code = sshtRun(t, mc, "", "announce list --json")
	if code != 0 || !strings.Contains(out, "消防演练") || !strings.Contains(out, "周五下午三点消防演练。") {
		t.Errorf("the member's list: exit %d, %s", code, out)
	}
	_, errs, code = sshtRun(t, mc, "x", "announce publish --title T --body-file -")
	if code != 1 || !strings.Contains(errs, "announce") {
		t.Errorf("a member's publish: exit %d, %q", code, errs)
	}
	out, errs, code = sshtRun(t, ac, "", "announce recall 1")
	if code != 0 || strings.TrimSpace(out) != "recalled 0, already fetched 0" {
		t.Fatalf("recall over SSH: exit %d, %q, %q", code, out, errs)
	}
	if out, _, _ = sshtRun(t, mc, "", "announce list --json"); strings.Contains(out, "消防演练") {
		t.Errorf("after the recall the member still lists it: %s", out)
	}
}
