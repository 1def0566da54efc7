package model

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// fakeBook is a BookTx over orgTree for the address book's rules: members,
// contacts and the sharing in maps. Other methods of Tx are not used (the
// nil Tx panics if one is).
type fakeBook struct {
	Tx
	members  map[Address]*Member
	contacts map[ContactID]*Contact
	emails   map[string]ContactID
	sharing  BookSharing
	seq      ContactID
	shared   bool // the enterprise address book
	notes    []string
}

func newFakeBook() *fakeBook {
	b := &fakeBook{members: map[Address]*Member{}, contacts: map[ContactID]*Contact{}, emails: map[string]ContactID{}}
	for a, d := range map[Address]DeptID{
		"admin@example.com": RootDept, "pm@example.com": deptTech, "north@example.com": deptNorth,
		"south@example.com": deptSouth, "hd@example.com": RootDept, "gone@example.com": deptNorth,
	} {
		b.members[a] = &Member{Address: a, Name: string(a), Depts: []DeptID{d}, Status: StatusActive}
	}
	b.members["gone@example.com"].Status = StatusDisabled
	return b
}

func (b *fakeBook) DeptPath(id DeptID) string     { return orgTree.DeptPath(id) }
func (b *fakeBook) Within(dept, root DeptID) bool { return orgTree.Within(dept, root) }
func (b *fakeBook) Enterprise() (Enterprise, error) {
	return Enterprise{Name: "示例科技有限公司", AddressBookShared: b.shared}, nil
}
func (b *fakeBook) Member(a Address) (*Member, error) {
	if m, ok := b.members[a]; ok {
		return m, nil
	}
	return nil, NotFoundf("no member %s", a)
}
func (b *fakeBook) DeptByPath(p string) (*Department, error) {
	for id := range orgTree.name {
		if orgTree.DeptPath(id) == strings.Trim(p, "/") || (p == "/" && id == RootDept) {
			return &Department{ID: id, Name: orgTree.name[id]}, nil
		}
	}
	return nil, NotFoundf("no department %s", p)
}
func (b *fakeBook) Note(k, v string) { b.notes = append(b.notes, k+"="+v) }
func (b *fakeBook) Contacts() ([]*Contact, error) {
	var out []*Contact
	for _, c := range b.contacts {
		out = append(out, c)
	}
	return out, nil
}
func (b *fakeBook) Contact(id ContactID) (*Contact, error) {
	if c, ok := b.contacts[id]; ok {
		return c, nil
	}
	return nil, NotFoundf("there is no contact %d in the customer address book; book list shows the ids", int(id))
}
func (b *fakeBook) ContactByEmail(e string) (ContactID, bool, error) {
	id, ok := b.emails[e]
	return id, ok, nil
}
func (b *fakeBook) BookSharing() (BookSharing, error) { return b.sharing, nil }
func (b *fakeBook) NewContactID() (ContactID, error) {
	b.seq++
	return b.seq, nil
}
func (b *fakeBook) PutContact(c *Contact) error {
	if old, ok := b.contacts[c.ID]; ok {
		for _, e := range old.Emails {
			delete(b.emails, e)
		}
	}
	for _, e := range c.Emails {
		b.emails[e] = c.ID
	}
	b.contacts[c.ID] = c.Clone()
	return nil
}
func (b *fakeBook) DeleteContact(id ContactID) error {
	for _, e := range b.contacts[id].Emails {
		delete(b.emails, e)
	}
	delete(b.contacts, id)
	return nil
}
func (b *fakeBook) PutBookSharing(s BookSharing) error { b.sharing = s; return nil }

// add adds a contact as the admin.
func (b *fakeBook) add(t *testing.T, name string, emails ...string) ContactID {
	t.Helper()
	ch := &AddContact{Fields: ContactFields{Name: name, Emails: emails}}
	if err := ch.Apply(b, Env{Actor: who.admin, Now: time.Unix(1e9, 0)}); err != nil {
		t.Fatalf("add %s: %v", name, err)
	}
	return ch.ID
}

var (
	bookNorth = Actor{Address: "north@example.com"}
	bookSouth = Actor{Address: "south@example.com"}
	bookGone  = Actor{Address: "gone@example.com"}
	bookTech  = Actor{Address: "pm@example.com"}
	bookHD    = Actor{Address: "hd@example.com", Roles: []RoleGrant{{Role: RoleHelpdesk}}}
)

// TestCustomerBookAccess is the table of BOOK-1's sharing: who sees and who
// edits the customer address book.
func TestCustomerBookAccess(t *testing.T) {
	sharing := BookSharing{ViewDepts: []DeptID{deptSales}, EditMembers: []Address{"north@example.com", "gone@example.com"}, ViewMembers: []Address{"pm@example.com"}}
	tests := []struct {
		name    string
		actor   Actor
		sharing BookSharing
		want    BookAccess
	}{
		{"admin, shared with nobody", who.admin, BookSharing{}, BookManage},
		{"postroom itself", System(DoorSystem), BookSharing{}, BookManage},
		{"member, shared with nobody", bookNorth, BookSharing{}, BookNone},
		{"helpdesk, shared with nobody", bookHD, BookSharing{}, BookNone},
		{"member below a viewer department", bookSouth, sharing, BookRead},
		{"member named as editor, also below a viewer department", bookNorth, sharing, BookEdit},
		{"member named as viewer", bookTech, sharing, BookRead},
		{"disabled member named as editor", bookGone, sharing, BookNone},
		{"member outside every choice", bookHD, sharing, BookNone},
		{"department of editors", bookSouth, BookSharing{EditDepts: []DeptID{deptSales}}, BookEdit},
		{"root department of viewers", bookHD, BookSharing{ViewDepts: []DeptID{RootDept}}, BookRead},
		{"not a member", Actor{Address: "nobody@example.com"}, BookSharing{ViewDepts: []DeptID{RootDept}}, BookNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newFakeBook()
			if got := CustomerBookAccess(b, tt.actor, tt.sharing); got != tt.want {
				t.Errorf("CustomerBookAccess = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestBookChangesPerRole runs every change of the customer address book as
// each kind of actor: allowed or refused with the missing right named.
func TestBookChangesPerRole(t *testing.T) {
	sharing := BookSharing{ViewDepts: []DeptID{deptSales}, EditMembers: []Address{"north@example.com"}}
	changes := map[string]func() Change{
		"add": func() Change {
			return &AddContact{Fields: ContactFields{Name: "客户", Emails: []string{"c@customer.cn"}}}
		},
		"set":    func() Change { n := "新名"; return &SetContact{ID: 1, Name: &n} },
		"rm":     func() Change { return &DeleteContact{ID: 1} },
		"import": func() Change { return &ImportContacts{File: "f.csv", Contacts: &ContactsFile{Unit: "row"}} },
		"share":  func() Change { return &ShareBook{ViewDepts: []string{"技术部"}} },
	}
	tests := []struct {
		who     string
		actor   Actor
		allowed []string
		right   Right // named in every refusal
	}{
		{"admin", who.admin, []string{"add", "set", "rm", "import", "share"}, ""},
		{"editor", bookNorth, []string{"add", "set", "rm", "import"}, RightBookManage},
		{"viewer", bookSouth, nil, ""},
		{"helpdesk", bookHD, nil, ""},
		{"sub-admin", who.salesAdmin, nil, ""},
		{"plain member", bookTech, nil, ""},
	}
	for _, tt := range tests {
		for _, name := range []string{"add", "set", "rm", "import", "share"} {
			t.Run(tt.who+"/"+name, func(t *testing.T) {
				b := newFakeBook()
				b.sharing = sharing
				b.members["sa@example.com"] = &Member{Address: "sa@example.com", Depts: []DeptID{deptSales}, Status: StatusActive}
				b.add(t, "已有", "old@customer.cn")
				ch := changes[name]()
				err := ch.Authorize(b, tt.actor)
				if slices.Contains(tt.allowed, name) {
					if err != nil {
						t.Fatalf("refused: %v", err)
					}
					if err := ch.Apply(b, Env{Actor: tt.actor, Now: time.Unix(2e9, 0)}); err != nil {
						t.Fatalf("apply: %v", err)
					}
					return
				}
				if !errors.Is(err, ErrForbidden) {
					t.Fatalf("err = %v, want a refusal", err)
				}
				want := RightBookEdit
				if name == "share" {
					want = RightBookManage
				}
				if !strings.Contains(err.Error(), string(want)) {
					t.Errorf("the refusal %q does not name %s", err, want)
				}
			})
		}
	}
}

func row(n int, name string, emails ...string) ContactRow {
	c, probs := CleanContact(ContactFields{Name: name, Emails: emails})
	if len(probs) > 0 {
		panic(probs)
	}
	return ContactRow{Number: n, Contact: c}
}

// TestImportDuplicates pins down skip and overwrite, duplicates within the
// file, unchanged contacts and rows that stop the whole import.
func TestImportDuplicates(t *testing.T) {
	type want struct {
		action string
		reason string // a part of the reason
	}
	tests := []struct {
		name    string
		dup     OnDuplicate
		rows    []ContactRow
		errs    []RowError
		want    []want
		failed  bool
		book    map[string]string // email → name afterwards
		counted [5]int            // added, overwritten, unchanged, skipped, errors
	}{
		{
			name: "skip keeps the book's contact",
			dup:  DupSkip,
			rows: []ContactRow{row(2, "新张三", "zhang@customer.cn"), row(3, "王五", "wang@customer.cn")},
			want: []want{{ImportSkipped, "contact 1"}, {ImportAdded, ""}},
			book: map[string]string{"zhang@customer.cn": "张三", "wang@customer.cn": "王五"}, counted: [5]int{1, 0, 0, 1, 0},
		},
		{
			name: "overwrite replaces it",
			dup:  DupOverwrite,
			rows: []ContactRow{row(2, "新张三", "ZHANG@customer.cn")},
			want: []want{{ImportOverwritten, "张三, contact 1"}},
			book: map[string]string{"zhang@customer.cn": "新张三"}, counted: [5]int{0, 1, 0, 0, 0},
		},
		{
			name: "overwrite with the same data changes nothing",
			dup:  DupOverwrite,
			rows: []ContactRow{row(2, "张三", "zhang@customer.cn")},
			want: []want{{ImportUnchanged, "contact 1"}},
			book: map[string]string{"zhang@customer.cn": "张三"}, counted: [5]int{0, 0, 1, 0, 0},
		},
		{
			name: "a second row with an email of the file is skipped",
			dup:  DupSkip,
			rows: []ContactRow{row(2, "赵六", "zhao@customer.cn"), row(3, "赵六二", "zhao@customer.cn")},
			want: []want{{ImportAdded, ""}, {ImportSkipped, "row 2 of this file"}},
			book: map[string]string{"zhao@customer.cn": "赵六"}, counted: [5]int{1, 0, 0, 1, 0},
		},
		{
			name: "or overwrites the first",
			dup:  DupOverwrite,
			rows: []ContactRow{row(2, "赵六", "zhao@customer.cn"), row(3, "赵六二", "zhao@customer.cn")},
			want: []want{{ImportAdded, ""}, {ImportOverwritten, "row 2 of this file"}},
			book: map[string]string{"zhao@customer.cn": "赵六二"}, counted: [5]int{1, 1, 0, 0, 0},
		},
		{
			name:   "emails of two contacts stop the import",
			dup:    DupOverwrite,
			rows:   []ContactRow{row(2, "合并", "zhang@customer.cn", "li@customer.cn"), row(3, "王五", "wang@customer.cn")},
			want:   []want{{ImportError, "different contacts"}, {ImportAdded, ""}},
			failed: true, counted: [5]int{1, 0, 0, 0, 1},
		},
		{
			name:   "a bad row stops the import, the others are reported",
			dup:    DupSkip,
			rows:   []ContactRow{row(2, "王五", "wang@customer.cn"), row(4, "孙七", "sun@customer.cn")},
			errs:   []RowError{{Line: 3, Column: "email", Value: "x", Reason: "bad"}, {Line: 3, Column: "phone", Value: "y", Reason: "worse"}},
			want:   []want{{ImportAdded, ""}, {ImportError, `email "x": bad; phone "y": worse`}, {ImportAdded, ""}},
			failed: true, counted: [5]int{2, 0, 0, 0, 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newFakeBook()
			b.add(t, "张三", "zhang@customer.cn")
			b.add(t, "李四", "li@customer.cn")
			ch := &ImportContacts{File: "f.csv", Contacts: &ContactsFile{Unit: "row", Rows: tt.rows, Errors: tt.errs}, OnDuplicate: tt.dup}
			err := ch.Apply(b, Env{Actor: who.admin, Now: time.Unix(2e9, 0)})
			if (err != nil) != tt.failed {
				t.Fatalf("Apply: %v, want failed %v", err, tt.failed)
			}
			if err != nil && !IsUserError(err) {
				t.Errorf("the failure %v is not a user error", err)
			}
			if len(ch.Outcomes) != len(tt.want) {
				t.Fatalf("outcomes %+v, want %d", ch.Outcomes, len(tt.want))
			}
			for i, w := range tt.want {
				o := ch.Outcomes[i]
				if o.Action != w.action || !strings.Contains(o.Reason, w.reason) {
					t.Errorf("outcome %d = %s, want %s with %q", i, o, w.action, w.reason)
				}
			}
			if got := [5]int{ch.Added, ch.Overwritten, ch.Unchanged, ch.Skipped, ch.Errors}; got != tt.counted {
				t.Errorf("counts %v, want %v", got, tt.counted)
			}
			for e, name := range tt.book {
				id, ok, _ := b.ContactByEmail(e)
				if !ok || b.contacts[id].Name != name {
					t.Errorf("%s is %v in the book, want %s", e, b.contacts[id], name)
				}
			}
		})
	}
}

func TestParseOnDuplicate(t *testing.T) {
	for in, want := range map[string]OnDuplicate{"": DupSkip, "skip": DupSkip, "overwrite": DupOverwrite} {
		if got, err := ParseOnDuplicate(in); err != nil || got != want {
			t.Errorf("ParseOnDuplicate(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseOnDuplicate("merge"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseOnDuplicate(merge) = %v", err)
	}
}

// TestContactRules checks the fields of one contact.
func TestContactRules(t *testing.T) {
	tests := []struct {
		name   string
		f      ContactFields
		column string // of the problem; "" for none
		check  func(*Contact) bool
	}{
		{"a name alone", ContactFields{Name: " 张  三 "}, "", func(c *Contact) bool { return c.Name == "张 三" }},
		{"an email alone names the contact", ContactFields{Emails: []string{"Li.Si+crm@Partner.COM"}}, "", func(c *Contact) bool {
			return c.Name == "li.si+crm@partner.com" && c.Emails[0] == "li.si+crm@partner.com"
		}},
		{"full-width email", ContactFields{Name: "x", Emails: []string{"ａｂ＠ｃｄ．ｃｏｍ"}}, "", func(c *Contact) bool { return c.Emails[0] == "ab@cd.com" }},
		{"same email twice", ContactFields{Name: "x", Emails: []string{"a@b.cn", "A@B.cn"}}, "", func(c *Contact) bool { return len(c.Emails) == 1 }},
		{"nothing", ContactFields{}, "name", nil},
		{"bad email", ContactFields{Name: "x", Emails: []string{"x@"}}, "email", nil},
		{"email with a space", ContactFields{Name: "x", Emails: []string{"a b@c.cn"}}, "email", nil},
		{"Chinese domain", ContactFields{Name: "x", Emails: []string{"a@例子.中国"}}, "email", nil},
		{"phone without digits", ContactFields{Name: "x", Phones: []string{"call me"}}, "phone", nil},
		{"phone kept as typed", ContactFields{Name: "x", Phones: []string{"+86 (10) 6552-0001 转 8"}}, "", func(c *Contact) bool { return c.Phones[0] == "+86 (10) 6552-0001 转 8" }},
		{"too long a name", ContactFields{Name: strings.Repeat("名", 129)}, "name", nil},
		{"too many emails", ContactFields{Name: "x", Emails: strings.Split("a@x.cn b@x.cn c@x.cn d@x.cn e@x.cn f@x.cn g@x.cn h@x.cn i@x.cn j@x.cn k@x.cn", " ")}, "email", nil},
		{"notes keep lines, lose control bytes", ContactFields{Name: "x", Notes: "一\r\n二\x00"}, "", func(c *Contact) bool { return c.Notes == "一\n二" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, probs := CleanContact(tt.f)
			if tt.column == "" {
				if len(probs) > 0 || !tt.check(c) {
					t.Fatalf("CleanContact = %+v, %v", c, probs)
				}
				return
			}
			if len(probs) == 0 || probs[0].Column != tt.column {
				t.Fatalf("problems %v, want one in %s", probs, tt.column)
			}
		})
	}
}

// TestSetAndDeleteContact edits a contact and refuses an email another
// contact holds.
func TestSetAndDeleteContact(t *testing.T) {
	b := newFakeBook()
	env := Env{Actor: who.admin, Now: time.Unix(2e9, 0)}
	id := b.add(t, "张三", "zhang@customer.cn")
	b.add(t, "李四", "li@customer.cn")
	emails := []string{"zhang@customer.cn", "zhang2@customer.cn"}
	title := "采购经理"
	if err := (&SetContact{ID: id, Emails: &emails, Title: &title}).Apply(b, env); err != nil {
		t.Fatal(err)
	}
	if c := b.contacts[id]; c.Title != title || len(c.Emails) != 2 || b.emails["zhang2@customer.cn"] != id {
		t.Fatalf("after set: %+v", c)
	}
	taken := []string{"li@customer.cn"}
	if err := (&SetContact{ID: id, Emails: &taken}).Apply(b, env); !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), "李四") {
		t.Errorf("set to another contact's email: %v", err)
	}
	if err := (&AddContact{Fields: ContactFields{Name: "x", Emails: []string{"LI@customer.cn"}}}).Apply(b, env); !errors.Is(err, ErrExists) {
		t.Errorf("add with another contact's email: %v", err)
	}
	empty := " "
	if err := (&SetContact{ID: id, Name: &empty}).Apply(b, env); !errors.Is(err, ErrInvalid) {
		t.Errorf("set an empty name: %v", err)
	}
	if err := (&DeleteContact{ID: id}).Apply(b, env); err != nil {
		t.Fatal(err)
	}
	if _, ok := b.emails["zhang@customer.cn"]; ok {
		t.Error("the deleted contact's email is still indexed")
	}
	if err := (&DeleteContact{ID: id}).Apply(b, env); !errors.Is(err, ErrNotFound) {
		t.Errorf("delete twice: %v", err)
	}
}

func TestShareBook(t *testing.T) {
	b := newFakeBook()
	env := Env{Actor: who.admin}
	if err := (&ShareBook{ViewDepts: []string{"销售部", "销售部"}, EditMembers: []Address{"pm@example.com"}}).Apply(b, env); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(b.sharing.ViewDepts, []DeptID{deptSales}) || !slices.Equal(b.sharing.EditMembers, []Address{"pm@example.com"}) {
		t.Errorf("sharing %+v", b.sharing)
	}
	if err := (&ShareBook{ViewDepts: []string{"市场部"}}).Apply(b, env); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown department: %v", err)
	}
	if err := (&ShareBook{EditMembers: []Address{"nobody@example.com"}}).Apply(b, env); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown member: %v", err)
	}
}

// TestDirectoryFilter: the enterprise address book for each kind of actor,
// shared and not (ORG-8).
func TestDirectoryFilter(t *testing.T) {
	north := &Member{Address: "north@example.com", Depts: []DeptID{deptNorth}}
	tests := []struct {
		name    string
		shared  bool
		actor   Actor
		refused bool
		seesN   bool
	}{
		{"shared, member", true, bookTech, false, true},
		{"shared, disabled member", true, bookGone, true, false},
		{"not shared, member", false, bookTech, true, false},
		{"not shared, admin", false, who.admin, false, true},
		{"not shared, sub-admin of 销售部", false, who.salesAdmin, false, true},
		{"not shared, helpdesk", false, bookHD, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newFakeBook()
			b.shared = tt.shared
			keep, err := DirectoryFilter(b, tt.actor)
			if tt.refused {
				if !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), string(RightMemberRead)) {
					t.Fatalf("err = %v, want a refusal naming member.read", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := keep == nil || keep(north); got != tt.seesN {
				t.Errorf("sees a member of 华北大区: %v, want %v", got, tt.seesN)
			}
		})
	}
}

func TestContactMatches(t *testing.T) {
	c := &Contact{Name: "张三", Emails: []string{"zhang.san@customer.cn"}, Phones: []string{"+86 138-0013-8000"}, Company: "华为技术", Title: "采购"}
	for q, want := range map[string]bool{
		"": true, "张": true, "三": true, "zhangsan": true, "zs": true, "ZS": true, "zhang.san@": true, "customer": true,
		"华为": true, "hw": true, "采购": true, "13800138000": true, "0138": true, "lisi": false, "ls": false, "999": false,
	} {
		if got := ContactMatches(c, q); got != want {
			t.Errorf("ContactMatches(%q) = %v, want %v", q, got, want)
		}
	}
	if !DeptMatches("销售部", "xs") || !DeptMatches("销售部", "销售") || DeptMatches("销售部", "js") || DeptMatches("销售部", "") {
		t.Error("DeptMatches")
	}
}

func readContacts(t *testing.T, raw []byte) *ContactsFile {
	t.Helper()
	f, err := ReadContacts(bytes.NewReader(raw), 1<<20)
	if err != nil {
		t.Fatalf("ReadContacts: %v", err)
	}
	return f
}

func gbk(s string) string {
	b, err := simplifiedchinese.GBK.NewEncoder().String(s)
	if err != nil {
		panic(err)
	}
	return b
}

func qp(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteString("=" + strings.ToUpper(string("0123456789abcdef"[s[i]>>4])+string("0123456789abcdef"[s[i]&15])))
	}
	return b.String()
}

// TestReadContactsCSV reads the contacts CSV in its forms.
func TestReadContactsCSV(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		names []string
		errs  []int // lines with problems
		enc   string
	}{
		{"English header", "name,email,phone,company,title,notes\r\n张三,zhang@customer.cn;z2@customer.cn,'+86 138,华为,采购,\"一\r\n二\"\r\n", []string{"张三"}, nil, EncodingUTF8},
		{"Chinese header with BOM", "\ufeff姓名,邮箱,手机,电话,公司\r\n李四,li@partner.com,13800138000,010-1234,伙伴\r\n,,,,\r\n", []string{"李四"}, nil, EncodingUTF8BOM},
		{"Outlook names", "Display Name,E-mail Address,Mobile Phone,Job Title\nBob,bob@x.com,1,Boss\n", []string{"Bob"}, nil, EncodingUTF8},
		{"first and last names, other columns left out", "First Name,Last Name,E-mail Address,Birthday,Home City\nBob,Li,bob@x.com,1990-01-02,Beijing\n娜娜,欧阳,oy@x.cn,,\n", []string{"Bob Li", "欧阳娜娜"}, nil, EncodingUTF8},
		{"email column only", "邮箱\nzhao@x.cn\n", []string{"zhao@x.cn"}, nil, EncodingUTF8},
		{"GBK", gbk("姓名,邮箱\r\n王五,wang@x.cn\r\n"), []string{"王五"}, nil, EncodingGB18030},
		{"bad rows reported by line", "name,email\nA,a@x.cn\nB,not-mail\n,\nC,c@x.cn\n\"D,d@x.cn\n", []string{"A", "C"}, []int{3, 6}, EncodingUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := readContacts(t, []byte(tt.text))
			var names []string
			for _, r := range f.Rows {
				names = append(names, r.Contact.Name)
			}
			var lines []int
			for _, e := range f.Errors {
				lines = append(lines, e.Line)
			}
			if !slices.Equal(names, tt.names) || !slices.Equal(lines, tt.errs) || f.Encoding != tt.enc || f.Unit != "row" {
				t.Errorf("rows %v errors %v encoding %s; want %v %v %s", names, f.Errors, f.Encoding, tt.names, tt.errs, tt.enc)
			}
		})
	}
	if f := readContacts(t, []byte(tests[3].text)); !slices.Equal(f.Ignored, []string{"Birthday", "Home City"}) {
		t.Errorf("ignored columns %q", f.Ignored)
	}
	f := readContacts(t, []byte(tests[0].text))
	c := f.Rows[0].Contact
	if !slices.Equal(c.Emails, []string{"zhang@customer.cn", "z2@customer.cn"}) || c.Phones[0] != "+86 138" || c.Notes != "一\n二" || c.Company != "华为" {
		t.Errorf("row read as %+v", c)
	}
	for name, text := range map[string]string{
		"empty":           "  \r\n",
		"no known column": "birthday,city\n",
		"no name, email":  "company,title\n",
		"data first":      "zhang@x.cn,张三\n",
		"twice":           "name,姓名\n",
		"UTF-16":          "\xff\xfen\x00",
	} {
		if _, err := ReadContacts(strings.NewReader(text), 1<<20); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
}

// oldPhone is a vCard 2.1 export of an old Chinese phone: GBK in
// quoted-printable with soft line breaks, bare parameters, N without FN.
func oldPhone() string {
	return "BEGIN:VCARD\r\nVERSION:2.1\r\n" +
		"N;CHARSET=GBK;ENCODING=QUOTED-PRINTABLE:" + qp(gbk("欧阳")) + ";" + qp(gbk("娜娜")) + ";;;\r\n" +
		"TEL;CELL;PREF:13800138000\r\nTEL;WORK:010-65520001\r\n" +
		"EMAIL;INTERNET:OuYang@Customer.cn\r\n" +
		"ORG;CHARSET=GB2312;QUOTED-PRINTABLE:" + qp(gbk("北京客户公司"))[:24] + "=\r\n" + qp(gbk("北京客户公司"))[24:] + "\r\n" +
		"NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:" + qp("第一行\r\n第二行") + "\r\n" +
		"PHOTO;ENCODING=BASE64;TYPE=JPEG:/9j/4AAQ\r\n AAAA\r\n\r\n" +
		"END:VCARD\r\n"
}

// TestReadVCards reads the three versions, with their encodings.
func TestReadVCards(t *testing.T) {
	v3 := "BEGIN:VCARD\nVERSION:3.0\nFN:Li\\, Si\nN:Li;Si;;;\nitem1.EMAIL;TYPE=INTERNET,WORK:li@partner.com\nORG:Partner\\; Ltd;Sales\nTITLE:Buyer\nNOTE:a long note that\n  was folded\\nonto two lines\nEND:VCARD\n"
	v4 := "BEGIN:VCARD\r\nVERSION:4.0\r\nFN;CHARSET=UTF-8:王五\r\nEMAIL;PREF=1:wang@x.cn\r\nTEL;VALUE=uri;TYPE=\"voice,cell\":tel:+86-138-0000-0000\r\nEND:VCARD\r\n"
	gbkRaw := "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:" + gbk("赵六") + "\r\nEMAIL:zhao@x.cn\r\nEND:VCARD\r\n"
	tests := []struct {
		name  string
		text  string
		check func(c *Contact) bool
	}{
		{"2.1 from an old phone", oldPhone(), func(c *Contact) bool {
			return c.Name == "欧阳娜娜" && slices.Equal(c.Phones, []string{"13800138000", "010-65520001"}) && c.Emails[0] == "ouyang@customer.cn" &&
				c.Company == "北京客户公司" && c.Notes == "第一行\n第二行"
		}},
		{"3.0 with groups, escapes and folding", v3, func(c *Contact) bool {
			return c.Name == "Li, Si" && c.Emails[0] == "li@partner.com" && c.Company == "Partner; Ltd / Sales" && c.Title == "Buyer" &&
				c.Notes == "a long note that was folded\nonto two lines"
		}},
		{"4.0 with a tel URI", v4, func(c *Contact) bool { return c.Name == "王五" && c.Phones[0] == "+86-138-0000-0000" }},
		{"2.1 in GBK without CHARSET", gbkRaw, func(c *Contact) bool { return c.Name == "赵六" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := readContacts(t, []byte(tt.text))
			if len(f.Errors) > 0 || len(f.Rows) != 1 || f.Unit != "card" || f.Format != "vcard" {
				t.Fatalf("rows %v errors %v", f.Rows, f.Errors)
			}
			if c := f.Rows[0].Contact; !tt.check(c) {
				t.Errorf("read as %+v", c)
			}
		})
	}
	// Card numbers in problems; a broken card does not stop the next.
	text := oldPhone() + "BEGIN:VCARD\nVERSION:5.0\nFN:x\nEND:VCARD\n" +
		"BEGIN:VCARD\nFN;CHARSET=KOI9:x\nEND:VCARD\n" + "BEGIN:VCARD\nFN:ok\nthis is no property\nEND:VCARD\n" + v4 +
		"BEGIN:VCARD\nFN:cut\n"
	f := readContacts(t, []byte(text))
	var bad []int
	for _, e := range f.Errors {
		bad = append(bad, e.Line)
	}
	if !slices.Equal(bad, []int{2, 3, 4, 6}) || len(f.Rows) != 2 || f.Rows[1].Number != 5 {
		t.Errorf("errors %v rows %d", f.Errors, len(f.Rows))
	}
	for name, text := range map[string]string{
		"no card":      "BEGIN:VCALENDAR\nEND:VCALENDAR\n",
		"text outside": "BEGIN:VCARD\nFN:x\nEND:VCARD\nhello\n",
		"just BEGIN":   "BEGIN:VCARDS\n",
	} {
		if _, err := ReadContacts(strings.NewReader(text), 1<<20); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
}

// TestContactsRoundTrip writes contacts as CSV and as vCard 4.0 and reads
// them back unchanged.
func TestContactsRoundTrip(t *testing.T) {
	cs := []*Contact{
		{Name: "张三", Emails: []string{"zhang@customer.cn", "z+2@customer.cn"}, Phones: []string{"+86 138", "-123"}, Company: "华为; 北京, 分公司", Title: "采购\\经理",
			Notes: strings.Repeat("很长的备注，", 30) + "\n第二行"},
		{Name: "Bob", Emails: []string{"bob@x.com"}},
	}
	for _, format := range []string{"csv", "vcard"} {
		var buf bytes.Buffer
		var err error
		if format == "csv" {
			err = WriteContactsCSV(&buf, cs, true)
		} else {
			err = WriteVCards(&buf, cs)
			for _, l := range strings.Split(buf.String(), "\r\n") {
				if len(l) > 75 {
					t.Errorf("vCard line of %d bytes: %q", len(l), l)
				}
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		f := readContacts(t, buf.Bytes())
		if len(f.Errors) > 0 || len(f.Rows) != len(cs) {
			t.Fatalf("%s: %v %v", format, f.Rows, f.Errors)
		}
		for i, r := range f.Rows {
			if !r.Contact.sameData(cs[i]) {
				t.Errorf("%s: %+v came back as %+v", format, cs[i], r.Contact)
			}
		}
	}
}

func TestWriteDirectory(t *testing.T) {
	es := []DirectoryEntry{{Name: "张三", Address: "zhangsan@example.com", Departments: []string{"销售部/华北大区"}, Title: "经理", Mobile: "+8613800138000"}}
	var buf bytes.Buffer
	if err := WriteDirectoryCSV(&buf, es, true); err != nil {
		t.Fatal(err)
	}
	want := "\ufeff姓名,邮箱,部门,职务,手机,电话\r\n张三,zhangsan@example.com,销售部/华北大区,经理,'+8613800138000,\r\n"
	if buf.String() != want {
		t.Errorf("CSV %q, want %q", buf.String(), want)
	}
	buf.Reset()
	if err := WriteDirectoryVCards(&buf, "示例科技", es); err != nil {
		t.Fatal(err)
	}
	f := readContacts(t, buf.Bytes())
	if len(f.Rows) != 1 || f.Rows[0].Contact.Company != "示例科技 / 销售部/华北大区" || !strings.Contains(buf.String(), "VERSION:4.0\r\n") {
		t.Errorf("vCard %q read as %+v", buf.String(), f.Rows)
	}
}
