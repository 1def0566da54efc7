package assets

// batchErrorPairs are the error formats of batch tasks (LOG-5:
// model/batch.go, store/batch.go, tui/cmd/batch.go), in the form of
// errorPairs.
var batchErrorPairs = [][2]string{
	// model/batch.go
	{"%q is not a batch kind: use lower-case letters, digits and hyphens, such as import-members",
		"%q 不是有效的批量任务类型：请用小写字母、数字和连字符，例如 import-members"},
	{"%q is not a batch state: use running, waiting, done, failed or cancelled",
		"%q 不是有效的批量任务状态：请用 running、waiting、done、failed 或 cancelled"},
	{"%q is not a row outcome: use ok, failed or skipped",
		"%q 不是有效的行结果：请用 ok、failed 或 skipped"},
	{"no batch task %d that you may see: batch list shows yours (all of them need the right %s)",
		"没有您可查看的批量任务 %d：batch list 列出您自己的任务（查看全部任务需要 %s 权限）"},
	{"--rows takes failed, skipped, ok or all, not %q",
		"--rows 只能是 failed、skipped、ok 或 all，不能是 %q"},
	{"batch task %d was started by %s: only they, or someone with the right %s, may cancel it",
		"批量任务 %d 由 %s 发起：只有发起人或拥有 %s 权限的人可以取消"},
	{"batch task %d is %s already (it ended at %s): only a running or waiting task can be cancelled",
		"批量任务 %d 已经是 %s 状态（结束于 %s）：只能取消进行中或等待中的任务"},
	{"batch task %d is being cancelled already (by %s at %s): it stops at its next safe point",
		"批量任务 %d 已在取消中（%s 于 %s 取消）：它会在下一个安全点停止"},
	// tui/cmd/migrate.go
	{"batch task %d stopped before the end: run the same migrate imap again to go on where it stopped",
		"批量任务 %d 未完成就停止了：再次运行同样的 migrate imap 即可从停止处继续"},
	{"batch task %d was cancelled by %s at %s: run the same migrate imap again to go on where it stopped",
		"批量任务 %d 已被 %s 于 %s 取消：再次运行同样的 migrate imap 即可从停止处继续"},
	// store/batch.go
	{"no batch task %d: batch list shows the ids",
		"没有批量任务 %d：可用 batch list 查看编号"},
	{"batch task %d is %s: it takes no more rows",
		"批量任务 %d 的状态是 %s：不能再记录结果"},
	{"a batch task ends with FinishBatch, not with the state %s",
		"批量任务须用 FinishBatch 结束，不能直接设为状态 %s"},
	{"a batch task finishes as done, failed or cancelled, not %s",
		"批量任务只能以 done、failed 或 cancelled 结束，不能是 %s"},
	// tui/cmd/batch.go
	{"%q is not a batch task id: give the number batch list shows",
		"%q 不是批量任务编号：请填写 batch list 显示的编号"},
	{"batch task %d is a %s task, not a %s one: batch show %d shows it",
		"批量任务 %[1]d 是 %[2]s 任务，不是 %[3]s 任务：可用 batch show %[4]d 查看"},
}

func init() {
	for _, p := range batchErrorPairs {
		if _, dup := errorsZH[p[0]]; dup {
			panic("assets: error format listed twice: " + p[0])
		}
		errorsZH[p[0]] = p[1]
	}
}

// BatchText is the Batch tasks pane's strings (LOG-5): the list of
// imports, exports, bulk changes, bulk mail and migrations with their
// progress, and one task's results row by row.
type BatchText struct {
	Nav, Empty, Rows                         string
	ColID, ColKind, ColState, ColProgress    string
	ColOK, ColFailed, ColSkipped             string
	ColBy, ColStarted, ColSummary            string
	DetailTitle, By, Door, Started, Finished string
	Totals, Summary, ResultsFailed           string
	ResultsAll, NoRows, LoadingMore, System  string
	ColRow, ColOutcome, ColKey, ColReason    string
	KeyRows                                  string
	// Cancelling a task: the key, the question (id, kind) and the answer
	// key, what is said after (id), and the detail's line of who cancelled.
	KeyCancel, ConfirmCancel, KeyYes             string
	DidCancel, Stopping, ResumeHint, CancelledBy string
	// Kind names, by model.BatchKind.
	KindImportMembers, KindImportContacts, KindExport string
	KindBulk, KindNotify, KindMigrate                 string
	KindImportGroups, KindImportSubscribers           string
	// State names, by model.BatchState.
	StateRunning, StateWaiting, StateDone, StateFailed, StateCancelled string
	// Outcome names, by model.Outcome.
	OutcomeOK, OutcomeFailed, OutcomeSkipped string
}

// BatchCatalog returns the Batch tasks pane's strings in a language
// (anything Chinese gets Chinese, anything else English).
func BatchCatalog(lang string) BatchText {
	if IsChinese(lang) {
		return batchZH
	}
	return batchEN
}

var batchZH = BatchText{
	Nav: "批量任务", Empty: "还没有批量任务：导入、导出、批量修改、群发和邮箱搬家都会记录在这里", Rows: "第 %d–%d 个，共 %d 个",
	ColID: "编号", ColKind: "类型", ColState: "状态", ColProgress: "进度",
	ColOK: "成功", ColFailed: "失败", ColSkipped: "跳过",
	ColBy: "发起人", ColStarted: "开始时间", ColSummary: "说明",
	DetailTitle: "批量任务 %d：%s", By: "发起人", Door: "途径", Started: "开始", Finished: "结束",
	Totals: "共 %d 行：成功 %d，失败 %d，跳过 %d", Summary: "说明", ResultsFailed: "失败的行",
	ResultsAll: "全部行", NoRows: "没有这样的行", LoadingMore: "正在读取更多行...", System: "系统",
	ColRow: "行", ColOutcome: "结果", ColKey: "对象", ColReason: "原因",
	KeyRows:   "全部/失败",
	KeyCancel: "取消任务", ConfirmCancel: "取消批量任务 %d（%s）？它会在下一个安全点（两行、两封邮件或两个邮箱之间）停止。y/n", KeyYes: "确认取消",
	DidCancel: "批量任务 %d 已取消。", Stopping: "批量任务 %d 将在下一个安全点停止。", ResumeHint: "再次运行邮箱搬家即可从停止处继续。",
	CancelledBy:       "取消",
	KindImportMembers: "成员导入", KindImportContacts: "客户通讯录导入", KindExport: "导出",
	KindBulk: "批量修改", KindNotify: "通知群发", KindMigrate: "邮箱搬家", KindImportGroups: "邮件组导入", KindImportSubscribers: "邮件列表订户导入",
	StateRunning: "进行中", StateWaiting: "等待中", StateDone: "已完成", StateFailed: "失败", StateCancelled: "已取消",
	OutcomeOK: "成功", OutcomeFailed: "失败", OutcomeSkipped: "跳过",
}

var batchEN = BatchText{
	Nav: "Batch tasks", Empty: "No batch tasks yet: imports, exports, bulk changes, bulk mail and migrations are recorded here", Rows: "%d–%d of %d",
	ColID: "ID", ColKind: "Kind", ColState: "State", ColProgress: "Progress",
	ColOK: "OK", ColFailed: "Failed", ColSkipped: "Skipped",
	ColBy: "By", ColStarted: "Started", ColSummary: "Summary",
	DetailTitle: "Batch task %d: %s", By: "By", Door: "Door", Started: "Started", Finished: "Finished",
	Totals: "%d rows: %d ok, %d failed, %d skipped", Summary: "Summary", ResultsFailed: "Failed rows",
	ResultsAll: "All rows", NoRows: "No such rows", LoadingMore: "Reading more rows...", System: "postroom",
	ColRow: "Row", ColOutcome: "Outcome", ColKey: "About", ColReason: "Reason",
	KeyRows:   "all/failed rows",
	KeyCancel: "cancel task", ConfirmCancel: "cancel batch task %d (%s)? It stops at its next safe point (between two rows, messages or mailboxes). y/n", KeyYes: "cancel it",
	DidCancel: "Batch task %d cancelled.", Stopping: "Batch task %d stops at its next safe point.", ResumeHint: "Run the migration again to go on where it stopped.",
	CancelledBy:       "Cancelled",
	KindImportMembers: "member import", KindImportContacts: "contacts import", KindExport: "export",
	KindBulk: "bulk change", KindNotify: "bulk mail", KindMigrate: "mailbox migration", KindImportGroups: "group import", KindImportSubscribers: "list subscriber import",
	StateRunning: "running", StateWaiting: "waiting", StateDone: "done", StateFailed: "failed", StateCancelled: "cancelled",
	OutcomeOK: "ok", OutcomeFailed: "failed", OutcomeSkipped: "skipped",
}
