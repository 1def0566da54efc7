package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"postroom/model"
	"postroom/store"
)

func deptCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "dept", Short: "departments: add, set, list, rename, move, rm"}
	add := &cobra.Command{
		Use:   "add PATH",
		Short: "create a department; its parent must exist (e.g. dept add 销售部/华北大区)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			ch := &model.AddDept{Path: args[0]}
			if err := env.apply(ch); err != nil {
				return err
			}
			return env.Store.Read(func(r *store.Reader) error {
				env.printf("%s created\n", r.DeptPath(ch.ID))
				return nil
			})
		},
	}
	var heads []string
	var officer, mailbox string
	var clearHeads bool
	set := &cobra.Command{
		Use:   "set PATH [--head ADDR]... [--officer ADDR] [--mailbox ADDR]",
		Short: "set a department's heads, permission officer and mailbox (an empty value clears it)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			ch := &model.SetDept{Path: args[0]}
			if c.Flags().Changed("head") || clearHeads {
				var hs []model.Address
				for _, h := range heads {
					a, err := addr(h)
					if err != nil {
						return err
					}
					hs = append(hs, a)
				}
				ch.Heads = &hs
			}
			if c.Flags().Changed("officer") {
				o := model.Address(strings.ToLower(strings.TrimSpace(officer)))
				ch.Officer = &o
			}
			if c.Flags().Changed("mailbox") {
				m := model.Address(strings.ToLower(strings.TrimSpace(mailbox)))
				ch.Mailbox = &m
			}
			if err := env.apply(ch); err != nil {
				return err
			}
			env.printf("%s saved\n", strings.Trim(args[0], "/ "))
			return nil
		},
	}
	set.Flags().StringArrayVar(&heads, "head", nil, "a head (负责人); repeat for several; replaces the list")
	set.Flags().BoolVar(&clearHeads, "clear-heads", false, "remove every head")
	set.Flags().StringVar(&officer, "officer", "", "the permission officer (权限负责人)")
	set.Flags().StringVar(&mailbox, "mailbox", "", "the department's own mailbox address")
	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "the department tree with heads, officers and member counts",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return env.Store.Read(func(r *store.Reader) error {
				if !model.HoldsAnywhere(env.Actor, model.RightMemberRead) {
					return env.authorize(r, model.RightMemberRead, nil)
				}
				ds, err := r.Depts()
				if err != nil {
					return err
				}
				type row struct {
					Path    string   `json:"path"`
					Name    string   `json:"name"`
					Depth   int      `json:"depth"`
					Heads   []string `json:"heads"`
					Officer string   `json:"officer,omitempty"`
					Mailbox string   `json:"mailbox,omitempty"`
					Members int      `json:"members"`
				}
				out := []row{}
				for _, d := range ds {
					visible := false
					for _, g := range env.Actor.Roles {
						if g.Scope == 0 || r.Within(d.ID, g.Scope) || r.Within(g.Scope, d.ID) {
							visible = true
						}
					}
					if !visible {
						continue
					}
					j := row{Path: d.Path, Name: d.Name, Depth: d.Depth, Heads: []string{}, Officer: string(d.Officer), Mailbox: string(d.Mailbox), Members: d.Members}
					for _, h := range d.Heads {
						j.Heads = append(j.Heads, string(h))
					}
					out = append(out, j)
				}
				if asJSON {
					return env.printJSON(out)
				}
				var rows [][]string
				for _, d := range out {
					rows = append(rows, []string{strings.Repeat("  ", d.Depth) + d.Name, fmt.Sprint(d.Members), strings.Join(d.Heads, ", "), d.Officer, d.Mailbox})
				}
				env.table([]string{"DEPARTMENT", "MEMBERS", "HEADS", "OFFICER", "MAILBOX"}, rows)
				return nil
			})
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	rename := simple(env, "rename PATH NAME", "rename a department in place", 2, func(args []string) (model.Change, error) {
		return &model.RenameDept{Path: args[0], Name: args[1]}, nil
	}, func(args []string) string { return args[0] + " renamed to " + args[1] })
	move := simple(env, "move PATH NEW_PARENT", "move a department with its subtree under another (/ is the root)", 2, func(args []string) (model.Change, error) {
		return &model.MoveDept{Path: args[0], Parent: args[1]}, nil
	}, func(args []string) string { return args[0] + " moved under " + args[1] })
	var up bool
	rm := &cobra.Command{
		Use:   "rm PATH [--move-members-up]",
		Short: "delete an empty department, or move its members to the parent first",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := env.apply(&model.DeleteDept{Path: args[0], MoveMembersUp: up}); err != nil {
				return err
			}
			env.printf("%s deleted\n", strings.Trim(args[0], "/ "))
			return nil
		},
	}
	rm.Flags().BoolVar(&up, "move-members-up", false, "place the department's members in its parent")
	c.AddCommand(add, set, list, rename, move, rm)
	return c
}
