package model

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// TestReadSubscribersCSV: the columns by English or Chinese name, the
// encodings, and each row problem with its line and column.
func TestReadSubscribersCSV(t *testing.T) {
	gbk, _ := simplifiedchinese.GB18030.NewEncoder().String("邮箱,姓名\r\nli@kunde.example,李雷\r\n")
	cases := []struct {
		name, file string
		enc        string
		rows       []SubscriberRow
		errs       []string // "line column: words"
		fileErr    string
	}{
		{name: "english", file: "address,name\nA@Outside.example,Anna\nb@outside.example,\n", enc: EncodingUTF8,
			rows: []SubscriberRow{{2, "a@outside.example", "Anna"}, {3, "b@outside.example", ""}}},
		{name: "chinese with BOM", file: "\ufeff邮箱,姓名\r\nwang@kunde.example,王伟\r\n", enc: EncodingUTF8BOM,
			rows: []SubscriberRow{{2, "wang@kunde.example", "王伟"}}},
		{name: "GB18030", file: gbk, enc: EncodingGB18030, rows: []SubscriberRow{{2, "li@kunde.example", "李雷"}}},
		{name: "address only, blank rows skipped", file: "email\nx@o.example\n,\n\ny@o.example\n", enc: EncodingUTF8,
			rows: []SubscriberRow{{2, "x@o.example", ""}, {5, "y@o.example", ""}}},
		{name: "row problems", file: "address,name\nnot an address,X\n,Y\nx@o.example,A\nX@O.example,B\n", enc: EncodingUTF8,
			rows: []SubscriberRow{{4, "x@o.example", "A"}},
			errs: []string{"2 address: address \"not an address\": it is not an email address", "3 address: the address is empty", "5 address: line 4 already gives"}},
		{name: "bad quote", file: "address,name\n\"x@o.example,A\n", enc: EncodingUTF8, errs: []string{"2 : a quote"}},
		{name: "no address column", file: "name\nAnna\n", fileErr: "must name the column address"},
		{name: "unknown column", file: "address,phone\nx@o.example,1\n", fileErr: `"phone"`},
		{name: "no header", file: "x@o.example,Anna\n", fileErr: "looks like an address"},
		{name: "empty", file: "", fileErr: "empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := ReadSubscribersCSV(strings.NewReader(c.file), 1<<20, "en")
			if c.fileErr != "" {
				if err == nil || !IsUserError(err) || !strings.Contains(err.Error(), c.fileErr) {
					t.Fatalf("got %v, want an error with %q", err, c.fileErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Encoding != c.enc {
				t.Errorf("encoding %q, want %q", f.Encoding, c.enc)
			}
			if len(f.Rows) != len(c.rows) {
				t.Fatalf("rows %+v, want %+v", f.Rows, c.rows)
			}
			for i := range c.rows {
				if f.Rows[i] != c.rows[i] {
					t.Errorf("row %d: %+v, want %+v", i, f.Rows[i], c.rows[i])
				}
			}
			if len(f.Errors) != len(c.errs) {
				t.Fatalf("errors %+v, want %v", f.Errors, c.errs)
			}
			for i, e := range f.Errors {
				got := strings.TrimSpace(itoa(e.Line)+" "+e.Column) + ": " + e.Reason
				if e.Column == "" {
					got = itoa(e.Line) + " : " + e.Reason
				}
				if !strings.Contains(got, c.errs[i]) {
					t.Errorf("error %d: %q, want %q", i, got, c.errs[i])
				}
			}
		})
	}
	// The reasons in Chinese.
	f, err := ReadSubscribersCSV(strings.NewReader("address\nx@o.example\nX@o.example\n"), 1<<20, "zh-CN")
	if err != nil || len(f.Errors) != 1 || !strings.Contains(f.Errors[0].Reason, "第 2 行已经有地址") {
		t.Errorf("Chinese reasons: %+v %v", f, err)
	}
}

// TestPlanSubscriberImport: addresses already on the list in any state
// are problems (nobody who left is brought back), the rest become
// changes; applied, they are unconfirmed with a token and queued for the
// confirmation mail, or subscribed at once with the attesting admin.
func TestPlanSubscriberImport(t *testing.T) {
	f := newFakeLists()
	mustList(t, f)
	list := Address("news@example.com")
	if err := applyList(f, listAdmin, listT0, &AddSubscribers{List: list, Addresses: []string{"sub@o.example", "left@o.example"}}); err != nil {
		t.Fatal(err)
	}
	if err := applyList(f, listAdmin, listT0, &Unsubscribe{List: list, Address: "left@o.example"}); err != nil {
		t.Fatal(err)
	}
	if err := applyList(f, System(DoorSMTP), listT0, &RequestSubscription{List: list, Address: "wait@o.example", Token: token(7)}); err != nil {
		t.Fatal(err)
	}
	file := &SubscribersCSV{Rows: []SubscriberRow{{2, "new@o.example", "Neu"}, {3, "sub@o.example", ""}, {4, "left@o.example", ""}, {5, "wait@o.example", ""}}}
	p, err := PlanSubscriberImport(f, list, file, false, "f.csv", "en")
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{3: "already subscribed", 4: "unsubscribed from the list news@example.com on 2026-12-03", 5: "has not confirmed yet"}
	if len(p.Errors) != len(want) {
		t.Fatalf("errors %+v", p.Errors)
	}
	for _, e := range p.Errors {
		if !strings.Contains(e.Reason, want[e.Line]) || e.Column != "address" {
			t.Errorf("line %d: %+v, want %q", e.Line, e, want[e.Line])
		}
	}

	cases := []struct {
		name      string
		confirmed bool
		status    SubStatus
		counts    ListCounts
		queued    int
		consent   string
	}{
		{"double opt-in", false, SubUnconfirmed, ListCounts{Subscribed: 1, Unconfirmed: 3, Unsubscribed: 1}, 2, "double opt-in"},
		{"attested", true, SubSubscribed, ListCounts{Subscribed: 3, Unconfirmed: 1, Unsubscribed: 1}, 0, "attested by admin@example.com"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := newFakeLists()
			g.lists = map[Address]*MailingList{}
			for k, v := range f.lists {
				g.lists[k] = v.Clone()
			}
			for k, v := range f.subs {
				cp := *v
				g.subs[k] = &cp
				if v.Token != "" {
					g.tokens[v.Token] = k
				}
				if v.Key != "" {
					g.keys[v.Key] = k
				}
			}
			file := &SubscribersCSV{Rows: []SubscriberRow{{2, "new@o.example", "Neu"}, {3, "two@o.example", ""}}}
			p, err := PlanSubscriberImport(g, list, file, c.confirmed, "f.csv", "en")
			if err != nil || len(p.Errors) != 0 || p.Rows != 2 || len(p.Changes) != 1 {
				t.Fatalf("plan %+v %v", p, err)
			}
			if err := applyList(g, listAdmin, listT0, p.Changes[0]); err != nil {
				t.Fatal(err)
			}
			s, _, _ := g.Subscriber(list, "new@o.example")
			if s.Status != c.status || s.Name != "Neu" || s.Via != "import" {
				t.Errorf("subscriber %+v", s)
			}
			if c.confirmed && (s.Attested != "admin@example.com" || s.Token != "") {
				t.Errorf("attested subscriber %+v", s)
			}
			if !c.confirmed && (!ValidListToken(s.Token) || s.Attested != "") {
				t.Errorf("unconfirmed subscriber %+v", s)
			}
			if g.lists[list].Counts != c.counts || len(g.confirm) != c.queued {
				t.Errorf("counts %+v, queued %v", g.lists[list].Counts, g.confirm)
			}
			if !strings.Contains(strings.Join(g.notes, "\n"), c.consent) {
				t.Errorf("notes %q lack %q", g.notes, c.consent)
			}
			// Applied again (the address reached the list meanwhile): refused whole.
			if err := applyList(g, listAdmin, listT0, p.Changes[0]); err == nil || !strings.Contains(err.Error(), "line 2") {
				t.Errorf("applied twice: %v", err)
			}
		})
	}

	// A member without list.manage is refused.
	if err := applyList(f, Actor{Address: "pm@example.com"}, listT0, &ImportSubscribers{List: list, Rows: file.Rows[:1]}); err == nil || !strings.Contains(err.Error(), "list.manage") {
		t.Errorf("a member importing: %v", err)
	}
}

// TestPlanSubscriberImportChunks: a big file becomes changes of 1,000
// addresses, and more than the list's room is refused before anything.
func TestPlanSubscriberImportChunks(t *testing.T) {
	f := newFakeLists()
	mustList(t, f)
	var rows []SubscriberRow
	for i := 0; i < 2500; i++ {
		rows = append(rows, SubscriberRow{Line: i + 2, Address: "r" + itoa(i) + "@o.example"})
	}
	p, err := PlanSubscriberImport(f, "news@example.com", &SubscribersCSV{Rows: rows}, true, "f", "en")
	if err != nil || len(p.Changes) != 3 || len(p.Errors) != 0 {
		t.Fatalf("%d changes, errors %v, %v", len(p.Changes), p.Errors, err)
	}
	l := f.lists["news@example.com"]
	l.Counts.Subscribed = MaxSubscribers - 100
	p, _ = PlanSubscriberImport(f, "news@example.com", &SubscribersCSV{Rows: rows}, true, "f", "en")
	if len(p.Errors) != 1 || !strings.Contains(p.Errors[0].Reason, "room for 100 more") {
		t.Errorf("over the limit: %+v", p.Errors)
	}
}

func FuzzReadSubscribersCSV(f *testing.F) {
	for _, s := range []string{
		"address,name\na@o.example,Anna\n",
		"\ufeff邮箱,姓名\r\nwang@kunde.example,王伟\r\n",
		"email\nx@o.example\nX@O.example\n",
		"address,name\n\"x@o.example,A\n",
		"address,phone\n",
		"address,name\n\xd5\xc5@x.com,\xd5\xc5\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := ReadSubscribersCSV(bytes.NewReader(data), 1<<16, "en")
		if err != nil {
			if !IsUserError(err) {
				t.Fatalf("error %v is not a user error", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, r := range file.Rows {
			if a, err := ParseContactEmail(r.Address); err != nil || a != r.Address || seen[a] || r.Line < 2 {
				t.Fatalf("accepted row %+v (%q, %v, seen %v)", r, a, err, seen[a])
			}
			seen[r.Address] = true
		}
	})
}
