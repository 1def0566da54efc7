package model

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The rules of RuleHit.Rule. Those ending in ':' are followed by a group's
// address or a rule's name.
const (
	RuleSenderBinding = "sender-binding" // SEND-1, always on
	RuleBroadcast     = "broadcast"      // SEND-2
	RuleGroupPost     = "group-post:"    // SEND-3, + the group's address
	RuleNotice        = "notice:"        // SEND-3, + the notice rule's name
	RuleSkipLevel     = "skip-level"     // SEND-4
	RuleContent       = "content:"       // SEND-5, + the content rule's name
	RuleExternal      = "external"       // SEND-6
	RuleApprover      = "approver"       // a hold nobody can approve
	RuleOwnBlock      = "own-block"      // IN-3, the recipient's own block list
	RuleBlacklist     = "blacklist"      // IN-3
	RuleWhitelist     = "whitelist"      // IN-3
	RuleOwnAllow      = "own-allow"      // IN-3, the recipient's own allow list
	RuleDelegation    = "delegation"     // PERM-3: a permission lent by someone else was used
)

// Submission is what is known about one outgoing message when it is judged.
type Submission struct {
	Sender     *Member        // the authenticated member; nil for a trusted system
	System     *TrustedSystem // the trusted system, for mail without a member
	MailFrom   Address        // envelope sender
	HeaderFrom Address        // the From header's address (zero: none given)
	Rcpts      *Resolution    // nil: no recipients yet (the sender is checked alone)
	Subject    string         // decoded
	Text       string         // the first 64 KiB of decoded text, for keyword rules
	// TextOf, when set and Text is empty, gives Text the first time a
	// keyword rule needs it, so a message no such rule looks at is never
	// decoded.
	TextOf func() string
	Now    time.Time
}

// TrustedSystem is a named sender of the ops configuration: printers, the
// ERP, monitoring. It may send only as its Sender.
type TrustedSystem struct {
	Name      string
	Sender    Address // the address it sends as
	External  bool    // may send outside the company
	Broadcast bool    // may send to all staff
}

// RuleHit is one rule's part in a decision.
type RuleHit struct {
	Rule   string     // one of the Rule… names, e.g. "broadcast", "content:daily-weekly-reports"
	Action MailAction // what this rule asks for
	// Reason says why, in a user error that model.Localize tells in the
	// person's language. Allow and log hits say why too, in the same
	// localisable form (their error kind means nothing).
	Reason error
	// Reviewer decides a hold: the rule's reviewer, else the sender's head.
	Reviewer Address
}

// Decision is the verdict on one message.
type Decision struct {
	Action   MailAction // the strongest of the hits: refuse > hold > log > allow
	Hits     []RuleHit  // every rule that contributed, allow and log included
	Approver Address    // for a hold: the reviewer named by a rule, else the sender's head
	Reason   error      // for anything but allow: the reasons of the hits with Action, joined
}

// DecideSubmission judges one outgoing message (SEND-1..6). Sender binding
// comes first and is not configurable: the envelope sender and the From
// header must be the member's own address, one of its aliases, or a shared
// or department mailbox it holds an active sendas:ADDR grant for (a
// department's heads send as its mailbox without one); a trusted system
// sends only as its configured address. A message failing it is refused and
// judged no further. Then whole-company sending, group posting, notices,
// skip-level mail, content rules and the external restriction each add
// their hits. Unknown local recipients are not judged here: they are
// refused one by one at RCPT (Resolution.Unknown).
//
// The error is for a failure to read the directory; every verdict, refusals
// included, is in the Decision.
func DecideSubmission(v View, p MailPolicy, s Submission) (Decision, error) {
	if s.Rcpts == nil {
		s.Rcpts = &Resolution{}
	}
	d := &decider{v: v, p: p, s: s, m: s.Sender}
	d.from = s.HeaderFrom
	if d.from == "" {
		d.from = s.MailFrom
	}
	d.whole = s.Rcpts.AllStaff || (p.Broadcast.Threshold > 0 && s.Rcpts.Internal > p.Broadcast.Threshold)
	d.subject.s, d.text.s = s.Subject, s.Text
	if s.Text == "" {
		d.text.load = s.TextOf
	}
	bound, err := d.bind()
	if err != nil {
		return Decision{}, err
	}
	if bound {
		for _, step := range []func() error{d.notices, d.broadcast, d.groupPost, d.skipLevel, d.content, d.external} {
			if err := step(); err != nil {
				return Decision{}, err
			}
		}
	}
	if d.permErr != nil {
		return Decision{}, d.permErr
	}
	return d.finish()
}

// decider carries one judgement.
type decider struct {
	v     View
	p     MailPolicy
	s     Submission
	m     *Member // nil for a trusted system
	from  Address // the address the message shows: HeaderFrom, else MailFrom
	whole bool    // the message goes to the whole company
	hits  []RuleHit
	// notice is the notice rule the message was sent under from the address
	// that rule names (such as a holiday notice from hr@).
	notice string

	subject, text foldText

	// basis is the permission catalogue with the policy, read on first need.
	basis     PermBasis
	basisRead bool
	permErr   error
}

// holds reports whether the sender holds the permission now, by any source
// but the mail policy's own position classes (each rule looks at those
// itself, and a group's permitted classes may differ from them). A use of
// a delegated permission adds a hit that says whose it is (PERM-3).
func (d *decider) holds(perm string) bool {
	m, now := d.m, d.s.Now
	if m == nil || m.Status != StatusActive {
		return false
	}
	for _, g := range m.Grants {
		if g.Perm == perm && g.ActiveAt(now) {
			return true // the common case, without reading the catalogue
		}
	}
	if !d.basisRead {
		d.basisRead = true
		d.basis.Policy = d.p
		d.basis.Catalogue, d.permErr = Catalogue(d.v)
	}
	if d.permErr != nil {
		return false
	}
	if _, ok := holdsOwn(d.basis, m, perm, now, false); ok {
		return true
	}
	h, ok, err := holdsLent(d.v, d.basis, m, perm, now)
	if err != nil {
		d.permErr = err
		return false
	}
	if !ok {
		return false
	}
	d.hit(RuleDelegation, ActionAllow, "", Invalidf("%s uses the permission %s lent by %s until %s (request %d)",
		m.Address, perm, h.Lender, h.Until.UTC().Format(time.RFC3339), h.Request))
	return true
}

func (d *decider) hit(rule string, a MailAction, reviewer Address, reason error) {
	d.hits = append(d.hits, RuleHit{Rule: rule, Action: a, Reason: reason, Reviewer: reviewer})
}

// sender names the one who sends, for reasons.
func (d *decider) sender() string {
	if d.m != nil {
		return string(d.m.Address)
	}
	if d.s.System != nil {
		return d.s.System.Name
	}
	return "?"
}

// bind checks the sender binding (SEND-1).
func (d *decider) bind() (bool, error) {
	s := d.s
	froms := []Address{s.MailFrom}
	if s.HeaderFrom != "" && s.HeaderFrom != s.MailFrom {
		froms = append(froms, s.HeaderFrom)
	}
	if s.System != nil && d.m == nil {
		for _, a := range froms {
			if a != s.System.Sender {
				d.hit(RuleSenderBinding, ActionRefuse, "", Forbiddenf("the trusted system %s may send only as %s, not as %s", s.System.Name, s.System.Sender, showAddr(a)))
				return false, nil
			}
		}
		d.hit(RuleSenderBinding, ActionAllow, "", Invalidf("the trusted system %s sends as its own address %s", s.System.Name, s.System.Sender))
		return true, nil
	}
	if d.m == nil {
		d.hit(RuleSenderBinding, ActionRefuse, "", Forbiddenf("only authenticated members and trusted systems may submit mail"))
		return false, nil
	}
	if d.m.Status != StatusActive {
		d.hit(RuleSenderBinding, ActionRefuse, "", Forbiddenf("the account %s is %s; it cannot send mail", d.m.Address, Word(d.m.Status)))
		return false, nil
	}
	var last error
	for _, a := range froms {
		why, err := d.mayUse(a)
		if err != nil {
			return false, err
		}
		if why == nil {
			d.hit(RuleSenderBinding, ActionRefuse, "", Forbiddenf("%s may not send as %s: use your own address or an alias, or ask for the permission sendas:%s", d.m.Address, showAddr(a), showAddr(a)))
			return false, nil
		}
		last = why
	}
	d.hit(RuleSenderBinding, ActionAllow, "", last)
	return true, nil
}

func showAddr(a Address) string {
	if a == "" {
		return "<>"
	}
	return string(a)
}

// mayUse says why the member may send as a; why is nil when it may not.
func (d *decider) mayUse(a Address) (why error, err error) {
	m := d.m
	if a == "" {
		return nil, nil
	}
	if a == m.Address {
		return Invalidf("%s sends as its own address", m.Address), nil
	}
	if slices.Contains(m.Aliases, a) {
		return Invalidf("%s is an alias of %s", a, m.Address), nil
	}
	o, ok, err := d.v.Owner(a)
	if err != nil || !ok {
		return nil, err
	}
	if o.Kind != OwnerShared && o.Kind != OwnerDept {
		return nil, nil
	}
	if d.holds(PermSendAs + string(a)) {
		return Invalidf("%s may send as %s through the permission sendas:%s", m.Address, a, a), nil
	}
	if o.Kind == OwnerDept {
		dept, err := d.v.Dept(o.Dept)
		if err != nil {
			if isNotFound(err) {
				return nil, nil
			}
			return nil, err
		}
		if slices.Contains(dept.Heads, m.Address) {
			return Invalidf("%s heads %s and may send as its mailbox %s", m.Address, d.v.DeptPath(dept.ID), a), nil
		}
	}
	return nil, nil
}

// broadcast is whole-company sending (SEND-2).
func (d *decider) broadcast() error {
	if !d.whole {
		return nil
	}
	if d.m == nil {
		if d.s.System.Broadcast {
			d.hit(RuleBroadcast, ActionAllow, "", Invalidf("the trusted system %s may send to the whole company", d.s.System.Name))
		} else {
			d.hit(RuleBroadcast, ActionRefuse, "", Forbiddenf("the trusted system %s may not send to the whole company: its configuration does not allow it", d.s.System.Name))
		}
		return nil
	}
	if slices.Contains(d.p.Broadcast.Positions, d.m.Position) {
		d.hit(RuleBroadcast, ActionAllow, "", Invalidf("%s may send to the whole company: the position class %s holds the right", d.m.Address, d.m.Position))
		return nil
	}
	if d.holds(PermBroadcast) {
		d.hit(RuleBroadcast, ActionAllow, "", Invalidf("%s may send to the whole company through the permission broadcast", d.m.Address))
		return nil
	}
	if d.notice != "" {
		// Seed part 1 clauses 5 and 6: such notices go to all staff from
		// the named shared mailbox; whoever may send as it sends them.
		d.hit(RuleBroadcast, ActionAllow, "", Invalidf("%s notices go to the whole company from %s, and %s may send as it", d.notice, d.from, d.m.Address))
		return nil
	}
	classes := positionList(d.p.Broadcast.Positions)
	if g := d.allStaffGroup(); g != "" {
		d.hit(RuleBroadcast, d.p.Broadcast.Action, "", Forbiddenf("%s wrote to the all-staff group %s; only the position classes %s or holders of the permission broadcast may send to the whole company", d.m.Address, g, classes))
		return nil
	}
	d.hit(RuleBroadcast, d.p.Broadcast.Action, "", Forbiddenf("%s wrote to %d colleagues, more than the %d that count as the whole company; only the position classes %s or holders of the permission broadcast may send to the whole company",
		d.m.Address, d.s.Rcpts.Internal, d.p.Broadcast.Threshold, classes))
	return nil
}

// allStaffGroup names an addressed group that covers the whole company.
func (d *decider) allStaffGroup() Address {
	for _, a := range d.s.Rcpts.Groups {
		if g, err := d.v.Group(a); err == nil && GroupCoversAll(d.v, g) {
			return a
		}
	}
	return ""
}

func positionList(ps []Position) string {
	if len(ps) == 0 {
		return "(none)"
	}
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = string(p)
	}
	return strings.Join(s, ", ")
}

// groupPost checks each group addressed directly against its posting rule (SEND-3).
func (d *decider) groupPost() error {
	var done []Address
	for _, t := range d.s.Rcpts.Targets {
		if t.Kind != OwnerGroup || slices.Contains(done, t.Address) {
			continue
		}
		done = append(done, t.Address)
		g, err := d.v.Group(t.Address)
		if err != nil {
			if isNotFound(err) {
				continue
			}
			return err
		}
		d.postTo(g, d.m, d.s.System)
	}
	return nil
}

// postTo judges one post to a group by a member, a trusted system or (both
// nil) someone outside, showing the address d.from.
func (d *decider) postTo(g *Group, m *Member, sys *TrustedSystem) {
	rule := RuleGroupPost + string(g.Address)
	who := string(d.from)
	if m != nil {
		who = string(m.Address)
	} else if sys != nil {
		who = sys.Name
	}
	post := g.Post
	if post == "" {
		post = PostMembers
	}
	var refusal error
	switch post {
	case PostAnyone:
		d.hit(rule, ActionAllow, "", Invalidf("anyone may post to the group %s", g.Address))
		return
	case PostMembers:
		if m != nil && GroupHasMember(d.v, g, m) {
			d.hit(rule, ActionAllow, "", Invalidf("%s is a member of the group %s, which takes posts from its members", m.Address, g.Address))
			return
		}
		refusal = Forbiddenf("only members of the group %s may post to it; %s is not one", g.Address, who)
	case PostPermitted:
		classes := g.Positions
		if len(classes) == 0 {
			classes = d.p.Broadcast.Positions
		}
		switch {
		case m != nil && slices.Contains(classes, m.Position):
			d.hit(rule, ActionAllow, "", Invalidf("%s may post to the group %s: the position class %s is permitted", m.Address, g.Address, m.Position))
			return
		case m != nil && d.holds(PermBroadcast):
			d.hit(rule, ActionAllow, "", Invalidf("%s may post to the group %s through the permission broadcast", m.Address, g.Address))
			return
		case m != nil && d.notice != "":
			d.hit(rule, ActionAllow, "", Invalidf("%s notices go to the whole company from %s, and %s may send as it", d.notice, d.from, m.Address))
			return
		case m == nil && sys != nil && sys.Broadcast:
			d.hit(rule, ActionAllow, "", Invalidf("the trusted system %s may post to the group %s", sys.Name, g.Address))
			return
		}
		refusal = Forbiddenf("only the position classes %s or holders of the permission broadcast may post to the group %s; %s may not", positionList(classes), g.Address, who)
	case PostListed:
		if slices.Contains(g.Senders, d.from) || (m != nil && slices.Contains(g.Senders, m.Address)) {
			d.hit(rule, ActionAllow, "", Invalidf("%s is a listed sender of the group %s", d.from, g.Address))
			return
		}
		refusal = Forbiddenf("only the listed senders of the group %s may post to it (%s); %s is not one", g.Address, addressList(g.Senders), d.from)
	}
	action := d.p.GroupPost.Action
	if GroupCoversAll(d.v, g) {
		action = d.p.GroupPost.AllStaffAction
	}
	if m == nil {
		action = ActionRefuse // nobody's head can approve a system's or an outsider's post
	}
	d.hit(rule, action, "", refusal)
}

func addressList(as []Address) string {
	if len(as) == 0 {
		return "none"
	}
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = string(a)
	}
	return strings.Join(s, ", ")
}

// notices binds notices to their senders (SEND-3): the first notice rule
// whose subject words match decides.
func (d *decider) notices() error {
	for _, n := range d.p.Notices {
		if n.Scope == ScopeAllStaff && !d.whole {
			continue
		}
		w, ok := d.subject.find(n.Subjects)
		if !ok {
			continue
		}
		rule := RuleNotice + n.Name
		if n.Sender != "" {
			if d.from == n.Sender {
				d.notice = n.Name
				d.hit(rule, ActionAllow, "", Invalidf("the subject word %q makes this a %s notice, and %s is the address that sends them", w, n.Name, n.Sender))
			} else {
				d.hit(rule, n.Action, "", Forbiddenf("the subject word %q makes this a %s notice, which only %s may send; send it from there, or leave the word out", w, n.Name, n.Sender))
			}
			return nil
		}
		o, ok, err := d.v.Owner(d.from)
		if err != nil {
			return err
		}
		if ok && (o.Kind == OwnerShared || o.Kind == OwnerDept) {
			d.hit(rule, ActionAllow, "", Invalidf("the subject word %q makes this a %s notice, and %s is a department or shared mailbox", w, n.Name, d.from))
		} else {
			d.hit(rule, n.Action, "", Forbiddenf("the subject word %q makes this a company-level notice (%s): send it from your department's mailbox, not from the personal address %s", w, n.Name, showAddr(d.from)))
		}
		return nil
	}
	return nil
}

// skipLevel holds mail to a head above the sender's own head (SEND-4).
func (d *decider) skipLevel() error {
	if d.m == nil {
		return nil
	}
	var personal []Address
	for _, t := range d.s.Rcpts.Targets {
		switch t.Kind {
		case OwnerMember:
			personal = append(personal, t.Address)
		case OwnerAlias:
			if o, ok, err := d.v.Owner(t.Address); err != nil {
				return err
			} else if ok {
				personal = append(personal, o.Member)
			}
		}
	}
	if len(personal) == 0 {
		return nil
	}
	ch, err := headChainOf(d.v, d.m)
	if err != nil {
		return err
	}
	for _, r := range personal {
		dept, above := ch.above[r]
		if !above || slices.Contains(ch.own, r) {
			continue
		}
		switch {
		case d.whole:
			d.hit(RuleSkipLevel, ActionAllow, "", Invalidf("%s heads %s, above your own head, but mail to the whole company is excepted from the skip-level rule", r, d.v.DeptPath(dept)))
		case slices.Contains(d.p.SkipLevel.Positions, d.m.Position):
			d.hit(RuleSkipLevel, ActionAllow, "", Invalidf("%s may write to %s past its own head: the position class %s is permitted", d.m.Address, r, d.m.Position))
		case d.holds(PermSkipLevel):
			d.hit(RuleSkipLevel, ActionAllow, "", Invalidf("%s may write to %s past its own head through the permission skip-level", d.m.Address, r))
		default:
			var head Address
			if len(ch.own) > 0 {
				head = ch.own[0]
			}
			// The reviewer is left to HoldApprover, which passes over a head
			// who cannot act.
			d.hit(RuleSkipLevel, d.p.SkipLevel.Action, "", Forbiddenf("%s heads %s, above your own head %s: mail that skips a level needs your head's approval", r, d.v.DeptPath(dept), showAddr(head)))
		}
		return nil
	}
	return nil
}

// headChain is a member's heads: own (the nearest heads above the member,
// in any of its departments) and above (the heads of the departments
// further up, with the department each heads).
type headChain struct {
	own   []Address
	above map[Address]DeptID
}

func headChainOf(v View, m *Member) (headChain, error) {
	ch := headChain{above: map[Address]DeptID{}}
	depts := m.Depts
	if len(depts) == 0 {
		depts = []DeptID{RootDept}
	}
	for _, start := range depts {
		found := false
		id := start
		for i := 0; id != 0 && i <= MaxDeptDepth+1; i++ {
			dept, err := v.Dept(id)
			if err != nil {
				if isNotFound(err) {
					break
				}
				return ch, err
			}
			for _, h := range dept.Heads {
				if h == m.Address {
					continue
				}
				if !found {
					if !slices.Contains(ch.own, h) {
						ch.own = append(ch.own, h)
					}
				} else if _, ok := ch.above[h]; !ok {
					ch.above[h] = dept.ID
				}
			}
			if !found && slices.ContainsFunc(dept.Heads, func(h Address) bool { return h != m.Address }) {
				found = true
			}
			id = dept.Parent
		}
	}
	return ch, nil
}

// content applies the content rules (SEND-5).
func (d *decider) content() error {
	for _, c := range d.p.Content {
		if c.Scope == ScopeAllStaff && !d.whole {
			continue
		}
		if c.ExternalOnly && len(d.s.Rcpts.Remote) == 0 {
			continue
		}
		if !d.senderIn(c.Depts, c.Members) {
			continue
		}
		rule := RuleContent + c.Name
		if w, ok := d.subject.find(c.Subjects); ok {
			d.hit(rule, c.Action, c.Reviewer, d.contentReason(c, w, true))
		} else if w, ok := d.subject.find(c.Keywords); ok {
			d.hit(rule, c.Action, c.Reviewer, d.contentReason(c, w, true))
		} else if w, ok := d.text.find(c.Keywords); ok {
			d.hit(rule, c.Action, c.Reviewer, d.contentReason(c, w, false))
		}
	}
	return nil
}

func (d *decider) contentReason(c ContentRule, w string, inSubject bool) error {
	switch {
	case c.Scope == ScopeAllStaff && inSubject:
		return Forbiddenf("the rule %s: the subject holds %q, which may not go to the whole company without approval", c.Name, w)
	case c.ExternalOnly && inSubject:
		return Forbiddenf("the rule %s: the subject holds %q, and the message goes outside the company", c.Name, w)
	case c.ExternalOnly:
		return Forbiddenf("the rule %s: the text holds %q, and the message goes outside the company", c.Name, w)
	case inSubject:
		return Forbiddenf("the rule %s: the subject holds %q", c.Name, w)
	}
	return Forbiddenf("the rule %s: the text holds %q", c.Name, w)
}

// senderIn reports whether the sender is one of members or in one of the
// departments' subtrees; both empty is everyone.
func (d *decider) senderIn(depts []DeptID, members []Address) bool {
	if len(depts) == 0 && len(members) == 0 {
		return true
	}
	if d.m == nil {
		return false
	}
	_, _, ok := memberIn(d.v, d.m, depts, members)
	return ok
}

// memberIn finds why a member is covered: listed, or in a department's
// subtree (the department is returned).
func memberIn(v View, m *Member, depts []DeptID, members []Address) (listed bool, dept DeptID, ok bool) {
	if slices.Contains(members, m.Address) {
		return true, 0, true
	}
	for _, root := range depts {
		for _, md := range m.Depts {
			if v.Within(md, root) {
				return false, root, true
			}
		}
	}
	return false, 0, false
}

// external is the external-sending restriction (SEND-6).
func (d *decider) external() error {
	if len(d.s.Rcpts.Remote) == 0 {
		return nil
	}
	first := d.s.Rcpts.Remote[0]
	if d.m == nil {
		if d.s.System.External {
			d.hit(RuleExternal, ActionAllow, "", Invalidf("the trusted system %s may send outside the company", d.s.System.Name))
		} else {
			d.hit(RuleExternal, ActionRefuse, "", Forbiddenf("the trusted system %s may not send outside the company (to %s): its configuration does not allow it", d.s.System.Name, first))
		}
		return nil
	}
	listed, dept, ok := memberIn(d.v, d.m, d.p.External.Depts, d.p.External.Members)
	if !ok {
		return nil
	}
	if d.holds(PermExternal) {
		d.hit(RuleExternal, ActionAllow, "", Invalidf("%s is on the external-sending restriction list but holds the permission external", d.m.Address))
		return nil
	}
	if listed {
		d.hit(RuleExternal, d.p.External.Action, "", Forbiddenf("%s may not send outside the company (to %s): the member is on the external-sending restriction list", d.m.Address, first))
	} else {
		d.hit(RuleExternal, d.p.External.Action, "", Forbiddenf("%s may not send outside the company (to %s): the department %s is on the external-sending restriction list", d.m.Address, first, d.v.DeptPath(dept)))
	}
	return nil
}

// finish makes the decision from the hits.
func (d *decider) finish() (Decision, error) {
	dec := Decision{Action: ActionAllow, Hits: d.hits}
	for _, h := range d.hits {
		if h.Action.Rank() > dec.Action.Rank() {
			dec.Action = h.Action
		}
	}
	if dec.Action == ActionHold {
		for _, h := range d.hits {
			if h.Action == ActionHold && h.Reviewer != "" {
				dec.Approver = h.Reviewer
				break
			}
		}
		if dec.Approver == "" && d.m != nil {
			a, err := HoldApprover(d.v, d.m)
			if err != nil && !IsUserError(err) {
				return Decision{}, err
			}
			if err != nil {
				dec.Hits = append(dec.Hits, RuleHit{Rule: RuleApprover, Action: ActionHold, Reason: err})
			}
			dec.Approver = a
		}
		for i := range dec.Hits {
			if dec.Hits[i].Action == ActionHold && dec.Hits[i].Reviewer == "" {
				dec.Hits[i].Reviewer = dec.Approver
			}
		}
	}
	if dec.Action != ActionAllow {
		rs := uniqueReasons(dec.Hits, func(a MailAction) bool { return a == dec.Action })
		if len(rs) == 1 {
			dec.Reason = rs[0]
		} else if len(rs) > 1 {
			dec.Reason = rs
		}
	}
	return dec, nil
}

// Reasons lists the reasons of the hits whose action ranks at least min
// (ActionLog: every hit but allow; ActionHold: holds and refusals), in the
// order of the hits, each text once: a message that is both a broadcast
// and a post to an all-staff group may be told the same thing by two rules.
func (d Decision) Reasons(min MailAction) []error {
	return uniqueReasons(d.Hits, func(a MailAction) bool { return a.Rank() >= min.Rank() && a != ActionAllow })
}

// uniqueReasons lists the reasons of the hits whose action keep takes, in
// order, leaving out a text given before.
func uniqueReasons(hits []RuleHit, keep func(MailAction) bool) reasons {
	var rs reasons
	for _, h := range hits {
		if h.Reason != nil && keep(h.Action) {
			rs = append(rs, h.Reason)
		}
	}
	if len(rs) < 2 {
		return rs // nothing to compare: no reason is formatted
	}
	// Each text once: formatting a reason costs a Sprintf.
	texts := make([]string, 0, len(rs))
	out := rs[:0]
	for _, e := range rs {
		t := e.Error()
		if !slices.Contains(texts, t) {
			texts = append(texts, t)
			out = append(out, e)
		}
	}
	return out
}

// reasons joins several reasons with "; " (one line, fit for an SMTP
// reply); model.Localize tells each part in the person's language.
type reasons []error

func (r reasons) Error() string {
	var b strings.Builder
	for i, e := range r {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

func (r reasons) Unwrap() []error { return r }

// HoldApprover is who decides the sender's held mail: the nearest
// department head above the sender who is not the sender — start at the
// sender's first department; if the sender heads it, its parent, and so on
// up. A regional department (one headed by a regional-director) is reached
// the same way, so its head is "the regional head where set" of seed part 1
// clause 1. Heads whose accounts are disabled or reclaimed are passed over.
// When nobody is found the error names the department whose head must be
// appointed.
func HoldApprover(v View, sender *Member) (Address, error) {
	if sender == nil {
		return "", Conflictf("mail without a member sender has no department head to approve it: an admin releases it with queue release")
	}
	start := RootDept
	if len(sender.Depts) > 0 {
		start = sender.Depts[0]
	}
	missing := DeptID(0)
	id := start
	for i := 0; id != 0 && i <= MaxDeptDepth+1; i++ {
		dept, err := v.Dept(id)
		if err != nil {
			if isNotFound(err) {
				break
			}
			return "", err
		}
		if missing == 0 && !(len(dept.Heads) == 1 && dept.Heads[0] == sender.Address) {
			missing = dept.ID
		}
		for _, h := range dept.Heads {
			if h == sender.Address {
				continue
			}
			m, err := v.Member(h)
			if err != nil {
				if isNotFound(err) {
					continue
				}
				return "", err
			}
			if m.Status == StatusActive || m.Status == StatusLocked {
				return h, nil
			}
		}
		id = dept.Parent
	}
	if missing == 0 {
		missing = start
	}
	path := v.DeptPath(missing)
	return "", Conflictf("nobody can approve mail held for %s: no department above the sender has a head who can act; appoint a head of %s with dept set %s --head ADDR", sender.Address, path, path)
}

// InboundCheck judges mail from outside for one local recipient mailbox
// (IN-3, P4 5.1.9), in this order:
//
//  1. the recipient's own block list: it wins over the company's whitelist
//     (seed: whitelisted mail is still subject to the member's own rules);
//  2. the company's whitelist: mail from it "is not subject to the system's
//     restrictions", the company's blacklist included, so an admin can
//     block a domain and still let one address of it through;
//  3. the company's blacklist: it is global and affects every member (seed:
//     a member who gets nothing from a sender should ask whether the admin
//     listed it), so a member's own allow does not lift it;
//  4. the recipient's own allow list: recorded.
//
// Mail with an empty sender (bounces) passes.
func InboundCheck(v View, p MailPolicy, from Address, to Mailbox) (Decision, error) {
	dec := Decision{Action: ActionAllow}
	if from == "" {
		return dec, nil
	}
	var m *Member
	if o, ok, err := v.Owner(to.Address); err != nil {
		return dec, err
	} else if ok && o.Kind == OwnerMember {
		if m, err = v.Member(to.Address); err != nil && !isNotFound(err) {
			return dec, err
		}
	}
	if m != nil {
		if e, ok := listMatch(m.Filter.Block, from); ok {
			reason := Forbiddenf("%s does not accept mail from %s (own block list: %s)", to.Address, from, e)
			dec.Action, dec.Reason = ActionRefuse, reason
			dec.Hits = append(dec.Hits, RuleHit{Rule: RuleOwnBlock, Action: ActionRefuse, Reason: reason})
			return dec, nil
		}
	}
	if e, ok := listMatch(p.Whitelist, from); ok {
		dec.Hits = append(dec.Hits, RuleHit{Rule: RuleWhitelist, Action: ActionAllow, Reason: Invalidf("%s is on the company's whitelist (%s)", from, e)})
	} else if e, ok := listMatch(p.Blacklist, from); ok {
		reason := Forbiddenf("the company does not accept mail from %s (blacklist: %s)", from, e)
		dec.Action, dec.Reason = ActionRefuse, reason
		dec.Hits = append(dec.Hits, RuleHit{Rule: RuleBlacklist, Action: ActionRefuse, Reason: reason})
		return dec, nil
	}
	if m != nil {
		if e, ok := listMatch(m.Filter.Allow, from); ok {
			dec.Hits = append(dec.Hits, RuleHit{Rule: RuleOwnAllow, Action: ActionAllow, Reason: Invalidf("%s accepts mail from %s (own allow list: %s)", to.Address, from, e)})
		}
	}
	return dec, nil
}

// DecideInbound judges mail from outside the company as a whole: each group
// addressed directly takes it only when its posting rule lets an outsider
// in (anyone, or listed with the sender among its senders); otherwise the
// post is refused, since no head can approve an outsider's mail.
// InboundCheck then judges each mailbox.
func DecideInbound(v View, p MailPolicy, from Address, rcpts *Resolution) (Decision, error) {
	d := &decider{v: v, p: p, from: from, s: Submission{Rcpts: rcpts}}
	if rcpts == nil {
		d.s.Rcpts = &Resolution{}
	}
	var done []Address
	for _, t := range d.s.Rcpts.Targets {
		if t.Kind != OwnerGroup || slices.Contains(done, t.Address) {
			continue
		}
		done = append(done, t.Address)
		g, err := v.Group(t.Address)
		if err != nil {
			if isNotFound(err) {
				continue
			}
			return Decision{}, err
		}
		d.postTo(g, nil, nil)
	}
	return d.finish()
}

// foldText finds words in a text, ignoring case. Chinese has no case, so a
// word without letters is looked for as it is; for a word with ASCII
// letters the text is lowered once, byte by byte; only a word with other
// cased letters (Ａ, Ж) makes it lower the whole text by Unicode's rules.
type foldText struct {
	s            string
	load         func() string // gives s on first use when set
	ascii, full  string
	asciiLowered bool
	fullLowered  bool
}

func (t *foldText) find(words []string) (string, bool) {
	for _, w := range words {
		if w == "" {
			continue
		}
		if t.load != nil {
			t.s, t.load = t.load(), nil
		}
		hay, needle := t.s, w
		switch caseOf(w) {
		case asciiCase:
			if !t.asciiLowered {
				t.ascii, t.asciiLowered = foldASCII(t.s), true
			}
			hay, needle = t.ascii, foldASCII(w)
		case unicodeCase:
			if !t.fullLowered {
				t.full, t.fullLowered = strings.ToLower(t.s), true
			}
			hay, needle = t.full, strings.ToLower(w)
		}
		if containsWord(hay, needle) {
			return w, true
		}
	}
	return "", false
}

// containsWord is strings.Contains, faster for a word that starts with a
// Chinese character: it looks for the last byte of that character, which
// varies far more between characters than their shared lead bytes do.
func containsWord(s, w string) bool {
	if len(w) < 2 || w[0] < utf8.RuneSelf {
		return strings.Contains(s, w)
	}
	_, n := utf8.DecodeRuneInString(w)
	k := n - 1
	c := w[k]
	for i := k; i < len(s); {
		j := strings.IndexByte(s[i:], c)
		if j < 0 {
			return false
		}
		if p := i + j - k; p+len(w) <= len(s) && s[p:p+len(w)] == w {
			return true
		}
		i += j + 1
	}
	return false
}

const (
	noCase = iota
	asciiCase
	unicodeCase
)

// caseOf says which letters with case a word holds.
func caseOf(s string) int {
	c := noCase
	for _, r := range s {
		if r < 0x80 {
			if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
				c = asciiCase
			}
			continue
		}
		if 0x3000 <= r && r < 0xA000 || 0xAC00 <= r && r < 0xD7B0 {
			continue // CJK punctuation, kana, ideographs, Hangul: no case
		}
		if unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r) {
			return unicodeCase
		}
	}
	return c
}

// foldASCII lowers the ASCII letters of s, leaving every other byte; it
// returns s itself when there is nothing to lower.
func foldASCII(s string) string {
	i := 0
	for i < len(s) && !('A' <= s[i] && s[i] <= 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		if 'A' <= b[i] && b[i] <= 'Z' {
			b[i] += 'a' - 'A'
		}
	}
	return string(b)
}
