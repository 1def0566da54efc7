package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"postroom/model"
	"postroom/store"
)

// withSignature saves a signature in the demo company's policy.
func withSignature(t *testing.T, st *store.Store, optOut bool) {
	t.Helper()
	var pol model.MailPolicy
	st.Read(func(r *store.Reader) error { var err error; pol, err = r.MailPolicy(); return err })
	pol.Signature = model.SignaturePolicy{Text: "{{.Name}}{{with .Title}} · {{.}}{{end}}\n{{.Department}}\n{{with .Phone}}电话 {{.}}\n{{end}}{{.Enterprise}}", OptOut: optOut}
	if err := st.Apply(model.System(model.DoorCLI), &model.SetMailPolicy{Policy: pol}); err != nil {
		t.Fatal(err)
	}
}

// TestPoliciesSignaturePreview: the Signature section shows the template
// and whether members may opt out; enter on Preview shows the signature
// filled with the reader's own fields, and another member's after their
// address is typed; an auditor previews too; the opt-out choice is
// changed in the draft and saved like any rule.
func TestPoliciesSignaturePreview(t *testing.T) {
	st := demoStore(t)
	withSignature(t, st, false)
	p := policiesPaneFor(t, st, "admin", "en")
	selectRow(t, p, p.s.T.Policies.Sig.Preview)
	drive(p, keyPress(p, "enter"))
	me := p.s.Actor.Address
	v := p.View()
	if p.signature == nil || p.signature.result == nil || p.signature.result.err != nil || !strings.Contains(v, "-- ") || !strings.Contains(v, p.signature.result.member.Name) {
		t.Fatalf("preview for %s:\n%s", me, v)
	}
	member := loginOf(t, "member")
	for range len(me) {
		keyPress(p, "backspace")
	}
	typeInto(p, member.Address)
	drive(p, keyPress(p, "enter"))
	if v := p.View(); !strings.Contains(v, member.Name) || !strings.Contains(v, "HTML part:") || !strings.Contains(v, "<br>") {
		t.Fatalf("preview for %s:\n%s", member.Address, v)
	}
	keyPress(p, "esc")
	if p.signature != nil {
		t.Fatal("esc left the preview open")
	}
	selectRow(t, p, p.s.T.Policies.Sig.OptOut)
	keyPress(p, "space")
	drive(p, keyPress(p, "ctrl+s"))
	drive(p, keyPress(p, "y"))
	var pol model.MailPolicy
	st.Read(func(r *store.Reader) error { var err error; pol, err = r.MailPolicy(); return err })
	if !pol.Signature.OptOut {
		t.Errorf("the opt-out choice was not saved: %+v", pol.Signature)
	}

	a := policiesPaneFor(t, st, "auditor", "zh-CN")
	selectRow(t, a, a.s.T.Policies.Sig.Preview)
	drive(a, keyPress(a, "enter"))
	if a.signature == nil || a.signature.result == nil || a.signature.result.err != nil || !strings.Contains(a.View(), "纯文本部分") {
		t.Fatalf("the auditor's preview:\n%s", a.View())
	}
}

// TestPoliciesSignatureGolden: the preview box at both sizes in both
// languages.
func TestPoliciesSignatureGolden(t *testing.T) {
	for _, lang := range goldenLangs {
		for _, sz := range goldenSizes {
			t.Run(fmt.Sprintf("%s_%dx%d", lang, sz.w, sz.h), func(t *testing.T) {
				st := demoStore(t)
				withSignature(t, st, true)
				s := sessionAs(t, st, "admin", lang)
				app := newAppWith(s, "", []Pane{newPoliciesPane(s), newAccountPane(s)})
				out := runUI(t, app, sz.w, sz.h, func(tm *teatest.TestModel) {
					waitFor(t, tm, s.T.Policies.SecBroadcast)
					press(tm, "G")
					press(tm, "enter")
					waitFor(t, tm, s.T.Policies.Sig.AsHTML)
				})
				requireGolden(t, out)
			})
		}
	}
}
