package tui

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/teatest/v2"
)

// TestHomeGolden: the Home pane for an admin and for a member, at both
// sizes and in both languages.
func TestHomeGolden(t *testing.T) {
	for _, role := range []string{"admin", "member"} {
		for _, lang := range goldenLangs {
			for _, sz := range goldenSizes {
				t.Run(fmt.Sprintf("%s_%s_%dx%d", role, lang, sz.w, sz.h), func(t *testing.T) {
					st := demoStore(t)
					s := sessionAs(t, st, role, lang)
					app := newAppWith(s, "", []Pane{newHomePane(s), newAccountPane(s)})
					out := runUI(t, app, sz.w, sz.h, func(tm *teatest.TestModel) {
						waitFor(t, tm, s.T.Home.YourAccount)
					})
					requireGolden(t, out)
				})
			}
		}
	}
}
