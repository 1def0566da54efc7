package model

import (
	"testing"
	"time"
)

// TestRequestFinished: "done" as HR reads it (ACC-5): applied, and for a
// leave request its handover finished too when one was filed and not
// turned down; a handover is finished once its copy is recorded.
func TestRequestFinished(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	long := now.Add(time.Hour)
	copied := &Handed{Folder: "交接-王伟", Messages: 2, Bytes: 10, Time: now}
	for _, tt := range []struct {
		name     string
		leave    RequestState
		handover *Request // nil: none filed
		want     bool
	}{
		{"leave pending", RequestPending, nil, false},
		{"leave applied, no handover", RequestApplied, nil, true},
		{"leave rejected", RequestRejected, nil, false},
		{"handover pending", RequestApplied, &Request{State: RequestPending, Expires: long}, false},
		{"handover expired", RequestApplied, &Request{State: RequestPending, Expires: now}, true},
		{"handover applied, copying", RequestApplied, &Request{State: RequestApplied}, false},
		{"handover copied", RequestApplied, &Request{State: RequestApplied, Handed: copied}, true},
		{"handover rejected", RequestApplied, &Request{State: RequestRejected}, true},
		{"handover withdrawn", RequestApplied, &Request{State: RequestWithdrawn}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := newMemView("example.com")
			v.perms.requests = map[uint64]*Request{}
			leave := &Request{ID: 1, Kind: RequestLeave, State: tt.leave, Expires: long}
			v.perms.requests[1] = leave
			if h := tt.handover; h != nil {
				h.ID, h.Kind, h.Leave = 2, RequestHandover, 1
				leave.Handover = 2
				v.perms.requests[2] = h
				if got, want := h.Finished(v, now), h.State == RequestApplied && h.Handed != nil; got != want {
					t.Errorf("the handover finished %v, want %v", got, want)
				}
				if got, want := h.HandingOver(), h.State == RequestApplied && h.Handed == nil; got != want {
					t.Errorf("the handover handing over %v, want %v", got, want)
				}
			}
			if got := leave.Finished(v, now); got != tt.want {
				t.Errorf("the leave finished %v, want %v", got, tt.want)
			}
		})
	}
}

// TestLeaveRequestOf reads the leave request from a reclaimed leaver's record.
func TestLeaveRequestOf(t *testing.T) {
	for _, tt := range []struct {
		m    Member
		want uint64
	}{
		{Member{Status: StatusReclaimed, Reason: "leaver: request 12"}, 12},
		{Member{Status: StatusDisabled, Reason: "leaver: request 12"}, 0},
		{Member{Status: StatusReclaimed, Reason: "dismissal: request 3"}, 0},
		{Member{Status: StatusReclaimed, Reason: "leaver: request x"}, 0},
		{Member{Status: StatusActive}, 0},
	} {
		if got := LeaveRequestOf(&tt.m); got != tt.want {
			t.Errorf("%+v: %d, want %d", tt.m, got, tt.want)
		}
	}
}
