package cmd

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"postroom/model"
	"postroom/store"
)

// untilTime reads an --until flag: like parseTime, but a date alone counts
// in full (--until 2026-11-30 takes in the whole of 30 November).
func untilTime(s string) (time.Time, error) {
	t, err := parseTime(s)
	if err == nil && len(strings.TrimSpace(s)) == len("2006-01-02") {
		t = t.AddDate(0, 0, 1)
	}
	return t, err
}

// mailKinds are what log mail --kind takes: a direction or a status.
var mailKinds = []string{"in", "out", "internal", "queued", "held", "refused", "delivered", "bounced", "deferred", "dropped", "released", "rejected", "reply"}

// mayReadOwn lets anyone read what concerns themself; the rest needs right.
func (e *Env) mayReadOwn(account model.Address, right model.Right) error {
	if account != "" && account == e.Actor.Address {
		return nil
	}
	return e.refuse(right)
}

func logMailCmd(env *Env) *cobra.Command {
	var since, until, account, subject, kind string
	var limit int
	var asJSON bool
	c := &cobra.Command{
		Use:   "mail [--since T] [--until T] [--account ADDR] [--subject S] [--kind K]",
		Short: "the mail log, newest first: each message's sender, recipients, subject, status and the reason",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			f := store.LogFilter{Subject: subject, Limit: limit}
			var err error
			if f.Since, err = parseTime(since); err != nil {
				return err
			}
			if f.Until, err = untilTime(until); err != nil {
				return err
			}
			if account != "" {
				if f.Account, err = addr(account); err != nil {
					return err
				}
			}
			if kind != "" {
				if !slices.Contains(mailKinds, kind) {
					return model.Invalidf("--kind %q: use one of %s", kind, strings.Join(mailKinds, ", "))
				}
				f.Kind = kind
			}
			if err := env.mayReadOwn(f.Account, model.RightMailLogRead); err != nil {
				return err
			}
			if limit <= 0 {
				f.Limit = 1 << 30
			}
			return env.withSpool(func(sp *store.Spool) error {
				recs, err := sp.SearchLog(f)
				if err != nil {
					return err
				}
				if asJSON {
					if recs == nil {
						recs = []store.MailRecord{}
					}
					return env.printJSON(recs)
				}
				var rows [][]string
				for _, r := range recs {
					rows = append(rows, []string{when(r.Time), r.ID, r.Direction, r.From, toText(r.To, r.Count), r.Subject, r.Status, r.Reason})
				}
				env.table([]string{"TIME", "ID", "KIND", "FROM", "TO", "SUBJECT", "STATUS", "REASON"}, rows)
				return nil
			})
		},
	}
	c.Flags().StringVar(&since, "since", "", "from this time (2026-11-28, 2026-11-28 09:30 or RFC 3339)")
	c.Flags().StringVar(&until, "until", "", "before this time; a date alone counts in full")
	c.Flags().StringVar(&account, "account", "", "sent or received by this address (members may see their own)")
	c.Flags().StringVar(&subject, "subject", "", "subject contains this (any case)")
	c.Flags().StringVar(&kind, "kind", "", "in, out, internal, or a status: held, refused, delivered, bounced, deferred, …")
	c.Flags().IntVar(&limit, "limit", 200, "at most this many (0: all)")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func logTopCmd(env *Env) *cobra.Command {
	var since, until string
	var n int
	var asJSON bool
	c := &cobra.Command{
		Use:   "top --since T --until T [--n 15]",
		Short: "the busiest senders and receivers of each company domain in a date range (30 days to now when not given)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			from, err := parseTime(since)
			if err != nil {
				return err
			}
			to, err := untilTime(until)
			if err != nil {
				return err
			}
			if err := env.refuse(model.RightMailLogRead); err != nil {
				return err
			}
			local := map[string]bool{}
			err = env.Store.Read(func(r *store.Reader) error {
				ds, err := r.Domains()
				for _, d := range ds {
					local[d.Name] = true
				}
				return err
			})
			if err != nil {
				return err
			}
			return env.withSpool(func(sp *store.Spool) error {
				if to.IsZero() {
					to = sp.Now()
				}
				if from.IsZero() {
					from = to.AddDate(0, 0, -30)
				}
				tops, err := sp.TopFor(from, to, n, func(d string) bool { return local[d] })
				if err != nil {
					return err
				}
				if asJSON {
					return env.printJSON(tops)
				}
				env.printf("%s – %s\n", when(from), when(to))
				for _, d := range tops {
					env.printf("\n%s\n", d.Domain)
					var rows [][]string
					for i := 0; i < max(len(d.Senders), len(d.Receivers)); i++ {
						row := []string{fmt.Sprint(i + 1), "", "", "", ""}
						if i < len(d.Senders) {
							row[1], row[2] = string(d.Senders[i].Address), fmt.Sprint(d.Senders[i].Count)
						}
						if i < len(d.Receivers) {
							row[3], row[4] = string(d.Receivers[i].Address), fmt.Sprint(d.Receivers[i].Count)
						}
						rows = append(rows, row)
					}
					env.table([]string{"#", "SENDER", "SENT", "RECEIVER", "RECEIVED"}, rows)
				}
				return nil
			})
		},
	}
	c.Flags().StringVar(&since, "since", "", "from this time (2026-11-01, or RFC 3339)")
	c.Flags().StringVar(&until, "until", "", "before this time; a date alone counts in full")
	c.Flags().IntVar(&n, "n", store.DefaultTop, "how many senders and receivers per domain")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func logViolationsCmd(env *Env) *cobra.Command {
	var member string
	var limit int
	var asJSON bool
	c := &cobra.Command{
		Use:   "violations [--member ADDR]",
		Short: "mail the rules held or refused, per member, newest first (SEND-9; members may see their own)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			var who model.Address
			if member != "" {
				var err error
				if who, err = addr(member); err != nil {
					return err
				}
			}
			if err := env.mayReadOwn(who, model.RightMailLogRead); err != nil {
				return err
			}
			return env.withSpool(func(sp *store.Spool) error {
				vs, err := sp.Violations(who, limit)
				if err != nil {
					return err
				}
				if asJSON {
					if vs == nil {
						vs = []store.Violation{}
					}
					return env.printJSON(vs)
				}
				var rows [][]string
				for _, v := range vs {
					rows = append(rows, []string{when(v.Time), string(v.Member), v.Action, strings.Join(v.Rules, ", "), v.Subject, v.Reason, v.MessageID})
				}
				env.table([]string{"TIME", "MEMBER", "ACTION", "RULES", "SUBJECT", "REASON", "MESSAGE"}, rows)
				return nil
			})
		},
	}
	c.Flags().StringVar(&member, "member", "", "only this member")
	c.Flags().IntVar(&limit, "limit", 200, "at most this many (0: all)")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}
