package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"postroom/model"
	"postroom/store"
)

// TestDomains (ORG-2): several domains; removing one needs its name typed
// again, takes everything in it, and never the last domain or the remover's own.
func TestDomains(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	f.org()
	f.apply(f.admin, &model.AddDomain{Name: "Example.ORG"})
	before := f.snap()
	refused(t, f.s.Apply(f.admin, &model.AddDomain{Name: "example.org"}), model.ErrExists, "already one of the company's domains")
	refused(t, f.s.Apply(f.admin, &model.AddDomain{Name: "exa mple.org"}), model.ErrInvalid, "spaces are not allowed")
	refused(t, f.s.Apply(f.admin, &model.RemoveDomain{Name: "example.org"}), model.ErrInvalid, "--confirm example.org")
	refused(t, f.s.Apply(f.admin, &model.RemoveDomain{Name: "example.com", Confirm: "example.com"}), model.ErrConflict, "your own address admin@example.com is in example.com")
	refused(t, f.s.Apply(f.admin, &model.RemoveDomain{Name: "example.net", Confirm: "example.net"}), model.ErrNotFound, "not one of the company's domains")
	f.unchanged(before)

	// What lives in example.org: a member with a group, a shared mailbox, a
	// department mailbox, and an alias of a member of example.com.
	mailbox := model.Address("tech@example.org")
	f.apply(f.admin,
		&model.AddMember{Address: "wang@example.org", Fields: model.MemberFields{Name: "王五", Depts: []string{"技术部"}}},
		&model.AddMember{Address: "zhangsan@example.com", Fields: model.MemberFields{Name: "张三"}},
		&model.AddAlias{Address: "zhangsan@example.com", Alias: "zs@example.org"},
		&model.AddGroup{Address: "all@example.org", Name: "全体"},
		&model.AddGroup{Address: "all@example.com", Name: "全体"},
		&model.GroupMember{Group: "all@example.com", Member: "wang@example.org"},
		&model.AddShared{Address: "hr@example.org", Name: "人事", Dept: "技术部"},
		&model.SetDept{Path: "技术部", Mailbox: &mailbox},
	)
	rm := &model.RemoveDomain{Name: "example.org", Confirm: "example.org"}
	f.apply(f.admin, rm)
	want := model.DomainContents{Domain: "example.org", Members: []model.Address{"wang@example.org"}, Aliases: []model.Address{"zs@example.org"},
		Groups: []model.Address{"all@example.org"}, Shared: []model.Address{"hr@example.org"}, Depts: []model.Address{"tech@example.org"}}
	if mustMarshal(t, rm.Removed) != mustMarshal(t, want) {
		t.Errorf("removed %+v, want %+v", rm.Removed, want)
	}
	rec := f.lastOp()
	if rec.Op != "domain.rm" || !slices.Contains(rec.Notes, store.Note{Key: "removed", Value: want.Summary()}) {
		t.Errorf("record %s with notes %v, want domain.rm with the summary", rec.Op, rec.Notes)
	}
	err := f.s.Read(func(r *store.Reader) error {
		if r.IsLocal("example.org") {
			t.Error("example.org is still local")
		}
		if addrs, _ := r.Addresses("example.org"); len(addrs) != 0 {
			t.Errorf("addresses left in example.org: %v", addrs)
		}
		if m, err := r.Member("zhangsan@example.com"); err != nil || len(m.Aliases) != 0 {
			t.Errorf("张三 = %v, %v; want no alias left", m, err)
		}
		g, err := r.Group("all@example.com")
		if err != nil || len(g.Members) != 0 {
			t.Errorf("all@example.com = %v, %v; want no member left", g, err)
		}
		d, err := r.DeptByPath("技术部")
		if err != nil || d.Mailbox != "" {
			t.Errorf("技术部 = %v, %v; want no mailbox", d, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	refused(t, f.s.Apply(model.System(model.DoorCLI), &model.RemoveDomain{Name: "example.com", Confirm: "example.com"}),
		model.ErrConflict, "the company's only domain", "add another before removing it")
}

// TestRemoveDomainWithAMembersOwnAlias: a member of the removed domain with
// an alias in the same domain goes with it (the alias is released with its
// member before the aliases are walked).
func TestRemoveDomainWithAMembersOwnAlias(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	f.apply(f.admin,
		&model.AddDomain{Name: "example.org"},
		&model.AddMember{Address: "wang@example.org", Fields: model.MemberFields{Name: "王五"}},
		&model.AddAlias{Address: "wang@example.org", Alias: "w@example.org"},
	)
	rm := &model.RemoveDomain{Name: "example.org", Confirm: "example.org"}
	if err := f.s.Apply(f.admin, rm); err != nil {
		t.Fatalf("remove example.org: %v", err)
	}
	err := f.s.Read(func(r *store.Reader) error {
		if _, err := r.Member("wang@example.org"); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("wang@example.org is still there: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPrimaryDomainMoves: removing the primary domain makes another primary.
func TestPrimaryDomainMoves(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	f.apply(f.admin, &model.AddDomain{Name: "example.org"})
	f.addMember("boss@example.org", "老板")
	boss := f.grant("boss@example.org", model.RoleAdmin, "")
	f.apply(boss, &model.RevokeRole{Address: adminAddr, Role: model.RoleAdmin})
	f.apply(boss, &model.RemoveDomain{Name: "example.com", Confirm: "example.com"})
	err := f.s.Read(func(r *store.Reader) error {
		ds, err := r.Domains()
		if err != nil {
			return err
		}
		if len(ds) != 1 || ds[0].Name != "example.org" || !ds[0].Primary {
			t.Errorf("domains = %+v, want example.org primary", ds)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestEnterpriseProfile (ORG-1): a new name renames the root department.
func TestEnterpriseProfile(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	name, phone, shared := "示例集团", "010-65521234", true
	f.apply(f.admin, &model.SetEnterprise{Name: &name, Phone: &phone, AddressBookShared: &shared})
	if root := f.dept("/"); root.Name != "示例集团" {
		t.Errorf("root = %q, want the new name", root.Name)
	}
	f.s.Read(func(r *store.Reader) error {
		e, err := r.Enterprise()
		if err != nil || e.Name != name || e.Phone != phone || !e.AddressBookShared {
			t.Errorf("enterprise = %+v, %v", e, err)
		}
		return err
	})
	before := f.snap()
	long := string(make([]rune, 2001))
	refused(t, f.s.Apply(f.admin, &model.SetEnterprise{Description: &long}), model.ErrInvalid, "at most 2000")
	f.unchanged(before)
}

// TestPasswordPolicyIsChecked (ACC-2): an admin picks a policy; a silly one
// is refused, naming each value out of range.
func TestPasswordPolicyIsChecked(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	bad := model.PasswordPolicy{Preset: model.PresetCustom, MinLength: 4, LockAfter: 2, LockFor: time.Second}
	before := f.snap()
	refused(t, f.s.Apply(f.admin, &model.SetPasswordPolicy{Policy: bad}), model.ErrInvalid,
		"minimum length 4", "lock after 2 failures", "lock duration 1s")
	f.unchanged(before)

	seed, _ := model.PolicyPreset(model.PresetSeed)
	f.apply(f.admin, &model.SetPasswordPolicy{Policy: seed})
	if got := f.policy(); got != seed {
		t.Errorf("policy = %+v, want the seed preset", got)
	}
	// The seed preset's 6 characters with a letter and a digit.
	f.apply(f.admin, &model.AddMember{Address: zhangsan, Fields: model.MemberFields{Name: "张三"}, Password: "kx7q2m"})
	refused(t, f.s.Apply(f.admin, &model.SetPassword{Address: zhangsan, Password: "kxqpmz"}), model.ErrInvalid, "needs a digit")
	f.fail(zhangsan, 5)
	if m := f.member(zhangsan); m.Status != model.StatusLocked {
		t.Errorf("after 5 failures under the seed preset: %s, want locked", m.Status)
	}
}
