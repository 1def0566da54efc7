package cmd_test

import (
	"strings"
	"testing"
)

// TestPolicySignature: an admin sets the signature from standard input
// (SSH), sees it and previews it for a member; members may turn it off
// only once the policy allows it; members, helpdesk and auditors may not
// change it, and auditors may read it.
func TestPolicySignature(t *testing.T) {
	tmpl := "{{.Name}}{{with .Title}} · {{.}}{{end}}\n{{.Department}}\n{{with .Phone}}电话 {{.}}\n{{end}}{{.Enterprise}}"
	out := ok(t, "admin", tmpl, "policy", "signature", "set", "--text-file", "-")
	if !strings.Contains(out, "signature: members' mail now gets the enterprise signature") {
		t.Errorf("set: %q", out)
	}
	var shown struct {
		On     bool
		Text   string
		OptOut bool `json:"opt_out"`
	}
	decode(t, ok(t, "auditor", "", "policy", "signature", "show", "--json"), &shown)
	if !shown.On || shown.Text != tmpl || shown.OptOut {
		t.Errorf("show: %+v", shown)
	}
	var pv struct {
		Member     string
		Added      bool
		OptedOut   bool `json:"opted_out"`
		Text, HTML string
	}
	decode(t, ok(t, "admin", "", "policy", "signature", "preview", "--member", memberAddr, "--json"), &pv)
	m := showMember(t, memberAddr)
	if !pv.Added || !strings.HasPrefix(pv.Text, m.Name) || !strings.Contains(pv.HTML, "<br>") {
		t.Errorf("preview: %+v", pv)
	}
	// The member previews their own.
	decode(t, ok(t, "member", "", "policy", "signature", "preview", "--member", memberAddr, "--json"), &pv)
	if !pv.Added {
		t.Errorf("own preview: %+v", pv)
	}
	refused(t, "member", "", []string{"member", "signature", memberAddr, "off"}, "does not let members turn")
	ok(t, "admin", "", "policy", "signature", "set", "--opt-out")
	ok(t, "member", "", "member", "signature", memberAddr, "off")
	if out := ok(t, "admin", "", "member", "show", memberAddr, "--json"); !strings.Contains(out, `"no_signature": true`) {
		t.Errorf("member show does not say the signature is off:\n%s", out)
	}
	decode(t, ok(t, "admin", "", "policy", "signature", "preview", "--member", memberAddr, "--json"), &pv)
	if pv.Added || !pv.OptedOut || !strings.HasPrefix(pv.Text, m.Name) {
		t.Errorf("preview after opting out: %+v", pv)
	}
	ok(t, "member", "", "member", "signature", memberAddr, "on")
	for _, role := range []string{"member", "helpdesk", "auditor"} {
		refused(t, role, tmpl, []string{"policy", "signature", "set", "--text-file", "-"}, "policy.manage")
		refused(t, role, "", []string{"policy", "signature", "off"}, "policy.manage")
	}
	refused(t, "helpdesk", "", []string{"member", "signature", memberAddr, "off"}, "member.manage")
	refused(t, "member", "", []string{"member", "signature", headAddr, "off"})
	refused(t, "admin", "{{.Nickname}}", []string{"policy", "signature", "set", "--text-file", "-"}, "does not run")
	if _, errs, code := run(t, "admin", "", "policy", "signature", "set", "--text-file", "/etc/hostname"); code == 0 || !strings.Contains(errs, "standard input") {
		t.Errorf("a server path over SSH: %d %q", code, errs)
	}
	if out := ok(t, "admin", "", "policy", "signature", "off"); !strings.Contains(out, "no longer gets") {
		t.Errorf("off: %q", out)
	}
	if out := ok(t, "admin", "", "policy", "signature", "show"); !strings.Contains(out, "No enterprise signature") {
		t.Errorf("show after off: %q", out)
	}
}
