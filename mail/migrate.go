package mail

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"postroom/model"
	"postroom/store"
)

// IMAPMigration pulls members' mail from an old server over IMAP into
// their Maildir (MAILFX-4), one mailbox per member, as a batch task whose
// rows are the members (messages, bytes, folders, errors).
//
// INBOX goes to the main Maildir, every other folder to its Maildir++
// folder (names decoded from modified UTF-7, levels joined by '.'). Flags
// map to Maildir info letters (model.MaildirInfo): a seen message lands in
// cur/ with S. The file keeps the old server's INTERNALDATE as its
// modification time.
//
// It resumes: per member, server, login and folder the store keeps the folder's
// UIDVALIDITY and the highest UID copied, so a second run fetches only
// newer messages. Each file's name carries its source (server, login,
// folder), the UIDVALIDITY, the UID and the start of the message's
// SHA-256 (TAG in SECONDS.TAG.HOST), so a run
// cut off between writing messages and saving the state skips what it
// already wrote, and a folder whose UIDVALIDITY changed (the old server
// numbered it afresh) is copied again from the start without duplicating
// the messages already there. Passwords go only to the old server: never
// to the operation log, the batch rows or an error.
type IMAPMigration struct {
	Store   *store.Store
	Maildir *Maildir
	// TLSConfig is used for --tls and --starttls; nil: the system's roots,
	// the server name from the address.
	TLSConfig *tls.Config
	// Dialer connects to the old server; nil: a 30 s connect timeout.
	Dialer *net.Dialer
	// Parallel is how many mailboxes are copied at once, each over its
	// own connection; 0 or 1: one at a time.
	Parallel int

	// crashAfter, in tests, stops a member's copy after that many
	// messages as a crash would: before the folder's state is saved.
	crashAfter int
	// afterMessage, in tests, is told after each message written with the
	// member's count so far.
	afterMessage func(n int)
}

// The security of the connection to the old server.
const (
	SecurityTLS      = "tls"      // TLS from the start (port 993)
	SecurityStartTLS = "starttls" // plain, then STARTTLS (port 143)
	SecurityPlain    = "plain"    // no TLS at all: loopback tests only
)

// maxMigratedMessage bounds one message read from the old server.
const maxMigratedMessage = 128 << 20

// saveEvery is how many messages are copied between saves of a folder's
// state (the file names make the messages between saves safe to redo).
const saveEvery = 200

// MemberResult is what one member's migration did.
type MemberResult struct {
	Messages int   // copied in this run
	Skipped  int   // already there (a resumed or restarted folder)
	Bytes    int64 // of the messages copied
	Folders  int   // folders looked at
	Errors   []string
}

// Row is the result as a batch row: ok when nothing failed. stopped is
// what stopped the member as a whole, if anything: it comes first.
func (r MemberResult) Row(addr model.Address, stopped error) model.BatchRow {
	row := model.BatchRow{Key: string(addr), Outcome: model.OutcomeOK}
	reason := fmt.Sprintf("%d messages, %s, %d folders", r.Messages, byteSize(r.Bytes), r.Folders)
	if stopped != nil {
		row.Outcome = model.OutcomeFailed
		if r.Messages+r.Skipped+r.Folders == 0 {
			reason = stopped.Error()
		} else {
			reason = stopped.Error() + "; " + reason
		}
	}
	if r.Skipped > 0 {
		reason += fmt.Sprintf(", %d already there", r.Skipped)
	}
	if len(r.Errors) > 0 {
		row.Outcome = model.OutcomeFailed
		reason += "; " + strings.Join(r.Errors, "; ")
	}
	row.Reason = reason
	return row
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// Run migrates the listed mailboxes as actor, Parallel at a time,
// recording a row per member in the batch task job.Batch (begun by the
// caller) as each ends, and finishes
// the task: done, or failed when no member could be migrated. progress,
// when set, is told each row as it is recorded. A member whose login
// fails or who may not be migrated is reported in their row; the others go
// on. Cancelling ctx, or the task (store.CancelBatch), stops each
// mailbox being copied after the message it is writing: that mailbox's
// row says how far it got, the mailboxes not begun get none, and the task
// finishes as cancelled; running the same list again goes on from there.
func (g *IMAPMigration) Run(ctx context.Context, actor model.Actor, job model.MigrationJob, progress func(model.BatchRow)) error {
	ctx, release := g.Store.BatchContext(ctx, job.Batch)
	defer release()
	var (
		mu                       sync.Mutex
		total                    MemberResult
		members, failed, stopped int
		recordErr                error
		wg                       sync.WaitGroup
	)
	slots := make(chan struct{}, max(1, g.Parallel))
	for _, row := range job.Rows {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-slots; wg.Done() }()
			res, err := g.Member(ctx, actor, job, row)
			r := res.Row(row.Address, err)
			cut := err != nil && ctx.Err() != nil
			if cut {
				r = res.StoppedRow(row.Address)
			}
			mu.Lock()
			defer mu.Unlock()
			if err := g.Store.AddBatchRows(job.Batch, r); err != nil && recordErr == nil {
				recordErr = err
			}
			if progress != nil {
				progress(r)
			}
			members++
			switch {
			case cut:
				stopped++
			case r.Outcome == model.OutcomeFailed:
				failed++
			}
			total.Messages += res.Messages
			total.Skipped += res.Skipped
			total.Bytes += res.Bytes
			total.Folders += res.Folders
		}()
	}
	wg.Wait()
	if recordErr != nil {
		return recordErr
	}
	summary := fmt.Sprintf("%s: %d of %d mailboxes migrated, %d messages, %s", job.Server, members-failed-stopped, len(job.Rows), total.Messages, byteSize(total.Bytes))
	if total.Skipped > 0 {
		summary += fmt.Sprintf(", %d already there", total.Skipped)
	}
	state := model.BatchDone
	switch {
	case ctx.Err() != nil && (stopped > 0 || members < len(job.Rows)):
		state, summary = model.BatchCancelled, summary+"; stopped before the end: run it again to go on"
	case failed > 0 && failed == members:
		state = model.BatchFailed
	}
	err := g.Store.FinishBatch(job.Batch, state, summary)
	if ctx.Err() != nil && errors.Is(err, model.ErrConflict) {
		return nil // cancelled before the runner listened: the cancel ended the task
	}
	return err
}

// StoppedRow is the row of a mailbox whose copy a cancel stopped: what
// was copied before it. The row is skipped, not failed: nothing went
// wrong, and the next run goes on from there.
func (r MemberResult) StoppedRow(addr model.Address) model.BatchRow {
	reason := fmt.Sprintf("stopped by the cancel after %d messages, %s, %d folders; run the migration again to go on", r.Messages, byteSize(r.Bytes), r.Folders)
	if r.Skipped > 0 {
		reason += fmt.Sprintf(" (%d already there)", r.Skipped)
	}
	return model.BatchRow{Key: string(addr), Outcome: model.OutcomeSkipped, Reason: reason}
}

// Member migrates one mailbox: authorised and logged first (the import
// right over the member's departments), then every selectable folder of
// the old mailbox. Problems with one folder are in the result's Errors;
// the error is for what stopped the member as a whole (refused, no
// login).
func (g *IMAPMigration) Member(ctx context.Context, actor model.Actor, job model.MigrationJob, row model.MigrationRow) (MemberResult, error) {
	var res MemberResult
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if err := g.Store.Apply(actor, &model.MigrateMailbox{Address: row.Address, Server: job.Server, Login: row.Login, Batch: job.Batch}); err != nil {
		return res, err
	}
	c, err := g.dial(job)
	if err != nil {
		return res, fmt.Errorf("cannot reach the old server %s: %v", job.Server, err)
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	if c.Caps().Has(imap.CapLoginDisabled) {
		return res, fmt.Errorf("the old server takes no login without TLS: use --tls or --starttls")
	}
	if err := c.Login(row.Login, row.Password).Wait(); err != nil {
		return res, fmt.Errorf("the old server refused the login %s: %s", row.Login, imapText(err))
	}
	boxes, err := c.List("", "*", nil).Collect()
	if err != nil {
		return res, fmt.Errorf("cannot list the folders on the old server: %s", imapText(err))
	}
	for _, b := range boxes {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if hasAttr(b.Attrs, imap.MailboxAttrNoSelect) || hasAttr(b.Attrs, imap.MailboxAttrNonExistent) {
			continue
		}
		res.Folders++
		if err := g.folder(ctx, c, job, row, b, &res); err != nil {
			if errors.Is(err, errCrash) || ctx.Err() != nil {
				return res, err
			}
			res.Errors = append(res.Errors, fmt.Sprintf("folder %s: %v", b.Mailbox, err))
		}
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	c.Logout().Wait()
	return res, nil
}

// errCrash is the crash a test asks for (crashAfter).
var errCrash = errors.New("stopped as if the process had crashed")

func (g *IMAPMigration) dial(job model.MigrationJob) (*imapclient.Client, error) {
	opt := &imapclient.Options{Dialer: g.Dialer}
	if g.TLSConfig != nil {
		opt.TLSConfig = g.TLSConfig
	} else if host, _, err := net.SplitHostPort(job.Server); err == nil {
		opt.TLSConfig = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	var c *imapclient.Client
	var err error
	switch job.Security {
	case SecurityTLS:
		c, err = imapclient.DialTLS(job.Server, opt)
	case SecurityStartTLS:
		c, err = imapclient.DialStartTLS(job.Server, opt)
	case SecurityPlain:
		c, err = imapclient.DialInsecure(job.Server, opt)
	default:
		return nil, fmt.Errorf("unknown connection security %q", job.Security)
	}
	if err != nil {
		return nil, err
	}
	if err := c.WaitGreeting(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// imapText is an IMAP error in words: the server's own text when it gave
// one (never anything the client sent).
func imapText(err error) string {
	var ie *imap.Error
	if errors.As(err, &ie) {
		if ie.Text != "" {
			return ie.Text
		}
		return string(ie.Type)
	}
	return err.Error()
}

func hasAttr(attrs []imap.MailboxAttr, a imap.MailboxAttr) bool {
	for _, x := range attrs {
		if strings.EqualFold(string(x), string(a)) {
			return true
		}
	}
	return false
}

// migratedTag is the tag of a migrated message's file name: where it came
// from (source: sourceTag), the folder's UIDVALIDITY there, the message's
// UID and the first 8 bytes of its SHA-256 in hex, as S…V…U…H….
func migratedTag(source string, uidValidity uint32, uid imap.UID, sum []byte) string {
	return fmt.Sprintf("S%sV%dU%dH%s", source, uidValidity, uid, hex.EncodeToString(sum[:8]))
}

// sourceTag names a folder of an account on an old server in 8 hex
// digits (of a SHA-256 of server, login and folder name).
func sourceTag(server, login, folder string) string {
	sum := sha256.Sum256([]byte(server + "\x00" + login + "\x00" + folder))
	return hex.EncodeToString(sum[:4])
}

// migratedName is what a migrated file's name tells.
type migratedName struct {
	source      string
	uidValidity uint32
	uid         uint32
	hash        string
}

// parseMigratedName reads the tag back from a file's base name; ok is
// false for a message that was not migrated.
func parseMigratedName(base string) (n migratedName, ok bool) {
	parts := strings.SplitN(base, ".", 3)
	if len(parts) < 3 || !strings.HasPrefix(parts[1], "S") {
		return n, false
	}
	src, rest, ok1 := strings.Cut(parts[1][1:], "V")
	v, rest, ok2 := strings.Cut(rest, "U")
	u, h, ok3 := strings.Cut(rest, "H")
	if !ok1 || !ok2 || !ok3 || len(src) != 8 || len(h) != 16 {
		return n, false
	}
	vn, err1 := strconv.ParseUint(v, 10, 32)
	un, err2 := strconv.ParseUint(u, 10, 32)
	if err1 != nil || err2 != nil {
		return n, false
	}
	return migratedName{src, uint32(vn), uint32(un), h}, true
}

// folder copies one folder's new messages.
func (g *IMAPMigration) folder(ctx context.Context, c *imapclient.Client, job model.MigrationJob, row model.MigrationRow, box *imap.ListData, res *MemberResult) error {
	addr := row.Address
	levels, err := model.MigrationFolder(box.Mailbox, box.Delim)
	if err != nil {
		return err
	}
	sel, err := c.Select(box.Mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return fmt.Errorf("cannot open it: %s", imapText(err))
	}
	st, known, err := g.Store.MigrationFolder(addr, job.Server, row.Login, box.Mailbox)
	if err != nil {
		return err
	}
	if known && st.UIDValidity != sel.UIDValidity {
		// The old server numbered the folder afresh: copy it all again;
		// the hashes in the names keep what is already here from twice.
		st = store.MigrationFolder{Messages: st.Messages, Bytes: st.Bytes}
	}
	st.UIDValidity = sel.UIDValidity
	// What is already here: the UIDs of this numbering, and every hash.
	names, err := g.Maildir.MessageNames(addr, levels)
	if err != nil {
		return err
	}
	source := sourceTag(job.Server, row.Login, box.Mailbox)
	haveUID := map[uint32]bool{}
	haveHash := map[string]bool{}
	for _, name := range names {
		if n, ok := parseMigratedName(name); ok {
			haveHash[n.hash] = true
			if n.source == source && n.uidValidity == sel.UIDValidity {
				haveUID[n.uid] = true
			}
		}
	}
	if sel.NumMessages == 0 {
		return g.Store.SaveMigrationFolder(addr, job.Server, row.Login, box.Mailbox, st)
	}
	var set imap.UIDSet
	set.AddRange(imap.UID(st.LastUID+1), 0) // 0 is '*'
	fetch := c.Fetch(set, &imap.FetchOptions{UID: true, Flags: true, InternalDate: true,
		BodySection: []*imap.FetchItemBodySection{{Peek: true}}})
	defer fetch.Close()
	since := 0
	for {
		msg := fetch.Next()
		if msg == nil {
			break
		}
		var uid imap.UID
		var flags []string
		var date time.Time
		var body []byte
		for item := msg.Next(); item != nil; item = msg.Next() {
			switch it := item.(type) {
			case imapclient.FetchItemDataUID:
				uid = it.UID
			case imapclient.FetchItemDataFlags:
				for _, f := range it.Flags {
					flags = append(flags, string(f))
				}
			case imapclient.FetchItemDataInternalDate:
				date = it.Time
			case imapclient.FetchItemDataBodySection:
				body, err = io.ReadAll(io.LimitReader(it.Literal, maxMigratedMessage+1))
				if err != nil && ctx.Err() == nil {
					return fmt.Errorf("reading message %d: %v", uid, err)
				}
			}
		}
		if ctx.Err() != nil && err != nil {
			break // cut off by a cancel in the middle of a message: it is not written
		}
		// "N:*" names the last message even when its UID is below N.
		if uint32(uid) <= st.LastUID || body == nil {
			continue
		}
		if len(body) > maxMigratedMessage {
			res.Errors = append(res.Errors, fmt.Sprintf("folder %s: message %d is larger than %s and was left out", box.Mailbox, uid, byteSize(maxMigratedMessage)))
			st.LastUID = uint32(uid)
			continue
		}
		sum := sha256.Sum256(body)
		tag, hash := migratedTag(source, sel.UIDValidity, uid, sum[:]), hex.EncodeToString(sum[:8])
		switch {
		case haveUID[uint32(uid)] || haveHash[hash]:
			res.Skipped++
		default:
			info, _ := model.MaildirInfo(flags)
			if _, err := g.Maildir.Import(addr, levels, tag, info, body, date); err != nil {
				return err
			}
			haveHash[hash] = true
			res.Messages++
			res.Bytes += int64(len(body))
			st.Messages++
			st.Bytes += int64(len(body))
			if g.crashAfter > 0 && res.Messages >= g.crashAfter {
				return errCrash
			}
			if g.afterMessage != nil {
				g.afterMessage(res.Messages)
			}
		}
		st.LastUID = max(st.LastUID, uint32(uid))
		if since++; since >= saveEvery {
			if err := g.checkpoint(addr, job.Server, row.Login, box.Mailbox, levels, st); err != nil {
				return err
			}
			since = 0
		}
		if ctx.Err() != nil {
			break
		}
	}
	if err := fetch.Close(); err != nil && ctx.Err() == nil {
		return fmt.Errorf("fetching: %s", imapText(err))
	}
	return g.checkpoint(addr, job.Server, row.Login, box.Mailbox, levels, st)
}

// checkpoint makes the messages copied so far durable, then saves how far
// the folder got: the state never names a message that a crash could lose.
func (g *IMAPMigration) checkpoint(addr model.Address, server, login, folder string, levels []string, st store.MigrationFolder) error {
	if err := g.Maildir.SyncFolder(addr, levels); err != nil {
		return err
	}
	return g.Store.SaveMigrationFolder(addr, server, login, folder, st)
}
