package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"postroom/model"
	"postroom/store"
)

func orgCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "org", Short: "the enterprise profile"}
	var asJSON bool
	show := &cobra.Command{
		Use:   "show",
		Short: "show the enterprise profile and domains",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return env.Store.Read(func(r *store.Reader) error {
				e, err := r.Enterprise()
				if err != nil {
					return err
				}
				ds, err := r.Domains()
				if err != nil {
					return err
				}
				cnt := r.Count()
				var names []string
				for _, d := range ds {
					names = append(names, d.Name)
				}
				if asJSON {
					return env.printJSON(map[string]any{"name": e.Name, "address": e.Address, "contact": e.Contact, "phone": e.Phone,
						"description": e.Description, "address_book_shared": e.AddressBookShared, "block_after": e.WarnLimit(), "notify_quota": e.NotifyLimit(), "domains": names,
						"members": cnt.Members, "departments": cnt.Depts, "groups": cnt.Groups,
						"four_eyes": fourEyesList(e), "inactive_after": model.FormatInactiveAfter(e.InactiveLimit())})
				}
				book := "private"
				if e.AddressBookShared {
					book = "shared"
				}
				env.table([]string{"FIELD", "VALUE"}, [][]string{{"name", e.Name}, {"address", e.Address}, {"contact", e.Contact},
					{"phone", e.Phone}, {"description", e.Description}, {"address book", book}, {"block after", fmt.Sprint(e.WarnLimit(), " warnings")}, {"notify quota", fmt.Sprint(e.NotifyLimit(), " a day")},
					{"four-eyes", strings.Join(fourEyesList(e), ", ")}, {"inactive after", model.FormatInactiveAfter(e.InactiveLimit())}, {"domains", strings.Join(names, ", ")},
					{"members", fmt.Sprint(cnt.Members)}, {"departments", fmt.Sprint(cnt.Depts)}, {"groups", fmt.Sprint(cnt.Groups)}})
				return nil
			})
		},
	}
	show.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	var name, address, contact, phone, desc, book string
	var blockAfter, notifyQuota int
	var fourEyes, inactiveAfter string
	var setJSON bool
	set := &cobra.Command{
		Use:   "set [--name N] [--address A] [--contact C] [--phone P] [--description D] [--address-book shared|private] [--block-after N] [--four-eyes all|none|CLASSES] [--inactive-after 180d|off] [--notify-quota N]",
		Short: "change the enterprise profile (the root department takes the new name)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			ch := &model.SetEnterprise{}
			for flag, dst := range map[string]**string{"name": &ch.Name, "address": &ch.Address, "contact": &ch.Contact, "phone": &ch.Phone, "description": &ch.Description} {
				if c.Flags().Changed(flag) {
					v, _ := c.Flags().GetString(flag)
					*dst = &v
				}
			}
			if c.Flags().Changed("address-book") {
				var shared bool
				switch book {
				case "shared":
					shared = true
				case "private":
				default:
					return model.Invalidf("--address-book takes shared or private")
				}
				ch.AddressBookShared = &shared
			}
			if c.Flags().Changed("block-after") {
				ch.BlockAfter = &blockAfter
			}
			if c.Flags().Changed("four-eyes") {
				on, err := model.ParseFourEyes(fourEyes)
				if err != nil {
					return err
				}
				ch.FourEyes = &on
			}
			if c.Flags().Changed("notify-quota") {
				ch.NotifyQuota = &notifyQuota
			}
			if c.Flags().Changed("inactive-after") {
				d, err := model.ParseInactiveAfter(inactiveAfter)
				if err != nil {
					return err
				}
				ch.InactiveAfter = &d
			}
			if err := env.apply(ch); err != nil {
				return err
			}
			if setJSON {
				return env.printJSON(map[string]any{"status": model.RequestApplied})
			}
			env.printf("enterprise profile saved\n")
			return nil
		},
	}
	set.Flags().StringVar(&name, "name", "", "enterprise name")
	set.Flags().StringVar(&address, "address", "", "postal address")
	set.Flags().StringVar(&contact, "contact", "", "contact person")
	set.Flags().StringVar(&phone, "phone", "", "contact phone")
	set.Flags().StringVar(&desc, "description", "", "description")
	set.Flags().StringVar(&book, "address-book", "", "shared or private: whether members see the enterprise address book")
	set.Flags().IntVar(&blockAfter, "block-after", model.DefaultWarnLimit, "how many warnings block a mailbox (ACC-7)")
	set.Flags().IntVar(&notifyQuota, "notify-quota", model.DefaultNotifyQuota, "how many notification messages may go a day (MAILFX-3)")
	set.Flags().BoolVar(&setJSON, "json", false, "print JSON: saved, or the request when it waits for a second admin")
	set.Flags().StringVar(&fourEyes, "four-eyes", "all", "which dangerous changes need a second admin's approval: all, none, or some of domain-delete,broadcast,password-policy,sending-rule")
	set.Flags().StringVar(&inactiveAfter, "inactive-after", "180d", "how long an account goes unused before it counts as inactive (ACC-6): days like 90d, or off")
	c.AddCommand(show, set)
	return c
}

// fourEyesList names the classes of change that need a second admin.
func fourEyesList(e model.Enterprise) []string {
	out := []string{}
	for _, c := range e.FourEyesOn() {
		out = append(out, string(c))
	}
	return out
}

func domainCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "domain", Short: "the company's mail domains"}
	add := simple(env, "add DOMAIN", "add a mail domain (IDN domains in punycode: xn--...)", 1, func(args []string) (model.Change, error) {
		return &model.AddDomain{Name: args[0]}, nil
	}, func(args []string) string { return args[0] + " added" })
	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "list the domains, the primary first",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return env.Store.Read(func(r *store.Reader) error {
				ds, err := r.Domains()
				if err != nil {
					return err
				}
				type row struct {
					Name      string `json:"name"`
					Primary   bool   `json:"primary"`
					Addresses int    `json:"addresses"`
					Added     string `json:"added"`
				}
				out := []row{}
				for _, d := range ds {
					as, _ := r.Addresses(d.Name)
					out = append(out, row{d.Name, d.Primary, len(as), d.Added.UTC().Format(time.RFC3339)})
				}
				if asJSON {
					return env.printJSON(out)
				}
				var rows [][]string
				for _, d := range out {
					p := ""
					if d.Primary {
						p = "primary"
					}
					rows = append(rows, []string{d.Name, p, fmt.Sprint(d.Addresses)})
				}
				env.table([]string{"DOMAIN", "", "ADDRESSES"}, rows)
				return nil
			})
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	var confirm string
	var rmJSON bool
	rm := &cobra.Command{
		Use:   "rm DOMAIN --confirm DOMAIN",
		Short: "remove a domain with all its members and their mail (a backup is taken first)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			d, err := model.ParseDomain(args[0])
			if err != nil {
				return err
			}
			var contents model.DomainContents
			if err := env.Store.Read(func(r *store.Reader) error {
				if err := env.authorize(r, model.RightOrgManage, nil); err != nil {
					return err
				}
				if !r.IsLocal(d) {
					return model.NotFoundf("%s is not one of the company's domains", d)
				}
				contents, err = model.ContentsOf(r, r, d)
				return err
			}); err != nil {
				return err
			}
			if confirm != d {
				return model.Invalidf("%s. Nothing was changed. To go ahead, repeat the domain: domain rm %s --confirm %s", contents.Summary(), d, d)
			}
			backup, err := env.backupBefore("domain-rm-" + d)
			if err != nil {
				return err
			}
			ch := &model.RemoveDomain{Name: d, Confirm: confirm}
			if err := env.apply(ch); err != nil {
				return err
			}
			out := map[string]any{"status": model.RequestApplied, "removed": ch.Removed, "backup": backup}
			if !rmJSON {
				env.printf("%s\nbackup taken first: %s\n", ch.Removed.Summary(), backup)
			}
			mail := filepath.Join(filepath.Dir(env.Store.Path()), "mail", d)
			if _, err := os.Stat(mail); err == nil {
				kept := strings.TrimSuffix(backup, ".db") + "-mail"
				if err := os.Rename(mail, kept); err != nil {
					return fmt.Errorf("the domain is removed, but its mail could not be moved aside: %w", err)
				}
				out["mail_moved_to"] = kept
				if !rmJSON {
					env.printf("its mail was moved to %s; delete that folder when the backup is no longer needed\n", kept)
				}
			}
			if rmJSON {
				return env.printJSON(out)
			}
			return nil
		},
	}
	rm.Flags().StringVar(&confirm, "confirm", "", "repeat the domain to confirm")
	rm.Flags().BoolVar(&rmJSON, "json", false, "print JSON: what went, or the request when it waits for a second admin")
	c.AddCommand(add, list, rm)
	return c
}

// backupBefore takes a backup into DIR/backups before a destructive change.
func (e *Env) backupBefore(what string) (string, error) {
	dir := filepath.Join(filepath.Dir(e.Store.Path()), "backups")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("backup before %s: %w", what, err)
	}
	name := filepath.Join(dir, fmt.Sprintf("%s-%s.db", e.Store.Now().UTC().Format("20060102T150405Z"), what))
	if _, err := e.Store.BackupFile(name); err != nil {
		return "", err
	}
	return name, nil
}
