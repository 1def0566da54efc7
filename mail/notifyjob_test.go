package mail

import (
	"fmt"
	"strings"
	"testing"
	"time"

	gomessage "github.com/emersion/go-message"

	"postroom/model"
	"postroom/store"
)

// startNotify starts a job as a demo role with a template and CSV text.
func startNotify(t *testing.T, ts *testServer, role string, tmpl model.NotifyTemplate, csv string) (*model.NotifyJob, error) {
	t.Helper()
	list, err := model.ReadNotifyCSV([]byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	var actor model.Actor
	ts.store.Read(func(r *store.Reader) error {
		actor, err = r.Actor(model.Address(demoLogin(t, role).Address), model.DoorSSH, "192.0.2.1")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ts.store.StartNotify(actor, tmpl, list)
}

// TestNotifyQuotaWaitsForTheNextDay is the test: 1,202 rows
// against the daily quota of 1,000 under an injected clock. The first pass
// queues 1,000 (two bad rows skipped without using the quota) and the job
// waits; nothing more goes that day, even one minute before midnight; the
// pass after local midnight (Asia/Shanghai here) queues the other 200 and
// the job and its batch task are done, with a row each.
func TestNotifyQuotaWaitsForTheNextDay(t *testing.T) {
	ts := newTestServer(t, nil)
	shanghai := time.FixedZone("CST", 8*3600)
	ts.relay.notifyLoc = shanghai
	// 09:00 UTC is 17:00 in Shanghai; midnight there is 16:00 UTC.
	var csv strings.Builder
	csv.WriteString("\ufeff邮箱,姓名,金额\r\n")
	csv.WriteString("liuyang@example.com,,\r\n")
	csv.WriteString("not an address,某人,1\r\n")
	csv.WriteString("c0001@ext.example,重复,1\r\n")
	for i := 1; i <= 1199; i++ {
		fmt.Fprintf(&csv, "c%04d@ext.example,客户%d,%d.00\r\n", i, i, i*10)
	}
	tmpl := model.NotifyTemplate{Subject: "{{with .Member}}{{.Name}}{{else}}{{.姓名}}{{end}}，您的账单",
		Body: "{{with .Member}}{{.Name}}{{else}}{{.姓名}}{{end}}您好：\n本月金额 {{.金额}} 元。\n"}
	job, err := startNotify(t, ts, "admin", tmpl, csv.String())
	if err != nil {
		t.Fatal(err)
	}
	if job.Rows != 1202 {
		t.Fatalf("rows %d", job.Rows)
	}
	ts.relay.NotifyPass()
	read := func() (*model.NotifyJob, *model.Batch) {
		var j *model.NotifyJob
		var b *model.Batch
		ts.store.Read(func(r *store.Reader) error {
			j, _ = r.NotifyJob(job.ID)
			b, _ = r.Batch(j.Batch)
			return nil
		})
		return j, b
	}
	j, b := read()
	if j.State != model.NotifyWaiting || j.Queued != 1000 || j.Skipped != 2 || j.Waiting() != 200 {
		t.Fatalf("after the first day: %+v", j)
	}
	if want := time.Date(2026, 12, 3, 0, 0, 0, 0, shanghai); !j.WaitUntil.Equal(want) {
		t.Errorf("waits until %v, want %v", j.WaitUntil, want)
	}
	if b == nil || b.Kind != model.BatchNotify || b.State != model.BatchWaiting || b.OK != 1000 || b.Skipped != 2 || b.Expected != 1202 || b.By != j.Sender {
		t.Fatalf("batch task %+v", b)
	}
	queued, _ := ts.spool.List(store.QueueFilter{})
	if len(queued) != 1000 {
		t.Fatalf("%d messages in the spool", len(queued))
	}
	ts.clock.Add(6*time.Hour + 59*time.Minute) // 15:59 UTC, 23:59 in Shanghai
	ts.relay.NotifyPass()
	if j, _ := read(); j.Queued != 1000 || j.State != model.NotifyWaiting {
		t.Fatalf("the same day went on: %+v", j)
	}
	ts.clock.Add(2 * time.Minute) // 00:01 the next day
	ts.relay.NotifyPass()
	j, b = read()
	if j.State != model.NotifyDone || j.Queued != 1200 || j.Skipped != 2 || b.State != model.BatchDone || b.Rows != 1202 || b.OK != 1200 {
		t.Fatalf("the next day: job %+v batch %+v", j, b)
	}
	ts.store.Read(func(r *store.Reader) error {
		if d1, d2 := r.NotifyUsed("2026-12-02"), r.NotifyUsed("2026-12-03"); d1 != 1000 || d2 != 200 {
			t.Errorf("quota used: %d, %d", d1, d2)
		}
		rows, _ := r.NotifyRows(job.ID, 0, 4)
		if rows[0].Status != model.RowQueued || rows[1].Status != model.RowSkipped || !strings.Contains(rows[1].Reason, "not an address") ||
			rows[2].Status != model.RowQueued || rows[3].Status != model.RowSkipped || !strings.Contains(rows[3].Reason, "repeats line 4") {
			t.Errorf("first rows: %+v", rows)
		}
		return nil
	})

	// The member got their own name, the customer the CSV's, in Chinese.
	all, _ := ts.spool.List(store.QueueFilter{})
	var sawMember, sawCustomer bool
	for _, m := range all {
		if m.Subject == "刘洋，您的账单" || strings.HasSuffix(m.Subject, "，您的账单") && m.Direction == "internal" {
			sawMember = true
		}
		if m.Subject == "客户7，您的账单" {
			sawCustomer = true
			body, err := ts.spool.Body(m.ID)
			if err != nil {
				t.Fatal(err)
			}
			e, err := gomessage.Read(strings.NewReader(string(body)))
			if err != nil {
				t.Fatal(err)
			}
			var text strings.Builder
			buf := make([]byte, 4096)
			n, _ := e.Body.Read(buf)
			text.Write(buf[:n])
			if !strings.Contains(text.String(), "客户7您好：\r\n本月金额 70.00 元。") || e.Header.Get("Precedence") != "bulk" || m.Account != j.Sender {
				t.Errorf("the message: %q %q", text.String(), body[:200])
			}
		}
	}
	if !sawMember || !sawCustomer {
		t.Errorf("member's %v, customer's %v", sawMember, sawCustomer)
	}
}

// TestNotifyRefusedWithoutThePermission: a member without notify, the
// helpdesk and the auditor may not start a job; a member granted notify
// may, and the operation log names it.
func TestNotifyRefusedWithoutThePermission(t *testing.T) {
	ts := newTestServer(t, nil)
	tmpl := model.NotifyTemplate{Subject: "通知", Body: "{{.name}}，明天放假。"}
	csv := "address,name\nx@ext.example,张三\n"
	for _, role := range []string{"member", "helpdesk", "auditor"} {
		if _, err := startNotify(t, ts, role, tmpl, csv); err == nil || !strings.Contains(err.Error(), "permission notify") {
			t.Errorf("%s: %v", role, err)
		}
	}
	member := model.Address(demoLogin(t, "member").Address)
	if err := ts.store.Apply(model.System(model.DoorCLI), &model.GrantPerm{Address: member, Perm: model.PermNotify}); err != nil {
		t.Fatal(err)
	}
	job, err := startNotify(t, ts, "member", tmpl, csv)
	if err != nil || job.Sender != member {
		t.Fatalf("a member holding notify: %v %+v", err, job)
	}
	ts.relay.NotifyPass()
	ts.store.Read(func(r *store.Reader) error {
		j, _ := r.NotifyJob(job.ID)
		if j.State != model.NotifyDone || j.Queued != 1 {
			t.Errorf("job %+v", j)
		}
		return nil
	})
}

// TestNotifyDeliveredByTheRunningRelay: with the relay running, a job
// started through the store is picked up at once (its event), and its
// messages arrive in the member's Maildir and at the next hop outside.
func TestNotifyDeliveredByTheRunningRelay(t *testing.T) {
	hop := newFakeHop(t, fakeHopOptions{})
	ts := newTestServer(t, func(c *Config) { c.Smarthost.Addr = hop.addr })
	ts.run()
	head := demoLogin(t, "head").Address
	tmpl := model.NotifyTemplate{Subject: "放假通知", Body: "{{with .Member}}{{.Name}}{{else}}{{.name}}{{end}}：元旦放假三天。"}
	job, err := startNotify(t, ts, "admin", tmpl, "address,name\n"+head+",\ncustomer@ext.example,王先生\n")
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "both delivered", func() bool {
		return len(ts.maildirFiles(model.Address(head), "")) == 1 && len(hop.received()) == 1
	})
	texts, err := walkAll([]byte(hop.received()[0].body))
	if err != nil || len(texts) != 1 || texts[0] != "王先生：元旦放假三天。" {
		t.Errorf("outside: %v %q", err, texts)
	}
	if got := ts.maildirFiles(model.Address(head), "")[0]; !strings.Contains(got, "X-Postroom-Notify: "+fmt.Sprint(job.ID)) {
		t.Errorf("inside:\n%s", got)
	}
	waitFor(t, "the batch task done", func() bool {
		done := false
		ts.store.Read(func(r *store.Reader) error {
			j, _ := r.NotifyJob(job.ID)
			if b, err := r.Batch(j.Batch); err == nil {
				done = j.State == model.NotifyDone && b.State == model.BatchDone && b.OK == 2
			}
			return nil
		})
		return done
	})
}
