// Package benchgen makes the synthetic company the 50,000-member benchmarks
// run on (docs/BENCHMARKS.md): a department tree of about ten top
// departments and up to five levels, and members with Chinese names, pinyin
// addresses made unique with digits, employee ids and mobiles.
//
// It lives under testdata/ so `go build ./...`, `go vet ./...` and
// `go test ./...` never see it; only the benchmark files (build tag bench)
// import it. Everything is deterministic: the same Config gives the same
// bytes.
package benchgen

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Version changes whenever the generated data changes, so that caches keyed
// by it are rebuilt.
const Version = "1"

// Config sizes the company.
type Config struct {
	Members int    // 50,000 in the benchmarks
	Depts   int    // 2,000 in the benchmarks
	Domain  string // e.g. corp.example.cn
	Seed    uint64
}

// Default is the company of the issue: 50,000 members in 2,000 departments.
func Default() Config {
	return Config{Members: 50000, Depts: 2000, Domain: "corp.example.cn", Seed: 20240601}
}

// Member is one generated member.
type Member struct {
	Address    string
	Name       string
	Surname    string // Chinese
	Pinyin     string // full pinyin of the name, e.g. zhangwei
	Initials   string // e.g. zw
	Depts      []string
	Title      string
	Position   string
	EmployeeID string
	Mobile     string
	Gender     string
	Alias      string // a free address usable as an alias (wei.zhang2@…)
}

// Company is the generated data.
type Company struct {
	Config  Config
	Depts   []string // every department path, parents before children
	Members []Member
}

// surnames with pinyin and a rough weight (per mille of the population, so
// that 王, 李, 张 are as common as in real rosters).
var surnames = []struct {
	zh, py string
	w      int
}{
	{"王", "wang", 72}, {"李", "li", 72}, {"张", "zhang", 69}, {"刘", "liu", 53}, {"陈", "chen", 46},
	{"杨", "yang", 32}, {"黄", "huang", 23}, {"赵", "zhao", 22}, {"吴", "wu", 20}, {"周", "zhou", 19},
	{"徐", "xu", 15}, {"孙", "sun", 15}, {"马", "ma", 14}, {"朱", "zhu", 13}, {"胡", "hu", 12},
	{"郭", "guo", 11}, {"何", "he", 10}, {"林", "lin", 10}, {"高", "gao", 10}, {"罗", "luo", 9},
	{"郑", "zheng", 9}, {"梁", "liang", 8}, {"谢", "xie", 7}, {"宋", "song", 7}, {"唐", "tang", 7},
	{"许", "xu", 6}, {"邓", "deng", 6}, {"韩", "han", 6}, {"冯", "feng", 6}, {"曹", "cao", 6},
	{"彭", "peng", 5}, {"萧", "xiao", 5}, {"田", "tian", 5}, {"董", "dong", 5}, {"潘", "pan", 5},
	{"袁", "yuan", 5}, {"蔡", "cai", 4}, {"蒋", "jiang", 4}, {"余", "yu", 4}, {"于", "yu", 4},
	{"杜", "du", 4}, {"叶", "ye", 4}, {"程", "cheng", 4}, {"魏", "wei", 4}, {"苏", "su", 4},
	{"吕", "lv", 4}, {"丁", "ding", 4}, {"任", "ren", 4}, {"卢", "lu", 3}, {"姚", "yao", 3},
	{"沈", "shen", 3}, {"钟", "zhong", 3}, {"姜", "jiang", 3}, {"崔", "cui", 3}, {"谭", "tan", 3},
	{"陆", "lu", 3}, {"范", "fan", 3}, {"汪", "wang", 3}, {"廖", "liao", 3}, {"石", "shi", 3},
	{"金", "jin", 3}, {"韦", "wei", 2}, {"贾", "jia", 2}, {"夏", "xia", 2}, {"付", "fu", 2},
	{"方", "fang", 2}, {"邹", "zou", 2}, {"熊", "xiong", 2}, {"白", "bai", 2}, {"孟", "meng", 2},
	{"秦", "qin", 2}, {"邱", "qiu", 2}, {"侯", "hou", 2}, {"江", "jiang", 2}, {"尹", "yin", 2},
	{"薛", "xue", 2}, {"闫", "yan", 2}, {"段", "duan", 2}, {"雷", "lei", 2}, {"龙", "long", 2},
	{"黎", "li", 2}, {"史", "shi", 2}, {"陶", "tao", 2}, {"贺", "he", 2}, {"毛", "mao", 2},
	{"郝", "hao", 2}, {"顾", "gu", 2}, {"龚", "gong", 2}, {"邵", "shao", 2}, {"万", "wan", 2},
	{"覃", "qin", 1}, {"武", "wu", 2}, {"钱", "qian", 2}, {"戴", "dai", 2}, {"严", "yan", 2},
	{"欧阳", "ouyang", 1}, {"司马", "sima", 1}, {"诸葛", "zhuge", 1}, {"上官", "shangguan", 1},
}

// given-name characters with their usual reading.
var given = []struct{ zh, py string }{
	{"伟", "wei"}, {"芳", "fang"}, {"娜", "na"}, {"敏", "min"}, {"静", "jing"}, {"丽", "li"}, {"强", "qiang"},
	{"磊", "lei"}, {"军", "jun"}, {"洋", "yang"}, {"勇", "yong"}, {"艳", "yan"}, {"杰", "jie"}, {"娟", "juan"},
	{"涛", "tao"}, {"明", "ming"}, {"超", "chao"}, {"秀", "xiu"}, {"霞", "xia"}, {"平", "ping"}, {"刚", "gang"},
	{"桂", "gui"}, {"英", "ying"}, {"华", "hua"}, {"建", "jian"}, {"国", "guo"}, {"文", "wen"}, {"辉", "hui"},
	{"玲", "ling"}, {"红", "hong"}, {"鹏", "peng"}, {"飞", "fei"}, {"鑫", "xin"}, {"波", "bo"}, {"斌", "bin"},
	{"宇", "yu"}, {"浩", "hao"}, {"凯", "kai"}, {"健", "jian"}, {"俊", "jun"}, {"帆", "fan"}, {"帅", "shuai"},
	{"旭", "xu"}, {"宁", "ning"}, {"龙", "long"}, {"林", "lin"}, {"欢", "huan"}, {"阳", "yang"}, {"建", "jian"},
	{"志", "zhi"}, {"海", "hai"}, {"峰", "feng"}, {"亮", "liang"}, {"雪", "xue"}, {"梅", "mei"}, {"琳", "lin"},
	{"婷", "ting"}, {"慧", "hui"}, {"颖", "ying"}, {"倩", "qian"}, {"晨", "chen"}, {"燕", "yan"}, {"佳", "jia"},
	{"欣", "xin"}, {"怡", "yi"}, {"雯", "wen"}, {"萍", "ping"}, {"琴", "qin"}, {"云", "yun"}, {"莉", "li"},
	{"兰", "lan"}, {"晶", "jing"}, {"丹", "dan"}, {"蕾", "lei"}, {"薇", "wei"}, {"岩", "yan"}, {"松", "song"},
	{"森", "sen"}, {"春", "chun"}, {"秋", "qiu"}, {"冬", "dong"}, {"东", "dong"}, {"南", "nan"}, {"北", "bei"},
	{"新", "xin"}, {"成", "cheng"}, {"德", "de"}, {"福", "fu"}, {"荣", "rong"}, {"安", "an"}, {"嘉", "jia"},
	{"子", "zi"}, {"梓", "zi"}, {"轩", "xuan"}, {"涵", "han"}, {"博", "bo"}, {"睿", "rui"}, {"泽", "ze"},
	{"诗", "shi"}, {"雨", "yu"}, {"思", "si"}, {"彤", "tong"}, {"昊", "hao"}, {"天", "tian"}, {"瑞", "rui"},
	{"晓", "xiao"}, {"婉", "wan"}, {"清", "qing"}, {"振", "zhen"}, {"立", "li"}, {"永", "yong"}, {"兵", "bing"},
	{"红", "hong"}, {"光", "guang"}, {"金", "jin"}, {"玉", "yu"}, {"琪", "qi"}, {"楠", "nan"}, {"宏", "hong"},
}

var topDepts = []string{"总经办", "销售部", "市场部", "研发中心", "生产制造部", "财务部", "人力资源部", "供应链管理部", "客户服务部", "信息技术部"}

var level2 = []string{"华北大区", "华东大区", "华南大区", "华中大区", "西南大区", "西北大区", "东北大区", "海外事业部", "战略规划处", "综合管理处", "质量管理处", "运营支持处"}

var level3 = []string{"北京分公司", "天津分公司", "上海分公司", "南京分公司", "杭州分公司", "广州分公司", "深圳分公司", "武汉分公司",
	"成都分公司", "重庆分公司", "西安分公司", "沈阳分公司", "长沙分公司", "郑州分公司", "济南分公司", "青岛分公司"}

var level4 = []string{"第一组", "第二组", "第三组", "第四组", "第五组", "第六组", "第七组", "第八组"}

var level5 = []string{"甲班", "乙班", "丙班", "丁班", "戊班", "己班"}

var titles = []string{"工程师", "高级工程师", "资深工程师", "主管", "经理", "高级经理", "专员", "高级专员", "助理", "销售代表", "客户经理", "会计", "分析师", "架构师", "组长"}

// Generate builds the company for c.
func Generate(c Config) *Company {
	rng := rand.New(rand.NewPCG(c.Seed, c.Seed^0x9e3779b97f4a7c15))
	co := &Company{Config: c}
	co.Depts = deptTree(rng, c.Depts)

	totalW := 0
	for _, s := range surnames {
		totalW += s.w
	}
	taken := map[string]bool{}
	unique := func(base string) string {
		if !taken[base] {
			taken[base] = true
			return base
		}
		for n := 2; ; n++ {
			if s := fmt.Sprint(base, n); !taken[s] {
				taken[s] = true
				return s
			}
		}
	}
	co.Members = make([]Member, 0, c.Members)
	for i := 0; i < c.Members; i++ {
		x := rng.IntN(totalW)
		si := 0
		for x >= surnames[si].w {
			x -= surnames[si].w
			si++
		}
		sur := surnames[si]
		g1 := given[rng.IntN(len(given))]
		name, py, ini := sur.zh+g1.zh, sur.py+g1.py, initials(sur.py)+g1.py[:1]
		givenPy := g1.py
		if rng.IntN(10) < 7 {
			g2 := given[rng.IntN(len(given))]
			name, py, ini = name+g2.zh, py+g2.py, ini+g2.py[:1]
			givenPy += g2.py
		}
		local := unique(py)
		alias := unique(givenPy + "." + sur.py)
		m := Member{
			Address: local + "@" + c.Domain, Name: name, Surname: sur.zh, Pinyin: py, Initials: ini,
			Title:      titles[rng.IntN(len(titles))],
			Position:   "staff",
			EmployeeID: fmt.Sprintf("E%06d", 100000+i),
			Mobile:     fmt.Sprintf("1%d%09d", []int{3, 5, 7, 8, 9}[rng.IntN(5)], rng.IntN(1e9)),
			Gender:     []string{"男", "女"}[rng.IntN(2)],
			Alias:      alias + "@" + c.Domain,
		}
		if rng.IntN(100) < 3 {
			m.Position = "director"
		}
		m.Depts = []string{co.Depts[rng.IntN(len(co.Depts))]}
		if rng.IntN(100) < 5 { // a joint appointment
			if d := co.Depts[rng.IntN(len(co.Depts))]; d != m.Depts[0] {
				m.Depts = append(m.Depts, d)
			}
		}
		co.Members = append(co.Members, m)
	}
	return co
}

// initials of a surname's pinyin: one letter, two for the compound ones.
func initials(py string) string {
	if two, ok := map[string]string{"ouyang": "oy", "sima": "sm", "zhuge": "zg", "shangguan": "sg"}[py]; ok {
		return two
	}
	return py[:1]
}

// deptTree makes n department paths: ten at the top, then each level with a
// random fan-out, down to five levels.
func deptTree(rng *rand.Rand, n int) []string {
	out := make([]string, 0, n)
	add := func(p string) bool {
		if len(out) >= n {
			return false
		}
		out = append(out, p)
		return true
	}
	var l1, l2, l3, l4 []string
	for _, t := range topDepts {
		if add(t) {
			l1 = append(l1, t)
		}
	}
	for _, p := range l1 {
		for i := 0; i < 5+rng.IntN(5); i++ {
			if c := p + "/" + level2[i]; add(c) {
				l2 = append(l2, c)
			}
		}
	}
	for _, p := range l2 {
		for i := 0; i < 3+rng.IntN(5); i++ {
			if c := p + "/" + level3[i]; add(c) {
				l3 = append(l3, c)
			}
		}
	}
	for _, p := range l3 {
		for i := 0; i < 2+rng.IntN(3); i++ {
			if c := p + "/" + level4[i]; add(c) {
				l4 = append(l4, c)
			}
		}
	}
	// the rest at level five, under random groups
	kids := map[string]int{}
	for len(out) < n && len(l4) > 0 {
		p := l4[rng.IntN(len(l4))]
		if kids[p] >= len(level5) {
			continue
		}
		out = append(out, p+"/"+level5[kids[p]])
		kids[p]++
	}
	return out
}

// MembersCSV renders the members as Chinese HR software exports them:
// UTF-8 with BOM, CRLF, Chinese column names.
func (co *Company) MembersCSV() []byte {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	w.Write([]string{"邮箱", "姓名", "部门", "职务", "岗位类别", "工号", "手机", "性别"})
	for _, m := range co.Members {
		w.Write([]string{m.Address, m.Name, strings.Join(m.Depts, ";"), m.Title, m.Position, m.EmployeeID, m.Mobile, m.Gender})
	}
	w.Flush()
	return b.Bytes()
}

// TitlesCSV is a second file that updates every member's title (a yearly
// re-grading): address, name and the new title.
func (co *Company) TitlesCSV() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"address", "name", "title"})
	for i, m := range co.Members {
		w.Write([]string{m.Address, m.Name, titles[(i+7)%len(titles)] + "（新）"})
	}
	w.Flush()
	return b.Bytes()
}
