package model

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestReadNotifyCSV(t *testing.T) {
	gb, _ := simplifiedchinese.GB18030.NewEncoder().String("邮箱,姓名\r\nzhang@ext.example,张三\r\n")
	tests := []struct {
		name    string
		csv     string
		rows    int
		cols    []string
		enc     string
		problem map[int]string // row index → part of its problem
		errLike string
	}{
		{"plain", "address,name,amount\nli@ext.example,李雷,3\n", 1, []string{"name", "amount"}, EncodingUTF8, nil, ""},
		{"BOM, Chinese header, CRLF", "\ufeff邮箱,姓名\r\nli@ext.example,李雷\r\n", 1, []string{"姓名"}, EncodingUTF8BOM, nil, ""},
		{"GB18030", gb, 1, []string{"姓名"}, EncodingGB18030, nil, ""},
		{"address not first", "name,Email\n李雷,LI@EXT.EXAMPLE\n", 1, []string{"name"}, EncodingUTF8, nil, ""},
		{"blank rows left out", "address\nli@ext.example\n,\n\nwang@ext.example\n", 2, nil, EncodingUTF8, nil, ""},
		{"bad and repeated", "address,n\nnope,1\n,2\nli@ext.example,3\nLi@Ext.Example,4\n", 4, []string{"n"}, EncodingUTF8,
			map[int]string{0: "is not an address", 1: "no address", 3: "repeats line 4"}, ""},
		{"short row", "address,a,b\nli@ext.example,1\n", 1, []string{"a", "b"}, EncodingUTF8, nil, ""},
		{"no address column", "name\n李雷\n", 0, nil, "", nil, "no address column"},
		{"column twice", "address,x,x\n", 0, nil, "", nil, "twice"},
		{"reserved column", "address,Member\n", 0, nil, "", nil, "keeps for itself"},
		{"empty", "  \n", 0, nil, "", nil, "empty"},
		{"header only", "address,name\n", 0, nil, "", nil, "no recipients"},
		{"broken quote", "address,name\nli@ext.example,\"x\n", 0, nil, "", nil, "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := ReadNotifyCSV([]byte(tt.csv))
			if tt.errLike != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errLike) {
					t.Fatalf("err = %v, want %q", err, tt.errLike)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Rows) != tt.rows || strings.Join(l.Columns, ",") != strings.Join(tt.cols, ",") || l.Encoding != tt.enc {
				t.Fatalf("got %d rows, columns %q, %s: %+v", len(l.Rows), l.Columns, l.Encoding, l.Rows)
			}
			for i, r := range l.Rows {
				want := tt.problem[i]
				if (want == "") != (r.Problem == "") || !strings.Contains(r.Problem, want) {
					t.Errorf("row %d problem %q, want %q", i, r.Problem, want)
				}
				if r.Problem == "" && (r.Address == "" || len(r.Vars) != len(tt.cols)) {
					t.Errorf("row %d: %+v", i, r)
				}
			}
		})
	}
}

func TestNotifyTemplate(t *testing.T) {
	tmpl, err := ParseNotifyTemplateFile("\ufeff主题：{{.姓名}}的通知\r\n\r\n{{with .Member}}{{.Name}}（{{.Department}}）{{else}}{{.姓名}}{{end}}您好：\r\n金额 {{index . \"amount (元)\"}}\r\n")
	if err != nil {
		t.Fatal(err)
	}
	p, err := tmpl.Parse()
	if err != nil {
		t.Fatal(err)
	}
	row := NotifyRow{Address: "li@ext.example", Vars: map[string]string{"姓名": "李雷", "amount (元)": "3"}}
	s, b, err := p.Render(row, nil)
	if err != nil || s != "李雷的通知" || b != "李雷您好：\n金额 3\n" {
		t.Fatalf("%q %q %v", s, b, err)
	}
	f := SampleSignatureFields
	if _, b, _ = p.Render(row, &f); !strings.HasPrefix(b, "张三（销售部/华北大区）您好") {
		t.Errorf("member body %q", b)
	}
	if _, _, err := p.Render(NotifyRow{Address: "x@ext.example", Vars: map[string]string{}}, nil); err == nil || !strings.Contains(err.Error(), "does not fill in for x@ext.example") {
		t.Errorf("a missing column: %v", err)
	}
	for _, bad := range []string{"no subject line\n\nbody", "Subject: \n\nbody", "Subject: x\n\n", "Subject: {{.a\n\nb"} {
		tm, err := ParseNotifyTemplateFile(bad)
		if err == nil {
			_, err = tm.Parse()
		}
		if err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
}

func TestNotifyDay(t *testing.T) {
	sh := time.FixedZone("CST", 8*3600)
	at := time.Date(2026, 12, 2, 15, 59, 0, 0, time.UTC) // 23:59 in Shanghai
	if d := NotifyDay(at, sh); d != "2026-12-02" {
		t.Errorf("day %s", d)
	}
	if d := NotifyDay(at.Add(2*time.Minute), sh); d != "2026-12-03" {
		t.Errorf("day after midnight %s", d)
	}
	if n := NextNotifyDay(at, sh); !n.Equal(time.Date(2026, 12, 3, 0, 0, 0, 0, sh)) {
		t.Errorf("next %v", n)
	}
	if (Enterprise{}).NotifyLimit() != DefaultNotifyQuota || (Enterprise{NotifyQuota: 5}).NotifyLimit() != 5 {
		t.Error("NotifyLimit")
	}
}

func TestMayNotify(t *testing.T) {
	v := newMemView("example.com")
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	admin := v.member("it@example.com", "staff")
	admin.Roles = []RoleGrant{{Role: RoleAdmin}}
	plain := v.member("wang@example.com", "staff")
	granted := v.member("li@example.com", "staff")
	granted.Grants = []Grant{{Perm: PermNotify, Until: now.Add(time.Hour)}}
	helpdesk := v.member("hd@example.com", "staff")
	helpdesk.Roles = []RoleGrant{{Role: RoleHelpdesk}}
	tests := []struct {
		who Address
		at  time.Time
		ok  bool
	}{
		{admin.Address, now, true},
		{plain.Address, now, false},
		{granted.Address, now, true},
		{granted.Address, now.Add(2 * time.Hour), false}, // the grant ended
		{helpdesk.Address, now, false},
		{"nobody@example.com", now, false},
	}
	for _, tt := range tests {
		m := v.members[tt.who]
		a := Actor{Address: tt.who}
		if m != nil {
			a.Roles = m.Roles
		}
		err := MayNotify(v, a, tt.at)
		if (err == nil) != tt.ok {
			t.Errorf("%s at %v: %v", tt.who, tt.at, err)
		}
		if err != nil && tt.who != "nobody@example.com" && !strings.Contains(err.Error(), "permission notify") {
			t.Errorf("%s: the refusal does not name the permission: %v", tt.who, err)
		}
	}
}

func FuzzReadNotifyCSV(f *testing.F) {
	f.Add([]byte("address,name\nli@ext.example,李雷\n"))
	f.Add([]byte("\ufeff邮箱,姓名\r\n\"a\"\"b\",x\r\n"))
	f.Add([]byte("name,email\n,\n\"unterminated"))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := ReadNotifyCSV(b)
		if err != nil {
			return
		}
		for _, r := range l.Rows {
			if r.Problem == "" && r.Address == "" {
				t.Fatalf("a row without address or problem: %+v", r)
			}
		}
	})
}
