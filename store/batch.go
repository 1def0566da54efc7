package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"

	"postroom/model"
)

// Batch tasks (LOG-5): imports, exports, bulk changes, bulk mail and
// migrations record themselves here, with their totals and a result per
// row, so that admins and auditors see what ran, how far it got and what
// failed row by row.
//
//	batches    id → model.Batch (ids count up from 1)
//	batchrows  id + row number (8 + 8 bytes) → model.BatchRow
//
// A batch record is a log line, not a directory change: it is written
// here, not through Apply, and the job's own changes still go through
// Apply (and the operation log). A task is begun by BeginBatch, gains rows
// with AddBatchRows, and ends with FinishBatch; RecordBatch does all three
// for a job that already has its whole report. Every write publishes a
// "batch" event with the id, so open screens follow the progress.
//
// Only one process opens the data file, so a task still running when the
// file is opened was cut off by a stop: Open marks such tasks failed
// ("interrupted"); a resumable job starts a new task when it runs again.
// A waiting task stays waiting: it was paused, not cut off, and the job
// that owns it goes on with it.

var bBatchRows = []byte("batchrows")

// batchChunk is how many rows AddBatchRows writes per transaction.
const batchChunk = 5000

func batchRowKey(id uint64, n int) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, id)
	binary.BigEndian.PutUint64(k[8:], uint64(n))
	return k
}

// BeginBatch starts a batch task of a kind for the actor (who, and through
// which door), with the number of rows it expects (0 when not known) and a
// first summary, such as the file's name. It returns the task's id.
func (s *Store) BeginBatch(actor model.Actor, kind model.BatchKind, expected int, summary string) (uint64, error) {
	if _, err := model.ParseBatchKind(string(kind)); err != nil {
		return 0, err
	}
	b := model.Batch{Kind: kind, By: actor.Address, Door: actor.Door, Started: s.opt.Now().UTC(), State: model.BatchRunning,
		Expected: max(0, expected), Summary: model.CutText(summary, model.MaxBatchSummary)}
	err := s.db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bBatches)
		id, err := bk.NextSequence()
		if err != nil {
			return err
		}
		b.ID = id
		return putBatch(tx, &b)
	})
	if err != nil {
		return 0, err
	}
	s.publish([]Event{{Kind: "batch", Key: strconv.FormatUint(b.ID, 10)}})
	return b.ID, nil
}

func putBatch(tx *bolt.Tx, b *model.Batch) error {
	raw, err := json.Marshal(b)
	if err != nil {
		return err
	}
	return tx.Bucket(bBatches).Put(u64(b.ID), raw)
}

func getBatch(tx *bolt.Tx, id uint64) (*model.Batch, error) {
	raw := tx.Bucket(bBatches).Get(u64(id))
	if raw == nil {
		return nil, model.NotFoundf("no batch task %d: batch list shows the ids", int(id))
	}
	var b model.Batch
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// AddBatchRows records rows of an open task, numbering them after those it
// has, and adds their outcomes to its totals. Many rows are written a few
// thousand to a transaction; the totals always match the rows written.
func (s *Store) AddBatchRows(id uint64, rows ...model.BatchRow) error {
	for start := 0; start < len(rows); start += batchChunk {
		chunk := rows[start:min(len(rows), start+batchChunk)]
		err := s.db.Update(func(tx *bolt.Tx) error {
			b, err := getBatch(tx, id)
			if err != nil {
				return err
			}
			if b.State.Finished() {
				return model.Conflictf("batch task %d is %s: it takes no more rows", int(id), string(b.State))
			}
			rb := tx.Bucket(bBatchRows)
			rb.FillPercent = 0.95 // rows are appended in key order
			for _, r := range chunk {
				r, err := model.CheckBatchRow(r)
				if err != nil {
					return err
				}
				b.Count(r.Outcome)
				r.N = b.Rows
				raw, err := json.Marshal(r)
				if err != nil {
					return err
				}
				if err := rb.Put(batchRowKey(id, r.N), raw); err != nil {
					return err
				}
			}
			return putBatch(tx, b)
		})
		if err != nil {
			return err
		}
		s.publish([]Event{{Kind: "batch", Key: strconv.FormatUint(id, 10)}})
	}
	return nil
}

// SetBatch changes an open task's state (running or waiting; "" keeps it),
// summary ("" keeps it) and expected row count (a negative one keeps it).
func (s *Store) SetBatch(id uint64, state model.BatchState, summary string, expected int) error {
	if state.Finished() {
		return model.Invalidf("a batch task ends with FinishBatch, not with the state %s", string(state))
	}
	return s.updateBatch(id, func(b *model.Batch) error {
		if b.State.Finished() {
			return model.Conflictf("batch task %d is %s: it takes no more rows", int(id), string(b.State))
		}
		if state != "" {
			b.State = state
		}
		if summary != "" {
			b.Summary = model.CutText(summary, model.MaxBatchSummary)
		}
		if expected >= 0 {
			b.Expected = expected
		}
		return nil
	})
}

// FinishBatch ends a task: done, failed or cancelled, with its last
// summary ("" keeps the one it has). Ending a task twice is refused.
func (s *Store) FinishBatch(id uint64, state model.BatchState, summary string) error {
	if !state.Finished() {
		return model.Invalidf("a batch task finishes as done, failed or cancelled, not %s", string(state))
	}
	now := s.opt.Now().UTC()
	return s.updateBatch(id, func(b *model.Batch) error {
		if b.State.Finished() {
			return model.Conflictf("batch task %d is %s: it takes no more rows", int(id), string(b.State))
		}
		b.State, b.Finished = state, now
		if summary != "" {
			b.Summary = summary
		}
		if state == model.BatchCancelled && b.CancelRequested() && !strings.Contains(b.Summary, b.CancelNote()) {
			b.Summary = strings.TrimSpace(b.Summary + "; " + b.CancelNote())
		}
		b.Summary = model.CutText(b.Summary, model.MaxBatchSummary)
		return nil
	})
}

func (s *Store) updateBatch(id uint64, fn func(b *model.Batch) error) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := getBatch(tx, id)
		if err != nil {
			return err
		}
		if err := fn(b); err != nil {
			return err
		}
		return putBatch(tx, b)
	})
	if err == nil {
		s.publish([]Event{{Kind: "batch", Key: strconv.FormatUint(id, 10)}})
	}
	return err
}

// RecordBatch records a task that has already run, with its whole report:
// begun, its rows, finished in state with summary. It returns the id.
func (s *Store) RecordBatch(actor model.Actor, kind model.BatchKind, state model.BatchState, summary string, rows []model.BatchRow) (uint64, error) {
	id, err := s.BeginBatch(actor, kind, len(rows), summary)
	if err != nil {
		return 0, err
	}
	if err := s.AddBatchRows(id, rows...); err != nil {
		s.FinishBatch(id, model.BatchFailed, "")
		return id, err
	}
	return id, s.FinishBatch(id, state, summary)
}

// closeInterrupted marks the tasks left running by a process that
// stopped as failed: no other process can be running them.
func (s *Store) closeInterrupted() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		c := tx.Bucket(bBatches).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var b model.Batch
			if err := json.Unmarshal(v, &b); err != nil {
				return err
			}
			if b.State != model.BatchRunning {
				continue
			}
			b.State, b.Finished = model.BatchFailed, s.opt.Now().UTC()
			b.Summary = model.CutText("interrupted: postroom stopped while it ran; "+b.Summary, model.MaxBatchSummary)
			if b.CancelRequested() {
				b.State = model.BatchCancelled
				b.Summary = model.CutText(b.Summary+"; "+b.CancelNote(), model.MaxBatchSummary)
			}
			if err := putBatch(tx, &b); err != nil {
				return err
			}
		}
		return nil
	})
}

// Batch returns a batch task by id.
func (r *Reader) Batch(id uint64) (*model.Batch, error) { return getBatch(r.tx, id) }

// BatchFilter narrows the batch list.
type BatchFilter struct {
	Kind model.BatchKind
	By   model.Address
	// Keep, when set, keeps only the tasks it accepts (who may see them).
	Keep  func(*model.Batch) bool
	Limit int // newest first; 0 for all
}

// Batches lists batch tasks, newest first.
func (r *Reader) Batches(f BatchFilter) ([]*model.Batch, error) {
	var out []*model.Batch
	c := r.tx.Bucket(bBatches).Cursor()
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		var b model.Batch
		if err := json.Unmarshal(v, &b); err != nil {
			return nil, err
		}
		if (f.Kind != "" && b.Kind != f.Kind) || (f.By != "" && b.By != f.By) || (f.Keep != nil && !f.Keep(&b)) {
			continue
		}
		out = append(out, &b)
		if f.Limit > 0 && len(out) >= f.Limit {
			break
		}
	}
	return out, nil
}

// BatchRows lists a task's rows after row number after, in order, at most
// limit of them (0: all); only those with the outcome when it is set. next
// is the number to pass as after for the following page, 0 at the end.
func (r *Reader) BatchRows(id uint64, outcome model.Outcome, after, limit int) (rows []model.BatchRow, next int, err error) {
	c := r.tx.Bucket(bBatchRows).Cursor()
	prefix := u64(id)
	for k, v := c.Seek(batchRowKey(id, after+1)); k != nil && string(k[:8]) == string(prefix); k, v = c.Next() {
		if limit > 0 && len(rows) >= limit {
			return rows, rows[len(rows)-1].N, nil
		}
		var row model.BatchRow
		if err := json.Unmarshal(v, &row); err != nil {
			return nil, 0, err
		}
		if outcome != "" && row.Outcome != outcome {
			continue
		}
		rows = append(rows, row)
	}
	return rows, 0, nil
}

// BatchContext is the context a batch task's runner works under: it is
// cancelled when someone cancels the task (CancelBatch) or when parent
// ends. The runner stops at its next safe point and finishes the task
// (cancelled, its summary saying how far it got); release, called when
// the runner is done, forgets the task. A task that is finished already,
// or that someone asked to stop, gives a context cancelled at once.
func (s *Store) BatchContext(parent context.Context, id uint64) (ctx context.Context, release func()) {
	ctx, cancel := context.WithCancel(parent)
	s.stopMu.Lock()
	if s.stops == nil {
		s.stops = map[uint64]context.CancelFunc{}
	}
	s.stops[id] = cancel
	s.stopMu.Unlock()
	var stop bool
	s.db.View(func(tx *bolt.Tx) error {
		b, err := getBatch(tx, id)
		stop = err != nil || b.State.Finished() || b.CancelRequested()
		return nil
	})
	if stop {
		cancel()
	}
	return ctx, func() {
		s.stopMu.Lock()
		delete(s.stops, id)
		s.stopMu.Unlock()
		cancel()
	}
}

// CancelBatch asks a running or waiting batch task to stop, as the actor:
// its owner, or anyone with the right batch.manage. The request is
// recorded on the task (who, when) and in the operation log in one
// transaction. A runner listening (BatchContext) stops at its next safe
// point, between two rows, messages or mailboxes, and finishes the task
// as cancelled with how far it got; a notification job stops taking rows
// (the rows being queued at that moment are still recorded). A task
// nothing is working on finishes as cancelled at once. Cancelling a
// finished task is refused.
func (s *Store) CancelBatch(actor model.Actor, id uint64) (*model.Batch, error) {
	now := s.opt.Now().UTC()
	var b *model.Batch
	var notifyJob uint64
	// stopMu is held through the transaction, so a runner that starts
	// listening meanwhile reads the task as this leaves it.
	s.stopMu.Lock()
	_, listening := s.stops[id]
	err := s.db.Update(func(tx *bolt.Tx) error {
		r := newReader(tx)
		a, err := freshActor(r, actor)
		if err != nil {
			return err
		}
		if b, err = getBatch(tx, id); err != nil {
			return err
		}
		if err := model.AuthorizeBatchCancel(a, b, r); err != nil {
			return err
		}
		if err := model.CheckBatchCancel(b); err != nil {
			return err
		}
		b.CancelledBy, b.CancelledAt = a.Address, now
		finish := !listening
		if b.Kind == model.BatchNotify {
			job, inFlight, err := cancelNotifyOfBatch(tx, id, now)
			if err != nil {
				return err
			}
			if job != nil {
				notifyJob = job.ID
				finish = !inFlight
				b.Summary = notifyCancelSummary(job)
			}
		}
		if finish {
			b.State, b.Finished = model.BatchCancelled, now
			b.Summary = model.CutText(strings.TrimSpace(b.Summary+"; "+b.CancelNote()), model.MaxBatchSummary)
		}
		if err := putBatch(tx, b); err != nil {
			return err
		}
		return appendOp(tx, &OpRecord{Time: now, Actor: a.Address, Name: a.Name, Roles: a.RoleNames(r), Door: a.Door, Source: a.Source,
			Op: "batch.cancel", Target: whoseBatch(b), Notes: []Note{{"batch", strconv.FormatUint(id, 10)}, {"kind", string(b.Kind)},
				{"rows", batchRowsSoFar(b)}}, Changes: []Diff{}})
	})
	stop := s.stops[id]
	s.stopMu.Unlock()
	if err != nil {
		return nil, err
	}
	if stop != nil {
		stop()
	}
	events := []Event{{Kind: "batch", Key: strconv.FormatUint(id, 10)}}
	if notifyJob != 0 {
		events = append(events, Event{Kind: "notify", Key: strconv.FormatUint(notifyJob, 10)})
	}
	s.publish(events)
	return b, nil
}

// whoseBatch names the task's owner for the operation log.
func whoseBatch(b *model.Batch) string {
	if b.By == "" {
		return "postroom"
	}
	return string(b.By)
}

// batchRowsSoFar is how far a task got: "4 of 10" or "4".
func batchRowsSoFar(b *model.Batch) string {
	if b.Expected > 0 {
		return fmt.Sprintf("%d of %d", b.Rows, b.Expected)
	}
	return strconv.Itoa(b.Rows)
}
