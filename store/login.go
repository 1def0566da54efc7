package store

import (
	"encoding/json"
	"io"
	"net/netip"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"postroom/model"
)

// LoginRecord is one line of the login log (LOG-2).
type LoginRecord struct {
	Seq     uint64            `json:"seq"`
	Time    time.Time         `json:"time"`
	Address model.Address     `json:"address"`
	Source  string            `json:"source"`
	Site    string            `json:"site,omitempty"`
	Method  model.LoginMethod `json:"method"`
	OK      bool              `json:"ok"`
	Reason  string            `json:"reason,omitempty"`
}

// throttle counts failed logins per source address in memory (ACC-4): a
// source that keeps failing waits longer and longer, whatever account it tries.
type throttle struct {
	mu  sync.Mutex
	src map[string]*failures
}

type failures struct {
	n    int
	last time.Time
}

// sourceLimit is how many failures from one source before it must wait.
const sourceLimit = 10

func newThrottle() *throttle { return &throttle{src: map[string]*failures{}} }

func (t *throttle) wait(source string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.src[source]
	if f == nil {
		return 0
	}
	if now.Sub(f.last) > time.Hour {
		delete(t.src, source)
		return 0
	}
	if f.n < sourceLimit {
		return 0
	}
	d := model.LoginDelay(f.n - sourceLimit + 3)
	if until := f.last.Add(d); now.Before(until) {
		return until.Sub(now)
	}
	return 0
}

func (t *throttle) fail(source string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.src) > 100000 {
		for k, f := range t.src {
			if now.Sub(f.last) > time.Hour {
				delete(t.src, k)
			}
		}
	}
	f := t.src[source]
	if f == nil {
		f = &failures{}
		t.src[source] = f
	}
	f.n++
	f.last = now
}

func (t *throttle) ok(source string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.src, source)
}

// Credentials is what a person offers to log in: a password, or the
// fingerprint of the SSH key that has already proved itself.
type Credentials struct {
	Password       string
	KeyFingerprint string
}

// Login checks a login attempt from any door and records it: the login log,
// the account's failure counter and lock, the source's throttle. It returns
// the member on success. Refusals are ErrAuth user errors that say what to
// do, and never tell whether an unknown account exists.
func (s *Store) Login(user string, cred Credentials, method model.LoginMethod, source, site string) (*model.Member, error) {
	now := s.opt.Now()
	rec := LoginRecord{Time: now.UTC(), Source: source, Site: site, Method: method}
	refuse := func(counted bool, err error) (*model.Member, error) {
		rec.Reason = err.Error()
		s.throttle.fail(source, now)
		var update func(*model.Member, model.PasswordPolicy) *model.Member
		if counted {
			update = func(m *model.Member, pol model.PasswordPolicy) *model.Member {
				return model.AfterLoginFailure(m, pol, now)
			}
		}
		if _, werr := s.writeLogin(&rec, update); werr != nil {
			return nil, werr
		}
		return nil, err
	}
	if d := s.throttle.wait(source, now); d > 0 {
		rec.Address = model.Address(truncate(user, 128))
		rec.Reason = "source throttled"
		s.writeLogin(&rec, nil)
		return nil, model.Authf("too many failed logins from %s; wait %s", source, roundUp(d))
	}
	addr, perr := model.ParseAddress(user)
	rec.Address = addr
	if perr != nil {
		rec.Address = model.Address(truncate(user, 128))
		s.spendHash(cred)
		return refuse(false, model.Authf("wrong address or password"))
	}
	var m *model.Member
	var pol model.PasswordPolicy
	var ipErr error
	err := s.Read(func(r *Reader) error {
		rules, err := r.LoginRules()
		if err != nil {
			return err
		}
		ip, ipOK := sourceIP(source)
		if ipOK && rec.Site == "" {
			rec.Site = rules.SiteOf(ip)
		}
		if m, err = r.Resolve(addr); err != nil {
			m = nil
			return nil
		}
		if ipOK {
			ipErr = rules.Allows(m, ip, r)
		}
		pol, err = r.Policy()
		return err
	})
	if err != nil {
		return nil, err
	}
	if m == nil {
		// Cost an unknown account as much as a known one, so timing does
		// not tell which accounts exist.
		s.spendHash(cred)
		return refuse(false, model.Authf("wrong address or password"))
	}
	rec.Address = m.Address
	if err := model.LoginGate(m, pol, now); err != nil {
		return refuse(false, err)
	}
	if ipErr != nil {
		return refuse(false, ipErr)
	}
	ok, rehash := false, false
	switch {
	case cred.KeyFingerprint != "":
		for _, k := range m.Keys {
			if k.Fingerprint == cred.KeyFingerprint {
				ok = true
			}
		}
	case m.Password.Hash != "":
		s.hashing <- struct{}{}
		ok, rehash, err = model.VerifyPassword(m.Password.Hash, cred.Password, s.opt.Argon)
		<-s.hashing
		if err != nil {
			return nil, err
		}
	default:
		s.spendHash(cred)
	}
	if !ok {
		if cred.KeyFingerprint != "" {
			return refuse(false, model.Authf("that key is not registered for %s", m.Address))
		}
		return refuse(true, model.Authf("wrong address or password"))
	}
	var newHash string
	if rehash {
		salt := make([]byte, s.opt.Argon.SaltLen)
		if _, err := io.ReadFull(s.opt.Rand, salt); err == nil {
			newHash = model.HashPassword(cred.Password, salt, s.opt.Argon)
		}
	}
	verified := m.Password.Hash
	rec.OK = true
	s.throttle.ok(source)
	out, err := s.writeLogin(&rec, func(cur *model.Member, pol model.PasswordPolicy) *model.Member {
		if err := model.LoginGate(cur, pol, now); err != nil {
			// Disabled or locked between the check and now: refuse after all.
			rec.OK, rec.Reason = false, err.Error()
			return nil
		}
		next := model.AfterLoginSuccess(cur, now)
		if newHash != "" && cur.Password.Hash == verified {
			if next == nil {
				next = cur.Clone()
			}
			next.Password.Hash = newHash
		}
		return next
	})
	if err != nil {
		return nil, err
	}
	if !rec.OK {
		return nil, model.Authf("%s", rec.Reason)
	}
	return out, nil
}

// sourceIP reads the address part of a source ("192.0.2.7" or "192.0.2.7:5123").
func sourceIP(source string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(source); err == nil {
		return ap.Addr().Unmap(), true
	}
	if a, err := netip.ParseAddr(source); err == nil {
		return a.Unmap(), true
	}
	return netip.Addr{}, false
}

// spendHash does the work of one password check that cannot succeed.
func (s *Store) spendHash(cred Credentials) {
	if cred.Password == "" {
		return
	}
	s.hashing <- struct{}{}
	defer func() { <-s.hashing }()
	model.VerifyPassword(s.dummyHash(), cred.Password, s.opt.Argon)
}

func (s *Store) dummyHash() string {
	s.dummyOnce.Do(func() {
		salt := make([]byte, s.opt.Argon.SaltLen)
		io.ReadFull(s.opt.Rand, salt)
		s.dummy = model.HashPassword("postroom: no such account", salt, s.opt.Argon)
	})
	return s.dummy
}

// roundUp rounds a wait up to whole seconds, so it never reads "wait 0s".
func roundUp(d time.Duration) time.Duration {
	if t := d.Truncate(time.Second); t != d {
		return t + time.Second
	}
	return d
}

// doorOf is the door a login method comes through.
func doorOf(m model.LoginMethod) model.Door {
	switch m {
	case model.LoginSSHKey, model.LoginSSHPassword:
		return model.DoorSSH
	case model.LoginSMTP:
		return model.DoorSMTP
	}
	return model.DoorCLI
}

// writeLogin appends a login record and, when update is given, applies it
// to the member as stored now (not as read before the password check, so a
// change made meanwhile is never undone). The counters are bookkeeping, not
// an operation, so they go to the login log; an account that becomes
// locked goes to the operation log too. It returns the member as written,
// or an error when update refused the login after all.
func (s *Store) writeLogin(rec *LoginRecord, update func(*model.Member, model.PasswordPolicy) *model.Member) (*model.Member, error) {
	var events []Event
	var out *model.Member
	err := s.db.Update(func(tx *bolt.Tx) error {
		w := newWriteTx(tx)
		if update != nil {
			cur, err := w.Member(rec.Address)
			if err != nil {
				return err
			}
			pol, err := w.Policy()
			if err != nil {
				return err
			}
			out = cur
			if next := update(cur, pol); next != nil {
				if err := w.PutMember(next); err != nil {
					return err
				}
				out = next
				if cur.Status != model.StatusLocked && next.Status == model.StatusLocked {
					w.Note("reason", next.Reason)
					sys := model.System(doorOf(rec.Method))
					sys.Source = rec.Source
					if err := w.audit(sys, rec.Time, lockChange{next.Address}); err != nil {
						return err
					}
				}
			}
		}
		if rec.OK {
			if err := loggedIn(tx, rec.Address, rec.Time); err != nil {
				return err
			}
		}
		b := tx.Bucket(bLoginLog)
		b.FillPercent = 1 // keys only ever grow
		seq, _ := b.NextSequence()
		rec.Seq = seq
		body, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		if err := b.Put(u64(seq), body); err != nil {
			return err
		}
		if err := w.flush(); err != nil {
			return err
		}
		events = append(w.events, Event{Kind: "login", Key: string(rec.Address)})
		return nil
	})
	s.publish(events)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// lockChange names the automatic lock in the operation log.
type lockChange struct{ addr model.Address }

func (l lockChange) Op() string                              { return "member.lock" }
func (l lockChange) Target() string                          { return string(l.addr) }
func (l lockChange) Authorize(model.View, model.Actor) error { return nil }
func (l lockChange) Apply(model.Tx, model.Env) error         { return nil }

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// SourceWait is how long a source address must wait before its next login
// attempt; doors ask it before doing any work for that source.
func (s *Store) SourceWait(source string) time.Duration {
	return s.throttle.wait(source, s.opt.Now())
}

// LoginRefused records an attempt a door refused before any account could be
// checked (an SSH connection whose offered keys were all unknown), and counts
// it against the source like any failed login.
func (s *Store) LoginRefused(user string, method model.LoginMethod, source, reason string) error {
	now := s.opt.Now()
	rec := LoginRecord{Time: now.UTC(), Address: model.Address(truncate(user, 128)), Source: source, Method: method, Reason: reason}
	if ip, ok := sourceIP(source); ok {
		s.Read(func(r *Reader) error {
			rules, err := r.LoginRules()
			if err == nil {
				rec.Site = rules.SiteOf(ip)
			}
			return nil
		})
	}
	s.throttle.fail(source, now)
	_, err := s.writeLogin(&rec, nil)
	return err
}
