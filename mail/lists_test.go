package mail

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-smtp"

	"postroom/model"
	"postroom/store"
)

// listServer is a running relay (delivery included) whose other-domain
// mail goes to a fake next hop, with the list news@example.com whose one
// sender is the demo member.
func listServer(t *testing.T) (*testServer, *fakeHop, model.Address) {
	t.Helper()
	hop := newFakeHop(t, fakeHopOptions{})
	ts := newTestServer(t, func(c *Config) { c.Smarthost.Addr = hop.addr })
	sender := model.Address(demoLogin(t, "member").Address)
	if err := ts.store.Apply(model.System(model.DoorCLI), &model.AddList{Address: "news@example.com", Name: "产品通讯", Senders: []model.Address{sender}}); err != nil {
		t.Fatal(err)
	}
	ts.run()
	return ts, hop, sender
}

func (ts *testServer) list() *model.MailingList {
	ts.t.Helper()
	var l *model.MailingList
	if err := ts.store.Read(func(r *store.Reader) error {
		var err error
		l, err = r.MailingList("news@example.com")
		return err
	}); err != nil {
		ts.t.Fatal(err)
	}
	return l
}

func (ts *testServer) listDay() model.ListDay {
	ts.t.Helper()
	var d model.ListDay
	ts.store.Read(func(r *store.Reader) error {
		days, err := r.ListDays("news@example.com", model.DayOf(ts.clock.Now()), model.DayOf(ts.clock.Now()))
		if len(days) == 1 {
			d = days[0]
		}
		return err
	})
	return d
}

// hopMessagesTo returns what the next hop got for rcpt.
func hopMessagesTo(h *fakeHop, rcpt string) []hopMsg {
	var out []hopMsg
	for _, m := range h.received() {
		for _, to := range m.to {
			if strings.EqualFold(to, rcpt) {
				out = append(out, m)
			}
		}
	}
	return out
}

var confirmAddrRE = regexp.MustCompile(`news\+confirm-[0-9a-f]{32}@example\.com`)

// TestListCycle: the whole life of a subscriber through the real doors.
// An outside address subscribes by mail, gets a confirmation whose reply
// address carries a token, confirms by replying, receives a post of the
// list's sender with List-Id and List-Unsubscribe, unsubscribes by mail
// to the address List-Unsubscribe names, and gets no more posts. The
// counts, the day's statistics and the operation log follow each step.
func TestListCycle(t *testing.T) {
	ts, hop, sender := listServer(t)
	const reader = "Reader@Outside.example"

	// Subscribe from outside, through the inbound door.
	c := ts.dial(ts.inbound)
	if err := send(c, reader, []string{"news+subscribe@example.com"}, message(reader, "news+subscribe@example.com", "subscribe", "")); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	if l := ts.list(); l.Counts != (model.ListCounts{Unconfirmed: 1}) {
		t.Fatalf("after subscribing: %+v", l.Counts)
	}
	waitFor(t, "the confirmation", func() bool { return len(hopMessagesTo(hop, "reader@outside.example")) == 1 })
	conf := hopMessagesTo(hop, "reader@outside.example")[0]
	if conf.from != "" {
		t.Errorf("the confirmation's envelope sender is %q, want <>", conf.from)
	}
	addr := confirmAddrRE.FindString(conf.body)
	if addr == "" || !strings.Contains(conf.body, "Reply-To: "+addr) {
		t.Fatalf("no confirmation address in Reply-To:\n%s", conf.body)
	}
	text := decodedBody(t, conf.body)
	for _, want := range []string{"产品通讯", addr, "reader@outside.example", "reply to this mail", "直接回复本邮件"} {
		if !strings.Contains(text+conf.body, want) {
			t.Errorf("the confirmation lacks %q:\n%s", want, text)
		}
	}

	// Before confirming, a post reaches nobody.
	sub, _ := ts.login("member")
	if err := send(sub, string(sender), []string{"news@example.com"}, message(string(sender), "news@example.com", "early", "x")); code(err) != 554 {
		t.Fatalf("a post with nobody subscribed: %v, want 554", err)
	}

	// A guessed token is refused; an automatic reply does not confirm.
	c = ts.dial(ts.inbound)
	guess := "news+confirm-" + strings.Repeat("0", 32) + "@example.com"
	if err := send(c, reader, []string{guess}, message(reader, guess, "Re: confirm", "yes")); code(err) != 550 {
		t.Fatalf("a guessed token: %v, want 550", err)
	}
	auto := "Auto-Submitted: auto-replied\r\n" + message(reader, addr, "Out of office", "away")
	if err := send(c, reader, []string{addr}, auto); code(err) != 550 {
		t.Fatalf("an automatic reply: %v, want 550", err)
	}
	// The confirmation address is the transaction's only recipient.
	if err := send(c, reader, []string{addr, "wangwei@example.com"}, message(reader, addr, "Re", "x")); code(err) != 550 {
		t.Fatalf("confirmation with another recipient: %v, want 550", err)
	}
	c.Reset()

	// Confirm by replying.
	if err := send(c, "reader@outside.example", []string{addr}, message(reader, addr, "Re: confirm", "yes please")); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	if l := ts.list(); l.Counts != (model.ListCounts{Subscribed: 1}) {
		t.Fatalf("after confirming: %+v", l.Counts)
	}
	if err := send(c, reader, []string{addr}, message(reader, addr, "Re: confirm", "again")); code(err) != 550 {
		t.Fatalf("the token twice: %v, want 550", err)
	}
	waitFor(t, "the welcome", func() bool { return len(hopMessagesTo(hop, "reader@outside.example")) == 2 })

	// Only the list's senders post.
	other, otherAddr := ts.login("head")
	err := send(other, string(otherAddr), []string{"news@example.com"}, message(string(otherAddr), "news@example.com", "mine", "x"))
	if se, ok := err.(*smtp.SMTPError); !ok || se.Code != 550 || se.EnhancedCode != (smtp.EnhancedCode{5, 7, 1}) || !strings.Contains(se.Message, "Only the senders") {
		t.Fatalf("a post from someone else: %v", err)
	}
	out := ts.dial(ts.inbound)
	if err := send(out, "spammer@outside.example", []string{"news@example.com"}, message("spammer@outside.example", "news@example.com", "buy", "x")); code(err) != 550 {
		t.Fatalf("a post from outside: %v", err)
	}

	// The sender posts; the subscriber receives it with the list headers.
	if err := send(sub, string(sender), []string{"news@example.com"}, message(string(sender), "news@example.com", "December news", "新品上市")); err != nil {
		t.Fatalf("post: %v", err)
	}
	waitFor(t, "the post", func() bool { return len(hopMessagesTo(hop, "reader@outside.example")) == 3 })
	post := hopMessagesTo(hop, "reader@outside.example")[2]
	key := subscriberKey(t, ts, "reader@outside.example")
	if post.from != "news+bounces-"+key+"@example.com" {
		t.Errorf("the post's envelope sender is %q, want the subscriber's bounces address", post.from)
	}
	for _, want := range []string{"List-Id: =?utf-8?b?", "<news.example.com>", "List-Unsubscribe: <mailto:news+unsubscribe-" + key + "@example.com?subject=unsubscribe>", "Subject: December news", "新品上市"} {
		if !strings.Contains(post.body, want) {
			t.Errorf("the post lacks %q:\n%s", want, post.body)
		}
	}
	if strings.Contains(post.body, "List-Unsubscribe-Post") || strings.Count(post.body, "List-Unsubscribe:") != 1 {
		t.Error("List-Unsubscribe-Post promises a one-click HTTPS unsubscribe that is not offered, or List-Unsubscribe is not there once")
	}
	waitFor(t, "the statistics", func() bool { d := ts.listDay(); return d.Posts == 1 && d.Delivered == 1 })

	// Mail to the plain unsubscribe address, even from the subscriber's
	// own address, only sends it a mail to reply to.
	if err := send(c, reader, []string{"news+unsubscribe@example.com"}, message(reader, "news+unsubscribe@example.com", "unsubscribe", "")); err != nil {
		t.Fatalf("ask to unsubscribe: %v", err)
	}
	if l := ts.list(); l.Counts != (model.ListCounts{Subscribed: 1}) {
		t.Fatalf("unsubscribed on the sender's word: %+v", l.Counts)
	}
	waitFor(t, "the mail to confirm leaving", func() bool { return len(hopMessagesTo(hop, "reader@outside.example")) == 4 })
	leave := hopMessagesTo(hop, "reader@outside.example")[3]
	unsub := "news+unsubscribe-" + key + "@example.com"
	if !strings.Contains(leave.body, "Reply-To: "+unsub) || !strings.Contains(decodedBody(t, leave.body), "请直接回复本邮件") {
		t.Fatalf("the mail to confirm leaving:\n%s", leave.body)
	}

	// Unsubscribe by a reply to it (the List-Unsubscribe address).
	if err := send(c, reader, []string{unsub}, message(reader, unsub, "Re: leave", "")); err != nil {
		t.Fatalf("unsubscribe: %v", err)
	}
	if l := ts.list(); l.Counts != (model.ListCounts{Unsubscribed: 1}) {
		t.Fatalf("after unsubscribing: %+v", l.Counts)
	}
	if err := send(sub, string(sender), []string{"news@example.com"}, message(string(sender), "news@example.com", "January", "x")); code(err) != 554 {
		t.Fatalf("a post after the only subscriber left: %v", err)
	}
	d := ts.listDay()
	if d != (model.ListDay{Day: model.DayOf(ts.clock.Now()), Posts: 1, Delivered: 1, Subscribed: 1, Unsubscribed: 1}) {
		t.Errorf("the day's statistics: %+v", d)
	}

	// A delivery report to the bounces address is counted; nothing else
	// is taken there.
	if err := send(c, "", []string{"news+bounces@example.com"}, message("MAILER-DAEMON@outside.example", "news+bounces@example.com", "Undelivered", "x")); err != nil {
		t.Fatalf("a bounce: %v", err)
	}
	if err := send(c, reader, []string{"news+bounces@example.com"}, message(reader, "news+bounces@example.com", "hi", "x")); code(err) != 550 {
		t.Fatalf("a letter to the bounces address: %v", err)
	}
	if d := ts.listDay(); d.Bounced != 1 {
		t.Errorf("bounces %d, want 1", d.Bounced)
	}

	// The subscribe and unsubscribe changes are in the operation log,
	// through the smtp door, naming the address; the token is not there.
	var recs []store.OpRecord
	if err := ts.store.Read(func(r *store.Reader) error {
		var err error
		recs, err = r.OpLog(store.OpFilter{Op: "list."})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var ops []string
	for i := len(recs) - 1; i >= 0; i-- { // oldest first
		r := recs[i]
		if strings.HasPrefix(r.Op, "list.") && r.Door == model.DoorSMTP {
			ops = append(ops, r.Op)
			if !strings.Contains(strings.ToLower(r.Name), "reader@outside.example") {
				t.Errorf("%s by %q: the name does not say whose mail it was", r.Op, r.Name)
			}
			for _, ch := range r.Changes {
				if strings.Contains(string(ch.After)+string(ch.Before), addr[len("news+confirm-"):32+len("news+confirm-")]) {
					t.Errorf("%s: the token is in the operation log", r.Op)
				}
				if strings.Contains(string(ch.After)+string(ch.Before), key) {
					t.Errorf("%s: the subscriber's key is in the operation log", r.Op)
				}
			}
		}
	}
	if strings.Join(ops, " ") != "list.subscribe list.confirm list.unsubscribe.ask list.unsubscribe" {
		t.Errorf("logged %q", ops)
	}
}

// TestListSubscribeRefusals: requests without a sender, automatic ones,
// and a list address among other recipients are refused; a second request
// within the hour sends no second confirmation.
func TestListSubscribeRefusals(t *testing.T) {
	ts, hop, _ := listServer(t)
	c := ts.dial(ts.inbound)
	if err := send(c, "", []string{"news+subscribe@example.com"}, message("x@outside.example", "news+subscribe@example.com", "s", "")); code(err) != 550 {
		t.Fatalf("null sender: %v", err)
	}
	c.Reset()
	if err := send(c, "x@outside.example", []string{"news+subscribe@example.com"}, "Auto-Submitted: auto-replied\r\n"+message("x@outside.example", "n", "s", "")); code(err) != 550 {
		t.Fatalf("automatic: %v", err)
	}
	if err := send(c, "x@outside.example", []string{"wangwei@example.com", "news+subscribe@example.com"}, message("x@outside.example", "n", "s", "")); code(err) != 550 {
		t.Fatalf("among others: %v", err)
	}
	c.Reset()
	for i := 0; i < 3; i++ {
		if err := send(c, "x@outside.example", []string{"news+subscribe@example.com"}, message("x@outside.example", "n", "s", "")); err != nil {
			t.Fatalf("subscribe %d: %v", i, err)
		}
	}
	// Confirmations are queued before the 250: count them in the spool.
	ms, err := ts.spool.List(store.QueueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range ms {
		if strings.HasPrefix(m.HeaderFrom, "news+confirm-") {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d confirmations for three requests within the hour", n)
	}
	waitFor(t, "the confirmation", func() bool { return len(hopMessagesTo(hop, "x@outside.example")) == 1 })
	if err := send(c, "x@outside.example", []string{"nolist+subscribe@example.com"}, message("x@outside.example", "n", "s", "")); code(err) != 550 {
		t.Fatalf("a tag on an address that is no list: %v", err)
	}
}

// decodedBody returns the decoded base64 text of a single-part notice.
func decodedBody(t *testing.T, msg string) string {
	t.Helper()
	_, b, ok := strings.Cut(msg, "\r\n\r\n")
	if !ok {
		return ""
	}
	raw, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(b, "\r\n", ""))
	if err != nil {
		return b
	}
	return string(raw)
}

// TestListPostOverManyPages: a post to more subscribers than one delivery
// round takes (1,000) reaches them all over reused connections, and every
// round's copies are counted in the day's statistics.
func TestListPostOverManyPages(t *testing.T) {
	ts, hop, sender := listServer(t)
	const n = 1200
	addrs := make([]string, n)
	for i := range addrs {
		addrs[i] = fmt.Sprintf("r%04d@customer%d.example", i, i%3)
	}
	if err := ts.store.Apply(model.System(model.DoorCLI), &model.AddSubscribers{List: "news@example.com", Addresses: addrs}); err != nil {
		t.Fatal(err)
	}
	c, _ := ts.login("member")
	if err := send(c, string(sender), []string{"news@example.com"}, message(string(sender), "news@example.com", "big", "x")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "every copy", func() bool { return ts.listDay().Delivered == n })
	got := 0
	for _, m := range hop.received() {
		got += len(m.to)
	}
	if conns, _ := hop.stats(); got != n || conns > 4 {
		t.Errorf("the next hop got %d copies over %d connections", got, conns)
	}
}

// TestListImportConfirmations: the addresses an import made unconfirmed
// are each mailed the confirmation by the running relay; a reply to it
// subscribes, like a request by mail.
func TestListImportConfirmations(t *testing.T) {
	ts, hop, _ := listServer(t)
	rows := []model.SubscriberRow{{Line: 2, Address: "eins@kunde.example"}, {Line: 3, Address: "zwei@kunde.example", Name: "Zwei"}}
	if err := ts.store.Apply(model.System(model.DoorCLI), &model.ImportSubscribers{List: "news@example.com", Rows: rows, File: "f.csv"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "both confirmations", func() bool {
		return len(hopMessagesTo(hop, "eins@kunde.example")) == 1 && len(hopMessagesTo(hop, "zwei@kunde.example")) == 1
	})
	waitFor(t, "nothing pending", func() bool { p, err := ts.store.PendingConfirmations(10); return err == nil && len(p) == 0 })
	invite := hopMessagesTo(hop, "zwei@kunde.example")[0]
	addr := confirmAddrRE.FindString(invite.body)
	if addr == "" || !strings.Contains(invite.body, "Reply-To: "+addr) {
		t.Fatalf("no confirmation address:\n%s", invite.body)
	}
	if text := decodedBody(t, invite.body); !strings.Contains(text, "by the people who run it") || !strings.Contains(text, "管理者登记了") {
		t.Errorf("the confirmation does not say the list's owners gave the address:\n%s", text)
	}
	c := ts.dial(ts.inbound)
	if err := send(c, "zwei@kunde.example", []string{addr}, message("zwei@kunde.example", addr, "Re: confirm", "ja")); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	if l := ts.list(); l.Counts != (model.ListCounts{Subscribed: 1, Unconfirmed: 1}) {
		t.Errorf("counts %+v", l.Counts)
	}
}

// subscriberKey reads a subscriber's key from the store.
func subscriberKey(t *testing.T, ts *testServer, addr string) string {
	t.Helper()
	var key string
	if err := ts.store.Read(func(r *store.Reader) error {
		s, ok, err := r.Subscriber("news@example.com", addr)
		if ok {
			key = s.Key
		}
		return err
	}); err != nil || !model.ValidListToken(key) {
		t.Fatalf("the key of %s: %q %v", addr, key, err)
	}
	return key
}

func (ts *testServer) subscriber(addr string) *model.Subscriber {
	ts.t.Helper()
	var s *model.Subscriber
	if err := ts.store.Read(func(r *store.Reader) error {
		var err error
		s, _, err = r.Subscriber("news@example.com", addr)
		return err
	}); err != nil || s == nil {
		ts.t.Fatalf("subscriber %s: %v", addr, err)
	}
	return s
}

// dsnTo is a delivery status notification about rcpt.
func dsnTo(to, rcpt, action, status string) string {
	return "From: MAILER-DAEMON@kunde.example\r\nTo: " + to + "\r\nSubject: Undelivered Mail\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nNot delivered.\r\n" +
		"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.kunde.example\r\n\r\n" +
		"Final-Recipient: rfc822; " + rcpt + "\r\nAction: " + action + "\r\nStatus: " + status + "\r\n--b--\r\n"
}

// TestListBounces: each copy's envelope sender carries its subscriber's
// key (VERP), so delivery reports coming back are matched to the
// subscriber: a delayed report counts nothing, the third hard one within
// 30 days takes it off (bouncing) and later posts skip it. Copies the
// queue itself gives up on (a 5xx of the next hop) count the same way.
// Mail to a subscriber's unsubscribe-KEY address unsubscribes it
// whatever the envelope sender.
func TestListBounces(t *testing.T) {
	ts, hop, sender := listServer(t)
	subs := []string{"gone@kunde.example", "full@kunde.example", "stays@kunde.example", "leaves@kunde.example"}
	if err := ts.store.Apply(model.System(model.DoorCLI), &model.AddSubscribers{List: "news@example.com", Addresses: subs}); err != nil {
		t.Fatal(err)
	}
	hop.setRcpt("full@kunde.example", &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 2, 2}, Message: "Mailbox full"})
	c, _ := ts.login("member")
	post := func(n int) {
		t.Helper()
		if err := send(c, string(sender), []string{"news@example.com"}, message(string(sender), "news@example.com", fmt.Sprintf("post %d", n), "x")); err != nil {
			t.Fatalf("post %d: %v", n, err)
		}
	}
	post(1)
	waitFor(t, "the first post", func() bool { return len(hopMessagesTo(hop, "gone@kunde.example")) == 1 && ts.listDay().Bounced == 1 })
	gone := hopMessagesTo(hop, "gone@kunde.example")[0]
	key := subscriberKey(t, ts, "gone@kunde.example")
	bounces := "news+bounces-" + key + "@example.com"
	if gone.from != bounces {
		t.Fatalf("envelope sender %q, want %q", gone.from, bounces)
	}
	in := ts.dial(ts.inbound)
	report := func(action, status string) {
		t.Helper()
		if err := send(in, "", []string{bounces}, dsnTo(bounces, "gone@kunde.example", action, status)); err != nil {
			t.Fatalf("report %s: %v", action, err)
		}
	}
	report("delayed", "4.4.1")
	if s := ts.subscriber("gone@kunde.example"); len(s.Bounces) != 0 {
		t.Fatalf("a delayed report counted: %+v", s)
	}
	report("failed", "5.1.1")
	ts.clock.Add(24 * time.Hour)
	report("failed", "5.1.1")
	if s := ts.subscriber("gone@kunde.example"); s.Status != model.SubSubscribed || len(s.Bounces) != 2 {
		t.Fatalf("after two: %+v", s)
	}
	post(2)
	waitFor(t, "the second post", func() bool { return ts.listDay().Bounced == 2 && len(hopMessagesTo(hop, "stays@kunde.example")) == 2 })
	report("failed", "5.1.1")
	if s := ts.subscriber("gone@kunde.example"); s.Status != model.SubBouncing {
		t.Fatalf("after three: %+v", s)
	}
	// The next hop's 550 for full@ counted for it in both posts; once more.
	ts.clock.Add(24 * time.Hour)
	post(3)
	waitFor(t, "the third post", func() bool { return len(hopMessagesTo(hop, "stays@kunde.example")) == 3 })
	waitFor(t, "full@ taken off", func() bool { return ts.subscriber("full@kunde.example").Status == model.SubBouncing })
	if n := len(hopMessagesTo(hop, "gone@kunde.example")); n != 2 {
		t.Errorf("gone@ got %d posts, want 2 (none after it was taken off)", n)
	}

	// Leaving by the List-Unsubscribe address, from another sender.
	unsub := "news+unsubscribe-" + subscriberKey(t, ts, "leaves@kunde.example") + "@example.com"
	if err := send(in, "someone@else.example", []string{unsub}, message("someone@else.example", unsub, "unsubscribe", "")); err != nil {
		t.Fatalf("unsubscribe by key: %v", err)
	}
	if err := send(in, "", []string{"news+unsubscribe-" + strings.Repeat("ab", 16) + "@example.com"}, message("x@else.example", "n", "unsubscribe", "")); err != nil {
		t.Fatalf("an unknown key gets the same answer: %v", err)
	}
	if l := ts.list(); l.Counts != (model.ListCounts{Subscribed: 1, Unsubscribed: 1, Bouncing: 2}) {
		t.Errorf("counts %+v", l.Counts)
	}
	var removed, bounced int
	ts.store.Read(func(r *store.Reader) error {
		days, err := r.ListDays("news@example.com", "2000-01-01", "2100-01-01")
		for _, d := range days {
			removed += d.Removed
			bounced += d.Bounced
		}
		return err
	})
	if removed != 2 || bounced != 6 {
		t.Errorf("statistics: %d removed, %d bounced; want 2 and 6 (3 reports, 3 refused copies)", removed, bounced)
	}
}

// TestListCopiesSigned: with DKIM on, each copy is signed on its own, its
// List-Unsubscribe (the subscriber's key) covered, and verifies.
func TestListCopiesSigned(t *testing.T) {
	ts, hop, sender := listServer(t)
	if err := ts.store.Apply(model.System(model.DoorCLI), &model.EnableDKIM{Domain: "example.com", Selector: "pr1"}); err != nil {
		t.Fatal(err)
	}
	var txt string
	ts.store.Read(func(r *store.Reader) error {
		key, err := r.DKIMKey("example.com")
		if err == nil {
			txt, err = key.Record()
		}
		return err
	})
	subs := []string{"a@kunde.example", "b@kunde.example"}
	if err := ts.store.Apply(model.System(model.DoorCLI), &model.AddSubscribers{List: "news@example.com", Addresses: subs}); err != nil {
		t.Fatal(err)
	}
	c, _ := ts.login("member")
	if err := send(c, string(sender), []string{"news@example.com"}, message(string(sender), "news@example.com", "signed", "x")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "both copies", func() bool { return len(hopMessagesTo(hop, subs[0])) == 1 && len(hopMessagesTo(hop, subs[1])) == 1 })
	for _, a := range subs {
		body := hopMessagesTo(hop, a)[0].body
		if !strings.Contains(body, "news+unsubscribe-"+subscriberKey(t, ts, a)) {
			t.Errorf("%s: not its own List-Unsubscribe:\n%s", a, body)
		}
		v, err := dkim.VerifyWithOptions(strings.NewReader(body), &dkim.VerifyOptions{LookupTXT: func(string) ([]string, error) { return []string{txt}, nil }})
		if err != nil || len(v) != 1 || v[0].Err != nil || !slices.Contains(v[0].HeaderKeys, "List-Unsubscribe") {
			t.Errorf("%s: signature %v %+v", a, err, v)
		}
	}
}

// TestListInviteOnce: a confirmation of an import is queued once even
// when the pass runs again before it was taken off the pending ones (a
// crash in between), and the spool's marker does not hold the token.
func TestListInviteOnce(t *testing.T) {
	ts := newTestServer(t, nil) // not run: the pass is called here
	if err := ts.store.Apply(model.System(model.DoorCLI), &model.AddList{Address: "news@example.com", Name: "News"}); err != nil {
		t.Fatal(err)
	}
	if err := ts.store.Apply(model.System(model.DoorCLI), &model.ImportSubscribers{List: "news@example.com", Rows: []model.SubscriberRow{{Line: 2, Address: "a@kunde.example"}}, File: "f"}); err != nil {
		t.Fatal(err)
	}
	due, err := ts.store.PendingConfirmations(10)
	if err != nil || len(due) != 1 {
		t.Fatalf("pending %+v %v", due, err)
	}
	l := ts.list()
	for range 2 {
		if err := ts.relay.sendListMailOnce(listMailInvite, l, due[0].Address, due[0].Token); err != nil {
			t.Fatal(err)
		}
	}
	ts.relay.ListConfirmationPass()
	ms, err := ts.spool.List(store.QueueFilter{})
	if err != nil || len(ms) != 1 {
		t.Fatalf("%d messages queued, want 1 (%v)", len(ms), err)
	}
	if p, _ := ts.store.PendingConfirmations(10); len(p) != 0 {
		t.Errorf("still pending: %+v", p)
	}
	sent, err := ts.spool.NoticesSent(listMailInvite + "/")
	if err != nil || len(sent) != 1 {
		t.Fatalf("markers %v %v", sent, err)
	}
	for k := range sent {
		if strings.Contains(k, due[0].Token) {
			t.Errorf("the marker %q holds the token", k)
		}
	}
}

// TestListBounceNotTheSubscribers: a copy that fails for good on the way
// out (here the next hop refuses the envelope sender) is a bounce of the
// day but not held against its subscriber.
func TestListBounceNotTheSubscribers(t *testing.T) {
	ts, hop, sender := listServer(t)
	if err := ts.store.Apply(model.System(model.DoorCLI), &model.AddSubscribers{List: "news@example.com", Addresses: []string{"a@kunde.example"}}); err != nil {
		t.Fatal(err)
	}
	hop.mu.Lock()
	hop.mailReply = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Relaying denied"}
	hop.mu.Unlock()
	c, _ := ts.login("member")
	if err := send(c, string(sender), []string{"news@example.com"}, message(string(sender), "news@example.com", "x", "x")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the failed copy", func() bool { return ts.listDay().Bounced == 1 })
	if s := ts.subscriber("a@kunde.example"); s.Status != model.SubSubscribed || len(s.Bounces) != 0 {
		t.Errorf("the subscriber: %+v", s)
	}
}
