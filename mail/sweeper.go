package mail

import (
	"context"
	"time"

	"postroom/store"
)

// sweepEvery is how often the sweeper looks for lapsed holds and old
// finished messages.
const sweepEvery = time.Minute

// sweep decides the holds nobody decided in time, as the configuration says,
// telling each sender and other sessions (a "queue" event), and purges
// finished messages past their keep time.
func (r *Relay) sweep() {
	now := r.now()
	lapsed, err := r.spool.ExpireHeld(now, 500)
	if err != nil {
		r.log.Printf("sweep: %v", err)
		return
	}
	for _, m := range lapsed {
		var got *store.QueueMessage
		ev := "rejected"
		if m.OnExpiry == "release" {
			ev = "released"
			got, err = r.spool.Release(m.ID, "", now)
		} else {
			got, err = r.spool.Reject(m.ID, "", "nobody decided in time", now)
		}
		if err != nil {
			r.log.Printf("sweep %s: %v", m.ID, err)
			continue
		}
		r.store.Notify("queue", m.ID)
		r.Notify(ev, got, "", "")
	}
	if keep := r.cfg.Queue.KeepFinished.D(); keep > 0 {
		if _, err := r.spool.Purge(now.Add(-keep)); err != nil {
			r.log.Printf("sweep: purge: %v", err)
		}
	}
}

// runSweeper sweeps once a minute until ctx ends.
func (r *Relay) runSweeper(ctx context.Context) {
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.sweep()
		}
	}
}
