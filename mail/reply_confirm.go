package mail

import (
	"errors"
	"fmt"
	"time"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
)

// NoticeReply is the mail back to a member who decided by replying to a
// notice (REQ-3): what was recorded, or why nothing was (already decided,
// expired, not their step, no decision word), in their language.
const NoticeReply = "reply"

// ReplyNoticeData is what the mail back to a reply says.
type ReplyNoticeData struct {
	To       model.Address
	ToName   string
	From     model.Address
	Date     time.Time
	Hostname string

	Item    string // "申请 5", "held message 0197…"
	About   string // the request's reason, the message's subject; "" for none
	Decided bool
	Approve bool
	Outcome string // Decided: what was recorded
	Comment string // Decided: the comment taken from the reply
	Why     string // not decided: why
}

// BuildReplyNotice returns the complete message of the mail back to a
// reply, in lang, from the templates reply.{zh-CN,en}.tmpl.
func BuildReplyNotice(lang string, d ReplyNoticeData) ([]byte, error) {
	if d.To == "" || d.From == "" || d.Date.IsZero() {
		return nil, errors.New("notice: To, From and Date are required")
	}
	if d.Hostname == "" {
		d.Hostname = "localhost"
	}
	d.ToName, d.Item, d.About = singleLine(d.ToName), singleLine(d.Item), singleLine(d.About)
	d.Outcome, d.Comment, d.Why = singleLine(d.Outcome), singleLine(d.Comment), singleLine(d.Why)
	subject, text, err := renderMail(NoticeReply, lang, d)
	if err != nil {
		return nil, err
	}
	return composeNotice(NoticeReply, lang, "", d.From, d.ToName, d.To, "", d.Date, d.Hostname, subject, text), nil
}

// replyOutcomeWords says what a reply did, in the words of lang: the item and
// the outcome (or the refusal).
func replyOutcomeWords(t *replyTarget, out replyOutcome, lang string) (item, outcome string) {
	w := assets.Reply(lang)
	if t.msg != "" {
		item = fmt.Sprintf(w.Message, t.msg)
	} else {
		item = fmt.Sprintf(w.Request, t.id)
	}
	switch {
	case out.refusal != nil:
		return item, model.Localize(out.refusal, lang)
	case out.what == "released":
		return item, w.HeldReleased
	case t.msg != "":
		return item, w.HeldRejected
	case out.what == "approved and applied":
		return item, fmt.Sprintf(w.StepApplied, t.step+1)
	case out.approve:
		return item, fmt.Sprintf(w.StepApproved, t.step+1)
	}
	return item, fmt.Sprintf(w.StepRejected, t.step+1)
}

// confirmReply keeps the reply in the mail log with its outcome (status
// "reply", the outcome in both languages) and mails the member what was
// recorded, or why nothing was, in their language. Neither can undo the
// decision: a failure is logged.
func (r *Relay) confirmReply(s *session, t *replyTarget, body []byte, out replyOutcome) {
	now := r.now()
	facts, _ := ParseHeader(body)
	logLine := func(lang string) string {
		w := assets.Reply(lang)
		item, outcome := replyOutcomeWords(t, out, lang)
		if out.refusal != nil {
			return fmt.Sprintf(w.LogRefused, outcome)
		}
		return fmt.Sprintf(w.LogDecided, outcome, item)
	}
	rec := store.MailRecord{Time: now, Direction: "internal", Door: string(s.door), Account: s.account.Address, From: s.from,
		To: []string{t.addr}, Count: 1, Subject: facts.Subject, Size: int64(len(body)), Status: "reply",
		Reason: logLine("en"), ReasonZH: logLine("zh-CN")}
	if err := r.spool.Log(rec); err != nil {
		r.log.Printf("reply from %s: mail log: %v", s.account.Address, err)
	}

	item, outcome := replyOutcomeWords(t, out, out.lang)
	d := ReplyNoticeData{To: s.account.Address, ToName: s.account.Name, From: model.Address("postmaster@" + r.del.cfg.PrimaryDomain),
		Date: now.In(r.del.location()), Hostname: r.del.cfg.Hostname, Item: item, About: out.about,
		Decided: out.refusal == nil, Approve: out.approve, Comment: out.comment}
	if d.Decided {
		d.Outcome = outcome
	} else {
		d.Why = outcome
	}
	msg, err := BuildReplyNotice(out.lang, d)
	if err == nil {
		facts, _ := ParseHeader(msg)
		_, err = r.del.enqueueSystem(d.To, d.From, facts.Subject, msg)
	}
	if err != nil {
		r.log.Printf("reply from %s: the mail back: %v", s.account.Address, err)
		return
	}
	r.del.Kick()
}
