package model

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// msg is one test message: sender (a member's address; empty with system),
// from (the envelope; empty: the sender's), header From, subject, text and
// recipients.
type msg struct {
	sender  Address
	system  *TrustedSystem
	from    Address
	header  Address
	subject string
	text    string
	to      []Address
}

func (c *company) decide(t *testing.T, p MailPolicy, m msg) Decision {
	t.Helper()
	s := Submission{System: m.system, MailFrom: m.from, HeaderFrom: m.header, Subject: m.subject, Text: m.text, Now: now}
	if m.sender != "" {
		s.Sender = c.m(m.sender)
		if s.Sender == nil {
			t.Fatalf("no member %s", m.sender)
		}
		if s.MailFrom == "" {
			s.MailFrom = m.sender
		}
	}
	if m.system != nil && s.MailFrom == "" {
		s.MailFrom = m.system.Sender
	}
	res, err := ResolveRecipients(c.v, p, m.to)
	if err != nil {
		t.Fatal(err)
	}
	s.Rcpts = res
	d, err := DecideSubmission(c.v, p, s)
	if err != nil {
		t.Fatalf("decide: %v", err)
	}
	if (d.Action == ActionAllow) != (d.Reason == nil) {
		t.Errorf("action %s with reason %v", d.Action, d.Reason)
	}
	for _, h := range d.Hits {
		if h.Reason == nil || !IsUserError(h.Reason) && !isReasons(h.Reason) {
			t.Errorf("hit %s has no localisable reason: %v", h.Rule, h.Reason)
		}
	}
	return d
}

func isReasons(err error) bool { _, ok := err.(reasons); return ok }

// hitOf returns the hit of a rule, or a zero hit.
func hitOf(d Decision, rule string) (RuleHit, bool) {
	for _, h := range d.Hits {
		if h.Rule == rule {
			return h, true
		}
	}
	return RuleHit{}, false
}

// verdict is what a test expects of one rule and of the whole decision.
type verdict struct {
	action   MailAction // the decision's action
	rule     string     // a rule that must have a hit ("" none checked)
	ruleAct  MailAction // that hit's action ("" the decision's)
	approver Address    // for holds
	says     string     // a part of the decision's reason (or of the rule's hit)
	noRule   string     // a rule that must have no hit
}

func (c *company) check(t *testing.T, p MailPolicy, m msg, want verdict) Decision {
	t.Helper()
	d := c.decide(t, p, m)
	if d.Action != want.action {
		t.Errorf("action = %s, want %s; hits:\n%s", d.Action, want.action, describeHits(d))
	}
	if want.rule != "" {
		h, ok := hitOf(d, want.rule)
		ra := want.ruleAct
		if ra == "" {
			ra = want.action
		}
		if !ok {
			t.Errorf("no hit of %s; hits:\n%s", want.rule, describeHits(d))
		} else if h.Action != ra {
			t.Errorf("%s: %s, want %s (%v)", want.rule, h.Action, ra, h.Reason)
		}
		if want.says != "" && ok && !strings.Contains(h.Reason.Error(), want.says) {
			t.Errorf("%s says %q, want %q", want.rule, h.Reason, want.says)
		}
	} else if want.says != "" && (d.Reason == nil || !strings.Contains(d.Reason.Error(), want.says)) {
		t.Errorf("reason = %v, want it to say %q", d.Reason, want.says)
	}
	if want.noRule != "" {
		if h, ok := hitOf(d, want.noRule); ok {
			t.Errorf("unexpected hit %s: %s %v", want.noRule, h.Action, h.Reason)
		}
	}
	if want.approver != "" && d.Approver != want.approver {
		t.Errorf("approver = %s, want %s", d.Approver, want.approver)
	}
	if d.Action == ActionHold && d.Approver == "" {
		if _, ok := hitOf(d, RuleApprover); !ok {
			t.Errorf("a hold without approver and without a reason why")
		}
	}
	return d
}

func describeHits(d Decision) string {
	var b strings.Builder
	for _, h := range d.Hits {
		b.WriteString("  " + h.Rule + " " + string(h.Action) + " " + string(h.Reviewer) + ": ")
		if h.Reason != nil {
			b.WriteString(h.Reason.Error())
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestSenderBinding(t *testing.T) {
	c := newCompany()
	p := DefaultMailPolicy("example.com")
	hr1 := c.m("hr1@example.com")
	window := Grant{Perm: "sendas:admin@example.com", Source: "delegation", From: now.Add(-time.Hour), Until: now.Add(time.Hour)}
	c.m("li@example.com").Grants = []Grant{
		{Perm: "sendas:hr@example.com", Source: "delegation", From: now.Add(time.Hour)},
		{Perm: "sendas:admin@example.com", Source: "delegation", Until: now},
		{Perm: "sendas:ww@example.com", Source: "direct"},
	}
	c.m("dev@example.com").Grants = []Grant{window}
	printer := &TrustedSystem{Name: "printer", Sender: "printer@example.com"}
	c.m("ww@example.com").Status = StatusActive
	to := []Address{"li@example.com"}
	cases := []struct {
		name string
		m    msg
		want MailAction
		says string
	}{
		{"own address", msg{sender: "ww@example.com", to: to}, ActionAllow, "its own address"},
		{"own alias as the envelope", msg{sender: "ww@example.com", from: "wei@example.com", to: to}, ActionAllow, "alias"},
		{"own alias in the header", msg{sender: "ww@example.com", header: "wei@example.com", to: to}, ActionAllow, "alias"},
		{"someone else's address", msg{sender: "ww@example.com", from: "li@example.com", to: to}, ActionRefuse, "may not send as li@example.com"},
		{"someone else's address in the header", msg{sender: "ww@example.com", header: "ceo@example.com", to: to}, ActionRefuse, "may not send as ceo@example.com"},
		{"someone else's alias", msg{sender: "li@example.com", from: "wei@example.com", to: to}, ActionRefuse, "may not send as wei@example.com"},
		{"a shared mailbox with the grant", msg{sender: hr1.Address, header: "hr@example.com", to: to}, ActionAllow, "sendas:hr@example.com"},
		{"a shared mailbox with the grant as the envelope", msg{sender: hr1.Address, from: "hr@example.com", to: to}, ActionAllow, "sendas:hr@example.com"},
		{"a shared mailbox without a grant", msg{sender: "ww@example.com", header: "hr@example.com", to: to}, ActionRefuse, "sendas:hr@example.com"},
		{"a grant inside its window", msg{sender: "dev@example.com", header: "admin@example.com", to: to}, ActionAllow, "sendas:admin@example.com"},
		{"a grant before its window", msg{sender: "li@example.com", header: "hr@example.com", to: to}, ActionRefuse, "may not send as hr@example.com"},
		{"a grant after its window", msg{sender: "li@example.com", header: "admin@example.com", to: to}, ActionRefuse, "may not send as admin@example.com"},
		{"a sendas grant for a person is no licence", msg{sender: "li@example.com", header: "ww@example.com", to: to}, ActionRefuse, "may not send as ww@example.com"},
		{"the head with the department mailbox", msg{sender: "hr.head@example.com", header: "hr-dept@example.com", to: to}, ActionAllow, "heads 人力资源部"},
		{"staff with the department mailbox", msg{sender: hr1.Address, header: "hr-dept@example.com", to: to}, ActionRefuse, "may not send as hr-dept@example.com"},
		{"an empty envelope sender", msg{sender: "ww@example.com", from: "", to: to}, ActionAllow, ""},
		{"a trusted system as itself", msg{system: printer, to: to}, ActionAllow, "printer"},
		{"a trusted system as someone else", msg{system: printer, header: "ceo@example.com", to: to}, ActionRefuse, "only as printer@example.com"},
		{"nobody", msg{from: "ww@example.com", to: to}, ActionRefuse, "only authenticated members"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := c.check(t, p, tc.m, verdict{action: tc.want, rule: RuleSenderBinding, says: tc.says})
			if tc.want == ActionRefuse && len(d.Hits) != 1 {
				t.Errorf("a binding refusal judges no further; hits:\n%s", describeHits(d))
			}
		})
	}
	t.Run("a disabled account", func(t *testing.T) {
		c.m("li@example.com").Status = StatusDisabled
		defer func() { c.m("li@example.com").Status = StatusActive }()
		d := c.check(t, p, msg{sender: "li@example.com", to: to}, verdict{action: ActionRefuse, rule: RuleSenderBinding, says: "is disabled"})
		// The state is told in Chinese on a Chinese screen.
		if zh, want := Localize(d.Reason, "zh-CN"), "账号 li@example.com 的状态为“已停用”，不能发信"; zh != want {
			t.Errorf("zh = %q, want %q", zh, want)
		}
	})
	t.Run("no recipients yet", func(t *testing.T) {
		d, err := DecideSubmission(c.v, p, Submission{Sender: c.m("ww@example.com"), MailFrom: "li@example.com", Now: now})
		if err != nil || d.Action != ActionRefuse {
			t.Errorf("decision %+v, %v", d, err)
		}
	})
}

func TestBroadcast(t *testing.T) {
	c := newCompany()
	p := DefaultMailPolicy("example.com")
	people := map[Position]Address{
		PositionExecutive: "ceo@example.com", PositionRegionalDirector: "north.head@example.com",
		PositionRegionalAssistant: "north.asst@example.com", PositionDirector: "tech.head@example.com",
		PositionCEOAssistant: "ca@example.com", PositionSecretary: "sec@example.com", PositionStaff: "ww@example.com",
	}
	coo := c.v.member("coo.asst@example.com", PositionCOOAssistant, c.office)
	people[PositionCOOAssistant] = coo.Address
	for _, pos := range Positions {
		t.Run("to all@ as "+string(pos), func(t *testing.T) {
			want := verdict{action: ActionAllow, rule: RuleBroadcast, says: "position class " + string(pos)}
			if pos == PositionStaff {
				want = verdict{action: ActionHold, rule: RuleBroadcast, approver: "bj.head@example.com", says: "all-staff group all@example.com"}
			}
			c.check(t, p, msg{sender: people[pos], subject: "年会安排", to: []Address{"all@example.com"}}, want)
		})
	}
	few := []Address{"li@example.com", "dev@example.com", "dev2@example.com", "hr.head@example.com"}
	q := p
	q.Broadcast.Threshold = 3
	t.Run("over the threshold as staff", func(t *testing.T) {
		c.check(t, q, msg{sender: "ww@example.com", to: few}, verdict{action: ActionHold, rule: RuleBroadcast, approver: "bj.head@example.com", says: "wrote to 4 colleagues, more than the 3"})
	})
	t.Run("over the threshold as a director", func(t *testing.T) {
		c.check(t, q, msg{sender: "tech.head@example.com", to: few}, verdict{action: ActionAllow, rule: RuleBroadcast})
	})
	t.Run("at the threshold", func(t *testing.T) {
		c.check(t, q, msg{sender: "ww@example.com", to: few[:3]}, verdict{action: ActionAllow, noRule: RuleBroadcast})
	})
	t.Run("refused by the policy", func(t *testing.T) {
		r := q
		r.Broadcast.Action = ActionRefuse
		c.check(t, r, msg{sender: "ww@example.com", to: few}, verdict{action: ActionRefuse, rule: RuleBroadcast})
	})
	t.Run("the broadcast grant", func(t *testing.T) {
		c.m("li@example.com").Grants = []Grant{{Perm: PermBroadcast, Until: now.Add(time.Minute)}}
		c.check(t, q, msg{sender: "li@example.com", to: append(few[1:], "ww@example.com")}, verdict{action: ActionAllow, rule: RuleBroadcast, says: "permission broadcast"})
		c.m("li@example.com").Grants = []Grant{{Perm: PermBroadcast, Until: now}}
		c.check(t, q, msg{sender: "li@example.com", to: append(few[1:], "ww@example.com")}, verdict{action: ActionHold, rule: RuleBroadcast})
	})
	t.Run("a trusted system", func(t *testing.T) {
		sys := &TrustedSystem{Name: "erp", Sender: "erp@example.com"}
		c.check(t, p, msg{system: sys, to: []Address{"all@example.com"}}, verdict{action: ActionRefuse, rule: RuleBroadcast})
		sys.Broadcast = true
		c.check(t, p, msg{system: sys, to: []Address{"all@example.com"}}, verdict{action: ActionAllow, rule: RuleBroadcast})
	})
	t.Run("a staff head's own head approves", func(t *testing.T) {
		// bj.head is a director; make him staff: his own head is north.head.
		c.m("bj.head@example.com").Position = PositionStaff
		defer func() { c.m("bj.head@example.com").Position = PositionDirector }()
		c.check(t, p, msg{sender: "bj.head@example.com", to: []Address{"all@example.com"}}, verdict{action: ActionHold, rule: RuleBroadcast, approver: "north.head@example.com"})
	})
}

func TestGroupPosting(t *testing.T) {
	c := newCompany()
	v := c.v
	p := DefaultMailPolicy("example.com")
	v.group("sec-only@example.com", PostPermitted, nil, c.tech).Positions = []Position{PositionSecretary}
	v.group("outer@example.com", PostMembers, []Address{"sales@example.com"})
	cases := []struct {
		name string
		m    msg
		want verdict
	}{
		{"anyone may post", msg{sender: "dev@example.com", to: []Address{"news@example.com"}}, verdict{action: ActionAllow, rule: "group-post:news@example.com"}},
		{"a member of a department group", msg{sender: "ww@example.com", to: []Address{"sales@example.com"}}, verdict{action: ActionAllow, rule: "group-post:sales@example.com", says: "is a member"}},
		{"a member in a second department", msg{sender: "both@example.com", to: []Address{"tech@example.com"}}, verdict{action: ActionAllow, rule: "group-post:tech@example.com"}},
		{"not a member", msg{sender: "dev@example.com", to: []Address{"sales@example.com"}}, verdict{action: ActionRefuse, rule: "group-post:sales@example.com", says: "only members of the group sales@example.com"}},
		{"a member through a nested group", msg{sender: "li@example.com", to: []Address{"outer@example.com"}}, verdict{action: ActionAllow, rule: "group-post:outer@example.com"}},
		{"a listed member", msg{sender: "ceo@example.com", to: []Address{"managers@example.com"}}, verdict{action: ActionAllow, rule: "group-post:managers@example.com"}},
		{"permitted by the policy's classes", msg{sender: "plat.head@example.com", to: []Address{"leads@example.com"}}, verdict{action: ActionAllow, rule: "group-post:leads@example.com", says: "position class director"}},
		{"not permitted: staff", msg{sender: "dev@example.com", to: []Address{"leads@example.com"}}, verdict{action: ActionRefuse, rule: "group-post:leads@example.com", says: "only the position classes"}},
		{"permitted by the group's own classes", msg{sender: "sec@example.com", to: []Address{"sec-only@example.com"}}, verdict{action: ActionAllow, rule: "group-post:sec-only@example.com"}},
		{"the group's classes replace the policy's", msg{sender: "tech.head@example.com", to: []Address{"sec-only@example.com"}}, verdict{action: ActionRefuse, rule: "group-post:sec-only@example.com", says: "secretary"}},
		{"listed: from the listed mailbox", msg{sender: "adm1@example.com", header: "admin@example.com", to: []Address{"board@example.com"}}, verdict{action: ActionAllow, rule: "group-post:board@example.com"}},
		{"listed: from a personal address", msg{sender: "adm1@example.com", to: []Address{"board@example.com"}}, verdict{action: ActionRefuse, rule: "group-post:board@example.com", says: "listed senders"}},
		{"listed: even the ceo", msg{sender: "ceo@example.com", to: []Address{"board@example.com"}}, verdict{action: ActionRefuse, rule: "group-post:board@example.com"}},
		{"all-staff group: held, not refused", msg{sender: "ww@example.com", to: []Address{"all@example.com"}}, verdict{action: ActionHold, rule: "group-post:all@example.com", approver: "bj.head@example.com"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { c.check(t, p, tc.m, tc.want) })
	}
	t.Run("shadow mode", func(t *testing.T) {
		q := p
		q.GroupPost.Action = ActionLog
		d := c.check(t, q, msg{sender: "dev@example.com", to: []Address{"sales@example.com"}}, verdict{action: ActionLog, rule: "group-post:sales@example.com"})
		if d.Reason == nil || !strings.Contains(d.Reason.Error(), "only members") {
			t.Errorf("a logged decision says why: %v", d.Reason)
		}
	})
	t.Run("from outside", func(t *testing.T) {
		res, _ := ResolveRecipients(v, p, []Address{"news@example.com", "sales@example.com"})
		d, err := DecideInbound(v, p, "someone@partner.example", res)
		if err != nil {
			t.Fatal(err)
		}
		if d.Action != ActionRefuse || len(d.Hits) != 2 || d.Hits[0].Action != ActionAllow {
			t.Errorf("outside post: %s\n%s", d.Action, describeHits(d))
		}
		res, _ = ResolveRecipients(v, p, []Address{"all@example.com"})
		if d, _ := DecideInbound(v, p, "someone@partner.example", res); d.Action != ActionRefuse {
			t.Errorf("an outsider's post to all@ is refused, not held: %s", d.Action)
		}
	})
}

func TestNotices(t *testing.T) {
	c := newCompany()
	p := DefaultMailPolicy("example.com")
	all := []Address{"all@example.com"}
	cases := []struct {
		name string
		m    msg
		want verdict
	}{
		{"holiday notice from hr@", msg{sender: "hr1@example.com", header: "hr@example.com", subject: "关于国庆节放假安排的通知", to: all},
			verdict{action: ActionAllow, rule: "notice:holiday", noRule: "notice:company-notice"}},
		{"holiday notice from hr@: the notice is the right to reach all", msg{sender: "hr1@example.com", header: "hr@example.com", subject: "春节放假", to: all},
			verdict{action: ActionAllow, rule: RuleBroadcast, says: "holiday notices"}},
		{"holiday notice from a person", msg{sender: "hr.head@example.com", subject: "关于国庆节放假安排的通知", to: all},
			verdict{action: ActionRefuse, rule: "notice:holiday", says: "only hr@example.com may send"}},
		{"holiday notice from the admin mailbox", msg{sender: "adm1@example.com", header: "admin@example.com", subject: "调休安排", to: all},
			verdict{action: ActionRefuse, rule: "notice:holiday"}},
		{"调休 to one's own head is no notice", msg{sender: "ww@example.com", subject: "申请调休一天", to: []Address{"bj.head@example.com"}},
			verdict{action: ActionAllow, noRule: "notice:holiday"}},
		{"policy notice from admin@", msg{sender: "adm1@example.com", header: "admin@example.com", subject: "考勤管理制度（修订）", to: all},
			verdict{action: ActionAllow, rule: "notice:policy-notice"}},
		{"policy notice from a director", msg{sender: "tech.head@example.com", subject: "新规定", to: all},
			verdict{action: ActionRefuse, rule: "notice:policy-notice", says: "admin@example.com"}},
		{"company-level notice from a department mailbox", msg{sender: "hr.head@example.com", header: "hr-dept@example.com", subject: "培训通知", to: all},
			verdict{action: ActionAllow, rule: "notice:company-notice"}},
		{"company-level notice from a personal address", msg{sender: "hr.head@example.com", subject: "培训通知", to: all},
			verdict{action: ActionRefuse, rule: "notice:company-notice", says: "personal address hr.head@example.com"}},
		{"a notice inside a department is no company notice", msg{sender: "hr.head@example.com", subject: "培训通知", to: []Address{"hr1@example.com"}},
			verdict{action: ActionAllow, noRule: "notice:company-notice"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { c.check(t, p, tc.m, tc.want) })
	}
	t.Run("a notice for any recipient", func(t *testing.T) {
		q := p
		q.Notices = []NoticeRule{{Name: "salary", Subjects: []string{"Payroll"}, Scope: ScopeAny, Sender: "hr@example.com", Action: ActionHold}}
		c.check(t, q, msg{sender: "ww@example.com", subject: "payroll for May", to: []Address{"li@example.com"}},
			verdict{action: ActionHold, rule: "notice:salary", approver: "bj.head@example.com"})
	})
}

func TestSkipLevel(t *testing.T) {
	c := newCompany()
	c.v.alias("sales.head@example.com", "salesboss@example.com")
	p := DefaultMailPolicy("example.com")
	cases := []struct {
		name string
		m    msg
		want verdict
	}{
		{"to one's own head", msg{sender: "ww@example.com", to: []Address{"bj.head@example.com"}}, verdict{action: ActionAllow, noRule: RuleSkipLevel}},
		{"to the regional head above", msg{sender: "ww@example.com", to: []Address{"north.head@example.com"}},
			verdict{action: ActionHold, rule: RuleSkipLevel, approver: "bj.head@example.com", says: "north.head@example.com heads 销售部/华北大区, above your own head bj.head@example.com"}},
		{"to the ceo", msg{sender: "ww@example.com", to: []Address{"li@example.com", "ceo@example.com"}}, verdict{action: ActionHold, rule: RuleSkipLevel, approver: "bj.head@example.com"}},
		{"to another region's head", msg{sender: "ww@example.com", to: []Address{"east.head@example.com"}}, verdict{action: ActionAllow, noRule: RuleSkipLevel}},
		{"to another department's head", msg{sender: "ww@example.com", to: []Address{"hr.head@example.com"}}, verdict{action: ActionAllow, noRule: RuleSkipLevel}},
		{"through an alias of the head", msg{sender: "li@example.com", to: []Address{"salesboss@example.com"}}, verdict{action: ActionHold, rule: RuleSkipLevel, says: "sales.head@example.com heads 销售部"}},
		{"a head to his own head", msg{sender: "bj.head@example.com", to: []Address{"north.head@example.com"}}, verdict{action: ActionAllow, noRule: RuleSkipLevel}},
		{"a head past his own head", msg{sender: "bj.head@example.com", to: []Address{"sales.head@example.com"}}, verdict{action: ActionHold, rule: RuleSkipLevel, approver: "north.head@example.com"}},
		{"in two departments: the other chain", msg{sender: "both@example.com", to: []Address{"tech.head@example.com"}}, verdict{action: ActionAllow, noRule: RuleSkipLevel}},
		{"in two departments: above in the first", msg{sender: "both@example.com", to: []Address{"north.head@example.com"}}, verdict{action: ActionHold, rule: RuleSkipLevel}},
		{"whole-company mail is excepted", msg{sender: "north.asst@example.com", to: []Address{"all@example.com", "ceo@example.com"}}, verdict{action: ActionAllow, rule: RuleSkipLevel, says: "excepted"}},
		{"the executives' office writes to its own head", msg{sender: "ca@example.com", to: []Address{"ceo@example.com"}}, verdict{action: ActionAllow, noRule: RuleSkipLevel}},
		{"two levels up from a sub-department", msg{sender: "dev2@example.com", to: []Address{"ceo@example.com"}}, verdict{action: ActionHold, rule: RuleSkipLevel, approver: "plat.head@example.com"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { c.check(t, p, tc.m, tc.want) })
	}
	t.Run("the skip-level grant", func(t *testing.T) {
		c.m("dev2@example.com").Grants = []Grant{{Perm: PermSkipLevel}}
		defer func() { c.m("dev2@example.com").Grants = nil }()
		c.check(t, p, msg{sender: "dev2@example.com", to: []Address{"tech.head@example.com"}}, verdict{action: ActionAllow, rule: RuleSkipLevel, says: "permission skip-level"})
	})
	t.Run("a permitted position class", func(t *testing.T) {
		c.m("north.asst@example.com").Position = PositionSecretary
		defer func() { c.m("north.asst@example.com").Position = PositionRegionalAssistant }()
		c.check(t, p, msg{sender: "north.asst@example.com", to: []Address{"ceo@example.com"}}, verdict{action: ActionAllow, rule: RuleSkipLevel, says: "position class secretary"})
	})
	t.Run("a position class of the policy", func(t *testing.T) {
		q := p
		q.SkipLevel.Positions = []Position{PositionStaff}
		c.check(t, q, msg{sender: "ww@example.com", to: []Address{"ceo@example.com"}}, verdict{action: ActionAllow, rule: RuleSkipLevel})
	})
	t.Run("shadow mode", func(t *testing.T) {
		q := p
		q.SkipLevel.Action = ActionLog
		c.check(t, q, msg{sender: "ww@example.com", to: []Address{"ceo@example.com"}}, verdict{action: ActionLog, rule: RuleSkipLevel})
	})
}

func TestContentRules(t *testing.T) {
	c := newCompany()
	p := DefaultMailPolicy("example.com")
	p.Content = append(slices.Clone(p.Content),
		ContentRule{Name: "secret", Keywords: []string{"机密", "Confidential"}, Scope: ScopeAny, Depts: []DeptID{c.tech}, Action: ActionRefuse},
		ContentRule{Name: "ww-watch", Subjects: []string{"报销"}, Scope: ScopeAny, Members: []Address{"ww@example.com"}, Action: ActionHold, Reviewer: "hr.head@example.com"},
	)
	out := []Address{"buyer@customer.example"}
	cases := []struct {
		name string
		m    msg
		want verdict
	}{
		{"a daily plan to the whole company", msg{sender: "ww@example.com", subject: "王伟 日计划 11月2日", to: []Address{"all@example.com"}},
			verdict{action: ActionHold, rule: "content:daily-weekly-reports", approver: "bj.head@example.com", says: "日计划"}},
		{"a weekly result to the whole company by a director", msg{sender: "tech.head@example.com", subject: "周结果", to: []Address{"all@example.com"}},
			verdict{action: ActionHold, rule: "content:daily-weekly-reports", approver: "ceo@example.com"}},
		{"a daily plan to one's head", msg{sender: "ww@example.com", subject: "日计划", to: []Address{"bj.head@example.com"}},
			verdict{action: ActionAllow, noRule: "content:daily-weekly-reports"}},
		{"a quotation to a customer: logged only", msg{sender: "ww@example.com", subject: "Re: 询价", text: "附件是我们的报价单", to: out},
			verdict{action: ActionLog, rule: "content:quote-contract-review", says: "the text holds \"报价\""}},
		{"a contract inside the company", msg{sender: "ww@example.com", subject: "合同审阅", to: []Address{"li@example.com"}},
			verdict{action: ActionAllow, noRule: "content:quote-contract-review"}},
		{"a department's keyword in the text", msg{sender: "dev2@example.com", text: "this is CONFIDENTIAL", to: []Address{"li@example.com"}},
			verdict{action: ActionRefuse, rule: "content:secret", says: "Confidential"}},
		{"outside the department", msg{sender: "ww@example.com", text: "机密", to: []Address{"li@example.com"}},
			verdict{action: ActionAllow, noRule: "content:secret"}},
		{"a listed member, with a reviewer", msg{sender: "ww@example.com", subject: "十月报销", to: []Address{"li@example.com"}},
			verdict{action: ActionHold, rule: "content:ww-watch", approver: "hr.head@example.com"}},
		{"refuse outranks hold", msg{sender: "dev@example.com", subject: "周计划（机密）", to: []Address{"all@example.com"}},
			verdict{action: ActionRefuse, rule: "content:daily-weekly-reports", ruleAct: ActionHold}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { c.check(t, p, tc.m, tc.want) })
	}
	t.Run("held for review", func(t *testing.T) {
		q := p
		q.Content = slices.Clone(p.Content)
		q.Content[1].Action, q.Content[1].Reviewer = ActionHold, "sales.head@example.com"
		c.check(t, q, msg{sender: "ww@example.com", subject: "合同草案", to: out},
			verdict{action: ActionHold, rule: "content:quote-contract-review", approver: "sales.head@example.com", says: "subject holds \"合同\", and the message goes outside"})
	})
}

func TestExternalRestriction(t *testing.T) {
	c := newCompany()
	p := DefaultMailPolicy("example.com")
	p.External = ExternalRule{Members: []Address{"ww@example.com"}, Depts: []DeptID{c.tech}, Action: ActionRefuse}
	out := []Address{"li@example.com", "friend@partner.example"}
	cases := []struct {
		name string
		m    msg
		want verdict
	}{
		{"a listed member", msg{sender: "ww@example.com", to: out}, verdict{action: ActionRefuse, rule: RuleExternal, says: "the member is on the external-sending restriction list"}},
		{"a listed member writes inside", msg{sender: "ww@example.com", to: out[:1]}, verdict{action: ActionAllow, noRule: RuleExternal}},
		{"a listed department", msg{sender: "dev@example.com", to: out}, verdict{action: ActionRefuse, rule: RuleExternal, says: "the department 技术部"}},
		{"a department below a listed one", msg{sender: "dev2@example.com", to: out}, verdict{action: ActionRefuse, rule: RuleExternal, says: "技术部"}},
		{"a member in a listed department and another", msg{sender: "both@example.com", to: out}, verdict{action: ActionRefuse, rule: RuleExternal}},
		{"not listed", msg{sender: "li@example.com", to: out}, verdict{action: ActionAllow, noRule: RuleExternal}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { c.check(t, p, tc.m, tc.want) })
	}
	t.Run("exempted by a grant", func(t *testing.T) {
		c.m("dev@example.com").Grants = []Grant{{Perm: PermExternal, From: now.Add(-time.Hour), Until: now.Add(time.Hour)}}
		c.check(t, p, msg{sender: "dev@example.com", to: out}, verdict{action: ActionAllow, rule: RuleExternal, says: "holds the permission external"})
		c.m("dev@example.com").Grants = []Grant{{Perm: PermExternal, Until: now.Add(-time.Second)}}
		c.check(t, p, msg{sender: "dev@example.com", to: out}, verdict{action: ActionRefuse, rule: RuleExternal})
	})
	t.Run("shadow mode", func(t *testing.T) {
		q := p
		q.External.Action = ActionLog
		c.check(t, q, msg{sender: "ww@example.com", to: out}, verdict{action: ActionLog, rule: RuleExternal})
	})
	t.Run("a trusted system", func(t *testing.T) {
		sys := &TrustedSystem{Name: "monitor", Sender: "monitor@example.com"}
		c.check(t, p, msg{system: sys, to: out}, verdict{action: ActionRefuse, rule: RuleExternal})
		sys.External = true
		c.check(t, p, msg{system: sys, to: out}, verdict{action: ActionAllow, rule: RuleExternal})
	})
}

func TestDecisionReasons(t *testing.T) {
	c := newCompany()
	p := DefaultMailPolicy("example.com")
	p.Broadcast.Action = ActionRefuse
	p.External.Members = []Address{"ww@example.com"}
	d := c.check(t, p, msg{sender: "ww@example.com", subject: "周计划", to: []Address{"all@example.com", "x@partner.example"}}, verdict{action: ActionRefuse})
	var rs reasons
	if !errors.As(d.Reason, &rs) || len(rs) != 2 {
		t.Fatalf("reason = %v, want the broadcast and external refusals joined", d.Reason)
	}
	if strings.Contains(d.Reason.Error(), "\n") {
		t.Errorf("the joined reason spans lines: %q", d.Reason)
	}
	zh := Localize(d.Reason, "zh-CN")
	if !strings.Contains(zh, "全员邮件组") || !strings.Contains(zh, "限制外发名单") || !strings.Contains(zh, "; ") {
		t.Errorf("zh = %q", zh)
	}
	// Every hit is told in Chinese.
	for _, h := range d.Hits {
		if zh := Localize(h.Reason, "zh-CN"); zh == h.Reason.Error() {
			t.Errorf("%s: no Chinese for %q", h.Rule, zh)
		}
	}
}

func TestHoldApprover(t *testing.T) {
	c := newCompany()
	v := c.v
	cases := []struct {
		who  Address
		want Address
	}{
		{"ww@example.com", "bj.head@example.com"},
		{"bj.head@example.com", "north.head@example.com"},    // a head goes to the parent's head
		{"north.asst@example.com", "north.head@example.com"}, // the regional head
		{"north.head@example.com", "sales.head@example.com"}, // a regional head to his own head
		{"sec@example.com", "ceo@example.com"},               // 总经办 has no head: the root's
		{"both@example.com", "bj.head@example.com"},          // the first department
		{"tech.head@example.com", "ceo@example.com"},
	}
	for _, tc := range cases {
		got, err := HoldApprover(v, c.m(tc.who))
		if err != nil || got != tc.want {
			t.Errorf("%s: %s, %v; want %s", tc.who, got, err, tc.want)
		}
	}
	t.Run("a disabled head is passed over", func(t *testing.T) {
		c.m("bj.head@example.com").Status = StatusDisabled
		defer func() { c.m("bj.head@example.com").Status = StatusActive }()
		if got, _ := HoldApprover(v, c.m("ww@example.com")); got != "north.head@example.com" {
			t.Errorf("got %s", got)
		}
	})
	t.Run("a co-head", func(t *testing.T) {
		v.head(c.bj, "li@example.com")
		defer func() { v.depts[c.bj].Heads = v.depts[c.bj].Heads[:1] }()
		if got, _ := HoldApprover(v, c.m("bj.head@example.com")); got != "li@example.com" {
			t.Errorf("a co-head of the same department approves: got %s", got)
		}
	})
	t.Run("nobody", func(t *testing.T) {
		_, err := HoldApprover(v, c.m("ceo@example.com"))
		if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "appoint a head of / with dept set / --head ADDR") {
			t.Errorf("the ceo: %v", err)
		}
		v.depts[RootDept].Heads = nil
		defer func() { v.depts[RootDept].Heads = []Address{"ceo@example.com"} }()
		_, err = HoldApprover(v, c.m("sec@example.com"))
		if err == nil || !strings.Contains(err.Error(), "appoint a head of 总经办") {
			t.Errorf("sec: %v", err)
		}
		// The hold still happens, with the reason nobody can approve it.
		d := c.check(t, DefaultMailPolicy("example.com"), msg{sender: "sec@example.com", subject: "日计划", to: []Address{"all@example.com"}},
			verdict{action: ActionHold, rule: RuleApprover})
		if d.Approver != "" {
			t.Errorf("approver = %s", d.Approver)
		}
		if _, err := HoldApprover(v, nil); !errors.Is(err, ErrConflict) {
			t.Errorf("nil sender: %v", err)
		}
	})
}

func TestInboundCheck(t *testing.T) {
	c := newCompany()
	p := DefaultMailPolicy("example.com")
	p.Blacklist = []string{"spam.example", "boss@evil.example"}
	p.Whitelist = []string{"partner.example", "vip@spam.example"}
	ww := c.m("ww@example.com")
	ww.Filter = MailFilter{Block: []string{"ex@partner.example"}, Allow: []string{"friend@evil.example", "boss@evil.example"}}
	cases := []struct {
		from Address
		to   Address
		want MailAction
		rule string
	}{
		{"anyone@else.example", "ww@example.com", ActionAllow, ""},
		{"x@spam.example", "ww@example.com", ActionRefuse, RuleBlacklist},
		{"boss@evil.example", "ww@example.com", ActionRefuse, RuleBlacklist}, // the company's blacklist wins over the member's allow
		{"friend@evil.example", "ww@example.com", ActionAllow, RuleOwnAllow},
		{"ex@partner.example", "ww@example.com", ActionRefuse, RuleOwnBlock}, // the member's block wins over the whitelist
		{"ex@partner.example", "li@example.com", ActionAllow, RuleWhitelist}, // others still get it
		{"boss@evil.example", "li@example.com", ActionRefuse, RuleBlacklist},
		{"vip@spam.example", "ww@example.com", ActionAllow, RuleWhitelist}, // the whitelist lets one address of a blocked domain through
		{"x@spam.example", "hr@example.com", ActionRefuse, RuleBlacklist},  // shared mailboxes too
		{"", "ww@example.com", ActionAllow, ""},                            // bounces
		{"ex@partner.example", "hr-dept@example.com", ActionAllow, RuleWhitelist},
	}
	for _, tc := range cases {
		d, err := InboundCheck(c.v, p, tc.from, Mailbox{Address: tc.to})
		if err != nil {
			t.Fatal(err)
		}
		if d.Action != tc.want {
			t.Errorf("%s → %s: %s, want %s\n%s", tc.from, tc.to, d.Action, tc.want, describeHits(d))
		}
		if tc.rule != "" {
			if _, ok := hitOf(d, tc.rule); !ok {
				t.Errorf("%s → %s: no %s hit\n%s", tc.from, tc.to, tc.rule, describeHits(d))
			}
		}
		if d.Action == ActionRefuse && (d.Reason == nil || Localize(d.Reason, "zh-CN") == d.Reason.Error()) {
			t.Errorf("%s → %s: reason %v", tc.from, tc.to, d.Reason)
		}
	}
}

// TestTextOf: a text given by TextOf is read only when a keyword rule that
// applies to the message looks at the text, and then decides as Text does.
func TestTextOf(t *testing.T) {
	c := newCompany()
	p := DefaultMailPolicy("example.com")
	p.Content = append(slices.Clone(p.Content),
		ContentRule{Name: "secret", Keywords: []string{"机密"}, Scope: ScopeAny, Depts: []DeptID{c.tech}, Action: ActionRefuse})
	cases := []struct {
		name     string
		sender   Address
		to       Address
		wantRead bool
		want     MailAction
	}{
		{"no rule covers the sender", "ww@example.com", "li@example.com", false, ActionAllow},
		{"a department's keyword rule", "dev2@example.com", "li@example.com", true, ActionRefuse},
		{"an external-only rule, to a customer", "ww@example.com", "buyer@customer.example", true, ActionAllow},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ResolveRecipients(c.v, p, []Address{tc.to})
			if err != nil {
				t.Fatal(err)
			}
			reads := 0
			s := Submission{Sender: c.m(tc.sender), MailFrom: tc.sender, Rcpts: res, Subject: "hello", Now: now,
				TextOf: func() string { reads++; return "内容机密" }}
			d, err := DecideSubmission(c.v, p, s)
			if err != nil {
				t.Fatal(err)
			}
			if (reads > 0) != tc.wantRead || reads > 1 {
				t.Errorf("TextOf called %d times, want read=%v (once at most)", reads, tc.wantRead)
			}
			if d.Action != tc.want {
				t.Errorf("action %s, want %s", d.Action, tc.want)
			}
		})
	}
}

// TestReasonsOnce: a reason two rules give in the same words (a message
// both to the whole company and a post to the all-staff group) is told
// once, in the decision's reason and in Decision.Reasons, in the order of
// the hits.
func TestReasonsOnce(t *testing.T) {
	wide := Forbiddenf("%s wrote to the all-staff group %s; only the position classes %s or holders of the permission broadcast may send to the whole company", Address("ww@example.com"), Address("all@example.com"), "executive")
	ext := Forbiddenf("%s may not send outside the company (to %s): the member is on the external-sending restriction list", Address("ww@example.com"), Address("x@partner.example"))
	content := Forbiddenf("the rule %s: the subject holds %q", "reports", "周报")
	ok := Invalidf("anyone may post to the group %s", Address("news@example.com"))
	for _, tc := range []struct {
		name   string
		hits   []RuleHit
		reason string   // the decision's Reason
		all    []string // Decision.Reasons(ActionLog)
		held   []string // Decision.Reasons(ActionHold)
	}{
		{"one reason", []RuleHit{
			{Rule: RuleBroadcast, Action: ActionRefuse, Reason: wide},
		}, wide.Error(), []string{wide.Error()}, []string{wide.Error()}},
		{"the same words from two rules", []RuleHit{
			{Rule: RuleBroadcast, Action: ActionRefuse, Reason: wide},
			{Rule: RuleGroupPost + "all@example.com", Action: ActionRefuse, Reason: wide},
		}, wide.Error(), []string{wide.Error()}, []string{wide.Error()}},
		{"order kept, the repeat left out", []RuleHit{
			{Rule: RuleBroadcast, Action: ActionRefuse, Reason: wide},
			{Rule: RuleExternal, Action: ActionRefuse, Reason: ext},
			{Rule: RuleGroupPost + "all@example.com", Action: ActionRefuse, Reason: wide},
		}, wide.Error() + "; " + ext.Error(), []string{wide.Error(), ext.Error()}, []string{wide.Error(), ext.Error()}},
		{"a logged repeat of a refusal", []RuleHit{
			{Rule: RuleContent + "reports", Action: ActionLog, Reason: content},
			{Rule: RuleGroupPost + "news@example.com", Action: ActionAllow, Reason: ok},
			{Rule: RuleBroadcast, Action: ActionRefuse, Reason: wide},
			{Rule: RuleContent + "reports2", Action: ActionLog, Reason: content},
			{Rule: RuleGroupPost + "all@example.com", Action: ActionRefuse, Reason: wide},
		}, wide.Error(), []string{content.Error(), wide.Error()}, []string{wide.Error()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &decider{hits: tc.hits}
			dec, err := d.finish()
			if err != nil {
				t.Fatal(err)
			}
			if dec.Reason == nil || dec.Reason.Error() != tc.reason {
				t.Errorf("Reason = %v, want %q", dec.Reason, tc.reason)
			}
			if len(dec.Hits) != len(tc.hits) {
				t.Errorf("%d hits, want all %d (each rule keeps its hit)", len(dec.Hits), len(tc.hits))
			}
			for _, c := range []struct {
				min  MailAction
				want []string
			}{{ActionLog, tc.all}, {ActionHold, tc.held}} {
				var got []string
				for _, e := range dec.Reasons(c.min) {
					got = append(got, e.Error())
				}
				if !slices.Equal(got, c.want) {
					t.Errorf("Reasons(%s) = %q, want %q", c.min, got, c.want)
				}
			}
		})
	}
}
