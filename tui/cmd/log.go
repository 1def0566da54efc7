package cmd

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"postroom/model"
	"postroom/store"
)

// parseTime accepts RFC 3339, a date, or a date and time.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, model.Invalidf("time %q: write it as 2026-11-28, 2026-11-28 09:30 or RFC 3339", s)
}

func logCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "log", Short: "the logs: operations, logins, mail, the busiest senders, violations"}
	var actor, op, target, door, since, until string
	var limit int
	var asJSON, verbose bool
	ops := &cobra.Command{
		Use:   "ops [--actor ADDR] [--op PREFIX] [--target T] [--since T] [--until T]",
		Short: "the operation log, newest first: who changed what, through which door, before and after",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			f := store.OpFilter{Actor: model.Address(strings.ToLower(actor)), Op: op, Target: target, Door: model.Door(door), Limit: limit}
			var err error
			if f.Since, err = parseTime(since); err != nil {
				return err
			}
			if f.Until, err = parseTime(until); err != nil {
				return err
			}
			return env.Store.Read(func(r *store.Reader) error {
				if err := env.authorize(r, model.RightLogRead, nil); err != nil {
					return err
				}
				recs, err := r.OpLog(f)
				if err != nil {
					return err
				}
				if asJSON {
					if recs == nil {
						recs = []store.OpRecord{}
					}
					return env.printJSON(recs)
				}
				var rows [][]string
				for _, rec := range recs {
					who := string(rec.Actor)
					if who == "" {
						who = rec.Name
					}
					var notes []string
					for _, n := range rec.Notes {
						notes = append(notes, n.Key+": "+n.Value)
					}
					rows = append(rows, []string{fmt.Sprint(rec.Seq), rec.Time.Local().Format("2006-01-02 15:04:05"), who, string(rec.Door), rec.Op, rec.Target, strings.Join(notes, "; ")})
					if verbose {
						for _, d := range rec.Changes {
							rows = append(rows, []string{"", "", "", "", "  " + d.Kind, d.Key, "before " + string(d.Before)})
							rows = append(rows, []string{"", "", "", "", "", "", "after  " + string(d.After)})
						}
					}
				}
				env.table([]string{"SEQ", "TIME", "ACTOR", "DOOR", "OP", "TARGET", "NOTES"}, rows)
				return nil
			})
		},
	}
	ops.Flags().StringVar(&actor, "actor", "", "only changes by this person")
	ops.Flags().StringVar(&op, "op", "", "only operations starting with this, e.g. member. or password.reset")
	ops.Flags().StringVar(&target, "target", "", "only changes whose target contains this")
	ops.Flags().StringVar(&door, "door", "", "only through this door: cli, ssh, tui, smtp, system")
	ops.Flags().StringVar(&since, "since", "", "from this time")
	ops.Flags().StringVar(&until, "until", "", "before this time")
	ops.Flags().IntVar(&limit, "limit", 100, "at most this many (0: all)")
	ops.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	ops.Flags().BoolVarP(&verbose, "verbose", "v", false, "show before and after")

	var account, lsince, luntil string
	var failed, ljson bool
	var llimit int
	login := &cobra.Command{
		Use:   "login [--account ADDR] [--failed] [--since T] [--until T]",
		Short: "the login log, newest first: time, source, method, result",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			f := store.LoginFilter{Address: model.Address(strings.ToLower(account)), Failed: failed, Limit: llimit}
			var err error
			if f.Since, err = parseTime(lsince); err != nil {
				return err
			}
			if f.Until, err = parseTime(luntil); err != nil {
				return err
			}
			return env.Store.Read(func(r *store.Reader) error {
				if f.Address != env.Actor.Address || f.Address == "" {
					if err := env.authorize(r, model.RightLogRead, nil); err != nil {
						return err
					}
				}
				recs, err := r.LoginLog(f)
				if err != nil {
					return err
				}
				if ljson {
					if recs == nil {
						recs = []store.LoginRecord{}
					}
					return env.printJSON(recs)
				}
				var rows [][]string
				for _, rec := range recs {
					res := "ok"
					if !rec.OK {
						res = "refused: " + rec.Reason
					}
					src := rec.Source
					if rec.Site != "" {
						src += " (" + rec.Site + ")"
					}
					rows = append(rows, []string{rec.Time.Local().Format("2006-01-02 15:04:05"), string(rec.Address), src, string(rec.Method), res})
				}
				env.table([]string{"TIME", "ACCOUNT", "SOURCE", "METHOD", "RESULT"}, rows)
				return nil
			})
		},
	}
	login.Flags().StringVar(&account, "account", "", "only this account (members may see their own)")
	login.Flags().BoolVar(&failed, "failed", false, "only failed attempts")
	login.Flags().StringVar(&lsince, "since", "", "from this time")
	login.Flags().StringVar(&luntil, "until", "", "before this time")
	login.Flags().IntVar(&llimit, "limit", 100, "at most this many (0: all)")
	login.Flags().BoolVar(&ljson, "json", false, "print JSON")
	c.AddCommand(ops, login, logMailCmd(env), logTopCmd(env), logViolationsCmd(env))
	return c
}

func auditCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "audit", Short: "the operation log's integrity"}
	var asJSON bool
	verify := &cobra.Command{
		Use:   "verify",
		Short: "check every link of the operation log's hash chain; names the first bad record",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if err := env.Store.Read(func(r *store.Reader) error { return env.authorize(r, model.RightAuditVerify, nil) }); err != nil {
				return err
			}
			rep, err := env.Store.VerifyAudit()
			if err != nil {
				return err
			}
			if asJSON {
				if err := env.printJSON(rep); err != nil {
					return err
				}
			} else if rep.OK {
				env.printf("operation log intact: %d records, head %s\n", rep.Records, rep.Head)
			}
			if !rep.OK {
				return fmt.Errorf("operation log broken at record %d: %s (the %d records before it are intact)", rep.BadSeq, rep.Reason, rep.BadSeq-1)
			}
			return nil
		},
	}
	verify.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	c.AddCommand(verify)
	return c
}

func backupCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "backup [FILE]",
		Short: "a consistent copy of the database, taken while it runs; to standard output without FILE",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := env.Store.Read(func(r *store.Reader) error { return env.authorize(r, model.RightBackup, nil) }); err != nil {
				return err
			}
			if len(args) == 0 || args[0] == "-" {
				if f, ok := env.Stdout.(*os.File); ok && isTerminal(f) {
					return model.Invalidf("the backup is binary: redirect it to a file (postroom backup > postroom.db) or name a FILE")
				}
				_, err := env.Store.Backup(env.Stdout)
				return err
			}
			if !env.Local {
				return model.Invalidf("over SSH the backup comes to standard output: ssh ... backup > %s", args[0])
			}
			n, err := env.Store.BackupFile(args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stderr, "backup written to %s (%d bytes)\n", args[0], n)
			return nil
		},
	}
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func whoamiCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "whoami",
		Short: "who you are acting as, and your roles",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return env.Store.Read(func(r *store.Reader) error {
				env.printf("%s (%s) via %s: %s\n", env.Actor.Address, env.Actor.Name, env.Actor.Door, env.Actor.RoleNames(r))
				return nil
			})
		},
	}
}
