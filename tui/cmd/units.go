package cmd

import "time"

func days(n int) time.Duration    { return time.Duration(n) * 24 * time.Hour }
func minutes(n int) time.Duration { return time.Duration(n) * time.Minute }
