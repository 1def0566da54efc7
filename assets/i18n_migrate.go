package assets

// migrateErrorPairs are the error formats of the mailbox migration
// (MAILFX-4: model/migrate.go, tui/cmd/migrate.go), in the form of
// errorPairs.
var migrateErrorPairs = [][2]string{
	// model/migrate.go
	{"the file is larger than %s: split it into several files",
		"文件超过 %s：请拆分成几个文件"},
	{"the migration list is empty: its first line must be the header row address,login,password (邮箱,登录名,密码)",
		"搬家名单为空：首行须为表头 address,login,password（邮箱,登录名,密码）"},
	{"the header row cannot be read: give address,login,password (邮箱,登录名,密码)",
		"无法读取表头：请写 address,login,password（邮箱,登录名,密码）"},
	{"the header row names no address (邮箱) column; give address,login,password (邮箱,登录名,密码)",
		"表头中没有 address（邮箱）列；请写 address,login,password（邮箱,登录名,密码）"},
	{"the header row names no password (密码) column; give address,login,password (邮箱,登录名,密码)",
		"表头中没有 password（密码）列；请写 address,login,password（邮箱,登录名,密码）"},
	{"the folder %q cannot be a Maildir folder: its name holds '/', '\\' or a control character",
		"文件夹 %q 无法作为 Maildir 文件夹：名称中含有 '/'、'\\' 或控制字符"},
	{"the folder %q cannot be a Maildir folder: its name is empty",
		"文件夹 %q 无法作为 Maildir 文件夹：名称为空"},
	{"%s is a reclaimed leaver: a reclaimed mailbox takes no migrated mail",
		"%s 是已回收的离职人员：已回收的邮箱不接收搬家邮件"},
	// tui/cmd/migrate.go
	{"mailbox migration writes to the Maildir of the running server: run it over SSH to postroom serve, or locally with postroom --data DIR while serve is stopped",
		"邮箱搬家写入运行中服务器的 Maildir：请通过 SSH 在 postroom serve 上运行，或在 serve 停止时于本机用 postroom --data DIR 运行"},
	{"give one of --tls, --starttls and --insecure-plain-for-tests",
		"--tls、--starttls 和 --insecure-plain-for-tests 只能选一个"},
	{"--server takes the old server as HOST:PORT, such as imap.old.example.com:993, not %q",
		"--server 须为旧服务器的 HOST:PORT，例如 imap.old.example.com:993，不能是 %q"},
	{"--csv names the list of mailboxes: a CSV with address,login,password (邮箱,登录名,密码), or - for standard input",
		"--csv 指定邮箱名单：含 address,login,password（邮箱,登录名,密码）列的 CSV，或用 - 表示标准输入"},
	{"%s lists no mailbox that can be migrated; fix the rows listed and run it again",
		"%s 中没有可以搬家的邮箱；请改正列出的行后重新运行"},
}

func init() {
	for _, p := range migrateErrorPairs {
		if _, dup := errorsZH[p[0]]; dup {
			panic("assets: error format listed twice: " + p[0])
		}
		errorsZH[p[0]] = p[1]
	}
}
