//go:build bench

package store_test

import (
	"testing"
	"time"

	"postroom/store"
)

// BenchmarkInactive lists the long-unused accounts among the 50,000
// members (ACC-6, member inactive, Home, the relay's minute sweep): none
// unused (the lastuse bucket is read, no member), and all of them unused
// (every member read, the heads of their departments found, the list
// sorted).
func BenchmarkInactive(b *testing.B) {
	f := getBenchFixture(b)
	limit := 180 * 24 * time.Hour
	for _, c := range []struct {
		name string
		now  time.Time
		want int
	}{{"none", time.Now(), 0}, {"all", time.Now().Add(400 * 24 * time.Hour), 50000}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				var n int
				if err := f.s.Read(func(r *store.Reader) error {
					list, err := r.Inactive(c.now, limit, 0)
					n = len(list)
					return err
				}); err != nil {
					b.Fatal(err)
				}
				if n < c.want {
					b.Fatalf("%d inactive, want %d", n, c.want)
				}
			}
		})
	}
}
