package assets

import "strings"

// Catalog is every string the terminal UI shows, in one language. Each
// pane's strings are a struct of their own, in a file of their own
// (i18n_*.go), with the Chinese and the English values side by side. Strings
// with a %-verb are format strings for fmt.Sprintf. A test fails on any
// empty string.
type Catalog struct {
	Lang     string // "zh-CN" or "en"
	Common   CommonText
	Keys     KeysText
	Fields   FieldText
	Nav      NavText
	Home     HomeText
	Account  AccountText
	Org      OrgText
	Groups   GroupsText
	Logs     LogsText
	Settings SettingsText
	Desk     DeskText
	Mail     MailText
	Queue    QueueText
	Policies PoliciesText
	Requests RequestsText
	Perms    PermsText
	// Governance: four-eyes change requests and long-unused accounts.
	Governance GovernanceText
}

// Languages lists the catalogues' language tags, the default first.
var Languages = []string{"zh-CN", "en"}

// Text returns the catalogue for a language tag; anything Chinese gets
// zh-CN, anything else English. It returns a copy: sessions share nothing.
func Text(lang string) Catalog {
	if IsChinese(lang) {
		return zhCN()
	}
	return en()
}

// IsChinese reports whether a language tag or LANG value means Chinese
// ("zh", "zh-CN", "zh_CN.UTF-8", "zh-Hans").
func IsChinese(lang string) bool {
	l := strings.ToLower(lang)
	return l == "zh" || strings.HasPrefix(l, "zh-") || strings.HasPrefix(l, "zh_")
}

// LangFromEnv picks the language from a client's environment (LANG, LC_ALL,
// LC_MESSAGES as OpenSSH forwards them); "" when none is set.
func LangFromEnv(environ []string) string {
	vals := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vals[k] = v
		}
	}
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := vals[k]
		if v == "" || v == "C" || v == "POSIX" || strings.HasPrefix(v, "C.") {
			continue
		}
		if IsChinese(v) {
			return "zh-CN"
		}
		return "en"
	}
	return ""
}

func zhCN() Catalog {
	return Catalog{Lang: "zh-CN", Common: commonZH, Keys: keysZH, Fields: fieldsZH, Nav: navZH, Home: homeZH, Account: accountZH, Org: orgZH,
		Groups: groupsZH, Logs: logsZH, Settings: settingsZH, Desk: deskZH,
		Mail: mailZH, Queue: queueZH, Policies: policiesZH, Requests: requestsZH, Perms: permsZH,
		Governance: governanceZH}
}

func en() Catalog {
	return Catalog{Lang: "en", Common: commonEN, Keys: keysEN, Fields: fieldsEN, Nav: navEN, Home: homeEN, Account: accountEN, Org: orgEN,
		Groups: groupsEN, Logs: logsEN, Settings: settingsEN, Desk: deskEN,
		Mail: mailEN, Queue: queueEN, Policies: policiesEN, Requests: requestsEN, Perms: permsEN,
		Governance: governanceEN}
}

// CommonText is shared by every screen.
type CommonText struct {
	AppName      string
	You          string // "%s (%s)": name, roles
	Pending      string // "%d pending"
	Loading      string
	Saved        string
	Cancel       string
	Confirm      string
	Quit         string
	Help         string
	Back         string
	Next         string
	Prev         string
	Search       string
	Filter       string
	Enter        string
	Yes          string
	No           string
	None         string
	Error        string
	IdleLogout   string
	ShuttingDown string
	ReadOnly     string
	Exported     string // "exported %d rows to %s"
	ExportedOne  string // "exported %d row to %s"
	Refreshed    string
	Submit       string
}

// NavText names the panes on the navigation rail.
type NavText struct {
	Home     string
	Org      string
	Groups   string
	Logs     string
	Settings string
	Account  string
	Desk     string
	Queue    string
	Policies string
	Held     string // the queue narrowed to what waits for the person's approval
}

var commonZH = CommonText{
	AppName: "postroom 邮局", You: "%s（%s）", Pending: "待审批 %d", Loading: "加载中…", Saved: "已保存",
	Cancel: "取消", Confirm: "确认", Quit: "退出", Help: "帮助", Back: "返回", Next: "下一页", Prev: "上一页",
	Search: "搜索", Filter: "筛选", Enter: "打开", Yes: "是", No: "否", None: "（无）", Error: "错误",
	IdleLogout: "15 分钟没有操作，已自动退出。", ShuttingDown: "服务器正在关闭，会话即将结束。", ReadOnly: "只读",
	Exported: "已导出 %d 行到 %s", ExportedOne: "已导出 %d 行到 %s", Refreshed: "已刷新", Submit: "提交",
}

var commonEN = CommonText{
	AppName: "postroom", You: "%s (%s)", Pending: "%d pending", Loading: "loading…", Saved: "saved",
	Cancel: "cancel", Confirm: "confirm", Quit: "quit", Help: "help", Back: "back", Next: "next page", Prev: "previous page",
	Search: "search", Filter: "filter", Enter: "open", Yes: "yes", No: "no", None: "(none)", Error: "error",
	IdleLogout: "Logged out after 15 minutes without input.", ShuttingDown: "The server is shutting down; this session ends now.", ReadOnly: "read-only",
	Exported: "exported %d rows to %s", ExportedOne: "exported %d row to %s", Refreshed: "refreshed", Submit: "submit",
}

var navZH = NavText{Home: "首页", Org: "组织架构", Groups: "邮件组", Logs: "日志", Settings: "设置", Account: "我的账号", Desk: "密码服务台",
	Queue: "邮件队列", Policies: "邮件策略", Held: "待审邮件"}
var navEN = NavText{Home: "Home", Org: "Org", Groups: "Groups", Logs: "Logs", Settings: "Settings", Account: "My account", Desk: "Reset desk",
	Queue: "Queue", Policies: "Policies", Held: "Held mail"}
