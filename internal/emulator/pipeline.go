package emulator

// The part of the request pipeline both contracts share. A front door
// (handle for the legacy contract, handle3 for API 3.0) reads, authenticates
// and routes a request, charges its quota and resolves its region; then it
// hands the call to pass, which applies faults, takes the state lock, reads
// the clock, runs the operation with panic recovery and marks cached
// encodings stale. The door encodes what comes back in its own envelope.

import (
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Contract names, as the request log reports them.
const (
	contractLegacy = "legacy"
	contractAPI3   = "api3"
)

// exchange is a call as the shared pipeline sees it, whichever front door
// read it.
type exchange struct {
	op     operation  // its names under both contracts
	params url.Values // its parameters: faults aim at the ids in them
	region string     // the short region code; "" for an account-wide call
	reads  bool       // it changes nothing
	// requestID is the id its answer carries; an operation it starts
	// remembers it (API 3.0's LatestOperationRequestId).
	requestID string

	// The handler, and what it answers: a legacy one (h, req, out, aerr)
	// or an API 3.0 one (h3, c, out3, aerr3). Fields rather than a
	// closure, so that a call allocates nothing for them.
	h     handler
	req   request
	out   map[string]any
	aerr  *apiError
	h3    handler3
	c     *call3
	out3  map[string]any
	aerr3 *api3Err
}

// serve runs the operation under the state lock, keeping its answer. A
// panic in it is recovered by pass.
func (x *exchange) serve(s *Server, now time.Time, rg *region) {
	if x.h3.fn != nil {
		x.c.rg, x.c.now = rg, now
		x.out3, x.aerr3 = x.h3.fn(s, x.c)
		return
	}
	x.req.region, x.req.now = rg, now
	x.out, x.aerr = x.h.fn(s, &x.req)
}

// outcome is how pass ended.
type outcome int

const (
	// served: serve ran, and the door answers.
	served outcome = iota
	// answered: a fault answered already, or the client went away while a
	// fault held the answer back.
	answered
	// dropped: serve ran, and the connection was closed without an answer,
	// as a fault asked.
	dropped
	// refused: the pipeline refused the call (an injected error, a
	// shutdown, a panic); the door answers the refusal.
	refused
)

// pass runs a routed call through the steps both contracts share. On
// refused, the refusal is in legacy terms (code and message); the API 3.0
// door translates it as any other.
func (s *Server) pass(w http.ResponseWriter, r *http.Request, x *exchange) (outcome, *Fault, *apiError) {
	f := s.takeFault(x.op, x.params)
	drop, wasAnswered, ferr := s.applyFault(r.Context(), w, f)
	if wasAnswered {
		return answered, f, nil
	}
	if ferr != nil {
		return refused, f, ferr
	}
	if perr := s.locked(x); perr != nil {
		return refused, f, perr
	}
	if drop {
		dropConnection(w)
		return dropped, f, nil
	}
	return served, f, nil
}

// locked runs x.serve under the state lock. A panic in it answers
// InternalError (6000) and leaves the lock released and the emulator
// serving: no input may take the emulator down, nor hang the requests
// after it.
func (s *Server) locked(x *exchange) (perr *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return errf(6200, "the emulator is shutting down")
	}
	var rg *region
	if x.region != "" {
		rg = s.regionLocked(x.region)
		if s.opts.AutoAdvance != nil && x.reads {
			s.autoAdvance(rg)
		}
	}
	defer func() {
		s.requestID = ""
		if !x.reads {
			// Anything may have changed, even by a handler that panicked
			// half-way: cached encodings are stale.
			for _, g := range s.regions {
				g.gen++
			}
		}
		if v := recover(); v != nil {
			perr = errf(6000, "the emulator failed serving %s: %s", x.op.name(), panicText(v))
		}
	}()
	s.requestID = x.requestID
	x.serve(s, s.clock.Now(), rg)
	return nil
}

// panicText is a recovered value as one short line.
func panicText(v any) string {
	t := fmt.Sprint(v)
	if len(t) > 200 {
		t = t[:200] + "…"
	}
	return t
}
