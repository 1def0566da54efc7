package cmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
)

// DBFile is the database's name inside the data directory.
const DBFile = "postroom.db"

// OpenData opens the store in a data directory for the local door. When a
// running server holds it, the error says how to reach that server instead.
func OpenData(dir string, opt store.Options) (*store.Store, error) {
	path := filepath.Join(dir, DBFile)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, model.NotFoundf("no postroom data in %s: create it with postroom init --data %s --org NAME --domain DOMAIN --admin ADDR, or point --data at it", dir, dir)
	}
	s, err := store.Open(path, opt)
	if errors.Is(err, store.ErrLocked) {
		host, port := "HOST", "2222"
		if b, rerr := os.ReadFile(filepath.Join(dir, ServeInfoFile)); rerr == nil {
			var info ServeInfo
			if json.Unmarshal(b, &info) == nil {
				if h, p, serr := net.SplitHostPort(info.SSH); serr == nil {
					port = p
					if h != "" && h != "::" && h != "0.0.0.0" {
						host = h
					}
				}
			}
		}
		return nil, model.Conflictf("the data in %s is in use by a running postroom serve; run the command through it instead: ssh -p %s YOU@%s COMMAND (e.g. ssh -p %s YOU@%s member list)", dir, port, host, port, host)
	}
	return s, err
}

// LocalActor is the person the local operator acts as: --as, or the
// first admin.
func LocalActor(s *store.Store, as string) (model.Actor, error) {
	var act model.Actor
	err := s.Read(func(r *store.Reader) error {
		var a model.Address
		if as != "" {
			var err error
			if a, err = model.ParseAddress(as); err != nil {
				return err
			}
			m, err := r.Resolve(a)
			if err != nil {
				return err
			}
			a = m.Address
		} else {
			admins, err := r.Admins()
			if err != nil {
				return err
			}
			var first *model.Member
			for _, x := range admins {
				m, err := r.Member(x)
				if err == nil && m.Status == model.StatusActive && (first == nil || m.Created.Before(first.Created)) {
					first = m
				}
			}
			if first == nil {
				return model.NotFoundf("no active admin to act as: name one with --as ADDR")
			}
			a = first.Address
		}
		var err error
		act, err = r.Actor(a, model.DoorCLI, "local")
		return err
	})
	return act, err
}

// MakeCertificate, when set, makes the mail relay's self-signed TLS
// certificate in a new data directory during init (main sets it to
// mail.InitCertificate: this package may not import the relay). logf reports
// an unusable pair that was made again.
var MakeCertificate func(dataDir string, now time.Time, logf func(format string, args ...any)) error

// InitCmd is `postroom init`, for the local door only.
func InitCmd(dataDir *string, stdin io.Reader, stdout, stderr io.Writer, opt store.Options) *cobra.Command {
	var org, domain, admin, adminName, keyFile string
	var pwStdin, demo bool
	c := &cobra.Command{
		Use:   "init --data DIR --org NAME --domain DOMAIN --admin ADDR [--admin-key PUBKEY_FILE] [--admin-password-stdin] [--demo]",
		Short: "create the enterprise in a new data directory",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if demo {
				d := assets.Demo()
				org = or(org, d.Name)
				domain = or(domain, d.Domain)
				admin = or(admin, assets.DemoLogins()[0].Address)
			}
			if org == "" || domain == "" || admin == "" {
				return model.Invalidf("init needs --org NAME, --domain DOMAIN and --admin ADDR (or --demo for the sample company)")
			}
			if !pwStdin && keyFile == "" && !demo {
				return model.Invalidf("the first admin needs a way in: --admin-key PUBKEY_FILE, --admin-password-stdin, or both")
			}
			a, err := model.ParseAddress(admin)
			if err != nil {
				return err
			}
			ch := &model.InitEnterprise{Name: org, Domain: domain, Admin: a, AdminName: adminName}
			if keyFile != "" {
				b, err := os.ReadFile(keyFile)
				if err != nil {
					return model.NotFoundf("cannot read the admin key %s: %v", keyFile, err)
				}
				ch.AdminKey = strings.TrimSpace(string(b))
			}
			if pwStdin {
				env := &Env{Stdin: stdin}
				if ch.Password, err = env.readSecret("password"); err != nil {
					return err
				}
			}
			if err := os.MkdirAll(*dataDir, 0o700); err != nil {
				return fmt.Errorf("init: %w", err)
			}
			path := filepath.Join(*dataDir, DBFile)
			if _, err := os.Stat(path); err == nil {
				return model.Existsf("%s already holds postroom data; pick an empty --data directory", *dataDir)
			}
			if MakeCertificate != nil {
				now := time.Now
				if opt.Now != nil {
					now = opt.Now
				}
				if err := MakeCertificate(*dataDir, now(), func(format string, args ...any) {
					fmt.Fprintf(stderr, "init: "+format+"\n", args...)
				}); err != nil {
					return fmt.Errorf("init: the mail relay's TLS certificate: %w", err)
				}
			}
			s, err := store.Open(path, opt)
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.Apply(model.System(model.DoorCLI), ch); err != nil {
				s.Close()
				os.Remove(path)
				return err
			}
			fmt.Fprintf(stdout, "created %s (%s) in %s; admin %s\n", org, domain, *dataDir, a)
			if demo {
				act, err := LocalActor(s, string(a))
				if err != nil {
					return err
				}
				n, err := BuildDemo(s, act)
				if err != nil {
					return fmt.Errorf("demo data: %w", err)
				}
				fmt.Fprintf(stdout, "demo company: %d members\n", n)
			}
			return nil
		},
	}
	fl := c.Flags()
	fl.StringVar(&org, "org", "", "enterprise name, e.g. 示例科技有限公司")
	fl.StringVar(&domain, "domain", "", "the first mail domain")
	fl.StringVar(&admin, "admin", "", "the first admin's address")
	fl.StringVar(&adminName, "admin-name", "", "the first admin's name")
	fl.StringVar(&keyFile, "admin-key", "", "the first admin's OpenSSH public key file")
	fl.BoolVar(&pwStdin, "admin-password-stdin", false, "read the first admin's password from standard input")
	fl.BoolVar(&demo, "demo", false, "fill in the sample company 示例科技有限公司")
	return c
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// BuildDemo fills the store with the demo company, as the given admin, in
// one transaction. It returns how many members the directory then has.
func BuildDemo(s *store.Store, act model.Actor) (int, error) {
	d := assets.Demo()
	logins := map[string]string{}
	for _, l := range assets.DemoLogins() {
		logins[l.Address] = l.Password
	}
	var changes []model.Change
	var domainMissing bool
	var existing map[model.Address]bool
	if err := s.Read(func(r *store.Reader) error {
		domainMissing = !r.IsLocal(d.Domain)
		existing = map[model.Address]bool{}
		for _, m := range d.Members {
			if _, err := r.Member(model.Address(m.Address)); err == nil {
				existing[model.Address(m.Address)] = true
			}
		}
		return nil
	}); err != nil {
		return 0, err
	}
	if domainMissing {
		changes = append(changes, &model.AddDomain{Name: d.Domain})
	}
	phone, contact, address, desc := d.Phone, d.Contact, d.Address, d.Description
	shared := true
	changes = append(changes, &model.SetEnterprise{Name: &d.Name, Phone: &phone, Contact: &contact, Address: &address, Description: &desc, AddressBookShared: &shared})
	for _, dept := range d.Depts {
		changes = append(changes, &model.AddDept{Path: dept.Path})
	}
	for _, m := range d.Members {
		a := model.Address(m.Address)
		f := model.MemberFields{Name: m.Name, Depts: m.Depts, Title: m.Title, Position: m.Position, EmployeeID: m.EmployeeID,
			Mobile: m.Mobile, Phone: m.Phone, Gender: m.Gender, Birthday: m.Birthday}
		if existing[a] {
			changes = append(changes, &model.SetMember{Address: a, Fields: f, Set: map[string]bool{"name": true, "depts": true, "title": true,
				"position": true, "employee_id": true, "mobile": true, "phone": true, "gender": true, "birthday": true}})
			if pw := logins[m.Address]; pw != "" {
				changes = append(changes, &model.SetPassword{Address: a, Password: pw})
			}
			continue
		}
		changes = append(changes, &model.AddMember{Address: a, Fields: f, Password: logins[m.Address]})
	}
	for _, dept := range d.Depts {
		heads := make([]model.Address, 0, len(dept.Heads))
		for _, h := range dept.Heads {
			heads = append(heads, model.Address(h))
		}
		ch := &model.SetDept{Path: dept.Path, Heads: &heads}
		if dept.Officer != "" {
			o := model.Address(dept.Officer)
			ch.Officer = &o
		}
		if dept.Mailbox != "" {
			mb := model.Address(dept.Mailbox)
			ch.Mailbox = &mb
		}
		changes = append(changes, ch)
	}
	for _, sh := range d.Shared {
		changes = append(changes, &model.AddShared{Address: model.Address(sh.Address), Name: sh.Name, Dept: sh.Dept})
	}
	for _, p := range d.Perms {
		changes = append(changes, &model.SetPermission{Name: p.Name, Owner: p.Owner})
	}
	for _, g := range d.Groups {
		changes = append(changes, &model.AddGroup{Address: model.Address(g.Address), Name: g.Name, Post: g.Post})
		for _, m := range g.Members {
			changes = append(changes, &model.GroupMember{Group: model.Address(g.Address), Member: model.Address(m)})
		}
		for _, p := range g.Depts {
			changes = append(changes, &model.GroupMember{Group: model.Address(g.Address), Dept: p})
		}
	}
	for _, m := range d.Members {
		for _, r := range m.Roles {
			role, err := model.ParseRole(r.Role)
			if err != nil {
				return 0, err
			}
			if role == model.RoleAdmin && slices.ContainsFunc(act.Roles, func(g model.RoleGrant) bool { return g.Role == model.RoleAdmin }) && model.Address(m.Address) == act.Address {
				continue
			}
			var rights []model.SubRight
			for _, x := range r.Rights {
				rights = append(rights, model.SubRight(x))
			}
			changes = append(changes, &model.GrantRole{Address: model.Address(m.Address), Role: role, Scope: r.Scope, Rights: rights})
		}
	}
	if err := s.Apply(act, changes...); err != nil {
		return 0, err
	}
	var n int
	s.Read(func(r *store.Reader) error { n = r.Count().Members; return nil })
	return n, nil
}

// ServeInfoFile is where a running `postroom serve` says how to reach it.
const ServeInfoFile = "serve.json"

// ServeInfo is the content of ServeInfoFile.
type ServeInfo struct {
	PID        int    `json:"pid"`
	SSH        string `json:"ssh"`
	SMTP       string `json:"smtp,omitempty"`
	Submission string `json:"submission,omitempty"`
}
