package mail

import (
	"context"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gomessage "github.com/emersion/go-message"
	smtp "github.com/emersion/go-smtp"

	"postroom/model"
	"postroom/store"
)

// deliveryClock is a clock the test moves by hand.
type deliveryClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *deliveryClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *deliveryClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// deliveryRig is a Deliverer over a real spool in a temporary directory,
// with a hand-moved clock.
type deliveryRig struct {
	t     *testing.T
	dir   string
	clock *deliveryClock
	spool *store.Spool
	d     *Deliverer

	cancel context.CancelFunc
	done   chan struct{}
}

func newDeliveryRig(t *testing.T, tune func(*DeliveryConfig)) *deliveryRig {
	t.Helper()
	dir := t.TempDir()
	clock := &deliveryClock{t: time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)}
	sp, err := store.OpenSpool(filepath.Join(dir, store.SpoolFile), store.SpoolOptions{Now: clock.now, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	cfg := DeliveryConfig{
		DataDir:       dir,
		Hostname:      "mx.corp.example",
		PrimaryDomain: "corp.example",
		Routes:        map[string]NextHop{"corp.example": {Kind: RouteMaildir}},
		Workers:       2,
		Now:           clock.now,
		Rand:          rand.New(rand.NewPCG(1, 2)),
		Location:      time.FixedZone("CST", 8*3600),
	}
	if tune != nil {
		tune(&cfg)
	}
	var logMu sync.Mutex
	stopped := false
	cfg.Logf = func(format string, args ...any) {
		logMu.Lock()
		defer logMu.Unlock()
		if !stopped {
			t.Logf(format, args...)
		}
	}
	d, err := NewDeliverer(cfg, sp)
	if err != nil {
		t.Fatal(err)
	}
	r := &deliveryRig{t: t, dir: dir, clock: clock, spool: sp, d: d}
	t.Cleanup(func() {
		r.stop()
		logMu.Lock()
		stopped = true
		logMu.Unlock()
		sp.Close()
	})
	return r
}

func (r *deliveryRig) start() {
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel, r.done = cancel, make(chan struct{})
	go func() {
		r.d.Run(ctx)
		close(r.done)
	}()
}

func (r *deliveryRig) stop() {
	if r.cancel == nil {
		return
	}
	r.cancel()
	select {
	case <-r.done:
	case <-time.After(10 * time.Second):
		r.t.Error("Run did not return")
	}
	r.cancel = nil
}

// enqueue queues a message from from to the recipients.
func (r *deliveryRig) enqueue(m *store.QueueMessage, body string, rcpts ...store.QueueRcpt) *store.QueueMessage {
	r.t.Helper()
	if m.Status == "" {
		m.Status = store.MsgQueued
	}
	if m.Door == "" {
		m.Door = "submission"
	}
	if m.Received.IsZero() {
		m.Received = r.clock.now()
	}
	if err := r.spool.Enqueue(m, rcpts, []byte(body)); err != nil {
		r.t.Fatal(err)
	}
	r.d.Kick()
	return m
}

func local(a model.Address) store.QueueRcpt  { return store.QueueRcpt{Addr: a, Local: true} }
func remote(a model.Address) store.QueueRcpt { return store.QueueRcpt{Addr: a} }

// waitFor polls until cond holds for the message and its recipients.
func (r *deliveryRig) waitFor(id string, what string, cond func(*store.QueueMessage, []store.QueueRcpt) bool) (*store.QueueMessage, []store.QueueRcpt) {
	r.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		m, err := r.spool.Message(id)
		if err != nil {
			r.t.Fatal(err)
		}
		rc, err := r.spool.Rcpts(id)
		if err != nil {
			r.t.Fatal(err)
		}
		if cond(m, rc) {
			return m, rc
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("message %s: %s did not happen: %+v %+v", id, what, m, rc)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (r *deliveryRig) waitStatus(id string, st store.MessageStatus) (*store.QueueMessage, []store.QueueRcpt) {
	r.t.Helper()
	return r.waitFor(id, "status "+string(st), func(m *store.QueueMessage, _ []store.QueueRcpt) bool { return m.Status == st })
}

// dsns lists the bounces and notices in the spool.
func (r *deliveryRig) dsns() []*store.QueueMessage {
	r.t.Helper()
	all, err := r.spool.List(store.QueueFilter{})
	if err != nil {
		r.t.Fatal(err)
	}
	return slices.DeleteFunc(all, func(m *store.QueueMessage) bool { return !m.DSN })
}

// mailbox reads the messages in a local mailbox's new/.
func (r *deliveryRig) mailbox(addr model.Address, folder string) []string {
	r.t.Helper()
	dir, err := r.d.maildir.MailboxDir(addr, folder)
	if err != nil {
		r.t.Fatal(err)
	}
	ents, _ := os.ReadDir(filepath.Join(dir, "new"))
	var out []string
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, "new", e.Name()))
		if err != nil {
			r.t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

const sampleMail = "From: zhangsan@corp.example\r\nTo: x@ext.example\r\nSubject: =?UTF-8?B?5ZGo6K6h5YiS?=\r\nMessage-ID: <orig.1@corp.example>\r\n\r\nhello\r\n"

func TestDeliverLocalMaildir(t *testing.T) {
	r := newDeliveryRig(t, nil)
	r.start()
	m := r.enqueue(&store.QueueMessage{From: "li@ext.example"}, sampleMail,
		local("zhangsan@corp.example"), store.QueueRcpt{Addr: "catchall@corp.example", Local: true, Folder: "邮件转移"})
	m2, rc := r.waitStatus(m.ID, store.MsgDone)
	if m2.Delivered != 2 || rc[0].Status != store.RcptDelivered || rc[1].Status != store.RcptDelivered {
		t.Errorf("%+v %+v", m2, rc)
	}
	got := r.mailbox("zhangsan@corp.example", "")
	if len(got) != 1 || got[0] != "Return-Path: <li@ext.example>\r\nDelivered-To: zhangsan@corp.example\r\n"+sampleMail {
		t.Errorf("inbox: %q", got)
	}
	if got := r.mailbox("catchall@corp.example", "邮件转移"); len(got) != 1 {
		t.Errorf("catch-all folder: %d messages", len(got))
	}
	if _, err := r.spool.Body(m.ID); err == nil {
		t.Error("the body of a finished message is still in the spool")
	}
}

func TestDeliverNextHopReusesConnection(t *testing.T) {
	hop := newFakeHop(t, fakeHopOptions{})
	r := newDeliveryRig(t, func(c *DeliveryConfig) {
		c.Smarthost = NextHop{Addr: hop.addr}
		c.Workers = 1
	})
	var ids []string
	for range 3 {
		m := r.enqueue(&store.QueueMessage{From: "zhangsan@corp.example"}, sampleMail,
			remote("a@ext.example"), remote("b@other.example"), local("li@corp.example"))
		ids = append(ids, m.ID)
	}
	r.start()
	for _, id := range ids {
		r.waitStatus(id, store.MsgDone)
	}
	msgs := hop.received()
	if len(msgs) != 3 {
		t.Fatalf("the smarthost got %d messages", len(msgs))
	}
	for _, m := range msgs {
		// Both remote recipients in one transaction; the local one not there.
		if m.from != "zhangsan@corp.example" || strings.Join(m.to, ",") != "a@ext.example,b@other.example" || m.body != sampleMail {
			t.Errorf("hop got %+v", m)
		}
	}
	if conns, _ := hop.stats(); conns != 1 {
		t.Errorf("%d connections for 3 messages, want 1", conns)
	}
	if got := r.mailbox("li@corp.example", ""); len(got) != 3 {
		t.Errorf("local copies: %d", len(got))
	}
}

func TestDeliverRetriesWithBackoff(t *testing.T) {
	hop := newFakeHop(t, fakeHopOptions{})
	hop.setRcpt("x@ext.example", &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try later"})
	r := newDeliveryRig(t, func(c *DeliveryConfig) { c.Smarthost = NextHop{Addr: hop.addr} })
	r.start()
	m := r.enqueue(&store.QueueMessage{From: "zhangsan@corp.example"}, sampleMail, remote("x@ext.example"))

	attempts := func(n int) func(*store.QueueMessage, []store.QueueRcpt) bool {
		return func(_ *store.QueueMessage, rc []store.QueueRcpt) bool { return rc[0].Attempts == n }
	}
	wantDelay := time.Minute
	for n := 1; n <= 4; n++ {
		t0 := r.clock.now()
		m2, rc := r.waitFor(m.ID, "attempt", attempts(n))
		if m2.Status != store.MsgQueued || rc[0].Status != store.RcptPending || !strings.Contains(rc[0].LastError, "451 4.3.0 Try later") {
			t.Fatalf("after attempt %d: %+v %+v", n, m2, rc[0])
		}
		delay := rc[0].NextAttempt.Sub(t0)
		if delay < wantDelay*9/10 || delay > wantDelay*11/10 {
			t.Errorf("attempt %d: next try in %v, want %v ±10%%", n, delay, wantDelay)
		}
		// Not due yet: a kick changes nothing.
		r.d.Kick()
		time.Sleep(30 * time.Millisecond)
		if _, rc := r.waitFor(m.ID, "", func(*store.QueueMessage, []store.QueueRcpt) bool { return true }); rc[0].Attempts != n {
			t.Fatalf("tried again before it was due: %d attempts", rc[0].Attempts)
		}
		r.clock.add(delay)
		if n == 4 {
			// The next hop takes it from the fifth attempt on: say so
			// before that attempt can start.
			hop.setRcpt("x@ext.example", nil)
		}
		r.d.Kick()
		wantDelay *= 2
	}
	r.waitStatus(m.ID, store.MsgDone)
	if len(hop.received()) != 1 {
		t.Errorf("delivered %d times", len(hop.received()))
	}
}

func TestRetryScheduleCapped(t *testing.T) {
	r := newDeliveryRig(t, nil)
	now := r.clock.now()
	exp := now.Add(5 * 24 * time.Hour)
	for attempts, want := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour} {
		got := r.d.retryAt(now, attempts, exp).Sub(now)
		if got < want*9/10 || got > want*11/10 {
			t.Errorf("after %d failures: %v, want %v ±10%%", attempts+1, got, want)
		}
	}
	if got := r.d.retryAt(now, 1000, exp).Sub(now); got > time.Hour*11/10 {
		t.Errorf("after 1000 failures: %v", got)
	}
	if got := r.d.retryAt(now, 10, now.Add(10*time.Minute)); !got.Equal(now.Add(10 * time.Minute)) {
		t.Errorf("the last try is at the lifetime's end, got %v", got)
	}
}

// readDSN parses a DSN as a mail program would: the human text, the
// delivery-status part, the returned header.
func readDSN(t *testing.T, raw string) (subject, human, status, headers string) {
	t.Helper()
	e, err := gomessage.Read(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("DSN does not parse: %v\n%s", err, raw)
	}
	mt, params, _ := e.Header.ContentType()
	if mt != "multipart/report" || params["report-type"] != "delivery-status" {
		t.Errorf("Content-Type %s %v", mt, params)
	}
	subject, _ = e.Header.Text("Subject")
	var types []string
	err = e.Walk(func(path []int, p *gomessage.Entity, err error) error {
		if err != nil {
			return err
		}
		pt, _, _ := p.Header.ContentType()
		if p.MultipartReader() != nil {
			return nil
		}
		types = append(types, pt)
		b, err := io.ReadAll(p.Body)
		if err != nil {
			return err
		}
		switch pt {
		case "text/plain":
			human = string(b)
		case "message/delivery-status":
			status = string(b)
		case "text/rfc822-headers":
			headers = string(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(types, ",") != "text/plain,message/delivery-status,text/rfc822-headers" {
		t.Errorf("parts %v", types)
	}
	return subject, human, status, headers
}

func TestDeliverPermanentFailureBounces(t *testing.T) {
	hop := newFakeHop(t, fakeHopOptions{})
	hop.setRcpt("nobody@ext.example", &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"})
	r := newDeliveryRig(t, func(c *DeliveryConfig) {
		c.Smarthost = NextHop{Addr: hop.addr}
		c.Lang = func(a model.Address) string {
			if a == "zhangsan@corp.example" {
				return "zh-CN"
			}
			return ""
		}
	})
	r.start()
	m := r.enqueue(&store.QueueMessage{From: "zhangsan@corp.example", Subject: "周计划"}, sampleMail,
		remote("ok@ext.example"), remote("nobody@ext.example"))
	m2, rc := r.waitStatus(m.ID, store.MsgBounced)
	if rc[0].Status != store.RcptDelivered || rc[1].Status != store.RcptFailed || !strings.Contains(rc[1].LastError, "550 5.1.1 No such user") {
		t.Errorf("recipients %+v", rc)
	}
	dsns := r.dsns()
	if len(dsns) != 1 {
		t.Fatalf("%d DSNs", len(dsns))
	}
	dsn := dsns[0]
	if dsn.From != "" || dsn.Door != "system" || !dsn.DSN || dsn.HeaderFrom != "MAILER-DAEMON@corp.example" {
		t.Errorf("DSN message %+v", dsn)
	}
	if !strings.Contains(strings.Join(m2.Reasons, "; "), "DSN "+dsn.ID+" sent to zhangsan@corp.example") {
		t.Errorf("reasons %q", m2.Reasons)
	}
	r.waitStatus(dsn.ID, store.MsgDone)
	box := r.mailbox("zhangsan@corp.example", "")
	if len(box) != 1 {
		t.Fatalf("%d messages for the sender", len(box))
	}
	if !strings.HasPrefix(box[0], "Return-Path: <>\r\n") {
		t.Errorf("DSN envelope sender: %.40q", box[0])
	}
	subject, human, status, headers := readDSN(t, box[0])
	if !strings.HasPrefix(subject, "退信") || !strings.Contains(subject, "周计划") {
		t.Errorf("subject %q", subject)
	}
	if !strings.Contains(box[0], "Subject: =?utf-8?b?") {
		t.Errorf("the Chinese subject is not RFC 2047 encoded")
	}
	if !strings.Contains(human, "nobody@ext.example") || !strings.Contains(human, "550 5.1.1 No such user") || strings.Contains(human, "Reason:") {
		t.Errorf("human part (Chinese only): %s", human)
	}
	for _, want := range []string{
		"Reporting-MTA: dns; mx.corp.example",
		"Final-Recipient: rfc822; nobody@ext.example",
		"Action: failed",
		"Status: 5.1.1",
		"Remote-MTA: dns; 127.0.0.1",
		"Diagnostic-Code: smtp; 550 5.1.1 No such user",
	} {
		if !strings.Contains(status, want) {
			t.Errorf("delivery-status lacks %q:\n%s", want, status)
		}
	}
	if strings.Contains(status, "ok@ext.example") {
		t.Error("the delivered recipient is in the DSN")
	}
	if !strings.Contains(headers, "Message-ID: <orig.1@corp.example>") || strings.Contains(headers, "hello") {
		t.Errorf("returned headers: %q", headers)
	}
}

func TestDeliverLifetimeEndBounces(t *testing.T) {
	hop := newFakeHop(t, fakeHopOptions{})
	hop.setRcpt("x@ext.example", &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try later"})
	r := newDeliveryRig(t, func(c *DeliveryConfig) { c.Smarthost = NextHop{Addr: hop.addr} })
	r.start()
	m := r.enqueue(&store.QueueMessage{From: "sender@other.example", Expires: r.clock.now().Add(90 * time.Second)}, sampleMail, remote("x@ext.example"))
	_, rc := r.waitFor(m.ID, "first attempt", func(_ *store.QueueMessage, rc []store.QueueRcpt) bool { return rc[0].Attempts == 1 })
	if d := rc[0].NextAttempt.Sub(r.clock.now()); d > 66*time.Second {
		t.Errorf("retry in %v", d)
	}
	r.clock.add(rc[0].NextAttempt.Sub(r.clock.now()))
	r.d.Kick()
	_, rc = r.waitFor(m.ID, "second attempt", func(_ *store.QueueMessage, rc []store.QueueRcpt) bool { return rc[0].Attempts == 2 })
	if !rc[0].NextAttempt.Equal(m.Expires) {
		t.Errorf("the next try should be at the lifetime's end %v, is %v", m.Expires, rc[0].NextAttempt)
	}
	r.clock.add(time.Hour)
	r.d.Kick()
	_, rc = r.waitStatus(m.ID, store.MsgBounced)
	if want := "lifetime ended after 3 attempts: " + hop.addr + " said: 451 4.3.0 Try later"; rc[0].LastError != want {
		t.Errorf("last error %q, want %q", rc[0].LastError, want)
	}
	// The DSN goes to the remote sender through the smarthost, in both languages.
	var dsnBody string
	deadline := time.Now().Add(5 * time.Second)
	for dsnBody == "" && time.Now().Before(deadline) {
		for _, msg := range hop.received() {
			if msg.from == "" && slices.Equal(msg.to, []string{"sender@other.example"}) {
				dsnBody = msg.body
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	if dsnBody == "" {
		t.Fatal("no DSN reached the smarthost")
	}
	subject, human, status, _ := readDSN(t, dsnBody)
	if !strings.Contains(subject, "退信") || !strings.Contains(subject, "Undelivered mail returned to sender") {
		t.Errorf("subject in both languages: %q", subject)
	}
	if !strings.Contains(human, "原因：lifetime ended after 3 attempts") || !strings.Contains(human, "Reason: lifetime ended after 3 attempts") {
		t.Errorf("human part: %s", human)
	}
	if !strings.Contains(status, "Status: 4.4.7") || !strings.Contains(status, "Diagnostic-Code: smtp; 451 4.3.0 Try later") {
		t.Errorf("delivery-status:\n%s", status)
	}
}

// TestDeliverReleasedAfterLongHoldRetries: mail held for the whole
// hold_for (168h, past the 120h queue lifetime) and then released is
// retried after a temporary failure, not bounced as expired.
func TestDeliverReleasedAfterLongHoldRetries(t *testing.T) {
	hop := newFakeHop(t, fakeHopOptions{})
	hop.setRcpt("x@ext.example", &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try later"})
	r := newDeliveryRig(t, func(c *DeliveryConfig) { c.Smarthost = NextHop{Addr: hop.addr} })
	r.start()
	now := r.clock.now()
	m := r.enqueue(&store.QueueMessage{From: "zhangsan@corp.example", Status: store.MsgHeld, Expires: now.Add(120 * time.Hour),
		Approver: "boss@corp.example", HoldUntil: now.Add(168 * time.Hour), OnExpiry: "release"}, sampleMail, remote("x@ext.example"))
	r.clock.add(168 * time.Hour)
	if _, err := r.spool.Release(m.ID, "", r.clock.now()); err != nil {
		t.Fatal(err)
	}
	r.d.Kick()
	m2, rc := r.waitFor(m.ID, "first attempt", func(_ *store.QueueMessage, rc []store.QueueRcpt) bool { return rc[0].Attempts == 1 })
	if m2.Status != store.MsgQueued || rc[0].Status != store.RcptPending {
		t.Fatalf("after a temporary failure the released mail is %s, its recipient %s (%s); want queued and pending", m2.Status, rc[0].Status, rc[0].LastError)
	}
	if want := r.clock.now().Add(120 * time.Hour); !m2.Expires.Equal(want) {
		t.Errorf("Expires %v, want the release time plus the lifetime, %v", m2.Expires, want)
	}
}

func TestDeliverNoBounceForBounce(t *testing.T) {
	hop := newFakeHop(t, fakeHopOptions{})
	hop.setRcpt("nobody@ext.example", &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"})
	r := newDeliveryRig(t, func(c *DeliveryConfig) { c.Smarthost = NextHop{Addr: hop.addr} })
	r.start()
	m1 := r.enqueue(&store.QueueMessage{From: "", DSN: true, Door: "system"}, sampleMail, remote("nobody@ext.example"))
	m2 := r.enqueue(&store.QueueMessage{From: "", Door: "inbound"}, sampleMail, remote("nobody@ext.example"))
	for _, id := range []string{m1.ID, m2.ID} {
		m, _ := r.waitStatus(id, store.MsgBounced)
		if !strings.Contains(strings.Join(m.Reasons, "; "), "no DSN") {
			t.Errorf("reasons %q", m.Reasons)
		}
	}
	if all, _ := r.spool.List(store.QueueFilter{}); len(all) != 2 {
		t.Errorf("%d messages in the spool; a bounce was bounced", len(all))
	}
}

func TestDeliverWithoutSmarthost(t *testing.T) {
	r := newDeliveryRig(t, nil)
	r.start()
	m := r.enqueue(&store.QueueMessage{From: "zhangsan@corp.example", Expires: r.clock.now().Add(time.Hour)}, sampleMail,
		remote("x@ext.example"), local("li@corp.example"))
	_, rc := r.waitFor(m.ID, "first attempt", func(_ *store.QueueMessage, rc []store.QueueRcpt) bool { return rc[0].Attempts == 1 })
	if rc[0].Status != store.RcptPending || !strings.Contains(rc[0].LastError, "no smarthost configured") || rc[1].Status != store.RcptDelivered {
		t.Errorf("%+v", rc)
	}
	r.clock.add(2 * time.Hour)
	r.d.Kick()
	_, rc = r.waitStatus(m.ID, store.MsgBounced)
	if !strings.HasPrefix(rc[0].LastError, "lifetime ended after 2 attempts: no smarthost configured") {
		t.Errorf("%q", rc[0].LastError)
	}
	dsns := r.dsns()
	if len(dsns) != 1 {
		t.Fatalf("%d DSNs", len(dsns))
	}
	r.waitStatus(dsns[0].ID, store.MsgDone)
	if box := r.mailbox("zhangsan@corp.example", ""); len(box) != 1 {
		t.Errorf("the sender got %d messages", len(box))
	}
}

func TestDeliverLMTPRoute(t *testing.T) {
	hop := newFakeHop(t, fakeHopOptions{lmtp: true})
	hop.dataReply["gone@corp.example"] = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Gone"}
	hop.dataReply["full@corp.example"] = &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 2, 2}, Message: "Over quota"}
	r := newDeliveryRig(t, func(c *DeliveryConfig) {
		c.Routes = map[string]NextHop{"corp.example": {Kind: RouteLMTP, Addr: hop.addr}, "branch.example": {Kind: RouteMaildir}}
	})
	r.start()
	m := r.enqueue(&store.QueueMessage{From: "a@branch.example"}, sampleMail,
		local("a@corp.example"), local("gone@corp.example"), local("full@corp.example"), local("b@corp.example"))
	_, rc := r.waitFor(m.ID, "first attempt", func(m *store.QueueMessage, _ []store.QueueRcpt) bool { return m.Attempts >= 1 })
	want := []store.RcptStatus{store.RcptDelivered, store.RcptFailed, store.RcptPending, store.RcptDelivered}
	for i, w := range want {
		if rc[i].Status != w {
			t.Errorf("%s: %s (%s), want %s", rc[i].Addr, rc[i].Status, rc[i].LastError, w)
		}
	}
	if msgs := hop.received(); len(msgs) != 1 || strings.Join(msgs[0].to, ",") != "a@corp.example,b@corp.example" {
		t.Errorf("LMTP got %+v", msgs)
	}
	// The over-quota one goes through later; then the bounce for "gone"
	// goes to the sender's Maildir (branch.example is local).
	delete(hop.dataReply, "full@corp.example")
	r.clock.add(2 * time.Minute)
	r.d.Kick()
	r.waitStatus(m.ID, store.MsgBounced)
	dsns := r.dsns()
	if len(dsns) != 1 {
		t.Fatalf("%d DSNs", len(dsns))
	}
	r.waitStatus(dsns[0].ID, store.MsgDone)
	box := r.mailbox("a@branch.example", "")
	if len(box) != 1 {
		t.Fatalf("sender's mailbox: %d", len(box))
	}
	_, _, status, _ := readDSN(t, box[0])
	if !strings.Contains(status, "Final-Recipient: rfc822; gone@corp.example") || strings.Contains(status, "full@corp.example") {
		t.Errorf("delivery-status:\n%s", status)
	}
}

func TestDeliverFinishesStrandedMessages(t *testing.T) {
	r := newDeliveryRig(t, nil)
	m := r.enqueue(&store.QueueMessage{From: "zhangsan@corp.example"}, sampleMail, remote("x@ext.example"))
	// A delivery recorded its permanent failure, then the process died
	// before it could bounce and finish the message.
	if _, err := r.spool.Record(m.ID, []store.RcptResult{{Index: 0, Permanent: true, Error: "mx.ext.example:25 said: 550 5.1.1 No such user"}}); err != nil {
		t.Fatal(err)
	}
	r.start()
	r.waitStatus(m.ID, store.MsgBounced)
	dsns := r.dsns()
	if len(dsns) != 1 {
		t.Fatalf("%d DSNs", len(dsns))
	}
	r.waitStatus(dsns[0].ID, store.MsgDone)
	if box := r.mailbox("zhangsan@corp.example", ""); len(box) != 1 {
		t.Errorf("%d messages for the sender", len(box))
	}
}

func TestDeliverRunFinishesInFlightOnStop(t *testing.T) {
	hop := newFakeHop(t, fakeHopOptions{})
	hop.delay = 300 * time.Millisecond
	r := newDeliveryRig(t, func(c *DeliveryConfig) { c.Smarthost = NextHop{Addr: hop.addr} })
	r.start()
	m := r.enqueue(&store.QueueMessage{From: "zhangsan@corp.example"}, sampleMail, remote("x@ext.example"))
	deadline := time.Now().Add(5 * time.Second)
	for len(hop.received()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	start := time.Now()
	r.stop()
	if time.Since(start) > 5*time.Second {
		t.Errorf("Run took %v to return", time.Since(start))
	}
	// The delivery under way was finished and recorded before Run returned.
	if m2, _ := r.spool.Message(m.ID); m2.Status != store.MsgDone {
		t.Errorf("after stop: %+v", m2)
	}
}

func TestDeliverManyRecipientsInChunks(t *testing.T) {
	hop := newFakeHop(t, fakeHopOptions{})
	r := newDeliveryRig(t, func(c *DeliveryConfig) { c.Smarthost = NextHop{Addr: hop.addr} })
	r.start()
	var rcpts []store.QueueRcpt
	for i := range 250 {
		rcpts = append(rcpts, remote(model.Address("r"+strconv.Itoa(i)+"@ext.example")))
	}
	m := r.enqueue(&store.QueueMessage{From: "zhangsan@corp.example"}, sampleMail, rcpts...)
	r.waitStatus(m.ID, store.MsgDone)
	msgs := hop.received()
	total := 0
	for _, msg := range msgs {
		if len(msg.to) > rcptsPerTransaction {
			t.Errorf("a transaction with %d recipients", len(msg.to))
		}
		total += len(msg.to)
	}
	if len(msgs) != 3 || total != 250 {
		t.Errorf("%d transactions, %d recipients", len(msgs), total)
	}
}

func TestNewDelivererRefusesBadRoutes(t *testing.T) {
	dir := t.TempDir()
	sp, err := store.OpenSpool(filepath.Join(dir, store.SpoolFile), store.SpoolOptions{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	for _, cfg := range []DeliveryConfig{
		{},
		{DataDir: dir, Routes: map[string]NextHop{"a.example": {Kind: "pigeon"}}},
		{DataDir: dir, Routes: map[string]NextHop{"a.example": {Kind: RouteSMTP}}},
		{DataDir: dir, Smarthost: NextHop{Kind: RouteMaildir, Addr: "x:25"}},
	} {
		if _, err := NewDeliverer(cfg, sp); err == nil {
			t.Errorf("accepted %+v", cfg)
		}
	}
}
