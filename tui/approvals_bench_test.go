//go:build bench

// The Approvals pane with 10,000 pending requests (issue 5: it opens under
// 100 ms):
//
//	go test -tags bench -run XXX -bench Approvals -benchmem ./tui/
//
// The demo company's plain member files 10,000 grant requests about
// themself; each waits for their department's officer (the demo head),
// whose inbox then lists all 10,000.
package tui

import (
	"fmt"
	"testing"

	"postroom/model"
	"postroom/store"
)

const apprBenchRequests = 10000

// BenchmarkApprovalsOpen10k measures opening the inbox: reading the
// requests waiting for the person (the pane's tea.Cmd), taking the answer
// (Update) and the first draw (View).
func BenchmarkApprovalsOpen10k(b *testing.B) {
	st, head := apprBenchFixture(b)
	for _, sz := range []struct{ w, h int }{{80, 24}, {200, 50}} {
		b.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(b *testing.B) {
			s := NewSession(st, head, "zh-CN", false)
			for b.Loop() {
				p := newApprovalsPane(s)
				p.SetSize(sz.w, sz.h)
				p.Update(p.load()())
				if len(p.items) != apprBenchRequests {
					b.Fatalf("%d items, want %d", len(p.items), apprBenchRequests)
				}
				_ = p.View()
			}
		})
	}
}

var (
	apprBenchStore *store.Store
	apprBenchHead  model.Actor
)

// apprBenchFixture files the 10,000 requests, once per run.
func apprBenchFixture(b *testing.B) (*store.Store, model.Actor) {
	if apprBenchStore != nil {
		return apprBenchStore, apprBenchHead
	}
	st := demoStore(b)
	actor := func(role string) model.Actor {
		var a model.Actor
		if err := st.Read(func(r *store.Reader) error {
			var err error
			a, err = r.Actor(model.Address(loginOf(b, role).Address), model.DoorTUI, "192.0.2.10")
			return err
		}); err != nil {
			b.Fatal(err)
		}
		return a
	}
	member := actor("member")
	if err := st.Apply(actor("admin"), &model.SetPermission{Name: model.PermExternal, Owner: "信息部"}); err != nil {
		b.Fatal(err)
	}
	changes := make([]model.Change, 0, apprBenchRequests)
	for range apprBenchRequests {
		changes = append(changes, &model.FileRequest{Kind: model.RequestGrant, Subject: member.Address, Perm: model.PermExternal,
			Reason: "给客户发报价单和合同"})
	}
	if err := st.Apply(member, changes...); err != nil {
		b.Fatal(err)
	}
	apprBenchStore, apprBenchHead = st, actor("head")
	return st, apprBenchHead
}
