package model

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestCleanAnnouncement: the limit counts characters (Chinese ones too),
// a line break one; bad input says what to do.
func TestCleanAnnouncement(t *testing.T) {
	zh2000 := strings.Repeat("公", MaxAnnouncementRunes)
	tests := []struct {
		name, title, body string
		wantErr           string // "" for none
		wantBody          string
	}{
		{"plain", "放假通知", "元旦放假三天。\n", "", "元旦放假三天。"},
		{"2000 Chinese characters", "通知", zh2000, "", zh2000},
		{"2001 Chinese characters", "通知", zh2000 + "告", "has 2001 characters; at most 2000", ""},
		{"CRLF counts one", "通知", strings.Repeat("一\r\n", 999) + "末", "", strings.Repeat("一\n", 999) + "末"},
		{"no title", "  ", "正文", "no title", ""},
		{"two-line title", "a\nb", "正文", "one line", ""},
		{"long title", strings.Repeat("标", MaxAnnouncementTitle+1), "正文", "title has 101 characters", ""},
		{"no text", "通知", " \n\n ", "no text", ""},
		{"control characters", "通知", "a\x1b[2Jb", "control characters", ""},
		{"not UTF-8", "通知", "\xff\xfe", "not valid UTF-8", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, body, err := CleanAnnouncement(tt.title, tt.body)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("CleanAnnouncement: %v", err)
				}
				if body != tt.wantBody {
					t.Errorf("body = %q, want %q", body, tt.wantBody)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want ErrInvalid with %q", err, tt.wantErr)
			}
		})
	}
}

// TestAuthorizeAnnounce: admins announce to anyone; a sub-admin with the
// announcements right only within their scope and never to all staff; a
// sub-admin without it, helpdesk, auditor and members never.
func TestAuthorizeAnnounce(t *testing.T) {
	salesNoAnn := who.salesAdmin // members right only
	tests := []struct {
		name  string
		actor Actor
		depts []DeptID
		allow bool
	}{
		{"admin to all staff", who.admin, nil, true},
		{"admin to 技术部", who.admin, []DeptID{deptTech}, true},
		{"sub-admin to 销售部", who.salesGroupsOnly, []DeptID{deptSales}, true},
		{"sub-admin to 华北大区", who.salesGroupsOnly, []DeptID{deptNorth}, true},
		{"sub-admin to both regions", who.salesGroupsOnly, []DeptID{deptNorth, deptSouth}, true},
		{"sub-admin to 技术部", who.salesGroupsOnly, []DeptID{deptTech}, false},
		{"sub-admin to 华北大区 and 技术部", who.salesGroupsOnly, []DeptID{deptNorth, deptTech}, false},
		{"sub-admin to all staff", who.salesGroupsOnly, nil, false},
		{"sub-admin without the right", salesNoAnn, []DeptID{deptNorth}, false},
		{"helpdesk", who.helpdesk, []DeptID{deptNorth}, false},
		{"auditor", who.auditor, nil, false},
		{"hr", who.hr, []DeptID{deptNorth}, false},
		{"head of 销售部", who.salesHead, []DeptID{deptSales}, false},
		{"member", who.plain, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Authorize(tt.actor, RightAnnounce, Scope(tt.depts), orgTree)
			if got := err == nil; got != tt.allow {
				t.Fatalf("allowed = %v, want %v (err: %v)", got, tt.allow, err)
			}
			if err != nil && (!errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "announce")) {
				t.Errorf("refusal %v does not name the right announce", err)
			}
		})
	}
}

// TestAnnouncementTargets: all staff reach everyone; departments reach
// their subtrees.
func TestAnnouncementTargets(t *testing.T) {
	north := &Member{Depts: []DeptID{deptNorth}}
	tech := &Member{Depts: []DeptID{deptTech}}
	both := &Member{Depts: []DeptID{deptTech, deptSouth}}
	tests := []struct {
		name  string
		depts []DeptID
		m     *Member
		want  bool
	}{
		{"all staff", nil, tech, true},
		{"销售部 reaches 华北大区", []DeptID{deptSales}, north, true},
		{"销售部 misses 技术部", []DeptID{deptSales}, tech, false},
		{"华北大区 misses 销售部's other region", []DeptID{deptNorth}, both, false},
		{"any department of the member", []DeptID{deptSouth}, both, true},
	}
	for _, tt := range tests {
		a := &Announcement{Depts: tt.depts}
		if got := a.Targets(tt.m, orgTree); got != tt.want {
			t.Errorf("%s: Targets = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestCheckLetter: a template is tried on a sample member; a bad one is
// refused with the parser's or executor's words.
func TestCheckLetter(t *testing.T) {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name, text, wantErr string
	}{
		{"good", "Subject: 欢迎 {{.Name}}\n\n{{.Name}}，您好：{{.Address}} {{.Department}} {{date .Expires}} {{.DaysLeft}}\n", ""},
		{"unclosed action", "Subject: 欢迎\n\n{{.Name", "cannot be read"},
		{"unknown field", "Subject: 欢迎\n\n{{.Salary}}", "fails on a sample member"},
		{"unknown function", "Subject: x\n\n{{upper .Name}}", "cannot be read"},
		{"no subject line", "欢迎 {{.Name}}", "fails on a sample member"},
		{"empty subject", "Subject:   \n\nx", "fails on a sample member"},
		{"empty", "  \n", "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckLetter(LetterWelcome, tt.text, now)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want ErrInvalid with %q", err, tt.wantErr)
			}
		})
	}
	// The templates in assets pass their own check, in both languages.
	for _, n := range LetterNames {
		for _, l := range LetterLangs {
			text, custom, err := LetterText(nil, n, l)
			if err != nil || custom {
				t.Fatalf("%s.%s: %v (custom %v)", n, l, err, custom)
			}
			if err := CheckLetter(n, text, now); err != nil {
				t.Errorf("assets/mail/%s.%s.tmpl: %v", n, l, err)
			}
		}
	}
}
