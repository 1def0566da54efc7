package store_test

import (
	"encoding/binary"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"postroom/model"
	"postroom/store"
)

func (f *company) inactive(limit time.Duration, under string) []store.InactiveAccount {
	f.t.Helper()
	var out []store.InactiveAccount
	if err := f.s.Read(func(r *store.Reader) error {
		var id model.DeptID
		if under != "" {
			d, err := r.DeptByPath(under)
			if err != nil {
				return err
			}
			id = d.ID
		}
		var err error
		out, err = r.Inactive(f.clock.Now(), limit, id)
		return err
	}); err != nil {
		f.t.Fatal(err)
	}
	return out
}

func addrs(list []store.InactiveAccount) []model.Address {
	out := []model.Address{}
	for _, a := range list {
		out = append(out, a.Address)
	}
	return out
}

// TestInactiveList (ACC-6): an account counts from its creation, a login
// starts it again, enabling it again does too; disabled accounts are not
// listed; --dept narrows; the heads are named.
func TestInactiveList(t *testing.T) {
	f := permCompany(t)
	day := 24 * time.Hour
	head := model.Address("tech@example.com")
	f.apply(f.admin, &model.SetDept{Path: "技术部", Heads: &[]model.Address{head}})
	f.clock.Advance(100 * day)
	if got := addrs(f.inactive(90*day, "")); len(got) != 6 {
		t.Fatalf("after 100 days every account is unused: %v", got)
	}
	login := func(a model.Address) {
		pw := memberPassword
		if a == f.admin.Address {
			pw = adminPassword
		}
		if _, err := f.s.Login(string(a), store.Credentials{Password: pw}, model.LoginSMTP, "192.0.2.1", ""); err != nil {
			t.Fatal(err)
		}
	}
	login("li@example.com")
	login(f.admin.Address)
	f.apply(f.admin, &model.DisableMember{Address: "unit@example.com"})
	got := f.inactive(90*day, "")
	if len(got) != 3 {
		t.Errorf("after two logins and a disable: %v", addrs(got))
	}
	tech := f.inactive(90*day, "技术部")
	if len(tech) != 1 || tech[0].Address != head || tech[0].LastLogin != nil || tech[0].Days != 100 || tech[0].Dept != "技术部" {
		t.Errorf("技术部: %+v", tech)
	}
	north := f.inactive(90*day, "销售部/华北大区")
	if len(north) != 2 || len(north[0].Heads) != 0 && north[0].Heads[0] == north[0].Address {
		t.Errorf("华北大区: %+v", north)
	}
	// Enabling again starts a new period; the boundary is inclusive.
	f.clock.Advance(day)
	f.apply(f.admin, &model.EnableMember{Address: "unit@example.com"})
	f.clock.Advance(90 * day)
	for _, a := range f.inactive(90*day, "") {
		if a.Address == "li@example.com" && a.Days != 91 {
			t.Errorf("li: %+v", a)
		}
	}
	if got := addrs(f.inactive(90*day, "销售部")); !contains(got, "unit@example.com") {
		t.Errorf("unit, enabled exactly 90 days ago, is not listed: %v", got)
	}
	f.clock.Advance(-time.Second)
	if got := addrs(f.inactive(90*day, "销售部")); contains(got, "unit@example.com") {
		t.Errorf("unit, enabled a second short of 90 days ago, is listed: %v", got)
	}
}

func contains(list []model.Address, a model.Address) bool {
	for _, x := range list {
		if x == a {
			return true
		}
	}
	return false
}

// TestDisableInactive: the bulk disable disables only accounts still
// unused, all or none, each with its log record; it needs member.manage.
func TestDisableInactive(t *testing.T) {
	f := permCompany(t)
	day := 24 * time.Hour
	f.clock.Advance(200 * day)
	refused(t, f.s.Apply(f.actor("li@example.com"), &model.DisableInactive{Address: "ww@example.com"}), model.ErrForbidden, "member.manage")
	if _, err := f.s.Login("li@example.com", store.Credentials{Password: memberPassword}, model.LoginSSHPassword, "192.0.2.1", ""); err != nil {
		t.Fatal(err)
	}
	refused(t, f.s.Apply(f.admin, &model.DisableInactive{Address: "ww@example.com"}, &model.DisableInactive{Address: "li@example.com"}),
		model.ErrConflict, "not a long-unused account")
	if m := f.member("ww@example.com"); m.Status != model.StatusActive {
		t.Errorf("a refused bulk disable disabled ww: %s", m.Status)
	}
	f.apply(f.admin, &model.DisableInactive{Address: "ww@example.com"}, &model.DisableInactive{Address: "north@example.com"})
	for _, a := range []model.Address{"ww@example.com", "north@example.com"} {
		if m := f.member(a); m.Status != model.StatusDisabled || m.Reason == "" {
			t.Errorf("%s: %s %q", a, m.Status, m.Reason)
		}
	}
	ops := f.ops()
	if ops[0].Op != "member.disable" || ops[1].Op != "member.disable" || ops[0].Notes[0].Key != "last_use" {
		t.Errorf("log: %+v %+v", ops[0], ops[1])
	}
	off := model.Duration(-1)
	f.apply(f.admin, &model.SetEnterprise{InactiveAfter: &off})
	refused(t, f.s.Apply(f.admin, &model.DisableInactive{Address: "tech@example.com"}), model.ErrConflict, "inactivity check is off")
}

// TestLastUseMigration: a database from before schema 8 gets each member's
// last login from the login log.
func TestLastUseMigration(t *testing.T) {
	f := permCompany(t)
	f.clock.Advance(50 * 24 * time.Hour)
	if _, err := f.s.Login("li@example.com", store.Credentials{Password: memberPassword}, model.LoginSMTP, "192.0.2.1", ""); err != nil {
		t.Fatal(err)
	}
	f.close()
	db, err := bolt.Open(f.path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket([]byte("lastuse")); err != nil {
			return err
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), binary.BigEndian.AppendUint64(nil, 7))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	f.reopen()
	got := addrs(f.inactive(30*24*time.Hour, ""))
	if contains(got, "li@example.com") || !contains(got, "ww@example.com") {
		t.Errorf("after the migration: %v", got)
	}
}
