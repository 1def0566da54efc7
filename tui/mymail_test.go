package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"postroom/model"
	"postroom/store"
)

// TestMyMail: a member sees the mail they sent, each with what became of
// it and why, and opens one for its recipients and history; mail sent to
// them by others is not listed (its record names every recipient, Bcc
// included). Those who read the whole mail log have Logs instead.
func TestMyMail(t *testing.T) {
	f := newMailFix(t)
	for _, lang := range []string{"en", "zh-CN"} {
		s := f.session("member", lang)
		p := newMyMailPane(s)
		p.SetSize(64, 21)
		drive(p, p.Shown(true))
		v := ansi.Strip(p.View())
		for _, want := range []string{"放假通知", mailStatus(s, "refused"), "合同草稿"} {
			if !strings.Contains(v, want) {
				t.Errorf("%s: My mail lacks %q:\n%s", lang, want, v)
			}
		}
		for _, not := range []string{"周会纪要", "Re: 报价"} {
			if strings.Contains(v, not) {
				t.Errorf("%s: My mail lists mail others sent (%q):\n%s", lang, not, v)
			}
		}
	}
	s := f.session("member", "en")
	p := newMyMailPane(s)
	p.SetSize(64, 21)
	drive(p, p.Shown(true))
	for i, r := range p.recs {
		if r.Subject == "放假通知" {
			p.cursor = i
		}
	}
	pressKeys(p, "enter")
	v := strings.Join(strings.Fields(ansi.Strip(p.View())), " ")
	if p.detail == nil || !strings.Contains(v, "holiday notices to the whole company come only from hr@example.com") || !strings.Contains(v, "all@example.com") {
		t.Errorf("the detail:\n%s", v)
	}
	pressKeys(p, "esc")
	if p.detail != nil {
		t.Error("esc left the detail open")
	}

	for _, c := range []struct {
		role string
		want bool
	}{{"member", true}, {"head", true}, {"hr", true}, {"helpdesk", true}, {"admin", false}, {"auditor", false}} {
		s := f.session(c.role, "en")
		has := false
		for _, p := range panesFor(s, false) {
			if _, ok := p.(*myMailPane); ok {
				has = true
			}
		}
		if has != c.want || (has && s.Can(model.RightMailLogRead)) {
			t.Errorf("%s has My mail: %v, want %v", c.role, has, c.want)
		}
	}
}

// TestMyMailListPost: a post to a mailing list shows the list, not its
// outside subscribers.
func TestMyMailListPost(t *testing.T) {
	r := ownRecord(store.MailRecord{From: "news+bounces@example.com", To: []string{"a@outside.example", "b@outside.example"}, Count: 2})
	if len(r.To) != 1 || r.To[0] != "news@example.com" || r.Count != 2 {
		t.Errorf("the list post as its sender sees it: %+v", r)
	}
	if r := ownRecord(store.MailRecord{From: "wangwei@example.com", To: []string{"a@outside.example"}}); r.To[0] != "a@outside.example" {
		t.Errorf("a plain message changed: %+v", r)
	}
}
