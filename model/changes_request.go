package model

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// FileRequest files a request (REQ-1): it is checked, its chain computed
// (ComputeChain) and it waits for the first signature. Anyone files
// requests about themself; about others it needs request.file over their
// departments (HR, heads, officers, admins).
type FileRequest struct {
	Kind    RequestKind
	Subject Address // grant: the member; delegate: the lender
	Perm    string  // grant
	Perms   []string
	To      Address // delegate: the borrower
	From    time.Time
	Until   time.Time
	Reason  string
	// Scope and SubRights make a grant of subadmin: the department subtree
	// and the sub-admin's rights (ROLE-1).
	Scope     string
	SubRights []SubRight
	// Successor receives a leaver's mail (leave).
	Successor Address
	// Urgent marks a dismissal: the leaver's login is blocked at once, on
	// filing (leave).
	Urgent bool
	// Join is the joiner's details, JoinDept the department's path (join).
	Join     *JoinForm
	JoinDept string
	// ID is filled in by Apply.
	ID uint64
}

// Op names the operation.
func (c *FileRequest) Op() string { return "request.file" }

// Target names the subject.
func (c *FileRequest) Target() string {
	if c.Kind == RequestJoin && c.Join != nil {
		return string(c.Kind) + " " + string(c.Join.Address)
	}
	return string(c.Kind) + " " + string(c.Subject)
}

// Authorize lets people file about themselves, others need request.file
// over the subject's departments (a joiner's: the department they join);
// a dismissal, which blocks the login on filing, needs request.urgent.
func (c *FileRequest) Authorize(v View, a Actor) error {
	if c.Kind == RequestJoin {
		d, err := resolveDept(v, c.JoinDept)
		if err != nil {
			return err
		}
		return Authorize(a, RightRequestFile, Scope{d.ID}, v)
	}
	if c.Kind == RequestHandover {
		return c.authorizeHandover(v, a)
	}
	_, s, err := memberScope(v, c.Subject)
	if err != nil {
		return err
	}
	if c.Kind == RequestLeave && c.Urgent {
		return Authorize(a, RightRequestUrgent, s, v)
	}
	if c.Kind == RequestReset && Can(a, RightPasswordReset, s, v) {
		return nil // the helpdesk files resets for the people it verified
	}
	if c.Kind == RequestUnblock {
		return Authorize(a, RightRequestFile, s, v) // the member's head, or an admin
	}
	if a.Address == c.Subject && !a.IsSystem() {
		return nil
	}
	return Authorize(a, RightRequestFile, s, v)
}

// Apply checks the request, computes its chain and saves it.
func (c *FileRequest) Apply(tx Tx, env Env) error {
	r := &Request{Kind: c.Kind, State: RequestPending, Subject: c.Subject, Requester: env.Actor.Address,
		Filed: env.Now, Reason: strings.TrimSpace(c.Reason), From: c.From, Until: c.Until}
	if !c.From.IsZero() && !c.Until.IsZero() && !c.From.Before(c.Until) {
		return Invalidf("the window is empty: it would start at %s and end at %s", c.From.UTC().Format(time.RFC3339), c.Until.UTC().Format(time.RFC3339))
	}
	if c.Kind == RequestJoin {
		if err := c.checkJoin(tx, r); err != nil {
			return err
		}
		return c.save(tx, env, r)
	}
	subject, err := tx.Member(c.Subject)
	if err != nil {
		return err
	}
	if c.Kind == RequestLeave {
		if err := c.checkLeave(tx, env, subject, r); err != nil {
			return err
		}
		return c.save(tx, env, r)
	}
	if c.Kind == RequestHandover {
		leave, err := c.checkHandover(tx, env, subject, r)
		if err != nil {
			return err
		}
		if err := c.save(tx, env, r); err != nil {
			return err
		}
		leave.Handover = r.ID
		return tx.PutRequest(leave)
	}
	if c.Kind == RequestUnblock {
		if !subject.WarnBlocked() {
			return Conflictf("the mailbox %s is not blocked by warnings", subject.Address)
		}
		return c.save(tx, env, r)
	}
	if subject.Status != StatusActive && subject.Status != StatusLocked {
		return Conflictf("%s is %s; enable the account first", subject.Address, Word(subject.Status))
	}
	switch c.Kind {
	case RequestGrant:
		if p, _ := ParsePerm(c.Perm); p == PermSubadmin {
			if err := c.checkSubadmin(tx, r); err != nil {
				return err
			}
		} else if r.Perm, err = checkGrantable(tx, c.Perm); err != nil {
			return err
		}
		if !c.Until.IsZero() && !c.Until.After(env.Now) {
			return Invalidf("the grant would end at %s, which has passed: give a later --until", c.Until.UTC().Format(time.RFC3339))
		}
	case RequestDelegate:
		if err := c.checkDelegation(tx, env, subject, r); err != nil {
			return err
		}
	case RequestReset:
		if r.Reason == "" {
			return Invalidf("a reset needs a reason or ticket number: give --reason")
		}
	default:
		return Invalidf("a %s request is filed by whoever decides it, not through request file; use grant, delegate, join, leave, reset or unblock", string(c.Kind))
	}
	return c.save(tx, env, r)
}

// save computes the chain, numbers the request and writes it; an urgent
// leaver's login is blocked now.
func (c *FileRequest) save(tx Tx, env Env, r *Request) error {
	var err error
	if r.Steps, err = ComputeChain(tx, r); err != nil {
		return err
	}
	pol, err := tx.RequestPolicy()
	if err != nil {
		return err
	}
	r.Expires = env.Now.Add(pol.expiry())
	if r.ID, err = tx.NewRequestID(); err != nil {
		return err
	}
	c.ID = r.ID
	if r.Kind == RequestLeave && r.Urgent {
		m, err := tx.Member(r.Subject)
		if err != nil {
			return err
		}
		if m.Status == StatusActive || m.Status == StatusLocked {
			m = m.Clone()
			m.Status, m.Reason, m.Updated = StatusDisabled, "dismissal: request "+strconv.FormatUint(r.ID, 10), env.Now
			if err := tx.PutMember(m); err != nil {
				return err
			}
		}
	}
	return tx.PutRequest(r)
}

// checkSubadmin checks a request for sub-admin rights: a department
// subtree and at least one right.
func (c *FileRequest) checkSubadmin(tx Tx, r *Request) error {
	if strings.Trim(c.Scope, "/ ") == "" {
		return Invalidf("a sub-admin works on department subtrees: give --scope PATH")
	}
	d, err := resolveDept(tx, c.Scope)
	if err != nil {
		return err
	}
	if len(c.SubRights) == 0 {
		return Invalidf("name the sub-admin's rights with --rights members,groups,announcements")
	}
	r.Perm, r.Scope, r.SubRights = PermSubadmin, d.ID, slices.Clone(c.SubRights)
	return nil
}

// checkJoin checks a joiner: a name, a department, a free address in one of
// the company's domains, a position class.
func (c *FileRequest) checkJoin(tx Tx, r *Request) error {
	if c.Join == nil {
		return Invalidf("a join request needs the joiner's details")
	}
	j := *c.Join
	name, err := CleanName("name", j.Name, 64)
	if err != nil {
		return err
	}
	j.Name = name
	d, err := resolveDept(tx, c.JoinDept)
	if err != nil {
		return err
	}
	j.Dept = d.ID
	if j.Address == "" {
		return Invalidf("give the new mailbox's address with --address ADDR")
	}
	a, err := ParseAddress(string(j.Address))
	if err != nil {
		return err
	}
	if err := addressFree(tx, a); err != nil {
		return err
	}
	j.Address = a
	if j.Position == "" {
		j.Position = PositionStaff
	}
	if _, err := ParsePosition(string(j.Position)); err != nil {
		return err
	}
	j.Title = strings.TrimSpace(j.Title)
	r.Join, r.Subject = &j, a
	return nil
}

// checkLeave checks a leaver and the successor who receives their mail.
func (c *FileRequest) checkLeave(tx Tx, env Env, subject *Member, r *Request) error {
	if subject.Status == StatusReclaimed {
		return Conflictf("%s was already reclaimed as a leaver", subject.Address)
	}
	if subject.Address == env.Actor.Address && c.Urgent {
		return Conflictf("you cannot dismiss yourself; ask HR")
	}
	if c.Successor == "" {
		return Invalidf("name who receives the leaver's mail with --successor ADDR")
	}
	if c.Successor == subject.Address {
		return Invalidf("the successor must be someone else than the leaver %s", subject.Address)
	}
	if err := mustBeMember(tx, c.Successor, "successor"); err != nil {
		return err
	}
	succ, err := tx.Member(c.Successor)
	if err != nil {
		return err
	}
	if succ.Status == StatusReclaimed {
		return Conflictf("the successor %s was reclaimed as a leaver; name someone who stays", succ.Address)
	}
	if c.Urgent {
		if err := keepAnAdmin(tx, subject); err != nil {
			return err
		}
	}
	r.Successor, r.Urgent = succ.Address, c.Urgent
	return nil
}

// checkDelegation checks a delegation request: a borrower who is someone
// else and active, a window that ends in the future, and permissions the
// lender holds by themself.
func (c *FileRequest) checkDelegation(tx Tx, env Env, lender *Member, r *Request) error {
	if c.To == "" {
		return Invalidf("name who borrows the permissions with --to ADDR")
	}
	if c.To == c.Subject {
		return Invalidf("%s cannot lend permissions to themself: name someone else with --to", c.Subject)
	}
	to, err := tx.Member(c.To)
	if err != nil {
		return err
	}
	if to.Status != StatusActive {
		return Conflictf("%s is %s and cannot borrow permissions; enable the account first", to.Address, Word(to.Status))
	}
	if c.Until.IsZero() {
		return Invalidf("a delegation needs an end: give --until, like 2026-12-31T18:00:00+08:00")
	}
	if !c.Until.After(env.Now) {
		return Invalidf("the delegation would end at %s, which has passed: give a later --until", c.Until.UTC().Format(time.RFC3339))
	}
	r.To = to.Address
	basis, err := LoadPermBasis(tx)
	if err != nil {
		return err
	}
	own := ownPerms(nil, basis, lender, env.Now)
	for _, p := range c.Perms {
		name, err := ParsePerm(p)
		if err != nil {
			return err
		}
		if _, ok := FindPerm(own, name); !ok {
			return Conflictf("%s does not hold the permission %s, so cannot lend it", lender.Address, name)
		}
		if !slices.Contains(r.Perms, name) {
			r.Perms = append(r.Perms, name)
		}
	}
	return nil
}

// DecideRequest approves or rejects the step of a request the actor may
// decide (REQ-2, REQ-5). Steps are decided in order; a rejection ends the
// request; approving the IT step applies the request, in the same
// transaction, so it is applied once however often or by however many
// people it is approved. When the request policy lets the kind apply
// itself, the last signature applies it too.
type DecideRequest struct {
	ID      uint64
	Approve bool
	Comment string
	// Result is the request after the decision, filled in by Apply.
	Result *Request
	// OneTime is the one-time password of a joiner or a reset, made by
	// Prepare when this approval applies it: show it once to the one
	// applying it.
	OneTime string
	hash    string
	// Stored is the change a change request holds, set by Apply when this
	// approval applies the request: the store applies it next, in the same
	// transaction, as the approver (foureyes.go).
	Stored Change
}

// Prepare makes and hashes the one-time password of a joiner or of a
// reset when the approval is IT's and applies the request (hashing is
// slow: it runs outside the write lock).
func (c *DecideRequest) Prepare(v View, env Env) error {
	r, err := v.Request(c.ID)
	if err != nil {
		return err
	}
	i := r.Current()
	if !c.Approve || (r.Kind != RequestJoin && r.Kind != RequestReset) || r.StateAt(env.Now) != RequestPending || i >= len(r.Steps) || r.Steps[i].Role != StepIT {
		return nil
	}
	otp, err := OneTimePassword(env.Rand)
	if err != nil {
		return err
	}
	c.OneTime = otp
	c.hash, err = hashNew(otp, env)
	return err
}

// Op names the operation.
func (c *DecideRequest) Op() string {
	if c.Approve {
		return "request.approve"
	}
	return "request.reject"
}

// Target names the request.
func (c *DecideRequest) Target() string { return requestTarget(c.ID) }

func requestTarget(id uint64) string { return "request " + strconv.FormatUint(id, 10) }

// Authorize lets only people named on one of the request's steps, or IT.
func (c *DecideRequest) Authorize(v View, a Actor) error {
	r, err := v.Request(c.ID)
	if err != nil {
		return err
	}
	for i := range r.Steps {
		if r.MayDecide(v, i, a) {
			return nil
		}
	}
	return notYours(v, r, a)
}

// notYours is the refusal for someone who decides no step of the request.
func notYours(v View, r *Request, a Actor) error {
	i := r.Current()
	if i >= len(r.Steps) {
		i = len(r.Steps) - 1
	}
	s := r.Steps[i]
	if s.Role == StepIT {
		return Authorize(a, RightRequestApply, nil, v)
	}
	return Forbiddenf("%s may not decide request %d: its step %d is for %s", a.Address, r.ID, i+1, DescribeStep(v, s))
}

// Apply decides the step.
func (c *DecideRequest) Apply(tx Tx, env Env) error {
	r, err := tx.Request(c.ID)
	if err != nil {
		return err
	}
	comment := strings.TrimSpace(c.Comment)
	if !c.Approve && comment == "" {
		return Invalidf("say why the request is rejected: request reject ID --comment TEXT")
	}
	switch st := r.StateAt(env.Now); st {
	case RequestPending:
	case RequestExpired:
		return Conflictf("request %d expired at %s without a decision: file it again", r.ID, r.Expires.UTC().Format(time.RFC3339))
	case RequestWithdrawn:
		return Conflictf("request %d was withdrawn by %s at %s: there is nothing to decide", r.ID, byName(r.WithdrawnBy), r.Done.UTC().Format(time.RFC3339))
	default:
		last := r.Steps[len(r.Steps)-1]
		for _, s := range r.Steps {
			if s.Verdict == VerdictRejected {
				last = s
			}
		}
		return Conflictf("request %d was already decided: it is %s (%s at %s)", r.ID, string(st), byName(last.By), last.Time.UTC().Format(time.RFC3339))
	}
	i := r.Current()
	if !r.MayDecide(tx, i, env.Actor) {
		for j := i - 1; j >= 0; j-- {
			if r.MayDecide(tx, j, env.Actor) {
				s := r.Steps[j]
				return Conflictf("step %d of request %d was already decided: %s by %s at %s", j+1, r.ID, string(s.Verdict), byName(s.By), s.Time.UTC().Format(time.RFC3339))
			}
		}
		for j := i + 1; j < len(r.Steps); j++ {
			if r.MayDecide(tx, j, env.Actor) {
				return Conflictf("request %d waits for step %d first: %s", r.ID, i+1, DescribeStep(tx, r.Steps[i]))
			}
		}
		return notYours(tx, r, env.Actor)
	}
	r = r.Clone()
	verdict := VerdictRejected
	if c.Approve {
		verdict = VerdictApproved
	}
	r.Steps[i].Verdict, r.Steps[i].By, r.Steps[i].Time, r.Steps[i].Comment = verdict, env.Actor.Address, env.Now, comment
	if comment != "" {
		tx.Note("comment", comment)
	}
	switch {
	case !c.Approve:
		r.State, r.Done = RequestRejected, env.Now
	case r.Steps[i].Role == StepIT || i == len(r.Steps)-1:
		if err := applyRequest(tx, env, r, c.hash); err != nil {
			return err
		}
	case r.Steps[i+1].Role == StepIT && i+1 == len(r.Steps)-1:
		pol, err := tx.RequestPolicy()
		if err != nil {
			return err
		}
		if slices.Contains(pol.AutoApply, r.Kind) {
			r.Steps[i+1].Verdict, r.Steps[i+1].Time, r.Steps[i+1].Comment = VerdictApproved, env.Now, "applied on the last approval"
			if err := applyRequest(tx, env, r, ""); err != nil {
				return err
			}
		}
	}
	if r.Kind == RequestChange && r.State == RequestApplied {
		if r.Change == nil {
			return Invalidf("request %d holds no change", r.ID)
		}
		if c.Stored, err = DecodeChange(r.Change); err != nil {
			return err
		}
		tx.Note("filed_by", string(r.Requester))
	}
	c.Result = r
	return tx.PutRequest(r)
}

func byName(a Address) string {
	if a == "" {
		return "postroom"
	}
	return string(a)
}

// applyRequest carries out an approved request and marks it applied; hash
// is a joiner's prepared one-time password.
func applyRequest(tx Tx, env Env, r *Request, hash string) error {
	switch r.Kind {
	case RequestGrant:
		if r.Perm == PermSubadmin {
			if err := grantSubadmin(tx, env, r); err != nil {
				return err
			}
			break
		}
		if err := grantTo(tx, env, r.Subject, Grant{Perm: r.Perm, Source: SourceDirect, By: env.Actor.Address,
			From: r.From, Until: r.Until, Request: r.ID, Approvers: r.Approvers()}); err != nil {
			return err
		}
	case RequestDelegate:
		m, err := tx.Member(r.To)
		if err != nil {
			return err
		}
		if m.Status != StatusActive {
			return Conflictf("%s is %s and cannot borrow permissions; enable the account first", m.Address, Word(m.Status))
		}
		if !r.Until.After(env.Now) {
			return Conflictf("request %d's window ended at %s before it was applied: file it again", r.ID, r.Until.UTC().Format(time.RFC3339))
		}
		from := r.From
		if from.IsZero() || from.Before(env.Now) {
			from = env.Now
		}
		m = m.Clone()
		m.Delegations = append(m.Delegations, Delegation{Lender: r.Subject, Perms: slices.Clone(r.Perms), From: from, Until: r.Until,
			By: env.Actor.Address, Request: r.ID})
		m.Updated = env.Now
		if err := tx.PutMember(m); err != nil {
			return err
		}
	case RequestLeave:
		if err := reclaim(tx, env, r); err != nil {
			return err
		}
	case RequestJoin:
		if err := openAccount(tx, env, r, hash); err != nil {
			return err
		}
	case RequestReset:
		if err := resetByRequest(tx, env, r, hash); err != nil {
			return err
		}
	case RequestUnblock:
		if err := unblockByRequest(tx, env, r); err != nil {
			return err
		}
	case RequestChange:
		// The stored change is applied by the store right after, in the
		// same transaction (DecideRequest.Stored).
	case RequestHandover:
		if err := handOver(tx, r); err != nil {
			return err
		}
	default:
		return Invalidf("a %s request is filed by whoever decides it, not through request file; use grant, delegate, join, leave, reset or unblock", string(r.Kind))
	}
	r.State, r.Done = RequestApplied, env.Now
	return nil
}

// reclaim closes a leaver's account (ACC-5, seed part 5 2.2(3) and 3.2):
// login blocked, new mail to the successor, grants, roles, delegations and
// SSH keys gone, delegations of the leaver's own permissions ended, out of
// every group, no longer head or officer of any department. The mail
// already delivered stays in the mailbox.
func reclaim(tx Tx, env Env, r *Request) error {
	m, err := tx.Member(r.Subject)
	if err != nil {
		return err
	}
	if m.Address == env.Actor.Address {
		return Conflictf("you cannot close your own account; ask another admin")
	}
	if err := keepAnAdmin(tx, m); err != nil {
		return err
	}
	succ, err := tx.Member(r.Successor)
	if err != nil {
		return err
	}
	if succ.Status == StatusReclaimed {
		return Conflictf("the successor %s was reclaimed as a leaver; name someone who stays", succ.Address)
	}
	back := &MarkBack{Address: m.Address}
	if err := back.Apply(tx, env); err != nil && !isNotFound(err) {
		return err
	}
	groups, err := tx.GroupsOf(m.Address)
	if err != nil {
		return err
	}
	for _, ga := range groups {
		g, err := tx.Group(ga)
		if err != nil {
			return err
		}
		g = g.Clone()
		g.Members = slices.DeleteFunc(g.Members, func(x Address) bool { return x == m.Address })
		if err := tx.PutGroup(g); err != nil {
			return err
		}
	}
	if l, ok := tx.(DeptRoleLister); ok {
		ids, err := l.DeptsLedBy(m.Address)
		if err != nil {
			return err
		}
		for _, id := range ids {
			d, err := tx.Dept(id)
			if err != nil {
				return err
			}
			cp := *d
			cp.Heads = slices.DeleteFunc(slices.Clone(d.Heads), func(x Address) bool { return x == m.Address })
			if cp.Officer == m.Address {
				cp.Officer = ""
			}
			if err := tx.PutDept(&cp); err != nil {
				return err
			}
		}
	}
	m = m.Clone()
	m.Status, m.Reason = StatusReclaimed, leavePrefix+strconv.FormatUint(r.ID, 10)
	m.Successor = succ.Address
	m.Grants, m.Delegations, m.Roles, m.Keys = nil, nil, nil, nil
	m.Updated = env.Now
	tx.Note("successor", string(succ.Address))
	return tx.PutMember(m)
}

// openAccount opens a joiner's account with the prepared one-time password,
// which must be changed at the first login (ACC-1).
func openAccount(tx Tx, env Env, r *Request, hash string) error {
	if hash == "" {
		return Invalidf("the one-time password was not prepared")
	}
	j := r.Join
	if j == nil {
		return Invalidf("a join request needs the joiner's details")
	}
	if err := addressFree(tx, j.Address); err != nil {
		return err
	}
	if _, err := tx.Dept(j.Dept); err != nil {
		return err
	}
	m := &Member{Address: j.Address, Name: j.Name, Depts: []DeptID{j.Dept}, Title: j.Title, Position: j.Position,
		Status: StatusActive, Created: env.Now, Updated: env.Now}
	pol, err := tx.Policy()
	if err != nil {
		return err
	}
	setPassword(m, hash, true, pol, env.Now)
	return tx.PutMember(m)
}

// HandStep hands the step of a request waiting for the actor to a deputy
// (REQ-5): the deputy may then decide it as well as the approver.
type HandStep struct {
	ID      uint64
	To      Address
	Comment string
}

// Op names the operation.
func (c *HandStep) Op() string { return "request.hand" }

// Target names the request.
func (c *HandStep) Target() string { return requestTarget(c.ID) }

// Authorize lets the approver of the current step, and IT (request.apply),
// who hands on the steps of an approver who left or is away.
func (c *HandStep) Authorize(v View, a Actor) error {
	r, err := v.Request(c.ID)
	if err != nil {
		return err
	}
	i := r.Current()
	if i < len(r.Steps) && r.Steps[i].Approver != "" && r.Steps[i].Approver == a.Address {
		return nil
	}
	if Can(a, RightRequestApply, nil, v) {
		return nil
	}
	return notYours(v, r, a)
}

// Apply names the deputy.
func (c *HandStep) Apply(tx Tx, env Env) error {
	r, err := tx.Request(c.ID)
	if err != nil {
		return err
	}
	if st := r.StateAt(env.Now); st != RequestPending {
		return Conflictf("request %d is %s: there is no step to hand on", r.ID, string(st))
	}
	if err := mustBeMember(tx, c.To, "deputy"); err != nil {
		return err
	}
	to, err := tx.Member(c.To)
	if err != nil {
		return err
	}
	if to.Status != StatusActive {
		return Conflictf("%s is %s and cannot decide requests", to.Address, Word(to.Status))
	}
	if to.Address == r.Subject || to.Address == env.Actor.Address {
		return Invalidf("hand the step to someone else than %s", to.Address)
	}
	r = r.Clone()
	i := r.Current()
	if r.Steps[i].Role == StepIT {
		return Invalidf("IT's step is for any admin: there is nobody to hand it from")
	}
	r.Steps[i].Deputy = to.Address
	if s := strings.TrimSpace(c.Comment); s != "" {
		tx.Note("comment", s)
	}
	return tx.PutRequest(r)
}

// WithdrawRequest withdraws a pending request (REQ-4, REQ-5): its requester
// no longer wants it, or an admin clears it. It ends there: nobody decides
// its steps any more, and it leaves the approvers' inboxes. Only a pending
// request can be withdrawn, so withdrawing twice is refused, as is
// withdrawing what was decided or has expired. A dismissal blocked the
// leaver's login on filing; withdrawing it lifts that block when it is
// still the dismissal's own (the account was not changed since).
type WithdrawRequest struct {
	ID      uint64
	Comment string
	// Result is the request after withdrawal, filled in by Apply.
	Result *Request
}

// Op names the operation.
func (c *WithdrawRequest) Op() string { return "request.withdraw" }

// Target names the request.
func (c *WithdrawRequest) Target() string { return requestTarget(c.ID) }

// Authorize lets the requester, and whoever holds request.apply over the
// whole company (Request.MayWithdraw).
func (c *WithdrawRequest) Authorize(v View, a Actor) error {
	r, err := v.Request(c.ID)
	if err != nil {
		return err
	}
	if r.MayWithdraw(v, a) {
		return nil
	}
	return Forbiddenf("%s may not withdraw request %d: only its requester %s may, or an admin; it needs the right %s over the whole company", a.Address, r.ID, r.Requester, RightRequestApply)
}

// Apply withdraws the request.
func (c *WithdrawRequest) Apply(tx Tx, env Env) error {
	r, err := tx.Request(c.ID)
	if err != nil {
		return err
	}
	switch st := r.StateAt(env.Now); st {
	case RequestPending:
	case RequestWithdrawn:
		return Conflictf("request %d was already withdrawn by %s at %s", r.ID, byName(r.WithdrawnBy), r.Done.UTC().Format(time.RFC3339))
	case RequestExpired:
		return Conflictf("request %d expired at %s without a decision: there is nothing to withdraw", r.ID, r.Expires.UTC().Format(time.RFC3339))
	default:
		return Conflictf("request %d was already decided (it is %s): only a pending request can be withdrawn", r.ID, string(st))
	}
	r = r.Clone()
	r.State, r.Done, r.WithdrawnBy = RequestWithdrawn, env.Now, env.Actor.Address
	r.WithdrawComment = strings.TrimSpace(c.Comment)
	if r.WithdrawComment != "" {
		tx.Note("comment", r.WithdrawComment)
	}
	if r.Kind == RequestLeave && r.Urgent {
		m, err := tx.Member(r.Subject)
		if err != nil && !isNotFound(err) {
			return err
		}
		if m != nil && m.Status == StatusDisabled && m.Reason == "dismissal: request "+strconv.FormatUint(r.ID, 10) {
			m = m.Clone()
			m.Status, m.Reason, m.Updated = StatusActive, "", env.Now
			if err := tx.PutMember(m); err != nil {
				return err
			}
			tx.Note("unblocked", string(m.Address))
		}
	}
	c.Result = r
	return tx.PutRequest(r)
}

// SetRequestPolicy changes how long requests wait and which kinds apply
// themselves on the last approval.
type SetRequestPolicy struct{ Policy RequestPolicy }

// Op names the operation.
func (c *SetRequestPolicy) Op() string { return "request.policy" }

// Target names what it changes.
func (c *SetRequestPolicy) Target() string { return "requests" }

// Authorize needs perm.manage over the whole company.
func (c *SetRequestPolicy) Authorize(v View, a Actor) error {
	return Authorize(a, RightPermManage, nil, v)
}

// Apply checks and saves the policy.
func (c *SetRequestPolicy) Apply(tx Tx, env Env) error {
	p := c.Policy
	if time.Duration(p.Expiry) < time.Hour {
		return Invalidf("requests must wait at least an hour before they expire; give --expiry like 72h")
	}
	for _, k := range p.AutoApply {
		if k != RequestGrant && k != RequestDelegate {
			return Invalidf("only grant and delegate requests can apply themselves on the last approval, not %s", string(k))
		}
	}
	return tx.PutRequestPolicy(p)
}

// resetByRequest sets the prepared one-time password of an approved reset
// request; the member must change it at the next login, and a lock lifts.
func resetByRequest(tx Tx, env Env, r *Request, hash string) error {
	if hash == "" {
		return Invalidf("the one-time password was not prepared")
	}
	m, err := tx.Member(r.Subject)
	if err != nil {
		return err
	}
	if m.Status == StatusReclaimed || m.Status == StatusDisabled {
		return Conflictf("%s is %s; enable the account before resetting its password", m.Address, Word(m.Status))
	}
	pol, err := tx.Policy()
	if err != nil {
		return err
	}
	m = m.Clone()
	setPassword(m, hash, true, pol, env.Now)
	m.Updated = env.Now
	tx.Note("reason", r.Reason)
	return tx.PutMember(m)
}

// grantSubadmin gives the sub-admin role an approved request asked for,
// over its department subtree with its rights; an earlier sub-admin grant
// over the same subtree is replaced.
func grantSubadmin(tx Tx, env Env, r *Request) error {
	m, err := tx.Member(r.Subject)
	if err != nil {
		return err
	}
	if m.Status != StatusActive && m.Status != StatusLocked {
		return Conflictf("%s is %s; enable the account first", m.Address, Word(m.Status))
	}
	if _, err := tx.Dept(r.Scope); err != nil {
		return err
	}
	m = m.Clone()
	m.Roles = slices.DeleteFunc(m.Roles, func(g RoleGrant) bool { return g.Role == RoleSubadmin && g.Scope == r.Scope })
	m.Roles = append(m.Roles, RoleGrant{Role: RoleSubadmin, Scope: r.Scope, Rights: slices.Clone(r.SubRights), By: env.Actor.Address, Granted: env.Now})
	m.Updated = env.Now
	tx.Note("request", strconv.FormatUint(r.ID, 10))
	return tx.PutMember(m)
}
