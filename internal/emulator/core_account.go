package emulator

// The core's account-wide operations (orders, projects), with typed
// arguments and refusals; both front doors call them.

import "time"

// payDeal pays an unpaid order and delivers its instances; false when the
// order is not awaiting payment.
func (s *Server) payDeal(d *deal, now time.Time) bool {
	if d.status != dealUnpaid {
		return false
	}
	d.status = dealPaid
	if rg := s.regions[d.region]; rg != nil {
		for _, iid := range d.instances {
			if in := rg.instance(iid); in != nil && in.status == stCreating && in.next == 0 {
				s.move(rg, in, now, stCreating, stRunning)
			}
		}
	}
	return true
}

// makeProject adds a project of a new name, usable in every region.
func (s *Server) makeProject(name, desc string, now time.Time) (int, *apiError) {
	if !validProjectName(name) {
		return 0, refuse(reasonMalformed, "projectName may hold only Chinese, English letters and digits, got %q", name)
	}
	for _, p := range s.projectInfo {
		if p.name == name {
			return 0, refuse(reasonProjectNameTaken, "项目名称已经存在: %q", name)
		}
	}
	if len(s.projectInfo) >= maxProjects {
		return 0, refuse(reasonProjectLimit, "用户创建的项目已达最大限制: at most %d", maxProjects)
	}
	return s.addProjectLocked(name, desc, now), nil
}
