// Package store keeps postroom's data in one bbolt file and is the only
// package that touches it.
//
// Every change goes through Apply: in one read-write transaction the change
// is authorised (model.Change.Authorize, which asks model.Authorize),
// applied through a Tx that keeps all indexes in step, and written to the
// hash-chained operation log. Events are published after the commit.
//
// Bucket layout (keys → values; ids are 8-byte big-endian, records JSON):
//
//	meta        "schema" → uint64 version; "enterprise", "policy", "loginrules",
//	            "mailpolicy" → JSON;
//	            "deptseq" → next department id; "audit.head" → seq + sha256;
//	            "stats" → MemberStats, kept in step by every member write
//	domains     domain name → model.Domain
//	depts       dept id → model.Department
//	deptchild   parent id + name → dept id           (path lookup, siblings unique)
//	deptmember  dept id + address → ""                (members placed directly; not leavers)
//	deptleaver  dept id + address → ""                (reclaimed leavers, by the departments on their record)
//	deptlead    address + 0 + dept id → ""            (heads and officers)
//	members     address → model.Member
//	addr        domain + 0 + local part → model.Owner (every address, unique)
//	empid       lower-case employee id → address
//	sshkeys     key fingerprint → address
//	search      search key + 0 + address → ""         (name, pinyin, initials, …)
//	groups      address → model.Group
//	memberof    member + 0 + group → ""
//	shared      address → model.SharedMailbox
//	rolescope   dept id + address → ""                (roles scoped to a department)
//	admins      address → ""
//	oplog       seq → sha256(record JSON) + the record, deflated (LOG-1,
//	            hash-chained; see oplogcodec.go)
//	loginlog    seq → LoginRecord                     (LOG-2)
//	batches     seq → Batch                           (LOG-5: see batch.go)
//	batchrows   batch id + row number → BatchRow
//	migratestate address + 0 + server + 0 + login + 0 + folder → MigrationFolder (MAILFX-4: see migrate.go)
//	perms, requests, unitofficers, lent, waiting: see requests.go
//	contacts, contactemail                            (BOOK-1: see book.go)
//	notifyjobs, notifyrows, notifyday                 (MAILFX-3: see notify.go)
//	lastuse     address → last login + since          (ACC-6: see inactive.go)
//	lists, listsubs, listtoken, liststats             (LIST-2: see lists.go)
//	announcements, annlive, memberborn, pwchanged     (ANN-1..3: see announce.go)
//
// A reclaimed leaver (ACC-5) keeps the departments on its record, as
// history, but is indexed under deptleaver instead of deptmember: the
// department-member index holds the people who work there, so that a
// group defined by a department reaches them from the index alone (the
// relay reads no member to expand a 50,000-member group), head counts and
// the Org pane list the staff, and a department whose only people are
// leavers can be deleted (their records then name its parent). A member
// whose status changes to or from reclaimed moves between the two indexes
// in the same write.
//
// Invariants: every address in members, aliases, groups, shared mailboxes
// and department mailboxes has exactly one addr entry; index entries are
// written only by Tx's Put and Delete methods; the oplog's records chain
// from seq 1 with each record holding the previous record's hash.
package store

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"postroom/model"
)

// SchemaVersion is the layout this code reads and writes.
const SchemaVersion = 10

var (
	bMeta       = []byte("meta")
	bDomains    = []byte("domains")
	bDepts      = []byte("depts")
	bDeptChild  = []byte("deptchild")
	bDeptMember = []byte("deptmember")
	bDeptLeaver = []byte("deptleaver")
	bDeptLead   = []byte("deptlead")
	bMembers    = []byte("members")
	bAddr       = []byte("addr")
	bEmpID      = []byte("empid")
	bSSHKeys    = []byte("sshkeys")
	bSearch     = []byte("search")
	bGroups     = []byte("groups")
	bMemberOf   = []byte("memberof")
	bShared     = []byte("shared")
	bRoleScope  = []byte("rolescope")
	bAdmins     = []byte("admins")
	bOpLog      = []byte("oplog")
	bLoginLog   = []byte("loginlog")
	bBatches    = []byte("batches")
	// The customer address book: see book.go.
	bContacts     = []byte("contacts")
	bContactEmail = []byte("contactemail")
)

var allBuckets = [][]byte{bMeta, bDomains, bDepts, bDeptChild, bDeptMember, bDeptLeaver, bDeptLead, bMembers, bAddr, bEmpID,
	bSSHKeys, bSearch, bGroups, bMemberOf, bShared, bRoleScope, bAdmins, bOpLog, bLoginLog, bBatches,
	bPerms, bRequests, bUnitOfficers, bLent, bWaiting, bContacts, bContactEmail,
	bLists, bListSubs, bListToken, bListStats, bListConfirm, bListKey,
	bBatchRows,
	bAnnouncements, bAnnLive, bMemberBorn, bPwChanged,
	bNotifyJobs, bNotifyRows, bNotifyDay, bMigrateState,
	bLastUse}

// migrations[i] brings a database from schema version i to i+1.
var migrations = []func(tx *bolt.Tx) error{
	0: func(tx *bolt.Tx) error { return nil }, // a new file: buckets only
	1: recountMembers,                         // 2: member counts kept in meta "stats"
	2: indexPermsAndRequests,                  // 3: unit officers and delegations indexed
	3: indexWaiting,                           // 4: pending requests by who decides them next
	4: indexLeavers,                           // 5: reclaimed leavers out of deptmember, into deptleaver
	5: func(tx *bolt.Tx) error { return nil }, // 6: new op-log records deflated (oplogcodec.go); older ones stay JSON
	6: indexLetters,                           // 7: members by account opened and password set (ANN-3)
	7: indexLastUse,                           // 8: each member's last login and since when it is open (inactive.go)
	8: reindexSearch,                          // 9: search keys without whole addresses and employee ids (model.SearchKeys)
	9: keyListSubscribers,                     // 10: every mailing-list subscriber has a key, indexed in listkey
}

// ErrLocked means another process holds the data file: a running
// `postroom serve`, most likely.
var ErrLocked = errors.New("the data file is in use by another postroom process")

// Options are what the store is given instead of reading the world itself.
type Options struct {
	Now      func() time.Time   // the clock; time.Now when nil
	Rand     io.Reader          // randomness; crypto/rand when nil
	Argon    model.Argon2Params // password hashing; model.DefaultArgon2 when zero
	Timeout  time.Duration      // file lock wait; 1 s when zero
	ReadOnly bool
	// NoSync skips fsync (tests and benchmarks of CPU cost only).
	NoSync bool
}

// Store is an open postroom database.
type Store struct {
	db   *bolt.DB
	path string
	opt  Options

	hashing chan struct{} // bounds concurrent password hashing

	mu     sync.Mutex
	subs   map[int]chan Event
	nextID int

	throttle *throttle

	dummyOnce sync.Once
	dummy     string // a hash to check against for unknown accounts

	policy atomic.Pointer[policyCache] // Reader.ReadOnlyMailPolicy

	// stops are the cancel functions of the batch tasks whose runners
	// listen (BatchContext), by task id; CancelBatch calls them.
	stopMu sync.Mutex
	stops  map[uint64]context.CancelFunc
}

// Open opens (creating if needed) the database file at path.
func Open(path string, opt Options) (*Store, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Rand == nil {
		opt.Rand = rand.Reader
	}
	if opt.Argon == (model.Argon2Params{}) {
		opt.Argon = model.DefaultArgon2
	}
	if opt.Timeout == 0 {
		opt.Timeout = time.Second
	}
	// A large initial map means the file can grow during a big import
	// without remapping (each remap walks every dirty node); it costs
	// address space, not memory.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opt.Timeout, ReadOnly: opt.ReadOnly, NoSync: opt.NoSync, InitialMmapSize: 1 << 30})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, ErrLocked
		}
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{db: db, path: path, opt: opt, subs: map[int]chan Event{},
		hashing: make(chan struct{}, max(1, runtime.NumCPU())), throttle: newThrottle()}
	if !opt.ReadOnly {
		if err := s.migrate(); err != nil {
			db.Close()
			return nil, err
		}
		if err := s.closeInterrupted(); err != nil {
			db.Close()
			return nil, err
		}
	}
	return s, nil
}

func (s *Store) migrate() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bMeta)
		var v uint64
		if raw := meta.Get([]byte("schema")); raw != nil {
			v = binary.BigEndian.Uint64(raw)
		}
		if v > SchemaVersion {
			return fmt.Errorf("the data was written by a newer postroom (schema %d, this one reads %d): run the newer version", v, SchemaVersion)
		}
		for ; v < SchemaVersion; v++ {
			if err := migrations[v](tx); err != nil {
				return fmt.Errorf("migrate schema %d to %d: %w", v, v+1, err)
			}
		}
		return meta.Put([]byte("schema"), u64(SchemaVersion))
	})
}

// Close closes the file.
func (s *Store) Close() error {
	s.mu.Lock()
	for id, ch := range s.subs {
		close(ch)
		delete(s.subs, id)
	}
	s.mu.Unlock()
	return s.db.Close()
}

// Path is the file's path.
func (s *Store) Path() string { return s.path }

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.opt.Now() }

// Initialized reports whether the enterprise has been created.
func (s *Store) Initialized() bool {
	ok := false
	s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bMeta); b != nil {
			ok = b.Get([]byte("enterprise")) != nil
		}
		return nil
	})
	return ok
}

// Backup writes a consistent copy of the database while it stays in use.
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// BackupFile writes a backup to a new file (0600), fsynced.
func (s *Store) BackupFile(path string) (int64, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	n, err := s.Backup(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return 0, fmt.Errorf("backup to %s: %w", path, err)
	}
	return n, nil
}

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func id8(id model.DeptID) []byte { return u64(uint64(id)) }
