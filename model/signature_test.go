package model

import (
	"errors"
	"strings"
	"testing"
)

func TestSignatureRender(t *testing.T) {
	full := SampleSignatureFields
	bare := SignatureFields{Name: "李四", Enterprise: "示例公司", Department: "示例公司"}
	tests := []struct {
		name    string
		sig     SignaturePolicy
		f       SignatureFields
		text    string
		html    string // "" : not checked
		errLike string
	}{
		{"fields", SignaturePolicy{Text: "{{.Name}} · {{.Title}}\n{{.Department}}\n{{.Enterprise}}"}, full,
			"张三 · 销售经理\n销售部/华北大区\n示例公司", "张三 · 销售经理<br>\n销售部/华北大区<br>\n示例公司", ""},
		{"empty fields leave no blank lines", SignaturePolicy{Text: "{{.Name}}\n{{with .Title}}{{.}}\n{{end}}{{with .Phone}}电话 {{.}}\n{{end}}\n\n{{.Enterprise}}"}, bare,
			"李四\n\n示例公司", "", ""},
		{"text form escaped into HTML", SignaturePolicy{Text: "{{.Name}}"}, SignatureFields{Name: "<script>x</script> & Co"},
			"<script>x</script> & Co", "&lt;script&gt;x&lt;/script&gt; &amp; Co", ""},
		{"HTML template escapes values", SignaturePolicy{Text: "{{.Name}}", HTML: "<b>{{.Name}}</b>"}, SignatureFields{Name: "<i>张</i>"},
			"<i>张</i>", "<b>&lt;i&gt;张&lt;/i&gt;</b>", ""},
		{"unknown field", SignaturePolicy{Text: "{{.Nickname}}"}, full, "", "", "does not run"},
		{"does not parse", SignaturePolicy{Text: "{{.Name"}, full, "", "", "does not parse"},
		{"HTML does not parse", SignaturePolicy{Text: "x", HTML: "{{if}}"}, full, "", "", "HTML template does not parse"},
		{"runaway loop", SignaturePolicy{Text: "{{range 100000000}}{{$.Name}}{{end}}"}, full, "", "", "more than"},
		{"off", SignaturePolicy{}, full, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.sig.Render(tt.f)
			if tt.errLike != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errLike) || !errors.Is(err, ErrInvalid) {
					t.Fatalf("err = %v, want one with %q", err, tt.errLike)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Text != tt.text {
				t.Errorf("text = %q, want %q", got.Text, tt.text)
			}
			if tt.html != "" && got.HTML != tt.html {
				t.Errorf("html = %q, want %q", got.HTML, tt.html)
			}
		})
	}
}

func TestSignatureInPolicy(t *testing.T) {
	v := newMemView("example.com")
	sales := v.dept(RootDept, "销售部")
	m := v.member("zhang@example.com", "staff", sales)
	m.Name, m.Title = "张三", "经理"
	p := DefaultMailPolicy("example.com")
	p.Signature = SignaturePolicy{Text: "  {{.Name}}\r\n{{.Department}}  "}
	c, err := p.Clean()
	if err != nil {
		t.Fatal(err)
	}
	if c.Signature.Text != "{{.Name}}\n{{.Department}}" {
		t.Errorf("cleaned %q", c.Signature.Text)
	}
	if err := c.Validate(v); err != nil {
		t.Fatal(err)
	}
	bad := c
	bad.Signature.Text = strings.Repeat("x", MaxSignatureBytes+1)
	if err := bad.Validate(v); err == nil {
		t.Error("an oversized template was accepted")
	}
	im := c.Impact(v, p)
	if !strings.Contains(strings.Join(im.Lines, "\n"), "signature: members' mail now gets the enterprise signature") {
		t.Errorf("impact %q", im.Lines)
	}
	sig, ok, err := SignatureFor(v, c, nil, m)
	if err != nil || !ok || sig.Text != "张三\n销售部" {
		t.Fatalf("SignatureFor = %q %v %v", sig.Text, ok, err)
	}
	// Opting out counts only while the policy allows it.
	m.NoSignature = true
	if _, ok, _ := SignatureFor(v, c, nil, m); !ok {
		t.Error("an opt-out the policy does not allow was honoured")
	}
	c.Signature.OptOut = true
	if _, ok, _ := SignatureFor(v, c, nil, m); ok {
		t.Error("an allowed opt-out was not honoured")
	}
	// A member in the root department shows the company's name.
	root := v.member("boss@example.com", "executive")
	if f, _ := MemberSignatureFields(v, root); f.Department != "示例科技" {
		t.Errorf("root member's department %q", f.Department)
	}
}

func TestSetSignatureOptOutAuthorize(t *testing.T) {
	v := newMemView("example.com")
	sales := v.dept(RootDept, "销售部")
	v.member("zhang@example.com", "staff", sales)
	tests := []struct {
		name  string
		actor Actor
		ok    bool
	}{
		{"the member", Actor{Address: "zhang@example.com"}, true},
		{"an admin", Actor{Address: "it@example.com", Roles: []RoleGrant{{Role: RoleAdmin}}}, true},
		{"helpdesk", Actor{Address: "hd@example.com", Roles: []RoleGrant{{Role: RoleHelpdesk}}}, false},
		{"auditor", Actor{Address: "au@example.com", Roles: []RoleGrant{{Role: RoleAuditor}}}, false},
		{"another member", Actor{Address: "li@example.com"}, false},
	}
	for _, tt := range tests {
		err := (&SetSignatureOptOut{Address: "zhang@example.com", Off: true}).Authorize(v, tt.actor)
		if (err == nil) != tt.ok {
			t.Errorf("%s: err = %v", tt.name, err)
		}
	}
}
