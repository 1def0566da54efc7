package mail

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

// transaction runs MAIL, RCPT and (when the recipient is taken) DATA on a
// raw connection and returns the last reply.
func transaction(r *raw, from, to, subject string, smtputf8 bool) string {
	r.t.Helper()
	param := ""
	if smtputf8 {
		param = " SMTPUTF8"
	}
	if got := r.cmd("MAIL FROM:<" + from + ">" + param); !strings.HasPrefix(got, "250") {
		return got
	}
	if got := r.cmd("RCPT TO:<" + to + ">"); !strings.HasPrefix(got, "250") {
		return got
	}
	r.expectCmd("DATA", "354")
	r.send(message(from, to, subject, "大家好") + ".\r\n")
	return r.reply()
}

// isASCIIReply says whether a reply is ASCII without a "?" standing for
// what could not be shown.
func isASCIIReply(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return !strings.Contains(s, "?")
}

// Replies to refused, held and unknown-recipient mail are ASCII for a
// client that did not ask for SMTPUTF8, even when the reason names Chinese
// departments, subject words or rule names: readable, never "??"; the codes
// and fixed prefixes are those of docs/MAIL.md.
func TestRepliesAreASCII(t *testing.T) {
	ts := newTestServer(t, nil)
	admin := demoLogin(t, "admin")
	act, err := cmd.LocalActor(ts.store, admin.Address)
	if err != nil {
		t.Fatal(err)
	}
	var pol model.MailPolicy
	ts.store.Read(func(r *store.Reader) error { pol, err = r.MailPolicy(); return err })
	pol.Content = append(pol.Content, model.ContentRule{Name: "机密文件", Subjects: []string{"机密"}, Scope: model.ScopeAny, Action: model.ActionRefuse})
	if err := ts.store.Apply(act, &model.SetMailPolicy{Policy: pol}); err != nil {
		t.Fatal(err)
	}
	member := demoLogin(t, "member").Address // 王伟, 销售部/华北大区/北京一组, head liuyang

	cases := []struct {
		name, to, subject string
		smtputf8          bool
		want              []string // prefix, then parts in order
		utf8              bool     // the reply may hold UTF-8 (SMTPUTF8 asked for)
	}{
		{name: "refused: a Chinese subject word", to: "all@example.com", subject: "放假安排",
			want: []string{"550 5.7.1 ", `the subject word "fangjia" makes this a holiday notice, which only hr@example.com may send`}},
		{name: "refused: a rule with a Chinese name", to: "liuyang@example.com", subject: "机密：客户名单",
			want: []string{"550 5.7.1 ", `the rule jimiwenjian: the subject holds "jimi"`}},
		{name: "held: a Chinese department (skip-level)", to: "huanghai@example.com", subject: "请示",
			want: []string{"250 2.0.0 Message held for approval: request ", "(huanghai@example.com heads xiaoshoubu, above your own head liuyang@example.com: mail that skips a level needs your head's approval); liuyang@example.com decides"}},
		{name: "held: several rules", to: "all@example.com", subject: "周计划",
			want: []string{"250 2.0.0 Message held for approval: request ", "more rule(s): see the notice mail); liuyang@example.com decides"}},
		{name: "unknown recipient", to: "nobody@example.com", subject: "x",
			want: []string{"550 5.1.1 No such mailbox: nobody@example.com"}},
		{name: "held, SMTPUTF8 asked for: the department as it is", to: "huanghai@example.com", subject: "请示", smtputf8: true, utf8: true,
			want: []string{"250 2.0.0 Message held for approval: request ", "(huanghai@example.com heads 销售部, above your own head"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := transaction(submitRaw(t, ts, "member"), member, tc.to, tc.subject, tc.smtputf8)
			if !tc.utf8 && !isASCIIReply(got) {
				t.Errorf("reply is not plain ASCII: %q", got)
			}
			if !strings.HasPrefix(got, tc.want[0]) {
				t.Fatalf("reply %q, want it to begin %q", got, tc.want[0])
			}
			rest := got
			for _, w := range tc.want[1:] {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("reply %q lacks %q", got, w)
				}
				rest = rest[i+len(w):]
			}
		})
	}
}

// A trusted system's name that is not ASCII is replaced by the address it
// sends as; a hold with no department head above names who decides.
func TestTrustedSystemRepliesAreASCII(t *testing.T) {
	ts := newTestServer(t, func(c *Config) {
		c.Trusted = []Trusted{{Name: "打印机", Networks: []string{"127.0.0.1/32"}, Sender: "printer@example.com"}}
	})
	const sender = "printer@example.com"
	cases := []struct {
		name, from, to, subject string
		want                    string
	}{
		{name: "MAIL as another sender", from: "ceo@example.com", to: "wangwei@example.com",
			want: "550 5.7.1 The system printer@example.com sends as printer@example.com only"},
		{name: "RCPT outside", from: sender, to: "someone@outside.test",
			want: "550 5.7.1 The system printer@example.com may send inside the company only"},
		{name: "DATA to all staff", from: sender, to: "all@example.com", subject: "打印机维护",
			want: "550 5.7.1 the trusted system printer@example.com may not send to the whole company: its configuration does not allow it"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := dialRaw(t, ts.submission)
			r.expectCmd("EHLO client.test", "250")
			got := transaction(r, tc.from, tc.to, tc.subject, false)
			if !strings.HasPrefix(got, tc.want) || !isASCIIReply(got) {
				t.Fatalf("reply %q, want it to begin %q", got, tc.want)
			}
		})
	}

	ts2 := newTestServer(t, func(c *Config) {
		c.Trusted = []Trusted{{Name: "打印机", Networks: []string{"127.0.0.1/32"}, Sender: sender, Broadcast: true}}
	})
	r := dialRaw(t, ts2.submission)
	r.expectCmd("EHLO client.test", "250")
	got := transaction(r, sender, "all@example.com", "周计划", false)
	if !strings.HasPrefix(got, "250 2.0.0 Message held for approval: request ") || !strings.HasSuffix(got, "); an administrator decides") || !isASCIIReply(got) {
		t.Fatalf("hold of a trusted system's mail: %q", got)
	}
}

// The reason's words are swapped where they were arguments, in every part.
func TestReasonTextSwapsArguments(t *testing.T) {
	sys := model.Forbiddenf("the trusted system %s may not send to the whole company: its configuration does not allow it", "打印机")
	group := model.Forbiddenf("only members of the group %s may post to it; %s is not one", model.Address("all@example.com"), "打印机")
	swap := func(w string) string {
		if w == "打印机" {
			return "printer@example.com"
		}
		return w
	}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{sys, "the trusted system printer@example.com may not send to the whole company: its configuration does not allow it"},
		{errors.Join(sys, group), "the trusted system printer@example.com may not send to the whole company: its configuration does not allow it\n" +
			"only members of the group all@example.com may post to it; printer@example.com is not one"},
		{fmt.Errorf("group-post: %w", group), "group-post: only members of the group all@example.com may post to it; printer@example.com is not one"},
		{model.Forbiddenf("the rule %s: the subject holds %q", "打印机", "打印机"), `the rule printer@example.com: the subject holds "printer@example.com"`},
		{nil, ""},
	} {
		if got := reasonText(tc.err, swap); got != tc.want {
			t.Errorf("reasonText(%v) = %q, want %q", tc.err, got, tc.want)
		}
		if got, want := reasonText(tc.err, func(w string) string { return w }), model.Localize(tc.err, "en"); got != want {
			t.Errorf("reasonText without a swap = %q, want the English text %q", got, want)
		}
	}
}

func TestASCIISpelling(t *testing.T) {
	for in, want := range map[string]string{
		"plain ASCII stays":     "plain ASCII stays",
		"销售部/华北大区/北京一组":         "xiaoshoubu/huabeidaqu/beijingyizu",
		"西安办事处":                 "xi'anbanshichu",
		`the subject word "放假"`: `the subject word "fangjia"`,
		"王伟 (销售部)":              "wangwei (xiaoshoubu)",
		"女":                     "nv",
		"ＡＢＣ１２３：全角":             "ABC123:quanjiao",
		"一、二。《三》【四】“五”":         "yi,er.<<san>>[si]\"wu\"",
		"José Müller":           "Jose Muller",
		"かな":                    "U+304B U+306A",
		"a😀b":                   "aU+1F600b",
	} {
		if got := asciiSpelling(in); got != want {
			t.Errorf("asciiSpelling(%q) = %q, want %q", in, got, want)
		}
	}
	if got := cleanReply("销售部\r\n", true); got != "销售部  " {
		t.Errorf("with SMTPUTF8: %q", got)
	}
}
