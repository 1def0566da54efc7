package store

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestHistoryZHInStep: a record's Chinese history stays as long as its
// English one, line for line, as the record moves on and past maxHistory;
// a later reason without Chinese drops the Chinese one, and a record that
// never had Chinese gets no history_zh.
func TestHistoryZHInStep(t *testing.T) {
	sp, err := OpenSpool(filepath.Join(t.TempDir(), SpoolFile), SpoolOptions{Now: func() time.Time { return time.Unix(1e9, 0) }, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	for _, rec := range []MailRecord{
		{ID: "zh", From: "a@example.com", Status: "held", Reason: "why", ReasonZH: "为何"},
		{ID: "en", From: "a@example.com", Status: "held", Reason: "why"},
	} {
		if err := sp.Log(rec); err != nil {
			t.Fatal(err)
		}
	}
	get := func(id string) (rec MailRecord) {
		sp.db.View(func(tx *bolt.Tx) error { return json.Unmarshal(tx.Bucket(sMailLog).Get([]byte(id)), &rec) })
		return rec
	}
	for i := range maxHistory + 5 {
		for _, id := range []string{"zh", "en"} {
			if err := sp.db.Update(func(tx *bolt.Tx) error {
				return updateLog(tx, id, fmt.Sprintf("s%d", i), fmt.Sprintf("r%d", i))
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	zh := get("zh")
	if len(zh.History) != maxHistory || len(zh.HistoryZH) != maxHistory {
		t.Fatalf("history %d lines, in Chinese %d, want %d each", len(zh.History), len(zh.HistoryZH), maxHistory)
	}
	if zh.History[0] != "held: why" || zh.HistoryZH[0] != "held: 为何" {
		t.Errorf("the first line: %q / %q", zh.History[0], zh.HistoryZH[0])
	}
	for i := 1; i < maxHistory; i++ {
		if zh.HistoryZH[i] != zh.History[i] {
			t.Errorf("line %d: %q / %q (no Chinese: the English line)", i, zh.History[i], zh.HistoryZH[i])
		}
	}
	if zh.ReasonZH != "" || zh.ReasonText(true) != zh.Reason {
		t.Errorf("a later reason kept the Chinese %q", zh.ReasonZH)
	}
	if en := get("en"); len(en.HistoryZH) != 0 || len(en.History) != maxHistory {
		t.Errorf("a record without Chinese: history %d, in Chinese %q", len(en.History), en.HistoryZH)
	}
}

// TestReasonsText: the relay's Chinese covers the first reasons; one added
// later (a bounce, a rejection) is told in English; English asks for none.
func TestReasonsText(t *testing.T) {
	m := &QueueMessage{Reasons: []string{"a", "b", "rejected by x"}, ReasonsZH: []string{"甲", "乙"}}
	if got := fmt.Sprint(m.ReasonsText(true)); got != "[甲 乙 rejected by x]" {
		t.Errorf("zh: %s", got)
	}
	if got := fmt.Sprint(m.ReasonsText(false)); got != "[a b rejected by x]" {
		t.Errorf("en: %s", got)
	}
	if old := (&QueueMessage{Reasons: []string{"a"}}); fmt.Sprint(old.ReasonsText(true)) != "[a]" {
		t.Errorf("an old message: %s", old.ReasonsText(true))
	}
	if m.Reasons[0] != "a" {
		t.Errorf("ReasonsText changed the message's reasons")
	}
}
