package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"postroom/model"
	"postroom/store"
)

// TestPoliciesGolden: the mail policy as the admin sees it, the
// confirmation of a change with its impact, and an explained message, at
// both sizes and in both languages.
func TestPoliciesGolden(t *testing.T) {
	for _, view := range []string{"rules", "preview", "explain"} {
		for _, lang := range goldenLangs {
			for _, sz := range goldenSizes {
				t.Run(fmt.Sprintf("%s_%s_%dx%d", view, lang, sz.w, sz.h), func(t *testing.T) {
					st := demoStore(t)
					s := sessionAs(t, st, "admin", lang)
					app := newAppWith(s, "", []Pane{newPoliciesPane(s), newAccountPane(s)})
					out := runUI(t, app, sz.w, sz.h, func(tm *teatest.TestModel) {
						waitFor(t, tm, s.T.Policies.SecBroadcast)
						switch view {
						case "preview":
							press(tm, "space") // broadcast: hold → refuse
							press(tm, "j")
							press(tm, "enter") // the threshold
							for range 5 {
								press(tm, "backspace")
							}
							logsType(tm, "50")
							press(tm, "enter")
							press(tm, "ctrl+s")
							waitFor(t, tm, "y/n")
						case "explain":
							press(tm, "w")
							logsType(tm, loginOf(t, "member").Address)
							press(tm, "enter")
							logsType(tm, "all@example.com")
							press(tm, "enter")
							logsType(tm, "日计划")
							press(tm, "ctrl+s")
							waitFor(t, tm, s.Sprintf(s.T.Policies.Verdict, s.T.Mail.ActHold))
						}
					})
					requireGolden(t, out)
				})
			}
		}
	}
}

// policiesPaneFor is a loaded Policies pane for a role.
func policiesPaneFor(t *testing.T, st *store.Store, role, lang string) *policiesPane {
	t.Helper()
	s := sessionAs(t, st, role, lang)
	p := newPoliciesPane(s)
	p.SetSize(100, 30)
	drive(p, p.Init())
	if p.data == nil {
		t.Fatalf("the policy did not load: %s", p.err)
	}
	return p
}

// selectRow moves the selection to the first row with a label.
func selectRow(t *testing.T, p *policiesPane, label string) polRow {
	t.Helper()
	for i, r := range p.rows() {
		if r.label == label && r.kind != polHead {
			p.row = i
			p.clamp()
			return r
		}
	}
	t.Fatalf("no row %q", label)
	return polRow{}
}

func keyPress(p Pane, k string) tea.Cmd {
	var msg tea.KeyPressMsg
	switch k {
	case "enter":
		msg = tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		msg = tea.KeyPressMsg{Code: tea.KeyEscape}
	case "space":
		msg = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "ctrl+s":
		msg = tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}
	default:
		msg = tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
	}
	_, cmd := p.Update(msg)
	return cmd
}

func typeInto(p Pane, text string) {
	for _, r := range text {
		p.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// TestPoliciesSave: the admin changes the whole-company action, the
// threshold, the blacklist and the unknown-address rule; before saving
// the pane shows the impact (in Chinese, line by line) and asks; yes
// saves it through the audited write path, with the policy it was made
// from as the base.
func TestPoliciesSave(t *testing.T) {
	st := demoStore(t)
	p := policiesPaneFor(t, st, "admin", "zh-CN")
	t0 := p.s.T.Policies
	selectRow(t, p, t0.Action) // the first: whole-company mail
	keyPress(p, "space")
	if p.draft.Broadcast.Action != model.ActionRefuse {
		t.Fatalf("space made the action %s, want refuse", p.draft.Broadcast.Action)
	}
	selectRow(t, p, t0.Threshold)
	keyPress(p, "enter")
	p.input.SetValue("abc")
	keyPress(p, "enter")
	if !p.editing || p.editErr == "" {
		t.Fatalf("a threshold of abc was taken")
	}
	p.input.SetValue("50")
	keyPress(p, "enter")
	if p.editing || p.draft.Broadcast.Threshold != 50 {
		t.Fatalf("threshold %d", p.draft.Broadcast.Threshold)
	}
	selectRow(t, p, t0.AddEntry) // the blacklist's
	keyPress(p, "enter")
	typeInto(p, "spam.example.net")
	keyPress(p, "enter")
	if len(p.draft.Blacklist) != 1 || p.draft.Blacklist[0] != "spam.example.net" {
		t.Fatalf("blacklist %q", p.draft.Blacklist)
	}
	if !p.changed() || !strings.Contains(p.View(), t0.Unsaved[:6]) {
		t.Fatalf("the draft is not marked unsaved:\n%s", p.View())
	}
	drive(p, keyPress(p, "ctrl+s"))
	if p.preview == nil || p.preview.impact == nil {
		t.Fatalf("no preview: %+v\n%s", p.preview, p.View())
	}
	v := p.View()
	for _, want := range []string{"全员群发：无权限成员的全员邮件现在将被拒绝（原为扣留待审）", "黑名单：添加 spam.example.net", "y/n"} {
		if !strings.Contains(strings.ReplaceAll(v, "\n", ""), want) {
			t.Errorf("the preview does not say %q:\n%s", want, v)
		}
	}
	// Nothing is saved yet.
	var saved model.MailPolicy
	read := func() {
		st.Read(func(r *store.Reader) error {
			var err error
			saved, err = r.MailPolicy()
			return err
		})
	}
	read()
	if saved.Broadcast.Action != model.ActionHold {
		t.Fatalf("saved before the yes")
	}
	drive(p, keyPress(p, "y"))
	read()
	if saved.Broadcast.Action != model.ActionRefuse || saved.Broadcast.Threshold != 50 || len(saved.Blacklist) != 1 {
		t.Fatalf("after yes: %+v", saved.Broadcast)
	}
	if p.preview != nil || p.changed() {
		t.Errorf("after saving, the pane still shows a draft")
	}
	if opCount(t, st, "policy.set") != 1 {
		t.Errorf("the operation log has no policy.set")
	}
}

// TestPoliciesConflict: a draft made before another admin's change is
// refused, not saved over it.
func TestPoliciesConflict(t *testing.T) {
	st := demoStore(t)
	p := policiesPaneFor(t, st, "admin", "en")
	selectRow(t, p, p.s.T.Policies.Action)
	keyPress(p, "space")
	// Another admin changes the policy meanwhile.
	other := sessionAs(t, st, "admin", "en")
	pol := clonePolicy(p.base)
	pol.Whitelist = []string{"partner.com.cn"}
	if err := st.Apply(other.Actor, &model.SetMailPolicy{Policy: pol}); err != nil {
		t.Fatal(err)
	}
	drive(p, keyPress(p, "ctrl+s"))
	if p.preview == nil || p.preview.err == "" || !strings.Contains(p.preview.err, "someone else") {
		t.Fatalf("the stale draft was not refused: %+v", p.preview)
	}
}

// TestPoliciesAuditor: the auditor reads the policy and may explain, but
// no key changes it, and the model refuses a change anyway.
func TestPoliciesAuditor(t *testing.T) {
	st := demoStore(t)
	p := policiesPaneFor(t, st, "auditor", "en")
	before := clonePolicy(p.draft)
	for i, r := range p.rows() {
		if r.kind == polHead {
			continue
		}
		p.row = i
		for _, k := range []string{"space", "enter", "D", "n", "ctrl+s"} {
			keyPress(p, k)
			if p.editing || p.preview != nil {
				t.Fatalf("the auditor could %s on %q", k, r.label)
			}
		}
	}
	if p.changed() || fmt.Sprint(before) != fmt.Sprint(p.draft) {
		t.Errorf("the auditor changed the draft")
	}
	for _, b := range p.ShortHelp() {
		if b.Help().Desc == p.s.T.Policies.KeySave || b.Help().Desc == p.s.T.Policies.KeyCycle {
			t.Errorf("the help offers the auditor %q", b.Help().Desc)
		}
	}
	if !strings.Contains(p.View(), p.s.T.Policies.ReadOnly) {
		t.Errorf("not marked read-only:\n%s", p.View())
	}
	pol := clonePolicy(p.base)
	pol.Broadcast.Action = model.ActionAllow
	err := st.Apply(p.s.Actor, &model.SetMailPolicy{Policy: pol})
	if err == nil || !strings.Contains(err.Error(), string(model.RightPolicyManage)) {
		t.Errorf("the model let the auditor change the policy: %v", err)
	}
	// Explain works for the auditor.
	keyPress(p, "w")
	if p.explain == nil {
		t.Fatalf("no explain box for the auditor")
	}
}

// TestPoliciesExplain: a plain member's daily plan to the whole company is
// held for their head, with every rule named; mail from a blacklisted
// domain is refused; a hold explained with the unsaved draft says so.
func TestPoliciesExplain(t *testing.T) {
	st := demoStore(t)
	p := policiesPaneFor(t, st, "admin", "en")
	member, head := loginOf(t, "member").Address, loginOf(t, "head").Address
	explain := func(from, to, subject string) string {
		t.Helper()
		keyPress(p, "w")
		f := p.explain.form
		f.fields[0].input.SetValue(from)
		f.fields[1].input.SetValue(to)
		f.fields[2].input.SetValue(subject)
		drive(p, keyPress(p, "ctrl+s"))
		if p.explain.result == nil {
			t.Fatalf("no answer:\n%s", p.View())
		}
		out := strings.Join(p.resultLines(p.explain.result), "\n")
		keyPress(p, "esc")
		return out
	}
	out := explain(member, "all@example.com", "日计划 11-28")
	for _, want := range []string{"Decision: hold", "approver " + head, "content rule daily-weekly-reports", "Whole-company mail", "日计划"} {
		if !strings.Contains(out, want) {
			t.Errorf("the explanation does not say %q:\n%s", want, out)
		}
	}
	// A draft blacklist, explained before it is saved.
	selectRow(t, p, p.s.T.Policies.AddEntry)
	keyPress(p, "enter")
	typeInto(p, "spam.example.net")
	keyPress(p, "enter")
	out = explain("bulk@spam.example.net", member, "offer")
	for _, want := range []string{"Decision: refuse", p.s.T.Policies.WithDraft, "Blacklist"} {
		if !strings.Contains(out, want) {
			t.Errorf("the explanation does not say %q:\n%s", want, out)
		}
	}
}

// TestImpactLocalized: every line a broad policy change's impact gives is
// told in Chinese.
func TestImpactLocalized(t *testing.T) {
	st := demoStore(t)
	s := sessionAs(t, st, "admin", "zh-CN")
	var im model.PolicyImpact
	st.Read(func(r *store.Reader) error {
		old, err := r.MailPolicy()
		if err != nil {
			return err
		}
		p := clonePolicy(old)
		p.Broadcast.Action = model.ActionRefuse
		p.Broadcast.Threshold = 50
		p.Broadcast.Positions = append(p.Broadcast.Positions, model.PositionStaff)
		p.SkipLevel.Positions = p.SkipLevel.Positions[1:]
		p.SkipLevel.Action = model.ActionLog
		p.GroupPost.Action = model.ActionHold
		p.GroupPost.AllStaffAction = model.ActionRefuse
		p.Notices[0].Action = model.ActionHold
		p.Notices = append(p.Notices[:1], p.Notices[2:]...)
		p.Notices = append(p.Notices, model.NoticeRule{Name: "safety", Subjects: []string{"安全"}, Scope: model.ScopeAny, Action: model.ActionHold})
		p.Content[0].Action = model.ActionRefuse
		p.Content = append(p.Content[:1], model.ContentRule{Name: "secret", Keywords: []string{"机密"}, Scope: model.ScopeAny, ExternalOnly: true, Action: model.ActionHold})
		p.External.Members = []model.Address{model.Address(loginOf(t, "member").Address)}
		p.Blacklist = []string{"spam.example.net"}
		p.Whitelist = []string{"partner.com.cn"}
		p.UnknownLocal, p.CatchAll = model.UnknownCatchAll, model.Address(loginOf(t, "admin").Address)
		p, err = p.Clean()
		if err != nil {
			return err
		}
		im = p.Impact(r, old)
		return nil
	})
	if len(im.Lines) < 10 {
		t.Fatalf("only %d impact lines: %q", len(im.Lines), im.Lines)
	}
	for _, l := range im.Lines {
		zh := localizeImpact(s, l)
		english := zh == l
		for _, w := range []string{"members", " now ", "refused", "held", "allowed", "logged", "(was", " added", " removed", " changed", "executive", "staff"} {
			english = english || strings.Contains(zh, w)
		}
		if english {
			t.Errorf("not told in Chinese: %q → %q", l, zh)
		}
	}
}

// TestPoliciesTopAndPageUp: the list starts with a heading; g and pgup
// that reach it select the first rule instead of doing nothing.
func TestPoliciesTopAndPageUp(t *testing.T) {
	p := policiesPaneFor(t, demoStore(t), "admin", "en")
	p.SetSize(80, 21)
	first := -1
	for i, r := range p.rows() {
		if r.kind != polHead {
			first = i
			break
		}
	}
	for _, k := range []tea.KeyPressMsg{{Code: 'g', Text: "g"}, {Code: tea.KeyPgUp}} {
		p.Update(tea.KeyPressMsg{Code: 'G', Text: "G"})
		if p.row == first {
			t.Fatalf("G left the selection on the first rule")
		}
		for range 10 {
			p.Update(k)
		}
		if p.row != first || p.top != 0 {
			t.Errorf("%s from the end: row %d top %d, want row %d top 0", k.String(), p.row, p.top, first)
		}
	}
}

// TestWrapText: Chinese breaks between characters, so a sentence fills
// the line it starts on; punctuation stays with its neighbour; English
// breaks at spaces; what is wider than a line is cut.
func TestWrapText(t *testing.T) {
	for _, tt := range []struct {
		text string
		w    int
		want []string
	}{
		{"填好后按 ctrl+s（或在最后一栏按回车），这里会列出判定结果。", 30,
			[]string{"填好后按 ctrl+s（或在最后一栏", "按回车），这里会列出判定结果。"}},
		{"原因：主题含有放假，只能由人力资源部发出", 12,
			[]string{"原因：主题含", "有放假，只能", "由人力资源部", "发出"}},
		{"heads 销售部/华北大区, above", 12, []string{"heads 销售", "部/华北大区,", "above"}},
		{"the sender reads the reason you give", 16, []string{"the sender reads", "the reason you", "give"}},
		{"  - indented text here", 12, []string{"  - indented", "text here"}},
		{"abcdefghijklmnop", 6, []string{"abcdef", "ghijkl", "mnop"}},
		{"第一段\n第二段", 20, []string{"第一段", "第二段"}},
		{"", 10, []string{""}},
	} {
		got := wrapText(tt.text, tt.w)
		if !slices.Equal(got, tt.want) {
			t.Errorf("wrapText(%q, %d) = %q, want %q", tt.text, tt.w, got, tt.want)
		}
		for _, l := range got {
			if lipgloss.Width(l) > tt.w {
				t.Errorf("wrapText(%q, %d): %q is wider than the line", tt.text, tt.w, l)
			}
		}
	}
}

// TestPoliciesCutMarked: a rule too long for its line ends in an
// ellipsis; cut silently, the list of permitted classes read as if it
// were whole.
func TestPoliciesCutMarked(t *testing.T) {
	p := policiesPaneFor(t, demoStore(t), "admin", "zh-CN")
	p.SetSize(65, 21)
	for _, l := range strings.Split(ansi.Strip(p.View()), "\n") {
		if strings.Contains(l, "O级及以上领导") {
			if !strings.HasSuffix(strings.TrimRight(l, " "), p.s.Styles.Ellipsis) {
				t.Errorf("cut without a mark: %q", l)
			}
			return
		}
	}
	t.Fatalf("no permitted classes:\n%s", ansi.Strip(p.View()))
}

// TestPoliciesBackupRules: the pane lists the backup rules with their
// conditions, and D removes one through the same save, whose preview says
// so.
func TestPoliciesBackupRules(t *testing.T) {
	st := demoStore(t)
	var pol model.MailPolicy
	st.Read(func(r *store.Reader) error { var err error; pol, err = r.MailPolicy(); return err })
	pol.Backup = []model.BackupRule{{Name: "watch-out", Mailbox: "it.admin@example.com", Direction: "out", Senders: []model.Address{"wangwei@example.com"}}}
	if err := st.Apply(model.System(model.DoorCLI), &model.SetMailPolicy{Policy: pol}); err != nil {
		t.Fatal(err)
	}
	p := policiesPaneFor(t, st, "admin", "en")
	selectRow(t, p, "watch-out")
	v := strings.ReplaceAll(p.View(), "\n", "")
	for _, want := range []string{"copies to it.admin@example.com", "from wangwei@example.com · direction out", "D removes this rule"} {
		if !strings.Contains(v, want) {
			t.Errorf("the pane does not say %q:\n%s", want, p.View())
		}
	}
	keyPress(p, "D")
	if len(p.draft.Backup) != 0 {
		t.Fatalf("D left %+v", p.draft.Backup)
	}
	drive(p, keyPress(p, "ctrl+s"))
	if v := strings.ReplaceAll(p.View(), "\n", ""); !strings.Contains(v, "backup watch-out removed") {
		t.Errorf("the preview does not name the removal:\n%s", p.View())
	}
	drive(p, keyPress(p, "y"))
	st.Read(func(r *store.Reader) error { var err error; pol, err = r.MailPolicy(); return err })
	if len(pol.Backup) != 0 {
		t.Errorf("saved backup rules %+v", pol.Backup)
	}
}
