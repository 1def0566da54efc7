package cmd

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"postroom/model"
	"postroom/store"
)

// MemberJSON is a member as commands print it.
type MemberJSON struct {
	Address     string   `json:"address"`
	Name        string   `json:"name"`
	Departments []string `json:"departments"`
	Title       string   `json:"title"`
	Position    string   `json:"position"`
	Status      string   `json:"status"`
	Aliases     []string `json:"aliases"`
	EmployeeID  string   `json:"employee_id,omitempty"`
	Mobile      string   `json:"mobile,omitempty"`
	Phone       string   `json:"phone,omitempty"`
	Gender      string   `json:"gender,omitempty"`
	Birthday    string   `json:"birthday,omitempty"`
	Reason      string   `json:"reason,omitempty"`
	Roles       []string `json:"roles,omitempty"`
	Keys        []string `json:"keys,omitempty"`
	HasPassword bool     `json:"has_password"`
	MustChange  bool     `json:"must_change"`
	Failures    int      `json:"failed_logins,omitempty"`
	Created     string   `json:"created"`
	// NoSignature: the member turned the enterprise signature off
	// (member signature ADDR off, MAILFX-1).
	NoSignature bool `json:"no_signature,omitempty"`
}

func memberJSON(r *store.Reader, m *model.Member) MemberJSON {
	j := MemberJSON{Address: string(m.Address), Name: m.Name, Title: m.Title, Position: string(m.Position), Status: string(m.Status),
		EmployeeID: m.EmployeeID, Mobile: m.Mobile, Phone: m.Phone, Gender: m.Gender, Birthday: m.Birthday, Reason: m.Reason,
		HasPassword: m.Password.Hash != "", MustChange: m.Password.MustChange, Failures: m.Password.Failures,
		Created: m.Created.UTC().Format(time.RFC3339), Departments: []string{}, Aliases: []string{}, NoSignature: m.NoSignature}
	for _, d := range m.Depts {
		j.Departments = append(j.Departments, r.DeptPath(d))
	}
	for _, a := range m.Aliases {
		j.Aliases = append(j.Aliases, string(a))
	}
	for _, g := range m.Roles {
		s := g.Role.String()
		if g.Scope != 0 {
			s += ":" + r.DeptPath(g.Scope)
		}
		if len(g.Rights) > 0 {
			var rs []string
			for _, x := range g.Rights {
				rs = append(rs, string(x))
			}
			s += "[" + strings.Join(rs, ",") + "]"
		}
		j.Roles = append(j.Roles, s)
	}
	for _, k := range m.Keys {
		j.Keys = append(j.Keys, k.Fingerprint)
	}
	return j
}

func memberCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "member", Short: "members: add, show, list, set, disable, enable, rm, alias, key, unlock, warn, warnings"}
	c.AddCommand(memberSignatureCmd(env))
	c.AddCommand(memberAddCmd(env), memberShowCmd(env), memberListCmd(env), memberSetCmd(env),
		memberDisableCmd(env), memberEnableCmd(env), memberRmCmd(env), memberAliasCmd(env), memberKeyCmd(env), memberUnlockCmd(env),
		memberWarnCmd(env), memberWarningsCmd(env), memberInactiveCmd(env))
	return c
}

// fieldFlags binds the member field flags.
type fieldFlags struct {
	f     model.MemberFields
	depts []string
}

func (ff *fieldFlags) bind(c *cobra.Command) {
	fl := c.Flags()
	fl.StringVar(&ff.f.Name, "name", "", "display name, e.g. 张三")
	fl.StringArrayVar(&ff.depts, "dept", nil, "department path, e.g. 销售部/华北大区 (repeat for several)")
	fl.StringVar(&ff.f.Title, "title", "", "job title (职务)")
	fl.StringVar(&ff.f.Position, "position", "", "position class: executive regional-director regional-assistant director ceo-assistant secretary coo-assistant staff")
	fl.StringVar(&ff.f.EmployeeID, "employee-id", "", "employee id (工号)")
	fl.StringVar(&ff.f.Mobile, "mobile", "", "mobile number")
	fl.StringVar(&ff.f.Phone, "phone", "", "office phone")
	fl.StringVar(&ff.f.Gender, "gender", "", "male or female")
	fl.StringVar(&ff.f.Birthday, "birthday", "", "YYYY-MM-DD")
}

// set names the flags given, as SetMember field names.
func (ff *fieldFlags) set(c *cobra.Command) map[string]bool {
	names := map[string]string{"name": "name", "dept": "depts", "title": "title", "position": "position", "employee-id": "employee_id",
		"mobile": "mobile", "phone": "phone", "gender": "gender", "birthday": "birthday"}
	out := map[string]bool{}
	for flag, field := range names {
		if c.Flags().Changed(flag) {
			out[field] = true
		}
	}
	return out
}

func memberAddCmd(env *Env) *cobra.Command {
	var ff fieldFlags
	var pwStdin, noMust, asJSON bool
	c := &cobra.Command{
		Use:   "add ADDR --name NAME",
		Short: "create a member",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := addr(args[0])
			if err != nil {
				return err
			}
			if !c.Flags().Changed("name") {
				return model.Invalidf("give the member's name with --name")
			}
			ff.f.Depts = ff.depts
			ch := &model.AddMember{Address: a, Fields: ff.f, MustChange: !noMust}
			if pwStdin {
				if ch.Password, err = env.readSecret("password"); err != nil {
					return err
				}
			}
			if err := env.apply(ch); err != nil {
				return err
			}
			return showMember(env, a, asJSON)
		},
	}
	ff.bind(c)
	c.Flags().BoolVar(&pwStdin, "password-stdin", false, "read the initial password from standard input")
	c.Flags().BoolVar(&noMust, "no-must-change", false, "do not make the member change the password at first login")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func showMember(env *Env, a model.Address, asJSON bool) error {
	return env.Store.Read(func(r *store.Reader) error {
		m, err := r.Resolve(a)
		if err != nil {
			return err
		}
		if !model.CanSee(env.Actor, m, r) {
			return env.authorize(r, model.RightMemberRead, model.Scope(m.Depts))
		}
		j := memberJSON(r, m)
		if asJSON {
			return env.printJSON(j)
		}
		rows := [][]string{{"address", j.Address}, {"name", j.Name}, {"departments", strings.Join(j.Departments, "; ")},
			{"title", j.Title}, {"position", j.Position}, {"status", j.Status}, {"aliases", strings.Join(j.Aliases, ", ")},
			{"employee id", j.EmployeeID}, {"mobile", j.Mobile}, {"phone", j.Phone}, {"gender", j.Gender}, {"birthday", j.Birthday},
			{"roles", strings.Join(j.Roles, ", ")}, {"ssh keys", strings.Join(j.Keys, ", ")},
			{"password", passwordState(j)}, {"created", j.Created}}
		if j.Reason != "" {
			rows = append(rows, []string{"reason", j.Reason})
		}
		env.table([]string{"FIELD", "VALUE"}, rows)
		return nil
	})
}

func passwordState(j MemberJSON) string {
	switch {
	case !j.HasPassword:
		return "not set (passwd reset issues one)"
	case j.MustChange:
		return "set; must change at next login"
	}
	s := "set"
	switch {
	case j.Failures == 1:
		s += "; 1 failed login"
	case j.Failures > 1:
		s += fmt.Sprintf("; %d failed logins", j.Failures)
	}
	return s
}

func memberShowCmd(env *Env) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "show ADDR",
		Short: "show one member (an alias finds its member)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := addr(args[0])
			if err != nil {
				return err
			}
			return showMember(env, a, asJSON)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func memberListCmd(env *Env) *cobra.Command {
	var dept, query, status string
	var asJSON bool
	var limit int
	c := &cobra.Command{
		Use:   "list [--dept PATH] [--query Q]",
		Short: "list members: a department's subtree, or a search by name, pinyin, initials, address, employee id or phone",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return env.Store.Read(func(r *store.Reader) error {
				var within model.DeptID
				if dept != "" {
					d, err := r.DeptByPath(dept)
					if err != nil {
						return err
					}
					within = d.ID
				}
				keep := func(m *model.Member) bool {
					if !model.CanSee(env.Actor, m, r) || (status != "" && string(m.Status) != status) {
						return false
					}
					if within == 0 {
						return true
					}
					for _, id := range m.Depts {
						if r.Within(id, within) {
							return true
						}
					}
					return false
				}
				if !model.HoldsAnywhere(env.Actor, model.RightMemberRead) {
					return env.authorize(r, model.RightMemberRead, nil)
				}
				var ms []*model.Member
				var err error
				switch {
				case query != "":
					ms, err = r.Search(query, limit, keep)
				default:
					ms, err = r.Members(store.MemberFilter{Keep: keep})
					if limit > 0 && len(ms) > limit {
						ms = ms[:limit]
					}
				}
				if err != nil {
					return err
				}
				out := make([]MemberJSON, 0, len(ms))
				for _, m := range ms {
					out = append(out, memberJSON(r, m))
				}
				if asJSON {
					return env.printJSON(out)
				}
				var rows [][]string
				for _, j := range out {
					rows = append(rows, []string{j.Address, j.Name, strings.Join(j.Departments, "; "), j.Title, j.Status})
				}
				env.table([]string{"ADDRESS", "NAME", "DEPARTMENTS", "TITLE", "STATUS"}, rows)
				return nil
			})
		},
	}
	c.Flags().StringVar(&dept, "dept", "", "only this department and those below it")
	c.Flags().StringVar(&query, "query", "", "search: 张三, zhangsan, zs, an address, employee id or phone")
	c.Flags().StringVar(&status, "status", "", "only active, disabled, locked or reclaimed")
	c.Flags().IntVar(&limit, "limit", 0, "at most this many (search defaults to 50)")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	c.PreRun = func(c *cobra.Command, args []string) {
		if query != "" && limit == 0 {
			limit = 50
		}
	}
	return c
}

func memberSetCmd(env *Env) *cobra.Command {
	var ff fieldFlags
	var asJSON bool
	c := &cobra.Command{
		Use:   "set ADDR [--name N] [--dept PATH]... [--title T] [--position P] ...",
		Short: "change a member's fields; --dept moves the member",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := addr(args[0])
			if err != nil {
				return err
			}
			ff.f.Depts = ff.depts
			if err := env.apply(&model.SetMember{Address: a, Fields: ff.f, Set: ff.set(c)}); err != nil {
				return err
			}
			return showMember(env, a, asJSON)
		},
	}
	ff.bind(c)
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

// simple builds a command that applies one change about one address.
func simple(env *Env, use, short string, nargs int, build func(args []string) (model.Change, error), done func(args []string) string) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(nargs),
		RunE: func(c *cobra.Command, args []string) error {
			ch, err := build(args)
			if err != nil {
				return err
			}
			if err := env.apply(ch); err != nil {
				return err
			}
			if done != nil {
				env.printf("%s\n", done(args))
			}
			return nil
		},
	}
}

func memberDisableCmd(env *Env) *cobra.Command {
	var reason string
	c := simple(env, "disable ADDR", "stop a member's logins and mail", 1, func(args []string) (model.Change, error) {
		a, err := addr(args[0])
		return &model.DisableMember{Address: a, Reason: reason}, err
	}, func(args []string) string { return args[0] + " disabled" })
	c.Flags().StringVar(&reason, "reason", "", "why (kept on the member and in the log)")
	return c
}

func memberEnableCmd(env *Env) *cobra.Command {
	return simple(env, "enable ADDR", "let a disabled member log in again", 1, func(args []string) (model.Change, error) {
		a, err := addr(args[0])
		return &model.EnableMember{Address: a}, err
	}, func(args []string) string { return args[0] + " enabled" })
}

func memberUnlockCmd(env *Env) *cobra.Command {
	var reason string
	c := simple(env, "unlock ADDR", "lift a lock after failed logins", 1, func(args []string) (model.Change, error) {
		a, err := addr(args[0])
		return &model.Unlock{Address: a, Reason: reason}, err
	}, func(args []string) string { return args[0] + " unlocked" })
	c.Flags().StringVar(&reason, "reason", "", "ticket or reason")
	return c
}

func memberRmCmd(env *Env) *cobra.Command {
	return simple(env, "rm ADDR", "delete a member (their groups and department roles too)", 1, func(args []string) (model.Change, error) {
		a, err := addr(args[0])
		return &model.DeleteMember{Address: a}, err
	}, func(args []string) string { return args[0] + " deleted" })
}

func memberAliasCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "alias", Short: "a member's other addresses (at most 5)"}
	c.AddCommand(
		simple(env, "add ADDR ALIAS", "give a member another address", 2, func(args []string) (model.Change, error) {
			a, err := addr(args[0])
			if err != nil {
				return nil, err
			}
			al, err := addr(args[1])
			return &model.AddAlias{Address: a, Alias: al}, err
		}, func(args []string) string { return args[1] + " now reaches " + args[0] }),
		simple(env, "rm ADDR ALIAS", "take an alias away", 2, func(args []string) (model.Change, error) {
			a, err := addr(args[0])
			if err != nil {
				return nil, err
			}
			al, err := addr(args[1])
			return &model.RemoveAlias{Address: a, Alias: al}, err
		}, func(args []string) string { return args[1] + " removed" }),
	)
	return c
}

func memberKeyCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "key", Short: "SSH public keys a member logs in with"}
	add := &cobra.Command{
		Use:   "add ADDR PUBKEY_FILE|-",
		Short: "register an OpenSSH public key (- reads it from standard input)",
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := addr(args[0])
			if err != nil {
				return err
			}
			b, err := env.readAll(args[1], 64<<10)
			if err != nil {
				return err
			}
			ch := &model.AddKey{Address: a, Line: strings.TrimSpace(string(b))}
			if err := env.apply(ch); err != nil {
				return err
			}
			env.printf("%s added for %s\n", ch.Fingerprint, a)
			return nil
		},
	}
	rm := simple(env, "rm ADDR FINGERPRINT", "remove a key by its SHA256 fingerprint", 2, func(args []string) (model.Change, error) {
		a, err := addr(args[0])
		return &model.RemoveKey{Address: a, Fingerprint: args[1]}, err
	}, func(args []string) string { return args[1] + " removed" })
	c.AddCommand(add, rm)
	return c
}
