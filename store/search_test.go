package store_test

import (
	"encoding/binary"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"

	"postroom/model"
	"postroom/store"
)

// searchCompany has 张三 (zhangsan@, employee id E1001, mobile 13800138000,
// office 010-65521234), 曾伟 (zengwei@, a surname with two readings) and
// 李四 (lisi@).
func searchCompany(t *testing.T) *company {
	t.Helper()
	f := newCompany(t)
	f.org()
	f.apply(f.admin,
		&model.AddMember{Address: "zhangsan@example.com", Fields: model.MemberFields{
			Name: "张三", EmployeeID: "E1001", Mobile: "138 0013 8000", Phone: "010-65521234", Depts: []string{"销售部/华北大区"}}},
		&model.AddMember{Address: "zengwei@example.com", Fields: model.MemberFields{Name: "曾伟", Depts: []string{"技术部"}}},
		&model.AddMember{Address: "lisi@example.com", Fields: model.MemberFields{Name: "李四", Mobile: "13912345678", Depts: []string{"技术部"}}},
	)
	return f
}

// TestSearchFindsPeople (ORG-7): a query finds a person when it starts one
// of their search keys (model.SearchKeys): the name, the given name, their
// pinyin and initials, the address and its local part, the employee id, the
// phone numbers and "#" with a phone's last four digits. Queries are folded
// like the keys: case and full-width forms do not matter.
func TestSearchFindsPeople(t *testing.T) {
	t.Parallel()
	f := searchCompany(t)
	const zhangsan, zengwei, lisi model.Address = "zhangsan@example.com", "zengwei@example.com", "lisi@example.com"
	tests := []struct {
		query string
		finds model.Address
	}{
		{"张三", zhangsan},
		{"张", zhangsan},
		{"三", zhangsan}, // the given name
		{"zhangsan", zhangsan},
		{"zhang", zhangsan},
		{"zs", zhangsan},
		{"san", zhangsan}, // the given name's pinyin
		{"ZS", zhangsan},
		{"ＺＳ", zhangsan},
		{"ｚｓ", zhangsan},
		{"Zhang San", zhangsan},
		{"zhangsan@example.com", zhangsan},
		{"E1001", zhangsan},
		{"e1001", zhangsan},
		{"13800138000", zhangsan},
		{"1380013", zhangsan},
		{"#8000", zhangsan},
		{"010", zhangsan}, // the office phone's digits
		{"曾伟", zengwei},
		{"zengwei", zengwei},
		{"cengwei", zengwei},
		{"zeng", zengwei},
		{"ceng", zengwei},
		{"zw", zengwei},
		{"cw", zengwei},
		{"wei", zengwei},
		{"李", lisi},
		{"ls", lisi},
		{"#5678", lisi},
	}
	for _, tt := range tests {
		got := f.search(tt.query)
		if !slices.Contains(got, tt.finds) {
			t.Errorf("search %q = %v, want it to find %s", tt.query, got, tt.finds)
		}
	}
}

// TestSearchFindsOnlyMatches: a query finds nobody it does not start a key of.
func TestSearchFindsOnlyMatches(t *testing.T) {
	t.Parallel()
	f := searchCompany(t)
	tests := []struct {
		query string
		finds []model.Address
	}{
		{"张三", []model.Address{"zhangsan@example.com"}},
		{"zs", []model.Address{"zhangsan@example.com"}},
		{"8000", nil}, // the last four digits need "#"
		{"三张", nil},
		{"wang", nil},
		{"   ", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if got := f.search(tt.query); !slices.Equal(got, tt.finds) {
			t.Errorf("search %q = %v, want %v", tt.query, got, tt.finds)
		}
	}
}

// TestSearchRanksExactMatchesFirst: "zs" is exactly 张三's initials and only
// the start of 张松林's (zsl).
func TestSearchRanksExactMatchesFirst(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	f.apply(f.admin,
		&model.AddMember{Address: "aaa@example.com", Fields: model.MemberFields{Name: "张松林"}},
		&model.AddMember{Address: "zhangsan@example.com", Fields: model.MemberFields{Name: "张三"}},
	)
	got := f.search("zs")
	if want := []model.Address{"zhangsan@example.com", "aaa@example.com"}; !slices.Equal(got, want) {
		t.Errorf("search zs = %v, want %v", got, want)
	}
}

// TestSearchFollowsChanges: a rename, a new alias and a deletion show in the
// index at once.
func TestSearchFollowsChanges(t *testing.T) {
	t.Parallel()
	f := searchCompany(t)
	f.apply(f.admin, &model.SetMember{Address: "zhangsan@example.com", Fields: model.MemberFields{Name: "章山"}, Set: map[string]bool{"name": true}})
	for _, q := range []string{"张三", "张", "三"} {
		if got := f.search(q); slices.Contains(got, "zhangsan@example.com") {
			t.Errorf("after the rename, search %q still finds the old name: %v", q, got)
		}
	}
	for _, q := range []string{"章山", "zhangshan", "shan"} {
		if got := f.search(q); !slices.Contains(got, "zhangsan@example.com") {
			t.Errorf("after the rename, search %q = %v, want the new name found", q, got)
		}
	}
	if got := f.search("zhangsan"); !slices.Contains(got, "zhangsan@example.com") {
		t.Errorf("the address is still a key after a rename: %v", got)
	}

	f.apply(f.admin, &model.AddAlias{Address: "lisi@example.com", Alias: "sili.li@example.com"})
	if got := f.search("sili"); !slices.Equal(got, []model.Address{"lisi@example.com"}) {
		t.Errorf("search sili = %v, want the alias found", got)
	}
	for _, q := range []string{"sili.li@example.com", "sili.li@"} {
		if got := f.search(q); !slices.Equal(got, []model.Address{"lisi@example.com"}) {
			t.Errorf("search %s = %v, want the alias's member", q, got)
		}
	}
	f.apply(f.admin, &model.RemoveAlias{Address: "lisi@example.com", Alias: "sili.li@example.com"})
	if got := f.search("sili"); len(got) != 0 {
		t.Errorf("search sili = %v after the alias went", got)
	}
	if got := f.search("sili.li@example.com"); len(got) != 0 {
		t.Errorf("search sili.li@example.com = %v after the alias went", got)
	}

	f.apply(f.admin, &model.DeleteMember{Address: "zhangsan@example.com"})
	for _, q := range []string{"章山", "zhangsan", "E1001", "#8000"} {
		if got := f.search(q); len(got) != 0 {
			t.Errorf("after the delete, search %q = %v", q, got)
		}
	}
}

// TestSearchKeepsToWhatTheActorMaySee: the door passes model.CanSee.
func TestSearchKeepsToWhatTheActorMaySee(t *testing.T) {
	t.Parallel()
	f := searchCompany(t)
	f.addMember("sa@example.com", "孙安", "销售部")
	sa := f.grant("sa@example.com", model.RoleSubadmin, "销售部", model.SubMembers)
	var got []model.Address
	err := f.s.Read(func(r *store.Reader) error {
		ms, err := r.Search("z", 50, func(m *model.Member) bool { return model.CanSee(sa, m, r) })
		for _, m := range ms {
			got = append(got, m.Address)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []model.Address{"zhangsan@example.com"}) {
		t.Errorf("the sub-admin over 销售部 finds %v with z, want only 张三", got)
	}
}

// TestSearchReindexMigration: a database from before schema 9 has whole
// addresses and employee ids among its search keys; the migration writes
// the index again without them, and both are still found.
func TestSearchReindexMigration(t *testing.T) {
	f := searchCompany(t)
	f.close()
	db, err := bolt.Open(f.path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	legacy := []string{"zhangsan@example.com\x00zhangsan@example.com", "e1001\x00zhangsan@example.com"}
	if err := db.Update(func(tx *bolt.Tx) error {
		for _, k := range legacy {
			if err := tx.Bucket([]byte("search")).Put([]byte(k), nil); err != nil {
				return err
			}
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), binary.BigEndian.AppendUint64(nil, 8))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	f.reopen()
	f.close()
	db, err = bolt.Open(f.path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("search"))
		for _, k := range legacy {
			if b.Get([]byte(k)) != nil {
				t.Errorf("the search index still holds %q", k)
			}
		}
		if b.Get([]byte("zhangsan\x00zhangsan@example.com")) == nil {
			t.Error("the search index lost the local part")
		}
		return nil
	})
	db.Close()
	f.reopen()
	for _, q := range []string{"zhangsan@example.com", "zhangsan@exa", "zhangsan@", "E1001", "e10"} {
		if got := f.search(q); !slices.Contains(got, "zhangsan@example.com") {
			t.Errorf("search %q after the migration = %v", q, got)
		}
	}
}
