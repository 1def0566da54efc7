package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Role is what a person may do in postroom (ROLE-1). Roles are ordered from
// the least to the most powerful; the order is for display and sorting, the
// rights of each role come from roleRights.
type Role int

// The roles. Head and officer are usually derived from the departments a
// person heads or signs for; the others are granted.
const (
	RoleMember      Role = iota // every employee: own password, keys, requests
	RoleHead                    // 部门负责人: approves held mail of the department
	RoleOfficer                 // 部门权限负责人: signs grants of the department's permissions
	RoleUnitOfficer             // 单位权限负责人: signs cross-department grants, spot-checks
	RoleHR                      // 人力资源部: files joiners and leavers
	RoleAuditor                 // reads every log, changes nothing
	RoleHelpdesk                // finds a person, resets a password, unlocks
	RoleSubadmin                // 分级管理员: an admin limited to department subtrees and rights
	RoleAdmin                   // 邮箱管理员: everything
)

var roleNames = []string{"member", "head", "officer", "unit-officer", "hr", "auditor", "helpdesk", "subadmin", "admin"}

// String returns the role's name as commands spell it.
func (r Role) String() string {
	if r < 0 || int(r) >= len(roleNames) {
		return fmt.Sprintf("role(%d)", int(r))
	}
	return roleNames[r]
}

// MarshalText writes the role's name.
func (r Role) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads a role's name.
func (r *Role) UnmarshalText(b []byte) error {
	v, err := ParseRole(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// ParseRole reads a role's name.
func ParseRole(s string) (Role, error) {
	if i := slices.Index(roleNames, s); i >= 0 {
		return Role(i), nil
	}
	return 0, Invalidf("unknown role %q: use one of %s", s, strings.Join(roleNames[1:], ", "))
}

// SubRight is one of the rights a sub-admin may be given (ROLE-1).
type SubRight string

// The sub-admin rights.
const (
	SubMembers       SubRight = "members"       // members and departments of the scope
	SubGroups        SubRight = "groups"        // mail groups
	SubAnnouncements SubRight = "announcements" // announcements to the scope
)

// ParseSubRight reads a sub-admin right.
func ParseSubRight(s string) (SubRight, error) {
	switch r := SubRight(s); r {
	case SubMembers, SubGroups, SubAnnouncements:
		return r, nil
	}
	return "", Invalidf("unknown sub-admin right %q: use members, groups or announcements", s)
}

// RoleGrant is one role held by a member, over the whole company (Scope 0)
// or over a department subtree.
type RoleGrant struct {
	Role    Role       `json:"role"`
	Scope   DeptID     `json:"scope,omitempty"`
	Rights  []SubRight `json:"rights,omitempty"` // sub-admins only
	By      Address    `json:"by,omitempty"`
	Granted time.Time  `json:"granted,omitzero"`
}

// Right is a named thing an actor may do. A refusal names the missing right.
type Right string

// The rights. A change needs one right over a scope.
const (
	RightOrgManage     Right = "org.manage"     // enterprise profile, domains, password policy
	RightDeptManage    Right = "dept.manage"    // create, rename, move, delete departments
	RightMemberRead    Right = "member.read"    // see members and departments
	RightMemberManage  Right = "member.manage"  // create, edit, move, disable, delete members
	RightPasswordReset Right = "password.reset" // one-time passwords
	RightAccountUnlock Right = "account.unlock" // lift login locks
	RightGroupManage   Right = "group.manage"   // mail groups and shared mailboxes
	RightRoleManage    Right = "role.manage"    // grant and revoke roles
	RightLogRead       Right = "log.read"       // operation and login logs
	RightAuditVerify   Right = "audit.verify"   // verify the operation log chain
	RightBackup        Right = "backup"         // online backup of the whole database
	RightImport        Right = "import"         // bulk member import
	RightPolicyManage  Right = "policy.manage"  // mail policy: rules, thresholds, lists, actions
	RightQueueManage   Right = "queue.manage"   // the mail queue: retry, release, drop any message
	RightMailLogRead   Right = "maillog.read"   // the mail log, the top senders, violations
	RightPermManage    Right = "perm.manage"    // the permission catalogue: owners, classes, roles (PERM-1)
	RightPermGrant     Right = "perm.grant"     // grant and revoke permissions directly (IT sets them)
	RightPermRead      Right = "perm.read"      // the user and permission list (PERM-4)
	RightRequestFile   Right = "request.file"   // file requests about other people (REQ-1)
	RightRequestRead   Right = "request.read"   // see other people's requests
	RightRequestApply  Right = "request.apply"  // apply approved requests: the IT step (REQ-2)
	RightRequestUrgent Right = "request.urgent" // file a dismissal, which blocks the login on filing (ACC-5)
	RightBookManage    Right = "book.manage"    // the customer address book: contacts and who may see or edit it
	RightListManage    Right = "list.manage"    // mailing lists for outside subscribers: lists, senders, subscribers (LIST-2)
	RightAnnounce      Right = "announce"       // publish and recall announcements (ANN-1, ANN-2)
	RightBatchManage   Right = "batch.manage"   // cancel anyone's batch task (LOG-5); a task's owner may cancel their own
)

// rightsOf lists what one grant allows.
func rightsOf(g RoleGrant) []Right {
	switch g.Role {
	case RoleAdmin:
		return []Right{RightOrgManage, RightDeptManage, RightMemberRead, RightMemberManage, RightPasswordReset,
			RightAccountUnlock, RightGroupManage, RightRoleManage, RightLogRead, RightAuditVerify, RightBackup, RightImport,
			RightPolicyManage, RightQueueManage, RightMailLogRead, RightPermManage, RightPermGrant, RightPermRead,
			RightRequestFile, RightRequestRead, RightRequestApply, RightRequestUrgent, RightBookManage, RightListManage,
			RightAnnounce, RightBatchManage}
	case RoleSubadmin:
		rs := []Right{RightMemberRead}
		if slices.Contains(g.Rights, SubMembers) {
			rs = append(rs, RightDeptManage, RightMemberManage, RightPasswordReset, RightAccountUnlock, RightImport, RightRequestFile)
		}
		if slices.Contains(g.Rights, SubGroups) {
			rs = append(rs, RightGroupManage)
		}
		if slices.Contains(g.Rights, SubAnnouncements) {
			rs = append(rs, RightAnnounce)
		}
		return rs
	case RoleHelpdesk:
		return []Right{RightMemberRead, RightPasswordReset, RightAccountUnlock}
	case RoleAuditor:
		return []Right{RightMemberRead, RightLogRead, RightAuditVerify, RightMailLogRead, RightPermRead, RightRequestRead}
	case RoleHR:
		return []Right{RightMemberRead, RightRequestFile, RightRequestRead, RightRequestUrgent}
	case RoleUnitOfficer:
		return []Right{RightMemberRead, RightPermRead, RightRequestRead}
	case RoleHead, RoleOfficer:
		return []Right{RightMemberRead, RightPermRead, RightRequestFile, RightRequestRead}
	}
	return nil
}

// Door is how an actor reached postroom.
type Door string

// The doors.
const (
	DoorCLI    Door = "cli"
	DoorSSH    Door = "ssh"
	DoorTUI    Door = "tui"
	DoorSMTP   Door = "smtp"
	DoorSystem Door = "system"
)

// Actor is the person behind a change or a query, with every role they hold
// at this moment (granted and derived from departments), and the door and
// source address they came through (ACC-8: every action is tied to one person).
type Actor struct {
	Address Address     `json:"address"`
	Name    string      `json:"name"`
	Roles   []RoleGrant `json:"roles"`
	Door    Door        `json:"door"`
	Source  string      `json:"source,omitempty"`
}

// System is the actor for work postroom does by itself (first set-up, sweeps).
func System(door Door) Actor {
	return Actor{Name: "postroom", Door: door, Roles: []RoleGrant{{Role: RoleAdmin}}}
}

// IsSystem reports whether the actor is postroom itself.
func (a Actor) IsSystem() bool { return a.Address == "" }

// Top returns the actor's most powerful role.
func (a Actor) Top() Role {
	top := RoleMember
	for _, g := range a.Roles {
		top = max(top, g.Role)
	}
	return top
}

// Has reports whether the actor holds the role anywhere.
func (a Actor) Has(r Role) bool {
	return slices.ContainsFunc(a.Roles, func(g RoleGrant) bool { return g.Role == r })
}

// RoleNames lists the actor's roles for messages and the audit log, e.g.
// "subadmin(销售部), helpdesk".
func (a Actor) RoleNames(tree DeptNamer) string {
	if len(a.Roles) == 0 {
		return "member"
	}
	var parts []string
	for _, g := range a.Roles {
		s := g.Role.String()
		if g.Scope != 0 && tree != nil {
			s += "(" + tree.DeptPath(g.Scope) + ")"
		}
		if !slices.Contains(parts, s) {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

// DeptNamer turns department ids into paths for messages.
type DeptNamer interface {
	DeptPath(id DeptID) string
}

// Ancestry answers whether one department lies in another's subtree.
type Ancestry interface {
	DeptNamer
	// Within reports whether dept is root or lies below it (or is it).
	Within(dept, root DeptID) bool
}

// Scope is the set of departments a change or query touches. An empty
// scope means the whole company: only company-wide grants cover it.
type Scope []DeptID

// Authorize is the one place that decides whether an actor may use a right
// over a scope (ROLE-2). It returns nil or an ErrForbidden error that names
// the missing right and where it was needed.
func Authorize(a Actor, right Right, scope Scope, tree Ancestry) error {
	if covers(a, right, scope, tree) {
		return nil
	}
	who := string(a.Address)
	if who == "" {
		who = a.Name
	}
	if len(scope) == 0 {
		return Forbiddenf("%s may not do this: it needs the right %s over the whole company; %s holds %s", who, right, who, a.RoleNames(tree))
	}
	var paths []string
	for _, d := range scope {
		if p := tree.DeptPath(d); !slices.Contains(paths, p) && !covers(a, right, Scope{d}, tree) {
			paths = append(paths, p)
		}
	}
	return Forbiddenf("%s may not do this: it needs the right %s over %s; %s holds %s", who, right, strings.Join(paths, ", "), who, a.RoleNames(tree))
}

// Can reports whether Authorize would allow the right over the scope.
func Can(a Actor, right Right, scope Scope, tree Ancestry) bool {
	return covers(a, right, scope, tree)
}

func covers(a Actor, right Right, scope Scope, tree Ancestry) bool {
	if len(scope) == 0 {
		for _, g := range a.Roles {
			if g.Scope == 0 && slices.Contains(rightsOf(g), right) {
				return true
			}
		}
		return false
	}
	for _, d := range scope {
		ok := false
		for _, g := range a.Roles {
			if !slices.Contains(rightsOf(g), right) {
				continue
			}
			if g.Scope == 0 || tree.Within(d, g.Scope) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// CanSee reports whether the actor may read a member in the given departments:
// a member always sees themself; others need member.read over at least one of
// the member's departments.
func CanSee(a Actor, m *Member, tree Ancestry) bool {
	if m.Address == a.Address {
		return true
	}
	for _, d := range m.Depts {
		if covers(a, RightMemberRead, Scope{d}, tree) {
			return true
		}
	}
	return false
}

// HoldsAnywhere reports whether any of the actor's grants carries the
// right, whatever its scope; listings then show only what CanSee allows.
func HoldsAnywhere(a Actor, right Right) bool {
	for _, g := range a.Roles {
		if slices.Contains(rightsOf(g), right) {
			return true
		}
	}
	return false
}
