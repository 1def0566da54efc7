package cmd

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"postroom/model"
	"postroom/store"
)

// PermRow is one line of the user and permission list (PERM-4): one
// permission one member holds now, and where it comes from.
type PermRow struct {
	Address      model.Address `json:"address"`
	Name         string        `json:"name"`
	Departments  []string      `json:"departments"`
	Perm         string        `json:"perm"`
	Source       string        `json:"source"`
	Detail       string        `json:"detail,omitempty"`
	Lender       model.Address `json:"lender,omitempty"`
	By           model.Address `json:"by,omitempty"`
	From         *time.Time    `json:"from,omitempty"`
	Until        *time.Time    `json:"until,omitempty"`
	Request      uint64        `json:"request,omitempty"`
	Owner        string        `json:"owner,omitempty"` // the owning department's path
	LenderSource string        `json:"lender_source,omitempty"`
	// OwnerID is the owning department (0: none yet), for the views that
	// narrow the list to an officer's modules.
	OwnerID model.DeptID `json:"-"`
}

// catalogueRow is one permission of perm catalogue.
type catalogueRow struct {
	Name      string   `json:"name"`
	Owner     string   `json:"owner,omitempty"`
	Officer   string   `json:"officer,omitempty"`
	Positions []string `json:"positions,omitempty"`
	Roles     []string `json:"roles,omitempty"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// untilFlag reads an --until or --start flag: RFC 3339, a date and time, or a date.
func untilFlag(s string) (time.Time, error) { return parseTime(s) }

func permCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "perm", Short: "permissions: the catalogue, grants, delegations and who holds what (PERM-1..4)"}

	var positions, roles []string
	owner := &cobra.Command{
		Use:   "owner PERM PATH [--position CLASS]... [--role ROLE]...",
		Short: "set the department that owns a permission (its officer signs grants), and who holds it by position class or role",
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			ch := &model.SetPermission{Name: args[0], Owner: args[1]}
			if c.Flags().Changed("position") {
				ps := []model.Position{}
				for _, p := range splitList(positions) {
					pos, err := model.ParsePosition(p)
					if err != nil {
						return err
					}
					ps = append(ps, pos)
				}
				ch.Positions = &ps
			}
			if c.Flags().Changed("role") {
				rs := []model.Role{}
				for _, x := range splitList(roles) {
					r, err := model.ParseRole(x)
					if err != nil {
						return err
					}
					rs = append(rs, r)
				}
				ch.Roles = &rs
			}
			if err := env.apply(ch); err != nil {
				return err
			}
			return env.Store.Read(func(r *store.Reader) error {
				name, _ := model.ParsePerm(args[0])
				p, err := model.LookupPermission(r, name)
				if err != nil {
					return err
				}
				d, err := r.Dept(p.Owner)
				if err != nil {
					return err
				}
				if d.Officer == "" {
					env.printf("%s is owned by %s, which has no permission officer yet: appoint one with dept set %s --officer ADDR\n", name, r.DeptPath(p.Owner), r.DeptPath(p.Owner))
				} else {
					env.printf("%s is owned by %s; its officer %s signs grants\n", name, r.DeptPath(p.Owner), d.Officer)
				}
				return nil
			})
		},
	}
	owner.Flags().StringSliceVar(&positions, "position", nil, "position classes that hold it by themselves (replaces the list; --position '' empties it)")
	owner.Flags().StringSliceVar(&roles, "role", nil, "roles that hold it by themselves (replaces the list)")

	var catJSON bool
	catalogue := &cobra.Command{
		Use:   "catalogue [--json]",
		Short: "the permission catalogue: each permission, its owning department and officer, and the classes and roles that hold it",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return env.Store.Read(func(r *store.Reader) error {
				if !model.HoldsAnywhere(env.Actor, model.RightPermRead) {
					return env.authorize(r, model.RightPermRead, nil)
				}
				cat, err := model.Catalogue(r)
				if err != nil {
					return err
				}
				var rows []catalogueRow
				for _, p := range cat {
					row := catalogueRow{Name: p.Name}
					if p.Owner != 0 {
						row.Owner = r.DeptPath(p.Owner)
						if d, err := r.Dept(p.Owner); err == nil {
							row.Officer = string(d.Officer)
						}
					}
					for _, x := range p.Positions {
						row.Positions = append(row.Positions, string(x))
					}
					for _, x := range p.Roles {
						row.Roles = append(row.Roles, x.String())
					}
					rows = append(rows, row)
				}
				if catJSON {
					return env.printJSON(rows)
				}
				var t [][]string
				for _, x := range rows {
					t = append(t, []string{x.Name, dash(x.Owner), dash(x.Officer), dash(strings.Join(x.Positions, ",")), dash(strings.Join(x.Roles, ","))})
				}
				env.table([]string{"PERMISSION", "OWNER", "OFFICER", "POSITIONS", "ROLES"}, t)
				return nil
			})
		},
	}
	catalogue.Flags().BoolVar(&catJSON, "json", false, "print JSON")

	var gUntil, gStart, gReason string
	var gJSON bool
	grant := &cobra.Command{
		Use:   "grant ADDR PERM [--until RFC3339] [--start RFC3339] [--reason TEXT] [--json]",
		Short: "grant a permission directly (IT sets what was approved), for an optional window; replaces an earlier grant of it",
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := addr(args[0])
			if err != nil {
				return err
			}
			until, err := untilFlag(gUntil)
			if err != nil {
				return err
			}
			start, err := untilFlag(gStart)
			if err != nil {
				return err
			}
			ch := &model.GrantPerm{Address: a, Perm: args[1], From: start, Until: until, Reason: gReason}
			if err := env.apply(ch); err != nil {
				return err
			}
			name, _ := model.ParsePerm(args[1])
			if gJSON {
				return env.printJSON(map[string]any{"status": model.RequestApplied, "address": a, "perm": name, "until": timePtr(until)})
			}
			if until.IsZero() {
				env.printf("%s now holds %s\n", a, name)
			} else {
				env.printf("%s now holds %s until %s\n", a, name, until.Format(time.RFC3339))
			}
			return nil
		},
	}
	grant.Flags().StringVar(&gUntil, "until", "", "the grant ends then (RFC 3339, or 2026-12-31 18:00)")
	grant.Flags().StringVar(&gStart, "start", "", "the grant starts then; default now")
	grant.Flags().StringVar(&gReason, "reason", "", "why (kept in the operation log)")
	grant.Flags().BoolVar(&gJSON, "json", false, "print JSON: the grant, or the request when it waits for a second admin")

	var rReason string
	revoke := &cobra.Command{
		Use:   "revoke ADDR PERM [--reason TEXT]",
		Short: "take a direct grant of a permission away",
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := addr(args[0])
			if err != nil {
				return err
			}
			if err := env.apply(&model.RevokePerm{Address: a, Perm: args[1], Reason: rReason}); err != nil {
				return err
			}
			name, _ := model.ParsePerm(args[1])
			env.printf("%s no longer holds %s by a direct grant\n", a, name)
			return nil
		},
	}
	revoke.Flags().StringVar(&rReason, "reason", "", "why (kept in the operation log)")

	back := &cobra.Command{
		Use:   "back ADDR",
		Short: "mark a person back at work: every delegation of their permissions ends now (PERM-3)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := addr(args[0])
			if err != nil {
				return err
			}
			ch := &model.MarkBack{Address: a}
			if err := env.apply(ch); err != nil {
				return err
			}
			env.printf("%s is back: %s ended\n", a, plural(ch.Ended, "delegation"))
			return nil
		},
	}

	var lDept, lPerm, lMember string
	var lJSON, lCSV bool
	list := &cobra.Command{
		Use:   "list [--dept PATH] [--perm PERM] [--member ADDR] [--json|--csv]",
		Short: "who holds which permission now and from where: the user and permission list (PERM-4)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			var rows []PermRow
			err := env.Store.Read(func(r *store.Reader) error {
				var err error
				rows, err = PermList(r, env.Actor, env.Store.Now(), PermQuery{Dept: lDept, Perm: lPerm, Member: lMember})
				return err
			})
			if err != nil {
				return err
			}
			switch {
			case lJSON:
				if rows == nil {
					rows = []PermRow{}
				}
				return env.printJSON(rows)
			case lCSV:
				return WritePermCSV(env.Stdout, rows)
			}
			var t [][]string
			for _, x := range rows {
				until := "-"
				if x.Until != nil {
					until = x.Until.Format("2006-01-02 15:04")
				}
				t = append(t, []string{string(x.Address), x.Name, x.Perm, describeSource(x), until})
			}
			env.table([]string{"ADDRESS", "NAME", "PERMISSION", "SOURCE", "UNTIL"}, t)
			return nil
		},
	}
	list.Flags().StringVar(&lDept, "dept", "", "members of this department and those below it")
	list.Flags().StringVar(&lPerm, "perm", "", "only this permission")
	list.Flags().StringVar(&lMember, "member", "", "only this member (anyone may list their own)")
	list.Flags().BoolVar(&lJSON, "json", false, "print JSON")
	list.Flags().BoolVar(&lCSV, "csv", false, "print CSV: UTF-8 with BOM and CRLF, for Excel")
	list.MarkFlagsMutuallyExclusive("json", "csv")

	c.AddCommand(owner, catalogue, grant, revoke, back, list)
	return c
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func splitList(xs []string) []string {
	var out []string
	for _, x := range xs {
		for _, p := range strings.Split(x, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// describeSource says where a row's permission comes from, in a few words.
func describeSource(x PermRow) string {
	switch x.Source {
	case model.SourceDelegation:
		s := "delegation from " + string(x.Lender)
		if x.Request != 0 {
			s += fmt.Sprintf(" (request %d)", x.Request)
		}
		return s
	case model.SourcePosition, model.SourceRole:
		return x.Source + " " + x.Detail
	}
	if x.Request != 0 {
		return fmt.Sprintf("direct (request %d)", x.Request)
	}
	return "direct"
}

// PermQuery narrows the user and permission list: a department path (its
// subtree), a permission, a member; empty fields narrow nothing. Limit,
// when set, computes the list for that many members at most, in address
// order from the one after After (PermListPage).
type PermQuery struct {
	Dept, Perm, Member string
	After              model.Address
	Limit              int
}

// PermList builds the user and permission list at now as the actor may see
// it: with perm.read over a member's departments, every permission the
// member holds; an officer also sees every holder of the permissions their
// departments own (the spot-check of seed part 5 1.2); anyone sees their
// own. The rights are computed at now (model.EffectivePerms), nothing is
// stored. perm list and the Permissions pane both read it.
func PermList(r *store.Reader, actor model.Actor, now time.Time, q PermQuery) ([]PermRow, error) {
	q.After, q.Limit = "", 0
	rows, _, err := PermListPage(r, actor, now, q)
	return rows, err
}

// PermListPage is PermList for one page of members: with q.Limit set, the
// members after q.After, that many at most; next is where the following
// page starts ("" after the last). A big directory is computed page by
// page, each in a read of its own, so the first rows show at once.
func PermListPage(r *store.Reader, actor model.Actor, now time.Time, q PermQuery) (rows []PermRow, next model.Address, err error) {
	dept, perm, member := q.Dept, q.Perm, q.Member
	var only model.Address
	if member != "" {
		a, err := addr(member)
		if err != nil {
			return nil, "", err
		}
		only = a
	}
	if only != actor.Address && !model.HoldsAnywhere(actor, model.RightPermRead) {
		return nil, "", model.Authorize(actor, model.RightPermRead, nil, r)
	}
	if perm != "" {
		p, err := model.ParsePerm(perm)
		if err != nil {
			return nil, "", err
		}
		perm = p
	}
	basis, err := model.LoadPermBasis(r)
	if err != nil {
		return nil, "", err
	}
	owners := map[string]model.DeptID{}
	ownerOf := func(name string) model.DeptID {
		if d, ok := owners[name]; ok {
			return d
		}
		p, err := model.LookupPermission(r, name)
		if err != nil {
			return 0
		}
		owners[name] = p.Owner
		return p.Owner
	}
	var ms []*model.Member
	if only != "" {
		m, err := r.Member(only)
		if err != nil {
			return nil, "", err
		}
		ms = []*model.Member{m}
		if dept != "" {
			d, err := r.DeptByPath(dept)
			if err != nil {
				return nil, "", err
			}
			if !slices.ContainsFunc(m.Depts, func(x model.DeptID) bool { return r.Within(x, d.ID) }) {
				ms = nil
			}
		}
	} else {
		f := store.MemberFilter{Recursive: true, Status: model.StatusActive}
		if dept != "" {
			d, err := r.DeptByPath(dept)
			if err != nil {
				return nil, "", err
			}
			f.Dept = d.ID
		}
		if ms, next, err = r.MembersPage(f, q.After, q.Limit); err != nil {
			return nil, "", err
		}
	}
	for _, m := range ms {
		held, err := model.EffectivePerms(r, basis, m, now)
		if err != nil {
			return nil, "", err
		}
		if len(held) == 0 {
			continue
		}
		seesAll := m.Address == actor.Address ||
			slices.ContainsFunc(m.Depts, func(d model.DeptID) bool { return model.Can(actor, model.RightPermRead, model.Scope{d}, r) })
		var depts []string
		named := false
		for _, h := range held {
			if perm != "" && h.Perm != perm {
				continue
			}
			own := ownerOf(h.Perm)
			if !seesAll && (own == 0 || !model.Can(actor, model.RightPermRead, model.Scope{own}, r)) {
				continue
			}
			if !named {
				named = true
				for _, d := range m.Depts {
					depts = append(depts, r.DeptPath(d))
				}
			}
			row := PermRow{Address: m.Address, Name: m.Name, Departments: depts, Perm: h.Perm, Source: h.Source, Detail: h.Detail,
				Lender: h.Lender, LenderSource: h.LenderSource, By: h.By, From: timePtr(h.From), Until: timePtr(h.Until), Request: h.Request, OwnerID: own}
			if own != 0 {
				row.Owner = r.DeptPath(own)
			}
			rows = append(rows, row)
		}
	}
	return rows, next, nil
}

// WritePermCSV writes the list as CSV that Excel opens correctly: UTF-8
// with a byte order mark, CRLF line ends.
func WritePermCSV(out io.Writer, rows []PermRow) error {
	if _, err := out.Write([]byte("\ufeff")); err != nil {
		return err
	}
	w := csv.NewWriter(out)
	w.UseCRLF = true
	w.Write([]string{"address", "name", "departments", "perm", "source", "detail", "lender", "by", "from", "until", "request", "owner"})
	ts := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format(time.RFC3339)
	}
	for _, x := range rows {
		req := ""
		if x.Request != 0 {
			req = fmt.Sprint(x.Request)
		}
		w.Write([]string{string(x.Address), x.Name, strings.Join(x.Departments, ";"), x.Perm, x.Source, x.Detail, string(x.Lender),
			string(x.By), ts(x.From), ts(x.Until), req, x.Owner})
	}
	w.Flush()
	return w.Error()
}
