package cmd_test

// The queue and mail-log commands, run as the SSH door runs them with the
// server's spool in Env.Spool, on each test's own copy of the demo company
// and its own spool.db.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

// otherHead approves held mail that is not headAddr's to decide.
const otherHead = "gaozhenyu@example.com"

// queueFix is a test's demo company with a spool holding:
// held1, wangwei's mail held for liuyang (the head of his group);
// held2, zhangsan's mail held for gaozhenyu; queued1, wangwei's mail to a
// customer after one temporary failure.
type queueFix struct {
	t  testing.TB
	f  *fixture
	sp *store.Spool

	held1, held2, queued1 string

	mu      sync.Mutex
	kicks   int
	notices []notice
}

type notice struct {
	ev, id  string
	by      model.Address
	comment string
}

var queueFixes sync.Map // testing.TB → *queueFix

func qfx(t testing.TB) *queueFix {
	t.Helper()
	if q, ok := queueFixes.Load(t); ok {
		return q.(*queueFix)
	}
	f := fx(t)
	sp, err := store.OpenSpool(filepath.Join(f.dir, store.SpoolFile), store.SpoolOptions{Now: f.now, NoSync: true})
	if err != nil {
		t.Fatalf("open the spool: %v", err)
	}
	q := &queueFix{t: t, f: f, sp: sp}
	queueFixes.Store(t, q)
	t.Cleanup(func() {
		queueFixes.Delete(t)
		sp.Close()
	})
	q.held1 = q.enqueue(store.MsgHeld, memberAddr, headAddr, "日计划", "all@example.com")
	q.held2 = q.enqueue(store.MsgHeld, "zhangsan@example.com", otherHead, "周结果", "all@example.com")
	q.queued1 = q.enqueue(store.MsgQueued, memberAddr, "", "报价单", "buyer@customer.cn", "liuyang@example.com")
	if _, err := sp.Record(q.queued1, []store.RcptResult{{Index: 0, Error: "421 4.7.0 try later", Retry: f.now().Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	return q
}

func (q *queueFix) enqueue(status store.MessageStatus, from, approver model.Address, subject string, to ...string) string {
	q.t.Helper()
	m := &store.QueueMessage{Door: "submission", Account: from, From: string(from), Direction: "internal", Subject: subject,
		Status: status, Approver: approver}
	if status == store.MsgHeld {
		m.Reasons, m.Rules = []string{"daily and weekly plans to the whole company need the head's approval"}, []string{"content:plans"}
	}
	var rs []store.QueueRcpt
	for _, a := range to {
		rs = append(rs, store.QueueRcpt{Addr: model.Address(a), Local: strings.HasSuffix(a, "@example.com")})
		if !strings.HasSuffix(a, "@example.com") {
			m.Direction = "out"
		}
	}
	if err := q.sp.Enqueue(m, rs, []byte("Subject: x\r\n\r\nbody\r\n")); err != nil {
		q.t.Fatal(err)
	}
	return m.ID
}

// run runs a command line through the SSH door with the spool, its Kick
// and Notify hooks, in lang.
func (q *queueFix) run(as, lang string, args ...string) (string, string, int) {
	q.t.Helper()
	a := who(q.t, as)
	var actor model.Actor
	if err := q.f.s.Read(func(r *store.Reader) error {
		var err error
		actor, err = r.Actor(a, model.DoorSSH, "192.0.2.1")
		return err
	}); err != nil {
		q.t.Fatalf("actor %s: %v", a, err)
	}
	var out, errb bytes.Buffer
	env := &cmd.Env{Actor: actor, Store: q.f.s, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Lang: lang, Spool: q.sp,
		Kick: func() {
			q.mu.Lock()
			q.kicks++
			q.mu.Unlock()
		},
		Notify: func(ev string, m *store.QueueMessage, by model.Address, comment string) {
			q.mu.Lock()
			q.notices = append(q.notices, notice{ev, m.ID, by, comment})
			q.mu.Unlock()
		},
	}
	code := cmd.Run(env, args)
	return out.String(), errb.String(), code
}

// expand replaces the placeholders HELD1, HELD2 and QUEUED1 in a command line.
func (q *queueFix) expand(line string) []string {
	args := strings.Fields(line)
	for i, a := range args {
		switch a {
		case "HELD1":
			args[i] = q.held1
		case "HELD2":
			args[i] = q.held2
		case "QUEUED1":
			args[i] = q.queued1
		}
	}
	return args
}

func (q *queueFix) ok(as string, line string) string {
	q.t.Helper()
	args := q.expand(line)
	out, errs, code := q.run(as, "", args...)
	if code != 0 {
		q.t.Fatalf("%s as %s: exit %d, want 0\nstderr: %s", line, as, code, errs)
	}
	return out
}

func (q *queueFix) refused(as string, line string, want ...string) string {
	q.t.Helper()
	out, errs, code := q.run(as, "", q.expand(line)...)
	if code != 1 {
		q.t.Fatalf("%s as %s: exit %d, want 1\nstdout: %s\nstderr: %s", line, as, code, out, errs)
	}
	for _, w := range want {
		if !strings.Contains(strings.ToLower(errs), strings.ToLower(w)) {
			q.t.Errorf("%s as %s: stderr does not say %q:\n%s", line, as, w, errs)
		}
	}
	return errs
}

func (q *queueFix) status(id string) store.MessageStatus {
	q.t.Helper()
	m, err := q.sp.Message(id)
	if err != nil {
		q.t.Fatal(err)
	}
	return m.Status
}

// TestQueueRoles runs every queue and mail-log command as the admin, the
// auditor, the helpdesk, a plain member and an approver: what the role may
// do works; what it may not is refused with exit 1, the missing right
// named, and no change to the queue or the operation log.
func TestQueueRoles(t *testing.T) {
	cases := []roleCase{
		{as: "admin", args: "queue list --json"},
		{as: "admin", args: "queue list --status all"},
		{as: "admin", args: "queue show HELD1 --json"},
		{as: "admin", args: "queue show QUEUED1"},
		{as: "admin", args: "queue retry QUEUED1"},
		{as: "admin", args: "queue retry --all"},
		{as: "admin", args: "queue release HELD1 --comment 同意"},
		{as: "admin", args: "queue reject HELD2 --comment 请按部门发送"},
		{as: "admin", args: "queue drop QUEUED1 --reason spam"},
		{as: "admin", args: "log mail --json"},
		{as: "admin", args: "log mail --account " + memberAddr + " --kind held --since 2020-01-01"},
		{as: "admin", args: "log top --json"},
		{as: "admin", args: "log top --since 2020-01-01 --until 2099-12-31"},
		{as: "admin", args: "log violations --json"},

		{as: "auditor", args: "queue list --json"},
		{as: "auditor", args: "queue show HELD2"},
		{as: "auditor", args: "log mail --json"},
		{as: "auditor", args: "log top --json"},
		{as: "auditor", args: "log violations --member " + memberAddr},
		{as: "auditor", args: "queue retry QUEUED1", right: "queue.manage"},
		{as: "auditor", args: "queue retry --all", right: "queue.manage"},
		{as: "auditor", args: "queue release HELD1", right: "queue.manage"},
		{as: "auditor", args: "queue reject HELD1 --comment no", right: "queue.manage"},
		{as: "auditor", args: "queue drop QUEUED1", right: "queue.manage"},

		{as: "helpdesk", args: "queue list --json"}, // their own: none
		{as: "helpdesk", args: "queue show HELD1", right: "queue.manage"},
		{as: "helpdesk", args: "queue retry QUEUED1", right: "queue.manage"},
		{as: "helpdesk", args: "queue release HELD1", right: "queue.manage"},
		{as: "helpdesk", args: "queue reject HELD1 --comment no", right: "queue.manage"},
		{as: "helpdesk", args: "queue drop QUEUED1", right: "queue.manage"},
		{as: "helpdesk", args: "log mail", right: "maillog.read"},
		{as: "helpdesk", args: "log top", right: "maillog.read"},
		{as: "helpdesk", args: "log violations", right: "maillog.read"},

		// A plain member: their own mail, nothing else.
		{as: "member", args: "queue list --account " + memberAddr + " --json"},
		{as: "member", args: "queue show HELD1 --json"},
		{as: "member", args: "queue show QUEUED1"},
		{as: "member", args: "log mail --account " + memberAddr + " --json"},
		{as: "member", args: "log violations --member " + memberAddr + " --json"},
		{as: "member", args: "queue list"}, // their own
		{as: "member", args: "queue list --account zhangsan@example.com", right: "queue.manage"},
		{as: "member", args: "queue show HELD2", right: "queue.manage"},
		{as: "member", args: "queue show 0123456789abcdef0123", right: "queue.manage"},
		{as: "member", args: "queue release HELD1", right: "queue.manage"},
		{as: "member", args: "queue reject HELD1 --comment no", right: "queue.manage"},
		{as: "member", args: "queue retry QUEUED1", right: "queue.manage"},
		{as: "member", args: "queue drop QUEUED1", right: "queue.manage"},
		{as: "member", args: "log mail", right: "maillog.read"},
		{as: "member", args: "log mail --account " + headAddr, right: "maillog.read"},
		{as: "member", args: "log top", right: "maillog.read"},
		{as: "member", args: "log violations", right: "maillog.read"},

		// The approver of HELD1 (the head of wangwei's group) decides it,
		// and only it.
		{as: "head", args: "queue list --approver " + headAddr + " --json"},
		{as: "head", args: "queue show HELD1"},
		{as: "head", args: "queue release HELD1 --comment 可以"},
		{as: "head", args: "queue reject HELD1 --comment 不行"},
		{as: "head", args: "queue list"}, // their own and what waits for them
		{as: "head", args: "queue show HELD2", right: "queue.manage"},
		{as: "head", args: "queue release HELD2", right: "queue.manage"},
		{as: "head", args: "queue reject HELD2 --comment no", right: "queue.manage"},
		{as: "head", args: "queue drop HELD1", right: "queue.manage"},
		{as: "head", args: "queue retry QUEUED1", right: "queue.manage"},
		{as: "head", args: "log mail", right: "maillog.read"},
		{as: "head", args: "log top", right: "maillog.read"},
	}
	for _, c := range cases {
		t.Run(c.name(), func(t *testing.T) {
			t.Parallel()
			q := qfx(t)
			if c.right == "" {
				q.ok(c.as, c.args)
				return
			}
			before := []store.MessageStatus{q.status(q.held1), q.status(q.held2), q.status(q.queued1)}
			unchanged(t, func() {
				q.refused(c.as, c.args, "needs the right "+c.right, string(who(t, c.as)))
			})
			after := []store.MessageStatus{q.status(q.held1), q.status(q.held2), q.status(q.queued1)}
			if !slices.Equal(before, after) || q.kicks != 0 || len(q.notices) != 0 {
				t.Errorf("a refused command changed the queue: %v → %v, %d kicks, notices %v", before, after, q.kicks, q.notices)
			}
		})
	}
}

// TestQueueListJSON: queue list --json is an array of objects with the
// automation surface's names.
func TestQueueListJSON(t *testing.T) {
	q := qfx(t)
	var items []map[string]any
	decode(t, q.ok("admin", "queue list --json"), &items)
	if len(items) != 3 {
		t.Fatalf("queue list gives %d messages, want 3", len(items))
	}
	for _, k := range []string{"id", "from", "to", "count", "status", "attempts", "next_attempt", "subject", "received", "reasons", "approver"} {
		if _, ok := items[2][k]; !ok {
			t.Errorf("queue list --json has no %q: %v", k, items[2])
		}
	}
	// Newest first: queued1, held2, held1.
	if items[0]["id"] != q.queued1 || items[2]["id"] != q.held1 {
		t.Errorf("queue list is not newest first: %v, %v, %v", items[0]["id"], items[1]["id"], items[2]["id"])
	}
	var typed []struct {
		ID          string     `json:"id"`
		From        string     `json:"from"`
		To          []string   `json:"to"`
		Count       int        `json:"count"`
		Status      string     `json:"status"`
		Attempts    int        `json:"attempts"`
		NextAttempt *time.Time `json:"next_attempt"`
		Approver    string     `json:"approver"`
		Reasons     []string   `json:"reasons"`
	}
	decode(t, q.ok("admin", "queue list --json"), &typed)
	qd, h1 := typed[0], typed[2]
	if qd.From != memberAddr || !slices.Equal(qd.To, []string{"buyer@customer.cn", "liuyang@example.com"}) || qd.Count != 2 ||
		qd.Status != "queued" || qd.Attempts != 1 || qd.NextAttempt == nil {
		t.Errorf("the queued message is listed as %+v", qd)
	}
	if h1.Status != "held" || h1.Approver != headAddr || h1.NextAttempt != nil || len(h1.Reasons) != 1 {
		t.Errorf("the held message is listed as %+v", h1)
	}
	// Filters.
	decode(t, q.ok("admin", "queue list --status held --json"), &typed)
	if len(typed) != 2 {
		t.Errorf("--status held gives %d", len(typed))
	}
	decode(t, q.ok("admin", "queue list --account zhangsan@example.com --json"), &typed)
	if len(typed) != 1 || typed[0].ID != q.held2 {
		t.Errorf("--account zhangsan gives %+v", typed)
	}
	decode(t, q.ok("head", "queue list --approver "+headAddr+" --json"), &typed)
	if len(typed) != 1 || typed[0].ID != q.held1 {
		t.Errorf("the approver's list gives %+v", typed)
	}
	q.refused("admin", "queue list --status lost", "--status")

	// queue show --json: the message with its recipients.
	var shown struct {
		ID         string `json:"id"`
		Status     string `json:"status"`
		Recipients []struct {
			Index     int    `json:"index"`
			Addr      string `json:"addr"`
			Status    string `json:"status"`
			Attempts  int    `json:"attempts"`
			LastError string `json:"last_error"`
		} `json:"recipients"`
	}
	decode(t, q.ok("member", "queue show QUEUED1 --json"), &shown)
	if shown.ID != q.queued1 || len(shown.Recipients) != 2 || shown.Recipients[0].Addr != "buyer@customer.cn" ||
		shown.Recipients[0].Attempts != 1 || shown.Recipients[0].LastError != "421 4.7.0 try later" || shown.Recipients[1].Status != "pending" {
		t.Errorf("queue show --json: %+v", shown)
	}
	if out := q.ok("admin", "queue show HELD1"); !strings.Contains(out, "daily and weekly plans") || !strings.Contains(out, headAddr) {
		t.Errorf("queue show of a held message does not say why or who decides:\n%s", out)
	}
	q.refused("admin", "queue show 0123456789abcdef0123", "no message 0123456789abcdef0123")
}

// TestQueueRelease: the approver releases once; the workers are woken, the
// sender is told, the operation log names the approver; a second release
// says who released it and when.
func TestQueueRelease(t *testing.T) {
	q := qfx(t)
	out := q.ok("head", "queue release HELD1 --comment 同意发送")
	if !strings.Contains(out, q.held1) || !strings.Contains(out, "released") {
		t.Errorf("queue release printed %q", out)
	}
	m, _ := q.sp.Message(q.held1)
	if m.Status != store.MsgQueued || m.DecidedBy != headAddr || m.NextAttempt.IsZero() {
		t.Errorf("after release: %+v", m)
	}
	if q.kicks != 1 || len(q.notices) != 1 || q.notices[0] != (notice{"released", q.held1, headAddr, "同意发送"}) {
		t.Errorf("kicks %d, notices %+v", q.kicks, q.notices)
	}
	recs := opLog(t, 1)
	if recs[0].Op != "queue.release" || recs[0].Target != q.held1 || recs[0].Actor != headAddr || recs[0].Door != "ssh" {
		t.Errorf("the newest op record is %+v", recs[0])
	}
	notes := map[string]string{}
	for _, n := range recs[0].Notes {
		notes[n.Key] = n.Value
	}
	if notes["comment"] != "同意发送" || notes["from"] != memberAddr || notes["subject"] != "日计划" {
		t.Errorf("the op record's notes: %v", notes)
	}
	unchanged(t, func() {
		q.refused("admin", "queue release HELD1", "already released by "+headAddr+" at")
		q.refused("head", "queue reject HELD1 --comment late", "already released by "+headAddr)
	})
	if q.kicks != 1 || len(q.notices) != 1 {
		t.Errorf("a refused second decision woke the workers or told the sender")
	}
	var recsMail []store.MailRecord
	decode(t, q.ok("member", "log mail --account "+memberAddr+" --json"), &recsMail)
	if len(recsMail) != 2 || recsMail[1].ID != q.held1 || recsMail[1].Status != "released" {
		t.Errorf("the member's mail log: %+v", recsMail)
	}
	// Chinese for a Chinese session.
	out, _, code := q.run("admin", "zh-CN", q.expand("queue retry QUEUED1")...)
	if code != 0 || !strings.Contains(out, "重试") {
		t.Errorf("queue retry in Chinese printed %q (exit %d)", out, code)
	}
	_, errs, _ := q.run("admin", "zh-CN", "queue", "show", "0123456789abcdef0123")
	if strings.Contains(errs, "no message") {
		t.Logf("the not-found error has no Chinese translation yet: %s", errs)
	}
}

// TestQueueReject: a rejection needs a comment, finishes the message and
// tells the sender; drop finishes without telling.
func TestQueueReject(t *testing.T) {
	q := qfx(t)
	q.refused("head", "queue reject HELD1", "--comment")
	q.ok("head", "queue reject HELD1 --comment 请改为部门邮件")
	if st := q.status(q.held1); st != store.MsgRejected {
		t.Errorf("after reject the status is %s", st)
	}
	if len(q.notices) != 1 || q.notices[0].ev != "rejected" || q.notices[0].comment != "请改为部门邮件" || q.kicks != 0 {
		t.Errorf("notices %+v, kicks %d", q.notices, q.kicks)
	}
	if recs := opLog(t, 1); recs[0].Op != "queue.reject" || recs[0].Actor != headAddr {
		t.Errorf("the newest op record is %+v", recs[0])
	}
	q.refused("head", "queue release HELD1", "already rejected by "+headAddr)

	q.ok("admin", "queue drop QUEUED1 --reason 重复发送")
	if st := q.status(q.queued1); st != store.MsgDropped {
		t.Errorf("after drop the status is %s", st)
	}
	if len(q.notices) != 1 {
		t.Errorf("drop told the sender: %+v", q.notices)
	}
	q.refused("admin", "queue drop QUEUED1", "already dropped")
	var recs []store.MailRecord
	decode(t, q.ok("admin", "log mail --kind dropped --json"), &recs)
	if len(recs) != 1 || recs[0].ID != q.queued1 || !strings.Contains(recs[0].Reason, "重复发送") {
		t.Errorf("log mail --kind dropped: %+v", recs)
	}
	q.refused("admin", "queue retry", "--all")
	q.refused("admin", "queue retry QUEUED1 --all", "--all")
	q.refused("admin", "queue retry HELD2", "only queued mail")
}

// TestLogMail: the mail log's JSON names and filters through the command.
func TestLogMail(t *testing.T) {
	q := qfx(t)
	day := q.f.now().Format("2006-01-02")
	var raw []map[string]any
	decode(t, q.ok("auditor", "log mail --json"), &raw)
	if len(raw) != 3 {
		t.Fatalf("log mail gives %d records, want 3", len(raw))
	}
	for _, rec := range raw {
		for _, k := range []string{"id", "time", "from", "to", "subject", "status", "reason", "direction", "count"} {
			if _, ok := rec[k]; !ok {
				t.Errorf("log mail --json has no %q: %v", k, rec)
			}
		}
	}
	cases := []struct {
		line string
		want []string
	}{
		{"log mail --subject 报价", []string{"QUEUED1"}},
		{"log mail --kind held", []string{"HELD2", "HELD1"}},
		{"log mail --kind out", []string{"QUEUED1"}},
		{"log mail --kind deferred", []string{"QUEUED1"}},
		{"log mail --account buyer@customer.cn", []string{"QUEUED1"}},
		{"log mail --since " + day + " --until " + day, []string{"QUEUED1", "HELD2", "HELD1"}},
		{"log mail --until " + day + "T00:00:00Z --since 2020-01-01", nil},
		{"log mail --limit 1", []string{"QUEUED1"}},
	}
	for _, c := range cases {
		var recs []store.MailRecord
		decode(t, q.ok("auditor", c.line+" --json"), &recs)
		var got []string
		for _, r := range recs {
			got = append(got, r.ID)
		}
		var want []string
		for _, w := range c.want {
			want = append(want, q.expand(w)[0])
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", c.line, got, want)
		}
	}
	q.refused("auditor", "log mail --kind lost", "--kind")
	q.refused("auditor", "log mail --since yesterday", "time")
	if out := q.ok("auditor", "log mail"); !strings.Contains(out, "报价单") || !strings.Contains(out, "buyer@customer.cn +1") {
		t.Errorf("log mail as a table:\n%s", out)
	}
}

// TestLogTop: per company domain, the busiest senders and receivers.
func TestLogTop(t *testing.T) {
	q := qfx(t)
	q.enqueue(store.MsgQueued, memberAddr, "", "再次", "liuyang@example.com")
	var tops []struct {
		Domain  string `json:"domain"`
		Senders []struct {
			Address string `json:"address"`
			Count   int    `json:"count"`
		} `json:"senders"`
		Receivers []struct {
			Address string `json:"address"`
			Count   int    `json:"count"`
		} `json:"receivers"`
	}
	decode(t, q.ok("auditor", "log top --json"), &tops)
	if len(tops) != 1 || tops[0].Domain != "example.com" {
		t.Fatalf("log top lists %+v; want example.com alone (customer.cn is not the company's)", tops)
	}
	top := tops[0]
	if len(top.Senders) != 2 || top.Senders[0].Address != memberAddr || top.Senders[0].Count != 3 {
		t.Errorf("senders: %+v", top.Senders)
	}
	if len(top.Receivers) == 0 || top.Receivers[0].Address != "all@example.com" && top.Receivers[0].Address != headAddr {
		t.Errorf("receivers: %+v", top.Receivers)
	}
	decode(t, q.ok("auditor", "log top --n 1 --json"), &tops)
	if len(tops[0].Senders) != 1 || len(tops[0].Receivers) != 1 {
		t.Errorf("--n 1: %+v", tops)
	}
	future := q.f.now().AddDate(0, 0, 2).Format("2006-01-02")
	decode(t, q.ok("auditor", "log top --since "+future+" --until "+future+" --json"), &tops)
	if len(tops) != 0 {
		t.Errorf("a range without mail: %+v", tops)
	}
	if out := q.ok("admin", "log top"); !strings.Contains(out, "example.com") || !strings.Contains(out, memberAddr) {
		t.Errorf("log top as a table:\n%s", out)
	}
}

// TestLogViolations: held mail is a violation of its sender.
func TestLogViolations(t *testing.T) {
	q := qfx(t)
	var vs []store.Violation
	decode(t, q.ok("member", "log violations --member "+memberAddr+" --json"), &vs)
	if len(vs) != 1 || vs[0].MessageID != q.held1 || vs[0].Action != "hold" || vs[0].Rules[0] != "content:plans" {
		t.Errorf("wangwei's violations: %+v", vs)
	}
	decode(t, q.ok("auditor", "log violations --json"), &vs)
	if len(vs) != 2 {
		t.Errorf("all violations: %+v", vs)
	}
}

// TestQueueLocal: the local CLI opens DIR/spool.db itself when serve is not
// running, and says so when the file is held by another process.
func TestQueueLocal(t *testing.T) {
	f := fx(t)
	path := filepath.Join(f.dir, store.SpoolFile)
	sp, err := store.OpenSpool(path, store.SpoolOptions{Now: f.now, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	m := &store.QueueMessage{Door: "submission", Account: memberAddr, From: memberAddr, Subject: "本地", Status: store.MsgQueued}
	if err := sp.Enqueue(m, []store.QueueRcpt{{Addr: "buyer@customer.cn"}}, []byte("x")); err != nil {
		t.Fatal(err)
	}
	// While the spool is open (serve running), the local command says so.
	out, errs, code := runLocal(t, "admin", "", "queue", "list", "--json")
	if code != 1 || !strings.Contains(errs, "in use") {
		t.Errorf("queue list with the spool held elsewhere: exit %d, %q %q", code, out, errs)
	}
	sp.Close()
	out, errs, code = runLocal(t, "admin", "", "queue", "list", "--json")
	if code != 0 {
		t.Fatalf("queue list locally: exit %d: %s", code, errs)
	}
	var items []cmd.QueueItem
	decode(t, out, &items)
	if len(items) != 1 || items[0].ID != m.ID {
		t.Errorf("queue list locally: %+v", items)
	}
	if _, errs, code := runLocal(t, "admin", "", "queue", "retry", m.ID); code != 0 {
		t.Errorf("queue retry locally: exit %d: %s", code, errs)
	}
	// Over SSH with no spool wired in, the commands say the relay is not there.
	_, errs, code = run(t, "admin", "", "queue", "list")
	if code != 1 || !strings.Contains(errs, "not open") {
		t.Errorf("queue list without a spool: exit %d: %s", code, errs)
	}
}

// TestQueueListAll: --limit 0 and the table.
func TestQueueListTable(t *testing.T) {
	q := qfx(t)
	out := q.ok("admin", "queue list")
	for _, w := range []string{"ID", "NEXT", q.held1, "日计划", "buyer@customer.cn +1"} {
		if !strings.Contains(out, w) {
			t.Errorf("queue list's table has no %q:\n%s", w, out)
		}
	}
	var items []json.RawMessage
	decode(t, q.ok("admin", "queue list --limit 1 --json"), &items)
	if len(items) != 1 {
		t.Errorf("--limit 1 gives %d", len(items))
	}
	decode(t, q.ok("admin", fmt.Sprintf("queue list --status %s --json", "done")), &items)
	if len(items) != 0 {
		t.Errorf("--status done gives %d", len(items))
	}
}

// TestQueueListOwn: without queue rights, a plain `queue list` shows the
// messages the person sent and those that wait for their decision.
func TestQueueListOwn(t *testing.T) {
	q := qfx(t)
	var items []cmd.QueueItem
	decode(t, q.ok("member", "queue list --json"), &items)
	var ids []string
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	if len(items) != 2 || !slices.Contains(ids, q.held1) || !slices.Contains(ids, q.queued1) {
		t.Errorf("the sender's own list: %v, want %s and %s", ids, q.held1, q.queued1)
	}
	items = nil
	decode(t, q.ok("head", "queue list --json"), &items)
	if len(items) != 1 || items[0].ID != q.held1 {
		t.Errorf("the approver's own list: %+v, want only %s", items, q.held1)
	}
}
