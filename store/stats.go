package store

import (
	"encoding/json"

	bolt "go.etcd.io/bbolt"

	"postroom/model"
)

// MemberStats counts the directory's members by state, kept in step by
// every member write so that a screen can show them without reading 50,000
// records.
type MemberStats struct {
	Members   int `json:"members"`
	Active    int `json:"active"`
	Disabled  int `json:"disabled"`
	Locked    int `json:"locked"`
	Reclaimed int `json:"reclaimed"`
	// NoLogin counts active members with neither a password nor a key.
	NoLogin int `json:"no_login"`
}

// add counts one member in (sign 1) or out (sign -1).
func (st *MemberStats) add(m *model.Member, sign int) {
	if m == nil {
		return
	}
	st.Members += sign
	switch m.Status {
	case model.StatusActive:
		st.Active += sign
		if m.Password.Hash == "" && len(m.Keys) == 0 {
			st.NoLogin += sign
		}
	case model.StatusDisabled:
		st.Disabled += sign
	case model.StatusLocked:
		st.Locked += sign
	case model.StatusReclaimed:
		st.Reclaimed += sign
	}
}

// Add counts one member in.
func (st *MemberStats) Add(m *model.Member) { st.add(m, 1) }

func (st *MemberStats) plus(d MemberStats) {
	st.Members += d.Members
	st.Active += d.Active
	st.Disabled += d.Disabled
	st.Locked += d.Locked
	st.Reclaimed += d.Reclaimed
	st.NoLogin += d.NoLogin
}

// MemberStats returns the member counts of the whole directory.
func (r *Reader) MemberStats() (MemberStats, error) {
	st, err := getJSON[MemberStats](r.tx, bMeta, []byte("stats"))
	if err != nil || st == nil {
		return MemberStats{}, err
	}
	return *st, nil
}

// countMember notes a member write for the stats; flush writes the sum.
func (w *writeTx) countMember(old, next *model.Member) {
	w.stats.add(old, -1)
	w.stats.add(next, 1)
	w.statsDirty = true
}

// flushStats adds the transaction's counts to the stored ones.
func (w *writeTx) flushStats() error {
	if !w.statsDirty {
		return nil
	}
	cur, err := w.Reader.MemberStats()
	if err != nil {
		return err
	}
	cur.plus(w.stats)
	w.stats, w.statsDirty = MemberStats{}, false
	return w.put(bMeta, []byte("stats"), cur)
}

// recountMembers computes the stats from every member (schema 1 to 2).
func recountMembers(tx *bolt.Tx) error {
	var st MemberStats
	err := tx.Bucket(bMembers).ForEach(func(k, v []byte) error {
		var m model.Member
		if err := json.Unmarshal(v, &m); err != nil {
			return err
		}
		st.add(&m, 1)
		return nil
	})
	if err != nil {
		return err
	}
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return tx.Bucket(bMeta).Put([]byte("stats"), b)
}
