package model

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// fakeLists is a ListTx for the mailing lists' rules: lists, subscribers
// and statistics in maps, counts kept as the store keeps them. Other
// methods of Tx are not used (the nil Tx panics if one is).
type fakeLists struct {
	Tx
	members map[Address]*Member
	lists   map[Address]*MailingList
	subs    map[string]*Subscriber // list + " " + address
	tokens  map[string]string
	keys    map[string]string
	days    map[string]ListDay // list + " " + day
	notes   []string
	confirm []string // list + " " + address, queued for a confirmation mail
}

func newFakeLists() *fakeLists {
	f := &fakeLists{members: map[Address]*Member{}, lists: map[Address]*MailingList{}, subs: map[string]*Subscriber{},
		tokens: map[string]string{}, keys: map[string]string{}, days: map[string]ListDay{}}
	for _, a := range []Address{"admin@example.com", "pm@example.com"} {
		f.members[a] = &Member{Address: a, Name: string(a), Depts: []DeptID{RootDept}, Status: StatusActive}
	}
	return f
}

func (f *fakeLists) DeptPath(id DeptID) string     { return orgTree.DeptPath(id) }
func (f *fakeLists) Within(dept, root DeptID) bool { return orgTree.Within(dept, root) }
func (f *fakeLists) IsLocal(d string) bool         { return d == "example.com" }
func (f *fakeLists) Owner(a Address) (Owner, bool, error) {
	if _, ok := f.members[a]; ok {
		return Owner{Kind: OwnerMember}, true, nil
	}
	if _, ok := f.lists[a]; ok {
		return Owner{Kind: OwnerList}, true, nil
	}
	return Owner{}, false, nil
}
func (f *fakeLists) Member(a Address) (*Member, error) {
	if m, ok := f.members[a]; ok {
		return m, nil
	}
	return nil, NotFoundf("no member %s", a)
}
func (f *fakeLists) Note(k, v string) { f.notes = append(f.notes, k+"="+v) }
func (f *fakeLists) MailingList(a Address) (*MailingList, error) {
	if l, ok := f.lists[a]; ok {
		return l.Clone(), nil
	}
	return nil, NotFoundf("there is no mailing list %s; list ls shows them", a)
}
func (f *fakeLists) MailingLists() ([]*MailingList, error) { return nil, nil }
func (f *fakeLists) Subscriber(list Address, addr string) (*Subscriber, bool, error) {
	s, ok := f.subs[string(list)+" "+addr]
	if !ok {
		return nil, false, nil
	}
	c := *s
	return &c, true, nil
}
func (f *fakeLists) SubscriberByToken(t string) (*Subscriber, bool, error) {
	k, ok := f.tokens[t]
	if !ok {
		return nil, false, nil
	}
	c := *f.subs[k]
	return &c, true, nil
}
func (f *fakeLists) SubscriberByKey(key string) (*Subscriber, bool, error) {
	k, ok := f.keys[key]
	if !ok {
		return nil, false, nil
	}
	c := *f.subs[k]
	return &c, true, nil
}
func (f *fakeLists) PutMailingList(l *MailingList) error { f.lists[l.Address] = l.Clone(); return nil }
func (f *fakeLists) DeleteMailingList(a Address) error   { delete(f.lists, a); return nil }
func (f *fakeLists) PutSubscriber(s *Subscriber) error {
	k := string(s.List) + " " + s.Address
	l := f.lists[s.List]
	if old, ok := f.subs[k]; ok {
		l.Counts.Add(old.Status, -1)
		delete(f.tokens, old.Token)
		delete(f.keys, old.Key)
	}
	l.Counts.Add(s.Status, 1)
	if s.Token != "" {
		f.tokens[s.Token] = k
	}
	if s.Key != "" {
		f.keys[s.Key] = k
	}
	c := *s
	f.subs[k] = &c
	return nil
}
func (f *fakeLists) QueueConfirmation(list Address, addr string) error {
	f.confirm = append(f.confirm, string(list)+" "+addr)
	return nil
}
func (f *fakeLists) CountListDay(list Address, d ListDay) error {
	k := string(list) + " " + d.Day
	cur := f.days[k]
	cur.Day = d.Day
	cur.Add(d)
	f.days[k] = cur
	return nil
}

var (
	listAdmin = Actor{Address: "admin@example.com", Roles: []RoleGrant{{Role: RoleAdmin}}}
	listT0    = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
)

func token(n int) string { return fmt.Sprintf("%032x", n) }

// applyList authorises and applies a change the way the store does.
func applyList(f *fakeLists, a Actor, now time.Time, c Change) error {
	if err := c.Authorize(f, a); err != nil {
		return err
	}
	return c.Apply(f, Env{Actor: a, Now: now, Rand: rand.Reader})
}

func TestListTagOf(t *testing.T) {
	tests := []struct {
		local, base, tag, token string
		ok                      bool
	}{
		{"news+subscribe", "news", ListTagSubscribe, "", true},
		{"news+SUBSCRIBE", "news", ListTagSubscribe, "", true},
		{"news+unsubscribe", "news", ListTagUnsubscribe, "", true},
		{"news+bounces", "news", ListTagBounces, "", true},
		{"news+confirm-" + token(7), "news", ListTagConfirm, token(7), true},
		{"news+confirm-" + strings.ToUpper(token(0xabc)), "news", ListTagConfirm, token(0xabc), true},
		{"news+unsubscribe-" + token(9), "news", ListTagUnsubscribe, token(9), true},
		{"news+bounces-" + token(10), "news", ListTagBounces, token(10), true},
		{"news+bounces-xyz", "", "", "", false},
		{"news+subscribe-" + token(9), "", "", "", false},
		{"news+confirm-abc", "", "", "", false},               // short token
		{"news+confirm-" + token(1) + "0", "", "", "", false}, // long token
		{"news+confirm-" + strings.Repeat("g", 32), "", "", "", false},
		{"news+other", "", "", "", false},
		{"news", "", "", "", false},
		{"+subscribe", "", "", "", false},
		{"news+", "", "", "", false},
	}
	for _, tt := range tests {
		base, tag, tok, ok := ListTagOf(tt.local)
		if base != tt.base || tag != tt.tag || tok != tt.token || ok != tt.ok {
			t.Errorf("ListTagOf(%q) = %q %q %q %v, want %q %q %q %v", tt.local, base, tag, tok, ok, tt.base, tt.tag, tt.token, tt.ok)
		}
	}
	if got := ListTagAddress("news@example.com", ListTagSubscribe); got != "news+subscribe@example.com" {
		t.Errorf("ListTagAddress = %q", got)
	}
}

func FuzzListTagOf(f *testing.F) {
	for _, s := range []string{"news+subscribe", "news+confirm-" + token(1), "a+b+c", "+", "新闻+subscribe", "x+confirm-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, local string) {
		base, tag, tok, ok := ListTagOf(local)
		if !ok {
			if base != "" || tag != "" || tok != "" {
				t.Fatalf("not a tag address, yet parts %q %q %q", base, tag, tok)
			}
			return
		}
		if base == "" || strings.ContainsRune(base, '+') {
			t.Fatalf("base %q", base)
		}
		if (tag == ListTagConfirm) != (tok != "") || (tok != "" && !ValidListToken(tok)) {
			t.Fatalf("tag %q token %q", tag, tok)
		}
		want := tag
		if tok != "" {
			want += "-" + tok
		}
		if !strings.EqualFold(local, base+"+"+want) {
			t.Fatalf("%q does not put back together as %q+%q", local, base, want)
		}
	})
}

func TestListChangesNeedListManage(t *testing.T) {
	actors := map[string]Actor{
		"admin":    listAdmin,
		"member":   {Address: "pm@example.com"},
		"helpdesk": {Address: "pm@example.com", Roles: []RoleGrant{{Role: RoleHelpdesk}}},
		"auditor":  {Address: "pm@example.com", Roles: []RoleGrant{{Role: RoleAuditor}}},
		"subadmin": {Address: "pm@example.com", Roles: []RoleGrant{{Role: RoleSubadmin, Scope: deptTech, Rights: []SubRight{SubGroups, SubMembers}}}},
	}
	changes := []Change{
		&AddList{Address: "news@example.com", Name: "News"},
		&SetList{Address: "news@example.com"},
		&DeleteList{Address: "news@example.com"},
		&RequestSubscription{List: "news@example.com", Address: "a@outside.org", Token: token(1)},
		&ConfirmSubscription{Token: token(1)},
		&Unsubscribe{List: "news@example.com", Address: "a@outside.org"},
		&AddSubscribers{List: "news@example.com", Addresses: []string{"a@outside.org"}},
	}
	f := newFakeLists()
	for name, a := range actors {
		for _, c := range changes {
			err := c.Authorize(f, a)
			if name == "admin" {
				if err != nil {
					t.Errorf("%s %s: %v", name, c.Op(), err)
				}
				continue
			}
			if !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), string(RightListManage)) {
				t.Errorf("%s %s: %v, want a refusal naming %s", name, c.Op(), err, RightListManage)
			}
		}
	}
	if err := (&RequestSubscription{}).Authorize(f, System(DoorSMTP)); err != nil {
		t.Errorf("the relay (system, smtp) is refused: %v", err)
	}
}

func TestAddList(t *testing.T) {
	tests := []struct {
		name    string
		c       AddList
		wantErr error
	}{
		{"ok", AddList{Address: "news@example.com", Name: "产品通讯", Senders: []Address{"pm@example.com"}}, nil},
		{"no name", AddList{Address: "news@example.com"}, ErrInvalid},
		{"outside domain", AddList{Address: "news@other.org", Name: "x"}, ErrInvalid},
		{"taken by a member", AddList{Address: "pm@example.com", Name: "x"}, ErrExists},
		{"sender not a member", AddList{Address: "news@example.com", Name: "x", Senders: []Address{"who@example.com"}}, ErrInvalid},
		{"plus in address", AddList{Address: "news+x@example.com", Name: "x"}, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeLists()
			c := tt.c
			err := applyList(f, listAdmin, listT0, &c)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				l := f.lists[c.Address]
				if l == nil || l.By != listAdmin.Address || !l.MayPost("pm@example.com") || l.MayPost("admin@example.com") {
					t.Fatalf("list %+v", l)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestSetListSenders(t *testing.T) {
	f := newFakeLists()
	mustList(t, f)
	steps := []struct {
		c       SetList
		want    []Address
		wantErr error
	}{
		{SetList{AddSenders: []Address{"admin@example.com"}}, []Address{"pm@example.com", "admin@example.com"}, nil},
		{SetList{AddSenders: []Address{"admin@example.com"}}, nil, ErrExists},
		{SetList{RemoveSenders: []Address{"pm@example.com"}}, []Address{"admin@example.com"}, nil},
		{SetList{RemoveSenders: []Address{"pm@example.com"}}, nil, ErrNotFound},
		{SetList{AddSenders: []Address{"stranger@example.com"}}, nil, ErrInvalid},
	}
	for i, s := range steps {
		c := s.c
		c.Address = "news@example.com"
		err := applyList(f, listAdmin, listT0, &c)
		if s.wantErr != nil {
			if !errors.Is(err, s.wantErr) {
				t.Fatalf("step %d: err %v, want %v", i, err, s.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got := f.lists["news@example.com"].Senders; fmt.Sprint(got) != fmt.Sprint(s.want) {
			t.Fatalf("step %d: senders %v, want %v", i, got, s.want)
		}
	}
}

func mustList(t *testing.T, f *fakeLists) {
	t.Helper()
	if err := applyList(f, listAdmin, listT0, &AddList{Address: "news@example.com", Name: "News", Senders: []Address{"pm@example.com"}}); err != nil {
		t.Fatal(err)
	}
}

// TestSubscriptionLifecycle walks one address through every state, with
// the counts and the day's statistics after each step.
func TestSubscriptionLifecycle(t *testing.T) {
	f := newFakeLists()
	mustList(t, f)
	sys := System(DoorSMTP)
	const who = "Reader@Outside.ORG"
	const norm = "reader@outside.org"
	type want struct {
		status       SubStatus
		counts       ListCounts
		subs, unsubs int
	}
	steps := []struct {
		name    string
		at      time.Duration
		c       Change
		outcome SubscribeOutcome
		wantErr error
		want    want
	}{
		{"subscribe", 0, &RequestSubscription{List: "news@example.com", Address: who, Token: token(1)}, SubscribeAsked, nil,
			want{SubUnconfirmed, ListCounts{Unconfirmed: 1}, 0, 0}},
		{"asks again at once: no second mail", 10 * time.Minute, &RequestSubscription{List: "news@example.com", Address: who, Token: token(2)}, SubscribeWaiting, nil,
			want{SubUnconfirmed, ListCounts{Unconfirmed: 1}, 0, 0}},
		{"the old token does not confirm after a new one", 0, nil, "", nil, want{}},
		{"asks again an hour later: a new token", 2 * time.Hour, &RequestSubscription{List: "news@example.com", Address: who, Token: token(3)}, SubscribeAgain, nil,
			want{SubUnconfirmed, ListCounts{Unconfirmed: 1}, 0, 0}},
		{"a wrong token", 2 * time.Hour, &ConfirmSubscription{Token: token(1)}, "", ErrNotFound,
			want{SubUnconfirmed, ListCounts{Unconfirmed: 1}, 0, 0}},
		{"confirm", 3 * time.Hour, &ConfirmSubscription{Token: token(3)}, "", nil,
			want{SubSubscribed, ListCounts{Subscribed: 1}, 1, 0}},
		{"the token is spent", 3 * time.Hour, &ConfirmSubscription{Token: token(3)}, "", ErrNotFound,
			want{SubSubscribed, ListCounts{Subscribed: 1}, 1, 0}},
		{"subscribe while subscribed", 4 * time.Hour, &RequestSubscription{List: "news@example.com", Address: who, Token: token(4)}, SubscribeAlready, nil,
			want{SubSubscribed, ListCounts{Subscribed: 1}, 1, 0}},
		{"unsubscribe by mail", 5 * time.Hour, &Unsubscribe{List: "news@example.com", Address: who, ByMail: true}, "", nil,
			want{SubUnsubscribed, ListCounts{Unsubscribed: 1}, 1, 1}},
		{"unsubscribe again by mail: no error, nothing counted", 5 * time.Hour, &Unsubscribe{List: "news@example.com", Address: who, ByMail: true}, "", nil,
			want{SubUnsubscribed, ListCounts{Unsubscribed: 1}, 1, 1}},
		{"an admin unsubscribes someone not subscribed", 5 * time.Hour, &Unsubscribe{List: "news@example.com", Address: who}, "", ErrNotFound,
			want{SubUnsubscribed, ListCounts{Unsubscribed: 1}, 1, 1}},
		{"subscribes again", 6 * time.Hour, &RequestSubscription{List: "news@example.com", Address: who, Token: token(5)}, SubscribeAsked, nil,
			want{SubUnconfirmed, ListCounts{Unconfirmed: 1}, 1, 1}},
		{"unconfirmed leaves: not counted as an unsubscribe", 6 * time.Hour, &Unsubscribe{List: "news@example.com", Address: who, ByMail: true}, "", nil,
			want{SubUnsubscribed, ListCounts{Unsubscribed: 1}, 1, 1}},
	}
	for _, s := range steps {
		if s.c == nil {
			if err := applyList(f, sys, listT0, &ConfirmSubscription{Token: token(2)}); !errors.Is(err, ErrNotFound) {
				t.Fatalf("%s: %v", s.name, err)
			}
			continue
		}
		err := applyList(f, sys, listT0.Add(s.at), s.c)
		if s.wantErr != nil {
			if !errors.Is(err, s.wantErr) {
				t.Fatalf("%s: err %v, want %v", s.name, err, s.wantErr)
			}
		} else if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if rs, ok := s.c.(*RequestSubscription); ok && rs.Outcome != s.outcome {
			t.Fatalf("%s: outcome %q, want %q", s.name, rs.Outcome, s.outcome)
		}
		sub := f.subs["news@example.com "+norm]
		if sub.Status != s.want.status || f.lists["news@example.com"].Counts != s.want.counts {
			t.Fatalf("%s: %s %+v, want %s %+v", s.name, sub.Status, f.lists["news@example.com"].Counts, s.want.status, s.want.counts)
		}
		if (sub.Token != "") != (sub.Status == SubUnconfirmed) {
			t.Fatalf("%s: token %q in state %s", s.name, sub.Token, sub.Status)
		}
		day := f.days["news@example.com "+DayOf(listT0)]
		if day.Subscribed != s.want.subs || day.Unsubscribed != s.want.unsubs {
			t.Fatalf("%s: day %+v, want %d subscribed %d unsubscribed", s.name, day, s.want.subs, s.want.unsubs)
		}
	}
}

func TestRequestSubscriptionRefuses(t *testing.T) {
	tests := []struct {
		name    string
		c       RequestSubscription
		wantErr error
	}{
		{"no such list", RequestSubscription{List: "old@example.com", Address: "a@b.org", Token: token(1)}, ErrNotFound},
		{"not an address", RequestSubscription{List: "news@example.com", Address: "a b", Token: token(1)}, ErrInvalid},
	}
	for _, tt := range tests {
		f := newFakeLists()
		mustList(t, f)
		c := tt.c
		if err := applyList(f, System(DoorSMTP), listT0, &c); !errors.Is(err, tt.wantErr) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.wantErr)
		}
	}
	f := newFakeLists()
	mustList(t, f)
	if err := applyList(f, System(DoorSMTP), listT0, &RequestSubscription{List: "news@example.com", Address: "a@b.org", Token: "guessable"}); err == nil || IsUserError(err) {
		t.Errorf("a malformed token: %v, want the server's own error", err)
	}
}

func TestListIsFull(t *testing.T) {
	f := newFakeLists()
	mustList(t, f)
	f.lists["news@example.com"].Counts = ListCounts{Subscribed: MaxSubscribers - 1, Unsubscribed: 7}
	if err := applyList(f, System(DoorSMTP), listT0, &RequestSubscription{List: "news@example.com", Address: "a@b.org", Token: token(1)}); err != nil {
		t.Fatal(err)
	}
	err := applyList(f, System(DoorSMTP), listT0, &RequestSubscription{List: "news@example.com", Address: "c@d.org", Token: token(2)})
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("the 50,001st: %v", err)
	}
	// Confirming the one already waiting still works.
	if err := applyList(f, System(DoorSMTP), listT0, &ConfirmSubscription{Token: token(1)}); err != nil {
		t.Fatal(err)
	}
	err = applyList(f, listAdmin, listT0, &AddSubscribers{List: "news@example.com", Addresses: []string{"e@f.org"}})
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("an admin's 50,001st: %v", err)
	}
}

func TestAddSubscribers(t *testing.T) {
	f := newFakeLists()
	mustList(t, f)
	sys := System(DoorSMTP)
	applyList(f, sys, listT0, &RequestSubscription{List: "news@example.com", Address: "waiting@b.org", Token: token(1)})
	applyList(f, listAdmin, listT0, &AddSubscribers{List: "news@example.com", Addresses: []string{"left@b.org"}})
	applyList(f, sys, listT0, &Unsubscribe{List: "news@example.com", Address: "left@b.org", ByMail: true})

	c := &AddSubscribers{List: "news@example.com", Addresses: []string{"new@b.org", "NEW@b.org", "waiting@b.org", "left@b.org"}}
	if err := applyList(f, listAdmin, listT0, c); err != nil {
		t.Fatal(err)
	}
	if c.Added != 2 || len(c.Skipped) != 1 || !strings.Contains(c.Skipped[0], "--resubscribe") {
		t.Fatalf("added %d skipped %q", c.Added, c.Skipped)
	}
	if got := f.lists["news@example.com"].Counts; got != (ListCounts{Subscribed: 2, Unsubscribed: 1}) {
		t.Fatalf("counts %+v", got)
	}
	if _, ok := f.tokens[token(1)]; ok {
		t.Fatal("the confirmation token of a subscriber an admin added is still valid")
	}
	c = &AddSubscribers{List: "news@example.com", Addresses: []string{"left@b.org", "new@b.org"}, Resubscribe: true}
	if err := applyList(f, listAdmin, listT0, c); err != nil || c.Added != 1 {
		t.Fatalf("resubscribe: %v, added %d", err, c.Added)
	}
	before := f.lists["news@example.com"].Counts
	if err := applyList(f, listAdmin, listT0, &AddSubscribers{List: "news@example.com", Addresses: []string{"ok@b.org", "not an address"}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a bad address: %v", err)
	}
	_ = before // the store rolls the whole change back; the fake does not
}
