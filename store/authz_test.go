package store_test

import (
	"testing"

	"postroom/model"
	"postroom/store"
)

// staff is the company the role tests run in:
//
//	销售部/华北大区 张三 zhangsan@   技术部 李四 lisi@
//	helpdesk hd@, sub-admin over 销售部 with the members right sa@,
//	auditor au@, plain member pm@ (at the root)
type staff struct {
	*company
	helpdesk, subadmin, auditor, plain model.Actor
}

func newStaff(t *testing.T) *staff {
	t.Helper()
	f := newCompany(t)
	f.org()
	f.addMember("zhangsan@example.com", "张三", "销售部/华北大区")
	f.addMember("lisi@example.com", "李四", "技术部")
	f.addMember("hd@example.com", "服务台")
	f.addMember("sa@example.com", "销售管理员", "销售部")
	f.addMember("au@example.com", "审计员")
	f.addMember("pm@example.com", "普通员工")
	return &staff{
		company:  f,
		helpdesk: f.grant("hd@example.com", model.RoleHelpdesk, ""),
		subadmin: f.grant("sa@example.com", model.RoleSubadmin, "销售部", model.SubMembers),
		auditor:  f.grant("au@example.com", model.RoleAuditor, ""),
		plain:    f.actor("pm@example.com"),
	}
}

// TestRolesThroughTheStore (ROLE-1, ROLE-2): the store asks the model for
// every change, whichever role acts. An allowed change is logged under the
// actor's name; a refused one names the missing right and leaves everything
// as it was.
func TestRolesThroughTheStore(t *testing.T) {
	t.Parallel()
	tests := []roleCase{
		{"helpdesk resets a password", byHelpdesk,
			func() model.Change {
				return &model.ResetPassword{Address: "zhangsan@example.com", Reason: "工单 #4711", Verified: "工牌核对"}
			}, nil},
		{"helpdesk may not change groups", byHelpdesk,
			func() model.Change { return &model.GroupMember{Group: "all@example.com", Member: "lisi@example.com"} },
			[]string{"group.manage"}},
		{"helpdesk may not disable", byHelpdesk,
			func() model.Change { return &model.DisableMember{Address: "zhangsan@example.com"} },
			[]string{"hd@example.com may not do this", "member.manage", "销售部/华北大区", "holds helpdesk"}},
		{"helpdesk may not add a member", byHelpdesk,
			func() model.Change { return addMemberChange("wangwu@example.com", "王五") },
			[]string{"member.manage", "over /"}},

		{"sub-admin adds a member in its subtree", bySubadmin,
			func() model.Change { return addMemberChange("wangwu@example.com", "王五", "销售部/华北大区") }, nil},
		{"sub-admin adds a department in its subtree", bySubadmin,
			func() model.Change { return &model.AddDept{Path: "销售部/华东大区"} }, nil},
		{"sub-admin disables a member in its subtree", bySubadmin,
			func() model.Change { return &model.DisableMember{Address: "zhangsan@example.com"} }, nil},
		{"sub-admin may not add a member in 技术部", bySubadmin,
			func() model.Change { return addMemberChange("wangwu@example.com", "王五", "技术部") },
			[]string{"sa@example.com may not do this", "member.manage", "over 技术部", "holds subadmin(销售部)"}},
		{"sub-admin may not add a member in 销售部 and 技术部", bySubadmin,
			func() model.Change { return addMemberChange("wangwu@example.com", "王五", "销售部", "技术部") },
			[]string{"member.manage", "技术部"}},
		{"sub-admin may not add a member at the root", bySubadmin,
			func() model.Change { return addMemberChange("wangwu@example.com", "王五") },
			[]string{"member.manage", "over /"}},
		{"sub-admin may not move a member out of its subtree", bySubadmin,
			func() model.Change {
				return &model.SetMember{Address: "zhangsan@example.com", Fields: model.MemberFields{Depts: []string{"技术部"}}, Set: map[string]bool{"depts": true}}
			},
			[]string{"member.manage", "技术部"}},
		{"sub-admin may not disable in 技术部", bySubadmin,
			func() model.Change { return &model.DisableMember{Address: "lisi@example.com"} },
			[]string{"member.manage", "over 技术部"}},
		{"sub-admin may not add a top department", bySubadmin,
			func() model.Change { return &model.AddDept{Path: "市场部"} },
			[]string{"dept.manage", "over /"}},
		{"sub-admin may not delete its own scope", bySubadmin,
			func() model.Change { return &model.DeleteDept{Path: "销售部"} },
			[]string{"dept.manage"}},
		{"sub-admin may not grant a role", bySubadmin,
			func() model.Change {
				return &model.GrantRole{Address: "zhangsan@example.com", Role: model.RoleSubadmin, Scope: "销售部/华北大区", Rights: []model.SubRight{model.SubMembers}}
			},
			[]string{"role.manage", "over the whole company"}},
		{"sub-admin may not make groups without the groups right", bySubadmin,
			func() model.Change {
				return &model.AddGroup{Address: "north@example.com", Name: "华北", Owner: "销售部"}
			},
			[]string{"group.manage", "over 销售部"}},
	}
	// Every write an auditor or a plain member might try on someone else.
	writes := map[string]func() model.Change{
		"add a department":    func() model.Change { return &model.AddDept{Path: "销售部/华东大区"} },
		"rename a department": func() model.Change { return &model.RenameDept{Path: "技术部", Name: "研发部"} },
		"move a department":   func() model.Change { return &model.MoveDept{Path: "销售部/华南大区", Parent: "技术部"} },
		"delete a department": func() model.Change { return &model.DeleteDept{Path: "销售部/华南大区"} },
		"set a department": func() model.Change {
			h := []model.Address{"lisi@example.com"}
			return &model.SetDept{Path: "技术部", Heads: &h}
		},
		"add a member": func() model.Change { return addMemberChange("wangwu@example.com", "王五", "技术部") },
		"edit a member": func() model.Change {
			return &model.SetMember{Address: "lisi@example.com", Fields: model.MemberFields{Title: "CTO"}, Set: map[string]bool{"title": true}}
		},
		"disable a member": func() model.Change { return &model.DisableMember{Address: "lisi@example.com"} },
		"enable a member":  func() model.Change { return &model.EnableMember{Address: "lisi@example.com"} },
		"delete a member":  func() model.Change { return &model.DeleteMember{Address: "lisi@example.com"} },
		"add an alias":     func() model.Change { return &model.AddAlias{Address: "lisi@example.com", Alias: "ls@example.com"} },
		"reset a password": func() model.Change { return &model.ResetPassword{Address: "lisi@example.com", Reason: "工单"} },
		"set a password": func() model.Change {
			return &model.SetPassword{Address: "lisi@example.com", Password: "seven orange kites above the harbour"}
		},
		"unlock a member":    func() model.Change { return &model.Unlock{Address: "lisi@example.com"} },
		"add a group":        func() model.Change { return &model.AddGroup{Address: "all2@example.com", Name: "全体"} },
		"add a group member": func() model.Change { return &model.GroupMember{Group: "all@example.com", Member: "lisi@example.com"} },
		"add a shared mailbox": func() model.Change {
			return &model.AddShared{Address: "hr@example.com", Name: "人事", Dept: "技术部"}
		},
		"grant a role":          func() model.Change { return &model.GrantRole{Address: "lisi@example.com", Role: model.RoleAdmin} },
		"revoke a role":         func() model.Change { return &model.RevokeRole{Address: "hd@example.com", Role: model.RoleHelpdesk} },
		"edit the enterprise":   func() model.Change { n := "别的公司"; return &model.SetEnterprise{Name: &n} },
		"add a domain":          func() model.Change { return &model.AddDomain{Name: "example.org"} },
		"set the password rule": func() model.Change { p, _ := model.PolicyPreset("seed"); return &model.SetPasswordPolicy{Policy: p} },
		"add a key for someone else": func() model.Change {
			return &model.AddKey{Address: "lisi@example.com", Line: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl lisi"}
		},
	}
	for name, w := range writes {
		tests = append(tests,
			roleCase{"auditor may not " + name, byAuditor, w, []string{"au@example.com may not do this", "holds auditor"}},
			roleCase{"plain member may not " + name, byPlain, w, []string{"pm@example.com may not do this", "holds member"}},
		)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newStaff(t)
			s.apply(s.admin, &model.AddGroup{Address: "all@example.com", Name: "全体"})
			actor := []model.Actor{s.helpdesk, s.subadmin, s.auditor, s.plain}[tt.by]
			before := s.snap()
			err := s.s.Apply(actor, tt.change())
			if tt.says == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				var roles string
				s.s.Read(func(r *store.Reader) error { roles = actor.RoleNames(r); return nil })
				rec := s.lastOp()
				if n := len(s.ops()); n != before.ops+1 {
					t.Errorf("the operation log grew by %d records, want 1", n-before.ops)
				}
				if rec.Actor != actor.Address || rec.Name != actor.Name || rec.Roles != roles || rec.Door != actor.Door || rec.Source != actor.Source {
					t.Errorf("record = %s %q %q %s %s, want %s %q %q %s %s", rec.Actor, rec.Name, rec.Roles, rec.Door, rec.Source,
						actor.Address, actor.Name, roles, actor.Door, actor.Source)
				}
				return
			}
			refused(t, err, model.ErrForbidden, tt.says...)
			s.unchanged(before)
		})
	}
}

// actorKind picks the actor of a roleCase from the staff.
type actorKind int

const (
	byHelpdesk actorKind = iota
	bySubadmin
	byAuditor
	byPlain
)

// roleCase is one change tried by one role; says is empty when it is allowed.
type roleCase struct {
	name   string
	by     actorKind
	change func() model.Change
	says   []string
}

func addMemberChange(addr model.Address, name string, depts ...string) *model.AddMember {
	return &model.AddMember{Address: addr, Fields: model.MemberFields{Name: name, Depts: depts}}
}

// TestMembersLookAfterThemselves: a plain member adds and removes their own
// SSH keys, nobody else's.
func TestMembersLookAfterThemselves(t *testing.T) {
	t.Parallel()
	s := newStaff(t)
	const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl pm@laptop"
	add := &model.AddKey{Address: "pm@example.com", Line: key}
	s.apply(s.plain, add)
	if add.Fingerprint == "" || len(s.member("pm@example.com").Keys) != 1 {
		t.Fatalf("own key not added: %+v", s.member("pm@example.com").Keys)
	}
	before := s.snap()
	err := s.s.Apply(s.plain, &model.RemoveKey{Address: "lisi@example.com", Fingerprint: add.Fingerprint})
	refused(t, err, model.ErrForbidden, "member.manage")
	// The same key on a second person is refused even for the admin (ACC-8).
	err = s.s.Apply(s.admin, &model.AddKey{Address: "lisi@example.com", Line: key})
	refused(t, err, model.ErrExists, "registered to another member", "a key of their own")
	s.unchanged(before)
	s.apply(s.plain, &model.RemoveKey{Address: "pm@example.com", Fingerprint: add.Fingerprint})
}

// TestHelpdeskCannotTakeOverAnAdmin: a reset hands the helpdesk a one-time
// password that logs in as the member, so resetting the password of someone
// who holds more power than the helpdesk (an admin) would let the helpdesk
// become admin (ROLE-1: no role reaches above itself; ACC-8: no login as
// someone else).
func TestHelpdeskCannotTakeOverAnAdmin(t *testing.T) {
	t.Parallel()
	s := newStaff(t)
	before := s.snap()
	reset := &model.ResetPassword{Address: adminAddr, Reason: "工单 #1", Verified: "电话"}
	err := s.s.Apply(s.helpdesk, reset)
	refused(t, err, model.ErrForbidden, "admin@example.com")
	s.unchanged(before)
	if _, err := s.s.Login(string(adminAddr), store.Credentials{Password: reset.OneTime}, model.LoginSSHPassword, "203.0.113.9", ""); err == nil {
		t.Error("the helpdesk logged in as the admin with the one-time password")
	}
}
