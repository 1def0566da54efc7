package store

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"postroom/model"
)

// Mailing lists for outside subscribers (LIST-2):
//
//	lists      list address → model.MailingList (with its counts of
//	           subscribed, unconfirmed and unsubscribed addresses, kept in
//	           step by every PutSubscriber)
//	listsubs   list + 0 + state letter + address → model.Subscriber
//	           (s subscribed, u unconfirmed, x unsubscribed, b bouncing:
//	           taken off after hard bounces; the addresses of
//	           one state are one key range, so a post's fan-out reads the
//	           subscribed ones from the keys alone)
//	listtoken  confirmation token → list + 0 + address (unconfirmed only)
//	listkey    subscriber key → list + 0 + address (every subscriber; the
//	           key of its unsubscribe-KEY and bounces-KEY addresses)
//	liststats  list + 0 + YYYY-MM-DD → model.ListDay
//	listconfirm list + 0 + address → nothing: an unconfirmed subscriber
//	           whose confirmation mail the relay is still to send (an
//	           import's); taken out once it is queued

var (
	bLists       = []byte("lists")
	bListSubs    = []byte("listsubs")
	bListToken   = []byte("listtoken")
	bListStats   = []byte("liststats")
	bListConfirm = []byte("listconfirm")
	bListKey     = []byte("listkey")
)

// stateLetter is the key letter of a subscriber state.
func stateLetter(st model.SubStatus) byte {
	switch st {
	case model.SubSubscribed:
		return 's'
	case model.SubUnconfirmed:
		return 'u'
	case model.SubBouncing:
		return 'b'
	}
	return 'x'
}

func listSubPrefix(list model.Address, st model.SubStatus) []byte {
	return append([]byte(string(list)+"\x00"), stateLetter(st))
}

func listSubKey(list model.Address, st model.SubStatus, addr string) []byte {
	return append(listSubPrefix(list, st), addr...)
}

func listStatKey(list model.Address, day string) []byte {
	return []byte(string(list) + "\x00" + day)
}

// MailingList returns a mailing list.
func (r *Reader) MailingList(a model.Address) (*model.MailingList, error) {
	l, err := getJSON[model.MailingList](r.tx, bLists, []byte(a))
	if err != nil {
		return nil, err
	}
	if l == nil {
		return nil, model.NotFoundf("there is no mailing list %s; list ls shows them", a)
	}
	return l, nil
}

// MailingLists lists every mailing list in address order.
func (r *Reader) MailingLists() ([]*model.MailingList, error) {
	return listJSON[model.MailingList](r.tx, bLists)
}

// Subscriber finds an address on a list, in whichever state it is.
func (r *Reader) Subscriber(list model.Address, addr string) (*model.Subscriber, bool, error) {
	b := r.tx.Bucket(bListSubs)
	for _, st := range model.SubStatuses() {
		raw := b.Get(listSubKey(list, st, addr))
		if raw == nil {
			continue
		}
		s := new(model.Subscriber)
		if err := json.Unmarshal(raw, s); err != nil {
			return nil, false, fmt.Errorf("decode subscriber %s of %s: %w", addr, list, err)
		}
		return s, true, nil
	}
	return nil, false, nil
}

// SubscriberByToken finds the unconfirmed subscriber a token was made for.
func (r *Reader) SubscriberByToken(token string) (*model.Subscriber, bool, error) {
	raw := r.tx.Bucket(bListToken).Get([]byte(token))
	if raw == nil {
		return nil, false, nil
	}
	list, addr, ok := bytes.Cut(raw, []byte{0})
	if !ok {
		return nil, false, fmt.Errorf("list token index: malformed entry")
	}
	return r.Subscriber(model.Address(list), string(addr))
}

// SubscriberByKey finds the subscriber whose Key it is.
func (r *Reader) SubscriberByKey(key string) (*model.Subscriber, bool, error) {
	raw := r.tx.Bucket(bListKey).Get([]byte(key))
	if raw == nil {
		return nil, false, nil
	}
	list, addr, ok := bytes.Cut(raw, []byte{0})
	if !ok {
		return nil, false, fmt.Errorf("list key index: malformed entry")
	}
	return r.Subscriber(model.Address(list), string(addr))
}

// SubscriberKeys returns the Keys of a list's subscribers at addrs (those
// it holds; an address not on the list is left out), for the addresses of
// their list copies.
func (r *Reader) SubscriberKeys(list model.Address, addrs []model.Address) (map[model.Address]string, error) {
	out := make(map[model.Address]string, len(addrs))
	b := r.tx.Bucket(bListSubs)
	for _, a := range addrs {
		raw := b.Get(listSubKey(list, model.SubSubscribed, string(a)))
		if raw == nil {
			continue
		}
		var s struct {
			Key string `json:"key"`
		}
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("decode subscriber %s of %s: %w", a, list, err)
		}
		if s.Key != "" {
			out[a] = s.Key
		}
	}
	return out, nil
}

// Subscribers calls fn for each subscriber of a list in one state (every
// state when st is ""), in address order, until fn returns false.
func (r *Reader) Subscribers(list model.Address, st model.SubStatus, fn func(*model.Subscriber) bool) error {
	states := []model.SubStatus{st}
	if st == "" {
		states = model.SubStatuses()
	}
	c := r.tx.Bucket(bListSubs).Cursor()
	for _, st := range states {
		p := listSubPrefix(list, st)
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			s := new(model.Subscriber)
			if err := json.Unmarshal(v, s); err != nil {
				return fmt.Errorf("decode subscriber %q: %w", k, err)
			}
			if !fn(s) {
				return nil
			}
		}
	}
	return nil
}

// SubscribedAddresses calls fn with each subscribed address of a list, in
// address order, read from the keys alone (a post's fan-out). The string
// is fn's to keep.
func (r *Reader) SubscribedAddresses(list model.Address, fn func(addr string) error) error {
	p := listSubPrefix(list, model.SubSubscribed)
	c := r.tx.Bucket(bListSubs).Cursor()
	for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
		if err := fn(string(k[len(p):])); err != nil {
			return err
		}
	}
	return nil
}

// ListDays returns a list's statistics of the days from..to (YYYY-MM-DD,
// inclusive), only the days with something counted, oldest first.
func (r *Reader) ListDays(list model.Address, from, to string) ([]model.ListDay, error) {
	out := []model.ListDay{}
	c := r.tx.Bucket(bListStats).Cursor()
	end := listStatKey(list, to)
	for k, v := c.Seek(listStatKey(list, from)); k != nil && bytes.Compare(k, end) <= 0; k, v = c.Next() {
		var d model.ListDay
		if err := json.Unmarshal(v, &d); err != nil {
			return nil, fmt.Errorf("decode list statistics %q: %w", k, err)
		}
		out = append(out, d)
	}
	return out, nil
}

// PutMailingList writes a list and claims its address.
func (w *writeTx) PutMailingList(l *model.MailingList) error {
	old, err := getJSON[model.MailingList](w.tx, bLists, []byte(l.Address))
	if err != nil {
		return err
	}
	if err := w.claim(l.Address, model.Owner{Kind: model.OwnerList}); err != nil {
		return err
	}
	w.record("list", string(l.Address), old, l)
	w.event("list", string(l.Address))
	return w.put(bLists, []byte(l.Address), l)
}

// DeleteMailingList removes a list, its subscribers, their tokens and its
// statistics, and releases its address.
func (w *writeTx) DeleteMailingList(a model.Address) error {
	old, err := w.MailingList(a)
	if err != nil {
		return err
	}
	if err := w.Subscribers(a, "", func(s *model.Subscriber) bool {
		if s.Token != "" {
			w.deferDelete(string(bListToken), s.Token)
		}
		if s.Key != "" {
			w.deferDelete(string(bListKey), s.Key)
		}
		return true
	}); err != nil {
		return err
	}
	if err != nil {
		return err
	}
	if err := deletePrefixKeys(w.tx.Bucket(bListSubs), []byte(string(a)+"\x00")); err != nil {
		return err
	}
	if err := deletePrefixKeys(w.tx.Bucket(bListStats), []byte(string(a)+"\x00")); err != nil {
		return err
	}
	if err := deletePrefixKeys(w.tx.Bucket(bListConfirm), []byte(string(a)+"\x00")); err != nil {
		return err
	}
	if err := w.release(a); err != nil {
		return err
	}
	w.record("list", string(a), old, nil)
	w.event("list", string(a))
	return w.tx.Bucket(bLists).Delete([]byte(a))
}

// deletePrefixKeys deletes every key of b that starts with prefix.
func deletePrefixKeys(b *bolt.Bucket, prefix []byte) error {
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// PutSubscriber writes a subscriber under its state, moves it out of its
// old state's range, keeps the token index and the list's counts in step.
// The operation log shows the subscriber without its token.
func (w *writeTx) PutSubscriber(s *model.Subscriber) error {
	l, err := w.MailingList(s.List)
	if err != nil {
		return err
	}
	old, had, err := w.Subscriber(s.List, s.Address)
	if err != nil {
		return err
	}
	// The token and key indexes are written at the end of the
	// transaction in key order (deferred: random keys inserted one by one
	// into one node are quadratic).
	subs := w.tx.Bucket(bListSubs)
	ref := string(s.List) + "\x00" + s.Address
	counts := l.Counts
	if had {
		if err := subs.Delete(listSubKey(s.List, old.Status, old.Address)); err != nil {
			return err
		}
		if old.Token != "" && old.Token != s.Token {
			w.deferDelete(string(bListToken), old.Token)
		}
		if old.Key != "" && old.Key != s.Key {
			w.deferDelete(string(bListKey), old.Key)
		}
		counts.Add(old.Status, -1)
	}
	if s.Key != "" && (!had || old.Key != s.Key) {
		if _, taken := w.deferredGet(bListKey, s.Key); taken {
			return fmt.Errorf("subscriber %s: the key is already in use", s.Address)
		}
		w.deferPut(string(bListKey), s.Key, ref)
	}
	if s.Token != "" {
		if s.Status != model.SubUnconfirmed {
			return fmt.Errorf("subscriber %s: only an unconfirmed subscriber has a token", s.Address)
		}
		if !had || old.Token != s.Token {
			if _, taken := w.deferredGet(bListToken, s.Token); taken {
				return fmt.Errorf("subscriber %s: the confirmation token is already in use", s.Address)
			}
			w.deferPut(string(bListToken), s.Token, ref)
		}
	}
	counts.Add(s.Status, 1)
	if err := w.put(bListSubs, listSubKey(s.List, s.Status, s.Address), s); err != nil {
		return err
	}
	if counts != l.Counts {
		l.Counts = counts
		if err := w.put(bLists, []byte(l.Address), l); err != nil { // counts only: no diff of its own
			return err
		}
	}
	var before *model.Subscriber
	if had {
		b := *old
		b.Token, b.Key = redactToken(b.Token), redactToken(b.Key)
		before = &b
	}
	after := *s
	after.Token, after.Key = redactToken(after.Token), redactToken(after.Key)
	if before != nil {
		w.record("subscriber", string(s.List)+" "+s.Address, before, &after)
	} else {
		w.record("subscriber", string(s.List)+" "+s.Address, nil, &after)
	}
	w.event("list", string(s.List))
	return nil
}

// redactToken hides a confirmation token or a subscriber's key in the
// operation log: whoever reads the log must not be able to confirm or
// unsubscribe for someone else.
func redactToken(t string) string {
	if t == "" {
		return ""
	}
	return "(set)"
}

// CountListDay adds to a list's statistics of a day, inside a change.
func (w *writeTx) CountListDay(list model.Address, d model.ListDay) error {
	return countListDay(w.tx, list, d)
}

func countListDay(tx *bolt.Tx, list model.Address, d model.ListDay) error {
	if tx.Bucket(bLists).Get([]byte(list)) == nil {
		return nil // the list was deleted meanwhile: nothing to count on
	}
	b := tx.Bucket(bListStats)
	k := listStatKey(list, d.Day)
	var cur model.ListDay
	if raw := b.Get(k); raw != nil {
		if err := json.Unmarshal(raw, &cur); err != nil {
			return fmt.Errorf("decode list statistics %q: %w", k, err)
		}
	}
	cur.Day = d.Day
	cur.Add(d)
	v, err := json.Marshal(cur)
	if err != nil {
		return err
	}
	return b.Put(k, v)
}

// CountListDay adds the relay's counts (posts, copies delivered, bounces)
// to a list's statistics of a day. They are counters, not changes anyone
// made, so they are not in the operation log (like the mail log).
func (s *Store) CountListDay(list model.Address, d model.ListDay) error {
	return s.db.Update(func(tx *bolt.Tx) error { return countListDay(tx, list, d) })
}

// QueueConfirmation notes that an unconfirmed subscriber is to be mailed
// its confirmation; a "listconfirm" event wakes the relay after the commit.
func (w *writeTx) QueueConfirmation(list model.Address, addr string) error {
	w.event("listconfirm", string(list))
	return w.tx.Bucket(bListConfirm).Put([]byte(string(list)+"\x00"+addr), []byte{})
}

// SubscriberByToken finds the unconfirmed subscriber a token was made
// for, the transaction's pending writes included.
func (w *writeTx) SubscriberByToken(token string) (*model.Subscriber, bool, error) {
	return w.subscriberByRef(bListToken, token)
}

// SubscriberByKey finds the subscriber whose Key it is, the transaction's
// pending writes included.
func (w *writeTx) SubscriberByKey(key string) (*model.Subscriber, bool, error) {
	return w.subscriberByRef(bListKey, key)
}

func (w *writeTx) subscriberByRef(bucket []byte, k string) (*model.Subscriber, bool, error) {
	ref, ok := w.deferredGet(bucket, k)
	if !ok {
		return nil, false, nil
	}
	list, addr, ok := strings.Cut(ref, "\x00")
	if !ok {
		return nil, false, fmt.Errorf("%s index: malformed entry", bucket)
	}
	return w.Subscriber(model.Address(list), addr)
}

// PendingConfirmation is an unconfirmed subscriber whose confirmation mail
// is still to be sent, with its token.
type PendingConfirmation struct {
	List    model.Address
	Address string
	Token   string
}

// PendingConfirmations returns at most limit confirmations still to be
// sent, in list and address order. An entry whose subscriber is no longer
// unconfirmed is returned with an empty token (nothing to send; drop it).
func (s *Store) PendingConfirmations(limit int) ([]PendingConfirmation, error) {
	var out []PendingConfirmation
	err := s.Read(func(r *Reader) error {
		c := r.tx.Bucket(bListConfirm).Cursor()
		for k, _ := c.First(); k != nil && len(out) < limit; k, _ = c.Next() {
			list, addr, ok := bytes.Cut(k, []byte{0})
			if !ok {
				continue
			}
			p := PendingConfirmation{List: model.Address(list), Address: string(addr)}
			sub, found, err := r.Subscriber(p.List, p.Address)
			if err != nil {
				return err
			}
			if found && sub.Status == model.SubUnconfirmed {
				p.Token = sub.Token
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// ConfirmationsSent takes pending confirmations out once their mails are
// queued, in one write. It is bookkeeping of the relay, not a change
// anyone made, so it is not in the operation log.
func (s *Store) ConfirmationsSent(done []PendingConfirmation) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bListConfirm)
		for _, p := range done {
			if err := b.Delete([]byte(string(p.List) + "\x00" + p.Address)); err != nil {
				return err
			}
		}
		return nil
	})
}

var (
	_ model.ListTx   = (*writeTx)(nil)
	_ model.ListView = (*Reader)(nil)
)

// keyListSubscribers gives every subscriber without a Key one and indexes
// them all in listkey (schema 10). The keys come from crypto/rand: a
// migration runs before the store's injected randomness serves changes.
func keyListSubscribers(tx *bolt.Tx) error {
	subs, keys := tx.Bucket(bListSubs), tx.Bucket(bListKey)
	type rekey struct {
		k []byte
		s model.Subscriber
	}
	var todo []rekey
	if err := subs.ForEach(func(k, v []byte) error {
		var s model.Subscriber
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("decode subscriber %q: %w", k, err)
		}
		if s.Key == "" {
			todo = append(todo, rekey{bytes.Clone(k), s})
			return nil
		}
		return keys.Put([]byte(s.Key), []byte(string(s.List)+"\x00"+s.Address))
	}); err != nil {
		return err
	}
	for _, r := range todo {
		key, err := model.NewListToken(model.Env{Rand: rand.Reader})
		if err != nil {
			return err
		}
		r.s.Key = key
		v, err := json.Marshal(r.s)
		if err != nil {
			return err
		}
		if err := subs.Put(r.k, v); err != nil {
			return err
		}
		if err := keys.Put([]byte(key), []byte(string(r.s.List)+"\x00"+r.s.Address)); err != nil {
			return err
		}
	}
	return nil
}
