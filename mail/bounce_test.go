package mail

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"postroom/model"
	"postroom/store"
)

func TestFailureStatus(t *testing.T) {
	tests := []struct {
		lastErr                    string
		status, remote, diagnostic string
	}{
		{"mx.ext.example:25 said: 550 5.1.1 No such user", "5.1.1", "mx.ext.example", "550 5.1.1 No such user"},
		{"[2001:db8::1]:25 said: 554 Rejected", "5.0.0", "2001:db8::1", "554 Rejected"},
		{"lifetime ended after 9 attempts: mx.ext.example:25 said: 451 4.3.0 Try later", "4.4.7", "mx.ext.example", "451 4.3.0 Try later"},
		{"lifetime ended after 3 attempts: connect to mx:25: connection refused", "4.4.7", "", ""},
		{"lifetime ended after 2 attempts: no smarthost configured: mail to other domains cannot be sent", "4.4.7", "", ""},
		{`the recipient "a b@x.com" is not forwarded: bad`, "5.1.3", "", ""},
		{"local delivery refused: mailbox \"..@x\": bad", "5.1.1", "", ""},
		{"unix:/run/lmtp said: 550 5.1.1 <a@b.com> Gone", "5.1.1", "", "550 5.1.1 <a@b.com> Gone"},
	}
	for _, tt := range tests {
		st := failureStatus(tt.lastErr)
		if st.status != tt.status || st.remote != tt.remote || st.diagnostic != tt.diagnostic {
			t.Errorf("%q: %+v, want %s %q %q", tt.lastErr, st, tt.status, tt.remote, tt.diagnostic)
		}
	}
}

func TestBuildDSNLanguagesAndLimits(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	var failed []store.QueueRcpt
	for i := range 60 {
		failed = append(failed, store.QueueRcpt{Addr: model.Address(fmt.Sprintf("u%d@ext.example", i)), Status: store.RcptFailed,
			LastError: "mx:25 said: 550 5.1.1 No such user\r\nInjected: x", Done: now})
	}
	in := dsnInput{
		Hostname: "mx.corp.example", From: "MAILER-DAEMON@corp.example", To: "zhangsan@corp.example",
		QueueID: "0123456789abcdef0123", Received: now.Add(-time.Hour), Subject: "周计划\r\nBcc: x",
		MessageID: "orig.1@corp.example", Failed: failed, Delivered: 3,
		OrigHeader: []byte("Subject: =?UTF-8?B?5ZGo6K6h5YiS?=\r\nX-Raw: 原始\r\n\r\n"), Now: now,
	}

	in.Lang = "en"
	msg, subject, err := buildDSN(in)
	if err != nil {
		t.Fatal(err)
	}
	if subject != "Undelivered mail returned to sender: 周计划 Bcc: x" {
		t.Errorf("subject %q", subject)
	}
	subj, human, status, headers := readDSN(t, string(msg))
	if subj != subject {
		t.Errorf("Subject header decodes to %q", subj)
	}
	if strings.Contains(human, "原因") || !strings.Contains(human, "and 10 more") || !strings.Contains(human, "The other 3 recipient(s) received it.") {
		t.Errorf("English human part:\n%s", human)
	}
	if strings.Count(human, "Reason:") != maxBounceListed {
		t.Errorf("%d recipients listed", strings.Count(human, "Reason:"))
	}
	if strings.Count(status, "Final-Recipient:") != 60 || strings.Contains(status, "Injected:") && !strings.Contains(status, "Injected: x") {
		t.Errorf("delivery-status:\n%s", status)
	}
	for l := range strings.Lines(status) {
		if strings.HasPrefix(l, "Injected") {
			t.Errorf("a line break in an error made a field: %q", l)
		}
	}
	if !strings.Contains(headers, "X-Raw: 原始") {
		t.Errorf("returned header with 8-bit text: %q", headers)
	}
	if !strings.Contains(string(msg), "In-Reply-To: <orig.1@corp.example>") || !strings.Contains(string(msg), "Auto-Submitted: auto-replied") {
		t.Errorf("header:\n%.600s", msg)
	}

	in.Lang = ""
	msg, subject, err = buildDSN(in)
	if err != nil {
		t.Fatal(err)
	}
	_, human, _, _ = readDSN(t, string(msg))
	if !strings.Contains(subject, "退信") || !strings.Contains(subject, " / Undelivered mail returned to sender") {
		t.Errorf("subject in both languages: %q", subject)
	}
	if !strings.Contains(human, "原因：mx:25 said") || !strings.Contains(human, "Reason: mx:25 said") || !strings.Contains(human, "另有 10 位收件人") {
		t.Errorf("human part in both languages:\n%s", human)
	}
	t.Logf("both languages:\n%s", human)
}
