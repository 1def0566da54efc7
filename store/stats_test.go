package store_test

import (
	"testing"

	"postroom/model"
	"postroom/store"
)

// TestMemberStatsKeptInStep: the counts kept with every write equal a count
// of the members themselves, through adds, disables, locks, a refused
// change and a deletion.
func TestMemberStatsKeptInStep(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	f.org()
	f.addMember("a.one@example.com", "甲一", "销售部")
	f.addMember("b.two@example.com", "乙二", "销售部")
	f.addMember("c.three@example.com", "丙三", "销售部")
	f.apply(f.admin, &model.DisableMember{Address: "b.two@example.com", Reason: "测试"})
	f.apply(f.admin, &model.DeleteMember{Address: "c.three@example.com"})
	// A refused change leaves the counts alone.
	if err := f.s.Apply(f.admin, &model.AddMember{Address: "a.one@example.com", Fields: model.MemberFields{Name: "重复"}}); err == nil {
		t.Fatal("a duplicate address was accepted")
	}
	var got store.MemberStats
	want := store.MemberStats{}
	f.s.Read(func(r *store.Reader) error {
		got, _ = r.MemberStats()
		ms, _ := r.Members(store.MemberFilter{})
		for _, m := range ms {
			want.Members++
			switch m.Status {
			case model.StatusActive:
				want.Active++
				if m.Password.Hash == "" && len(m.Keys) == 0 {
					want.NoLogin++
				}
			case model.StatusDisabled:
				want.Disabled++
			}
		}
		return nil
	})
	if got != want {
		t.Errorf("stats %+v, counted %+v", got, want)
	}
	if got.Disabled != 1 || got.Members < 3 {
		t.Errorf("stats %+v: want the disabled member counted", got)
	}
}
