package cmd

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"postroom/model"
	"postroom/store"
)

// warnJSON is what member warn --json prints.
type warnJSON struct {
	Address  string `json:"address"`
	Warnings int    `json:"warnings"`
	Limit    int    `json:"limit"`
	Blocked  bool   `json:"blocked"`
}

// warningsJSON is what member warnings --json prints.
type warningsJSON struct {
	Address  string        `json:"address"`
	Warnings int           `json:"warnings"` // those that count: not cleared by an unblock
	Limit    int           `json:"limit"`
	Blocked  bool          `json:"blocked"`
	History  []warningJSON `json:"history"`
}

// warningJSON is one recorded warning.
type warningJSON struct {
	Reason  string     `json:"reason"`
	By      string     `json:"by"`
	Time    time.Time  `json:"time"`
	Cleared *time.Time `json:"cleared,omitempty"`
	Request uint64     `json:"request,omitempty"`
}

func memberWarnCmd(env *Env) *cobra.Command {
	var reason string
	var asJSON bool
	c := &cobra.Command{
		Use:   "warn ADDR --reason TEXT",
		Short: "record a warning on a member (ACC-7); the third blocks the mailbox until an unblock request is applied",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := addr(args[0])
			if err != nil {
				return err
			}
			ch := &model.WarnMember{Address: a, Reason: reason}
			if err := env.apply(ch); err != nil {
				return err
			}
			limit := model.DefaultWarnLimit
			if err := env.Store.Read(func(r *store.Reader) error {
				e, err := r.Enterprise()
				limit = e.WarnLimit()
				return err
			}); err != nil {
				return err
			}
			if asJSON {
				return env.printJSON(warnJSON{Address: string(a), Warnings: ch.Count, Limit: limit, Blocked: ch.Blocked})
			}
			if ch.Blocked {
				env.printf("%s warned (%d of %d): the mailbox is blocked; the person and their head are told by mail; lift it with request file unblock --member %s\n", a, ch.Count, limit, a)
				return nil
			}
			env.printf("%s warned (%d of %d)\n", a, ch.Count, limit)
			return nil
		},
	}
	c.Flags().StringVar(&reason, "reason", "", "why (kept on the member and in the log)")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON: {\"address\", \"warnings\", \"limit\", \"blocked\"}")
	c.MarkFlagRequired("reason")
	return c
}

func memberWarningsCmd(env *Env) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "warnings ADDR [--json]",
		Short: "list the warnings recorded on a member, and whether they blocked the mailbox",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := addr(args[0])
			if err != nil {
				return err
			}
			return env.Store.Read(func(r *store.Reader) error {
				m, err := r.Resolve(a)
				if err != nil {
					return err
				}
				if !model.CanSee(env.Actor, m, r) {
					if err := env.authorize(r, model.RightMemberRead, model.Scope(m.Depts)); err != nil {
						return err
					}
				}
				e, err := r.Enterprise()
				if err != nil {
					return err
				}
				out := warningsJSON{Address: string(m.Address), Warnings: m.ActiveWarnings(), Limit: e.WarnLimit(), Blocked: m.WarnBlocked(), History: []warningJSON{}}
				for _, w := range m.Warnings {
					out.History = append(out.History, warningJSON{Reason: w.Reason, By: string(w.By), Time: w.Time, Cleared: timePtr(w.Cleared), Request: w.Request})
				}
				if asJSON {
					return env.printJSON(out)
				}
				state := "not blocked"
				if out.Blocked {
					state = "blocked: lift it with request file unblock --member " + out.Address
				}
				env.printf("%s: %d of %d warnings count; %s\n", out.Address, out.Warnings, out.Limit, state)
				if len(out.History) == 0 {
					return nil
				}
				rows := [][]string{}
				for _, w := range out.History {
					cleared := "-"
					if w.Cleared != nil {
						cleared = fmt.Sprintf("%s (request %d)", w.Cleared.Format("2006-01-02"), w.Request)
					}
					rows = append(rows, []string{w.Time.Format("2006-01-02 15:04"), w.By, cleared, w.Reason})
				}
				env.table([]string{"TIME", "BY", "CLEARED", "REASON"}, rows)
				return nil
			})
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}
