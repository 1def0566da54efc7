package assets

// KeysText describes the key bindings in the help bar.
type KeysText struct {
	Up, Down, Left, Right, PageUp, PageDown, Top, Bottom string
	Enter, Back, NextPane, PrevPane, Tab, ShiftTab       string
	Filter, Refresh, Help, Quit                          string
	New, Edit, Delete, Move, Rename                      string
	Disable, Enable, Reset, Unlock                       string
	Alias, Role, SSHKey, Members                         string
	Export, Verify, Save, Toggle, NextView               string
	Retry, Release, Reject, Explain                      string
	Warn                                                 string
}

var keysZH = KeysText{
	Up: "上", Down: "下", Left: "收起", Right: "展开", PageUp: "上一页", PageDown: "下一页", Top: "顶部", Bottom: "底部",
	Enter: "打开", Back: "返回", NextPane: "下一栏", PrevPane: "上一栏", Tab: "切换焦点", ShiftTab: "反向切换",
	Filter: "筛选", Refresh: "刷新", Help: "帮助", Quit: "退出",
	New: "新建", Edit: "编辑", Delete: "删除", Move: "移动", Rename: "重命名",
	Disable: "停用", Enable: "启用", Reset: "重置密码", Unlock: "解锁",
	Alias: "别名", Role: "角色", SSHKey: "SSH 公钥", Members: "成员",
	Export: "导出", Verify: "校验", Save: "保存", Toggle: "选择", NextView: "切换视图",
	Retry: "重试", Release: "放行", Reject: "退回", Explain: "判定说明",
	Warn: "警告",
}

var keysEN = KeysText{
	Up: "up", Down: "down", Left: "collapse", Right: "expand", PageUp: "page up", PageDown: "page down", Top: "top", Bottom: "bottom",
	Enter: "open", Back: "back", NextPane: "next pane", PrevPane: "previous pane", Tab: "next field", ShiftTab: "previous field",
	Filter: "filter", Refresh: "refresh", Help: "help", Quit: "quit",
	New: "new", Edit: "edit", Delete: "delete", Move: "move", Rename: "rename",
	Disable: "disable", Enable: "enable", Reset: "reset password", Unlock: "unlock",
	Alias: "aliases", Role: "role", SSHKey: "SSH key", Members: "members",
	Export: "export", Verify: "verify", Save: "save", Toggle: "select", NextView: "switch view",
	Retry: "retry", Release: "release", Reject: "reject", Explain: "explain",
	Warn: "warn",
}
