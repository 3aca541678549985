package cvm

import (
	"context"
	"fmt"
	"strconv"
)

// NetworkInterfacesService attaches elastic network interfaces (ENIs) to
// instances (module vpc) and follows the VPC tasks that do it. Which
// security groups an interface is in is the business of
// [SecurityGroupsService.NetworkInterfaces] and
// [SecurityGroupsService.SetNetworkInterfaceGroups].
type NetworkInterfacesService service

// VPCTaskStatus is the state of an asynchronous VPC task.
type VPCTaskStatus int

// Documented VPC task statuses.
const (
	VPCTaskSucceeded  VPCTaskStatus = 0
	VPCTaskFailed     VPCTaskStatus = 1
	VPCTaskInProgress VPCTaskStatus = 2
)

// vpcTaskNames are the documented names, by code.
var vpcTaskNames = map[VPCTaskStatus]string{VPCTaskSucceeded: "succeeded", VPCTaskFailed: "failed", VPCTaskInProgress: "in-progress"}

// String names the status.
func (s VPCTaskStatus) String() string { return enumName(vpcTaskNames, s, "status") }

type taskIDResponse struct {
	envelope
	TaskID jsonInt `json:"taskId"` // top level in one copy of the page
	Data   struct {
		TaskID jsonInt `json:"taskId"`
	} `json:"data"`
}

// Attach attaches an interface of a VPC to an instance of that VPC, in the
// interface's zone, that is running or stopped. An instance may hold
// several interfaces, an interface one instance. It returns the VPC task
// to follow with [NetworkInterfacesService.WaitTask]; under Config.API API3
// there is none, and the id is 0.
//
// It calls the AttachNetworkInterface action (module vpc). Errors name
// InvalidVpc.NotFound, InvalidNetworkInterface.NotFound,
// InvalidInstance.NotFound or InvalidNetworkInterface.AlreadyAssociated.
func (s *NetworkInterfacesService) Attach(ctx context.Context, vpcID, interfaceID, instanceID string) (int64, *Response, error) {
	for arg, v := range map[string]string{"vpcID": vpcID, "interfaceID": interfaceID, "instanceID": instanceID} {
		if err := checkID(arg, v); err != nil {
			return 0, nil, err
		}
	}
	var out taskIDResponse
	resp, err := s.client.do(ctx, "AttachNetworkInterface", &interfaceAttach{vpcID, interfaceID, instanceID}, &out)
	if err != nil {
		return 0, resp, err
	}
	id := int64(out.Data.TaskID)
	if id == 0 {
		id = int64(out.TaskID)
	}
	if id == 0 && s.client.api == API3 {
		// API 3.0 answers no task (spec/api3 §6 row 61): 0, and the
		// attachment shows in DescribeNetworkInterfaces once made.
		return 0, resp, nil
	}
	if id == 0 {
		return 0, resp, &ResponseError{Action: "AttachNetworkInterface", HTTPStatusCode: 200, Reason: "answer has no taskId"}
	}
	return id, resp, nil
}

type vpcTaskResponse struct {
	envelope
	Data struct {
		Status *jsonInt `json:"status"`
	} `json:"data"`
}

// TaskStatus returns the state of a VPC task.
//
// It calls the DescribeVpcTaskResult action (module vpc).
func (s *NetworkInterfacesService) TaskStatus(ctx context.Context, taskID int64) (VPCTaskStatus, *Response, error) {
	if taskID <= 0 {
		return 0, nil, &ArgError{Arg: "taskID", Reason: "must be positive"}
	}
	var out vpcTaskResponse
	resp, err := s.client.do(ctx, "DescribeVpcTaskResult", &vpcTaskQuery{taskID}, &out)
	if err != nil {
		return 0, resp, err
	}
	if out.Data.Status == nil {
		return 0, resp, &ResponseError{Action: "DescribeVpcTaskResult", HTTPStatusCode: 200, Reason: "answer has no status"}
	}
	return VPCTaskStatus(*out.Data.Status), resp, nil
}

// ErrTaskFailed matches the error of a waiter whose task failed.
var ErrTaskFailed = fmt.Errorf("cvm: task failed")

// WaitTask waits until a VPC task is done, polling DescribeVpcTaskResult
// as [InstancesService.WaitStatus] does. A failed task gives an error
// matching [ErrTaskFailed].
func (s *NetworkInterfacesService) WaitTask(ctx context.Context, taskID int64) error {
	var failed bool
	err := s.client.poll(ctx, "DescribeVpcTaskResult", "task succeeded", func(ctx context.Context) (bool, map[string]string, error) {
		st, _, err := s.TaskStatus(ctx, taskID)
		if err != nil {
			return false, nil, err
		}
		if st == VPCTaskFailed {
			failed = true
			return true, nil, nil
		}
		return st == VPCTaskSucceeded, map[string]string{strconv.FormatInt(taskID, 10): st.String()}, nil
	})
	if err == nil && failed {
		return fmt.Errorf("cvm: VPC task %d: %w", taskID, ErrTaskFailed)
	}
	return err
}

// The network interfaces' requests: their url tags put them on the legacy
// wire; the API 3.0 routes read them as they are.
type (
	interfaceAttach struct {
		VPCID       string `url:"vpcId"`
		InterfaceID string `url:"networkInterfaceId"`
		InstanceID  string `url:"instanceId"`
	}
	vpcTaskQuery struct {
		TaskID int64 `url:"taskId"`
	}
)
