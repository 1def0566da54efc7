package model

import (
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"
	"text/template"
	"time"
	"unicode/utf8"
)

// The notification assistant (MAILFX-3, seed part 4 6.1.4): templated
// bulk mail with per-recipient variables from an uploaded CSV, sent by a
// member who holds the notify permission, at most a daily quota of
// messages for the whole company (the seed's 每天可供发信量为1000封);
// rows over the quota wait for the next day.

// DefaultNotifyQuota is how many notification messages the company may
// send a day unless org set --notify-quota says otherwise.
const DefaultNotifyQuota = 1000

// MaxNotifyQuota bounds the daily quota an admin may set.
const MaxNotifyQuota = 1_000_000

// MaxNotifyRows bounds the recipients of one job (the rows of its CSV).
const MaxNotifyRows = 50_000

// MaxNotifyCSVBytes bounds the recipient CSV.
const MaxNotifyCSVBytes = 16 << 20

// MaxNotifyTemplateBytes bounds the template (subject and body).
const MaxNotifyTemplateBytes = 64 << 10

// NotifyLimit is the company's daily quota of notification messages.
func (e Enterprise) NotifyLimit() int {
	if e.NotifyQuota > 0 {
		return e.NotifyQuota
	}
	return DefaultNotifyQuota
}

// NotifyDay is the day a moment falls on for the quota, in loc: the
// quota starts afresh at local midnight.
func NotifyDay(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.Local
	}
	return t.In(loc).Format(time.DateOnly)
}

// NextNotifyDay is the local midnight after t, when a waiting job goes on.
func NextNotifyDay(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.Local
	}
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, loc)
}

// MayNotify reports whether the actor may send notification mail at now:
// a member holding the notify permission (PERM-1: admins hold it by their
// role unless the catalogue says otherwise; others by a grant, their
// position class or a delegation).
func MayNotify(v View, a Actor, now time.Time) error {
	if a.IsSystem() {
		return nil
	}
	m, err := v.Member(a.Address)
	if err != nil {
		return Forbiddenf("only members send notification mail; %s is none", a.Address)
	}
	b, err := LoadPermBasis(v)
	if err != nil {
		return err
	}
	held, err := EffectivePerms(v, b, m, now)
	if err != nil {
		return err
	}
	if _, ok := FindPerm(held, PermNotify); ok {
		return nil
	}
	return Forbiddenf("sending notification mail needs the permission %s, which %s does not hold: request file grant --member %s --perm %s asks for it", PermNotify, a.Address, a.Address, PermNotify)
}

// NotifyTemplate is a notification's subject and body, each a Go
// text/template over one CSV row: {{.COLUMN}} for a column (or
// {{index . "COLUMN"}} when its name is no identifier), {{.Address}} the
// recipient, and, when the recipient is a member, {{.Member.Name}} and the
// other fields of SignatureFields ({{with .Member}}…{{end}} for rows that
// may not be members).
type NotifyTemplate struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// ParseNotifyTemplateFile reads a template file: its first line is
// "Subject: …" (or "主题：…"), then a blank line, then the body.
func ParseNotifyTemplateFile(text string) (NotifyTemplate, error) {
	text = strings.TrimPrefix(strings.ReplaceAll(text, "\r\n", "\n"), utf8BOM)
	first, rest, _ := strings.Cut(text, "\n")
	var subject string
	ok := false
	for _, p := range []string{"Subject:", "subject:", "SUBJECT:", "主题：", "主题:"} {
		if s, found := strings.CutPrefix(first, p); found {
			subject, ok = s, true
			break
		}
	}
	if !ok {
		return NotifyTemplate{}, Invalidf("the template's first line must be the subject, as Subject: {{.name}}, your notice (or 主题：…), then a blank line and the body")
	}
	rest = strings.TrimPrefix(rest, "\n")
	return NotifyTemplate{Subject: strings.TrimSpace(subject), Body: rest}, nil
}

// ParsedNotify is a template ready to fill in.
type ParsedNotify struct {
	subject, body *template.Template
}

// Parse checks the template: a subject, a body, within the size limit,
// both parsing.
func (t NotifyTemplate) Parse() (*ParsedNotify, error) {
	if strings.TrimSpace(t.Subject) == "" {
		return nil, Invalidf("the notification has no subject: give it with --subject or as the template's first line, Subject: …")
	}
	if strings.TrimSpace(t.Body) == "" {
		return nil, Invalidf("the notification has no body: give it with --body or in the template below the subject line")
	}
	if n := len(t.Subject) + len(t.Body); n > MaxNotifyTemplateBytes {
		return nil, Invalidf("the template is %d bytes; at most %d are allowed", n, MaxNotifyTemplateBytes)
	}
	if !utf8.ValidString(t.Subject) || !utf8.ValidString(t.Body) {
		return nil, Invalidf("the template is not UTF-8 text: save it as UTF-8")
	}
	st, err := template.New("subject").Option("missingkey=error").Parse(t.Subject)
	if err != nil {
		return nil, Invalidf("the subject template does not parse: %s", notifyTemplateErr(err))
	}
	bt, err := template.New("body").Option("missingkey=error").Parse(t.Body)
	if err != nil {
		return nil, Invalidf("the body template does not parse: %s", notifyTemplateErr(err))
	}
	return &ParsedNotify{subject: st, body: bt}, nil
}

func notifyTemplateErr(err error) string {
	s := strings.TrimPrefix(err.Error(), "template: ")
	return strings.TrimSpace(s)
}

// maxNotifyOutput bounds one rendered message.
const maxNotifyOutput = 256 << 10

// Render fills the template in for one row; m is the recipient's fields
// when they are a member, else nil.
func (p *ParsedNotify) Render(row NotifyRow, m *SignatureFields) (subject, body string, err error) {
	data := make(map[string]any, len(row.Vars)+2)
	for k, v := range row.Vars {
		data[k] = v
	}
	data["Address"] = string(row.Address)
	if m != nil {
		data["Member"] = m
	} else {
		data["Member"] = nil
	}
	b := &capped{max: maxNotifyOutput}
	if err := p.subject.Execute(b, data); err != nil {
		return "", "", Invalidf("the subject does not fill in for %s: %s", row.Address, notifyTemplateErr(err))
	}
	subject = strings.Join(strings.Fields(b.String()), " ")
	b.Reset()
	if err := p.body.Execute(b, data); err != nil {
		return "", "", Invalidf("the body does not fill in for %s: %s", row.Address, notifyTemplateErr(err))
	}
	if subject == "" {
		return "", "", Invalidf("the subject is empty for %s", row.Address)
	}
	return subject, strings.ReplaceAll(b.String(), "\r\n", "\n"), nil
}

// NotifyRow is one recipient of a notification: a row of the CSV.
type NotifyRow struct {
	Line    int               `json:"line"`    // the CSV's line
	Address Address           `json:"address"` // "" when Problem says why
	Written string            `json:"written,omitempty"`
	Vars    map[string]string `json:"vars,omitempty"`
	// Problem is why the row cannot be sent (no address, a repeated one):
	// it is reported as skipped.
	Problem string `json:"problem,omitempty"`
}

// NotifyList is what ReadNotifyCSV found: the columns after the address
// (the variables) and the rows.
type NotifyList struct {
	Encoding string      `json:"encoding"`
	Columns  []string    `json:"columns"`
	Rows     []NotifyRow `json:"rows"`
}

// notifyAddressColumns are the names the address column may have.
var notifyAddressColumns = []string{"address", "email", "e-mail", "mail", "邮箱", "邮件地址", "电子邮箱", "地址"}

// ReadNotifyCSV reads a recipient list: UTF-8 (with or without BOM) or
// GB18030/GBK, a header row naming an address column (address or 邮箱)
// and any variables, then one row per recipient. A row without a usable
// address, or repeating one, is kept with its Problem so that the report
// names it; blank rows are left out.
func ReadNotifyCSV(raw []byte) (*NotifyList, error) {
	if len(raw) > MaxNotifyCSVBytes {
		return nil, Invalidf("the recipient list is larger than %d MB; split it", MaxNotifyCSVBytes>>20)
	}
	if len(strings.TrimSpace(string(raw))) == 0 {
		return nil, Invalidf("the recipient list is empty; its first line must be the header row, such as address,name")
	}
	text, enc, err := decodeMembersCSV(raw)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, Invalidf("line 1 (the header row): %s", csvProblem(pe))
		}
		return nil, Invalidf("the header row cannot be read: %v", err)
	}
	out := &NotifyList{Encoding: enc}
	addrCol := -1
	names := make([]string, len(header))
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, utf8BOM)) // as written: the template names it so
		names[i] = h
		if addrCol < 0 && slices.Contains(notifyAddressColumns, strings.ToLower(h)) {
			addrCol = i
			continue
		}
		if h == "" {
			continue
		}
		if slices.Contains(out.Columns, h) {
			return nil, Invalidf("the header row names the column %q twice; give each column its own name", h)
		}
		if h == "Address" || h == "Member" {
			return nil, Invalidf("the column %q has a name the template keeps for itself ({{.%s}}); rename the column", h, h)
		}
		out.Columns = append(out.Columns, h)
	}
	if addrCol < 0 {
		return nil, Invalidf("the header row has no address column: name the recipients' column address (or 邮箱); the header was %s", strings.Join(names, ","))
	}
	seen := map[Address]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, Invalidf("line %d: %s", pe.StartLine, csvProblem(pe))
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		blank := true
		for _, c := range rec {
			if strings.TrimSpace(c) != "" {
				blank = false
			}
		}
		if blank {
			continue
		}
		if len(out.Rows) >= MaxNotifyRows {
			return nil, Invalidf("the recipient list has more than %d rows; split it into several notifications", MaxNotifyRows)
		}
		row := NotifyRow{Line: line, Vars: make(map[string]string, len(out.Columns))}
		for i, c := range rec {
			if i == addrCol || i >= len(names) || names[i] == "" {
				continue
			}
			row.Vars[names[i]] = unescapeFormula(strings.TrimSpace(c))
		}
		for _, col := range out.Columns {
			if _, ok := row.Vars[col]; !ok {
				row.Vars[col] = ""
			}
		}
		if addrCol < len(rec) {
			row.Written = strings.TrimSpace(rec[addrCol])
		}
		switch a, err := ParseAddress(row.Written); {
		// Problems are kept as English text and told in the reader's
		// language when shown (LocalizeText).
		case row.Written == "":
			row.Problem = Invalidf("no address in this row").Error()
		case err != nil:
			row.Problem = Invalidf("%q is not an address", row.Written).Error()
		case seen[a] > 0:
			row.Address, row.Problem = a, Invalidf("the address repeats line %d; it is sent once", seen[a]).Error()
		default:
			row.Address = a
			seen[a] = line
		}
		out.Rows = append(out.Rows, row)
	}
	if len(out.Rows) == 0 {
		return nil, Invalidf("the recipient list has a header row but no recipients")
	}
	return out, nil
}

// NotifyState is where a notification job stands.
type NotifyState string

// The states of a notification job.
const (
	NotifyRunning   NotifyState = "running"   // rows are being queued
	NotifyWaiting   NotifyState = "waiting"   // the day's quota is used up: it goes on after local midnight
	NotifyDone      NotifyState = "done"      // every row queued or skipped
	NotifyCancelled NotifyState = "cancelled" // stopped by its sender or an admin; the rows not queued stay unsent
)

// NotifyJob is one notification: who sends it, the template, and how far
// its rows got. The rows are kept apart (NotifyRowState).
type NotifyJob struct {
	ID         uint64         `json:"id"`
	Sender     Address        `json:"sender"`
	SenderName string         `json:"sender_name"`
	Door       Door           `json:"door"`
	Template   NotifyTemplate `json:"template"`
	Columns    []string       `json:"columns"`
	Created    time.Time      `json:"created"`
	State      NotifyState    `json:"state"`
	Rows       int            `json:"rows"`
	Queued     int            `json:"queued"`
	Skipped    int            `json:"skipped"`
	// Next is the number of the first row not yet taken (1-based).
	Next int `json:"next"`
	// WaitUntil is when a waiting job goes on (local midnight).
	WaitUntil time.Time `json:"wait_until,omitzero"`
	Finished  time.Time `json:"finished,omitzero"`
	// Batch is the batch task that reports it (LOG-5); a job that goes on
	// after a restart gets a new one.
	Batch uint64 `json:"batch,omitempty"`
}

// Open reports whether rows may still be queued.
func (j *NotifyJob) Open() bool { return j.State == NotifyRunning || j.State == NotifyWaiting }

// Waiting is the number of rows not yet queued or skipped.
func (j *NotifyJob) Waiting() int { return max(0, j.Rows-j.Queued-j.Skipped) }

// The statuses of one row of a job.
const (
	RowPending = "pending" // not yet taken; "waiting" while the job waits for the next day
	RowSending = "sending" // taken under today's quota, being queued
	RowQueued  = "queued"  // in the mail queue (QueueID)
	RowSkipped = "skipped" // not sent: Reason says why
)

// NotifyRowState is one row of a job and what became of it.
type NotifyRowState struct {
	N       int       `json:"n"` // 1-based, in the CSV's order
	Row     NotifyRow `json:"row"`
	Status  string    `json:"status"`
	Reason  string    `json:"reason,omitempty"`
	QueueID string    `json:"queue_id,omitempty"`
	Day     string    `json:"day,omitempty"` // the quota day it was queued on
}
