//go:build bench

package model

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkEffectivePerms computes what one member holds from 50 grants
// (some lapsed, some to come) and 5 delegations, each lender holding 10
// grants of their own (the target is 50 µs):
//
//	go test -tags bench -run XXX -bench EffectivePerms -benchmem ./model/
func BenchmarkEffectivePerms(b *testing.B) {
	c := officers()
	v := c.v
	basis := PermBasis{Catalogue: v.perms.cat, Policy: DefaultMailPolicy("example.com")}
	grants := func(n int, prefix string) []Grant {
		var gs []Grant
		for i := range n {
			g := Grant{Perm: fmt.Sprintf("%s%d", prefix, i), Source: SourceDirect}
			switch i % 5 {
			case 1:
				g.Until = now.Add(time.Hour)
			case 2:
				g.Until = now.Add(-time.Hour) // lapsed
			case 3:
				g.From = now.Add(time.Hour) // not yet
			}
			gs = append(gs, g)
		}
		return gs
	}
	m := c.m("ww@example.com")
	m.Grants = grants(50, "sendas:box")
	lenders := []Address{"li@example.com", "dev@example.com", "north.head@example.com", "hr1@example.com", "sec@example.com"}
	m.Delegations = nil
	for i, l := range lenders {
		c.m(l).Grants = grants(10, fmt.Sprintf("sendas:lent%d-", i))
		d := Delegation{Lender: l, From: now.Add(-time.Hour), Until: now.Add(time.Hour), Request: uint64(i + 1)}
		if i%2 == 0 {
			d.Perms = []string{fmt.Sprintf("sendas:lent%d-0", i), PermBroadcast}
		}
		m.Delegations = append(m.Delegations, d)
	}
	b.ReportAllocs()
	for b.Loop() {
		hs, err := EffectivePerms(v, basis, m, now)
		if err != nil {
			b.Fatal(err)
		}
		if len(hs) < 30 {
			b.Fatalf("%d held, want at least 30", len(hs))
		}
	}
}
