//go:build bench

package mail

import (
	"strings"
	"testing"

	"postroom/model"
)

// BenchmarkSignature measures what adding the enterprise signature costs
// one message (MAILFX-1): filling the template in for the member (parsed
// once, as the relay keeps it) and rewriting the message, for a short
// plain-text message, a multipart/alternative one in GB18030
// quoted-printable, and one with a 256 KB attachment.
//
//	go test -tags bench -run XXX -bench Signature -benchmem ./mail/
func BenchmarkSignature(b *testing.B) {
	pol := model.SignaturePolicy{Text: "{{.Name}}{{with .Title}} · {{.}}{{end}}\n{{.Department}}\n{{with .Phone}}电话 {{.}}\n{{end}}{{with .Mobile}}手机 {{.}}\n{{end}}{{.Enterprise}}\n{{.Address}}"}
	var cache signatureCache
	para := strings.Repeat("各位同事：明天上午十点在三楼会议室开周会，请准时参加。\r\n", 20)
	attach := strings.Repeat(strings.Repeat("QUJD", 19)+"\r\n", 256<<10/78)
	msgs := map[string]string{
		"plain": "From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + para,
		"alternative-gb18030-qp": "From: a@example.com\r\nSubject: hi\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\n" +
			"Content-Type: text/plain; charset=GB18030\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + gb18030QP(b, para) +
			"\r\n--b\r\nContent-Type: text/html; charset=GB18030\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + gb18030QP(b, "<html><body><p>"+para+"</p></body></html>") + "\r\n--b--\r\n",
		"mixed-256KB-attachment": "From: a@example.com\r\nSubject: hi\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\n" +
			"Content-Type: text/plain; charset=utf-8\r\n\r\n" + para + "\r\n--m\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" + attach + "--m--\r\n",
	}
	f := model.SampleSignatureFields
	for name, msg := range msgs {
		b.Run(name, func(b *testing.B) {
			body := []byte(msg)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				t, err := cache.template(pol)
				if err != nil {
					b.Fatal(err)
				}
				sig, err := t.Render(f)
				if err != nil {
					b.Fatal(err)
				}
				if out := AddSignature(body, sig); len(out) <= len(body) {
					b.Fatal("no signature added")
				}
			}
		})
	}
}
