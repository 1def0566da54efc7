package store_test

import (
	"slices"
	"testing"

	"postroom/model"
)

// deptChain returns the paths P级01, P级01/P级02, … n levels deep, for prefix P.
func deptChain(prefix string, n int) []string {
	var out []string
	path := prefix
	for i := 1; i <= n; i++ {
		name := prefix + "级" + string(rune('0'+i/10)) + string(rune('0'+i%10))
		if i == 1 {
			path = name
		} else {
			path += "/" + name
		}
		out = append(out, path)
	}
	return out
}

// TestDeptTreeIsTenLevelsDeep (ORG-3): ten levels below the root are fine,
// an eleventh is refused and changes nothing.
func TestDeptTreeIsTenLevelsDeep(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	ten := deptChain("A", 10)
	f.depts(ten...)
	if !f.deptExists(ten[9]) {
		t.Fatalf("the tenth level %s does not exist", ten[9])
	}
	before := f.snap()
	err := f.s.Apply(f.admin, &model.AddDept{Path: ten[9] + "/第十一级"})
	refused(t, err, model.ErrInvalid, "11 levels", "at most 10")
	f.unchanged(before)
}

// TestDeptRefusals: what the tree refuses, each with what to do instead, and
// nothing changed afterwards. Every case starts from:
//
//	销售部/华北大区 (张三), 销售部/华南大区, 技术部 (李四)
func TestDeptRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		setup  []string // extra departments
		change model.Change
		kind   error
		says   []string
	}{
		{"move under its own child", nil,
			&model.MoveDept{Path: "销售部", Parent: "销售部/华北大区"},
			model.ErrInvalid, []string{"cannot move 销售部 under 销售部/华北大区", "inside its own subtree"}},
		{"move under itself", nil,
			&model.MoveDept{Path: "销售部", Parent: "销售部"},
			model.ErrInvalid, []string{"inside its own subtree"}},
		{"move deeper than ten levels", append(deptChain("A", 5), deptChain("B", 6)...),
			&model.MoveDept{Path: deptChain("B", 1)[0], Parent: deptChain("A", 5)[4]},
			model.ErrInvalid, []string{"11 levels deep", "at most 10"}},
		{"move beside a namesake", []string{"技术部/华北大区"},
			&model.MoveDept{Path: "销售部/华北大区", Parent: "技术部"},
			model.ErrExists, []string{"技术部 already has a department named 华北大区", "rename one first"}},
		{"move under a missing parent", nil,
			&model.MoveDept{Path: "技术部", Parent: "市场部"},
			model.ErrNotFound, []string{"市场部 does not exist"}},
		{"rename to a sibling's name", nil,
			&model.RenameDept{Path: "销售部/华北大区", Name: "华南大区"},
			model.ErrExists, []string{"华南大区 already stands beside 销售部/华北大区"}},
		{"rename with a slash", nil,
			&model.RenameDept{Path: "技术部", Name: "研发/测试"},
			model.ErrInvalid, []string{"'/'", "pick a name without it"}},
		{"rename to nothing", nil,
			&model.RenameDept{Path: "技术部", Name: "  "},
			model.ErrInvalid, []string{"empty", "give a name"}},
		{"add what exists", nil,
			&model.AddDept{Path: "技术部"},
			model.ErrExists, []string{"技术部 already exists"}},
		{"add under a missing parent", nil,
			&model.AddDept{Path: "市场部/华东"},
			model.ErrNotFound, []string{"create it with dept add 市场部"}},
		{"add with an empty level", nil,
			&model.AddDept{Path: "销售部//华东"},
			model.ErrInvalid, []string{"empty part", "销售部/华北大区"}},
		{"delete with members", nil,
			&model.DeleteDept{Path: "销售部/华北大区"},
			model.ErrConflict, []string{"still has 1 members", "--move-members-up", "in 销售部"}},
		{"delete with departments below", nil,
			&model.DeleteDept{Path: "销售部"},
			model.ErrConflict, []string{"still has 2 departments below it", "move or delete them first"}},
		{"delete with a group that includes it", nil,
			&model.DeleteDept{Path: "销售部/华南大区"}, // the group is added below
			model.ErrConflict, []string{"the group south@example.com", "change the group first"}},
		{"delete with a scoped role", nil,
			&model.DeleteDept{Path: "技术部"}, // the role is granted below
			model.ErrConflict, []string{"roles are scoped to 技术部", "held by lisi@example.com", "revoke them first"}},
		{"delete the root", nil,
			&model.DeleteDept{Path: "/"},
			model.ErrInvalid, []string{"root department", "cannot be deleted"}},
		{"rename the root", nil,
			&model.RenameDept{Path: "/", Name: "新公司"},
			model.ErrInvalid, []string{"root department", "org set --name"}},
		{"move the root", nil,
			&model.MoveDept{Path: "/", Parent: "技术部"},
			model.ErrInvalid, []string{"root department cannot move"}},
		{"add the root", nil,
			&model.AddDept{Path: "/"},
			model.ErrInvalid, []string{"name a department below it"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newCompany(t)
			f.org()
			f.addMember("zhangsan@example.com", "张三", "销售部/华北大区")
			f.addMember("lisi@example.com", "李四", "技术部")
			f.depts(tt.setup...)
			switch tt.name {
			case "delete with a group that includes it":
				f.apply(f.admin, &model.AddGroup{Address: "south@example.com", Name: "华南", Owner: "销售部"},
					&model.GroupMember{Group: "south@example.com", Dept: "销售部/华南大区"})
			case "delete with a scoped role":
				f.grant("lisi@example.com", model.RoleHelpdesk, "技术部")
			}
			before := f.snap()
			err := f.s.Apply(f.admin, tt.change)
			refused(t, err, tt.kind, tt.says...)
			f.unchanged(before)
		})
	}
}

// TestDeptChanges: rename, move and delete as they should work.
func TestDeptChanges(t *testing.T) {
	t.Parallel()

	t.Run("rename keeps the subtree and the members", func(t *testing.T) {
		t.Parallel()
		f := newCompany(t)
		f.org()
		f.addMember("zhangsan@example.com", "张三", "销售部/华北大区")
		id := f.dept("销售部").ID
		f.apply(f.admin, &model.RenameDept{Path: "销售部", Name: "营销中心"})
		if f.deptExists("销售部") {
			t.Error("the old name still resolves")
		}
		if got := f.dept("营销中心").ID; got != id {
			t.Errorf("营销中心 has id %d, want %d", got, id)
		}
		north := f.dept("营销中心/华北大区")
		if !f.member("zhangsan@example.com").InDept(north.ID) {
			t.Error("张三 is no longer in 营销中心/华北大区")
		}
		if op := f.lastOp(); op.Op != "dept.rename" || op.Target != "销售部" {
			t.Errorf("last op = %s %s, want dept.rename 销售部", op.Op, op.Target)
		}
	})

	t.Run("move to exactly ten levels", func(t *testing.T) {
		t.Parallel()
		f := newCompany(t)
		a, b := deptChain("A", 5), deptChain("B", 5)
		f.depts(append(a, b...)...)
		// B01 has four levels below it: under A05 (level 5) it reaches level 10.
		f.apply(f.admin, &model.MoveDept{Path: b[0], Parent: a[4]})
		deepest := a[4] + "/" + b[4]
		if !f.deptExists(deepest) {
			t.Errorf("%s does not exist after the move; tree: %v", deepest, f.deptPaths())
		}
		if f.deptExists(b[0]) {
			t.Errorf("%s is still at the top", b[0])
		}
	})

	t.Run("move under a sibling's subtree", func(t *testing.T) {
		t.Parallel()
		f := newCompany(t)
		f.org()
		f.apply(f.admin, &model.MoveDept{Path: "技术部", Parent: "销售部/华南大区"})
		want := []string{"/", "销售部", "销售部/华北大区", "销售部/华南大区", "销售部/华南大区/技术部"}
		if got := f.deptPaths(); !slices.Equal(got, want) {
			t.Errorf("tree = %v, want %v", got, want)
		}
	})

	t.Run("delete an empty department", func(t *testing.T) {
		t.Parallel()
		f := newCompany(t)
		f.org()
		f.apply(f.admin, &model.DeleteDept{Path: "销售部/华南大区"})
		if f.deptExists("销售部/华南大区") {
			t.Error("销售部/华南大区 still exists")
		}
		// Its name is free again.
		f.apply(f.admin, &model.AddDept{Path: "销售部/华南大区"})
	})

	t.Run("delete moving the members up", func(t *testing.T) {
		t.Parallel()
		f := newCompany(t)
		f.org()
		f.addMember("zhangsan@example.com", "张三", "销售部/华北大区")
		f.addMember("wangwu@example.com", "王五", "销售部/华北大区", "技术部")
		sales, tech := f.dept("销售部").ID, f.dept("技术部").ID
		f.apply(f.admin, &model.DeleteDept{Path: "销售部/华北大区", MoveMembersUp: true})
		if f.deptExists("销售部/华北大区") {
			t.Fatal("销售部/华北大区 still exists")
		}
		if got := f.member("zhangsan@example.com").Depts; !slices.Equal(got, []model.DeptID{sales}) {
			t.Errorf("张三 is in %v, want [销售部 %d]", got, sales)
		}
		if got := f.member("wangwu@example.com").Depts; !slices.Equal(got, []model.DeptID{tech, sales}) {
			t.Errorf("王五 is in %v, want [技术部 %d, 销售部 %d]", got, tech, sales)
		}
		rec := f.lastOp()
		if rec.Op != "dept.rm" {
			t.Fatalf("last op = %s, want dept.rm", rec.Op)
		}
		var kinds []string
		for _, d := range rec.Changes {
			kinds = append(kinds, d.Kind+" "+d.Key)
		}
		for _, want := range []string{"member zhangsan@example.com", "member wangwu@example.com", "dept 销售部/华北大区"} {
			if !slices.Contains(kinds, want) {
				t.Errorf("the dept.rm record does not show %q: %v", want, kinds)
			}
		}
	})

	t.Run("set heads, officer and mailbox", func(t *testing.T) {
		t.Parallel()
		f := newCompany(t)
		f.org()
		f.addMember("zhangsan@example.com", "张三", "销售部")
		f.addMember("lisi@example.com", "李四", "销售部")
		heads := []model.Address{"zhangsan@example.com"}
		officer := model.Address("lisi@example.com")
		mailbox := model.Address("sales@example.com")
		f.apply(f.admin, &model.SetDept{Path: "销售部", Heads: &heads, Officer: &officer, Mailbox: &mailbox})
		d := f.dept("销售部")
		if !slices.Equal(d.Heads, heads) || d.Officer != officer || d.Mailbox != mailbox {
			t.Errorf("销售部 = heads %v, officer %s, mailbox %s", d.Heads, d.Officer, d.Mailbox)
		}
		if a := f.actor("zhangsan@example.com"); !a.Has(model.RoleHead) {
			t.Errorf("the head's actor has no head role: %v", a.RoleNames(nil))
		}
		// The mailbox address is taken now.
		err := f.s.Apply(f.admin, &model.AddMember{Address: mailbox, Fields: model.MemberFields{Name: "销售"}})
		refused(t, err, model.ErrExists, "sales@example.com is already taken", "department mailbox")
	})
}

// TestDeptPathsAreTrimmed: paths may carry slashes and spaces around them.
func TestDeptPathsAreTrimmed(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	f.apply(f.admin, &model.AddDept{Path: " /销售部/ "})
	f.apply(f.admin, &model.AddDept{Path: "销售部/ 华北大区 "})
	if got := f.deptPaths(); !slices.Equal(got, []string{"/", "销售部", "销售部/华北大区"}) {
		t.Errorf("tree = %v", got)
	}
}
