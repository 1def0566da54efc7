package mail

import (
	"testing"
	"time"

	smtp "github.com/emersion/go-smtp"

	"postroom/store"
)

// offer queues a message without a kick and offers it to the workers, as
// the relay does after a 250.
func (r *deliveryRig) offer(m *store.QueueMessage, body string, rcpts ...store.QueueRcpt) *store.QueueMessage {
	r.t.Helper()
	m.Status, m.Door, m.Received = store.MsgQueued, "submission", r.clock.now()
	b := []byte(body)
	if err := r.spool.Enqueue(m, rcpts, b); err != nil {
		r.t.Fatal(err)
	}
	r.d.Offer(m, rcpts, b)
	return m
}

// An offered message is delivered once, from what it was offered with.
func TestOfferDelivers(t *testing.T) {
	hop := newFakeHop(t, fakeHopOptions{})
	r := newDeliveryRig(t, func(c *DeliveryConfig) { c.Smarthost = NextHop{Addr: hop.addr} })
	r.start()
	var ids []string
	for range 20 {
		ids = append(ids, r.offer(&store.QueueMessage{From: "zhangsan@corp.example"}, sampleMail,
			remote("a@ext.example"), local("li@corp.example")).ID)
	}
	for _, id := range ids {
		r.waitStatus(id, store.MsgDone)
	}
	time.Sleep(50 * time.Millisecond)
	if n := len(hop.received()); n != 20 {
		t.Errorf("the hop got %d messages for 20 offered", n)
	}
	if n := len(r.mailbox("li@corp.example", "")); n != 20 {
		t.Errorf("the local mailbox got %d messages for 20 offered", n)
	}
}

// A message handed out from the due list first is not delivered again
// when its offer comes late.
func TestLateOfferNotDeliveredAgain(t *testing.T) {
	hop := newFakeHop(t, fakeHopOptions{})
	r := newDeliveryRig(t, func(c *DeliveryConfig) { c.Smarthost = NextHop{Addr: hop.addr} })
	r.start()
	m := r.enqueue(&store.QueueMessage{From: "zhangsan@corp.example"}, sampleMail, remote("a@ext.example"))
	r.waitStatus(m.ID, store.MsgDone)
	rc, err := r.spool.Rcpts(m.ID)
	if err != nil {
		t.Fatal(err)
	}
	rc[0].Status = store.RcptPending // as Enqueue left it
	r.d.Offer(m, rc, []byte(sampleMail))
	time.Sleep(100 * time.Millisecond)
	if n := len(hop.received()); n != 1 {
		t.Errorf("delivered %d times", n)
	}
}

// An offered message whose first try fails temporarily is tried again
// from the due list when it is due.
func TestOfferRetriedFromDueList(t *testing.T) {
	hop := newFakeHop(t, fakeHopOptions{})
	hop.setRcpt("x@ext.example", &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try later"})
	r := newDeliveryRig(t, func(c *DeliveryConfig) { c.Smarthost = NextHop{Addr: hop.addr} })
	r.start()
	m := r.offer(&store.QueueMessage{From: "zhangsan@corp.example"}, sampleMail, remote("x@ext.example"))
	_, rc := r.waitFor(m.ID, "a first try", func(_ *store.QueueMessage, rc []store.QueueRcpt) bool { return rc[0].Attempts == 1 })
	hop.setRcpt("x@ext.example", nil)
	r.clock.add(rc[0].NextAttempt.Sub(r.clock.now()))
	r.d.Kick()
	r.waitStatus(m.ID, store.MsgDone)
	if n := len(hop.received()); n != 1 {
		t.Errorf("delivered %d times", n)
	}
}

// A held message, or one with more recipients than a round takes, is not
// taken as an offer: the due list has it (held ones only after release).
func TestOfferOnlyQueuedSmall(t *testing.T) {
	r := newDeliveryRig(t, nil)
	held := &store.QueueMessage{ID: r.spool.NewID(), Status: store.MsgHeld}
	r.d.Offer(held, []store.QueueRcpt{local("li@corp.example")}, []byte(sampleMail))
	many := make([]store.QueueRcpt, rcptPage+1)
	r.d.Offer(&store.QueueMessage{ID: r.spool.NewID(), Status: store.MsgQueued}, many, []byte(sampleMail))
	if n := len(r.d.offers); n != 0 {
		t.Errorf("%d offers taken, want 0", n)
	}
}
