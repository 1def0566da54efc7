package store

import (
	"bytes"
	"sync"
)

// decoded keeps values this process wrote to the spool together with the
// bytes it wrote, so that a read of the same key which finds the same bytes
// uses the value instead of decoding the JSON again. The relay's Record
// reads back, a few milliseconds later, the message and mail-log record
// its Enqueue wrote; decoding them was a tenth of the spool's CPU. A value
// handed out is a shallow copy: callers may change its fields but must not
// write into its slices (append only after slices.Clip).
type decoded[T any] struct {
	mu  sync.Mutex
	m   map[string]decodedEntry[T]
	max int // entries kept; over it an arbitrary one goes
}

type decodedEntry[T any] struct {
	raw []byte
	v   T
}

func newDecoded[T any](max int) *decoded[T] {
	return &decoded[T]{m: make(map[string]decodedEntry[T]), max: max}
}

// get returns the value stored under key when raw is what was written.
func (c *decoded[T]) get(key string, raw []byte) (T, bool) {
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if !ok || !bytes.Equal(e.raw, raw) {
		var zero T
		return zero, false
	}
	return e.v, true
}

// put remembers v as the value of raw, which the caller no longer changes.
func (c *decoded[T]) put(key string, raw []byte, v T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[key]; !ok && len(c.m) >= c.max {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[key] = decodedEntry[T]{raw: raw, v: v}
}

func (c *decoded[T]) drop(key string) {
	c.mu.Lock()
	delete(c.m, key)
	c.mu.Unlock()
}
