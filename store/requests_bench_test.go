//go:build bench

package store_test

import (
	"path/filepath"
	"testing"
	"time"

	"postroom/model"
	"postroom/store"
)

// BenchmarkRequestInbox opens an officer's inbox among 10,000 pending
// requests waiting for them, as the Approvals pane does: the count and the
// first page of 50 (the pane's target is 100 ms), and the whole inbox.
//
//	go test -tags bench -run XXX -bench RequestInbox -benchmem ./store/
func BenchmarkRequestInbox(b *testing.B) {
	s, err := store.Open(filepath.Join(b.TempDir(), "postroom.db"), store.Options{Now: func() time.Time { return epoch }, Argon: fastArgon, NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	sys := model.System(model.DoorCLI)
	officer := model.Address("north@example.com")
	changes := []model.Change{
		&model.InitEnterprise{Name: "示例科技", Domain: "example.com", Admin: adminAddr, AdminName: "管理员", Password: adminPassword},
		&model.AddDept{Path: "销售部"},
		&model.AddMember{Address: officer, Fields: model.MemberFields{Name: "北区", Depts: []string{"销售部"}}},
		&model.AddMember{Address: "ww@example.com", Fields: model.MemberFields{Name: "王伟", Depts: []string{"销售部"}}},
		&model.SetDept{Path: "销售部", Officer: &officer},
		&model.SetPermission{Name: model.PermNotify, Owner: "销售部"},
	}
	for range 10000 {
		changes = append(changes, &model.FileRequest{Kind: model.RequestGrant, Subject: "ww@example.com", Perm: model.PermNotify})
	}
	if err := s.Apply(sys, changes...); err != nil {
		b.Fatal(err)
	}
	var north model.Actor
	s.Read(func(r *store.Reader) error { north, err = r.Actor(officer, model.DoorSSH, ""); return err })
	for _, page := range []int{50, 0} {
		name := "first-50"
		if page == 0 {
			name = "all-10000"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				err := s.Read(func(r *store.Reader) error {
					qs, n, err := r.Inbox(north, epoch, page)
					if err == nil && (n != 10000 || (page > 0 && len(qs) != page)) {
						b.Fatalf("%d of %d", len(qs), n)
					}
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
