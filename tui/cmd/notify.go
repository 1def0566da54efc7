package cmd

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"postroom/model"
	"postroom/store"
)

// notifyJobJSON is one notification job as notify list and notify show
// print it.
type notifyJobJSON struct {
	ID        uint64            `json:"id"`
	Sender    model.Address     `json:"sender"`
	Subject   string            `json:"subject"`
	State     model.NotifyState `json:"state"`
	Rows      int               `json:"rows"`
	Queued    int               `json:"queued"`
	Skipped   int               `json:"skipped"`
	Waiting   int               `json:"waiting"`
	Created   string            `json:"created"`
	WaitUntil string            `json:"wait_until"` // when a waiting job goes on
	Finished  string            `json:"finished"`
	Batch     uint64            `json:"batch"` // its batch task (batch show ID)
}

// notifyRowJSON is one row of a job: queued, skipped (with the reason),
// waiting for the next day, or pending.
type notifyRowJSON struct {
	N       int               `json:"row"`
	Line    int               `json:"line"`
	Address string            `json:"address"`
	Status  string            `json:"status"`
	Reason  string            `json:"reason,omitempty"`
	QueueID string            `json:"queue_id,omitempty"`
	Day     string            `json:"day,omitempty"`
	Vars    map[string]string `json:"vars,omitempty"`
}

// notifyPreviewJSON is notify preview --json.
type notifyPreviewJSON struct {
	Rows       int                 `json:"rows"`
	Sendable   int                 `json:"sendable"` // rows with a usable address
	Skipped    []notifyRowJSON     `json:"skipped"`  // rows that will not be sent, with why
	Columns    []string            `json:"columns"`
	Encoding   string              `json:"encoding"`
	Quota      int                 `json:"quota"`
	UsedToday  int                 `json:"used_today"`
	Today      int                 `json:"today"`       // how many would go today
	NextDays   int                 `json:"next_days"`   // how many would wait for the following days
	Messages   []notifyMessageJSON `json:"messages"`    // the first N, filled in
	Problems   []notifyRowJSON     `json:"problems"`    // rows among the first N whose template does not fill in
	TodayStart string              `json:"today_start"` // the quota day, server local time
}

type notifyMessageJSON struct {
	Line    int    `json:"line"`
	To      string `json:"to"`
	Member  bool   `json:"member"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

func toNotifyJobJSON(j *model.NotifyJob) notifyJobJSON {
	return notifyJobJSON{ID: j.ID, Sender: j.Sender, Subject: j.Template.Subject, State: j.State, Rows: j.Rows, Queued: j.Queued,
		Skipped: j.Skipped, Waiting: j.Waiting(), Created: rfc3339(j.Created), WaitUntil: rfc3339(j.WaitUntil), Finished: rfc3339(j.Finished), Batch: j.Batch}
}

// notifyCmd is the notification assistant (MAILFX-3).
func notifyCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "notify", Short: "the notification assistant: templated bulk mail to an uploaded recipient list, within a daily quota (MAILFX-3)"}
	c.AddCommand(notifyPreviewCmd(env), notifySendCmd(env), notifyListCmd(env), notifyShowCmd(env), notifyCancelCmd(env))
	return c
}

// notifyInput is the template and the recipient list of preview and send.
type notifyInput struct {
	template, csv, subject, body string
}

func (in *notifyInput) bind(c *cobra.Command) {
	f := c.Flags()
	f.StringVar(&in.template, "template", "", "the template file: Subject: … on the first line, a blank line, the body; - reads standard input")
	f.StringVar(&in.subject, "subject", "", "the subject template (instead of, or over, the file's)")
	f.StringVar(&in.body, "body", "", "the body template (instead of, or over, the file's)")
	f.StringVar(&in.csv, "csv", "", "the recipient list: a header row with address (or 邮箱) and the variables, UTF-8 or GB18030; - reads standard input")
}

// read reads the template and the list; over SSH only one of them can
// come from standard input (give the other with --subject and --body).
func (in *notifyInput) read(env *Env) (model.NotifyTemplate, *model.NotifyList, error) {
	var t model.NotifyTemplate
	if in.csv == "" {
		return t, nil, model.Invalidf("name the recipient list with --csv FILE (or - for standard input)")
	}
	if in.template == "-" && in.csv == "-" {
		return t, nil, model.Invalidf("only one of --template and --csv can be read from standard input; give the template with --subject and --body instead")
	}
	if in.template != "" {
		raw, err := env.readAll(in.template, model.MaxNotifyTemplateBytes)
		if err != nil {
			return t, nil, err
		}
		if t, err = model.ParseNotifyTemplateFile(string(raw)); err != nil {
			return t, nil, err
		}
	}
	if in.subject != "" {
		t.Subject = in.subject
	}
	if in.body != "" {
		t.Body = in.body
	}
	if _, err := t.Parse(); err != nil {
		return t, nil, err
	}
	raw, err := env.readAll(in.csv, model.MaxNotifyCSVBytes)
	if err != nil {
		return t, nil, err
	}
	list, err := model.ReadNotifyCSV(raw)
	return t, list, err
}

func notifyPreviewCmd(env *Env) *cobra.Command {
	var in notifyInput
	var n int
	var asJSON bool
	c := &cobra.Command{
		Use:   "preview --template FILE|- --csv FILE|- [--n 3] [--json]",
		Short: "fill the template in for the first rows and say how many go today and how many wait for the next days; nothing is sent",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			t, list, err := in.read(env)
			if err != nil {
				return err
			}
			tmpl, _ := t.Parse()
			now := env.Store.Now()
			out := notifyPreviewJSON{Rows: len(list.Rows), Columns: list.Columns, Encoding: list.Encoding, Skipped: []notifyRowJSON{},
				Messages: []notifyMessageJSON{}, Problems: []notifyRowJSON{}, TodayStart: model.NotifyDay(now, time.Local)}
			err = env.Store.Read(func(r *store.Reader) error {
				if err := model.MayNotify(r, env.Actor, now); err != nil {
					return err
				}
				e, err := r.Enterprise()
				if err != nil {
					return err
				}
				out.Quota, out.UsedToday = e.NotifyLimit(), r.NotifyUsed(out.TodayStart)
				for _, row := range list.Rows {
					if row.Problem != "" {
						out.Skipped = append(out.Skipped, notifyRowJSON{Line: row.Line, Address: orWritten(row), Status: model.RowSkipped, Reason: model.LocalizeText(row.Problem, env.Lang)})
						continue
					}
					out.Sendable++
					if len(out.Messages)+len(out.Problems) >= n {
						continue
					}
					var fields *model.SignatureFields
					if m, err := r.Member(row.Address); err == nil {
						f, err := model.MemberSignatureFields(r, m)
						if err != nil {
							return err
						}
						fields = &f
					}
					subject, body, err := tmpl.Render(row, fields)
					if err != nil {
						out.Problems = append(out.Problems, notifyRowJSON{Line: row.Line, Address: string(row.Address), Status: model.RowSkipped, Reason: model.Localize(err, env.Lang)})
						continue
					}
					out.Messages = append(out.Messages, notifyMessageJSON{Line: row.Line, To: string(row.Address), Member: fields != nil, Subject: subject, Body: body})
				}
				return nil
			})
			if err != nil {
				return err
			}
			left := max(0, out.Quota-out.UsedToday)
			out.Today = min(left, out.Sendable)
			out.NextDays = out.Sendable - out.Today
			if asJSON {
				return env.printJSON(out)
			}
			env.say("%d rows (%s), variables: %v; %d can be sent, %d skipped.", "共 %d 行（%s），变量：%v；%d 行可发送，%d 行跳过。",
				out.Rows, out.Encoding, out.Columns, out.Sendable, len(out.Skipped))
			env.say("Today's quota: %d of %d used; %d would go today, %d wait for the following days.", "今日配额：已用 %d / %d；今天可发 %d 封，%d 封等到之后几天。",
				out.UsedToday, out.Quota, out.Today, out.NextDays)
			for _, s := range out.Skipped {
				env.say("  skipped: line %d %s: %s", "  跳过：第 %d 行 %s：%s", s.Line, s.Address, s.Reason)
			}
			for _, p := range out.Problems {
				env.say("  does not fill in: line %d %s: %s", "  无法填充：第 %d 行 %s：%s", p.Line, p.Address, p.Reason)
			}
			for _, m := range out.Messages {
				env.printf("\n")
				env.say("--- line %d, to %s", "--- 第 %d 行，收件人 %s", m.Line, m.To)
				env.printf("Subject: %s\n\n%s\n", m.Subject, m.Body)
			}
			return nil
		},
	}
	in.bind(c)
	c.Flags().IntVar(&n, "n", 3, "how many messages to show")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func orWritten(row model.NotifyRow) string {
	if row.Address != "" {
		return string(row.Address)
	}
	return row.Written
}

func notifySendCmd(env *Env) *cobra.Command {
	var in notifyInput
	var asJSON bool
	c := &cobra.Command{
		Use:   "send --template FILE|- --csv FILE|- [--json]",
		Short: "send a message to each row, from you, within the daily quota (the rest waits for the next day); prints the job id",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			t, list, err := in.read(env)
			if err != nil {
				return err
			}
			job, err := env.Store.StartNotify(env.Actor, t, list)
			if err != nil {
				return err
			}
			if asJSON {
				return env.printJSON(toNotifyJobJSON(job))
			}
			env.printf("%d\n", job.ID)
			if env.Spool == nil {
				env.say("Notification %d keeps %d rows; postroom serve queues them when it runs. notify show %d follows it.",
					"通知 %d 共 %d 行；postroom serve 运行时会逐行发出。用 notify show %d 查看进度。", job.ID, job.Rows, job.ID)
			} else {
				env.say("Notification %d: %d rows are being queued; notify show %d follows it.", "通知 %d：%d 行正在发出；用 notify show %d 查看进度。", job.ID, job.Rows, job.ID)
			}
			return nil
		},
	}
	in.bind(c)
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

// mayReadNotify: the sender reads their own jobs; holders of log.read
// (admins, auditors) read all.
func (e *Env) mayReadNotify(r *store.Reader, j *model.NotifyJob) error {
	if j.Sender == e.Actor.Address || model.Can(e.Actor, model.RightLogRead, nil, r) {
		return nil
	}
	return model.NotFoundf("no notification job %d that you may see: notify list shows yours (all of them need the right %s)", int(j.ID), model.RightLogRead)
}

func notifyListCmd(env *Env) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "list [--json]",
		Short: "notification jobs, newest first: yours, or all with log.read; and today's quota",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return env.Store.Read(func(r *store.Reader) error {
				jobs, err := r.NotifyJobs(false)
				if err != nil {
					return err
				}
				out := []notifyJobJSON{}
				for _, j := range jobs {
					if env.mayReadNotify(r, j) == nil {
						out = append(out, toNotifyJobJSON(j))
					}
				}
				if asJSON {
					return env.printJSON(out)
				}
				e, err := r.Enterprise()
				if err != nil {
					return err
				}
				day := model.NotifyDay(env.Store.Now(), time.Local)
				env.say("Today (%s): %d of %d notification messages sent; %d left.", "今天（%s）：已发通知 %d / %d 封；还可发 %d 封。",
					day, r.NotifyUsed(day), e.NotifyLimit(), max(0, e.NotifyLimit()-r.NotifyUsed(day)))
				var rows [][]string
				for _, j := range out {
					rows = append(rows, []string{strconv.FormatUint(j.ID, 10), string(j.Sender), string(j.State), fmt.Sprintf("%d/%d", j.Queued, j.Rows),
						strconv.Itoa(j.Skipped), strconv.Itoa(j.Waiting), model.CutText(j.Subject, 40)})
				}
				env.table([]string{"ID", "SENDER", "STATE", "QUEUED", "SKIPPED", "WAITING", "SUBJECT"}, rows)
				return nil
			})
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func notifyShowCmd(env *Env) *cobra.Command {
	var asJSON bool
	var limit, after int
	c := &cobra.Command{
		Use:   "show ID [--rows N] [--after N] [--json]",
		Short: "a job and its send report: each row queued, skipped with the reason, or waiting for the next day",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return model.Invalidf("%q is no job id: notify list shows them", args[0])
			}
			return env.Store.Read(func(r *store.Reader) error {
				j, err := r.NotifyJob(id)
				if err != nil {
					return err
				}
				if err := env.mayReadNotify(r, j); err != nil {
					return err
				}
				states, err := r.NotifyRows(id, after, limit)
				if err != nil {
					return err
				}
				rows := make([]notifyRowJSON, 0, len(states))
				for _, st := range states {
					row := notifyRowJSON{N: st.N, Line: st.Row.Line, Address: orWritten(st.Row), Status: st.Status, Reason: st.Reason,
						QueueID: st.QueueID, Day: st.Day, Vars: st.Row.Vars}
					if st.Status == model.RowPending {
						switch j.State {
						case model.NotifyWaiting:
							row.Status, row.Reason = "waiting", "the day's quota is used up: it goes after "+j.WaitUntil.Local().Format("2006-01-02 15:04")
						case model.NotifyCancelled:
							row.Status, row.Reason = model.RowSkipped, "not sent: the job was cancelled"
						}
					}
					rows = append(rows, row)
				}
				if asJSON {
					return env.printJSON(struct {
						notifyJobJSON
						Template model.NotifyTemplate `json:"template"`
						Report   []notifyRowJSON      `json:"report"`
					}{toNotifyJobJSON(j), j.Template, rows})
				}
				env.say("Notification %d from %s: %s", "通知 %d，发件人 %s：%s", j.ID, j.Sender, j.State)
				env.say("Subject: %s", "主题：%s", j.Template.Subject)
				env.say("%d rows: %d queued, %d skipped, %d not yet sent.", "共 %d 行：已发出 %d，跳过 %d，未发 %d。", j.Rows, j.Queued, j.Skipped, j.Waiting())
				if j.State == model.NotifyWaiting {
					env.say("The day's quota is used up: the rest goes after %s.", "今日配额已用完：其余的在 %s 之后发出。", j.WaitUntil.Local().Format("2006-01-02 15:04"))
				}
				if j.Batch != 0 {
					env.say("Batch task: batch show %d", "批量任务：batch show %d", j.Batch)
				}
				var tab [][]string
				for _, row := range rows {
					tab = append(tab, []string{strconv.Itoa(row.N), strconv.Itoa(row.Line), row.Address, row.Status, row.QueueID + model.LocalizeText(row.Reason, env.Lang)})
				}
				env.table([]string{"ROW", "LINE", "ADDRESS", "STATUS", "QUEUE ID / REASON"}, tab)
				return nil
			})
		},
	}
	c.Flags().IntVar(&limit, "rows", 0, "at most this many rows (0: all)")
	c.Flags().IntVar(&after, "after", 0, "start after this row number")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func notifyCancelCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "cancel ID",
		Short: "stop a job: the rows not yet queued stay unsent (its sender, or queue.manage)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return model.Invalidf("%q is no job id: notify list shows them", args[0])
			}
			j, err := env.Store.CancelNotify(env.Actor, id)
			if err != nil {
				return err
			}
			env.say("Notification %d cancelled: %d queued, %d not sent.", "通知 %d 已取消：已发出 %d，未发 %d。", j.ID, j.Queued, j.Waiting())
			return nil
		},
	}
}
