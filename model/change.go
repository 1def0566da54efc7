package model

import (
	"io"
	"strings"
	"time"
)

// View is a read-only look at the directory, as of one transaction. Lookups
// of a missing thing return an ErrNotFound user error.
type View interface {
	Ancestry
	Enterprise() (Enterprise, error)
	Domains() ([]Domain, error)
	// IsLocal reports whether domain is one of the company's domains.
	IsLocal(domain string) bool
	Dept(id DeptID) (*Department, error)
	// DeptByPath finds a department by its path relative to the root ("/" is the root).
	DeptByPath(path string) (*Department, error)
	DeptChild(parent DeptID, name string) (*Department, error)
	DeptChildren(id DeptID) ([]DeptID, error)
	// DeptMembers lists the members placed directly in the department,
	// leavers (StatusReclaimed) not included: a group defined by the
	// department reaches exactly these without reading them (ResolveRecipients).
	DeptMembers(id DeptID) ([]Address, error)
	Member(a Address) (*Member, error)
	// Owner says what an address (any kind: member, alias, group, …) belongs to.
	Owner(a Address) (Owner, bool, error)
	// EmployeeID finds the member with an employee id.
	EmployeeID(id string) (Address, bool, error)
	Group(a Address) (*Group, error)
	// GroupsOf lists the groups that name the member directly.
	GroupsOf(a Address) ([]Address, error)
	Shared(a Address) (*SharedMailbox, error)
	// Groups and SharedMailboxes list them all (there are few).
	Groups() ([]*Group, error)
	SharedMailboxes() ([]*SharedMailbox, error)
	// KeyOwner finds the member who registered an SSH key, by fingerprint.
	KeyOwner(fingerprint string) (Address, bool, error)
	Policy() (PasswordPolicy, error)
	LoginRules() (LoginRules, error)
	// MailPolicy is the mail policy; the defaults when none was saved.
	MailPolicy() (MailPolicy, error)
	// Permissions lists the saved entries of the permission catalogue, in
	// name order (Catalogue adds the defaults).
	Permissions() ([]Permission, error)
	// UnitOfficers lists the members holding the unit-officer role.
	UnitOfficers() ([]Address, error)
	// Borrowers lists the members a person lends permissions to, by
	// delegations not marked ended.
	Borrowers(lender Address) ([]Address, error)
	// Request returns a request by id.
	Request(id uint64) (*Request, error)
	// RequestPolicy is the request policy; the defaults when none was saved.
	RequestPolicy() (RequestPolicy, error)
	// DKIMKey is the domain's DKIM key; nil when its mail is not signed.
	DKIMKey(domain string) (*DKIMKey, error)
}

// Tx is a View that can also write. Each write replaces or removes one
// thing; the store keeps every index and the operation log in step.
type Tx interface {
	View
	PutEnterprise(Enterprise) error
	PutDomain(Domain) error
	DeleteDomain(name string) error
	NewDeptID() (DeptID, error)
	PutDept(*Department) error
	DeleteDept(id DeptID) error
	PutMember(*Member) error
	DeleteMember(a Address) error
	PutGroup(*Group) error
	DeleteGroup(a Address) error
	PutShared(*SharedMailbox) error
	DeleteShared(a Address) error
	PutPolicy(PasswordPolicy) error
	PutLoginRules(LoginRules) error
	PutMailPolicy(MailPolicy) error
	PutPermission(Permission) error
	PutRequestPolicy(RequestPolicy) error
	// NewRequestID allocates a request id (they count up from 1).
	NewRequestID() (uint64, error)
	PutRequest(*Request) error
	PutDKIMKey(DKIMKey) error
	DeleteDKIMKey(domain string) error
	// Note adds a line to the change's operation-log record (a reason, a
	// ticket number, how a person was verified).
	Note(key, value string)
}

// Env is what a change may use besides the data: who acts, the time and a
// source of randomness, all injected so tests can fix them.
type Env struct {
	Actor Actor
	Now   time.Time
	Rand  io.Reader
	Argon Argon2Params
}

// Change is one operation on the directory. The store runs it in one
// transaction: Authorize, then Apply (which validates and writes), then the
// operation-log record.
type Change interface {
	// Op names the operation in the log, e.g. "member.disable".
	Op() string
	// Target names what it changes, e.g. the member's address.
	Target() string
	// Authorize asks model.Authorize for the right the change needs over the
	// departments it touches.
	Authorize(v View, a Actor) error
	// Apply validates the change against the current data and writes it.
	Apply(tx Tx, env Env) error
}

// Preparer is a change with slow pure work (password hashing) that the
// store runs before it takes the write lock.
type Preparer interface {
	Prepare(v View, env Env) error
}

// SplitDeptPath splits a department path relative to the root into its
// names; "" and "/" are the root (no names).
func SplitDeptPath(p string) ([]string, error) {
	p = strings.TrimSpace(p)
	p = strings.Trim(p, "/")
	if p == "" {
		return nil, nil
	}
	parts := strings.Split(p, "/")
	for i, s := range parts {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, Invalidf("department path %q has an empty part: write it like 销售部/华北大区", p)
		}
		name, err := CleanName("department name", s, 64)
		if err != nil {
			return nil, err
		}
		parts[i] = name
	}
	if len(parts) > MaxDeptDepth {
		return nil, Invalidf("department path %q has %d levels; at most %d are allowed below the root", p, len(parts), MaxDeptDepth)
	}
	return parts, nil
}

// DeptDepth returns how many levels below the root a department stands
// (the root is 0).
func DeptDepth(v View, id DeptID) (int, error) {
	depth := 0
	for id != RootDept {
		d, err := v.Dept(id)
		if err != nil {
			return 0, err
		}
		id = d.Parent
		depth++
		if depth > MaxDeptDepth+1 {
			break
		}
	}
	return depth, nil
}

// SubtreeHeight returns how many levels stand below a department (0 for a leaf).
func SubtreeHeight(v View, id DeptID) (int, error) {
	kids, err := v.DeptChildren(id)
	if err != nil {
		return 0, err
	}
	h := 0
	for _, k := range kids {
		kh, err := SubtreeHeight(v, k)
		if err != nil {
			return 0, err
		}
		h = max(h, kh+1)
	}
	return h, nil
}
