package model

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Long-unused accounts (ACC-6, seed part 2 2.1.6: 对长期不使用……的邮箱有权停止使用;
// part 4: 当员工长时间不使用邮箱帐号时，管理员可以将邮箱帐号禁用).
//
// An account is in use when its person logs in: over SSH, or through SMTP
// submission, which every mail they send needs, so sending counts as use
// too. Its last use is its last successful login, or when the account was
// opened or enabled again if it has not logged in since. An active or
// locked account unused for the enterprise's InactiveAfter (180 days
// unless set; org set --inactive-after 90d, or off) is inactive: it is
// listed for admins (member inactive), its department head is told once
// per account and period of disuse, and admins may disable such accounts
// in bulk.

// DefaultInactiveAfter is how long an account goes unused before it counts
// as inactive, unless the enterprise says otherwise.
const DefaultInactiveAfter = 180 * 24 * time.Hour

// InactiveLimit is how long an account may go unused; false when the
// enterprise switched inactivity off.
func (e Enterprise) InactiveLimit() (time.Duration, bool) {
	switch d := time.Duration(e.InactiveAfter); {
	case d < 0:
		return 0, false
	case d == 0:
		return DefaultInactiveAfter, true
	default:
		return d, true
	}
}

// ParseInactiveAfter reads org set --inactive-after: days ("90d"), a Go
// duration ("2160h"), or "off" (a negative Duration).
func ParseInactiveAfter(s string) (Duration, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "off" || s == "never" {
		return Duration(-1), nil
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err == nil && days > 0 && days <= 100*366 {
			return Duration(time.Duration(days) * 24 * time.Hour), nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return Duration(d), nil
	}
	return 0, Invalidf("--inactive-after %q: give days like 90d or 180d, or off", s)
}

// FormatInactiveAfter writes a limit as org show says it: days, or "off".
func FormatInactiveAfter(d time.Duration, on bool) string {
	if !on {
		return "off"
	}
	if d%(24*time.Hour) == 0 {
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	}
	return d.String()
}

// LastUse is when the account was last used: its last successful login, or
// since (when it was opened or enabled again) when that is later.
func LastUse(lastLogin, since time.Time) time.Time {
	if lastLogin.After(since) {
		return lastLogin
	}
	return since
}

// InactiveAt reports whether an account in status st, last used at
// lastUse, counts as inactive at now: it is active or locked and has been
// unused for limit or longer.
func InactiveAt(st Status, lastUse time.Time, limit time.Duration, now time.Time) bool {
	if st != StatusActive && st != StatusLocked {
		return false
	}
	return !now.Before(lastUse.Add(limit))
}

// LastUseReader tells when a member last logged in and since when the
// account is open; stores implement it.
type LastUseReader interface {
	LastUse(a Address) (login, since time.Time, err error)
}

// DisableInactive disables an account because it is long unused (ACC-6):
// member.disable with the last use as its reason. It checks again that the
// account is still unused, so a person who logged in after the list was
// made is not disabled (and, the bulk disable being one transaction,
// nothing is).
type DisableInactive struct{ Address Address }

// Op names the operation: a disable, like member disable.
func (c *DisableInactive) Op() string { return "member.disable" }

// Target names the member.
func (c *DisableInactive) Target() string { return string(c.Address) }

// Authorize needs member.manage over the member.
func (c *DisableInactive) Authorize(v View, a Actor) error {
	return authorizeOn(v, a, c.Address, RightMemberManage)
}

// Apply checks the account is still unused and disables it.
func (c *DisableInactive) Apply(tx Tx, env Env) error {
	e, err := tx.Enterprise()
	if err != nil {
		return err
	}
	limit, on := e.InactiveLimit()
	if !on {
		return Conflictf("the inactivity check is off: org set --inactive-after 180d turns it on")
	}
	l, ok := tx.(LastUseReader)
	if !ok {
		return fmt.Errorf("disable inactive: the store cannot tell when accounts were used")
	}
	m, err := tx.Member(c.Address)
	if err != nil {
		return err
	}
	login, since, err := l.LastUse(m.Address)
	if err != nil {
		return err
	}
	last := LastUse(login, since)
	if !InactiveAt(m.Status, last, limit, env.Now) {
		return Conflictf("%s is not a long-unused account any more (status %s, last used %s): list the inactive accounts again", m.Address, Word(m.Status), last.UTC().Format(time.RFC3339))
	}
	tx.Note("last_use", last.UTC().Format(time.RFC3339))
	return (&DisableMember{Address: m.Address, Reason: "long unused: last used " + last.UTC().Format("2006-01-02")}).Apply(tx, env)
}
