package assets

// listErrorPairs are the error formats of groups and mailing lists
// (model/mlist.go, model/groupcsv.go, store/lists.go, tui/cmd/list.go), in
// the form of errorPairs.
var listErrorPairs = [][2]string{
	{"unknown subscriber status %q: use subscribed, unconfirmed or unsubscribed",
		"未知的订户状态 %q：请用 subscribed（正在订阅）、unconfirmed（未确认）或 unsubscribed（已退订）"},
	{"%s cannot post to a list: only the company's members can be its senders",
		"%s 不能向邮件列表发信：只有本公司的成员才能作为列表的发信人"},
	{"%s is already a sender of the list %s",
		"%s 已经是邮件列表 %s 的发信人"},
	{"%s is not a sender of the list %s",
		"%s 不是邮件列表 %s 的发信人"},
	{"the list %s has reached %d subscribers; it takes no more",
		"邮件列表 %s 已达到 %d 个订户，不能再增加"},
	{"this confirmation address is not valid (any more): subscribe again to get a new one",
		"该确认地址无效（或已失效）：请重新订阅以获取新的确认地址"},
	{"%s is not subscribed to the list %s",
		"%s 没有订阅邮件列表 %s"},
	{"there is no mailing list %s; list ls shows them",
		"没有邮件列表 %s；list ls 可以列出全部邮件列表"},
	{"nothing to change: give --name NAME",
		"没有要修改的内容：请用 --name NAME 指定新名称"},
	{"--days takes 1 to 3660, not %d",
		"--days 的取值为 1 到 3660，而不是 %d"},
	{"the header row cannot be read; it must be a plain row of column names, such as %s",
		"无法读取标题行；第一行必须是列名，例如 %s"},
	{"column %d of the header row has no name; name it or delete the column; accepted columns: %s",
		"标题行第 %d 列没有列名；请填写列名或删除该列；可用的列：%s"},
	{"the first line looks like a group, not a header row; the first line must name the columns, such as %s",
		"第一行看起来是一个群组，而不是标题行；第一行必须是列名，例如 %s"},
	{"the header row has unknown columns [%s] and lacks the required columns [%s]; accepted columns: %s",
		"标题行有未知的列 [%s]，缺少必需的列 [%s]；可用的列：%s"},
}
