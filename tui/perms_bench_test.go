//go:build bench

// The Permissions pane against the 50,000-member directory of
// docs/BENCHMARKS.md (issue 5: the user and permission list opens
// quickly):
//
//	go test -tags bench -run XXX -bench Perms -benchmem ./tui/
//
// The store is the Org pane's fixture (org_bench_test.go), built once and
// cached.
package tui

import "testing"

// BenchmarkPermsOpen is opening the pane as the admin until the first
// screen is drawn: the first page of members read and their rights
// computed at the moment (cmd.PermListPage), the answer taken (the filters
// applied) and the first draw. The other pages follow in the background.
func BenchmarkPermsOpen(b *testing.B) {
	st := orgBenchFixture(b)
	s := orgBenchSession(b, st)
	for _, sz := range orgBenchSizes {
		b.Run(sz.name, func(b *testing.B) {
			for b.Loop() {
				p := newPermsPane(s)
				p.SetSize(sz.w, sz.h)
				_, next := p.Update(p.Shown(true)())
				if !p.loaded || next == nil || len(p.shown) < sz.h-4 {
					b.Fatalf("the first page: %d rows, %s", len(p.shown), p.err)
				}
				_ = p.View()
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/open")
		})
	}
}

// BenchmarkPermsComplete is the whole list of 50,000 members computed
// page by page, as the pane does in the background after the first
// screen, then drawn.
func BenchmarkPermsComplete(b *testing.B) {
	st := orgBenchFixture(b)
	s := orgBenchSession(b, st)
	var rows int
	for b.Loop() {
		p := newPermsPane(s)
		p.SetSize(185, 47)
		c := p.Shown(true)
		for c != nil {
			_, c = p.Update(c())
		}
		if !p.complete {
			b.Fatalf("not complete: %s", p.err)
		}
		_ = p.View()
		rows = len(p.rows)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/list")
	b.ReportMetric(float64(rows), "rows")
}

// BenchmarkPermsFilter is changing the permission filter on the loaded
// list (f): the rows that pass picked again, then the draw.
func BenchmarkPermsFilter(b *testing.B) {
	st := orgBenchFixture(b)
	s := orgBenchSession(b, st)
	p := newPermsPane(s)
	p.SetSize(185, 47)
	for c := p.Shown(true); c != nil; {
		_, c = p.Update(c())
	}
	for b.Loop() {
		p.perm = p.nextPerm()
		p.refilter()
		_ = p.View()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/filter")
}
