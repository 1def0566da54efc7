package mail

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
)

// Handing a leaver's mailbox to the successor (ACC-5, seed part 2 2.1.5).
//
// An applied handover request (model.RequestHandover) is copied here: the
// leaver's Maildir, its inbox (new/ and cur/) and each Maildir++ folder,
// goes into one folder of the successor's mailbox, named in the
// successor's language ("交接-张三", "Handover-zhangsan"); the leaver's
// folders become folders below it (".交接-张三.Sent" in Maildir++ terms,
// each part in IMAP modified UTF-7 on disk). A message keeps its file name
// and whether it was in new/ or cur/ (with its flags), so it shows as read
// or unread as the leaver left it. The leaver's mailbox is not changed.
//
// Idempotent: a message whose unique name (the file name up to ':') is
// already in the target folder, in new/ or cur/, is not copied again, so a
// copy cut short by a crash is finished by the next run and nothing is
// there twice. The counts recorded (model.RecordHandover) are of the
// mailbox as handed, the same however many runs it took.

// HandoverResult is what a handover copied.
type HandoverResult struct {
	Messages int   // messages now in the folder from the leaver's mailbox
	Bytes    int64 // their size
	Copied   int   // of them copied by this run (the rest were there already)
}

// HandOver copies the mailbox of from into the folder of to's mailbox
// (see above) and returns the counts.
func (m *Maildir) HandOver(from, to model.Address, folder string) (HandoverResult, error) {
	var res HandoverResult
	src, err := m.MailboxDir(from, "")
	if err != nil {
		return res, err
	}
	dst, err := m.MailboxDir(to, folder)
	if err != nil {
		return res, err
	}
	// The leaver's inbox, then each folder (".Sent", ".&kK5O9o9sefs-").
	boxes := [][2]string{{src, dst}}
	entries, err := os.ReadDir(src)
	if errors.Is(err, os.ErrNotExist) {
		entries, err = nil, nil // a mailbox that never received mail: an empty folder
	}
	if err != nil {
		return res, fmt.Errorf("hand over %s: %w", from, err)
	}
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() || len(n) < 2 || n[0] != '.' || n == ".." || strings.ContainsAny(n, "/\\") {
			continue
		}
		if _, err := DecodeMUTF7(n[1:]); err != nil {
			continue // not a folder Maildir++ would name
		}
		boxes = append(boxes, [2]string{filepath.Join(src, n), dst + n})
	}
	if err := m.ensureMaildir(dst, true); err != nil {
		return res, fmt.Errorf("hand over %s: %w", from, err)
	}
	for _, b := range boxes {
		if err := m.copyBox(b[0], b[1], &res); err != nil {
			return res, fmt.Errorf("hand over %s to %s: %w", from, to, err)
		}
	}
	return res, nil
}

// uniquePart is a Maildir file name without its info (":2,S").
func uniquePart(name string) string {
	u, _, _ := strings.Cut(name, ":")
	return u
}

// copyBox copies the messages of one Maildir (src/new, src/cur) into dst,
// skipping those dst has already.
func (m *Maildir) copyBox(src, dst string, res *HandoverResult) error {
	var made bool
	have := map[string]bool{}
	for _, sub := range []string{"new", "cur"} {
		entries, err := os.ReadDir(filepath.Join(dst, sub))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		for _, e := range entries {
			have[uniquePart(e.Name())] = true
		}
	}
	for _, sub := range []string{"new", "cur"} {
		entries, err := os.ReadDir(filepath.Join(src, sub))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		copied := false
		for _, e := range entries {
			name := e.Name()
			if !e.Type().IsRegular() || strings.HasPrefix(name, ".") {
				continue
			}
			info, err := e.Info()
			if err != nil {
				if errors.Is(err, os.ErrNotExist) {
					continue // moved from new/ to cur/ as we read: found there
				}
				return err
			}
			res.Messages++
			res.Bytes += info.Size()
			if have[uniquePart(name)] {
				continue
			}
			if !made {
				if err := m.ensureMaildir(dst, true); err != nil {
					return err
				}
				made = true
			}
			if err := copyMessage(filepath.Join(src, sub, name), dst, sub, name); err != nil {
				return err
			}
			have[uniquePart(name)] = true
			res.Copied++
			copied = true
		}
		if copied {
			if err := syncDir(filepath.Join(dst, sub)); err != nil {
				return err
			}
		}
	}
	return nil
}

// copyMessage writes the file at path into dst/tmp, synced, then links it
// as dst/sub/name: the message appears whole or not at all.
func copyMessage(path, dst, sub, name string) error {
	in, err := os.Open(path)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := filepath.Join(dst, "tmp", uniquePart(name))
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dst, sub, name))
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// handOver copies the mailbox of an applied handover request and records
// what it copied, once (HandingOver); it does nothing for any other
// request. Errors are logged; the sweep tries again.
func (r *Relay) handOver(id uint64) {
	if err := HandOverRequest(r.store, r.del.maildir, id); err != nil {
		r.log.Printf("handover of request %d: %v", id, err)
	}
}

// HandOverRequest copies the mailbox of the applied handover request id
// into md (see above) and records the counts on the request through the
// write path, as postroom itself; a request that is not an applied
// handover waiting for its copy is left alone. The relay runs it after
// each change to a request and in its sweeps; the local CLI runs it after
// the approval that applies a handover.
func HandOverRequest(s *store.Store, md *Maildir, id uint64) error {
	var q *model.Request
	var folder string
	err := s.Read(func(rd *store.Reader) error {
		var err error
		if q, err = rd.Request(id); err != nil {
			return err
		}
		if !q.HandingOver() {
			return nil
		}
		leaver, err := rd.Member(q.Subject)
		if err != nil {
			return err
		}
		lang := "zh-CN"
		if succ, err := rd.Member(q.Successor); err == nil {
			lang = memberLang(succ)
		}
		folder = assets.HandoverFolder(lang, leaver.Name, leaver.Address.Local())
		return nil
	})
	if err != nil || !q.HandingOver() {
		return err
	}
	res, err := md.HandOver(q.Subject, q.Successor, folder)
	if err != nil {
		return err
	}
	err = s.Apply(model.System(model.DoorSystem), &model.RecordHandover{ID: id,
		Handed: model.Handed{Folder: folder, Messages: res.Messages, Bytes: res.Bytes}})
	if errors.Is(err, model.ErrConflict) {
		return nil // recorded meanwhile
	}
	return err
}

// sweepHandovers copies the applied handovers that wait for their copy:
// those the events missed (applied with the local CLI while serve was
// stopped, a copy that failed, a crash between the copy and its record).
func (r *Relay) sweepHandovers() {
	var ids []uint64
	err := r.store.Read(func(rd *store.Reader) error {
		qs, err := rd.Requests(store.RequestFilter{Kind: model.RequestHandover, Keep: (*model.Request).HandingOver})
		for _, q := range qs {
			ids = append(ids, q.ID)
		}
		return err
	})
	if err != nil {
		r.log.Printf("handovers: %v", err)
		return
	}
	slices.Sort(ids)
	for _, id := range ids {
		r.handOver(id)
	}
}
