package cmd

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"postroom/model"
	"postroom/store"
)

// listInactive reads the long-unused accounts (ACC-6) the actor may manage:
// the whole company, or one department and those below it.
func listInactive(env *Env, dept string) ([]store.InactiveAccount, time.Duration, error) {
	var out []store.InactiveAccount
	var limit time.Duration
	err := env.Store.Read(func(r *store.Reader) error {
		var under model.DeptID
		var scope model.Scope
		if strings.TrimSpace(dept) != "" {
			d, err := r.DeptByPath(dept)
			if err != nil {
				return err
			}
			under, scope = d.ID, model.Scope{d.ID}
		}
		if err := env.authorize(r, model.RightMemberManage, scope); err != nil {
			return err
		}
		e, err := r.Enterprise()
		if err != nil {
			return err
		}
		var on bool
		if limit, on = e.InactiveLimit(); !on {
			return model.Conflictf("the inactivity check is off: org set --inactive-after 180d turns it on")
		}
		out, err = r.Inactive(env.Store.Now(), limit, under)
		return err
	})
	return out, limit, err
}

func memberInactiveCmd(env *Env) *cobra.Command {
	var dept string
	var asJSON, disable bool
	confirm := -1
	c := &cobra.Command{
		Use:   "inactive [--dept PATH] [--json] [--disable --confirm N]",
		Short: "the accounts nobody used for the inactivity period (org set --inactive-after); --disable disables them all at once (ACC-6)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			list, limit, err := listInactive(env, dept)
			if err != nil {
				return err
			}
			if disable {
				return disableInactive(env, list, limit, confirm, asJSON)
			}
			if asJSON {
				if list == nil {
					list = []store.InactiveAccount{}
				}
				return env.printJSON(list)
			}
			rows := make([][]string, 0, len(list))
			for _, a := range list {
				login := "never"
				if a.LastLogin != nil {
					login = a.LastLogin.Local().Format("2006-01-02")
				}
				heads := make([]string, len(a.Heads))
				for i, h := range a.Heads {
					heads[i] = string(h)
				}
				rows = append(rows, []string{string(a.Address), a.Name, a.Dept, strings.Join(heads, ", "), login, fmt.Sprint(a.Days, "d")})
			}
			env.table([]string{"ADDRESS", "NAME", "DEPARTMENT", "HEADS", "LAST LOGIN", "UNUSED"}, rows)
			env.printf("%d accounts unused for %s or longer\n", len(list), model.FormatInactiveAfter(limit, true))
			return nil
		},
	}
	c.Flags().StringVar(&dept, "dept", "", "only this department and those below it")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON: address, name, department, heads, status, last_login, last_use, days_unused")
	c.Flags().BoolVar(&disable, "disable", false, "disable every account listed, all or none (give --confirm with their number)")
	c.Flags().IntVar(&confirm, "confirm", -1, "with --disable: the number of accounts listed, to confirm")
	return c
}

// disableInactive disables the listed accounts (but the actor's own) in
// one transaction, each with its own log record, when confirm repeats
// their number.
func disableInactive(env *Env, all []store.InactiveAccount, limit time.Duration, confirm int, asJSON bool) error {
	var list []store.InactiveAccount
	for _, a := range all {
		if a.Address != env.Actor.Address {
			list = append(list, a)
		}
	}
	if len(list) == 0 {
		if asJSON {
			return env.printJSON(map[string]any{"disabled": []string{}, "count": 0})
		}
		env.printf("no account is unused for %s or longer: nothing to disable\n", model.FormatInactiveAfter(limit, true))
		return nil
	}
	if confirm != len(list) {
		return model.Invalidf("%d accounts are unused for the inactivity period; to disable them all, repeat their number: --disable --confirm %d", len(list), len(list))
	}
	changes := make([]model.Change, len(list))
	done := make([]string, len(list))
	for i, a := range list {
		changes[i] = &model.DisableInactive{Address: a.Address}
		done[i] = string(a.Address)
	}
	if err := env.apply(changes...); err != nil {
		return err
	}
	if asJSON {
		return env.printJSON(map[string]any{"disabled": done, "count": len(done)})
	}
	env.printf("%d long-unused accounts disabled\n", len(done))
	return nil
}
