package assets

// AccountText is the My account pane's strings, and the forced password
// change that comes before everything else.
type AccountText struct {
	Title          string
	Details        string
	ChangePassword string
	MustChange     string // shown above the forced change
	// DueSetByAdmin and DueExpired say why the change is forced.
	DueSetByAdmin, DueExpired string
	Current                   string
	New                       string
	Repeat                    string
	Mismatch                  string
	Changed                   string
	Keys                      string
	NoKeys                    string
	AddKey                    string
	KeyPrompt                 string
	KeyAdded                  string // "key %s added"
	KeyRemoved                string // "key %s removed"
	ConfirmRemove             string // "remove key %s? y/n"
	Logins                    string
	NoLogins                  string
	OK                        string
	Refused                   string
	Prefs                     string
	Language                  string
	ASCII                     string
	PrefsSaved                string
	Policy                    string // "at least %d characters"
	Submit                    string
}

var accountZH = AccountText{
	Title: "我的账号", Details: "基本信息", ChangePassword: "修改密码",
	MustChange: "请先设置您自己的密码，之后才能使用其他功能。", DueSetByAdmin: "您的密码由管理员设置。", DueExpired: "您的密码已过期。", Current: "当前密码", New: "新密码", Repeat: "再次输入新密码",
	Mismatch: "两次输入的新密码不一致", Changed: "密码已修改", Keys: "我的 SSH 公钥", NoKeys: "尚未添加公钥",
	AddKey: "添加公钥", KeyPrompt: "粘贴公钥（~/.ssh/id_ed25519.pub 的内容）后按回车", KeyAdded: "已添加公钥 %s",
	KeyRemoved: "已删除公钥 %s", ConfirmRemove: "删除公钥 %s？y/n", Logins: "我的登录记录", NoLogins: "暂无登录记录",
	OK: "成功", Refused: "失败", Prefs: "偏好设置", Language: "界面语言", ASCII: "ASCII 边框（适用于把制表符显示为双宽的终端）",
	PrefsSaved: "偏好已保存，下次登录时生效", Policy: "至少 %d 个字符", Submit: "提交",
}

var accountEN = AccountText{
	Title: "My account", Details: "Details", ChangePassword: "Change password",
	MustChange: "Choose your own password first; everything else opens after that.", DueSetByAdmin: "Your password was set by an administrator.", DueExpired: "Your password has expired.", Current: "Current password", New: "New password", Repeat: "New password again",
	Mismatch: "the two new passwords differ", Changed: "password changed", Keys: "My SSH keys", NoKeys: "no keys yet",
	AddKey: "add key", KeyPrompt: "paste a public key (the line in ~/.ssh/id_ed25519.pub) and press enter", KeyAdded: "key %s added",
	KeyRemoved: "key %s removed", ConfirmRemove: "remove key %s? y/n", Logins: "My logins", NoLogins: "no logins yet",
	OK: "ok", Refused: "refused", Prefs: "Preferences", Language: "Language", ASCII: "ASCII borders (for terminals that draw box glyphs double wide)",
	PrefsSaved: "preferences saved; they apply from the next login", Policy: "at least %d characters", Submit: "submit",
}
