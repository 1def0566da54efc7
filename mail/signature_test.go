package mail

import (
	"bytes"
	"strings"
	"testing"

	gomessage "github.com/emersion/go-message"
	"golang.org/x/text/encoding/simplifiedchinese"

	"postroom/model"
	"postroom/store"
)

// testSignature is a signature as the relay renders it for 张三.
var testSignature = model.RenderedSignature{
	Text: "张三 · 销售经理\n销售部/华北大区\n电话 010-12345678",
	HTML: "<b>张三</b> · 销售经理<br>\n销售部/华北大区<br>\n电话 010-12345678",
}

func gb18030QP(t testing.TB, s string) string {
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return string(encodeQP(string(b)))
}

// TestAddSignatureShapes: each shape of message gets the signature where
// a reader sees it, once, and keeps its structure; signed and encrypted
// messages are left alone.
func TestAddSignatureShapes(t *testing.T) {
	b64 := func(s string) string { return string(encodeBase64Lines([]byte(s))) }
	tests := []struct {
		name  string
		msg   string
		parts []string // each text part after (decoded) must contain its entry ("" = unchanged check skipped)
		same  bool     // the message must come back byte for byte
	}{
		{"plain ASCII", "Content-Type: text/plain\r\n\r\nHello\r\n", []string{"Hello\r\n\r\n-- \r\n张三 · 销售经理\r\n销售部/华北大区\r\n电话 010-12345678\r\n"}, false},
		{"no MIME header", "Subject: hi\r\n\r\nHello", []string{"Hello\r\n\r\n-- \r\n张三"}, false},
		{"GB18030 quoted-printable", "Content-Type: text/plain; charset=GB18030\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + gb18030QP(t, "各位好，明天开会。\r\n"),
			[]string{"各位好，明天开会。\r\n\r\n-- \r\n张三"}, false},
		{"base64 UTF-8", "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64("你好\r\n"), []string{"你好\r\n\r\n-- \r\n张三 · 销售经理"}, false},
		{"alternative: both", "Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n你好\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>你好</p></body></html>\r\n--b--\r\n",
			[]string{"你好\r\n\r\n-- \r\n张三", "<p>你好</p><div class=\"postroom-signature\">-- <br>\r\n<b>张三</b> · 销售经理<br>\r\n销售部/华北大区<br>\r\n电话 010-12345678\r\n</div>\r\n</body></html>"}, false},
		{"mixed: body part only", "Content-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n见附件\r\n--m\r\nContent-Type: text/plain; name=a.txt\r\nContent-Disposition: attachment; filename=a.txt\r\n\r\nattached text\r\n--m--\r\n",
			[]string{"见附件\r\n\r\n-- \r\n张三", "attached text"}, false},
		{"already signed by the client", "Content-Type: text/plain; charset=utf-8\r\n\r\n你好\r\n\r\n-- \r\n张三 · 销售经理\r\n销售部/华北大区\r\n电话 010-12345678\r\n", nil, true},
		{"a reply quoting it", "Content-Type: text/plain; charset=utf-8\r\n\r\n好的\r\n\r\n> 你好\r\n> -- \r\n> 张三 · 销售经理\r\n> 销售部/华北大区\r\n> 电话 010-12345678\r\n", nil, true},
		{"S/MIME multipart/signed", "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=s\r\n\r\n--s\r\nContent-Type: text/plain\r\n\r\nsigned\r\n--s\r\nContent-Type: application/pkcs7-signature\r\n\r\nMIIB\r\n--s--\r\n", nil, true},
		{"PGP multipart/encrypted", "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=e\r\n\r\n--e\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n--e\r\nContent-Type: application/octet-stream\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n--e--\r\n", nil, true},
		{"DKIM-signed by the client", "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=x; b=abc\r\nContent-Type: text/plain\r\n\r\nHello\r\n", nil, true},
		{"header only", "Subject: hi\r\n", nil, true},
		{"an image alone", "Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0K\r\n", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := AddSignature([]byte(tt.msg), testSignature)
			if tt.same {
				if string(out) != tt.msg {
					t.Fatalf("changed:\n%s", out)
				}
				return
			}
			texts, err := walkAll(out)
			if err != nil {
				t.Fatalf("does not parse: %v\n%s", err, out)
			}
			if len(texts) != len(tt.parts) {
				t.Fatalf("text parts %q", texts)
			}
			for i, want := range tt.parts {
				if !strings.Contains(texts[i], want) {
					t.Errorf("part %d = %q, want it to hold %q", i, texts[i], want)
				}
			}
			for i, want := range tt.parts {
				if !strings.Contains(want, "张三") && strings.Contains(texts[i], "张三") {
					t.Errorf("part %d got the signature: %q", i, texts[i])
				}
			}
			if again := AddSignature(out, testSignature); !bytes.Equal(again, out) {
				t.Errorf("added twice:\n%s", again)
			}
			for l := range strings.Lines(string(out)) {
				if !strings.HasSuffix(l, "\r\n") && !strings.HasSuffix(tt.msg, strings.TrimRight(l, "\r\n")) {
					t.Errorf("line without CRLF: %q", l)
				}
			}
		})
	}
}

// TestAddSignatureCharsetDeclared: a GB18030 part is written back as
// UTF-8 and says so, and a mail reader decodes the Chinese.
func TestAddSignatureCharsetDeclared(t *testing.T) {
	msg := "Content-Type: text/plain; charset=GB18030\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + gb18030QP(t, "各位好\r\n")
	out := AddSignature([]byte(msg), testSignature)
	e, err := gomessage.Read(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	_, params, _ := e.Header.ContentType()
	if !strings.EqualFold(params["charset"], "utf-8") || e.Header.Get("Content-Transfer-Encoding") != "quoted-printable" {
		t.Errorf("header after: %q %q", e.Header.Get("Content-Type"), e.Header.Get("Content-Transfer-Encoding"))
	}
}

// FuzzAddSignature: whatever comes in, no panic; a message that parsed
// still parses with as many text parts, and each part's text before is
// still in it after.
func FuzzAddSignature(f *testing.F) {
	f.Add([]byte("Content-Type: text/plain\r\n\r\nHello\r\n"), "张三\n电话 1", "")
	f.Add([]byte("Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n5L2g5aW9\r\n--b\r\nContent-Type: text/html\r\n\r\n<body>x</body>\r\n--b--\r\n"), "sig", "<b>sig</b>")
	f.Add([]byte("Content-Type: multipart/mixed; boundary=\"a\"\r\n\r\n--a\r\nContent-Type: multipart/related; boundary=c\r\n\r\n--c\r\n\r\nx\r\n--c--\r\n--a--\r\n"), "x", "")
	f.Add([]byte("Content-Type: text/html; charset=gbk\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=C4=E3</body>"), "\r\nline\x00", "<p>")
	f.Fuzz(func(t *testing.T, b []byte, text, html string) {
		before, errBefore := walkAll(b)
		out := AddSignature(b, model.RenderedSignature{Text: text, HTML: html})
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
		add := signatureAddition(model.RenderedSignature{Text: text, HTML: html})
		norm := func(s string) string { return strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), "\n") }
		for i := range before {
			if after[i] == before[i] {
				continue
			}
			// The part's own text stays as it was around what was added
			// (line breaks may become CRLF, a missing last one is added).
			got := after[i]
			if j := strings.LastIndex(got, add.html); j >= 0 {
				got = got[:j] + got[j+len(add.html):]
			} else if j := strings.LastIndex(got, "\r\n"+add.text); j >= 0 {
				got = got[:j] + got[j+2+len(add.text):]
			}
			if norm(got) != norm(before[i]) && isText(before[i]) {
				t.Fatalf("part %d lost its text\nbefore: %q\nafter:  %q", i, before[i], after[i])
			}
		}
	})
}

// isText: valid UTF-8 without bare CR (what the rewrite keeps as it is).
func isText(s string) bool {
	return !strings.Contains(strings.ReplaceAll(s, "\r\n", ""), "\r") && strings.ToValidUTF8(s, "") == s
}

// TestSubmissionAddsSignature: with a signature in the policy, a member's
// mail arrives signed in the colleague's Maildir and at the next hop
// outside, in both parts of a multipart/alternative; the same mail from a
// member who opted out (where the policy allows it) arrives as sent.
func TestSubmissionAddsSignature(t *testing.T) {
	hop := newFakeHop(t, fakeHopOptions{})
	ts := newTestServer(t, func(c *Config) { c.Smarthost.Addr = hop.addr })
	ts.run()
	admin := model.System(model.DoorCLI)
	var pol model.MailPolicy
	ts.store.Read(func(r *store.Reader) error { var err error; pol, err = r.MailPolicy(); return err })
	pol.Signature = model.SignaturePolicy{Text: "{{.Name}}{{with .Title}} · {{.}}{{end}}\n{{.Department}}\n{{.Enterprise}}", OptOut: true}
	if err := ts.store.Apply(admin, &model.SetMailPolicy{Policy: pol}); err != nil {
		t.Fatal(err)
	}
	c, from := ts.login("member")
	var m *model.Member
	ts.store.Read(func(r *store.Reader) error { var err error; m, err = r.Member(from); return err })
	alt := "From: " + string(from) + "\r\nTo: liuyang@example.com, x@ext.example\r\nSubject: hi\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n明天开会\r\n" +
		"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>明天开会</p></body></html>\r\n--b--\r\n"
	if err := send(c, string(from), []string{"liuyang@example.com", "x@ext.example"}, alt); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "delivery", func() bool {
		return len(ts.maildirFiles("liuyang@example.com", "")) == 1 && len(hop.received()) == 1
	})
	for where, got := range map[string]string{"maildir": ts.maildirFiles("liuyang@example.com", "")[0], "next hop": hop.received()[0].body} {
		texts, err := walkAll([]byte(got))
		if err != nil || len(texts) != 2 {
			t.Fatalf("%s: %v %q", where, err, texts)
		}
		if !strings.Contains(texts[0], "明天开会\r\n\r\n-- \r\n"+m.Name) || !strings.Contains(texts[1], `<div class="postroom-signature">-- <br>`+"\r\n"+m.Name) {
			t.Errorf("%s: no signature in both parts: %q", where, texts)
		}
	}

	if err := ts.store.Apply(model.Actor{Address: from, Door: model.DoorCLI}, &model.SetSignatureOptOut{Address: from, Off: true}); err != nil {
		t.Fatal(err)
	}
	if err := send(c, string(from), []string{"liuyang@example.com"}, message(string(from), "liuyang@example.com", "again", "没有签名")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "delivery", func() bool { return len(ts.maildirFiles("liuyang@example.com", "")) == 2 })
	for _, got := range ts.maildirFiles("liuyang@example.com", "") {
		if strings.Contains(got, "Subject: again") && strings.Contains(got, "-- \r\n") {
			t.Errorf("the opted-out member's mail got the signature:\n%s", got)
		}
	}
}
