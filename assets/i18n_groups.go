package assets

// GroupsText is the Groups pane's strings: the list of mail groups, the
// selected group's contents and the forms that change them.
type GroupsText struct {
	Title string

	// Column heads of the list.
	ColName, ColAddress, ColPost, ColCounts string
	// Posting rules, as model.PostRule names them: anyone, members, permitted.
	PostAnyone, PostMembers, PostPermitted string

	// The selected group.
	Address, Post, Owner, Listed, Effective string
	ListedValue                             string // "members: %d, whole departments: %d"
	EffectiveValue                          string // "%d people (departments with their subtrees, no duplicates)"
	EffectiveValueOne                       string // "%d person…"
	Counting                                string
	Contents                                string // "members and departments (%d)"
	DeptTag                                 string // marks a whole department among the entries
	Subtree                                 string // after a department: its subtree is included
	WholeCompany                            string // the root department
	Empty                                   string
	NoGroups                                string
	ReadOnly                                string

	// The new-group and edit forms.
	NewGroup, EditGroup string // EditGroup: "edit %s"
	PostHint, OwnerHint string
	Created, Saved      string // "group %s created", "group %s saved"
	Deleted             string // "group %s deleted"
	ConfirmDelete       string // "delete the group %s? y/n"

	// Adding and removing entries.
	AddTitle      string // "add to %s"
	ModeMember    string
	ModeDept      string
	MemberPrompt  string
	DeptPrompt    string
	NeedPick      string
	Added         string // "%s added"
	Removed       string // "%s removed"
	ConfirmRemove string // "take %s out of %s? y/n"

	// Help-bar labels of the keys this pane gives a meaning of its own.
	KeyAdd, KeyRemove, KeyMode, KeyPick, KeySide string

	// Who may post and the size of each whole department (LIST-1).
	PostListed    string // the listed rule's label
	MayPost       string // the row naming the senders or position classes
	PolicyClasses string // the permitted rule without its own classes
	DeptCount     string // "%d people" after a whole department

	// The mailing lists for outside subscribers (LIST-2), the pane's
	// second view (v).
	KeyLists, KeyGroups                   string
	ListsTitle, NoLists                   string
	ColSubscribed, ColUnconfirmed, ColOut string
	Subscribe, Unsubscribe, Senders       string
	NoSenders                             string
	Recent                                string // "the last %d days"
	ColDay, ColPosts, ColDelivered        string
	ColBounced, ColJoined, ColLeft        string
	// ColBouncing counts the subscribers taken off after hard bounces,
	// ColRemoved those taken off on a day; BounceRule is "rule: %d in %d
	// days" (the limit of hard bounces, the days).
	ColBouncing, ColRemoved, BounceRule string
	NoActivity                          string
	ListsHint                           string // how lists are changed
}

var groupsZH = GroupsText{
	Title:   "邮件组",
	ColName: "名称", ColAddress: "地址", ColPost: "谁能发信", ColCounts: "成员/部门",
	PostAnyone: "任何人", PostMembers: "组内成员", PostPermitted: "有群发权限者",
	Address: "地址", Post: "谁能发信", Owner: "管理部门", Listed: "名单", Effective: "实际收件人",
	ListedValue:       "成员 %d 人，整部门 %d 个",
	EffectiveValue:    "%d 人（部门含下级，已去重）",
	EffectiveValueOne: "%d 人（部门含下级，已去重）",
	Counting:          "计算中…",
	Contents:          "成员与部门（%d）",
	DeptTag:           "[部门]", Subtree: "（含下级）", WholeCompany: "全公司",
	Empty:    "这个邮件组还没有成员",
	NoGroups: "还没有邮件组",
	ReadOnly: "只读：您没有管理这个邮件组的权限",
	NewGroup: "新建邮件组", EditGroup: "修改邮件组 %s",
	PostHint:      "anyone 任何人 / members 组内成员 / permitted 有群发权限者",
	OwnerHint:     "部门路径，如 销售部/华北大区；留空为全公司",
	Created:       "已创建邮件组 %s",
	Saved:         "已保存邮件组 %s",
	Deleted:       "已删除邮件组 %s",
	ConfirmDelete: "删除邮件组 %s？成员的邮箱不受影响。y/n",
	AddTitle:      "添加到 %s",
	ModeMember:    "成员", ModeDept: "整个部门",
	MemberPrompt:  "输入邮箱地址，或输入姓名/拼音后用方向键选择",
	DeptPrompt:    "输入部门路径，如 销售部/华北大区（含下级部门）",
	NeedPick:      "请输入邮箱地址，或从搜索结果中选择一个人",
	Added:         "已添加 %s",
	Removed:       "已移出 %s",
	ConfirmRemove: "将 %s 移出 %s？y/n",
	KeyAdd:        "添加成员/部门", KeyRemove: "移出", KeyMode: "成员/部门", KeyPick: "选择", KeySide: "列表/成员",
	PostListed: "指定发信人", MayPost: "可发信", PolicyClasses: "邮件策略中可向全公司发信的岗位类别，或有群发权限者", DeptCount: "%d 人",
	KeyLists: "邮件列表", KeyGroups: "邮件组",
	ListsTitle: "邮件列表（外部订户）", NoLists: "还没有邮件列表；用 list add 地址 --name 名称 创建",
	ColSubscribed: "正在订阅", ColUnconfirmed: "未确认", ColOut: "已退订",
	Subscribe: "订阅地址", Unsubscribe: "退订地址", Senders: "发信人", NoSenders: "无（没有人能向列表发信）",
	Recent: "最近 %d 天",
	ColDay: "日期", ColPosts: "发信", ColDelivered: "已投递", ColBounced: "退信", ColJoined: "订阅", ColLeft: "退订",
	ColBouncing: "退信移除", ColRemoved: "移除", BounceRule: "规则：%d 次/%d 天",
	NoActivity: "这段时间没有活动",
	ListsHint:  "修改请用 list 命令：list sender add、list subscriber add、list subscribers",
}

var groupsEN = GroupsText{
	Title:   "Mail groups",
	ColName: "Name", ColAddress: "Address", ColPost: "Who may post", ColCounts: "Mbr/Dept",
	PostAnyone: "anyone", PostMembers: "members", PostPermitted: "permitted senders",
	Address: "Address", Post: "Who may post", Owner: "Managed by", Listed: "Listed", Effective: "Effective",
	ListedValue:       "members: %d, whole departments: %d",
	EffectiveValue:    "%d people, subtrees included",
	EffectiveValueOne: "%d person, subtrees included",
	Counting:          "counting…",
	Contents:          "Members and departments (%d)",
	DeptTag:           "[dept]", Subtree: " (with subtree)", WholeCompany: "whole company",
	Empty:    "this group has no members yet",
	NoGroups: "no groups yet",
	ReadOnly: "read-only: you may not manage this group",
	NewGroup: "New group", EditGroup: "Edit %s",
	PostHint:      "anyone / members / permitted (holders of the broadcast permission)",
	OwnerHint:     "department path, e.g. 销售部/华北大区; empty for the whole company",
	Created:       "group %s created",
	Saved:         "group %s saved",
	Deleted:       "group %s deleted",
	ConfirmDelete: "delete the group %s? Its members keep their mailboxes. y/n",
	AddTitle:      "Add to %s",
	ModeMember:    "member", ModeDept: "whole department",
	MemberPrompt:  "type an address, or a name or pinyin and pick with the arrow keys",
	DeptPrompt:    "type a department path, e.g. 销售部/华北大区 (its subtree comes along)",
	NeedPick:      "type an address, or pick a person from the results",
	Added:         "%s added",
	Removed:       "%s removed",
	ConfirmRemove: "take %s out of %s? y/n",
	KeyAdd:        "add", KeyRemove: "remove", KeyMode: "member/department", KeyPick: "pick", KeySide: "list/contents",
	PostListed: "listed senders", MayPost: "May post", PolicyClasses: "the mail policy's whole-company classes, or holders of broadcast", DeptCount: "%d people",
	KeyLists: "mailing lists", KeyGroups: "groups",
	ListsTitle: "Mailing lists (outside subscribers)", NoLists: "no mailing lists yet; create one with list add ADDR --name NAME",
	ColSubscribed: "Subscribed", ColUnconfirmed: "Unconfirmed", ColOut: "Unsubscribed",
	Subscribe: "Subscribe", Unsubscribe: "Unsubscribe", Senders: "Senders", NoSenders: "none (nobody can post to the list)",
	Recent: "the last %d days",
	ColDay: "Day", ColPosts: "Posts", ColDelivered: "Delivered", ColBounced: "Bounced", ColJoined: "Joined", ColLeft: "Left",
	ColBouncing: "Bouncing", ColRemoved: "Removed", BounceRule: "rule: %d in %d days",
	NoActivity: "no activity in these days",
	ListsHint:  "change them with the list commands: list sender add, list subscriber add, list subscribers",
}
