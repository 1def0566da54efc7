package store

// Event says that something changed; it is published after the commit.
type Event struct {
	// Kind is member, dept, group, shared, perm (a catalogue entry),
	// request (Key is the request id), login (an attempt was logged)
	// or queue (a QueueDecision: mail released, rejected, retried or
	// dropped; held mail the relay took in; a hold the sweeper decided;
	// Key is the message id, or "all").
	Kind string
	Key  string
}

func (w *writeTx) event(kind, key string) {
	w.events = append(w.events, Event{Kind: kind, Key: key})
}

// Subscribe returns a channel of events and a function that ends the
// subscription. A subscriber that falls behind loses events, never blocks
// the writer; it should reload what it shows.
func (s *Store) Subscribe() (<-chan Event, func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan Event, 256)
	id := s.nextID
	s.nextID++
	s.subs[id] = ch
	return ch, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if c, ok := s.subs[id]; ok {
			close(c)
			delete(s.subs, id)
		}
	}
}

// Notify publishes an event about a change kept outside the directory,
// such as held mail arriving in the spool (kind "queue", the message id as
// key). It writes nothing and never blocks: publishing is in memory, so the
// relay may call it without a directory write.
func (s *Store) Notify(kind, key string) {
	s.publish([]Event{{Kind: kind, Key: key}})
}

func (s *Store) publish(events []Event) {
	if len(events) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ch := range s.subs {
		for _, e := range events {
			select {
			case ch <- e:
			default:
			}
		}
	}
}
