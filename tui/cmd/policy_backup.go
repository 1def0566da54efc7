package cmd

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"postroom/model"
	"postroom/store"
)

// backupWords says a backup rule's conditions.
func (e *Env) backupWords(r *store.Reader, b model.BackupRule, zh bool) string {
	var parts []string
	if len(b.Senders) > 0 {
		parts = append(parts, pick(zh, "from ", "发件人 ")+addrWords(b.Senders))
	}
	if len(b.Recipients) > 0 {
		parts = append(parts, pick(zh, "to ", "收件人 ")+addrWords(b.Recipients))
	}
	if len(b.Depts) > 0 {
		parts = append(parts, pick(zh, "departments ", "部门 ")+e.deptWords(r, b.Depts))
	}
	if b.Direction != "" {
		parts = append(parts, pick(zh, "direction ", "方向 ")+b.Direction)
	}
	return strings.Join(parts, pick(zh, ", ", "，"))
}

// policyBackupCmd manages the backup rules (MAILFX-2): copies of matching
// mail to a backup mailbox, from the moment a rule is saved.
func policyBackupCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "backup", Short: "backup rules: copies of matching mail to a backup mailbox (MAILFX-2)"}
	var to, direction string
	var from, rcpt, depts []string
	var asJSON bool
	add := &cobra.Command{
		Use:   "add NAME --to MAILBOX [--from ADDR]... [--rcpt ADDR]... [--dept PATH]... [--direction in|out|internal]",
		Short: "copy mail that meets every condition given (any of the values of one) to MAILBOX, from now on; an existing rule of that name is replaced",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return env.editBackup(asJSON, func(r *store.Reader, rules []model.BackupRule) ([]model.BackupRule, error) {
				rule := model.BackupRule{Name: args[0], Mailbox: model.Address(to), Direction: direction}
				for _, a := range from {
					rule.Senders = append(rule.Senders, model.Address(a))
				}
				for _, a := range rcpt {
					rule.Recipients = append(rule.Recipients, model.Address(a))
				}
				for _, p := range depts {
					d, err := r.DeptByPath(p)
					if err != nil {
						return nil, err
					}
					rule.Depts = append(rule.Depts, d.ID)
				}
				if i := slices.IndexFunc(rules, func(b model.BackupRule) bool { return b.Name == rule.Name }); i >= 0 {
					rules[i] = rule
					return rules, nil
				}
				return append(rules, rule), nil
			})
		},
	}
	f := add.Flags()
	f.StringVar(&to, "to", "", "the mailbox that receives the copies: a member, shared or department mailbox")
	f.StringArrayVar(&from, "from", nil, "the sender is this address (repeat for several)")
	f.StringArrayVar(&rcpt, "rcpt", nil, "this address is among the recipients (repeat for several)")
	f.StringArrayVar(&depts, "dept", nil, "the sender or a recipient is in this department or below it (repeat for several)")
	f.StringVar(&direction, "direction", "", "in (from outside), out (leaves the company) or internal")
	f.BoolVar(&asJSON, "json", false, "print the impact as JSON")
	rm := &cobra.Command{
		Use:   "rm NAME",
		Short: "remove a backup rule: matching mail is no longer copied",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return env.editBackup(asJSON, func(r *store.Reader, rules []model.BackupRule) ([]model.BackupRule, error) {
				i := slices.IndexFunc(rules, func(b model.BackupRule) bool { return b.Name == args[0] })
				if i < 0 {
					return nil, model.NotFoundf("there is no backup rule %q: policy backup list shows them", args[0])
				}
				return slices.Delete(rules, i, i+1), nil
			})
		},
	}
	rm.Flags().BoolVar(&asJSON, "json", false, "print the impact as JSON")
	list := &cobra.Command{
		Use:   "list [--json]",
		Short: "the backup rules",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return env.Store.Read(func(r *store.Reader) error {
				if err := env.mayReadPolicy(r); err != nil {
					return err
				}
				p, err := r.MailPolicy()
				if err != nil {
					return err
				}
				if asJSON {
					doc, err := policyDoc(r, model.MailPolicy{Backup: p.Backup})
					if err != nil {
						return err
					}
					rules, _ := doc.(map[string]any)["backup"]
					if rules == nil {
						rules = []any{}
					}
					return env.printJSON(rules)
				}
				if len(p.Backup) == 0 {
					env.say("No backup rules: policy backup add NAME --to MAILBOX ... makes one.", "没有邮件备份规则：用 policy backup add NAME --to MAILBOX ... 添加。")
					return nil
				}
				var rows [][]string
				for _, b := range p.Backup {
					rows = append(rows, []string{b.Name, string(b.Mailbox), env.backupWords(r, b, false), b.Since.Local().Format("2006-01-02 15:04")})
				}
				env.table([]string{"NAME", "MAILBOX", "WHEN", "SINCE"}, rows)
				return nil
			})
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON, departments as paths")
	c.AddCommand(add, rm, list)
	return c
}

// editBackup changes the backup rules through policy set's path: the
// policy as read is the base, so a concurrent change is refused, and the
// impact is printed.
func (e *Env) editBackup(asJSON bool, edit func(r *store.Reader, rules []model.BackupRule) ([]model.BackupRule, error)) error {
	var ch *model.SetMailPolicy
	err := e.Store.Read(func(r *store.Reader) error {
		if err := e.authorize(r, model.RightPolicyManage, nil); err != nil {
			return err
		}
		base, err := r.MailPolicy()
		if err != nil {
			return err
		}
		p := base
		rules, err := edit(r, slices.Clone(base.Backup))
		if err != nil {
			return err
		}
		p.Backup = rules
		ch = &model.SetMailPolicy{Policy: p, Base: &base}
		return nil
	})
	if err != nil {
		return err
	}
	if err := e.apply(ch); err != nil {
		return err
	}
	if asJSON {
		return e.printJSON(ch.Impact)
	}
	for _, l := range ch.Impact.Lines {
		fmt.Fprintln(e.Stdout, l)
	}
	return nil
}
