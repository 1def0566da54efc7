package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// RequestKind is what a request asks for (REQ-1).
type RequestKind string

// The request kinds.
const (
	RequestGrant    RequestKind = "grant"    // grant or change a permission
	RequestDelegate RequestKind = "delegate" // lend a person's permissions for a window (PERM-3)
	RequestJoin     RequestKind = "join"     // open an account (joiner, or existing staff)
	RequestLeave    RequestKind = "leave"    // close an account (leaver; urgent: dismissal)
	RequestRelease  RequestKind = "release"  // release held mail
	RequestReset    RequestKind = "reset"    // reset a password, where resets need approval
	RequestUnblock  RequestKind = "unblock"  // lift the block of a mailbox blocked by warnings (ACC-7)
	RequestChange   RequestKind = "change"   // a dangerous change waiting for a second admin (foureyes.go)
)

// ParseRequestKind reads a request kind.
func ParseRequestKind(s string) (RequestKind, error) {
	switch k := RequestKind(strings.TrimSpace(s)); k {
	case RequestGrant, RequestDelegate, RequestJoin, RequestLeave, RequestRelease, RequestReset, RequestUnblock, RequestChange, RequestHandover:
		return k, nil
	}
	return "", Invalidf("unknown request kind %q: use grant, delegate, join, leave, handover, release, reset, unblock or change", s)
}

// RequestState is where a request stands.
type RequestState string

// The request states. Pending requests past their expiry count as expired
// (Request.StateAt) without anything written. A withdrawn request was
// taken back while pending, by its requester or an admin (WithdrawRequest).
const (
	RequestPending   RequestState = "pending"
	RequestApplied   RequestState = "applied"
	RequestRejected  RequestState = "rejected"
	RequestExpired   RequestState = "expired"
	RequestWithdrawn RequestState = "withdrawn"
	// RequestFailed is a change request approved when its change no longer
	// applied (StoredChange.Error says why).
	RequestFailed RequestState = "failed"
)

// ParseRequestState reads a request state, as request list --status takes it.
func ParseRequestState(s string) (RequestState, error) {
	switch st := RequestState(strings.TrimSpace(s)); st {
	case RequestPending, RequestApplied, RequestRejected, RequestExpired, RequestWithdrawn, RequestFailed:
		return st, nil
	}
	return "", Invalidf("unknown request state %q: use pending, applied, rejected, expired, withdrawn or failed", s)
}

// StepRole says who signs a step of a chain (REQ-2, seed part 5 3.1).
type StepRole string

// The step roles.
const (
	StepOfficer StepRole = "officer"      // the subject's department's permission officer
	StepOwner   StepRole = "owner"        // the owning department's permission officer
	StepUnit    StepRole = "unit-officer" // the unit permission officer, for requests across departments
	StepHead    StepRole = "head"         // the sender's department head (held mail)
	StepIT      StepRole = "it"           // IT applies the change (any admin)
	StepAdmin   StepRole = "admin"        // a second admin: any admin but the one who filed it (four-eyes)
)

// Verdict is a step's decision.
type Verdict string

// The verdicts.
const (
	VerdictApproved Verdict = "approved"
	VerdictRejected Verdict = "rejected"
)

// Step is one signature of a request's chain: who is to sign, and once
// decided who did, when, how and why.
type Step struct {
	Role StepRole `json:"role"`
	Dept DeptID   `json:"dept,omitempty"` // the department the officer or head signs for
	// Approver is who is to sign; empty for the IT step (any admin). For the
	// unit officer's step any unit officer may sign.
	Approver Address   `json:"approver,omitempty"`
	Deputy   Address   `json:"deputy,omitempty"` // the approver handed the step to this person
	Verdict  Verdict   `json:"decision,omitempty"`
	By       Address   `json:"by,omitempty"` // who decided; empty when postroom applied it on the last approval
	Time     time.Time `json:"time,omitzero"`
	Comment  string    `json:"comment,omitempty"`
}

// JoinForm is a joiner's details (ACC-1), filed by HR.
type JoinForm struct {
	Name     string    `json:"name"`
	Dept     DeptID    `json:"dept"`
	Title    string    `json:"title,omitempty"`
	Position Position  `json:"position,omitempty"`
	Address  Address   `json:"address,omitempty"`
	Start    time.Time `json:"start,omitzero"`
}

// Request is an approval workflow (REQ-1..5): what is asked, for whom, the
// chain of signatures, and where it stands. It carries its own state, so
// applying it twice is applying it once.
type Request struct {
	ID        uint64       `json:"id"`
	Kind      RequestKind  `json:"kind"`
	State     RequestState `json:"status"`
	Subject   Address      `json:"subject,omitempty"` // whom it is about; the lender of a delegation
	Requester Address      `json:"requester"`
	Filed     time.Time    `json:"filed"`
	Expires   time.Time    `json:"expires"`
	Done      time.Time    `json:"done,omitzero"` // applied, rejected or withdrawn
	Reason    string       `json:"reason,omitempty"`
	Urgent    bool         `json:"urgent,omitempty"`

	Perm string `json:"perm,omitempty"` // grant
	// Scope and SubRights are a sub-admin grant's department subtree and
	// rights (Perm subadmin).
	Scope     DeptID     `json:"scope,omitempty"`
	SubRights []SubRight `json:"rights,omitempty"`
	Perms     []string   `json:"perms,omitempty"` // delegate; empty: all the lender's permissions
	To        Address    `json:"to,omitempty"`    // delegate: the borrower
	From      time.Time  `json:"from,omitzero"`   // start of the grant or the delegation; zero: when applied
	Until     time.Time  `json:"until,omitzero"`  // end of the grant (zero: none) or the delegation

	Join      *JoinForm `json:"join,omitempty"`
	Successor Address   `json:"successor,omitempty"` // leave
	Message   string    `json:"message,omitempty"`   // release: the held message's id

	// Change is the dangerous change a change request holds (foureyes.go).
	Change *StoredChange `json:"change,omitempty"`
	// Handover is, on a leave request, the handover of the leaver's
	// mailbox filed for it; Leave, on a handover, the leave request; Handed
	// what the handover copied, once copied.
	Handover uint64  `json:"handover,omitempty"`
	Leave    uint64  `json:"leave,omitempty"`
	Handed   *Handed `json:"handed,omitempty"`

	Steps []Step `json:"steps"`

	// WithdrawnBy is who withdrew a withdrawn request (its requester or an
	// admin), at Done; WithdrawComment why.
	WithdrawnBy     Address `json:"withdrawn_by,omitempty"`
	WithdrawComment string  `json:"withdraw_comment,omitempty"`
}

// Clone returns a deep copy, so a change can edit it freely.
func (r *Request) Clone() *Request {
	c := *r
	c.Perms = slices.Clone(r.Perms)
	c.SubRights = slices.Clone(r.SubRights)
	c.Steps = slices.Clone(r.Steps)
	if r.Join != nil {
		j := *r.Join
		c.Join = &j
	}
	if r.Change != nil {
		ch := *r.Change
		ch.Diff = slices.Clone(r.Change.Diff)
		ch.Notes = slices.Clone(r.Change.Notes)
		c.Change = &ch
	}
	if r.Handed != nil {
		h := *r.Handed
		c.Handed = &h
	}
	return &c
}

// StateAt is the request's state at now: a pending request past its expiry
// is expired.
func (r *Request) StateAt(now time.Time) RequestState {
	if r.State == RequestPending && !r.Expires.IsZero() && !now.Before(r.Expires) {
		return RequestExpired
	}
	return r.State
}

// MayWithdraw reports whether the actor may withdraw the request: its
// requester, or whoever holds request.apply over the whole company (an
// admin clearing a request nobody needs any more). Whether it is still
// pending is WithdrawRequest's to check.
func (r *Request) MayWithdraw(v View, a Actor) bool {
	if a.Address != "" && a.Address == r.Requester {
		return true
	}
	return Can(a, RightRequestApply, nil, v)
}

// Current is the index of the first undecided step; len(Steps) when every
// step is decided.
func (r *Request) Current() int {
	for i, s := range r.Steps {
		if s.Verdict == "" {
			return i
		}
	}
	return len(r.Steps)
}

// Involves reports whether the person filed the request, is its subject or
// borrower, or is named on one of its steps.
func (r *Request) Involves(a Address) bool {
	if a == "" {
		return false
	}
	if r.Requester == a || r.Subject == a || r.To == a || r.Successor == a {
		return true
	}
	return slices.ContainsFunc(r.Steps, func(s Step) bool { return s.Approver == a || s.Deputy == a || s.By == a })
}

// Approvers lists who signed the steps so far, in order (IT, which
// applies the request, is not a signer).
func (r *Request) Approvers() []Address {
	var out []Address
	for _, s := range r.Steps {
		if s.Verdict == VerdictApproved && s.By != "" && s.Role != StepIT && !slices.Contains(out, s.By) {
			out = append(out, s.By)
		}
	}
	return out
}

// RequestPolicy is how requests behave (REQ-2, REQ-5): admin-owned data.
type RequestPolicy struct {
	// Expiry is how long a request waits for its decisions.
	Expiry Duration `json:"expiry"`
	// AutoApply lists the kinds that apply themselves on the last approval
	// instead of waiting for IT.
	AutoApply []RequestKind `json:"auto_apply,omitempty"`
	// Resets routes password resets through a request signed by the
	// member's officer (seed part 5 2.1(4)): passwd reset is then refused.
	Resets bool `json:"resets,omitempty"`
}

// DefaultRequestExpiry is how long a request waits unless the policy says
// otherwise.
const DefaultRequestExpiry = 14 * 24 * time.Hour

// Duration is a time.Duration written as text ("336h0m0s") in JSON.
type Duration time.Duration

// MarshalText writes the duration as Go spells it.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText reads a Go duration.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return Invalidf("duration %q: write it like 72h or 336h", string(b))
	}
	*d = Duration(v)
	return nil
}

// expiry is the policy's expiry, or the default.
func (p RequestPolicy) expiry() time.Duration {
	if p.Expiry <= 0 {
		return DefaultRequestExpiry
	}
	return time.Duration(p.Expiry)
}

// chainer computes one chain.
type chainer struct {
	v       View
	r       *Request
	steps   []Step
	subject Address // skipped as a signer of their own request
}

// add appends a signature step unless the same person already signs one.
func (c *chainer) add(s Step) {
	if s.Approver != "" && slices.ContainsFunc(c.steps, func(x Step) bool { return x.Approver == s.Approver }) {
		return
	}
	c.steps = append(c.steps, s)
}

// officer finds the permission officer who signs for dept: its own, else the
// nearest department above it that has one. Nobody signs their own request:
// an officer who is the subject passes the step to the officer above.
func (c *chainer) officer(dept DeptID) (Step, error) {
	id := dept
	var own DeptID // where the subject is the officer
	for i := 0; i <= MaxDeptDepth+1; i++ {
		d, err := c.v.Dept(id)
		if err != nil {
			return Step{}, err
		}
		if d.Officer != "" && d.Officer != c.subject {
			return Step{Role: StepOfficer, Dept: d.ID, Approver: d.Officer}, nil
		}
		if d.Officer != "" && own == 0 {
			own = d.ID
		}
		if d.ID == RootDept || d.Parent == 0 {
			break
		}
		id = d.Parent
	}
	path := c.v.DeptPath(dept)
	if own != 0 {
		return Step{}, Conflictf("%s is the permission officer of %s and cannot sign a request about themself, and no department above has another; an admin appoints one with dept set / --officer ADDR",
			c.subject, c.v.DeptPath(own))
	}
	return Step{}, Conflictf("nobody can sign for %s: neither it nor any department above it has a permission officer; an admin appoints one with dept set %s --officer ADDR", path, path)
}

// head finds the head who decides for dept: its own first head, else the
// nearest department above it that has one.
func (c *chainer) head(dept DeptID) (Step, error) {
	id := dept
	for i := 0; i <= MaxDeptDepth+1; i++ {
		d, err := c.v.Dept(id)
		if err != nil {
			return Step{}, err
		}
		for _, h := range d.Heads {
			if h != c.subject {
				return Step{Role: StepHead, Dept: d.ID, Approver: h}, nil
			}
		}
		if d.ID == RootDept || d.Parent == 0 {
			break
		}
		id = d.Parent
	}
	path := c.v.DeptPath(dept)
	return Step{}, Conflictf("nobody can decide for %s: neither it nor any department above it has a head; an admin appoints one with dept set %s --head ADDR", path, path)
}

// unit adds the unit permission officer's step.
func (c *chainer) unit() error {
	us, err := c.v.UnitOfficers()
	if err != nil {
		return err
	}
	us = slices.DeleteFunc(slices.Clone(us), func(a Address) bool { return a == c.subject })
	if len(us) == 0 {
		return Conflictf("the request crosses departments and needs the unit permission officer, and there is none; an admin appoints one with role grant ADDR unit-officer")
	}
	slices.Sort(us)
	for _, s := range c.steps {
		if slices.Contains(us, s.Approver) {
			return nil // a unit officer already signs
		}
	}
	c.add(Step{Role: StepUnit, Approver: us[0]})
	return nil
}

// crosses reports whether two departments are apart: neither lies within
// the other.
func (c *chainer) crosses(a, b DeptID) bool {
	return !c.v.Within(a, b) && !c.v.Within(b, a)
}

// primaryDept is the member's first department.
func primaryDept(m *Member) DeptID {
	if len(m.Depts) == 0 {
		return RootDept
	}
	return m.Depts[0]
}

// owner adds the owning department's officer for a permission and reports
// the owning department; 0 when the permission has none and need is false.
func (c *chainer) owner(perm string, need bool) (DeptID, error) {
	p, err := LookupPermission(c.v, perm)
	if err != nil {
		return 0, err
	}
	if p.Owner == 0 {
		if need {
			return 0, Conflictf("the permission %s has no owning department, so nobody can sign for it; an admin sets one with perm owner %s PATH", perm, perm)
		}
		return 0, nil
	}
	s, err := c.officer(p.Owner)
	if err != nil {
		return 0, err
	}
	s.Role = StepOwner
	c.add(s)
	return p.Owner, nil
}

// ComputeChain works out who signs a request, in order (REQ-2, seed part 5
// 3.1 and 3.2): the permission officer of the subject's department; the
// owning department's officer when that is someone else; the unit
// permission officer when the request crosses departments; then IT applies
// it. Held mail goes to the sender's department head instead. A department
// without an officer passes to the nearest one above it; when there is none
// at all, the error says who must be appointed.
func ComputeChain(v View, r *Request) ([]Step, error) {
	c := &chainer{v: v, r: r, subject: r.Subject}
	switch r.Kind {
	case RequestGrant:
		m, err := v.Member(r.Subject)
		if err != nil {
			return nil, err
		}
		dept := primaryDept(m)
		s, err := c.officer(dept)
		if err != nil {
			return nil, err
		}
		c.add(s)
		owner, err := c.owner(r.Perm, true)
		if err != nil {
			return nil, err
		}
		if c.crosses(dept, owner) {
			if err := c.unit(); err != nil {
				return nil, err
			}
		}
	case RequestDelegate:
		lender, err := v.Member(r.Subject)
		if err != nil {
			return nil, err
		}
		borrower, err := v.Member(r.To)
		if err != nil {
			return nil, err
		}
		ld, bd := primaryDept(lender), primaryDept(borrower)
		s, err := c.officer(ld)
		if err != nil {
			return nil, err
		}
		c.add(s)
		cross := c.crosses(ld, bd)
		if ld != bd {
			s, err := c.officer(bd)
			if err != nil {
				return nil, err
			}
			c.add(s)
		}
		for _, p := range r.Perms {
			owner, err := c.owner(p, false)
			if err != nil {
				return nil, err
			}
			cross = cross || (owner != 0 && c.crosses(bd, owner))
		}
		if cross {
			if err := c.unit(); err != nil {
				return nil, err
			}
		}
	case RequestJoin:
		if r.Join == nil {
			return nil, Invalidf("a join request needs the joiner's details")
		}
		s, err := c.officer(r.Join.Dept)
		if err != nil {
			return nil, err
		}
		c.add(s)
	case RequestLeave, RequestReset, RequestUnblock, RequestHandover:
		m, err := v.Member(r.Subject)
		if err != nil {
			return nil, err
		}
		s, err := c.officer(primaryDept(m))
		if err != nil {
			return nil, err
		}
		c.add(s)
	case RequestChange:
		return []Step{{Role: StepAdmin}}, nil // another admin's approval applies it
	case RequestRelease:
		m, err := v.Member(r.Subject)
		if err != nil {
			return nil, err
		}
		s, err := c.head(primaryDept(m))
		if err != nil {
			return nil, err
		}
		return []Step{s}, nil // releasing the message is the decision itself
	default:
		return nil, Invalidf("unknown request kind %q: use grant, delegate, join, leave, handover, release, reset, unblock or change", string(r.Kind))
	}
	c.steps = append(c.steps, Step{Role: StepIT})
	return c.steps, nil
}

// MayDecide reports whether the actor may decide step i: the approver or
// the deputy it was handed to; for the unit step any unit officer; for the
// IT step whoever holds request.apply over the whole company.
func (r *Request) MayDecide(v View, i int, a Actor) bool {
	if i < 0 || i >= len(r.Steps) {
		return false
	}
	s := r.Steps[i]
	switch {
	case s.Role == StepIT:
		return Can(a, RightRequestApply, nil, v)
	case a.Address == "":
		return false
	case s.Role == StepAdmin:
		return a.Has(RoleAdmin) && a.Address != r.Requester
	case s.Role == StepUnit && a.Has(RoleUnitOfficer):
		return true
	}
	return a.Address == s.Approver || a.Address == s.Deputy
}

// DescribeStep says who is to sign a step, for messages.
func DescribeStep(v View, s Step) string {
	var who string
	switch s.Role {
	case StepIT:
		return "IT (an admin) to apply it"
	case StepAdmin:
		return "a second admin (not the one who filed it)"
	case StepUnit:
		who = fmt.Sprintf("the unit permission officer %s", s.Approver)
	case StepHead:
		who = fmt.Sprintf("the head of %s, %s", v.DeptPath(s.Dept), s.Approver)
	case StepOwner:
		who = fmt.Sprintf("the permission officer of %s (owning department), %s", v.DeptPath(s.Dept), s.Approver)
	default:
		who = fmt.Sprintf("the permission officer of %s, %s", v.DeptPath(s.Dept), s.Approver)
	}
	if s.Deputy != "" {
		who += fmt.Sprintf(", handed to %s", s.Deputy)
	}
	return who
}
