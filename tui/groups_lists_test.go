package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"postroom/model"
	"postroom/store"
)

// withLists adds two mailing lists to the store: 产品通讯 with subscribers
// in every state and a few days of statistics, and an empty one.
func withLists(t *testing.T, st *store.Store) {
	t.Helper()
	sys := model.System(model.DoorCLI)
	sender := model.Address(loginOf(t, "member").Address)
	if err := st.Apply(sys,
		&model.AddList{Address: "news@example.com", Name: "产品通讯", Senders: []model.Address{sender}},
		&model.AddList{Address: "events@example.com", Name: "Events"},
		&model.AddSubscribers{List: "news@example.com", Addresses: []string{"a@outside.example", "b@outside.example", "c@outside.example"}},
		&model.RequestSubscription{List: "news@example.com", Address: "d@outside.example", Token: strings.Repeat("ab", 16)},
		&model.Unsubscribe{List: "news@example.com", Address: "c@outside.example"},
	); err != nil {
		t.Fatal(err)
	}
	now := st.Now()
	for i, d := range []model.ListDay{{Posts: 1, Delivered: 2, Bounced: 1}, {}, {Posts: 2, Delivered: 4}} {
		d.Day = model.DayOf(now.AddDate(0, 0, -2*i))
		if err := st.CountListDay("news@example.com", d); err != nil {
			t.Fatal(err)
		}
	}
}

// TestGroupsListsGolden: v shows the mailing lists to an admin, the
// selected one with its counts, senders and the last seven days, at 80×24
// and 200×50 in both languages; v again goes back to the groups.
func TestGroupsListsGolden(t *testing.T) {
	for _, lang := range goldenLangs {
		for _, sz := range []struct{ w, h int }{{80, 24}, {200, 50}} {
			t.Run(fmt.Sprintf("%s_%dx%d", lang, sz.w, sz.h), func(t *testing.T) {
				st := demoStore(t)
				withLists(t, st)
				s := sessionAs(t, st, "admin", lang)
				p := newGroupsPane(s).(*groupsPane)
				app := newAppWith(s, "", []Pane{p})
				out := runProbed(t, app, sz.w, sz.h, func(tm *teatest.TestModel, until untilFunc) {
					until("the groups", func() bool { return len(p.groups) > 0 })
					press(tm, "v")
					until("the lists", func() bool { return p.lists != nil && len(p.lists.rows) == 2 })
					press(tm, "j")
					until("产品通讯 selected", func() bool { return p.lists.sel == 1 })
				})
				for _, want := range []string{"news+subscribe@example.com", "3", "1"} {
					if !strings.Contains(out, want) {
						t.Errorf("the view lacks %q", want)
					}
				}
				requireGolden(t, out)
			})
		}
	}
}

// TestGroupsListsOnlyForAdmins: v does nothing for the roles without
// list.manage, and their help bar does not offer it.
func TestGroupsListsOnlyForAdmins(t *testing.T) {
	st := demoStore(t)
	withLists(t, st)
	for _, role := range []string{"member", "helpdesk", "auditor"} {
		s := sessionAs(t, st, role, "en")
		p := newGroupsPane(s).(*groupsPane)
		pressKeys(p, "v")
		if p.lists != nil {
			t.Errorf("%s opened the mailing lists", role)
		}
		for _, b := range p.ShortHelp() {
			if b.Help().Desc == s.T.Groups.KeyLists {
				t.Errorf("%s is offered the mailing lists", role)
			}
		}
	}
	// A load as such a role is refused by the model, naming the right.
	s := sessionAs(t, st, "auditor", "en")
	p := newGroupsPane(s).(*groupsPane)
	msg := p.loadLists()().(listsLoadedMsg)
	if msg.err == nil || !strings.Contains(msg.err.Error(), "list.manage") {
		t.Errorf("auditor's load: %v", msg.err)
	}
}

// TestGroupsDeptCountsAndPosters: a whole department among a group's
// entries shows how many people it brings (its subtree), matching the
// store; a group of listed senders names them.
func TestGroupsDeptCountsAndPosters(t *testing.T) {
	st := demoStore(t)
	const g = model.Address("north@example.com")
	sender := model.Address(loginOf(t, "head").Address)
	if err := st.Apply(model.System(model.DoorCLI),
		&model.AddGroup{Address: g, Name: "AAA north", Post: "listed", Senders: []model.Address{sender}},
		&model.GroupMember{Group: g, Dept: "销售部/华北大区"}); err != nil {
		t.Fatal(err)
	}
	want := groupsEffective(t, st, g)
	s := sessionAs(t, st, "admin", "en")
	p := newGroupsPane(s).(*groupsPane)
	app := newAppWith(s, "", []Pane{p})
	out := runProbed(t, app, 120, 40, func(tm *teatest.TestModel, until untilFunc) {
		until("the groups", func() bool { return len(p.groups) > 0 })
		for i, row := range p.groups {
			if row.addr == g {
				for range i {
					press(tm, "j")
				}
			}
		}
		until("counted", func() bool { return groupsSelected(p, g) })
	})
	if n := p.deptCounts[g]["销售部/华北大区"]; n != want || n == 0 {
		t.Errorf("the department counts %d, the store %d", n, want)
	}
	for _, w := range []string{fmt.Sprintf("%d people", want), "May post", string(sender), "listed senders"} {
		if !strings.Contains(out, w) {
			t.Errorf("the view lacks %q:\n%s", w, out)
		}
	}
}
