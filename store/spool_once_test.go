package store_test

import (
	"bytes"
	"sync"
	"testing"

	"postroom/store"
)

// TestSpoolEnqueueOnce: a message queued with markers is queued once,
// whoever tries again, concurrently or after a restart; a message that
// shares any marker with one already queued is not queued either.
func TestSpoolEnqueueOnce(t *testing.T) {
	f := newSpool(t, false)
	notice := func(subject string) *store.QueueMessage {
		return &store.QueueMessage{Door: "system", System: "postroom", Direction: "internal", Subject: subject, Status: store.MsgQueued, DSN: true}
	}
	keys := []string{"request/7/turn0/north@example.com"}
	var wg sync.WaitGroup
	var mu sync.Mutex
	queued := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := f.sp.EnqueueOnce(keys, notice("第 1 步"), rcptsOf("north@example.com"), []byte("Subject: x\r\n\r\nbody\r\n"))
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				queued++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if queued != 1 {
		t.Fatalf("queued %d times, want once", queued)
	}
	f.reopen()
	if ok, err := f.sp.EnqueueOnce(keys, notice("again"), rcptsOf("north@example.com"), []byte("x\r\n")); ok || err != nil {
		t.Fatalf("after a restart: queued %v, %v; want not queued", ok, err)
	}
	two := []string{"request/7/step0/ww@example.com", keys[0]}
	if ok, err := f.sp.EnqueueOnce(two, notice("overlap"), rcptsOf("ww@example.com"), []byte("x\r\n")); ok || err != nil {
		t.Fatalf("sharing a marker: queued %v, %v; want not queued", ok, err)
	}
	if ok, err := f.sp.EnqueueOnce(two[:1], notice("progress"), rcptsOf("ww@example.com"), []byte("x\r\n")); !ok || err != nil {
		t.Fatalf("a new marker: queued %v, %v; want queued", ok, err)
	}
	sent, err := f.sp.NoticesSent("request/7/")
	if err != nil || len(sent) != 2 || !sent[keys[0]] || !sent[two[0]] {
		t.Fatalf("markers: %v %v", sent, err)
	}
	if other, _ := f.sp.NoticesSent("request/70/"); len(other) != 0 {
		t.Fatalf("request 70's markers: %v", other)
	}
	all, err := f.sp.List(store.QueueFilter{})
	if err != nil || len(all) != 2 {
		t.Fatalf("messages in the spool: %d %v, want 2", len(all), err)
	}
	if _, err := f.sp.EnqueueOnce(nil, notice("none"), rcptsOf("ww@example.com"), nil); err == nil {
		t.Fatal("EnqueueOnce without keys went through")
	}
}

// TestSpoolReplyKey: the reply key is made once and survives a restart.
func TestSpoolReplyKey(t *testing.T) {
	f := newSpool(t, false)
	k1, err := f.sp.ReplyKey()
	if err != nil || len(k1) != 32 {
		t.Fatalf("key %x, %v", k1, err)
	}
	f.reopen()
	k2, err := f.sp.ReplyKey()
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("after a restart: %x, %v; want %x", k2, err, k1)
	}
}
