package cmd

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"postroom/model"
	"postroom/store"
)

// listCmd is `list`: mailing lists for outside subscribers (LIST-2).
func listCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "list", Short: "mailing lists for outside subscribers: subscribe by mail to LOCAL+subscribe@DOMAIN"}

	var name string
	var senders []string
	add := &cobra.Command{
		Use:   "add ADDR --name NAME [--sender ADDR]...",
		Short: "create a mailing list; people subscribe by mail to LOCAL+subscribe@DOMAIN and confirm by reply",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := addr(args[0])
			if err != nil {
				return err
			}
			ss, err := addrs(senders)
			if err != nil {
				return err
			}
			if err := env.apply(&model.AddList{Address: a, Name: name, Senders: ss}); err != nil {
				return err
			}
			env.printf("list %s created; subscribe by mail to %s\n", a, model.ListTagAddress(a, model.ListTagSubscribe))
			return nil
		},
	}
	add.Flags().StringVar(&name, "name", "", "the list's name, shown to subscribers, e.g. 产品通讯")
	add.Flags().StringSliceVar(&senders, "sender", nil, "a member who may post to the list; repeat it")

	var setName string
	var bounceLimit, bounceDays int
	set := &cobra.Command{
		Use:   "set ADDR [--name NAME] [--bounce-limit N] [--bounce-days D]",
		Short: "rename a list, or change its bounce rule: N hard bounces within D days take a subscriber off (default 3 within 30)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := addr(args[0])
			if err != nil {
				return err
			}
			ch := &model.SetList{Address: a}
			if c.Flags().Changed("name") {
				ch.Name = &setName
			}
			if c.Flags().Changed("bounce-limit") {
				ch.BounceLimit = &bounceLimit
			}
			if c.Flags().Changed("bounce-days") {
				ch.BounceDays = &bounceDays
			}
			if ch.Name == nil && ch.BounceLimit == nil && ch.BounceDays == nil {
				return model.Invalidf("nothing to change: give --name NAME, --bounce-limit N or --bounce-days D")
			}
			if err := env.apply(ch); err != nil {
				return err
			}
			env.printf("list %s saved\n", a)
			return nil
		},
	}
	set.Flags().StringVar(&setName, "name", "", "new name")
	set.Flags().IntVar(&bounceLimit, "bounce-limit", model.DefaultBounceLimit, "hard bounces within --bounce-days that take a subscriber off (1 to 100)")
	set.Flags().IntVar(&bounceDays, "bounce-days", model.DefaultBounceDays, "the days hard bounces are counted over (1 to 365)")

	rm := simple(env, "rm ADDR", "delete a list with its subscribers and statistics", 1, func(args []string) (model.Change, error) {
		a, err := addr(args[0])
		return &model.DeleteList{Address: a}, err
	}, func(args []string) string { return args[0] + " deleted" })

	var lsJSON bool
	ls := &cobra.Command{
		Use:   "ls",
		Short: "the mailing lists with their counts",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return env.Store.Read(func(r *store.Reader) error {
				if err := env.authorize(r, model.RightListManage, nil); err != nil {
					return err
				}
				ls, err := r.MailingLists()
				if err != nil {
					return err
				}
				out := []listJSON{}
				for _, l := range ls {
					out = append(out, toListJSON(l))
				}
				if lsJSON {
					return env.printJSON(out)
				}
				var rows [][]string
				for _, l := range out {
					rows = append(rows, []string{l.Address, l.Name, strconv.Itoa(l.Subscribed), strconv.Itoa(l.Unconfirmed), strconv.Itoa(l.Unsubscribed), strconv.Itoa(l.Bouncing), strings.Join(l.Senders, ", ")})
				}
				env.table([]string{"ADDRESS", "NAME", "SUBSCRIBED", "UNCONFIRMED", "UNSUBSCRIBED", "BOUNCING", "SENDERS"}, rows)
				return nil
			})
		},
	}
	ls.Flags().BoolVar(&lsJSON, "json", false, "print JSON")

	var showJSON bool
	show := &cobra.Command{
		Use:   "show ADDR",
		Short: "a list: its counts of subscribed, unconfirmed, unsubscribed and bouncing addresses, its bounce rule and its senders",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := addr(args[0])
			if err != nil {
				return err
			}
			return env.Store.Read(func(r *store.Reader) error {
				if err := env.authorize(r, model.RightListManage, nil); err != nil {
					return err
				}
				l, err := r.MailingList(a)
				if err != nil {
					return err
				}
				j := toListJSON(l)
				if showJSON {
					return env.printJSON(j)
				}
				env.table([]string{"FIELD", "VALUE"}, [][]string{{"address", j.Address}, {"name", j.Name},
					{"subscribed", strconv.Itoa(j.Subscribed)}, {"unconfirmed", strconv.Itoa(j.Unconfirmed)}, {"unsubscribed", strconv.Itoa(j.Unsubscribed)},
					{"bouncing", strconv.Itoa(j.Bouncing)}, {"bounce rule", fmt.Sprintf("%d hard bounces within %d days", j.BounceLimit, j.BounceDays)},
					{"senders", strings.Join(j.Senders, ", ")}, {"subscribe", j.Subscribe}, {"unsubscribe", j.Unsubscribe}, {"created", j.Created}})
				return nil
			})
		},
	}
	show.Flags().BoolVar(&showJSON, "json", false, "print JSON")

	c.AddCommand(add, set, rm, ls, show, listImportCmd(env), listSenderCmd(env), listSubscriberCmd(env), listSubscribersCmd(env), listStatsCmd(env))
	return c
}

// listJSON is a list as `list show --json` prints it.
type listJSON struct {
	Address      string `json:"address"`
	Name         string `json:"name"`
	Subscribed   int    `json:"subscribed"`
	Unconfirmed  int    `json:"unconfirmed"`
	Unsubscribed int    `json:"unsubscribed"`
	// Bouncing are the subscribers taken off after BounceLimit hard
	// bounces within BounceDays days.
	Bouncing    int      `json:"bouncing"`
	BounceLimit int      `json:"bounce_limit"`
	BounceDays  int      `json:"bounce_days"`
	Senders     []string `json:"senders"`
	Subscribe   string   `json:"subscribe"`
	Unsubscribe string   `json:"unsubscribe"`
	Created     string   `json:"created"`
}

func toListJSON(l *model.MailingList) listJSON {
	j := listJSON{Address: string(l.Address), Name: l.Name, Subscribed: l.Counts.Subscribed, Unconfirmed: l.Counts.Unconfirmed,
		Unsubscribed: l.Counts.Unsubscribed, Senders: []string{},
		Subscribe: model.ListTagAddress(l.Address, model.ListTagSubscribe), Unsubscribe: model.ListTagAddress(l.Address, model.ListTagUnsubscribe),
		Created: l.Created.Format(time.RFC3339)}
	j.Bouncing = l.Counts.Bouncing
	j.BounceLimit, j.BounceDays = l.BounceRule()
	for _, s := range l.Senders {
		j.Senders = append(j.Senders, string(s))
	}
	return j
}

func listSenderCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "sender", Short: "the members who may post to a list"}
	add := simple(env, "add LIST ADDR", "let a member post to the list", 2, func(args []string) (model.Change, error) {
		l, err := addr(args[0])
		if err != nil {
			return nil, err
		}
		a, err := addr(args[1])
		return &model.SetList{Address: l, AddSenders: []model.Address{a}}, err
	}, func(args []string) string { return args[1] + " may post to " + args[0] })
	rm := simple(env, "rm LIST ADDR", "stop a member posting to the list", 2, func(args []string) (model.Change, error) {
		l, err := addr(args[0])
		if err != nil {
			return nil, err
		}
		a, err := addr(args[1])
		return &model.SetList{Address: l, RemoveSenders: []model.Address{a}}, err
	}, func(args []string) string { return args[1] + " no longer posts to " + args[0] })
	c.AddCommand(add, rm)
	return c
}

func listSubscriberCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "subscriber", Short: "add or remove subscribers by hand (people who agreed elsewhere)"}
	var resubscribe bool
	add := &cobra.Command{
		Use:   "add LIST ADDR... [--resubscribe]",
		Short: "subscribe addresses at once (they agreed elsewhere, such as on a paper form)",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			l, err := addr(args[0])
			if err != nil {
				return err
			}
			ch := &model.AddSubscribers{List: l, Addresses: args[1:], Resubscribe: resubscribe}
			if err := env.apply(ch); err != nil {
				return err
			}
			env.printf("%d subscribed to %s\n", ch.Added, l)
			for _, s := range ch.Skipped {
				env.printf("skipped %s\n", s)
			}
			return nil
		},
	}
	add.Flags().BoolVar(&resubscribe, "resubscribe", false, "also bring back addresses that unsubscribed (only when they asked again)")
	rm := simple(env, "rm LIST ADDR", "unsubscribe an address", 2, func(args []string) (model.Change, error) {
		l, err := addr(args[0])
		return &model.Unsubscribe{List: l, Address: args[1]}, err
	}, func(args []string) string { return args[1] + " unsubscribed from " + args[0] })
	c.AddCommand(add, rm)
	return c
}

// subscriberJSON is one subscriber as `list subscribers --json` prints it.
type subscriberJSON struct {
	Address      string `json:"address"`
	Status       string `json:"status"`
	Requested    string `json:"requested,omitempty"`
	Confirmed    string `json:"confirmed,omitempty"`
	Unsubscribed string `json:"unsubscribed,omitempty"`
	Via          string `json:"via,omitempty"`
	Name         string `json:"name,omitempty"`
	// AttestedBy is the admin who attested consent (list import --confirmed).
	AttestedBy string `json:"attested_by,omitempty"`
	// HardBounces are those within the list's window.
	HardBounces int `json:"hard_bounces"`
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

func listSubscribersCmd(env *Env) *cobra.Command {
	var status string
	var limit int
	var asJSON bool
	c := &cobra.Command{
		Use:   "subscribers LIST [--status subscribed|unconfirmed|unsubscribed|bouncing] [--limit N]",
		Short: "a list's subscribers, by state and address",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			l, err := addr(args[0])
			if err != nil {
				return err
			}
			st, err := model.ParseSubStatus(status)
			if err != nil {
				return err
			}
			return env.Store.Read(func(r *store.Reader) error {
				if err := env.authorize(r, model.RightListManage, nil); err != nil {
					return err
				}
				if _, err := r.MailingList(l); err != nil {
					return err
				}
				out := []subscriberJSON{}
				if err := r.Subscribers(l, st, func(s *model.Subscriber) bool {
					out = append(out, subscriberJSON{Address: s.Address, Status: string(s.Status), Requested: stamp(s.Requested),
						Confirmed: stamp(s.Confirmed), Unsubscribed: stamp(s.Left), Via: s.Via, Name: s.Name, AttestedBy: string(s.Attested), HardBounces: len(s.Bounces)})
					return limit <= 0 || len(out) < limit
				}); err != nil {
					return err
				}
				if asJSON {
					return env.printJSON(out)
				}
				var rows [][]string
				for _, s := range out {
					rows = append(rows, []string{s.Address, s.Status, s.Requested, s.Confirmed, s.Unsubscribed, s.Via, strconv.Itoa(s.HardBounces)})
				}
				env.table([]string{"ADDRESS", "STATUS", "REQUESTED", "CONFIRMED", "LEFT", "VIA", "HARD BOUNCES"}, rows)
				return nil
			})
		},
	}
	c.Flags().StringVar(&status, "status", "", "only subscribed, unconfirmed, unsubscribed or bouncing")
	c.Flags().IntVar(&limit, "limit", 0, "at most N (0: all)")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func listStatsCmd(env *Env) *cobra.Command {
	var days int
	var asJSON bool
	c := &cobra.Command{
		Use:   "stats LIST [--days N]",
		Short: "a list's statistics by day: posts, copies delivered, bounces, subscribes, unsubscribes, subscribers taken off after bouncing",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			l, err := addr(args[0])
			if err != nil {
				return err
			}
			if days < 1 || days > 3660 {
				return model.Invalidf("--days takes 1 to 3660, not %d", days)
			}
			return env.Store.Read(func(r *store.Reader) error {
				if err := env.authorize(r, model.RightListManage, nil); err != nil {
					return err
				}
				if _, err := r.MailingList(l); err != nil {
					return err
				}
				now := env.Store.Now()
				out, err := r.ListDays(l, model.DayOf(now.AddDate(0, 0, -(days-1))), model.DayOf(now))
				if err != nil {
					return err
				}
				if asJSON {
					return env.printJSON(out)
				}
				var rows [][]string
				var sum model.ListDay
				for _, d := range out {
					sum.Add(d)
					rows = append(rows, listDayRow(d.Day, d))
				}
				rows = append(rows, listDayRow(fmt.Sprintf("%d days", days), sum))
				env.table([]string{"DAY", "POSTS", "DELIVERED", "BOUNCED", "SUBSCRIBED", "UNSUBSCRIBED", "REMOVED"}, rows)
				return nil
			})
		},
	}
	c.Flags().IntVar(&days, "days", 30, "how many days back, today included")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON: the days with something counted")
	return c
}

func listDayRow(label string, d model.ListDay) []string {
	return []string{label, strconv.Itoa(d.Posts), strconv.Itoa(d.Delivered), strconv.Itoa(d.Bounced), strconv.Itoa(d.Subscribed), strconv.Itoa(d.Unsubscribed), strconv.Itoa(d.Removed)}
}
