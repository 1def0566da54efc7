package mail

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-smtp"

	"postroom/model"
	"postroom/store"
)

// Deciding a request by replying to its notice (REQ-3, seed part 1, 1:
// "经过部门负责人邮件审批").
//
// The notice that a step waits for someone carries a reply address of its
// own, postroom-reply+ID-STEP-MAC@DOMAIN, where MAC is an HMAC-SHA256 (the
// spool's ReplyKey, 128 bits shown) of the request id, the step and the
// address it was sent to: it cannot be guessed, and it is worth nothing to
// anyone else. A reply decides the step only when it comes through the
// submission door, authenticated as the very member the address was made
// for, to that address alone, while the step is still the request's
// current one; its first word is 同意, 批准 or approve (approve) or 拒绝,
// 驳回 or reject (reject), and the rest of that paragraph is the comment (a
// rejection needs one). The decision goes through the same write path as
// `request approve|reject`, with the member as the actor and smtp as the
// door; the SMTP reply says what was done or why not. The IT step of a
// joiner or a reset makes a one-time password that only the terminal UI or
// the command shows, so those steps have no reply address.

// replyLocal is the local part's prefix of reply addresses.
const replyLocal = "postroom-reply+"

// replyTarget is the step a reply address decides, or the held message
// (msg, reply_held.go); addr is the address itself.
type replyTarget struct {
	id   uint64
	step int
	msg  string
	addr string
}

// replyMAC is the address's MAC for a step and the member it was made for.
func replyMAC(key []byte, id uint64, step int, who model.Address) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%d/%d/%s", id, step, strings.ToLower(string(who)))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// replyAddress is the reply address of step of request id for who.
func replyAddress(key []byte, domain string, id uint64, step int, who model.Address) model.Address {
	return model.Address(replyLocal + strconv.FormatUint(id, 10) + "-" + strconv.Itoa(step) + "-" + replyMAC(key, id, step, who) + "@" + domain)
}

// parseReplyLocal reads a reply address's local part; ok is false when it
// is not one.
func parseReplyLocal(local string) (id uint64, step int, mac string, ok bool) {
	if len(local) <= len(replyLocal) || !strings.EqualFold(local[:len(replyLocal)], replyLocal) {
		return 0, 0, "", false // every recipient passes here: no allocation
	}
	parts := strings.Split(strings.ToLower(local[len(replyLocal):]), "-")
	if len(parts) != 3 {
		return 0, 0, "", false
	}
	id, err := strconv.ParseUint(parts[0], 10, 64)
	if err != nil {
		return 0, 0, "", false
	}
	step, err = strconv.Atoi(parts[1])
	if err != nil || step < 0 {
		return 0, 0, "", false
	}
	return id, step, parts[2], len(parts[2]) == 32
}

// replyable reports whether step i of q can be decided by a reply.
func replyable(q *model.Request, i int) bool {
	if i < 0 || i >= len(q.Steps) {
		return false
	}
	return q.Steps[i].Role != model.StepIT || (q.Kind != model.RequestJoin && q.Kind != model.RequestReset)
}

// rcptReply takes a reply address at RCPT: only from an authenticated
// member, for whom it was made, as the transaction's one recipient.
func (s *session) rcptReply(id uint64, step int, mac string) error {
	if s.account == nil {
		return s.reply(550, [3]int{5, 7, 1}, "A request is decided by mail only from the approver's own mailbox: reply through submission, logged in")
	}
	key, err := s.r.spool.ReplyKey()
	if err != nil {
		return s.r.tempFail("reply key", err)
	}
	want := replyMAC(key, id, step, s.account.Address)
	if !hmac.Equal([]byte(mac), []byte(want)) {
		return s.reply(550, [3]int{5, 7, 1}, "This reply address was not made for %s: only the approver it was sent to may decide with it", s.account.Address)
	}
	if len(s.rcpts) > 0 || s.replyTo != nil {
		return s.reply(550, [3]int{5, 5, 3}, "Send the decision to the reply address alone")
	}
	s.replyTo = &replyTarget{id: id, step: step}
	return nil
}

// replyWords are the first words of a decision.
var replyWords = []struct {
	word    string
	approve bool
}{{"同意", true}, {"批准", true}, {"approve", true}, {"拒绝", false}, {"驳回", false}, {"reject", false}}

// maxReplyComment bounds a comment taken from a reply, in characters.
const maxReplyComment = 500

// replyDecision reads a reply's text: the first word decides, the rest of
// its paragraph (up to a blank line or a quoted line) is the comment.
func replyDecision(text string) (approve bool, comment string, ok bool) {
	text = strings.TrimLeft(strings.ReplaceAll(text, "\r\n", "\n"), " \t\n\ufeff\u3000")
	for _, w := range replyWords {
		if len(text) < len(w.word) || !strings.EqualFold(text[:len(w.word)], w.word) {
			continue
		}
		rest := text[len(w.word):]
		if r, _ := utf8.DecodeRuneInString(rest); w.word[0] < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			continue // "approved", "rejection": not the word itself
		}
		var lines []string
		for l := range strings.SplitSeq(rest, "\n") {
			l = strings.TrimSpace(l)
			if l == "" || strings.HasPrefix(l, ">") {
				break
			}
			lines = append(lines, l)
		}
		c := strings.Trim(strings.Join(lines, " "), " \t:：,，.。;；!！-—")
		if utf8.RuneCountInString(c) > maxReplyComment {
			c = string([]rune(c)[:maxReplyComment])
		}
		return w.approve, c, true
	}
	return false, "", false
}

// autoSubmitted reports whether the message says a program sent it
// (RFC 3834): an out-of-office answer never decides anything.
func autoSubmitted(body []byte) bool {
	n := headerLength(body)
	for l := range strings.SplitSeq(string(body[:n]), "\n") {
		name, v, ok := strings.Cut(l, ":")
		if ok && strings.EqualFold(strings.TrimSpace(name), "Auto-Submitted") && !strings.EqualFold(strings.TrimSpace(v), "no") {
			return true
		}
	}
	return false
}

// acceptReply decides the step (or the held message) a reply is for, as
// the member who sent it; the member gets a mail back saying what was
// recorded or why nothing was (reply_confirm.go), and the mail log keeps
// the reply with its outcome.
func (r *Relay) acceptReply(s *session, body []byte) error {
	t := s.replyTo
	if autoSubmitted(body) {
		return s.reply(550, [3]int{5, 7, 1}, "An automatic reply does not decide %s", t.item())
	}
	out := r.decideByReply(s, t, body)
	if out.temp != nil {
		return out.temp
	}
	r.confirmReply(s, t, body, out)
	if out.refusal != nil {
		return s.reply(550, out.code, "%s", out.refusal.Error())
	}
	if t.msg != "" {
		r.log.Printf("held message %s %s by reply from %s", t.msg, out.what, s.account.Address)
		return &smtp.SMTPError{Code: 250, EnhancedCode: smtp.EnhancedCode{2, 0, 0},
			Message: cleanReply(fmt.Sprintf("Message %s %s", t.msg, out.what), s.utf8)}
	}
	r.log.Printf("request %d step %d %s by reply from %s", t.id, t.step+1, out.what, s.account.Address)
	return &smtp.SMTPError{Code: 250, EnhancedCode: smtp.EnhancedCode{2, 0, 0},
		Message: cleanReply(fmt.Sprintf("Request %d %s (step %d)", t.id, out.what, t.step+1), s.utf8)}
}

// replyOutcome is what a reply did: what (approved, rejected, approved and
// applied; released, rejected) with the decision and comment, or the
// refusal (a user error) with its enhanced code, or a temporary failure
// to answer with as it is.
type replyOutcome struct {
	approve bool
	comment string
	what    string
	refusal error
	code    [3]int
	temp    error
	about   string // what the request or message is about, for the confirmation
	lang    string // the replier's language
}

// item names what a reply decides, in English.
func (t *replyTarget) item() string {
	if t.msg != "" {
		return "message " + t.msg
	}
	return "request " + strconv.FormatUint(t.id, 10)
}

// decideByReply reads the reply's decision and carries it out.
func (r *Relay) decideByReply(s *session, t *replyTarget, body []byte) replyOutcome {
	var out replyOutcome
	out.lang = memberLang(s.account)
	approve, comment, ok := replyDecision(TextExcerpt(body, 16<<10))
	out.approve, out.comment = approve, comment
	if !ok {
		out.refusal = model.Invalidf("Start the reply with 同意 or 批准 (approve), or 拒绝 or 驳回 (reject) and why, to decide request %d", t.id)
		if t.msg != "" {
			out.refusal = model.Invalidf("Start the reply with 同意 or 批准 (approve), or 拒绝 or 驳回 (reject) and why, to decide the held message %s", t.msg)
		}
		out.code = [3]int{5, 6, 0}
		return out
	}
	if !approve && comment == "" {
		out.refusal = model.Invalidf("Say why after 驳回 or reject: the requester reads it (request %d not decided)", t.id)
		if t.msg != "" {
			out.refusal = model.Invalidf("Say why after 驳回 or reject: the sender reads it (message %s not decided)", t.msg)
		}
		out.code = [3]int{5, 6, 0}
		return out
	}
	if t.msg != "" {
		return r.decideHeldByReply(s, t, out)
	}
	now := r.now()
	var act model.Actor
	var refusal error
	err := r.store.Read(func(rd *store.Reader) error {
		q, err := rd.Request(t.id)
		if err != nil {
			refusal = err
			return nil
		}
		out.about = q.Reason
		switch st := q.StateAt(now); {
		case st == model.RequestExpired:
			refusal = model.Conflictf("request %d expired at %s without a decision: nothing to decide", q.ID, q.Expires.UTC().Format(time.RFC3339))
		case st != model.RequestPending:
			refusal = model.Conflictf("request %d has ended (applied, rejected or expired): nothing to decide", q.ID)
		case q.Current() != t.step:
			refusal = model.Conflictf("step %d of request %d was already decided; it waits for step %d now", t.step+1, q.ID, q.Current()+1)
		case !replyable(q, t.step):
			refusal = model.Conflictf("request %d is applied in the terminal UI or with request approve: it shows the one-time password", q.ID)
		}
		act, err = rd.Actor(s.account.Address, model.DoorSMTP, s.source())
		return err
	})
	if err != nil {
		out.temp = r.tempFail("reply to request", err)
		return out
	}
	ch := &model.DecideRequest{ID: t.id, Approve: approve, Comment: comment}
	if refusal == nil {
		refusal = r.store.Apply(act, ch)
	}
	if refusal != nil {
		if !model.IsUserError(refusal) {
			out.temp = r.tempFail("reply to request", refusal)
			return out
		}
		out.refusal, out.code = refusal, [3]int{5, 7, 1}
		return out
	}
	out.what = "approved"
	if !approve {
		out.what = "rejected"
	}
	if ch.Result != nil && ch.Result.State == model.RequestApplied {
		out.what = "approved and applied"
	}
	return out
}
