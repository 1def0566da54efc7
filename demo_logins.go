package main

import "postroom/assets"

func demoLogins() [][4]string {
	var out [][4]string
	for _, l := range assets.DemoLogins() {
		out = append(out, [4]string{l.Role, l.Address, l.Password, l.Name})
	}
	return out
}
