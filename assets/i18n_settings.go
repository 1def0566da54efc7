package assets

// SettingsText is the Settings pane's strings.
type SettingsText struct {
	Title string
}

var settingsZH = SettingsText{Title: "设置"}

var settingsEN = SettingsText{Title: "Settings"}
