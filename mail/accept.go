package mail

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-smtp"

	"postroom/model"
	"postroom/store"
)

// textExcerptBytes is how much decoded text keyword rules look at.
const textExcerptBytes = 64 << 10

// judged is what the directory says about one message, read in one
// transaction before anything is written.
type judged struct {
	res      *model.Resolution
	dec      model.Decision
	dropped  []model.Address // local mailboxes that refuse this sender (inbound)
	contact  string          // SEND-7 line for shared-mailbox sends
	sharedAs model.Address
	copies   []model.Address // backup mailboxes the message also goes to (MAILFX-2)
	sig      model.RenderedSignature
	signed   bool // sig is added (MAILFX-1)
}

// accept judges a received message and keeps it: refused (550), held (250
// with the request id) or queued (250 with the queue id). The reply comes
// only after the spool has the message on disk.
func (r *Relay) accept(s *session, body []byte) error {
	now := r.now()
	hdr, _ := ParseHeader(body)
	outside := s.door == doorInbound && s.account == nil && s.system == nil
	rcpts := make([]model.Address, 0, len(s.rcpts))
	for _, p := range s.rcpts {
		if r.isLocal(p.Domain) {
			rcpts = append(rcpts, model.Address(strings.ToLower(p.Local)+"@"+p.Domain))
		} else {
			rcpts = append(rcpts, model.Address(p.String()))
		}
	}
	var j judged
	err := r.store.Read(func(rd *store.Reader) error {
		pol, err := rd.ReadOnlyMailPolicy()
		if err != nil {
			return err
		}
		if j.res, err = model.ResolveRecipients(rd, pol, rcpts); err != nil {
			return err
		}
		if len(pol.Backup) > 0 {
			if j.copies, err = backupCopies(rd, pol, s, j.res, direction(outside, j.res)); err != nil {
				return err
			}
		}
		if outside {
			return r.judgeInbound(rd, pol, model.Address(strings.ToLower(s.from)), &j)
		}
		sub := model.Submission{
			Sender:     s.account,
			MailFrom:   model.Address(strings.ToLower(s.from)),
			HeaderFrom: hdr.From,
			Rcpts:      j.res,
			Subject:    hdr.Subject,
			TextOf:     func() string { return TextExcerpt(body, textExcerptBytes) },
			Now:        now,
		}
		if s.system != nil {
			sub.System = &model.TrustedSystem{Name: s.system.Name, Sender: s.system.sender, External: s.system.External, Broadcast: s.system.Broadcast}
		}
		if j.dec, err = model.DecideSubmission(rd, pol, sub); err != nil {
			return err
		}
		if s.account != nil {
			j.contact, j.sharedAs = contactLine(rd, s.account, hdr.From)
			if j.sharedAs == "" && j.dec.Action != model.ActionRefuse {
				// The member's own mail, to colleagues and outside
				// alike; mail sent as a shared mailbox carries the
				// contact line instead.
				j.sig, j.signed = r.signatureOf(rd, pol, s.account)
			}
		}
		return nil
	})
	if err != nil {
		return r.tempFail("judge a message", err)
	}

	m := &store.QueueMessage{
		ID:         r.spool.NewID(),
		Received:   now,
		Door:       string(s.door),
		Source:     s.source(),
		From:       s.from,
		HeaderFrom: string(hdr.From),
		Subject:    hdr.Subject,
		Size:       int64(len(body)),
		Expires:    now.Add(r.cfg.Queue.Lifetime.D()),
		Direction:  direction(outside, j.res),
	}
	if s.account != nil {
		m.Account = s.account.Address
	}
	if s.system != nil {
		m.Door, m.System = "trusted", s.system.Name
	}
	for _, h := range j.dec.Hits {
		if h.Action != model.ActionAllow || h.Rule == model.RuleDelegation {
			m.Rules = append(m.Rules, h.Rule)
		}
	}
	for _, e := range j.dec.Reasons(model.ActionLog) { // for the log in both languages: the screens show either
		m.Reasons = append(m.Reasons, model.Localize(e, "en"))
		m.ReasonsZH = append(m.ReasonsZH, model.Localize(e, "zh-CN"))
	}
	// A use of a lent permission is recorded even when the mail goes
	// (PERM-3: every use of a delegated right is logged as such).
	for _, h := range j.dec.Hits {
		if h.Rule == model.RuleDelegation && h.Reason != nil {
			m.Reasons = append(m.Reasons, model.Localize(h.Reason, "en"))
			m.ReasonsZH = append(m.ReasonsZH, model.Localize(h.Reason, "zh-CN"))
		}
	}

	switch j.dec.Action {
	case model.ActionRefuse:
		reason, zh := model.Localize(j.dec.Reason, "en"), model.Localize(j.dec.Reason, "zh-CN")
		r.logRefusal(m, j.res, reason, zh)
		r.violation(m, "refuse", reason, zh)
		return s.reply(550, [3]int{5, 7, 1}, "%s", shortReason(j.dec, s.nameInReply))
	case model.ActionHold:
		m.Status = store.MsgHeld
		m.Approver = j.dec.Approver
		if d := r.cfg.Queue.HoldFor.D(); d > 0 {
			m.HoldUntil, m.OnExpiry = now.Add(d), r.cfg.Queue.OnExpiry
		}
	default:
		m.Status = store.MsgQueued
	}

	rcptList := queueRcpts(j.res, j.dropped)
	if len(rcptList) == 0 {
		// Every recipient refuses this sender (their own block lists).
		blocked := model.Forbiddenf("every recipient blocks this sender")
		r.logRefusal(m, j.res, model.Localize(blocked, "en"), model.Localize(blocked, "zh-CN"))
		return s.reply(550, [3]int{5, 7, 1}, "The recipients do not accept mail from %s", s.from)
	}
	for _, a := range j.copies {
		rcptList = append(rcptList, store.QueueRcpt{Addr: a, Local: true, Status: store.RcptPending})
	}
	if j.signed {
		body = AddSignature(body, j.sig)
	}
	if j.contact != "" {
		body = SetSender(AddContactLine(body, j.contact), s.account.Address, s.account.Name)
	}
	body = AddTraceHeaders(body, r.received(s, m.ID, now))
	m.Size = int64(len(body))
	if err := r.spool.Enqueue(m, rcptList, body); err != nil {
		return r.tempFail("queue a message", err)
	}
	if m.Status == store.MsgHeld {
		r.store.Notify("queue", m.ID) // other sessions' queue and Home count it
		r.violation(m, "hold", model.Localize(j.dec.Reason, "en"), model.Localize(j.dec.Reason, "zh-CN"))
		r.noticeHeld(m, j.dec)
		approver := string(m.Approver)
		if approver == "" {
			approver = "an administrator" // nobody above the sender (a trusted system's mail): queue.manage decides
		}
		return &smtp.SMTPError{Code: 250, EnhancedCode: smtp.EnhancedCode{2, 0, 0},
			Message: cleanReply(fmt.Sprintf("Message held for approval: request %s (%s); %s decides", m.ID, shortReason(j.dec, s.nameInReply), approver), s.utf8)}
	}
	r.del.Offer(m, rcptList, body)
	return &smtp.SMTPError{Code: 250, EnhancedCode: smtp.EnhancedCode{2, 0, 0}, Message: "OK: queued as " + m.ID}
}

// shortReason is the first reason of a decision, in English, for a
// one-line SMTP reply; the notice mail and the mail log carry them all.
// name may change the words the reason was made from (nameInReply).
func shortReason(dec model.Decision, name func(string) string) string {
	n, first := 0, ""
	for _, h := range dec.Hits {
		if h.Action == dec.Action && h.Reason != nil {
			if n == 0 {
				first = reasonText(h.Reason, name)
			}
			n++
		}
	}
	switch {
	case n == 0:
		return reasonText(dec.Reason, name)
	case n > 1:
		return fmt.Sprintf("%s; and %d more rule(s): see the notice mail", first, n-1)
	}
	return first
}

// nameInReply gives a trusted system's name that is not ASCII as the
// address it sends as, in the reasons of replies to it; other words are
// kept (cleanReply spells them in ASCII where it must).
func (s *session) nameInReply(w string) string {
	if s.system != nil && w == s.system.Name {
		return s.systemName()
	}
	return w
}

// reasonText is the English text of a policy reason (model.Localize "en")
// with each string it was made from passed through name: the user errors
// in it are formatted again from their English formats.
func reasonText(err error, name func(string) string) string {
	switch e := err.(type) {
	case nil:
		return ""
	case *model.UserError:
		args := make([]any, len(e.Args))
		for i, a := range e.Args {
			switch v := a.(type) {
			case string:
				a = name(v)
			case error:
				a = reasonText(v, name)
			}
			args[i] = a
		}
		return fmt.Sprintf(e.Format, args...)
	case interface{ Unwrap() []error }:
		// Several reasons joined: each part is found in the text after
		// the one before.
		var b strings.Builder
		rest := err.Error()
		for _, inner := range e.Unwrap() {
			if inner == nil {
				continue
			}
			old := inner.Error()
			i := strings.Index(rest, old)
			if i < 0 {
				continue
			}
			b.WriteString(rest[:i])
			b.WriteString(reasonText(inner, name))
			rest = rest[i+len(old):]
		}
		b.WriteString(rest)
		return b.String()
	case interface{ Unwrap() error }:
		text := err.Error()
		if inner := e.Unwrap(); inner != nil {
			old := inner.Error()
			if i := strings.LastIndex(text, old); i >= 0 {
				return text[:i] + reasonText(inner, name) + text[i+len(old):]
			}
		}
		return text
	}
	return model.Localize(err, "en")
}

// judgeInbound drops the local mailboxes whose lists refuse the sender.
func (r *Relay) judgeInbound(rd *store.Reader, pol model.MailPolicy, from model.Address, j *judged) error {
	var err error
	if j.dec, err = model.DecideInbound(rd, pol, from, j.res); err != nil || j.dec.Action == model.ActionRefuse {
		return err
	}
	for _, mb := range j.res.Local {
		if from == "" {
			continue
		}
		dec, err := model.InboundCheck(rd, pol, from, mb)
		if err != nil {
			return err
		}
		if dec.Action == model.ActionRefuse {
			j.dropped = append(j.dropped, mb.Address)
		}
		j.dec.Hits = append(j.dec.Hits, dec.Hits...)
	}
	return nil
}

// direction says whether a message leaves the company, arrives from outside
// or stays inside.
func direction(outside bool, res *model.Resolution) string {
	switch {
	case outside:
		return "in"
	case len(res.Remote) > 0:
		return "out"
	}
	return "internal"
}

// queueRcpts lists a message's recipients for the spool: local mailboxes
// (minus those that refuse the sender) and remote addresses, never tried
// (no NextAttempt: due with their message).
func queueRcpts(res *model.Resolution, dropped []model.Address) []store.QueueRcpt {
	out := make([]store.QueueRcpt, 0, len(res.Local)+len(res.Remote))
	skip := map[model.Address]bool{}
	for _, a := range dropped {
		skip[a] = true
	}
	for _, mb := range res.Local {
		if skip[mb.Address] {
			continue
		}
		out = append(out, store.QueueRcpt{Addr: mb.Address, Local: true, Folder: mb.Folder, Status: store.RcptPending})
	}
	for _, a := range res.Remote {
		out = append(out, store.QueueRcpt{Addr: a, Status: store.RcptPending})
	}
	return out
}

// backupCopies are the backup mailboxes the backup rules add to a
// message (MAILFX-2): judged on its sender (the account, else the
// envelope sender), its final recipients and its direction.
func backupCopies(rd *store.Reader, pol model.MailPolicy, s *session, res *model.Resolution, dir string) ([]model.Address, error) {
	f := model.BackupFacts{Sender: model.Address(strings.ToLower(s.from)), Direction: dir}
	if s.account != nil {
		f.Sender = s.account.Address
	}
	for _, mb := range res.Local {
		f.Recipients = append(f.Recipients, mb.Address)
	}
	f.Recipients = append(f.Recipients, res.Remote...)
	return model.BackupCopies(rd, pol, f)
}

// contactLine is the SEND-7 line for a member sending as a shared mailbox:
// who really wrote, with their department and phone.
func contactLine(rd *store.Reader, m *model.Member, headerFrom model.Address) (string, model.Address) {
	if headerFrom == "" || headerFrom == m.Address {
		return "", ""
	}
	owner, ok, err := rd.Owner(headerFrom)
	if err != nil || !ok || owner.Kind != model.OwnerShared {
		return "", ""
	}
	parts := []string{m.Name}
	if m.Title != "" {
		parts = append(parts, m.Title)
	}
	if len(m.Depts) > 0 {
		if p := rd.DeptPath(m.Depts[0]); p != "" && p != "/" {
			parts = append(parts, p)
		}
	}
	parts = append(parts, string(m.Address))
	if m.Phone != "" {
		parts = append(parts, m.Phone)
	} else if m.Mobile != "" {
		parts = append(parts, m.Mobile)
	}
	return "发件人 / Sent by: " + strings.Join(parts, " · "), headerFrom
}

// received is this relay's trace header value.
func (r *Relay) received(s *session, id string, now time.Time) string {
	with := "ESMTP"
	if _, ok := s.conn.TLSConnectionState(); ok {
		with += "S"
	}
	if s.account != nil {
		with += "A"
	}
	helo := strings.Map(func(r rune) rune { // as given, with "?" for what a header may not hold
		switch {
		case r < 0x20 || r == 0x7f:
			return ' '
		case r >= utf8.RuneSelf:
			return '?'
		}
		return r
	}, s.conn.Hostname())
	return fmt.Sprintf("from %s ([%s]) by %s (postroom) with %s id %s; %s",
		helo, s.ip, r.cfg.Hostname, with, id, now.Format(time.RFC1123Z))
}

// logRefusal writes the mail-log record of a refused message, its reason
// in English and Chinese.
func (r *Relay) logRefusal(m *store.QueueMessage, res *model.Resolution, reason, zh string) {
	rec := store.MailRecord{ID: m.ID, Time: m.Received, Direction: m.Direction, Door: m.Door, Account: m.Account, System: m.System,
		From: m.From, Subject: m.Subject, Size: m.Size, Status: "refused", Reason: reason, ReasonZH: zh, Rules: m.Rules}
	if res != nil {
		for _, mb := range res.Local {
			if len(rec.To) == 1000 {
				break
			}
			rec.To = append(rec.To, string(mb.Address))
		}
		for _, a := range res.Remote {
			if len(rec.To) == 1000 {
				break
			}
			rec.To = append(rec.To, string(a))
		}
		rec.Count = len(res.Local) + len(res.Remote)
	}
	if err := r.spool.Log(rec); err != nil {
		r.log.Printf("mail log %s: %v", m.ID, err)
	}
}

// violation records a hold or refusal on the member who sent (SEND-9),
// its reason in English and Chinese.
func (r *Relay) violation(m *store.QueueMessage, action, reason, zh string) {
	if m.Account == "" {
		return
	}
	if err := r.spool.AddViolation(store.Violation{Member: m.Account, Time: m.Received, MessageID: m.ID, Action: action,
		Rules: m.Rules, Reason: reason, ReasonZH: zh, Subject: m.Subject}); err != nil {
		r.log.Printf("violation %s: %v", m.ID, err)
	}
}
