package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"postroom/model"
	"postroom/store"
)

func passwdCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "passwd", Short: "passwords: reset, set, change, policy"}
	var reason, verified string
	var asJSON bool
	reset := &cobra.Command{
		Use:   "reset ADDR --reason TEXT",
		Short: "issue a one-time password, shown once; the member must change it at next login",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := addr(args[0])
			if err != nil {
				return err
			}
			ch := &model.ResetPassword{Address: a, Reason: reason, Verified: verified}
			if err := env.apply(ch); err != nil {
				return err
			}
			if asJSON {
				return env.printJSON(map[string]string{"address": string(a), "password": ch.OneTime})
			}
			env.printf("%s\n", ch.OneTime)
			fmt.Fprintf(env.Stderr, "one-time password for %s, shown once; %s must change it at the next login\n", a, a)
			return nil
		},
	}
	reset.Flags().StringVar(&reason, "reason", "", "ticket number or reason (required)")
	reset.Flags().StringVar(&verified, "verified", "", "how the person's identity was checked, e.g. 'employee id + mobile'")
	reset.Flags().BoolVar(&asJSON, "json", false, "print JSON")

	var noMust bool
	set := &cobra.Command{
		Use:   "set ADDR",
		Short: "set a member's password from standard input; they must change it at next login unless --no-must-change",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := addr(args[0])
			if err != nil {
				return err
			}
			pw, err := env.readSecret("password")
			if err != nil {
				return err
			}
			if err := env.apply(&model.SetPassword{Address: a, Password: pw, MustChange: !noMust}); err != nil {
				return err
			}
			env.printf("password of %s set\n", a)
			return nil
		},
	}
	set.Flags().BoolVar(&noMust, "no-must-change", false, "do not ask for a change at next login")

	change := &cobra.Command{
		Use:   "change",
		Short: "change your own password: the current one, then the new one, each on a line of standard input",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			old, err := env.readSecret("current password")
			if err != nil {
				return err
			}
			nw, err := env.readSecret("new password")
			if err != nil {
				return err
			}
			if err := env.apply(&model.ChangePassword{Address: env.Actor.Address, Old: old, New: nw}); err != nil {
				return err
			}
			env.printf("password changed\n")
			return nil
		},
	}
	c.AddCommand(reset, set, change, policyCmd(env))
	return c
}

func policyCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "policy", Short: "the password policy"}
	var asJSON bool
	show := &cobra.Command{
		Use:   "show",
		Short: "show the password policy",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return env.Store.Read(func(r *store.Reader) error {
				p, err := r.Policy()
				if err != nil {
					return err
				}
				if asJSON {
					return env.printJSON(p)
				}
				var need []string
				for _, x := range []struct {
					on   bool
					what string
				}{{p.NeedLetter, "a letter"}, {p.NeedDigit, "a digit"}, {p.NeedUpperLower, "upper and lower case"}, {p.NeedSymbol, "a symbol"}} {
					if x.on {
						need = append(need, x.what)
					}
				}
				age := "never"
				if p.MaxAge > 0 {
					age = fmt.Sprintf("%d days", int(p.MaxAge.Hours()/24))
				}
				lock := "never"
				if p.LockAfter > 0 {
					lock = fmt.Sprintf("after %d failures, for %d minutes", p.LockAfter, int(p.LockFor.Minutes()))
					if p.LockFor == 0 {
						lock = fmt.Sprintf("after %d failures, until unlocked", p.LockAfter)
					}
				}
				env.table([]string{"RULE", "VALUE"}, [][]string{{"preset", p.Preset}, {"minimum length", fmt.Sprint(p.MinLength)},
					{"must contain", strings.Join(need, ", ")}, {"expires", age}, {"no reuse of last", fmt.Sprint(p.History)},
					{"common passwords refused", fmt.Sprint(p.Blocklist)}, {"personal details refused", fmt.Sprint(p.Personal)}, {"lock", lock}})
				return nil
			})
		},
	}
	show.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	var preset string
	var minLen, maxAgeDays, history, lockAfter, lockMinutes int
	var letter, digit, upperLower, symbol, blocklist, personal, polJSON bool
	set := &cobra.Command{
		Use:   "set [--preset nist|seed] [--min-length N] [--max-age-days N] ...",
		Short: "change the password policy: start from a preset, then adjust single rules",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			var p model.PasswordPolicy
			var err error
			if preset != "" {
				if p, err = model.PolicyPreset(preset); err != nil {
					return err
				}
			} else if err = env.Store.Read(func(r *store.Reader) error { p, err = r.Policy(); return err }); err != nil {
				return err
			}
			fl := c.Flags()
			changed := false
			ints := map[string]func(int){
				"min-length": func(v int) { p.MinLength = v }, "max-age-days": func(v int) { p.MaxAge = days(v) },
				"history": func(v int) { p.History = v }, "lock-after": func(v int) { p.LockAfter = v }, "lock-minutes": func(v int) { p.LockFor = minutes(v) },
			}
			for name, setv := range ints {
				if fl.Changed(name) {
					v, _ := fl.GetInt(name)
					setv(v)
					changed = true
				}
			}
			bools := map[string]*bool{"need-letter": &p.NeedLetter, "need-digit": &p.NeedDigit, "need-upper-lower": &p.NeedUpperLower,
				"need-symbol": &p.NeedSymbol, "blocklist": &p.Blocklist, "personal": &p.Personal}
			for name, dst := range bools {
				if fl.Changed(name) {
					*dst, _ = fl.GetBool(name)
					changed = true
				}
			}
			if changed {
				p.Preset = "custom"
			}
			if err := env.apply(&model.SetPasswordPolicy{Policy: p}); err != nil {
				return err
			}
			if polJSON {
				return env.printJSON(map[string]any{"status": model.RequestApplied, "preset": p.Preset})
			}
			env.printf("password policy saved (%s)\n", p.Preset)
			return nil
		},
	}
	fl := set.Flags()
	fl.BoolVar(&polJSON, "json", false, "print JSON: saved, or the request when it waits for a second admin")
	fl.StringVar(&preset, "preset", "", "nist (long passphrases, no expiry) or seed (6+ letters and digits, 30-day expiry)")
	fl.IntVar(&minLen, "min-length", 0, "minimum length in characters")
	fl.IntVar(&maxAgeDays, "max-age-days", 0, "days before a password expires (0: never)")
	fl.IntVar(&history, "history", 0, "how many earlier passwords may not be reused")
	fl.IntVar(&lockAfter, "lock-after", 0, "failed logins before the account locks (0: never)")
	fl.IntVar(&lockMinutes, "lock-minutes", 0, "how long a lock lasts (0: until unlocked)")
	fl.BoolVar(&letter, "need-letter", false, "require a letter")
	fl.BoolVar(&digit, "need-digit", false, "require a digit")
	fl.BoolVar(&upperLower, "need-upper-lower", false, "require upper and lower case")
	fl.BoolVar(&symbol, "need-symbol", false, "require a symbol")
	fl.BoolVar(&blocklist, "blocklist", true, "refuse common passwords")
	fl.BoolVar(&personal, "personal", true, "refuse passwords built from the person's own details")
	c.AddCommand(show, set)
	return c
}
