// Package assets holds built-in data: the demo company that `postroom demo`
// and `postroom init --demo` build.
package assets

import (
	"fmt"
	"slices"
	"strings"
)

// DemoCompany is the sample enterprise that `postroom demo` and `postroom init --demo` build.
type DemoCompany struct {
	Name, Domain, Address, Contact, Phone, Description string

	Depts   []DemoDept   // parents before children
	Members []DemoMember // in employee-id order
	Groups  []DemoGroup
	Shared  []DemoShared // shared (public) mailboxes
	// Perms are the permission catalogue's owning departments (PERM-1):
	// permission name → department path, whose officer signs its grants.
	Perms []DemoPerm
}

// DemoPerm is a permission of the demo company's catalogue and the
// department that owns it.
type DemoPerm struct {
	Name, Owner string
}

// DemoDept is one department of the demo company.
type DemoDept struct {
	Path    string   // relative to root, "/"-separated, e.g. "销售部/华北大区"
	Heads   []string // member addresses (负责人)
	Officer string   // member address (权限负责人), may be ""
	Mailbox string   // department mailbox address, may be ""
}

// DemoMember is one person of the demo company.
type DemoMember struct {
	Address, Name, EmployeeID string

	Depts    []string // dept paths; most have one, a few have two
	Title    string   // Chinese job title, e.g. "销售经理", "高级工程师", "CEO"
	Position string   // one of the position class codes

	// Gender is "male" or "female"; Birthday is YYYY-MM-DD; Mobile is an
	// 11-digit 13x/15x/18x number; Phone is an office line like 010-65521234.
	Mobile, Phone, Gender, Birthday string

	Roles []DemoRole
}

// DemoRole is a role held by a demo member. Permission officers are not
// listed here: DemoDept.Officer implies them.
type DemoRole struct {
	Role   string   // admin subadmin helpdesk auditor hr officer unit-officer
	Scope  string   // dept path or "" for the whole company
	Rights []string // for subadmin: "members","groups","announcements"
}

// DemoGroup is a mail group of the demo company.
type DemoGroup struct {
	Address, Name string
	Post          string   // anyone|members|permitted
	Members       []string // member addresses
	Depts         []string // dept paths, "/" for the whole company
}

// DemoShared is a shared (public) mailbox of the demo company.
type DemoShared struct {
	Address, Name, Dept string
	SendAs              []string // member addresses that may send as it
}

// DemoLogin is a demo person to log in as, with what they are for.
type DemoLogin struct {
	Role, Address, Name, Password string
}

// demoDomain is the mail domain of the demo company.
const demoDomain = "example.com"

// Demo returns the demo company; the same value every call. Each call builds
// a fresh copy, so callers may change what they get.
func Demo() DemoCompany {
	c, _ := buildDemo()
	return c
}

// DemoLogins names the demo people to log in as, with what they are for:
// admin, subadmin, helpdesk, auditor, hr, a department head and a plain
// member. Their passwords are passphrases meant only for the demo.
func DemoLogins() []DemoLogin {
	c, keys := buildDemo()
	names := make(map[string]string, len(c.Members))
	for _, m := range c.Members {
		names[m.Address] = m.Name
	}
	out := make([]DemoLogin, 0, len(demoLogins))
	for _, l := range demoLogins {
		addr := keys[l.key]
		out = append(out, DemoLogin{Role: l.role, Address: addr, Name: names[addr], Password: l.password})
	}
	return out
}

var demoLogins = []struct{ role, key, password string }{
	{"admin", "it-admin", "blue-harbour-lantern"},
	{"subadmin", "sales-subadmin", "green-valley-compass"},
	{"helpdesk", "it-helpdesk", "amber-desk-teapot"},
	{"auditor", "auditor", "quiet-ledger-owl"},
	{"hr", "hr", "warm-welcome-kite"},
	{"head", "bj1-head", "north-team-captain"},
	{"member", "bj1-member", "paper-plane-morning"},
}

// Position class codes, as in model.Position (kept here as strings so the
// package stands alone).
const (
	demoPosExecutive         = "executive"
	demoPosRegionalDirector  = "regional-director"
	demoPosRegionalAssistant = "regional-assistant"
	demoPosDirector          = "director"
	demoPosCEOAssistant      = "ceo-assistant"
	demoPosSecretary         = "secretary"
	demoPosCOOAssistant      = "coo-assistant"
	demoPosStaff             = "staff"
)

// demoPerson is a hand-picked member: the people the demo is about.
type demoPerson struct {
	key             string // handle for logins, groups and shared mailboxes
	surname, given  string
	gender          string
	address         string // local part; "" means from the name's pinyin
	title, position string
	depts           []string
	head, officer   bool // of depts[0]
	roles           []DemoRole
}

var demoPeople = []demoPerson{
	// 总经办
	{key: "ceo", surname: "欧阳", given: "明远", gender: "male", title: "CEO", position: demoPosExecutive, depts: []string{"总经办"}},
	{key: "coo", surname: "司马", given: "婉清", gender: "female", title: "COO", position: demoPosExecutive, depts: []string{"总经办"},
		roles: []DemoRole{{Role: "unit-officer"}}},
	{key: "office-head", surname: "曾", given: "志强", gender: "male", title: "总经办主任", position: demoPosDirector, depts: []string{"总经办"}, head: true, officer: true},
	{surname: "林", given: "晓雯", gender: "female", title: "CEO办助理", position: demoPosCEOAssistant, depts: []string{"总经办"}},
	{surname: "单", given: "嘉怡", gender: "female", title: "CEO办助理", position: demoPosCEOAssistant, depts: []string{"总经办"}},
	{surname: "何", given: "静", gender: "female", title: "总裁秘书", position: demoPosSecretary, depts: []string{"总经办"}},
	{surname: "区", given: "文博", gender: "male", title: "秘书", position: demoPosSecretary, depts: []string{"总经办"}},
	{surname: "解", given: "俊杰", gender: "male", title: "COO助理", position: demoPosCOOAssistant, depts: []string{"总经办"}},
	{surname: "范", given: "雨涵", gender: "female", title: "COO助理", position: demoPosCOOAssistant, depts: []string{"总经办", "行政部"}},

	// 人力资源部
	{surname: "宋", given: "雅琴", gender: "female", title: "人力资源总监", position: demoPosDirector, depts: []string{"人力资源部"}, head: true, officer: true},
	{key: "hr", surname: "郭", given: "晓燕", gender: "female", title: "人事专员", position: demoPosStaff, depts: []string{"人力资源部"},
		roles: []DemoRole{{Role: "hr"}}},
	{key: "hr2", surname: "冯", given: "丽", gender: "female", title: "薪酬福利专员", position: demoPosStaff, depts: []string{"人力资源部"}},

	// 行政部
	{surname: "谢", given: "国平", gender: "male", title: "行政经理", position: demoPosDirector, depts: []string{"行政部"}, head: true, officer: true},
	{key: "admin1", surname: "邓", given: "佳怡", gender: "female", title: "行政专员", position: demoPosStaff, depts: []string{"行政部"}},
	{key: "admin2", surname: "上官", given: "子轩", gender: "male", title: "行政主管", position: demoPosStaff, depts: []string{"行政部"}},

	// 信息部
	{surname: "陆", given: "建国", gender: "male", title: "信息部经理", position: demoPosDirector, depts: []string{"信息部"}, head: true, officer: true},
	{key: "it-admin", surname: "周", given: "涛", gender: "male", address: "it.admin", title: "系统管理员", position: demoPosStaff, depts: []string{"信息部"},
		roles: []DemoRole{{Role: "admin"}}},
	{key: "it-helpdesk", surname: "孙", given: "丽", gender: "female", address: "it.helpdesk", title: "IT支持工程师", position: demoPosStaff, depts: []string{"信息部"},
		roles: []DemoRole{{Role: "helpdesk"}}},

	// 财务部
	{surname: "钱", given: "文", gender: "male", title: "财务总监", position: demoPosDirector, depts: []string{"财务部"}, head: true},
	{key: "auditor", surname: "诸葛", given: "慧", gender: "female", title: "内审主管", position: demoPosStaff, depts: []string{"财务部"},
		roles: []DemoRole{{Role: "auditor"}}},
	{surname: "李", given: "娜", gender: "female", title: "会计", position: demoPosStaff, depts: []string{"财务部"}},

	// 销售部
	{surname: "马", given: "国华", gender: "male", title: "销售总监", position: demoPosDirector, depts: []string{"销售部"}, head: true},
	{surname: "黄", given: "海", gender: "male", title: "销售副总监", position: demoPosDirector, depts: []string{"销售部"}, head: true, officer: true},
	{key: "sales-subadmin", surname: "徐", given: "晓明", gender: "male", title: "销售运营主管", position: demoPosStaff, depts: []string{"销售部"},
		roles: []DemoRole{{Role: "subadmin", Scope: "销售部", Rights: []string{"members", "groups"}}}},
	{surname: "杨", given: "建军", gender: "male", title: "华北大区总监", position: demoPosRegionalDirector, depts: []string{"销售部/华北大区"}, head: true, officer: true},
	{surname: "赵", given: "婷", gender: "female", title: "华北大区总监助理", position: demoPosRegionalAssistant, depts: []string{"销售部/华北大区"}},
	{key: "bj1-head", surname: "刘", given: "洋", gender: "male", title: "销售经理", position: demoPosDirector, depts: []string{"销售部/华北大区/北京一组"}, head: true, officer: true},
	{key: "bj1-member", surname: "王", given: "伟", gender: "male", title: "销售代表", position: demoPosStaff, depts: []string{"销售部/华北大区/北京一组"}},
	{surname: "吴", given: "振华", gender: "male", title: "华东大区总监", position: demoPosRegionalDirector, depts: []string{"销售部/华东大区"}, head: true},
	{surname: "陈", given: "思雨", gender: "female", title: "华东大区总监助理", position: demoPosRegionalAssistant, depts: []string{"销售部/华东大区"}, officer: true},
	{surname: "唐", given: "子涵", gender: "female", title: "售前工程师", position: demoPosStaff, depts: []string{"销售部/华东大区/上海一组", "技术部/产品组"}},
	{surname: "李", given: "娜", gender: "female", title: "销售代表", position: demoPosStaff, depts: []string{"销售部/华东大区/上海二组"}},
	{surname: "梁", given: "志明", gender: "male", title: "华南大区总监", position: demoPosRegionalDirector, depts: []string{"销售部/华南大区"}, head: true, officer: true},
	{surname: "黄", given: "晓丽", gender: "female", title: "华南大区总监助理", position: demoPosRegionalAssistant, depts: []string{"销售部/华南大区"}},

	// 技术部
	{surname: "高", given: "振宇", gender: "male", title: "技术总监", position: demoPosDirector, depts: []string{"技术部"}, head: true, officer: true},
	{surname: "朱", given: "立新", gender: "male", title: "研发总监", position: demoPosDirector, depts: []string{"技术部/研发中心"}, head: true, officer: true},
	{surname: "王", given: "伟", gender: "male", title: "软件工程师", position: demoPosStaff, depts: []string{"技术部/研发中心/平台组"}},
	{surname: "刘", given: "洋", gender: "female", title: "测试工程师", position: demoPosStaff, depts: []string{"技术部/研发中心/测试组"}},
}

// demoPlan describes one department: its mailbox, the head and deputy to
// generate when no hand-picked person fills the post, and how many staff.
type demoPlan struct {
	path      string
	mailbox   string         // local part, "" for none
	headTitle string         // title of a generated head; "" when a hand-picked person heads it
	deputy    string         // title of a generated deputy who is the permission officer
	staff     int            // generated staff
	titles    []string       // staff titles, picked at random
	extra     map[int]string // generated staff index → second department
}

var (
	demoSalesTitles  = []string{"销售代表", "销售代表", "销售代表", "销售代表", "高级销售代表", "高级销售代表", "客户经理", "客户经理", "销售助理"}
	demoRegionTitles = []string{"大客户经理", "区域销售支持"}
)

var demoPlans = []demoPlan{
	{path: "总经办", mailbox: "ceo-office", staff: 3, titles: []string{"总经办专员", "法务专员", "战略分析师"}},
	{path: "人力资源部", mailbox: "hr-dept", staff: 10, titles: []string{"招聘专员", "招聘专员", "培训专员", "员工关系专员", "HRBP", "人事助理", "薪酬福利专员"}},
	{path: "行政部", mailbox: "admin-dept", staff: 9, titles: []string{"行政专员", "行政专员", "前台", "采购专员", "资产管理员", "行政助理"}},
	{path: "信息部", staff: 6, titles: []string{"网络工程师", "系统工程师", "IT支持工程师", "信息安全工程师", "数据库管理员"}},
	{path: "财务部", deputy: "财务主管", staff: 11, titles: []string{"会计", "会计", "出纳", "财务分析师", "税务专员", "应收会计", "应付会计"}},
	{path: "销售部", staff: 4, titles: []string{"销售运营专员", "商务专员", "渠道经理", "投标专员"}},
	{path: "销售部/华北大区", staff: 2, titles: demoRegionTitles},
	{path: "销售部/华北大区/北京一组", staff: 20, titles: demoSalesTitles},
	{path: "销售部/华北大区/北京二组", headTitle: "销售经理", deputy: "销售主管", staff: 19, titles: demoSalesTitles},
	{path: "销售部/华北大区/天津组", headTitle: "销售经理", staff: 16, titles: demoSalesTitles},
	{path: "销售部/华东大区", staff: 2, titles: demoRegionTitles},
	{path: "销售部/华东大区/上海一组", headTitle: "销售经理", staff: 19, titles: demoSalesTitles},
	{path: "销售部/华东大区/上海二组", headTitle: "销售经理", staff: 18, titles: demoSalesTitles},
	{path: "销售部/华东大区/杭州组", headTitle: "销售经理", staff: 16, titles: demoSalesTitles},
	{path: "销售部/华南大区", staff: 2, titles: demoRegionTitles},
	{path: "销售部/华南大区/广州组", headTitle: "销售经理", staff: 19, titles: demoSalesTitles},
	{path: "销售部/华南大区/深圳组", headTitle: "销售经理", staff: 19, titles: demoSalesTitles},
	{path: "技术部", staff: 2, titles: []string{"架构师", "技术部助理"}},
	{path: "技术部/研发中心", staff: 1, titles: []string{"首席架构师"}},
	{path: "技术部/研发中心/平台组", headTitle: "研发经理", deputy: "技术主管", staff: 14,
		titles: []string{"软件工程师", "软件工程师", "软件工程师", "高级工程师", "高级工程师", "资深工程师", "实习生"}},
	{path: "技术部/研发中心/平台组/存储小组", headTitle: "存储小组组长", staff: 6, titles: []string{"存储工程师", "存储工程师", "高级存储工程师"}},
	{path: "技术部/研发中心/前端组", headTitle: "前端组经理", staff: 13,
		titles: []string{"前端工程师", "前端工程师", "前端工程师", "高级前端工程师", "高级前端工程师", "UI开发工程师"}},
	{path: "技术部/研发中心/移动组", headTitle: "移动组经理", staff: 11, titles: []string{"Android工程师", "iOS工程师", "高级移动开发工程师", "鸿蒙开发工程师"}},
	{path: "技术部/研发中心/测试组", headTitle: "测试经理", staff: 11,
		titles: []string{"测试工程师", "测试工程师", "测试工程师", "高级测试工程师", "自动化测试工程师"},
		extra:  map[int]string{2: "技术部/运维组"}},
	{path: "技术部/运维组", headTitle: "运维经理", staff: 9, titles: []string{"运维工程师", "运维工程师", "SRE工程师", "高级运维工程师"}},
	{path: "技术部/产品组", headTitle: "产品组经理", staff: 9,
		titles: []string{"产品经理", "产品经理", "高级产品经理", "UI设计师", "交互设计师", "产品助理"},
		extra:  map[int]string{1: "技术部/研发中心/前端组"}},
}

// demoTopGroups names the group of each top-level department.
var demoTopGroups = []struct{ dept, local string }{
	{"总经办", "office"},
	{"人力资源部", "hr-all"},
	{"行政部", "admin-all"},
	{"信息部", "it"},
	{"财务部", "finance"},
	{"销售部", "sales"},
	{"技术部", "tech"},
}

// demoSubGroups are groups of some lower departments.
var demoSubGroups = []struct{ dept, local string }{
	{"销售部/华北大区", "sales-north"},
	{"销售部/华东大区", "sales-east"},
	{"销售部/华南大区", "sales-south"},
	{"技术部/研发中心", "rd"},
}

// demoOffices gives the office line prefix (area code and exchange) of a
// department subtree; the longest matching path wins, the rest sit in Beijing.
var demoOffices = []struct{ path, prefix string }{
	{"", "010-6552"},
	{"销售部/华北大区/天津组", "022-2358"},
	{"销售部/华东大区", "021-6288"},
	{"销售部/华东大区/杭州组", "0571-8706"},
	{"销售部/华南大区", "020-3866"},
	{"销售部/华南大区/深圳组", "0755-2699"},
}

var demoMobilePrefixes = []string{
	"130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
	"150", "151", "152", "153", "155", "156", "157", "158", "159",
	"180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
}

// demoRand is a SplitMix64 generator: small, fast and fixed forever, so the
// demo is the same on every Go release.
type demoRand struct{ s uint64 }

func (r *demoRand) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *demoRand) intn(n int) int { return int(r.next() % uint64(n)) }

func demoPick[T any](r *demoRand, s []T) T { return s[r.intn(len(s))] }

// demoSeed fixes the demo company; changing it changes every generated person.
const demoSeed = 20240601

// demoDraft is a member being built, with what is still to be decided.
type demoDraft struct {
	m              DemoMember
	key            string
	surname, given string
	address        string // fixed local part, if any
	fixed          bool   // hand-picked name
}

// buildDemo builds the demo company and returns it with the addresses of
// the hand-picked people by key.
func buildDemo() (DemoCompany, map[string]string) {
	r := &demoRand{s: demoSeed}
	c := DemoCompany{
		Name:        "示例科技有限公司",
		Domain:      demoDomain,
		Address:     "北京市朝阳区建国路88号示例大厦12层",
		Phone:       "010-65520000",
		Description: "示例科技有限公司是一家虚构的软件与解决方案公司，总部位于北京，在华北、华东、华南设有销售大区，用于演示 postroom 的组织架构、权限审批与邮件发送规则。",
	}

	var drafts []*demoDraft
	heads := map[string][]*demoDraft{}
	officer := map[string]*demoDraft{}
	for _, pl := range demoPlans {
		for i := range demoPeople {
			p := &demoPeople[i]
			if p.depts[0] != pl.path {
				continue
			}
			d := &demoDraft{key: p.key, surname: p.surname, given: p.given, address: p.address, fixed: true}
			d.m = DemoMember{Depts: slices.Clone(p.depts), Title: p.title, Position: p.position, Gender: p.gender}
			for _, ro := range p.roles {
				d.m.Roles = append(d.m.Roles, DemoRole{Role: ro.Role, Scope: ro.Scope, Rights: slices.Clone(ro.Rights)})
			}
			drafts = append(drafts, d)
			if p.head {
				heads[pl.path] = append(heads[pl.path], d)
			}
			if p.officer {
				officer[pl.path] = d
			}
		}
		if pl.headTitle != "" {
			d := &demoDraft{m: DemoMember{Depts: []string{pl.path}, Title: pl.headTitle, Position: demoPosDirector}}
			drafts = append(drafts, d)
			heads[pl.path] = append(heads[pl.path], d)
		}
		if pl.deputy != "" {
			d := &demoDraft{m: DemoMember{Depts: []string{pl.path}, Title: pl.deputy, Position: demoPosStaff}}
			drafts = append(drafts, d)
			officer[pl.path] = d
		}
		for i := range pl.staff {
			d := &demoDraft{m: DemoMember{Depts: []string{pl.path}, Title: demoPick(r, pl.titles), Position: demoPosStaff}}
			if x, ok := pl.extra[i]; ok {
				d.m.Depts = append(d.m.Depts, x)
			}
			drafts = append(drafts, d)
		}
		if len(heads[pl.path]) == 0 {
			panic("assets: demo department without a head: " + pl.path)
		}
		if officer[pl.path] == nil {
			officer[pl.path] = heads[pl.path][0]
		}
	}

	// Names: hand-picked ones first (they may repeat on purpose), then
	// generated ones, distinct from every other name.
	names := map[string]bool{}
	for _, d := range drafts {
		if d.fixed {
			names[d.surname+d.given] = true
		}
	}
	for _, d := range drafts {
		if d.fixed {
			continue
		}
		if r.intn(2) == 0 {
			d.m.Gender = "male"
		} else {
			d.m.Gender = "female"
		}
		for {
			d.surname, d.given = demoRandomName(r, d.m.Gender)
			if !names[d.surname+d.given] {
				break
			}
		}
		names[d.surname+d.given] = true
	}
	for _, d := range drafts {
		d.m.Name = d.surname + d.given
	}

	// Addresses: group, shared and department addresses are taken first,
	// then hand-picked people, then the rest; a repeated pinyin gets a digit.
	used := map[string]bool{"all": true, "managers": true, "hr": true, "admin": true}
	for _, pl := range demoPlans {
		if pl.mailbox != "" {
			used[pl.mailbox] = true
		}
	}
	for _, g := range demoTopGroups {
		used[g.local] = true
	}
	for _, g := range demoSubGroups {
		used[g.local] = true
	}
	for _, d := range drafts {
		if d.address != "" {
			if used[d.address] {
				panic("assets: demo address taken twice: " + d.address)
			}
			used[d.address] = true
			d.m.Address = d.address + "@" + demoDomain
		}
	}
	assign := func(d *demoDraft) {
		base := demoPinyin(d.surname, d.given)
		local := base
		for n := 2; used[local]; n++ {
			local = fmt.Sprintf("%s%d", base, n)
		}
		used[local] = true
		d.m.Address = local + "@" + demoDomain
	}
	for _, d := range drafts {
		if d.fixed && d.m.Address == "" {
			assign(d)
		}
	}
	for _, d := range drafts {
		if d.m.Address == "" {
			assign(d)
		}
	}

	// Contact details and employee ids, in member order.
	mobiles := map[string]bool{}
	phones := map[string]bool{}
	for i, d := range drafts {
		d.m.EmployeeID = fmt.Sprintf("E%05d", i+1)
		for {
			mob := demoPick(r, demoMobilePrefixes) + fmt.Sprintf("%08d", r.intn(100000000))
			if !mobiles[mob] {
				mobiles[mob] = true
				d.m.Mobile = mob
				break
			}
		}
		prefix := demoOfficePrefix(d.m.Depts[0])
		for {
			ph := fmt.Sprintf("%s%04d", prefix, 1000+r.intn(9000))
			if !phones[ph] && ph != c.Phone {
				phones[ph] = true
				d.m.Phone = ph
				break
			}
		}
		lo, hi := demoBirthYears(d.m.Position)
		d.m.Birthday = fmt.Sprintf("%04d-%02d-%02d", lo+r.intn(hi-lo+1), 1+r.intn(12), 1+r.intn(28))
	}

	keys := map[string]string{}
	for _, d := range drafts {
		if d.key != "" {
			keys[d.key] = d.m.Address
		}
		c.Members = append(c.Members, d.m)
	}
	c.Contact = "行政部 " + drafts[demoIndexOfKey(drafts, "admin1")].m.Name

	for _, pl := range demoPlans {
		dd := DemoDept{Path: pl.path, Officer: officer[pl.path].m.Address}
		for _, h := range heads[pl.path] {
			dd.Heads = append(dd.Heads, h.m.Address)
		}
		if pl.mailbox != "" {
			dd.Mailbox = pl.mailbox + "@" + demoDomain
		}
		c.Depts = append(c.Depts, dd)
	}

	at := func(local string) string { return local + "@" + demoDomain }
	c.Groups = append(c.Groups, DemoGroup{Address: at("all"), Name: "全体员工", Post: "permitted", Depts: []string{"/"}})
	for _, g := range demoTopGroups {
		c.Groups = append(c.Groups, DemoGroup{Address: at(g.local), Name: g.dept + "全体", Post: "members", Depts: []string{g.dept}})
	}
	for _, g := range demoSubGroups {
		name := g.dept[strings.LastIndex(g.dept, "/")+1:]
		c.Groups = append(c.Groups, DemoGroup{Address: at(g.local), Name: name + "全体", Post: "members", Depts: []string{g.dept}})
	}
	// 管理层: the executives, the heads of the top-level departments and the
	// regional directors.
	mgr := DemoGroup{Address: at("managers"), Name: "管理层", Post: "members"}
	addMgr := func(a string) {
		if !slices.Contains(mgr.Members, a) {
			mgr.Members = append(mgr.Members, a)
		}
	}
	for _, m := range c.Members {
		if m.Position == demoPosExecutive {
			addMgr(m.Address)
		}
	}
	for _, g := range demoTopGroups {
		addMgr(heads[g.dept][0].m.Address)
	}
	for _, m := range c.Members {
		if m.Position == demoPosRegionalDirector {
			addMgr(m.Address)
		}
	}
	c.Groups = append(c.Groups, mgr)

	c.Shared = []DemoShared{
		{Address: at("hr"), Name: "人力资源部公共邮箱", Dept: "人力资源部", SendAs: []string{keys["hr"], keys["hr2"]}},
		{Address: at("admin"), Name: "行政部公共邮箱", Dept: "行政部", SendAs: []string{keys["admin1"], keys["admin2"]}},
	}
	// Whole-company sending and skip-level mail are the general office's
	// (seed part 1); outside mail and sub-admin rights are IT's; the
	// notification quota is the administration's.
	c.Perms = []DemoPerm{
		{Name: "broadcast", Owner: "总经办"},
		{Name: "skip-level", Owner: "总经办"},
		{Name: "external", Owner: "信息部"},
		{Name: "subadmin", Owner: "信息部"},
		{Name: "notify", Owner: "行政部"},
	}
	return c, keys
}

func demoIndexOfKey(ds []*demoDraft, key string) int {
	for i, d := range ds {
		if d.key == key {
			return i
		}
	}
	panic("assets: no demo person " + key)
}

// demoOfficePrefix returns the office line prefix for a department.
func demoOfficePrefix(path string) string {
	best, prefix := -1, ""
	for _, o := range demoOffices {
		if (o.path == "" || path == o.path || strings.HasPrefix(path, o.path+"/")) && len(o.path) > best {
			best, prefix = len(o.path), o.prefix
		}
	}
	return prefix
}

// demoBirthYears gives a plausible range of birth years for a position class.
func demoBirthYears(pos string) (int, int) {
	switch pos {
	case demoPosExecutive:
		return 1966, 1976
	case demoPosRegionalDirector, demoPosDirector:
		return 1972, 1990
	case demoPosCEOAssistant, demoPosSecretary, demoPosCOOAssistant, demoPosRegionalAssistant:
		return 1988, 1998
	}
	return 1978, 2001
}

// demoRandomName draws a surname by real-world frequency and a given name of one
// or two characters fitting the gender.
func demoRandomName(r *demoRand, gender string) (surname, given string) {
	n := r.intn(demoSurnameTotal)
	for _, s := range demoSurnames {
		if n < s.weight {
			surname = s.hanzi
			break
		}
		n -= s.weight
	}
	first, second := demoMaleFirst, demoMaleSecond
	if gender == "female" {
		first, second = demoFemaleFirst, demoFemaleSecond
	}
	b := []rune(second)
	last := b[r.intn(len(b))]
	if r.intn(10) < 3 {
		return surname, string(last)
	}
	f := []rune(first)
	for {
		c := f[r.intn(len(f))]
		if c != last {
			return surname, string(c) + string(last)
		}
	}
}

// demoPinyin spells a name in toneless lower-case pinyin, the surname read
// as a surname (曾 zeng, 单 shan, 解 xie, 区 ou).
func demoPinyin(surname, given string) string {
	var b strings.Builder
	s, ok := demoSurnamePinyin[surname]
	if !ok {
		panic("assets: no pinyin for surname " + surname)
	}
	b.WriteString(s)
	for _, c := range given {
		p, ok := demoGivenPinyin[c]
		if !ok {
			panic("assets: no pinyin for " + string(c))
		}
		b.WriteString(p)
	}
	return b.String()
}

// demoSurnames are the surnames drawn for generated people, weighted roughly
// by how common they are in China (per mille). Compound and rare surnames,
// and surnames read differently from their everyday reading, are included
// to exercise pinyin search.
var demoSurnames = []struct {
	hanzi, pinyin string
	weight        int
}{
	{"李", "li", 79}, {"王", "wang", 71}, {"张", "zhang", 71}, {"刘", "liu", 54}, {"陈", "chen", 45},
	{"杨", "yang", 31}, {"黄", "huang", 22}, {"赵", "zhao", 20}, {"吴", "wu", 20}, {"周", "zhou", 19},
	{"孙", "sun", 15}, {"徐", "xu", 13}, {"朱", "zhu", 13}, {"胡", "hu", 13}, {"郭", "guo", 12},
	{"何", "he", 12}, {"高", "gao", 12}, {"林", "lin", 12}, {"马", "ma", 11}, {"罗", "luo", 9},
	{"郑", "zheng", 9}, {"梁", "liang", 8}, {"谢", "xie", 8}, {"宋", "song", 8}, {"唐", "tang", 7},
	{"许", "xu", 6}, {"韩", "han", 6}, {"冯", "feng", 6}, {"邓", "deng", 6}, {"曹", "cao", 6},
	{"彭", "peng", 5}, {"曾", "zeng", 5}, {"肖", "xiao", 5}, {"田", "tian", 5}, {"董", "dong", 5},
	{"袁", "yuan", 4}, {"潘", "pan", 4}, {"于", "yu", 4}, {"蒋", "jiang", 4}, {"蔡", "cai", 4},
	{"余", "yu", 4}, {"杜", "du", 4}, {"叶", "ye", 4}, {"程", "cheng", 3}, {"苏", "su", 3},
	{"魏", "wei", 3}, {"吕", "lv", 3}, {"丁", "ding", 3}, {"任", "ren", 3}, {"沈", "shen", 3},
	{"姚", "yao", 3}, {"卢", "lu", 3}, {"姜", "jiang", 3}, {"崔", "cui", 3}, {"钟", "zhong", 3},
	{"谭", "tan", 3}, {"陆", "lu", 3}, {"汪", "wang", 3}, {"范", "fan", 3}, {"金", "jin", 3},
	{"石", "shi", 3}, {"廖", "liao", 2}, {"贾", "jia", 2}, {"夏", "xia", 2}, {"韦", "wei", 2},
	{"付", "fu", 2}, {"方", "fang", 2}, {"白", "bai", 2}, {"邹", "zou", 2}, {"孟", "meng", 2},
	{"熊", "xiong", 2}, {"秦", "qin", 2}, {"邱", "qiu", 2}, {"江", "jiang", 2}, {"尹", "yin", 2},
	{"薛", "xue", 2}, {"闫", "yan", 2}, {"段", "duan", 2}, {"雷", "lei", 2}, {"侯", "hou", 2},
	{"龙", "long", 2}, {"史", "shi", 2}, {"陶", "tao", 2}, {"黎", "li", 2}, {"贺", "he", 2},
	{"顾", "gu", 2}, {"毛", "mao", 2}, {"郝", "hao", 2}, {"龚", "gong", 2}, {"邵", "shao", 2},
	{"万", "wan", 2}, {"钱", "qian", 2}, {"严", "yan", 1}, {"覃", "qin", 1}, {"武", "wu", 1},
	{"戴", "dai", 1}, {"莫", "mo", 1}, {"孔", "kong", 1}, {"向", "xiang", 1}, {"汤", "tang", 1},
	{"单", "shan", 1}, {"解", "xie", 1}, {"区", "ou", 1}, {"仇", "qiu", 1}, {"查", "zha", 1},
	{"朴", "piao", 1}, {"欧阳", "ouyang", 1}, {"司马", "sima", 1}, {"诸葛", "zhuge", 1}, {"上官", "shangguan", 1},
}

var demoSurnameTotal, demoSurnamePinyin = func() (int, map[string]string) {
	total, m := 0, map[string]string{}
	for _, s := range demoSurnames {
		if _, dup := m[s.hanzi]; dup {
			panic("assets: surname listed twice: " + s.hanzi)
		}
		total += s.weight
		m[s.hanzi] = s.pinyin
	}
	return total, m
}()

// Given-name characters, by position in the name and gender. A one-character
// given name is drawn from the second list.
const (
	demoMaleFirst    = "志建国文俊海家永子嘉宇浩明天晓立振承思博德光世云春卫"
	demoMaleSecond   = "伟强磊军勇杰涛明超斌鹏辉刚峰浩宇翔波华龙飞亮凯晨阳东林宏成鑫毅哲睿轩平新远铭彬坤瑞旭昊然源航帆钧诚江山松洋"
	demoFemaleFirst  = "晓丽雨梦思嘉子佳欣文春秀美玉诗婉心可雅静慧海小若紫冰雪"
	demoFemaleSecond = "芳娜敏静丽艳娟霞燕玲婷雪慧琳颖倩洁萍红梅莉丹晶欣悦怡瑶璐雯琪蕾薇楠妍兰凤月宁涵馨露清琴云婕蓉菲岚琦"
)

// demoGivenPinyin spells every given-name character used by the demo (the
// generated ones above and the hand-picked people), in its name reading.
var demoGivenPinyin = map[rune]string{
	'志': "zhi", '建': "jian", '国': "guo", '文': "wen", '俊': "jun", '海': "hai", '家': "jia", '永': "yong",
	'子': "zi", '嘉': "jia", '宇': "yu", '浩': "hao", '明': "ming", '天': "tian", '晓': "xiao", '立': "li",
	'振': "zhen", '承': "cheng", '思': "si", '博': "bo", '德': "de", '光': "guang", '世': "shi", '云': "yun",
	'春': "chun", '卫': "wei",
	'伟': "wei", '强': "qiang", '磊': "lei", '军': "jun", '勇': "yong", '杰': "jie", '涛': "tao", '超': "chao",
	'斌': "bin", '鹏': "peng", '辉': "hui", '刚': "gang", '峰': "feng", '翔': "xiang", '波': "bo", '华': "hua",
	'龙': "long", '飞': "fei", '亮': "liang", '凯': "kai", '晨': "chen", '阳': "yang", '东': "dong", '林': "lin",
	'宏': "hong", '成': "cheng", '鑫': "xin", '毅': "yi", '哲': "zhe", '睿': "rui", '轩': "xuan", '平': "ping",
	'新': "xin", '远': "yuan", '铭': "ming", '彬': "bin", '坤': "kun", '瑞': "rui", '旭': "xu", '昊': "hao",
	'然': "ran", '源': "yuan", '航': "hang", '帆': "fan", '钧': "jun", '诚': "cheng", '江': "jiang", '山': "shan",
	'松': "song", '洋': "yang",
	'丽': "li", '雨': "yu", '梦': "meng", '佳': "jia", '欣': "xin", '秀': "xiu", '美': "mei", '玉': "yu",
	'诗': "shi", '婉': "wan", '心': "xin", '可': "ke", '雅': "ya", '静': "jing", '慧': "hui", '小': "xiao",
	'若': "ruo", '紫': "zi", '冰': "bing", '雪': "xue",
	'芳': "fang", '娜': "na", '敏': "min", '艳': "yan", '娟': "juan", '霞': "xia", '燕': "yan", '玲': "ling",
	'婷': "ting", '琳': "lin", '颖': "ying", '倩': "qian", '洁': "jie", '萍': "ping", '红': "hong", '梅': "mei",
	'莉': "li", '丹': "dan", '晶': "jing", '悦': "yue", '怡': "yi", '瑶': "yao", '璐': "lu", '雯': "wen",
	'琪': "qi", '蕾': "lei", '薇': "wei", '楠': "nan", '妍': "yan", '兰': "lan", '凤': "feng", '月': "yue",
	'宁': "ning", '涵': "han", '馨': "xin", '露': "lu", '清': "qing", '琴': "qin", '婕': "jie", '蓉': "rong",
	'菲': "fei", '岚': "lan", '琦': "qi",
}
