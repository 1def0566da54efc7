package mail

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
)

// The notice of long-unused accounts (ACC-6): each department head is told,
// in their language, which accounts of the people they answer for
// (store.Reader.HeadsOf) nobody used for the inactivity period. Each
// account is marked in the spool under "inactive/ADDR/LASTUSE/HEAD"
// (LASTUSE the account's last use in Unix nanoseconds) in the commit that
// queues the mail (Spool.EnqueueOnce), so a head hears of an account once
// per period of disuse: a login starts a new period. The request notifier
// sweeps at start and every minute; a head's mail lists at most
// inactiveNoticeMax accounts, the rest go in the next sweep's mail.

// NoticeInactive is the kind of the notice of long-unused accounts.
const NoticeInactive = "inactive"

// inactiveNoticeMax bounds the accounts one notice lists.
const inactiveNoticeMax = 500

// InactiveNoticeData is what the notice says, every text in the reader's
// language and every time in the server's zone.
type InactiveNoticeData struct {
	To        model.Address
	ToName    string
	ToAddress string // To as text, for the ssh line
	From      model.Address
	Date      time.Time
	Hostname  string

	Limit    string // the inactivity period, like "180 天" or "180 days"
	Accounts []InactiveNoticeAccount

	SSHHost string
	SSHPort int
}

// InactiveNoticeAccount is one account in the notice.
type InactiveNoticeAccount struct {
	Person    string // name and address
	Dept      string
	LastLogin string // a date, or the words for never
	Days      int
}

// BuildInactiveNotice returns the complete message of the notice in lang
// (zh-CN for anything Chinese, else English).
func BuildInactiveNotice(lang string, d InactiveNoticeData) ([]byte, error) {
	if d.To == "" || d.From == "" || d.Date.IsZero() || len(d.Accounts) == 0 {
		return nil, fmt.Errorf("notice: To, From, Date and the accounts are required")
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
	d.ToName = singleLine(d.ToName)
	d.Accounts = slices.Clone(d.Accounts)
	for i := range d.Accounts {
		d.Accounts[i].Person, d.Accounts[i].Dept = singleLine(d.Accounts[i].Person), singleLine(d.Accounts[i].Dept)
	}
	subject, text, err := renderMail(NoticeInactive, lang, d)
	if err != nil {
		return nil, err
	}
	return composeNotice(NoticeInactive, lang, "", d.From, d.ToName, d.To, "", d.Date, d.Hostname, subject, text), nil
}

func inactiveNoticeKey(a store.InactiveAccount, head model.Address) string {
	return "inactive/" + string(a.Address) + "/" + strconv.FormatInt(a.LastUse.UnixNano(), 10) + "/" + string(head)
}

// inactiveNotice is one head's notice due, with its markers.
type inactiveNotice struct {
	lang string
	keys []string
	data InactiveNoticeData
}

// planInactive works out the notices due at now that the markers in sent
// do not show as sent.
func (r *Relay) planInactive(rd *store.Reader, sent map[string]bool, now time.Time) []inactiveNotice {
	e, err := rd.Enterprise()
	if err != nil {
		return nil
	}
	limit, on := e.InactiveLimit()
	if !on {
		return nil
	}
	list, err := rd.Inactive(now, limit, 0)
	if err != nil {
		r.log.Printf("inactive notices: %v", err)
		return nil
	}
	loc := r.del.location()
	port, _ := strconv.Atoi(r.sshPort())
	byHead := map[model.Address]*inactiveNotice{}
	var order []model.Address
	for _, a := range list {
		for _, h := range a.Heads {
			key := inactiveNoticeKey(a, h)
			if sent[key] {
				continue
			}
			n := byHead[h]
			if n == nil {
				to, err := rd.Member(h)
				if err != nil || to.Status != model.StatusActive {
					continue
				}
				lang := memberLang(to)
				g := assets.Text(lang).Governance
				n = &inactiveNotice{lang: lang, data: InactiveNoticeData{To: to.Address, ToName: to.Name, Date: now.In(loc), Hostname: r.cfg.Hostname,
					Limit: fmt.Sprintf(g.Days, int(limit/(24*time.Hour))), SSHHost: r.cfg.Hostname, SSHPort: port}}
				byHead[h] = n
				order = append(order, h)
			}
			if len(n.keys) >= inactiveNoticeMax {
				continue
			}
			g := assets.Text(n.lang).Governance
			last := g.Never
			if a.LastLogin != nil {
				last = a.LastLogin.In(loc).Format("2006-01-02")
			}
			person := string(a.Address)
			if a.Name != "" {
				person = a.Name + " <" + string(a.Address) + ">"
			}
			n.keys = append(n.keys, key)
			n.data.Accounts = append(n.data.Accounts, InactiveNoticeAccount{Person: person, Dept: a.Dept, LastLogin: last, Days: a.Days})
		}
	}
	out := make([]inactiveNotice, 0, len(order))
	for _, h := range order {
		out = append(out, *byHead[h])
	}
	return out
}

// sweepInactive queues each head's notice of long-unused accounts not yet
// told.
func (r *Relay) sweepInactive() {
	sent, err := r.spool.NoticesSent("inactive/")
	if err != nil {
		r.log.Printf("inactive notices: %v", err)
		return
	}
	var due []inactiveNotice
	if err := r.store.Read(func(rd *store.Reader) error {
		due = r.planInactive(rd, sent, r.now())
		return nil
	}); err != nil {
		r.log.Printf("inactive notices: %v", err)
		return
	}
	from := model.Address("postmaster@" + r.del.cfg.PrimaryDomain)
	for _, n := range due {
		d := n.data
		d.From = from
		msg, err := BuildInactiveNotice(n.lang, d)
		if err != nil {
			r.log.Printf("inactive notice to %s: %v", d.To, err)
			continue
		}
		facts, _ := ParseHeader(msg)
		if _, _, err := r.del.enqueueSystemOnce(n.keys, d.To, d.From, facts.Subject, msg); err != nil {
			r.log.Printf("inactive notice to %s: %v", d.To, err)
		}
	}
}
