package tui

import (
	"strings"
	"testing"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"postroom/model"
	"postroom/store"
)

// laterDemoStore is a copy of the demo company whose clock stands 200 days
// after it was made: every account in it is long unused.
func laterDemoStore(t *testing.T) *store.Store {
	t.Helper()
	st := demoStore(t)
	path := st.Path()
	st.Close()
	opt := testOptions()
	opt.Now = func() time.Time { return testNow.Add(200 * 24 * time.Hour) }
	later, err := store.Open(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { later.Close() })
	return later
}

// TestHomeInactive (ACC-6): an admin's Home counts the long-unused
// accounts; i lists them with department, head and last use, in both
// languages, fitting 80×24; D asks before it disables them all (but the
// admin's own account), and disables them all at once; a member's Home
// offers none of it.
func TestHomeInactive(t *testing.T) {
	st := laterDemoStore(t)
	for _, lang := range []string{"zh-CN", "en"} {
		s := sessionAs(t, st, "admin", lang)
		s.Now = st.Now
		home := newHomePane(s)
		home.SetSize(80, 24)
		drive(home, home.Init())
		needs := map[string]string{"zh-CN": "已闲置 180d 及以上（按 i 查看）", "en": "unused for 180d or longer (i lists them)"}[lang]
		if v := ansi.Strip(home.View()); !strings.Contains(v, needs) {
			t.Fatalf("%s Home, want %q:\n%s", lang, needs, v)
		}
		pressKeys(home, "i")
		v := ansi.Strip(home.View())
		title := map[string]string{"zh-CN": "长期未使用的帐号", "en": "Accounts unused for 180d"}[lang]
		if !strings.Contains(v, title) || !strings.Contains(v, "销售部/") || !strings.Contains(v, "200") || !strings.Contains(v, " / 326") {
			t.Errorf("%s list:\n%s", lang, v)
		}
		for _, l := range strings.Split(v, "\n") {
			if w := lipgloss.Width(l); w > 80 {
				t.Errorf("%s: a line is %d cells wide: %q", lang, w, l)
			}
		}
		if lines := strings.Count(v, "\n") + 1; lines > 24 {
			t.Errorf("%s: %d lines at 80×24", lang, lines)
		}
		pressKeys(home, "esc")
		if v := ansi.Strip(home.View()); strings.Contains(v, title) {
			t.Errorf("%s: esc did not close the list", lang)
		}
	}
	s := sessionAs(t, st, "admin", "en")
	s.Now = st.Now
	home := newHomePane(s)
	home.SetSize(120, 40)
	drive(home, home.Init())
	pressKeys(home, "i", "D")
	if v := ansi.Strip(home.View()); !strings.Contains(v, "long-unused accounts? (y/n)") {
		t.Fatalf("no question before the bulk disable:\n%s", v)
	}
	pressKeys(home, "n")
	mustStatus(t, st, "wangwei@example.com", model.StatusActive)
	pressKeys(home, "D", "y")
	if v := ansi.Strip(home.View()); !strings.Contains(v, "325 accounts disabled") || !strings.Contains(v, "1-1 / 1") {
		t.Errorf("after the bulk disable:\n%s", v)
	}
	mustStatus(t, st, "wangwei@example.com", model.StatusDisabled)

	m := sessionAs(t, st, "member", "en")
	mh := newHomePane(m)
	mh.SetSize(80, 24)
	drive(mh, mh.Init())
	pressKeys(mh, "i")
	if v := ansi.Strip(mh.View()); strings.Contains(v, "Accounts unused") {
		t.Errorf("a member opened the inactive list:\n%s", v)
	}
}

func mustStatus(t *testing.T, st *store.Store, a model.Address, want model.Status) {
	t.Helper()
	st.Read(func(r *store.Reader) error {
		if m, err := r.Member(a); err != nil || m.Status != want {
			t.Errorf("%s: %v %v, want %s", a, err, m.Status, want)
		}
		return nil
	})
}
