package cvm

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWireParams pins, for every typed method, the module it calls and the
// exact parameters it sends (without the per-attempt Timestamp, Nonce and
// Signature).
func TestWireParams(t *testing.T) {
	t.Parallel()
	v := func(kv ...string) url.Values {
		out := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			out.Add(kv[i], kv[i+1])
		}
		return out
	}
	zero, three := 0, 3
	name, desc := "n2", "d2"
	day := time.Date(2026, 11, 25, 12, 0, 0, 0, beijing)
	tests := []struct {
		name   string
		module string
		body   string
		call   func(ctx context.Context, c *Client) error
		want   url.Values
	}{
		{"Instances.List", "cvm", `{"code":0,"totalCount":0,"instanceSet":[]}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.Instances.List(ctx, &InstanceListOptions{ListOptions: ListOptions{Offset: 20, Limit: 10},
					InstanceIDs: []string{"ins-1", "ins-2"}, LANIPs: []string{"10.0.0.1"}, SearchWord: "web",
					Status: InstanceRunning, ProjectID: &zero, ZoneID: 100003})
				return err
			},
			v("Action", "DescribeInstances", "instanceIds.0", "ins-1", "instanceIds.1", "ins-2", "lanIps.0", "10.0.0.1",
				"searchWord", "web", "status", "2", "projectId", "0", "zoneId", "100003", "offset", "20", "limit", "10")},
		{"Instances.Create", "cvm", `{"code":0,"unInstanceIds":["ins-1"]}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.Instances.Create(ctx, &InstanceCreateRequest{ZoneID: 100003, CPU: 2, MemoryGB: 4,
					ImageID: "img-1", ImageType: ImagePrivate, DataDiskGB: 50, DiskType: DiskCloud, RootDiskGB: 30,
					BandwidthMbps: 5, BandwidthType: BandwidthByTraffic, NoPublicIP: true, Password: "Passw0rd!",
					ProjectID: 7, Name: "web", ClientToken: "tok", NoSecurityAgent: true, NoMonitorAgent: true, VPCID: "vpc-1", SubnetID: "subnet-1"})
				return err
			},
			v("Action", "RunInstancesHour", "zoneId", "100003", "cpu", "2", "mem", "4", "imageId", "img-1", "imageType", "1",
				"storageSize", "50", "storageType", "2", "rootSize", "30", "bandwidth", "5", "bandwidthType", "PayByTraffic",
				"wanIp", "0", "password", "Passw0rd!", "projectId", "7", "instanceName", "web", "goodsNum", "1",
				"clientToken", "tok", "needSecurityAgent", "0", "needMonitorAgent", "0", "vpcId", "vpc-1", "subnetId", "subnet-1")},
		{"Instances.CreatePrepaid", "cvm", `{"code":0,"dealIds":[1],"unInstanceIds":{"1":["ins-1","ins-2"]}}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.Instances.CreatePrepaid(ctx, &InstancePrepaidCreateRequest{Months: 12,
					InstanceCreateRequest: InstanceCreateRequest{ZoneID: 100003, CPU: 1, MemoryGB: 1, ImageID: "img-1", ClientToken: "t", Count: 2}})
				return err
			},
			v("Action", "RunInstances", "zoneId", "100003", "cpu", "1", "mem", "1", "imageId", "img-1", "storageSize", "0",
				"goodsNum", "2", "period", "12", "clientToken", "t")},
		{"Instances.Start", "cvm", `{"code":0,"detail":{}}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.Instances.Start(ctx, "ins-1", "ins-2")
				return err
			},
			v("Action", "StartInstances", "instanceIds.0", "ins-1", "instanceIds.1", "ins-2")},
		{"Instances.ForceStop", "cvm", `{"code":0}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.Instances.ForceStop(ctx, "ins-1")
				return err
			},
			v("Action", "StopInstances", "instanceIds.0", "ins-1", "forceStop", "1")},
		{"Instances.Restart", "cvm", `{"code":0}`,
			func(ctx context.Context, c *Client) error { _, _, err := c.Instances.Restart(ctx, "ins-1"); return err },
			v("Action", "RestartInstances", "instanceIds.0", "ins-1")},
		{"Instances.ResetPassword", "cvm", `{"code":0}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.Instances.ResetPassword(ctx, "Passw0rd!", "ins-1")
				return err
			},
			v("Action", "ResetInstancePassword", "instanceIds.0", "ins-1", "password", "Passw0rd!")},
		{"Instances.SetAutoRenew", "trade", `{"code":0}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.Instances.SetAutoRenew(ctx, RenewNever, "ins-1")
				return err
			},
			v("Action", "SetAutoRenew", "instanceIds.0", "ins-1", "instanceType", "1", "autoRenew", "2")},
		{"Instances.Terminate", "cvm", `{"code":0}`,
			func(ctx context.Context, c *Client) error { _, err := c.Instances.Terminate(ctx, "ins-1"); return err },
			v("Action", "ReturnInstance", "instanceId", "ins-1")},
		{"Instances.Rename", "cvm", `{"code":0}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.Instances.Rename(ctx, "ins-1", "名字")
				return err
			},
			v("Action", "ModifyInstanceAttributes", "instanceId", "ins-1", "instanceName", "名字")},
		{"Instances.MoveToProject", "cvm", `{"code":0}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.Instances.MoveToProject(ctx, "ins-1", 0)
				return err
			},
			v("Action", "ModifyInstanceProject", "instanceId", "ins-1", "projectId", "0")},
		{"Instances.Reinstall", "cvm", `{"code":0,"requestId":42}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.Instances.Reinstall(ctx, &InstanceReinstallRequest{InstanceID: "ins-1", ImageID: "img-2", RootDiskGB: 40})
				return err
			},
			v("Action", "ResetInstances", "instanceId", "ins-1", "imageId", "img-2", "imageType", "2", "rootSize", "40")},
		{"Instances.Resize", "cvm", `{"code":0,"dealIds":[1]}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.Instances.Resize(ctx, &InstanceResizeRequest{InstanceID: "ins-1", CPU: 2, MemoryGB: 4, DataDiskGB: 100})
				return err
			},
			v("Action", "ResizeInstance", "instanceId", "ins-1", "cpu", "2", "mem", "4", "storageSize", "100")},
		{"Instances.ResizeHourly", "cvm", `{"code":0}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.Instances.ResizeHourly(ctx, &InstanceResizeRequest{InstanceID: "ins-1", CPU: 4})
				return err
			},
			v("Action", "ResizeInstanceHour", "instanceId", "ins-1", "cpu", "4")},
		{"Instances.SetBandwidth", "cvm", `{"code":0,"dealIds":[1]}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.Instances.SetBandwidth(ctx, &BandwidthRequest{InstanceID: "ins-1", BandwidthMbps: 10, Start: day, End: day.AddDate(0, 1, 0)})
				return err
			},
			v("Action", "UpdateInstanceBandwidth", "instanceId", "ins-1", "bandwidth", "10", "startTime", "2026-11-25", "endTime", "2026-12-25")},
		{"Instances.SetBandwidthHourly", "cvm", `{"code":0}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.Instances.SetBandwidthHourly(ctx, "ins-1", 0)
				return err
			},
			v("Action", "UpdateInstanceBandwidthHour", "instanceId", "ins-1", "bandwidth", "0")},
		{"Instances.Renew", "cvm", `{"code":0,"dealId":"2790804"}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.Instances.Renew(ctx, "ins-1", 6)
				return err
			},
			v("Action", "RenewInstance", "instanceId", "ins-1", "period", "6")},
		{"Instances.Price", "cvm", `{"code":0,"price":1085}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.Instances.Price(ctx, &InstancePriceRequest{CPU: 1, MemoryGB: 2, Months: 3, Count: 2, BandwidthType: BandwidthByBandwidth})
				return err
			},
			v("Action", "InquiryInstancePrice", "instanceType", "1", "cpu", "1", "mem", "2", "period", "3", "goodsNum", "2", "bandwidthType", "PayByBandwidth")},
		{"Instances.PriceHourly", "cvm", `{"code":0,"data":{"cvm":{"price":"0.28","price_unit":"HOUR"}}}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.Instances.PriceHourly(ctx, &InstanceHourlyPriceRequest{CPU: 1, MemoryGB: 1, ImageID: "img-1", ImageType: ImagePublic})
				return err
			},
			v("Action", "InquiryInstancePriceHour", "cpu", "1", "mem", "1", "imageId", "img-1", "imageType", "2")},
		{"Images.List", "image", `{"code":0,"totalCount":0,"imageSet":[]}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.Images.List(ctx, &ImageListOptions{Type: ImagePrivate, ImageIDs: []string{"img-1"}, Status: ImageNormal, ListOptions: ListOptions{Limit: 5}})
				return err
			},
			v("Action", "DescribeImages", "imageType", "1", "imageIds.0", "img-1", "status", "2", "limit", "5")},
		{"Images.Create", "image", `{"code":0,"requestId":"1"}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.Images.Create(ctx, &ImageCreateRequest{InstanceID: "ins-1", Name: "gold", Description: "d"})
				return err
			},
			v("Action", "CreateImage", "instanceId", "ins-1", "imageName", "gold", "imageDescription", "d")},
		{"Images.Delete", "image", `{"code":0}`,
			func(ctx context.Context, c *Client) error { _, _, err := c.Images.Delete(ctx, "img-1"); return err },
			v("Action", "DeleteImages", "imageIds.0", "img-1")},
		{"Images.Update", "image", `{"code":0}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.Images.Update(ctx, &ImageUpdateRequest{ImageID: "img-1", Name: &name, Description: &desc})
				return err
			},
			v("Action", "ModifyImageAttributes", "imageId", "img-1", "imageName", "n2", "imageDescription", "d2")},
		{"Images.Sync", "image", `{"code":0}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.Images.Sync(ctx, []string{"img-1"}, "ap-shanghai", "bj")
				return err
			},
			v("Action", "SyncCvmImage", "srcRegion", "gz", "imgIdList.0", "img-1", "dstRegion.0", "sh", "dstRegion.1", "bj")},
		{"Images.Share", "image", `{"code":"0"}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.Images.Share(ctx, "img-1", "100", "200")
				return err
			},
			v("Action", "ShareImage", "imageId", "img-1", "uinList.0", "100", "uinList.1", "200")},
		{"Images.Unshare", "image", `{"code":"0"}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.Images.Unshare(ctx, "img-1", "100")
				return err
			},
			v("Action", "CancelShareImage", "imageId", "img-1", "uinList.0", "100")},
		{"Images.Shares", "image", `{"code":"0","data":{"imageNum":"1","imageList":[]}}`,
			func(ctx context.Context, c *Client) error { _, _, err := c.Images.Shares(ctx, "img-1"); return err },
			v("Action", "GetImageShareUinInfo", "imageIds.0", "img-1")},
		{"SecurityGroups.List", "dfw", `{"code":0,"data":{"totalNum":0,"detail":[]}}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.SecurityGroups.List(ctx, &SecurityGroupListOptions{ListOptions: ListOptions{Offset: 40, Limit: 20}, ProjectID: &three, Name: "web"})
				return err
			},
			v("Action", "DescribeSecurityGroupEx", "projectId", "3", "sgName", "web", "offsetLine", "40", "limit", "20")},
		{"SecurityGroups.Create", "dfw", `{"code":0,"data":{"sgId":"sg-1"}}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.SecurityGroups.Create(ctx, &SecurityGroupCreateRequest{Name: "web", Remark: "r", ProjectID: 3})
				return err
			},
			v("Action", "CreateSecurityGroup", "sgName", "web", "sgRemark", "r", "projectId", "3")},
		{"SecurityGroups.Update", "dfw", `{"code":0}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.SecurityGroups.Update(ctx, &SecurityGroupUpdateRequest{ID: "sg-1", Remark: &desc})
				return err
			},
			v("Action", "ModifySecurityGroupAttributes", "sgId", "sg-1", "sgRemark", "d2")},
		{"SecurityGroups.Delete", "dfw", `{"code":0}`,
			func(ctx context.Context, c *Client) error { _, err := c.SecurityGroups.Delete(ctx, "sg-1"); return err },
			v("Action", "DeleteSecurityGroup", "sgId", "sg-1")},
		{"SecurityGroups.Rules", "dfw", `{"code":0,"data":{"ingress":[],"egress":[]}}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.SecurityGroups.Rules(ctx, "sg-1")
				return err
			},
			v("Action", "DescribeSecurityGroupPolicys", "sgId", "sg-1")},
		{"SecurityGroups.ReplaceRules", "dfw", `{"code":0}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.SecurityGroups.ReplaceRules(ctx, "sg-1",
					[]Rule{{Protocol: "tcp", Ports: "22", CIDR: "10.0.0.0/8", Action: Accept, Description: "ssh"}},
					[]Rule{{Action: Drop, SecurityGroupID: "sg-2"}})
				return err
			},
			v("Action", "ModifySecurityGroupPolicys", "sgId", "sg-1", "ingress.0.ipProtocol", "tcp", "ingress.0.portRange", "22",
				"ingress.0.cidrIp", "10.0.0.0/8", "ingress.0.action", "ACCEPT", "ingress.0.desc", "ssh",
				"egress.0.sgId", "sg-2", "egress.0.action", "DROP")},
		{"SecurityGroups.InsertRules", "dfw", `{"code":0}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.SecurityGroups.InsertRules(ctx, &RuleChange{ID: "sg-1", Direction: Egress, Version: &three}, -1,
					Rule{Protocol: "udp", Ports: "53", Action: Accept})
				return err
			},
			v("Action", "CreateSecurityGroupPolicy", "sgId", "sg-1", "direction", "egress", "version", "3", "index", "-1",
				"policys.0.ipProtocol", "udp", "policys.0.portRange", "53", "policys.0.action", "ACCEPT")},
		{"SecurityGroups.ReplaceRule", "dfw", `{"code":0}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.SecurityGroups.ReplaceRule(ctx, &RuleChange{ID: "sg-1", Direction: Ingress}, 2, Rule{CIDR: "1.2.3.4", Action: Drop})
				return err
			},
			v("Action", "ModifySingleSecurityGroupPolicy", "sgId", "sg-1", "direction", "ingress", "index", "2",
				"policys.cidrIp", "1.2.3.4", "policys.action", "DROP")},
		{"SecurityGroups.DeleteRules", "dfw", `{"code":0,"data":[]}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.SecurityGroups.DeleteRules(ctx, &RuleChange{ID: "sg-1", Direction: Ingress, Version: &zero}, 0, 3)
				return err
			},
			v("Action", "DeleteSecurityGroupPolicy", "sgId", "sg-1", "direction", "ingress", "version", "0", "indexes.0", "0", "indexes.1", "3")},
		{"SecurityGroups.ListInstances", "dfw", `{"code":0,"totalCount":0,"data":[]}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.SecurityGroups.ListInstances(ctx, "sg-1", &ListOptions{Offset: 5, Limit: 50})
				return err
			},
			v("Action", "DescribeInstancesOfSecurityGroup", "sgId", "sg-1", "offset", "5", "limit", "50")},
		{"SecurityGroups.SetInstanceGroups", "dfw", `{"code":0}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.SecurityGroups.SetInstanceGroups(ctx, InstanceGroups{InstanceID: "ins-1", SecurityGroupIDs: []string{"sg-1", "sg-2"}})
				return err
			},
			v("Action", "ModifySecurityGroupsOfInstance", "instanceSet.0.instanceId", "ins-1", "instanceSet.0.sgIds.0", "sg-1", "instanceSet.0.sgIds.1", "sg-2")},
		{"SecurityGroups.Referrers", "dfw", `{"code":0,"data":{"sg-1":["sg-2"]}}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.SecurityGroups.Referrers(ctx, "sg-1")
				return err
			},
			v("Action", "DescribeAssociateSecurityGroups", "sgIds.0", "sg-1")},
		{"SecurityGroups.Default", "dfw", `{"code":0,"data":{"sgId":"sg-1","new":1}}`,
			func(ctx context.Context, c *Client) error {
				_, _, _, err := c.SecurityGroups.Default(ctx, 0)
				return err
			},
			v("Action", "DescribeOrCreateDefaultSecurityGroup", "projectId", "0")},
		{"EIPs.List", "eip", `{"code":0,"data":{"eipSet":[]},"totalCount":0}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.EIPs.List(ctx, &EIPListOptions{IDs: []string{"eip-1"}, IPs: []string{"1.1.1.1"}, InstanceIDs: []string{"ins-1"},
					Statuses: []EIPStatus{EIPBound, EIPCreating}, Name: "x", OrderBy: "eip", Ascending: true})
				return err
			},
			v("Action", "DescribeEip", "eipIds.0", "eip-1", "eips.0", "1.1.1.1", "unInstanceIds.0", "ins-1",
				"status.0", "2", "status.1", "0", "searchKey", "x", "orderBy", "eip", "orderType", "0")},
		{"EIPs.Create", "eip", `{"code":0,"data":{"eipIds":["eip-1","eip-2"]}}`,
			func(ctx context.Context, c *Client) error { _, _, err := c.EIPs.Create(ctx, 2); return err },
			v("Action", "CreateEip", "goodsNum", "2")},
		{"EIPs.Delete", "eip", `{"code":0}`,
			func(ctx context.Context, c *Client) error { _, err := c.EIPs.Delete(ctx, "eip-1", "eip-2"); return err },
			v("Action", "DeleteEip", "eipIds.0", "eip-1", "eipIds.1", "eip-2")},
		{"EIPs.Rename", "eip", `{"code":0}`,
			func(ctx context.Context, c *Client) error { _, err := c.EIPs.Rename(ctx, "eip-1", "front"); return err },
			v("Action", "ModifyEipAttributes", "eipId", "eip-1", "eipName", "front")},
		{"EIPs.Associate", "eip", `{"code":0}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.EIPs.Associate(ctx, "eip-1", "ins-1")
				return err
			},
			v("Action", "EipBindInstance", "eipId", "eip-1", "unInstanceId", "ins-1")},
		{"EIPs.Disassociate", "eip", `{"code":0}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.EIPs.Disassociate(ctx, "eip-1", true)
				return err
			},
			v("Action", "EipUnBindInstance", "eipId", "eip-1", "allocWanIp", "1")},
		{"EIPs.Quota", "eip", `{"code":0,"data":{}}`,
			func(ctx context.Context, c *Client) error { _, _, err := c.EIPs.Quota(ctx); return err },
			v("Action", "DescribeEipQuota")},
		{"EIPs.FromPublicIP", "eip", `{"code":0,"data":{}}`,
			func(ctx context.Context, c *Client) error { _, _, err := c.EIPs.FromPublicIP(ctx, "ins-1"); return err },
			v("Action", "TransformWanIpToEip", "unInstanceId", "ins-1")},
		{"EIPs.SetPassThrough", "eip", `{"code":0}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.EIPs.SetPassThrough(ctx, "eip-1", false)
				return err
			},
			v("Action", "TransformMode", "eipId", "eip-1", "mode", "0")},
		{"KeyPairs.List", "cvm", `{"code":0,"data":{"totalCount":0,"sshSet":[]}}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.KeyPairs.List(ctx, &KeyPairListOptions{IDs: []string{"skey-1"}, Name: "n", ProjectID: &three})
				return err
			},
			v("Action", "DescribeKeyPairs", "keyIds.0", "skey-1", "keyName", "n", "projectId", "3")},
		{"KeyPairs.Create", "cvm", `{"code":0,"data":{"keyId":"skey-1","secretkey":"x"}}`,
			func(ctx context.Context, c *Client) error { _, _, err := c.KeyPairs.Create(ctx, "k_1"); return err },
			v("Action", "CreateKeyPair", "keyName", "k_1")},
		{"KeyPairs.Import", "cvm", `{"code":0,"keyId":"skey-2"}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.KeyPairs.Import(ctx, "k_2", "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC4LyMNeOViOiaei5Nh9nFGt52gKlVUHw3++MjnrmNJEDUKrkKcCLs1joMDdfgdHP5C68CKRqypPVFnOY0UWVcPi9YeIu8HutlVmV6w8l2WR94oZRfZePV3YJ1+SpsaILaoAYRaDIlKphO80t893hqEg/G6EGPtNV7BlHrH7wUdgQ== k")
				return err
			},
			v("Action", "ImportKeyPair", "keyName", "k_2", "pubKey", "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC4LyMNeOViOiaei5Nh9nFGt52gKlVUHw3++MjnrmNJEDUKrkKcCLs1joMDdfgdHP5C68CKRqypPVFnOY0UWVcPi9YeIu8HutlVmV6w8l2WR94oZRfZePV3YJ1+SpsaILaoAYRaDIlKphO80t893hqEg/G6EGPtNV7BlHrH7wUdgQ== k")},
		{"KeyPairs.Rename", "cvm", `{"code":0,"data":[]}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.KeyPairs.Rename(ctx, "skey-1", "k_3")
				return err
			},
			v("Action", "ModifyKeyPair", "keyId", "skey-1", "keyName", "k_3")},
		{"KeyPairs.Delete", "cvm", `{"code":0,"detail":{"deleteKeySet":[{"keyId":"skey-1","code":0}]}}`,
			func(ctx context.Context, c *Client) error { _, _, err := c.KeyPairs.Delete(ctx, "skey-1"); return err },
			v("Action", "DeleteKeyPair", "keyIds.0", "skey-1")},
		{"KeyPairs.Bind", "cvm", `{"code":0}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.KeyPairs.Bind(ctx, "skey-1", "ins-1", "ins-2")
				return err
			},
			v("Action", "BindInstanceKey", "keyId", "skey-1", "instanceIds.0", "ins-1", "instanceIds.1", "ins-2")},
		{"KeyPairs.Unbind", "cvm", `{"code":0}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.KeyPairs.Unbind(ctx, "skey-1", "ins-1")
				return err
			},
			v("Action", "UnBindInstanceKey", "keyId", "skey-1", "instanceIds.0", "ins-1")},
		{"NetworkInterfaces.Attach", "vpc", `{"code":"0","data":{"taskId":"17382"}}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.NetworkInterfaces.Attach(ctx, "vpc-1", "eni-1", "ins-1")
				return err
			},
			v("Action", "AttachNetworkInterface", "vpcId", "vpc-1", "networkInterfaceId", "eni-1", "instanceId", "ins-1")},
		{"NetworkInterfaces.TaskStatus", "vpc", `{"code":0,"data":{"status":0}}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.NetworkInterfaces.TaskStatus(ctx, 17382)
				return err
			},
			v("Action", "DescribeVpcTaskResult", "taskId", "17382")},
		{"SecurityGroups.NetworkInterfaces", "dfw", `{"code":0,"data":{"totalCount":0,"networkInterfaceSet":[]}}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.SecurityGroups.NetworkInterfaces(ctx, "sg-1")
				return err
			},
			v("Action", "DescribeNetworkInterfacesOfSecurityGroup", "sgId", "sg-1")},
		{"SecurityGroups.SetNetworkInterfaceGroups", "dfw", `{"code":0}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.SecurityGroups.SetNetworkInterfaceGroups(ctx, NetworkInterfaceGroups{InterfaceID: "eni-1", SecurityGroupIDs: []string{"sg-1", "sg-2"}})
				return err
			},
			v("Action", "ModifySecurityGroupsOfNetworkInterface", "networkInterfaceSet.0.networkInterfaceId", "eni-1",
				"networkInterfaceSet.0.sgIds.0", "sg-1", "networkInterfaceSet.0.sgIds.1", "sg-2")},
		{"Instances.UpdateVPCConfig", "cvm", `{"code":0}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.Instances.UpdateVPCConfig(ctx, &InstanceVPCConfig{InstanceID: "ins-1", VPCID: "vpc-1", SubnetID: "subnet-1", PrivateIP: "10.0.0.9"})
				return err
			},
			v("Action", "UpdateInstanceVpcConfig", "instanceId", "ins-1", "vpcId", "vpc-1", "subnetId", "subnet-1",
				"privateIpAddresses.0", "10.0.0.9", "autoPowerOffFlag", "1")},
		{"Deals.List", "trade", `{"code":0,"totalNum":0,"dealDetails":[]}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.Deals.List(ctx, &DealListOptions{IDs: []string{"12345"}, Limit: 50, From: day, To: day.Add(time.Hour)})
				return err
			},
			v("Action", "DescribeDeals", "dealIds.0", "12345", "limit", "50", "startTime", "2026-11-25 12:00:00", "endTime", "2026-11-25 13:00:00")},
		{"Deals.Query", "trade", `{"code":"0","data":{"totalNum":"0","deals":[]}}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.Deals.Query(ctx, DealQuery{From: day, To: day.Add(time.Hour), Status: DealPaid, PageSize: 10})
				return err
			},
			v("Action", "DescribeDealsByCond", "startTime", "2026-11-25 12:00:00", "endTime", "2026-11-25 13:00:00", "status", "2", "pageSize", "10")},
		{"Deals.Pay", "trade", `{"code":0,"succDealIds":[1],"failDealIds":[]}`,
			func(ctx context.Context, c *Client) error { _, _, err := c.Deals.Pay(ctx, "1", "2"); return err },
			v("Action", "PayDeals", "dealIds.0", "1", "dealIds.1", "2")},
		{"Projects.List", "account", `{"code":0,"data":[{"projectId":"1002189","projectName":"a"}]}`,
			func(ctx context.Context, c *Client) error { _, _, err := c.Projects.List(ctx, true); return err },
			v("Action", "DescribeProject", "allList", "1")},
		{"Projects.Create", "account", `{"code":0,"projectId":1002996}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.Projects.Create(ctx, "web1", "d")
				return err
			},
			v("Action", "AddProject", "projectName", "web1", "projectDesc", "d")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := setup(t)
			rec := answer(t, mt, "POST", "https://"+tt.module+".api.qcloud.com/v2/index.php", tt.body)
			require.NoError(t, tt.call(context.Background(), c))
			reqs := rec.requests()
			require.Len(t, reqs, 1)
			got := reqs[0].stable()
			for _, k := range []string{"Region", "SecretId", "SignatureMethod", "RequestClient"} {
				assert.NotEmpty(t, got.Get(k), k)
				got.Del(k)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}
