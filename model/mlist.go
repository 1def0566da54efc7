package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Mailing lists for outside subscribers (LIST-2, seed part 4, 5.1.5).
//
// A list is one of the company's addresses (news@corp). People outside
// subscribe by mail to LOCAL+subscribe@DOMAIN: they become unconfirmed and
// get a confirmation mail whose reply address carries an unguessable token
// (double opt-in); mail to that address makes them subscribed. Mail to
// LOCAL+unsubscribe@DOMAIN (also what the List-Unsubscribe header of every
// list copy names) unsubscribes the sender. Only the list's senders, members
// of the company, post to it; each post goes to every subscribed address.
// The list keeps its counts of subscribed, unconfirmed and unsubscribed
// addresses in step with every subscriber write, so they are read without
// counting 50,000 records.

// MaxSubscribers is how many subscribed and unconfirmed addresses a list
// may hold (the seed's 50,000).
const MaxSubscribers = 50000

// SubStatus is where a subscriber stands.
type SubStatus string

// The subscriber states.
const (
	SubSubscribed   SubStatus = "subscribed"   // confirmed: gets every post
	SubUnconfirmed  SubStatus = "unconfirmed"  // asked, not confirmed yet: gets nothing but the confirmation
	SubUnsubscribed SubStatus = "unsubscribed" // left (kept, so the admin sees who left and when)
	SubBouncing     SubStatus = "bouncing"     // taken off after hard bounces (see HardBounce): gets nothing
)

// SubStatuses lists the states in the order screens show them.
func SubStatuses() []SubStatus {
	return []SubStatus{SubSubscribed, SubUnconfirmed, SubUnsubscribed, SubBouncing}
}

// ParseSubStatus reads a state name; "" is any.
func ParseSubStatus(s string) (SubStatus, error) {
	switch st := SubStatus(strings.TrimSpace(s)); st {
	case SubSubscribed, SubUnconfirmed, SubUnsubscribed, SubBouncing, "":
		return st, nil
	}
	return "", Invalidf("unknown subscriber status %q: use subscribed, unconfirmed, unsubscribed or bouncing", s)
}

// ListCounts are a list's subscribers by state.
type ListCounts struct {
	Subscribed   int `json:"subscribed"`
	Unconfirmed  int `json:"unconfirmed"`
	Unsubscribed int `json:"unsubscribed"`
	// Bouncing are those taken off after hard bounces.
	Bouncing int `json:"bouncing"`
}

// Add counts one subscriber in state st (n = 1) or takes one away (n = -1).
func (c *ListCounts) Add(st SubStatus, n int) {
	switch st {
	case SubSubscribed:
		c.Subscribed += n
	case SubUnconfirmed:
		c.Unconfirmed += n
	case SubUnsubscribed:
		c.Unsubscribed += n
	case SubBouncing:
		c.Bouncing += n
	}
}

// MailingList is a list for outside subscribers.
type MailingList struct {
	Address Address `json:"address"`
	Name    string  `json:"name"`
	// Senders are the members who may post to the list.
	Senders []Address  `json:"senders"`
	Counts  ListCounts `json:"counts"`
	// BounceLimit hard bounces within BounceDays days take a subscriber
	// off (bouncing); 0 means the defaults, DefaultBounceLimit and
	// DefaultBounceDays.
	BounceLimit int       `json:"bounce_limit,omitempty"`
	BounceDays  int       `json:"bounce_days,omitempty"`
	By          Address   `json:"by,omitempty"`
	Created     time.Time `json:"created"`
}

// Clone returns a deep copy.
func (l *MailingList) Clone() *MailingList {
	c := *l
	c.Senders = slices.Clone(l.Senders)
	return &c
}

// MayPost reports whether a member may post to the list.
func (l *MailingList) MayPost(a Address) bool { return slices.Contains(l.Senders, a) }

// Subscriber is one outside address on a list.
type Subscriber struct {
	List    Address   `json:"list"`
	Address string    `json:"address"` // as ParseContactEmail normalises it
	Name    string    `json:"name,omitempty"`
	Status  SubStatus `json:"status"`
	// Requested is when the address last asked to subscribe (or an admin
	// added it); Confirmed when it became subscribed; Left when it
	// unsubscribed.
	Requested time.Time `json:"requested,omitzero"`
	Confirmed time.Time `json:"confirmed,omitzero"`
	Left      time.Time `json:"left,omitzero"`
	// Token is the confirmation token of an unconfirmed subscriber (the
	// relay makes it); empty in the other states.
	Token string `json:"token,omitempty"`
	// Via says how the last change came: "smtp" (by mail), "admin" or
	// "import".
	Via string `json:"via,omitempty"`
	// Attested is the admin who attested that the address agreed to the
	// list elsewhere (an import with --confirmed); empty when the address
	// confirmed by mail.
	Attested Address `json:"attested_by,omitempty"`
	// Key is the subscriber's own token, made when the address first
	// comes onto the list and kept: the list copies it gets carry it in
	// their List-Unsubscribe address (LOCAL+unsubscribe-KEY@DOMAIN) and
	// their envelope sender (LOCAL+bounces-KEY@DOMAIN), so mail to either
	// is known to be about this subscriber whoever sends it.
	Key string `json:"key,omitempty"`
	// Bounces are the times of its hard bounces within the list's window
	// (older ones are dropped at each new one).
	Bounces []time.Time `json:"bounces,omitempty"`
	// UnsubscribeAsked is when an unsubscribe request by mail last sent
	// it the mail that confirms leaving.
	UnsubscribeAsked time.Time `json:"unsubscribe_asked,omitzero"`
}

// ListDay is one list's statistics for one day (the company's time zone
// is the store's: days are the UTC dates of the events).
type ListDay struct {
	Day          string `json:"day"` // YYYY-MM-DD
	Posts        int    `json:"posts"`
	Delivered    int    `json:"delivered"`
	Bounced      int    `json:"bounced"`
	Subscribed   int    `json:"subscribed"`
	Unsubscribed int    `json:"unsubscribed"`
	// Removed are the subscribers taken off that day after hard bounces.
	Removed int `json:"removed"`
}

// Add adds another day's counts to d.
func (d *ListDay) Add(o ListDay) {
	d.Posts += o.Posts
	d.Delivered += o.Delivered
	d.Bounced += o.Bounced
	d.Subscribed += o.Subscribed
	d.Unsubscribed += o.Unsubscribed
	d.Removed += o.Removed
}

// DayOf is the statistics day of a moment.
func DayOf(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// ListView is a View that also reads the mailing lists. The store's readers
// and write transactions implement it.
type ListView interface {
	View
	MailingList(a Address) (*MailingList, error)
	MailingLists() ([]*MailingList, error)
	// Subscriber finds an address on a list; ok is false when it never was.
	Subscriber(list Address, addr string) (*Subscriber, bool, error)
	// SubscriberByToken finds the unconfirmed subscriber a token was made for.
	SubscriberByToken(token string) (*Subscriber, bool, error)
	// SubscriberByKey finds the subscriber whose Key it is.
	SubscriberByKey(key string) (*Subscriber, bool, error)
}

// ListTx is a ListView that can also write the mailing lists.
type ListTx interface {
	ListView
	Tx
	PutMailingList(*MailingList) error
	// DeleteMailingList removes a list with its subscribers and statistics.
	DeleteMailingList(a Address) error
	// PutSubscriber writes a subscriber, keeping the list's counts and the
	// token index in step.
	PutSubscriber(*Subscriber) error
	// CountListDay adds to a list's statistics of a day.
	CountListDay(list Address, d ListDay) error
	// QueueConfirmation notes that an unconfirmed subscriber is to be
	// mailed its confirmation (the relay sends it after the commit).
	QueueConfirmation(list Address, addr string) error
}

func listTx(tx Tx) (ListTx, error) {
	l, ok := tx.(ListTx)
	if !ok {
		return nil, fmt.Errorf("mailing lists: the store cannot write them")
	}
	return l, nil
}

// listOf is the store's list writer and the list a change is about.
func listOf(tx Tx, a Address) (ListTx, *MailingList, error) {
	lt, err := listTx(tx)
	if err != nil {
		return nil, nil, err
	}
	l, err := lt.MailingList(a)
	return lt, l, err
}

// ListTokenLen is the length of a confirmation token (hex digits).
const ListTokenLen = 32

// ValidListToken reports whether s has the shape of a confirmation token.
func ValidListToken(s string) bool {
	if len(s) != ListTokenLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// The tags of a list's own addresses, LOCAL+TAG@DOMAIN.
const (
	ListTagSubscribe   = "subscribe"
	ListTagUnsubscribe = "unsubscribe"
	ListTagConfirm     = "confirm" // confirm-TOKEN
	ListTagBounces     = "bounces" // the envelope sender of list copies: bounces-KEY
)

// ListTagAddress is the list's address with a tag: news+subscribe@corp.
func ListTagAddress(list Address, tag string) string {
	return list.Local() + "+" + tag + "@" + list.Domain()
}

// ListTagOf splits the local part of a list's tagged address:
// "news+confirm-TOKEN" gives "news", "confirm", "TOKEN" (so do
// unsubscribe-KEY and bounces-KEY); ok is false for
// a local part that is not one (no '+', an unknown tag, a bad token).
func ListTagOf(local string) (base, tag, token string, ok bool) {
	i := strings.IndexByte(local, '+')
	if i <= 0 {
		return "", "", "", false
	}
	base, rest := local[:i], strings.ToLower(local[i+1:])
	switch rest {
	case ListTagSubscribe, ListTagUnsubscribe, ListTagBounces:
		return base, rest, "", true
	}
	for _, tag := range []string{ListTagConfirm, ListTagUnsubscribe, ListTagBounces} {
		if t, found := strings.CutPrefix(rest, tag+"-"); found && ValidListToken(t) {
			return base, tag, t, true
		}
	}
	return "", "", "", false
}

func listScope(v View, a Actor) error { return Authorize(a, RightListManage, nil, v) }

// listSenders checks the members named as a list's senders.
func listSenders(v View, as []Address) ([]Address, error) {
	out := []Address{}
	for _, a := range as {
		n, err := ParseAddress(string(a))
		if err != nil {
			return nil, err
		}
		m, err := v.Member(n)
		if err != nil {
			return nil, Invalidf("%s cannot post to a list: only the company's members can be its senders", n)
		}
		if !slices.Contains(out, m.Address) {
			out = append(out, m.Address)
		}
	}
	return out, nil
}

// AddList creates a mailing list (LIST-2).
type AddList struct {
	Address Address
	Name    string
	Senders []Address
}

// Op names the operation.
func (c *AddList) Op() string { return "list.add" }

// Target names the list.
func (c *AddList) Target() string { return string(c.Address) }

// Authorize needs list.manage over the whole company.
func (c *AddList) Authorize(v View, a Actor) error { return listScope(v, a) }

// Apply creates the list.
func (c *AddList) Apply(tx Tx, env Env) error {
	lt, err := listTx(tx)
	if err != nil {
		return err
	}
	a, err := ParseAddress(string(c.Address))
	if err != nil {
		return err
	}
	if err := addressFree(tx, a); err != nil {
		return err
	}
	name, err := CleanName("list name", c.Name, 64)
	if err != nil {
		return err
	}
	senders, err := listSenders(tx, c.Senders)
	if err != nil {
		return err
	}
	return lt.PutMailingList(&MailingList{Address: a, Name: name, Senders: senders, By: env.Actor.Address, Created: env.Now})
}

// SetList renames a list, changes its senders or its bounce rule; nil
// fields stay.
type SetList struct {
	Address       Address
	Name          *string
	AddSenders    []Address
	RemoveSenders []Address
	// BounceLimit hard bounces within BounceDays days take a subscriber off.
	BounceLimit, BounceDays *int
}

// Op names the operation.
func (c *SetList) Op() string { return "list.set" }

// Target names the list.
func (c *SetList) Target() string { return string(c.Address) }

// Authorize needs list.manage over the whole company.
func (c *SetList) Authorize(v View, a Actor) error { return listScope(v, a) }

// Apply writes the list.
func (c *SetList) Apply(tx Tx, env Env) error {
	lt, l, err := listOf(tx, c.Address)
	if err != nil {
		return err
	}
	l = l.Clone()
	if c.Name != nil {
		if l.Name, err = CleanName("list name", *c.Name, 64); err != nil {
			return err
		}
	}
	add, err := listSenders(tx, c.AddSenders)
	if err != nil {
		return err
	}
	for _, a := range add {
		if slices.Contains(l.Senders, a) {
			return Existsf("%s is already a sender of the list %s", a, l.Address)
		}
		l.Senders = append(l.Senders, a)
	}
	for _, a := range c.RemoveSenders {
		n, err := ParseAddress(string(a))
		if err != nil {
			return err
		}
		i := slices.Index(l.Senders, n)
		if i < 0 {
			return NotFoundf("%s is not a sender of the list %s", n, l.Address)
		}
		l.Senders = slices.Delete(l.Senders, i, i+1)
	}
	if c.BounceLimit != nil {
		if *c.BounceLimit < 1 || *c.BounceLimit > 100 {
			return Invalidf("--bounce-limit takes 1 to 100 hard bounces, not %d", *c.BounceLimit)
		}
		l.BounceLimit = *c.BounceLimit
	}
	if c.BounceDays != nil {
		if *c.BounceDays < 1 || *c.BounceDays > 365 {
			return Invalidf("--bounce-days takes 1 to 365 days, not %d", *c.BounceDays)
		}
		l.BounceDays = *c.BounceDays
	}
	return lt.PutMailingList(l)
}

// DeleteList removes a list with its subscribers and statistics.
type DeleteList struct{ Address Address }

// Op names the operation.
func (c *DeleteList) Op() string { return "list.rm" }

// Target names the list.
func (c *DeleteList) Target() string { return string(c.Address) }

// Authorize needs list.manage over the whole company.
func (c *DeleteList) Authorize(v View, a Actor) error { return listScope(v, a) }

// Apply deletes the list.
func (c *DeleteList) Apply(tx Tx, env Env) error {
	lt, l, err := listOf(tx, c.Address)
	if err != nil {
		return err
	}
	tx.Note("subscribers", fmt.Sprintf("%d subscribed, %d unconfirmed, %d unsubscribed", l.Counts.Subscribed, l.Counts.Unconfirmed, l.Counts.Unsubscribed))
	return lt.DeleteMailingList(l.Address)
}

// SubscribeOutcome is what a subscribe request did.
type SubscribeOutcome string

// The outcomes of RequestSubscription.
const (
	SubscribeAsked   SubscribeOutcome = "asked"   // now unconfirmed: send the confirmation
	SubscribeAgain   SubscribeOutcome = "again"   // still unconfirmed, last asked long ago: send the confirmation again
	SubscribeWaiting SubscribeOutcome = "waiting" // asked within ResendAfter: no second mail
	SubscribeAlready SubscribeOutcome = "already" // already subscribed: nothing to do
)

// ResendAfter is how long an unconfirmed address waits before a new
// subscribe request sends the confirmation again (so nobody can make the
// list mail a stranger over and over).
const ResendAfter = time.Hour

// RequestSubscription is a subscribe request that came by mail: the address
// becomes unconfirmed (double opt-in) with a new confirmation token.
type RequestSubscription struct {
	List    Address
	Address string
	// Token is the confirmation token the relay made for this request.
	Token string
	// Outcome is filled by Apply.
	Outcome SubscribeOutcome
}

// Op names the operation.
func (c *RequestSubscription) Op() string { return "list.subscribe" }

// Target names the list and the address.
func (c *RequestSubscription) Target() string { return string(c.List) + " " + c.Address }

// Authorize needs list.manage: the relay applies it as the system.
func (c *RequestSubscription) Authorize(v View, a Actor) error { return listScope(v, a) }

// Apply records the request.
func (c *RequestSubscription) Apply(tx Tx, env Env) error {
	lt, l, err := listOf(tx, c.List)
	if err != nil {
		return err
	}
	addr, err := ParseContactEmail(c.Address)
	if err != nil {
		return err
	}
	if !ValidListToken(c.Token) {
		return fmt.Errorf("subscribe %s: the confirmation token %q is malformed", addr, c.Token)
	}
	old, ok, err := lt.Subscriber(l.Address, addr)
	if err != nil {
		return err
	}
	switch {
	case ok && old.Status == SubSubscribed:
		c.Outcome = SubscribeAlready
		return nil
	case ok && old.Status == SubUnconfirmed && env.Now.Sub(old.Requested) < ResendAfter:
		c.Outcome = SubscribeWaiting
		return nil
	case ok && old.Status == SubUnconfirmed:
		c.Outcome = SubscribeAgain
	default:
		if l.Counts.Subscribed+l.Counts.Unconfirmed >= MaxSubscribers {
			return Conflictf("the list %s has reached %d subscribers; it takes no more", l.Address, MaxSubscribers)
		}
		c.Outcome = SubscribeAsked
	}
	s := &Subscriber{List: l.Address, Address: addr, Status: SubUnconfirmed, Requested: env.Now, Token: c.Token, Via: string(DoorSMTP)}
	if ok {
		s.Left, s.Name = old.Left, old.Name
	}
	if s.Key, err = subscriberKey(env, old, ok); err != nil {
		return err
	}
	return lt.PutSubscriber(s)
}

// ConfirmSubscription makes the unconfirmed subscriber a token was made
// for subscribed.
type ConfirmSubscription struct {
	Token string
	// Subscriber is filled by Apply.
	Subscriber *Subscriber
}

// Op names the operation.
func (c *ConfirmSubscription) Op() string { return "list.confirm" }

// Target names the token's subscriber when known.
func (c *ConfirmSubscription) Target() string {
	if c.Subscriber != nil {
		return string(c.Subscriber.List) + " " + c.Subscriber.Address
	}
	return "confirmation"
}

// Authorize needs list.manage: the relay applies it as the system.
func (c *ConfirmSubscription) Authorize(v View, a Actor) error { return listScope(v, a) }

// Apply confirms.
func (c *ConfirmSubscription) Apply(tx Tx, env Env) error {
	lt, err := listTx(tx)
	if err != nil {
		return err
	}
	s, ok, err := lt.SubscriberByToken(c.Token)
	if err != nil {
		return err
	}
	if !ok || s.Status != SubUnconfirmed {
		return NotFoundf("this confirmation address is not valid (any more): subscribe again to get a new one")
	}
	ns := *s
	ns.Status, ns.Confirmed, ns.Token, ns.Via = SubSubscribed, env.Now, "", string(DoorSMTP)
	c.Subscriber = &ns
	if err := lt.PutSubscriber(&ns); err != nil {
		return err
	}
	return lt.CountListDay(ns.List, ListDay{Day: DayOf(env.Now), Subscribed: 1})
}

// Unsubscribe takes an address off a list: by mail (the address itself,
// ByMail) or by an admin.
type Unsubscribe struct {
	List    Address
	Address string
	// Key, when set, names the subscriber instead of Address: mail to its
	// LOCAL+unsubscribe-KEY@DOMAIN address (ByMail).
	Key    string
	ByMail bool
	// Was is filled by Apply: the state before ("" when the address was
	// never on the list).
	Was SubStatus
}

// Op names the operation.
func (c *Unsubscribe) Op() string { return "list.unsubscribe" }

// Target names the list and the address.
func (c *Unsubscribe) Target() string { return string(c.List) + " " + c.Address }

// Authorize needs list.manage (the relay applies mail requests as the system).
func (c *Unsubscribe) Authorize(v View, a Actor) error { return listScope(v, a) }

// Apply unsubscribes. An address already off the list, or never on it,
// is no error when it comes by mail (the answer is the same either way, so
// nobody learns who is subscribed).
func (c *Unsubscribe) Apply(tx Tx, env Env) error {
	lt, l, err := listOf(tx, c.List)
	if err != nil {
		return err
	}
	var old *Subscriber
	var ok bool
	if c.Key != "" {
		if old, ok, err = lt.SubscriberByKey(c.Key); err != nil {
			return err
		}
		if !ok || old.List != l.Address {
			return nil // the same answer as for a known key: nobody learns which keys exist
		}
		c.Address = old.Address
	} else {
		addr, err := ParseContactEmail(c.Address)
		if err != nil {
			return err
		}
		if old, ok, err = lt.Subscriber(l.Address, addr); err != nil {
			return err
		}
		c.Address = addr
	}
	addr := c.Address
	if ok {
		c.Was = old.Status
	}
	if !ok || old.Status == SubUnsubscribed {
		if c.ByMail {
			return nil
		}
		return NotFoundf("%s is not subscribed to the list %s", addr, l.Address)
	}
	ns := *old
	ns.Status, ns.Left, ns.Token = SubUnsubscribed, env.Now, ""
	ns.Via = "admin"
	if c.ByMail {
		ns.Via = string(DoorSMTP)
	}
	if err := lt.PutSubscriber(&ns); err != nil {
		return err
	}
	if old.Status == SubSubscribed {
		return lt.CountListDay(l.Address, ListDay{Day: DayOf(env.Now), Unsubscribed: 1})
	}
	return nil
}

// AddSubscribers subscribes addresses an admin names (people who agreed
// elsewhere, such as on a paper form): they are subscribed at once. An
// address that unsubscribed is not brought back unless Resubscribe is set,
// since it chose to leave.
type AddSubscribers struct {
	List        Address
	Addresses   []string
	Resubscribe bool
	// Added, Skipped are filled by Apply.
	Added   int
	Skipped []string // each with why
}

// Op names the operation.
func (c *AddSubscribers) Op() string { return "list.subscriber.add" }

// Target names the list.
func (c *AddSubscribers) Target() string { return string(c.List) }

// Authorize needs list.manage over the whole company.
func (c *AddSubscribers) Authorize(v View, a Actor) error { return listScope(v, a) }

// Apply adds them, all or nothing: a malformed address fails the whole change.
func (c *AddSubscribers) Apply(tx Tx, env Env) error {
	lt, l, err := listOf(tx, c.List)
	if err != nil {
		return err
	}
	c.Added, c.Skipped = 0, nil
	room := MaxSubscribers - l.Counts.Subscribed - l.Counts.Unconfirmed
	seen := map[string]bool{}
	for _, raw := range c.Addresses {
		addr, err := ParseContactEmail(raw)
		if err != nil {
			return err
		}
		if seen[addr] {
			continue
		}
		seen[addr] = true
		old, ok, err := lt.Subscriber(l.Address, addr)
		if err != nil {
			return err
		}
		switch {
		case ok && old.Status == SubSubscribed:
			c.Skipped = append(c.Skipped, addr+": already subscribed")
			continue
		case ok && old.Status == SubUnsubscribed && !c.Resubscribe:
			c.Skipped = append(c.Skipped, addr+": unsubscribed on "+DayOf(old.Left)+"; add it with --resubscribe only if they asked again")
			continue
		}
		if !ok || old.Status != SubUnconfirmed {
			room--
		}
		if room < 0 {
			return Conflictf("the list %s has reached %d subscribers; it takes no more", l.Address, MaxSubscribers)
		}
		s := &Subscriber{List: l.Address, Address: addr, Status: SubSubscribed, Requested: env.Now, Confirmed: env.Now, Via: "admin"}
		if ok {
			s.Left, s.Name = old.Left, old.Name
		}
		if s.Key, err = subscriberKey(env, old, ok); err != nil {
			return err
		}
		if err := lt.PutSubscriber(s); err != nil {
			return err
		}
		c.Added++
	}
	tx.Note("result", fmt.Sprintf("%d subscribed, %d skipped", c.Added, len(c.Skipped)))
	if c.Added > 0 {
		return lt.CountListDay(l.Address, ListDay{Day: DayOf(env.Now), Subscribed: c.Added})
	}
	return nil
}
