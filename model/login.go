package model

import "time"

// LoginMethod is how a person proved who they are (LOG-2).
type LoginMethod string

// The login methods.
const (
	LoginSSHKey      LoginMethod = "ssh-key"
	LoginSSHPassword LoginMethod = "ssh-password"
	LoginSMTP        LoginMethod = "smtp"
	LoginLocal       LoginMethod = "local"
)

// LoginGate decides, before any password is checked, whether the member may
// try to log in at now: disabled, reclaimed and locked accounts are refused,
// and after failures the next try must wait (ACC-4).
func LoginGate(m *Member, pol PasswordPolicy, now time.Time) error {
	switch m.Status {
	case StatusDisabled:
		if m.WarnBlocked() {
			return Authf("the mailbox %s is blocked after %d warnings; your head or an admin may file an unblock request (request file unblock --member %s)", m.Address, m.ActiveWarnings(), m.Address)
		}
		return Authf("the account %s is disabled; ask your mail administrator", m.Address)
	case StatusReclaimed:
		return Authf("the account %s was closed", m.Address)
	case StatusLocked:
		if m.Password.LockedUntil.IsZero() {
			return Authf("the account %s is locked after too many failed logins, until the helpdesk unlocks it", m.Address)
		}
		if now.Before(m.Password.LockedUntil) {
			return Authf("the account %s is locked after too many failed logins, until %s, or until the helpdesk unlocks it", m.Address, m.Password.LockedUntil.Format("2006-01-02 15:04"))
		}
	}
	if wait := LoginDelay(m.Password.Failures); wait > 0 && now.Before(m.Password.LastFail.Add(wait)) {
		return Authf("too many failed logins for %s; wait %s and try again", m.Address, m.Password.LastFail.Add(wait).Sub(now).Round(time.Second))
	}
	return nil
}

// AfterLoginFailure counts a failed login and locks the account when the
// policy's limit is reached.
func AfterLoginFailure(m *Member, pol PasswordPolicy, now time.Time) *Member {
	m = m.Clone()
	if m.Status == StatusLocked && !m.Password.LockedUntil.IsZero() && !now.Before(m.Password.LockedUntil) {
		m.Status, m.Reason, m.Password.Failures = StatusActive, "", 0
	}
	m.Password.Failures++
	m.Password.LastFail = now
	if pol.LockAfter > 0 && m.Password.Failures >= pol.LockAfter && m.Status == StatusActive {
		m.Status = StatusLocked
		m.Reason = "too many failed logins"
		if pol.LockFor > 0 {
			m.Password.LockedUntil = now.Add(pol.LockFor)
		} else {
			m.Password.LockedUntil = time.Time{}
		}
	}
	return m
}

// AfterLoginSuccess clears the failure count, and a lock that has run out.
// It returns nil when nothing needs writing.
func AfterLoginSuccess(m *Member, now time.Time) *Member {
	if m.Password.Failures == 0 && m.Status != StatusLocked {
		return nil
	}
	m = m.Clone()
	m.Password.Failures = 0
	m.Password.LockedUntil = time.Time{}
	if m.Status == StatusLocked {
		m.Status, m.Reason = StatusActive, ""
	}
	return m
}

// The reasons PasswordDue gives, in English as the SMTP and SSH command
// doors say them; the terminal UI says them in the person's language.
const (
	DueSetByAdmin = "your password was set by an administrator; choose your own now"
	DueExpired    = "your password has expired; choose a new one"
)

// PasswordDue reports whether the member must change their password before
// doing anything else, and why: after an admin set or reset it, or when it
// has expired under the policy.
func PasswordDue(m *Member, pol PasswordPolicy, now time.Time) (bool, string) {
	if m.Password.Hash == "" {
		return false, ""
	}
	if m.Password.MustChange {
		return true, DueSetByAdmin
	}
	if pol.Expired(m.Password.Changed, now) {
		return true, DueExpired
	}
	return false, ""
}
