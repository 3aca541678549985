package emulator

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jsonType names the JSON type of a decoded value.
// testPubKey is an OpenSSH RSA public key made for these tests.
const testPubKey = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC4LyMNeOViOiaei5Nh9nFGt52gKlVUHw3++MjnrmNJEDUKrkKcCLs1joMDdfgdHP5C68CKRqypPVFnOY0UWVcPi9YeIu8HutlVmV6w8l2WR94oZRfZePV3YJ1+SpsaILaoAYRaDIlKphO80t893hqEg/G6EGPtNV7BlHrH7wUdgQ== test"

func jsonType(v any) string {
	switch v.(type) {
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case bool:
		return "bool"
	case nil:
		return "null"
	}
	return "?"
}

// checkShape asserts that path has the JSON type want in out. A path is
// dot-separated; "[]" after a name checks every element of that array, and
// "*" every value of an object.
func checkJSONShape(t *testing.T, label string, out any, path, want string) {
	t.Helper()
	var walk func(v any, parts []string, at string)
	walk = func(v any, parts []string, at string) {
		if len(parts) == 0 {
			assert.Equal(t, want, jsonType(v), "%s: %s", label, at)
			return
		}
		part := parts[0]
		each := strings.HasSuffix(part, "[]")
		name := strings.TrimSuffix(part, "[]")
		var next any
		switch {
		case name == "*":
			m, ok := v.(map[string]any)
			if !assert.True(t, ok && len(m) > 0, "%s: %s is not a non-empty object", label, at) {
				return
			}
			for k, e := range m {
				walk(e, parts[1:], at+"."+k)
			}
			return
		default:
			m, ok := v.(map[string]any)
			if !assert.True(t, ok, "%s: %s is not an object", label, at) {
				return
			}
			e, ok := m[name]
			if !assert.True(t, ok, "%s: %s.%s is missing", label, at, name) {
				return
			}
			next = e
		}
		if each {
			list, ok := next.([]any)
			if !assert.True(t, ok && len(list) > 0, "%s: %s.%s is not a non-empty array", label, at, name) {
				return
			}
			for _, e := range list {
				walk(e, parts[1:], at+"."+name+"[]")
			}
			return
		}
		walk(next, parts[1:], at+"."+name)
	}
	walk(out, strings.Split(path, "."), "$")
}

// TestResponseShapes: every action's success answer has the fields and
// JSON types spec §5 documents, names exactly as written there, quirks
// included (Region with a capital R, totalCount beside data.eipSet, an
// object zoneSet for one zone, unInstanceIds a list for postpaid and a map
// for prepaid, dealId a string, prices in fen as numbers and hourly prices
// as strings, detail keyed by id).
func TestResponseShapes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Transition = -1; o.QuotasOff = true })
	ids, err := h.emu.SeedInstances("gz", 3)
	require.NoError(t, err)
	vars := map[string]string{"ins0": ids[0], "ins1": ids[1], "ins2": ids[2]}
	vpcID, err := h.emu.SeedVPC("gz", "shapes", "10.0.0.0/16")
	require.NoError(t, err)
	vars["vpc"] = vpcID
	for name, cidr := range map[string]string{"subnet1": "10.0.1.0/24", "subnet2": "10.0.0.0/24"} {
		id, err := h.emu.SeedSubnet("gz", vpcID, name, cidr, 100003)
		require.NoError(t, err)
		vars[name] = id
	}
	type step struct {
		action string
		params []string
		shapes []string // "path:type"
		save   func(out map[string]any)
	}
	envelope := []string{"code:number", "message:string", "codeDesc:string"}
	instance := []string{
		"instanceName:string", "instanceId:string", "unInstanceId:string", "uuid:string", "lanIp:string",
		"wanIpSet:array", "cpu:number", "mem:number", "bandwidth:number", "deviceClass:string", "imageId:number",
		"unImgId:string", "imageType:string", "status:number", "statusTime:string", "Region:string",
		"createTime:string", "deadlineTime:string", "autoRenew:number", "projectId:number", "os:string",
		"cvmPayMode:number", "networkPayMode:number", "zoneId:number", "zoneName:string", "isVpcGateway:number",
		"diskInfo:object", "diskInfo.rootId:string", "diskInfo.rootSize:number", "diskInfo.rootType:number",
	}
	prefix := func(p string, fields []string) []string {
		out := make([]string, len(fields))
		for i, f := range fields {
			out[i] = p + f
		}
		return out
	}
	steps := []step{
		{action: "DescribeAvailabilityZones", shapes: []string{"totalCount:number", "zoneSet[].zoneId:number", "zoneSet[].zoneName:string",
			"zoneSet[].idcList[].idcId:number", "zoneSet[].idcList[].idcName:string"}},
		{action: "DescribeAvailabilityZones", params: []string{"zoneId", "100003"}, shapes: []string{"zoneSet:object", "zoneSet.zoneId:number"}},
		{action: "DescribeZoneAbility", params: []string{"zoneId", "100003"}, shapes: []string{"capacitySet[].capacity:array", "capacitySet[].isSupported:number"}},
		{action: "DescribeProductRegionList", shapes: []string{"availableRegion:object", "availableRegion.*:string"}},
		{action: "DescribeInstances", shapes: append([]string{"totalCount:number", "instanceSet:array"}, prefix("instanceSet[].", instance)...)},
		{action: "RunInstancesHour", params: []string{"zoneId", "100003", "cpu", "1", "mem", "1", "imageId", "img-31tjrtph", "storageSize", "0"},
			shapes: []string{"unInstanceIds[]:string"}},
		{action: "RunInstances", params: []string{"zoneId", "100003", "cpu", "1", "mem", "1", "imageId", "img-31tjrtph", "storageSize", "0", "period", "1"},
			shapes: []string{"dealIds[]:number", "unInstanceIds:object", "unInstanceIds.*:array"},
			save: func(out map[string]any) {
				for _, v := range out["unInstanceIds"].(map[string]any) {
					vars["prepaid"] = v.([]any)[0].(string)
				}
			}},
		{action: "StopInstances", params: []string{"instanceIds.0", "{ins0}", "instanceIds.1", "{ins1}"},
			shapes: []string{"detail:object", "detail.*.code:number", "detail.*.message:string", "detail.*.requestId:string"}},
		{action: "ResetInstancePassword", params: []string{"instanceIds.0", "{ins0}", "password", "@Passw0rd1"}, shapes: []string{"detail.*.code:number"}},
		{action: "StartInstances", params: []string{"instanceIds.0", "{ins0}"}, shapes: []string{"detail.*.code:number"}},
		{action: "RestartInstances", params: []string{"instanceIds.0", "{ins0}"}, shapes: []string{"detail.*.code:number"}},
		{action: "ResetInstances", params: []string{"instanceId", "{ins2}"}, shapes: []string{"requestId:number"}},
		{action: "ModifyInstanceAttributes", params: []string{"instanceId", "{ins0}", "instanceName", "renamed"}},
		{action: "ModifyInstanceProject", params: []string{"instanceId", "{ins0}", "projectId", "0"}},
		{action: "ResizeInstanceHour", params: []string{"instanceId", "{ins1}", "cpu", "2", "mem", "4", "storageSize", "0"}},
		{action: "UpdateInstanceBandwidthHour", params: []string{"instanceId", "{ins0}", "bandwidth", "5"}},
		{action: "RenewInstance", params: []string{"instanceId", "{prepaid}", "period", "1"}, shapes: []string{"dealId:string"}},
		{action: "SetAutoRenew", params: []string{"instanceType", "1", "instanceIds.0", "{prepaid}", "autoRenew", "1"}, shapes: []string{"detail.*.code:number"}},
		{action: "InquiryInstancePrice", params: []string{"instanceType", "1", "cpu", "1", "mem", "1", "period", "1", "storageSize", "0", "imageType", "2", "imageId", "img-31tjrtph", "goodsNum", "1"},
			shapes: []string{"price:number"}},
		{action: "InquiryInstancePriceHour", params: []string{"cpu", "1", "mem", "1", "imageId", "img-31tjrtph", "imageType", "2", "storageSize", "0", "goodsNum", "1"},
			shapes: []string{"data.cvm.price:string", "data.cvm.price_unit:string"}},
		{action: "DescribeImages", params: []string{"imageType", "2"}, shapes: []string{"totalCount:number", "imageSet[].unImgId:string",
			"imageSet[].imageName:string", "imageSet[].imageDescription:string", "imageSet[].imageType:number", "imageSet[].osName:string",
			"imageSet[].createTime:string", "imageSet[].status:number"}},
		{action: "CreateImage", params: []string{"instanceId", "{ins1}", "imageName", "shape-image"}, shapes: []string{"requestId:number"}},
		{action: "DescribeImages", params: []string{"imageType", "1"}, shapes: []string{"imageSet[].unImgId:string"},
			save: func(out map[string]any) {
				vars["img"] = out["imageSet"].([]any)[0].(map[string]any)["unImgId"].(string)
			}},
		{action: "ModifyImageAttributes", params: []string{"imageId", "{img}", "imageName", "shape-image2"}},
		// The image sharing pages show code, and counts, as strings (§4.1).
		{action: "ShareImage", params: []string{"imageId", "{img}", "uinList.0", "100000000001"}, shapes: []string{"code:string"}},
		{action: "GetImageShareUinInfo", params: []string{"imageIds.0", "{img}"}, shapes: []string{"code:string", "data.imageNum:string", "data.maxImgShareNum:string",
			"data.imageList[].imageId:string", "data.imageList[].shareUinInfo[].uin:string", "data.imageList[].shareUinInfo[].shareTimeStamp:string"}},
		{action: "CancelShareImage", params: []string{"imageId", "{img}", "uinList.0", "100000000001"}, shapes: []string{"code:string"}},
		{action: "SyncCvmImage", params: []string{"imgIdList.0", "{img}", "dstRegion.0", "sh"}},
		{action: "CreateSecurityGroup", params: []string{"sgName", "web", "sgRemark", "r"}, shapes: []string{"data.sgId:string", "data.sgName:string", "data.sgRemark:string"},
			save: func(out map[string]any) { vars["sg"] = out["data"].(map[string]any)["sgId"].(string) }},
		{action: "CreateSecurityGroup", params: []string{"sgName", "db"}, save: func(out map[string]any) { vars["sg2"] = out["data"].(map[string]any)["sgId"].(string) }},
		{action: "DescribeSecurityGroupEx", shapes: []string{"data.totalNum:number", "data.detail[].sgId:string", "data.detail[].sgName:string",
			"data.detail[].sgRemark:string", "data.detail[].createTime:string", "data.detail[].projectId:string", "data.detail[].beAssociateCount:number"}},
		{action: "DescribeSecurityGroups", shapes: []string{"data[].sgId:string", "data[].sgName:string", "data[].sgRemark:string",
			"data[].createTime:string", "data[].projectId:number", "data[].sys:number", "data[].os:string"}},
		{action: "ModifySecurityGroupAttributes", params: []string{"sgId", "{sg}", "sgRemark", "r2"}},
		{action: "ModifySecurityGroupPolicys", params: []string{"sgId", "{sg}", "ingress.0.ipProtocol", "tcp", "ingress.0.portRange", "22",
			"ingress.0.cidrIp", "0.0.0.0/0", "ingress.0.action", "ACCEPT", "ingress.1.sgId", "{sg2}", "ingress.1.action", "DROP"}},
		{action: "DescribeSecurityGroupPolicys", params: []string{"sgId", "{sg}"}, shapes: []string{"data.ingress[].action:string", "data.ingress[].index:number",
			"data.egress:array"}},
		{action: "CreateSecurityGroupPolicy", params: []string{"sgId", "{sg}", "direction", "egress", "index", "-1", "policys.0.action", "ACCEPT", "policys.0.cidrIp", "10.0.0.0/8"}},
		{action: "ModifySingleSecurityGroupPolicy", params: []string{"sgId", "{sg}", "direction", "egress", "index", "0", "policys.action", "DROP", "policys.cidrIp", "10.0.0.0/8"}},
		{action: "DeleteSecurityGroupPolicy", params: []string{"sgId", "{sg}", "direction", "egress", "indexes.0", "0"}, shapes: []string{"data:array"}},
		{action: "ModifySecurityGroupsOfInstance", params: []string{"instanceSet.0.instanceId", "{ins0}", "instanceSet.0.sgIds.0", "{sg2}"}},
		{action: "DescribeInstancesOfSecurityGroup", params: []string{"sgId", "{sg2}"}, shapes: []string{"totalCount:number", "data[].instanceId:string"}},
		{action: "DescribeAssociateSecurityGroups", params: []string{"sgIds.0", "{sg2}"}, shapes: []string{"data:object", "data.*:array"}},
		{action: "DescribeOrCreateDefaultSecurityGroup", params: []string{"projectId", "0"}, shapes: []string{"data.sgId:string", "data.sgName:string",
			"data.sgRemark:string", "data.new:number", "data.sys:number", "data.appId:number", "data.os:string", "data.createTime:string"}},
		{action: "CreateEip", params: []string{"goodsNum", "2"}, shapes: []string{"data.eipIds[]:string"},
			save: func(out map[string]any) {
				e := out["data"].(map[string]any)["eipIds"].([]any)
				vars["eip0"], vars["eip1"] = e[0].(string), e[1].(string)
			}},
		{action: "EipBindInstance", params: []string{"eipId", "{eip0}", "unInstanceId", "{ins0}"}},
		{action: "DescribeEip", shapes: []string{"totalCount:number", "data.eipSet[].eipId:string", "data.eipSet[].eipName:string",
			"data.eipSet[].eip:string", "data.eipSet[].ispId:number", "data.eipSet[].status:number", "data.eipSet[].arrears:number",
			"data.eipSet[].unInstanceId:string", "data.eipSet[].createdAt:string", "data.eipSet[].updatedAt:string",
			"data.eipSet[].freeSecond:number", "data.eipSet[].type:number", "data.eipSet[].privateIpAddress:string",
			"data.eipSet[].networkInterfaceId:string"}},
		{action: "ModifyEipAttributes", params: []string{"eipId", "{eip0}", "eipName", "front"}, shapes: []string{"data:array"}},
		{action: "TransformMode", params: []string{"eipId", "{eip0}", "mode", "1"}},
		{action: "EipUnBindInstance", params: []string{"eipId", "{eip0}"}},
		{action: "DescribeEipQuota", shapes: []string{"data.eipNumQuota:number", "data.currentEipNum:number", "data.dailyApplyQuota:number",
			"data.dailyApplyCount:number", "data.dailyAllocWanIpQuota:number", "data.dailyAllocWanIpCount:number"}},
		{action: "TransformWanIpToEip", params: []string{"unInstanceId", "{ins1}"}, shapes: []string{"data.eipId:string"}},
		{action: "DeleteEip", params: []string{"eipIds.0", "{eip1}"}},
		{action: "DeleteImages", params: []string{"imageIds.0", "{img}"}, shapes: []string{"detail:object"}},
		{action: "DeleteSecurityGroup", params: []string{"sgId", "{sg}"}},
		{action: "ReturnInstance", params: []string{"instanceId", "{ins2}"}},
		// Key pairs (spec §5.6): lists under data, ImportKeyPair's keyId at
		// the top, ModifyKeyPair's data an empty list, DeleteKeyPair's
		// results a list under detail.deleteKeySet.
		{action: "CreateKeyPair", params: []string{"keyName", "shape_key"}, shapes: []string{"data.keyId:string", "data.keyName:string",
			"data.pubkey:string", "data.secretkey:string"},
			save: func(out map[string]any) { vars["key"] = out["data"].(map[string]any)["keyId"].(string) }},
		{action: "ImportKeyPair", params: []string{"keyName", "imported", "pubKey", testPubKey}, shapes: []string{"keyId:string"},
			save: func(out map[string]any) { vars["key2"] = out["keyId"].(string) }},
		{action: "ModifyKeyPair", params: []string{"keyId", "{key2}", "keyName", "renamed_key"}, shapes: []string{"data:array"}},
		{action: "StopInstances", params: []string{"instanceIds.0", "{ins0}"}},
		{action: "BindInstanceKey", params: []string{"instanceIds.0", "{ins0}", "keyId", "{key}"}},
		{action: "DescribeKeyPairs", shapes: []string{"data.totalCount:number", "data.sshSet[].keyId:string", "data.sshSet[].keyName:string",
			"data.sshSet[].pubkey:string", "data.sshSet[].status:number", "data.sshSet[].bindIps:array",
			"data.sshSet[].createTime:string", "data.sshSet[].bindUnInstanceIds:array"}},
		{action: "UnBindInstanceKey", params: []string{"instanceIds.0", "{ins0}", "keyId", "{key}"}},
		{action: "BindInstanceKey", params: []string{"instanceIds.0", "{ins0}", "keyId", "{key}"}},
		{action: "unBindInstanceKey", params: []string{"instanceIds.0", "{ins0}", "keyId", "{key}"}},
		{action: "DeleteKeyPair", params: []string{"keyIds.0", "{key2}"}, shapes: []string{"detail.deleteKeySet[].keyId:string",
			"detail.deleteKeySet[].code:number", "detail.deleteKeySet[].message:string"}},
		// Network interfaces (spec §5.7).
		{action: "RunInstancesHour", params: []string{"zoneId", "100003", "cpu", "1", "mem", "1", "imageId", "img-31tjrtph",
			"storageSize", "0", "vpcId", "{vpc}", "subnetId", "{subnet1}"},
			save: func(out map[string]any) {
				vars["vpcIns"] = out["unInstanceIds"].([]any)[0].(string)
				id, err := h.emu.SeedNetworkInterface("gz", vars["vpc"], 100003)
				require.NoError(t, err)
				vars["eni"] = id
			}},
		{action: "AttachNetworkInterface", params: []string{"vpcId", "{vpc}", "networkInterfaceId", "{eni}", "instanceId", "{vpcIns}"},
			shapes: []string{"data.taskId:number"},
			save:   func(out map[string]any) { vars["task"] = fmt.Sprint(out["data"].(map[string]any)["taskId"]) }},
		{action: "DescribeVpcTaskResult", params: []string{"taskId", "{task}"}, shapes: []string{"data.status:number"}},
		{action: "ModifySecurityGroupsOfNetworkInterface", params: []string{"networkInterfaceSet.0.networkInterfaceId", "{eni}",
			"networkInterfaceSet.0.sgIds.0", "{sg2}"}},
		{action: "DescribeNetworkInterfacesOfSecurityGroup", params: []string{"sgId", "{sg2}"},
			shapes: []string{"data.totalCount:number", "data.networkInterfaceSet[].networkInterfaceId:string"}},
		{action: "UpdateInstanceVpcConfig", params: []string{"instanceId", "{vpcIns}", "vpcId", "{vpc}", "subnetId", "{subnet2}",
			"privateIpAddresses.0", "10.0.0.77"}},
		// Orders and projects (spec §5.8): DescribeDealsByCond's values are
		// strings, its code too.
		{action: "DescribeDeals", shapes: []string{"totalNum:number", "dealDetails[].dealId:string", "dealDetails[].dealName:string",
			"dealDetails[].instanceType:number", "dealDetails[].region:string", "dealDetails[].goodsNum:string",
			"dealDetails[].creater:string", "dealDetails[].creatTime:string", "dealDetails[].overdueTime:string",
			"dealDetails[].endTime:string", "dealDetails[].status:string", "dealDetails[].price:number", "dealDetails[].goodsDetail:object"}},
		{action: "DescribeDealsByCond", params: []string{"startTime", "2000-01-01 00:00:00", "endTime", "2100-01-01 00:00:00"},
			shapes: []string{"code:string", "data.totalNum:string", "data.deals[].dealId:string", "data.deals[].dealName:string",
				"data.deals[].goodsCategoryId:string", "data.deals[].creatTime:string", "data.deals[].realTotalCost:string",
				"data.deals[].projectId:string", "data.deals[].goodsDetail:object"}},
		{action: "PayDeals", params: []string{"dealIds.0", "1"}, shapes: []string{"succDealIds:array", "failDealIds:array"}},
		{action: "AddProject", params: []string{"projectName", "shape项目1"}, shapes: []string{"projectId:number"}},
		{action: "DescribeProject", shapes: []string{"data[].projectName:string", "data[].projectId:number", "data[].createTime:string",
			"data[].creatorUin:number", "data[].projectInfo:string"}},
		// Legacy STS (spec §13.5): the token is sessionToken.
		{action: "AssumeRole", params: []string{"roleArn", "qcs::cam::uin/12345678:roleName/deploy", "roleSessionName", "shape"},
			shapes: []string{"data.credentials.sessionToken:string", "data.credentials.tmpSecretId:string",
				"data.credentials.tmpSecretKey:string", "data.expiredTime:number", "data.expiration:string"}},
	}
	covered := map[string]bool{}
	for i, st := range steps {
		params := make([]string, len(st.params))
		for j, p := range st.params {
			if strings.HasPrefix(p, "{") {
				v, ok := vars[strings.Trim(p, "{}")]
				require.True(t, ok, "step %d: %s is not known yet", i, p)
				p = v
			}
			params[j] = p
		}
		out := h.call(st.action, params...)
		label := st.action
		require.Equal(t, 0, code(out), "step %d %s: %v", i, label, out)
		want := map[string]string{}
		for _, s := range append(append([]string{}, envelope...), st.shapes...) {
			path, typ, _ := strings.Cut(s, ":")
			want[path] = typ // a step's own entry overrides the envelope's
		}
		for path, typ := range want {
			checkJSONShape(t, label, out, path, typ)
		}
		assert.Equal(t, "Success", out["codeDesc"], label)
		if st.save != nil {
			st.save(out)
		}
		covered[st.action] = true
		h.fake.Advance(time.Second)
	}
	aliases := map[string]bool{"ModifyEipAlias": true, "DescribeSecurityGroupPolicy": true, "ModifySecurityGroupPolicy": true,
		"ResizeInstance": true, "UpdateInstanceBandwidth": true}
	for _, a := range Actions() {
		if !aliases[a] {
			assert.True(t, covered[a], "%s has no shape check", a)
		}
	}
}
