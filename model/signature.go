package model

import (
	"bytes"
	"html"
	htmltemplate "html/template"
	"strings"
	"text/template"
	"unicode/utf8"
)

// SignaturePolicy is the enterprise signature (MAILFX-1, seed part 4
// 6.1.1): a template filled from the sending member's fields and added at
// the end of the text of the mail members send through submission (to
// colleagues and to the outside alike, as the seed's console does for all
// mail a member sends). Text is a text/template; HTML, when given, is an
// html/template for text/html parts (values escaped); without it, the
// text form is escaped and its lines joined by <br>. An empty Text means
// no signature.
type SignaturePolicy struct {
	Text string `json:"text,omitempty"`
	HTML string `json:"html,omitempty"`
	// OptOut lets members turn the signature off for their own mail
	// (member signature ADDR off); when false it is added to everyone's.
	OptOut bool `json:"opt_out,omitempty"`
}

// On reports whether a signature is set.
func (s SignaturePolicy) On() bool { return strings.TrimSpace(s.Text) != "" }

// MaxSignatureBytes bounds each form of the signature template.
const MaxSignatureBytes = 8 << 10

// SignatureFields are what a signature template may name: the member's
// fields (empty ones print nothing; write {{with .Phone}}电话 {{.}}{{end}}
// so that a line disappears with its value).
type SignatureFields struct {
	Name         string // 姓名
	Title        string // 职务
	Department   string // the first department's path, 销售部/华北大区 (the company name for the root)
	Phone        string // 电话
	Mobile       string // 手机
	Email        string // the member's address
	Enterprise   string // the company name
	Address      string // the company's postal address (org set --address)
	CompanyPhone string // the company's phone (org set --phone)
}

// SampleSignatureFields are the fields a template is tried with when it is
// saved, and what the preview shows without a member.
var SampleSignatureFields = SignatureFields{Name: "张三", Title: "销售经理", Department: "销售部/华北大区",
	Phone: "010-12345678", Mobile: "13800000000", Email: "zhangsan@example.com", Enterprise: "示例公司",
	Address: "北京市海淀区示例路 1 号", CompanyPhone: "010-87654321"}

// MemberSignatureFields reads the fields of a member.
func MemberSignatureFields(v View, m *Member) (SignatureFields, error) {
	e, err := v.Enterprise()
	if err != nil {
		return SignatureFields{}, err
	}
	f := SignatureFields{Name: m.Name, Title: m.Title, Phone: m.Phone, Mobile: m.Mobile, Email: string(m.Address),
		Enterprise: e.Name, Address: e.Address, CompanyPhone: e.Phone}
	if len(m.Depts) > 0 && m.Depts[0] != RootDept {
		f.Department = v.DeptPath(m.Depts[0])
	}
	if f.Department == "" {
		f.Department = e.Name
	}
	return f, nil
}

// RenderedSignature is a signature filled in for one member: Text for
// text/plain parts, HTML (a fragment) for text/html parts. Lines end in
// "\n".
type RenderedSignature struct {
	Text string `json:"text"`
	HTML string `json:"html"`
}

// SignatureTemplate is a signature policy's templates, parsed once; it may
// be used by several goroutines at once.
type SignatureTemplate struct {
	text *template.Template
	html *htmltemplate.Template // nil: the text form escaped
}

// Parse parses the templates; nil for a policy without a signature.
func (s SignaturePolicy) Parse() (*SignatureTemplate, error) {
	if !s.On() {
		return nil, nil
	}
	tt, err := template.New("signature").Option("missingkey=error").Parse(s.Text)
	if err != nil {
		return nil, Invalidf("the signature's text template does not parse: %s", templateErr(err))
	}
	st := &SignatureTemplate{text: tt}
	if strings.TrimSpace(s.HTML) != "" {
		if st.html, err = htmltemplate.New("signature").Option("missingkey=error").Parse(s.HTML); err != nil {
			return nil, Invalidf("the signature's HTML template does not parse: %s", templateErr(err))
		}
	}
	return st, nil
}

// Render fills the signature in for f. A template that names an unknown
// field or does not run is refused with what to fix.
func (s SignaturePolicy) Render(f SignatureFields) (RenderedSignature, error) {
	st, err := s.Parse()
	if err != nil || st == nil {
		return RenderedSignature{}, err
	}
	return st.Render(f)
}

// Render fills the templates in for f; a nil template renders nothing.
func (st *SignatureTemplate) Render(f SignatureFields) (RenderedSignature, error) {
	var out RenderedSignature
	if st == nil {
		return out, nil
	}
	b := &capped{max: maxSignatureOutput}
	if err := st.text.Execute(b, f); err != nil {
		return out, Invalidf("the signature's text template does not run: %s", templateErr(err))
	}
	out.Text = tidySignature(b.String())
	if st.html == nil {
		var h strings.Builder
		for i, l := range strings.Split(out.Text, "\n") {
			if i > 0 {
				h.WriteString("<br>\n")
			}
			h.WriteString(html.EscapeString(l))
		}
		out.HTML = h.String()
		return out, nil
	}
	b.Reset()
	if err := st.html.Execute(b, f); err != nil {
		return out, Invalidf("the signature's HTML template does not run: %s", templateErr(err))
	}
	out.HTML = strings.TrimSpace(strings.ReplaceAll(b.String(), "\r\n", "\n"))
	return out, nil
}

// maxSignatureOutput bounds what a signature template may write.
const maxSignatureOutput = 16 << 10

// capped is a buffer that refuses to grow past max bytes, so that a
// template looping many times fails instead of filling memory.
type capped struct {
	bytes.Buffer
	max int
}

func (c *capped) Write(p []byte) (int, error) {
	if c.Len()+len(p) > c.max {
		return 0, Invalidf("it writes more than %d bytes; a signature is a few lines", c.max)
	}
	return c.Buffer.Write(p)
}

// templateErr is a template error without the template's own name.
func templateErr(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "template: ")
	s = strings.TrimPrefix(s, "signature:")
	return strings.TrimSpace(s)
}

// tidySignature ends lines in "\n", drops trailing spaces, runs of blank
// lines (left by fields that were empty) and blank lines at either end.
func tidySignature(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var out []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimRight(l, " \t\r")
		if l == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		out = append(out, l)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n")
}

// cleanSignature trims the templates.
func cleanSignature(s SignaturePolicy) SignaturePolicy {
	s.Text = strings.TrimSpace(strings.ReplaceAll(s.Text, "\r\n", "\n"))
	s.HTML = strings.TrimSpace(strings.ReplaceAll(s.HTML, "\r\n", "\n"))
	if s.Text == "" {
		return SignaturePolicy{}
	}
	return s
}

// validateSignature checks the templates: their size, that they are
// UTF-8, and that they run with sample fields.
func validateSignature(s SignaturePolicy) error {
	if !s.On() {
		return nil
	}
	for _, t := range []struct{ what, v string }{{"text", s.Text}, {"HTML", s.HTML}} {
		if len(t.v) > MaxSignatureBytes {
			return Invalidf("the signature's %s template is %d bytes; at most %d are allowed", t.what, len(t.v), MaxSignatureBytes)
		}
		if !utf8.ValidString(t.v) {
			return Invalidf("the signature's %s template is not UTF-8 text: save it as UTF-8", t.what)
		}
	}
	_, err := s.Render(SampleSignatureFields)
	return err
}

// SetSignatureOptOut turns the enterprise signature off (Off) or on again
// for one member's mail. The member may do it for themself where the
// policy lets members opt out; holders of member.manage over the member
// may do it for them likewise. Turning it back on is always allowed.
type SetSignatureOptOut struct {
	Address Address
	Off     bool
}

// Op names the operation.
func (c *SetSignatureOptOut) Op() string { return "member.signature" }

// Target names the member.
func (c *SetSignatureOptOut) Target() string { return string(c.Address) }

// Authorize lets a member change their own; others need member.manage.
func (c *SetSignatureOptOut) Authorize(v View, a Actor) error {
	if a.Address != "" && a.Address == c.Address {
		return nil
	}
	return authorizeOn(v, a, c.Address, RightMemberManage)
}

// Apply checks the policy allows it and writes the member.
func (c *SetSignatureOptOut) Apply(tx Tx, env Env) error {
	m, err := tx.Member(c.Address)
	if err != nil {
		return err
	}
	if c.Off {
		p, err := tx.MailPolicy()
		if err != nil {
			return err
		}
		if !p.Signature.OptOut {
			return Forbiddenf("the mail policy does not let members turn the enterprise signature off; an admin allows it with policy signature set --opt-out")
		}
	}
	if m.NoSignature == c.Off {
		return nil
	}
	m = m.Clone()
	m.NoSignature = c.Off
	m.Updated = env.Now
	return tx.PutMember(m)
}

// SignatureFor is the signature a member's mail gets under the policy,
// and false when none: no signature set, or the member opted out while
// the policy allows it.
// st is p.Signature parsed (nil: parse it here).
func SignatureFor(v View, p MailPolicy, st *SignatureTemplate, m *Member) (RenderedSignature, bool, error) {
	if !p.Signature.On() || (m.NoSignature && p.Signature.OptOut) {
		return RenderedSignature{}, false, nil
	}
	f, err := MemberSignatureFields(v, m)
	if err != nil {
		return RenderedSignature{}, false, err
	}
	if st == nil {
		if st, err = p.Signature.Parse(); err != nil {
			return RenderedSignature{}, false, err
		}
	}
	r, err := st.Render(f)
	if err != nil {
		return RenderedSignature{}, false, err
	}
	return r, r.Text != "", nil
}
