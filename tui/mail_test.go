package tui

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"postroom/model"
	"postroom/store"
)

// counter is a deterministic source of "random" bytes, so that message ids
// (and golden files) are the same every run.
type counter struct{ n byte }

func (c *counter) Read(b []byte) (int, error) {
	for i := range b {
		c.n++
		b[i] = c.n
	}
	return len(b), nil
}

// mailFix is the demo company with a spool on a clock the test moves: a
// few messages in each state, their mail-log records, a refusal, and the
// hooks the server would give a session.
type mailFix struct {
	t     *testing.T
	st    *store.Store
	sp    *store.Spool
	clock time.Time

	// held1 is the plain member's mail held for their head; held2 a
	// stranger's, held for another head; queued1 waits after a temporary
	// failure; bounced1 and done1 are finished.
	held1, held2, queued1, bounced1, done1 string

	mu      sync.Mutex
	kicks   int
	notices []string // "event id by comment"
}

func (f *mailFix) now() time.Time { return f.clock }

// newMailFix seeds the spool. Messages arrive a few minutes apart before
// testNow; the clock then stands at testNow.
func newMailFix(t *testing.T) *mailFix {
	t.Helper()
	st := demoStore(t)
	f := &mailFix{t: t, st: st, clock: testNow.Add(-2 * time.Hour)}
	sp, err := store.OpenSpool(filepath.Join(t.TempDir(), store.SpoolFile), store.SpoolOptions{Now: f.now, Rand: &counter{}, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sp.Close() })
	f.sp = sp
	member := model.Address(loginOf(t, "member").Address)
	head := model.Address(loginOf(t, "head").Address)
	f.held1 = f.enqueue(&store.QueueMessage{Account: member, From: string(member), Direction: "internal", Subject: "日计划 11-28",
		Status: store.MsgHeld, Approver: head, Reasons: []string{"the rule daily-weekly-reports: the subject holds \"日计划\", which may not go to the whole company without approval"},
		Rules: []string{"content:daily-weekly-reports"}}, "all@example.com")
	f.done1 = f.enqueue(&store.QueueMessage{Account: "zhangsan@example.com", From: "zhangsan@example.com", Direction: "internal",
		Subject: "周会纪要", Status: store.MsgQueued}, "liuyang@example.com", string(member), "it.admin@example.com")
	f.held2 = f.enqueue(&store.QueueMessage{Account: "zhangsan@example.com", From: "zhangsan@example.com", Direction: "internal",
		Subject: "周结果", Status: store.MsgHeld, Approver: "gaozhenyu@example.com",
		Reasons: []string{"the rule daily-weekly-reports: the subject holds \"周结果\""}, Rules: []string{"content:daily-weekly-reports"}}, "all@example.com")
	f.queued1 = f.enqueue(&store.QueueMessage{Account: member, From: string(member), Direction: "out", Subject: "报价单（第二版）",
		Status: store.MsgQueued}, "buyer@customer.cn", "liuyang@example.com")
	f.bounced1 = f.enqueue(&store.QueueMessage{Account: member, From: string(member), Direction: "out", Subject: "合同草稿",
		Status: store.MsgQueued}, "nobody@gone.example.org")
	f.enqueue(&store.QueueMessage{Door: "inbound", From: "sales@partner.com.cn", Direction: "in", Subject: "Re: 报价",
		Status: store.MsgQueued}, string(member))
	f.tick()
	if err := sp.Log(store.MailRecord{Direction: "internal", Door: "submission", Account: member, From: string(member),
		To: []string{"all@example.com"}, Count: 1, Subject: "放假通知", Status: "refused",
		Reason: "holiday notices to the whole company come only from hr@example.com", Rules: []string{"notice:holiday"}}); err != nil {
		t.Fatal(err)
	}
	f.tick()
	// Deliveries: done1 goes to all three, queued1 fails once for the
	// customer, bounced1 fails for good.
	f.record(f.done1, store.RcptResult{Index: 0, Delivered: true}, store.RcptResult{Index: 1, Delivered: true}, store.RcptResult{Index: 2, Delivered: true})
	f.record(f.queued1, store.RcptResult{Index: 0, Error: "421 4.7.0 mx.customer.cn: try again later", Retry: testNow.Add(time.Hour)},
		store.RcptResult{Index: 1, Delivered: true})
	f.record(f.bounced1, store.RcptResult{Index: 0, Permanent: true, Error: "550 5.1.1 no such user"})
	if err := sp.Finish(f.bounced1, store.MsgBounced, "550 5.1.1 no such user"); err != nil {
		t.Fatal(err)
	}
	f.clock = testNow
	return f
}

func (f *mailFix) tick() { f.clock = f.clock.Add(7 * time.Minute) }

func (f *mailFix) enqueue(m *store.QueueMessage, to ...string) string {
	f.t.Helper()
	f.tick()
	if m.Door == "" {
		m.Door = "submission"
	}
	var rs []store.QueueRcpt
	for _, a := range to {
		rs = append(rs, store.QueueRcpt{Addr: model.Address(a), Local: strings.HasSuffix(a, "@example.com")})
	}
	if err := f.sp.Enqueue(m, rs, []byte("Subject: x\r\n\r\nbody\r\n")); err != nil {
		f.t.Fatal(err)
	}
	return m.ID
}

func (f *mailFix) record(id string, rs ...store.RcptResult) {
	f.t.Helper()
	f.tick()
	if _, err := f.sp.Record(id, rs); err != nil {
		f.t.Fatal(err)
	}
}

// session is a demo role's session with the spool and the server's hooks.
func (f *mailFix) session(role, lang string) *Session {
	f.t.Helper()
	s := sessionAs(f.t, f.st, role, lang)
	s.Spool = f.sp
	s.Kick = func() {
		f.mu.Lock()
		f.kicks++
		f.mu.Unlock()
	}
	s.Notify = func(ev string, m *store.QueueMessage, by model.Address, comment string) {
		f.mu.Lock()
		f.notices = append(f.notices, ev+" "+m.ID+" "+string(by)+" "+comment)
		f.mu.Unlock()
	}
	return s
}

func (f *mailFix) message(id string) *store.QueueMessage {
	f.t.Helper()
	m, err := f.sp.Message(id)
	if err != nil {
		f.t.Fatal(err)
	}
	return m
}

// drive runs a command and everything it leads to through a pane, as the
// program would (ticks excepted: they would run for ever).
func drive(p Pane, cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		switch m := msg.(type) {
		case tea.BatchMsg:
			queue = append(queue, m...)
			continue
		case queueTickMsg, nil:
			continue
		case flashMsg:
			continue
		}
		_, next := p.Update(msg)
		queue = append(queue, next)
	}
}
