package tui

import (
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
)

// The words and the detail the Approvals pane and My requests share: a
// request's kind, state and steps in the person's language, what applying
// it changes, and the whole chain with each step's decision.

// heldKind is the inbox's kind for held mail (not a model.RequestKind:
// held mail lives in the spool, not among the requests).
const heldKind = "held"

// requestKinds are the kinds in the order the inbox counts them.
var requestKinds = []string{string(model.RequestGrant), string(model.RequestDelegate), string(model.RequestJoin),
	string(model.RequestLeave), string(model.RequestHandover), string(model.RequestReset), string(model.RequestUnblock), string(model.RequestChange), string(model.RequestRelease), heldKind}

// kindName names a request kind (or held mail) in the person's language.
func kindName(s *Session, kind string) string {
	t := s.T.Requests
	switch kind {
	case string(model.RequestGrant):
		return t.KindGrant
	case string(model.RequestDelegate):
		return t.KindDelegate
	case string(model.RequestJoin):
		return t.KindJoin
	case string(model.RequestLeave):
		return t.KindLeave
	case string(model.RequestRelease):
		return t.KindRelease
	case string(model.RequestReset):
		return t.KindReset
	case string(model.RequestUnblock):
		return t.KindUnblock
	case string(model.RequestChange):
		return s.T.Governance.KindChange
	case string(model.RequestHandover):
		return t.KindHandover
	case heldKind:
		return t.KindHeld
	}
	return kind
}

// stateName names a request's state in the person's language.
func stateName(s *Session, st model.RequestState) string {
	t := s.T.Requests
	switch st {
	case model.RequestPending:
		return t.StatePending
	case model.RequestApplied:
		return t.StateApplied
	case model.RequestRejected:
		return t.StateRejected
	case model.RequestExpired:
		return t.StateExpired
	case model.RequestWithdrawn:
		return t.StateWithdrawn
	case model.RequestFailed:
		return s.T.Governance.StateFailed
	}
	return string(st)
}

// permName names a permission in the person's language.
func permName(s *Session, perm string) string {
	t := s.T.Requests
	switch perm {
	case model.PermBroadcast:
		return t.PermBroadcast
	case model.PermExternal:
		return t.PermExternal
	case model.PermNotify:
		return t.PermNotify
	case model.PermSkipLevel:
		return t.PermSkipLevel
	case model.PermSubadmin:
		return t.PermSubadmin
	}
	if box, ok := strings.CutPrefix(perm, model.PermSendAs); ok {
		return s.Sprintf(t.PermSendAs, box)
	}
	return perm
}

// permsText names a delegation's permissions: all of them when none is
// listed.
func permsText(s *Session, perms []string) string {
	if len(perms) == 0 {
		return s.T.Requests.AllPerms
	}
	names := make([]string, len(perms))
	for i, p := range perms {
		names[i] = permName(s, p)
	}
	sep := ", "
	if hasWide(strings.Join(names, "")) {
		sep = "、"
	}
	return strings.Join(names, sep)
}

// requestAbout is what a request is about, in a few words for a list row;
// narrow, addresses of the company's domain are shortened to their local
// part.
func requestAbout(s *Session, r *model.Request, narrow bool) string {
	t := s.T.Requests
	addr := func(a model.Address) string {
		if narrow {
			return shortAddr(s, string(a))
		}
		return string(a)
	}
	switch r.Kind {
	case model.RequestGrant:
		return s.Sprintf(t.AboutGrant, addr(r.Subject), permName(s, r.Perm))
	case model.RequestDelegate:
		return s.Sprintf(t.AboutDelegate, addr(r.Subject), addr(r.To))
	case model.RequestJoin:
		if r.Join != nil {
			return s.Sprintf(t.AboutJoin, r.Join.Name, addr(r.Join.Address))
		}
	case model.RequestRelease:
		return addr(r.Subject) + " " + r.Message
	case model.RequestChange:
		if r.Change != nil {
			return r.Change.Op + " " + r.Change.Target
		}
	}
	return addr(r.Subject)
}

// heldAbout is what a held message is, for a list row.
func heldAbout(s *Session, m *store.QueueMessage, narrow bool) string {
	from := queueSender(m)
	if narrow {
		from = shortAddr(s, from)
	}
	return s.Sprintf(s.T.Requests.AboutHeld, from, quoteSubject(s, m.Subject))
}

// requestNames are the names and department paths a request's detail
// shows, read with the request.
type requestNames struct {
	people map[model.Address]string
	depts  map[model.DeptID]string
	// unfinished: applied, but a mailbox handover of it (or it itself, a
	// handover) is not done yet (model.Request.Finished).
	unfinished bool
}

// readRequestNames reads the names of everyone a request names and the
// paths of its steps' departments.
func readRequestNames(r *store.Reader, q *model.Request, now time.Time) requestNames {
	n := requestNames{people: map[model.Address]string{}, depts: map[model.DeptID]string{}}
	n.unfinished = q.StateAt(now) == model.RequestApplied && !q.Finished(r, now)
	add := func(a model.Address) {
		if a == "" {
			return
		}
		if _, ok := n.people[a]; ok {
			return
		}
		if m, err := r.Member(a); err == nil {
			n.people[a] = m.Name
		} else {
			n.people[a] = ""
		}
	}
	for _, a := range []model.Address{q.Requester, q.Subject, q.To, q.Successor, q.WithdrawnBy} {
		add(a)
	}
	for _, st := range q.Steps {
		add(st.Approver)
		add(st.Deputy)
		add(st.By)
		if st.Dept != 0 {
			n.depts[st.Dept] = r.DeptPath(st.Dept)
		}
	}
	if q.Scope != 0 {
		n.depts[q.Scope] = r.DeptPath(q.Scope)
	}
	if q.Join != nil && q.Join.Dept != 0 {
		n.depts[q.Join.Dept] = r.DeptPath(q.Join.Dept)
	}
	return n
}

// person is a name and an address, or the address alone.
func (n requestNames) person(a model.Address) string {
	if a == "" {
		return ""
	}
	if name := n.people[a]; name != "" {
		return name + " " + string(a)
	}
	return string(a)
}

// dept is a department's path, or its number when it is gone.
func (n requestNames) dept(id model.DeptID) string {
	if p, ok := n.depts[id]; ok && p != "" {
		return p
	}
	return "#" + strconv.FormatUint(uint64(id), 10)
}

// stepWho says who signs a step, in the person's language.
func stepWho(s *Session, n requestNames, st model.Step) string {
	t := s.T.Requests
	var who string
	switch st.Role {
	case model.StepIT:
		return t.StepIT
	case model.StepAdmin:
		return s.T.Governance.StepAdmin
	case model.StepUnit:
		who = s.Sprintf(t.StepUnit, n.person(st.Approver))
	case model.StepHead:
		who = s.Sprintf(t.StepHead, n.dept(st.Dept)) + " " + n.person(st.Approver)
	case model.StepOwner:
		who = s.Sprintf(t.StepOwner, n.dept(st.Dept)) + " " + n.person(st.Approver)
	default:
		who = s.Sprintf(t.StepOfficer, n.dept(st.Dept)) + " " + n.person(st.Approver)
	}
	if st.Deputy != "" {
		who += ", " + s.Sprintf(t.Handed, n.person(st.Deputy))
		if assets.IsChinese(s.T.Lang) {
			who = strings.Replace(who, ", ", "，", 1)
		}
	}
	return who
}

// stepShort names who a step waits for in a few words, for a list cell:
// the deputy or the approver (narrow, by the local part of an address of
// the company's domain), or IT.
func stepShort(s *Session, st model.Step, narrow bool) string {
	a := st.Approver
	switch {
	case st.Role == model.StepIT:
		return s.T.Requests.StepIT
	case st.Role == model.StepAdmin:
		return s.T.Governance.StepAdmin
	case st.Deputy != "":
		a = st.Deputy
	}
	if narrow {
		return shortAddr(s, string(a))
	}
	return string(a)
}

// requestChange says what applying a request changes.
func requestChange(s *Session, n requestNames, r *model.Request) string {
	t := s.T.Requests
	when := func(tm time.Time) string {
		if tm.IsZero() {
			return t.WhenApplied
		}
		return mailTime(tm, false)
	}
	switch r.Kind {
	case model.RequestGrant:
		perm := permName(s, r.Perm) + " (" + r.Perm + ")"
		if r.Scope != 0 {
			rights := make([]string, len(r.SubRights))
			for i, x := range r.SubRights {
				rights[i] = string(x)
			}
			perm += " " + n.dept(r.Scope)
			if len(rights) > 0 {
				perm += ": " + strings.Join(rights, ", ")
			}
		}
		out := s.Sprintf(t.ChangeGrant, n.person(r.Subject), perm)
		if !r.From.IsZero() {
			out += s.Sprintf(t.ChangeFrom, mailTime(r.From, false))
		}
		if r.Until.IsZero() {
			return out + t.ChangeNoEnd
		}
		return out + s.Sprintf(t.ChangeUntil, mailTime(r.Until, false))
	case model.RequestDelegate:
		return s.Sprintf(t.ChangeDelegate, n.person(r.Subject), permsText(s, r.Perms), n.person(r.To), when(r.From), when(r.Until))
	case model.RequestJoin:
		if r.Join != nil {
			out := s.Sprintf(t.ChangeJoin, r.Join.Name, string(r.Join.Address), n.dept(r.Join.Dept))
			if r.Join.Title != "" {
				out += " · " + r.Join.Title
			}
			if !r.Join.Start.IsZero() {
				out += " · " + r.Join.Start.Local().Format("2006-01-02")
			}
			return out
		}
	case model.RequestLeave:
		return s.Sprintf(t.ChangeLeave, n.person(r.Subject), n.person(r.Successor))
	case model.RequestReset:
		return s.Sprintf(t.ChangeReset, n.person(r.Subject))
	case model.RequestUnblock:
		return s.Sprintf(t.ChangeUnblock, n.person(r.Subject))
	case model.RequestHandover:
		return s.Sprintf(t.ChangeHandover, n.person(r.Subject), n.person(r.Successor))
	case model.RequestRelease:
		return s.Sprintf(t.ChangeRelease, r.Message)
	case model.RequestChange:
		if c := r.Change; c != nil {
			return s.Sprintf(s.T.Governance.ChangeChange, className(s, c.Class), c.Op, c.Target)
		}
	}
	return kindName(s, string(r.Kind))
}

// requestDetailLines are a request's whole detail, wrapped to w cells:
// its fields, what applying it changes, and the chain with each step's
// decision, the current step marked.
func requestDetailLines(s *Session, n requestNames, r *model.Request, w int) []string {
	st := s.Styles
	t := s.T.Requests
	now := s.Now()
	state := stateName(s, r.StateAt(now))
	if n.unfinished {
		state = t.HandingOver
	}
	if r.Urgent {
		state += " · " + t.Urgent
	}
	rows := [][2]string{
		{t.State, state},
		{t.Requester, n.person(r.Requester)},
		{t.Subject, n.person(r.Subject)},
		{t.Filed, mailTime(r.Filed, false)},
	}
	if r.StateAt(now) == model.RequestPending {
		rows = append(rows, [2]string{t.Expires, mailTime(r.Expires, false)})
	}
	if !r.Done.IsZero() {
		rows = append(rows, [2]string{t.Done, mailTime(r.Done, false)})
	}
	if r.WithdrawnBy != "" {
		rows = append(rows, [2]string{t.WithdrawnBy, n.person(r.WithdrawnBy)})
		if r.WithdrawComment != "" {
			rows = append(rows, [2]string{t.WithdrawWhy, r.WithdrawComment})
		}
	}
	if r.Reason != "" {
		rows = append(rows, [2]string{t.Reason, r.Reason})
	}
	rows = append(rows, [2]string{t.Changes, requestChange(s, n, r)})
	if c := r.Change; c != nil && c.Error != "" {
		rows = append(rows, [2]string{s.T.Governance.Failed, model.LocalizeText(c.Error, s.T.Lang)})
	}
	if h := r.Handed; h != nil {
		rows = append(rows, [2]string{t.KindHandover, s.Sprintf(t.HandedOver, h.Messages, sizeText(h.Bytes), h.Folder)})
	}
	lp := &logsPane{s: s}
	out := lp.fields(w, rows)
	if c := r.Change; c != nil {
		out = append(out, changeDiffLines(s, c, w)...)
	}
	out = append(out, "", st.Label.Render(t.Chain))
	cur := r.Current()
	pending := r.StateAt(now) == model.RequestPending
	for i, step := range r.Steps {
		mark := "  "
		if i == cur && pending {
			mark = st.Bullet + " "
		}
		head := mark + strconv.Itoa(i+1) + ". " + stepWho(s, n, step)
		var state string
		switch {
		case step.Verdict != "":
			verdict := t.Approved
			if step.Verdict == model.VerdictRejected {
				verdict = t.Rejected
			}
			by := t.Postroom
			if step.By != "" {
				by = n.person(step.By)
			}
			state = s.Sprintf(t.StepDecided, verdict, by, mailTime(step.Time, false))
		case i == cur && pending:
			state = t.Waiting + "  " + t.Current
		default:
			state = t.NotYet
		}
		lines := wrapText(logClean(head), max(10, w-1))
		out = append(out, lines[0])
		for _, l := range lines[1:] {
			out = append(out, "     "+l)
		}
		style := st.Subtle
		switch {
		case step.Verdict == model.VerdictApproved:
			style = st.OK
		case step.Verdict == model.VerdictRejected:
			style = st.Error
		case i == cur && pending:
			style = st.Warn
		}
		for _, l := range wrapText(logClean(state), max(10, w-6)) {
			out = append(out, "     "+style.Render(l))
		}
		if step.Comment != "" {
			for _, l := range wrapText(logClean("“"+step.Comment+"”"), max(10, w-6)) {
				out = append(out, "     "+l)
			}
		}
	}
	return out
}

// heldDetailLines are a held message's detail for the inbox: the sender,
// the subject, why it is held and what releasing it does.
func heldDetailLines(s *Session, m *store.QueueMessage, w int) []string {
	st := s.Styles
	q := s.T.Queue
	t := s.T.Requests
	rows := [][2]string{
		{q.From, queueSender(m)},
		{q.Subject, quoteSubject(s, m.Subject)},
		{q.Received, mailTime(m.Received, false)},
		{q.Recipients, strconv.Itoa(m.Rcpts)},
	}
	if !m.HoldUntil.IsZero() {
		then := q.ThenRelease
		if m.OnExpiry == "reject" {
			then = q.ThenReject
		}
		rows = append(rows, [2]string{q.HoldUntil, s.Sprintf(then, mailTime(m.HoldUntil, false))})
	}
	rows = append(rows, [2]string{t.Changes, s.Sprintf(plural(m.Rcpts, t.ChangeHeldOne, t.ChangeHeld), m.Rcpts)})
	lp := &logsPane{s: s}
	out := lp.fields(w, rows)
	out = append(out, "", st.Label.Render(q.Reasons))
	if len(m.Reasons) == 0 {
		out = append(out, "  "+st.Subtle.Render(s.T.Common.None))
	}
	for _, r := range m.Reasons {
		out = append(out, logWrapIndent(logClean("- "+r), 2, w)...)
	}
	return out
}

// scrollView draws a title, the lines in sight from top and a footer,
// within h lines of w cells.
func scrollView(s *Session, title string, lines []string, top, w, h int, extra []string) string {
	st := s.Styles
	rows := max(1, h-3-len(extra))
	top = max(0, min(top, len(lines)-rows))
	end := min(len(lines), top+rows)
	out := []string{st.Title.Render(ellipsize(st, title, w)), ""}
	for _, l := range lines[top:end] {
		out = append(out, truncate(l, w))
	}
	for len(out) < rows+2 {
		out = append(out, "")
	}
	out = append(out, st.Subtle.Render(truncate(s.Sprintf(s.T.Logs.Lines, top+1, end, len(lines)), w)))
	return strings.Join(append(out, extra...), "\n")
}

// clampTop keeps a detail's first line in range.
func clampTop(top, lines, rows int) int { return max(0, min(top, lines-max(1, rows))) }

// cellWidth is the display width of s.
func cellWidth(s string) int { return lipgloss.Width(s) }

// className names a class of dangerous change in the person's language.
func className(s *Session, c model.FourEyesClass) string {
	t := s.T.Governance
	switch c {
	case model.FourEyesDomain:
		return t.ClassDomain
	case model.FourEyesBroadcast:
		return t.ClassBroadcast
	case model.FourEyesPassword:
		return t.ClassPassword
	case model.FourEyesSending:
		return t.ClassSending
	}
	return string(c)
}

// changeDiffLines are a change request's readable before and after, as it
// was filed, and what the change noted, wrapped to w cells.
func changeDiffLines(s *Session, c *model.StoredChange, w int) []string {
	st := s.Styles
	t := s.T.Governance
	val := func(v string) string {
		if v == "" {
			return t.Empty
		}
		return v
	}
	out := []string{"", st.Label.Render(t.BeforeAfter)}
	for _, d := range c.Diff {
		out = append(out, logWrapIndent(logClean("- "+d.Field), 2, w)...)
		out = append(out, logWrapIndent(logClean(val(d.Before)+" → "+val(d.After)), 4, w)...)
	}
	if c.More > 0 {
		out = append(out, "  "+st.Subtle.Render(s.Sprintf(t.More, c.More)))
	}
	if len(c.Notes) > 0 {
		out = append(out, "", st.Label.Render(t.Notes))
		for _, n := range c.Notes {
			out = append(out, logWrapIndent(logClean("- "+n), 2, w)...)
		}
	}
	return out
}

// sizeText is a size in bytes as people read it: 512 B, 3.4 KB, 12.0 MB.
func sizeText(n int64) string {
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1024*1024:
		return strconv.FormatFloat(float64(n)/1024, 'f', 1, 64) + " KB"
	case n < 1024*1024*1024:
		return strconv.FormatFloat(float64(n)/(1024*1024), 'f', 1, 64) + " MB"
	}
	return strconv.FormatFloat(float64(n)/(1024*1024*1024), 'f', 1, 64) + " GB"
}
