package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"postroom/model"
)

// Announcements and the letters the system writes by itself (ANN-1..3):
//
//	announcements  id → model.Announcement
//	annlive        id → ""                       (published, not recalled: what Homes show)
//	memberborn     created time + address → ""   (every member by when the account was opened:
//	               the welcome letters' sweep reads the newest)
//	pwchanged      password-changed time + address → ""   (members with a password, by when it
//	               was set: the expiry reminders' sweep reads one window of it)
//	meta           "annseq" → next announcement id; "lettertemplates" → the admins'
//	               letter templates, by name.lang
//
// Times in keys are 8-byte big-endian Unix nanoseconds (0 for none). The
// member indexes are kept by memberIndexKeys like every other.

var (
	bAnnouncements = []byte("announcements")
	bAnnLive       = []byte("annlive")
	bMemberBorn    = []byte("memberborn")
	bPwChanged     = []byte("pwchanged")
)

// timeKey is a time as it sorts in an index key.
func timeKey(t time.Time) []byte {
	if t.IsZero() {
		return u64(0)
	}
	return u64(uint64(t.UnixNano()))
}

// letterIndexKeys lists the member's entries in the letters' indexes.
func letterIndexKeys(m *model.Member) []string {
	out := []string{string(bMemberBorn) + "|" + string(timeKey(m.Created)) + string(m.Address)}
	if m.Password.Hash != "" {
		out = append(out, string(bPwChanged)+"|"+string(timeKey(m.Password.Changed))+string(m.Address))
	}
	return out
}

// indexLetters fills memberborn and pwchanged for the members already
// there (schema 6).
func indexLetters(tx *bolt.Tx) error {
	born, changed := tx.Bucket(bMemberBorn), tx.Bucket(bPwChanged)
	return tx.Bucket(bMembers).ForEach(func(k, v []byte) error {
		m := new(model.Member)
		if err := json.Unmarshal(v, m); err != nil {
			return err
		}
		for _, e := range letterIndexKeys(m) {
			bucket, key, _ := bytes.Cut([]byte(e), []byte("|"))
			b := born
			if string(bucket) == string(bPwChanged) {
				b = changed
			}
			if err := b.Put(key, nil); err != nil {
				return err
			}
		}
		return nil
	})
}

// Announcement returns one announcement.
func (r *Reader) Announcement(id uint64) (*model.Announcement, error) {
	a, err := getJSON[model.Announcement](r.tx, bAnnouncements, u64(id))
	if err != nil {
		return nil, err
	}
	if a == nil {
		return nil, model.NotFoundf("there is no announcement %d; announce list shows them", id)
	}
	return a, nil
}

// Announcements lists every announcement, newest first.
func (r *Reader) Announcements() ([]*model.Announcement, error) {
	all, err := listJSON[model.Announcement](r.tx, bAnnouncements)
	slices.Reverse(all)
	return all, err
}

// LiveAnnouncements lists the announcements published and not recalled,
// newest first.
func (r *Reader) LiveAnnouncements() ([]*model.Announcement, error) {
	var out []*model.Announcement
	c := r.tx.Bucket(bAnnLive).Cursor()
	for k, _ := c.Last(); k != nil; k, _ = c.Prev() {
		a, err := r.Announcement(binary.BigEndian.Uint64(k))
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// AnnouncementsFor lists the live announcements that reach a member,
// newest first.
func (r *Reader) AnnouncementsFor(m *model.Member) ([]*model.Announcement, error) {
	live, err := r.LiveAnnouncements()
	if err != nil {
		return nil, err
	}
	out := live[:0]
	for _, a := range live {
		if a.Targets(m, r) {
			out = append(out, a)
		}
	}
	return out, nil
}

// AnnouncementRecipients lists the addresses of the active members an
// announcement reaches, in address order within each department; each once.
func (r *Reader) AnnouncementRecipients(a *model.Announcement) ([]model.Address, error) {
	roots := a.Depts
	if len(roots) == 0 {
		roots = []model.DeptID{model.RootDept}
	}
	seen := map[model.Address]bool{}
	var out []model.Address
	var walk func(id model.DeptID) error
	walk = func(id model.DeptID) error {
		ms, err := r.DeptMembers(id)
		if err != nil {
			return err
		}
		for _, addr := range ms {
			if seen[addr] {
				continue
			}
			seen[addr] = true
			out = append(out, addr)
		}
		kids, err := r.DeptChildren(id)
		if err != nil {
			return err
		}
		for _, k := range kids {
			if err := walk(k); err != nil {
				return err
			}
		}
		return nil
	}
	for _, d := range roots {
		if err := walk(d); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// NewAnnouncementID allocates an announcement id.
func (w *writeTx) NewAnnouncementID() (uint64, error) {
	meta := w.tx.Bucket(bMeta)
	next := uint64(1)
	if raw := meta.Get([]byte("annseq")); raw != nil {
		next = binary.BigEndian.Uint64(raw)
	}
	return next, meta.Put([]byte("annseq"), u64(next+1))
}

// PutAnnouncement writes an announcement and its place in annlive, and
// tells the sessions and the relay (event "announce", the id as key).
func (w *writeTx) PutAnnouncement(a *model.Announcement) error {
	key := u64(a.ID)
	old, err := getJSON[model.Announcement](w.tx, bAnnouncements, key)
	if err != nil {
		return err
	}
	live := w.tx.Bucket(bAnnLive)
	if a.Live() {
		err = live.Put(key, nil)
	} else {
		err = live.Delete(key)
	}
	if err != nil {
		return err
	}
	id := strconv.FormatUint(a.ID, 10)
	w.record("announcement", id, old, a)
	w.event("announce", id)
	return w.put(bAnnouncements, key, a)
}

// LetterTemplates returns the admins' letter templates by name.lang.
func (r *Reader) LetterTemplates() (map[string]string, error) {
	m, err := getJSON[map[string]string](r.tx, bMeta, []byte("lettertemplates"))
	if err != nil || m == nil {
		return map[string]string{}, err
	}
	return *m, nil
}

// PutLetterTemplates writes the admins' letter templates.
func (w *writeTx) PutLetterTemplates(m map[string]string) error {
	old, _ := w.LetterTemplates()
	w.record("letters", "templates", old, m)
	w.event("letters", "templates")
	return w.put(bMeta, []byte("lettertemplates"), m)
}

// NewMembers lists the addresses of the accounts opened at since or later,
// oldest first.
func (r *Reader) NewMembers(since time.Time) ([]model.Address, error) {
	var out []model.Address
	c := r.tx.Bucket(bMemberBorn).Cursor()
	for k, _ := c.Seek(timeKey(since)); k != nil; k, _ = c.Next() {
		out = append(out, model.Address(k[8:]))
	}
	return out, nil
}

// PasswordsChanged lists the addresses of the members whose password was
// set in [from, to), oldest first.
func (r *Reader) PasswordsChanged(from, to time.Time) ([]model.Address, error) {
	var out []model.Address
	end := timeKey(to)
	c := r.tx.Bucket(bPwChanged).Cursor()
	for k, _ := c.Seek(timeKey(from)); k != nil && bytes.Compare(k[:8], end) < 0; k, _ = c.Next() {
		out = append(out, model.Address(k[8:]))
	}
	return out, nil
}
