package mail

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"strings"

	"postroom/model"
	"postroom/store"
)

// Releasing or rejecting held mail by replying to its approval notice
// (REQ-3, SEND-2/4/5): the notice to the approver carries a reply address
// of its own, postroom-reply+hMSGID-MAC@DOMAIN, where MAC is an
// HMAC-SHA256 (the spool's ReplyKey, 128 bits shown, in base32 so that
// the local part keeps within SMTP's 64 bytes) of the message id and the
// approver's address. The same rules as a request's reply hold
// (reply.go): through submission, logged in as that approver, to that
// address alone; 同意/批准/approve releases the message, 拒绝/驳回/reject
// and a reason rejects it, through the same spool calls and the same
// operation-log record (queue.release, queue.reject) as queue release and
// the Approvals pane, and the sender is told as they are.

// heldReplyLocal is the local part's prefix of held-mail reply addresses.
const heldReplyLocal = replyLocal + "h"

// heldMACLen is the length of a held-mail reply address's MAC: 128 bits
// in base32.
const heldMACLen = 26

// heldReplyMAC is the address's MAC for a held message and its approver.
func heldReplyMAC(key []byte, msg string, who model.Address) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "held/%s/%s", msg, strings.ToLower(string(who)))
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(m.Sum(nil)[:16]))
}

// heldReplyAddress is the reply address of the held message msg for its
// approver who; "" when the spool's key cannot be read (the notice then
// goes without one).
func (r *Relay) heldReplyAddress(msg string, who model.Address) model.Address {
	key, err := r.spool.ReplyKey()
	if err != nil {
		r.log.Printf("reply key: %v", err)
		return ""
	}
	return model.Address(heldReplyLocal + msg + "-" + heldReplyMAC(key, msg, who) + "@" + r.primaryDomain())
}

// parseHeldReplyLocal reads a held-mail reply address's local part; ok is
// false when it is not one.
func parseHeldReplyLocal(local string) (msg, mac string, ok bool) {
	if len(local) <= len(heldReplyLocal) || !strings.EqualFold(local[:len(heldReplyLocal)], heldReplyLocal) {
		return "", "", false
	}
	msg, mac, ok = strings.Cut(strings.ToLower(local[len(heldReplyLocal):]), "-")
	if !ok || len(msg) != 20 || len(mac) != heldMACLen || strings.Trim(msg, "0123456789abcdef") != "" {
		return "", "", false
	}
	return msg, mac, true
}

// rcptHeldReply takes a held-mail reply address at RCPT: only from the
// authenticated approver it was made for, as the transaction's one
// recipient.
func (s *session) rcptHeldReply(msg, mac string) error {
	if s.account == nil {
		return s.reply(550, [3]int{5, 7, 1}, "Held mail is decided by mail only from the approver's own mailbox: reply through submission, logged in")
	}
	key, err := s.r.spool.ReplyKey()
	if err != nil {
		return s.r.tempFail("reply key", err)
	}
	if !hmac.Equal([]byte(mac), []byte(heldReplyMAC(key, msg, s.account.Address))) {
		return s.reply(550, [3]int{5, 7, 1}, "This reply address was not made for %s: only the approver it was sent to may decide with it", s.account.Address)
	}
	if len(s.rcpts) > 0 || s.replyTo != nil {
		return s.reply(550, [3]int{5, 5, 3}, "Send the decision to the reply address alone")
	}
	s.replyTo = &replyTarget{msg: msg}
	return nil
}

// decideHeldByReply releases or rejects the held message as the member who
// replied (out carries the decision read from the reply).
func (r *Relay) decideHeldByReply(s *session, t *replyTarget, out replyOutcome) replyOutcome {
	m, err := r.spool.Message(t.msg)
	if err != nil {
		if model.IsUserError(err) {
			out.refusal, out.code = err, [3]int{5, 7, 1}
		} else {
			out.temp = r.tempFail("reply to held mail", err)
		}
		return out
	}
	out.about = m.Subject
	action := "release"
	if !out.approve {
		action = "reject"
	}
	d := &store.QueueDecision{Action: action, ID: m.ID, Approver: m.Approver, From: m.From, Subject: m.Subject, Comment: out.comment}
	var act model.Actor
	var refusal error
	if err := r.store.Read(func(rd *store.Reader) error {
		var err error
		if act, err = rd.Actor(s.account.Address, model.DoorSMTP, s.source()); err != nil {
			return err
		}
		refusal = d.Authorize(rd, act)
		return nil
	}); err != nil {
		out.temp = r.tempFail("reply to held mail", err)
		return out
	}
	var done *store.QueueMessage
	if refusal == nil {
		if out.approve {
			done, refusal = r.spool.Release(m.ID, act.Address, r.now())
		} else {
			done, refusal = r.spool.Reject(m.ID, act.Address, out.comment, r.now())
		}
	}
	if refusal != nil {
		if !model.IsUserError(refusal) {
			out.temp = r.tempFail("reply to held mail", refusal)
			return out
		}
		out.refusal, out.code = refusal, [3]int{5, 7, 1}
		return out
	}
	if err := r.store.Apply(act, d); err != nil {
		r.log.Printf("held message %s: operation log: %v", m.ID, err)
	}
	if out.approve {
		out.what = "released"
		r.Notify("released", done, act.Address, out.comment)
	} else {
		out.what = "rejected"
		r.Notify("rejected", done, act.Address, out.comment)
	}
	return out
}
