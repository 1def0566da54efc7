package cmd

import (
	"strings"

	"postroom/model"
	"postroom/store"
)

// Held mail is decided through every door (REQ-3, SEND-2/4/5): the SMTP
// hold reply names the message as its request ("held for approval:
// request 0197…"), so request approve|reject take that id as well as a
// request's number, and do what queue release|reject do.

// heldMessageID reports whether s is a held message's id (the spool's
// 20 hex digits) rather than a request's number.
func heldMessageID(s string) bool {
	s = strings.TrimPrefix(s, "#")
	return len(s) == 20 && strings.Trim(s, "0123456789abcdef") == ""
}

// decideHeld releases (approve) or rejects the held message id, as its
// approver or whoever manages the queue, exactly once; the sender is told
// and the decision logged as queue.release or queue.reject.
func (e *Env) decideHeld(id string, approve bool, comment string) (*store.QueueMessage, error) {
	if !approve && strings.TrimSpace(comment) == "" {
		return nil, model.Invalidf("say why with --comment; the sender reads it")
	}
	var out *store.QueueMessage
	err := e.withSpool(func(sp *store.Spool) error {
		m, err := e.queueMessage(sp, strings.TrimPrefix(id, "#"))
		if err != nil {
			return err
		}
		action := "release"
		if !approve {
			action = "reject"
		}
		d := &store.QueueDecision{Action: action, ID: m.ID, Approver: m.Approver, From: m.From, Subject: m.Subject, Comment: comment}
		return e.decide(d, func() (err error) {
			if approve {
				out, err = sp.Release(m.ID, e.Actor.Address, sp.Now())
			} else {
				out, err = sp.Reject(m.ID, e.Actor.Address, comment, sp.Now())
			}
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	if approve {
		e.kick()
		e.notify("released", out, e.Actor.Address, comment)
	} else {
		e.notify("rejected", out, e.Actor.Address, comment)
	}
	return out, nil
}

// printHeldDecision tells what became of a held message decided with
// request approve|reject: as queue release|reject say it, or the
// message as queue show --json prints it.
func (e *Env) printHeldDecision(m *store.QueueMessage, asJSON bool) error {
	if asJSON {
		var it QueueItem
		if err := e.withSpool(func(sp *store.Spool) (err error) {
			it, err = queueItem(sp, m)
			return err
		}); err != nil {
			return err
		}
		return e.printJSON(it)
	}
	if m.Status == store.MsgRejected {
		e.say("message %s rejected; the sender is told why", "邮件 %s 已退回，发件人将收到原因", m.ID)
		return nil
	}
	e.say("message %s released: it goes out now", "邮件 %s 已放行，正在发送", m.ID)
	return nil
}
