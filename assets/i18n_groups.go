package assets

// GroupsText is the Groups pane's strings.
type GroupsText struct {
	Title string
}

var groupsZH = GroupsText{Title: "邮件组"}

var groupsEN = GroupsText{Title: "Mail groups"}
