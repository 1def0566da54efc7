package assets

// BatchSummary returns the Chinese format of an English one a batch
// task's summary is written with (LOG-5), and whether there is one;
// model.BatchSummaryIn reads a stored summary back with them. A test
// checks that each stands in the code that writes summaries.
func BatchSummary(english string) (zh string, ok bool) {
	zh, ok = batchSummariesZH[english]
	return zh, ok
}

// BatchSummaries lists the English formats BatchSummary knows.
func BatchSummaries() []string {
	out := make([]string, 0, len(batchSummaryPairs))
	for _, p := range batchSummaryPairs {
		out = append(out, p[0])
	}
	return out
}

var batchSummariesZH = errorMap(batchSummaryPairs)

var batchSummaryPairs = [][2]string{
	// tui/cmd: imports and exports
	{"%s: 1 problem; nothing was imported", "%s：有 1 处错误，未导入任何内容"},
	{"%s: %d problems; nothing was imported", "%s：有 %d 处错误，未导入任何内容"},
	{"%s: %d added, %d updated, %d unchanged, %d departments created", "%s：新增 %d，更新 %d，无变化 %d，新建部门 %d 个"},
	{"%s: %d groups, %d created, %d changed, %d members or departments added, %d already in", "%s：群组 %d 个，新建 %d，修改 %d，加入成员或部门 %d，已在组中 %d"},
	{"%s into %s: %d subscribed, consent attested", "%s 导入 %s：已订阅 %d，已确认本人同意"},
	{"%s into %s: %d unconfirmed, each mailed a confirmation", "%s 导入 %s：待确认 %d，已逐一发送确认邮件"},
	{"%s: %d rows or cards have problems; nothing was imported", "%s：%d 行或张名片有问题，未导入任何内容"},
	{"%s: %d added, %d overwritten, %d unchanged, %d skipped", "%s：新增 %d，覆盖 %d，无变化 %d，跳过 %d"},
	{"members exported: %d", "已导出成员 %d 人"},
	{"%s: no good row to migrate", "%s：没有可以迁移的行"},
	// mail: notification jobs and migrations
	{"notification %d %q: %d of %d queued, %d skipped", "通知 %d %q：已排队 %d/%d，跳过 %d"},
	{"notification %d %q: %d of %d queued, %d skipped, %d wait for the next day's quota (from %s)", "通知 %d %q：已排队 %d/%d，跳过 %d，%d 封等次日配额（%s 起）"},
	{"notification %d %q: %d of %d queued, %d skipped, %d not sent: cancelled", "通知 %d %q：已排队 %d/%d，跳过 %d，%d 封未发送：已取消"},
	{"notification %d: %d of %d queued, %d skipped, %d not sent: cancelled", "通知 %d：已排队 %d/%d，跳过 %d，%d 封未发送：已取消"},
	{"%s: %d of %d mailboxes migrated, %d messages, %s", "%s：已迁移邮箱 %d/%d，邮件 %d 封，%s"},
}
