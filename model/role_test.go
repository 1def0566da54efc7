package model

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// The org tree the authorisation tests use:
//
//	/ 示例科技有限公司
//	├── 销售部
//	│   ├── 华北大区
//	│   └── 华南大区
//	└── 技术部
const (
	deptSales DeptID = iota + 2
	deptNorth
	deptSouth
	deptTech
)

// fakeTree is a model.Ancestry made of a parent map.
type fakeTree struct {
	parent map[DeptID]DeptID
	name   map[DeptID]string
}

var orgTree = fakeTree{
	parent: map[DeptID]DeptID{RootDept: 0, deptSales: RootDept, deptNorth: deptSales, deptSouth: deptSales, deptTech: RootDept},
	name:   map[DeptID]string{RootDept: "示例科技有限公司", deptSales: "销售部", deptNorth: "华北大区", deptSouth: "华南大区", deptTech: "技术部"},
}

func (f fakeTree) DeptPath(id DeptID) string {
	var parts []string
	for id != RootDept && id != 0 {
		parts = append([]string{f.name[id]}, parts...)
		id = f.parent[id]
	}
	if len(parts) == 0 {
		return "/"
	}
	return strings.Join(parts, "/")
}

func (f fakeTree) Within(dept, root DeptID) bool {
	for dept != 0 {
		if dept == root {
			return true
		}
		dept = f.parent[dept]
	}
	return false
}

// who holds the actors of the tests, one per role.
var who = struct {
	admin, salesAdmin, salesGroupsOnly, helpdesk, auditor, hr, unitOfficer, salesOfficer, salesHead, plain Actor
}{
	admin:           Actor{Address: "admin@example.com", Roles: []RoleGrant{{Role: RoleAdmin}}},
	salesAdmin:      Actor{Address: "sa@example.com", Roles: []RoleGrant{{Role: RoleSubadmin, Scope: deptSales, Rights: []SubRight{SubMembers}}}},
	salesGroupsOnly: Actor{Address: "sg@example.com", Roles: []RoleGrant{{Role: RoleSubadmin, Scope: deptSales, Rights: []SubRight{SubGroups, SubAnnouncements}}}},
	helpdesk:        Actor{Address: "hd@example.com", Roles: []RoleGrant{{Role: RoleHelpdesk}}},
	auditor:         Actor{Address: "au@example.com", Roles: []RoleGrant{{Role: RoleAuditor}}},
	hr:              Actor{Address: "hr@example.com", Roles: []RoleGrant{{Role: RoleHR}}},
	unitOfficer:     Actor{Address: "uo@example.com", Roles: []RoleGrant{{Role: RoleUnitOfficer}}},
	salesOfficer:    Actor{Address: "so@example.com", Roles: []RoleGrant{{Role: RoleOfficer, Scope: deptSales}}},
	salesHead:       Actor{Address: "sh@example.com", Roles: []RoleGrant{{Role: RoleHead, Scope: deptSales}}},
	plain:           Actor{Address: "pm@example.com"},
}

var everyRight = []Right{
	RightOrgManage, RightDeptManage, RightMemberRead, RightMemberManage, RightPasswordReset, RightAccountUnlock,
	RightGroupManage, RightRoleManage, RightLogRead, RightAuditVerify, RightBackup, RightImport,
	RightPolicyManage, RightQueueManage, RightMailLogRead, RightPermManage, RightPermGrant, RightPermRead,
	RightRequestFile, RightRequestRead, RightRequestApply, RightRequestUrgent, RightBookManage, RightListManage, RightAnnounce,
}

// TestRightsOfEachRole is the table of ROLE-1: what each role may do over a
// department inside its scope (销售部/华北大区). Every right not listed is refused.
func TestRightsOfEachRole(t *testing.T) {
	tests := []struct {
		role  string
		actor Actor
		may   []Right
	}{
		{"admin", who.admin, everyRight},
		{"sub-admin with members", who.salesAdmin, []Right{RightMemberRead, RightDeptManage, RightMemberManage, RightPasswordReset, RightAccountUnlock, RightImport, RightRequestFile}},
		{"sub-admin without members", who.salesGroupsOnly, []Right{RightMemberRead, RightGroupManage, RightAnnounce}},
		{"helpdesk", who.helpdesk, []Right{RightMemberRead, RightPasswordReset, RightAccountUnlock}},
		{"auditor", who.auditor, []Right{RightMemberRead, RightLogRead, RightAuditVerify, RightMailLogRead, RightPermRead, RightRequestRead}},
		{"hr", who.hr, []Right{RightMemberRead, RightRequestFile, RightRequestRead, RightRequestUrgent}},
		{"unit officer", who.unitOfficer, []Right{RightMemberRead, RightPermRead, RightRequestRead}},
		{"officer", who.salesOfficer, []Right{RightMemberRead, RightPermRead, RightRequestFile, RightRequestRead}},
		{"head", who.salesHead, []Right{RightMemberRead, RightPermRead, RightRequestFile, RightRequestRead}},
		{"member", who.plain, nil},
		{"postroom itself", System(DoorSystem), everyRight},
	}
	for _, tt := range tests {
		t.Run(tt.role, func(t *testing.T) {
			for _, right := range everyRight {
				want := slices.Contains(tt.may, right)
				err := Authorize(tt.actor, right, Scope{deptNorth}, orgTree)
				if got := err == nil; got != want {
					t.Errorf("Authorize(%s, %s over 销售部/华北大区) allowed = %v, want %v (err: %v)", tt.role, right, got, want, err)
				}
				if got := Can(tt.actor, right, Scope{deptNorth}, orgTree); got != want {
					t.Errorf("Can(%s, %s over 销售部/华北大区) = %v, want %v", tt.role, right, got, want)
				}
				if err != nil && !errors.Is(err, ErrForbidden) {
					t.Errorf("Authorize(%s, %s): %v is not ErrForbidden", tt.role, right, err)
				}
				if got := HoldsAnywhere(tt.actor, right); got != want {
					t.Errorf("HoldsAnywhere(%s, %s) = %v, want %v", tt.role, right, got, want)
				}
			}
		})
	}
}

// TestAuthorizeScopes pins down where a right reaches: company-wide grants
// everywhere, a scoped grant over its subtree only, and a scope of several
// departments only when every one of them is covered.
func TestAuthorizeScopes(t *testing.T) {
	tests := []struct {
		name  string
		actor Actor
		right Right
		scope Scope
		allow bool
	}{
		{"admin over the whole company", who.admin, RightRoleManage, nil, true},
		{"admin over the root", who.admin, RightOrgManage, Scope{RootDept}, true},
		{"admin over 技术部", who.admin, RightMemberManage, Scope{deptTech}, true},
		{"admin over two departments", who.admin, RightMemberManage, Scope{deptNorth, deptTech}, true},

		{"sub-admin manages members in 销售部", who.salesAdmin, RightMemberManage, Scope{deptSales}, true},
		{"sub-admin manages members in 销售部/华北大区", who.salesAdmin, RightMemberManage, Scope{deptNorth}, true},
		{"sub-admin manages members in both regions", who.salesAdmin, RightMemberManage, Scope{deptNorth, deptSouth}, true},
		{"sub-admin not in 技术部", who.salesAdmin, RightMemberManage, Scope{deptTech}, false},
		{"sub-admin not at the root", who.salesAdmin, RightMemberManage, Scope{RootDept}, false},
		{"sub-admin not over the whole company", who.salesAdmin, RightMemberManage, nil, false},
		{"sub-admin needs both departments covered", who.salesAdmin, RightMemberManage, Scope{deptNorth, deptTech}, false},
		{"sub-admin needs both departments covered, either order", who.salesAdmin, RightMemberManage, Scope{deptTech, deptNorth}, false},
		{"sub-admin never grants roles in scope", who.salesAdmin, RightRoleManage, Scope{deptNorth}, false},
		{"sub-admin never grants roles company-wide", who.salesAdmin, RightRoleManage, nil, false},
		{"sub-admin reads only its scope", who.salesAdmin, RightMemberRead, Scope{deptTech}, false},
		{"sub-admin without members right", who.salesGroupsOnly, RightMemberManage, Scope{deptNorth}, false},
		{"sub-admin without members right manages groups", who.salesGroupsOnly, RightGroupManage, Scope{deptSouth}, true},

		{"helpdesk resets passwords anywhere", who.helpdesk, RightPasswordReset, Scope{deptTech}, true},
		{"helpdesk resets passwords company-wide", who.helpdesk, RightPasswordReset, nil, true},
		{"helpdesk unlocks", who.helpdesk, RightAccountUnlock, Scope{deptNorth}, true},
		{"helpdesk does not manage members", who.helpdesk, RightMemberManage, Scope{deptNorth}, false},

		{"auditor reads logs", who.auditor, RightLogRead, nil, true},
		{"auditor verifies the audit chain", who.auditor, RightAuditVerify, nil, true},
		{"auditor does not back up", who.auditor, RightBackup, nil, false},

		{"head reads own department", who.salesHead, RightMemberRead, Scope{deptNorth}, true},
		{"head does not read other departments", who.salesHead, RightMemberRead, Scope{deptTech}, false},
		{"officer does not read the whole company", who.salesOfficer, RightMemberRead, nil, false},
		{"hr reads everyone", who.hr, RightMemberRead, Scope{deptTech}, true},

		{"member reads nothing", who.plain, RightMemberRead, Scope{deptNorth}, false},

		{"two grants together cover two departments", Actor{Address: "x@example.com", Roles: []RoleGrant{
			{Role: RoleSubadmin, Scope: deptSales, Rights: []SubRight{SubMembers}},
			{Role: RoleSubadmin, Scope: deptTech, Rights: []SubRight{SubMembers}},
		}}, RightMemberManage, Scope{deptNorth, deptTech}, true},
		{"a grant without the right does not help cover", Actor{Address: "x@example.com", Roles: []RoleGrant{
			{Role: RoleSubadmin, Scope: deptSales, Rights: []SubRight{SubMembers}},
			{Role: RoleSubadmin, Scope: deptTech, Rights: []SubRight{SubGroups}},
		}}, RightMemberManage, Scope{deptNorth, deptTech}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Authorize(tt.actor, tt.right, tt.scope, orgTree)
			if got := err == nil; got != tt.allow {
				t.Fatalf("Authorize(%s over %v) allowed = %v, want %v (err: %v)", tt.right, tt.scope, got, tt.allow, err)
			}
			if got := Can(tt.actor, tt.right, tt.scope, orgTree); got != tt.allow {
				t.Errorf("Can = %v, want %v", got, tt.allow)
			}
			if err != nil && (!errors.Is(err, ErrForbidden) || !IsUserError(err)) {
				t.Errorf("refusal %v is not an ErrForbidden user error", err)
			}
		})
	}
}

// TestAuthorizeRefusalSaysWhatIsMissing: a refusal names who, the missing
// right, the place it was needed, and the roles the actor holds (ROLE-2).
func TestAuthorizeRefusalSaysWhatIsMissing(t *testing.T) {
	tests := []struct {
		name  string
		actor Actor
		right Right
		scope Scope
		want  []string
	}{
		{"sub-admin outside its subtree", who.salesAdmin, RightMemberManage, Scope{deptTech},
			[]string{"sa@example.com may not do this", "member.manage", "over 技术部", "holds subadmin(销售部)"}},
		{"sub-admin at the root", who.salesAdmin, RightMemberManage, Scope{RootDept},
			[]string{"member.manage", "over /"}},
		{"sub-admin granting a role", who.salesAdmin, RightRoleManage, nil,
			[]string{"role.manage", "over the whole company"}},
		{"only the uncovered department named", who.salesAdmin, RightMemberManage, Scope{deptNorth, deptTech},
			[]string{"member.manage", "over 技术部;"}},
		{"two uncovered departments named", who.helpdesk, RightMemberManage, Scope{deptNorth, deptTech},
			[]string{"member.manage", "over 销售部/华北大区, 技术部"}},
		{"helpdesk editing a member", who.helpdesk, RightMemberManage, Scope{deptNorth},
			[]string{"hd@example.com", "member.manage", "销售部/华北大区", "holds helpdesk"}},
		{"auditor writing", who.auditor, RightDeptManage, Scope{deptSales},
			[]string{"dept.manage", "over 销售部", "holds auditor"}},
		{"plain member", who.plain, RightMemberRead, Scope{deptNorth},
			[]string{"pm@example.com", "member.read", "holds member"}},
		{"an actor without an address is named by name", Actor{Name: "sweeper"}, RightBackup, nil,
			[]string{"sweeper may not do this", "backup"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Authorize(tt.actor, tt.right, tt.scope, orgTree)
			if err == nil {
				t.Fatal("allowed, want a refusal")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("refusal %q does not say %q", err, w)
				}
			}
		})
	}
}

// TestCanSee: everyone sees themself; others need member.read over at least
// one of the member's departments.
func TestCanSee(t *testing.T) {
	inNorth := &Member{Address: "zhangsan@example.com", Depts: []DeptID{deptNorth}}
	inTech := &Member{Address: "lisi@example.com", Depts: []DeptID{deptTech}}
	inBoth := &Member{Address: "wangwu@example.com", Depts: []DeptID{deptTech, deptSouth}}
	atRoot := &Member{Address: "ceo@example.com", Depts: []DeptID{RootDept}}
	self := &Member{Address: who.plain.Address, Depts: []DeptID{deptTech}}

	tests := []struct {
		name   string
		actor  Actor
		member *Member
		see    bool
	}{
		{"admin sees a member in 技术部", who.admin, inTech, true},
		{"admin sees a member at the root", who.admin, atRoot, true},
		{"sub-admin sees a member in its subtree", who.salesAdmin, inNorth, true},
		{"sub-admin does not see a member in 技术部", who.salesAdmin, inTech, false},
		{"sub-admin sees a member with one department in its subtree", who.salesAdmin, inBoth, true},
		{"sub-admin does not see a member at the root", who.salesAdmin, atRoot, false},
		{"helpdesk sees everyone", who.helpdesk, inTech, true},
		{"head sees its department", who.salesHead, inNorth, true},
		{"head does not see other departments", who.salesHead, inTech, false},
		{"a member sees themself", who.plain, self, true},
		{"a member does not see others", who.plain, inNorth, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CanSee(tt.actor, tt.member, orgTree); got != tt.see {
				t.Errorf("CanSee = %v, want %v", got, tt.see)
			}
		})
	}
}

// TestHoldsAnywhere answers "should this door offer the action at all",
// whatever the scope.
func TestHoldsAnywhere(t *testing.T) {
	tests := []struct {
		name  string
		actor Actor
		right Right
		holds bool
	}{
		{"scoped sub-admin holds member.manage somewhere", who.salesAdmin, RightMemberManage, true},
		{"scoped sub-admin never holds role.manage", who.salesAdmin, RightRoleManage, false},
		{"sub-admin without members right", who.salesGroupsOnly, RightMemberManage, false},
		{"head holds member.read", who.salesHead, RightMemberRead, true},
		{"auditor holds log.read", who.auditor, RightLogRead, true},
		{"helpdesk holds no log.read", who.helpdesk, RightLogRead, false},
		{"member holds nothing", who.plain, RightMemberRead, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HoldsAnywhere(tt.actor, tt.right); got != tt.holds {
				t.Errorf("HoldsAnywhere(%s) = %v, want %v", tt.right, got, tt.holds)
			}
		})
	}
}

func TestParseRole(t *testing.T) {
	tests := []struct {
		in   string
		want Role
		err  string // a part of the error; empty when it parses
	}{
		{"member", RoleMember, ""},
		{"head", RoleHead, ""},
		{"officer", RoleOfficer, ""},
		{"unit-officer", RoleUnitOfficer, ""},
		{"hr", RoleHR, ""},
		{"auditor", RoleAuditor, ""},
		{"helpdesk", RoleHelpdesk, ""},
		{"subadmin", RoleSubadmin, ""},
		{"admin", RoleAdmin, ""},
		{"Admin", 0, `unknown role "Admin"`},
		{"sub-admin", 0, "use one of head, officer, unit-officer, hr, auditor, helpdesk, subadmin, admin"},
		{"root", 0, `unknown role "root"`},
		{"", 0, "unknown role"},
	}
	for _, tt := range tests {
		got, err := ParseRole(tt.in)
		if tt.err != "" {
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseRole(%q) = %v, %v; want ErrInvalid saying %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseRole(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if got.String() != tt.in {
			t.Errorf("%v.String() = %q, want %q", got, got.String(), tt.in)
		}
	}
}

func TestRoleText(t *testing.T) {
	for _, r := range []Role{RoleMember, RoleHead, RoleOfficer, RoleUnitOfficer, RoleHR, RoleAuditor, RoleHelpdesk, RoleSubadmin, RoleAdmin} {
		b, err := r.MarshalText()
		if err != nil {
			t.Fatalf("%v.MarshalText: %v", r, err)
		}
		var back Role
		if err := back.UnmarshalText(b); err != nil || back != r {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", b, back, err, r)
		}
	}
	if got := Role(42).String(); got != "role(42)" {
		t.Errorf("Role(42).String() = %q, want role(42)", got)
	}
	var r Role
	if err := r.UnmarshalText([]byte("god")); !errors.Is(err, ErrInvalid) {
		t.Errorf("UnmarshalText(god) = %v, want ErrInvalid", err)
	}
}

func TestRolesAreOrdered(t *testing.T) {
	order := []Role{RoleMember, RoleHead, RoleOfficer, RoleUnitOfficer, RoleHR, RoleAuditor, RoleHelpdesk, RoleSubadmin, RoleAdmin}
	if !slices.IsSorted(order) {
		t.Errorf("roles are not ordered from the least to the most powerful: %v", order)
	}
	a := Actor{Roles: []RoleGrant{{Role: RoleHelpdesk}, {Role: RoleSubadmin, Scope: deptSales}, {Role: RoleHead, Scope: deptTech}}}
	if got := a.Top(); got != RoleSubadmin {
		t.Errorf("Top() = %v, want subadmin", got)
	}
	if got := a.RoleNames(orgTree); got != "helpdesk, subadmin(销售部), head(技术部)" {
		t.Errorf("RoleNames() = %q", got)
	}
	if got := who.plain.Top(); got != RoleMember {
		t.Errorf("a plain member's Top() = %v, want member", got)
	}
}

func TestParseSubRight(t *testing.T) {
	tests := []struct {
		in   string
		want SubRight
		ok   bool
	}{
		{"members", SubMembers, true},
		{"groups", SubGroups, true},
		{"announcements", SubAnnouncements, true},
		{"Members", "", false},
		{"member", "", false},
		{"all", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, err := ParseSubRight(tt.in)
		if tt.ok {
			if err != nil || got != tt.want {
				t.Errorf("ParseSubRight(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			continue
		}
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "use members, groups or announcements") {
			t.Errorf("ParseSubRight(%q) = %q, %v; want ErrInvalid naming the choices", tt.in, got, err)
		}
	}
}
