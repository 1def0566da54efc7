// Command postroom runs a company's mailboxes and mail rules: one binary with
// an SSH door, a terminal UI, an SMTP relay and a bbolt store.
//
// main only parses the global flags and wires the parts together; every
// command lives in tui/cmd.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// globalFlags takes --data DIR and --as ADDR out of args, wherever they stand.
func globalFlags(args []string) (data, as string, rest []string) {
	data = "./data"
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		switch {
		case a == "--data" && i+1 < len(args):
			data = args[i+1]
			i++
		case strings.HasPrefix(a, "--data="):
			data = strings.TrimPrefix(a, "--data=")
		case a == "--as" && i+1 < len(args):
			as = args[i+1]
			i++
		case strings.HasPrefix(a, "--as="):
			as = strings.TrimPrefix(a, "--as=")
		default:
			rest = append(rest, a)
		}
	}
	return data, as, rest
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	data, as, rest := globalFlags(args)
	if len(rest) > 0 {
		switch rest[0] {
		case "init":
			c := cmd.InitCmd(&data, stdin, stdout, stderr, store.Options{})
			c.SetArgs(rest[1:])
			c.SetIn(stdin)
			c.SetOut(stdout)
			c.SetErr(stderr)
			c.SilenceUsage, c.SilenceErrors = true, true
			if err := c.Execute(); err != nil {
				fmt.Fprintln(stderr, "postroom:", err)
				return 1
			}
			return 0
		case "demo":
			return demo(stdout, stderr)
		}
	}
	if len(rest) == 0 || rest[0] == "help" || rest[0] == "--help" || rest[0] == "-h" {
		usage(stdout)
		return 0
	}
	s, err := cmd.OpenData(data, store.Options{})
	if err != nil {
		fmt.Fprintln(stderr, "postroom:", err)
		return 1
	}
	defer s.Close()
	actor, err := cmd.LocalActor(s, as)
	if err != nil {
		fmt.Fprintln(stderr, "postroom:", err)
		return 1
	}
	return cmd.Run(&cmd.Env{Actor: actor, Store: s, Stdin: stdin, Stdout: stdout, Stderr: stderr, DataDir: data, Local: true}, rest)
}

func usage(w io.Writer) {
	fmt.Fprint(w, `postroom: the company's mailboxes and mail rules

  postroom demo                                  the sample company in a temporary directory
  postroom init --data DIR --org NAME --domain DOMAIN --admin ADDR [--admin-password-stdin] [--admin-key FILE] [--demo]
  postroom [--data DIR] [--as ADDR] COMMAND ...  run a command on local data

Commands: org, domain, dept, member, passwd, group, shared, role, log, audit, backup, import, export, whoami.
Every command takes --help.
`)
	env := &cmd.Env{Stdin: strings.NewReader(""), Stdout: w, Stderr: w, Actor: model.System(model.DoorCLI)}
	_ = env
}

func demo(stdout, stderr io.Writer) int {
	dir, err := os.MkdirTemp("", "postroom-demo-")
	if err != nil {
		fmt.Fprintln(stderr, "postroom:", err)
		return 1
	}
	if code := run([]string{"init", "--data", dir, "--demo"}, strings.NewReader(""), stdout, stderr); code != 0 {
		return code
	}
	fmt.Fprintf(stdout, `
The sample company 示例科技有限公司 is in %s. Look around with the command line:

  go run . --data %s org show
  go run . --data %s dept list
  go run . --data %s member list --query zs          # 张三 by initials; also "zhang", "张", an employee id or a phone
  go run . --data %s member show wangwei@example.com
  go run . --data %s --as it.helpdesk@example.com passwd reset wangwei@example.com --reason "ticket 42"
  go run . --data %s log ops
  go run . --data %s audit verify
  go run . --data %s export members --zh > members.csv

Demo people (role, address, password):
`, dir, dir, dir, dir, dir, dir, dir, dir, dir)
	for _, l := range demoLogins() {
		fmt.Fprintf(stdout, "  %-10s %-28s %s  (%s)\n", l[0], l[1], l[2], l[3])
	}
	return 0
}
