package tui

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	bolt "go.etcd.io/bbolt"

	"postroom/model"
	"postroom/store"
)

// logsStore is the demo company with a few more records: an admin's change
// through the TUI with a reason, a helpdesk reset over SSH with its ticket
// and how the person was verified, and logins that worked and failed.
func logsStore(t *testing.T) *store.Store {
	t.Helper()
	st := demoStore(t)
	member := model.Address(loginOf(t, "member").Address)
	admin := sessionAs(t, st, "admin", "en").Actor
	helpdesk := sessionAs(t, st, "helpdesk", "en").Actor
	helpdesk.Door, helpdesk.Source = model.DoorSSH, "198.51.100.23:50122"
	if err := st.Apply(admin, &model.DisableMember{Address: member, Reason: "休假 3 个月"}); err != nil {
		t.Fatal(err)
	}
	if err := st.Apply(admin, &model.EnableMember{Address: member}); err != nil {
		t.Fatal(err)
	}
	if err := st.Apply(helpdesk, &model.ResetPassword{Address: member, Reason: "工单 #4711", Verified: "视频核对工牌"}); err != nil {
		t.Fatal(err)
	}
	logins := []struct {
		user, password string
		method         model.LoginMethod
		source, site   string
	}{
		{loginOf(t, "auditor").Address, loginOf(t, "auditor").Password, model.LoginSSHPassword, "192.0.2.10:52200", "北京总部"},
		{loginOf(t, "auditor").Address, "wrong horse battery", model.LoginSSHPassword, "203.0.113.9:40001", ""},
		{"nobody@example.com", "guess", model.LoginSMTP, "203.0.113.9:40002", ""},
		{loginOf(t, "admin").Address, loginOf(t, "admin").Password, model.LoginSSHPassword, "192.0.2.11:52201", "北京总部"},
	}
	for _, l := range logins {
		st.Login(l.user, store.Credentials{Password: l.password}, l.method, l.source, l.site)
	}
	return st
}

// logsApp is the UI with the Logs pane first, beside My account (so the
// rail is as wide as a real one).
func logsApp(s *Session) *App {
	return newAppWith(s, "", []Pane{newLogsPane(s), newAccountPane(s)})
}

// logsType types text one key at a time.
func logsType(tm *teatest.TestModel, text string) {
	for _, r := range text {
		tm.Send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// logsOf is the Logs pane of a finished UI.
func logsOf(t *testing.T, m tea.Model) *logsPane {
	t.Helper()
	for _, p := range m.(*App).panes {
		if lp, ok := p.(*logsPane); ok {
			return lp
		}
	}
	t.Fatal("no Logs pane")
	return nil
}

// TestLogsGolden: the operation log, the login log and an operation's
// detail, at both sizes and in both languages, for an auditor.
func TestLogsGolden(t *testing.T) {
	for _, view := range []string{"ops", "logins", "detail"} {
		for _, lang := range goldenLangs {
			for _, sz := range goldenSizes {
				t.Run(fmt.Sprintf("%s_%s_%dx%d", view, lang, sz.w, sz.h), func(t *testing.T) {
					st := logsStore(t)
					s := sessionAs(t, st, "auditor", lang)
					out := runUI(t, logsApp(s), sz.w, sz.h, func(tm *teatest.TestModel) {
						waitFor(t, tm, "it.helpdesk")
						switch view {
						case "logins":
							press(tm, "v")
							waitFor(t, tm, "nobody@")
						case "detail":
							press(tm, "enter")
							waitFor(t, tm, "4711")
						}
					})
					requireGolden(t, out)
				})
			}
		}
	}
}

// TestLogsFilterByActor: filtering the operation log by a person leaves
// only that person's records; clearing the filter brings the rest back.
func TestLogsFilterByActor(t *testing.T) {
	st := logsStore(t)
	s := sessionAs(t, st, "auditor", "en")
	helpdesk := loginOf(t, "helpdesk").Address
	var all int
	st.Read(func(r *store.Reader) error {
		recs, err := r.OpLog(store.OpFilter{})
		all = len(recs)
		return err
	})
	final := func() tea.Model {
		tm := teatest.NewTestModel(t, logsApp(s), teatest.WithInitialTermSize(120, 40))
		waitFor(t, tm, "password.reset")
		press(tm, "/")
		waitFor(t, tm, s.T.Logs.FilterTitle)
		logsType(tm, strings.ToUpper(helpdesk[:1])+helpdesk[1:])
		press(tm, "enter")
		press(tm, "enter")
		press(tm, "enter")
		press(tm, "enter")
		waitFor(t, tm, "1-1 of 1")
		if err := tm.Quit(); err != nil {
			t.Fatal(err)
		}
		return tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
	}()
	p := logsOf(t, final)
	if len(p.ops) != 1 || string(p.ops[0].Actor) != helpdesk || p.ops[0].Op != "password.reset" {
		t.Fatalf("filtered by %s: %d records, want her one reset: %+v", helpdesk, len(p.ops), p.ops)
	}
	if all < 2 {
		t.Fatalf("the log has %d records", all)
	}

	// Clearing the filter shows everything again (one page of it).
	p.openForm()
	p.form.fields[0].input.SetValue("")
	logsDrive(p, p.submitFilter())
	if want := min(all, logsPage); len(p.ops) != want {
		t.Errorf("unfiltered: %d records, want %d", len(p.ops), want)
	}
}

// TestLogsFilterMistakes: a wrong time, door or address is named under its
// field and the form stays open; nothing is filtered.
func TestLogsFilterMistakes(t *testing.T) {
	st := demoStore(t)
	s := sessionAs(t, st, "admin", "en")
	p := newLogsPane(s).(*logsPane)
	p.SetSize(100, 30)
	logsDrive(p, p.Init())
	tests := []struct {
		field, value, want string
	}{
		{"since", "yesterday", `cannot read "yesterday"`},
		{"until", "2026-13-01", `cannot read "2026-13-01"`},
		{"door", "web", `no door "web"`},
		{"person", "not an address", `"not an address" is not a mail address`},
	}
	for _, tt := range tests {
		p.openForm()
		for _, fl := range p.form.fields {
			if fl.key == tt.field {
				fl.input.SetValue(tt.value)
			}
		}
		if cmd := p.submitFilter(); cmd != nil {
			t.Errorf("%s %q: the filter was taken", tt.field, tt.value)
		}
		if p.form == nil || !strings.Contains(p.View(), tt.want) {
			t.Errorf("%s %q: the form does not say %q:\n%s", tt.field, tt.value, tt.want, p.View())
		}
		if !p.lists[logsOps].filter.empty() {
			t.Errorf("%s %q: filter set to %+v", tt.field, tt.value, p.lists[logsOps].filter)
		}
		p.form = nil
	}

	// An end before the start.
	p.openForm()
	p.form.fields[1].input.SetValue("2026-11-28 10:00")
	p.form.fields[2].input.SetValue("2026-11-28 09:00")
	if p.submitFilter() != nil || !strings.Contains(p.View(), s.T.Logs.BadRange) {
		t.Errorf("a range that ends before it starts was taken:\n%s", p.View())
	}
}

// TestLogsTimeFilter: a date alone as the end takes in that whole day.
func TestLogsTimeFilter(t *testing.T) {
	st := logsStore(t)
	s := sessionAs(t, st, "admin", "en")
	p := newLogsPane(s).(*logsPane)
	p.SetSize(100, 30)
	logsDrive(p, p.Init())
	apply := func(since, until string) int {
		t.Helper()
		p.openForm()
		p.form.fields[1].input.SetValue(since)
		p.form.fields[2].input.SetValue(until)
		logsDrive(p, p.submitFilter())
		if p.form != nil {
			t.Fatalf("since %q until %q refused:\n%s", since, until, p.View())
		}
		return len(p.ops)
	}
	local := testNow.Local() // 2026-11-28 17:30 in the tests' zone
	if n := apply("", local.Format("2006-01-02")); n != logsPage {
		t.Errorf("until the day of the records: %d, want a full page", n)
	}
	if n := apply(local.Format("2006-01-02 15:04"), ""); n != logsPage {
		t.Errorf("since the minute of the records: %d, want a full page", n)
	}
	if n := apply("", local.Add(-time.Minute).Format("2006-01-02 15:04")); n != 0 {
		t.Errorf("until the minute before: %d, want none", n)
	}
	if n := apply(local.Add(time.Second).Format(time.RFC3339), ""); n != 0 {
		t.Errorf("since a second after: %d, want none", n)
	}
}

func TestParseLogTime(t *testing.T) {
	day := time.Date(2026, 11, 28, 0, 0, 0, 0, time.Local)
	tests := []struct {
		in   string
		end  bool
		want time.Time
	}{
		{"", false, time.Time{}},
		{"2026-11-28", false, day},
		{"2026-11-28", true, day.AddDate(0, 0, 1)},
		{"2026-11-28 09:30", false, day.Add(9*time.Hour + 30*time.Minute)},
		{"2026-11-28 09:30", true, day.Add(9*time.Hour + 31*time.Minute)},
		{"2026-11-28T09:30:15", false, day.Add(9*time.Hour + 30*time.Minute + 15*time.Second)},
		{"2026-11-28T01:30:00Z", false, time.Date(2026, 11, 28, 1, 30, 0, 0, time.UTC)},
		{"2026-11-28T09:30:00+08:00", true, time.Date(2026, 11, 28, 1, 30, 1, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := parseLogTime(tt.in, tt.end)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("parseLogTime(%q, %v) = %v, %v; want %v", tt.in, tt.end, got, err, tt.want)
		}
	}
	for _, bad := range []string{"yesterday", "28.11.2026", "2026-11-28 25:00", "2026/11/28"} {
		if _, err := parseLogTime(bad, false); err == nil {
			t.Errorf("parseLogTime(%q) took it", bad)
		}
	}
}

// TestLogsSwitchViews: v switches between the operation log and the login
// log, each with its own columns and rows.
func TestLogsSwitchViews(t *testing.T) {
	st := logsStore(t)
	s := sessionAs(t, st, "admin", "zh-CN")
	out := runUI(t, logsApp(s), 120, 40, func(tm *teatest.TestModel) {
		waitFor(t, tm, "password.reset")
		press(tm, "v")
		waitFor(t, tm, "nobody@example.com")
		// The mail log and the top senders need the server's spool.
		press(tm, "v")
		waitFor(t, tm, "postroom serve")
		press(tm, "v")
		waitFor(t, tm, s.T.Logs.RangeLead)
		press(tm, "v")
		waitFor(t, tm, "role.grant")
	})
	if !strings.Contains(out, s.T.Logs.ColOp) || strings.Contains(out, "nobody@example.com") {
		t.Errorf("back on the operation log, the screen is:\n%s", out)
	}
	p := newLogsPane(s).(*logsPane)
	p.SetSize(160, 30)
	logsDrive(p, p.Init())
	p.Update(tea.KeyPressMsg{Code: 'v', Text: "v"})
	v := ansi.Strip(p.View())
	for _, want := range []string{s.T.Logs.ColMethod, "nobody@example.com", "203.0.113.9:40001", "192.0.2.10:52200 (北京总部)", s.T.Logs.MethodSMTP,
		s.Sprintf(s.T.Logs.ResultRefusedWhy, "wrong address or password")} {
		if !strings.Contains(v, want) {
			t.Errorf("the login log does not show %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "password.reset") {
		t.Errorf("the login log shows operations:\n%s", v)
	}
	// Failed only.
	p.openForm()
	p.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	p.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	p.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	p.Update(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
	_, cmd := p.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	logsDrive(p, cmd)
	if p.form != nil || len(p.logins) != 2 {
		t.Fatalf("failed only: form open %v, %d logins, want the 2 refused:\n%s", p.form != nil, len(p.logins), p.View())
	}
	for _, l := range p.logins {
		if l.OK {
			t.Errorf("failed only shows a login that worked: %+v", l)
		}
	}
}

// TestLogsPaging: a page at a time; reaching its end loads the next.
func TestLogsPaging(t *testing.T) {
	st := logsStore(t)
	s := sessionAs(t, st, "auditor", "en")
	var all int
	st.Read(func(r *store.Reader) error { all = r.Count().OpLog; return nil })
	if all <= logsPage {
		t.Fatalf("the demo has %d records; the test needs more than a page", all)
	}
	p := newLogsPane(s).(*logsPane)
	p.SetSize(66, 21)
	logsDrive(p, p.Init())
	if len(p.ops) != logsPage || !p.lists[logsOps].more {
		t.Fatalf("first load: %d records (more %v), want %d and more", len(p.ops), p.lists[logsOps].more, logsPage)
	}
	// Only what fits is drawn.
	if n := strings.Count(p.View(), "\n") + 1; n > 21 {
		t.Errorf("the view draws %d lines in 21:\n%s", n, p.View())
	}
	// G goes to the end of what is loaded, and the next page comes.
	_, cmd := p.Update(tea.KeyPressMsg{Code: 'G', Text: "G"})
	logsDrive(p, cmd)
	if len(p.ops) != min(all, 2*logsPage) || p.lists[logsOps].cursor != logsPage-1 {
		t.Fatalf("after G: %d records, cursor %d; want %d, cursor still on %d", len(p.ops), p.lists[logsOps].cursor, min(all, 2*logsPage), logsPage-1)
	}
	for len(p.ops) < all {
		n := len(p.ops)
		_, cmd := p.Update(tea.KeyPressMsg{Code: 'G', Text: "G"})
		logsDrive(p, cmd)
		if len(p.ops) == n {
			t.Fatalf("G at %d records loaded nothing more", n)
		}
	}
	if p.lists[logsOps].more {
		t.Error("all records are loaded, yet the list says more follow")
	}
	if !strings.Contains(p.View(), fmt.Sprintf("of %d", all)) {
		t.Errorf("footer:\n%s", p.View())
	}
}

// TestLogsVerify: the chain check says intact on the demo, and names the
// first bad record once a record was altered in the file.
func TestLogsVerify(t *testing.T) {
	st := demoStore(t)
	var records int
	st.Read(func(r *store.Reader) error { records = r.Count().OpLog; return nil })
	s := sessionAs(t, st, "auditor", "en")
	out := runUI(t, logsApp(s), 120, 40, func(tm *teatest.TestModel) {
		waitFor(t, tm, "role.grant")
		press(tm, "V")
		waitFor(t, tm, "Verified")
	})
	if !strings.Contains(out, s.Sprintf(s.T.Logs.VerifyOK, records)) {
		t.Errorf("after V on the demo:\n%s", out)
	}

	// Alter record 3 in a copy, behind the store's back.
	path := st.Path()
	st.Close()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("oplog"))
		k := binary.BigEndian.AppendUint64(nil, 3)
		sum, body, err := store.DecodeOpValue(b.Get(k))
		if err != nil {
			return err
		}
		body = bytes.Clone(body)
		i := bytes.Index(body, []byte(`"op":"`))
		if i < 0 {
			return fmt.Errorf("record 3 has no op: %s", body)
		}
		body[i+len(`"op":"`)] ^= 0x20 // the op's first letter changes case
		v := store.EncodeOpValue(body)
		copy(v, sum) // the hash it had
		return b.Put(k, v)
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	st2, err := store.Open(path, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st2.Close() })
	s = sessionAs(t, st2, "auditor", "en")
	out = runUI(t, logsApp(s), 120, 40, func(tm *teatest.TestModel) {
		waitFor(t, tm, "role.grant")
		press(tm, "V")
		waitFor(t, tm, "FAILED")
	})
	for _, want := range []string{s.Sprintf(s.T.Logs.VerifyBad, 3), "altered"} {
		if !strings.Contains(out, want) {
			t.Errorf("after tampering the screen does not say %q:\n%s", want, out)
		}
	}
}

// TestLogsExport: E hands the current view, filtered, as CSV to the
// session's Export and says where it went; without Export it says so.
func TestLogsExport(t *testing.T) {
	st := logsStore(t)
	// A login name that a spreadsheet would run as a formula.
	st.Login("=HYPERLINK(\"http://x\")", store.Credentials{Password: "x"}, model.LoginSMTP, "203.0.113.9:40003", "")
	s := sessionAs(t, st, "auditor", "zh-CN")
	var name string
	var data []byte
	s.Export = func(n string, d []byte) (string, error) {
		name, data = n, d
		return "/srv/postroom/exports/" + n, nil
	}
	out := runUI(t, logsApp(s), 120, 40, func(tm *teatest.TestModel) {
		waitFor(t, tm, "password.reset")
		press(tm, "v")
		waitFor(t, tm, "nobody@example.com")
		press(tm, "E")
		waitFor(t, tm, "已导出")
	})
	// Both doors' Export put the time before the name: the name carries none.
	if name != "loginlog.csv" {
		t.Errorf("export name %q", name)
	}
	if !strings.Contains(out, s.Sprintf(s.T.Common.Exported, 5, "/srv/postroom/exports/"+name)) {
		t.Errorf("the screen does not say where the export went:\n%s", out)
	}
	if !bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		t.Fatalf("the CSV does not start with a BOM: %q", data[:min(len(data), 20)])
	}
	lines := strings.Split(strings.TrimSuffix(string(data[3:]), "\r\n"), "\r\n")
	tl := s.T.Logs
	if want := strings.Join([]string{tl.ColSeq, tl.ColTime, tl.ColAccount, tl.ColSource, tl.ColSite, tl.ColMethod, tl.ColResult, tl.ColReason}, ","); lines[0] != want {
		t.Errorf("header %q, want %q", lines[0], want)
	}
	if len(lines) != 6 {
		t.Fatalf("%d lines, want the header and 5 logins:\n%s", len(lines), data)
	}
	if !strings.HasPrefix(lines[1], `5,2026-11-28T17:30:00+08:00,"'=HYPERLINK(""http://x"")",203.0.113.9:40003,,smtp,拒绝,`) {
		t.Errorf("the newest row is %q", lines[1])
	}
	if !strings.Contains(string(data), "192.0.2.10:52200,北京总部,ssh-password,成功,\r\n") {
		t.Errorf("the auditor's login is missing:\n%s", data)
	}

	// The operation log, filtered by door.
	p := newLogsPane(s).(*logsPane)
	p.SetSize(100, 30)
	logsDrive(p, p.Init())
	p.openForm()
	p.form.fields[3].input.SetValue("SSH")
	logsDrive(p, p.submitFilter())
	_, cmd := p.Update(tea.KeyPressMsg{Code: 'E', Text: "E"})
	msgs := logsDrive(p, cmd)
	if name != "oplog.csv" {
		t.Errorf("export name %q", name)
	}
	rows := strings.Split(strings.TrimSuffix(string(data[3:]), "\r\n"), "\r\n")
	if len(rows) != 2 || !strings.Contains(rows[1], ",ssh,198.51.100.23:50122,password.reset,") || !strings.Contains(rows[1], "工单 #4711") {
		t.Errorf("oplog export filtered by door ssh:\n%s", data)
	}
	if !logsFlashed(msgs, "已导出 1 行", false) {
		t.Errorf("no flash saying the export went: %v", msgs)
	}

	// Nowhere to export to.
	s.Export = nil
	_, cmd = p.Update(tea.KeyPressMsg{Code: 'E', Text: "E"})
	if msgs := logsDrive(p, cmd); !logsFlashed(msgs, s.T.Logs.NoExport, true) {
		t.Errorf("E without Export: %v", msgs)
	}
}

func TestLogsCSV(t *testing.T) {
	got := string(logsCSV([][]string{{"a", "b,c"}, {"=1+2", "-3"}, {"+x", "@y"}, {"say \"hi\"", "line\nbreak"}, {"中文", ""}}))
	want := "\ufeffa,\"b,c\"\r\n'=1+2,'-3\r\n'+x,'@y\r\n\"say \"\"hi\"\"\",\"line\r\nbreak\"\r\n中文,\r\n"
	if got != want {
		t.Errorf("logsCSV:\n got %q\nwant %q", got, want)
	}
}

// TestLogsRefused: those without the right to read the logs see a plain
// refusal and no data, even if the pane is given to them; the load itself
// refuses too.
func TestLogsRefused(t *testing.T) {
	st := logsStore(t)
	for _, role := range []string{"member", "helpdesk", "subadmin", "hr"} {
		s := sessionAs(t, st, role, "en")
		p := newLogsPane(s).(*logsPane)
		p.SetSize(66, 21)
		if cmd := p.Init(); cmd != nil {
			t.Errorf("%s: the pane loads", role)
		}
		p.Update(tea.KeyPressMsg{Code: 'V', Text: "V"})
		p.Update(tea.KeyPressMsg{Code: 'E', Text: "E"})
		v := p.View()
		if !strings.Contains(v, s.T.Logs.Refused) || strings.Contains(v, "@example.com") {
			t.Errorf("%s sees:\n%s", role, v)
		}
		if len(p.ShortHelp()) != 0 {
			t.Errorf("%s: help offers %v", role, p.ShortHelp())
		}
		if msg := p.load()().(logsLoadedMsg); msg.err == nil || len(msg.ops) > 0 || len(msg.logins) > 0 {
			t.Errorf("%s: a forced load gave %d records, %v", role, len(msg.ops)+len(msg.logins), msg.err)
		}
		if msg := p.verify()().(logsVerifiedMsg); msg.err == nil {
			t.Errorf("%s: a forced verify ran", role)
		}
	}
	// The admin and the auditor see the data.
	for _, role := range []string{"admin", "auditor"} {
		s := sessionAs(t, st, role, "en")
		p := newLogsPane(s).(*logsPane)
		p.SetSize(66, 21)
		logsDrive(p, p.Init())
		if !strings.Contains(p.View(), "it.helpdesk") {
			t.Errorf("%s does not see the log:\n%s", role, p.View())
		}
	}
}

// TestLogsDetailScroll: the detail of an operation shows every note and
// the before and after of each change, and scrolls.
func TestLogsDetailScroll(t *testing.T) {
	st := logsStore(t)
	s := sessionAs(t, st, "auditor", "en")
	p := newLogsPane(s).(*logsPane)
	p.SetSize(66, 21)
	logsDrive(p, p.Init())
	p.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if p.detail == nil || p.detail.op == nil || p.detail.op.Op != "password.reset" {
		t.Fatalf("enter opened %+v", p.detail)
	}
	all := strings.Join(p.detailLines(), "\n")
	for _, want := range []string{"reason: 工单 #4711", "verified: 视频核对工牌", p.detail.op.Hash[:40], "\"must_change\": true", s.T.Logs.Before, s.T.Logs.After} {
		if !strings.Contains(all, want) {
			t.Errorf("the detail does not hold %q:\n%s", want, all)
		}
	}
	first := p.View()
	p.Update(tea.KeyPressMsg{Code: 'G', Text: "G"})
	if p.View() == first || !strings.Contains(p.View(), fmt.Sprintf("of %d", len(p.detailLines()))) {
		t.Errorf("G did not scroll to the end:\n%s", p.View())
	}
	p.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	if p.detail != nil {
		t.Error("esc did not close the detail")
	}
}

// TestLogsReloadOnChange: a change made elsewhere appears in the list.
func TestLogsReloadOnChange(t *testing.T) {
	st := logsStore(t)
	s := sessionAs(t, st, "admin", "en")
	p := newLogsPane(s).(*logsPane)
	p.SetSize(100, 30)
	logsDrive(p, p.Init())
	if err := st.Apply(s.Actor, &model.AddDept{Path: "审计部"}); err != nil {
		t.Fatal(err)
	}
	_, cmd := p.Update(storeChangedMsg{})
	// A second change while the first reload is under way is coalesced.
	if _, again := p.Update(storeChangedMsg{}); again != nil {
		t.Error("a second reload started while one is under way")
	}
	logsDrive(p, cmd)
	if p.ops[0].Op != "dept.add" || p.ops[0].Target != "审计部" {
		t.Errorf("newest is %s %s, want dept.add 审计部", p.ops[0].Op, p.ops[0].Target)
	}
}

// TestLogsCleansControls: a login name with terminal escapes or marks
// that reorder text is drawn without them.
func TestLogsCleansControls(t *testing.T) {
	st := demoStore(t)
	st.Login("evil\x1b[2J\x1b]0;pwned\x07\u202e@example.com", store.Credentials{Password: "x"}, model.LoginSMTP, "203.0.113.9:1", "")
	s := sessionAs(t, st, "admin", "en")
	p := newLogsPane(s).(*logsPane)
	p.SetSize(100, 30)
	logsDrive(p, p.Init())
	p.Update(tea.KeyPressMsg{Code: 'v', Text: "v"})
	v := p.View()
	if strings.Contains(v, "\x1b[2J") || strings.Contains(v, "\x07") || strings.Contains(v, "\u202e") {
		t.Errorf("the view carries the escapes: %q", v)
	}
	if !strings.Contains(v, "evil") {
		t.Errorf("the login is not shown:\n%s", v)
	}
}

// logsDrive runs a command and feeds what it returns back to the pane
// until nothing more comes, batches and sequences included; it returns
// every message seen.
func logsDrive(p Pane, cmd tea.Cmd) []tea.Msg {
	var seen []tea.Msg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		if msg == nil {
			continue
		}
		// A batch or a sequence: a list of commands (run here in order).
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
			for i := range v.Len() {
				queue = append(queue, v.Index(i).Interface().(tea.Cmd))
			}
			continue
		}
		seen = append(seen, msg)
		_, next := p.Update(msg)
		queue = append(queue, next)
	}
	return seen
}

// logsFlashed reports whether a flash with the text was among msgs.
func logsFlashed(msgs []tea.Msg, text string, isErr bool) bool {
	for _, m := range msgs {
		if f, ok := m.(flashMsg); ok && strings.Contains(f.text, text) && f.err == isErr {
			return true
		}
	}
	return false
}
