package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// admin serves the admin API of one handler made by Admin.
type admin struct {
	s     *Server
	opts  AdminOptions
	reset func() error
}

// adminRoutes are the admin API's endpoints, as http.ServeMux patterns.
var adminRoutes = []struct {
	pattern string
	serve   func(a *admin, w http.ResponseWriter, r *http.Request)
}{
	{"GET /_emulator/health", (*admin).health},
	{"POST /_emulator/reset", (*admin).resetState},
	{"POST /_emulator/seed", (*admin).seed},
	{"GET /_emulator/state", (*admin).getState},
	{"PUT /_emulator/state", (*admin).putState},
	{"POST /_emulator/faults", (*admin).addFault},
	{"DELETE /_emulator/faults", (*admin).clearFaults},
	{"POST /_emulator/clock", (*admin).advanceClock},
	{"GET /_emulator/requests", (*admin).requests},
	{"DELETE /_emulator/requests", (*admin).clearRequests},
}

// Admin returns a handler of the API with the admin API mounted under
// AdminPrefix:
//
//	GET    /_emulator/health    {"status":"ok","actions":N,"time":...,"inFlight":N}
//	POST   /_emulator/reset     back to the state at start
//	POST   /_emulator/seed      resources added: the JSON of a Seed; answers their ids
//	GET    /_emulator/state     a snapshot; PUT restores one
//	POST   /_emulator/faults    {"action":"StopInstances","code":6000,...}: action is
//	                            either contract's name ("RebootInstances", "vpc AssociateAddress")
//	DELETE /_emulator/faults    every fault removed
//	POST   /_emulator/clock     {"advance":"5s"} on a fake clock
//	GET    /_emulator/requests  {"requests":[{time, method, path, action, module, region, code, status, requestId,
//	                            contract, legacyActions, api3Actions, params}]},
//	                            ?action=&code=&since= (RFC 3339) filter it (action by either contract's name);
//	                            DELETE clears it
func (s *Server) Admin(opts AdminOptions) http.Handler {
	a := &admin{s: s, opts: opts, reset: opts.Reset}
	if a.reset == nil {
		initial := s.Snapshot() // only when no Reset is given: a copy of the whole state
		a.reset = func() error { return s.Restore(initial) }
	}
	mux := http.NewServeMux()
	for _, rt := range adminRoutes {
		mux.HandleFunc(rt.pattern, func(w http.ResponseWriter, r *http.Request) { rt.serve(a, w, r) })
	}
	mux.HandleFunc(AdminPrefix, func(w http.ResponseWriter, r *http.Request) {
		adminError(w, http.StatusNotFound, "no admin endpoint %s %s", r.Method, r.URL.Path)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, AdminPrefix) {
			s.ServeHTTP(w, r)
			return
		}
		if !adminAllowed(r, opts.Token) {
			adminError(w, http.StatusForbidden, "the admin API is served to loopback clients, or with the -admin-token as a bearer token")
			return
		}
		if why := crossSite(r, opts.Token); why != "" {
			adminError(w, http.StatusForbidden, "%s", why)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func (a *admin) health(w http.ResponseWriter, _ *http.Request) {
	s := a.s
	writeJSON(w, map[string]any{"status": "ok", "actions": len(handlers), "time": s.clock.Now().UTC(), "inFlight": s.InFlight()})
}

func (a *admin) resetState(w http.ResponseWriter, _ *http.Request) {
	if err := a.reset(); err != nil {
		adminError(w, http.StatusInternalServerError, "reset: %v", err)
		return
	}
	a.s.ClearFaults()
	a.s.reqLog.clear()
	a.s.resetQuotas()
	writeJSON(w, map[string]any{"status": "reset"})
}

func (a *admin) seed(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		adminError(w, http.StatusBadRequest, "reading the seed: %v", err)
		return
	}
	sd, err := ParseSeed(b)
	if err == nil {
		var n int
		if n, err = sd.Size(); err == nil && n > MaxSeedRequest {
			err = fmt.Errorf("seed: %d resources asked for, past the cap of %d a request", n, MaxSeedRequest)
		}
	}
	var res SeedResult
	if err == nil {
		res, err = a.s.ApplySeed(sd)
	}
	if err != nil {
		adminError(w, http.StatusBadRequest, "%v", err)
		return
	}
	writeJSON(w, map[string]any{"status": "seeded", "regions": res.Regions})
}

func (a *admin) getState(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = WriteSnapshot(w, a.s.Snapshot()) // written as it goes: a failure mid-way cuts the answer short
}

func (a *admin) putState(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		adminError(w, http.StatusBadRequest, "reading the snapshot: %v", err)
		return
	}
	snap, err := UnmarshalSnapshot(b)
	if err == nil {
		err = a.s.Restore(snap)
	}
	if err != nil {
		adminError(w, http.StatusBadRequest, "%v", err)
		return
	}
	if a.opts.SaveState != nil {
		if err := a.opts.SaveState(); err != nil {
			adminError(w, http.StatusInternalServerError, "restored, but not saved: %v", err)
			return
		}
	}
	writeJSON(w, map[string]any{"status": "restored"})
}

func (a *admin) addFault(w http.ResponseWriter, r *http.Request) {
	var fr faultRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fr); err != nil {
		adminError(w, http.StatusBadRequest, "fault: %v", err)
		return
	}
	if fr.Action == "" {
		adminError(w, http.StatusBadRequest, `fault: "action" is required ("*" for every action)`)
		return
	}
	if _, known := knownOperation(fr.Action); fr.Action != "*" && !known {
		adminError(w, http.StatusBadRequest, "fault: unknown action %q: name a legacy action, an API 3.0 action, or \"service Action\"", fr.Action)
		return
	}
	f := Fault{Code: fr.Code, Message: fr.Message, HTTPStatus: fr.HTTPStatus, Body: fr.Body, Drop: fr.Drop,
		Times: fr.Times, Probability: fr.Probability, IDs: fr.IDs}
	if fr.Delay != "" {
		d, err := time.ParseDuration(fr.Delay)
		if err != nil || d < 0 {
			adminError(w, http.StatusBadRequest, "fault: delay %q is not a duration such as 2s", fr.Delay)
			return
		}
		f.Delay = d
	}
	if err := f.validate(); err != nil {
		adminError(w, http.StatusBadRequest, "fault: %v", err)
		return
	}
	a.s.InjectFault(fr.Action, f)
	writeJSON(w, map[string]any{"status": "injected"})
}

func (a *admin) clearFaults(w http.ResponseWriter, _ *http.Request) {
	a.s.ClearFaults()
	writeJSON(w, map[string]any{"status": "cleared"})
}

func (a *admin) advanceClock(w http.ResponseWriter, r *http.Request) {
	if a.opts.Fake == nil {
		adminError(w, http.StatusConflict, "the emulator runs on the wall clock; start it with -fake-clock")
		return
	}
	var body struct {
		Advance string `json:"advance"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<10)).Decode(&body); err != nil {
		adminError(w, http.StatusBadRequest, "clock: %v", err)
		return
	}
	d, err := time.ParseDuration(body.Advance)
	if err != nil || d < 0 {
		adminError(w, http.StatusBadRequest, "clock: advance %q is not a positive duration such as 5s", body.Advance)
		return
	}
	a.opts.Fake.Advance(d)
	writeJSON(w, map[string]any{"time": a.opts.Fake.Now().UTC()})
}

func (a *admin) requests(w http.ResponseWriter, r *http.Request) {
	var f RequestFilter
	q := r.URL.Query()
	f.Action = q.Get("action")
	if c := q.Get("code"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil {
			adminError(w, http.StatusBadRequest, "requests: code %q is not a number", c)
			return
		}
		f.Code = &n
	}
	if since := q.Get("since"); since != "" {
		t, err := time.Parse(time.RFC3339Nano, since)
		if err != nil {
			adminError(w, http.StatusBadRequest, "requests: since %q is not an RFC 3339 time", since)
			return
		}
		f.Since = t
	}
	writeJSON(w, map[string]any{"requests": a.s.Requests(f)})
}

func (a *admin) clearRequests(w http.ResponseWriter, _ *http.Request) {
	a.s.ClearRequests()
	writeJSON(w, map[string]any{"status": "cleared"})
}
