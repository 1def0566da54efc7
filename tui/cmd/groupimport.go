package cmd

import (
	"bytes"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"postroom/model"
	"postroom/store"
)

// groupImportReport is what `import groups --json` prints.
type groupImportReport struct {
	File         string           `json:"file"`
	Encoding     string           `json:"encoding"`
	Rows         int              `json:"rows"`
	Groups       int              `json:"groups"`
	Created      int              `json:"created"`
	Updated      int              `json:"updated"`
	MembersAdded int              `json:"members_added"`
	Unchanged    int              `json:"unchanged"`
	DryRun       bool             `json:"dry_run"`
	Applied      bool             `json:"applied"`
	Errors       []model.RowError `json:"errors"`
	// Batch is the batch task that records the run row by row (LOG-5);
	// a dry run records none.
	Batch uint64 `json:"batch,omitempty"`
}

// groupImportCmd is `import groups` (and `group import`): mail groups from a
// CSV (LIST-1), checked whole and applied all or nothing.
func groupImportCmd(env *Env, use string) *cobra.Command {
	var dry, asJSON bool
	c := &cobra.Command{
		Use:   use + " FILE|- [--dry-run]",
		Short: "add mail groups and their members from a CSV (UTF-8 or GB18030): columns group/群组地址, name/群组名称, member/成员 (an address, or a department path for the whole department), post/发信权限, sender/指定发信人; every row is checked first and nothing is applied unless all are good",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if !model.HoldsAnywhere(env.Actor, model.RightGroupManage) {
				return env.Store.Read(func(r *store.Reader) error { return env.authorize(r, model.RightGroupManage, nil) })
			}
			raw, err := env.readAll(args[0], maxImport)
			if err != nil {
				return err
			}
			file, err := model.ReadGroupsCSV(bytes.NewReader(raw), maxImport)
			if err != nil {
				return err
			}
			rep := groupImportReport{File: filepath.Base(args[0]), Encoding: file.Encoding, Rows: len(file.Rows) + countLines(file.Errors), DryRun: dry, Errors: file.Errors}
			var plan *model.GroupImportPlan
			if err := env.Store.Read(func(r *store.Reader) error {
				plan = model.PlanGroupImport(r, file)
				return nil
			}); err != nil {
				return err
			}
			rep.Errors = append(rep.Errors, plan.Errors...)
			rep.Groups, rep.Created, rep.Updated, rep.MembersAdded, rep.Unchanged = len(plan.Groups), plan.Created, plan.Updated, plan.MembersAdded, plan.Unchanged
			if len(rep.Errors) == 0 {
				changes := append(plan.Changes, &model.GroupImportSummary{File: rep.File, Encoding: file.Encoding, Created: plan.Created, Updated: plan.Updated, MembersAdded: plan.MembersAdded})
				failed, err := env.Store.ApplyAll(env.Actor, changes, store.ApplyOptions{DryRun: dry, KeepGoing: true})
				if err != nil {
					return err
				}
				for _, f := range failed {
					line := 0
					if f.Index < len(plan.Lines) {
						line = plan.Lines[f.Index]
					}
					rep.Errors = append(rep.Errors, model.RowError{Line: line, Reason: model.Localize(f.Err, env.Lang)})
				}
				rep.Applied = len(failed) == 0 && !dry
			}
			if rep.Errors == nil {
				rep.Errors = []model.RowError{}
			}
			if !dry {
				rep.Batch = env.recordBatch(model.BatchImportGroups, importState(importReport{Applied: rep.Applied}), groupImportSummary(rep),
					importRows(groupLines(file), groupImportDone(plan), importReport{Applied: rep.Applied, Errors: rep.Errors}))
			}
			if asJSON {
				if err := env.printJSON(rep); err != nil {
					return err
				}
			} else {
				env.printf("file %s, encoding %s\n", rep.File, rep.Encoding)
				for _, e := range rep.Errors {
					env.printf("  %s\n", e.In(env.Lang))
				}
				verb := "imported"
				switch {
				case len(rep.Errors) > 0:
					verb = "would import, once fixed,"
				case dry:
					verb = "dry run: would import"
				}
				env.printf("%s %d groups: %d new, %d changed, %d members or departments added (%d already in)\n", verb, rep.Groups, rep.Created, rep.Updated, rep.MembersAdded, rep.Unchanged)
			}
			if len(rep.Errors) > 0 {
				return nothingImported(len(rep.Errors), rep.File)
			}
			return nil
		},
	}
	c.Flags().BoolVar(&dry, "dry-run", false, "check everything and report, change nothing")
	c.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return c
}

// groupLines are the rows of a group file as the batch task names them:
// the line, the group and the member or department.
func groupLines(f *model.GroupsCSV) []importLine {
	out := make([]importLine, 0, len(f.Rows))
	for _, r := range f.Rows {
		m := string(r.Member)
		if r.Dept != "" {
			m = r.Dept
		}
		out = append(out, importLine{r.Line, model.Address(string(r.Group) + " " + m)})
	}
	return out
}

// groupImportDone maps the lines the plan changes to what it does there.
func groupImportDone(plan *model.GroupImportPlan) map[int]string {
	done := map[int]string{}
	for i, c := range plan.Changes {
		if i >= len(plan.Lines) {
			continue
		}
		what := ""
		switch c.(type) {
		case *model.AddGroup:
			what = "group created"
		case *model.SetGroup:
			what = "group changed"
		case *model.GroupMember:
			what = "added"
		}
		if done[plan.Lines[i]] != "" {
			what = done[plan.Lines[i]] + ", " + what
		}
		done[plan.Lines[i]] = what
	}
	return done
}

func groupImportSummary(rep groupImportReport) string {
	if !rep.Applied {
		return notImportedSummary(rep.File, len(rep.Errors))
	}
	return fmt.Sprintf("%s: %d groups, %d created, %d changed, %d members or departments added, %d already in", rep.File, rep.Groups, rep.Created, rep.Updated, rep.MembersAdded, rep.Unchanged)
}
