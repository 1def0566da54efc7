package assets

// DeskText is the Desk pane's strings.
type DeskText struct {
	Title string
}

var deskZH = DeskText{Title: "密码服务台"}

var deskEN = DeskText{Title: "Reset desk"}
