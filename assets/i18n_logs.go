package assets

// LogsText is the Logs pane's strings.
type LogsText struct {
	Title string
}

var logsZH = LogsText{Title: "日志"}

var logsEN = LogsText{Title: "Logs"}
