package emulator

import (
	"sort"
	"time"
	"unicode"
	"unicode/utf8"
)

// Projects (spec §5.8).
func init() {
	// DescribeProject was on trade too in an older tool (spec §11).
	registerAccountWide([]string{"account", "trade"}, map[string]func(*Server, *request) (map[string]any, *apiError){
		"DescribeProject": (*Server).describeProject,
		"AddProject":      (*Server).addProject,
	})
}

// ---- projects (spec §5.8) ----

type project struct {
	id      int
	name    string
	info    string
	created time.Time
}

// maxProjects: "超过系统限制500个" (1015).
const maxProjects = 500

func (s *Server) describeProject(r *request) (map[string]any, *apiError) {
	q := r.p()
	q.integer("allList", false, 0, 0, 1)
	if q.err != nil {
		return nil, q.err
	}
	ids := make([]int, 0, len(s.projectInfo))
	for id := range s.projectInfo {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	data := []map[string]any{}
	// The default project (0) is not listed [inferred]; it is accepted
	// everywhere.
	for _, id := range ids {
		p := s.projectInfo[id]
		data = append(data, map[string]any{"projectName": p.name, "projectId": p.id, "createTime": apiTime(p.created),
			"creatorUin": s.appID, "projectInfo": p.info})
	}
	return map[string]any{"data": data}, nil
}

func validProjectName(n string) bool {
	if n == "" || utf8.RuneCountInString(n) > 64 {
		return false
	}
	for _, c := range n {
		// "只允许为“中文”、“英文”或者“数字” 三者组成"
		if !(c < 128 && (unicode.IsLetter(c) || unicode.IsDigit(c)) || unicode.Is(unicode.Han, c)) {
			return false
		}
	}
	return true
}

func (s *Server) addProject(r *request) (map[string]any, *apiError) {
	q := r.p()
	name := q.str("projectName", true)
	desc := q.str("projectDesc", false)
	if q.err != nil {
		return nil, q.err
	}
	id, err := s.makeProject(name, desc, r.now)
	if err != nil {
		return nil, err
	}
	return map[string]any{"projectId": id}, nil
}

// addProjectLocked creates a project and makes it usable in every region.
// s.mu must be held.
func (s *Server) addProjectLocked(name, desc string, now time.Time) int {
	id := 1002000 + len(s.projectInfo) + 1
	s.projectInfo[id] = &project{id: id, name: name, info: desc, created: now}
	s.projects[id] = true
	return id
}
