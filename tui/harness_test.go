package tui

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

// The tests' fixed moment, shown in the header and used for password ages.
var testNow = time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)

// fastArgon keeps password hashing cheap in tests.
var fastArgon = model.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestMain(m *testing.M) {
	// Views show times in the server's zone; fix it so golden files hold.
	time.Local = time.FixedZone("CST", 8*3600)
	code := m.Run()
	if demoDir != "" {
		os.RemoveAll(demoDir)
	}
	os.Exit(code)
}

var (
	demoOnce sync.Once
	demoDir  string
	demoErr  error
)

func testOptions() store.Options {
	return store.Options{Now: func() time.Time { return testNow }, Argon: fastArgon, NoSync: true}
}

// demoStore opens a private copy of the demo company, built once per test
// binary.
func demoStore(t testing.TB) *store.Store {
	t.Helper()
	demoOnce.Do(func() {
		demoDir, demoErr = os.MkdirTemp("", "postroom-tui-test-")
		if demoErr != nil {
			return
		}
		path := filepath.Join(demoDir, cmd.DBFile)
		var st *store.Store
		if st, demoErr = store.Open(path, testOptions()); demoErr != nil {
			return
		}
		defer st.Close()
		d := assets.Demo()
		admin := model.Address(assets.DemoLogins()[0].Address)
		if demoErr = st.Apply(model.System(model.DoorCLI), &model.InitEnterprise{Name: d.Name, Domain: d.Domain, Admin: admin}); demoErr != nil {
			return
		}
		act, err := cmd.LocalActor(st, string(admin))
		if err != nil {
			demoErr = err
			return
		}
		_, demoErr = cmd.BuildDemo(st, act)
	})
	if demoErr != nil {
		t.Fatalf("demo: %v", demoErr)
	}
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
	st, err := store.Open(dst, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// loginOf finds a demo login by role: admin, subadmin, helpdesk, auditor,
// hr, head, member.
func loginOf(t testing.TB, role string) assets.DemoLogin {
	for _, l := range assets.DemoLogins() {
		if l.Role == role {
			return l
		}
	}
	t.Fatalf("no demo login for %s", role)
	return assets.DemoLogin{}
}

// sessionAs builds a UI session for a demo role in a language.
func sessionAs(t testing.TB, st *store.Store, role, lang string) *Session {
	t.Helper()
	var act model.Actor
	if err := st.Read(func(r *store.Reader) error {
		var err error
		act, err = r.Actor(model.Address(loginOf(t, role).Address), model.DoorTUI, "192.0.2.10")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return NewSession(st, act, lang, true)
}

// runUI runs a model at a fixed size with the ASCII colour profile, lets
// steps drive it, and returns the final screen as plain text.
func runUI(t *testing.T, m tea.Model, w, h int, steps func(tm *teatest.TestModel)) string {
	t.Helper()
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	if steps != nil {
		steps(tm)
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(15*time.Second))
	return screenText(final)
}

// screenText is a model's view without styling, trailing spaces trimmed.
func screenText(m tea.Model) string {
	v := m.(*App).View()
	lines := strings.Split(ansi.Strip(v.Content), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// waitFor waits until the program's output shows text.
func waitFor(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return strings.Contains(ansi.Strip(string(b)), text)
	}, teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

// press sends one key press by name ("enter", "tab", "j", "ctrl+s").
func press(tm *teatest.TestModel, k string) {
	var msg tea.KeyPressMsg
	switch k {
	case "enter":
		msg = tea.KeyPressMsg{Code: tea.KeyEnter}
	case "tab":
		msg = tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		msg = tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "esc":
		msg = tea.KeyPressMsg{Code: tea.KeyEscape}
	case "up":
		msg = tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		msg = tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		msg = tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		msg = tea.KeyPressMsg{Code: tea.KeyRight}
	case "space":
		msg = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "backspace":
		msg = tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+s":
		msg = tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}
	case "ctrl+r":
		msg = tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl}
	default:
		r := []rune(k)
		msg = tea.KeyPressMsg{Code: r[0], Text: k}
	}
	tm.Send(msg)
}

// sizes and languages every pane's golden files cover.
var goldenSizes = []struct{ w, h int }{{80, 24}, {120, 40}}
var goldenLangs = []string{"zh-CN", "en"}

// requireGolden compares text with testdata/<test name>.golden (-update writes it).
func requireGolden(t *testing.T, text string) {
	t.Helper()
	golden.RequireEqual(t, []byte(text))
}
