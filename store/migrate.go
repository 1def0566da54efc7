package store

import (
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"

	"postroom/model"
)

// Where a mailbox migration (MAILFX-4) stands, per member, old server,
// login there and folder, so that a second run copies only what is new:
//
//	migratestate  address + 0 + server + 0 + login + 0 + folder → MigrationFolder
//
// Like batch tasks, these are records of a job, written here rather than
// through Apply (each member's migration is authorised and logged by
// model.MigrateMailbox).

var bMigrateState = []byte("migratestate")

// MigrationFolder is how far the migration of one folder got: the
// folder's UIDVALIDITY on the old server and the highest UID copied.
// Messages with a higher UID are new; a different UIDVALIDITY means the
// old server numbered the folder afresh.
type MigrationFolder struct {
	UIDValidity uint32    `json:"uidvalidity"`
	LastUID     uint32    `json:"last_uid"`
	Messages    int       `json:"messages"` // copied in all runs
	Bytes       int64     `json:"bytes"`
	Updated     time.Time `json:"updated"`
}

func migrateKey(addr model.Address, server, login, folder string) []byte {
	return []byte(string(addr) + "\x00" + server + "\x00" + login + "\x00" + folder)
}

// MigrationFolder returns the saved state of a folder; ok is false when
// nothing of it was copied yet.
func (s *Store) MigrationFolder(addr model.Address, server, login, folder string) (st MigrationFolder, ok bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bMigrateState).Get(migrateKey(addr, server, login, folder))
		if raw == nil {
			return nil
		}
		ok = true
		return json.Unmarshal(raw, &st)
	})
	return st, ok, err
}

// SaveMigrationFolder saves how far the migration of a folder got.
func (s *Store) SaveMigrationFolder(addr model.Address, server, login, folder string, st MigrationFolder) error {
	st.Updated = s.opt.Now().UTC()
	raw, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bMigrateState).Put(migrateKey(addr, server, login, folder), raw)
	})
}
