package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"postroom/model"
	"postroom/store"
)

// TestSettingsGolden: every section once at 80×24 in both languages, and
// the enterprise profile at 120×40.
func TestSettingsGolden(t *testing.T) {
	names := []string{"enterprise", "domains", "policy", "login", "appearance"}
	type shot struct {
		section int
		w, h    int
	}
	var shots []shot
	for i := range names {
		shots = append(shots, shot{i, 80, 24})
	}
	shots = append(shots, shot{secEnterprise, 120, 40})
	for _, lang := range goldenLangs {
		for _, sh := range shots {
			t.Run(fmt.Sprintf("%s_%s_%dx%d", names[sh.section], lang, sh.w, sh.h), func(t *testing.T) {
				st := demoStore(t)
				s := sessionAs(t, st, "admin", lang)
				p := newSettingsPane(s).(*settingsPane)
				app := newAppWith(s, "", []Pane{p})
				out := runProbed(t, app, sh.w, sh.h, func(tm *teatest.TestModel, until untilFunc) {
					until("the settings", func() bool { return p.data != nil })
					for range sh.section {
						press(tm, "tab")
					}
				})
				requireGolden(t, out)
			})
		}
	}
}

// settingsAt opens the Settings pane for a role in English at 120×40, lets
// steps drive it, and returns the pane as it ended.
func settingsAt(t *testing.T, st *store.Store, role string, steps func(tm *teatest.TestModel, until untilFunc, p *settingsPane)) (*settingsPane, string) {
	t.Helper()
	s := sessionAs(t, st, role, "en")
	p := newSettingsPane(s).(*settingsPane)
	app := newAppWith(s, "", []Pane{p})
	out := runProbed(t, app, 120, 40, func(tm *teatest.TestModel, until untilFunc) {
		until("the settings", func() bool { return p.data != nil })
		steps(tm, until, p)
	})
	return p, out
}

func settingsPolicyOf(st *store.Store) model.PasswordPolicy {
	var pol model.PasswordPolicy
	st.Read(func(r *store.Reader) error {
		pol, _ = r.Policy()
		return nil
	})
	return pol
}

// TestSettingsPolicy: a rule out of range is refused inline by the model's
// check, then the seed preset is chosen and saved.
func TestSettingsPolicy(t *testing.T) {
	st := demoStore(t)
	if pol := settingsPolicyOf(st); pol.Preset != model.PresetNIST {
		t.Fatalf("the demo starts with %q", pol.Preset)
	}
	var refused string
	p, out := settingsAt(t, st, "admin", func(tm *teatest.TestModel, until untilFunc, p *settingsPane) {
		press(tm, "tab")
		press(tm, "tab")
		// Minimum length 3 is below the model's range.
		press(tm, "j")
		press(tm, "enter")
		press(tm, "backspace")
		press(tm, "backspace")
		groupsType(tm, "3")
		press(tm, "enter")
		press(tm, "ctrl+s")
		until("the refusal", func() bool { refused = p.secs[secPolicy].err; return refused != "" })
		// Back to a preset: seed fills every rule in.
		press(tm, "k")
		press(tm, "space")
		press(tm, "space")
		press(tm, "ctrl+s")
		until("saved", func() bool { return !p.secs[secPolicy].dirty && !p.busy && !p.loading })
	})
	if !strings.Contains(refused, "minimum length 3 is out of range") {
		t.Errorf("refusal %q", refused)
	}
	if !strings.Contains(out, "seed") {
		t.Errorf("the screen does not show seed:\n%s", out)
	}
	pol := settingsPolicyOf(st)
	want, _ := model.PolicyPreset(model.PresetSeed)
	if pol != want {
		t.Errorf("stored policy %+v, want the seed preset %+v", pol, want)
	}
	if sec := p.secs[secPolicy]; sec.err != "" || sec.find("min").text != "6" {
		t.Errorf("after saving: error %q, minimum length %q", sec.err, sec.find("min").text)
	}
}

// TestSettingsPolicyInvalid: the model's Validate message shows under the
// rows and nothing is stored.
func TestSettingsPolicyInvalid(t *testing.T) {
	st := demoStore(t)
	var view string
	p, _ := settingsAt(t, st, "admin", func(tm *teatest.TestModel, until untilFunc, p *settingsPane) {
		press(tm, "tab")
		press(tm, "tab")
		for range 10 {
			press(tm, "j")
		}
		press(tm, "enter")
		press(tm, "backspace")
		press(tm, "backspace")
		groupsType(tm, "2")
		press(tm, "enter")
		press(tm, "ctrl+s")
		until("the refusal", func() bool { view = p.View(); return p.secs[secPolicy].err != "" })
	})
	sec := p.secs[secPolicy]
	if !strings.Contains(sec.err, "lock after 2 failures is out of range") || !sec.dirty {
		t.Errorf("section error %q, dirty %v", sec.err, sec.dirty)
	}
	if !strings.Contains(view, "lock after 2 failures") {
		t.Errorf("the refusal is not on the screen:\n%s", view)
	}
	if sec.find("preset").values[sec.find("preset").choice] != model.PresetCustom {
		t.Error("an edited rule did not make the preset custom")
	}
	if pol := settingsPolicyOf(st); pol.LockAfter != 10 || pol.Preset != model.PresetNIST {
		t.Errorf("the store changed: %+v", pol)
	}
}

// settingsClearField erases a text field up to the cursor.
func settingsClearField(tm *teatest.TestModel) { tm.Send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}) }

// TestSettingsLoginRules: a bad network is refused inline; a good one, with
// the restriction on, exempt departments and a named site, is saved.
func TestSettingsLoginRules(t *testing.T) {
	st := demoStore(t)
	rulesOf := func() model.LoginRules {
		var lr model.LoginRules
		st.Read(func(r *store.Reader) error {
			lr, _ = r.LoginRules()
			return nil
		})
		return lr
	}
	var refused, view string
	p, _ := settingsAt(t, st, "admin", func(tm *teatest.TestModel, until untilFunc, p *settingsPane) {
		for range 3 {
			press(tm, "tab")
		}
		press(tm, "space") // restriction on
		press(tm, "j")
		press(tm, "enter")
		groupsType(tm, "10.1.0.0/33")
		press(tm, "enter")
		press(tm, "ctrl+s")
		until("the refusal", func() bool {
			refused, view = p.secs[secLogin].find("allowed").err, p.View()
			return refused != ""
		})
		press(tm, "enter")
		settingsClearField(tm)
		groupsType(tm, "10.1.0.0/16, 192.0.2.7")
		press(tm, "enter")
		press(tm, "j")
		press(tm, "j")
		press(tm, "enter")
		groupsType(tm, "销售部；技术部/研发中心")
		press(tm, "enter")
		press(tm, "j")
		press(tm, "enter")
		groupsType(tm, "北京总部=10.1.0.0/16")
		press(tm, "enter")
		press(tm, "ctrl+s")
		until("saved", func() bool { return !p.secs[secLogin].dirty && !p.busy && !p.loading })
	})
	if !strings.Contains(refused, `"10.1.0.0/33" is not a network`) || !strings.Contains(view, "is not a network") {
		t.Errorf("the bad network was refused with %q on\n%s", refused, view)
	}
	lr := rulesOf()
	if !lr.Restrict || !slices.Equal(lr.Allowed, []string{"10.1.0.0/16", "192.0.2.7"}) || len(lr.Sites) != 1 || lr.Sites[0] != (model.Site{Name: "北京总部", Net: "10.1.0.0/16"}) {
		t.Errorf("stored rules %+v", lr)
	}
	st.Read(func(r *store.Reader) error {
		var paths []string
		for _, d := range lr.ExemptDepts {
			paths = append(paths, r.DeptPath(d))
		}
		if !slices.Equal(paths, []string{"销售部", "技术部/研发中心"}) {
			t.Errorf("exempt departments %v", paths)
		}
		return nil
	})
	if sec := p.secs[secLogin]; sec.find("depts").text != "销售部; 技术部/研发中心" {
		t.Errorf("the pane shows exempt departments %q", sec.find("depts").text)
	}
}

// TestSettingsDomains adds a domain, then removes it: the removal shows
// what goes, wants the name typed again, and takes a backup first.
func TestSettingsDomains(t *testing.T) {
	st := demoStore(t)
	member := model.Address(loginOf(t, "member").Address)
	hasDomain := func(name string) bool {
		var ok bool
		st.Read(func(r *store.Reader) error {
			ok = r.IsLocal(name)
			return nil
		})
		return ok
	}
	backup := filepath.Join(filepath.Dir(st.Path()), "backups", testNow.UTC().Format("20060102T150405Z")+"-domain-rm-example.org.db")
	var summary, mismatch string
	p, _ := settingsAt(t, st, "admin", func(tm *teatest.TestModel, until untilFunc, p *settingsPane) {
		press(tm, "tab")
		press(tm, "n")
		groupsType(tm, "example.org")
		press(tm, "enter")
		until("the domain listed", func() bool { return !p.domAdding && len(p.data.domains) == 2 })
		// Something for the removal to take with it.
		if err := st.Apply(p.s.Actor, &model.AddAlias{Address: member, Alias: "x@example.org"}); err != nil {
			t.Error(err)
		}
		until("the alias counted", func() bool { return len(p.data.domains) == 2 && p.data.domains[1].addresses == 1 })
		press(tm, "j")
		press(tm, "D")
		until("what goes", func() bool {
			summary = p.View()
			return p.domRemove != nil && p.domRemove.contents != nil
		})
		groupsType(tm, "example.com")
		press(tm, "enter")
		until("the mismatch", func() bool { mismatch = p.domRemove.err; return mismatch != "" })
		settingsClearField(tm)
		groupsType(tm, "example.org")
		press(tm, "enter")
		until("removed", func() bool { return p.domRemove == nil && !p.loading && len(p.data.domains) == 1 })
	})
	if flat := strings.Join(strings.Fields(summary), " "); !strings.Contains(flat, "Removing example.org also deletes these — members: 0 (with all their mail), aliases: 1,") {
		t.Errorf("the removal does not say what goes:\n%s", summary)
	}
	if mismatch != p.s.T.Settings.Mismatch {
		t.Errorf("a wrong name shows %q", mismatch)
	}
	if hasDomain("example.org") {
		t.Error("the domain is still there")
	}
	if _, err := os.Stat(backup); err != nil {
		t.Errorf("no backup: %v", err)
	}
	if !strings.Contains(p.domNote, backup) {
		t.Errorf("the pane does not say where the backup went: %q", p.domNote)
	}
	st.Read(func(r *store.Reader) error {
		m, _ := r.Member(member)
		if len(m.Aliases) != 0 {
			t.Errorf("the alias in the removed domain stayed: %v", m.Aliases)
		}
		return nil
	})
	// The backup is a whole store with the domain still in it.
	old, err := store.Open(backup, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	old.Read(func(r *store.Reader) error {
		if !r.IsLocal("example.org") {
			t.Error("the backup was taken after the removal")
		}
		return nil
	})
}

// TestSettingsReadOnly: without org.manage the company's sections are read
// only and a forced change shows the store's refusal; the person's own
// appearance still saves.
func TestSettingsReadOnly(t *testing.T) {
	st := demoStore(t)
	s := sessionAs(t, st, "auditor", "en")
	p := newSettingsPane(s).(*settingsPane)
	p.SetSize(100, 30)
	groupsDrive(p, p.Init())
	for sec := secEnterprise; sec < secAppearance; sec++ {
		p.section = sec
		for _, k := range []tea.KeyPressMsg{{Code: tea.KeyEnter}, {Code: tea.KeySpace, Text: " "}, {Code: 'n', Text: "n"}, {Code: 'D', Text: "D"}} {
			groupsDrive(p, func() tea.Msg { return k })
			if p.Capturing() || (p.secs[sec] != nil && p.secs[sec].dirty) {
				t.Fatalf("section %d: %q changed something", sec, k.String())
			}
		}
		if len(p.ShortHelp()) != 1 {
			t.Errorf("section %d offers %d keys", sec, len(p.ShortHelp()))
		}
		if !strings.Contains(p.View(), s.T.Settings.ReadOnly) {
			t.Errorf("section %d does not say read-only", sec)
		}
	}
	// Forced: the store refuses, and the refusal shows under the rows.
	p.section = secPolicy
	pol, _ := model.PolicyPreset(model.PresetSeed)
	groupsDrive(p, s.apply(p.ID(), "policy", &model.SetPasswordPolicy{Policy: pol}))
	if !strings.Contains(p.secs[secPolicy].err, "may not do this") || !strings.Contains(p.View(), "may not do this") {
		t.Errorf("refusal shown as %q", p.secs[secPolicy].err)
	}
	if settingsPolicyOf(st).Preset != model.PresetNIST {
		t.Error("the policy changed")
	}
	// Appearance is the auditor's own.
	p.section = secAppearance
	groupsDrive(p, func() tea.Msg { return tea.KeyPressMsg{Code: 'j', Text: "j"} })
	seen := groupsDrive(p, func() tea.Msg { return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "} })
	var flashed string
	for _, m := range seen {
		if f, ok := m.(flashMsg); ok {
			flashed = f.text
		}
	}
	if flashed != s.T.Settings.AppearanceSaved {
		t.Errorf("flash %q", flashed)
	}
	st.Read(func(r *store.Reader) error {
		m, _ := r.Member(s.Actor.Address)
		if !m.Prefs.ASCII {
			t.Error("ASCII borders were not saved")
		}
		return nil
	})
	if !p.secs[secAppearance].on("ascii") {
		t.Error("the pane does not show the saved setting")
	}
}
