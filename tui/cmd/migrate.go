package cmd

import (
	"bytes"
	"fmt"
	"net"
	"path/filepath"

	"github.com/spf13/cobra"

	"postroom/model"
	"postroom/store"
)

// maxMigrationList bounds the CSV of mailboxes to migrate.
const maxMigrationList = 16 << 20

// migrateCmd is the mailbox migration from an old server (MAILFX-4).
func migrateCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "migrate", Short: "mailbox migration: pull members' mail from an old server over IMAP into their Maildir"}
	c.AddCommand(migrateIMAPCmd(env), migrateStatusCmd(env))
	return c
}

func migrateIMAPCmd(env *Env) *cobra.Command {
	var server, list string
	var useTLS, startTLS, plain, asJSON bool
	c := &cobra.Command{
		Use:   "imap --server HOST:PORT [--tls|--starttls|--insecure-plain-for-tests] --csv FILE|- [--json]",
		Short: "copy each listed member's mail (every folder, flags, dates) from the old IMAP server into their Maildir; the CSV has address,login,password (邮箱,登录名,密码); a second run copies only what is new; prints the batch task id first",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if env.MigrateIMAP == nil {
				return model.Invalidf("mailbox migration writes to the Maildir of the running server: run it over SSH to postroom serve, or locally with postroom --data DIR while serve is stopped")
			}
			if !model.HoldsAnywhere(env.Actor, model.RightImport) {
				return env.Store.Read(func(r *store.Reader) error { return env.authorize(r, model.RightImport, nil) })
			}
			security := "tls"
			switch {
			case btoi(useTLS)+btoi(startTLS)+btoi(plain) > 1:
				return model.Invalidf("give one of --tls, --starttls and --insecure-plain-for-tests")
			case startTLS:
				security = "starttls"
			case plain:
				security = "plain"
			}
			if _, _, err := net.SplitHostPort(server); err != nil || server == "" {
				return model.Invalidf("--server takes the old server as HOST:PORT, such as imap.old.example.com:993, not %q", server)
			}
			if list == "" {
				return model.Invalidf("--csv names the list of mailboxes: a CSV with address,login,password (邮箱,登录名,密码), or - for standard input")
			}
			raw, err := env.readAll(list, maxMigrationList)
			if err != nil {
				return err
			}
			file, err := model.ReadMigrationCSV(bytes.NewReader(raw), maxMigrationList)
			if err != nil {
				return err
			}
			name := filepath.Base(list)
			if list == "-" {
				name = "standard input"
			}
			id, err := env.Store.BeginBatch(env.Actor, model.BatchMigrate, len(file.Rows)+len(file.Errors),
				fmt.Sprintf("%s from %s (%s): %d mailboxes", name, server, security, len(file.Rows)))
			if err != nil {
				return err
			}
			if !asJSON {
				env.printf("batch %d: migrating %d mailboxes from %s\n", id, len(file.Rows), server)
			}
			var bad []model.BatchRow
			for _, e := range file.Errors {
				bad = append(bad, model.BatchRow{Key: fmt.Sprintf("line %d", e.Line), Outcome: model.OutcomeFailed, Reason: e.String()})
				if !asJSON {
					env.printf("  %s\n", e.In(env.Lang))
				}
			}
			if err := env.Store.AddBatchRows(id, bad...); err != nil {
				return err
			}
			if len(file.Rows) == 0 {
				env.Store.FinishBatch(id, model.BatchFailed, fmt.Sprintf("%s: no good row to migrate", name))
				return model.Invalidf("%s lists no mailbox that can be migrated; fix the rows listed and run it again", name)
			}
			job := model.MigrationJob{Server: server, Security: security, Batch: id, Rows: file.Rows}
			err = env.MigrateIMAP(env.Actor, job, func(row model.BatchRow) {
				if !asJSON {
					env.printf("  %s %s: %s\n", row.Outcome, row.Key, row.Reason)
				}
			})
			if err != nil {
				return err
			}
			if err := env.showBatch(id, model.BatchMigrate, "", 0, 0, asJSON); err != nil {
				return err
			}
			return env.Store.Read(func(r *store.Reader) error {
				b, err := r.Batch(id)
				if err != nil || b.State != model.BatchCancelled {
					return err
				}
				who, at := b.CancelWhoWhen()
				if !b.CancelRequested() {
					return model.Conflictf("batch task %d stopped before the end: run the same migrate imap again to go on where it stopped", int(id))
				}
				return model.Conflictf("batch task %d was cancelled by %s at %s: run the same migrate imap again to go on where it stopped", int(id), who, at)
			})
		},
	}
	c.Flags().StringVar(&server, "server", "", "the old server, HOST:PORT")
	c.Flags().BoolVar(&useTLS, "tls", false, "TLS from the start, usually port 993 (the default)")
	c.Flags().BoolVar(&startTLS, "starttls", false, "plain, then STARTTLS, usually port 143")
	c.Flags().BoolVar(&plain, "insecure-plain-for-tests", false, "no TLS: passwords cross the network in clear; for a test server on loopback only")
	c.Flags().StringVar(&list, "csv", "", "the mailboxes: a CSV with address,login,password (邮箱,登录名,密码); - for standard input")
	c.Flags().BoolVar(&asJSON, "json", false, "print the finished batch task with every row as JSON")
	return c
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func migrateStatusCmd(env *Env) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "status ID [--json]",
		Short: "a migration's progress, with each member's messages, bytes, folders and errors",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			id, err := batchID(args[0])
			if err != nil {
				return err
			}
			return env.showBatch(id, model.BatchMigrate, "", 0, 0, asJSON)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}
