package emulator

// The core's operations on instances, with typed arguments and typed
// refusals: both front doors call them, the legacy one per id of its
// batches (each id's own result), the API 3.0 one after checking every id
// (all or nothing). Neither hands the other its wire form.

import "time"

// transition is a change of state the core starts on an instance: the
// state it needs, the one it passes through, the one it ends in.
type transition struct{ from, via, to int }

var (
	powerOn  = transition{stStopped, stStarting, stRunning}
	powerOff = transition{stRunning, stStopping, stStopped}
	reboot   = transition{stRunning, stRestarting, stRunning}
)

// begin starts t on in, or refuses it when in is not in t's state.
func (s *Server) begin(rg *region, in *instance, t transition, now time.Time) *apiError {
	if in.status != t.from {
		return statusErr(in, t.from)
	}
	s.move(rg, in, now, t.via, t.to)
	return nil
}

// moveToProject puts an instance in a project of the account.
func (rg *region) moveToProject(in *instance, project int) *apiError {
	if !rg.projects[project] {
		e := invalid("projectId %d does not exist", project)
		e.codeDesc = "InvalidParameter.ProjectIdNotFound"
		return e
	}
	in.projectID = project
	rg.members++
	return nil
}
