package cvm

import (
	"context"
	"time"
	"unicode"
	"unicode/utf8"
)

// ProjectsService lists and creates projects (module account).
type ProjectsService service

// Project is a project of the account. The default project, 0, is not
// listed but is accepted everywhere.
type Project struct {
	ID          int
	Name        string
	Description string
	Created     time.Time
	CreatorUIN  int64
}

type describeProjectResponse struct {
	envelope
	Data []struct {
		ProjectName jsonString `json:"projectName"`
		ProjectID   jsonInt    `json:"projectId"` // a string or a number
		CreateTime  jsonTime   `json:"createTime"`
		CreatorUin  jsonInt    `json:"creatorUin"`
		ProjectInfo jsonString `json:"projectInfo"`
	} `json:"data"`
}

// List returns the account's projects; hidden ones too when all is true.
//
// It calls the DescribeProject action (module account).
func (s *ProjectsService) List(ctx context.Context, all bool) ([]Project, *Response, error) {
	var out describeProjectResponse
	resp, err := s.client.do(ctx, "DescribeProject", &projectList{All: btoi(all)}, &out)
	if err != nil {
		return nil, resp, err
	}
	ps := make([]Project, len(out.Data))
	for i, p := range out.Data {
		ps[i] = Project{ID: int(p.ProjectID), Name: string(p.ProjectName), Description: string(p.ProjectInfo),
			Created: time.Time(p.CreateTime), CreatorUIN: int64(p.CreatorUin)}
	}
	resp.TotalCount = len(ps)
	return ps, resp, nil
}

type addProjectResponse struct {
	envelope
	ProjectID jsonInt `json:"projectId"`
}

// Create creates a project and returns its id. The name may hold only
// Chinese characters, English letters and digits, and must be new (module
// error 1036); an account has at most 500 projects (1015). Under [API3],
// AddProject answers an existing name with that project's id instead.
//
// It calls the AddProject action (module account).
func (s *ProjectsService) Create(ctx context.Context, name, description string) (int, *Response, error) {
	if name == "" || utf8.RuneCountInString(name) > 64 {
		return 0, nil, &ArgError{Arg: "name", Reason: "must be 1 to 64 characters"}
	}
	for _, c := range name {
		if !(c < 128 && (unicode.IsLetter(c) || unicode.IsDigit(c)) || unicode.Is(unicode.Han, c)) {
			return 0, nil, &ArgError{Arg: "name", Reason: "may hold only Chinese characters, English letters and digits"}
		}
	}
	var out addProjectResponse
	resp, err := s.client.do(ctx, "AddProject", &projectCreate{Name: name, Description: description}, &out)
	if err != nil {
		return 0, resp, err
	}
	return int(out.ProjectID), resp, nil
}

// The project actions' requests: their url tags put them on the legacy
// wire; the API 3.0 routes read them as they are.
type (
	projectList struct {
		All int `url:"allList,omitempty"` // 1: every project, not only the caller's
	}
	projectCreate struct {
		Name        string `url:"projectName"`
		Description string `url:"projectDesc,omitempty"`
	}
)
