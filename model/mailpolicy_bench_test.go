//go:build bench

// The mail policy's benchmarks. They need the build tag:
//
//	go test -tags bench -run XXX -bench 'Decide|Resolve|Inbound' -benchmem ./model/
//
// They read an in-memory View (memView, in mailpolicy_test.go): the
// decisions are pure, so the figures are the rules' own cost. The
// 50,000-member company is testdata/benchgen's, the one the store's
// benchmarks import.
package model

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"postroom/testdata/benchgen"
)

// benchPolicy is the default policy grown to 20 rules: the 3 notices, the
// 2 default content rules and 15 more, a restricted department and lists.
func benchPolicy(c *company) MailPolicy {
	p := DefaultMailPolicy("example.com")
	p.Content = append([]ContentRule(nil), p.Content...)
	words := []string{"机密", "绝密", "薪资", "工资单", "身份证", "银行卡", "投标", "招标", "回扣", "返点", "股权", "期权", "裁员", "并购", "审计"}
	for i, w := range words {
		r := ContentRule{Name: fmt.Sprintf("rule-%d", i), Keywords: []string{w, strings.ToUpper(fmt.Sprintf("word%d", i))}, Scope: ScopeAny, Action: ActionHold}
		switch i % 3 {
		case 0:
			r.Depts = []DeptID{c.tech}
		case 1:
			r.ExternalOnly = true
		case 2:
			r.Subjects = []string{w + "报告"}
		}
		p.Content = append(p.Content, r)
	}
	p.External = ExternalRule{Depts: []DeptID{c.plat}, Members: []Address{"li@example.com"}, Action: ActionRefuse}
	p.Blacklist = []string{"spam.example", "boss@evil.example", "junk.example", "x@y.example"}
	p.Whitelist = []string{"partner.example"}
	return p
}

// benchText is a 2 KB mail body in Chinese with some English.
var benchText = strings.Repeat("各位同事好，附件是本周的客户拜访记录和下周的工作安排，请查收。Please review the attached notes. ", 16)

func benchSender(c *company) *Member {
	m := c.m("ww@example.com")
	m.Grants = nil
	for i := range 8 {
		m.Grants = append(m.Grants, Grant{Perm: fmt.Sprintf("notify:%d", i), Source: "direct", Until: now.Add(time.Hour)})
	}
	m.Grants = append(m.Grants,
		Grant{Perm: "sendas:hr@example.com", Source: "delegation", From: now.Add(-time.Hour), Until: now.Add(time.Hour)},
		Grant{Perm: PermBroadcast, Source: "direct", Until: now.Add(-time.Hour)})
	return m
}

// BenchmarkDecideSubmission judges one message of a member with 10 grants
// against 20 rules; the recipients are resolved beforehand (the target is
// 20 µs a message without the expansion).
func BenchmarkDecideSubmission(b *testing.B) {
	c := newCompany()
	p := benchPolicy(c)
	m := benchSender(c)
	cases := []struct {
		name    string
		to      []Address
		subject string
		header  Address
	}{
		{"colleagues", []Address{"li@example.com", "bj.head@example.com", "dev@example.com"}, "本周客户拜访总结", ""},
		{"colleagues-and-customer", []Address{"li@example.com", "buyer@customer.example", "north.head@example.com"}, "Re: 关于合同条款的确认", ""},
		{"all-staff-as-hr", []Address{"all@example.com"}, "关于国庆节放假安排的通知", "hr@example.com"},
		{"all-staff-held", []Address{"all@example.com", "ceo@example.com"}, "王伟 周计划", ""},
	}
	for _, tc := range cases {
		res, err := ResolveRecipients(c.v, p, tc.to)
		if err != nil {
			b.Fatal(err)
		}
		s := Submission{Sender: m, MailFrom: m.Address, HeaderFrom: tc.header, Rcpts: res, Subject: tc.subject, Text: benchText, Now: now}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := DecideSubmission(c.v, p, s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkInboundCheck judges one outside sender for one mailbox.
func BenchmarkInboundCheck(b *testing.B) {
	c := newCompany()
	p := benchPolicy(c)
	c.m("ww@example.com").Filter = MailFilter{Block: []string{"a@b.example", "c.example"}, Allow: []string{"d@e.example"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := InboundCheck(c.v, p, "someone@customer.example", Mailbox{Address: "ww@example.com"}); err != nil {
			b.Fatal(err)
		}
	}
}

var (
	bigOnce sync.Once
	bigView *memView
)

// big is benchgen's company (50,000 members in 2,000 departments) in a
// memView, with all@ (the root), a department group and a group listing
// 5,000 members.
func big(b *testing.B) *memView {
	bigOnce.Do(func() {
		cfg := benchgen.Default()
		co := benchgen.Generate(cfg)
		v := newMemView(cfg.Domain)
		ids := map[string]DeptID{"": RootDept}
		for _, path := range co.Depts {
			parent, name := "", path
			if i := strings.LastIndex(path, "/"); i >= 0 {
				parent, name = path[:i], path[i+1:]
			}
			ids[path] = v.dept(ids[parent], name)
		}
		var listed []Address
		for i, m := range co.Members {
			var ds []DeptID
			for _, d := range m.Depts {
				ds = append(ds, ids[d])
			}
			v.member(Address(m.Address), PositionStaff, ds...)
			if i%10 == 0 {
				listed = append(listed, Address(m.Address))
			}
		}
		v.group(Address("all@"+cfg.Domain), PostPermitted, nil, RootDept)
		v.group(Address("top@"+cfg.Domain), PostMembers, nil, v.kids[RootDept][1])
		v.group(Address("listed@"+cfg.Domain), PostMembers, listed)
		bigView = v
	})
	return bigView
}

// BenchmarkResolveRecipients expands groups of the 50,000-member company.
func BenchmarkResolveRecipients(b *testing.B) {
	v := big(b)
	dom := v.domains[0]
	p := DefaultMailPolicy(dom)
	for _, tc := range []struct {
		name string
		to   Address
		min  int
	}{
		{"all-50000", Address("all@" + dom), 50000},
		{"department-group", Address("top@" + dom), 1000},
		{"listed-5000", Address("listed@" + dom), 5000},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res, err := ResolveRecipients(v, p, []Address{tc.to})
				if err != nil {
					b.Fatal(err)
				}
				if res.Internal < tc.min {
					b.Fatalf("%d mailboxes, want at least %d", res.Internal, tc.min)
				}
			}
		})
	}
}
