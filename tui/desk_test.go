package tui

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

// The demo people the desk tests work with.
const (
	deskWangwei model.Address = "wangwei@example.com" // 王伟 of 北京一组; a second 王伟 is wangwei2@
	deskAdmin   model.Address = "it.admin@example.com"
)

// deskStore opens a private copy of the demo company with a fixed source of
// randomness (so one-time passwords repeat) and, when now is given, that clock.
func deskStore(t *testing.T, now func() time.Time) *store.Store {
	t.Helper()
	demoStore(t) // builds the demo company once per test binary
	src, err := os.Open(filepath.Join(demoDir, cmd.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst := filepath.Join(t.TempDir(), cmd.DBFile)
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, src); err != nil {
		t.Fatal(err)
	}
	out.Close()
	opt := testOptions()
	opt.Rand = rand.NewChaCha8([32]byte{'p', 'o', 's', 't', 'r', 'o', 'o', 'm'})
	if now != nil {
		opt.Now = now
	}
	st, err := store.Open(dst, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// deskMember reads a member as stored now.
func deskMember(t *testing.T, st *store.Store, addr model.Address) *model.Member {
	t.Helper()
	var m *model.Member
	if err := st.Read(func(r *store.Reader) error {
		var err error
		m, err = r.Member(addr)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return m
}

// deskProbeMsg runs a look at the desk inside the program's own goroutine, so a
// test can wait for a state without racing the program.
type deskProbeMsg struct {
	look  func(a *App, p *deskPane) bool
	reply chan bool
}

// deskProbe is the App with deskProbeMsg answered.
type deskProbe struct{ *App }

func (d deskProbe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if pm, ok := msg.(deskProbeMsg); ok {
		pm.reply <- pm.look(d.App, d.App.panes[0].(*deskPane))
		return d, nil
	}
	m, cmd := d.App.Update(msg)
	return deskProbe{m.(*App)}, cmd
}

// deskUI runs the Reset desk (with My account, as the helpdesk gets it)
// at a fixed size and returns the program and a way to wait for a state.
func deskUI(t *testing.T, s *Session, w, h int) (*teatest.TestModel, func(what string, look func(a *App, p *deskPane) bool)) {
	t.Helper()
	app := newAppWith(s, "", []Pane{newDeskPane(s), newAccountPane(s)})
	tm := teatest.NewTestModel(t, deskProbe{app}, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	go io.Copy(io.Discard, tm.Output()) // nobody reads the raw stream
	until := func(what string, look func(a *App, p *deskPane) bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			reply := make(chan bool, 1)
			tm.Send(deskProbeMsg{look: look, reply: reply})
			select {
			case ok := <-reply:
				if ok {
					return
				}
			case <-time.After(time.Second):
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("timed out waiting for %s", what)
	}
	return tm, until
}

// deskFinalScreen ends the program and returns its last screen as plain text.
func deskFinalScreen(t *testing.T, tm *teatest.TestModel) string {
	t.Helper()
	tm.Quit()
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
	return screenText(final.(deskProbe).App)
}

// deskPaneText is the desk's own view as plain words, line breaks and padding
// folded to single spaces (long messages wrap).
func deskPaneText(p *deskPane) string {
	return strings.Join(strings.Fields(ansi.Strip(p.View())), " ")
}

// deskHasBinding reports whether the help bar offers a binding.
func deskHasBinding(bs []key.Binding, b key.Binding) bool {
	return slices.ContainsFunc(bs, func(x key.Binding) bool { return slices.Equal(x.Keys(), b.Keys()) })
}

// deskFindPerson types a query and picks the person with the address.
func deskFindPerson(t *testing.T, tm *teatest.TestModel, until func(string, func(*App, *deskPane) bool), query string, addr model.Address) {
	t.Helper()
	tm.Type(query)
	idx := -1
	until("hits for "+query, func(_ *App, p *deskPane) bool {
		if p.query.Value() != query || p.searching {
			return false
		}
		for i, h := range p.hits {
			if h.addr == addr {
				idx = i
				return true
			}
		}
		return false
	})
	for range idx {
		press(tm, "down")
	}
	until("the pick", func(_ *App, p *deskPane) bool { return p.hit == idx })
	press(tm, "enter")
	until(string(addr)+" loaded", func(_ *App, p *deskPane) bool {
		return p.step == deskPerson && p.person != nil && p.person.member.Address == addr && !p.loading
	})
}

// deskFailLogins records wrong passwords for a member, a minute apart when
// the clock moves.
func deskFailLogins(t *testing.T, st *store.Store, addr model.Address, n int, advance func()) {
	t.Helper()
	for range n {
		if advance != nil {
			advance()
		}
		if _, err := st.Login(string(addr), store.Credentials{Password: "wrong-password-typed"}, model.LoginSSHPassword, "192.0.2.77:50122", ""); !errors.Is(err, model.ErrAuth) {
			t.Fatalf("a wrong password gave %v", err)
		}
	}
}

// TestDeskGolden: the desk's three screens for the helpdesk, at both sizes
// and in both languages: find with hits for "wangw", 王伟's status with the
// verify fields (employee ID matched, mobile being asked), and the
// one-time-password box after a reset.
func TestDeskGolden(t *testing.T) {
	for _, screen := range []string{"find", "status", "otp"} {
		for _, lang := range goldenLangs {
			for _, sz := range goldenSizes {
				t.Run(fmt.Sprintf("%s_%s_%dx%d", screen, lang, sz.w, sz.h), func(t *testing.T) {
					st := deskStore(t, nil)
					deskFailLogins(t, st, deskWangwei, 2, nil)
					wang := deskMember(t, st, deskWangwei)
					s := sessionAs(t, st, "helpdesk", lang)
					tm, until := deskUI(t, s, sz.w, sz.h)
					if screen == "find" {
						tm.Type("wangw")
						until("hits", func(_ *App, p *deskPane) bool {
							return p.query.Value() == "wangw" && !p.searching && len(p.hits) > 0
						})
						requireGolden(t, deskFinalScreen(t, tm))
						return
					}
					deskFindPerson(t, tm, until, "wangw", deskWangwei)
					tm.Type(wang.EmployeeID)
					press(tm, "enter")
					until("the employee ID checked", func(_ *App, p *deskPane) bool {
						return p.fields[0].result == verifyMatched && p.editing && p.vfocus == 1
					})
					if screen == "status" {
						requireGolden(t, deskFinalScreen(t, tm))
						return
					}
					tm.Type(wang.Mobile[len(wang.Mobile)-4:])
					press(tm, "enter")
					until("verified", func(_ *App, p *deskPane) bool { return p.canReset() })
					press(tm, "p")
					until("the reset form", func(_ *App, p *deskPane) bool { return p.step == deskReset })
					tm.Type("INC-20261128-042")
					press(tm, "enter")
					until("the one-time password", func(a *App, p *deskPane) bool {
						return p.step == deskOTP && p.otp != "" && a.flash == s.Sprintf(s.T.Desk.ResetDone, deskWangwei) && !p.loading
					})
					requireGolden(t, deskFinalScreen(t, tm))
				})
			}
		}
	}
}

// TestDeskResetsAfterVerification: the helpdesk finds 王伟 by "wangw",
// checks the employee ID and the mobile's last four digits the caller
// tells, and resets with a ticket. The one-time password works, must be
// changed at the next login, is shown once and forgotten at the next key;
// the operation log records the ticket and how the caller was verified.
func TestDeskResetsAfterVerification(t *testing.T) {
	st := deskStore(t, nil)
	wang := deskMember(t, st, deskWangwei)
	s := sessionAs(t, st, "helpdesk", "en")
	tm, until := deskUI(t, s, 120, 40)

	until("the search field has the keyboard", func(_ *App, p *deskPane) bool { return p.Capturing() && p.step == deskFind })
	deskFindPerson(t, tm, until, "wangw", deskWangwei)
	until("nothing stored is drawn", func(_ *App, p *deskPane) bool {
		v := deskPaneText(p)
		return !strings.Contains(v, wang.EmployeeID) && !strings.Contains(v, wang.Mobile[len(wang.Mobile)-4:]) &&
			!strings.Contains(v, wang.Birthday) && strings.Contains(v, "销售部/华北大区/北京一组")
	})
	// The first field has the keyboard: the caller tells the employee ID
	// in lower case with a space, then the mobile's last four digits.
	tm.Type(" " + strings.ToLower(wang.EmployeeID) + " ")
	press(tm, "enter")
	until("no reset before two fields match", func(_ *App, p *deskPane) bool {
		return p.fields[0].result == verifyMatched && !p.canReset() && !deskHasBinding(p.ShortHelp(), s.Keys.Reset)
	})
	tm.Type(wang.Mobile[len(wang.Mobile)-4:])
	press(tm, "enter")
	until("verified", func(_ *App, p *deskPane) bool {
		return p.canReset() && !p.editing && deskHasBinding(p.ShortHelp(), s.Keys.Reset)
	})
	press(tm, "p")
	until("the reset form", func(_ *App, p *deskPane) bool { return p.step == deskReset && p.Capturing() })
	press(tm, "enter") // no ticket yet
	until("the ticket is required", func(_ *App, p *deskPane) bool {
		return p.form.fields[0].err == s.T.Desk.TicketRequired && p.step == deskReset
	})
	tm.Type("INC-4711")
	press(tm, "enter")
	var otp string
	until("the one-time password", func(_ *App, p *deskPane) bool {
		if p.step != deskOTP || p.otp == "" || !strings.Contains(deskPaneText(p), p.otp) {
			return false
		}
		otp = p.otp
		return true
	})

	m := deskMember(t, st, deskWangwei)
	if !m.Password.MustChange {
		t.Error("after the reset the password need not be changed")
	}
	if ok, _, err := model.VerifyPassword(m.Password.Hash, otp, fastArgon); err != nil || !ok {
		t.Errorf("the one-time password shown does not open the account (%v)", err)
	}
	var recs []store.OpRecord
	st.Read(func(r *store.Reader) error {
		var err error
		recs, err = r.OpLog(store.OpFilter{Target: string(deskWangwei), Op: "password.reset", Limit: 1})
		return err
	})
	if len(recs) != 1 {
		t.Fatalf("%d password.reset records for %s", len(recs), deskWangwei)
	}
	rec := recs[0]
	wantNotes := []store.Note{{Key: "reason", Value: "INC-4711"}, {Key: "verified", Value: "employee ID + mobile last 4 matched"}}
	if rec.Actor != s.Actor.Address || rec.Door != model.DoorTUI || !slices.Equal(rec.Notes, wantNotes) {
		t.Errorf("record by %s via %s with notes %+v, want by %s via tui with %+v", rec.Actor, rec.Door, rec.Notes, s.Actor.Address, wantNotes)
	}

	// Any key clears the password; q does not quit while it shows.
	press(tm, "q")
	until("the password forgotten", func(_ *App, p *deskPane) bool {
		return p.step == deskPerson && p.otp == "" && !strings.Contains(deskPaneText(p), otp) &&
			strings.Contains(deskPaneText(p), s.T.Fields.MustChange)
	})
	// esc: ready for the next caller.
	press(tm, "esc")
	until("Find again", func(_ *App, p *deskPane) bool {
		return p.step == deskFind && p.query.Value() == "" && p.query.Focused() && p.person == nil && len(p.fields) == 0
	})
	// esc on the empty field lets go of the keyboard (the rail's keys
	// work); / takes it back.
	press(tm, "esc")
	until("the keyboard let go", func(_ *App, p *deskPane) bool { return !p.Capturing() })
	press(tm, "/")
	until("the keyboard taken back", func(_ *App, p *deskPane) bool { return p.Capturing() && p.query.Value() == "" })
	tm.Quit()
}

// TestDeskCursorFollowsChineseText: the terminal's cursor stands right
// after what was typed, Chinese counted two cells, in the search field,
// the verify fields and the forms, so an input method opens its window there.
func TestDeskCursorFollowsChineseText(t *testing.T) {
	st := deskStore(t, nil)
	s := sessionAs(t, st, "helpdesk", "zh-CN")
	tm, until := deskUI(t, s, 80, 24)
	cursorAfter := func(what, typed string, ready func(p *deskPane) bool) {
		t.Helper()
		var got string
		until(what, func(a *App, p *deskPane) bool {
			if !ready(p) {
				return false
			}
			v := a.View()
			if v.Cursor == nil {
				got = "no cursor"
				return false
			}
			line := strings.Split(ansi.Strip(v.Content), "\n")[v.Cursor.Y]
			got = ansi.Truncate(line, v.Cursor.X, "")
			return strings.HasSuffix(got, typed)
		})
	}
	tm.Type("王伟")
	cursorAfter("the search field", "> 王伟", func(p *deskPane) bool { return len(p.hits) > 0 })
	press(tm, "enter")
	until("the first question", func(_ *App, p *deskPane) bool { return p.editing })
	tm.Type("E0")
	cursorAfter("the employee ID field", "[E0", func(p *deskPane) bool { return p.editing })
	press(tm, "esc")
	press(tm, "V")
	until("the override form", func(_ *App, p *deskPane) bool { return p.step == deskOverride })
	tm.Type("本人到场")
	cursorAfter("the override form", "本人到场", func(p *deskPane) bool { return p.step == deskOverride })
	tm.Quit()
}

// TestDeskWrongVerificationBlocksReset: one answer that does not match
// keeps the reset away, whatever else matches; the override needs a typed
// reason, which goes into the record.
func TestDeskWrongVerificationBlocksReset(t *testing.T) {
	st := deskStore(t, nil)
	wang := deskMember(t, st, deskWangwei)
	s := sessionAs(t, st, "helpdesk", "zh-CN")
	tm, until := deskUI(t, s, 80, 24)

	deskFindPerson(t, tm, until, "wangw", deskWangwei)
	tm.Type("E99999")
	press(tm, "enter")
	until("the wrong answer stops the questions", func(_ *App, p *deskPane) bool {
		return p.fields[0].result == verifyMismatched && !p.editing
	})
	press(tm, "down")
	press(tm, "enter")
	tm.Type(wang.Mobile)
	press(tm, "enter")
	until("one match, one no match", func(_ *App, p *deskPane) bool {
		return p.fields[0].result == verifyMismatched && p.fields[1].result == verifyMatched && !p.editing &&
			strings.Contains(deskPaneText(p), s.T.Desk.NoMatch)
	})
	until("the desk says why a match is not enough", func(_ *App, p *deskPane) bool {
		return strings.Contains(strings.Join(strings.Fields(deskPaneText(p)), ""), strings.Join(strings.Fields(s.Sprintf(s.T.Desk.Mismatched, "V")), ""))
	})
	press(tm, "p")
	until("no reset offered", func(_ *App, p *deskPane) bool {
		return p.step == deskPerson && !p.canReset() && !deskHasBinding(p.ShortHelp(), s.Keys.Reset) && deskHasBinding(p.ShortHelp(), s.Keys.Verify)
	})
	if m := deskMember(t, st, deskWangwei); m.Password.MustChange || m.Password.Hash != wang.Password.Hash {
		t.Fatal("the password changed without verification")
	}

	// The override: an empty reason is refused, a typed one unlocks the reset.
	press(tm, "V")
	until("the override form", func(_ *App, p *deskPane) bool { return p.step == deskOverride })
	press(tm, "enter")
	until("the reason is required", func(_ *App, p *deskPane) bool {
		return p.step == deskOverride && p.form.fields[0].err == s.T.Desk.OverrideRequired
	})
	tm.Type("本人到场，已核对工牌")
	press(tm, "enter")
	until("verified by override", func(_ *App, p *deskPane) bool { return p.step == deskPerson && p.canReset() })
	press(tm, "p")
	until("the reset form", func(_ *App, p *deskPane) bool { return p.step == deskReset })
	tm.Type("工单 8848")
	press(tm, "enter")
	until("the one-time password", func(_ *App, p *deskPane) bool { return p.step == deskOTP })
	tm.Quit()

	var rec store.OpRecord
	st.Read(func(r *store.Reader) error {
		recs, err := r.OpLog(store.OpFilter{Target: string(deskWangwei), Op: "password.reset", Limit: 1})
		if len(recs) > 0 {
			rec = recs[0]
		}
		return err
	})
	want := []store.Note{{Key: "reason", Value: "工单 8848"}, {Key: "verified", Value: "人工核验：本人到场，已核对工牌"}}
	if !slices.Equal(rec.Notes, want) {
		t.Errorf("notes %+v, want %+v", rec.Notes, want)
	}
}

// deskClock is a clock the test moves.
type deskClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *deskClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *deskClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestDeskUnlocks: an account locked by wrong passwords (the policy's
// LockAfter of them) shows its lock, its failed logins and the unlock;
// the unlock needs a ticket, lifts the lock and is recorded with it. An
// account that is not locked offers no unlock.
func TestDeskUnlocks(t *testing.T) {
	clock := &deskClock{now: testNow}
	st := deskStore(t, clock.Now)
	var pol model.PasswordPolicy
	st.Read(func(r *store.Reader) error {
		var err error
		pol, err = r.Policy()
		return err
	})
	if pol.LockAfter == 0 {
		t.Fatal("the demo policy never locks")
	}
	deskFailLogins(t, st, deskWangwei, pol.LockAfter, func() { clock.Advance(2 * time.Minute) })
	if m := deskMember(t, st, deskWangwei); m.Status != model.StatusLocked {
		t.Fatalf("after %d wrong passwords the account is %s", pol.LockAfter, m.Status)
	}

	s := sessionAs(t, st, "helpdesk", "en")
	tm, until := deskUI(t, s, 120, 40)
	until("the locked account listed before any search", func(_ *App, p *deskPane) bool {
		return p.lockedNow && len(p.hits) == 1 && p.hits[0].addr == deskWangwei && strings.Contains(deskPaneText(p), s.Sprintf(s.T.Desk.LockedNowOne, 1))
	})
	deskFindPerson(t, tm, until, "wangwei@", deskWangwei)
	until("the lock shown", func(_ *App, p *deskPane) bool {
		v := deskPaneText(p)
		return p.canUnlock() && len(p.person.failed) == 5 && strings.Contains(v, "locked (too many failed logins) until 18:") &&
			strings.Contains(v, "192.0.2.77 ") && strings.Contains(v, "wrong address or password")
	})
	press(tm, "esc") // stop answering questions
	until("unlock offered", func(_ *App, p *deskPane) bool { return !p.editing && deskHasBinding(p.ShortHelp(), s.Keys.Unlock) })
	press(tm, "u")
	until("the unlock form", func(_ *App, p *deskPane) bool { return p.step == deskUnlock })
	press(tm, "enter")
	until("the ticket is required", func(_ *App, p *deskPane) bool { return p.form.fields[0].err == s.T.Desk.TicketRequired })
	tm.Type("INC-77")
	press(tm, "enter")
	until("unlocked", func(a *App, p *deskPane) bool {
		return p.step == deskPerson && p.person.member.Status == model.StatusActive && !p.canUnlock() &&
			!deskHasBinding(p.ShortHelp(), s.Keys.Unlock) && a.flash == s.Sprintf(s.T.Desk.Unlocked, deskWangwei)
	})
	press(tm, "u")
	until("no second unlock", func(_ *App, p *deskPane) bool { return p.step == deskPerson })
	press(tm, "esc")
	until("nobody locked now", func(_ *App, p *deskPane) bool {
		return p.step == deskFind && p.lockedNow && len(p.hits) == 0 && strings.Contains(deskPaneText(p), s.T.Desk.NoneLocked)
	})
	tm.Quit()

	m := deskMember(t, st, deskWangwei)
	if m.Status != model.StatusActive || m.Password.Failures != 0 || m.Password.MustChange {
		t.Errorf("after the unlock: %s, %d failures, must change %v", m.Status, m.Password.Failures, m.Password.MustChange)
	}
	var recs []store.OpRecord
	st.Read(func(r *store.Reader) error {
		var err error
		recs, err = r.OpLog(store.OpFilter{Target: string(deskWangwei), Op: "member.unlock"})
		return err
	})
	if len(recs) != 1 || !slices.Equal(recs[0].Notes, []store.Note{{Key: "reason", Value: "INC-77"}}) || recs[0].Actor != s.Actor.Address {
		t.Errorf("unlock records: %+v", recs)
	}
}

// TestDeskRefusesAdminReset: the store refuses the helpdesk a reset of an
// admin's account. The desk hides the reset and the questions and says why
// in the store's words; forced anyway, the refusal shows in the status
// line and nothing changes.
func TestDeskRefusesAdminReset(t *testing.T) {
	st := deskStore(t, nil)
	before := deskMember(t, st, deskAdmin)
	s := sessionAs(t, st, "helpdesk", "en")
	forced := &model.ResetPassword{Address: deskAdmin, Reason: "INC-1", Verified: "forced by the test"}
	refusal, ok := s.apply("desk", "reset", forced)().(appliedMsg)
	if !ok || !errors.Is(refusal.err, model.ErrForbidden) {
		t.Fatalf("the store let the helpdesk reset the admin: %+v", refusal)
	}
	words := s.ErrText(refusal.err)

	tm, until := deskUI(t, s, 120, 40)
	deskFindPerson(t, tm, until, "it.admin", deskAdmin)
	until("the refusal shown", func(_ *App, p *deskPane) bool {
		return !p.editing && !p.canReset() && !p.canOverride() && !deskHasBinding(p.ShortHelp(), s.Keys.Reset) &&
			strings.Contains(deskPaneText(p), s.Sprintf(s.T.Desk.CannotReset, words))
	})
	press(tm, "p")
	press(tm, "V")
	until("still no reset", func(_ *App, p *deskPane) bool { return p.step == deskPerson })
	tm.Send(refusal)
	until("the store's words in the status line", func(a *App, _ *deskPane) bool { return a.flash == words && a.flashErr })
	tm.Quit()
	if m := deskMember(t, st, deskAdmin); m.Password.Hash != before.Password.Hash || m.Password.MustChange {
		t.Error("the admin's password changed")
	}
}

// TestDeskDropsStaleSearches: a search that answers after a newer one
// began is dropped, so fast typing never shows old hits.
func TestDeskDropsStaleSearches(t *testing.T) {
	st := deskStore(t, nil)
	s := sessionAs(t, st, "helpdesk", "en")
	p := newDeskPane(s).(*deskPane)
	first := p.typeQuery(tea.KeyPressMsg{Code: 'z', Text: "z"})
	second := p.typeQuery(tea.KeyPressMsg{Code: 'h', Text: "h"})
	newer, _ := deskRun(second).(deskSearchMsg)
	older, _ := deskRun(first).(deskSearchMsg)
	if slices.EqualFunc(newer.hits, older.hits, func(a, b deskHit) bool { return a == b }) {
		t.Fatal("\"z\" and \"zh\" find the same people; the test proves nothing")
	}
	p.Update(newer)
	p.Update(older)
	if p.searching || !slices.EqualFunc(p.hits, newer.hits, func(a, b deskHit) bool { return a == b }) {
		t.Errorf("the desk shows %d hits, not the %d of the newest search", len(p.hits), len(newer.hits))
	}
}

// deskRun executes a command and returns its message of the given type,
// looking inside batches.
func deskRun(c tea.Cmd) tea.Msg {
	if c == nil {
		return nil
	}
	msg := c()
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			if m, ok := deskRun(c).(deskSearchMsg); ok {
				return m
			}
		}
		return nil
	}
	return msg
}

// TestVerifyAnswer: what counts as the caller giving the recorded value.
func TestVerifyAnswer(t *testing.T) {
	tests := []struct {
		kind          verifyKind
		stored, given string
		ok, last4     bool
	}{
		{verifyEmployeeID, "E00074", "E00074", true, false},
		{verifyEmployeeID, "E00074", " e 00074 ", true, false},
		{verifyEmployeeID, "E00074", "Ｅ００07４", true, false}, // full-width from an IME
		{verifyEmployeeID, "E00074", "E0007", false, false},
		{verifyEmployeeID, "E00074", "", false, false},
		{verifyMobile, "18654945593", "186 5494 5593", true, false},
		{verifyMobile, "18654945593", "+86 186-5494-5593", true, false},
		{verifyMobile, "18654945593", "5593", true, true},
		{verifyMobile, "18654945593", "4559", false, false},
		{verifyMobile, "18654945593", "55", false, false},
		{verifyMobile, "18654945593", "1865494559", false, false},
		{verifyPhone, "010-65522895", "01065522895", true, false},
		{verifyPhone, "010-65522895", "6552 2895", true, false},
		{verifyPhone, "010-65522895", "2895", false, false},
		{verifyBirthday, "1995-11-24", "1995/11/24", true, false},
		{verifyBirthday, "1995-11-24", "19951124", true, false},
		{verifyBirthday, "1995-03-02", "1995年3月2日", true, false},
		{verifyBirthday, "1995-11-24", "1995-11-25", false, false},
		{verifyBirthday, "1995-11-24", "11-24", false, false},
	}
	for _, tt := range tests {
		ok, last4 := verifyAnswer(tt.kind, tt.stored, tt.given)
		if ok != tt.ok || last4 != tt.last4 {
			t.Errorf("verifyAnswer(%d, %q, %q) = %v, %v; want %v, %v", tt.kind, tt.stored, tt.given, ok, last4, tt.ok, tt.last4)
		}
	}
}
