package mail

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"postroom/model"
	"postroom/store"
)

// The letters the system writes by itself (ANN-3): a welcome letter to
// each new account, and a reminder before a password expires, each in the
// member's language from the admins' template or the one in assets/mail
// (model.LetterText). Each is queued once (Spool.EnqueueOnce) under the
// marker "welcome/ADDRESS/OPENED" or "pwexpiry/ADDRESS/CHANGED" (Unix
// nanoseconds): a new password is a new reminder, an account opened again
// under the same address a new welcome. The relay sends them after a
// member's event and sweeps at start and every minute: the accounts opened
// within requestNoticeWindow (store index memberborn) and the passwords
// whose reminder is due (store index pwchanged), for what the events
// missed (an import of thousands outruns the event queue).

// letterSent remembers the markers the relay has seen written, so a sweep
// asks the spool about each letter once.
type letterSent struct {
	mu   sync.Mutex
	keys map[string]bool
}

func (s *letterSent) has(k string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys[k]
}

func (s *letterSent) add(k string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys == nil {
		s.keys = map[string]bool{}
	}
	s.keys[k] = true
}

func welcomeKey(m *model.Member) string {
	return "welcome/" + string(m.Address) + "/" + strconv.FormatInt(m.Created.UnixNano(), 10)
}

func expiryKey(m *model.Member) string {
	return "pwexpiry/" + string(m.Address) + "/" + strconv.FormatInt(m.Password.Changed.UnixNano(), 10)
}

// reminderLead is how long before expiry the reminder goes: PasswordReminderLead,
// or half the maximum age when that is shorter.
func reminderLead(p model.PasswordPolicy) time.Duration {
	return min(model.PasswordReminderLead, p.MaxAge/2)
}

// plannedLetter is a letter due, with its marker.
type plannedLetter struct {
	key  string
	name string
	lang string
	to   *model.Member
	data model.LetterData
}

// letterBase fills what every letter says about the member.
func (r *Relay) letterBase(rd *store.Reader, m *model.Member, now time.Time) model.LetterData {
	loc := r.del.location()
	port, _ := strconv.Atoi(r.sshPort())
	e, _ := rd.Enterprise()
	d := model.LetterData{Name: m.Name, Address: string(m.Address), Title: m.Title, Position: string(m.Position),
		EmployeeID: m.EmployeeID, Mobile: m.Mobile, Company: e.Name, Domain: r.del.cfg.PrimaryDomain,
		Hostname: r.cfg.Hostname, SSHHost: r.cfg.Hostname, SSHPort: port, Date: now.In(loc), MustChange: m.Password.MustChange}
	if len(m.Depts) > 0 {
		d.Department = rd.DeptPath(m.Depts[0])
	}
	if d.Name == "" {
		d.Name = string(m.Address)
	}
	return d
}

// planWelcome is the welcome letter due to m, if any.
func (r *Relay) planWelcome(rd *store.Reader, m *model.Member, now time.Time) (plannedLetter, bool) {
	if m.Status == model.StatusReclaimed || m.Created.IsZero() || m.Created.After(now) || now.Sub(m.Created) > requestNoticeWindow {
		return plannedLetter{}, false
	}
	key := welcomeKey(m)
	if r.letters.has(key) {
		return plannedLetter{}, false
	}
	return plannedLetter{key: key, name: model.LetterWelcome, lang: memberLang(m), to: m, data: r.letterBase(rd, m, now)}, true
}

// planExpiry is the reminder due to m under the policy, if any.
func (r *Relay) planExpiry(rd *store.Reader, m *model.Member, pol model.PasswordPolicy, now time.Time) (plannedLetter, bool) {
	if m.Status != model.StatusActive || m.Password.Hash == "" || m.Password.MustChange || m.Password.Changed.IsZero() {
		return plannedLetter{}, false
	}
	at, ok := pol.ExpiresAt(m.Password.Changed)
	if !ok || !now.Before(at) || at.Sub(now) > reminderLead(pol) {
		return plannedLetter{}, false
	}
	key := expiryKey(m)
	if r.letters.has(key) {
		return plannedLetter{}, false
	}
	d := r.letterBase(rd, m, now)
	d.Expires = at.In(r.del.location())
	d.DaysLeft = int((at.Sub(now) + 24*time.Hour - 1) / (24 * time.Hour))
	return plannedLetter{key: key, name: model.LetterPasswordExpiry, lang: memberLang(m), to: m, data: d}, true
}

// noticeLetters sends what is due to one member (after their event).
func (r *Relay) noticeLetters(a model.Address) {
	now := r.now()
	var due []plannedLetter
	var overrides map[string]string
	r.store.Read(func(rd *store.Reader) error {
		m, err := rd.Member(a)
		if err != nil {
			return err
		}
		if p, ok := r.planWelcome(rd, m, now); ok {
			due = append(due, p)
		}
		if pol, err := rd.Policy(); err == nil {
			if p, ok := r.planExpiry(rd, m, pol, now); ok {
				due = append(due, p)
			}
		}
		overrides, err = rd.LetterTemplates()
		return err
	})
	r.sendLetters(due, overrides)
}

// sweepLetters sends the welcome letters and reminders the events missed.
func (r *Relay) sweepLetters() {
	now := r.now()
	var due []plannedLetter
	var overrides map[string]string
	err := r.store.Read(func(rd *store.Reader) error {
		born, err := rd.NewMembers(now.Add(-requestNoticeWindow))
		if err != nil {
			return err
		}
		for _, a := range born {
			m, err := rd.Member(a)
			if err != nil {
				continue
			}
			if p, ok := r.planWelcome(rd, m, now); ok {
				due = append(due, p)
			}
		}
		pol, err := rd.Policy()
		if err != nil {
			return err
		}
		if pol.MaxAge > 0 {
			from := now.Add(-pol.MaxAge)
			changed, err := rd.PasswordsChanged(from, from.Add(reminderLead(pol)+time.Nanosecond))
			if err != nil {
				return err
			}
			for _, a := range changed {
				m, err := rd.Member(a)
				if err != nil {
					continue
				}
				if p, ok := r.planExpiry(rd, m, pol, now); ok {
					due = append(due, p)
				}
			}
		}
		overrides, err = rd.LetterTemplates()
		return err
	})
	if err != nil {
		r.log.Printf("letters: %v", err)
		return
	}
	r.sendLetters(due, overrides)
}

// sendLetters renders and queues each letter once, fanOutWorkers at a
// time (an import of thousands is welcomed at the spool's group-commit
// pace, not one fsync after another).
func (r *Relay) sendLetters(due []plannedLetter, overrides map[string]string) {
	from := model.Address("postmaster@" + r.del.cfg.PrimaryDomain)
	next := make(chan plannedLetter)
	var wg sync.WaitGroup
	for range min(fanOutWorkers, len(due)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range next {
				r.sendLetter(p, overrides, from)
			}
		}()
	}
	for _, p := range due {
		next <- p
	}
	close(next)
	wg.Wait()
}

// sendLetter queues one letter unless its marker is there.
func (r *Relay) sendLetter(p plannedLetter, overrides map[string]string, from model.Address) {
	// The marker may be there from before a restart: ask the spool
	// before rendering.
	if sent, err := r.spool.NoticesSent(p.key); err == nil && sent[p.key] {
		r.letters.add(p.key)
		return
	}
	msg, subject, err := BuildLetter(overrides, p.name, p.lang, p.data, from, p.to.Address)
	if err != nil {
		r.log.Printf("%s letter to %s: %v", p.name, p.to.Address, err)
		return
	}
	if _, _, err := r.del.enqueueSystemOnce([]string{p.key}, p.to.Address, from, subject, msg); err != nil {
		r.log.Printf("%s letter to %s: %v", p.name, p.to.Address, err)
		return
	}
	r.letters.add(p.key)
}

// BuildLetter renders a letter (the admins' template or the one in
// assets/mail, in the language lang) and returns the complete message and
// its subject.
func BuildLetter(overrides map[string]string, name, lang string, d model.LetterData, from, to model.Address) ([]byte, string, error) {
	tag := model.LetterLang(lang)
	text, _, err := model.LetterText(overrides, name, tag)
	if err != nil {
		return nil, "", err
	}
	t, err := model.ParseLetter(name, text)
	if err != nil {
		return nil, "", err
	}
	subject, body, err := model.RenderLetter(t, d)
	if err != nil {
		return nil, "", err
	}
	body = strings.ReplaceAll(body, "\n", "\r\n")
	host := d.Hostname
	if host == "" {
		host = "localhost"
	}
	return composeNotice(name, tag, "", from, d.Name, to, "", d.Date, host, subject, body), singleLine(subject), nil
}
