package cmd

import (
	"runtime"
	"runtime/debug"
	"sync"
)

// importHeadroom is how much heap a bulk import may add to what the
// process already holds before the garbage collector works harder: a
// 50,000-row import's live data at its commit is about 250 MB, and with
// Go's default (twice the live heap) it would peak near 440 MB.
const importHeadroom = 256 << 20

// importLimit counts the imports running in this process and keeps the
// soft heap limit there was before the first.
var importLimit struct {
	sync.Mutex
	running int
	before  int64
}

// boundImportMemory sets a soft heap limit of what the process holds now
// plus importHeadroom for the length of an import, unless a lower limit is
// already set (the local CLI sets one for the whole command), and returns
// what restores it. Under `serve` this bounds an import sent over SSH the
// way the local CLI is bounded; the limit is the process's, so imports
// running at once share it and the last one to end restores it.
func boundImportMemory() (restore func()) {
	importLimit.Lock()
	defer importLimit.Unlock()
	if importLimit.running == 0 {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		importLimit.before = debug.SetMemoryLimit(-1)
		if limit := int64(ms.HeapAlloc) + importHeadroom; limit < importLimit.before {
			debug.SetMemoryLimit(limit)
		}
	}
	importLimit.running++
	return func() {
		importLimit.Lock()
		defer importLimit.Unlock()
		if importLimit.running--; importLimit.running == 0 {
			debug.SetMemoryLimit(importLimit.before)
		}
	}
}
