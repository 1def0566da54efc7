package mail

import (
	"bytes"
	"context"
	"fmt"
	netmail "net/mail"
	"strconv"
	"sync"
	"time"

	"postroom/model"
	"postroom/store"
)

// notifyChunk is how many rows of a notification job are taken, queued
// and recorded at a time.
const notifyChunk = 200

// NotifyLocation is the time zone whose midnight starts a new day of the
// notification quota: the server's local time unless Options set one.
func (r *Relay) notifyLocation() *time.Location {
	if r.notifyLoc != nil {
		return r.notifyLoc
	}
	return time.Local
}

// runNotifyJobs queues the rows of notification jobs (MAILFX-3): when a
// job is started (a "notify" event) and once a minute, so that a job
// waiting for the next day's quota goes on after local midnight.
func (r *Relay) runNotifyJobs(ctx context.Context, events <-chan Event) {
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	r.NotifyPass()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				return
			}
			if ev.Kind == "notify" {
				r.NotifyPass()
			}
		case <-t.C:
			r.NotifyPass()
		}
	}
}

// Event is a store event as the relay reads it.
type Event = store.Event

// NotifyPass queues what the open notification jobs may send now, oldest
// job first, within the day's quota. One pass runs at a time.
func (r *Relay) NotifyPass() {
	r.notifyMu.Lock()
	defer r.notifyMu.Unlock()
	var jobs []*model.NotifyJob
	if err := r.store.Read(func(rd *store.Reader) error {
		var err error
		jobs, err = rd.NotifyJobs(true)
		return err
	}); err != nil {
		r.log.Printf("notify: %v", err)
		return
	}
	for i := len(jobs) - 1; i >= 0; i-- {
		if err := r.runNotifyJob(jobs[i].ID); err != nil {
			r.log.Printf("notify job %d: %v", jobs[i].ID, err)
		}
	}
}

// runNotifyJob queues one job's rows chunk by chunk until it is done, or
// waits for the next day, recording each row in its batch task.
func (r *Relay) runNotifyJob(id uint64) error {
	for {
		c, err := r.store.ClaimNotify(id, r.now(), r.notifyLocation(), notifyChunk)
		if err != nil {
			return err
		}
		job := c.Job
		if len(c.Send) == 0 && len(c.Skipped) == 0 {
			return r.settleNotifyBatch(job) // waiting for its day, done or cancelled
		}
		batch, err := r.notifyBatch(job)
		if err != nil {
			return err
		}
		var rows []model.BatchRow
		for _, st := range c.Skipped {
			rows = append(rows, model.BatchRow{Key: notifyRowKey(st), Outcome: model.OutcomeSkipped, Reason: st.Reason})
		}
		results := r.queueNotifyRows(job, c.Send)
		if r.notifyQueued != nil {
			r.notifyQueued(job)
		}
		for i, res := range results {
			if res.QueueID != "" {
				rows = append(rows, model.BatchRow{Key: notifyRowKey(c.Send[i]), Outcome: model.OutcomeOK, Reason: "queued as " + res.QueueID})
			} else {
				rows = append(rows, model.BatchRow{Key: notifyRowKey(c.Send[i]), Outcome: model.OutcomeSkipped, Reason: res.Reason})
			}
		}
		if job, err = r.store.FinishNotify(id, results); err != nil {
			return err
		}
		if len(rows) > 0 {
			if err := r.store.AddBatchRows(batch, rows...); err != nil {
				return err
			}
		}
		r.del.Kick()
		switch job.State {
		case model.NotifyDone:
			return r.store.FinishBatch(batch, model.BatchDone, notifySummary(job, r.notifyLocation()))
		case model.NotifyCancelled:
			// Cancelled while these rows were queued: they are recorded,
			// and the task ends here.
			return r.store.FinishBatch(batch, model.BatchCancelled, notifySummary(job, r.notifyLocation()))
		case model.NotifyWaiting:
			return r.store.SetBatch(batch, model.BatchWaiting, notifySummary(job, r.notifyLocation()), -1)
		}
		if err := r.store.SetBatch(batch, model.BatchRunning, notifySummary(job, r.notifyLocation()), -1); err != nil {
			return err
		}
	}
}

// settleNotifyBatch brings a job's batch task to the job's state when it
// is not there yet: waiting, or finished as done or cancelled.
func (r *Relay) settleNotifyBatch(job *model.NotifyJob) error {
	want := map[model.NotifyState]model.BatchState{model.NotifyWaiting: model.BatchWaiting, model.NotifyDone: model.BatchDone,
		model.NotifyCancelled: model.BatchCancelled, model.NotifyRunning: model.BatchRunning}[job.State]
	var have model.BatchState
	if job.Batch != 0 {
		r.store.Read(func(rd *store.Reader) error {
			if b, err := rd.Batch(job.Batch); err == nil {
				have = b.State
			}
			return nil
		})
	}
	if have == want || (have.Finished() && job.State != model.NotifyWaiting) {
		return nil
	}
	batch, err := r.notifyBatch(job)
	if err != nil {
		return err
	}
	if want.Finished() {
		return r.store.FinishBatch(batch, want, notifySummary(job, r.notifyLocation()))
	}
	return r.store.SetBatch(batch, want, notifySummary(job, r.notifyLocation()), -1)
}

// notifyRowKey names a row in the batch task's report.
func notifyRowKey(st model.NotifyRowState) string {
	a := string(st.Row.Address)
	if a == "" {
		a = st.Row.Written
	}
	return fmt.Sprintf("line %d %s", st.Row.Line, a)
}

// notifySummary says how far a job got, for its batch task.
func notifySummary(j *model.NotifyJob, loc *time.Location) string {
	subject := model.CutText(j.Template.Subject, 80)
	switch j.State {
	case model.NotifyWaiting:
		return fmt.Sprintf("notification %d %q: %d of %d queued, %d skipped, %d wait for the next day's quota (from %s)",
			j.ID, subject, j.Queued, j.Rows, j.Skipped, j.Waiting(), j.WaitUntil.In(loc).Format("2006-01-02 15:04"))
	case model.NotifyCancelled:
		return fmt.Sprintf("notification %d %q: %d of %d queued, %d skipped, %d not sent: cancelled", j.ID, subject, j.Queued, j.Rows, j.Skipped, j.Waiting())
	}
	return fmt.Sprintf("notification %d %q: %d of %d queued, %d skipped", j.ID, subject, j.Queued, j.Rows, j.Skipped)
}

// notifyBatch is the open batch task reporting a job: the one it has, or
// a new one when it has none or that one was closed by a restart.
func (r *Relay) notifyBatch(job *model.NotifyJob) (uint64, error) {
	if job.Batch != 0 {
		open := false
		r.store.Read(func(rd *store.Reader) error {
			b, err := rd.Batch(job.Batch)
			open = err == nil && !b.State.Finished()
			return nil
		})
		if open {
			return job.Batch, nil
		}
	}
	by := model.Actor{Address: job.Sender, Name: job.SenderName, Door: job.Door}
	summary := notifySummary(job, r.notifyLocation())
	if job.Batch != 0 {
		summary += fmt.Sprintf(" (continued from batch task %d)", job.Batch)
	}
	id, err := r.store.BeginBatch(by, model.BatchNotify, job.Rows, summary)
	if err != nil {
		return 0, err
	}
	if job.Batch != 0 {
		// The rows already done were reported in the earlier task.
		if err := r.store.SetBatch(id, "", "", job.Waiting()); err != nil {
			return 0, err
		}
	}
	job.Batch = id
	return id, r.store.SetNotifyBatch(job.ID, id)
}

// queueNotifyRows renders and queues each row taken: one message to one
// recipient, from the sender, queued once (a row taken again after a
// stop finds its message already queued and is counted as such).
func (r *Relay) queueNotifyRows(job *model.NotifyJob, rows []model.NotifyRowState) []store.NotifyResult {
	out := make([]store.NotifyResult, len(rows))
	tmpl, err := job.Template.Parse()
	if err != nil {
		for i, st := range rows {
			out[i] = store.NotifyResult{N: st.N, Reason: err.Error()}
		}
		return out
	}
	now := r.now()
	type rendered struct {
		subject, body string
		local         bool
		err           error
	}
	msgs := make([]rendered, len(rows))
	r.store.Read(func(rd *store.Reader) error {
		for i, st := range rows {
			var fields *model.SignatureFields
			if m, err := rd.Member(st.Row.Address); err == nil {
				if m.Status == model.StatusReclaimed || m.Status == model.StatusDisabled {
					msgs[i].err = model.Invalidf("%s is %s: not sent", m.Address, model.Word(m.Status))
					continue
				}
				f, err := model.MemberSignatureFields(rd, m)
				if err != nil {
					msgs[i].err = err
					continue
				}
				fields = &f
			}
			msgs[i].local = rd.IsLocal(st.Row.Address.Domain())
			msgs[i].subject, msgs[i].body, msgs[i].err = tmpl.Render(st.Row, fields)
		}
		return nil
	})
	// Several at once: the spool commits concurrent messages together,
	// one fsync for many.
	var wg sync.WaitGroup
	sem := make(chan struct{}, notifyWorkers)
	for i, st := range rows {
		out[i].N = st.N
		if msgs[i].err != nil {
			out[i].Reason = msgs[i].err.Error()
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i].QueueID, out[i].Reason = r.queueNotifyRow(job, st, msgs[i].subject, msgs[i].body, msgs[i].local, now)
		}()
	}
	wg.Wait()
	return out
}

// queueNotifyRow queues one rendered row; it returns the queue id, or
// why it was not queued.
func (r *Relay) queueNotifyRow(job *model.NotifyJob, st model.NotifyRowState, subject, text string, local bool, now time.Time) (string, string) {
	to := st.Row.Address
	rcpt := store.QueueRcpt{Addr: to, Status: store.RcptPending}
	dir := "out"
	if local {
		mb, ok := r.localMailbox(to)
		if !ok {
			return "", fmt.Sprintf("%s is no mailbox here", to)
		}
		rcpt.Addr, rcpt.Local, dir = mb, true, "internal"
	}
	body := composeNotification(job, to, now, r.cfg.Hostname, subject, text)
	m := &store.QueueMessage{
		ID: r.spool.NewID(), Received: now, Door: "notify", Account: job.Sender, Direction: dir,
		From: string(job.Sender), HeaderFrom: string(job.Sender), Subject: subject,
		Size: int64(len(body)), Status: store.MsgQueued, Expires: now.Add(r.cfg.Queue.Lifetime.D()),
	}
	ok, err := r.spool.EnqueueOnce([]string{"notify/" + strconv.FormatUint(job.ID, 10) + "/" + strconv.Itoa(st.N)}, m, []store.QueueRcpt{rcpt}, body)
	switch {
	case err != nil:
		return "", "not queued: " + err.Error()
	case !ok:
		return "(queued before a restart)", ""
	}
	r.del.Offer(m, []store.QueueRcpt{rcpt}, body)
	return m.ID, ""
}

// notifyWorkers is how many rows are queued at once.
const notifyWorkers = 16

// composeNotification writes one notification: From the sender, To the
// recipient, a UTF-8 text/plain body in base64, marked as bulk mail.
func composeNotification(job *model.NotifyJob, to model.Address, date time.Time, hostname, subject, text string) []byte {
	var b bytes.Buffer
	b.WriteString(foldField("Date", date.Format(time.RFC1123Z)))
	b.WriteString(foldField("From", (&netmail.Address{Name: singleLine(job.SenderName), Address: string(job.Sender)}).String()))
	b.WriteString(foldField("To", string(to)))
	b.WriteString(foldField("Subject", encodeHeaderText(subject)))
	b.WriteString(foldField("Message-ID", newMessageID(hostname)))
	b.WriteString("MIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
	b.WriteString("Content-Transfer-Encoding: base64\r\n")
	b.WriteString("Precedence: bulk\r\n")
	b.WriteString("X-Postroom-Notify: " + strconv.FormatUint(job.ID, 10) + "\r\n")
	b.WriteString("\r\n")
	b.Write(encodeBase64Lines([]byte(crlfText(text))))
	return b.Bytes()
}
