//go:build ignore

// gen50k writes the 50,000-member company of the benchmarks
// (testdata/benchgen) as a member CSV for `postroom import members`:
//
//	go run ./scripts/sshload/gen50k.go FILE   # members in corp.example.cn
package main

import (
	"fmt"
	"os"

	"postroom/testdata/benchgen"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run ./scripts/sshload/gen50k.go FILE")
		os.Exit(2)
	}
	c := benchgen.Default()
	if err := os.WriteFile(os.Args[1], benchgen.Generate(c).MembersCSV(), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(c.Domain)
}
