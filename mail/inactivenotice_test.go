package mail

import (
	"strings"
	"testing"
	"time"

	"postroom/model"
	"postroom/store"
)

// inactiveNotices are the notices of long-unused accounts in a mailbox.
func (ts *testServer) inactiveNotices(t *testing.T, a model.Address) [][2]string {
	var out [][2]string
	for _, raw := range ts.maildirFiles(a, "") {
		if strings.Contains(raw, "X-Postroom-Notice: inactive") {
			s, txt := noticeText(t, raw)
			out = append(out, [2]string{s, txt})
		}
	}
	return out
}

func (ts *testServer) waitInactiveNotices(t *testing.T, a model.Address, n int) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end) && len(ts.inactiveNotices(t, a)) < n; time.Sleep(20 * time.Millisecond) {
	}
	time.Sleep(100 * time.Millisecond)
	if got := len(ts.inactiveNotices(t, a)); got != n {
		t.Fatalf("%s has %d inactivity notices, want %d", a, got, n)
	}
}

// TestInactiveNotices (ACC-6): past the inactivity period a head is told
// once, in their language, of the unused accounts of their people; a relay
// started again sends nothing twice; an account used again and then unused
// for another period is told again.
func TestInactiveNotices(t *testing.T) {
	ts := newTestServer(t, nil)
	member, head := model.Address("wangwei@example.com"), model.Address("liuyang@example.com")
	admin := model.Address(demoLogin(t, "admin").Address)
	ts.as(t, head, &model.SetPrefs{Address: head, Prefs: model.Prefs{Lang: "en"}})
	days := model.Duration(30 * 24 * time.Hour)
	ts.as(t, admin, &model.SetEnterprise{InactiveAfter: &days})
	ts.clock.Add(40 * 24 * time.Hour)
	if _, err := ts.store.Login(string(head), store.Credentials{Password: demoLogin(t, "head").Password}, model.LoginSSHPassword, "192.0.2.1", ""); err != nil {
		t.Fatal(err)
	}
	stop := runRelay(t, ts.relay)
	ts.waitInactiveNotices(t, head, 1)
	subj, text := ts.inactiveNotices(t, head)[0][0], ts.inactiveNotices(t, head)[0][1]
	contains(t, "the head's notice", subj, "unused for 30 days or longer")
	contains(t, "the head's notice", text, "王伟 <wangwei@example.com>", "last login: never", "once for each period")
	if strings.Contains(text, string(head)+">") {
		t.Errorf("the head is listed as unused after logging in:\n%s", text)
	}
	if len(ts.inactiveNotices(t, member)) != 0 {
		t.Error("the unused member was mailed")
	}

	stop()
	before, _ := ts.spool.List(store.QueueFilter{})
	again, err := New(Options{DataDir: ts.dir, Config: ts.relay.cfg, Store: ts.store, Spool: ts.spool, Now: ts.clock.Now, Log: &panics})
	if err != nil {
		t.Fatal(err)
	}
	again.sweepInactive()
	again.sweepInactive()
	if after, _ := ts.spool.List(store.QueueFilter{}); len(after) != len(before) {
		t.Fatalf("the relay started again queued %d messages, want none", len(after)-len(before))
	}

	// wangwei logs in: a new period; unused for another 40 days, he is told again.
	if _, err := ts.store.Login(string(member), store.Credentials{Password: demoLogin(t, "member").Password}, model.LoginSMTP, "192.0.2.1", ""); err != nil {
		t.Fatal(err)
	}
	ts.clock.Add(40 * 24 * time.Hour)
	if _, err := ts.store.Login(string(head), store.Credentials{Password: demoLogin(t, "head").Password}, model.LoginSSHPassword, "192.0.2.1", ""); err != nil {
		t.Fatal(err)
	}
	runRelay(t, again)
	ts.waitInactiveNotices(t, head, 2)
	latest := ts.inactiveNotices(t, head)
	var found bool
	for _, n := range latest {
		if strings.Contains(n[1], "wangwei@example.com>") && strings.Contains(n[1], "wangwei@example.com>, 销售部/华北大区/北京一组: last login: 2027-01-") {
			found = true
		}
	}
	if !found {
		t.Errorf("the second period's notice does not list wangwei with his login: %v", latest)
	}
}
