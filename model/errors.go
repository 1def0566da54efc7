package model

import (
	"errors"
	"fmt"
)

// Kinds of failure. Every error a change returns wraps one of these, so a
// door can tell the person's mistakes from the server's own trouble.
var (
	// ErrInvalid marks input that breaks a rule: a malformed address, an
	// 11th department level, a password under the policy.
	ErrInvalid = errors.New("invalid")
	// ErrNotFound marks a reference to something that does not exist.
	ErrNotFound = errors.New("not found")
	// ErrExists marks an attempt to create what already exists.
	ErrExists = errors.New("already exists")
	// ErrForbidden marks an actor without the right for a change.
	ErrForbidden = errors.New("forbidden")
	// ErrConflict marks a change that cannot apply to the current state,
	// such as deleting a department that still has members.
	ErrConflict = errors.New("conflict")
	// ErrAuth marks a failed login: wrong password, locked or disabled account.
	ErrAuth = errors.New("authentication failed")
)

// UserError is a mistake in a request, told to the person in words that say
// what happened and what to do. Its Kind is one of the sentinels above.
//
// Msg is the English text, for logs and for English speakers. Format and
// Args are what it was made from, so that a door can tell it again in the
// person's language with Localize. The format given to Invalidf and the
// other helpers below is therefore an English string literal with a Chinese
// translation in assets/i18n_errors.go; a test there checks every call.
type UserError struct {
	Kind   error
	Msg    string
	Format string // the English format string, the key of the translations
	Args   []any  // the arguments to Format
}

func (e *UserError) Error() string { return e.Msg }

// Unwrap returns the kind, so errors.Is(err, ErrInvalid) works.
func (e *UserError) Unwrap() error { return e.Kind }

// IsUserError reports whether err is a mistake in the request rather than a
// failure of the server.
func IsUserError(err error) bool {
	var u *UserError
	return errors.As(err, &u)
}

// Word is an argument of a user error that comes from a fixed set of
// English words, such as a queued message's status ("released",
// "bounced"). Localize tells it in the reader's language (its Chinese is in
// assets.ErrorWord), where a plain string argument stays as it is.
type Word string

func (w Word) String() string { return string(w) }

func userErr(kind error, format string, args ...any) error {
	return &UserError{Kind: kind, Msg: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// Invalidf returns an ErrInvalid user error.
func Invalidf(format string, args ...any) error { return userErr(ErrInvalid, format, args...) }

// NotFoundf returns an ErrNotFound user error.
func NotFoundf(format string, args ...any) error { return userErr(ErrNotFound, format, args...) }

// Existsf returns an ErrExists user error.
func Existsf(format string, args ...any) error { return userErr(ErrExists, format, args...) }

// Forbiddenf returns an ErrForbidden user error.
func Forbiddenf(format string, args ...any) error { return userErr(ErrForbidden, format, args...) }

// Conflictf returns an ErrConflict user error.
func Conflictf(format string, args ...any) error { return userErr(ErrConflict, format, args...) }

// Authf returns an ErrAuth user error.
func Authf(format string, args ...any) error { return userErr(ErrAuth, format, args...) }
