package mail

import (
	"strings"
	"testing"
	"time"

	"postroom/model"
)

// letters are the letters of a kind in a mailbox: subject and text of each.
func (ts *testServer) letters(t *testing.T, a model.Address, kind string) [][2]string {
	var out [][2]string
	for _, raw := range ts.maildirFiles(a, "") {
		if strings.Contains(raw, "X-Postroom-Notice: "+kind+"\r\n") {
			s, txt := noticeText(t, raw)
			out = append(out, [2]string{s, txt})
		}
	}
	return out
}

// TestWelcomeAndExpiryLetters (ANN-3): a new account gets one welcome
// letter, from the admins' template once they saved one; a password gets
// one reminder before it expires under a policy with a maximum age, from
// the relay's sweep, however often it runs.
func TestWelcomeAndExpiryLetters(t *testing.T) {
	ts := newTestServer(t, nil)
	ts.lateClock()
	admin := model.Address(demoLogin(t, "admin").Address)
	seed, _ := model.PolicyPreset(model.PresetSeed)
	ts.as(t, admin, &model.SetPasswordPolicy{Policy: seed})
	ts.run()

	first := model.Address("xin.yuangong@example.com")
	ts.as(t, admin, &model.AddMember{Address: first, Fields: model.MemberFields{Name: "辛元功", Depts: []string{annDept}, Title: "存储工程师"},
		Password: "Cunchu2026abc", MustChange: true})
	waitFor(t, "the welcome letter", func() bool { return len(ts.letters(t, first, model.LetterWelcome)) == 1 })
	w := ts.letters(t, first, model.LetterWelcome)[0]
	contains(t, "welcome subject", w[0], "欢迎加入", string(first))
	contains(t, "welcome letter", w[1], "辛元功，您好", annDept, "存储工程师", "第一次登录时系统会要求您设置新密码")

	// A bad template is refused with the parser's words; a good one is used.
	err := ts.store.Apply(mustActor(t, ts, admin), &model.SetLetterTemplate{Name: model.LetterWelcome, Lang: "zh-CN", Text: "Subject: 欢迎\n\n{{.Name"})
	if err == nil || !strings.Contains(err.Error(), "cannot be read") {
		t.Fatalf("a broken template: %v", err)
	}
	ts.as(t, admin, &model.SetLetterTemplate{Name: model.LetterWelcome, Lang: "zh-CN",
		Text: "Subject: {{.Name}}，欢迎！\n\n请于 {{date .Date}} 到 {{.Department}} 报到。\n"})
	second := model.Address("bao.daoren@example.com")
	ts.as(t, admin, &model.AddMember{Address: second, Fields: model.MemberFields{Name: "包道人", Depts: []string{annDept}}, Password: "Qiuyue2026lan"})
	waitFor(t, "the second welcome letter", func() bool { return len(ts.letters(t, second, model.LetterWelcome)) == 1 })
	w = ts.letters(t, second, model.LetterWelcome)[0]
	if w[0] != "包道人，欢迎！" || !strings.Contains(w[1], "到 "+annDept+" 报到") {
		t.Errorf("custom welcome: %q %q", w[0], w[1])
	}

	// The second's password (no change required) expires in 30 days: 27
	// days on, the reminder is due, once.
	ts.clock.Add(27 * 24 * time.Hour)
	ts.relay.sweepLetters()
	ts.relay.sweepLetters()
	waitFor(t, "the reminder", func() bool { return len(ts.letters(t, second, model.LetterPasswordExpiry)) == 1 })
	r := ts.letters(t, second, model.LetterPasswordExpiry)[0]
	contains(t, "reminder", r[0], "3 天后过期")
	contains(t, "reminder", r[1], "包道人，您好", string(second))
	// The first must change theirs at the first login: no reminder.
	ts.relay.sweepLetters()
	time.Sleep(100 * time.Millisecond)
	if n := len(ts.letters(t, second, model.LetterPasswordExpiry)); n != 1 {
		t.Errorf("%d reminders, want 1", n)
	}
	if n := len(ts.letters(t, first, model.LetterPasswordExpiry)); n != 0 {
		t.Errorf("a password to be changed at the first login was reminded %d times", n)
	}
}

// TestLetterInEnglish: the letters are written in the member's language.
func TestLetterInEnglish(t *testing.T) {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	d := model.SampleLetter(now)
	d.Name, d.DaysLeft = "Alice", 5
	msg, subject, err := BuildLetter(nil, model.LetterPasswordExpiry, "en-US", d, "postmaster@example.com", "alice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if subject != "Your mail password expires in 5 days (2026-12-10)" {
		t.Errorf("subject %q", subject)
	}
	_, text := noticeText(t, string(msg))
	contains(t, "reminder", text, "Hello Alice,", "ssh -p 2222 zhang.wei@example.com@mail.example.com")
}

func mustActor(t *testing.T, ts *testServer, a model.Address) model.Actor {
	t.Helper()
	act, err := actorOf(ts, a)
	if err != nil {
		t.Fatal(err)
	}
	return act
}
