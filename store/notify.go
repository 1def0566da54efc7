package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"postroom/model"
)

// Notification jobs (MAILFX-3): templated bulk mail, a message per row of
// an uploaded recipient list, at most the company's daily quota a day.
//
//	notifyjobs  id → model.NotifyJob (ids count up from 1)
//	notifyrows  id + row number (8 + 8 bytes) → model.NotifyRowState
//	notifyday   "2026-12-03" (the local day) → uint64 messages queued that day
//
// A job is started by StartNotify, which authorises the sender (the
// notify permission at that moment), writes the job and its rows and
// appends the operation-log record in one transaction. The relay then
// takes rows in chunks (ClaimNotify: each taken row is counted against
// the day's quota in the same transaction, so two jobs never overrun it)
// and, after queueing them, records what became of each (FinishNotify). A
// row taken but not finished (a stop in between) is taken again; the
// spool's once-keys ("notify/ID/N") keep it from being queued twice.

var (
	bNotifyJobs = []byte("notifyjobs")
	bNotifyRows = []byte("notifyrows")
	bNotifyDay  = []byte("notifyday")
)

func notifyRowKey(id uint64, n int) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, id)
	binary.BigEndian.PutUint64(k[8:], uint64(n))
	return k
}

// StartNotify starts a notification job sent by the actor: the template
// and the rows as read from the recipient list. It is refused unless the
// actor holds the notify permission now. The job starts running; the
// relay queues its rows.
func (s *Store) StartNotify(actor model.Actor, t model.NotifyTemplate, list *model.NotifyList) (*model.NotifyJob, error) {
	if _, err := t.Parse(); err != nil {
		return nil, err
	}
	if list == nil || len(list.Rows) == 0 {
		return nil, model.Invalidf("the recipient list has a header row but no recipients")
	}
	now := s.opt.Now()
	var job *model.NotifyJob
	err := s.db.Update(func(tx *bolt.Tx) error {
		r := newReader(tx)
		a, err := freshActor(r, actor)
		if err != nil {
			return err
		}
		if a.IsSystem() {
			return model.Forbiddenf("notification mail is sent by a member, who signs it: run it as that member (--as ADDR)")
		}
		if err := model.MayNotify(r, a, now); err != nil {
			return err
		}
		m, err := r.Member(a.Address)
		if err != nil {
			return err
		}
		id, err := tx.Bucket(bNotifyJobs).NextSequence()
		if err != nil {
			return err
		}
		job = &model.NotifyJob{ID: id, Sender: m.Address, SenderName: m.Name, Door: a.Door, Template: t, Columns: list.Columns,
			Created: now.UTC(), State: model.NotifyRunning, Rows: len(list.Rows), Next: 1}
		rb := tx.Bucket(bNotifyRows)
		rb.FillPercent = 0.95
		for i, row := range list.Rows {
			st := model.NotifyRowState{N: i + 1, Row: row, Status: model.RowPending}
			if err := putJSON(rb, notifyRowKey(id, st.N), st); err != nil {
				return err
			}
		}
		if err := putJSON(tx.Bucket(bNotifyJobs), u64(id), job); err != nil {
			return err
		}
		subject := t.Subject
		return appendOp(tx, &OpRecord{Time: now.UTC(), Actor: a.Address, Name: a.Name, Roles: a.RoleNames(r), Door: a.Door, Source: a.Source,
			Op: "notify.send", Target: string(m.Address), Notes: []Note{{"job", strconv.FormatUint(id, 10)},
				{"subject", model.CutText(subject, 200)}, {"rows", strconv.Itoa(len(list.Rows))}}, Changes: []Diff{}})
	})
	if err != nil {
		return nil, err
	}
	s.publish([]Event{{Kind: "notify", Key: strconv.FormatUint(job.ID, 10)}})
	return job, nil
}

func getNotifyJob(tx *bolt.Tx, id uint64) (*model.NotifyJob, error) {
	raw := tx.Bucket(bNotifyJobs).Get(u64(id))
	if raw == nil {
		return nil, model.NotFoundf("no notification job %d: notify list shows the ids", int(id))
	}
	var j model.NotifyJob
	if err := json.Unmarshal(raw, &j); err != nil {
		return nil, err
	}
	return &j, nil
}

func getNotifyRow(tx *bolt.Tx, id uint64, n int) (*model.NotifyRowState, error) {
	raw := tx.Bucket(bNotifyRows).Get(notifyRowKey(id, n))
	if raw == nil {
		return nil, fmt.Errorf("notification job %d has no row %d", id, n)
	}
	var st model.NotifyRowState
	if err := json.Unmarshal(raw, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

func notifyDayCount(tx *bolt.Tx, day string) int {
	raw := tx.Bucket(bNotifyDay).Get([]byte(day))
	if len(raw) != 8 {
		return 0
	}
	return int(binary.BigEndian.Uint64(raw))
}

func putNotifyDayCount(tx *bolt.Tx, day string, n int) error {
	return tx.Bucket(bNotifyDay).Put([]byte(day), u64(uint64(max(0, n))))
}

// NotifyClaim is what ClaimNotify took from a job: rows to queue now
// (counted against the day's quota), and rows it found it cannot send
// (skipped, with the reason).
type NotifyClaim struct {
	Job     *model.NotifyJob
	Send    []model.NotifyRowState
	Skipped []model.NotifyRowState
}

// ClaimNotify takes up to max rows of an open job to queue now, each
// counted against the quota of now's day in loc; rows the list marked as
// unusable are skipped on the way. When the quota is used up the job
// waits until the next local midnight; a waiting job takes nothing before
// then. Rows taken earlier and not finished (a stop in between) are taken
// again first, without counting them twice.
func (s *Store) ClaimNotify(id uint64, now time.Time, loc *time.Location, max int) (*NotifyClaim, error) {
	c := &NotifyClaim{}
	changed := false
	err := s.db.Update(func(tx *bolt.Tx) error {
		job, err := getNotifyJob(tx, id)
		if err != nil {
			return err
		}
		c.Job = job
		if !job.Open() || (job.State == model.NotifyWaiting && now.Before(job.WaitUntil)) {
			return nil
		}
		// Rows left "sending" by a stop: they hold their quota already.
		for n := 1; n < job.Next && len(c.Send) < max; n++ {
			st, err := getNotifyRow(tx, id, n)
			if err != nil {
				return err
			}
			if st.Status == model.RowSending {
				c.Send = append(c.Send, *st)
			}
		}
		if len(c.Send) > 0 {
			return nil
		}
		e, err := (&Reader{tx: tx}).Enterprise()
		if err != nil {
			return err
		}
		day, quota := model.NotifyDay(now, loc), e.NotifyLimit()
		used := notifyDayCount(tx, day)
		job.State, job.WaitUntil = model.NotifyRunning, time.Time{}
		rb := tx.Bucket(bNotifyRows)
		n := job.Next
		for ; n <= job.Rows && len(c.Send) < max; n++ {
			st, err := getNotifyRow(tx, id, n)
			if err != nil {
				return err
			}
			if st.Row.Problem != "" {
				st.Status, st.Reason = model.RowSkipped, st.Row.Problem
				job.Skipped++
				c.Skipped = append(c.Skipped, *st)
			} else {
				if used >= quota {
					job.State, job.WaitUntil = model.NotifyWaiting, model.NextNotifyDay(now, loc).UTC()
					break
				}
				st.Status, st.Day = model.RowSending, day
				used++
				c.Send = append(c.Send, *st)
			}
			if err := putJSON(rb, notifyRowKey(id, n), st); err != nil {
				return err
			}
		}
		job.Next = n
		if job.Next > job.Rows && len(c.Send) == 0 {
			job.State, job.Finished = model.NotifyDone, now.UTC()
		}
		if err := putNotifyDayCount(tx, day, used); err != nil {
			return err
		}
		changed = true
		return putJSON(tx.Bucket(bNotifyJobs), u64(id), job)
	})
	if err != nil {
		return nil, err
	}
	if changed {
		s.publish([]Event{{Kind: "notify", Key: strconv.FormatUint(id, 10)}})
	}
	return c, nil
}

// NotifyResult is what became of one row taken by ClaimNotify: queued
// with the queue's id, or not sent with the reason (its quota is given
// back).
type NotifyResult struct {
	N       int
	QueueID string
	Reason  string
}

// FinishNotify records what became of the rows taken; the job is done
// when no row is left.
func (s *Store) FinishNotify(id uint64, results []NotifyResult) (*model.NotifyJob, error) {
	now := s.opt.Now()
	var job *model.NotifyJob
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		if job, err = getNotifyJob(tx, id); err != nil {
			return err
		}
		rb := tx.Bucket(bNotifyRows)
		for _, res := range results {
			st, err := getNotifyRow(tx, id, res.N)
			if err != nil {
				return err
			}
			if st.Status != model.RowSending {
				continue
			}
			if res.QueueID != "" {
				st.Status, st.QueueID = model.RowQueued, res.QueueID
				job.Queued++
			} else {
				st.Status, st.Reason = model.RowSkipped, model.CutText(res.Reason, model.MaxBatchSummary)
				job.Skipped++
				if err := putNotifyDayCount(tx, st.Day, notifyDayCount(tx, st.Day)-1); err != nil {
					return err
				}
				st.Day = ""
			}
			if err := putJSON(rb, notifyRowKey(id, res.N), st); err != nil {
				return err
			}
		}
		if job.State == model.NotifyRunning && job.Next > job.Rows && job.Queued+job.Skipped >= job.Rows {
			job.State, job.Finished = model.NotifyDone, now.UTC()
		}
		return putJSON(tx.Bucket(bNotifyJobs), u64(id), job)
	})
	if err != nil {
		return nil, err
	}
	s.publish([]Event{{Kind: "notify", Key: strconv.FormatUint(id, 10)}})
	return job, nil
}

// SetNotifyBatch records the batch task that reports a job.
func (s *Store) SetNotifyBatch(id, batch uint64) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		job, err := getNotifyJob(tx, id)
		if err != nil {
			return err
		}
		job.Batch = batch
		return putJSON(tx.Bucket(bNotifyJobs), u64(id), job)
	})
}

// CancelNotify stops an open job: its rows not yet queued stay unsent.
// The sender may cancel their own; others need queue.manage. It is
// logged. Its batch task records who cancelled it and finishes as
// cancelled, at once or, when rows are being queued, once the relay has
// recorded them.
func (s *Store) CancelNotify(actor model.Actor, id uint64) (*model.NotifyJob, error) {
	now := s.opt.Now()
	var job *model.NotifyJob
	err := s.db.Update(func(tx *bolt.Tx) error {
		r := newReader(tx)
		a, err := freshActor(r, actor)
		if err != nil {
			return err
		}
		if job, err = getNotifyJob(tx, id); err != nil {
			return err
		}
		if job.Sender != a.Address {
			if err := model.Authorize(a, model.RightQueueManage, nil, r); err != nil {
				return err
			}
		}
		if !job.Open() {
			return model.Conflictf("notification job %d is %s already", int(id), string(job.State))
		}
		inFlight, err := stopNotifyJob(tx, job, now)
		if err != nil {
			return err
		}
		if job.Batch != 0 {
			if b, err := getBatch(tx, job.Batch); err == nil && !b.State.Finished() && !b.CancelRequested() {
				b.CancelledBy, b.CancelledAt = a.Address, now.UTC()
				b.Summary = notifyCancelSummary(job)
				if !inFlight {
					b.State, b.Finished = model.BatchCancelled, now.UTC()
					b.Summary = model.CutText(b.Summary+"; "+b.CancelNote(), model.MaxBatchSummary)
				}
				if err := putBatch(tx, b); err != nil {
					return err
				}
			}
		}
		return appendOp(tx, &OpRecord{Time: now.UTC(), Actor: a.Address, Name: a.Name, Roles: a.RoleNames(r), Door: a.Door, Source: a.Source,
			Op: "notify.cancel", Target: string(job.Sender), Notes: []Note{{"job", strconv.FormatUint(id, 10)},
				{"queued", strconv.Itoa(job.Queued)}, {"unsent", strconv.Itoa(job.Waiting())}}, Changes: []Diff{}})
	})
	if err != nil {
		return nil, err
	}
	events := []Event{{Kind: "notify", Key: strconv.FormatUint(id, 10)}}
	if job.Batch != 0 {
		events = append(events, Event{Kind: "batch", Key: strconv.FormatUint(job.Batch, 10)})
	}
	s.publish(events)
	return job, nil
}

// stopNotifyJob marks an open job cancelled: no row is taken any more.
// inFlight reports whether rows already taken are still being queued
// (the relay records them, then finishes the job's batch task).
func stopNotifyJob(tx *bolt.Tx, job *model.NotifyJob, now time.Time) (inFlight bool, err error) {
	job.State, job.Finished, job.WaitUntil = model.NotifyCancelled, now.UTC(), time.Time{}
	if err := putJSON(tx.Bucket(bNotifyJobs), u64(job.ID), job); err != nil {
		return false, err
	}
	for n := job.Next - 1; n >= 1; n-- {
		st, err := getNotifyRow(tx, job.ID, n)
		if err != nil {
			return false, err
		}
		if st.Status == model.RowSending {
			return true, nil
		}
	}
	return false, nil
}

// cancelNotifyOfBatch cancels the open notification job that a batch task
// reports; job is nil when no open job has that task.
func cancelNotifyOfBatch(tx *bolt.Tx, batch uint64, now time.Time) (job *model.NotifyJob, inFlight bool, err error) {
	c := tx.Bucket(bNotifyJobs).Cursor()
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		var j model.NotifyJob
		if err := json.Unmarshal(v, &j); err != nil {
			return nil, false, err
		}
		if j.Batch != batch {
			continue
		}
		if !j.Open() {
			return nil, false, nil
		}
		inFlight, err := stopNotifyJob(tx, &j, now)
		return &j, inFlight, err
	}
	return nil, false, nil
}

// notifyCancelSummary says how far a cancelled job got.
func notifyCancelSummary(j *model.NotifyJob) string {
	return fmt.Sprintf("notification %d: %d of %d queued, %d skipped, %d not sent: cancelled", j.ID, j.Queued, j.Rows, j.Skipped, j.Waiting())
}

// NotifyJob returns a notification job by id.
func (r *Reader) NotifyJob(id uint64) (*model.NotifyJob, error) { return getNotifyJob(r.tx, id) }

// NotifyJobs lists the notification jobs, newest first; only the open
// ones when open is set.
func (r *Reader) NotifyJobs(open bool) ([]*model.NotifyJob, error) {
	var out []*model.NotifyJob
	c := r.tx.Bucket(bNotifyJobs).Cursor()
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		var j model.NotifyJob
		if err := json.Unmarshal(v, &j); err != nil {
			return nil, err
		}
		if open && !j.Open() {
			continue
		}
		out = append(out, &j)
	}
	return out, nil
}

// NotifyRows lists a job's rows after row number after, at most limit
// (0: all).
func (r *Reader) NotifyRows(id uint64, after, limit int) ([]model.NotifyRowState, error) {
	var out []model.NotifyRowState
	c := r.tx.Bucket(bNotifyRows).Cursor()
	prefix := u64(id)
	for k, v := c.Seek(notifyRowKey(id, after+1)); k != nil && string(k[:8]) == string(prefix); k, v = c.Next() {
		if limit > 0 && len(out) >= limit {
			break
		}
		var st model.NotifyRowState
		if err := json.Unmarshal(v, &st); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// NotifyUsed is how many notification messages were queued on a day.
func (r *Reader) NotifyUsed(day string) int { return notifyDayCount(r.tx, day) }
