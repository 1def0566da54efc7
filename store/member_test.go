package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"postroom/model"
	"postroom/store"
)

// TestAddMemberWithEveryField (ORG-5): every field is kept, in its
// normalised form, and the member can log in.
func TestAddMemberWithEveryField(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	f.org()
	f.apply(f.admin, &model.AddMember{
		Address: "zhangsan@example.com", // doors parse addresses with model.ParseAddress
		Fields: model.MemberFields{
			Name:       " 张三 ",
			Depts:      []string{"销售部/华北大区", "技术部"},
			Title:      "华北大区总监",
			Position:   "大区总监",
			EmployeeID: "E1001",
			Mobile:     "138-0013-8000",
			Phone:      "010-65521234转801",
			Gender:     "男",
			Birthday:   "1990/3/15",
		},
		Password:   memberPassword,
		MustChange: true,
	})
	m := f.member("zhangsan@example.com")
	want := model.Member{
		Address: "zhangsan@example.com", Name: "张三",
		Depts: []model.DeptID{f.dept("销售部/华北大区").ID, f.dept("技术部").ID},
		Title: "华北大区总监", Position: model.PositionRegionalDirector, EmployeeID: "E1001",
		Mobile: "13800138000", Phone: "010-65521234转801", Gender: "male", Birthday: "1990-03-15",
		Status: model.StatusActive,
	}
	got := *m
	got.Password, got.Created, got.Updated = model.Credential{}, want.Created, want.Updated
	if gj, wj := mustMarshal(t, got), mustMarshal(t, want); gj != wj {
		t.Errorf("member =\n%s\nwant\n%s", gj, wj)
	}
	if !m.Created.Equal(epoch) || !m.Password.Changed.Equal(epoch) || !m.Password.MustChange {
		t.Errorf("created %v, password changed %v, must change %v; want %v, %v, true", m.Created, m.Password.Changed, m.Password.MustChange, epoch, epoch)
	}
	if _, err := f.s.Login("zhangsan@example.com", store.Credentials{Password: memberPassword}, model.LoginSMTP, "192.0.2.7", ""); err != nil {
		t.Errorf("the new member cannot log in: %v", err)
	}
	if op := f.lastOp(); op.Op != "member.add" || op.Target != "zhangsan@example.com" {
		t.Errorf("last op = %s %s, want member.add zhangsan@example.com", op.Op, op.Target)
	}
}

// TestAddMemberWithoutDepartmentIsAtTheRoot: none means the root (ORG-5).
func TestAddMemberWithoutDepartmentIsAtTheRoot(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	f.apply(f.admin, &model.AddMember{Address: "ceo@example.com", Fields: model.MemberFields{Name: "总经理"}})
	if got := f.member("ceo@example.com").Depts; !slices.Equal(got, []model.DeptID{model.RootDept}) {
		t.Errorf("depts = %v, want the root", got)
	}
}

// TestAddMemberRefusals: every refusal says what to do and changes nothing.
// Each case starts with 张三 (zhangsan@, alias zs@, employee id E1001) in 销售部.
func TestAddMemberRefusals(t *testing.T) {
	t.Parallel()
	add := func(addr model.Address, fields model.MemberFields) *model.AddMember {
		if fields.Name == "" {
			fields.Name = "王五"
		}
		return &model.AddMember{Address: addr, Fields: fields}
	}
	tests := []struct {
		name   string
		change *model.AddMember
		kind   error
		says   []string
	}{
		{"the same address", add("zhangsan@example.com", model.MemberFields{}),
			model.ErrExists, []string{"zhangsan@example.com is already taken", "the member zhangsan@example.com"}},
		{"the same address in capitals", add("ZHANGSAN@example.com", model.MemberFields{}),
			model.ErrExists, []string{"already taken"}},
		{"another member's alias", add("zs@example.com", model.MemberFields{}),
			model.ErrExists, []string{"zs@example.com is already taken", "an alias of zhangsan@example.com"}},
		{"a domain that is not the company's", add("wangwu@example.org", model.MemberFields{}),
			model.ErrInvalid, []string{"not in one of the company's domains", "add the domain example.org first"}},
		{"a line break", add("wang\r\nwu@example.com", model.MemberFields{}),
			model.ErrInvalid, []string{"line breaks are not allowed"}},
		{"a line feed", add("wangwu@example.com\nBcc: x@evil.com", model.MemberFields{}),
			model.ErrInvalid, []string{"line breaks are not allowed"}},
		{"a space", add("wang wu@example.com", model.MemberFields{}),
			model.ErrInvalid, []string{"spaces are not allowed; remove them"}},
		{"quotes", add(`"wangwu"@example.com`, model.MemberFields{}),
			model.ErrInvalid, []string{"quotes are not allowed"}},
		{"a display name", add("王五 <wangwu@example.com>", model.MemberFields{}),
			model.ErrInvalid, []string{"without a name or angle brackets"}},
		{"Chinese before the @", add("王五@example.com", model.MemberFields{}),
			model.ErrInvalid, []string{"pinyin"}},
		{"the same employee id", add("wangwu@example.com", model.MemberFields{EmployeeID: "E1001"}),
			model.ErrExists, []string{"employee id E1001 already belongs to zhangsan@example.com"}},
		{"the same employee id in lower case", add("wangwu@example.com", model.MemberFields{EmployeeID: "e1001"}),
			model.ErrExists, []string{"employee id e1001 already belongs to zhangsan@example.com"}},
		{"a malformed employee id", add("wangwu@example.com", model.MemberFields{EmployeeID: "E 1001"}),
			model.ErrInvalid, []string{"letters, digits"}},
		{"a department that does not exist", add("wangwu@example.com", model.MemberFields{Depts: []string{"市场部"}}),
			model.ErrNotFound, []string{"市场部 does not exist", "dept add 市场部"}},
		{"no name", &model.AddMember{Address: "wangwu@example.com", Fields: model.MemberFields{Name: " "}},
			model.ErrInvalid, []string{"name is empty"}},
		{"a mobile that is no number", add("wangwu@example.com", model.MemberFields{Mobile: "一三八"}),
			model.ErrInvalid, []string{"not a phone number", "13800138000"}},
		{"an unknown position", add("wangwu@example.com", model.MemberFields{Position: "boss"}),
			model.ErrInvalid, []string{"unknown position class", "staff"}},
		{"an unknown gender", add("wangwu@example.com", model.MemberFields{Gender: "x"}),
			model.ErrInvalid, []string{"use male or female"}},
		{"a birthday that is no date", add("wangwu@example.com", model.MemberFields{Birthday: "15.3.1990"}),
			model.ErrInvalid, []string{"YYYY-MM-DD"}},
		{"a password under the policy", &model.AddMember{Address: "wangwu@example.com", Fields: model.MemberFields{Name: "王五"}, Password: "wangwu2026"},
			model.ErrInvalid, []string{"password too short", "at least 15"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newCompany(t)
			f.org()
			f.apply(f.admin, &model.AddMember{Address: "zhangsan@example.com", Fields: model.MemberFields{Name: "张三", EmployeeID: "E1001", Depts: []string{"销售部"}}},
				&model.AddAlias{Address: "zhangsan@example.com", Alias: "zs@example.com"})
			before := f.snap()
			err := f.s.Apply(f.admin, tt.change)
			refused(t, err, tt.kind, tt.says...)
			f.unchanged(before)
		})
	}
}

// TestEditMember: SetMember changes only the fields it names; a change of
// departments is logged as a move.
func TestEditMember(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	f.org()
	f.apply(f.admin, &model.AddMember{Address: "zhangsan@example.com", Fields: model.MemberFields{Name: "张三", Title: "经理", Depts: []string{"销售部"}}})
	f.clock.Advance(time.Hour)
	f.apply(f.admin, &model.SetMember{Address: "zhangsan@example.com", Fields: model.MemberFields{Depts: []string{"技术部"}}, Set: map[string]bool{"depts": true}})
	m := f.member("zhangsan@example.com")
	if !slices.Equal(m.Depts, []model.DeptID{f.dept("技术部").ID}) || m.Title != "经理" || m.Name != "张三" {
		t.Errorf("after the move: depts %v, title %q, name %q", m.Depts, m.Title, m.Name)
	}
	if !m.Updated.Equal(f.clock.Now()) {
		t.Errorf("updated = %v, want %v", m.Updated, f.clock.Now())
	}
	if op := f.lastOp().Op; op != "member.move" {
		t.Errorf("last op = %s, want member.move", op)
	}
	before := f.snap()
	err := f.s.Apply(f.admin, &model.SetMember{Address: "zhangsan@example.com", Set: map[string]bool{"salary": true}})
	refused(t, err, model.ErrInvalid, `unknown member field "salary"`)
	err = f.s.Apply(f.admin, &model.SetMember{Address: "zhangsan@example.com"})
	refused(t, err, model.ErrInvalid, "nothing to change", "name at least one field")
	f.unchanged(before)
}

// TestAliases (ORG-6): at most five, unique across every address, never a
// group member, and they log in and resolve like the address.
func TestAliases(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	f.addMember("zhangsan@example.com", "张三")
	f.addMember("lisi@example.com", "李四")
	f.apply(f.admin, &model.AddGroup{Address: "all@example.com", Name: "全体"})
	for _, a := range []model.Address{"zs@example.com", "san@example.com", "zhang.san@example.com", "zs1@example.com", "zs2@example.com"} {
		f.apply(f.admin, &model.AddAlias{Address: "zhangsan@example.com", Alias: a})
	}
	if got := len(f.member("zhangsan@example.com").Aliases); got != 5 {
		t.Fatalf("%d aliases, want 5", got)
	}
	err := f.s.Read(func(r *store.Reader) error {
		m, err := r.Resolve("zhang.san@example.com")
		if err != nil || m.Address != "zhangsan@example.com" {
			t.Errorf("Resolve(zhang.san@) = %v, %v; want zhangsan@example.com", m, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		change model.Change
		kind   error
		says   []string
	}{
		{"a sixth alias", &model.AddAlias{Address: "zhangsan@example.com", Alias: "zs3@example.com"},
			model.ErrConflict, []string{"already has 5 aliases", "remove one first"}},
		{"another member's address", &model.AddAlias{Address: "lisi@example.com", Alias: "zhangsan@example.com"},
			model.ErrExists, []string{"zhangsan@example.com is already taken", "the member zhangsan@example.com"}},
		{"another member's alias", &model.AddAlias{Address: "lisi@example.com", Alias: "zs@example.com"},
			model.ErrExists, []string{"an alias of zhangsan@example.com"}},
		{"a group's address", &model.AddAlias{Address: "lisi@example.com", Alias: "all@example.com"},
			model.ErrExists, []string{"the group all@example.com"}},
		{"a domain that is not the company's", &model.AddAlias{Address: "lisi@example.com", Alias: "ls@example.org"},
			model.ErrInvalid, []string{"add the domain example.org first"}},
		{"an alias as a group member", &model.GroupMember{Group: "all@example.com", Member: "zs@example.com"},
			model.ErrInvalid, []string{"zs@example.com is an alias of zhangsan@example.com", "add zhangsan@example.com instead"}},
		{"removing an alias it does not have", &model.RemoveAlias{Address: "lisi@example.com", Alias: "zs@example.com"},
			model.ErrNotFound, []string{"not an alias of lisi@example.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.snap()
			err := f.s.Apply(f.admin, tt.change)
			refused(t, err, tt.kind, tt.says...)
			f.unchanged(before)
		})
	}

	// Removing one frees it for someone else.
	f.apply(f.admin, &model.RemoveAlias{Address: "zhangsan@example.com", Alias: "zs@example.com"})
	f.apply(f.admin, &model.AddAlias{Address: "lisi@example.com", Alias: "zs@example.com"})
}

// TestDisableAndEnable (ORG-5, ACC-6): a disabled member cannot log in, and
// can again once enabled.
func TestDisableAndEnable(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	f.addMember("zhangsan@example.com", "张三")
	f.apply(f.admin, &model.DisableMember{Address: "zhangsan@example.com", Reason: "离职交接中"})
	m := f.member("zhangsan@example.com")
	if m.Status != model.StatusDisabled || m.Reason != "离职交接中" {
		t.Errorf("status %s, reason %q; want disabled, 离职交接中", m.Status, m.Reason)
	}
	rec := f.lastOp()
	if rec.Op != "member.disable" || len(rec.Notes) != 1 || rec.Notes[0] != (store.Note{Key: "reason", Value: "离职交接中"}) {
		t.Errorf("record = %s with notes %v, want member.disable with the reason", rec.Op, rec.Notes)
	}
	_, err := f.s.Login("zhangsan@example.com", store.Credentials{Password: memberPassword}, model.LoginSMTP, "192.0.2.7", "")
	refused(t, err, model.ErrAuth, "disabled", "ask your mail administrator")

	// Disabling again changes nothing and logs nothing.
	before := f.snap()
	f.apply(f.admin, &model.DisableMember{Address: "zhangsan@example.com"})
	if after := f.snap(); after.dir != before.dir || after.ops != before.ops {
		t.Errorf("disabling a disabled member changed something:\n%s\n%s", before.dir, after.dir)
	}

	f.apply(f.admin, &model.EnableMember{Address: "zhangsan@example.com"})
	if m := f.member("zhangsan@example.com"); m.Status != model.StatusActive || m.Reason != "" {
		t.Errorf("after enable: status %s, reason %q", m.Status, m.Reason)
	}
	if _, err := f.s.Login("zhangsan@example.com", store.Credentials{Password: memberPassword}, model.LoginSMTP, "192.0.2.7", ""); err != nil {
		t.Errorf("login after enable: %v", err)
	}
}

// TestNobodyDisablesThemself.
func TestNobodyDisablesThemself(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	f.addMember("second@example.com", "副管理员")
	f.grant("second@example.com", model.RoleAdmin, "")
	before := f.snap()
	err := f.s.Apply(f.admin, &model.DisableMember{Address: adminAddr})
	refused(t, err, model.ErrConflict, "cannot disable your own account", "ask another admin")
	err = f.s.Apply(f.admin, &model.DeleteMember{Address: adminAddr})
	refused(t, err, model.ErrConflict, "cannot delete your own account")
	err = f.s.Apply(f.admin, &model.RevokeRole{Address: adminAddr, Role: model.RoleAdmin})
	refused(t, err, model.ErrConflict, "cannot take away your own admin role")
	f.unchanged(before)
}

// TestTheLastAdminStays: the last active admin can be neither disabled,
// deleted nor demoted, even by postroom itself; with a second admin they can.
func TestTheLastAdminStays(t *testing.T) {
	t.Parallel()
	sys := model.System(model.DoorSystem)
	tests := []struct {
		name   string
		change model.Change
	}{
		{"disable", &model.DisableMember{Address: adminAddr}},
		{"delete", &model.DeleteMember{Address: adminAddr}},
		{"demote", &model.RevokeRole{Address: adminAddr, Role: model.RoleAdmin}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newCompany(t)
			f.addMember("second@example.com", "副管理员")
			before := f.snap()
			err := f.s.Apply(sys, tt.change)
			refused(t, err, model.ErrConflict, "admin@example.com is the last active admin", "make another member admin first")
			f.unchanged(before)

			// A second admin who is disabled does not count.
			f.grant("second@example.com", model.RoleAdmin, "")
			f.apply(f.admin, &model.DisableMember{Address: "second@example.com"})
			before = f.snap()
			refused(t, f.s.Apply(sys, tt.change), model.ErrConflict, "last active admin")
			f.unchanged(before)

			f.apply(f.admin, &model.EnableMember{Address: "second@example.com"})
			if err := f.s.Apply(sys, tt.change); err != nil {
				t.Errorf("with a second active admin: %v", err)
			}
		})
	}
}

// TestDeleteMemberCleansUp: a deleted member leaves no group, no department
// role, no address, alias, employee id or search entry behind.
func TestDeleteMemberCleansUp(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	f.org()
	f.apply(f.admin, &model.AddMember{Address: "zhangsan@example.com", Fields: model.MemberFields{Name: "张三", EmployeeID: "E1001", Depts: []string{"销售部/华北大区"}}})
	f.addMember("lisi@example.com", "李四", "销售部/华北大区")
	heads := []model.Address{"zhangsan@example.com", "lisi@example.com"}
	officer := model.Address("zhangsan@example.com")
	f.apply(f.admin,
		&model.AddAlias{Address: "zhangsan@example.com", Alias: "zs@example.com"},
		&model.AddGroup{Address: "north@example.com", Name: "华北", Owner: "销售部"},
		&model.GroupMember{Group: "north@example.com", Member: "zhangsan@example.com"},
		&model.GroupMember{Group: "north@example.com", Member: "lisi@example.com"},
		&model.SetDept{Path: "销售部/华北大区", Heads: &heads, Officer: &officer},
	)
	f.apply(f.admin, &model.DeleteMember{Address: "zhangsan@example.com"})

	err := f.s.Read(func(r *store.Reader) error {
		if _, err := r.Member("zhangsan@example.com"); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("the member is still there: %v", err)
		}
		g, err := r.Group("north@example.com")
		if err != nil {
			return err
		}
		if !slices.Equal(g.Members, []model.Address{"lisi@example.com"}) {
			t.Errorf("group members = %v, want only lisi@", g.Members)
		}
		if gs, _ := r.GroupsOf("zhangsan@example.com"); len(gs) != 0 {
			t.Errorf("still in groups %v", gs)
		}
		d, err := r.DeptByPath("销售部/华北大区")
		if err != nil {
			return err
		}
		if !slices.Equal(d.Heads, []model.Address{"lisi@example.com"}) || d.Officer != "" {
			t.Errorf("销售部/华北大区 heads %v, officer %q; want [lisi@], none", d.Heads, d.Officer)
		}
		if led, _ := r.DeptsLedBy("zhangsan@example.com"); len(led) != 0 {
			t.Errorf("still leads %v", led)
		}
		for _, a := range []model.Address{"zhangsan@example.com", "zs@example.com"} {
			if _, ok, _ := r.Owner(a); ok {
				t.Errorf("%s is still taken", a)
			}
		}
		if _, ok, _ := r.EmployeeID("E1001"); ok {
			t.Error("employee id E1001 is still taken")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.search("张三"); len(got) != 0 {
		t.Errorf("search 张三 still finds %v", got)
	}
	if op := f.lastOp(); op.Op != "member.rm" || len(op.Changes) != 3 {
		t.Errorf("last op = %s with %d changes, want member.rm with group, dept and member", op.Op, len(op.Changes))
	}

	// Everything it held is free again.
	f.apply(f.admin, &model.AddAlias{Address: "lisi@example.com", Alias: "zs@example.com"})
	f.apply(f.admin, &model.AddMember{Address: "zhangsan@example.com", Fields: model.MemberFields{Name: "张三丰", EmployeeID: "e1001"}})
}

// TestMembersPage: a listing read page by page, each page in its own read,
// gives every member once, in address order, the filter applied.
func TestMembersPage(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	f.org()
	for _, a := range []model.Address{"e@example.com", "b@example.com", "d@example.com", "a@example.com", "c@example.com"} {
		f.addMember(a, "成员", "销售部")
	}
	for _, tc := range []struct {
		name  string
		limit int
		keep  func(*model.Member) bool
		want  []model.Address
	}{
		{"pages of two", 2, nil, []model.Address{"a@example.com", adminAddr, "b@example.com", "c@example.com", "d@example.com", "e@example.com"}},
		{"one page", 0, nil, []model.Address{"a@example.com", adminAddr, "b@example.com", "c@example.com", "d@example.com", "e@example.com"}},
		{"filtered", 4, func(m *model.Member) bool { return m.Address != adminAddr && m.Address != "c@example.com" },
			[]model.Address{"a@example.com", "b@example.com", "d@example.com", "e@example.com"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []model.Address
			var after model.Address
			for pages := 0; ; pages++ {
				if pages > 10 {
					t.Fatal("the pages never end")
				}
				var ms []*model.Member
				var next model.Address
				if err := f.s.Read(func(r *store.Reader) (err error) {
					ms, next, err = r.MembersPage(store.MemberFilter{Keep: tc.keep}, after, tc.limit)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				for _, m := range ms {
					got = append(got, m.Address)
				}
				if next == "" {
					break
				}
				after = next
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
