package mail

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"postroom/model"
	"postroom/store"
)

// Announcements by mail (ANN-1, ANN-2). Publishing writes the announcement
// in the directory; the relay, told by the "announce" event (and by its
// sweeps at start and every minute, for what an event missed), queues one
// message per targeted member with Spool.EnqueueOnce under the marker
// "announce/ID/ADDRESS", which also keeps the message's id. Delivery records
// the Maildir file each copy became (QueueRcpt.File). Recalling finds each
// copy from its marker: a copy still queued is cancelled, a copy still in
// the mailbox's new/ directory is removed, a copy gone from new/ (a mail
// program moved it to cur/, or it was deleted) was fetched and is counted
// as such. Every copy carries the header "X-Postroom-Announcement: ID", by
// which a copy whose queue record was purged is still found in new/.

// NoticeAnnouncement is the kind of an announcement's mail copy.
const NoticeAnnouncement = "announcement"

// announceHeader marks an announcement's copy.
const announceHeader = "X-Postroom-Announcement"

// fanOutWorkers is how many copies are queued (or recalled) at once: as
// many as the spool's group commit takes into one transaction, so that
// one fsync serves them all.
const fanOutWorkers = 200

// AnnouncementData is what an announcement's mail says.
type AnnouncementData struct {
	Title     string
	Body      string
	Author    string
	Published time.Time
	Hostname  string
}

func announceKeyPrefix(id uint64) string { return "announce/" + strconv.FormatUint(id, 10) + "/" }

// BuildAnnouncement returns the complete message of an announcement's copy
// to one member, in lang.
func BuildAnnouncement(lang string, id uint64, d AnnouncementData, from model.Address, toName string, to model.Address, date time.Time) ([]byte, error) {
	subject, text, err := renderMail(NoticeAnnouncement, lang, d)
	if err != nil {
		return nil, err
	}
	return announcementMessage(lang, id, subject, text, from, toName, to, date, d.Hostname), nil
}

func announcementMessage(lang string, id uint64, subject, text string, from model.Address, toName string, to model.Address, date time.Time, host string) []byte {
	msg := composeNotice(NoticeAnnouncement, lang, "", from, toName, to, "", date, host, subject, text)
	return append([]byte(announceHeader+": "+strconv.FormatUint(id, 10)+"\r\n"), msg...)
}

// announcer keeps the relay's fan-outs and recalls apart: a recall waits
// for a fan-out under way, which stops at its next copy.
type announcer struct {
	mu        sync.Mutex
	recalling sync.Map // id → true: a recall has begun
	done      sync.Map // id → true: every copy is queued
}

// fanOut queues the copies of a live announcement not queued yet.
func (r *Relay) fanOut(id uint64) (int, error) {
	if _, ok := r.ann.done.Load(id); ok {
		return 0, nil
	}
	r.ann.mu.Lock()
	defer r.ann.mu.Unlock()
	n, complete, err := FanOut(r.store, r.spool, r.del, id, r.cfg.Hostname, func() bool {
		_, stop := r.ann.recalling.Load(id)
		return stop
	})
	if complete {
		r.ann.done.Store(id, true)
	}
	return n, err
}

// copyPlan is one copy to queue.
type copyPlan struct {
	to   *model.Member
	lang string
}

// FanOut queues one copy of announcement id to each member it targets that
// has none yet, through the deliverer's system queue, stopping early when
// stop says so. It returns how many it queued and whether every copy is
// now queued (false for a recalled announcement, or one stopped).
func FanOut(st *store.Store, sp *store.Spool, del *Deliverer, id uint64, hostname string, stop func() bool) (int, bool, error) {
	var ann *model.Announcement
	var plan []copyPlan
	var author string
	prefix := announceKeyPrefix(id)
	sent, err := sp.NoticesSent(prefix)
	if err != nil {
		return 0, false, err
	}
	err = st.Read(func(rd *store.Reader) error {
		var err error
		if ann, err = rd.Announcement(id); err != nil {
			return err
		}
		if !ann.Live() {
			return nil
		}
		author = string(ann.Author)
		if ann.AuthorName != "" {
			author = ann.AuthorName + " <" + string(ann.Author) + ">"
		}
		addrs, err := rd.AnnouncementRecipients(ann)
		if err != nil {
			return err
		}
		for _, a := range addrs {
			if sent[prefix+string(a)] {
				continue
			}
			m, err := rd.Member(a)
			if err != nil {
				continue
			}
			// Accounts opened later read it at their Home; the mail went
			// to the staff of the day.
			if m.Status == model.StatusReclaimed || m.Created.After(ann.Published) {
				continue
			}
			plan = append(plan, copyPlan{to: m, lang: memberLang(m)})
		}
		return nil
	})
	if err != nil || !ann.Live() {
		return 0, false, err
	}
	from := model.Address("postmaster@" + del.cfg.PrimaryDomain)
	loc := del.location()
	data := AnnouncementData{Title: ann.Title, Body: ann.Body, Author: author, Published: ann.Published.In(loc), Hostname: hostname}
	type rendered struct{ subject, text string }
	texts := map[string]rendered{}
	for _, p := range plan {
		tag := model.LetterLang(p.lang)
		if _, ok := texts[tag]; ok {
			continue
		}
		s, t, err := renderMail(NoticeAnnouncement, tag, data)
		if err != nil {
			return 0, false, err
		}
		texts[tag] = rendered{s, t}
	}
	var (
		mu      sync.Mutex
		queued  int
		firstEr error
		stopped bool
		wg      sync.WaitGroup
	)
	next := make(chan copyPlan)
	now := del.cfg.Now().In(loc)
	for range fanOutWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range next {
				tag := model.LetterLang(p.lang)
				tx := texts[tag]
				msg := announcementMessage(tag, id, tx.subject, tx.text, from, p.to.Name, p.to.Address, now, hostname)
				_, ok, err := del.enqueueSystemOnce([]string{prefix + string(p.to.Address)}, p.to.Address, from, tx.subject, msg)
				mu.Lock()
				if err != nil && firstEr == nil {
					firstEr = err
				}
				if ok {
					queued++
				}
				mu.Unlock()
			}
		}()
	}
	for _, p := range plan {
		if stop != nil && stop() {
			stopped = true
			break
		}
		next <- p
	}
	close(next)
	wg.Wait()
	del.Kick()
	return queued, firstEr == nil && !stopped, firstEr
}

// sweepAnnouncements queues what is missing of the live announcements of
// the last requestNoticeWindow: what the events missed (a publish while
// serve was not running, a restart during a fan-out).
func (r *Relay) sweepAnnouncements() {
	now := r.now()
	var ids []uint64
	if err := r.store.Read(func(rd *store.Reader) error {
		live, err := rd.LiveAnnouncements()
		for _, a := range live {
			if now.Sub(a.Published) < requestNoticeWindow {
				ids = append(ids, a.ID)
			}
		}
		return err
	}); err != nil {
		r.log.Printf("announcements: %v", err)
		return
	}
	for _, id := range ids {
		if _, err := r.fanOut(id); err != nil {
			r.log.Printf("announcement %d: %v", id, err)
		}
	}
}

// Recall deals with the mail copies of a recalled announcement (ANN-2):
// after a fan-out under way has stopped, as RecallCopies says. The command
// that recalls calls it after the recall's commit.
func (r *Relay) Recall(sp *store.Spool, id uint64) (model.RecallCounts, error) {
	r.ann.recalling.Store(id, true)
	r.ann.mu.Lock()
	defer r.ann.mu.Unlock()
	if sp == nil {
		sp = r.spool
	}
	return RecallCopies(sp, r.del.maildir, id)
}

// LocalRecall is Recall for the local command line, when serve is not
// running: the Maildir under DIR/mail.
func LocalRecall(dataDir string) func(sp *store.Spool, id uint64) (model.RecallCounts, error) {
	return func(sp *store.Spool, id uint64) (model.RecallCounts, error) {
		return RecallCopies(sp, NewMaildir(filepath.Join(dataDir, "mail"), "localhost", nil), id)
	}
}

// RecallCopies finds every copy of announcement id by its marker in the
// spool and counts it: cancelled in the queue (recalled), removed from the
// mailbox's new/ (recalled), no longer in new/ (fetched), never delivered
// (failed).
func RecallCopies(sp *store.Spool, md *Maildir, id uint64) (model.RecallCounts, error) {
	prefix := announceKeyPrefix(id)
	markers, err := sp.NoticeMessages(prefix)
	if err != nil {
		return model.RecallCounts{}, err
	}
	type copyRef struct {
		to  model.Address
		msg string
	}
	refs := make(chan copyRef)
	var (
		mu      sync.Mutex
		c       model.RecallCounts
		firstEr error
		wg      sync.WaitGroup
	)
	for range fanOutWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ref := range refs {
				out, err := recallCopy(sp, md, id, ref.to, ref.msg)
				mu.Lock()
				switch {
				case err != nil:
					if firstEr == nil {
						firstEr = err
					}
				case out == "cancelled":
					c.Recalled++
					c.Cancelled++
				case out == "recalled":
					c.Recalled++
				case out == "fetched":
					c.Fetched++
				case out == "failed":
					c.Failed++
				}
				mu.Unlock()
			}
		}()
	}
	for k, msg := range markers {
		refs <- copyRef{to: model.Address(strings.TrimPrefix(k, prefix)), msg: msg}
	}
	close(refs)
	wg.Wait()
	return c, firstEr
}

// recallCopy deals with one copy: "cancelled", "recalled", "fetched" or "failed".
func recallCopy(sp *store.Spool, md *Maildir, id uint64, to model.Address, msgID string) (string, error) {
	if msgID == "" {
		return removeFromNew(md, id, to, "")
	}
	m, err := sp.Message(msgID)
	if errors.Is(err, model.ErrNotFound) {
		return removeFromNew(md, id, to, "") // purged from the queue
	}
	if err != nil {
		return "", err
	}
	rcpts, err := sp.Rcpts(msgID)
	if err != nil {
		return "", err
	}
	if len(rcpts) == 0 {
		return removeFromNew(md, id, to, "")
	}
	rc := rcpts[0]
	switch {
	case rc.Status == store.RcptPending && !m.Status.Finished():
		if err := sp.Finish(msgID, store.MsgDropped, "announcement recalled"); err != nil {
			return "", err
		}
		// A delivery that was under way may have written it meanwhile,
		// and the member's mail program may even have fetched it before
		// the queue recorded the delivery.
		if out, err := removeFromNew(md, id, rc.Addr, rc.Folder); err != nil || out == "recalled" {
			return out, err
		}
		if fetched, err := inCur(md, id, rc.Addr, rc.Folder); err != nil || fetched {
			return "fetched", err
		}
		return "cancelled", nil
	case rc.Status == store.RcptDelivered && rc.File != "":
		dir, err := md.MailboxDir(rc.Addr, rc.Folder)
		if err != nil {
			return "", err
		}
		err = os.Remove(filepath.Join(dir, "new", rc.File))
		switch {
		case err == nil:
			return "recalled", syncDir(filepath.Join(dir, "new"))
		case errors.Is(err, fs.ErrNotExist):
			return "fetched", nil
		}
		return "", err
	case rc.Status == store.RcptDelivered:
		return removeFromNew(md, id, rc.Addr, rc.Folder)
	case rc.Status == store.RcptFailed:
		return "failed", nil
	}
	return "cancelled", nil // dropped from the queue before it was delivered
}

// removeFromNew looks in the mailbox's new/ directory for the copy of
// announcement id by its header and removes it: "recalled"; none there:
// "fetched".
func removeFromNew(md *Maildir, id uint64, to model.Address, folder string) (string, error) {
	dir, err := md.MailboxDir(to, folder)
	if err != nil {
		return "", err
	}
	newDir := filepath.Join(dir, "new")
	ents, err := os.ReadDir(newDir)
	if errors.Is(err, fs.ErrNotExist) {
		return "fetched", nil
	}
	if err != nil {
		return "", err
	}
	want := []byte(announceHeader + ": " + strconv.FormatUint(id, 10))
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		path := filepath.Join(newDir, e.Name())
		if !headerHas(path, want) {
			continue
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		return "recalled", syncDir(newDir)
	}
	return "fetched", nil
}

// inCur reports whether the mailbox's cur/ holds the copy of announcement
// id: a mail program fetched it.
func inCur(md *Maildir, id uint64, to model.Address, folder string) (bool, error) {
	dir, err := md.MailboxDir(to, folder)
	if err != nil {
		return false, err
	}
	curDir := filepath.Join(dir, "cur")
	ents, err := os.ReadDir(curDir)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	want := []byte(announceHeader + ": " + strconv.FormatUint(id, 10))
	for _, e := range ents {
		if !e.IsDir() && headerHas(filepath.Join(curDir, e.Name()), want) {
			return true, nil
		}
	}
	return false, nil
}

// headerHas reports whether the header of the message in path has the line want.
func headerHas(path string, want []byte) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 4096), 64<<10)
	for sc.Scan() {
		line := bytes.TrimRight(sc.Bytes(), "\r")
		if len(line) == 0 {
			return false
		}
		if bytes.Equal(line, want) {
			return true
		}
	}
	return false
}
