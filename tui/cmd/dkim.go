package cmd

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"postroom/model"
	"postroom/store"
)

// dkimRecord is what `dkim enable` and `dkim list` print of a key: where
// to publish it and what, never the private half.
type dkimRecord struct {
	Domain   string `json:"domain"`
	Selector string `json:"selector"`
	Name     string `json:"name"`   // the TXT record's DNS name
	Record   string `json:"record"` // its value
	Created  string `json:"created"`
}

func recordOf(k *model.DKIMKey) (dkimRecord, error) {
	rec, err := k.Record()
	if err != nil {
		return dkimRecord{}, err
	}
	return dkimRecord{k.Domain, k.Selector, k.RecordName(), rec, k.Created.UTC().Format(time.RFC3339)}, nil
}

// zoneLine is the record as a zone-file line, its value cut into strings
// of at most 255 characters as DNS requires.
func zoneLine(r dkimRecord) string {
	var parts []string
	for v := r.Record; v != ""; {
		n := min(len(v), 255)
		parts = append(parts, `"`+v[:n]+`"`)
		v = v[n:]
	}
	return fmt.Sprintf("%s. IN TXT ( %s )", r.Name, strings.Join(parts, " "))
}

func dkimCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "dkim", Short: "DKIM signatures on the mail that leaves the company (MAILFX-5)"}
	var asJSON bool
	var selector string
	enable := &cobra.Command{
		Use:   "enable DOMAIN [--selector S]",
		Short: "make an RSA-2048 key for a domain (a new one replaces the old) and print the DNS TXT record to publish",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			ch := &model.EnableDKIM{Domain: args[0], Selector: selector}
			if err := env.apply(ch); err != nil {
				return err
			}
			var out dkimRecord
			err := env.Store.Read(func(r *store.Reader) error {
				k, err := r.DKIMKey(ch.Domain)
				if err != nil || k == nil {
					return fmt.Errorf("the key of %s was not stored: %v", ch.Domain, err)
				}
				out, err = recordOf(k)
				return err
			})
			if err != nil {
				return err
			}
			if asJSON {
				return env.printJSON(out)
			}
			fmt.Fprintf(env.Stdout, "Mail from %s is signed from now on (selector %s). Publish this record in DNS;\nreceivers cannot check the signatures until it is there:\n\n%s\n", out.Domain, out.Selector, zoneLine(out))
			return nil
		},
	}
	enable.Flags().StringVar(&selector, "selector", "", "the selector (default pr + year and month, such as pr202612)")
	enable.Flags().BoolVar(&asJSON, "json", false, "print JSON: domain, selector, name, record, created")
	list := &cobra.Command{
		Use:   "list",
		Short: "the domains whose mail is signed, with the record each needs in DNS",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return env.Store.Read(func(r *store.Reader) error {
				if err := env.authorize(r, model.RightOrgManage, nil); err != nil {
					return err
				}
				keys, err := r.DKIMKeys()
				if err != nil {
					return err
				}
				out := []dkimRecord{}
				for i := range keys {
					rec, err := recordOf(&keys[i])
					if err != nil {
						return err
					}
					out = append(out, rec)
				}
				if asJSON {
					return env.printJSON(out)
				}
				if len(out) == 0 {
					fmt.Fprintln(env.Stdout, "No domain's mail is signed: dkim enable DOMAIN makes a key.")
					return nil
				}
				for _, rec := range out {
					fmt.Fprintln(env.Stdout, zoneLine(rec))
				}
				return nil
			})
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON: an array of domain, selector, name, record, created")
	disable := simple(env, "disable DOMAIN", "stop signing a domain's mail and forget its key", 1, func(args []string) (model.Change, error) {
		return &model.DisableDKIM{Domain: args[0]}, nil
	}, func(args []string) string {
		return "mail from " + args[0] + " is no longer signed; remove its DKIM record from DNS"
	})
	c.AddCommand(enable, list, disable)
	return c
}
