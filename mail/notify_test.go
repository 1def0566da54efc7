package mail

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	gomessage "github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"

	"postroom/model"
	"postroom/store"
)

func sampleNotice() NoticeData {
	cst := time.FixedZone("CST", 8*3600)
	return NoticeData{
		To:           "zhangsan@corp.example",
		ToName:       "张三",
		From:         "postmaster@corp.example",
		Date:         time.Date(2026, 11, 23, 10, 0, 0, 0, cst),
		Hostname:     "mx.corp.example",
		RequestID:    "019a4f2c3b1d8e7f6a5b",
		Sender:       "zhangsan@corp.example",
		SenderName:   "张三",
		Subject:      "周计划：华北大区",
		Recipients:   []string{"all@corp.example", "ceo@corp.example"},
		Received:     time.Date(2026, 11, 23, 9, 58, 0, 0, cst),
		Reasons:      []string{"全员邮件需要部门负责人审批", "主题含“周计划”"},
		Approver:     "wangwei@corp.example",
		ApproverName: "王伟",
		Comment:      "请改发部门群组",
		Deadline:     time.Date(2026, 11, 23, 11, 58, 0, 0, cst),
		OnDeadline:   "release",
		SSHHost:      "postroom.corp.example",
		SSHPort:      2222,
	}
}

// readNotice parses a notice and returns its subject and decoded text.
func readNotice(t *testing.T, msg []byte) (gomail.Header, string) {
	t.Helper()
	e, err := gomessage.Read(bytes.NewReader(msg))
	if err != nil {
		t.Fatalf("notice does not parse: %v\n%s", err, msg)
	}
	body, err := io.ReadAll(e.Body)
	if err != nil {
		t.Fatal(err)
	}
	return gomail.Header{Header: e.Header}, string(body)
}

func TestBuildNoticeEveryKindAndLanguage(t *testing.T) {
	tests := []struct {
		kind, lang string
		subject    string
		text       []string
	}{
		{NoticeHeld, "zh-CN", "您的邮件待审批：周计划：华北大区", []string{"张三，您好", "审批编号：019a4f2c3b1d8e7f6a5b", "  - 全员邮件需要部门负责人审批", "审批人：王伟 <wangwei@corp.example>", "2026-11-23 11:58 (CST) 前无人处理，这封邮件将自动发出", "请不要重发"}},
		{NoticeHeld, "en", "Your mail is held for approval: 周计划：华北大区", []string{"Hello 张三,", "Request id: 019a4f2c3b1d8e7f6a5b", "Who decides: 王伟 <wangwei@corp.example>", "sent on by itself"}},
		{NoticeReleased, "zh_CN.UTF-8", "您的邮件已获批准并发出：周计划：华北大区", []string{"已由 王伟 <wangwei@corp.example> 批准", "审批意见：请改发部门群组"}},
		{NoticeReleased, "en", "Your mail was approved and sent on: 周计划：华北大区", []string{"approved by 王伟 <wangwei@corp.example>"}},
		{NoticeRejected, "zh-CN", "您的邮件未获批准，没有发出：周计划：华北大区", []string{"被 王伟 <wangwei@corp.example> 拒绝", "审批意见：请改发部门群组", "当初暂存的原因"}},
		{NoticeRejected, "en", "Your mail was not approved and was not sent: 周计划：华北大区", []string{"rejected by 王伟", "Comment:    请改发部门群组"}},
		{NoticeApproval, "zh-CN", "待您审批：张三 <zhangsan@corp.example> 的邮件「周计划：华北大区」", []string{
			"ssh -p 2222 zhangsan@corp.example@postroom.corp.example queue release 019a4f2c3b1d8e7f6a5b",
			"queue reject 019a4f2c3b1d8e7f6a5b --comment \"拒绝理由\"", "收件人：all@corp.example, ceo@corp.example"}},
		{NoticeApproval, "en", `Waiting for your decision: mail from 张三 <zhangsan@corp.example>, "周计划：华北大区"`, []string{
			"release: ssh -p 2222 zhangsan@corp.example@postroom.corp.example queue release 019a4f2c3b1d8e7f6a5b",
			"reject:  ssh -p 2222 zhangsan@corp.example@postroom.corp.example queue reject 019a4f2c3b1d8e7f6a5b --comment"}},
	}
	for _, tt := range tests {
		t.Run(tt.kind+"/"+tt.lang, func(t *testing.T) {
			msg, err := BuildNotice(tt.kind, tt.lang, sampleNotice())
			if err != nil {
				t.Fatal(err)
			}
			h, text := readNotice(t, msg)
			if s, _ := h.Subject(); s != tt.subject {
				t.Errorf("Subject = %q, want %q", s, tt.subject)
			}
			if !strings.Contains(string(msg), "\r\nSubject: =?utf-8?b?") {
				t.Error("the subject is not RFC 2047 encoded")
			}
			for _, want := range tt.text {
				if !strings.Contains(text, want) {
					t.Errorf("text lacks %q:\n%s", want, text)
				}
			}
			if strings.Contains(text, "<no value>") || strings.Contains(text, "%!") {
				t.Errorf("template gap:\n%s", text)
			}
			if d, err := h.Date(); err != nil || !d.Equal(sampleNotice().Date) {
				t.Errorf("Date %v %v", d, err)
			}
			if id, err := h.MessageID(); err != nil || !strings.HasSuffix(id, "@mx.corp.example") {
				t.Errorf("Message-ID %q %v", id, err)
			}
			from, _ := h.AddressList("From")
			if len(from) != 1 || from[0].Address != "postmaster@corp.example" {
				t.Errorf("From %v", from)
			}
			if mt, params, _ := h.ContentType(); mt != "text/plain" || params["charset"] != "utf-8" || h.Get("Content-Transfer-Encoding") != "base64" || h.Get("Mime-Version") != "1.0" {
				t.Errorf("MIME header %v", h.Map())
			}
			if tt.kind == NoticeRejected && tt.lang == "en" {
				t.Logf("\n%s", text)
			}
		})
	}
}

// TestBuildNoticeCountsUnlisted: a notice lists ten recipients and says
// how many more there are, or, in Chinese, how many in all.
func TestBuildNoticeCountsUnlisted(t *testing.T) {
	ten := make([]string, 10)
	for i := range ten {
		ten[i] = fmt.Sprintf("m%d@corp.example", i)
	}
	for _, tt := range []struct {
		lang    string
		listed  []string
		count   int
		want    string // how the recipients' line ends
		notWant string
	}{
		{"en", ten, 326, "m9@corp.example and 316 more", ""},
		{"zh-CN", ten, 326, "m9@corp.example 等 326 人", ""},
		{"en", ten, 10, "", " more"},
		{"zh-CN", ten, 10, "", " 人"},
		{"en", ten[:2], 0, "m1@corp.example", " more"},
		{"zh-CN", ten[:2], 0, "m1@corp.example", " 人"},
	} {
		for _, kind := range []string{NoticeHeld, NoticeReleased, NoticeRejected, NoticeApproval} {
			d := sampleNotice()
			d.Recipients, d.RecipientCount = tt.listed, tt.count
			msg, err := BuildNotice(kind, tt.lang, d)
			if err != nil {
				t.Fatal(err)
			}
			_, text := readNotice(t, msg)
			line := recipientLine(text)
			if tt.want != "" && !strings.HasSuffix(line, tt.want) {
				t.Errorf("%s/%s, %d of %d listed: the recipients' line %q does not end in %q", kind, tt.lang, len(tt.listed), tt.count, line, tt.want)
			}
			if tt.notWant != "" && strings.Contains(line, tt.notWant) {
				t.Errorf("%s/%s, %d of %d listed: %q says there are more", kind, tt.lang, len(tt.listed), tt.count, line)
			}
		}
	}
}

// recipientLine is the notice's line that lists the recipients.
func recipientLine(text string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, "m0@corp.example") {
			return strings.TrimRight(l, "\r")
		}
	}
	return ""
}

func TestBuildNoticeRefusesAndCleans(t *testing.T) {
	d := sampleNotice()
	d.Date = time.Time{}
	if _, err := BuildNotice(NoticeHeld, "en", d); err == nil {
		t.Error("no Date accepted")
	}
	if _, err := BuildNotice("spam", "en", sampleNotice()); err == nil {
		t.Error("unknown kind accepted")
	}
	d = sampleNotice()
	d.Subject = "hi\r\nBcc: everyone@corp.example"
	d.Deadline = time.Time{}
	d.Approver, d.ApproverName = "", ""
	msg, err := BuildNotice(NoticeRejected, "en", d)
	if err != nil {
		t.Fatal(err)
	}
	h, text := readNotice(t, msg)
	if h.Get("Bcc") != "" || strings.Contains(string(msg), "\r\nBcc:") {
		t.Errorf("header injection through the subject:\n%s", msg)
	}
	if !strings.Contains(text, "not approved in time") {
		t.Errorf("a lapsed hold:\n%s", text)
	}
}

func TestSendNoticeQueuesSystemMail(t *testing.T) {
	r := newDeliveryRig(t, func(c *DeliveryConfig) {
		c.Lang = func(model.Address) string { return "zh-CN" }
	})
	r.start()
	d := sampleNotice()
	d.To, d.ToName, d.From, d.Date, d.Hostname = "wangwei@corp.example", "王伟", "", time.Time{}, ""
	id, err := r.d.SendNotice(NoticeApproval, "", d)
	if err != nil {
		t.Fatal(err)
	}
	m, rc := r.waitStatus(id, store.MsgDone)
	if m.From != "" || !m.DSN || m.Door != "system" || m.HeaderFrom != "postmaster@corp.example" || !strings.HasPrefix(m.Subject, "待您审批") {
		t.Errorf("queued notice %+v", m)
	}
	if len(rc) != 1 || rc[0].Addr != "wangwei@corp.example" || !rc[0].Local {
		t.Errorf("recipients %+v", rc)
	}
	box := r.mailbox("wangwei@corp.example", "")
	if len(box) != 1 {
		t.Fatalf("%d messages", len(box))
	}
	h, text := readNotice(t, []byte(box[0]))
	if date, _ := h.Date(); !date.Equal(r.clock.now()) {
		t.Errorf("Date %v, clock %v", date, r.clock.now())
	}
	if !strings.Contains(text, "王伟，您好") || !strings.Contains(text, "queue release "+d.RequestID) {
		t.Errorf("text:\n%s", text)
	}
}
