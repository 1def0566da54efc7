package tui

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
)

// openExplain opens the explain box: who sends, to whom, with what
// subject; the answer is the decision and every rule that had a say.
func (p *policiesPane) openExplain() tea.Cmd {
	t := p.s.T.Policies
	f := newForm(p.s, t.ExplainTitle)
	f.add("from", t.ExplainFrom, "", false, t.HintFrom)
	f.add("to", t.ExplainTo, "", false, t.HintTo)
	f.add("subject", t.ExplainSubject, "", false, t.HintSubject)
	f.add("text", t.ExplainText, "", false, t.HintText)
	f.add("account", t.ExplainAccount, "", false, t.HintAccount)
	f.SetSize(p.width, p.height)
	p.explain = &policyExplain{form: f}
	return nil
}

func (p *policiesPane) explainKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	k := p.s.Keys
	e := p.explain
	switch {
	case key.Matches(msg, k.PageDown):
		e.top += max(1, p.height/2)
		return p, nil
	case key.Matches(msg, k.PageUp):
		e.top = max(0, e.top-max(1, p.height/2))
		return p, nil
	}
	if e.busy {
		if key.Matches(msg, k.Back) {
			p.explain = nil
		}
		return p, nil
	}
	res, cmd := e.form.Update(msg)
	switch res {
	case formCancelled:
		p.explain = nil
		return p, nil
	case formSubmitted:
		return p, p.submitExplain()
	}
	return p, cmd
}

// submitExplain reads the form; a mistake is named under its field.
func (p *policiesPane) submitExplain() tea.Cmd {
	t := p.s.T.Policies
	e := p.explain
	f := e.form
	f.clearErrors()
	from, err := model.ParseAddress(f.value("from"))
	if err != nil {
		f.setError("from", p.s.ErrText(err))
		return nil
	}
	var rcpts []model.Address
	for _, part := range splitTyped(f.value("to"), ",，;；") {
		a, err := model.ParseAddress(part)
		if err != nil {
			f.setError("to", p.s.ErrText(err))
			return nil
		}
		rcpts = append(rcpts, a)
	}
	if len(rcpts) == 0 {
		f.setError("to", t.NeedTo)
		return nil
	}
	var account model.Address
	if v := f.value("account"); v != "" {
		if account, err = model.ParseAddress(v); err != nil {
			f.setError("account", p.s.ErrText(err))
			return nil
		}
	}
	subject, text := f.value("subject"), f.value("text")
	st, now, me := p.s.Store, p.s.Now(), p.s.Actor.Address
	var draft *model.MailPolicy
	if p.changed() {
		d := clonePolicy(p.draft)
		draft = &d
	}
	e.busy, e.draft = true, draft != nil
	return func() tea.Msg {
		return policyExplainedMsg{result: explainMail(st, draft, explainAsk{from: from, account: account, me: me, rcpts: rcpts,
			subject: subject, text: text, now: now})}
	}
}

// explainAsk is the message to judge.
type explainAsk struct {
	from    model.Address
	account model.Address // the member who sends; "" for the owner of from, else me
	me      model.Address
	rcpts   []model.Address
	subject string
	text    string
	now     time.Time
}

// explainMail judges a message the way the relay would (and as policy
// explain does): recipients are resolved, then a member's mail goes
// through DecideSubmission and mail from outside through DecideInbound and
// each mailbox's InboundCheck. The policy is the saved one, or the draft
// when one is given.
func explainMail(st *store.Store, draft *model.MailPolicy, ask explainAsk) *explainResult {
	from := ask.from
	out := &explainResult{from: from}
	out.err = st.Read(func(r *store.Reader) error {
		pol, err := r.MailPolicy()
		if err != nil {
			return err
		}
		if draft != nil {
			if pol, err = draft.Clean(); err != nil {
				return err
			}
		}
		out.unknown, out.catchAll = pol.UnknownLocal, pol.CatchAll
		if out.res, err = model.ResolveRecipients(r, pol, ask.rcpts); err != nil {
			return err
		}
		if !r.IsLocal(from.Domain()) {
			out.inbound = true
			if out.decision, err = model.DecideInbound(r, pol, from, out.res); err != nil {
				return err
			}
			for _, mb := range out.res.Local {
				d, err := model.InboundCheck(r, pol, from, mb)
				if err != nil {
					return err
				}
				if len(d.Hits) > 0 {
					out.mailboxes = append(out.mailboxes, d)
				}
			}
			return nil
		}
		m, err := explainSender(r, ask)
		if err != nil {
			return err
		}
		out.decision, err = model.DecideSubmission(r, pol, model.Submission{Sender: m, MailFrom: from, HeaderFrom: from,
			Rcpts: out.res, Subject: ask.subject, Text: ask.text, Now: ask.now})
		return err
	})
	return out
}

// explainSender is the member who sends: the one named, else the owner of
// the address (a member or an alias), else the person asking (who may
// send as a shared or department mailbox).
func explainSender(r *store.Reader, ask explainAsk) (*model.Member, error) {
	if ask.account != "" {
		return r.Resolve(ask.account)
	}
	o, ok, err := r.Owner(ask.from)
	if err != nil {
		return nil, err
	}
	switch {
	case ok && o.Kind == model.OwnerMember:
		return r.Member(ask.from)
	case ok && o.Kind == model.OwnerAlias:
		return r.Member(o.Member)
	}
	return r.Member(ask.me)
}

// explainLines draws the explain box: the form, then the answer.
func (p *policiesPane) explainLines() ([]string, int, int) {
	st := p.s.Styles
	e := p.explain
	out := strings.Split(e.form.View(), "\n")
	out = append(out, "")
	var body []string
	switch {
	case e.busy:
		body = []string{st.Subtle.Render(p.s.T.Common.Loading)}
	case e.result != nil:
		body = p.resultLines(e.result)
	default:
		body = wrapStyled(st.Subtle, p.s.T.Policies.ExplainIntro, max(10, p.width-1))
	}
	room := max(1, p.height-len(out))
	if len(body) > room {
		room-- // a line says where in the answer the screen is
	}
	top := max(0, min(e.top, len(body)-room))
	e.top = top
	end := min(len(body), top+room)
	out = append(out, body[top:end]...)
	if len(body) > room {
		for len(out) < p.height-1 {
			out = append(out, "")
		}
		out = append(out, st.Subtle.Render(truncate(p.s.Sprintf(p.s.T.Policies.More, top+1, end, len(body)), p.width)))
	}
	return out, -1, 0
}

// resultLines tells the decision: the verdict, who approves a hold, the
// recipients as resolved, and every rule that had a say.
func (p *policiesPane) resultLines(r *explainResult) []string {
	st := p.s.Styles
	t := p.s.T.Policies
	w := max(10, p.width-1)
	if r.err != nil {
		return wrapStyled(st.Error, p.s.ErrText(r.err), w)
	}
	d := r.decision
	// Mail from outside is judged for each mailbox too: the strongest
	// verdict of them all is the message's.
	for _, mb := range r.mailboxes {
		if mb.Action.Rank() > d.Action.Rank() {
			d.Action, d.Reason = mb.Action, mb.Reason
		}
	}
	hits := slices.Clone(d.Hits)
	for _, mb := range r.mailboxes {
		hits = append(hits, mb.Hits...)
	}
	var out []string
	verdict := p.s.Sprintf(t.Verdict, actionText(p.s, d.Action))
	style := st.OK
	switch d.Action {
	case model.ActionHold, model.ActionLog:
		style = st.Warn
	case model.ActionRefuse:
		style = st.Error
	}
	if d.Action == model.ActionHold && d.Approver != "" {
		verdict += "  " + p.s.Sprintf(t.ApprovedBy, d.Approver)
	}
	out = append(out, style.Bold(true).Render(truncate(verdict, w)))
	if p.explain.draft {
		out = append(out, st.Warn.Render(truncate(t.WithDraft, w)))
	}
	if d.Reason != nil {
		out = append(out, wrapStyled(st.Value, p.s.Sprintf(t.Why, p.s.ErrText(d.Reason)), w)...)
	}
	res := r.res
	kind := t.Outgoing
	if r.inbound {
		kind = t.Incoming
	}
	out = append(out, wrapStyled(st.Value, p.s.Sprintf(t.Reach, kind, len(res.Local), len(res.Remote), len(res.Unknown)), w)...)
	if res.AllStaff {
		out = append(out, wrapStyled(st.Warn, t.AllStaffHit, w)...)
	}
	if len(res.Unknown) > 0 {
		var names []string
		for _, a := range res.Unknown {
			names = append(names, string(a))
		}
		what := p.s.Sprintf(t.UnknownRefused, strings.Join(names, ", "))
		if r.unknown == model.UnknownCatchAll {
			what = p.s.Sprintf(t.UnknownToCatchAll, strings.Join(names, ", "), r.catchAll)
		}
		out = append(out, wrapStyled(st.Warn, what, w)...)
	}
	out = append(out, "", st.Label.Render(p.s.Sprintf(t.Hits, len(hits))))
	if len(hits) == 0 {
		out = append(out, "  "+st.Subtle.Render(t.NoHits))
	}
	for _, h := range hits {
		head := "[" + actionText(p.s, h.Action) + "] " + p.ruleText(h.Rule)
		if h.Reviewer != "" && h.Action == model.ActionHold {
			head += "  " + p.s.Sprintf(t.ApprovedBy, h.Reviewer)
		}
		out = append(out, logWrapIndent(head, 2, w)...)
		if h.Reason != nil {
			out = append(out, logWrapIndent(p.s.ErrText(h.Reason), 4, w)...)
		}
	}
	return out
}

// ruleText names a rule hit in the person's language, with its own name
// (a group's address, a notice's or content rule's name) after it.
func (p *policiesPane) ruleText(rule string) string {
	t := p.s.T.Policies
	kinds := []struct{ id, name string }{
		{model.RuleSenderBinding, t.RuleSender}, {model.RuleBroadcast, t.SecBroadcast}, {model.RuleGroupPost, t.SecGroupPost},
		{model.RuleNotice, t.RuleNotice}, {model.RuleSkipLevel, t.SecSkipLevel}, {model.RuleContent, t.RuleContent},
		{model.RuleExternal, t.SecExternal}, {model.RuleApprover, t.RuleApprover}, {model.RuleOwnBlock, t.RuleOwnBlock},
		{model.RuleBlacklist, t.SecBlacklist}, {model.RuleWhitelist, t.SecWhitelist}, {model.RuleOwnAllow, t.RuleOwnAllow},
	}
	for _, k := range kinds {
		if rest, ok := strings.CutPrefix(rule, k.id); ok && (rest == "" || strings.HasSuffix(k.id, ":")) {
			if rest != "" {
				return k.name + " " + rest
			}
			return k.name
		}
	}
	return rule
}

// impactMatcher is one English impact line format as a pattern, with its
// Chinese form.
type impactMatcher struct {
	re    *regexp.Regexp
	verbs []byte // each argument's verb: 'd' or 's'
	zh    string
}

var (
	impactOnce     sync.Once
	impactMatchers []impactMatcher
)

// impactPatterns turns the impact formats into patterns, once: the table
// is read-only after, so every session may use it.
func impactPatterns() []impactMatcher {
	impactOnce.Do(func() {
		for _, pair := range assets.ImpactFormats() {
			var b strings.Builder
			var verbs []byte
			b.WriteString("^")
			rest := pair[0]
			for {
				i := strings.IndexByte(rest, '%')
				if i < 0 || i == len(rest)-1 {
					b.WriteString(regexp.QuoteMeta(rest))
					break
				}
				b.WriteString(regexp.QuoteMeta(rest[:i]))
				verbs = append(verbs, rest[i+1])
				switch rest[i+1] {
				case 'd':
					b.WriteString(`(-?\d+)`)
				default:
					b.WriteString(`(.+?)`)
				}
				rest = rest[i+2:]
			}
			b.WriteString("$")
			impactMatchers = append(impactMatchers, impactMatcher{re: regexp.MustCompile(b.String()), verbs: verbs, zh: pair[1]})
		}
	})
	return impactMatchers
}

// localizeImpact tells one line of a policy change's impact in the
// person's language: in Chinese from the table of impact formats, its
// words (actions, rule names) translated too; anything without a
// translation as it is.
func localizeImpact(s *Session, line string) string {
	if !assets.IsChinese(s.T.Lang) {
		return line
	}
	if zh, ok := impactZH(line, 0); ok {
		return zh
	}
	return line
}

func impactZH(line string, depth int) (string, bool) {
	if w, ok := assets.ImpactWord(line); ok {
		return w, true
	}
	// A list of position classes: each by its Chinese name.
	if parts := strings.Split(line, ", "); len(parts) > 0 {
		names := make([]string, 0, len(parts))
		for _, part := range parts {
			pos, err := model.ParsePosition(part)
			if err != nil || part == "" || pos.ZH() == "" {
				names = nil
				break
			}
			names = append(names, pos.ZH())
		}
		if names != nil {
			return strings.Join(names, "、"), true
		}
	}
	if depth > 2 {
		return line, false
	}
	for _, m := range impactPatterns() {
		sub := m.re.FindStringSubmatch(line)
		if sub == nil {
			continue
		}
		args := make([]any, len(sub)-1)
		for i, a := range sub[1:] {
			if m.verbs[i] == 'd' {
				args[i], _ = strconv.Atoi(a)
				continue
			}
			if zh, ok := impactZH(a, depth+1); ok {
				args[i] = zh
			} else {
				args[i] = a
			}
		}
		return fmt.Sprintf(m.zh, args...), true
	}
	return line, false
}
