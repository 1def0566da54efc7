package cmd

import (
	"strings"

	"github.com/spf13/cobra"

	"postroom/model"
	"postroom/store"
)

func accessCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "access", Short: "where members may log in from (IP restriction) and the named sites of the login log"}
	var asJSON bool
	show := &cobra.Command{
		Use:   "show",
		Short: "show the login restriction, its exemptions and the sites",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return env.Store.Read(func(r *store.Reader) error {
				if err := env.authorize(r, model.RightMemberRead, nil); err != nil {
					return err
				}
				rules, err := r.LoginRules()
				if err != nil {
					return err
				}
				if asJSON {
					return env.printJSON(rules)
				}
				state := "off: members log in from anywhere"
				if rules.Restrict {
					state = "on: members log in only from the allowed networks"
				}
				var depts, sites, members []string
				for _, d := range rules.ExemptDepts {
					depts = append(depts, r.DeptPath(d))
				}
				for _, s := range rules.Sites {
					sites = append(sites, s.Name+"="+s.Net)
				}
				for _, m := range rules.ExemptMembers {
					members = append(members, string(m))
				}
				env.table([]string{"RULE", "VALUE"}, [][]string{{"restriction", state}, {"allowed", strings.Join(rules.Allowed, ", ")},
					{"exempt members", strings.Join(members, ", ")}, {"exempt departments", strings.Join(depts, "; ")}, {"sites", strings.Join(sites, ", ")}})
				return nil
			})
		},
	}
	show.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	var restrict string
	var allow, exempt, exemptDepts, sites []string
	set := &cobra.Command{
		Use:   "set [--restrict on|off] [--allow NET]... [--exempt ADDR]... [--exempt-dept PATH]... [--site NAME=NET]...",
		Short: "change the login restriction; each list flag given replaces that list",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			var rules model.LoginRules
			var fl = c.Flags()
			err := env.Store.Read(func(r *store.Reader) error {
				var err error
				if rules, err = r.LoginRules(); err != nil {
					return err
				}
				if fl.Changed("exempt-dept") {
					rules.ExemptDepts = nil
					for _, p := range exemptDepts {
						d, err := r.DeptByPath(p)
						if err != nil {
							return err
						}
						rules.ExemptDepts = append(rules.ExemptDepts, d.ID)
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			if fl.Changed("restrict") {
				switch restrict {
				case "on":
					rules.Restrict = true
				case "off":
					rules.Restrict = false
				default:
					return model.Invalidf("--restrict takes on or off")
				}
			}
			if fl.Changed("allow") {
				rules.Allowed = allow
			}
			if fl.Changed("exempt") {
				rules.ExemptMembers = nil
				for _, x := range exempt {
					a, err := addr(x)
					if err != nil {
						return err
					}
					rules.ExemptMembers = append(rules.ExemptMembers, a)
				}
			}
			if fl.Changed("site") {
				rules.Sites = nil
				for _, s := range sites {
					name, nt, ok := strings.Cut(s, "=")
					if !ok {
						return model.Invalidf("--site %q: write it as NAME=NETWORK, like 北京总部=10.1.0.0/16", s)
					}
					rules.Sites = append(rules.Sites, model.Site{Name: strings.TrimSpace(name), Net: strings.TrimSpace(nt)})
				}
			}
			if err := env.apply(&model.SetLoginRules{Rules: rules}); err != nil {
				return err
			}
			env.printf("login rules saved\n")
			return nil
		},
	}
	set.Flags().StringVar(&restrict, "restrict", "", "on or off")
	set.Flags().StringArrayVar(&allow, "allow", nil, "an allowed network, e.g. 10.1.0.0/16 (repeat)")
	set.Flags().StringArrayVar(&exempt, "exempt", nil, "a member who may log in from anywhere (repeat)")
	set.Flags().StringArrayVar(&exemptDepts, "exempt-dept", nil, "a department whose members may log in from anywhere (repeat)")
	set.Flags().StringArrayVar(&sites, "site", nil, "a named network for the login log, NAME=NET (repeat)")
	c.AddCommand(show, set)
	return c
}
