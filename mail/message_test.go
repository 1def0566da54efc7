package mail

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"strings"
	"testing"

	gomessage "github.com/emersion/go-message"
	"golang.org/x/text/encoding/simplifiedchinese"

	"postroom/model"
)

// gbk encodes s in GBK.
func gbk(t testing.TB, s string) string {
	t.Helper()
	out, err := simplifiedchinese.GBK.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// crlf turns "\n" into "\r\n".
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

func TestParseHeaderChineseCharsets(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name, subject, want string
	}{
		{"GBK base64", "=?GBK?B?" + b64(gbk(t, "周计划：华北大区")) + "?=", "周计划：华北大区"},
		{"GB2312 base64", "=?gb2312?B?" + b64(gbk(t, "日结果")) + "?=", "日结果"},
		{"GB18030 Q", "=?GB18030?Q?" + qEncodeBytes(gbk(t, "合同报价")) + "?=", "合同报价"},
		{"UTF-8 split words", "=?UTF-8?B?" + b64("合同") + "?= =?UTF-8?B?" + b64("报价") + "?=", "合同报价"},
		{"mixed with ASCII", "Re: =?GBK?B?" + b64(gbk(t, "通知")) + "?= 2026", "Re: 通知 2026"},
		{"raw GBK bytes", gbk(t, "年终总结"), "年终总结"},
		{"plain", "Hello", "Hello"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := "From: =?GBK?B?" + b64(gbk(t, "张三")) + "?= <ZhangSan@Example.COM>\r\n" +
				"Subject: " + tt.subject + "\r\n" +
				"Message-ID: <abc.123@example.com>\r\n" +
				"Date: Mon, 23 Nov 2026 09:30:00 +0800\r\n" +
				"\r\nbody\r\n"
			f, err := ParseHeader([]byte(msg))
			if err != nil {
				t.Fatal(err)
			}
			if f.Subject != tt.want {
				t.Errorf("Subject = %q, want %q", f.Subject, tt.want)
			}
			if f.From != "zhangsan@example.com" || f.FromRaw != "ZhangSan@Example.COM" || f.FromName != "张三" {
				t.Errorf("From = %q raw %q name %q", f.From, f.FromRaw, f.FromName)
			}
			if f.MessageID != "abc.123@example.com" {
				t.Errorf("MessageID = %q", f.MessageID)
			}
			if string([]byte(msg)[f.HeaderEnd:]) != "body\r\n" {
				t.Errorf("HeaderEnd %d points at %q", f.HeaderEnd, msg[f.HeaderEnd:])
			}
		})
	}
}

// qEncodeBytes Q-encodes every byte (RFC 2047 4.2).
func qEncodeBytes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteString("=")
		b.WriteString(strings.ToUpper(hexByte(s[i])))
	}
	return b.String()
}

func hexByte(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}

func TestParseHeaderOddShapes(t *testing.T) {
	tests := []struct {
		name, msg  string
		wantErr    bool
		from       model.Address
		headerEnd  int
		subjectHas string
	}{
		{"no body", "Subject: x\r\nFrom: a@b.com\r\n", false, "a@b.com", 27, "x"},
		{"LF only", "Subject: x\nFrom: a@b.com\n\nhi\n", false, "a@b.com", 26, "x"},
		{"bad From kept lower-cased", "From: <Odd+Tag@Ext.Example>\r\n\r\n", false, "odd+tag@ext.example", 31, ""},
		{"no From", "Subject: x\r\n\r\n", false, "", 14, "x"},
		{"line without colon", "Subject x\r\n\r\n", true, "", 13, ""},
		{"folded subject", "Subject: a\r\n b\r\n\r\n", false, "", 18, "a b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseHeader([]byte(tt.msg))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if f.From != tt.from {
				t.Errorf("From = %q, want %q", f.From, tt.from)
			}
			if f.HeaderEnd != tt.headerEnd {
				t.Errorf("HeaderEnd = %d, want %d", f.HeaderEnd, tt.headerEnd)
			}
			if !strings.Contains(f.Subject, tt.subjectHas) {
				t.Errorf("Subject = %q", f.Subject)
			}
		})
	}
}

func TestTextExcerpt(t *testing.T) {
	gbkB64 := base64.StdEncoding.EncodeToString([]byte(gbk(t, "本周合同报价，请查收。")))
	alt := crlf(`From: a@example.com
Subject: x
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=GBK
Content-Transfer-Encoding: base64

` + gbkB64 + `
--inner
Content-Type: text/html; charset=utf-8

<html><body><p>should not appear</p></body></html>
--inner--
--outer
Content-Type: text/plain; charset=utf-8
Content-Disposition: attachment; filename="secret.txt"

attachment text
--outer--
`)
	got := TextExcerpt([]byte(alt), 1000)
	if got != "本周合同报价，请查收。" {
		t.Errorf("alternative with GBK base64: %q", got)
	}

	htmlOnly := crlf(`Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

<html><head><style>p{color:red}</style></head><body><p>=E5=91=A8=E8=AE=A1=E5=88=92</p><script>x()</script><p>a &amp; b</p></body></html>
`)
	if got := TextExcerpt([]byte(htmlOnly), 1000); got != "周计划\na & b" {
		t.Errorf("HTML: %q", got)
	}

	long := "Content-Type: text/plain; charset=utf-8\r\n\r\n" + strings.Repeat("合同", 100) + "\r\n"
	got = TextExcerpt([]byte(long), 10)
	if len(got) > 10 || got != "合同合" {
		t.Errorf("cut at 10 bytes: %q", got)
	}
	if TextExcerpt([]byte("garbage without header"), 100) != "" {
		// a body without a header is a header line without a colon: nothing readable
		t.Log("garbage gave text (acceptable)")
	}
}

func TestAddTraceHeaders(t *testing.T) {
	recv := "from client.example (client.example [192.0.2.1]) by mx.corp.example (postroom) with ESMTPS id 0123456789abcdef0123; Mon, 23 Nov 2026 09:30:00 +0800\r\nInjected: yes"
	out := AddTraceHeaders([]byte("Subject: x\r\n\r\nhi\r\n"), recv)
	s := string(out)
	if !strings.HasPrefix(s, "Received: from client.example") || !strings.HasSuffix(s, "\r\nSubject: x\r\n\r\nhi\r\n") {
		t.Fatalf("got %q", s)
	}
	for l := range strings.Lines(s) {
		if len(l) > 80 {
			t.Errorf("line longer than 78: %q", l)
		}
		if strings.HasPrefix(l, "Injected") {
			t.Errorf("a line break in the value started a new field: %q", s)
		}
	}
	f, err := ParseHeader(out)
	if err != nil || f.Subject != "x" {
		t.Errorf("parse after: %v %+v", err, f)
	}
}

// walkAll reads every part of a message with go-message, as a mail
// program would; it returns the text of the text parts.
func walkAll(b []byte) ([]string, error) {
	e, err := gomessage.Read(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	var texts []string
	err = e.Walk(func(path []int, part *gomessage.Entity, err error) error {
		if err != nil {
			return err
		}
		if part.MultipartReader() != nil {
			return nil
		}
		body, err := io.ReadAll(part.Body)
		if err != nil {
			return err
		}
		if t, _, _ := part.Header.ContentType(); strings.HasPrefix(t, "text/") {
			texts = append(texts, string(body))
		}
		return nil
	})
	return texts, err
}

const contact = "发件人 / Sent by: 张三 · 销售部/华北大区 · zhangsan@example.com · 010-12345678"

func TestAddContactLineAlternativeBase64(t *testing.T) {
	plain := base64.StdEncoding.EncodeToString([]byte("各位好：\r\n\r\n附件是本周的报价单。\r\n"))
	msg := crlf(`From: =?UTF-8?B?6ZSA5ZSu6YOo?= <sales@example.com>
To: customer@ext.example
Subject: =?UTF-8?B?5oql5Lu3?=
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mix"

This is a multi-part message.
--mix
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64

` + plain + `
--alt
Content-Type: text/html; charset=gb2312
Content-Transfer-Encoding: quoted-printable

<html><body><p>=B8=F7=CE=BB=BA=C3</p></BODY></html>
--alt--

--mix
Content-Type: application/pdf; name="quote.pdf"
Content-Disposition: attachment; filename="quote.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--mix--
epilogue
`)
	out := AddContactLine([]byte(msg), contact)
	out = SetSender(out, "zhangsan@example.com", "张三")
	texts, err := walkAll(out)
	if err != nil {
		t.Fatalf("result does not parse: %v\n%s", err, out)
	}
	if len(texts) != 2 {
		t.Fatalf("text parts: %q", texts)
	}
	if !strings.HasSuffix(texts[0], "附件是本周的报价单。\r\n\r\n"+contact+"\r\n") {
		t.Errorf("plain part: %q", texts[0])
	}
	if !strings.Contains(texts[1], "<p>各位好</p><p>"+contact+"</p>\r\n</BODY>") {
		t.Errorf("html part (was GB2312): %q", texts[1])
	}
	s := string(out)
	if !strings.Contains(s, "This is a multi-part message.\r\n--mix\r\n") || !strings.HasSuffix(s, "JVBERi0xLjQK\r\n--mix--\r\nepilogue\r\n") {
		t.Errorf("structure around the parts changed:\n%s", s)
	}
	if !strings.Contains(s, "charset=utf-8") || strings.Contains(s, "gb2312") {
		t.Errorf("the HTML part's charset should now be utf-8:\n%s", s)
	}
	f, err := ParseHeader(out)
	if err != nil || f.Subject != "报价" {
		t.Errorf("header after: %v %+v", err, f)
	}
	e, _ := gomessage.Read(bytes.NewReader(out))
	sender, _ := e.Header.Text("Sender")
	if sender != `"张三" <zhangsan@example.com>` && sender != `张三 <zhangsan@example.com>` {
		t.Errorf("Sender = %q", sender)
	}
	for l := range strings.Lines(s) {
		if !strings.HasSuffix(l, "\r\n") {
			t.Errorf("line without CRLF: %q", l)
		}
	}
}

func TestAddContactLineSinglePart(t *testing.T) {
	tests := []struct {
		name, msg string
		wantCTE   string // the transfer encoding after
		changed   bool
	}{
		{"7bit ASCII becomes base64", "Content-Type: text/plain\r\n\r\nHello\r\n", "base64", true},
		{"no MIME header", "Subject: hi\r\n\r\nHello", "base64", true},
		{"8bit stays 8bit", "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n你好\r\n", "8bit", true},
		{"QP stays QP", "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=E4=BD=A0=E5=A5=BD=\r\n\r\n", "quoted-printable", true},
		{"GBK base64", "Content-Type: text/plain; charset=gbk\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64.StdEncoding.EncodeToString([]byte(gbk(t, "你好"))) + "\r\n", "base64", true},
		{"attachment only", "Content-Type: application/octet-stream\r\n\r\nxxxx\r\n", "", false},
		{"signed", "Content-Type: multipart/signed; boundary=b; protocol=\"application/pgp-signature\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n", "", false},
		{"unknown charset", "Content-Type: text/plain; charset=x-no-such\r\n\r\nx\r\n", "", false},
		{"bad base64", "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!\r\n", "", false},
		{"multipart without close", "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := AddContactLine([]byte(tt.msg), contact)
			if !tt.changed {
				if string(out) != tt.msg {
					t.Errorf("changed:\n%q", out)
				}
				return
			}
			e, err := gomessage.Read(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("parse: %v\n%s", err, out)
			}
			if cte := e.Header.Get("Content-Transfer-Encoding"); cte != tt.wantCTE {
				t.Errorf("CTE = %q, want %q", cte, tt.wantCTE)
			}
			body, _ := io.ReadAll(e.Body)
			if !strings.HasSuffix(string(body), "\r\n\r\n"+contact+"\r\n") {
				t.Errorf("body: %q", body)
			}
			if _, params, _ := mime.ParseMediaType(e.Header.Get("Content-Type")); params["charset"] != "utf-8" {
				t.Errorf("charset: %q", e.Header.Get("Content-Type"))
			}
		})
	}
}

func TestSetSenderReplaces(t *testing.T) {
	msg := "Sender: forged@example.com\r\nSubject: x\r\n\r\nbody"
	out := string(SetSender([]byte(msg), "li@example.com", ""))
	if strings.Contains(out, "forged") || !strings.HasPrefix(out, "Sender: <li@example.com>\r\n") || !strings.HasSuffix(out, "\r\n\r\nbody") {
		t.Errorf("got %q", out)
	}
}

func FuzzParseHeader(f *testing.F) {
	f.Add([]byte("From: a@b.com\r\nSubject: =?GBK?B?1ty8xruu?=\r\n\r\nbody"))
	f.Add([]byte("Subject: =?utf-8?q?=E5=91=A8?=\r\n b\r\n\r\n"))
	f.Add([]byte(" leading\r\n\r\n"))
	f.Add([]byte("From: \"a\\\" <x>\" <y@z.com>, b@c.com\r\nDate: bad\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, _ := ParseHeader(b)
		if h.HeaderEnd < 0 || h.HeaderEnd > len(b) {
			t.Fatalf("HeaderEnd %d out of range", h.HeaderEnd)
		}
		_ = TextExcerpt(b, 256)
	})
}

func FuzzAddContactLine(f *testing.F) {
	f.Add([]byte("Content-Type: text/plain\r\n\r\nHello\r\n"), contact)
	f.Add([]byte("Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n5L2g5aW9\r\n--b\r\nContent-Type: text/html\r\n\r\n<body>x</body>\r\n--b--\r\n"), "line")
	f.Add([]byte("Content-Type: multipart/mixed; boundary=\"a\"\r\n\r\n--a\r\nContent-Type: multipart/related; boundary=c\r\n\r\n--c\r\n\r\nx\r\n--c--\r\n--a--\r\n"), "x")
	f.Add([]byte("Content-Type: text/html; charset=gbk\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=C4=E3</body>"), "\r\nline\x00")
	f.Fuzz(func(t *testing.T, b []byte, line string) {
		before, errBefore := walkAll(b)
		out := AddContactLine(b, line)
		out = SetSender(out, "zhangsan@example.com", line)
		if errBefore != nil {
			return
		}
		after, err := walkAll(out)
		if err != nil {
			t.Fatalf("the message parsed before (%d text parts) but not after: %v\nin:  %q\nout: %q", len(before), err, b, out)
		}
		if len(after) != len(before) {
			t.Fatalf("text parts: %d before, %d after\nin:  %q\nout: %q", len(before), len(after), b, out)
		}
	})
}

// FuzzPlainBody: the short way of TextExcerpt for a plain message says
// what the MIME reader says, for every message both can read.
func FuzzPlainBody(f *testing.F) {
	f.Add([]byte("Subject: a\r\n\r\nhello\r\n.\r\nworld\r\n"))
	f.Add([]byte("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n报价单\r\n"))
	f.Add([]byte("Content-Type: text/plain;\r\n charset=\"US-ASCII\"\r\n\r\n  spaced  \r\n\r\n"))
	f.Add([]byte("content-type: TEXT/PLAIN\r\n\r\nx"))
	f.Add([]byte("no header at all"))
	f.Fuzz(func(t *testing.T, body []byte) {
		if _, ok := plainBody(body); !ok {
			return
		}
		if _, err := gomessage.Read(bytes.NewReader(body)); err != nil {
			return // a header the MIME reader refuses: the short way still reads the text
		}
		for _, max := range []int{5, 64 << 10} {
			if got, want := TextExcerpt(body, max), mimeExcerpt(body, max); got != want {
				t.Fatalf("max %d: short way %q, MIME reader %q", max, got, want)
			}
		}
	})
}
