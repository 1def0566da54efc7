package cmd

import (
	"bytes"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
)

// listImportReport is what `list import --json` prints.
type listImportReport struct {
	List     string `json:"list"`
	File     string `json:"file"`
	Encoding string `json:"encoding"`
	Rows     int    `json:"rows"`
	// Imported is how many addresses were (or, in a dry run or with
	// problems, would be) subscribed or asked to confirm.
	Imported int `json:"imported"`
	// Confirmed: the admin attested consent, so they are subscribed at
	// once; otherwise each is mailed a confirmation and stays unconfirmed.
	Confirmed bool             `json:"confirmed"`
	DryRun    bool             `json:"dry_run"`
	Applied   bool             `json:"applied"`
	Errors    []model.RowError `json:"errors"`
	// Batch is the batch task that records the run row by row (LOG-5);
	// a dry run records none.
	Batch uint64 `json:"batch,omitempty"`
}

// listImportCmd is `list import LIST FILE`: outside subscribers from a CSV
// (LIST-2), every row checked first, applied all or nothing.
func listImportCmd(env *Env) *cobra.Command {
	var dry, confirmed, asJSON bool
	c := &cobra.Command{
		Use:   "import LIST FILE|- [--dry-run] [--confirmed]",
		Short: "add outside subscribers from a CSV (UTF-8 or GB18030): columns address/邮箱 and name/姓名; each is mailed a confirmation (double opt-in) unless --confirmed; every row is checked first and nothing is applied unless all are good",
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			list, err := addr(args[0])
			if err != nil {
				return err
			}
			if err := env.Store.Read(func(r *store.Reader) error {
				if err := env.authorize(r, model.RightListManage, nil); err != nil {
					return err
				}
				_, err := r.MailingList(list)
				return err
			}); err != nil {
				return err
			}
			raw, err := env.readAll(args[1], maxImport)
			if err != nil {
				return err
			}
			file, err := model.ReadSubscribersCSV(bytes.NewReader(raw), maxImport, env.Lang)
			if err != nil {
				return err
			}
			rep := listImportReport{List: string(list), File: filepath.Base(args[1]), Encoding: file.Encoding,
				Rows: len(file.Rows) + countLines(file.Errors), Confirmed: confirmed, DryRun: dry, Errors: file.Errors}
			var plan *model.SubscriberImportPlan
			if err := env.Store.Read(func(r *store.Reader) error {
				plan, err = model.PlanSubscriberImport(r, list, file, confirmed, rep.File, env.Lang)
				return err
			}); err != nil {
				return err
			}
			rep.Errors = append(rep.Errors, plan.Errors...)
			rep.Imported = plan.Rows
			if len(rep.Errors) == 0 {
				failed, err := env.Store.ApplyAll(env.Actor, plan.Changes, store.ApplyOptions{DryRun: dry})
				if err != nil {
					return err
				}
				for _, f := range failed {
					rep.Errors = append(rep.Errors, model.RowError{Reason: model.Localize(f.Err, env.Lang)})
				}
				rep.Applied = len(failed) == 0 && !dry
			}
			if rep.Errors == nil {
				rep.Errors = []model.RowError{}
			}
			if !dry {
				rep.Batch = env.recordBatch(model.BatchImportSubscribers, importState(importReport{Applied: rep.Applied}), listImportSummary(rep),
					importRows(subscriberLines(file), subscriberImportDone(file, confirmed), importReport{Applied: rep.Applied, Errors: rep.Errors}))
			}
			if asJSON {
				if err := env.printJSON(rep); err != nil {
					return err
				}
			} else {
				zh := assets.IsChinese(env.Lang)
				env.printf(pick(zh, "file %s, encoding %s\n", "文件 %s，编码 %s\n"), rep.File, rep.Encoding)
				for _, e := range rep.Errors {
					env.printf("  %s\n", e.String())
				}
				verb := pick(zh, "imported", "已导入")
				switch {
				case len(rep.Errors) > 0:
					verb = pick(zh, "would import, once fixed,", "改正后可导入")
				case dry:
					verb = pick(zh, "dry run: would import", "试运行：将导入")
				}
				how := pick(zh, "each is mailed a confirmation and stays unconfirmed until it replies", "每个地址都会收到确认邮件，回复前保持未确认")
				if confirmed {
					how = fmt.Sprintf(pick(zh, "subscribed at once, consent attested by %s", "立即订阅，由 %s 确认对方已同意"), env.Actor.Address)
				}
				env.printf(pick(zh, "%s %d addresses into %s: %s\n", "%s %d 个地址到 %s：%s\n"), verb, rep.Imported, list, how)
			}
			if len(rep.Errors) > 0 {
				return nothingImported(len(rep.Errors), rep.File)
			}
			return nil
		},
	}
	c.Flags().BoolVar(&dry, "dry-run", false, "check everything and report, change nothing")
	c.Flags().BoolVar(&confirmed, "confirmed", false, "you attest that these people agreed to the list elsewhere: subscribe them at once, without a confirmation mail (recorded with your name)")
	c.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return c
}

// subscriberLines are the rows of a subscriber file as the batch task
// names them.
func subscriberLines(f *model.SubscribersCSV) []importLine {
	out := make([]importLine, 0, len(f.Rows))
	for _, r := range f.Rows {
		out = append(out, importLine{r.Line, model.Address(r.Address)})
	}
	return out
}

// subscriberImportDone says what an applied import did with each row.
func subscriberImportDone(f *model.SubscribersCSV, confirmed bool) map[int]string {
	what := "unconfirmed, confirmation mailed"
	if confirmed {
		what = "subscribed (consent attested)"
	}
	done := make(map[int]string, len(f.Rows))
	for _, r := range f.Rows {
		done[r.Line] = what
	}
	return done
}

func listImportSummary(rep listImportReport) string {
	if !rep.Applied {
		return notImportedSummary(rep.File+" into "+string(rep.List), len(rep.Errors))
	}
	if rep.Confirmed {
		return fmt.Sprintf("%s into %s: %d subscribed, consent attested", rep.File, rep.List, rep.Imported)
	}
	return fmt.Sprintf("%s into %s: %d unconfirmed, each mailed a confirmation", rep.File, rep.List, rep.Imported)
}
