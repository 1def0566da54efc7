package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"postroom/model"
)

// TestHomeGolden: the Home pane for an admin and for a member, at both
// sizes and in both languages.
func TestHomeGolden(t *testing.T) {
	for _, role := range []string{"admin", "member"} {
		for _, lang := range goldenLangs {
			for _, sz := range goldenSizes {
				t.Run(fmt.Sprintf("%s_%s_%dx%d", role, lang, sz.w, sz.h), func(t *testing.T) {
					st := demoStore(t)
					s := sessionAs(t, st, role, lang)
					app := newAppWith(s, "", []Pane{newHomePane(s), newAccountPane(s)})
					out := runUI(t, app, sz.w, sz.h, func(tm *teatest.TestModel) {
						// The last line Home draws: "我的账号" is also the
						// rail's name of My account, there before Home loads.
						waitFor(t, tm, s.T.Home.NoAnnounce)
					})
					requireGolden(t, out)
				})
			}
		}
	}
}

// TestHomeAfterDecision: a head's Home counts the held mail waiting for
// them; after they decide it in Held mail (which the directory tells no
// one), Home counts again, and it reads again when shown after a while.
func TestHomeAfterDecision(t *testing.T) {
	f := newMailFix(t)
	s := f.session("head", "en")
	now := testNow
	s.Now = func() time.Time { return now }
	home, held := newHomePane(s), newHeldPane(s)
	home.SetSize(100, 30)
	held.SetSize(100, 30)
	drive(home, home.Init())
	drive(held, held.Init())
	waiting := "1 held message waits for your decision"
	if v := ansi.Strip(home.View()); !strings.Contains(v, waiting) || strings.Contains(v, "1 held messages") {
		t.Fatalf("Home before the decision, want %q:\n%s", waiting, v)
	}
	decided := held.decide("release", f.held1, "")().(queueDecidedMsg)
	if decided.err != nil {
		t.Fatal(decided.err)
	}
	// The App gives a background result to every pane.
	_, cmd := home.Update(decided)
	drive(home, cmd)
	if v := ansi.Strip(home.View()); strings.Contains(v, waiting) {
		t.Errorf("Home still counts the released message:\n%s", v)
	}

	// A decision elsewhere: Home reads again when it comes back on screen
	// after homeReloadGap, not sooner.
	home.data.heldForMe = 5
	if home.Shown(true) != nil {
		t.Errorf("Home read again right after a read")
	}
	now = now.Add(homeReloadGap)
	drive(home, home.Shown(true))
	if home.data.heldForMe != 0 {
		t.Errorf("Home shown after a while kept its old count %d", home.data.heldForMe)
	}
}

// TestAccountRolesNamed: My account names the person's roles in their
// language (it showed "member", "head" in English to everyone).
func TestAccountRolesNamed(t *testing.T) {
	st := demoStore(t)
	for _, tt := range []struct{ role, lang string }{{"member", "zh-CN"}, {"head", "zh-CN"}, {"admin", "en"}} {
		s := sessionAs(t, st, tt.role, tt.lang)
		p := newAccountPane(s)
		p.SetSize(80, 21)
		drive(p, p.Init())
		want := roleName(s, s.Actor.Top())
		v := ansi.Strip(p.View())
		if !strings.Contains(v, want) || (tt.lang == "zh-CN" && strings.Contains(v, s.Actor.Top().String())) {
			t.Errorf("%s %s: roles not named %q:\n%s", tt.role, tt.lang, want, v)
		}
	}
}

// TestAccountSections: Tab goes through every section of My account and
// back; Change password opens with enter (its form keeps Tab for its
// fields, so Tab must not lead into it).
func TestAccountSections(t *testing.T) {
	s := sessionAs(t, demoStore(t), "member", "zh-CN")
	p := newAccountPane(s)
	p.SetSize(80, 21)
	drive(p, p.Init())
	var seen []int
	for range 4 {
		p.Update(tea.KeyPressMsg{Code: tea.KeyTab})
		seen = append(seen, p.section)
	}
	if !slices.Equal(seen, []int{2, 3, 4, 0}) {
		t.Errorf("tab went through sections %v, want [2 3 4 0]", seen)
	}
	p.Update(tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift})
	if p.section != 4 {
		t.Errorf("shift+tab from the details: section %d, want 4", p.section)
	}
	p.section = 0
	drive(p, keyPress(p, "enter"))
	if p.section != 1 || !p.Capturing() {
		t.Errorf("enter on the details: section %d", p.section)
	}
}

// TestAccountTabsFit: My account's section names fit an 80-column screen
// in English (Preferences ran off it), the active one still marked.
func TestAccountTabsFit(t *testing.T) {
	s := sessionAs(t, demoStore(t), "member", "en")
	p := newAccountPane(s)
	p.SetSize(64, 21)
	drive(p, p.Init())
	p.section = 4
	line := strings.Split(ansi.Strip(p.View()), "\n")[1]
	if lipgloss.Width(line) > 64 || !strings.Contains(line, " "+s.T.Account.Prefs+" ") || !strings.Contains(line, s.T.Account.Details) {
		t.Errorf("the section names: %q", line)
	}
}

// TestHomeAuditorWatches: an auditor, who only reads, is not told that
// things "need" them, nor about accounts without a password, which only
// those who manage members can do anything about.
func TestHomeAuditorWatches(t *testing.T) {
	s := sessionAs(t, demoStore(t), "auditor", "en")
	p := newHomePane(s)
	p.SetSize(80, 24)
	drive(p, p.Init())
	v := ansi.Strip(p.View())
	if !strings.Contains(v, s.T.Home.Watch) || strings.Contains(v, s.T.Home.NeedsYou) || strings.Contains(v, "no password") {
		t.Errorf("the auditor's Home:\n%s", v)
	}
	a := sessionAs(t, demoStore(t), "admin", "en")
	p = newHomePane(a)
	p.SetSize(80, 40)
	drive(p, p.Init())
	if v := ansi.Strip(p.View()); !strings.Contains(v, a.T.Home.NeedsYou) || !strings.Contains(v, "no password") {
		t.Errorf("the admin's Home:\n%s", v)
	}
}

// TestHomeCountsOfOne: a count of one reads in the singular in English
// ("1 account locked", not "1 accounts locked") and the same in Chinese.
func TestHomeCountsOfOne(t *testing.T) {
	st := demoStore(t)
	for _, c := range []struct {
		lang      string
		want, not []string
	}{
		{"en", []string{"members: 1 (1 active, 0 disabled, 1 locked)", "departments: 1, groups: 1, shared mailboxes: 1",
			"operation log: 1 record", "1 account locked", "1 failed login in the last", "1 member has no password",
			"1 of your messages was held"},
			[]string{"1 accounts", "1 failed logins", "1 members", "1 records", "messages were held", "1 departments", "1 groups"}},
		{"zh-CN", []string{"1 个账号因登录失败被锁定", "最近 24 小时登录失败 1 次", "1 名成员尚未设置密码", "操作日志：1 条记录", "您有 1 封邮件被扣留"}, nil},
	} {
		s := sessionAs(t, st, "admin", c.lang)
		p := newHomePane(s)
		p.SetSize(120, 40)
		me := &model.Member{Address: "admin@example.com", Name: "管理员"}
		p.data = &homeData{me: me, admin: true, manage: true, members: 1, active: 1, locked: 1, noPassword: 1, failed24h: 1,
			depts: 1, groups: 1, shared: 1, ops: 1, mail: true, violCount: 1}
		v := ansi.Strip(p.View())
		for _, w := range c.want {
			if !strings.Contains(v, w) {
				t.Errorf("%s: Home lacks %q:\n%s", c.lang, w, v)
			}
		}
		for _, w := range c.not {
			if strings.Contains(v, w) {
				t.Errorf("%s: Home says %q:\n%s", c.lang, w, v)
			}
		}
	}
}

// TestPasswordGateSaysWhy: the forced change says why in the person's
// language, one sentence after another, with no English in a Chinese
// session.
func TestPasswordGateSaysWhy(t *testing.T) {
	st := demoStore(t)
	for _, c := range []struct {
		lang, why, want string
	}{
		{"zh-CN", model.DueSetByAdmin, "您的密码由管理员设置。请先设置您自己的密码"},
		{"zh-CN", model.DueExpired, "您的密码已过期。请先设置"},
		{"en", model.DueSetByAdmin, "Your password was set by an administrator. Choose your own password first"},
		{"en", model.DueExpired, "Your password has expired. Choose your own"},
	} {
		app := NewApp(sessionAs(t, st, "member", c.lang), c.why)
		app.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
		v := ansi.Strip(app.View().Content)
		if !strings.Contains(v, c.want) || (c.lang == "zh-CN" && strings.Contains(v, "your password")) {
			t.Errorf("%s, %q: the gate says\n%s", c.lang, c.why, v)
		}
	}
}
