package cmd

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestBoundImportMemory: the first import sets a limit near what the
// process holds, a second one running at the same time keeps it, and the
// last to end restores the limit there was; a lower limit already set
// (the local CLI's) is kept.
func TestBoundImportMemory(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(before)

	debug.SetMemoryLimit(math.MaxInt64)
	end1 := boundImportMemory()
	set := debug.SetMemoryLimit(-1)
	if set == math.MaxInt64 || set < importHeadroom {
		t.Fatalf("limit during an import: %d", set)
	}
	end2 := boundImportMemory()
	if got := debug.SetMemoryLimit(-1); got != set {
		t.Errorf("a second import moved the limit to %d from %d", got, set)
	}
	end1()
	if got := debug.SetMemoryLimit(-1); got != set {
		t.Errorf("the limit went back while an import still runs: %d", got)
	}
	end2()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("the limit after both: %d, want none", got)
	}

	debug.SetMemoryLimit(64 << 20)
	end := boundImportMemory()
	if got := debug.SetMemoryLimit(-1); got != 64<<20 {
		t.Errorf("a lower limit already set became %d", got)
	}
	end()
}
