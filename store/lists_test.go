package store_test

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	bolt "go.etcd.io/bbolt"

	"postroom/model"
	"postroom/store"
)

func listToken(n int) string { return fmt.Sprintf("%032x", n) }

// TestListSubscribersIndexed: the counts in the list record follow every
// state change, the keys of one state are one range (SubscribedAddresses),
// a token finds its subscriber only while unconfirmed, a refused change
// leaves nothing behind, and deleting the list takes its subscribers,
// tokens and statistics and frees its address; all of it survives a
// reopen of the file.
func TestListSubscribersIndexed(t *testing.T) {
	f := newCompany(t)
	f.apply(f.admin, &model.AddList{Address: "news@example.com", Name: "News", Senders: []model.Address{adminAddr}})
	sys := model.System(model.DoorSMTP)
	for i := range 5 {
		f.apply(sys, &model.RequestSubscription{List: "news@example.com", Address: fmt.Sprintf("r%d@outside.example", i), Token: listToken(i)})
	}
	for i := range 3 {
		f.apply(sys, &model.ConfirmSubscription{Token: listToken(i)})
	}
	f.apply(sys, &model.Unsubscribe{List: "news@example.com", Address: "r0@outside.example", ByMail: true})
	// A change with a bad address among good ones writes nothing.
	if err := f.s.Apply(f.admin, &model.AddSubscribers{List: "news@example.com", Addresses: []string{"ok@outside.example", "bad"}}); !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("a bad address: %v", err)
	}
	f.close()
	f.reopen()

	check := func(want model.ListCounts, subscribed []string) {
		t.Helper()
		err := f.s.Read(func(r *store.Reader) error {
			l, err := r.MailingList("news@example.com")
			if err != nil {
				return err
			}
			if l.Counts != want {
				t.Errorf("counts %+v, want %+v", l.Counts, want)
			}
			var got []string
			if err := r.SubscribedAddresses("news@example.com", func(a string) error { got = append(got, a); return nil }); err != nil {
				return err
			}
			if fmt.Sprint(got) != fmt.Sprint(subscribed) {
				t.Errorf("subscribed %v, want %v", got, subscribed)
			}
			n := 0
			r.Subscribers("news@example.com", "", func(*model.Subscriber) bool { n++; return true })
			if n != want.Subscribed+want.Unconfirmed+want.Unsubscribed {
				t.Errorf("%d subscriber records for counts %+v", n, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	check(model.ListCounts{Subscribed: 2, Unconfirmed: 2, Unsubscribed: 1}, []string{"r1@outside.example", "r2@outside.example"})
	f.s.Read(func(r *store.Reader) error {
		if s, ok, _ := r.SubscriberByToken(listToken(3)); !ok || s.Address != "r3@outside.example" {
			t.Errorf("token 3: %+v %v", s, ok)
		}
		if _, ok, _ := r.SubscriberByToken(listToken(1)); ok {
			t.Error("a spent token still finds its subscriber")
		}
		days, _ := r.ListDays("news@example.com", "2000-01-01", "2999-12-31")
		if len(days) != 1 || days[0].Subscribed != 3 || days[0].Unsubscribed != 1 {
			t.Errorf("days %+v", days)
		}
		return nil
	})
	if err := f.s.CountListDay("news@example.com", model.ListDay{Day: model.DayOf(epoch), Posts: 1, Delivered: 2}); err != nil {
		t.Fatal(err)
	}

	f.apply(f.admin, &model.DeleteList{Address: "news@example.com"})
	f.s.Read(func(r *store.Reader) error {
		if _, ok, _ := r.SubscriberByToken(listToken(3)); ok {
			t.Error("a deleted list's token still finds its subscriber")
		}
		n := 0
		r.Subscribers("news@example.com", "", func(*model.Subscriber) bool { n++; return true })
		days, _ := r.ListDays("news@example.com", "2000-01-01", "2999-12-31")
		if n != 0 || len(days) != 0 {
			t.Errorf("left behind: %d subscribers, %d days", n, len(days))
		}
		return nil
	})
	// Counting on a deleted list is a no-op; the address is free again.
	if err := f.s.CountListDay("news@example.com", model.ListDay{Day: model.DayOf(epoch), Posts: 1}); err != nil {
		t.Fatal(err)
	}
	f.apply(f.admin, &model.AddShared{Address: "news@example.com", Name: "News desk"})
}

// TestRemoveDomainTakesItsLists: removing a domain deletes the mailing
// lists in it with their subscribers and tokens, and says so.
func TestRemoveDomainTakesItsLists(t *testing.T) {
	f := newCompany(t)
	f.apply(f.admin, &model.AddDomain{Name: "old.example.com"})
	f.apply(f.admin, &model.AddList{Address: "news@old.example.com", Name: "Old news"})
	f.apply(model.System(model.DoorSMTP), &model.RequestSubscription{List: "news@old.example.com", Address: "a@outside.example", Token: listToken(9)})
	rm := &model.RemoveDomain{Name: "old.example.com", Confirm: "old.example.com"}
	f.apply(f.admin, rm)
	if len(rm.Removed.Lists) != 1 || rm.Removed.Lists[0] != "news@old.example.com" {
		t.Errorf("removed %+v", rm.Removed)
	}
	f.s.Read(func(r *store.Reader) error {
		if _, err := r.MailingList("news@old.example.com"); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("the list after its domain went: %v", err)
		}
		if _, ok, _ := r.SubscriberByToken(listToken(9)); ok {
			t.Error("its token still finds a subscriber")
		}
		if _, ok, _ := r.Owner("news@old.example.com"); ok {
			t.Error("its address is still taken")
		}
		return nil
	})
}

// TestListKeyMigration: subscribers written before schema 10 have no key;
// the migration gives each its own and indexes it, so SubscriberByKey
// finds them, and a later change keeps the key.
func TestListKeyMigration(t *testing.T) {
	f := newCompany(t)
	f.apply(f.admin, &model.AddList{Address: "news@example.com", Name: "News"})
	f.apply(f.admin, &model.AddSubscribers{List: "news@example.com", Addresses: []string{"a@outside.example", "b@outside.example"}})
	f.close()
	db, err := bolt.Open(f.path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Back to schema 9: no keys, no key index.
	if err := db.Update(func(tx *bolt.Tx) error {
		subs := tx.Bucket([]byte("listsubs"))
		rewrite := map[string][]byte{}
		if err := subs.ForEach(func(k, v []byte) error {
			var s map[string]any
			if err := json.Unmarshal(v, &s); err != nil {
				return err
			}
			delete(s, "key")
			rewrite[string(k)], _ = json.Marshal(s)
			return nil
		}); err != nil {
			return err
		}
		for k, v := range rewrite {
			if err := subs.Put([]byte(k), v); err != nil {
				return err
			}
		}
		if err := tx.DeleteBucket([]byte("listkey")); err != nil {
			return err
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), binary.BigEndian.AppendUint64(nil, 9))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	f.reopen()
	keys := map[string]string{}
	if err := f.s.Read(func(r *store.Reader) error {
		for _, a := range []string{"a@outside.example", "b@outside.example"} {
			s, _, err := r.Subscriber("news@example.com", a)
			if err != nil || !model.ValidListToken(s.Key) {
				return fmt.Errorf("%s after the migration: %+v %v", a, s, err)
			}
			byKey, ok, err := r.SubscriberByKey(s.Key)
			if err != nil || !ok || byKey.Address != a {
				return fmt.Errorf("by key %s: %+v %v %v", a, byKey, ok, err)
			}
			keys[a] = s.Key
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if keys["a@outside.example"] == keys["b@outside.example"] {
		t.Fatal("two subscribers share a key")
	}
	f.apply(model.System(model.DoorSMTP), &model.Unsubscribe{List: "news@example.com", Key: keys["a@outside.example"], ByMail: true})
	f.s.Read(func(r *store.Reader) error {
		s, _, _ := r.Subscriber("news@example.com", "a@outside.example")
		if s.Status != model.SubUnsubscribed || s.Key != keys["a@outside.example"] {
			t.Errorf("unsubscribed by key: %+v", s)
		}
		return nil
	})
	// Deleting the list takes the keys with it.
	f.apply(f.admin, &model.DeleteList{Address: "news@example.com"})
	f.s.Read(func(r *store.Reader) error {
		if _, ok, _ := r.SubscriberByKey(keys["b@outside.example"]); ok {
			t.Error("a key outlived its list")
		}
		return nil
	})
}
