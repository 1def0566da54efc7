package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"postroom/model"
	"postroom/store"
)

func groupCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "group", Short: "mail groups: one address for many members"}
	var name, post, owner string
	var addSenders, addPositions []string
	add := &cobra.Command{
		Use:   "add ADDR --name NAME [--post anyone|members|permitted|listed] [--sender ADDR]... [--position CLASS]... [--owner PATH]",
		Short: "create a mail group",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := addr(args[0])
			if err != nil {
				return err
			}
			senders, err := addrs(addSenders)
			if err != nil {
				return err
			}
			if err := env.apply(&model.AddGroup{Address: a, Name: name, Post: post, Owner: owner, Senders: senders, Positions: addPositions}); err != nil {
				return err
			}
			env.printf("group %s created\n", a)
			return nil
		},
	}
	add.Flags().StringVar(&name, "name", "", "the group's name, e.g. 全体员工")
	add.Flags().StringVar(&post, "post", "members", postHelp)
	add.Flags().StringVar(&owner, "owner", "", "the department that manages the group (default: the root)")
	add.Flags().StringSliceVar(&addSenders, "sender", nil, "with --post listed: a mailbox that may post (member, shared or department mailbox); repeat it")
	add.Flags().StringSliceVar(&addPositions, "position", nil, "with --post permitted: a position class that may post (default: the mail policy's whole-company classes); repeat it")

	var setName, setPost string
	var setSenders, setPositions []string
	set := &cobra.Command{
		Use:   "set ADDR [--name NAME] [--post RULE] [--sender ADDR]... [--position CLASS]...",
		Short: "rename a group or change who may post (SEND-3)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := addr(args[0])
			if err != nil {
				return err
			}
			ch := &model.SetGroup{Address: a}
			if c.Flags().Changed("name") {
				ch.Name = &setName
			}
			if c.Flags().Changed("post") {
				ch.Post = &setPost
			}
			if c.Flags().Changed("sender") {
				senders, err := addrs(setSenders)
				if err != nil {
					return err
				}
				ch.Senders = &senders
			}
			if c.Flags().Changed("position") {
				ch.Positions = &setPositions
			}
			if err := env.apply(ch); err != nil {
				return err
			}
			env.printf("group %s saved\n", a)
			return nil
		},
	}
	set.Flags().StringVar(&setName, "name", "", "new name")
	set.Flags().StringVar(&setPost, "post", "", postHelp)
	set.Flags().StringSliceVar(&setSenders, "sender", nil, "the mailboxes that may post under --post listed (replaces the list; --sender '' empties it); repeat it")
	set.Flags().StringSliceVar(&setPositions, "position", nil, "the position classes that may post under --post permitted (replaces the list; --position '' goes back to the mail policy's); repeat it")

	rm := simple(env, "rm ADDR", "delete a group", 1, func(args []string) (model.Change, error) {
		a, err := addr(args[0])
		return &model.DeleteGroup{Address: a}, err
	}, func(args []string) string { return args[0] + " deleted" })

	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "list the groups",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return env.Store.Read(func(r *store.Reader) error {
				if !model.HoldsAnywhere(env.Actor, model.RightMemberRead) {
					return env.authorize(r, model.RightMemberRead, nil)
				}
				gs, err := r.Groups()
				if err != nil {
					return err
				}
				out := []groupJSON{}
				for _, g := range gs {
					out = append(out, toGroupJSON(r, g))
				}
				if asJSON {
					return env.printJSON(out)
				}
				var rows [][]string
				for _, g := range out {
					rows = append(rows, []string{g.Address, g.Name, g.Post, fmt.Sprint(len(g.Members)), strings.Join(g.Depts, "; ")})
				}
				env.table([]string{"ADDRESS", "NAME", "POST", "MEMBERS", "DEPARTMENTS"}, rows)
				return nil
			})
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	var showJSON bool
	show := &cobra.Command{
		Use:   "show ADDR",
		Short: "show a group",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := addr(args[0])
			if err != nil {
				return err
			}
			return env.Store.Read(func(r *store.Reader) error {
				if !model.HoldsAnywhere(env.Actor, model.RightMemberRead) {
					return env.authorize(r, model.RightMemberRead, nil)
				}
				g, err := r.Group(a)
				if err != nil {
					return err
				}
				j := toGroupJSON(r, g)
				if showJSON {
					return env.printJSON(j)
				}
				env.table([]string{"FIELD", "VALUE"}, [][]string{{"address", j.Address}, {"name", j.Name}, {"post", j.Post},
					{"senders", strings.Join(j.Senders, ", ")}, {"positions", strings.Join(j.Positions, ", ")},
					{"owner", j.Owner}, {"departments", strings.Join(j.Depts, "; ")}, {"members", strings.Join(j.Members, ", ")}})
				return nil
			})
		},
	}
	show.Flags().BoolVar(&showJSON, "json", false, "print JSON")
	c.AddCommand(add, set, rm, list, show, groupMemberCmd(env), groupImportCmd(env, "import"))
	return c
}

// postHelp explains the posting rules.
const postHelp = "who may post: anyone; members (of the group); permitted (the --position classes, else the mail policy's whole-company classes, or holders of the broadcast permission); listed (only the --sender mailboxes)"

// addrs parses addresses given to a flag; empty ones are dropped.
func addrs(ss []string) ([]model.Address, error) {
	out := []model.Address{}
	for _, s := range ss {
		if strings.TrimSpace(s) == "" {
			continue
		}
		a, err := addr(s)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

type groupJSON struct {
	Address   string   `json:"address"`
	Name      string   `json:"name"`
	Post      string   `json:"post"`
	Senders   []string `json:"senders"`
	Positions []string `json:"positions"`
	Owner     string   `json:"owner"`
	Members   []string `json:"members"`
	Depts     []string `json:"departments"`
}

func toGroupJSON(r *store.Reader, g *model.Group) groupJSON {
	j := groupJSON{Address: string(g.Address), Name: g.Name, Post: string(g.Post), Owner: r.DeptPath(g.Owner), Members: []string{}, Depts: []string{},
		Senders: []string{}, Positions: []string{}}
	for _, a := range g.Senders {
		j.Senders = append(j.Senders, string(a))
	}
	for _, p := range g.Positions {
		j.Positions = append(j.Positions, string(p))
	}
	for _, m := range g.Members {
		j.Members = append(j.Members, string(m))
	}
	for _, d := range g.Depts {
		j.Depts = append(j.Depts, r.DeptPath(d))
	}
	return j
}

func groupMemberCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "member", Short: "a group's members and whole departments"}
	for _, remove := range []bool{false, true} {
		var dept string
		use, short := "add GROUP ADDR|--dept PATH", "add a member, or a whole department with its subtree"
		if remove {
			use, short = "rm GROUP ADDR|--dept PATH", "take a member or a department out"
		}
		sub := &cobra.Command{
			Use:   use,
			Short: short,
			Args:  cobra.RangeArgs(1, 2),
			RunE: func(c *cobra.Command, args []string) error {
				g, err := addr(args[0])
				if err != nil {
					return err
				}
				ch := &model.GroupMember{Group: g, Dept: dept, Remove: remove}
				if len(args) == 2 {
					if ch.Member, err = addr(args[1]); err != nil {
						return err
					}
				}
				if err := env.apply(ch); err != nil {
					return err
				}
				env.printf("group %s saved\n", g)
				return nil
			},
		}
		sub.Flags().StringVar(&dept, "dept", "", "a department path instead of a member")
		c.AddCommand(sub)
	}
	return c
}

func sharedCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "shared", Short: "shared mailboxes such as hr@, sent as through grants, never shared passwords"}
	var name, dept string
	add := &cobra.Command{
		Use:   "add ADDR --name NAME --dept PATH",
		Short: "create a shared mailbox owned by a department",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := addr(args[0])
			if err != nil {
				return err
			}
			if err := env.apply(&model.AddShared{Address: a, Name: name, Dept: dept}); err != nil {
				return err
			}
			env.printf("shared mailbox %s created\n", a)
			return nil
		},
	}
	add.Flags().StringVar(&name, "name", "", "the mailbox's name, e.g. 人力资源部公共邮箱")
	add.Flags().StringVar(&dept, "dept", "", "the owning department")
	rm := simple(env, "rm ADDR", "delete a shared mailbox", 1, func(args []string) (model.Change, error) {
		a, err := addr(args[0])
		return &model.DeleteShared{Address: a}, err
	}, func(args []string) string { return args[0] + " deleted" })
	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "list shared mailboxes",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return env.Store.Read(func(r *store.Reader) error {
				if !model.HoldsAnywhere(env.Actor, model.RightMemberRead) {
					return env.authorize(r, model.RightMemberRead, nil)
				}
				ss, err := r.SharedMailboxes()
				if err != nil {
					return err
				}
				type row struct {
					Address string `json:"address"`
					Name    string `json:"name"`
					Dept    string `json:"department"`
				}
				out := []row{}
				var rows [][]string
				for _, s := range ss {
					out = append(out, row{string(s.Address), s.Name, r.DeptPath(s.Dept)})
					rows = append(rows, []string{string(s.Address), s.Name, r.DeptPath(s.Dept)})
				}
				if asJSON {
					return env.printJSON(out)
				}
				env.table([]string{"ADDRESS", "NAME", "DEPARTMENT"}, rows)
				return nil
			})
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	c.AddCommand(add, rm, list)
	return c
}

func roleCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "role", Short: "who may administer what"}
	var scope string
	var rights []string
	var grantJSON bool
	grant := &cobra.Command{
		Use:   "grant ADDR ROLE [--scope PATH] [--rights members,groups,announcements]",
		Short: "grant a role: admin subadmin helpdesk auditor hr officer unit-officer",
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := addr(args[0])
			if err != nil {
				return err
			}
			role, err := model.ParseRole(args[1])
			if err != nil {
				return err
			}
			var rs []model.SubRight
			for _, x := range rights {
				for _, part := range strings.Split(x, ",") {
					if part = strings.TrimSpace(part); part == "" {
						continue
					}
					r, err := model.ParseSubRight(part)
					if err != nil {
						return err
					}
					rs = append(rs, r)
				}
			}
			if err := env.apply(&model.GrantRole{Address: a, Role: role, Scope: scope, Rights: rs}); err != nil {
				return err
			}
			if grantJSON {
				return env.printJSON(map[string]any{"status": model.RequestApplied, "address": a, "role": role})
			}
			env.printf("%s is now %s\n", a, role)
			return nil
		},
	}
	grant.Flags().BoolVar(&grantJSON, "json", false, "print JSON: the role, or the request when it waits for a second admin")
	grant.Flags().StringVar(&scope, "scope", "", "a department subtree (sub-admins, officers)")
	grant.Flags().StringSliceVar(&rights, "rights", nil, "sub-admin rights: members, groups, announcements")
	var rscope string
	revoke := &cobra.Command{
		Use:   "revoke ADDR ROLE [--scope PATH]",
		Short: "take a role away",
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := addr(args[0])
			if err != nil {
				return err
			}
			role, err := model.ParseRole(args[1])
			if err != nil {
				return err
			}
			if err := env.apply(&model.RevokeRole{Address: a, Role: role, Scope: rscope}); err != nil {
				return err
			}
			env.printf("%s no longer holds %s\n", a, role)
			return nil
		},
	}
	revoke.Flags().StringVar(&rscope, "scope", "", "only the grant over this department")
	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "everyone holding a role other than member",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return env.Store.Read(func(r *store.Reader) error {
				if err := env.authorize(r, model.RightMemberRead, nil); err != nil {
					return err
				}
				ms, err := r.Members(store.MemberFilter{Keep: func(m *model.Member) bool { return len(m.Roles) > 0 }})
				if err != nil {
					return err
				}
				type row struct {
					Address string   `json:"address"`
					Name    string   `json:"name"`
					Roles   []string `json:"roles"`
				}
				out := []row{}
				var rows [][]string
				for _, m := range ms {
					j := memberJSON(r, m)
					out = append(out, row{j.Address, j.Name, j.Roles})
					rows = append(rows, []string{j.Address, j.Name, strings.Join(j.Roles, ", ")})
				}
				if asJSON {
					return env.printJSON(out)
				}
				env.table([]string{"ADDRESS", "NAME", "ROLES"}, rows)
				return nil
			})
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	c.AddCommand(grant, revoke, list)
	return c
}
