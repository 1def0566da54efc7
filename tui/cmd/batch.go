package cmd

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"postroom/model"
	"postroom/store"
)

// batchJSON is one batch task as batch list and batch show print it.
type batchJSON struct {
	ID       uint64           `json:"id"`
	Kind     model.BatchKind  `json:"kind"`
	By       model.Address    `json:"by"`
	Door     model.Door       `json:"door"`
	Started  string           `json:"started"`
	Finished string           `json:"finished"`
	State    model.BatchState `json:"state"`
	Expected int              `json:"expected"`
	Rows     int              `json:"rows"`
	OK       int              `json:"ok"`
	Failed   int              `json:"failed"`
	Skipped  int              `json:"skipped"`
	Progress float64          `json:"progress"` // 0 to 1; -1 while the total is unknown
	Summary  string           `json:"summary"`
	// CancelledBy and CancelledAt say who cancelled the task and when;
	// Resumable, that running it again goes on where it stopped.
	CancelledBy model.Address `json:"cancelled_by,omitempty"`
	CancelledAt string        `json:"cancelled_at,omitempty"`
	Resumable   bool          `json:"resumable"`
}

// batchShowJSON is what batch show prints: the task and a page of rows.
type batchShowJSON struct {
	batchJSON
	RowsShown string           `json:"rows_shown"` // all, failed, skipped or ok
	Results   []model.BatchRow `json:"results"`
	NextRow   int              `json:"next_row"` // pass as --after for the next page; 0 at the end
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func toBatchJSON(b *model.Batch) batchJSON {
	return batchJSON{ID: b.ID, Kind: b.Kind, By: b.By, Door: b.Door, Started: rfc3339(b.Started), Finished: rfc3339(b.Finished),
		State: b.State, Expected: b.Expected, Rows: b.Rows, OK: b.OK, Failed: b.Failed, Skipped: b.Skipped, Progress: b.Progress(), Summary: b.Summary,
		CancelledBy: b.CancelledBy, CancelledAt: rfc3339(b.CancelledAt), Resumable: b.Kind.Resumable()}
}

// batchCmd lists and shows batch tasks (LOG-5). Admins and auditors see
// every task; anyone else the tasks they started.
func batchCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "batch", Short: "batch tasks: imports, exports, bulk changes, bulk mail and migrations, with progress and per-row results"}
	c.AddCommand(batchListCmd(env), batchShowCmd(env), batchCancelCmd(env))
	return c
}

func batchListCmd(env *Env) *cobra.Command {
	var kind string
	var limit int
	var asJSON bool
	c := &cobra.Command{
		Use:   "list [--kind K] [--limit N] [--json]",
		Short: "list batch tasks, newest first (admins and auditors: all; others: their own)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			f := store.BatchFilter{Limit: max(0, limit)}
			if kind != "" {
				k, err := model.ParseBatchKind(kind)
				if err != nil {
					return err
				}
				f.Kind = k
			}
			return env.Store.Read(func(r *store.Reader) error {
				f.Keep = func(b *model.Batch) bool { return model.CanSeeBatch(env.Actor, b, r) }
				bs, err := r.Batches(f)
				if err != nil {
					return err
				}
				if asJSON {
					out := []batchJSON{}
					for _, b := range bs {
						out = append(out, toBatchJSON(b))
					}
					return env.printJSON(out)
				}
				var rows [][]string
				for _, b := range bs {
					rows = append(rows, []string{strconv.FormatUint(b.ID, 10), string(b.Kind), string(b.State), batchProgress(b),
						fmt.Sprintf("%d/%d/%d", b.OK, b.Failed, b.Skipped), batchWho(b), b.Started.UTC().Format("2006-01-02 15:04"), model.BatchSummaryIn(b.Summary, env.Lang)})
				}
				env.table([]string{"ID", "KIND", "STATE", "PROGRESS", "OK/FAILED/SKIPPED", "BY", "STARTED", "SUMMARY"}, rows)
				return nil
			})
		},
	}
	c.Flags().StringVar(&kind, "kind", "", "only tasks of this kind (import-members, import-contacts, export, bulk, notify, migrate …)")
	c.Flags().IntVar(&limit, "limit", 0, "at most this many (the newest)")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func batchCancelCmd(env *Env) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "cancel ID [--json]",
		Short: "stop a running or waiting batch task at its next safe point, between two rows, messages or mailboxes (its owner, or batch.manage); a migration started again goes on where it stopped",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			id, err := batchID(args[0])
			if err != nil {
				return err
			}
			b, err := env.Store.CancelBatch(env.Actor, id)
			if err != nil {
				return err
			}
			if asJSON {
				return env.printJSON(toBatchJSON(b))
			}
			if b.State.Finished() {
				env.say("Batch task %d cancelled: %s.", "批量任务 %d 已取消：%s。", b.ID, model.BatchSummaryIn(b.Summary, env.Lang))
			} else {
				env.say("Batch task %d stops at its next safe point; batch show %d tells when it has.", "批量任务 %d 将在下一个安全点停止；可用 batch show %d 查看是否已停止。", b.ID, b.ID)
			}
			if b.Kind == model.BatchMigrate {
				env.say("Run the same migrate imap again to go on where it stopped.", "再次运行同样的 migrate imap 即可从停止处继续。")
			}
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the task as JSON")
	return c
}

// batchWho names who started a task.
func batchWho(b *model.Batch) string {
	if b.By == "" {
		return "postroom"
	}
	return string(b.By)
}

// batchProgress says how far a task is: rows of expected, or rows alone.
func batchProgress(b *model.Batch) string {
	if b.Expected > 0 {
		return fmt.Sprintf("%d/%d", b.Rows, b.Expected)
	}
	return strconv.Itoa(b.Rows)
}

// batchID reads a batch task's id.
func batchID(s string) (uint64, error) {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil || n == 0 {
		return 0, model.Invalidf("%q is not a batch task id: give the number batch list shows", s)
	}
	return n, nil
}

func batchShowCmd(env *Env) *cobra.Command {
	var which string
	var after, limit int
	var asJSON bool
	c := &cobra.Command{
		Use:   "show ID [--rows failed|skipped|ok|all] [--after N] [--limit N] [--json]",
		Short: "one batch task with its results row by row (by default the failed rows; --rows all for every row)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			id, err := batchID(args[0])
			if err != nil {
				return err
			}
			outcome, err := model.ParseBatchRowFilter(which)
			if err != nil {
				return err
			}
			return env.showBatch(id, "", outcome, after, limit, asJSON)
		},
	}
	c.Flags().StringVar(&which, "rows", "failed", "which rows: failed, skipped, ok or all")
	c.Flags().IntVar(&after, "after", 0, "rows after this row number (for paging)")
	c.Flags().IntVar(&limit, "limit", 0, "at most this many rows (0: all)")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

// showBatch prints a batch task with a page of its rows (outcome "" for
// all); kind, when set, is the kind the task must be.
func (e *Env) showBatch(id uint64, kind model.BatchKind, outcome model.Outcome, after, limit int, asJSON bool) error {
	return e.Store.Read(func(r *store.Reader) error {
		b, err := r.Batch(id)
		if err != nil {
			return err
		}
		if err := model.AuthorizeBatch(e.Actor, b, r); err != nil {
			return err
		}
		if kind != "" && b.Kind != kind {
			return model.NotFoundf("batch task %d is a %s task, not a %s one: batch show %d shows it", int(id), string(b.Kind), string(kind), int(id))
		}
		rows, next, err := r.BatchRows(id, outcome, max(0, after), max(0, limit))
		if err != nil {
			return err
		}
		if rows == nil {
			rows = []model.BatchRow{}
		}
		shown := string(outcome)
		if shown == "" {
			shown = "all"
		}
		if asJSON {
			return e.printJSON(batchShowJSON{batchJSON: toBatchJSON(b), RowsShown: shown, Results: rows, NextRow: next})
		}
		e.printf("batch %d: %s, %s, by %s through %s\n", b.ID, b.Kind, b.State, batchWho(b), b.Door)
		e.printf("started %s", b.Started.UTC().Format(time.RFC3339))
		if !b.Finished.IsZero() {
			e.printf(", finished %s", b.Finished.UTC().Format(time.RFC3339))
		}
		e.printf("\nrows %s: %d ok, %d failed, %d skipped\n", batchProgress(b), b.OK, b.Failed, b.Skipped)
		if b.Summary != "" {
			e.printf("%s\n", model.BatchSummaryIn(b.Summary, e.Lang))
		}
		if b.CancelRequested() && !b.State.Finished() {
			e.printf("stopping: %s; it stops at its next safe point\n", b.CancelNote())
		}
		var table [][]string
		for _, row := range rows {
			table = append(table, []string{strconv.Itoa(row.N), string(row.Outcome), row.Key, row.ReasonIn(e.Lang)})
		}
		if len(table) > 0 {
			e.printf("\n")
			e.table([]string{"ROW", "OUTCOME", "KEY", "REASON"}, table)
		} else {
			e.printf("no %s rows\n", shown)
		}
		if next > 0 {
			e.printf("more: batch show %d --rows %s --after %d\n", b.ID, shown, next)
		}
		return nil
	})
}

// recordBatch records a finished job's report as a batch task and returns
// its id; a failure to record is told on stderr and does not undo the job.
func (e *Env) recordBatch(kind model.BatchKind, state model.BatchState, summary string, rows []model.BatchRow) uint64 {
	id, err := e.Store.RecordBatch(e.Actor, kind, state, summary, rows)
	if err != nil {
		fmt.Fprintf(e.Stderr, "postroom: the batch task was not recorded: %v\n", err)
		return 0
	}
	return id
}
