package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"postroom/model"
	"postroom/store"
)

// TestLogsMailGolden: the mail log, one record's detail and the top
// senders and receivers, for an auditor, at both sizes and in both
// languages.
func TestLogsMailGolden(t *testing.T) {
	for _, view := range []string{"mail", "detail", "top"} {
		for _, lang := range goldenLangs {
			for _, sz := range goldenSizes {
				t.Run(fmt.Sprintf("%s_%s_%dx%d", view, lang, sz.w, sz.h), func(t *testing.T) {
					f := newMailFix(t)
					s := f.session("auditor", lang)
					out := runUI(t, logsApp(s), sz.w, sz.h, func(tm *teatest.TestModel) {
						waitFor(t, tm, "it.admin")
						press(tm, "v")
						press(tm, "v")
						waitFor(t, tm, "合同草稿")
						switch view {
						case "detail":
							press(tm, "enter")
							waitFor(t, tm, "holiday")
						case "top":
							press(tm, "v")
							waitFor(t, tm, s.T.Logs.TopReceivers)
						}
					})
					requireGolden(t, out)
				})
			}
		}
	}
}

// mailLogsPane is a loaded Logs pane showing the mail log.
func mailLogsPane(t *testing.T, f *mailFix, role string) *logsPane {
	t.Helper()
	s := f.session(role, "en")
	p := newLogsPane(s).(*logsPane)
	p.SetSize(120, 30)
	drive(p, p.Init())
	drive(p, keyPress(p, "v"))
	drive(p, keyPress(p, "v"))
	if p.view != logsMail || !p.mail.loaded {
		t.Fatalf("not on a loaded mail log: view %d, %s", p.view, p.mail.err)
	}
	return p
}

// TestLogsMailSearch: the mail log newest first, searched by account, by
// subject, by kind and by date range; a wrong kind is named in the form.
func TestLogsMailSearch(t *testing.T) {
	f := newMailFix(t)
	p := mailLogsPane(t, f, "auditor")
	if len(p.mail.recs) != 7 {
		t.Fatalf("%d records, want 7", len(p.mail.recs))
	}
	for i := 1; i < len(p.mail.recs); i++ {
		if p.mail.recs[i].Time.After(p.mail.recs[i-1].Time) {
			t.Fatalf("not newest first")
		}
	}
	search := func(fields map[string]string) []string {
		t.Helper()
		p.openForm()
		for _, fl := range p.form.fields {
			fl.input.SetValue(fields[fl.key])
		}
		drive(p, p.submitFilter())
		if p.form != nil {
			t.Fatalf("the form stayed open:\n%s", p.View())
		}
		var subjects []string
		for _, r := range p.mail.recs {
			subjects = append(subjects, r.Subject)
		}
		return subjects
	}
	member := loginOf(t, "member").Address
	if got := search(map[string]string{"person": "zhangsan@example.com"}); strings.Join(got, "|") != "周结果|周会纪要" {
		t.Errorf("by account: %q", got)
	}
	if got := search(map[string]string{"subject": "报价"}); strings.Join(got, "|") != "Re: 报价|报价单（第二版）" {
		t.Errorf("by subject: %q", got)
	}
	if got := search(map[string]string{"kind": "refused"}); strings.Join(got, "|") != "放假通知" {
		t.Errorf("by kind: %q", got)
	}
	if got := search(map[string]string{"kind": "in", "person": member}); strings.Join(got, "|") != "Re: 报价" {
		t.Errorf("in, to the member: %q", got)
	}
	if got := search(map[string]string{"since": "2026-11-28 16:00", "until": "2026-11-28"}); len(got) != 3 {
		t.Errorf("since 16:00 on the 28th: %q", got)
	}
	if got := search(map[string]string{"until": "2026-11-27"}); len(got) != 0 {
		t.Errorf("until the 27th: %q", got)
	}
	p.openForm()
	for _, fl := range p.form.fields {
		if fl.key == "kind" {
			fl.input.SetValue("spam")
		}
	}
	if p.submitFilter() != nil || !strings.Contains(p.View(), `no kind "spam"`) {
		t.Errorf("a wrong kind was taken:\n%s", p.View())
	}
}

// TestLogsTop: today's top senders and receivers of the company's domain,
// refused mail not counted; the range cycles through 7 and 30 days.
func TestLogsTop(t *testing.T) {
	f := newMailFix(t)
	p := mailLogsPane(t, f, "admin")
	drive(p, keyPress(p, "v"))
	if p.view != logsTop || !p.top.loaded {
		t.Fatalf("no top lists: %s", p.top.err)
	}
	if len(p.top.tops) != 1 || p.top.tops[0].Domain != "example.com" {
		t.Fatalf("domains: %+v", p.top.tops)
	}
	d := p.top.tops[0]
	member := model.Address(loginOf(t, "member").Address)
	if d.Senders[0].Address != member || d.Senders[0].Count != 3 {
		t.Errorf("top sender %+v, want %s with 3 (the refusal not counted)", d.Senders[0], member)
	}
	v := ansi.Strip(p.View())
	if !strings.Contains(v, p.s.T.Logs.TopSenders) || !strings.Contains(v, string(member)) {
		t.Errorf("the view:\n%s", v)
	}
	drive(p, keyPress(p, "space"))
	if p.top.rng != 1 || !strings.Contains(ansi.Strip(p.View()), "2026-11-22") {
		t.Errorf("7 days: range %d\n%s", p.top.rng, ansi.Strip(p.View()))
	}
}

// TestLogsMailRefused: without the spool the mail views say where the mail
// log is; the mail log needs maillog.read.
func TestLogsMailRefused(t *testing.T) {
	st := demoStore(t)
	s := sessionAs(t, st, "auditor", "en")
	p := newLogsPane(s).(*logsPane)
	p.SetSize(100, 30)
	drive(p, p.Init())
	drive(p, keyPress(p, "v"))
	drive(p, keyPress(p, "v"))
	if v := ansi.Strip(p.View()); !strings.Contains(v, "postroom serve") {
		t.Errorf("no spool, and the mail log does not say so:\n%s", v)
	}
	for _, k := range []string{"/", "enter", "E"} {
		drive(p, keyPress(p, k))
		if p.form != nil || p.detail != nil {
			t.Errorf("%s did something on the mail log without a spool", k)
		}
	}
	_ = tea.KeyPressMsg{}
}

// TestHomeViolations: a member sees their held and refused mail on Home; a
// head sees the held mail waiting for them.
func TestHomeViolations(t *testing.T) {
	for _, lang := range goldenLangs {
		for _, sz := range goldenSizes {
			t.Run(fmt.Sprintf("member_%s_%dx%d", lang, sz.w, sz.h), func(t *testing.T) {
				f := newMailFix(t)
				s := f.session("member", lang)
				app := newAppWith(s, "", []Pane{newHomePane(s), newAccountPane(s)})
				out := runUI(t, app, sz.w, sz.h, func(tm *teatest.TestModel) {
					waitFor(t, tm, "放假通知")
				})
				requireGolden(t, out)
			})
		}
	}
	f := newMailFix(t)
	s := f.session("head", "en")
	p := newHomePane(s)
	p.SetSize(100, 30)
	drive(p, p.Init())
	if v := ansi.Strip(p.View()); !strings.Contains(v, s.Sprintf(s.T.Home.HeldForYouOne, 1)) || !strings.Contains(v, s.T.Home.NoViolations) {
		t.Errorf("the head's Home:\n%s", v)
	}
}

// TestLogsAfterDecision: a decision made in this session's queue is in
// the operation log and the mail log at once (the directory tells no one
// of it, so the Logs pane reads again on the decision itself).
func TestLogsAfterDecision(t *testing.T) {
	f := newMailFix(t)
	p := mailLogsPane(t, f, "admin")
	q := newQueuePane(p.s)
	decided := q.decide("release", f.held1, "")().(queueDecidedMsg)
	if decided.err != nil {
		t.Fatal(decided.err)
	}
	_, cmd := p.Update(decided)
	drive(p, cmd)
	if len(p.ops) == 0 || p.ops[0].Op != "queue.release" {
		t.Errorf("the operation log does not show the release first")
	}
	for _, r := range p.mail.recs {
		if r.ID == f.held1 && r.Status != "released" {
			t.Errorf("the mail log shows the released message as %s", r.Status)
		}
	}
}

// TestHomeViolationOutcome: the member's Home tells what became of each
// held message (waiting, then released), and gives each reason lines of
// its own, fewer when the pane is short, never cut without a mark.
func TestHomeViolationOutcome(t *testing.T) {
	f := newMailFix(t)
	s := f.session("member", "en")
	p := newHomePane(s)
	p.SetSize(60, 30)
	drive(p, p.Init())
	line := func(subject string) string {
		for _, l := range strings.Split(ansi.Strip(p.View()), "\n") {
			if strings.Contains(l, subject) {
				return l
			}
		}
		t.Fatalf("no line for %s:\n%s", subject, ansi.Strip(p.View()))
		return ""
	}
	if l := line("日计划 11-28"); !strings.HasSuffix(l, "["+s.T.Mail.Held+"]") {
		t.Errorf("the waiting message: %q", l)
	}
	head := f.session("head", "en")
	if msg := newHeldPane(head).decide("release", f.held1, "")().(queueDecidedMsg); msg.err != nil {
		t.Fatal(msg.err)
	}
	drive(p, keyPress(p, "ctrl+r"))
	drive(p, p.load())
	if l := line("日计划 11-28"); !strings.HasSuffix(l, "["+s.T.Mail.Released+"]") {
		t.Errorf("the released message: %q", l)
	}
	v := ansi.Strip(p.View())
	if !strings.Contains(v, "\n    hr@example.com\n") || !strings.Contains(v, "\n    the rule daily-weekly-reports") {
		t.Errorf("the reasons are not on lines of their own:\n%s", v)
	}
	// Short: one line a reason, marked where it was cut, and nothing
	// pushed off the pane.
	p.SetSize(60, 17)
	v = ansi.Strip(p.View())
	if !strings.Contains(v, "\n    holiday notices to the whole company come only from"+s.Styles.Ellipsis+"\n") {
		t.Errorf("short pane, the cut reason:\n%s", v)
	}
	lines := strings.Split(v, "\n")
	if len(lines) > 17 || !strings.Contains(v, s.T.Home.NoAnnounce) {
		t.Errorf("short pane: %d lines for 17:\n%s", len(lines), v)
	}
	for _, l := range lines {
		if lipgloss.Width(l) > 60 {
			t.Errorf("wider than the pane: %q", l)
		}
	}
}

// TestLogsTopWide: on a wide screen the top lists keep each count near
// its address.
func TestLogsTopWide(t *testing.T) {
	f := newMailFix(t)
	p := mailLogsPane(t, f, "auditor")
	p.SetSize(185, 40)
	drive(p, keyPress(p, "v"))
	if !p.top.loaded {
		t.Fatalf("the top lists did not load: %s", p.top.err)
	}
	for _, l := range strings.Split(ansi.Strip(p.View()), "\n") {
		if strings.HasPrefix(l, "1  ") && lipgloss.Width(strings.TrimRight(l, " ")) > 2*logsTopWidth+3 {
			t.Errorf("a top list row spreads over %d cells: %q", lipgloss.Width(l), l)
		}
	}
}

// TestHomeOutcomeKept: on a narrow Home a long subject is cut, not what
// became of the message.
func TestHomeOutcomeKept(t *testing.T) {
	f := newMailFix(t)
	member := model.Address(loginOf(t, "member").Address)
	long := "Quarterly kickoff — dinner on Friday at the usual place, families welcome"
	m := &store.QueueMessage{Account: member, From: string(member), Door: "submission", Direction: "internal", Subject: long,
		Status: store.MsgHeld, Approver: model.Address(loginOf(t, "head").Address)}
	if err := f.sp.Enqueue(m, []store.QueueRcpt{{Addr: "all@example.com", Local: true}}, []byte("Subject: x\r\n\r\nbody\r\n")); err != nil {
		t.Fatal(err)
	}
	if err := f.sp.AddViolation(store.Violation{Member: member, Time: f.clock, MessageID: m.ID, Action: "hold", Subject: long,
		Reason: "whole-company mail needs approval"}); err != nil {
		t.Fatal(err)
	}
	s := f.session("member", "en")
	p := newHomePane(s)
	p.SetSize(65, 21)
	drive(p, p.Init())
	for _, l := range strings.Split(ansi.Strip(p.View()), "\n") {
		if strings.Contains(l, "Quarterly") {
			if !strings.HasSuffix(l, s.Styles.Ellipsis+"  ["+s.T.Mail.Held+"]") || lipgloss.Width(l) > 65 {
				t.Errorf("the subject line: %q", l)
			}
			return
		}
	}
	t.Fatalf("no line for the message:\n%s", ansi.Strip(p.View()))
}

// TestFilterFormHintWraps: a field's hint wider than the pane wraps under
// its input instead of running off the screen.
func TestFilterFormHintWraps(t *testing.T) {
	f := newMailFix(t)
	p := mailLogsPane(t, f, "auditor")
	p.SetSize(50, 21)
	drive(p, keyPress(p, "/"))
	v := ansi.Strip(p.View())
	if !strings.Contains(v, "empty for all") {
		t.Errorf("the hint is cut:\n%s", v)
	}
	for _, l := range strings.Split(v, "\n") {
		if lipgloss.Width(l) > 50 {
			t.Errorf("wider than the pane: %q", l)
		}
	}
}

// TestReasonsInChinese: a Chinese screen shows the Chinese the relay kept
// of a policy's reasons (held mail's detail, the mail log's row, detail
// and history, Home's violations); an English one the English; a record
// kept without Chinese shows its English on both.
func TestReasonsInChinese(t *testing.T) {
	f := newMailFix(t)
	member, head := model.Address(loginOf(t, "member").Address), model.Address(loginOf(t, "head").Address)
	en := "the rule daily-weekly-reports: the subject holds \"周报\", which may not go to the whole company without approval"
	zh := "规则 daily-weekly-reports：主题含“周报”，未经审批不能发给全公司"
	id := f.enqueue(&store.QueueMessage{Account: member, From: string(member), Direction: "internal", Subject: "本周周报",
		Status: store.MsgHeld, Approver: head, Reasons: []string{en}, ReasonsZH: []string{zh},
		Rules: []string{"content:daily-weekly-reports"}}, "all@example.com")
	if err := f.sp.AddViolation(store.Violation{Member: member, Time: f.clock, MessageID: id, Action: "hold",
		Rules: []string{"content:daily-weekly-reports"}, Reason: en, ReasonZH: zh, Subject: "本周周报"}); err != nil {
		t.Fatal(err)
	}
	old := "the rule daily-weekly-reports: the subject holds \"日计划\", which may not go to the whole company without approval"
	langs := []struct {
		lang       string
		want, lose string
	}{{"zh-CN", zh, en}, {"en", en, zh}}
	for _, c := range langs {
		// Held mail's detail.
		s := f.session("head", c.lang)
		q := newHeldPane(s)
		q.SetSize(140, 40)
		drive(q, q.Init())
		if q.selectedID() != id {
			t.Fatalf("the new held message is not first")
		}
		drive(q, keyPress(q, "enter"))
		if v := ansi.Strip(q.View()); !strings.Contains(v, c.want) || strings.Contains(v, c.lose) {
			t.Errorf("%s: held detail, want %q:\n%s", c.lang, c.want, v)
		}
		// Home's violations.
		s = f.session("member", c.lang)
		h := newHomePane(s)
		h.SetSize(200, 40)
		drive(h, h.Init())
		if v := ansi.Strip(h.View()); !strings.Contains(v, c.want) || strings.Contains(v, c.lose) {
			t.Errorf("%s: Home, want %q:\n%s", c.lang, c.want, v)
		}
	}

	// The mail log after the release: the reason is in the history.
	if _, err := f.sp.Release(id, head, f.clock); err != nil {
		t.Fatal(err)
	}
	for _, c := range langs {
		s := f.session("auditor", c.lang)
		p := newLogsPane(s).(*logsPane)
		p.SetSize(140, 30)
		drive(p, p.Init())
		drive(p, keyPress(p, "v"))
		drive(p, keyPress(p, "v"))
		find := func(id string) *store.MailRecord {
			for i := range p.mail.recs {
				if p.mail.recs[i].ID == id {
					return &p.mail.recs[i]
				}
			}
			t.Fatalf("%s: %s is not in the mail log", c.lang, id)
			return nil
		}
		rec := find(id)
		p.detail = &logsDetail{mail: rec}
		line := "held: " + en
		if c.lang == "zh-CN" {
			line = s.T.Mail.Held + "：" + zh
		}
		if v := ansi.Strip(strings.Join(p.mailDetailLines(140), "\n")); !strings.Contains(v, line) || strings.Contains(v, c.lose) {
			t.Errorf("%s: mail log history, want %q:\n%s", c.lang, line, v)
		}
		if len(rec.History) != 1 || rec.History[0] != "held: "+en || !strings.HasPrefix(rec.Reason, "released by ") {
			t.Errorf("the English stays in the record: %+v", rec)
		}
		// An older record without Chinese: English on both screens.
		p.detail = &logsDetail{mail: find(f.held1)}
		if v := ansi.Strip(strings.Join(p.mailDetailLines(140), "\n")); !strings.Contains(v, old) {
			t.Errorf("%s: an old record lost its English reason:\n%s", c.lang, v)
		}
	}
}
