package model

import (
	"strconv"
	"strings"
	"time"
)

// DefaultWarnLimit is how many warnings block a mailbox unless the
// enterprise profile says otherwise (ACC-7, seed 4.3.2: 三次以上的屏闭其邮箱使用权).
const DefaultWarnLimit = 3

// Warning is a warning recorded on a member (ACC-7): why, by whom and when.
// Warnings are never removed: an applied unblock request marks the ones it
// lifted as cleared, so the history stays.
type Warning struct {
	Reason string    `json:"reason"`
	By     Address   `json:"by"`
	Time   time.Time `json:"time"`
	// Cleared is when an unblock request lifted the warning; zero while it
	// counts.
	Cleared time.Time `json:"cleared,omitzero"`
	// Request is the unblock request that cleared it.
	Request uint64 `json:"request,omitempty"`
}

// WarnLimit is the number of warnings that blocks a mailbox: the
// enterprise's setting, or DefaultWarnLimit.
func (e Enterprise) WarnLimit() int {
	if e.BlockAfter > 0 {
		return e.BlockAfter
	}
	return DefaultWarnLimit
}

// ActiveWarnings counts the member's warnings not cleared by an unblock.
// They count for all time: the seed sets no window.
func (m *Member) ActiveWarnings() int {
	n := 0
	for _, w := range m.Warnings {
		if w.Cleared.IsZero() {
			n++
		}
	}
	return n
}

// WarnBlocked reports whether the member's mailbox is blocked by warnings:
// only an applied unblock request lets it log in and send again.
func (m *Member) WarnBlocked() bool {
	return m.Status == StatusDisabled && !m.Blocked.IsZero()
}

// WarnMember records a warning on a member (ACC-7). The warning that
// reaches the limit (WarnLimit, 3 by default) blocks the mailbox: the
// member can neither log in nor send, mail to them is kept, and the person
// and their head are told. Only an unblock request lifts the block.
type WarnMember struct {
	Address Address
	Reason  string
	// Count, Limit and Blocked are filled in by Apply: the warnings that
	// count now, the number that blocks, and whether the mailbox is blocked.
	Count   int
	Limit   int
	Blocked bool
}

// Op names the operation.
func (c *WarnMember) Op() string { return "member.warn" }

// Target names the member.
func (c *WarnMember) Target() string { return string(c.Address) }

// Authorize needs member.manage over the member.
func (c *WarnMember) Authorize(v View, a Actor) error {
	return authorizeOn(v, a, c.Address, RightMemberManage)
}

// Apply records the warning, and blocks the mailbox at the limit.
func (c *WarnMember) Apply(tx Tx, env Env) error {
	reason := strings.TrimSpace(c.Reason)
	if reason == "" {
		return Invalidf("say why the member is warned: give --reason")
	}
	if n := len([]rune(reason)); n > 500 {
		return Invalidf("the reason is %d characters long; at most %d are allowed", n, 500)
	}
	m, err := tx.Member(c.Address)
	if err != nil {
		return err
	}
	if m.Address == env.Actor.Address {
		return Conflictf("you cannot warn yourself; ask another admin")
	}
	if m.Status == StatusReclaimed {
		return Conflictf("%s was already reclaimed as a leaver", m.Address)
	}
	if m.WarnBlocked() {
		return Conflictf("the mailbox %s is already blocked after %d warnings; an unblock request lifts the block: request file unblock --member %s", m.Address, m.ActiveWarnings(), m.Address)
	}
	e, err := tx.Enterprise()
	if err != nil {
		return err
	}
	m = m.Clone()
	m.Warnings = append(m.Warnings, Warning{Reason: reason, By: env.Actor.Address, Time: env.Now})
	m.Updated = env.Now
	c.Count, c.Limit = m.ActiveWarnings(), e.WarnLimit()
	tx.Note("reason", reason)
	tx.Note("warnings", strconv.Itoa(c.Count))
	if c.Count >= c.Limit {
		if err := keepAnAdmin(tx, m); err != nil {
			return err
		}
		m.Status = StatusDisabled
		m.Reason = "blocked after " + strconv.Itoa(c.Count) + " warnings"
		m.Blocked = env.Now
		c.Blocked = true
		tx.Note("blocked", m.Reason)
	}
	return tx.PutMember(m)
}

// unblockByRequest lifts the block of an approved unblock request: the
// member is active again and the warnings that blocked it are cleared.
func unblockByRequest(tx Tx, env Env, r *Request) error {
	m, err := tx.Member(r.Subject)
	if err != nil {
		return err
	}
	if !m.WarnBlocked() {
		return Conflictf("the mailbox %s is not blocked by warnings", m.Address)
	}
	m = m.Clone()
	m.Status, m.Reason, m.Blocked = StatusActive, "", time.Time{}
	m.Password.Failures, m.Password.LockedUntil = 0, time.Time{}
	for i := range m.Warnings {
		if m.Warnings[i].Cleared.IsZero() {
			m.Warnings[i].Cleared, m.Warnings[i].Request = env.Now, r.ID
		}
	}
	m.Updated = env.Now
	tx.Note("request", strconv.FormatUint(r.ID, 10))
	return tx.PutMember(m)
}
