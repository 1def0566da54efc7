package cmd

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
)

// maxImport bounds a member CSV (50,000 rows take about 5 MB).
const maxImport = 64 << 20

// importReport is what import members prints with --json.
type importReport struct {
	File     string           `json:"file"`
	Encoding string           `json:"encoding"`
	Rows     int              `json:"rows"`
	Added    int              `json:"added"`
	Updated  int              `json:"updated"`
	Same     int              `json:"unchanged"`
	Depts    []string         `json:"departments_created"`
	DryRun   bool             `json:"dry_run"`
	Applied  bool             `json:"applied"`
	Errors   []model.RowError `json:"errors"`
	// Batch is the batch task that records the run row by row (LOG-5);
	// a dry run records none.
	Batch uint64 `json:"batch,omitempty"`
}

func importCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "import", Short: "bulk imports"}
	var dry, create, asJSON bool
	members := &cobra.Command{
		Use:   "members FILE|- [--dry-run] [--create-depts]",
		Short: "add or update members from a CSV (UTF-8 or GB18030); every row is checked first and nothing is applied unless all are good",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if !model.HoldsAnywhere(env.Actor, model.RightImport) {
				return env.Store.Read(func(r *store.Reader) error { return env.authorize(r, model.RightImport, nil) })
			}
			defer boundImportMemory()()
			raw, err := env.readAll(args[0], maxImport)
			if err != nil {
				return err
			}
			file, err := model.ReadMembersCSV(bytes.NewReader(raw), maxImport)
			raw = nil // the rows hold what is needed; let the file's bytes go
			if err != nil {
				return err
			}
			rep := importReport{File: filepath.Base(args[0]), Encoding: file.Encoding, Rows: len(file.Rows) + countLines(file.Errors), DryRun: dry, Errors: file.Errors}
			lines := make([]importLine, 0, len(file.Rows))
			for _, row := range file.Rows {
				lines = append(lines, importLine{row.Line, row.Address})
			}
			var plan *model.ImportPlan
			if err := env.Store.Read(func(r *store.Reader) error {
				plan = model.PlanMemberImport(r, file, create)
				return nil
			}); err != nil {
				return err
			}
			rep.Errors = append(rep.Errors, plan.Errors...)
			done := importDone(plan)
			rep.Added, rep.Updated, rep.Same = plan.Adds, plan.Updates, plan.Unchanged
			rep.Depts = []string{}
			if create {
				rep.Depts = append(rep.Depts, plan.Depts...)
			}
			if len(rep.Errors) == 0 {
				changes := append(plan.Changes, &model.ImportSummary{File: rep.File, Encoding: file.Encoding, Added: plan.Adds, Updated: plan.Updates, Depts: len(rep.Depts)})
				// The plan holds the rows now; the parsed file and the plan's
				// own list need not live through the big transaction.
				file.Rows, plan.Changes = nil, nil
				failed, err := env.Store.ApplyAll(env.Actor, changes, store.ApplyOptions{DryRun: dry, KeepGoing: true})
				if err != nil {
					return err
				}
				for _, f := range failed {
					line := 0
					if f.Index < len(plan.Lines) {
						line = plan.Lines[f.Index]
					}
					rep.Errors = append(rep.Errors, model.RowError{Line: line, Reason: f.Err.Error()})
				}
				rep.Applied = len(failed) == 0 && !dry
			}
			if rep.Errors == nil {
				rep.Errors = []model.RowError{}
			}
			if !dry {
				rep.Batch = env.recordBatch(model.BatchImportMembers, importState(rep), importSummary(rep), importRows(lines, done, rep))
			}
			if asJSON {
				if err := env.printJSON(rep); err != nil {
					return err
				}
			} else {
				printImport(env, rep, plan)
			}
			if len(rep.Errors) > 0 {
				return nothingImported(len(rep.Errors), rep.File)
			}
			return nil
		},
	}
	members.Flags().BoolVar(&dry, "dry-run", false, "check everything and report, change nothing")
	members.Flags().BoolVar(&create, "create-depts", false, "create departments the file names that do not exist yet")
	members.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	c.AddCommand(members, groupImportCmd(env, "groups"))
	return c
}

// notImportedSummary is the batch task's summary of an import refused for
// its problems.
func notImportedSummary(file string, problems int) string {
	if problems == 1 {
		return fmt.Sprintf("%s: 1 problem; nothing was imported", file)
	}
	return fmt.Sprintf("%s: %d problems; nothing was imported", file, problems)
}

// nothingImported is the error of an import refused for its problems.
func nothingImported(problems int, file string) error {
	if problems == 1 {
		return model.Invalidf("1 problem in %s; nothing was imported. Fix the row listed and import again", file)
	}
	return model.Invalidf("%d problems in %s; nothing was imported. Fix the rows listed and import again", problems, file)
}

// importLine is a row of the file: its line and address.
type importLine struct {
	line int
	addr model.Address
}

func importState(rep importReport) model.BatchState {
	if rep.Applied {
		return model.BatchDone
	}
	return model.BatchFailed
}

func importSummary(rep importReport) string {
	if !rep.Applied {
		return notImportedSummary(rep.File, len(rep.Errors))
	}
	return fmt.Sprintf("%s: %d added, %d updated, %d unchanged, %d departments created", rep.File, rep.Added, rep.Updated, rep.Same, len(rep.Depts))
}

// importDone maps the lines of the file that the plan changes to what it
// does with them: added or updated.
func importDone(plan *model.ImportPlan) map[int]string {
	done := map[int]string{}
	for i, c := range plan.Changes {
		if i >= len(plan.Lines) || plan.Lines[i] == 0 {
			continue
		}
		switch c.(type) {
		case *model.AddMember:
			done[plan.Lines[i]] = "added"
		case *model.SetMember:
			done[plan.Lines[i]] = "updated"
		}
	}
	return done
}

// importRows is the per-row report of a member import as batch rows: each
// line of the file with what became of it (done: importDone). The import
// is all or nothing, so when any line failed the good ones are skipped.
func importRows(lines []importLine, done map[int]string, rep importReport) []model.BatchRow {
	problems, problemsZH := map[int][]string{}, map[int][]string{}
	var order []int
	for _, e := range rep.Errors {
		if _, seen := problems[e.Line]; !seen {
			order = append(order, e.Line)
		}
		problems[e.Line] = append(problems[e.Line], e.CellIn("en"))
		problemsZH[e.Line] = append(problemsZH[e.Line], e.CellIn("zh-CN"))
	}
	// failed is a row with problems, both languages.
	failed := func(key string, line int) model.BatchRow {
		return model.BatchRow{Key: key, Outcome: model.OutcomeFailed, Reason: strings.Join(problems[line], "; "), ReasonZH: strings.Join(problemsZH[line], "；")}
	}
	type numbered struct {
		line int
		row  model.BatchRow
	}
	var all []numbered
	seen := map[int]bool{}
	for _, l := range lines {
		seen[l.line] = true
		key := fmt.Sprintf("line %d %s", l.line, l.addr)
		row := model.BatchRow{Key: key}
		switch {
		case problems[l.line] != nil:
			row = failed(key, l.line)
		case !rep.Applied:
			row.Outcome, row.Reason = model.OutcomeSkipped, "not imported: other rows have problems"
		case done[l.line] != "":
			row.Outcome, row.Reason = model.OutcomeOK, done[l.line]
		default:
			row.Outcome, row.Reason = model.OutcomeOK, "unchanged"
		}
		if row.ReasonZH == "" {
			row.ReasonZH = model.ImportWordZH(row.Reason)
		}
		all = append(all, numbered{l.line, row})
	}
	for _, line := range order {
		if !seen[line] {
			all = append(all, numbered{line, failed(fmt.Sprintf("line %d", line), line)})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].line < all[j].line })
	rows := make([]model.BatchRow, len(all))
	for i, n := range all {
		rows[i] = n.row
	}
	return rows
}

func countLines(errs []model.RowError) int {
	seen := map[int]bool{}
	for _, e := range errs {
		if e.Line > 1 {
			seen[e.Line] = true
		}
	}
	return len(seen)
}

func printImport(env *Env, rep importReport, plan *model.ImportPlan) {
	zh := assets.IsChinese(env.Lang)
	env.say("file %s, encoding %s", "文件 %s，编码 %s", rep.File, rep.Encoding)
	for _, e := range rep.Errors {
		env.printf("  %s\n", e.In(env.Lang))
	}
	var line string
	switch {
	case len(rep.Errors) > 0 && zh:
		line = fmt.Sprintf("修正后将导入新成员 %d 人，更新 %d 人", rep.Added, rep.Updated)
	case len(rep.Errors) > 0:
		line = fmt.Sprintf("would import, once fixed, %d new and %d updated members", rep.Added, rep.Updated)
	case rep.DryRun && zh:
		line = fmt.Sprintf("试运行：将导入新成员 %d 人，更新 %d 人", rep.Added, rep.Updated)
	case rep.DryRun:
		line = fmt.Sprintf("dry run: would import %d new and %d updated members", rep.Added, rep.Updated)
	case zh:
		line = fmt.Sprintf("已导入新成员 %d 人，更新 %d 人", rep.Added, rep.Updated)
	default:
		line = fmt.Sprintf("imported %d new and %d updated members", rep.Added, rep.Updated)
	}
	if rep.Same > 0 {
		line += pick(zh, fmt.Sprintf(" (%d unchanged)", rep.Same), fmt.Sprintf("（%d 人无变化）", rep.Same))
	}
	if len(rep.Depts) > 0 {
		line += pick(zh, fmt.Sprintf(", creating %d departments", len(rep.Depts)), fmt.Sprintf("，新建部门 %d 个", len(rep.Depts)))
	} else if len(plan.Depts) > 0 && len(rep.Errors) > 0 {
		line += pick(zh, fmt.Sprintf(" (%d departments are missing)", len(plan.Depts)), fmt.Sprintf("（缺少部门 %d 个）", len(plan.Depts)))
	}
	env.printf("%s\n", line)
}

func exportCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "export", Short: "bulk exports"}
	var dept string
	var chinese bool
	members := &cobra.Command{
		Use:   "members [--dept PATH] [--zh]",
		Short: "members as CSV: UTF-8 with BOM and CRLF, which Excel on Chinese Windows opens correctly",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			var rows []model.MemberRow
			if err := env.Store.Read(func(r *store.Reader) error {
				if !model.HoldsAnywhere(env.Actor, model.RightMemberRead) {
					return env.authorize(r, model.RightMemberRead, nil)
				}
				f := store.MemberFilter{Recursive: true, Keep: func(m *model.Member) bool { return model.CanSee(env.Actor, m, r) }}
				if dept != "" {
					d, err := r.DeptByPath(dept)
					if err != nil {
						return err
					}
					f.Dept = d.ID
				}
				ms, err := r.Members(f)
				if err != nil {
					return err
				}
				for i, m := range ms {
					row := model.MemberRow{Line: i + 2, Address: m.Address, Name: m.Name, Title: m.Title, Position: m.Position,
						EmployeeID: m.EmployeeID, Mobile: m.Mobile, Phone: m.Phone, Gender: m.Gender, Birthday: m.Birthday}
					for _, d := range m.Depts {
						row.Departments = append(row.Departments, r.DeptPath(d))
					}
					rows = append(rows, row)
				}
				return nil
			}); err != nil {
				return err
			}
			if err := model.WriteMembersCSV(env.Stdout, rows, chinese); err != nil {
				return fmt.Errorf("export: %w", err)
			}
			results := make([]model.BatchRow, 0, len(rows))
			for _, row := range rows {
				results = append(results, model.BatchRow{Key: string(row.Address), Outcome: model.OutcomeOK, Reason: "exported"})
			}
			summary := fmt.Sprintf("members exported: %d", len(rows))
			if dept != "" {
				summary += " of " + dept
			}
			env.recordBatch(model.BatchExport, model.BatchDone, summary, results)
			return nil
		},
	}
	members.Flags().StringVar(&dept, "dept", "", "only this department and those below it")
	members.Flags().BoolVar(&chinese, "zh", false, "Chinese column names (邮箱, 姓名, 部门 …)")
	c.AddCommand(members, exportFileCmd(env))
	return c
}

// plural writes "1 problem" or "3 problems".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
