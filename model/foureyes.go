package model

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Four-eyes for dangerous changes (seed part 5 1.3: the administrator
// sets what the officers sign, and is spot-checked). A change of one of
// the classes below, made by a person (not postroom itself), is not
// applied: the store files it as a request of kind RequestChange holding
// the exact change, with one step for another admin (StepAdmin). Whoever
// filed it may not approve it. On approval the stored change goes through
// the write path again, authorised for the approver and validated against
// the data as it is then, in the same transaction as the approval.
//
// Which classes need it is an enterprise setting (org set --four-eyes):
// all of them unless switched off. It applies only while there is another
// active admin than the person making the change; a company with one admin
// is not locked out: the change is applied and its operation-log record
// says it went unreviewed and why (a "four_eyes" note).

// FourEyesClass is a class of dangerous change.
type FourEyesClass string

// The classes of change that need a second admin's approval.
const (
	// FourEyesDomain is removing a mail domain (with all its members and mail).
	FourEyesDomain FourEyesClass = "domain-delete"
	// FourEyesBroadcast is anything that lets someone send to the whole
	// company who could not before: a direct grant of broadcast, a role or
	// a position class that holds it, or a catalogue entry of broadcast
	// given more position classes or roles.
	FourEyesBroadcast FourEyesClass = "broadcast"
	// FourEyesPassword is changing the password policy.
	FourEyesPassword FourEyesClass = "password-policy"
	// FourEyesSending is changing a sending rule: the mail policy, or the
	// posting rule of a group that covers the whole company.
	FourEyesSending FourEyesClass = "sending-rule"
)

// FourEyesClasses are every class, in display order.
var FourEyesClasses = []FourEyesClass{FourEyesDomain, FourEyesBroadcast, FourEyesPassword, FourEyesSending}

// ParseFourEyes reads a list of classes as org set --four-eyes takes it:
// "all", "none", or classes separated by commas.
func ParseFourEyes(s string) ([]FourEyesClass, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "all":
		return slices.Clone(FourEyesClasses), nil
	case "none", "":
		return []FourEyesClass{}, nil
	}
	var out []FourEyesClass
	for _, part := range strings.Split(s, ",") {
		c := FourEyesClass(strings.TrimSpace(part))
		if !slices.Contains(FourEyesClasses, c) {
			return nil, Invalidf("unknown four-eyes class %q: use all, none, or some of domain-delete, broadcast, password-policy, sending-rule separated by commas", part)
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// FourEyesOn lists the classes that need a second admin's approval.
func (e Enterprise) FourEyesOn() []FourEyesClass {
	var out []FourEyesClass
	for _, c := range FourEyesClasses {
		if !slices.Contains(e.FourEyesOff, c) {
			out = append(out, c)
		}
	}
	return out
}

// NeedsFourEyes reports whether changes of the class need a second admin.
func (e Enterprise) NeedsFourEyes(c FourEyesClass) bool {
	return c != "" && !slices.Contains(e.FourEyesOff, c)
}

// FourEyesClassOf says which class of dangerous change c is, judged
// against the data before it applies, at now; "" when it is none. A change
// that would fail anyway (an unknown member, a malformed policy) is "":
// applying it reports the mistake.
func FourEyesClassOf(v View, c Change, now time.Time) (FourEyesClass, error) {
	switch c := c.(type) {
	case *RemoveDomain:
		d, err := ParseDomain(c.Name)
		if err != nil || !v.IsLocal(d) {
			return "", nil
		}
		return FourEyesDomain, nil
	case *SetPasswordPolicy:
		old, err := v.Policy()
		if err != nil {
			return "", err
		}
		if old == c.Policy {
			return "", nil
		}
		return FourEyesPassword, nil
	case *SetMailPolicy:
		p, err := c.Policy.Clean()
		if err != nil {
			return "", nil
		}
		old, err := v.MailPolicy()
		if err != nil {
			return "", err
		}
		// The enterprise signature decides nobody's mail (MAILFX-1): a
		// change of it alone is not a sending rule.
		old.Signature = p.Signature
		if samePolicy(p, old) {
			return "", nil
		}
		return FourEyesSending, nil
	case *SetGroup:
		if c.Post == nil && c.Senders == nil && c.Positions == nil {
			return "", nil
		}
		g, err := v.Group(c.Address)
		if err != nil || !slices.Contains(g.Depts, RootDept) {
			return "", nil
		}
		return FourEyesSending, nil
	case *GrantPerm:
		if p, err := ParsePerm(c.Perm); err != nil || p != PermBroadcast {
			return "", nil
		}
		return broadcastIf(v, c.Address, now, func(m *Member) { m.Grants = append(m.Grants, Grant{Perm: PermBroadcast, From: c.From, Until: c.Until}) })
	case *GrantRole:
		return broadcastIf(v, c.Address, now, func(m *Member) { m.Roles = append(m.Roles, RoleGrant{Role: c.Role}) })
	case *SetMember:
		if !c.Set["position"] {
			return "", nil
		}
		p, err := ParsePosition(strings.TrimSpace(c.Fields.Position))
		if err != nil {
			return "", nil
		}
		return broadcastIf(v, c.Address, now, func(m *Member) { m.Position = p })
	case *SetPermission:
		if name, err := ParsePerm(c.Name); err != nil || name != PermBroadcast {
			return "", nil
		}
		old, err := LookupPermission(v, PermBroadcast)
		if err != nil {
			return "", err
		}
		if c.Positions != nil && slices.ContainsFunc(*c.Positions, func(p Position) bool { return !slices.Contains(old.Positions, p) }) {
			return FourEyesBroadcast, nil
		}
		if c.Roles != nil && slices.ContainsFunc(*c.Roles, func(r Role) bool { return !slices.Contains(old.Roles, r) }) {
			return FourEyesBroadcast, nil
		}
		return "", nil
	case *SetEnterprise:
		// Switching four-eyes off for a class is as dangerous as the class.
		if c.FourEyes == nil {
			return "", nil
		}
		e, err := v.Enterprise()
		if err != nil {
			return "", err
		}
		for _, cl := range e.FourEyesOn() {
			if !slices.Contains(*c.FourEyes, cl) {
				return cl, nil
			}
		}
	}
	return "", nil
}

// broadcastIf reports FourEyesBroadcast when the member, who does not send
// to the whole company by themself now, would after edit.
func broadcastIf(v View, a Address, now time.Time, edit func(*Member)) (FourEyesClass, error) {
	m, err := v.Member(a)
	if err != nil {
		return "", nil
	}
	b, err := LoadPermBasis(v)
	if err != nil {
		return "", err
	}
	if _, ok := holdsOwn(b, m, PermBroadcast, now, true); ok {
		return "", nil
	}
	next := m.Clone()
	edit(next)
	if _, ok := holdsOwn(b, next, PermBroadcast, now, true); ok {
		return FourEyesBroadcast, nil
	}
	return "", nil
}

// FieldChange is one line of a stored change's readable before and after:
// a field of a record and its values ("" where the record did not exist or
// is removed).
type FieldChange struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// StoredChange is the change a RequestChange request holds: its operation,
// the exact change as JSON, and what it would do as it was filed.
type StoredChange struct {
	Class  FourEyesClass   `json:"class"`
	Op     string          `json:"op"`
	Target string          `json:"target"`
	Body   json.RawMessage `json:"body"`
	// Diff is the readable before and after, as of filing; Notes the lines
	// the change noted (its impact, what a domain removal takes away).
	Diff  []FieldChange `json:"diff,omitempty"`
	More  int           `json:"more,omitempty"` // lines of Diff left out
	Notes []string      `json:"notes,omitempty"`
	// Error is why the change no longer applied when it was approved.
	Error string `json:"error,omitempty"`
}

// storable makes an empty change for each operation a RequestChange may
// hold.
var storable = map[string]func() Change{
	"domain.rm":       func() Change { return &RemoveDomain{} },
	"policy.password": func() Change { return &SetPasswordPolicy{} },
	"policy.set":      func() Change { return &SetMailPolicy{} },
	"group.set":       func() Change { return &SetGroup{} },
	"perm.grant":      func() Change { return &GrantPerm{} },
	"perm.owner":      func() Change { return &SetPermission{} },
	"role.grant":      func() Change { return &GrantRole{} },
	"member.set":      func() Change { return &SetMember{} },
	"member.move":     func() Change { return &SetMember{} },
	"org.set":         func() Change { return &SetEnterprise{} },
}

// EncodeChange writes a change for a RequestChange request.
func EncodeChange(c Change) (json.RawMessage, error) {
	if _, ok := storable[c.Op()]; !ok {
		return nil, fmt.Errorf("a %s change cannot wait for approval", c.Op())
	}
	return json.Marshal(c)
}

// DecodeChange reads the change a RequestChange request holds.
func DecodeChange(s *StoredChange) (Change, error) {
	mk, ok := storable[s.Op]
	if !ok {
		return nil, Invalidf("request holds a %s change, which this version of postroom does not apply", s.Op)
	}
	c := mk()
	if err := json.Unmarshal(s.Body, c); err != nil {
		return nil, fmt.Errorf("read the stored %s change: %w", s.Op, err)
	}
	return c, nil
}

// pinBase makes the stored change refuse to apply over a policy someone
// else changed after it was filed: its Base is the policy as it is now.
func pinBase(v View, c Change) error {
	switch c := c.(type) {
	case *SetMailPolicy:
		if c.Base == nil {
			old, err := v.MailPolicy()
			if err != nil {
				return err
			}
			c.Base = &old
		}
	case *SetPasswordPolicy:
		if c.Base == nil {
			old, err := v.Policy()
			if err != nil {
				return err
			}
			c.Base = &old
		}
	}
	return nil
}

// FileChange files a dangerous change for a second admin's approval
// instead of applying it: a RequestChange request with one StepAdmin step.
// The store makes it in place of the change (Store.Apply); Diff and Notes
// are what a trial run of the change wrote.
type FileChange struct {
	Change Change
	Class  FourEyesClass
	Diff   []FieldChange
	More   int
	Notes  []string
	// ID is filled in by Apply.
	ID uint64
}

// Op names the operation.
func (c *FileChange) Op() string { return "request.file" }

// Target names the change.
func (c *FileChange) Target() string {
	return string(RequestChange) + " " + c.Change.Op() + " " + c.Change.Target()
}

// Authorize needs what the change itself needs.
func (c *FileChange) Authorize(v View, a Actor) error { return c.Change.Authorize(v, a) }

// Apply saves the request.
func (c *FileChange) Apply(tx Tx, env Env) error {
	if env.Actor.IsSystem() {
		return Invalidf("postroom's own changes need no approval")
	}
	if err := pinBase(tx, c.Change); err != nil {
		return err
	}
	body, err := EncodeChange(c.Change)
	if err != nil {
		return err
	}
	r := &Request{Kind: RequestChange, State: RequestPending, Requester: env.Actor.Address, Filed: env.Now,
		Change: &StoredChange{Class: c.Class, Op: c.Change.Op(), Target: c.Change.Target(), Body: body,
			Diff: c.Diff, More: c.More, Notes: c.Notes},
		Steps: []Step{{Role: StepAdmin}}}
	if a, err := ParseAddress(c.Change.Target()); err == nil {
		if _, err := tx.Member(a); err == nil {
			r.Subject = a
		}
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
	tx.Note("four_eyes", string(c.Class))
	return tx.PutRequest(r)
}

// FailChange ends a RequestChange request whose change no longer applied
// when it was approved: the approval is recorded, the request is failed,
// and the reason kept. The store runs it after the approval's transaction
// rolled back.
type FailChange struct {
	ID     uint64
	Reason string
	// Result is the request as it ended, filled in by Apply.
	Result *Request
}

// Op names the operation.
func (c *FailChange) Op() string { return "request.fail" }

// Target names the request.
func (c *FailChange) Target() string { return requestTarget(c.ID) }

// Authorize lets whoever may decide the request's step.
func (c *FailChange) Authorize(v View, a Actor) error {
	return (&DecideRequest{ID: c.ID, Approve: true}).Authorize(v, a)
}

// Apply ends the request.
func (c *FailChange) Apply(tx Tx, env Env) error {
	r, err := tx.Request(c.ID)
	if err != nil {
		return err
	}
	if r.Kind != RequestChange || r.Change == nil {
		return Invalidf("request %d holds no change", r.ID)
	}
	if st := r.StateAt(env.Now); st != RequestPending {
		return Conflictf("request %d was already decided: it is %s", r.ID, string(st))
	}
	i := r.Current()
	if !r.MayDecide(tx, i, env.Actor) {
		return notYours(tx, r, env.Actor)
	}
	r = r.Clone()
	r.Steps[i].Verdict, r.Steps[i].By, r.Steps[i].Time = VerdictApproved, env.Actor.Address, env.Now
	r.State, r.Done = RequestFailed, env.Now
	r.Change.Error = c.Reason
	tx.Note("error", c.Reason)
	c.Result = r
	return tx.PutRequest(r)
}

// ApprovalPending is what Store.Apply returns in place of applying a
// dangerous change: it was filed as request ID for another admin's
// approval. It is not a failure: the doors say so and exit 0.
type ApprovalPending struct {
	ID     uint64
	Class  FourEyesClass
	Op     string
	Target string
	err    error
}

// NewApprovalPending says change c was filed as request id.
func NewApprovalPending(id uint64, class FourEyesClass, c Change) *ApprovalPending {
	return &ApprovalPending{ID: id, Class: class, Op: c.Op(), Target: c.Target(),
		err: Conflictf("not applied yet: %s %s needs a second admin's approval (%s); it was filed as request %d, which another admin approves with request approve %d",
			c.Op(), c.Target(), Word(class), id, id)}
}

func (e *ApprovalPending) Error() string { return e.err.Error() }

// Unwrap returns the words for the person.
func (e *ApprovalPending) Unwrap() error { return e.err }

// UnreviewedNote is the operation-log note on a dangerous change applied
// without a second admin, because there is none.
func UnreviewedNote(class FourEyesClass) string {
	return fmt.Sprintf("%s: unreviewed, there is no other active admin to approve it (appoint one with role grant ADDR admin)", class)
}

// OtherAdmins counts the active admins other than a.
func OtherAdmins(v View, l AdminLister, a Address) (int, error) {
	admins, err := l.Admins()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, x := range admins {
		if x == a {
			continue
		}
		if m, err := v.Member(x); err == nil && m.Status == StatusActive {
			n++
		}
	}
	return n, nil
}
