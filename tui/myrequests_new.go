package tui

import (
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"postroom/model"
	"postroom/store"
)

// Filing a request from My requests (REQ-1): n opens a list of the kinds
// the person may file, enter on one opens its form, and submitting files
// it through the same change as request file (model.FileRequest), which
// decides who may file what. People are named as a person says them — a
// name, pinyin, initials or an address — and found among those the person
// may look up; a department by its path or any unique part of it.

// fileKind is a kind of request on the list, a leave filed as a
// dismissal being its own entry.
type fileKind struct {
	kind   model.RequestKind
	urgent bool
}

// requestFiling is the new request on its way: the kind being chosen,
// then its form.
type requestFiling struct {
	kinds  []fileKind
	cursor int
	kind   *fileKind
	form   *form
	busy   bool
}

// requestFiledMsg says how filing went: the new request's id, or the
// error and the field it is about ("" for the form as a whole).
type requestFiledMsg struct {
	pane  *myRequestsPane
	id    uint64
	field string
	err   error
}

// fileKinds are the kinds offered to the person: everyone asks for a
// permission and lends their own; asking about others' accounts (joiners,
// leavers, unblocking) needs request.file somewhere, a dismissal
// request.urgent, a reset that the policy routes through approval the
// helpdesk's right or request.file (resets: the request policy says so, as
// the pane's last load read it). A handover is for the successor as much
// as for HR, so everyone sees it.
func fileKinds(s *Session, resets bool) []fileKind {
	a := s.Actor
	out := []fileKind{{kind: model.RequestGrant}, {kind: model.RequestDelegate}}
	others := model.HoldsAnywhere(a, model.RightRequestFile)
	if others {
		out = append(out, fileKind{kind: model.RequestJoin}, fileKind{kind: model.RequestLeave})
	}
	if model.HoldsAnywhere(a, model.RightRequestUrgent) {
		out = append(out, fileKind{kind: model.RequestLeave, urgent: true})
	}
	out = append(out, fileKind{kind: model.RequestHandover})
	if resets && (others || model.HoldsAnywhere(a, model.RightPasswordReset)) {
		out = append(out, fileKind{kind: model.RequestReset})
	}
	if others {
		out = append(out, fileKind{kind: model.RequestUnblock})
	}
	return out
}

// fileKindName and fileKindDesc name a kind on the list and say what it does.
func (p *myRequestsPane) fileKindName(k fileKind) string {
	if k.urgent {
		return p.s.T.Requests.KindDismiss
	}
	return kindName(p.s, string(k.kind))
}

func (p *myRequestsPane) fileKindDesc(k fileKind) string {
	t := p.s.T.Requests
	switch {
	case k.urgent:
		return t.DescDismiss
	case k.kind == model.RequestGrant:
		return t.DescGrant
	case k.kind == model.RequestDelegate:
		return t.DescDelegate
	case k.kind == model.RequestJoin:
		return t.DescJoin
	case k.kind == model.RequestLeave:
		return t.DescLeave
	case k.kind == model.RequestHandover:
		return t.DescHandover
	case k.kind == model.RequestReset:
		return t.DescReset
	}
	return t.DescUnblock
}

// startFiling opens the list of kinds.
func (p *myRequestsPane) startFiling() {
	p.filing = &requestFiling{kinds: fileKinds(p.s, p.resets)}
}

// openForm builds the form of the chosen kind.
func (p *myRequestsPane) openForm(k fileKind) tea.Cmd {
	t := p.s.T.Requests
	me := string(p.s.Actor.Address)
	f := newForm(p.s, p.s.Sprintf(t.NewTitle, p.fileKindName(k)))
	f.intro = p.fileKindDesc(k)
	switch k.kind {
	case model.RequestGrant:
		f.add("member", t.FMember, me, false, t.HintPerson)
		f.add("perm", t.FPerm, "", false, t.HintPerm)
		f.add("until", t.FUntil, "", false, t.HintUntil)
		f.add("reason", t.FReason, "", false, t.HintReason)
		f.add("scope", t.FScope, "", false, t.HintScope)
		f.add("rights", t.FRights, "", false, t.HintRights)
	case model.RequestDelegate:
		f.add("member", t.FLender, me, false, t.HintPerson)
		f.add("to", t.FTo, "", false, t.HintPerson)
		f.add("until", t.FUntilNeeded, "", false, t.HintUntilNeeded)
		f.add("perms", t.FPerms, "", false, t.HintPerms)
		f.add("reason", t.FReason, "", false, t.HintReason)
	case model.RequestJoin:
		f.add("name", t.FName, "", false, "")
		f.add("dept", t.FDept, "", false, t.HintDept)
		f.add("address", t.FAddress, "", false, t.HintAddress)
		f.add("title", t.FTitle, "", false, "")
		f.add("position", t.FPosition, "", false, t.HintPosition)
		f.add("start", t.FStart, "", false, t.HintStart)
		f.add("reason", t.FReason, "", false, t.HintReason)
	case model.RequestLeave:
		f.add("member", t.FLeaver, "", false, t.HintPerson)
		f.add("successor", t.FSuccessor, "", false, t.HintSuccessor)
		f.add("reason", t.FReason, "", false, t.HintReason)
	case model.RequestHandover:
		f.add("member", t.FLeaver, "", false, t.HintPerson)
		f.add("reason", t.FReason, "", false, t.HintReason)
	case model.RequestReset:
		f.add("member", t.FMember, "", false, t.HintPerson)
		f.add("reason", t.FReason, "", false, t.HintTicket)
	default:
		f.add("member", t.FMember, "", false, t.HintPerson)
		f.add("reason", t.FReason, "", false, t.HintReason)
	}
	f.SetSize(p.width, p.height)
	p.filing.kind, p.filing.form = &k, f
	f.focusOn(0)
	if k.kind == model.RequestGrant || k.kind == model.RequestDelegate {
		f.focusOn(1) // the first is the person themself, as a rule
	}
	return nil
}

// fieldError is an error about one field of the form.
type fieldError struct {
	field string
	err   error
}

func (e *fieldError) Error() string { return e.err.Error() }
func (e *fieldError) Unwrap() error { return e.err }

// submit files the request in a command: it finds the people and the
// department, reads the times and applies the change.
func (p *myRequestsPane) submit() tea.Cmd {
	s, k := p.s, *p.filing.kind
	// The values are taken now: the command runs beside the UI.
	values := map[string]string{}
	for _, fl := range p.filing.form.fields {
		values[fl.key] = strings.TrimSpace(fl.input.Value())
	}
	val := func(key string) string { return values[key] }
	return func() tea.Msg {
		ch := &model.FileRequest{Kind: k.kind, Urgent: k.urgent, Reason: val("reason")}
		err := s.Store.Read(func(r *store.Reader) error {
			keep, err := model.DirectoryFilter(r, s.Actor)
			if err != nil {
				return err
			}
			person := func(field string, need bool) (model.Address, error) {
				a, err := findPerson(s, r, keep, val(field), need)
				if err != nil {
					return "", &fieldError{field, err}
				}
				return a, nil
			}
			when := func(field string, end bool) error {
				t, err := parseLogTime(val(field), end)
				if err != nil {
					return &fieldError{field, err}
				}
				if end {
					ch.Until = t
				} else {
					ch.From = t
				}
				return nil
			}
			switch k.kind {
			case model.RequestGrant:
				if ch.Subject, err = person("member", true); err != nil {
					return err
				}
				perm, err := p.readPerm(val("perm"))
				if err != nil {
					return &fieldError{"perm", err}
				}
				ch.Perm = perm
				if err := when("until", true); err != nil {
					return err
				}
				if perm == model.PermSubadmin {
					if ch.Scope, err = findDept(s, r, val("scope")); err != nil {
						return &fieldError{"scope", err}
					}
					for _, x := range splitComma(val("rights")) {
						sr, err := model.ParseSubRight(x)
						if err != nil {
							return &fieldError{"rights", err}
						}
						ch.SubRights = append(ch.SubRights, sr)
					}
				}
			case model.RequestDelegate:
				if ch.Subject, err = person("member", true); err != nil {
					return err
				}
				if ch.To, err = person("to", true); err != nil {
					return err
				}
				if val("until") == "" {
					return &fieldError{"until", model.Invalidf("%s", s.T.Requests.UntilNeeded)}
				}
				if err := when("until", true); err != nil {
					return err
				}
				for _, x := range splitComma(val("perms")) {
					perm, err := p.readPerm(x)
					if err != nil {
						return &fieldError{"perms", err}
					}
					ch.Perms = append(ch.Perms, perm)
				}
			case model.RequestJoin:
				pos, err := model.ParsePosition(val("position"))
				if err != nil {
					return &fieldError{"position", err}
				}
				if ch.JoinDept, err = findDept(s, r, val("dept")); err != nil {
					return &fieldError{"dept", err}
				}
				start, err := parseLogTime(val("start"), false)
				if err != nil {
					return &fieldError{"start", err}
				}
				ch.Join = &model.JoinForm{Name: val("name"), Title: val("title"), Position: pos, Address: model.Address(val("address")), Start: start}
			case model.RequestLeave:
				if ch.Subject, err = person("member", true); err != nil {
					return err
				}
				if ch.Successor, err = person("successor", true); err != nil {
					return err
				}
			default:
				if ch.Subject, err = person("member", true); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			err = s.Store.Apply(s.Actor, ch)
		}
		msg := requestFiledMsg{pane: p, id: ch.ID, err: err}
		if fe, ok := errors.AsType[*fieldError](err); ok {
			msg.field, msg.err = fe.field, fe.err
		}
		return msg
	}
}

// readPerm reads a permission by its code or by its name in either
// language ("external", "对外发信").
func (p *myRequestsPane) readPerm(s string) (string, error) {
	for _, perm := range []string{model.PermBroadcast, model.PermExternal, model.PermNotify, model.PermSkipLevel, model.PermSubadmin} {
		if s != "" && (s == permName(p.s, perm)) {
			return perm, nil
		}
	}
	return model.ParsePerm(s)
}

// splitComma splits a list written with commas (either width) or spaces.
func splitComma(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' })
}

// findPerson finds the one person a field names: an address as written,
// else the members the query finds among those the person may look up.
// Several found is an error that lists some of them.
func findPerson(s *Session, r *store.Reader, keep func(*model.Member) bool, q string, need bool) (model.Address, error) {
	t := s.T.Requests
	switch {
	case q == "" && need:
		return "", model.Invalidf("%s", t.PersonNeeded)
	case q == "":
		return "", nil
	case strings.Contains(q, "@"):
		return model.ParseAddress(q)
	}
	found, err := r.Search(q, 6, keep)
	if err != nil {
		return "", err
	}
	switch len(found) {
	case 0:
		return "", model.NotFoundf("%s", s.Sprintf(t.PersonNone, q))
	case 1:
		return found[0].Address, nil
	}
	// Written exactly as one of them is named, or as the part of one's
	// address before @, the query means that one ("wangwei" is
	// wangwei@, not wangwei2@).
	for _, exact := range []func(m *model.Member) bool{
		func(m *model.Member) bool { return m.Name == q },
		func(m *model.Member) bool {
			l, _, _ := strings.Cut(string(m.Address), "@")
			return strings.EqualFold(l, q)
		},
	} {
		var one []*model.Member
		for _, m := range found {
			if exact(m) {
				one = append(one, m)
			}
		}
		if len(one) == 1 {
			return one[0].Address, nil
		}
	}
	var names []string
	for _, m := range found[:min(5, len(found))] {
		names = append(names, m.Name+" <"+string(m.Address)+">")
	}
	return "", model.Invalidf("%s", s.Sprintf(t.PersonMany, q, strings.Join(names, t.ListSep)))
}

// findDept finds a department's path: the path as written, else the one
// department whose own name is it, else whose own name holds it, else
// whose path holds it ("华北" finds 销售部/华北大区, not its teams).
func findDept(s *Session, r *store.Reader, q string) (string, error) {
	t := s.T.Requests
	q = strings.Trim(strings.TrimSpace(q), "/")
	if q == "" {
		return "", model.Invalidf("%s", t.DeptNeeded)
	}
	ds, err := r.Depts()
	if err != nil {
		return "", err
	}
	var tiers [3][]string // own name is q, own name holds q, path holds q
	for _, d := range ds {
		path := strings.Trim(d.Path, "/")
		name := path[strings.LastIndex(path, "/")+1:]
		switch {
		case path == q:
			return d.Path, nil
		case name == q:
			tiers[0] = append(tiers[0], d.Path)
		case strings.Contains(name, q):
			tiers[1] = append(tiers[1], d.Path)
		case strings.Contains(path, q):
			tiers[2] = append(tiers[2], d.Path)
		}
	}
	for _, found := range tiers {
		switch len(found) {
		case 0:
			continue
		case 1:
			return found[0], nil
		}
		return "", model.Invalidf("%s", s.Sprintf(t.DeptMany, q, strings.Join(found[:min(5, len(found))], t.ListSep)))
	}
	return "", model.NotFoundf("%s", s.Sprintf(t.DeptNone, q))
}

// filingKey handles a key while a request is being filed.
func (p *myRequestsPane) filingKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	fl, k := p.filing, p.s.Keys
	if fl.busy {
		return p, nil
	}
	if fl.form == nil {
		switch {
		case key.Matches(msg, k.Back):
			p.filing = nil
		case key.Matches(msg, k.Enter) && len(fl.kinds) > 0:
			return p, p.openForm(fl.kinds[fl.cursor])
		default:
			top := 0
			cursorKey(k, msg, &fl.cursor, &top, len(fl.kinds), len(fl.kinds))
		}
		return p, nil
	}
	res, cmd := fl.form.Update(msg)
	switch res {
	case formCancelled:
		fl.form, fl.kind = nil, nil
		return p, nil
	case formSubmitted:
		fl.form.clearErrors()
		fl.busy = true
		return p, p.submit()
	}
	return p, cmd
}

// filed takes the outcome of filing: the error on its field, or the new
// request open in the detail.
func (p *myRequestsPane) filed(msg requestFiledMsg) (Pane, tea.Cmd) {
	fl := p.filing
	if fl == nil || fl.form == nil {
		return p, nil
	}
	fl.busy = false
	if msg.err != nil {
		fl.form.setError(msg.field, p.s.ErrText(msg.err))
		for i, f := range fl.form.fields {
			if f.key == msg.field {
				fl.form.focusOn(i) // where the mending is
			}
		}
		return p, nil
	}
	// The detail shows at once, loading, until its names are read.
	p.detail = &myRequestDetail{id: msg.id, req: &model.Request{ID: msg.id, Kind: fl.kind.kind, Urgent: fl.kind.urgent}}
	p.filing = nil
	return p, tea.Batch(flash(p.s.Sprintf(p.s.T.Requests.DidFile, msg.id), false), p.reload(), p.loadDetail(msg.id))
}

// filingView draws the list of kinds or the form.
func (p *myRequestsPane) filingView() string {
	fl := p.filing
	if fl.form != nil {
		v := fl.form.View()
		if fl.busy {
			v += "\n\n" + p.s.Styles.Subtle.Render(p.s.T.Common.Loading)
		}
		return v
	}
	st, t := p.s.Styles, p.s.T.Requests
	w := max(20, p.width-1)
	out := []string{st.Title.Render(ellipsize(st, t.NewChoose, p.width))}
	nameW := 0
	for _, k := range fl.kinds {
		nameW = max(nameW, lipgloss.Width(p.fileKindName(k)))
	}
	for i, k := range fl.kinds {
		marker := "  "
		name := padRight(p.fileKindName(k), nameW)
		if i == fl.cursor {
			marker, name = st.Cursor.Render(st.Bullet)+" ", st.Cursor.Render(name)
		}
		desc := wrapText(p.fileKindDesc(k), max(10, w-nameW-4))
		out = append(out, marker+name+"  "+st.Subtle.Render(desc[0]))
		for _, l := range desc[1:] {
			out = append(out, strings.Repeat(" ", nameW+4)+st.Subtle.Render(l))
		}
	}
	return strings.Join(out, "\n")
}

// filingHelp is the keys while filing.
func (p *myRequestsPane) filingHelp() []key.Binding {
	k := p.s.Keys
	if p.filing.form != nil {
		return p.filing.form.ShortHelp()
	}
	return []key.Binding{k.Enter, k.Down, k.Up, k.Back}
}
