package cmd

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"postroom/model"
	"postroom/store"
)

// maxAnnounceFile bounds an announcement's text file (the limit itself is
// MaxAnnouncementRunes characters).
const maxAnnounceFile = 64 << 10

// AnnouncementJSON is one announcement as announce list --json prints it.
type AnnouncementJSON struct {
	ID         uint64   `json:"id"`
	Title      string   `json:"title"`
	Body       string   `json:"body"`
	Depts      []string `json:"depts"` // empty: all staff
	Author     string   `json:"author"`
	Published  string   `json:"published"`
	Status     string   `json:"status"` // live or recalled
	Recalled   string   `json:"recalled,omitempty"`
	RecalledBy string   `json:"recalled_by,omitempty"`
	// Copies is how many mail copies were queued (-1: the queue is not
	// open here).
	Copies int                 `json:"copies"`
	Recall *model.RecallCounts `json:"recall,omitempty"`
}

// RecallJSON is what announce recall prints with --json.
type RecallJSON struct {
	ID uint64 `json:"id"`
	model.RecallCounts
}

// AnnouncementCopies counts the mail copies of an announcement queued so far.
func AnnouncementCopies(sp *store.Spool, id uint64) (int, error) {
	sent, err := sp.NoticesSent("announce/" + strconv.FormatUint(id, 10) + "/")
	return len(sent), err
}

// ToAnnouncementJSON turns an announcement into its JSON form.
func ToAnnouncementJSON(r *store.Reader, a *model.Announcement, copies int) AnnouncementJSON {
	out := AnnouncementJSON{ID: a.ID, Title: a.Title, Body: a.Body, Depts: []string{}, Author: string(a.Author),
		Published: a.Published.UTC().Format("2006-01-02T15:04:05Z"), Status: "live", Copies: copies, Recall: a.Recall}
	for _, d := range a.Depts {
		out.Depts = append(out.Depts, r.DeptPath(d))
	}
	if !a.Live() {
		out.Status, out.Recalled, out.RecalledBy = "recalled", a.Recalled.UTC().Format("2006-01-02T15:04:05Z"), string(a.RecalledBy)
	}
	return out
}

// VisibleAnnouncements lists what announce list shows the actor: every
// announcement they may recall when they may announce anywhere, else the
// live ones that reach them (as their Home shows them).
func VisibleAnnouncements(r *store.Reader, actor model.Actor) ([]*model.Announcement, error) {
	if model.HoldsAnywhere(actor, model.RightAnnounce) {
		all, err := r.Announcements()
		if err != nil {
			return nil, err
		}
		return slices.DeleteFunc(all, func(a *model.Announcement) bool {
			return model.AuthorizeAnnounce(r, actor, a.Depts) != nil
		}), nil
	}
	m, err := r.Member(actor.Address)
	if err != nil {
		return nil, err
	}
	return r.AnnouncementsFor(m)
}

// announceCmd is announcements (ANN-1..3): publish, recall, list, and the
// templates of the letters the system writes by itself.
func announceCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "announce", Short: "announcements to all staff or departments, shown at Home and mailed; the welcome and password-expiry letters' templates"}
	c.AddCommand(announcePublishCmd(env), announceRecallCmd(env), announceListCmd(env), announceShowCmd(env), announceTemplateCmd(env))
	return c
}

func announcePublishCmd(env *Env) *cobra.Command {
	var title, bodyFile string
	var depts []string
	var asJSON bool
	c := &cobra.Command{
		Use:   "publish --title T --body-file FILE|- [--dept PATH]...",
		Short: "publish an announcement (up to 2000 characters) to all staff, or to departments with their subtrees; prints its id",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if bodyFile == "" {
				return model.Invalidf("give the announcement's text with --body-file FILE, or --body-file - for standard input")
			}
			body, err := env.readAll(bodyFile, maxAnnounceFile)
			if err != nil {
				return err
			}
			ch := &model.PublishAnnouncement{Title: title, Body: string(body), Depts: depts}
			if err := env.apply(ch); err != nil {
				return err
			}
			if asJSON {
				return env.printJSON(idJSON{ID: ch.ID})
			}
			env.printf("%d\n", ch.ID)
			return nil
		},
	}
	c.Flags().StringVar(&title, "title", "", "the announcement's title")
	c.Flags().StringVar(&bodyFile, "body-file", "", "the file with its text (UTF-8), - for standard input")
	c.Flags().StringArrayVar(&depts, "dept", nil, "a department it goes to, with its subtree (repeat for more; none: all staff)")
	c.Flags().BoolVar(&asJSON, "json", false, "print the id as JSON")
	return c
}

func announceID(s string) (uint64, error) {
	id, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil || id == 0 {
		return 0, model.Invalidf("%q is not an announcement id: announce list shows them", s)
	}
	return id, nil
}

// RecallAnnouncement recalls an announcement as actor: the recall's commit
// (it leaves every Home), then the mail copies through recall, then their
// counts recorded. An announcement recalled before whose copies were not
// dealt with (the mail step failed) gets its copies dealt with now.
func RecallAnnouncement(st *store.Store, actor model.Actor, sp *store.Spool, recall RecallFunc, id uint64) (model.RecallCounts, error) {
	var ann *model.Announcement
	if err := st.Read(func(r *store.Reader) error {
		var err error
		ann, err = r.Announcement(id)
		return err
	}); err != nil {
		return model.RecallCounts{}, err
	}
	if ann.Live() || ann.Recall != nil {
		if err := st.Apply(actor, &model.RecallAnnouncement{ID: id}); err != nil {
			return model.RecallCounts{}, err
		}
	} else if err := st.Read(func(r *store.Reader) error {
		return (&model.RecallAnnouncement{ID: id}).Authorize(r, actor)
	}); err != nil {
		return model.RecallCounts{}, err
	}
	if recall == nil || sp == nil {
		return model.RecallCounts{}, errors.New("the announcement is recalled from every Home, but its mail copies cannot be reached here (the mail queue is not open): run announce recall again where the relay runs")
	}
	counts, err := recall(sp, id)
	if err != nil {
		return counts, fmt.Errorf("the announcement is recalled from every Home, but recalling its mail copies failed (run announce recall %d again): %w", id, err)
	}
	return counts, st.Apply(actor, &model.RecordRecall{ID: id, Counts: counts})
}

// RecallFunc deals with the mail copies of a recalled announcement.
type RecallFunc func(sp *store.Spool, id uint64) (model.RecallCounts, error)

func announceRecallCmd(env *Env) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "recall ID",
		Short: "recall an announcement: gone from every Home, unread mail copies removed; says how many copies were already fetched",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			id, err := announceID(args[0])
			if err != nil {
				return err
			}
			var counts model.RecallCounts
			run := func(sp *store.Spool) error {
				var err error
				counts, err = RecallAnnouncement(env.Store, env.Actor, sp, env.Recall, id)
				return err
			}
			if env.Spool == nil && env.DataDir == "" {
				err = run(nil)
			} else {
				err = env.withSpool(run)
			}
			if err != nil {
				return err
			}
			if asJSON {
				return env.printJSON(RecallJSON{ID: id, RecallCounts: counts})
			}
			env.printf("recalled %d, already fetched %d", counts.Recalled, counts.Fetched)
			if counts.Cancelled > 0 || counts.Failed > 0 {
				env.printf(" (%d of the recalled were still queued; %d never delivered)", counts.Cancelled, counts.Failed)
			}
			env.printf("\n")
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON: recalled, fetched, cancelled, failed")
	return c
}

func announceListCmd(env *Env) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "list",
		Short: "list announcements: all you may recall, or the live ones that reach you",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			var anns []*model.Announcement
			copies := map[uint64]int{}
			err := env.Store.Read(func(r *store.Reader) error {
				var err error
				anns, err = VisibleAnnouncements(r, env.Actor)
				return err
			})
			if err != nil {
				return err
			}
			manager := model.HoldsAnywhere(env.Actor, model.RightAnnounce)
			for _, a := range anns {
				copies[a.ID] = -1
			}
			if manager && (env.Spool != nil || env.DataDir != "") {
				err := env.withSpool(func(sp *store.Spool) error {
					for _, a := range anns {
						n, err := AnnouncementCopies(sp, a.ID)
						if err != nil {
							return err
						}
						copies[a.ID] = n
					}
					return nil
				})
				if err != nil {
					return err
				}
			}
			return env.Store.Read(func(r *store.Reader) error {
				out := []AnnouncementJSON{}
				for _, a := range anns {
					out = append(out, ToAnnouncementJSON(r, a, copies[a.ID]))
				}
				if asJSON {
					return env.printJSON(out)
				}
				var rows [][]string
				for _, a := range out {
					to := "all staff"
					if len(a.Depts) > 0 {
						to = strings.Join(a.Depts, "; ")
					}
					n := "-"
					if a.Copies >= 0 {
						n = strconv.Itoa(a.Copies)
					}
					result := ""
					if a.Recall != nil {
						result = fmt.Sprintf("recalled %d, fetched %d", a.Recall.Recalled, a.Recall.Fetched)
					}
					rows = append(rows, []string{strconv.FormatUint(a.ID, 10), a.Status, a.Published[:16], a.Title, to, a.Author, n, result})
				}
				env.table([]string{"ID", "STATUS", "PUBLISHED", "TITLE", "TO", "AUTHOR", "COPIES", "RECALL"}, rows)
				return nil
			})
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func announceShowCmd(env *Env) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "show ID",
		Short: "show an announcement's text",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			id, err := announceID(args[0])
			if err != nil {
				return err
			}
			return env.Store.Read(func(r *store.Reader) error {
				anns, err := VisibleAnnouncements(r, env.Actor)
				if err != nil {
					return err
				}
				i := slices.IndexFunc(anns, func(a *model.Announcement) bool { return a.ID == id })
				if i < 0 {
					return model.NotFoundf("there is no announcement %d; announce list shows them", id)
				}
				a := ToAnnouncementJSON(r, anns[i], -1)
				if asJSON {
					return env.printJSON(a)
				}
				env.printf("%s\n\n%s\n", a.Title, a.Body)
				return nil
			})
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

// LetterJSON is one letter template as announce template list prints it.
type LetterJSON struct {
	Name   string `json:"name"`
	Lang   string `json:"lang"`
	Custom bool   `json:"custom"`
	Text   string `json:"text,omitempty"`
}

func announceTemplateCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "template", Short: "the templates of the welcome letter and the password-expiry reminder (text/template; zh-CN and en)"}
	letters := func(fn func(r *store.Reader, overrides map[string]string) error) error {
		return env.Store.Read(func(r *store.Reader) error {
			if err := env.authorize(r, model.RightOrgManage, nil); err != nil {
				return err
			}
			o, err := r.LetterTemplates()
			if err != nil {
				return err
			}
			return fn(r, o)
		})
	}
	var listJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "list the letters, each language, and whether an admin's text replaces the default",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return letters(func(r *store.Reader, o map[string]string) error {
				var out []LetterJSON
				for _, n := range model.LetterNames {
					for _, l := range model.LetterLangs {
						_, custom := o[model.LetterKey(n, l)]
						out = append(out, LetterJSON{Name: n, Lang: l, Custom: custom})
					}
				}
				if listJSON {
					return env.printJSON(out)
				}
				var rows [][]string
				for _, x := range out {
					src := "default"
					if x.Custom {
						src = "custom"
					}
					rows = append(rows, []string{x.Name, x.Lang, src})
				}
				env.table([]string{"NAME", "LANG", "TEXT"}, rows)
				return nil
			})
		},
	}
	list.Flags().BoolVar(&listJSON, "json", false, "print JSON")
	var showLang string
	var showJSON bool
	show := &cobra.Command{
		Use:   "show NAME [--lang zh-CN|en]",
		Short: "print a letter's template as it is used now",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return letters(func(r *store.Reader, o map[string]string) error {
				if !slices.Contains(model.LetterNames, args[0]) {
					return model.Invalidf("there is no letter %q: use %s", args[0], strings.Join(model.LetterNames, " or "))
				}
				if !slices.Contains(model.LetterLangs, showLang) {
					return model.Invalidf("letters are written in zh-CN or en, not %q", showLang)
				}
				text, custom, err := model.LetterText(o, args[0], showLang)
				if err != nil {
					return err
				}
				if showJSON {
					return env.printJSON(LetterJSON{Name: args[0], Lang: showLang, Custom: custom, Text: text})
				}
				env.printf("%s", text)
				return nil
			})
		},
	}
	show.Flags().StringVar(&showLang, "lang", "zh-CN", "zh-CN or en")
	show.Flags().BoolVar(&showJSON, "json", false, "print JSON")
	var setLang, setFile string
	set := &cobra.Command{
		Use:   "set NAME --lang zh-CN|en --file FILE|-",
		Short: "replace a letter's template; it is tried on a sample member first and refused with the reason when it fails",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if setFile == "" {
				return model.Invalidf("give the template with --file FILE, or --file - for standard input")
			}
			text, err := env.readAll(setFile, model.MaxLetterTemplate)
			if err != nil {
				return err
			}
			if err := env.apply(&model.SetLetterTemplate{Name: args[0], Lang: setLang, Text: string(text)}); err != nil {
				return err
			}
			env.printf("saved: %s (%s)\n", args[0], setLang)
			return nil
		},
	}
	set.Flags().StringVar(&setLang, "lang", "", "zh-CN or en")
	set.Flags().StringVar(&setFile, "file", "", "the template file (UTF-8), - for standard input")
	var resetLang string
	reset := &cobra.Command{
		Use:   "reset NAME [--lang zh-CN|en]",
		Short: "go back to the default template (both languages unless --lang)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := env.apply(&model.SetLetterTemplate{Name: args[0], Lang: resetLang, Reset: true}); err != nil {
				return err
			}
			env.printf("default again: %s\n", args[0])
			return nil
		},
	}
	reset.Flags().StringVar(&resetLang, "lang", "", "zh-CN or en; none: both")
	c.AddCommand(list, show, set, reset)
	return c
}
