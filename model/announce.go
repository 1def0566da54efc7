package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxAnnouncementRunes is how long an announcement's body may be, counted
// in characters (runes), Chinese included (ANN-1).
const MaxAnnouncementRunes = 2000

// MaxAnnouncementTitle is how long an announcement's title may be, in characters.
const MaxAnnouncementTitle = 100

// Announcement is a notice to all staff or to chosen departments (ANN-1):
// shown at the top of each targeted member's Home and mailed to each of
// them; recalled (ANN-2), it leaves every Home and every mailbox copy not
// yet fetched.
type Announcement struct {
	ID    uint64 `json:"id"`
	Title string `json:"title"`
	Body  string `json:"body"`
	// Depts are the departments it targets, each with its subtree; none:
	// all staff.
	Depts      []DeptID  `json:"depts,omitempty"`
	Author     Address   `json:"author"`
	AuthorName string    `json:"author_name,omitempty"`
	Published  time.Time `json:"published"`
	Recalled   time.Time `json:"recalled,omitzero"`
	RecalledBy Address   `json:"recalled_by,omitempty"`
	// Recall is what the recall found in the mailboxes and the queue,
	// recorded once the copies were dealt with.
	Recall *RecallCounts `json:"recall,omitempty"`
}

// Live reports whether the announcement is published and not recalled.
func (a *Announcement) Live() bool { return a.Recalled.IsZero() }

// Targets reports whether the announcement reaches a member: all staff, or
// a member placed in (or below) one of its departments.
func (a *Announcement) Targets(m *Member, tree Ancestry) bool {
	if len(a.Depts) == 0 {
		return true
	}
	for _, d := range m.Depts {
		for _, t := range a.Depts {
			if tree.Within(d, t) {
				return true
			}
		}
	}
	return false
}

// RecallCounts is what recalling an announcement did to its mail copies,
// measured: Recalled copies were removed unread from a Maildir new/
// directory or cancelled in the queue (Cancelled of them), Fetched copies
// had already been taken by a mail program (moved to cur/, or gone) and
// could not be recalled, Failed copies were never delivered.
type RecallCounts struct {
	Recalled  int `json:"recalled"`
	Fetched   int `json:"fetched"`
	Cancelled int `json:"cancelled"`
	Failed    int `json:"failed"`
}

// AnnounceView reads announcements.
type AnnounceView interface {
	Announcement(id uint64) (*Announcement, error)
}

// AnnounceTx writes announcements.
type AnnounceTx interface {
	AnnounceView
	// NewAnnouncementID allocates an id (they count up from 1).
	NewAnnouncementID() (uint64, error)
	PutAnnouncement(*Announcement) error
}

func announceTx(tx Tx) (AnnounceTx, error) {
	a, ok := tx.(AnnounceTx)
	if !ok {
		return nil, fmt.Errorf("announcements: the store cannot write them")
	}
	return a, nil
}

// CleanAnnouncement checks an announcement's title and body and returns
// them as kept: the title trimmed, the body with CRLF as LF and no trailing
// blank lines.
func CleanAnnouncement(title, body string) (string, string, error) {
	if !utf8.ValidString(title) || !utf8.ValidString(body) {
		return "", "", Invalidf("the announcement is not valid UTF-8 text: save the file as UTF-8")
	}
	title = strings.TrimSpace(title)
	if title == "" {
		return "", "", Invalidf("the announcement has no title: give one with --title")
	}
	if strings.ContainsFunc(title, unicode.IsControl) {
		return "", "", Invalidf("the announcement's title must be one line without control characters")
	}
	if n := utf8.RuneCountInString(title); n > MaxAnnouncementTitle {
		return "", "", Invalidf("the announcement's title has %d characters; at most %d are allowed", n, MaxAnnouncementTitle)
	}
	body = strings.ReplaceAll(body, "\r\n", "\n")
	body = strings.TrimRight(body, " \t\n")
	body = strings.TrimLeft(body, "\n")
	if strings.TrimSpace(body) == "" {
		return "", "", Invalidf("the announcement has no text: give it with --body-file FILE, or - for standard input")
	}
	if strings.ContainsFunc(body, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) {
		return "", "", Invalidf("the announcement's text holds control characters: give plain text")
	}
	if n := AnnouncementLength(body); n > MaxAnnouncementRunes {
		return "", "", Invalidf("the announcement has %d characters; at most %d are allowed: shorten it by %d", n, MaxAnnouncementRunes, n-MaxAnnouncementRunes)
	}
	return title, body, nil
}

// AnnouncementLength is the length of an announcement's text as the limit
// counts it: characters, a line break (CRLF or LF) one.
func AnnouncementLength(body string) int {
	return utf8.RuneCountInString(strings.ReplaceAll(body, "\r\n", "\n"))
}

// AuthorizeAnnounce asks whether the actor may announce to the departments
// (none: all staff). Admins may; a sub-admin holding the announcements
// right may within the departments of their scope, never to all staff.
func AuthorizeAnnounce(v View, a Actor, depts []DeptID) error {
	return Authorize(a, RightAnnounce, Scope(depts), v)
}

// announceDepts resolves department paths to ids, each once.
func announceDepts(v View, paths []string) ([]DeptID, error) {
	var out []DeptID
	for _, p := range paths {
		if strings.TrimSpace(p) == "" || strings.Trim(strings.TrimSpace(p), "/") == "" {
			return nil, Invalidf("the root stands for all staff: leave out --dept to announce to everyone")
		}
		d, err := v.DeptByPath(p)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, d.ID) {
			out = append(out, d.ID)
		}
	}
	return out, nil
}

// PublishAnnouncement publishes an announcement (ANN-1). The relay mails it
// to each targeted member after the commit.
type PublishAnnouncement struct {
	Title string
	Body  string
	// Depts are department paths; none: all staff.
	Depts []string
	// ID is filled by Apply.
	ID uint64
}

// Op names the operation.
func (c *PublishAnnouncement) Op() string { return "announce.publish" }

// Target names the announcement by its title.
func (c *PublishAnnouncement) Target() string { return strings.TrimSpace(c.Title) }

// Authorize needs the announce right over the targeted departments.
func (c *PublishAnnouncement) Authorize(v View, a Actor) error {
	depts, err := announceDepts(v, c.Depts)
	if err != nil {
		return err
	}
	return AuthorizeAnnounce(v, a, depts)
}

// Apply checks the text and writes the announcement.
func (c *PublishAnnouncement) Apply(tx Tx, env Env) error {
	at, err := announceTx(tx)
	if err != nil {
		return err
	}
	title, body, err := CleanAnnouncement(c.Title, c.Body)
	if err != nil {
		return err
	}
	depts, err := announceDepts(tx, c.Depts)
	if err != nil {
		return err
	}
	id, err := at.NewAnnouncementID()
	if err != nil {
		return err
	}
	c.ID = id
	return at.PutAnnouncement(&Announcement{ID: id, Title: title, Body: body, Depts: depts,
		Author: env.Actor.Address, AuthorName: env.Actor.Name, Published: env.Now})
}

// RecallAnnouncement recalls an announcement (ANN-2): it leaves every Home
// at once; the mail copies are dealt with after the commit and their counts
// recorded by RecordRecall.
type RecallAnnouncement struct {
	ID uint64
}

// Op names the operation.
func (c *RecallAnnouncement) Op() string { return "announce.recall" }

// Target names the announcement.
func (c *RecallAnnouncement) Target() string { return "announcement " + strconv.FormatUint(c.ID, 10) }

// Authorize needs the announce right over the announcement's departments.
func (c *RecallAnnouncement) Authorize(v View, a Actor) error {
	return authorizeAnnouncement(v, a, c.ID)
}

func authorizeAnnouncement(v View, a Actor, id uint64) error {
	av, ok := v.(AnnounceView)
	if !ok {
		return fmt.Errorf("announcements: the store cannot read them")
	}
	ann, err := av.Announcement(id)
	if err != nil {
		return err
	}
	return AuthorizeAnnounce(v, a, ann.Depts)
}

// Apply marks the announcement recalled.
func (c *RecallAnnouncement) Apply(tx Tx, env Env) error {
	at, err := announceTx(tx)
	if err != nil {
		return err
	}
	ann, err := at.Announcement(c.ID)
	if err != nil {
		return err
	}
	if !ann.Live() {
		return Conflictf("announcement %d was already recalled on %s by %s", c.ID, ann.Recalled.Format("2006-01-02 15:04"), ann.RecalledBy)
	}
	n := *ann
	n.Recalled, n.RecalledBy = env.Now, env.Actor.Address
	return at.PutAnnouncement(&n)
}

// RecordRecall records what the recall of an announcement found in the
// mailboxes and the queue.
type RecordRecall struct {
	ID     uint64
	Counts RecallCounts
}

// Op names the operation.
func (c *RecordRecall) Op() string { return "announce.recall.result" }

// Target names the announcement.
func (c *RecordRecall) Target() string { return "announcement " + strconv.FormatUint(c.ID, 10) }

// Authorize needs the announce right over the announcement's departments.
func (c *RecordRecall) Authorize(v View, a Actor) error { return authorizeAnnouncement(v, a, c.ID) }

// Apply writes the counts on the recalled announcement.
func (c *RecordRecall) Apply(tx Tx, env Env) error {
	at, err := announceTx(tx)
	if err != nil {
		return err
	}
	ann, err := at.Announcement(c.ID)
	if err != nil {
		return err
	}
	if ann.Live() {
		return Conflictf("announcement %d is not recalled: announce recall %d first", c.ID, c.ID)
	}
	n := *ann
	counts := c.Counts
	n.Recall = &counts
	return at.PutAnnouncement(&n)
}
