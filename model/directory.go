package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Enterprise is the company's profile (ORG-1). The root department carries
// its name.
type Enterprise struct {
	Name        string `json:"name"`
	Address     string `json:"address,omitempty"`
	Contact     string `json:"contact,omitempty"`
	Phone       string `json:"phone,omitempty"`
	Description string `json:"description,omitempty"`
	// AddressBookShared makes the enterprise address book visible to every
	// member (ORG-8).
	AddressBookShared bool `json:"address_book_shared"`
	// BlockAfter is how many warnings block a mailbox (ACC-7); 0: the
	// default, DefaultWarnLimit.
	BlockAfter int `json:"block_after,omitempty"`
	// FourEyesOff are the classes of dangerous change that need no second
	// admin's approval (foureyes.go); none: every class needs it.
	FourEyesOff []FourEyesClass `json:"four_eyes_off,omitempty"`
	// InactiveAfter is how long an account goes unused before it counts as
	// inactive (ACC-6); 0: DefaultInactiveAfter; negative: never.
	InactiveAfter Duration `json:"inactive_after,omitempty"`
	// NotifyQuota is how many notification messages may go a day
	// (MAILFX-3); 0: DefaultNotifyQuota.
	NotifyQuota int `json:"notify_quota,omitempty"`
}

// Domain is one of the company's mail domains (ORG-2).
type Domain struct {
	Name    string    `json:"name"`
	Primary bool      `json:"primary"`
	Added   time.Time `json:"added"`
}

// DeptID identifies a department. The root department is RootDept.
type DeptID uint64

// RootDept is the root of the department tree; it carries the enterprise name.
const RootDept DeptID = 1

// MaxDeptDepth is how many levels of departments may stand below the root (ORG-3).
const MaxDeptDepth = 10

// Department is a node of the org tree (ORG-3, ORG-4).
type Department struct {
	ID      DeptID    `json:"id"`
	Parent  DeptID    `json:"parent"` // 0 for the root
	Name    string    `json:"name"`
	Heads   []Address `json:"heads,omitempty"`   // 负责人
	Officer Address   `json:"officer,omitempty"` // 权限负责人
	Mailbox Address   `json:"mailbox,omitempty"` // the department's own mailbox
	Created time.Time `json:"created"`
}

// Status is the state of a member's account (ORG-5).
type Status string

// The account states.
const (
	StatusActive    Status = "active"
	StatusDisabled  Status = "disabled"
	StatusLocked    Status = "locked"
	StatusReclaimed Status = "reclaimed"
)

// MaxAliases is how many aliases a member may have (ORG-6).
const MaxAliases = 5

// Member is a person with a mailbox (ORG-5).
type Member struct {
	Address    Address  `json:"address"`
	Name       string   `json:"name"`
	EmployeeID string   `json:"employee_id,omitempty"`
	Depts      []DeptID `json:"depts"` // never empty: no department means the root
	Title      string   `json:"title,omitempty"`
	Position   Position `json:"position"`
	Mobile     string   `json:"mobile,omitempty"`
	Phone      string   `json:"phone,omitempty"`
	Gender     string   `json:"gender,omitempty"`   // "", "male" or "female"
	Birthday   string   `json:"birthday,omitempty"` // YYYY-MM-DD
	Status     Status   `json:"status"`
	Reason     string   `json:"reason,omitempty"` // why the account is disabled or locked
	// Warnings are the warnings recorded on the member, oldest first (ACC-7).
	Warnings []Warning `json:"warnings,omitempty"`
	// Blocked is when the warnings blocked the mailbox; zero unless
	// blocked by them.
	Blocked time.Time   `json:"blocked,omitzero"`
	Aliases []Address   `json:"aliases,omitempty"`
	Keys    []SSHKey    `json:"keys,omitempty"`
	Roles   []RoleGrant `json:"roles,omitempty"`
	Grants  []Grant     `json:"grants,omitempty"`
	// Successor receives the mail of a reclaimed leaver (ACC-5).
	Successor Address `json:"successor,omitempty"`
	// Delegations are the permissions others lend this member (PERM-3).
	Delegations []Delegation `json:"delegations,omitempty"`
	Password    Credential   `json:"password"`
	Prefs       Prefs        `json:"prefs,omitzero"`
	// Filter is the member's own block and allow lists for mail from
	// outside (IN-3).
	Filter MailFilter `json:"filter,omitzero"`
	// NoSignature: the member turned the enterprise signature off for
	// their mail (MAILFX-1), where the mail policy allows it.
	NoSignature bool      `json:"no_signature,omitempty"`
	Created     time.Time `json:"created"`
	Updated     time.Time `json:"updated"`
}

// Prefs are a member's own settings for the terminal UI.
type Prefs struct {
	Lang  string `json:"lang,omitempty"`  // "zh-CN" or "en"; empty: the client's LANG
	ASCII bool   `json:"ascii,omitempty"` // ASCII borders for terminals that draw box glyphs wide
}

// Credential is a member's password state (ACC-1..4).
type Credential struct {
	Hash        string    `json:"hash,omitempty"` // argon2id PHC string; empty: no password set
	Changed     time.Time `json:"changed,omitzero"`
	MustChange  bool      `json:"must_change,omitempty"`
	History     []string  `json:"history,omitempty"` // earlier hashes, newest first
	Failures    int       `json:"failures,omitempty"`
	LastFail    time.Time `json:"last_fail,omitzero"`
	LockedUntil time.Time `json:"locked_until,omitzero"` // zero while locked: until helpdesk unlocks
}

// Redacted returns a copy of the member with secrets replaced, fit for the
// operation log and for display.
func (m *Member) Redacted() *Member {
	c := *m
	if c.Password.Hash != "" {
		c.Password.Hash = "[redacted]"
	}
	c.Password.History = nil
	return &c
}

// Clone returns a deep copy of the member, so a change can edit it freely.
func (m *Member) Clone() *Member {
	c := *m
	c.Depts = slices.Clone(m.Depts)
	c.Aliases = slices.Clone(m.Aliases)
	c.Keys = slices.Clone(m.Keys)
	c.Roles = slices.Clone(m.Roles)
	for i := range c.Roles {
		c.Roles[i].Rights = slices.Clone(c.Roles[i].Rights)
	}
	c.Grants = slices.Clone(m.Grants)
	c.Delegations = slices.Clone(m.Delegations)
	for i := range c.Delegations {
		c.Delegations[i].Perms = slices.Clone(c.Delegations[i].Perms)
	}
	c.Password.History = slices.Clone(m.Password.History)
	c.Warnings = slices.Clone(m.Warnings)
	c.Filter.Block = slices.Clone(m.Filter.Block)
	c.Filter.Allow = slices.Clone(m.Filter.Allow)
	return &c
}

// InDept reports whether the member belongs to department id directly.
func (m *Member) InDept(id DeptID) bool { return slices.Contains(m.Depts, id) }

// SSHKey is a public key a member logs in with over SSH.
type SSHKey struct {
	Line        string    `json:"line"` // the authorized_keys line as given, comment included
	Fingerprint string    `json:"fingerprint"`
	Added       time.Time `json:"added"`
}

// Grant is a permission granted to a member (PERM-2): its name, who granted
// it and how long it holds. Rights by position class, role and delegation
// are not grants: EffectivePerms derives them at the moment of use.
type Grant struct {
	Perm   string    `json:"perm"`           // broadcast, external, sendas:ADDR, notify
	Source string    `json:"source"`         // direct
	By     Address   `json:"by,omitempty"`   // who granted it (applied the request)
	From   time.Time `json:"from,omitzero"`  // start of validity; zero: from the grant
	Until  time.Time `json:"until,omitzero"` // end of validity; zero: no end
	// Request is the approved request the grant came from; 0: granted
	// directly by an admin.
	Request uint64 `json:"request,omitempty"`
	// Approvers are who signed the request, in the order of its chain.
	Approvers []Address `json:"approvers,omitempty"`
}

// ActiveAt reports whether the grant is in force at t.
func (g Grant) ActiveAt(t time.Time) bool {
	return (g.From.IsZero() || !t.Before(g.From)) && (g.Until.IsZero() || t.Before(g.Until))
}

// PostRule says who may post to a group (LIST-1, SEND-3).
type PostRule string

// Posting rules.
const (
	PostAnyone    PostRule = "anyone"    // anyone, inside or outside
	PostMembers   PostRule = "members"   // the group's own members
	PostPermitted PostRule = "permitted" // the group's position classes, or holders of the broadcast permission
	PostListed    PostRule = "listed"    // only the group's listed sender mailboxes
)

// ParsePostRule checks a posting rule name.
func ParsePostRule(s string) (PostRule, error) {
	switch r := PostRule(s); r {
	case PostAnyone, PostMembers, PostPermitted, PostListed:
		return r, nil
	case "":
		return PostMembers, nil
	}
	return "", Invalidf("unknown posting rule %q: use anyone, members, permitted or listed", s)
}

// Group is one address for many members (LIST-1): listed members, whole
// departments (with their subtrees) and other groups (with their members).
type Group struct {
	Address Address   `json:"address"`
	Name    string    `json:"name"`
	Members []Address `json:"members,omitempty"`
	Depts   []DeptID  `json:"depts,omitempty"`
	Post    PostRule  `json:"post"`
	// Senders are the mailboxes (members, shared or department mailboxes)
	// that may post under the listed rule.
	Senders []Address `json:"senders,omitempty"`
	// Positions are the position classes that may post under the permitted
	// rule; empty: the mail policy's whole-company classes.
	Positions []Position `json:"positions,omitempty"`
	Owner     DeptID     `json:"owner"` // the department that manages the group
	Created   time.Time  `json:"created"`
}

// Clone returns a deep copy of the group.
func (g *Group) Clone() *Group {
	c := *g
	c.Members = slices.Clone(g.Members)
	c.Depts = slices.Clone(g.Depts)
	c.Senders = slices.Clone(g.Senders)
	c.Positions = slices.Clone(g.Positions)
	return &c
}

// SharedMailbox is a public mailbox such as hr@ that members send as through
// a sendas:ADDR grant, never through a shared password (SEND-1, SEND-7).
type SharedMailbox struct {
	Address Address   `json:"address"`
	Name    string    `json:"name"`
	Dept    DeptID    `json:"dept"` // the department that owns it
	Created time.Time `json:"created"`
}

// OwnerKind says what an address belongs to.
type OwnerKind string

// The kinds of address owners; one address has exactly one owner.
const (
	OwnerMember OwnerKind = "member"
	OwnerAlias  OwnerKind = "alias"
	OwnerGroup  OwnerKind = "group"
	OwnerShared OwnerKind = "shared"
	OwnerDept   OwnerKind = "dept"
	OwnerList   OwnerKind = "list" // a mailing list for outside subscribers (LIST-2)
)

// Owner is what an address resolves to.
type Owner struct {
	Kind   OwnerKind `json:"kind"`
	Member Address   `json:"member,omitempty"` // for OwnerMember and OwnerAlias
	Dept   DeptID    `json:"dept,omitempty"`   // for OwnerDept
}

// Describe names the owner for messages.
func (o Owner) Describe(addr Address) string {
	switch o.Kind {
	case OwnerAlias:
		return fmt.Sprintf("an alias of %s", o.Member)
	case OwnerMember:
		return fmt.Sprintf("the member %s", addr)
	case OwnerGroup:
		return fmt.Sprintf("the group %s", addr)
	case OwnerShared:
		return fmt.Sprintf("the shared mailbox %s", addr)
	case OwnerDept:
		return "a department mailbox"
	case OwnerList:
		return fmt.Sprintf("the mailing list %s", addr)
	}
	return "taken"
}

// CleanName trims a display name and refuses control characters.
func CleanName(what, s string, max int) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Invalidf("%s is empty: give a name", what)
	}
	if n := len([]rune(s)); n > max {
		return "", Invalidf("%s %q is %d characters long; at most %d are allowed", what, s, n, max)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return "", Invalidf("%s %q holds a control character; remove it", what, s)
		}
	}
	return s, nil
}
