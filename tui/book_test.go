package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
)

// TestBookGolden: a member opens the address book from Home (b) and
// searches the enterprise address book by pinyin, at 80×24 in both
// languages.
func TestBookGolden(t *testing.T) {
	for _, lang := range goldenLangs {
		t.Run(fmt.Sprintf("member_%s_80x24", lang), func(t *testing.T) {
			st := demoStore(t)
			s := sessionAs(t, st, "member", lang)
			bt := assets.BookCatalog(lang)
			app := newAppWith(s, "", []Pane{newHomePane(s), newAccountPane(s)})
			out := runUI(t, app, 80, 24, func(tm *teatest.TestModel) {
				waitFor(t, tm, s.T.Home.YourAccount)
				press(tm, "b")
				waitFor(t, tm, bt.Customers)
				press(tm, "/")
				for _, r := range "wangw" {
					press(tm, string(r))
				}
				waitFor(t, tm, "wangwei2@")
			})
			if !strings.Contains(out, "wangwei@example.com") || !strings.Contains(out, "wangwei2@example.com") {
				t.Errorf("the search for wangw does not show both 王伟:\n%s", out)
			}
			requireGolden(t, out)
		})
	}
}

// bookHome is Home at 80×24 for a demo role, loaded, with the address book
// open.
func bookHome(t *testing.T, st *store.Store, role string) *homePane {
	t.Helper()
	s := sessionAs(t, st, role, "en")
	home := newHomePane(s)
	home.SetSize(80, 24)
	drive(home, home.Init())
	keys(home, "b")
	if home.book == nil || !home.book.loaded {
		t.Fatal("b did not open the address book")
	}
	return home
}

// keys sends key presses to a pane and runs what they start.
func keys(p Pane, ks ...string) {
	for _, k := range ks {
		var msg tea.KeyPressMsg
		switch k {
		case "tab":
			msg = tea.KeyPressMsg{Code: tea.KeyTab}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "ctrl+s":
			msg = tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}
		default:
			msg = tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
		}
		_, cmd := p.Update(msg)
		drive(p, cmd)
	}
}

func typeKeys(p Pane, text string) {
	for _, r := range text {
		keys(p, string(r))
	}
}

// TestBookEditContacts: an admin adds, edits and deletes a customer contact
// in the view, through the audited write path; a member the book is not
// shared with is told so and has no way to edit.
func TestBookEditContacts(t *testing.T) {
	st := demoStore(t)
	home := bookHome(t, st, "admin")
	keys(home, "tab", "n")
	if home.book.form == nil {
		t.Fatalf("n opened no form:\n%s", ansi.Strip(home.View()))
	}
	typeKeys(home, "Zoe Chen")
	keys(home, "tab")
	typeKeys(home, "zoe@partner.com; zoe.chen@partner.com")
	keys(home, "tab", "tab")
	typeKeys(home, "Partner")
	keys(home, "ctrl+s")
	if home.book.form != nil {
		t.Fatalf("the form stays:\n%s", ansi.Strip(home.View()))
	}
	v := ansi.Strip(home.View())
	if !strings.Contains(v, "Zoe Chen") || !strings.Contains(v, "1 contacts") && !strings.Contains(v, "contact") {
		t.Errorf("the new contact is not listed:\n%s", v)
	}
	var c *model.Contact
	if err := st.Read(func(r *store.Reader) error {
		id, ok, err := r.ContactByEmail("zoe.chen@partner.com")
		if err != nil || !ok {
			return fmt.Errorf("not found: %v", err)
		}
		c, err = r.Contact(id)
		return err
	}); err != nil || c.Company != "Partner" || c.By != home.s.Actor.Address {
		t.Fatalf("stored %+v, %v", c, err)
	}
	// Edit: the title.
	keys(home, "e", "tab", "tab", "tab", "tab")
	typeKeys(home, "Buyer")
	keys(home, "ctrl+s")
	if err := st.Read(func(r *store.Reader) error {
		var err error
		c, err = r.Contact(c.ID)
		return err
	}); err != nil || c.Title != "Buyer" {
		t.Fatalf("after edit %+v, %v", c, err)
	}
	// A taken email is refused in the form, which stays open.
	keys(home, "n")
	typeKeys(home, "Dup")
	keys(home, "tab")
	typeKeys(home, "ZOE@partner.com")
	keys(home, "ctrl+s")
	if home.book.form == nil || !strings.Contains(ansi.Strip(home.View()), "already in the customer address book") {
		t.Fatalf("a taken email:\n%s", ansi.Strip(home.View()))
	}
	keys(home, "esc", "D", "y")
	if err := st.Read(func(r *store.Reader) error {
		_, err := r.Contact(c.ID)
		return err
	}); err == nil {
		t.Fatal("D y did not delete the contact")
	}
	keys(home, "esc")
	if home.book != nil {
		t.Fatal("esc did not close the address book")
	}

	member := bookHome(t, st, "member")
	keys(member, "tab", "n")
	v = ansi.Strip(member.View())
	if member.book.form != nil || !strings.Contains(v, assets.BookCatalog("en").NoCustomerAccess[:30]) {
		t.Errorf("the member's customer tab:\n%s", v)
	}
}

// TestBookNotShared: while the enterprise address book is not shared, a
// member is told so instead of shown the company.
func TestBookNotShared(t *testing.T) {
	st := demoStore(t)
	off := false
	if err := st.Apply(model.System(model.DoorCLI), &model.SetEnterprise{AddressBookShared: &off}); err != nil {
		t.Fatal(err)
	}
	home := bookHome(t, st, "member")
	if v := ansi.Strip(home.View()); !strings.Contains(v, "not shared") || strings.Contains(v, "@example.com") {
		t.Errorf("not shared:\n%s", v)
	}
}

// TestBookExport: E saves what the tab shows as Excel-correct CSV and as
// vCard 4.0 through the session's Export.
func TestBookExport(t *testing.T) {
	st := demoStore(t)
	home := bookHome(t, st, "member")
	saved := map[string]string{}
	home.s.Export = func(name string, data []byte) (string, error) {
		saved[name] = string(data)
		return "exports/" + name, nil
	}
	keys(home, "/")
	typeKeys(home, "wangwei")
	keys(home, "enter", "E")
	csv, vcf := saved["address-book.csv"], saved["address-book.vcf"]
	if !strings.HasPrefix(csv, "\ufeffname,address,department") || !strings.Contains(csv, "wangwei@example.com") || strings.Contains(csv, "liuyang@") {
		t.Errorf("CSV %q", csv)
	}
	if !strings.Contains(vcf, "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:王伟\r\n") {
		t.Errorf("vCard %q", vcf)
	}
}

// TestBookSharingForm: the admin chooses in the view who may see and who
// may edit the customer address book; the person named as editor then
// edits it, and a department that does not exist is refused in the form.
func TestBookSharingForm(t *testing.T) {
	st := demoStore(t)
	admin := bookHome(t, st, "admin")
	keys(admin, "tab", "s")
	if admin.book.form == nil || !admin.book.sharing {
		t.Fatalf("s opened no sharing form:\n%s", ansi.Strip(admin.View()))
	}
	typeKeys(admin, "市场部")
	keys(admin, "ctrl+s")
	if v := ansi.Strip(admin.View()); admin.book.form == nil || !strings.Contains(v, "市场部") {
		t.Fatalf("an unknown department:\n%s", v)
	}
	keys(admin, "esc", "s")
	typeKeys(admin, "销售部")
	keys(admin, "tab", "tab", "tab")
	typeKeys(admin, loginOf(t, "member").Address)
	keys(admin, "ctrl+s")
	if admin.book.form != nil {
		t.Fatalf("the form stays:\n%s", ansi.Strip(admin.View()))
	}
	var sh model.BookSharing
	if err := st.Read(func(r *store.Reader) error {
		var err error
		sh, err = r.BookSharing()
		return err
	}); err != nil || len(sh.ViewDepts) != 1 || len(sh.EditMembers) != 1 || string(sh.EditMembers[0]) != loginOf(t, "member").Address {
		t.Fatalf("sharing %+v, %v", sh, err)
	}
	member := bookHome(t, st, "member")
	keys(member, "tab", "n")
	if member.book.form == nil {
		t.Fatalf("the editor cannot add:\n%s", ansi.Strip(member.View()))
	}
	head := bookHome(t, st, "head") // in 销售部: a viewer
	keys(head, "tab", "n")
	if head.book.form != nil || !strings.Contains(ansi.Strip(head.View()), "read only") {
		t.Errorf("the viewer's customer tab:\n%s", ansi.Strip(head.View()))
	}
}

// TestBookFromDesk: the helpdesk, whose UI is the Reset desk, opens the
// address book with b once the search field lets go (esc), and esc closes it.
func TestBookFromDesk(t *testing.T) {
	st := demoStore(t)
	s := sessionAs(t, st, "helpdesk", "en")
	p := newDeskPane(s).(*deskPane)
	p.SetSize(66, 21)
	drive(p, p.Init())
	keys(p, "b")
	if p.book != nil {
		t.Fatal("b in the search field opened the address book instead of typing")
	}
	keys(p, "esc", "esc", "b")
	if p.book == nil || !strings.Contains(ansi.Strip(p.View()), "@example.com") {
		t.Fatalf("the address book over the desk:\n%s", ansi.Strip(p.View()))
	}
	keys(p, "esc")
	if p.book != nil {
		t.Fatal("esc did not close the address book")
	}
}
