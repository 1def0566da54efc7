package store_test

import (
	"encoding/binary"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"postroom/model"
	"postroom/store"
)

// letterIndexes reads the accounts opened since a time and the passwords
// set within a window.
func letterIndexes(t *testing.T, f *company, since, from, to time.Time) (born, changed []model.Address) {
	t.Helper()
	if err := f.s.Read(func(r *store.Reader) error {
		var err error
		if born, err = r.NewMembers(since); err != nil {
			return err
		}
		changed, err = r.PasswordsChanged(from, to)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return born, changed
}

// TestLetterIndexes: the accounts by when they were opened and the
// passwords by when they were set follow every member write, and a file of
// schema 6 gets them when opened.
func TestLetterIndexes(t *testing.T) {
	f := newCompany(t)
	f.org()
	start := f.clock.Now()
	f.clock.Advance(time.Hour)
	f.addMember("ww@example.com", "王伟", "技术部")
	f.clock.Advance(time.Hour)
	f.apply(f.admin, &model.AddMember{Address: "np@example.com", Fields: model.MemberFields{Name: "无密码"}})
	born, changed := letterIndexes(t, f, start.Add(time.Minute), start.Add(time.Minute), start.Add(90*time.Minute))
	if !slices.Equal(born, []model.Address{"ww@example.com", "np@example.com"}) || !slices.Equal(changed, []model.Address{"ww@example.com"}) {
		t.Fatalf("born %v, changed %v", born, changed)
	}
	// A new password moves the member in pwchanged; a deleted member leaves both.
	f.clock.Advance(time.Hour)
	f.apply(f.admin, &model.SetPassword{Address: "ww@example.com", Password: "Another-passphrase-2026"})
	if _, changed = letterIndexes(t, f, start, start.Add(time.Minute), start.Add(90*time.Minute)); len(changed) != 0 {
		t.Errorf("the old password is still indexed: %v", changed)
	}
	if _, changed = letterIndexes(t, f, start, start.Add(150*time.Minute), start.Add(4*time.Hour)); !slices.Equal(changed, []model.Address{"ww@example.com"}) {
		t.Errorf("the new password: %v", changed)
	}
	f.apply(f.admin, &model.DeleteMember{Address: "np@example.com"})
	if born, _ = letterIndexes(t, f, start.Add(time.Minute), start, start); !slices.Equal(born, []model.Address{"ww@example.com"}) {
		t.Errorf("after the delete: %v", born)
	}

	// Schema 6 had neither index: opening fills them.
	f.close()
	db, err := bolt.Open(f.path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range []string{"memberborn", "pwchanged"} {
			if err := tx.DeleteBucket([]byte(b)); err != nil {
				return err
			}
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), binary.BigEndian.AppendUint64(nil, 6))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	f.reopen()
	born, changed = letterIndexes(t, f, start.Add(time.Minute), start.Add(150*time.Minute), start.Add(4*time.Hour))
	if !slices.Equal(born, []model.Address{"ww@example.com"}) || !slices.Equal(changed, []model.Address{"ww@example.com"}) {
		t.Errorf("after the migration: born %v, changed %v", born, changed)
	}
}
