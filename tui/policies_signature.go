package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"postroom/model"
	"postroom/store"
)

// policySignature is the signature preview box (MAILFX-1): a member's
// address, and the signature as that member's mail gets it.
type policySignature struct {
	form   *form
	busy   bool
	result *signatureResult
	top    int
}

// signatureResult is the signature filled in for one member.
type signatureResult struct {
	err      error
	member   *model.Member
	on       bool // a signature is set
	optedOut bool // the member turned it off (the policy allows it)
	sig      model.RenderedSignature
}

type signaturePreviewedMsg struct{ result *signatureResult }

// signatureRows are the Signature section: the template's first line,
// whether members may opt out (cycled in the draft), and the row that
// opens the preview.
func (p *policiesPane) signatureRows(out *[]polRow) {
	t := p.s.T.Policies
	d := &p.draft
	*out = append(*out, polRow{kind: polHead, label: t.Sig.Section})
	if !d.Signature.On() {
		*out = append(*out, polRow{kind: polInfo, label: t.Sig.None})
		return
	}
	first, _, more := strings.Cut(d.Signature.Text, "\n")
	if more {
		first += " …"
	}
	*out = append(*out, polRow{kind: polInfo, label: t.Sig.Text, value: first, note: t.Sig.SetBy})
	*out = append(*out, polRow{kind: polChoice, label: t.Sig.OptOut, value: yesNo(p.s, d.Signature.OptOut), hint: t.Sig.HintCycle,
		cycle: func(pol *model.MailPolicy) { pol.Signature.OptOut = !pol.Signature.OptOut }})
	*out = append(*out, polRow{kind: polInfo, label: t.Sig.Preview, value: t.Sig.PreviewHint, open: p.openSignature})
}

// yesNo is yes or no in the person's language.
func yesNo(s *Session, b bool) string {
	if b {
		return s.T.Policies.Sig.Yes
	}
	return s.T.Policies.Sig.No
}

// openSignature opens the preview box, on the person's own address.
func (p *policiesPane) openSignature() tea.Cmd {
	t := p.s.T.Policies
	f := newForm(p.s, t.Sig.Title)
	f.add("member", t.Sig.Member, string(p.s.Actor.Address), false, t.Sig.HintMember)
	f.SetSize(p.width, p.height)
	p.signature = &policySignature{form: f}
	return p.submitSignature()
}

func (p *policiesPane) signatureKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	k := p.s.Keys
	sg := p.signature
	switch {
	case key.Matches(msg, k.PageDown):
		sg.top += max(1, p.height/2)
		return p, nil
	case key.Matches(msg, k.PageUp):
		sg.top = max(0, sg.top-max(1, p.height/2))
		return p, nil
	}
	if sg.busy {
		if key.Matches(msg, k.Back) {
			p.signature = nil
		}
		return p, nil
	}
	res, cmd := sg.form.Update(msg)
	switch res {
	case formCancelled:
		p.signature = nil
		return p, nil
	case formSubmitted:
		return p, p.submitSignature()
	}
	return p, cmd
}

// submitSignature fills the draft's signature in for the member typed.
func (p *policiesPane) submitSignature() tea.Cmd {
	sg := p.signature
	sg.form.clearErrors()
	a, err := model.ParseAddress(sg.form.value("member"))
	if err != nil {
		sg.form.setError("member", p.s.ErrText(err))
		return nil
	}
	st, actor, draft := p.s.Store, p.s.Actor, clonePolicy(p.draft)
	sg.busy = true
	return func() tea.Msg { return signaturePreviewedMsg{result: previewSignature(st, actor, draft, a)} }
}

// previewSignature renders the policy's signature for member a, as the
// relay would add it; someone who may not see the member is refused.
func previewSignature(st *store.Store, actor model.Actor, pol model.MailPolicy, a model.Address) *signatureResult {
	out := &signatureResult{on: pol.Signature.On()}
	out.err = st.Read(func(r *store.Reader) error {
		m, err := r.Member(a)
		if err != nil {
			return err
		}
		if a != actor.Address && !model.CanSee(actor, m, r) {
			return model.Authorize(actor, model.RightMemberRead, model.Scope(m.Depts), r)
		}
		out.member = m
		out.optedOut = m.NoSignature && pol.Signature.OptOut
		shown := m.Clone()
		shown.NoSignature = false
		out.sig, _, err = model.SignatureFor(r, pol, nil, shown)
		return err
	})
	return out
}

// signatureLines draws the preview box: the form, then the signature's
// text form framed as it ends a message, then the HTML form.
func (p *policiesPane) signatureLines() []string {
	st := p.s.Styles
	t := p.s.T.Policies
	sg := p.signature
	w := max(10, p.width-1)
	out := strings.Split(sg.form.View(), "\n")
	out = append(out, "")
	var body []string
	switch r := sg.result; {
	case sg.busy:
		body = []string{st.Subtle.Render(p.s.T.Common.Loading)}
	case r == nil:
	case r.err != nil:
		body = wrapStyled(st.Error, p.s.ErrText(r.err), w)
	case !r.on:
		body = wrapStyled(st.Subtle, t.Sig.None, w)
	default:
		if r.optedOut {
			body = append(body, wrapStyled(st.Warn, p.s.Sprintf(t.Sig.OptedOut, r.member.Address), w)...)
		} else {
			body = append(body, wrapStyled(st.OK, p.s.Sprintf(t.Sig.For, r.member.Name, r.member.Address), w)...)
		}
		body = append(body, "", st.Subtle.Render(t.Sig.AsText))
		body = append(body, "  "+st.Value.Render("-- "))
		for _, l := range strings.Split(r.sig.Text, "\n") {
			body = append(body, wrapStyledIndent(st, l, w)...)
		}
		body = append(body, "", st.Subtle.Render(t.Sig.AsHTML))
		for _, l := range strings.Split(r.sig.HTML, "\n") {
			body = append(body, wrapStyledIndent(st, l, w)...)
		}
	}
	room := max(1, p.height-len(out))
	if len(body) > room {
		room--
	}
	top := max(0, min(sg.top, len(body)-room))
	sg.top = top
	end := min(len(body), top+room)
	out = append(out, body[top:end]...)
	if len(body) > room {
		for len(out) < p.height-1 {
			out = append(out, "")
		}
		out = append(out, st.Subtle.Render(truncate(p.s.Sprintf(t.More, top+1, end, len(body)), p.width)))
	}
	return out
}

// wrapStyledIndent wraps a line of the signature two cells in.
func wrapStyledIndent(st *Styles, l string, w int) []string {
	lines := wrapStyled(st.Value, l, max(8, w-2))
	for i := range lines {
		lines[i] = "  " + lines[i]
	}
	if len(lines) == 0 {
		return []string{""}
	}
	return lines
}
