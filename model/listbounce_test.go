package model

import (
	"strings"
	"testing"
	"time"
)

// TestHardBounce: the rule of a list (default 3 within 30 days, or the
// list's own), counting only the bounces within the window.
func TestHardBounce(t *testing.T) {
	day := func(n int) time.Time { return listT0.AddDate(0, 0, n) }
	tests := []struct {
		name        string
		limit, days int
		before      []time.Time
		at          time.Time
		removed     bool
		kept        int
	}{
		{"first bounce", 0, 0, nil, day(0), false, 1},
		{"second bounce", 0, 0, []time.Time{day(0)}, day(1), false, 2},
		{"third within 30 days", 0, 0, []time.Time{day(0), day(10)}, day(29), true, 3},
		{"third after the first left the window", 0, 0, []time.Time{day(0), day(10)}, day(30), false, 2},
		{"old bounces dropped", 0, 0, []time.Time{day(-100), day(-60), day(-31)}, day(0), false, 1},
		{"a bounce from the future is dropped", 0, 0, []time.Time{day(5), day(6)}, day(0), false, 1},
		{"the list's own limit 1", 1, 0, nil, day(0), true, 1},
		{"the list's own window 7 days", 2, 7, []time.Time{day(0)}, day(7), false, 1},
		{"within the list's own window", 2, 7, []time.Time{day(0)}, day(6), true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &MailingList{BounceLimit: tt.limit, BounceDays: tt.days}
			s := &Subscriber{Bounces: tt.before}
			if got := l.HardBounce(s, tt.at); got != tt.removed || len(s.Bounces) != tt.kept || !s.Bounces[len(s.Bounces)-1].Equal(tt.at) {
				t.Errorf("removed %v with %d kept (%v), want %v with %d", got, len(s.Bounces), s.Bounces, tt.removed, tt.kept)
			}
		})
	}
	if limit, days := (&MailingList{}).BounceRule(); limit != 3 || days != 30 {
		t.Errorf("default rule %d in %d days", limit, days)
	}
}

// TestClassifyBounce: what a message to the bounces address counts as.
func TestClassifyBounce(t *testing.T) {
	dsn := func(action, status string) string {
		return "From: MAILER-DAEMON@kunde.example\r\nContent-Type: multipart/report; report-type=delivery-status;\r\n boundary=\"b\"\r\n\r\n" +
			"--b\r\nContent-Type: text/plain\r\n\r\nYour mail could not be delivered.\r\n" +
			"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.kunde.example\r\n\r\n" +
			"Final-Recipient: rfc822; a@kunde.example\r\nAction: " + action + "\r\nStatus: " + status + "\r\n--b--\r\n"
	}
	tests := []struct {
		name, msg string
		want      BounceKind
	}{
		{"failed 5.1.1", dsn("failed", "5.1.1"), BounceHard},
		{"failed, status missing its class", dsn("failed", "x"), BounceHard},
		{"status 5 with an odd action", dsn("unknown", "5.2.2"), BounceHard},
		{"delayed 4.4.1", dsn("delayed", "4.4.1"), BounceSoft},
		{"delivered", dsn("delivered", "2.0.0"), BounceNone},
		{"relayed", dsn("relayed", "2.0.0"), BounceNone},
		{"out of office", "From: a@kunde.example\r\nAuto-Submitted: auto-replied\r\nSubject: Away\r\n\r\nI am away.\r\n", BounceNone},
		{"a server that writes no DSN", "From: MAILER-DAEMON@old.example\r\nSubject: failure notice\r\n\r\nSorry, no mailbox here by that name.\r\n", BounceHard},
		{"LF line ends", strings.ReplaceAll(dsn("failed", "5.1.1"), "\r\n", "\n"), BounceHard},
		{"empty", "", BounceHard},
	}
	for _, tt := range tests {
		if got := ClassifyBounce([]byte(tt.msg)); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

func FuzzClassifyBounce(f *testing.F) {
	f.Add([]byte("Content-Type: multipart/report\r\n\r\nAction: failed\r\nStatus: 5.1.1\r\n"))
	f.Add([]byte("Auto-Submitted: auto-replied\n\nhi"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		switch ClassifyBounce(msg) {
		case BounceHard, BounceSoft, BounceNone:
		default:
			t.Fatal("unknown kind")
		}
	})
}

// TestRecordBounces: bounces by key or by address count against
// subscribed addresses only; the third within the window takes the
// subscriber off (bouncing), in the counts and the day's statistics; a
// new subscribe request brings it back as unconfirmed.
func TestRecordBounces(t *testing.T) {
	f := newFakeLists()
	mustList(t, f)
	list := Address("news@example.com")
	if err := applyList(f, listAdmin, listT0, &AddSubscribers{List: list, Addresses: []string{"a@o.example", "b@o.example"}}); err != nil {
		t.Fatal(err)
	}
	if err := applyList(f, listAdmin, listT0, &Unsubscribe{List: list, Address: "b@o.example"}); err != nil {
		t.Fatal(err)
	}
	a, _, _ := f.Subscriber(list, "a@o.example")
	if !ValidListToken(a.Key) {
		t.Fatalf("no key: %+v", a)
	}
	sys := System(DoorSMTP)
	steps := []struct {
		ch      *RecordBounces
		at      time.Time
		counted int
		removed int
		status  SubStatus
	}{
		{&RecordBounces{List: list, Keys: []string{a.Key}}, listT0, 1, 0, SubSubscribed},
		{&RecordBounces{List: list, Keys: []string{token(99)}, Addresses: []string{"b@o.example", "nobody@o.example", "not an address"}}, listT0, 0, 0, SubSubscribed},
		{&RecordBounces{List: list, Addresses: []string{"A@O.example"}}, listT0.Add(time.Hour), 1, 0, SubSubscribed},
		{&RecordBounces{List: list, Keys: []string{a.Key}}, listT0.Add(48 * time.Hour), 1, 1, SubBouncing},
		{&RecordBounces{List: list, Keys: []string{a.Key}}, listT0.Add(49 * time.Hour), 0, 0, SubBouncing},
	}
	for i, st := range steps {
		if err := applyList(f, sys, st.at, st.ch); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		s, _, _ := f.Subscriber(list, "a@o.example")
		if len(st.ch.Counted) != st.counted || len(st.ch.Removed) != st.removed || s.Status != st.status {
			t.Errorf("step %d: counted %v, removed %v, status %s", i, st.ch.Counted, st.ch.Removed, s.Status)
		}
	}
	if c := f.lists[list].Counts; c != (ListCounts{Unsubscribed: 1, Bouncing: 1}) {
		t.Errorf("counts %+v", c)
	}
	if d := f.days[string(list)+" "+DayOf(listT0.Add(48*time.Hour))]; d.Removed != 1 {
		t.Errorf("day %+v", d)
	}
	// Asking again brings it back, unconfirmed, with its key and no bounces.
	if err := applyList(f, sys, listT0.Add(72*time.Hour), &RequestSubscription{List: list, Address: "a@o.example", Token: token(5)}); err != nil {
		t.Fatal(err)
	}
	if s, _, _ := f.Subscriber(list, "a@o.example"); s.Status != SubUnconfirmed || s.Key != a.Key || len(s.Bounces) != 0 {
		t.Errorf("back: %+v", s)
	}
	// A member without list.manage is refused.
	if err := applyList(f, Actor{Address: "pm@example.com"}, listT0, &RecordBounces{List: list, Keys: []string{a.Key}}); err == nil || !strings.Contains(err.Error(), "list.manage") {
		t.Errorf("a member: %v", err)
	}
}

// TestUnsubscribeByMail: the plain unsubscribe address only mails the
// sender its key (once an hour, nothing for an address not on the list);
// mail to the key's address unsubscribes, and an unknown key or one of
// another list changes nothing, with no error either way.
func TestUnsubscribeByMail(t *testing.T) {
	f := newFakeLists()
	mustList(t, f)
	if err := applyList(f, listAdmin, listT0, &AddList{Address: "other@example.com", Name: "Other"}); err != nil {
		t.Fatal(err)
	}
	list := Address("news@example.com")
	if err := applyList(f, listAdmin, listT0, &AddSubscribers{List: list, Addresses: []string{"a@o.example"}}); err != nil {
		t.Fatal(err)
	}
	if err := applyList(f, listAdmin, listT0, &AddSubscribers{List: "other@example.com", Addresses: []string{"z@o.example"}}); err != nil {
		t.Fatal(err)
	}
	a, _, _ := f.Subscriber(list, "a@o.example")
	z, _, _ := f.Subscriber("other@example.com", "z@o.example")
	sys := System(DoorSMTP)
	asks := []struct {
		who     string
		at      time.Time
		outcome UnsubscribeOutcome
	}{
		{"A@o.example", listT0, UnsubscribeMailed},
		{"a@o.example", listT0.Add(30 * time.Minute), UnsubscribeWaiting},
		{"a@o.example", listT0.Add(2 * time.Hour), UnsubscribeMailed},
		{"stranger@o.example", listT0, UnsubscribeNotOn},
		{"z@o.example", listT0, UnsubscribeNotOn},
	}
	for _, ask := range asks {
		ch := &RequestUnsubscribe{List: list, Address: ask.who}
		if err := applyList(f, sys, ask.at, ch); err != nil {
			t.Fatal(err)
		}
		if ch.Outcome != ask.outcome || (ask.outcome == UnsubscribeMailed) != (ch.Key == a.Key) {
			t.Errorf("%s at %s: %s key %q", ask.who, ask.at, ch.Outcome, ch.Key)
		}
	}
	if s, _, _ := f.Subscriber(list, "a@o.example"); s.Status != SubSubscribed {
		t.Fatalf("asking alone unsubscribed: %+v", s)
	}
	for _, key := range []string{token(123), z.Key} {
		if err := applyList(f, sys, listT0, &Unsubscribe{List: list, Key: key, ByMail: true}); err != nil {
			t.Fatal(err)
		}
	}
	if s, _, _ := f.Subscriber("other@example.com", "z@o.example"); s.Status != SubSubscribed {
		t.Errorf("a key of another list unsubscribed: %+v", s)
	}
	ch := &Unsubscribe{List: list, Key: a.Key, ByMail: true}
	if err := applyList(f, sys, listT0, ch); err != nil {
		t.Fatal(err)
	}
	if s, _, _ := f.Subscriber(list, "a@o.example"); s.Status != SubUnsubscribed || ch.Target() != "news@example.com a@o.example" {
		t.Errorf("by key: %+v, target %q", s, ch.Target())
	}
	if ch := (&RequestUnsubscribe{List: list, Address: "a@o.example"}); applyList(f, sys, listT0.Add(5*time.Hour), ch) != nil || ch.Outcome != UnsubscribeNotOn {
		t.Errorf("after leaving: %s", ch.Outcome)
	}
}

// TestSetListBounceRule: the rule's bounds.
func TestSetListBounceRule(t *testing.T) {
	f := newFakeLists()
	mustList(t, f)
	n := func(i int) *int { return &i }
	tests := []struct {
		limit, days *int
		err         string
	}{
		{n(5), n(60), ""},
		{n(0), nil, "--bounce-limit takes 1 to 100"},
		{nil, n(366), "--bounce-days takes 1 to 365"},
		{n(101), nil, "--bounce-limit"},
	}
	for _, tt := range tests {
		err := applyList(f, listAdmin, listT0, &SetList{Address: "news@example.com", BounceLimit: tt.limit, BounceDays: tt.days})
		if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%v %v: %v", tt.limit, tt.days, err)
		}
	}
	if limit, days := f.lists["news@example.com"].BounceRule(); limit != 5 || days != 60 {
		t.Errorf("rule %d %d", limit, days)
	}
}
