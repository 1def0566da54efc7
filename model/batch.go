package model

import (
	"fmt"
	"postroom/assets"
	"strings"
	"time"
)

// BatchKind names what a batch task does (LOG-5). The kinds postroom runs
// itself are listed; another job names its own with ParseBatchKind's form
// (lower-case letters, digits and hyphens).
type BatchKind string

// The batch kinds postroom runs.
const (
	BatchImportMembers     BatchKind = "import-members"     // import members FILE
	BatchImportContacts    BatchKind = "import-contacts"    // book import FILE
	BatchImportGroups      BatchKind = "import-groups"      // import groups FILE (LIST-1)
	BatchImportSubscribers BatchKind = "import-subscribers" // list import LIST FILE (LIST-2)
	BatchExport            BatchKind = "export"             // export members
	BatchBulk              BatchKind = "bulk"               // a bulk change
	BatchNotify            BatchKind = "notify"             // templated bulk mail
	BatchMigrate           BatchKind = "migrate"            // mailbox migration (MAILFX-4)
)

// ParseBatchKind checks a kind: 1 to 32 lower-case letters, digits and
// hyphens, such as import-members.
func ParseBatchKind(s string) (BatchKind, error) {
	s = strings.TrimSpace(s)
	ok := s != "" && len(s) <= 32
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			ok = false
		}
	}
	if !ok {
		return "", Invalidf("%q is not a batch kind: use lower-case letters, digits and hyphens, such as import-members", s)
	}
	return BatchKind(s), nil
}

// BatchState is where a batch task stands.
type BatchState string

// The states of a batch task. Running and waiting ones are open: they may
// still record rows. Done, failed and cancelled ones are finished.
const (
	BatchRunning   BatchState = "running"
	BatchWaiting   BatchState = "waiting" // paused until something allows it to go on (a quota, a server)
	BatchDone      BatchState = "done"
	BatchFailed    BatchState = "failed"
	BatchCancelled BatchState = "cancelled"
)

// Finished reports whether the state is a final one.
func (s BatchState) Finished() bool {
	return s == BatchDone || s == BatchFailed || s == BatchCancelled
}

// ParseBatchState checks a state name.
func ParseBatchState(s string) (BatchState, error) {
	switch st := BatchState(strings.TrimSpace(s)); st {
	case BatchRunning, BatchWaiting, BatchDone, BatchFailed, BatchCancelled:
		return st, nil
	}
	return "", Invalidf("%q is not a batch state: use running, waiting, done, failed or cancelled", s)
}

// Outcome is what became of one row of a batch task.
type Outcome string

// The outcomes of a row.
const (
	OutcomeOK      Outcome = "ok"
	OutcomeFailed  Outcome = "failed"
	OutcomeSkipped Outcome = "skipped"
)

// Batch is one batch task: an import, an export, a bulk change, a bulk
// mailing or a migration, with its totals (LOG-5). Its rows are kept apart
// (BatchRow), so a batch of 50,000 rows reads as fast as one of ten.
type Batch struct {
	ID       uint64     `json:"id"`
	Kind     BatchKind  `json:"kind"`
	By       Address    `json:"by"` // who started it; "" for postroom itself
	Door     Door       `json:"door"`
	Started  time.Time  `json:"started"`
	Finished time.Time  `json:"finished,omitzero"`
	State    BatchState `json:"state"`
	// Expected is how many rows the task will have, when known (0: unknown);
	// progress is Rows of Expected.
	Expected int    `json:"expected"`
	Rows     int    `json:"rows"`
	OK       int    `json:"ok"`
	Failed   int    `json:"failed"`
	Skipped  int    `json:"skipped"`
	Summary  string `json:"summary"`
	// CancelledBy and CancelledAt say who asked the task to stop, and
	// when ("" for postroom itself); a running task stops at its next
	// safe point and finishes as cancelled.
	CancelledBy Address   `json:"cancelled_by,omitempty"`
	CancelledAt time.Time `json:"cancelled_at,omitzero"`
}

// CancelRequested reports whether someone asked the task to stop.
func (b *Batch) CancelRequested() bool { return !b.CancelledAt.IsZero() }

// CancelNote says who cancelled the task and when, for its summary:
// "cancelled by it.admin@example.com at 2026-12-03T09:30:00Z".
func (b *Batch) CancelNote() string {
	who, at := b.CancelWhoWhen()
	return fmt.Sprintf("cancelled by %s at %s", who, at)
}

// CancelWhoWhen is who cancelled the task ("postroom" for itself) and
// when, as RFC 3339 UTC.
func (b *Batch) CancelWhoWhen() (who, at string) {
	who = string(b.CancelledBy)
	if who == "" {
		who = "postroom"
	}
	return who, b.CancelledAt.UTC().Format(time.RFC3339)
}

// Resumable reports whether a task of the kind, cancelled or cut off,
// goes on where it stopped when it is started again: a migration copies
// only what is not there yet.
func (k BatchKind) Resumable() bool { return k == BatchMigrate }

// AuthorizeBatchCancel returns nil when the actor may cancel the task:
// the person who started it, or anyone with the right batch.manage over
// the whole company (admins); the refusal names that right.
func AuthorizeBatchCancel(a Actor, b *Batch, tree Ancestry) error {
	if b.By != "" && b.By == a.Address {
		return nil
	}
	if Can(a, RightBatchManage, nil, tree) {
		return nil
	}
	return Forbiddenf("batch task %d was started by %s: only they, or someone with the right %s, may cancel it", b.ID, whoStarted(b), RightBatchManage)
}

// CheckBatchCancel returns nil when the task can still be cancelled: it
// is running or waiting and nobody asked it to stop yet.
func CheckBatchCancel(b *Batch) error {
	switch {
	case b.State.Finished():
		return Conflictf("batch task %d is %s already (it ended at %s): only a running or waiting task can be cancelled",
			b.ID, string(b.State), b.Finished.UTC().Format(time.RFC3339))
	case b.CancelRequested():
		who, at := b.CancelWhoWhen()
		return Conflictf("batch task %d is being cancelled already (by %s at %s): it stops at its next safe point", b.ID, who, at)
	}
	return nil
}

func whoStarted(b *Batch) string {
	if b.By == "" {
		return "postroom"
	}
	return string(b.By)
}

// MaxBatchSummary bounds a batch's summary and a row's key and reason, in
// characters; longer text is cut.
const (
	MaxBatchSummary = 500
	MaxBatchKey     = 200
)

// BatchRow is the result of one row of a batch task: a line of a file, a
// member, a recipient.
type BatchRow struct {
	N       int     `json:"row"` // 1-based, in the order rows were recorded
	Key     string  `json:"key"` // what the row is about: "line 3 zhangsan@corp.com", an address
	Outcome Outcome `json:"outcome"`
	Reason  string  `json:"reason,omitempty"` // why it failed or was skipped, or what was done
	// ReasonZH is Reason in Chinese, when the row was written with it.
	ReasonZH string `json:"reason_zh,omitempty"`
}

// ReasonIn is the row's reason in the language lang: its Chinese when it
// has one, else Reason read back (LocalizeText).
func (r BatchRow) ReasonIn(lang string) string {
	if r.ReasonZH != "" && assets.IsChinese(lang) {
		return r.ReasonZH
	}
	return LocalizeText(r.Reason, lang)
}

// ImportWordZH is the Chinese of the words an import's report says of a
// row that went well ("added", "updated" …); "" for one it does not know.
func ImportWordZH(word string) string {
	return map[string]string{
		"added": "新增", "updated": "更新", "unchanged": "无变化", "group created": "新建群组", "group changed": "修改群组",
		"unconfirmed, confirmation mailed": "待确认，已发送确认邮件", "subscribed (consent attested)": "已订阅（已确认本人同意）",
		"not imported: other rows have problems": "未导入：其他行有问题", "overwritten": "已覆盖",
	}[word]
}

// Count adds a row's outcome to the totals.
func (b *Batch) Count(o Outcome) {
	b.Rows++
	switch o {
	case OutcomeOK:
		b.OK++
	case OutcomeFailed:
		b.Failed++
	case OutcomeSkipped:
		b.Skipped++
	}
}

// Progress is how far the task is, 0 to 1; -1 when the total is not known
// and the task is still open.
func (b *Batch) Progress() float64 {
	switch {
	case b.State.Finished():
		return 1
	case b.Expected <= 0:
		return -1
	}
	return min(1, float64(b.Rows)/float64(b.Expected))
}

// CheckBatchRow validates a row before it is recorded, cutting what is too
// long.
func CheckBatchRow(r BatchRow) (BatchRow, error) {
	switch r.Outcome {
	case OutcomeOK, OutcomeFailed, OutcomeSkipped:
	default:
		return r, Invalidf("%q is not a row outcome: use ok, failed or skipped", string(r.Outcome))
	}
	r.Key = CutText(r.Key, MaxBatchKey)
	r.Reason = CutText(r.Reason, MaxBatchSummary)
	return r, nil
}

// CutText cuts text to at most n characters, marking the cut with "...".
func CutText(s string, n int) string {
	rs := []rune(strings.TrimSpace(s))
	if len(rs) <= n {
		return string(rs)
	}
	return string(rs[:max(0, n-3)]) + "..."
}

// CanSeeBatch reports whether the actor may read a batch task: their own,
// or any with the right log.read over the whole company (admins and
// auditors).
func CanSeeBatch(a Actor, b *Batch, tree Ancestry) bool {
	if b.By != "" && b.By == a.Address {
		return true
	}
	return Can(a, RightLogRead, nil, tree)
}

// AuthorizeBatch returns nil when the actor may read the batch task, or an
// error that says why not (told as not found, so ids of others' tasks are
// not confirmed).
func AuthorizeBatch(a Actor, b *Batch, tree Ancestry) error {
	if CanSeeBatch(a, b, tree) {
		return nil
	}
	return NotFoundf("no batch task %d that you may see: batch list shows yours (all of them need the right %s)", b.ID, RightLogRead)
}

// ParseBatchRowFilter reads which rows of a batch to show by outcome: "all", or one outcome
// ("failed", "skipped", "ok"); "" means all.
func ParseBatchRowFilter(s string) (Outcome, error) {
	switch s = strings.TrimSpace(s); s {
	case "all", "":
		return "", nil
	case string(OutcomeOK), string(OutcomeFailed), string(OutcomeSkipped):
		return Outcome(s), nil
	}
	return "", Invalidf("--rows takes failed, skipped, ok or all, not %q", s)
}

// String formats a row for a report, e.g. "row 3 failed line 4 a@b.com: reason".
func (r BatchRow) String() string {
	s := fmt.Sprintf("row %d %s %s", r.N, r.Outcome, r.Key)
	if r.Reason != "" {
		s += ": " + r.Reason
	}
	return s
}
