package store

import (
	"encoding/json"
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
	refuse := func(m *model.Member, err error) (*model.Member, error) {
		rec.Reason = err.Error()
		s.throttle.fail(source, now)
		if werr := s.writeLogin(&rec, m); werr != nil {
			return nil, werr
		}
		return nil, err
	}
	if d := s.throttle.wait(source, now); d > 0 {
		rec.Address = model.Address(user)
		rec.Reason = "source throttled"
		s.writeLogin(&rec, nil)
		return nil, model.Authf("too many failed logins from %s; wait %s", source, d.Round(time.Second))
	}
	addr, perr := model.ParseAddress(user)
	rec.Address = addr
	if perr != nil {
		rec.Address = model.Address(truncate(user, 128))
		return refuse(nil, model.Authf("wrong address or password"))
	}
	var m *model.Member
	var pol model.PasswordPolicy
	err := s.Read(func(r *Reader) error {
		var err error
		if m, err = r.Resolve(addr); err != nil {
			m = nil
			return nil
		}
		pol, err = r.Policy()
		return err
	})
	if err != nil {
		return nil, err
	}
	if m == nil {
		return refuse(nil, model.Authf("wrong address or password"))
	}
	rec.Address = m.Address
	if err := model.LoginGate(m, pol, now); err != nil {
		rec.Reason = err.Error()
		s.throttle.fail(source, now)
		s.writeLogin(&rec, nil)
		return nil, err
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
	}
	if !ok {
		if cred.KeyFingerprint != "" {
			return refuse(nil, model.Authf("that key is not registered for %s", m.Address))
		}
		return refuse(model.AfterLoginFailure(m, pol, now), model.Authf("wrong address or password"))
	}
	rec.OK = true
	s.throttle.ok(source)
	next := model.AfterLoginSuccess(m, now)
	if rehash {
		if next == nil {
			next = m.Clone()
		}
		salt := make([]byte, s.opt.Argon.SaltLen)
		if _, err := s.opt.Rand.Read(salt); err == nil {
			next.Password.Hash = model.HashPassword(cred.Password, salt, s.opt.Argon)
		}
	}
	if err := s.writeLogin(&rec, next); err != nil {
		return nil, err
	}
	if next != nil {
		return next, nil
	}
	return m, nil
}

// writeLogin appends a login record and writes the member's counters. The
// counters are bookkeeping, not an operation, so they go to the login log
// rather than the operation log; an account that becomes locked is both.
func (s *Store) writeLogin(rec *LoginRecord, m *model.Member) error {
	var events []Event
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bLoginLog)
		seq, _ := b.NextSequence()
		rec.Seq = seq
		body, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		if err := b.Put(u64(seq), body); err != nil {
			return err
		}
		if m == nil {
			return nil
		}
		w := newWriteTx(tx)
		old, err := w.Member(m.Address)
		if err != nil {
			return err
		}
		if err := w.PutMember(m); err != nil {
			return err
		}
		if old.Status != model.StatusLocked && m.Status == model.StatusLocked {
			w.Note("reason", m.Reason)
			sys := model.System(model.Door(rec.Method))
			sys.Source = rec.Source
			if err := w.audit(sys, rec.Time, lockChange{m.Address}); err != nil {
				return err
			}
		}
		events = w.events
		return nil
	})
	s.publish(events)
	return err
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
