package store_test

import (
	"encoding/binary"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"

	"postroom/model"
	"postroom/store"
)

// leaverCompany is permCompany with a group for 华北大区 and one leaver
// reclaimed there (north@, the department's officer; ww@ succeeds) and
// one in 华南大区, the only person there (south@).
func leaverCompany(t *testing.T) *company {
	f := permCompany(t)
	unit := model.Address("unit@example.com")
	f.apply(f.admin, &model.SetDept{Path: "/", Officer: &unit})
	f.addMember("south@example.com", "南区", "销售部/华南大区")
	f.apply(f.admin, &model.AddGroup{Address: "north-all@example.com", Name: "华北全体"},
		&model.GroupMember{Group: "north-all@example.com", Dept: "销售部/华北大区"})
	for _, a := range []model.Address{"north@example.com", "south@example.com"} {
		leave := &model.FileRequest{Kind: model.RequestLeave, Subject: a, Successor: "ww@example.com"}
		f.apply(f.admin, leave)
		f.approveAll(leave.ID)
		if m := f.member(a); m.Status != model.StatusReclaimed {
			t.Fatalf("%s is %s", a, m.Status)
		}
	}
	return f
}

// deptIndexes reads a department's staff, its leavers and its head count.
func (f *company) deptIndexes(path string) (staff, leavers []model.Address, count int) {
	f.t.Helper()
	id := f.dept(path).ID
	f.s.Read(func(r *store.Reader) error {
		staff, _ = r.DeptMembers(id)
		leavers, _ = r.DeptLeavers(id)
		count = r.DeptMemberCount(id)
		return nil
	})
	return staff, leavers, count
}

// TestLeaverLeavesTheDepartmentIndex: a reclaimed leaver keeps the
// departments on their record but is out of the department-member index
// (and its head count), listed as a leaver instead; a group defined by the
// department reaches everyone there but the leaver; member listings by
// department still find the record.
func TestLeaverLeavesTheDepartmentIndex(t *testing.T) {
	f := leaverCompany(t)
	north := f.dept("销售部/华北大区").ID
	if m := f.member("north@example.com"); !slices.Equal(m.Depts, []model.DeptID{north}) {
		t.Errorf("the leaver's record lost its department: %v", m.Depts)
	}
	staff, leavers, n := f.deptIndexes("销售部/华北大区")
	if !slices.Equal(staff, []model.Address{"ww@example.com"}) || n != 1 || !slices.Equal(leavers, []model.Address{"north@example.com"}) {
		t.Errorf("华北大区: staff %v (count %d), leavers %v", staff, n, leavers)
	}
	f.s.Read(func(r *store.Reader) error {
		p, _ := r.MailPolicy()
		res, err := model.ResolveRecipients(r, p, []model.Address{"north-all@example.com"})
		if err != nil || len(res.Local) != 1 || res.Local[0].Address != "ww@example.com" || res.Internal != 1 {
			t.Errorf("the department's group reaches %+v (%v), want ww@ alone", res, err)
		}
		for _, rec := range []bool{false, true} {
			ms, err := r.Members(store.MemberFilter{Dept: north, Recursive: rec})
			var got []model.Address
			for _, m := range ms {
				got = append(got, m.Address)
			}
			if err != nil || !slices.Equal(got, []model.Address{"north@example.com", "ww@example.com"}) {
				t.Errorf("members of 华北大区 (recursive %v): %v, %v", rec, got, err)
			}
		}
		return nil
	})

	// Reclaiming is final: the record stays a leaver's.
	refused(t, f.s.Apply(f.admin, &model.EnableMember{Address: "north@example.com"}), model.ErrConflict, "reclaimed")
}

// TestDeleteDeptOfLeavers: a department whose only people are leavers can
// be deleted without --move-members-up; the leavers' records then name its
// parent, as history.
func TestDeleteDeptOfLeavers(t *testing.T) {
	f := leaverCompany(t)
	if staff, leavers, n := f.deptIndexes("销售部/华南大区"); len(staff) != 0 || n != 0 || len(leavers) != 1 {
		t.Fatalf("华南大区: staff %v (%d), leavers %v", staff, n, leavers)
	}
	f.apply(f.admin, &model.DeleteDept{Path: "销售部/华南大区"})
	if f.deptExists("销售部/华南大区") {
		t.Fatal("the department is still there")
	}
	sales := f.dept("销售部").ID
	if m := f.member("south@example.com"); !slices.Equal(m.Depts, []model.DeptID{sales}) || m.Status != model.StatusReclaimed {
		t.Errorf("the leaver's record: %v %s", m.Depts, m.Status)
	}
	if staff, leavers, _ := f.deptIndexes("销售部"); slices.Contains(staff, "south@example.com") || !slices.Contains(leavers, "south@example.com") {
		t.Errorf("销售部: staff %v, leavers %v", staff, leavers)
	}
	// A department with staff still needs them moved first.
	refused(t, f.s.Apply(f.admin, &model.DeleteDept{Path: "技术部"}), model.ErrConflict, "still has 2 members")
}

// TestLeaverIndexMigrates: a file of schema 4, where leavers were in the
// department-member index, has them moved to deptleaver when opened.
func TestLeaverIndexMigrates(t *testing.T) {
	f := leaverCompany(t)
	north := f.dept("销售部/华北大区").ID
	f.close()
	db, err := bolt.Open(f.path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		key := binary.BigEndian.AppendUint64(nil, uint64(north))
		if err := tx.Bucket([]byte("deptmember")).Put(append(key, "north@example.com"...), nil); err != nil {
			return err
		}
		if err := tx.DeleteBucket([]byte("deptleaver")); err != nil {
			return err
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), binary.BigEndian.AppendUint64(nil, 4))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	f.reopen()
	if staff, leavers, n := f.deptIndexes("销售部/华北大区"); !slices.Equal(staff, []model.Address{"ww@example.com"}) || n != 1 ||
		!slices.Equal(leavers, []model.Address{"north@example.com"}) {
		t.Errorf("after the migration: staff %v (%d), leavers %v", staff, n, leavers)
	}
}
