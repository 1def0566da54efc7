package mail

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"postroom/model"
	"postroom/store"
)

// The notice that warnings blocked a mailbox (ACC-7): the person and their
// head are told once, each in their own language. Each is marked in the
// spool under "warnblock/ADDR/BLOCKED/RECIPIENT" (BLOCKED the block's time
// in Unix nanoseconds) in the commit that queues it (Spool.EnqueueOnce), so
// a later block after an unblock is a new notice and nothing is sent
// twice. The request notifier sends them after a member's event and sweeps
// the blocked mailboxes at start and every minute, for what an event
// missed; blocks older than requestNoticeWindow are left alone.

// NoticeBlocked is the kind of the notice that warnings blocked a mailbox.
const NoticeBlocked = "blocked"

// BlockedNoticeData is what the notice of a block says, every text in the
// reader's language and every time in the server's zone.
type BlockedNoticeData struct {
	To        model.Address
	ToName    string
	ToAddress string // To as text, for the ssh line
	From      model.Address
	Date      time.Time
	Hostname  string

	// ForPerson says the reader is the person whose mailbox is blocked;
	// else their head.
	ForPerson bool
	Address   model.Address // the blocked mailbox
	Person    string        // name and address
	Dept      string        // the person's department
	Heads     string        // the heads who may file the unblock, for the person
	Blocked   time.Time
	Count     int
	Limit     int
	Warnings  []BlockedWarning

	SSHHost string
	SSHPort int
}

// BlockedWarning is one warning in the notice.
type BlockedWarning struct {
	N      int
	Time   time.Time
	By     string
	Reason string
}

// BuildBlockedNotice returns the complete message of the notice of a block
// in lang (zh-CN for anything Chinese, else English).
func BuildBlockedNotice(lang string, d BlockedNoticeData) ([]byte, error) {
	if d.To == "" || d.From == "" || d.Date.IsZero() {
		return nil, fmt.Errorf("notice: To, From and Date are required")
	}
	if d.Hostname == "" {
		d.Hostname = "localhost"
	}
	if d.SSHPort == 0 {
		d.SSHPort = 22
	}
	if d.SSHHost == "" {
		d.SSHHost = d.Hostname
	}
	d.ToAddress = string(d.To)
	d.ToName, d.Person, d.Heads = singleLine(d.ToName), singleLine(d.Person), singleLine(d.Heads)
	d.Warnings = slices.Clone(d.Warnings)
	for i := range d.Warnings {
		d.Warnings[i].Reason = singleLine(d.Warnings[i].Reason)
	}
	subject, text, err := renderMail(NoticeBlocked, lang, d)
	if err != nil {
		return nil, err
	}
	return composeNotice(NoticeBlocked, lang, "", d.From, d.ToName, d.To, "", d.Date, d.Hostname, subject, text), nil
}

func blockedNoticeKey(m *model.Member, to model.Address) string {
	return "warnblock/" + string(m.Address) + "/" + strconv.FormatInt(m.Blocked.UnixNano(), 10) + "/" + string(to)
}

// blockedHeads are the heads told of a member's block: those of the
// member's first department, else of the nearest department above it that
// has a head other than the member.
func blockedHeads(rd *store.Reader, m *model.Member) (model.DeptID, []model.Address) {
	id := model.RootDept
	if len(m.Depts) > 0 {
		id = m.Depts[0]
	}
	first := id
	for range model.MaxDeptDepth + 2 {
		d, err := rd.Dept(id)
		if err != nil {
			return first, nil
		}
		var out []model.Address
		for _, h := range d.Heads {
			if h != m.Address {
				out = append(out, h)
			}
		}
		if len(out) > 0 || d.ID == model.RootDept || d.Parent == 0 {
			return first, out
		}
		id = d.Parent
	}
	return first, nil
}

// blockedNotice is one notice of a block due, with its marker.
type blockedNotice struct {
	lang string
	key  string
	data BlockedNoticeData
}

// planBlocked works out the notices due for a blocked member that the
// markers in sent do not show as sent.
func (r *Relay) planBlocked(rd *store.Reader, m *model.Member, sent map[string]bool, now time.Time) []blockedNotice {
	if !m.WarnBlocked() || now.Sub(m.Blocked) > requestNoticeWindow {
		return nil
	}
	e, err := rd.Enterprise()
	if err != nil {
		return nil
	}
	loc := r.del.location()
	port, _ := strconv.Atoi(r.sshPort())
	name := func(a model.Address) string {
		if o, err := rd.Member(a); err == nil && o.Name != "" {
			return o.Name + " <" + string(a) + ">"
		}
		return string(a)
	}
	dept, heads := blockedHeads(rd, m)
	var headNames []string
	for _, h := range heads {
		headNames = append(headNames, name(h))
	}
	base := BlockedNoticeData{Date: now.In(loc), Hostname: r.cfg.Hostname, Address: m.Address, Person: name(m.Address),
		Dept: rd.DeptPath(dept), Heads: strings.Join(headNames, ", "), Blocked: m.Blocked.In(loc),
		Count: m.ActiveWarnings(), Limit: e.WarnLimit(), SSHHost: r.cfg.Hostname, SSHPort: port}
	for _, w := range m.Warnings {
		if w.Cleared.IsZero() {
			base.Warnings = append(base.Warnings, BlockedWarning{N: len(base.Warnings) + 1, Time: w.Time.In(loc), By: name(w.By), Reason: w.Reason})
		}
	}
	var out []blockedNotice
	for _, a := range append([]model.Address{m.Address}, heads...) {
		key := blockedNoticeKey(m, a)
		if sent[key] {
			continue
		}
		to, err := rd.Member(a)
		if err != nil || to.Status == model.StatusReclaimed {
			continue
		}
		d := base
		d.To, d.ToName, d.ForPerson = to.Address, to.Name, a == m.Address
		out = append(out, blockedNotice{lang: memberLang(to), key: key, data: d})
	}
	return out
}

// noticeBlocked sends what is due for one member (after their event).
func (r *Relay) noticeBlocked(a model.Address) {
	var m *model.Member
	if err := r.store.Read(func(rd *store.Reader) error {
		var err error
		m, err = rd.Member(a)
		return err
	}); err != nil || !m.WarnBlocked() {
		return
	}
	r.sendBlocked([]*model.Member{m})
}

// sweepBlocked sends what is due for every mailbox blocked by warnings:
// what the events missed.
func (r *Relay) sweepBlocked() {
	var ms []*model.Member
	if err := r.store.Read(func(rd *store.Reader) error {
		var err error
		ms, err = rd.WarnBlocked()
		return err
	}); err != nil {
		r.log.Printf("block notices: %v", err)
		return
	}
	r.sendBlocked(ms)
}

// sendBlocked builds and queues each notice due for the members once.
func (r *Relay) sendBlocked(ms []*model.Member) {
	now := r.now()
	var due []blockedNotice
	for _, m := range ms {
		if now.Sub(m.Blocked) > requestNoticeWindow {
			continue
		}
		sent, err := r.spool.NoticesSent("warnblock/" + string(m.Address) + "/")
		if err != nil {
			r.log.Printf("block notices for %s: %v", m.Address, err)
			return
		}
		if err := r.store.Read(func(rd *store.Reader) error {
			cur, err := rd.Member(m.Address)
			if err != nil {
				return err
			}
			due = append(due, r.planBlocked(rd, cur, sent, now)...)
			return nil
		}); err != nil {
			r.log.Printf("block notices for %s: %v", m.Address, err)
		}
	}
	from := model.Address("postmaster@" + r.del.cfg.PrimaryDomain)
	for _, n := range due {
		d := n.data
		d.From = from
		msg, err := BuildBlockedNotice(n.lang, d)
		if err != nil {
			r.log.Printf("block notice to %s: %v", d.To, err)
			continue
		}
		facts, _ := ParseHeader(msg)
		if _, _, err := r.del.enqueueSystemOnce([]string{n.key}, d.To, d.From, facts.Subject, msg); err != nil {
			r.log.Printf("block notice to %s: %v", d.To, err)
		}
	}
}
