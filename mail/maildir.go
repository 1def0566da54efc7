package mail

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"postroom/model"
)

// Maildir writes messages into the Maildir++ mailboxes under one root,
// DIR/mail/DOMAIN/LOCALPART/{tmp,new,cur}, with folders as
// .FOLDER/{tmp,new,cur} beside them, folder names in IMAP modified UTF-7.
//
// A message is written to tmp/, synced, linked into new/ and the new/
// directory synced before Deliver returns, so a message in new/ is complete
// and on disk; a crash leaves at most a stray file in tmp/. Safe for
// concurrent use, also by several processes.
type Maildir struct {
	root     string
	hostname string // cleaned for file names
	now      func() time.Time
	seq      atomic.Uint64
}

// NewMaildir returns the Maildir writer for root (DIR/mail). hostname goes
// into the file names; now is the clock (time.Now when nil).
func NewMaildir(root, hostname string, now func() time.Time) *Maildir {
	if now == nil {
		now = time.Now
	}
	if hostname == "" {
		hostname, _ = os.Hostname()
	}
	// The Maildir spec: '/' and ':' in the host name are written as octal escapes.
	h := strings.NewReplacer("/", `\057`, ":", `\072`, ",", `\054`).Replace(hostname)
	if h == "" {
		h = "localhost"
	}
	return &Maildir{root: root, hostname: h, now: now}
}

// errBadMailbox marks an address or folder that cannot name a mailbox
// directory.
var errBadMailbox = errors.New("not a safe mailbox name")

// MailboxDir returns the directory of the mailbox of addr, or of its folder
// when folder is not "" (the catch-all's "邮件转移"). The address is checked
// again here, whatever its source: a lower-case, plain address (model's
// rules) whose parts hold no '/', '\', NUL or "..", so the path stays under
// the root.
func (m *Maildir) MailboxDir(addr model.Address, folder string) (string, error) {
	local, domain, err := mailboxParts(addr)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(m.root, domain, local)
	if folder != "" {
		f, err := FolderDirName(folder)
		if err != nil {
			return "", err
		}
		dir = filepath.Join(dir, f)
	}
	root := filepath.Clean(m.root) + string(filepath.Separator)
	if !strings.HasPrefix(dir, root) {
		return "", fmt.Errorf("mailbox %q: %w", addr, errBadMailbox)
	}
	return dir, nil
}

// mailboxParts checks addr for use as a path and returns its parts.
func mailboxParts(addr model.Address) (local, domain string, err error) {
	s := string(addr)
	bad := func(why string) (string, string, error) {
		return "", "", fmt.Errorf("mailbox %q: %s: %w", s, why, errBadMailbox)
	}
	if strings.ContainsAny(s, "/\\\x00") || strings.Contains(s, "..") {
		return bad("holds '/', '\\', NUL or '..'")
	}
	a, perr := model.ParseAddress(s)
	if perr != nil {
		return bad(perr.Error())
	}
	if string(a) != s {
		return bad("not in normal form (lower case, no spaces)")
	}
	local, domain = a.Local(), a.Domain()
	for _, part := range []string{local, domain} {
		if part == "" || part == "." || part == ".." || strings.HasPrefix(part, ".") {
			return bad("empty or dot part")
		}
		for _, r := range part {
			if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '.' || r == '-' || r == '_') {
				return bad(fmt.Sprintf("character %q", r))
			}
		}
	}
	return local, domain, nil
}

// FolderDirName returns the Maildir++ directory name of a folder: a dot and
// the name in IMAP modified UTF-7 ("邮件转移" → ".&kK5O9o9sefs-"). A folder
// name may not be empty, start or end with white space, or hold '.', '/',
// '\' or control characters.
func FolderDirName(folder string) (string, error) {
	switch {
	case folder == "" || strings.TrimSpace(folder) != folder:
		return "", fmt.Errorf("folder %q: empty or padded with spaces: %w", folder, errBadMailbox)
	case !utf8.ValidString(folder):
		return "", fmt.Errorf("folder %q: not UTF-8: %w", folder, errBadMailbox)
	case strings.ContainsAny(folder, "./\\"):
		return "", fmt.Errorf("folder %q: holds '.', '/' or '\\': %w", folder, errBadMailbox)
	case strings.ContainsFunc(folder, unicode.IsControl):
		return "", fmt.Errorf("folder %q: holds a control character: %w", folder, errBadMailbox)
	}
	return "." + EncodeMUTF7(folder), nil
}

// EncodeMUTF7 encodes s in IMAP's modified UTF-7 (RFC 3501 5.1.3): printable
// ASCII stands for itself, '&' becomes "&-", and runs of other characters
// become '&', their UTF-16 in base64 with ',' for '/' and no padding, '-'.
func EncodeMUTF7(s string) string {
	var b strings.Builder
	var run []rune
	flush := func() {
		if len(run) == 0 {
			return
		}
		u := utf16.Encode(run)
		buf := make([]byte, 0, 2*len(u))
		for _, c := range u {
			buf = append(buf, byte(c>>8), byte(c))
		}
		b.WriteByte('&')
		b.WriteString(strings.ReplaceAll(base64.RawStdEncoding.EncodeToString(buf), "/", ","))
		b.WriteByte('-')
		run = run[:0]
	}
	for _, r := range s {
		switch {
		case r == '&':
			flush()
			b.WriteString("&-")
		case r >= 0x20 && r <= 0x7e:
			flush()
			b.WriteRune(r)
		default:
			if r == utf8.RuneError {
				r = unicode.ReplacementChar
			}
			run = append(run, r)
		}
	}
	flush()
	return b.String()
}

// DecodeMUTF7 decodes IMAP modified UTF-7; it refuses malformed input.
func DecodeMUTF7(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e {
			return "", fmt.Errorf("modified UTF-7 %q: byte %#x is not printable ASCII", s, c)
		}
		if c != '&' {
			b.WriteByte(c)
			continue
		}
		j := strings.IndexByte(s[i+1:], '-')
		if j < 0 {
			return "", fmt.Errorf("modified UTF-7 %q: '&' without its closing '-'", s)
		}
		enc := s[i+1 : i+1+j]
		i += j + 1
		if enc == "" {
			b.WriteByte('&')
			continue
		}
		raw, err := base64.RawStdEncoding.DecodeString(strings.ReplaceAll(enc, ",", "/"))
		if err != nil || len(raw)%2 != 0 {
			return "", fmt.Errorf("modified UTF-7 %q: bad base64 run %q", s, enc)
		}
		u := make([]uint16, len(raw)/2)
		for k := range u {
			u[k] = uint16(raw[2*k])<<8 | uint16(raw[2*k+1])
		}
		for _, r := range utf16.Decode(u) {
			if r == unicode.ReplacementChar || (r >= 0x20 && r <= 0x7e) {
				return "", fmt.Errorf("modified UTF-7 %q: run %q is not in canonical form", s, enc)
			}
			b.WriteRune(r)
		}
	}
	return b.String(), nil
}

// Deliver writes body into the mailbox of addr (folder "" for the inbox)
// with Return-Path: <returnPath> and Delivered-To: addr prepended, and
// returns the path of the new file. The mailbox directories are made on
// first use. When Deliver returns nil the message is on disk.
func (m *Maildir) Deliver(addr model.Address, folder, returnPath string, body []byte) (string, error) {
	dir, err := m.MailboxDir(addr, folder)
	if err != nil {
		return "", err
	}
	if err := m.ensureMaildir(dir, folder != ""); err != nil {
		return "", err
	}
	head := "Return-Path: <" + singleLine(returnPath) + ">\r\n" + "Delivered-To: " + string(addr) + "\r\n"
	size := len(head) + len(body)
	name, err := m.uniqueName(size)
	if err != nil {
		return "", err
	}
	tmp := filepath.Join(dir, "tmp", name)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("deliver to %s: %w", addr, err)
	}
	_, err = f.WriteString(head)
	if err == nil {
		_, err = f.Write(body)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("deliver to %s: write %s: %w", addr, tmp, err)
	}
	final := filepath.Join(dir, "new", name)
	if err := os.Link(tmp, final); err != nil {
		// Some file systems have no hard links: a rename is as atomic.
		if rerr := os.Rename(tmp, final); rerr != nil {
			os.Remove(tmp)
			return "", fmt.Errorf("deliver to %s: move into new/: %w", addr, err)
		}
	} else {
		os.Remove(tmp)
	}
	if err := syncDir(filepath.Join(dir, "new")); err != nil {
		return "", fmt.Errorf("deliver to %s: %w", addr, err)
	}
	return final, nil
}

// uniqueName makes a file name per the Maildir spec, in the form
// "SECONDS.MmicrosPpidQseqRrandom.HOST,S=SIZE" (as Dovecot writes it):
// unique within this process (seq), across processes (pid) and across
// restarts and hosts (random, time, host).
func (m *Maildir) uniqueName(size int) (string, error) {
	var r [8]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", err
	}
	t := m.now()
	return fmt.Sprintf("%d.M%dP%dQ%dR%s.%s,S=%d",
		t.Unix(), t.Nanosecond()/1000, os.Getpid(), m.seq.Add(1), hex.EncodeToString(r[:]), m.hostname, size), nil
}

// ensureMaildir makes dir with tmp, new and cur in it, syncing each parent
// it adds an entry to. A folder also gets the maildirfolder marker file
// (Maildir++), and its parent mailbox is made first.
func (m *Maildir) ensureMaildir(dir string, folder bool) error {
	if fi, err := os.Stat(filepath.Join(dir, "cur")); err == nil && fi.IsDir() {
		return nil
	}
	if folder {
		if err := m.ensureMaildir(filepath.Dir(dir), false); err != nil {
			return err
		}
	}
	if err := mkdirSynced(m.root, dir); err != nil {
		return err
	}
	for _, sub := range []string{"tmp", "new", "cur"} {
		if err := mkdirSynced(m.root, filepath.Join(dir, sub)); err != nil {
			return err
		}
	}
	if folder {
		marker := filepath.Join(dir, "maildirfolder")
		f, err := os.OpenFile(marker, os.O_WRONLY|os.O_CREATE, 0o600)
		if err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		return syncDir(dir)
	}
	return nil
}

// mkdirSynced makes dir and any missing parents below root (mode 0700),
// syncing the parent of each directory it makes.
func mkdirSynced(root, dir string) error {
	if fi, err := os.Stat(dir); err == nil {
		if !fi.IsDir() {
			return fmt.Errorf("%s is not a directory", dir)
		}
		return nil
	}
	parent := filepath.Dir(dir)
	if parent != dir && dir != filepath.Clean(root) {
		if err := mkdirSynced(root, parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	return syncDir(parent)
}

// syncDir fsyncs a directory so the entries made in it are on disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, syscall.EINVAL) {
		return nil // file systems that cannot sync a directory
	}
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// FolderPathDirName returns the Maildir++ directory name of a folder
// below others: its levels each as FolderDirName has them, joined by '.'
// (["客户", "2024"] → ".&W6JiNw-.2024"). No levels is the inbox ("").
func FolderPathDirName(levels []string) (string, error) {
	var b strings.Builder
	for _, l := range levels {
		d, err := FolderDirName(l)
		if err != nil {
			return "", err
		}
		b.WriteString(d)
	}
	return b.String(), nil
}

// folderDir is the directory of a mailbox's folder given by its levels
// (none: the inbox).
func (m *Maildir) folderDir(addr model.Address, levels []string) (string, error) {
	dir, err := m.MailboxDir(addr, "")
	if err != nil {
		return "", err
	}
	if len(levels) == 0 {
		return dir, nil
	}
	name, err := FolderPathDirName(levels)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, name), nil
}

// Import writes a message copied from another server (a mailbox
// migration) into the mailbox of addr, in the folder given by its levels
// (none: the inbox), byte for byte with no header added. The file is named
// "SECONDS.TAG.HOST,S=SIZE" with the caller's tag, which must make it
// unique in the folder and hold no '.', '/' or ':'. A message with Maildir
// info flags (model.MaildirInfo: S for seen, …) goes to cur/ as
// NAME:2,FLAGS, one with none to new/. The file's modification time is
// date (the old server's INTERNALDATE). When Import returns nil the
// file's content is on disk (synced before it is moved in); its entry in
// new/ or cur/ is made durable by SyncFolder, which a migration calls at
// each checkpoint rather than for every message: a message whose entry a
// crash loses is copied again.
func (m *Maildir) Import(addr model.Address, levels []string, tag, info string, body []byte, date time.Time) (string, error) {
	if tag == "" || strings.ContainsAny(tag, "./:\\\x00") {
		return "", fmt.Errorf("import to %s: tag %q: %w", addr, tag, errBadMailbox)
	}
	dir, err := m.folderDir(addr, levels)
	if err != nil {
		return "", err
	}
	if err := m.ensureMaildir(dir, len(levels) > 0); err != nil {
		return "", err
	}
	name := fmt.Sprintf("%d.%s.%s,S=%d", date.Unix(), tag, m.hostname, len(body))
	tmp := filepath.Join(dir, "tmp", name)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("import to %s: %w", addr, err)
	}
	_, err = f.Write(body)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && !date.IsZero() {
		err = os.Chtimes(tmp, date, date)
	}
	if err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("import to %s: write %s: %w", addr, tmp, err)
	}
	sub, final := "new", name
	if info != "" {
		sub, final = "cur", name+":2,"+info
	}
	final = filepath.Join(dir, sub, final)
	if err := os.Rename(tmp, final); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("import to %s: move into %s/: %w", addr, sub, err)
	}
	return final, nil
}

// SyncFolder makes the entries that Import made in a mailbox's folder
// durable (its new/ and cur/ directories synced).
func (m *Maildir) SyncFolder(addr model.Address, levels []string) error {
	dir, err := m.folderDir(addr, levels)
	if err != nil {
		return err
	}
	for _, sub := range []string{"new", "cur"} {
		if err := syncDir(filepath.Join(dir, sub)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// MessageNames lists the base names (without ":2,FLAGS") of the messages
// in new/ and cur/ of a mailbox's folder (none: the inbox); none when the
// folder does not exist yet.
func (m *Maildir) MessageNames(addr model.Address, levels []string) ([]string, error) {
	dir, err := m.folderDir(addr, levels)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, sub := range []string{"new", "cur"} {
		es, err := os.ReadDir(filepath.Join(dir, sub))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			base, _, _ := strings.Cut(e.Name(), ":")
			out = append(out, base)
		}
	}
	return out, nil
}
