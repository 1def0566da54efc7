package model

import (
	"strconv"
	"strings"
	"time"
)

// RequestHandover asks for a leaver's mailbox contents to be handed to
// their successor (ACC-5, seed part 2 2.1.5: "有权对有效信息进行分发、处置").
// It is filed once the leave request is applied, by the successor, HR or
// an admin; the leaver's department officer signs it and IT applies it.
// Applying it marks it for copying: the relay (mail/handover.go) copies
// the leaver's Maildir into a folder of the successor's mailbox and
// records what it copied (RecordHandover); until then the request, and
// the leave request it belongs to, are not done (Request.Finished).
const RequestHandover RequestKind = "handover"

// Handed is what a handover copied into the successor's mailbox.
type Handed struct {
	// Folder is the folder's name as a mail client shows it ("交接-张三").
	Folder   string    `json:"folder"`
	Messages int       `json:"messages"`
	Bytes    int64     `json:"bytes"`
	Time     time.Time `json:"time"`
}

// leavePrefix starts a reclaimed leaver's Reason (reclaim).
const leavePrefix = "leaver: request "

// LeaveRequestOf is the id of the leave request that reclaimed m; 0 when
// m is not a reclaimed leaver.
func LeaveRequestOf(m *Member) uint64 {
	if m.Status != StatusReclaimed {
		return 0
	}
	s, ok := strings.CutPrefix(m.Reason, leavePrefix)
	if !ok {
		return 0
	}
	id, _ := strconv.ParseUint(s, 10, 64)
	return id
}

// Finished reports whether everything the request set out to do is done at
// now: it was applied, a handover's mail was copied, and a leave request's
// handover, when one was filed and not turned down, is finished too. This
// is "done" as HR reads it (ACC-5: HR sees done only after all of it).
func (r *Request) Finished(v View, now time.Time) bool {
	if r.StateAt(now) != RequestApplied {
		return false
	}
	switch r.Kind {
	case RequestHandover:
		return r.Handed != nil
	case RequestLeave:
		if r.Handover == 0 {
			return true
		}
		h, err := v.Request(r.Handover)
		if err != nil {
			return true
		}
		switch h.StateAt(now) {
		case RequestPending:
			return false
		case RequestApplied:
			return h.Handed != nil
		}
		return true // rejected, expired or withdrawn: nothing more to do
	}
	return true
}

// HandingOver reports whether the handover was applied and waits for its
// mail to be copied.
func (r *Request) HandingOver() bool {
	return r.Kind == RequestHandover && r.State == RequestApplied && r.Handed == nil
}

// authorizeHandover lets the leaver's successor file the handover, and
// whoever may file requests about the leaver (HR, heads, officers and
// admins over the leaver's departments).
func (c *FileRequest) authorizeHandover(v View, a Actor) error {
	m, s, err := memberScope(v, c.Subject)
	if err != nil {
		return err
	}
	if a.Address != "" && a.Address == m.Successor {
		return nil
	}
	return Authorize(a, RightRequestFile, s, v)
}

// checkHandover checks a handover: the leaver was reclaimed by an applied
// leave request, the successor still works here, and no other handover
// of the same mailbox is pending or done. It links the leave request to
// the handover (save writes both).
func (c *FileRequest) checkHandover(tx Tx, env Env, subject *Member, r *Request) (*Request, error) {
	leaveID := LeaveRequestOf(subject)
	if leaveID == 0 {
		return nil, Conflictf("%s has not left: a mailbox is handed over once the leave request is applied (request file leave --member %s --successor ADDR)", subject.Address, subject.Address)
	}
	leave, err := tx.Request(leaveID)
	if err != nil {
		return nil, err
	}
	if leave.Handover != 0 {
		h, err := tx.Request(leave.Handover)
		if err != nil {
			return nil, err
		}
		switch h.StateAt(env.Now) {
		case RequestPending:
			return nil, Conflictf("request %d already asks for the mailbox of %s to be handed over; it is pending", h.ID, subject.Address)
		case RequestApplied:
			return nil, Conflictf("the mailbox of %s was already handed over by request %d", subject.Address, h.ID)
		}
	}
	succ, err := tx.Member(subject.Successor)
	if err != nil {
		return nil, err
	}
	if succ.Status == StatusReclaimed {
		return nil, Conflictf("the successor %s has left too: nobody is left to hand the mailbox of %s to", succ.Address, subject.Address)
	}
	r.Successor, r.Leave = succ.Address, leave.ID
	return leave.Clone(), nil
}

// handOver applies an approved handover: it checks the successor still
// works here and leaves the request for the relay to copy (HandingOver).
func handOver(tx Tx, r *Request) error {
	succ, err := tx.Member(r.Successor)
	if err != nil {
		return err
	}
	if succ.Status == StatusReclaimed {
		return Conflictf("the successor %s has left too; the mailbox of %s cannot be handed to them", succ.Address, r.Subject)
	}
	tx.Note("successor", string(succ.Address))
	return nil
}

// RecordHandover records what the relay copied for an applied handover:
// the folder, how many messages and bytes (totals of the mailbox as
// handed, so recording again after a crash and a second copy says the
// same). Only postroom itself records it; a second record is refused.
type RecordHandover struct {
	ID     uint64
	Handed Handed
}

// Op names the operation.
func (c *RecordHandover) Op() string { return "request.handover" }

// Target names the request.
func (c *RecordHandover) Target() string { return requestTarget(c.ID) }

// Authorize allows only postroom itself (the relay that copied the mail).
func (c *RecordHandover) Authorize(v View, a Actor) error {
	if !a.IsSystem() {
		return Forbiddenf("only postroom records a handover, once it has copied the mail")
	}
	return nil
}

// Apply records the copy on the request.
func (c *RecordHandover) Apply(tx Tx, env Env) error {
	r, err := tx.Request(c.ID)
	if err != nil {
		return err
	}
	if r.Kind != RequestHandover {
		return Invalidf("request %d is a %s request, not a handover", r.ID, string(r.Kind))
	}
	if r.Handed != nil {
		return Conflictf("request %d was already handed over at %s", r.ID, r.Handed.Time.UTC().Format(time.RFC3339))
	}
	if r.State != RequestApplied {
		return Conflictf("request %d is %s: only an applied handover is copied", r.ID, string(r.State))
	}
	r = r.Clone()
	h := c.Handed
	h.Time = env.Now
	r.Handed = &h
	tx.Note("folder", h.Folder)
	tx.Note("messages", strconv.Itoa(h.Messages))
	tx.Note("bytes", strconv.FormatInt(h.Bytes, 10))
	tx.Note("successor", string(r.Successor))
	return tx.PutRequest(r)
}
