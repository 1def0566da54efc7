package model

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// fakeGroups is a View for PlanGroupImport: the org tree of role_test.go,
// a few members, an alias, a shared mailbox and one existing group.
type fakeGroups struct {
	View
	members map[Address]bool
	groups  map[Address]*Group
}

func newFakeGroups() *fakeGroups {
	return &fakeGroups{
		members: map[Address]bool{"zhangsan@example.com": true, "lisi@example.com": true, "wangwu@example.com": true},
		groups: map[Address]*Group{"sales@example.com": {Address: "sales@example.com", Name: "销售", Post: PostMembers,
			Members: []Address{"zhangsan@example.com"}, Depts: []DeptID{deptNorth}}},
	}
}

func (f *fakeGroups) DeptPath(id DeptID) string     { return orgTree.DeptPath(id) }
func (f *fakeGroups) Within(dept, root DeptID) bool { return orgTree.Within(dept, root) }
func (f *fakeGroups) IsLocal(d string) bool         { return d == "example.com" }
func (f *fakeGroups) DeptByPath(p string) (*Department, error) {
	for id := range orgTree.name {
		if orgTree.DeptPath(id) == strings.Trim(p, "/") || (strings.Trim(p, "/ ") == "" && id == RootDept) {
			return &Department{ID: id, Name: orgTree.name[id]}, nil
		}
	}
	return nil, NotFoundf("no department %s", p)
}
func (f *fakeGroups) Group(a Address) (*Group, error) {
	if g, ok := f.groups[a]; ok {
		return g, nil
	}
	return nil, NotFoundf("no group %s", a)
}
func (f *fakeGroups) Owner(a Address) (Owner, bool, error) {
	switch {
	case f.members[a]:
		return Owner{Kind: OwnerMember, Member: a}, true, nil
	case f.groups[a] != nil:
		return Owner{Kind: OwnerGroup}, true, nil
	case a == "zs@example.com":
		return Owner{Kind: OwnerAlias, Member: "zhangsan@example.com"}, true, nil
	case a == "hr@example.com":
		return Owner{Kind: OwnerShared}, true, nil
	}
	return Owner{}, false, nil
}

func readGroups(t *testing.T, text string) *GroupsCSV {
	t.Helper()
	f, err := ReadGroupsCSV(strings.NewReader(text), 1<<20)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return f
}

func TestReadGroupsCSVEncodingsAndHeaders(t *testing.T) {
	zh := "群组地址,群组名称,成员,发信权限\r\nnorth@example.com,华北全体,销售部/华北大区,组内成员\r\nnorth@example.com,,lisi@example.com,\r\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(zh)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, text, enc string
	}{
		{"Chinese UTF-8", zh, EncodingUTF8},
		{"Chinese UTF-8 with BOM", "\ufeff" + zh, EncodingUTF8BOM},
		{"Chinese GB18030", gb, EncodingGB18030},
		{"English", "group,name,member,post\nnorth@example.com,华北全体,销售部/华北大区,members\nnorth@example.com,,lisi@example.com,\n", EncodingUTF8},
		{"English, other order and spelling", "Member, Group Address ,Post Permission,Group Name\n销售部/华北大区,north@example.com,MEMBERS,华北全体\nlisi@example.com,north@example.com,,\n", EncodingUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := readGroups(t, tt.text)
			if f.Encoding != tt.enc || len(f.Errors) != 0 || len(f.Rows) != 2 {
				t.Fatalf("%s %+v %+v", f.Encoding, f.Errors, f.Rows)
			}
			r0, r1 := f.Rows[0], f.Rows[1]
			if r0.Group != "north@example.com" || r0.Name != "华北全体" || r0.Dept != "销售部/华北大区" || r0.Post != PostMembers || r0.Line != 2 {
				t.Errorf("row 2: %+v", r0)
			}
			if r1.Member != "lisi@example.com" || r1.Dept != "" || r1.Name != "" || r1.Line != 3 {
				t.Errorf("row 3: %+v", r1)
			}
		})
	}
}

func TestReadGroupsCSVRefusesTheFile(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"empty", "", "empty"},
		{"no member column", "group,name\nx@example.com,X\n", "member (成员)"},
		{"unknown column", "group,member,colour\n", `"colour"`},
		{"no header", "x@example.com,a@example.com\n", "header row"},
		{"column twice", "group,member,成员\n", "twice"},
		{"UTF-16", "\xff\xfeg\x00", "UTF-16"},
	}
	for _, tt := range tests {
		_, err := ReadGroupsCSV(strings.NewReader(tt.text), 1<<20)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an error about %q", tt.name, err, tt.want)
		}
	}
	if _, err := ReadGroupsCSV(strings.NewReader("group,member\n"+strings.Repeat("x", 100)), 50); !errors.Is(err, ErrInvalid) {
		t.Errorf("over the limit: %v", err)
	}
}

func TestReadGroupsCSVRowProblems(t *testing.T) {
	text := "group,name,member,post,sender\n" +
		"bad address,X,lisi@example.com,,\n" + // 2
		"g@example.com,X,,,\n" + // 3
		"g@example.com,X,a//b,,\n" + // 4
		"g@example.com,X,lisi@example.com,sometimes,\n" + // 5
		"g@example.com,X,lisi@example.com,listed,not-an-address\n" + // 6
		",,,,\n" + // blank: skipped
		"g@example.com,X,lisi@example.com,指定发信人,wangwu@example.com；zhangsan@example.com\n" // 8
	f := readGroups(t, text)
	want := map[int]string{2: "group", 3: "member", 4: "member", 5: "post", 6: "sender"}
	got := map[int]string{}
	for _, e := range f.Errors {
		got[e.Line] = e.Column
		if e.Reason == "" {
			t.Errorf("line %d: no reason", e.Line)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("problems %v, want %v", got, want)
	}
	if len(f.Rows) != 1 || f.Rows[0].Line != 8 || f.Rows[0].Post != PostListed || len(f.Rows[0].Senders) != 2 {
		t.Errorf("rows %+v", f.Rows)
	}
}

func TestPlanGroupImport(t *testing.T) {
	tests := []struct {
		name     string
		rows     string
		errLines map[int]string // line → a word of the reason
		ops      []string
		created  int
		updated  int
		added    int
		same     int
	}{
		{"new group with a department, a member and a nested group",
			"new@example.com,新组,销售部,anyone\nnew@example.com,,lisi@example.com,\nnew@example.com,,sales@example.com,\n",
			nil, []string{"group.add", "group.member.add", "group.member.add", "group.member.add"}, 1, 0, 3, 0},
		{"existing group: only what is new, name and rule changed",
			"sales@example.com,销售全体,zhangsan@example.com,permitted\nsales@example.com,,销售部/华北大区,\nsales@example.com,,wangwu@example.com,\n",
			nil, []string{"group.set", "group.member.add"}, 0, 1, 1, 2},
		{"existing group unchanged", "sales@example.com,销售,zhangsan@example.com,members\n", nil, nil, 0, 0, 0, 1},
		{"a new group without a name", "nameless@example.com,,lisi@example.com,\n", map[int]string{2: "its name"}, nil, 0, 0, 1, 0},
		{"two names", "new@example.com,A,lisi@example.com,\nnew@example.com,B,wangwu@example.com,\n", map[int]string{3: "one name"}, nil, 1, 0, 2, 0},
		{"two rules", "new@example.com,A,lisi@example.com,anyone\nnew@example.com,,wangwu@example.com,members\n", map[int]string{3: "one rule"}, nil, 1, 0, 2, 0},
		{"unknown member, alias, shared mailbox, itself",
			"new@example.com,A,nobody@example.com,\nnew@example.com,,zs@example.com,\nnew@example.com,,hr@example.com,\nnew@example.com,,new@example.com,\n",
			map[int]string{2: "not a member", 3: "alias", 4: "shared mailbox", 5: "itself"}, nil, 1, 0, 0, 0},
		{"unknown department, twice the same",
			"new@example.com,A,销售部/西北大区,\nnew@example.com,,lisi@example.com,\nnew@example.com,,lisi@example.com,\nnew@example.com,,技术部,\nnew@example.com,,技术部,\n",
			map[int]string{2: "no department", 4: "already adds", 6: "already adds"}, nil, 1, 0, 2, 0},
		{"the address is a member's", "lisi@example.com,A,wangwu@example.com,\n", map[int]string{2: "not a group"}, nil, 0, 0, 0, 0},
		{"another domain", "g@other.org,A,wangwu@example.com,\n", map[int]string{2: "domains"}, nil, 0, 0, 0, 0},
		{"a group of the file inside another", "a@example.com,A,b@example.com,\nb@example.com,B,lisi@example.com,\n",
			nil, []string{"group.add", "group.member.add", "group.add", "group.member.add"}, 2, 0, 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := readGroups(t, "group,name,member,post\n"+tt.rows)
			if len(f.Errors) > 0 {
				t.Fatalf("read: %+v", f.Errors)
			}
			p := PlanGroupImport(newFakeGroups(), f)
			got := map[int]string{}
			for _, e := range p.Errors {
				got[e.Line] = e.Reason
			}
			for line, word := range tt.errLines {
				if !strings.Contains(got[line], word) {
					t.Errorf("line %d: %q, want a reason with %q (all: %v)", line, got[line], word, got)
				}
			}
			if len(got) != len(tt.errLines) {
				t.Errorf("problems %v, want lines %v", got, tt.errLines)
			}
			if tt.errLines != nil {
				return
			}
			var ops []string
			for _, c := range p.Changes {
				ops = append(ops, c.Op())
			}
			if fmt.Sprint(ops) != fmt.Sprint(tt.ops) || len(p.Lines) != len(p.Changes) {
				t.Errorf("changes %v, want %v", ops, tt.ops)
			}
			if p.Created != tt.created || p.Updated != tt.updated || p.MembersAdded != tt.added || p.Unchanged != tt.same {
				t.Errorf("counts %d %d %d %d, want %d %d %d %d", p.Created, p.Updated, p.MembersAdded, p.Unchanged, tt.created, tt.updated, tt.added, tt.same)
			}
		})
	}
}

func FuzzReadGroupsCSV(f *testing.F) {
	for _, s := range []string{
		"group,name,member,post\nsales@example.com,销售,销售部/华北大区,members\n",
		"\ufeff群组地址,群组名称,成员,发信权限,指定发信人\r\nall@example.com,全体,/,指定发信人,a@example.com;b@example.com\r\n",
		"group,member\nA@x.com,\"a\"\"b\"\nA@x.com,a//b\n",
		"group,member\n\xd5\xc5@x.com,\xd5\xc5\n",
		"group,member\nx@example.com,\"unterminated\n",
		"group;member\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := ReadGroupsCSV(bytes.NewReader(data), 1<<16)
		if err != nil {
			if !IsUserError(err) {
				t.Fatalf("error %v is not a user error", err)
			}
			return
		}
		for _, r := range g.Rows {
			if a, err := ParseAddress(string(r.Group)); err != nil || a != r.Group || r.Line < 2 {
				t.Fatalf("accepted row %+v", r)
			}
			if (r.Member == "") == (r.Dept == "") {
				t.Fatalf("row %d: member %q and department %q", r.Line, r.Member, r.Dept)
			}
			if r.Member != "" {
				if a, err := ParseAddress(string(r.Member)); err != nil || a != r.Member {
					t.Fatalf("row %d: member %q", r.Line, r.Member)
				}
			}
		}
		for _, e := range g.Errors {
			if e.Reason == "" || e.Line < 1 {
				t.Fatalf("problem %+v", e)
			}
		}
		PlanGroupImport(newFakeGroups(), g) // must not panic
	})
}
