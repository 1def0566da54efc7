// The spool: the relay's queue, its message bodies, the mail log and the
// violations, in their own bbolt file DIR/spool.db (docs/MAIL.md, "Spool"),
// so that the queue's group commits never wait behind a directory import
// and its churn never grows postroom.db.
//
// Bucket layout of spool.db (times are 8-byte big-endian unix nanoseconds,
// 0 for "none"; ids are the 20 hex characters of NewID; records JSON):
//
//	meta       "schema" → uint64 version; "replykey" → 32 random bytes (the
//	           key of the reply addresses of request notices, made by the
//	           first ReplyKey)
//	msgs       id → QueueMessage (without recipients)
//	rcpts      id + 0 + index(4) → QueueRcpt
//	rcptdue    id + 0 + time + index(4) → ""     (pending recipients; time 0:
//	           never tried, due with its message)
//	bodies     id + part(4) → up to 2000 bytes of the raw message (CRLF, as
//	           received plus our trace headers), in order; bodies over
//	           SpoolOptions.FileBody are files DIR/spool/ID instead
//	due        time + id → ""                    (queued messages with a pending
//	           recipient, by their NextAttempt)
//	held       hold-until time + id → ""         (held messages; no limit: all ones)
//	maillog    id → MailRecord                   (LOG-3: one per message)
//	logtime    time + id → ""                    (the record's Time)
//	logacct    account + 0 + time + id → ""      (sender account and address, and
//	           each recipient in the record's To)
//	violations member + 0 + time + id → Violation (SEND-9)
//	notices    key → time + message id          (markers of the notices sent once,
//	           EnqueueOnce: written in the commit that queues the notice;
//	           requests' keys are "request/ID/STAGE/RECIPIENT", announcements'
//	           "announce/ID/RECIPIENT"; markers written before the id was
//	           kept hold the time alone)
//
// Invariants: a message is in due exactly when it is queued with Pending > 0,
// under its NextAttempt, and in held exactly when it is held; every pending
// recipient has one rcptdue entry under its NextAttempt; a finished message
// (done, bounced, dropped, rejected) has no body, no due, held or rcptdue
// entry; the log indexes hold exactly the keys logKeys gives for the stored
// record. Enqueue, Record and the log's writes run inside the group commit
// (spool_commit.go), which may run a function more than once: the
// functions given to it compute from the transaction and assign their
// results last, and every side effect outside bbolt (a body file) happens
// before the commit or after it.

package store

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"postroom/model"
)

// SpoolFile is the spool's name inside the data directory.
const SpoolFile = "spool.db"

// SpoolSchemaVersion is the spool layout this code reads and writes.
const SpoolSchemaVersion = 1

// DefaultLifetime is how long a message is tried when Enqueue is given no
// Expires: then it is bounced.
const DefaultLifetime = 5 * 24 * time.Hour

// recordWait is how long Record waits for a commit to share.
const recordWait = time.Millisecond

// DefaultRetry is the wait after a temporary failure reported without a
// Retry time.
const DefaultRetry = 15 * time.Minute

// maxLogRcpts is how many recipients a mail-log record names (and indexes).
const maxLogRcpts = 1000

var (
	sMeta       = []byte("meta")
	sMsgs       = []byte("msgs")
	sRcpts      = []byte("rcpts")
	sRcptDue    = []byte("rcptdue")
	sBodies     = []byte("bodies")
	sDue        = []byte("due")
	sHeld       = []byte("held")
	sMailLog    = []byte("maillog")
	sLogTime    = []byte("logtime")
	sLogAcct    = []byte("logacct")
	sViolations = []byte("violations")
	sNotices    = []byte("notices")
)

var spoolBuckets = [][]byte{sMeta, sMsgs, sRcpts, sRcptDue, sBodies, sDue, sHeld, sMailLog, sLogTime, sLogAcct, sViolations, sNotices}

// ErrSpoolFull means the spool has reached SpoolOptions.MaxSize: the relay
// answers 452 4.3.1 and the client tries again later.
var ErrSpoolFull = errors.New("the mail spool is full (its size limit is reached); try again later")

// SpoolOptions are what the spool is given instead of reading the world itself.
type SpoolOptions struct {
	Now    func() time.Time // time.Now when nil
	Rand   io.Reader        // crypto/rand when nil
	NoSync bool             // tests of CPU cost only
	// BatchDelay is how long the group commit waits before each commit
	// to gather more writes; 0 (the default) commits at once when no
	// commit is under way, and writes that come during a commit share
	// the next one.
	BatchDelay time.Duration
	// MaxSize bounds the spool: spool.db never grows past it, and Enqueue
	// returns ErrSpoolFull once the data in use (spool.db's pages and the
	// body files under DIR/spool/) would pass it less a reserve of an
	// eighth, kept so that deliveries can still be recorded and finished
	// (which frees room). 0: no limit.
	MaxSize int64
	// Timeout is the file-lock wait; 1 s when zero.
	Timeout time.Duration
	// FileBody is the body size above which a body is kept as a file under
	// DIR/spool/ instead of inside spool.db: 1 MiB when zero, never when negative.
	FileBody int64
}

// Spool is an open spool.db. Its methods are safe for concurrent use.
type Spool struct {
	db    *bolt.DB
	path  string
	dir   string // DIR/spool: big bodies
	opt   SpoolOptions
	files atomic.Int64 // bytes of body files
	group *groupCommit // Enqueue's, Record's and the log's writes

	idMu   sync.Mutex
	lastID [10]byte // the newest id NewID made

	keyMu    sync.Mutex
	replyKey []byte // meta "replykey", once read or made (ReplyKey)

	// Messages and mail-log records as Enqueue and Record wrote them,
	// for Record's read back (spool_cache.go).
	msgs *decoded[QueueMessage]
	logs *decoded[MailRecord]
}

// decodedMax bounds each of the spool's decoded caches: about the messages
// in delivery at once, with room to spare.
const decodedMax = 8192

// MessageStatus is where a message stands in the queue.
type MessageStatus string

// The message states. Queued and held messages are in the queue; the others
// are finished.
const (
	MsgQueued   MessageStatus = "queued"
	MsgHeld     MessageStatus = "held"
	MsgDone     MessageStatus = "done"     // every recipient delivered
	MsgBounced  MessageStatus = "bounced"  // failed or expired; the sender was told
	MsgRejected MessageStatus = "rejected" // a held message its approver refused
	MsgDropped  MessageStatus = "dropped"  // removed by an admin
)

// Finished reports whether the status is final.
func (st MessageStatus) Finished() bool {
	return st == MsgDone || st == MsgBounced || st == MsgRejected || st == MsgDropped
}

// RcptStatus is where one recipient of a message stands.
type RcptStatus string

// The recipient states.
const (
	RcptPending   RcptStatus = "pending"
	RcptDelivered RcptStatus = "delivered"
	RcptFailed    RcptStatus = "failed"
)

// QueueRcpt is one recipient of a queued message.
type QueueRcpt struct {
	Index  int           `json:"index"`            // position in the message, from 0 (set by Enqueue)
	Addr   model.Address `json:"addr"`             // final mailbox (local) or remote address
	Local  bool          `json:"local"`            // deliver into this system's Maildir / route
	Folder string        `json:"folder,omitempty"` // Maildir folder, e.g. "邮件转移"; "" = INBOX
	Status RcptStatus    `json:"status"`
	// Attempts counts delivery attempts; NextAttempt is zero until the
	// first temporary failure (a recipient never tried is due with its
	// message).
	Attempts    int       `json:"attempts"`
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	Done        time.Time `json:"done,omitzero"`
	// File is the name a local copy was delivered as in the Maildir's
	// new/ directory (a mail program that fetches it moves it to cur/,
	// with flags after a colon): how a recalled announcement finds it.
	File string `json:"file,omitempty"`
}

// QueueMessage is one message in the spool, without its recipients and body.
type QueueMessage struct {
	ID       string        `json:"id"`
	Received time.Time     `json:"received"`
	Door     string        `json:"door"`              // "submission" "inbound" "trusted" "system"
	Account  model.Address `json:"account,omitempty"` // the authenticated member
	System   string        `json:"system,omitempty"`  // trusted system name
	Source   string        `json:"source,omitempty"`  // client IP
	// Direction is the mail log's kind of the message, given by the relay:
	// "out" (leaves the company), "in" (arrives from outside) or
	// "internal" (from a member to members only).
	Direction   string        `json:"direction,omitempty"`
	From        string        `json:"from"` // envelope reverse-path; "" for DSNs
	HeaderFrom  string        `json:"header_from,omitempty"`
	Subject     string        `json:"subject,omitempty"` // decoded
	Size        int64         `json:"size"`
	Status      MessageStatus `json:"status"`
	Rcpts       int           `json:"rcpts"` // recipients in all
	Pending     int           `json:"pending"`
	Delivered   int           `json:"delivered"`
	Failed      int           `json:"failed"`
	Attempts    int           `json:"attempts"`              // delivery rounds recorded (Record calls)
	LastError   string        `json:"last_error,omitempty"`  // the newest delivery error (a permanent one first)
	NextAttempt time.Time     `json:"next_attempt,omitzero"` // earliest pending recipient
	Expires     time.Time     `json:"expires"`               // lifetime end: then a DSN
	Approver    model.Address `json:"approver,omitempty"`    // held: who may release
	// HoldUntil is when a held message nobody decided is released or
	// refused by the sweeper (ExpireHeld), as OnExpiry says: "release" or
	// "reject". Zero: it waits for a person.
	HoldUntil time.Time `json:"hold_until,omitzero"`
	OnExpiry  string    `json:"on_expiry,omitempty"`
	Reasons   []string  `json:"reasons,omitempty"` // why held / refused / bounced
	// ReasonsZH is the Chinese of the first len(ReasonsZH) Reasons: the
	// policy's reasons, told in both languages by the relay when it judged
	// the message. Reasons added later (a bounce, a rejection) have none.
	ReasonsZH []string `json:"reasons_zh,omitempty"`
	Rules     []string `json:"rules,omitempty"` // policy rules that contributed
	DSN       bool     `json:"dsn,omitempty"`   // this message is itself a bounce or notice
	// List is the mailing list a post goes out for (LIST-2): its copies
	// are counted in the list's statistics, and failures make no DSN.
	List model.Address `json:"list,omitempty"`
	// Decision, DecidedBy, Decided and Comment record the release or
	// rejection of a held message ("released" or "rejected").
	Decision  string        `json:"decision,omitempty"`
	DecidedBy model.Address `json:"decided_by,omitempty"`
	Decided   time.Time     `json:"decided,omitzero"`
	Comment   string        `json:"comment,omitempty"`
	Finished  time.Time     `json:"finished,omitzero"`   // when the status became final
	BodyFile  bool          `json:"body_file,omitempty"` // the body is DIR/spool/ID, not in spool.db
}

// OpenSpool opens (creating if needed) the spool file at path. Another
// process holding it makes it wait Timeout (1 s) and return ErrLocked.
func OpenSpool(path string, opt SpoolOptions) (*Spool, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Rand == nil {
		opt.Rand = rand.Reader
	}
	if opt.Timeout <= 0 {
		opt.Timeout = time.Second
	}
	if opt.FileBody == 0 {
		opt.FileBody = 1 << 20
	}
	mmap := 256 << 20
	if opt.MaxSize > 0 {
		mmap = int(min(int64(mmap), opt.MaxSize))
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opt.Timeout, NoSync: opt.NoSync, InitialMmapSize: mmap,
		MaxSize: int(opt.MaxSize), FreelistType: bolt.FreelistMapType, NoFreelistSync: true})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, ErrLocked
		}
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Spool{db: db, path: path, dir: filepath.Join(filepath.Dir(path), "spool"), opt: opt,
		group: &groupCommit{db: db, delay: max(opt.BatchDelay, 0), max: 200},
		msgs:  newDecoded[QueueMessage](decodedMax), logs: newDecoded[MailRecord](decodedMax)}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.sweepFiles(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func (s *Spool) migrate() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, b := range spoolBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		meta := tx.Bucket(sMeta)
		var v uint64
		if raw := meta.Get([]byte("schema")); raw != nil {
			v = binary.BigEndian.Uint64(raw)
		}
		if v > SpoolSchemaVersion {
			return fmt.Errorf("the spool was written by a newer postroom (schema %d, this one reads %d): run the newer version", v, SpoolSchemaVersion)
		}
		return meta.Put([]byte("schema"), u64(SpoolSchemaVersion))
	})
}

// sweepFiles counts the body files and removes those no unfinished message
// owns (a crash between writing the file and committing its message).
func (s *Spool) sweepFiles() error {
	ents, err := os.ReadDir(s.dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("spool files: %w", err)
	}
	return s.db.View(func(tx *bolt.Tx) error {
		msgs := tx.Bucket(sMsgs)
		for _, e := range ents {
			name := e.Name()
			keep := false
			if raw := msgs.Get([]byte(name)); raw != nil {
				var m QueueMessage
				keep = json.Unmarshal(raw, &m) == nil && m.BodyFile && !m.Status.Finished()
			}
			if !keep {
				os.Remove(filepath.Join(s.dir, name))
				continue
			}
			if info, err := e.Info(); err == nil {
				s.files.Add(info.Size())
			}
		}
		return nil
	})
}

// ReplyKey is the spool's secret for the reply addresses of request
// notices: an HMAC key of 32 random bytes made the first time it is asked
// for and kept in spool.db, which only serve opens.
func (s *Spool) ReplyKey() ([]byte, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.replyKey != nil {
		return s.replyKey, nil
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(sMeta)
		key := meta.Get([]byte("replykey"))
		if len(key) != 32 {
			key = make([]byte, 32)
			if _, err := io.ReadFull(s.opt.Rand, key); err != nil {
				return fmt.Errorf("the reply key: %w", err)
			}
			if err := meta.Put([]byte("replykey"), key); err != nil {
				return err
			}
		}
		s.replyKey = bytes.Clone(key)
		return nil
	})
	return s.replyKey, err
}

// Close closes the file.
func (s *Spool) Close() error { return s.db.Close() }

// Path is the file's path.
func (s *Spool) Path() string { return s.path }

// Now is the spool's clock.
func (s *Spool) Now() time.Time { return s.opt.Now() }

// NewID returns a new message id: 12 hex digits of unix milliseconds and 8
// random ones, so ids sort by time; ids made by one Spool also sort in the
// order they were made (within a millisecond, one more than the last).
func (s *Spool) NewID() string {
	var b [10]byte
	ms := uint64(s.opt.Now().UnixMilli())
	for i := 5; i >= 0; i-- {
		b[i] = byte(ms)
		ms >>= 8
	}
	if _, err := io.ReadFull(s.opt.Rand, b[6:]); err != nil {
		rand.Read(b[6:])
	}
	s.idMu.Lock()
	if bytes.Compare(b[:], s.lastID[:]) <= 0 {
		b = s.lastID
		for i := len(b) - 1; i >= 0; i-- {
			b[i]++
			if b[i] != 0 {
				break
			}
		}
	}
	s.lastID = b
	s.idMu.Unlock()
	return hex.EncodeToString(b[:])
}

// validID reports whether id has NewID's shape, so it is safe as a file name
// and sorts with the others.
func validID(id string) bool {
	if len(id) != 20 {
		return false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// noMessage is the user error for an unknown message id.
func noMessage(id string) error {
	return model.NotFoundf("no message %s in the mail queue; queue list shows the ids", id)
}

// tkey is a time as an index key part: unix nanoseconds, 0 for the zero time.
func tkey(t time.Time) []byte {
	b := make([]byte, 8)
	switch {
	case t.IsZero() || t.Unix() < 0:
	case t.Unix() >= math.MaxInt64/int64(time.Second):
		binary.BigEndian.PutUint64(b, math.MaxInt64)
	default:
		binary.BigEndian.PutUint64(b, uint64(t.UnixNano()))
	}
	return b
}

// ktime reads a time key part back; 0 is the zero time.
func ktime(b []byte) time.Time {
	n := binary.BigEndian.Uint64(b)
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(n)).UTC()
}

func join(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := make([]byte, 0, n)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var zero = []byte{0}

func idx4(i int) []byte {
	b := make([]byte, 4)
	binary.BigEndian.PutUint32(b, uint32(i))
	return b
}

func rcptPrefix(id string) []byte          { return join([]byte(id), zero) }
func rcptKey(id string, i int) []byte      { return join([]byte(id), zero, idx4(i)) }
func dueKey(t time.Time, id string) []byte { return join(tkey(t), []byte(id)) }
func rcptDueKey(id string, t time.Time, i int) []byte {
	return join([]byte(id), zero, tkey(t), idx4(i))
}

// heldKey files a held message under the end of its hold; one without a
// limit sorts after every time.
func heldKey(m *QueueMessage) []byte {
	if m.HoldUntil.IsZero() {
		return join(bytes.Repeat([]byte{0xff}, 8), []byte(m.ID))
	}
	return dueKey(m.HoldUntil, m.ID)
}

// cachedMsg is getMsg through the decoded cache: a copy of the message
// this process last wrote, when the stored bytes are still those.
func (s *Spool) cachedMsg(tx *bolt.Tx, id string) (*QueueMessage, error) {
	if raw := tx.Bucket(sMsgs).Get([]byte(id)); raw != nil {
		if m, ok := s.msgs.get(id, raw); ok {
			return &m, nil
		}
	}
	return getMsg(tx, id)
}

func getMsg(tx *bolt.Tx, id string) (*QueueMessage, error) {
	raw := tx.Bucket(sMsgs).Get([]byte(id))
	if raw == nil {
		return nil, noMessage(id)
	}
	var m QueueMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("message %s: %w", id, err)
	}
	return &m, nil
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, raw)
}

// spoolErr turns bbolt's size limit into ErrSpoolFull.
func spoolErr(err error) error {
	if errors.Is(err, berrors.ErrMaxSizeReached) {
		return ErrSpoolFull
	}
	return err
}

// Enqueue stores the message, its recipients, its body and its mail-log
// record in one group-committed bbolt batch; when it returns nil the message
// is on disk (fsync). m.Status is "queued" or "held". Enqueue fills in m's
// ID (when empty), Received (when zero), Size, the counts, NextAttempt,
// Expires (when zero: Received + DefaultLifetime) and the recipients'
// Index and Status. A held message from a member is also a violation
// record (SEND-9), written in the same batch. A body over FileBody is
// written to DIR/spool/ID and fsynced before the batch. ErrSpoolFull when
// MaxSize would be exceeded. Safe for concurrent use.
func (s *Spool) Enqueue(m *QueueMessage, rcpts []QueueRcpt, body []byte) error {
	_, err := s.enqueue(m, rcpts, body, nil)
	return err
}

// EnqueueOnce is Enqueue for a message that goes out once whatever
// happens (a notice about a request's step): in the same commit it writes
// a marker under each of keys, and when any of them is already there it
// writes nothing and reports false. So a notice is queued once across
// restarts, lost events and sweeps that find it due again.
func (s *Spool) EnqueueOnce(keys []string, m *QueueMessage, rcpts []QueueRcpt, body []byte) (bool, error) {
	if len(keys) == 0 {
		return false, fmt.Errorf("enqueue once: no keys")
	}
	once := make([][]byte, len(keys))
	for i, k := range keys {
		if k == "" {
			return false, fmt.Errorf("enqueue once: an empty key")
		}
		once[i] = []byte(k)
	}
	return s.enqueue(m, rcpts, body, once)
}

// NoticesSent returns the markers EnqueueOnce wrote under keys that begin
// with prefix.
func (s *Spool) NoticesSent(prefix string) (map[string]bool, error) {
	out := map[string]bool{}
	err := s.db.View(func(tx *bolt.Tx) error {
		p := []byte(prefix)
		c := tx.Bucket(sNotices).Cursor()
		for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
			out[string(k)] = true
		}
		return nil
	})
	return out, err
}

// NoticeMessages returns the markers EnqueueOnce wrote under keys that
// begin with prefix, each with the id of the message it queued ("" for a
// marker older than the ids in markers).
func (s *Spool) NoticeMessages(prefix string) (map[string]string, error) {
	out := map[string]string{}
	err := s.db.View(func(tx *bolt.Tx) error {
		p := []byte(prefix)
		c := tx.Bucket(sNotices).Cursor()
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			id := ""
			if len(v) > 8 {
				id = string(v[8:])
			}
			out[string(k)] = id
		}
		return nil
	})
	return out, err
}

// enqueue is Enqueue; with once, only when none of those markers is
// written yet, and it writes them (EnqueueOnce). It reports whether it
// queued the message.
func (s *Spool) enqueue(m *QueueMessage, rcpts []QueueRcpt, body []byte, once [][]byte) (bool, error) {
	if m.Status != MsgQueued && m.Status != MsgHeld {
		return false, fmt.Errorf("enqueue: status %q; a new message is queued or held", m.Status)
	}
	if len(rcpts) == 0 {
		return false, fmt.Errorf("enqueue: no recipients")
	}
	if m.ID == "" {
		m.ID = s.NewID()
	} else if !validID(m.ID) {
		return false, fmt.Errorf("enqueue: message id %q is not 20 hex digits (use NewID)", m.ID)
	}
	if m.Received.IsZero() {
		m.Received = s.opt.Now()
	}
	m.Received = m.Received.UTC()
	if m.Expires.IsZero() {
		m.Expires = m.Received.Add(DefaultLifetime)
	}
	m.Size = int64(len(body))
	m.Rcpts, m.Pending, m.Delivered, m.Failed = len(rcpts), 0, 0, 0
	id := m.ID

	// Everything the commit writes is made here, once: the function given
	// to the group commit only puts these keys and values, so running it
	// again writes the same.
	type kv struct{ k, v []byte }
	rkv := make([]kv, len(rcpts))
	var dueKeys [][]byte
	var earliest time.Time
	fresh := false
	for i := range rcpts {
		r := rcpts[i]
		r.Index = i
		if r.Status == "" {
			r.Status = RcptPending
		}
		switch r.Status {
		case RcptPending:
			m.Pending++
			dueKeys = append(dueKeys, rcptDueKey(id, r.NextAttempt, i))
			if r.NextAttempt.IsZero() {
				fresh = true
			} else if earliest.IsZero() || r.NextAttempt.Before(earliest) {
				earliest = r.NextAttempt
			}
		case RcptDelivered:
			m.Delivered++
		case RcptFailed:
			m.Failed++
		default:
			return false, fmt.Errorf("enqueue: recipient %s has status %q", r.Addr, r.Status)
		}
		v, err := json.Marshal(&r)
		if err != nil {
			return false, err
		}
		rkv[i] = kv{rcptKey(id, i), v}
		rcpts[i].Index, rcpts[i].Status = r.Index, r.Status
	}
	m.NextAttempt = time.Time{}
	if m.Status == MsgQueued && m.Pending > 0 {
		m.NextAttempt = m.Received
		if !fresh && !earliest.IsZero() {
			m.NextAttempt = earliest // every recipient was given a later time
		}
	}
	big := s.opt.FileBody > 0 && int64(len(body)) > s.opt.FileBody
	m.BodyFile = big
	msgRaw, err := json.Marshal(m)
	if err != nil {
		return false, err
	}
	rec := recordOf(m, rcpts)
	recRaw, err := json.Marshal(rec)
	if err != nil {
		return false, err
	}
	logKs := logKeys(&rec)
	var viol *Violation
	var violKey, violRaw []byte
	if m.Status == MsgHeld && m.Account != "" {
		viol = &Violation{Member: m.Account, Time: m.Received, MessageID: id, Action: "hold", Rules: m.Rules,
			Reason: strings.Join(m.Reasons, "; "), ReasonZH: strings.Join(m.ReasonsZH, "; "), Subject: m.Subject}
		violKey = violationKey(viol)
		if violRaw, err = json.Marshal(viol); err != nil {
			return false, err
		}
	}
	if s.opt.MaxSize > 0 {
		need := int64(len(msgRaw) + len(recRaw) + 64*len(logKs))
		for _, e := range rkv {
			need += int64(len(e.k) + len(e.v) + 16)
		}
		var file int64
		if big {
			file = int64(len(body))
		} else {
			need += int64(len(body))
		}
		if err := s.room(need, file); err != nil {
			return false, err
		}
	}
	if big {
		if err := s.writeBodyFile(id, body); err != nil {
			return false, err
		}
	}
	dup := false
	err = s.group.do(func(tx *bolt.Tx) error {
		seen := false
		if len(once) > 0 {
			nb := tx.Bucket(sNotices)
			for _, k := range once {
				seen = seen || nb.Get(k) != nil
			}
			if seen {
				dup = seen
				return nil
			}
			for _, k := range once {
				if err := nb.Put(k, append(tkey(m.Received), id...)); err != nil {
					return err
				}
			}
		}
		dup = seen
		msgs := tx.Bucket(sMsgs)
		if msgs.Get([]byte(id)) != nil {
			return fmt.Errorf("enqueue: message %s is already in the spool", id)
		}
		msgs.FillPercent = 0.9 // ids grow with time
		if err := msgs.Put([]byte(id), msgRaw); err != nil {
			return err
		}
		rb := tx.Bucket(sRcpts)
		rb.FillPercent = 1 // a message's recipients are written in key order, once
		for _, e := range rkv {
			if err := rb.Put(e.k, e.v); err != nil {
				return err
			}
		}
		rd := tx.Bucket(sRcptDue)
		rd.FillPercent = 1
		for _, k := range dueKeys {
			if err := rd.Put(k, nil); err != nil {
				return err
			}
		}
		if !big {
			if err := putBody(tx.Bucket(sBodies), id, body); err != nil {
				return err
			}
		}
		switch {
		case m.Status == MsgHeld:
			if err := tx.Bucket(sHeld).Put(heldKey(m), nil); err != nil {
				return err
			}
		case m.Pending > 0:
			if err := tx.Bucket(sDue).Put(dueKey(m.NextAttempt, id), nil); err != nil {
				return err
			}
		}
		if err := writeLog(tx, id, recRaw, logKs); err != nil {
			return err
		}
		if viol != nil {
			return tx.Bucket(sViolations).Put(violKey, violRaw)
		}
		return nil
	})
	if err != nil || dup {
		if big {
			s.removeBodyFile(id)
		}
		return false, spoolErr(err)
	}
	if m.Status == MsgQueued {
		s.msgs.put(id, msgRaw, *m)
		s.logs.put(id, recRaw, rec)
	}
	return true, nil
}

// room returns ErrSpoolFull when an enqueue of needDB bytes in spool.db
// and needFile bytes of body file would take the spool into its reserve:
// spool.db may grow only while its end stays out of the reserve, or reuse
// free pages when there are twice as many as it needs (free space is
// fragmented, and bbolt copies pages on write). The reserve keeps
// Record, Finish and Log working when Enqueue is refused.
func (s *Spool) room(needDB, needFile int64) error {
	var hwm int64
	s.db.View(func(tx *bolt.Tx) error {
		hwm = tx.Size()
		return nil
	})
	free := int64(s.db.Stats().FreeAlloc)
	files := s.files.Load()
	limit := s.opt.MaxSize - s.opt.MaxSize/8
	if hwm+files+needDB+needFile <= limit {
		return nil
	}
	if free >= 2*needDB && hwm-free+files+needDB+needFile <= limit {
		return nil
	}
	return ErrSpoolFull
}

// writeBodyFile writes a big body to DIR/spool/ID and makes it durable
// (the file and the directory entry) before its message is committed.
func (s *Spool) writeBodyFile(id string, body []byte) error {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("spool directory: %w", err)
	}
	path := filepath.Join(s.dir, id)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("spool body: %w", err)
	}
	_, err = f.Write(body)
	if err == nil && !s.opt.NoSync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && !s.opt.NoSync {
		err = syncDir(s.dir)
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("spool body %s: %w", id, err)
	}
	s.files.Add(int64(len(body)))
	return nil
}

func (s *Spool) removeBodyFile(id string) {
	path := filepath.Join(s.dir, id)
	if fi, err := os.Stat(path); err == nil {
		if os.Remove(path) == nil {
			s.files.Add(-fi.Size())
		}
	}
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// bodyPart is the size of the parts a body is kept in: two fit a 4 KiB
// page. bbolt rewrites a whole leaf when one of its values changes, and a
// leaf holds at least two values, so a body kept as one big value would be
// written again (and its pages freed again) with each neighbour's insert and
// delete; parts written in key order fill pages once and leave with them.
const bodyPart = 2000

func bodyKey(id string, part int) []byte { return join([]byte(id), idx4(part)) }

func putBody(b *bolt.Bucket, id string, body []byte) error {
	b.FillPercent = 1 // parts are written in key order, once
	part := 0
	for {
		n := min(len(body), bodyPart)
		if err := b.Put(bodyKey(id, part), body[:n]); err != nil {
			return err
		}
		body = body[n:]
		part++
		if len(body) == 0 {
			return nil
		}
	}
}

// getBody joins a body's parts; nil when it has none.
func getBody(b *bolt.Bucket, id string, size int64) []byte {
	var out []byte
	c := b.Cursor()
	prefix := []byte(id)
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if out == nil {
			out = make([]byte, 0, max(size, int64(len(v))))
		}
		out = append(out, v...)
	}
	return out
}

// Message returns one message (a model NotFound error when absent).
func (s *Spool) Message(id string) (*QueueMessage, error) {
	var m *QueueMessage
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		m, err = getMsg(tx, id)
		return err
	})
	return m, err
}

// Rcpts returns all the recipients of a message, in index order.
func (s *Spool) Rcpts(id string) ([]QueueRcpt, error) { return s.RcptRange(id, 0, 0) }

// RcptRange returns at most n recipients (0: all) from index from on, in
// index order: a page of a message with many recipients.
func (s *Spool) RcptRange(id string, from, n int) ([]QueueRcpt, error) {
	var out []QueueRcpt
	err := s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(sMsgs).Get([]byte(id)) == nil {
			return noMessage(id)
		}
		prefix := rcptPrefix(id)
		c := tx.Bucket(sRcpts).Cursor()
		for k, v := c.Seek(rcptKey(id, from)); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var r QueueRcpt
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("message %s recipient: %w", id, err)
			}
			out = append(out, r)
			if n > 0 && len(out) >= n {
				break
			}
		}
		return nil
	})
	return out, err
}

// DueRcpts returns the pending recipients of a queued message that are due
// at or before now (never tried ones first, then by their next attempt), at
// most limit of them (0: all). A message that is not queued has none.
func (s *Spool) DueRcpts(id string, now time.Time, limit int) ([]QueueRcpt, error) {
	var out []QueueRcpt
	err := s.db.View(func(tx *bolt.Tx) error {
		m, err := getMsg(tx, id)
		if err != nil {
			return err
		}
		if m.Status != MsgQueued || m.NextAttempt.IsZero() || m.NextAttempt.After(now) {
			return nil
		}
		prefix := rcptPrefix(id)
		end := tkey(now)
		rb := tx.Bucket(sRcpts)
		c := tx.Bucket(sRcptDue).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			rest := k[len(prefix):]
			if bytes.Compare(rest[:8], end) > 0 {
				break
			}
			i := int(binary.BigEndian.Uint32(rest[8:12]))
			raw := rb.Get(rcptKey(id, i))
			if raw == nil {
				continue
			}
			var r QueueRcpt
			if err := json.Unmarshal(raw, &r); err != nil {
				return fmt.Errorf("message %s recipient %d: %w", id, i, err)
			}
			out = append(out, r)
			if limit > 0 && len(out) >= limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// Body returns a message's raw body. A finished message has none (an
// ErrNotFound error).
func (s *Spool) Body(id string) ([]byte, error) {
	var out []byte
	var file bool
	err := s.db.View(func(tx *bolt.Tx) error {
		m, err := getMsg(tx, id)
		if err != nil {
			return err
		}
		if m.Status.Finished() {
			return fmt.Errorf("message %s is %s: its body is gone: %w", id, m.Status, model.ErrNotFound)
		}
		if m.BodyFile {
			file = true
			return nil
		}
		out = getBody(tx.Bucket(sBodies), id, m.Size)
		if out == nil {
			return fmt.Errorf("message %s has no body in the spool: %w", id, model.ErrNotFound)
		}
		return nil
	})
	if err != nil || !file {
		return out, err
	}
	out, err = os.ReadFile(filepath.Join(s.dir, id))
	if err != nil {
		return nil, fmt.Errorf("message %s body: %w", id, err)
	}
	return out, nil
}

// Due lists queued messages with a pending recipient due at or before now,
// oldest first, at most limit of them (0: all). It reads the due index only.
func (s *Spool) Due(now time.Time, limit int) ([]*QueueMessage, error) {
	var out []*QueueMessage
	err := s.db.View(func(tx *bolt.Tx) error {
		end := tkey(now)
		c := tx.Bucket(sDue).Cursor()
		for k, _ := c.First(); k != nil && bytes.Compare(k[:8], end) <= 0; k, _ = c.Next() {
			m, err := getMsg(tx, string(k[8:]))
			if err != nil {
				return err
			}
			out = append(out, m)
			if limit > 0 && len(out) >= limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// NextDue is the earliest next attempt of any queued message; false when
// nothing is queued.
func (s *Spool) NextDue() (time.Time, bool, error) {
	var t time.Time
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		if k, _ := tx.Bucket(sDue).Cursor().First(); k != nil {
			t, ok = ktime(k[:8]), true
		}
		return nil
	})
	return t, ok, err
}

// RcptResult is one delivery attempt's outcome for the recipient at Index.
type RcptResult struct {
	Index     int
	Delivered bool
	Permanent bool      // a permanent failure: no more tries
	Error     string    // the remote reply or local error, for the log and the DSN
	Retry     time.Time // next try, for a temporary failure (zero: now + DefaultRetry)
	File      string    // the Maildir file a local copy became (QueueRcpt.File)
	// AboutRecipient: the failure is the recipient's own (its server's
	// reply about it, its mailbox), not the way to it; a mailing list
	// counts only such a permanent failure as its subscriber's bounce.
	// The spool does not keep it.
	AboutRecipient bool
}

// Record applies results in one (group-committed) transaction and touches
// only the recipients given: their state, the message's counts, its
// NextAttempt and due entry, and its mail-log record ("deferred" with the
// last error after a temporary failure). A result for a recipient that is
// no longer pending is ignored. When nothing is pending the status becomes
// "done" when all were delivered (the body is removed, the log says
// "delivered"), or stays "queued" with Failed>0 until Finish (the log
// says "bounced").
//
// Record's write waits up to recordWait for a commit to share (the next
// enqueue's, usually) before it commits alone: the delivered mail is at
// the next hop already, so the wait only delays the bookkeeping.
func (s *Spool) Record(id string, results []RcptResult) (*QueueMessage, error) {
	now := s.opt.Now().UTC()
	var out *QueueMessage
	var outRaw []byte
	err := s.group.doLazy(func(tx *bolt.Tx) error {
		m, err := s.cachedMsg(tx, id)
		if err != nil {
			return err
		}
		if m.Status != MsgQueued {
			return fmt.Errorf("record %s: the message is %s, not queued: %w", id, m.Status, model.ErrConflict)
		}
		rb, rd := tx.Bucket(sRcpts), tx.Bucket(sRcptDue)
		var tempErr, permErr string
		temp := false
		for _, res := range results {
			key := rcptKey(id, res.Index)
			raw := rb.Get(key)
			if raw == nil {
				return fmt.Errorf("record %s: no recipient %d: %w", id, res.Index, model.ErrNotFound)
			}
			var r QueueRcpt
			if err := json.Unmarshal(raw, &r); err != nil {
				return err
			}
			if r.Status != RcptPending {
				continue
			}
			if err := rd.Delete(rcptDueKey(id, r.NextAttempt, res.Index)); err != nil {
				return err
			}
			r.Attempts++
			switch {
			case res.Delivered:
				r.Status, r.Done, r.LastError, r.File = RcptDelivered, now, "", res.File
				m.Pending--
				m.Delivered++
			case res.Permanent:
				r.Status, r.Done, r.LastError = RcptFailed, now, res.Error
				m.Pending--
				m.Failed++
				permErr = res.Error
			default:
				retry := res.Retry.UTC()
				if res.Retry.IsZero() {
					retry = now.Add(DefaultRetry)
				}
				r.NextAttempt, r.LastError = retry, res.Error
				if err := rd.Put(rcptDueKey(id, retry, res.Index), nil); err != nil {
					return err
				}
				temp, tempErr = true, res.Error
			}
			if err := putJSON(rb, key, &r); err != nil {
				return err
			}
		}
		m.Attempts++
		if permErr != "" {
			m.LastError = permErr
		} else if tempErr != "" {
			m.LastError = tempErr
		}
		due := tx.Bucket(sDue)
		if !m.NextAttempt.IsZero() {
			if err := due.Delete(dueKey(m.NextAttempt, id)); err != nil {
				return err
			}
		}
		m.NextAttempt = time.Time{}
		status, reason := "", ""
		switch {
		case m.Pending > 0:
			m.NextAttempt = firstRcptDue(tx, id, now)
			if err := due.Put(dueKey(m.NextAttempt, id), nil); err != nil {
				return err
			}
			if temp {
				status, reason = "deferred", tempErr
			}
		case m.Failed == 0:
			if err := finishTx(tx, m, MsgDone, now); err != nil {
				return err
			}
			status = "delivered"
		default:
			status = "bounced"
			reason = m.LastError
			if m.Delivered > 0 {
				reason = fmt.Sprintf("%d of %d recipients failed: %s", m.Failed, m.Rcpts, m.LastError)
			}
		}
		raw, err := json.Marshal(m)
		if err != nil {
			return err
		}
		if err := tx.Bucket(sMsgs).Put([]byte(id), raw); err != nil {
			return err
		}
		if status != "" {
			if err := updateLogWith(tx, id, status, reason, s.logs); err != nil {
				return err
			}
		}
		out, outRaw = m, raw
		return nil
	}, recordWait)
	if err != nil {
		return nil, spoolErr(err)
	}
	s.logs.drop(id)
	if out.Status == MsgQueued {
		s.msgs.put(id, outRaw, *out)
	} else {
		s.msgs.drop(id)
	}
	if out.Status == MsgDone && out.BodyFile {
		s.removeBodyFile(id)
	}
	return out, nil
}

// firstRcptDue is the message's next attempt: the earliest pending
// recipient's, or now when a recipient never tried is left.
func firstRcptDue(tx *bolt.Tx, id string, now time.Time) time.Time {
	prefix := rcptPrefix(id)
	k, _ := tx.Bucket(sRcptDue).Cursor().Seek(prefix)
	if k == nil || !bytes.HasPrefix(k, prefix) {
		return now
	}
	if t := ktime(k[len(prefix) : len(prefix)+8]); !t.IsZero() {
		return t
	}
	return now
}

// finishTx makes m final: status, time, and no body, due, held or rcptdue
// entries left. The caller writes m.
func finishTx(tx *bolt.Tx, m *QueueMessage, status MessageStatus, now time.Time) error {
	id := m.ID
	if !m.NextAttempt.IsZero() {
		if err := tx.Bucket(sDue).Delete(dueKey(m.NextAttempt, id)); err != nil {
			return err
		}
	}
	if m.Status == MsgHeld {
		if err := tx.Bucket(sHeld).Delete(heldKey(m)); err != nil {
			return err
		}
	}
	if err := deletePrefix(tx.Bucket(sRcptDue), rcptPrefix(id)); err != nil {
		return err
	}
	if err := deletePrefix(tx.Bucket(sBodies), []byte(id)); err != nil {
		return err
	}
	m.Status, m.Finished, m.NextAttempt = status, now, time.Time{}
	return nil
}

func deletePrefix(b *bolt.Bucket, prefix []byte) error {
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

// logStatus is the mail log's word for a final message status.
func logStatus(st MessageStatus) string {
	if st == MsgDone {
		return "delivered"
	}
	return string(st)
}

// Finish ends a message: status done, bounced, dropped or rejected; the
// body, due entry and pending recipients' entries removed; the reason added
// to Reasons; the mail-log record updated. A message already finished is
// left as it was (Finish is idempotent).
func (s *Spool) Finish(id string, status MessageStatus, reason string) error {
	if !status.Finished() {
		return fmt.Errorf("finish %s: %q is not a final status (done, bounced, dropped, rejected)", id, status)
	}
	now := s.opt.Now().UTC()
	var file bool
	err := s.group.do(func(tx *bolt.Tx) error {
		file = false
		m, err := getMsg(tx, id)
		if err != nil {
			return err
		}
		if m.Status.Finished() {
			return nil
		}
		if err := finishTx(tx, m, status, now); err != nil {
			return err
		}
		if reason != "" {
			m.Reasons = append(m.Reasons, reason)
		}
		if err := putJSON(tx.Bucket(sMsgs), []byte(id), m); err != nil {
			return err
		}
		file = m.BodyFile
		return updateLog(tx, id, logStatus(status), reason)
	})
	if err != nil {
		return spoolErr(err)
	}
	if file {
		s.removeBodyFile(id)
	}
	return nil
}

// decided is the user error for a second decision on a held message.
func decided(m *QueueMessage) error {
	if m.Decision != "" {
		return model.Conflictf("message %s was already %s by %s at %s", m.ID, model.Word(m.Decision), decider(m.DecidedBy), m.Decided.Local().Format("2006-01-02 15:04:05"))
	}
	return model.Conflictf("message %s is not held for approval: it is %s", m.ID, model.Word(m.Status))
}

func decider(a model.Address) string {
	if a == "" {
		return "postroom"
	}
	return string(a)
}

// Release turns a held message into a queued one due now, exactly once: a
// second call (or one after a rejection) returns a Conflict user error that
// says who decided and when. by is the person releasing it ("" for the
// sweeper). The mail log says "released".
//
// A held message's lifetime starts when it is released: Expires becomes
// now plus the lifetime it was given (Expires − Received at Enqueue), so
// mail held for days, up to hold_for, still gets every retry the queue
// lifetime allows instead of bouncing at its first temporary failure.
func (s *Spool) Release(id string, by model.Address, now time.Time) (*QueueMessage, error) {
	now = now.UTC()
	var out *QueueMessage
	err := s.db.Update(func(tx *bolt.Tx) error {
		m, err := getMsg(tx, id)
		if err != nil {
			return err
		}
		if m.Status != MsgHeld {
			return decided(m)
		}
		if err := tx.Bucket(sHeld).Delete(heldKey(m)); err != nil {
			return err
		}
		m.Status, m.Decision, m.DecidedBy, m.Decided = MsgQueued, "released", by, now
		m.Expires = now.Add(lifetime(m))
		if m.Pending > 0 {
			m.NextAttempt = now
			if err := tx.Bucket(sDue).Put(dueKey(now, id), nil); err != nil {
				return err
			}
		}
		if err := putJSON(tx.Bucket(sMsgs), []byte(id), m); err != nil {
			return err
		}
		out = m
		return updateLog(tx, id, "released", "released by "+decider(by))
	})
	if err != nil {
		return nil, spoolErr(err)
	}
	return out, nil
}

// lifetime is how long m is tried once queued: what Enqueue was given
// (Expires − Received), else DefaultLifetime.
func lifetime(m *QueueMessage) time.Duration {
	if d := m.Expires.Sub(m.Received); d > 0 {
		return d
	}
	return DefaultLifetime
}

// Reject refuses a held message, exactly once like Release: it is finished
// as "rejected" (its body removed), with the comment as its reason. The
// sender is told by the caller.
func (s *Spool) Reject(id string, by model.Address, comment string, now time.Time) (*QueueMessage, error) {
	now = now.UTC()
	var out *QueueMessage
	err := s.db.Update(func(tx *bolt.Tx) error {
		m, err := getMsg(tx, id)
		if err != nil {
			return err
		}
		if m.Status != MsgHeld {
			return decided(m)
		}
		if err := finishTx(tx, m, MsgRejected, now); err != nil {
			return err
		}
		m.Decision, m.DecidedBy, m.Decided, m.Comment = "rejected", by, now, comment
		reason := "rejected by " + decider(by)
		if comment != "" {
			reason += ": " + comment
		}
		m.Reasons = append(m.Reasons, reason)
		if err := putJSON(tx.Bucket(sMsgs), []byte(id), m); err != nil {
			return err
		}
		out = m
		return updateLog(tx, id, "rejected", reason)
	})
	if err != nil {
		return nil, spoolErr(err)
	}
	if out.BodyFile {
		s.removeBodyFile(id)
	}
	return out, nil
}

// Retry makes every pending recipient of a queued message due now.
func (s *Spool) Retry(id string, now time.Time) error {
	return spoolErr(s.db.Update(func(tx *bolt.Tx) error {
		m, err := getMsg(tx, id)
		if err != nil {
			return err
		}
		if m.Status != MsgQueued {
			return model.Conflictf("message %s is %s; only queued mail is retried", id, model.Word(m.Status))
		}
		return retryTx(tx, m, now.UTC())
	}))
}

// retryTx brings the pending recipients of m that wait past now forward to
// now, and m with them.
func retryTx(tx *bolt.Tx, m *QueueMessage, now time.Time) error {
	if m.Pending == 0 {
		return nil
	}
	id := m.ID
	prefix := rcptPrefix(id)
	end := tkey(now)
	rb, rd := tx.Bucket(sRcpts), tx.Bucket(sRcptDue)
	var later []int
	c := rd.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		rest := k[len(prefix):]
		if bytes.Compare(rest[:8], end) > 0 {
			later = append(later, int(binary.BigEndian.Uint32(rest[8:12])))
		}
	}
	for _, i := range later {
		raw := rb.Get(rcptKey(id, i))
		if raw == nil {
			continue
		}
		var r QueueRcpt
		if err := json.Unmarshal(raw, &r); err != nil {
			return err
		}
		if err := rd.Delete(rcptDueKey(id, r.NextAttempt, i)); err != nil {
			return err
		}
		r.NextAttempt = now
		if err := rd.Put(rcptDueKey(id, now, i), nil); err != nil {
			return err
		}
		if err := putJSON(rb, rcptKey(id, i), &r); err != nil {
			return err
		}
	}
	due := tx.Bucket(sDue)
	if !m.NextAttempt.IsZero() {
		if err := due.Delete(dueKey(m.NextAttempt, id)); err != nil {
			return err
		}
	}
	if m.NextAttempt.IsZero() || m.NextAttempt.After(now) {
		m.NextAttempt = now
	}
	if err := due.Put(dueKey(m.NextAttempt, id), nil); err != nil {
		return err
	}
	return putJSON(tx.Bucket(sMsgs), []byte(id), m)
}

// RetryAll makes every queued message due now (queue retry --all, and the
// sweeper when a route comes back); it returns how many were waiting.
func (s *Spool) RetryAll(now time.Time) (int, error) {
	now = now.UTC()
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		n = 0
		var ids []string
		c := tx.Bucket(sDue).Cursor()
		for k, _ := c.Seek(tkey(now.Add(time.Nanosecond))); k != nil; k, _ = c.Next() {
			ids = append(ids, string(k[8:]))
		}
		for _, id := range ids {
			m, err := getMsg(tx, id)
			if err != nil {
				return err
			}
			if err := retryTx(tx, m, now); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	return n, spoolErr(err)
}

// ExpireHeld lists held messages whose HoldUntil is at or before now,
// oldest first, at most limit (0: all): the sweeper releases or rejects
// each as its OnExpiry says (REQ-5).
func (s *Spool) ExpireHeld(now time.Time, limit int) ([]*QueueMessage, error) {
	var out []*QueueMessage
	err := s.db.View(func(tx *bolt.Tx) error {
		end := tkey(now)
		c := tx.Bucket(sHeld).Cursor()
		for k, _ := c.First(); k != nil && bytes.Compare(k[:8], end) <= 0; k, _ = c.Next() {
			m, err := getMsg(tx, string(k[8:]))
			if err != nil {
				return err
			}
			out = append(out, m)
			if limit > 0 && len(out) >= limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// Purge removes messages finished before the given time, with their
// recipients (their mail-log records stay); it returns how many went.
func (s *Spool) Purge(before time.Time) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		n = 0
		msgs := tx.Bucket(sMsgs)
		var gone []string
		err := msgs.ForEach(func(k, v []byte) error {
			var m QueueMessage
			if err := json.Unmarshal(v, &m); err != nil {
				return err
			}
			if m.Status.Finished() && m.Finished.Before(before) {
				gone = append(gone, m.ID)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range gone {
			if err := deletePrefix(tx.Bucket(sRcpts), rcptPrefix(id)); err != nil {
				return err
			}
			if err := msgs.Delete([]byte(id)); err != nil {
				return err
			}
		}
		n = len(gone)
		return nil
	})
	return n, err
}

// QueueFilter narrows List.
type QueueFilter struct {
	Status   MessageStatus // "" any
	Active   bool          // queued and held only (when Status is "")
	Account  model.Address // sent by this account (or with this envelope sender)
	Approver model.Address // held for, or decided by, this approver
	Limit    int           // 0: all
}

// List lists messages, newest first.
func (s *Spool) List(f QueueFilter) ([]*QueueMessage, error) {
	var out []*QueueMessage
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(sMsgs).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var m QueueMessage
			if err := json.Unmarshal(v, &m); err != nil {
				return fmt.Errorf("message %s: %w", k, err)
			}
			switch {
			case f.Status != "" && m.Status != f.Status,
				f.Status == "" && f.Active && m.Status.Finished(),
				f.Account != "" && m.Account != f.Account && !strings.EqualFold(m.From, string(f.Account)),
				f.Approver != "" && m.Approver != f.Approver && m.DecidedBy != f.Approver:
				continue
			}
			out = append(out, &m)
			if f.Limit > 0 && len(out) >= f.Limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// QueueDecision is a person's action on the mail queue (release, reject,
// retry, drop), as a change for the directory's write path: Store.Apply
// authorises it and writes it to the operation log (LOG-1). The spool
// itself is changed by the Spool's own methods; a door asks Authorize
// first (in a Store.Read), acts on the spool, then applies the decision
// so that it is logged.
type QueueDecision struct {
	Action   string        // "release" "reject" "retry" "drop"
	ID       string        // the message; "all" for a retry of everything
	Approver model.Address // the held message's approver, who may release or reject it without queue.manage
	From     string        // the message's sender, for the log
	Subject  string        // the message's subject, for the log
	Comment  string
}

// Op names the operation in the log: "queue.release" and so on.
func (d *QueueDecision) Op() string { return "queue." + d.Action }

// Target is the message id.
func (d *QueueDecision) Target() string { return d.ID }

// Authorize lets the message's approver release or reject it; everything
// else needs queue.manage over the whole company.
func (d *QueueDecision) Authorize(v model.View, a model.Actor) error {
	if (d.Action == "release" || d.Action == "reject") && d.Approver != "" && a.Address == d.Approver {
		return nil
	}
	return model.Authorize(a, model.RightQueueManage, nil, v)
}

// Apply writes nothing to the directory: the operation-log record carries
// the decision's notes, and a "queue" event tells other sessions that the
// queue changed (the door has acted on the spool before it applies this).
func (d *QueueDecision) Apply(tx model.Tx, env model.Env) error {
	if w, ok := tx.(*writeTx); ok {
		w.event("queue", d.ID)
	}
	tx.Note("message", d.ID)
	if d.From != "" {
		tx.Note("from", d.From)
	}
	if d.Subject != "" {
		tx.Note("subject", d.Subject)
	}
	if d.Comment != "" {
		tx.Note("comment", d.Comment)
	}
	return nil
}
