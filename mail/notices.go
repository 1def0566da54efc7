package mail

import (
	"net"
	"strconv"

	"postroom/model"
	"postroom/store"
)

// noticeHeld tells the sender why a message waits and who decides, and
// tells the approver what waits for them (SEND-2, SEND-9).
func (r *Relay) noticeHeld(m *store.QueueMessage, dec model.Decision) {
	if m.Account == "" {
		return
	}
	data := r.noticeData(m)
	data.Approver, data.ApproverName = m.Approver, r.nameOf(m.Approver)
	lang := r.langOf(m.Account)
	for _, e := range dec.Reasons(model.ActionHold) {
		data.Reasons = append(data.Reasons, model.Localize(e, lang))
	}
	data.To, data.ToName = m.Account, data.SenderName
	if _, err := r.del.SendNotice(NoticeHeld, lang, data); err != nil {
		r.log.Printf("held notice for %s: %v", m.ID, err)
	}
	if m.Approver == "" {
		return
	}
	alang := r.langOf(m.Approver)
	data.Reasons = data.Reasons[:0]
	for _, e := range dec.Reasons(model.ActionHold) {
		data.Reasons = append(data.Reasons, model.Localize(e, alang))
	}
	data.To, data.ToName = m.Approver, data.ApproverName
	data.ReplyTo = r.heldReplyAddress(m.ID, m.Approver)
	if _, err := r.del.SendNotice(NoticeApproval, alang, data); err != nil {
		r.log.Printf("approval notice for %s: %v", m.ID, err)
	}
	r.del.Kick()
}

// Notify tells a held message's sender that it was released or rejected;
// the queue commands call it through cmd.Env.Notify.
func (r *Relay) Notify(ev string, m *store.QueueMessage, by model.Address, comment string) {
	if m == nil || m.Account == "" {
		return
	}
	kind := NoticeReleased
	if ev == "rejected" {
		kind = NoticeRejected
	}
	data := r.noticeData(m)
	data.Approver, data.ApproverName, data.Comment = by, r.nameOf(by), comment
	data.To, data.ToName = m.Account, data.SenderName
	if _, err := r.del.SendNotice(kind, r.langOf(m.Account), data); err != nil {
		r.log.Printf("%s notice for %s: %v", ev, m.ID, err)
	}
	r.del.Kick()
}

// noticeData fills what every notice about a message says.
func (r *Relay) noticeData(m *store.QueueMessage) NoticeData {
	d := NoticeData{
		RequestID:  m.ID,
		Sender:     m.Account,
		SenderName: r.nameOf(m.Account),
		Subject:    m.Subject,
		Received:   m.Received,
		SSHHost:    r.cfg.Hostname,

		RecipientCount: m.Rcpts,
	}
	if rc, err := r.spool.RcptRange(m.ID, 0, 10); err == nil {
		for _, x := range rc {
			d.Recipients = append(d.Recipients, string(x.Addr))
		}
	}
	if _, p, err := net.SplitHostPort(r.sshAddr); err == nil {
		d.SSHPort, _ = strconv.Atoi(p)
	}
	return d
}

// nameOf is a member's name, or "" when the address is not a member.
func (r *Relay) nameOf(a model.Address) string {
	name := ""
	r.store.Read(func(rd *store.Reader) error {
		if m, err := rd.Resolve(a); err == nil {
			name = m.Name
		}
		return nil
	})
	return name
}
