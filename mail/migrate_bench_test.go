//go:build bench

package mail

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

// TestMigrateThroughput measures a mailbox migration from the loopback
// old server (go-imap's in-memory server): 5,000 messages of 4 KiB, into
// the Maildir with every file synced before it is moved in (directories
// at each checkpoint) and the store syncing. First one mailbox (INBOX
// and a folder), then four mailboxes of 1,250 messages copied four at a
// time, then the same run again, which finds nothing new.
//
//	go test -tags bench -run TestMigrateThroughput -v ./mail/
func TestMigrateThroughput(t *testing.T) {
	o := newOldServer(t)
	const n = 5000
	filler := strings.Repeat("The quick brown fox jumps over the lazy dog, 0123456789.\r\n", 80)
	fill := func(login string, count int) {
		u := o.user(t, login, "pw", "Archive")
		for i := range count {
			folder := "INBOX"
			if i%2 == 1 {
				folder = "Archive"
			}
			msg := oldMessage(login, i)
			put(t, u, folder, msg+filler[:4096-len(msg)], day.Add(time.Duration(i)*time.Second), imap.FlagSeen)
		}
	}
	fill("one", n)
	members := []model.Address{"wangwei@example.com", "liuyang@example.com", "xuxiaoming@example.com", "zhugehui@example.com"}
	for i := range members {
		fill(fmt.Sprintf("four%d", i), n/len(members))
	}
	dir := demoDB(t)
	st, err := store.Open(filepath.Join(dir, cmd.DBFile), store.Options{Argon: fastArgon})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	admin, err := cmd.LocalActor(st, "it.admin@example.com")
	if err != nil {
		t.Fatal(err)
	}
	g := &IMAPMigration{Store: st, Maildir: NewMaildir(filepath.Join(dir, "mail"), "mx.example.com", nil)}
	run := func(name string, parallel int, rows []model.MigrationRow) {
		g.Parallel = parallel
		id, _ := st.BeginBatch(admin, model.BatchMigrate, len(rows), o.addr)
		job := model.MigrationJob{Server: o.addr, Security: SecurityPlain, Batch: id, Rows: rows}
		start := time.Now()
		if err := g.Run(context.Background(), admin, job, nil); err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		var b *model.Batch
		st.Read(func(r *store.Reader) error { b, _ = r.Batch(id); return nil })
		if b.Failed > 0 {
			t.Fatalf("%s: %+v", name, b)
		}
		copied := 0
		fmt.Sscanf(b.Summary[strings.Index(b.Summary, "migrated, ")+len("migrated, "):], "%d messages", &copied)
		t.Logf("%s: %s in %v: %.0f messages/s", name, b.Summary, took.Round(time.Millisecond), float64(copied)/took.Seconds())
	}
	run("one mailbox", 1, []model.MigrationRow{{Line: 2, Address: "wangwei@example.com", Login: "one", Password: "pw"}})
	var four []model.MigrationRow
	for i, m := range members {
		four = append(four, model.MigrationRow{Line: i + 2, Address: m, Login: fmt.Sprintf("four%d", i), Password: "pw"})
	}
	run("four mailboxes, four at a time", 4, four)
	run("the same again, nothing new", 4, four)
}
