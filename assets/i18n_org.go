package assets

// OrgText is the Org pane's strings.
type OrgText struct {
	Title string
}

var orgZH = OrgText{Title: "组织架构"}

var orgEN = OrgText{Title: "Organisation"}
