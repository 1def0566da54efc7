package cmd_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

// Demo people the policy tests write to.
const (
	northHead = "yangjianjun@example.com" // 华北大区's head, above 北京一组's
	hrHead    = "songyaqin@example.com"   // 人力资源部's head, who may send as hr-dept@
)

// runLang runs a command like run, with the person's language set.
func runLang(t testing.TB, lang, as, stdin string, args ...string) (string, string, int) {
	t.Helper()
	f := fx(t)
	var actor model.Actor
	if err := f.s.Read(func(r *store.Reader) error {
		var err error
		actor, err = r.Actor(who(t, as), model.DoorSSH, "192.0.2.1")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	env := &cmd.Env{Actor: actor, Store: f.s, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Lang: lang}
	code := cmd.Run(env, args)
	return out.String(), errb.String(), code
}

// explained is what policy explain --json prints.
type explained struct {
	Direction string `json:"direction"`
	Sender    string `json:"sender"`
	Action    string `json:"action"`
	Approver  string `json:"approver"`
	Reason    string `json:"reason"`
	Hits      []struct {
		Rule     string `json:"rule"`
		Action   string `json:"action"`
		Reason   string `json:"reason"`
		Reviewer string `json:"reviewer"`
		Mailbox  string `json:"mailbox"`
	} `json:"hits"`
	Recipients struct {
		Targets []struct {
			Address string `json:"address"`
			Kind    string `json:"kind"`
			Reach   int    `json:"reach"`
		} `json:"targets"`
		Local    int      `json:"local"`
		Internal int      `json:"internal"`
		Remote   []string `json:"remote"`
		Unknown  []string `json:"unknown"`
		Groups   []string `json:"groups"`
		AllStaff bool     `json:"all_staff"`
	} `json:"recipients"`
}

func explain(t testing.TB, as string, args ...string) explained {
	t.Helper()
	var x explained
	decode(t, ok(t, as, "", append([]string{"policy", "explain", "--json"}, args...)...), &x)
	return x
}

func (x explained) hit(rule string) (string, bool) {
	for _, h := range x.Hits {
		if h.Rule == rule {
			return h.Action, true
		}
	}
	return "", false
}

// TestPolicyRoles: only admins change the mail policy; members explain
// their own mail, not others'.
func TestPolicyRoles(t *testing.T) {
	cases := []roleCase{
		{as: "admin", args: "policy show"},
		{as: "admin", args: "policy show --json"},
		{as: "admin", args: "policy set --broadcast-threshold 50"},
		{as: "admin", args: "policy set --external-dept 技术部 --dry-run"},
		{as: "admin", args: "policy explain --from wangwei@example.com --to all@example.com"},
		{as: "admin", args: "policy filter set wangwei@example.com --block spam.example"},

		{as: "subadmin", args: "policy show"},
		{as: "subadmin", args: "policy set --broadcast-threshold 50", right: "policy.manage"},
		{as: "subadmin", args: "policy set --blacklist-add spam.example --dry-run", right: "policy.manage"},
		{as: "subadmin", args: "policy explain --from " + subadminAddr + " --to all@example.com"},
		{as: "subadmin", args: "policy explain --from wangwei@example.com --to all@example.com", right: "policy.manage"},

		{as: "helpdesk", args: "policy set --skip-level refuse", right: "policy.manage"},
		{as: "helpdesk", args: "policy explain --from wangwei@example.com --to all@example.com", right: "policy.manage"},
		{as: "helpdesk", args: "policy explain --from " + helpdeskAddr + " --to " + memberAddr},

		{as: "auditor", args: "policy show --json"},
		{as: "auditor", args: "policy set --unknown-local catchall --catchall " + auditorAddr, right: "policy.manage"},
		{as: "auditor", args: "policy explain --from wangwei@example.com --to all@example.com"},

		{as: "hr", args: "policy set --notice x --subjects 年会", right: "policy.manage"},
		{as: "head", args: "policy set --content-rule x --keywords 机密", right: "policy.manage"},
		{as: "head", args: "policy explain --from wangwei@example.com --to all@example.com", right: "policy.manage"},

		{as: "member", args: "policy explain --from wangwei@example.com --to all@example.com"},
		{as: "member", args: "policy explain --from wangwei@example.com --to " + northHead + " --json"},
		{as: "member", args: "policy explain --from " + headAddr + " --to all@example.com", right: "policy.manage"},
		{as: "member", args: "policy explain --from wangwei@example.com --sender " + headAddr + " --to all@example.com", right: "policy.manage"},
		{as: "member", args: "policy explain --from someone@partner.example --to wangwei@example.com", right: "policy.manage"},
		{as: "member", args: "policy set --broadcast-threshold 5", right: "policy.manage"},
		{as: "member", args: "policy show", right: "policy.manage"},
		{as: "member", args: "policy filter set --block spam.example"},
		{as: "member", args: "policy filter show"},
		{as: "member", args: "policy filter set " + headAddr + " --block spam.example", right: "member.manage"},
		{as: "member", args: "group set all@example.com --post anyone", right: "group.manage"},
	}
	for _, c := range cases {
		t.Run(c.name(), func(t *testing.T) {
			t.Parallel()
			args := strings.Fields(c.args)
			if c.right == "" {
				ok(t, c.as, "", args...)
				return
			}
			unchanged(t, func() {
				refused(t, c.as, "", args, "needs the right "+c.right, string(who(t, c.as)))
			})
		})
	}
}

// policyJSON is policy show --json.
func policyJSON(t testing.TB) map[string]any {
	t.Helper()
	var doc map[string]any
	decode(t, ok(t, "admin", "", "policy", "show", "--json"), &doc)
	return doc
}

func TestPolicySet(t *testing.T) {
	doc := policyJSON(t)
	if b := doc["broadcast"].(map[string]any); b["threshold"] != float64(30) || b["action"] != "hold" {
		t.Errorf("the defaults: broadcast %v", b)
	}

	before := opCount(t)
	out := ok(t, "admin", "", "policy", "set", "--external-dept", "技术部", "--dry-run")
	if !strings.Contains(out, "dry run, nothing saved") || !strings.Contains(out, "external restriction:") || !strings.Contains(out, "refused") {
		t.Errorf("dry run:\n%s", out)
	}
	if opCount(t) != before {
		t.Error("a dry run wrote to the operation log")
	}
	if ext := policyJSON(t)["external"].(map[string]any); ext["depts"] != nil {
		t.Errorf("a dry run saved: %v", ext)
	}

	out = ok(t, "admin", "", "policy", "set", "--external-dept", "技术部", "--external-add", memberAddr, "--broadcast-threshold", "50",
		"--content-rule", "secret", "--keywords", "机密,绝密", "--dept", "财务部", "--action", "refuse")
	for _, want := range []string{"mail policy saved", "external restriction: 90 members", "more than 50 internal recipients now counts as whole-company mail (was 30)", "content rule secret added: 15 members"} {
		if !strings.Contains(out, want) {
			t.Errorf("output does not say %q:\n%s", want, out)
		}
	}
	doc = policyJSON(t)
	ext := doc["external"].(map[string]any)
	if depts := ext["depts"].([]any); len(depts) != 1 || depts[0] != "技术部" {
		t.Errorf("external depts = %v, want the path 技术部", ext["depts"])
	}
	if ms := ext["members"].([]any); len(ms) != 1 || ms[0] != memberAddr {
		t.Errorf("external members = %v", ext["members"])
	}
	rec := opLog(t, 1)[0]
	if rec.Op != "policy.set" || rec.Target != "mail" {
		t.Errorf("op log: %+v", rec)
	}
	var impacts []string
	for _, n := range rec.Notes {
		if n.Key == "impact" {
			impacts = append(impacts, n.Value)
		}
	}
	if len(impacts) != 3 {
		t.Errorf("impact notes = %q", impacts)
	}

	// The rule is changed in place and removed by name.
	ok(t, "admin", "", "policy", "set", "--content-rule", "secret", "--action", "hold", "--reviewer", headAddr)
	var p model.MailPolicy
	_ = fx(t).s.Read(func(r *store.Reader) error { var err error; p, err = r.MailPolicy(); return err })
	i := slices.IndexFunc(p.Content, func(c model.ContentRule) bool { return c.Name == "secret" })
	if i < 0 || p.Content[i].Action != model.ActionHold || p.Content[i].Reviewer != headAddr || len(p.Content[i].Keywords) != 2 {
		t.Fatalf("the changed rule: %+v", p.Content)
	}
	ok(t, "admin", "", "policy", "set", "--content-rm", "secret", "--external-rm", memberAddr, "--external-dept-rm", "技术部")
	_ = fx(t).s.Read(func(r *store.Reader) error { var err error; p, err = r.MailPolicy(); return err })
	if len(p.Content) != 2 || len(p.External.Members) != 0 || len(p.External.Depts) != 0 {
		t.Errorf("after removal: %+v %+v", p.Content, p.External)
	}

	// Saving the same policy writes nothing.
	before = opCount(t)
	if out := ok(t, "admin", "", "policy", "set"); !strings.Contains(out, "nothing to change") {
		t.Errorf("policy set without a change:\n%s", out)
	}
	if opCount(t) != before {
		t.Error("policy set without a change wrote to the operation log")
	}

	// A notice sender that is no mailbox yet is taken, with a warning.
	out = ok(t, "admin", "", "policy", "set", "--notice", "x", "--subjects", "年会", "--sender", "events@example.com", "--dry-run")
	if !strings.Contains(out, "warning: notice x: events@example.com is no mailbox yet") {
		t.Errorf("no warning:\n%s", out)
	}

	// Back to the defaults.
	ok(t, "admin", "", "policy", "set", "--defaults")
	if b := policyJSON(t)["broadcast"].(map[string]any); b["threshold"] != float64(30) {
		t.Errorf("--defaults: %v", b)
	}
}

func TestPolicySetMistakes(t *testing.T) {
	cases := []struct {
		args []string
		says string
	}{
		{[]string{"--broadcast-action", "deny"}, `unknown action "deny"`},
		{[]string{"--unknown-local", "catchall"}, "--catchall ADDR"},
		{[]string{"--unknown-local", "catchall", "--catchall", "nobody@example.com"}, "nobody@example.com is no mailbox"},
		{[]string{"--unknown-local", "catchall", "--catchall", "all@example.com"}, "the group all@example.com"},
		{[]string{"--unknown-local", "bounce"}, `"bounce"`},
		{[]string{"--external-dept", "没有这个部门"}, "没有这个部门"},
		{[]string{"--external-add", "nobody@example.com"}, "not a member"},
		{[]string{"--external-rm", memberAddr}, "not on the external-sending restriction list"},
		{[]string{"--broadcast-positions", "boss"}, `"boss"`},
		{[]string{"--broadcast-threshold", "-1"}, "broadcast.threshold"},
		{[]string{"--content-rule", "x"}, "name at least one subject or keyword"},
		{[]string{"--content-rule", "x", "--keywords", "a", "--reviewer", "nobody@example.com"}, "nobody@example.com"},
		{[]string{"--content-rule", "x", "--keywords", "a", "--scope", "company"}, `"company"`},
		{[]string{"--content-rule", "x", "--sender", "hr@example.com"}, "--sender is for notice rules"},
		{[]string{"--notice", "x", "--keywords", "a"}, "--keywords is for content rules"},
		{[]string{"--keywords", "a"}, "--keywords shapes a rule"},
		{[]string{"--notice", "x", "--content-rule", "y"}, "not both"},
		{[]string{"--notice", "x", "--subjects", "年会", "--sender", "hr@partner.example"}, "not in one of the company's domains"},
		{[]string{"--notice", "x", "--subjects", "年会", "--sender", "all@example.com"}, "the group all@example.com"},
		{[]string{"--content-rm", "nothing"}, "no content rule nothing"},
		{[]string{"--blacklist-rm", "spam.example"}, "not on the blacklist"},
		{[]string{"--blacklist-add", "not an@address@"}, "address"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			unchanged(t, func() {
				refused(t, "admin", "", append([]string{"policy", "set"}, tc.args...), tc.says)
			})
		})
	}
	t.Run("told in Chinese", func(t *testing.T) {
		_, errs, code := runLang(t, "zh-CN", "admin", "", "policy", "set", "--unknown-local", "catchall")
		if code != 1 || !strings.Contains(errs, "没有指定接收邮箱") {
			t.Errorf("exit %d: %s", code, errs)
		}
	})
}

func TestPolicySetFile(t *testing.T) {
	ok(t, "admin", "", "policy", "set", "--external-dept", "销售部/华北大区", "--whitelist-add", "@partner.example")
	shown := ok(t, "admin", "", "policy", "show", "--json")
	// The file as shown, with one change, goes back in through stdin.
	var doc map[string]any
	decode(t, shown, &doc)
	doc["skip_level"].(map[string]any)["action"] = "refuse"
	b, _ := json.Marshal(doc)
	out := ok(t, "admin", string(b), "policy", "set", "--file", "-")
	if !strings.Contains(out, "skip-level: mail past one's own head is now refused (was held)") {
		t.Errorf("output:\n%s", out)
	}
	var again map[string]any
	decode(t, ok(t, "admin", "", "policy", "show", "--json"), &again)
	if !jsonEqual(doc, again) {
		t.Errorf("the policy read back differs:\n%v\n%v", doc, again)
	}
	if d := again["external"].(map[string]any)["depts"].([]any); d[0] != "销售部/华北大区" {
		t.Errorf("depts = %v", d)
	}
	for _, bad := range []struct{ file, says string }{
		{"not json", "not JSON"},
		{"[1,2]", "one JSON object"},
		{`{"broadcast": {"treshold": 3}}`, "treshold"},
		{`{"external": {"depts": ["没有这个部门"]}}`, "没有这个部门"},
	} {
		unchanged(t, func() { refused(t, "admin", bad.file, []string{"policy", "set", "--file", "-"}, bad.says) })
	}
	// Over SSH a file name is the server's: refused.
	refused(t, "admin", "", []string{"policy", "set", "--file", "/etc/passwd"}, "standard input")
}

func jsonEqual(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func TestPolicyShowWords(t *testing.T) {
	en := ok(t, "admin", "", "policy", "show")
	for _, want := range []string{"Whole-company mail (SEND-2)", "more than 30 internal recipients", "holiday: subjects with 放假", "only from hr@example.com",
		"daily-weekly-reports", "held for approval", "logged only", "Unknown local addresses (IN-2): refused"} {
		if !strings.Contains(en, want) {
			t.Errorf("policy show does not say %q:\n%s", want, en)
		}
	}
	zh, _, code := runLang(t, "zh-CN", "admin", "", "policy", "show")
	for _, want := range []string{"全员群发（SEND-2）", "内部收件人超过 30 人", "秘书(secretary)", "扣留待审批", "发往不存在地址的邮件（IN-2）：拒收"} {
		if code != 0 || !strings.Contains(zh, want) {
			t.Errorf("policy show in Chinese does not say %q:\n%s", want, zh)
		}
	}
}

func TestPolicyExplain(t *testing.T) {
	t.Run("a member to all staff", func(t *testing.T) {
		x := explain(t, "member", "--from", memberAddr, "--to", "all@example.com", "--subject", "王伟 日计划")
		if x.Action != "hold" || x.Approver != headAddr || x.Sender != memberAddr || x.Direction != "out" {
			t.Errorf("decision %s, approver %s, sender %s", x.Action, x.Approver, x.Sender)
		}
		for rule, want := range map[string]string{"sender-binding": "allow", "broadcast": "hold", "group-post:all@example.com": "hold", "content:daily-weekly-reports": "hold"} {
			if got, found := x.hit(rule); got != want {
				t.Errorf("%s: %q (%v), want %s", rule, got, found, want)
			}
		}
		if !x.Recipients.AllStaff || x.Recipients.Internal < 300 || x.Recipients.Targets[0].Kind != "group" || x.Recipients.Targets[0].Reach != x.Recipients.Local {
			t.Errorf("recipients = %+v", x.Recipients)
		}
	})
	t.Run("to one's own head and past him", func(t *testing.T) {
		if x := explain(t, "member", "--from", memberAddr, "--to", headAddr); x.Action != "allow" {
			t.Errorf("to the own head: %s %v", x.Action, x.Hits)
		}
		x := explain(t, "member", "--from", memberAddr, "--to", northHead)
		if got, _ := x.hit("skip-level"); x.Action != "hold" || got != "hold" || x.Approver != headAddr {
			t.Errorf("past the head: %s, approver %s, hits %v", x.Action, x.Approver, x.Hits)
		}
	})
	t.Run("as another", func(t *testing.T) {
		x := explain(t, "admin", "--from", headAddr, "--sender", memberAddr, "--to", northHead)
		if got, _ := x.hit("sender-binding"); x.Action != "refuse" || got != "refuse" {
			t.Errorf("%s %v", x.Action, x.Hits)
		}
	})
	t.Run("a company notice from a department mailbox", func(t *testing.T) {
		x := explain(t, "admin", "--from", "hr-dept@example.com", "--sender", hrHead, "--to", "all@example.com", "--subject", "培训通知")
		if got, _ := x.hit("notice:company-notice"); x.Action != "allow" || got != "allow" {
			t.Errorf("%s %v", x.Action, x.Hits)
		}
		x = explain(t, "admin", "--from", hrHead, "--to", "all@example.com", "--subject", "培训通知")
		if got, _ := x.hit("notice:company-notice"); x.Action != "refuse" || got != "refuse" {
			t.Errorf("%s %v", x.Action, x.Hits)
		}
	})
	t.Run("unknown and remote recipients", func(t *testing.T) {
		x := explain(t, "member", "--from", memberAddr, "--to", "nobody@example.com", "--to", "buyer@customer.example", "--text", "附件是报价单")
		if !slices.Equal(x.Recipients.Unknown, []string{"nobody@example.com"}) || !slices.Equal(x.Recipients.Remote, []string{"buyer@customer.example"}) {
			t.Errorf("recipients = %+v", x.Recipients)
		}
		if got, _ := x.hit("content:quote-contract-review"); x.Action != "log" || got != "log" {
			t.Errorf("the quotation rule ships in shadow mode: %s %v", x.Action, x.Hits)
		}
	})
	t.Run("mail from outside", func(t *testing.T) {
		ok(t, "admin", "", "policy", "set", "--blacklist-add", "spam.example")
		ok(t, "member", "", "policy", "filter", "set", "--block", "ex@partner.example")
		x := explain(t, "admin", "--from", "x@spam.example", "--to", memberAddr)
		if x.Direction != "in" || x.Action != "refuse" || !strings.Contains(x.Reason, "blacklist") {
			t.Errorf("blacklisted: %+v", x)
		}
		x = explain(t, "admin", "--from", "ex@partner.example", "--to", memberAddr)
		if got, _ := x.hit("own-block"); x.Action != "refuse" || got != "refuse" {
			t.Errorf("own block: %+v", x)
		}
		x = explain(t, "admin", "--from", "friend@partner.example", "--to", "all@example.com")
		if got, _ := x.hit("group-post:all@example.com"); x.Action != "refuse" || got != "refuse" {
			t.Errorf("an outsider to all@: %+v", x)
		}
	})
	t.Run("in words", func(t *testing.T) {
		out := ok(t, "member", "", "policy", "explain", "--from", memberAddr, "--to", "all@example.com")
		for _, want := range []string{"held for approval", "approver: " + headAddr, "all@example.com", "broadcast", "sender-binding", "whole company: yes"} {
			if !strings.Contains(out, want) {
				t.Errorf("explain does not say %q:\n%s", want, out)
			}
		}
		zh, _, _ := runLang(t, "zh-CN", "member", "", "policy", "explain", "--from", memberAddr, "--to", "all@example.com")
		for _, want := range []string{"扣留待审批", "审批人：" + headAddr, "全员邮件：是", "只有岗位类别"} {
			if !strings.Contains(zh, want) {
				t.Errorf("explain in Chinese does not say %q:\n%s", want, zh)
			}
		}
	})
	t.Run("mistakes", func(t *testing.T) {
		refused(t, "admin", "", []string{"policy", "explain", "--from", memberAddr}, "--to ADDR")
		refused(t, "admin", "", []string{"policy", "explain", "--from", memberAddr, "--to", headAddr, "--at", "tomorrow"}, "--at")
		refused(t, "admin", "", []string{"policy", "explain", "--from", "bad address", "--to", headAddr}, "address")
	})
}

func TestGroupPosting(t *testing.T) {
	ok(t, "admin", "", "group", "set", "all@example.com", "--post", "listed", "--sender", "hr@example.com", "--sender", "admin@example.com")
	var g struct {
		Post      string   `json:"post"`
		Senders   []string `json:"senders"`
		Positions []string `json:"positions"`
	}
	decode(t, ok(t, "admin", "", "group", "show", "all@example.com", "--json"), &g)
	if g.Post != "listed" || !slices.Equal(g.Senders, []string{"hr@example.com", "admin@example.com"}) {
		t.Errorf("group = %+v", g)
	}
	x := explain(t, "admin", "--from", "hr-dept@example.com", "--sender", hrHead, "--to", "all@example.com", "--subject", "培训通知")
	if got, _ := x.hit("group-post:all@example.com"); got != "hold" {
		t.Errorf("a mailbox not listed posts to a listed all-staff group: %s (%v)", got, x.Hits)
	}
	ok(t, "admin", "", "group", "set", "all@example.com", "--post", "permitted", "--position", "secretary", "--sender", "")
	decode(t, ok(t, "admin", "", "group", "show", "all@example.com", "--json"), &g)
	if g.Post != "permitted" || len(g.Senders) != 0 || !slices.Equal(g.Positions, []string{"secretary"}) {
		t.Errorf("group = %+v", g)
	}
	ok(t, "admin", "", "group", "add", "board@example.com", "--name", "董事会", "--post", "listed", "--sender", "admin@example.com")

	refused(t, "admin", "", []string{"group", "set", "sales@example.com", "--post", "listed"}, "lists none", "--sender")
	refused(t, "admin", "", []string{"group", "set", "sales@example.com", "--post", "everyone"}, "anyone, members, permitted or listed")
	refused(t, "admin", "", []string{"group", "set", "sales@example.com", "--position", "boss"}, `"boss"`)
	refused(t, "admin", "", []string{"group", "set", "sales@example.com", "--post", "listed", "--sender", "nobody@example.com"}, "nobody@example.com")
	refused(t, "admin", "", []string{"group", "set", "sales@example.com", "--post", "listed", "--sender", "it@example.com"}, "the group it@example.com")

	// Groups nest, without loops.
	ok(t, "admin", "", "group", "member", "add", "managers@example.com", "sales-north@example.com")
	refused(t, "admin", "", []string{"group", "member", "add", "sales-north@example.com", "managers@example.com"}, "loop")
	refused(t, "admin", "", []string{"group", "member", "add", "managers@example.com", "managers@example.com"}, "loop")
	x = explain(t, "admin", "--from", "ouyangmingyuan@example.com", "--to", "managers@example.com")
	if !slices.Contains(x.Recipients.Groups, "sales-north@example.com") || x.Recipients.Local < 60 {
		t.Errorf("nested: %+v", x.Recipients)
	}
	// A deleted group leaves the groups that nested it.
	ok(t, "admin", "", "group", "rm", "sales-north@example.com")
	var mg struct {
		Members []string `json:"members"`
	}
	decode(t, ok(t, "admin", "", "group", "show", "managers@example.com", "--json"), &mg)
	if slices.Contains(mg.Members, "sales-north@example.com") {
		t.Errorf("managers@ still lists the deleted group: %v", mg.Members)
	}
}

func TestPolicyFilter(t *testing.T) {
	ok(t, "member", "", "policy", "filter", "set", "--block", "spam.example,@junk.example", "--allow", "friend@partner.example")
	var f struct {
		Address string   `json:"address"`
		Block   []string `json:"block"`
		Allow   []string `json:"allow"`
	}
	decode(t, ok(t, "member", "", "policy", "filter", "show", "--json"), &f)
	if f.Address != memberAddr || !slices.Equal(f.Block, []string{"spam.example", "junk.example"}) || !slices.Equal(f.Allow, []string{"friend@partner.example"}) {
		t.Errorf("filter = %+v", f)
	}
	refused(t, "member", "", []string{"policy", "filter", "set", "--allow", "spam.example"}, "both the block and the allow list")
	refused(t, "member", "", []string{"policy", "filter", "set", "--unblock", "nothing.example"}, "not on the list")
	ok(t, "member", "", "policy", "filter", "set", "--unblock", "spam.example")
	decode(t, ok(t, "admin", "", "policy", "filter", "show", memberAddr, "--json"), &f)
	if !slices.Equal(f.Block, []string{"junk.example"}) {
		t.Errorf("after unblock: %+v", f)
	}
	refused(t, "member", "", []string{"policy", "filter", "show", headAddr}, "member.read")
}
