package model

import (
	"fmt"
	"strings"
	"time"
)

// Bounces and leaving by mail for mailing lists (LIST-2).
//
// Every list copy names its subscriber's Key twice: in its envelope sender
// LOCAL+bounces-KEY@DOMAIN, where delivery reports come back (VERP), and
// in its List-Unsubscribe address LOCAL+unsubscribe-KEY@DOMAIN. A report
// that says the copy failed for good, and a copy the queue itself gives
// up on, is a hard bounce of that subscriber; BounceLimit hard bounces
// within BounceDays days take it off the list (bouncing). Mail to the
// unsubscribe-KEY address unsubscribes that subscriber whoever sends it;
// mail to the plain LOCAL+unsubscribe@DOMAIN only sends the envelope
// sender, when it is on the list, a mail whose reply address is its
// unsubscribe-KEY address, so nobody leaves on a forged sender alone.

// The defaults of a list's bounce rule: 3 hard bounces within 30 days.
const (
	DefaultBounceLimit = 3
	DefaultBounceDays  = 30
)

// BounceRule is how many hard bounces within how many days take a
// subscriber of the list off.
func (l *MailingList) BounceRule() (limit, days int) {
	limit, days = l.BounceLimit, l.BounceDays
	if limit <= 0 {
		limit = DefaultBounceLimit
	}
	if days <= 0 {
		days = DefaultBounceDays
	}
	return limit, days
}

// HardBounce records a hard bounce of s at now: the bounces older than
// the list's window are dropped, this one added. It reports whether s has
// now reached the limit and is to be taken off.
func (l *MailingList) HardBounce(s *Subscriber, now time.Time) bool {
	limit, days := l.BounceRule()
	window := time.Duration(days) * 24 * time.Hour
	kept := make([]time.Time, 0, len(s.Bounces)+1)
	for _, t := range s.Bounces {
		if now.Sub(t) < window && !t.After(now) {
			kept = append(kept, t)
		}
	}
	s.Bounces = append(kept, now)
	return len(s.Bounces) >= limit
}

// subscriberKey is the Key of a subscriber being written: the one it had,
// else a new one.
func subscriberKey(env Env, old *Subscriber, had bool) (string, error) {
	if had && old.Key != "" {
		return old.Key, nil
	}
	return NewListToken(env)
}

// RecordBounces records hard bounces of a list's subscribers, named by
// their Keys (a delivery report to LOCAL+bounces-KEY@DOMAIN) or by their
// addresses (copies the queue gave up on). Only subscribed addresses
// count; those reaching the list's limit are taken off (bouncing).
type RecordBounces struct {
	List      Address
	Keys      []string
	Addresses []string
	// Why says where the bounces come from, for the operation log.
	Why string
	// Counted and Removed are filled by Apply: the addresses whose bounce
	// was counted, and those taken off.
	Counted, Removed []string
}

// Op names the operation.
func (c *RecordBounces) Op() string { return "list.bounce" }

// Target names the list.
func (c *RecordBounces) Target() string { return string(c.List) }

// Authorize needs list.manage: the relay applies it as the system.
func (c *RecordBounces) Authorize(v View, a Actor) error { return listScope(v, a) }

// Apply counts the bounces.
func (c *RecordBounces) Apply(tx Tx, env Env) error {
	lt, l, err := listOf(tx, c.List)
	if err != nil {
		return err
	}
	c.Counted, c.Removed = nil, nil
	var subs []*Subscriber
	for _, k := range c.Keys {
		s, ok, err := lt.SubscriberByKey(k)
		if err != nil {
			return err
		}
		if ok && s.List == l.Address {
			subs = append(subs, s)
		}
	}
	for _, a := range c.Addresses {
		addr, err := ParseContactEmail(a)
		if err != nil {
			continue // a local mailbox's address the list does not hold as such
		}
		s, ok, err := lt.Subscriber(l.Address, addr)
		if err != nil {
			return err
		}
		if ok {
			subs = append(subs, s)
		}
	}
	for _, s := range subs {
		if s.Status != SubSubscribed {
			continue
		}
		ns := *s
		if l.HardBounce(&ns, env.Now) {
			ns.Status, ns.Left, ns.Via = SubBouncing, env.Now, "bounces"
			c.Removed = append(c.Removed, ns.Address)
		}
		if err := lt.PutSubscriber(&ns); err != nil {
			return err
		}
		c.Counted = append(c.Counted, ns.Address)
	}
	limit, days := l.BounceRule()
	tx.Note("bounces", fmt.Sprintf("%d hard bounces counted (%s); the rule: %d within %d days", len(c.Counted), c.Why, limit, days))
	if len(c.Removed) > 0 {
		tx.Note("taken off", strings.Join(c.Removed, ", "))
		return lt.CountListDay(l.Address, ListDay{Day: DayOf(env.Now), Removed: len(c.Removed)})
	}
	return nil
}

// UnsubscribeOutcome is what an unsubscribe request by mail did.
type UnsubscribeOutcome string

// The outcomes of RequestUnsubscribe.
const (
	UnsubscribeMailed  UnsubscribeOutcome = "mailed"  // send the mail that confirms leaving
	UnsubscribeWaiting UnsubscribeOutcome = "waiting" // one was sent within ResendAfter: no second mail
	UnsubscribeNotOn   UnsubscribeOutcome = "not-on"  // not on the list (any more): nothing to send
)

// RequestUnsubscribe is mail to LOCAL+unsubscribe@DOMAIN: the envelope
// sender, when it is subscribed or unconfirmed, is to be mailed its
// unsubscribe-KEY address; it is not taken off on the sender's word alone.
type RequestUnsubscribe struct {
	List    Address
	Address string
	// Outcome and Key (the subscriber's, to mail) are filled by Apply.
	Outcome UnsubscribeOutcome
	Key     string
}

// Op names the operation.
func (c *RequestUnsubscribe) Op() string { return "list.unsubscribe.ask" }

// Target names the list and the address.
func (c *RequestUnsubscribe) Target() string { return string(c.List) + " " + c.Address }

// Authorize needs list.manage: the relay applies it as the system.
func (c *RequestUnsubscribe) Authorize(v View, a Actor) error { return listScope(v, a) }

// Apply notes the request on the subscriber.
func (c *RequestUnsubscribe) Apply(tx Tx, env Env) error {
	lt, l, err := listOf(tx, c.List)
	if err != nil {
		return err
	}
	addr, err := ParseContactEmail(c.Address)
	if err != nil {
		return err
	}
	old, ok, err := lt.Subscriber(l.Address, addr)
	if err != nil {
		return err
	}
	switch {
	case !ok || old.Status == SubUnsubscribed || old.Status == SubBouncing:
		c.Outcome = UnsubscribeNotOn
		return nil
	case !old.UnsubscribeAsked.IsZero() && env.Now.Sub(old.UnsubscribeAsked) < ResendAfter:
		c.Outcome = UnsubscribeWaiting
		return nil
	}
	ns := *old
	if ns.Key, err = subscriberKey(env, old, true); err != nil {
		return err
	}
	ns.UnsubscribeAsked = env.Now
	c.Outcome, c.Key = UnsubscribeMailed, ns.Key
	return lt.PutSubscriber(&ns)
}

// BounceKind is what a message to a list's bounces address says about
// the copy it is about.
type BounceKind string

// The kinds of ClassifyBounce.
const (
	BounceHard BounceKind = "hard" // the copy failed for good
	BounceSoft BounceKind = "soft" // delayed, still being tried: not counted
	BounceNone BounceKind = "none" // no failure: a delivered or relayed report, an automatic reply
)

// bounceScanLimit is how much of a report ClassifyBounce reads.
const bounceScanLimit = 64 << 10

// ClassifyBounce reads a message that came to a list's bounces address.
// A delivery status notification (RFC 3464, multipart/report with
// message/delivery-status) is hard when a recipient's Action is failed or
// its Status 5.x.x, soft when it is only delayed (Status 4.x.x), none
// when it reports delivery. Anything else is an automatic reply when it
// says so (Auto-Submitted: auto-replied: an out-of-office answer sent to
// the envelope sender, none) and otherwise a report of a server that
// writes no DSN, taken as hard.
func ClassifyBounce(msg []byte) BounceKind {
	if len(msg) > bounceScanLimit {
		msg = msg[:bounceScanLimit]
	}
	text := strings.ReplaceAll(string(msg), "\r\n", "\n")
	head, _, _ := strings.Cut(text, "\n\n")
	head = strings.NewReplacer("\n ", " ", "\n\t", " ").Replace(head)
	var ctype, auto string
	for _, line := range strings.Split(head, "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "content-type":
			ctype = strings.ToLower(value)
		case "auto-submitted":
			auto = strings.ToLower(strings.TrimSpace(value))
		}
	}
	if strings.Contains(ctype, "multipart/report") {
		hard, soft := false, false
		for _, line := range strings.Split(text, "\n") {
			name, value, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			value = strings.ToLower(strings.TrimSpace(value))
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "action":
				hard = hard || strings.HasPrefix(value, "failed")
				soft = soft || strings.HasPrefix(value, "delayed")
			case "status":
				hard = hard || strings.HasPrefix(value, "5.")
				soft = soft || strings.HasPrefix(value, "4.")
			}
		}
		switch {
		case hard:
			return BounceHard
		case soft:
			return BounceSoft
		}
		return BounceNone
	}
	if strings.HasPrefix(auto, "auto-replied") {
		return BounceNone
	}
	return BounceHard
}
