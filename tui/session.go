package tui

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

// Session is everything one person's UI runs with: who they are, the store,
// their language, styles and keys. It travels to every pane; nothing of it
// is shared with another session.
type Session struct {
	Store  *store.Store
	Actor  model.Actor
	T      assets.Catalog
	Styles *Styles
	Keys   *KeyMap
	Now    func() time.Time
	// Ctx ends when the server shuts down.
	Ctx context.Context
	// Export writes a CSV for the person; nil where there is nowhere to put
	// one (the SSH door sends exports to the person's data directory of the
	// server, see Server). It returns where the file went.
	Export func(name string, data []byte) (string, error)

	// Spool is the running server's mail spool: the queue, the mail log and
	// the violations. nil where no relay runs (the local postroom tui): the
	// mail panes then say that the queue is there while postroom serve runs.
	Spool *store.Spool
	// Kick wakes the delivery workers after a release or a retry; nil: none.
	Kick func()
	// Notify tells the sender what became of a held message: ev is
	// "released" or "rejected", by who decided, comment their words; nil:
	// nobody is told.
	Notify func(ev string, m *store.QueueMessage, by model.Address, comment string)
	// Recall deals with the mail copies of a recalled announcement (the
	// relay's, or the Maildir's of the local UI); nil: they cannot be
	// reached, and the Announcements pane says so.
	Recall cmd.RecallFunc
	// OneTime mails a joiner's one-time password to the heads of their
	// department (the relay's SendOneTime) and says to whom; nil: it is
	// only shown.
	OneTime func(q *model.Request, otp string) ([]model.Address, error)

	// deputy says a step of a pending request was handed to the person
	// (read when the UI starts): they get the Approvals pane whatever
	// their roles.
	deputy bool
}

// NewSession builds a session for an actor in a language.
func NewSession(st *store.Store, actor model.Actor, lang string, ascii bool) *Session {
	t := assets.Text(lang)
	return &Session{Store: st, Actor: actor, T: t, Styles: NewStyles(ascii), Keys: NewKeyMap(t.Keys), Now: st.Now, Ctx: context.Background()}
}

// Sprintf formats a catalogue string.
func (s *Session) Sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// Chinese reports whether the session reads Chinese: the mail log, the
// queue and the violations then show the Chinese the relay kept of a
// policy's reasons.
func (s *Session) Chinese() bool { return assets.IsChinese(s.T.Lang) }

// plural is the format one for a count of 1 and many for any other count:
// the catalogues give English its singular ("1 account locked") and
// Chinese the same text twice.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// ErrText turns an error into words for the person: a user error in the
// session's language (its own words, without what wraps it), anything else
// with a plain lead.
func (s *Session) ErrText(err error) string {
	if err == nil {
		return ""
	}
	var u *model.UserError
	if errors.As(err, &u) {
		return model.Localize(u, s.T.Lang)
	}
	return s.T.Common.Error + ": " + err.Error()
}

// Can reports whether the session's actor holds a right anywhere; panes use
// it to hide what the model would refuse anyway.
func (s *Session) Can(right model.Right) bool { return model.HoldsAnywhere(s.Actor, right) }

// appliedMsg reports a change that ran in the background.
type appliedMsg struct {
	pane string // the pane that asked
	tag  string // what the pane asked for
	err  error
	// change is the change as applied (outputs filled in, such as a one-time password).
	change model.Change
}

// apply runs changes in a tea.Cmd, never in Update, and reports back to the
// pane that asked.
func (s *Session) apply(pane, tag string, changes ...model.Change) tea.Cmd {
	return func() tea.Msg {
		err := s.Store.Apply(s.Actor, changes...)
		var last model.Change
		if len(changes) > 0 {
			last = changes[len(changes)-1]
		}
		return appliedMsg{pane: pane, tag: tag, err: err, change: last}
	}
}

// flashMsg shows a line in the status bar for a while.
type flashMsg struct {
	text string
	err  bool
}

func flash(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return flashMsg{text: text, err: isErr} }
}

// storeChangedMsg says the data changed (in this session or another): panes
// reload what they show.
type storeChangedMsg struct{ events []store.Event }

// onlyLogins reports whether the change is nothing but logged login
// attempts, which most panes need not reload for.
func (m storeChangedMsg) onlyLogins() bool {
	if len(m.events) == 0 {
		return false
	}
	for _, e := range m.events {
		if e.Kind != "login" {
			return false
		}
	}
	return true
}
