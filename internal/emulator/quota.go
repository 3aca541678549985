package emulator

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// window is a sliding-window log: the instants of the calls counted in the
// last QuotaWindow, in a ring of the quota's size.
type window struct {
	at    []time.Time
	start int
	n     int
}

func (w *window) allow(now time.Time, span time.Duration, limit int) bool {
	if w.at == nil {
		w.at = make([]time.Time, limit)
	}
	for w.n > 0 && !w.at[w.start].After(now.Add(-span)) {
		w.start = (w.start + 1) % len(w.at)
		w.n--
	}
	return w.n < limit
}

func (w *window) add(now time.Time) {
	w.at[(w.start+w.n)%len(w.at)] = now
	w.n++
}

// charge counts a call against the account's and the action's quota, or
// answers 4400. A refused call is not counted.
func (s *Server) charge(secretID, action string) *apiError {
	if s.opts.QuotasOff {
		return nil
	}
	now := s.clock.Now()
	s.quotaMu.Lock()
	defer s.quotaMu.Unlock()
	g := s.quota[secretID]
	if g == nil {
		g = &window{}
		s.quota[secretID] = g
	}
	ak := secretID + "\x00" + action
	a := s.quota[ak]
	if a == nil {
		a = &window{}
		s.quota[ak] = a
	}
	span := s.opts.QuotaWindow
	if !g.allow(now, span, s.opts.QuotaGlobal) {
		return errf(4400, "超过配额: more than %d calls in %v for this account", s.opts.QuotaGlobal, span)
	}
	if !a.allow(now, span, s.opts.QuotaAction) {
		return errf(4400, "超过配额: more than %d calls of %s in %v", s.opts.QuotaAction, action, span)
	}
	g.add(now)
	a.add(now)
	return nil
}

// Fault is an injected failure for an action ("*" for every action).
type Fault struct {
	// Code, when not 0, is answered as an error code (before acting).
	Code    int
	Message string
	// HTTPStatus, when not 0, is answered with Body (before acting), as a
	// proxy in front of the API would: an HTML 502 page, say.
	HTTPStatus int
	Body       string
	// Delay holds the answer back (wall-clock time, so that clients'
	// deadlines are exercised).
	Delay time.Duration
	// Drop closes the connection without an answer after the server has
	// acted: the lost-answer case.
	Drop bool
	// Times is how many calls it applies to; 0 means every call.
	Times int
	// Probability, when in (0, 1), applies it to that share of calls,
	// drawn from the Seed.
	Probability float64
	// IDs, when set, aim the fault at resources: it matches only calls
	// with a parameter (in whatever spelling the action uses: instanceId,
	// instanceIds.n, unInstanceId, eipId, sgId, ...) whose value is one of
	// them.
	IDs []string
}

// names reports whether a call's parameters name one of f's resources.
func (f *Fault) names(params url.Values) bool {
	if len(f.IDs) == 0 {
		return true
	}
	for k, vs := range params {
		switch k {
		case "Action", "Region", "SecretId", "Signature", "Timestamp", "Nonce", "SignatureMethod", "Token", "RequestClient":
			continue
		}
		for _, v := range vs {
			if slices.Contains(f.IDs, v) {
				return true
			}
		}
	}
	return false
}

// InjectFault adds a fault for an operation, named by either contract's
// action name ("StopInstances", "RestartInstances" or "RebootInstances",
// "EipBindInstance" or "AssociateAddress" or "vpc AssociateAddress"), or for
// every action with "*". It fires whichever contract the call comes through.
func (s *Server) InjectFault(action string, f Fault) {
	if _, name, ok := strings.Cut(action, " "); ok {
		action = name // "vpc AssociateAddress": the bare name names it
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	fc := f
	s.faults[action] = append(s.faults[action], &fc)
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	clear(s.faults)
}

// takeFault returns the fault that applies to this call, if any: one
// aimed at the operation by any of its names under either contract, before
// one aimed at every action ("*").
func (s *Server) takeFault(op operation, params url.Values) *Fault {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	if len(s.faults) == 0 {
		return nil
	}
	var buf [4]string
	keys := buf[:0]
	for key := range s.faults {
		if key != "*" && op.is(key) {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys) // which applies first must not depend on map order
	for _, key := range append(keys, "*") {
		list := s.faults[key]
		for i, f := range list {
			if !f.names(params) {
				continue
			}
			if f.Probability > 0 && f.Probability < 1 && s.prng.Float64() >= f.Probability {
				continue
			}
			if f.Times > 0 {
				f.Times--
				if f.Times == 0 {
					s.faults[key] = append(list[:i:i], list[i+1:]...)
				}
			}
			return f
		}
	}
	return nil
}

// applyFault plays a fault's part before the action runs. It reports
// whether to drop the answer afterwards, and whether the answer was already
// given (or the client went away).
func (s *Server) applyFault(ctx context.Context, w http.ResponseWriter, f *Fault) (drop, answered bool, aerr *apiError) {
	if f == nil {
		return false, false, nil
	}
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return false, true, nil
		}
	}
	if f.HTTPStatus != 0 {
		status := f.HTTPStatus
		if status < 200 || status > 599 {
			// Refused by the admin API; from Go, an answer net/http can
			// send rather than a panic in WriteHeader.
			status = http.StatusInternalServerError
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(f.Body))
		return false, true, nil
	}
	if f.Code != 0 {
		msg := f.Message
		if msg == "" {
			msg = "injected fault"
		}
		return false, false, errf(f.Code, "%s", msg)
	}
	return f.Drop, false, nil
}

// resetQuotas forgets every quota window and remembered request.
func (s *Server) resetQuotas() {
	s.quotaMu.Lock()
	s.quota = make(map[string]*window)
	s.quotaMu.Unlock()
	s.replay.reset()
}
