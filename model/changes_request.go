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
	// ID is filled in by Apply.
	ID uint64
}

// Op names the operation.
func (c *FileRequest) Op() string { return "request.file" }

// Target names the subject.
func (c *FileRequest) Target() string { return string(c.Kind) + " " + string(c.Subject) }

// Authorize lets people file about themselves, others need request.file.
func (c *FileRequest) Authorize(v View, a Actor) error {
	if a.Address == c.Subject && !a.IsSystem() {
		return nil
	}
	_, s, err := memberScope(v, c.Subject)
	if err != nil {
		return err
	}
	return Authorize(a, RightRequestFile, s, v)
}

// Apply checks the request, computes its chain and saves it.
func (c *FileRequest) Apply(tx Tx, env Env) error {
	r := &Request{Kind: c.Kind, State: RequestPending, Subject: c.Subject, Requester: env.Actor.Address,
		Filed: env.Now, Reason: strings.TrimSpace(c.Reason), From: c.From, Until: c.Until}
	subject, err := tx.Member(c.Subject)
	if err != nil {
		return err
	}
	if subject.Status != StatusActive && subject.Status != StatusLocked {
		return Conflictf("%s is %s; enable the account first", subject.Address, Word(subject.Status))
	}
	if !c.From.IsZero() && !c.Until.IsZero() && !c.From.Before(c.Until) {
		return Invalidf("the window is empty: it would start at %s and end at %s", c.From.UTC().Format(time.RFC3339), c.Until.UTC().Format(time.RFC3339))
	}
	switch c.Kind {
	case RequestGrant:
		if r.Perm, err = checkGrantable(tx, c.Perm); err != nil {
			return err
		}
		if !c.Until.IsZero() && !c.Until.After(env.Now) {
			return Invalidf("the grant would end at %s, which has passed: give a later --until", c.Until.UTC().Format(time.RFC3339))
		}
	case RequestDelegate:
		if err := c.checkDelegation(tx, env, subject, r); err != nil {
			return err
		}
	default:
		return Invalidf("file a %s request with its own form; this one files grant and delegate requests", string(c.Kind))
	}
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
	return tx.PutRequest(r)
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
		if err := applyRequest(tx, env, r); err != nil {
			return err
		}
	case r.Steps[i+1].Role == StepIT && i+1 == len(r.Steps)-1:
		pol, err := tx.RequestPolicy()
		if err != nil {
			return err
		}
		if slices.Contains(pol.AutoApply, r.Kind) {
			r.Steps[i+1].Verdict, r.Steps[i+1].Time, r.Steps[i+1].Comment = VerdictApproved, env.Now, "applied on the last approval"
			if err := applyRequest(tx, env, r); err != nil {
				return err
			}
		}
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

// applyRequest carries out an approved request and marks it applied.
func applyRequest(tx Tx, env Env, r *Request) error {
	switch r.Kind {
	case RequestGrant:
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
	default:
		return Invalidf("file a %s request with its own form; this one files grant and delegate requests", string(r.Kind))
	}
	r.State, r.Done = RequestApplied, env.Now
	return nil
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

// Authorize lets the approver of the current step.
func (c *HandStep) Authorize(v View, a Actor) error {
	r, err := v.Request(c.ID)
	if err != nil {
		return err
	}
	i := r.Current()
	if i < len(r.Steps) && r.Steps[i].Approver != "" && r.Steps[i].Approver == a.Address {
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
	r.Steps[i].Deputy = to.Address
	if s := strings.TrimSpace(c.Comment); s != "" {
		tx.Note("comment", s)
	}
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
