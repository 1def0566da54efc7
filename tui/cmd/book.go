package cmd

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"postroom/model"
	"postroom/store"
)

// maxBookImport bounds a contacts file (CSV or vCard).
const maxBookImport = 32 << 20

// contactJSON is one contact as book list --json prints it.
type contactJSON struct {
	ID      model.ContactID `json:"id"`
	Name    string          `json:"name"`
	Emails  []string        `json:"emails"`
	Phones  []string        `json:"phones"`
	Company string          `json:"company"`
	Title   string          `json:"title"`
	Notes   string          `json:"notes"`
	Updated string          `json:"updated"`
	By      model.Address   `json:"by"`
}

func toContactJSON(c *model.Contact) contactJSON {
	out := contactJSON{ID: c.ID, Name: c.Name, Emails: c.Emails, Phones: c.Phones, Company: c.Company, Title: c.Title,
		Notes: c.Notes, Updated: c.Updated.UTC().Format("2006-01-02T15:04:05Z"), By: c.By}
	if out.Emails == nil {
		out.Emails = []string{}
	}
	if out.Phones == nil {
		out.Phones = []string{}
	}
	return out
}

// bookImportReport is what book import prints with --json.
type bookImportReport struct {
	File        string                `json:"file"`
	Format      string                `json:"format"`
	Encoding    string                `json:"encoding"`
	OnDuplicate string                `json:"on_duplicate"`
	DryRun      bool                  `json:"dry_run"`
	Applied     bool                  `json:"applied"`
	Added       int                   `json:"added"`
	Overwritten int                   `json:"overwritten"`
	Unchanged   int                   `json:"unchanged"`
	Skipped     int                   `json:"skipped"`
	Errors      int                   `json:"errors"`
	Ignored     []string              `json:"ignored_columns"`
	Outcomes    []model.ImportOutcome `json:"outcomes"`
	// Batch is the batch task that records the run row by row (LOG-5);
	// a dry run records none.
	Batch uint64 `json:"batch,omitempty"`
}

// sharingJSON is what book share prints with --json.
type sharingJSON struct {
	ViewDepts   []string `json:"viewer_depts"`
	Viewers     []string `json:"viewers"`
	EditDepts   []string `json:"editor_depts"`
	Editors     []string `json:"editors"`
	YourAccess  string   `json:"your_access"`
	Enterprise  bool     `json:"enterprise_book_shared"`
	ContactsNum int      `json:"contacts"`
}

// bookCmd is the address books: the customer address book (BOOK-1) and
// the enterprise address book's search and export (ORG-8).
func bookCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "book", Short: "address books: customers' contacts (import, list, share) and the enterprise address book"}
	c.AddCommand(bookListCmd(env), bookAddCmd(env), bookSetCmd(env), bookRmCmd(env), bookImportCmd(env), bookTemplateCmd(env),
		bookShareCmd(env), bookExportCmd(env), bookDirectoryCmd(env))
	return c
}

func bookListCmd(env *Env) *cobra.Command {
	var query string
	var asJSON bool
	c := &cobra.Command{
		Use:   "list [--query Q] [--json]",
		Short: "list the customer address book, or the contacts a query finds (name, pinyin, email, company, phone)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return env.Store.Read(func(r *store.Reader) error {
				if err := model.AuthorizeBook(r, env.Actor, model.BookRead); err != nil {
					return err
				}
				cs, err := r.SortedContacts(query)
				if err != nil {
					return err
				}
				if asJSON {
					out := []contactJSON{}
					for _, ct := range cs {
						out = append(out, toContactJSON(ct))
					}
					return env.printJSON(out)
				}
				var rows [][]string
				for _, ct := range cs {
					rows = append(rows, []string{strconv.FormatUint(uint64(ct.ID), 10), ct.Name, strings.Join(ct.Emails, "; "),
						strings.Join(ct.Phones, "; "), ct.Company, ct.Title})
				}
				env.table([]string{"ID", "NAME", "EMAIL", "PHONE", "COMPANY", "TITLE"}, rows)
				return nil
			})
		},
	}
	c.Flags().StringVar(&query, "query", "", "only the contacts this finds")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

// contactFlags are the fields of book add and book set.
type contactFlags struct {
	name, company, title, notes string
	emails, phones              []string
}

func (f *contactFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.name, "name", "", "the contact's name")
	c.Flags().StringSliceVar(&f.emails, "email", nil, "an email address; repeat it for several")
	c.Flags().StringSliceVar(&f.phones, "phone", nil, "a phone number; repeat it for several")
	c.Flags().StringVar(&f.company, "company", "", "company or organisation")
	c.Flags().StringVar(&f.title, "title", "", "job title")
	c.Flags().StringVar(&f.notes, "notes", "", "notes")
}

func bookAddCmd(env *Env) *cobra.Command {
	var f contactFlags
	var asJSON bool
	c := &cobra.Command{
		Use:   "add --name NAME [--email E]... [--phone P]... [--company C] [--title T] [--notes N]",
		Short: "add a contact to the customer address book",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			ch := &model.AddContact{Fields: model.ContactFields{Name: f.name, Emails: f.emails, Phones: f.phones, Company: f.company, Title: f.title, Notes: f.notes}}
			if err := env.apply(ch); err != nil {
				return err
			}
			if asJSON {
				return env.printJSON(map[string]any{"id": ch.ID})
			}
			env.printf("contact %d added\n", ch.ID)
			return nil
		},
	}
	f.register(c)
	c.Flags().BoolVar(&asJSON, "json", false, "print the new contact's id as JSON")
	return c
}

func contactID(s string) (model.ContactID, error) {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil || n == 0 {
		return 0, model.Invalidf("%q is not a contact id: give the number book list shows", s)
	}
	return model.ContactID(n), nil
}

func bookSetCmd(env *Env) *cobra.Command {
	var f contactFlags
	c := &cobra.Command{
		Use:   "set ID [--name NAME] [--email E]... [--phone P]... [--company C] [--title T] [--notes N]",
		Short: "change a contact; --email and --phone replace the lists (--email '' empties it)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			id, err := contactID(args[0])
			if err != nil {
				return err
			}
			ch := &model.SetContact{ID: id}
			for _, x := range []struct {
				flag string
				dst  **string
				src  *string
			}{{"name", &ch.Name, &f.name}, {"company", &ch.Company, &f.company}, {"title", &ch.Title, &f.title}, {"notes", &ch.Notes, &f.notes}} {
				if c.Flags().Changed(x.flag) {
					*x.dst = x.src
				}
			}
			if c.Flags().Changed("email") {
				ch.Emails = &f.emails
			}
			if c.Flags().Changed("phone") {
				ch.Phones = &f.phones
			}
			if err := env.apply(ch); err != nil {
				return err
			}
			env.printf("contact %d saved\n", id)
			return nil
		},
	}
	f.register(c)
	return c
}

func bookRmCmd(env *Env) *cobra.Command {
	return simple(env, "rm ID", "delete a contact from the customer address book", 1, func(args []string) (model.Change, error) {
		id, err := contactID(args[0])
		return &model.DeleteContact{ID: id}, err
	}, func(args []string) string { return "contact " + args[0] + " deleted" })
}

func bookImportCmd(env *Env) *cobra.Command {
	var onDup string
	var dry, asJSON bool
	c := &cobra.Command{
		Use:   "import FILE|- [--on-duplicate skip|overwrite] [--dry-run] [--json]",
		Short: "import contacts from CSV (book template) or vCard 2.1/3.0/4.0; a contact whose email is already in the book is skipped or overwritten; nothing is imported unless every row is good",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			dup, err := model.ParseOnDuplicate(onDup)
			if err != nil {
				return err
			}
			// Refuse before reading a file the actor may not import.
			if err := env.Store.Read(func(r *store.Reader) error { return model.AuthorizeBook(r, env.Actor, model.BookEdit) }); err != nil {
				return err
			}
			raw, err := env.readAll(args[0], maxBookImport)
			if err != nil {
				return err
			}
			file, err := model.ReadContacts(bytes.NewReader(raw), maxBookImport)
			if err != nil {
				return err
			}
			name := filepath.Base(args[0])
			if args[0] == "-" {
				name = "standard input"
			}
			ch := &model.ImportContacts{File: name, Contacts: file, OnDuplicate: dup}
			failed, err := env.Store.ApplyAll(env.Actor, []model.Change{ch}, store.ApplyOptions{DryRun: dry})
			if err != nil {
				return err
			}
			rep := bookImportReport{File: name, Format: file.Format, Encoding: file.Encoding, OnDuplicate: string(dup), DryRun: dry,
				Applied: len(failed) == 0 && !dry, Added: ch.Added, Overwritten: ch.Overwritten, Unchanged: ch.Unchanged,
				Skipped: ch.Skipped, Errors: ch.Errors, Ignored: file.Ignored, Outcomes: ch.Outcomes}
			if rep.Ignored == nil {
				rep.Ignored = []string{}
			}
			if rep.Outcomes == nil {
				rep.Outcomes = []model.ImportOutcome{}
			}
			if len(failed) > 0 && ch.Errors == 0 {
				return failed[0].Err // refused, or the store failed: no report to give
			}
			if !dry {
				rep.Batch = env.recordBatch(model.BatchImportContacts, importState(importReport{Applied: rep.Applied}), bookImportSummary(rep), bookImportRows(rep))
			}
			if asJSON {
				if err := env.printJSON(rep); err != nil {
					return err
				}
			} else {
				env.say("file %s: %s, %s", "文件 %s：%s，%s", rep.File, rep.Format, rep.Encoding)
				if len(rep.Ignored) > 0 {
					env.say("columns left out: %s", "未导入的列：%s", strings.Join(rep.Ignored, ", "))
				}
				for _, o := range rep.Outcomes {
					env.printf("  %s\n", o.In(env.Lang))
				}
				switch {
				case rep.Errors > 0:
					env.say("nothing imported; once fixed it would import: %d added, %d overwritten, %d unchanged, %d skipped",
						"未导入任何内容；修正后将：新增 %d，覆盖 %d，无变化 %d，跳过 %d", rep.Added, rep.Overwritten, rep.Unchanged, rep.Skipped)
				case dry:
					env.say("dry run, nothing changed; it would import: %d added, %d overwritten, %d unchanged, %d skipped",
						"试运行，未做改动；将：新增 %d，覆盖 %d，无变化 %d，跳过 %d", rep.Added, rep.Overwritten, rep.Unchanged, rep.Skipped)
				default:
					env.say("imported: %d added, %d overwritten, %d unchanged, %d skipped",
						"已导入：新增 %d，覆盖 %d，无变化 %d，跳过 %d", rep.Added, rep.Overwritten, rep.Unchanged, rep.Skipped)
				}
			}
			if len(failed) > 0 {
				return failed[0].Err
			}
			return nil
		},
	}
	c.Flags().StringVar(&onDup, "on-duplicate", "skip", "what to do with a contact whose email is already in the book: skip or overwrite")
	c.Flags().BoolVar(&dry, "dry-run", false, "check everything and report, change nothing")
	c.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return c
}

func bookTemplateCmd(env *Env) *cobra.Command {
	var chinese bool
	c := &cobra.Command{
		Use:   "template [--zh]",
		Short: "print the CSV template of book import (UTF-8 with BOM, which Excel opens correctly)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return model.WriteContactsCSV(env.Stdout, nil, chinese)
		},
	}
	c.Flags().BoolVar(&chinese, "zh", false, "Chinese column names (姓名, 邮箱, 电话 …)")
	return c
}

func bookShareCmd(env *Env) *cobra.Command {
	var viewDepts, viewers, editDepts, editors []string
	var clear, asJSON bool
	c := &cobra.Command{
		Use:   "share [--viewer ADDR]... [--viewer-dept PATH]... [--editor ADDR]... [--editor-dept PATH]... [--clear] [--json]",
		Short: "choose the departments and people who may see or edit the customer address book (replaces the choice); without flags, show it",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			changed := clear
			for _, f := range []string{"viewer", "viewer-dept", "editor", "editor-dept"} {
				changed = changed || c.Flags().Changed(f)
			}
			if changed {
				vs, err := addrs(viewers)
				if err != nil {
					return err
				}
				es, err := addrs(editors)
				if err != nil {
					return err
				}
				if err := env.apply(&model.ShareBook{ViewDepts: nonEmpty(viewDepts), EditDepts: nonEmpty(editDepts), ViewMembers: vs, EditMembers: es}); err != nil {
					return err
				}
			}
			return env.Store.Read(func(r *store.Reader) error {
				if err := model.AuthorizeBook(r, env.Actor, model.BookRead); err != nil {
					return err
				}
				s, err := r.BookSharing()
				if err != nil {
					return err
				}
				cs, err := r.Contacts()
				if err != nil {
					return err
				}
				e, err := r.Enterprise()
				if err != nil {
					return err
				}
				out := sharingJSON{ViewDepts: []string{}, Viewers: []string{}, EditDepts: []string{}, Editors: []string{},
					YourAccess: bookAccessName(model.CustomerBookAccess(r, env.Actor, s)), Enterprise: e.AddressBookShared, ContactsNum: len(cs)}
				for _, d := range s.ViewDepts {
					out.ViewDepts = append(out.ViewDepts, r.DeptPath(d))
				}
				for _, d := range s.EditDepts {
					out.EditDepts = append(out.EditDepts, r.DeptPath(d))
				}
				for _, a := range s.ViewMembers {
					out.Viewers = append(out.Viewers, string(a))
				}
				for _, a := range s.EditMembers {
					out.Editors = append(out.Editors, string(a))
				}
				if asJSON {
					return env.printJSON(out)
				}
				none := func(l []string) string {
					if len(l) == 0 {
						return "-"
					}
					return strings.Join(l, ", ")
				}
				env.table([]string{"WHO", "DEPARTMENTS", "PEOPLE"}, [][]string{
					{"may see", none(out.ViewDepts), none(out.Viewers)},
					{"may edit", none(out.EditDepts), none(out.Editors)},
				})
				env.printf("%d contacts; your access: %s\n", out.ContactsNum, out.YourAccess)
				return nil
			})
		},
	}
	c.Flags().StringSliceVar(&viewers, "viewer", nil, "a member who may see the book; repeat it")
	c.Flags().StringSliceVar(&viewDepts, "viewer-dept", nil, "a department (with those below it) whose members may see the book; repeat it")
	c.Flags().StringSliceVar(&editors, "editor", nil, "a member who may see and edit the book; repeat it")
	c.Flags().StringSliceVar(&editDepts, "editor-dept", nil, "a department (with those below it) whose members may see and edit the book; repeat it")
	c.Flags().BoolVar(&clear, "clear", false, "share with nobody but the admins (with no other flags)")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

func bookAccessName(a model.BookAccess) string {
	switch a {
	case model.BookRead:
		return "read"
	case model.BookEdit:
		return "edit"
	case model.BookManage:
		return "manage"
	}
	return "none"
}

func bookExportCmd(env *Env) *cobra.Command {
	var format, query string
	var customers, chinese bool
	c := &cobra.Command{
		Use:   "export [--format csv|vcard] [--customers] [--query Q] [--zh]",
		Short: "the enterprise address book (or with --customers the customer address book) as CSV that Excel opens correctly, or as vCard 4.0",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if format != "csv" && format != "vcard" {
				return model.Invalidf("--format takes csv or vcard, not %q", format)
			}
			var buf bytes.Buffer
			err := env.Store.Read(func(r *store.Reader) error {
				if customers {
					if err := model.AuthorizeBook(r, env.Actor, model.BookRead); err != nil {
						return err
					}
					cs, err := r.SortedContacts(query)
					if err != nil {
						return err
					}
					if format == "vcard" {
						return model.WriteVCards(&buf, cs)
					}
					return model.WriteContactsCSV(&buf, cs, chinese)
				}
				keep, err := model.DirectoryFilter(r, env.Actor)
				if err != nil {
					return err
				}
				es, err := r.Directory(query, keep)
				if err != nil {
					return err
				}
				if format == "vcard" {
					e, err := r.Enterprise()
					if err != nil {
						return err
					}
					return model.WriteDirectoryVCards(&buf, e.Name, es)
				}
				return model.WriteDirectoryCSV(&buf, es, chinese)
			})
			if err != nil {
				return err
			}
			_, err = env.Stdout.Write(buf.Bytes())
			return err
		},
	}
	c.Flags().StringVar(&format, "format", "csv", "csv or vcard")
	c.Flags().BoolVar(&customers, "customers", false, "the customer address book instead of the enterprise one")
	c.Flags().StringVar(&query, "query", "", "only the entries this finds")
	c.Flags().BoolVar(&chinese, "zh", false, "Chinese column names in CSV")
	return c
}

func bookDirectoryCmd(env *Env) *cobra.Command {
	var query string
	var asJSON bool
	c := &cobra.Command{
		Use:   "directory [--query Q] [--json]",
		Short: "search the enterprise address book by name, pinyin or initials, address or department (every member, once an admin shares it)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return env.Store.Read(func(r *store.Reader) error {
				keep, err := model.DirectoryFilter(r, env.Actor)
				if err != nil {
					return err
				}
				es, err := r.Directory(query, keep)
				if err != nil {
					return err
				}
				if asJSON {
					return env.printJSON(es)
				}
				var rows [][]string
				for _, e := range es {
					rows = append(rows, []string{e.Name, string(e.Address), strings.Join(e.Departments, "; "), e.Title, e.Mobile})
				}
				env.table([]string{"NAME", "ADDRESS", "DEPARTMENT", "TITLE", "MOBILE"}, rows)
				if len(es) == 0 {
					fmt.Fprintln(env.Stderr, "nobody found")
				}
				return nil
			})
		},
	}
	c.Flags().StringVar(&query, "query", "", "name, pinyin or initials, address, phone or department")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func bookImportSummary(rep bookImportReport) string {
	if !rep.Applied {
		return fmt.Sprintf("%s: %d rows or cards have problems; nothing was imported", rep.File, rep.Errors)
	}
	return fmt.Sprintf("%s: %d added, %d overwritten, %d unchanged, %d skipped", rep.File, rep.Added, rep.Overwritten, rep.Unchanged, rep.Skipped)
}

// bookImportRows is the per-row report of a contacts import as batch
// rows. The import is all or nothing, so when any row failed the good ones
// are skipped.
func bookImportRows(rep bookImportReport) []model.BatchRow {
	rows := make([]model.BatchRow, 0, len(rep.Outcomes))
	for _, o := range rep.Outcomes {
		key := fmt.Sprintf("%s %d", o.Unit, o.Number)
		if o.Name != "" {
			key += " " + o.Name
		}
		if o.Email != "" {
			key += " <" + o.Email + ">"
		}
		row := model.BatchRow{Key: key, Outcome: model.OutcomeOK, Reason: o.Action}
		switch {
		case o.Action == "error":
			row.Outcome, row.Reason, row.ReasonZH = model.OutcomeFailed, o.Reason, o.ReasonZH
		case !rep.Applied:
			row.Outcome, row.Reason = model.OutcomeSkipped, "not imported: other rows have problems"
		case o.Action == "skipped":
			row.Outcome, row.Reason = model.OutcomeSkipped, o.Reason
		}
		if row.ReasonZH == "" {
			row.ReasonZH = model.ImportWordZH(row.Reason)
		}
		rows = append(rows, row)
	}
	return rows
}
