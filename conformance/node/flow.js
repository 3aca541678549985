// The flow of a team on API 3.0, run by Tencent's official Node.js SDK
// (tencentcloud-sdk-nodejs-cvm for cvm, and the typed clients of
// tencentcloud-sdk-nodejs, the package of every service, for vpc, cbs and
// api), unchanged, against the emulator
// at CVM_ENDPOINT (host:port, plain HTTP). Each check is one JSON line on
// stdout; the exit code is 1 when any failed. The emulator's fake clock
// moves by itself while a client waits on a transition (-auto-advance), so
// nothing here sleeps.
"use strict";
const tencentcloud = require("tencentcloud-sdk-nodejs-cvm");
const services = require("tencentcloud-sdk-nodejs");
const { walked } = require("./models");

const endpoint = process.env.CVM_ENDPOINT;
const credential = { secretId: process.env.CVM_SECRET_ID, secretKey: process.env.CVM_SECRET_KEY };
if (process.env.CVM_TOKEN) credential.token = process.env.CVM_TOKEN;
const region = "ap-guangzhou";
let failed = false;

function profile(extra) {
  return Object.assign({ httpProfile: Object.assign({ endpoint, protocol: "http://" }, (extra && extra.http) || {}) },
    (extra && extra.top) || {});
}
function cvmClient(extra, cred) {
  return new tencentcloud.cvm.v20170312.Client({ credential: cred || credential, region, profile: profile(extra) });
}
function vpcClient(extra) {
  return walked(new services.vpc.v20170312.Client({ credential, region, profile: profile(extra) }), "vpc", "v20170312");
}
function check(action, what, pass, detail) {
  if (!pass) failed = true;
  process.stdout.write(JSON.stringify({ action, what, pass: !!pass, detail: detail === undefined ? "" : String(detail) }) + "\n");
  return pass;
}
async function codeOf(p) {
  try {
    await p;
    return "";
  } catch (e) {
    return e.code || "no code: " + e.message;
  }
}
async function waitStates(cvm, ids, state) {
  for (let i = 0; i < 10; i++) {
    const r = await cvm.DescribeInstancesStatus({ InstanceIds: ids });
    if (r.InstanceStatusSet.length === ids.length && r.InstanceStatusSet.every((s) => s.InstanceState === state)) return true;
  }
  return false;
}
async function waitAddress(vpc, id, status) {
  for (let i = 0; i < 10; i++) {
    const r = await vpc.DescribeAddresses({ AddressIds: [id] });
    if (r.AddressSet.length === 1 && r.AddressSet[0].AddressStatus === status) return r.AddressSet[0];
  }
  return null;
}

async function flow() {
  const cvm = cvmClient();
  const vpc = vpcClient();
  const zones = await cvm.DescribeZones({});
  check("DescribeZones", "names zones ap-guangzhou-N with a string ZoneId",
    zones.ZoneSet.some((z) => z.Zone === "ap-guangzhou-3" && z.ZoneId === "100003"));
  const regions = await cvm.DescribeRegions({});
  check("DescribeRegions", "lists ap-guangzhou", regions.RegionSet.some((r) => r.Region === region));
  const types = await cvm.DescribeZoneInstanceConfigInfos({ Filters: [{ Name: "zone", Values: ["ap-guangzhou-3"] },
    { Name: "instance-type", Values: ["S5.SMALL2"] }] });
  check("DescribeZoneInstanceConfigInfos", "S5.SMALL2 is sold, 1 core and 2 GB, with a price",
    types.InstanceTypeQuotaSet.length === 2 && types.InstanceTypeQuotaSet.every((q) => q.Cpu === 1 && q.Memory === 2 && q.Status === "SELL"));
  const imgs = await cvm.DescribeImages({ Filters: [{ Name: "image-type", Values: ["PUBLIC_IMAGE"] }], Limit: 1, Offset: 1 });
  check("DescribeImages", "public images, paged by Offset and Limit", imgs.ImageSet.length === 1 && imgs.TotalCount >= 2);
  const imageId = imgs.ImageSet[0].ImageId;

  const kp = await cvm.CreateKeyPair({ KeyName: "node_key", ProjectId: 0 });
  check("CreateKeyPair", "answers the id and the private key", /^skey-/.test(kp.KeyPair.KeyId) && kp.KeyPair.PrivateKey.length > 100);
  check("CreateKeyPair", "ProjectId is required", (await codeOf(cvm.CreateKeyPair({ KeyName: "other_key" }))) === "MissingParameter");
  const sg = await vpc.CreateSecurityGroup({ GroupName: "node-web", GroupDescription: "node tier" });
  const sgId = sg.SecurityGroup.SecurityGroupId;
  check("CreateSecurityGroup", "answers the group", /^sg-/.test(sgId));
  check("CreateSecurityGroup", "GroupDescription is required",
    (await codeOf(vpc.CreateSecurityGroup({ GroupName: "no-desc" }))) === "MissingParameter");
  await vpc.CreateSecurityGroupPolicies({ SecurityGroupId: sgId, SecurityGroupPolicySet: { Egress: [
    { Protocol: "ALL", Port: "ALL", CidrBlock: "0.0.0.0/0", Action: "DROP" }] } });
  await vpc.ReplaceSecurityGroupPolicy({ SecurityGroupId: sgId, SecurityGroupPolicySet: { Egress: [
    { PolicyIndex: 0, Protocol: "UDP", Port: "53", CidrBlock: "10.0.0.0/8", Action: "ACCEPT" }] } });
  const pols = await vpc.DescribeSecurityGroupPolicies({ SecurityGroupId: sgId });
  const eg = pols.SecurityGroupPolicySet.Egress;
  check("ReplaceSecurityGroupPolicy", "the rule at PolicyIndex is replaced, the Version moves",
    eg.length === 1 && eg[0].Protocol === "UDP" && eg[0].Port === "53" && pols.SecurityGroupPolicySet.Version === "2");

  const run = { Placement: { Zone: "ap-guangzhou-3" }, ImageId: imageId, InstanceType: "S5.SMALL2", InstanceCount: 2,
    ClientToken: "node-token-1", InstanceName: "node-web", SecurityGroupIds: [sgId],
    InternetAccessible: { InternetMaxBandwidthOut: 1, PublicIpAssigned: true } };
  const first = await cvm.RunInstances(run);
  const ids = first.InstanceIdSet;
  check("RunInstances", "makes InstanceCount instances", ids.length === 2);
  const again = await cvm.RunInstances(run);
  check("RunInstances", "the same ClientToken answers the same instances", JSON.stringify(again.InstanceIdSet) === JSON.stringify(ids));
  check("RunInstances", "a ClientToken over 64 characters is InvalidClientToken.TooLong",
    (await codeOf(cvm.RunInstances(Object.assign({}, run, { ClientToken: "x".repeat(65) })))) === "InvalidClientToken.TooLong");
  check("RunInstances", "an unknown zone is InvalidZone.MismatchRegion",
    (await codeOf(cvm.RunInstances(Object.assign({}, run, { ClientToken: undefined, Placement: { Zone: "ap-shanghai-1" } })))) === "InvalidZone.MismatchRegion");
  check("DescribeInstancesStatus", "PENDING, then RUNNING", await waitStates(cvm, ids, "RUNNING"));
  const desc = await cvm.DescribeInstances({ Filters: [{ Name: "instance-name", Values: ["node-web"] },
    { Name: "instance-state", Values: ["RUNNING"] }], Limit: 1 });
  check("DescribeInstances", "Filters by name and state, TotalCount of all, Limit on the page",
    desc.TotalCount === 2 && desc.InstanceSet.length === 1 && desc.InstanceSet[0].InstanceId === ids[0]);
  const one = desc.InstanceSet[0];
  check("DescribeInstances", "type, shape, zone, groups and public IP",
    one.InstanceType === "S5.SMALL2" && one.CPU === 1 && one.Memory === 2 && one.Placement.Zone === "ap-guangzhou-3" &&
    one.SecurityGroupIds[0] === sgId && one.PublicIpAddresses.length === 1);
  check("DescribeInstances", "InstanceIds with Filters is InvalidParameter",
    (await codeOf(cvm.DescribeInstances({ InstanceIds: ids, Filters: [{ Name: "zone", Values: ["ap-guangzhou-3"] }] }))) === "InvalidParameter");
  check("DescribeInstances", "an unknown filter is InvalidFilter",
    (await codeOf(cvm.DescribeInstances({ Filters: [{ Name: "colour", Values: ["blue"] }] }))) === "InvalidFilter");

  await cvm.StopInstances({ InstanceIds: ids, StopType: "SOFT_FIRST" });
  check("StopInstances", "STOPPING, then STOPPED", await waitStates(cvm, ids, "STOPPED"));
  check("RebootInstances", "a STOPPED instance is InvalidInstanceState",
    (await codeOf(cvm.RebootInstances({ InstanceIds: ids }))) === "InvalidInstanceState");
  await cvm.ResetInstancesPassword({ InstanceIds: ids.slice(0, 1), Password: "Passw0rd-node" });
  check("ResetInstancesPassword", "the instance stays STOPPED", await waitStates(cvm, ids.slice(0, 1), "STOPPED"));
  check("ResetInstancesPassword", "a weak password is InvalidPassword",
    (await codeOf(cvm.ResetInstancesPassword({ InstanceIds: ids.slice(0, 1), Password: "short" }))) === "InvalidPassword");
  await cvm.AssociateInstancesKeyPairs({ InstanceIds: ids.slice(1), KeyIds: [kp.KeyPair.KeyId] });
  const keys = await cvm.DescribeKeyPairs({ Filters: [{ Name: "key-name", Values: ["node_key"] }] });
  check("DescribeKeyPairs", "filter key-name; the key shows the instance",
    keys.TotalCount === 1 && keys.KeyPairSet[0].AssociatedInstanceIds[0] === ids[1]);
  await cvm.ModifyInstancesAttribute({ InstanceIds: ids.slice(0, 1), InstanceName: "node-renamed" });
  await cvm.StartInstances({ InstanceIds: ids });
  check("StartInstances", "STARTING, then RUNNING", await waitStates(cvm, ids, "RUNNING"));
  await cvm.RebootInstances({ InstanceIds: ids.slice(1), StopType: "SOFT" });
  const rebooting = await cvm.DescribeInstancesStatus({ InstanceIds: ids.slice(1) });
  check("RebootInstances", "REBOOTING, then RUNNING",
    rebooting.InstanceStatusSet[0].InstanceState === "REBOOTING" && (await waitStates(cvm, ids.slice(1), "RUNNING")));
  const renamed = await cvm.DescribeInstances({ InstanceIds: ids.slice(0, 1) });
  check("ModifyInstancesAttribute", "the name is changed", renamed.InstanceSet[0].InstanceName === "node-renamed");

  const eips = await vpc.AllocateAddresses({ AddressCount: 1 });
  const eipId = eips.AddressSet[0];
  check("AllocateAddresses", "answers the address and a TaskId string", /^eip-/.test(eipId) && typeof eips.TaskId === "string");
  check("DescribeAddresses", "UNBIND once made", (await waitAddress(vpc, eipId, "UNBIND")) !== null);
  await vpc.AssociateAddress({ AddressId: eipId, InstanceId: ids[0] });
  const bound = await waitAddress(vpc, eipId, "BIND");
  check("AssociateAddress", "BIND to the instance", bound !== null && bound.InstanceId === ids[0]);
  const byInst = await vpc.DescribeAddresses({ Filters: [{ Name: "instance-id", Values: [ids[0]] }] });
  check("DescribeAddresses", "filter instance-id", byInst.TotalCount === 1 && byInst.AddressSet[0].AddressId === eipId);
  const kinds = async (filters) => (await vpc.DescribeAddresses({ Filters: filters })).AddressSet.map((a) => a.AddressId);
  check("DescribeAddresses", "filters instance-type CVM and address-type EIP find the bound address; ENI, WanIP and CMCC none",
    (await kinds([{ Name: "instance-type", Values: ["CVM"] }, { Name: "address-type", Values: ["EIP"] }])).includes(eipId) &&
    !(await kinds([{ Name: "instance-type", Values: ["ENI"] }])).includes(eipId) &&
    !(await kinds([{ Name: "address-type", Values: ["WanIP"] }])).includes(eipId) &&
    !(await kinds([{ Name: "address-isp", Values: ["CMCC"] }])).includes(eipId));
  const dis = await vpc.DisassociateAddress({ AddressId: eipId });
  let task = "RUNNING";
  for (let i = 0; i < 10 && task === "RUNNING"; i++) {
    task = (await vpc.DescribeTaskResult({ TaskId: Number(dis.TaskId) })).Result;
    await vpc.DescribeAddresses({});
  }
  check("DescribeTaskResult", "the disassociation's task ends SUCCESS", task === "SUCCESS");
  check("DisassociateAddress", "UNBIND again", (await waitAddress(vpc, eipId, "UNBIND")) !== null);
  await vpc.ReleaseAddresses({ AddressIds: [eipId] });
  check("ReleaseAddresses", "the address is gone", (await vpc.DescribeAddresses({ AddressIds: [eipId] })).TotalCount === 0);

  await cvm.TerminateInstances({ InstanceIds: ids });
  let gone = false;
  for (let i = 0; i < 10 && !gone; i++) gone = (await cvm.DescribeInstances({ InstanceIds: ids })).TotalCount === 0;
  check("TerminateInstances", "TERMINATING, then gone", gone);
  await vpc.DeleteSecurityGroup({ SecurityGroupId: sgId });
  check("DeleteSecurityGroup", "the group is gone",
    (await vpc.DescribeSecurityGroups({ SecurityGroupIds: [sgId] })).TotalCount === 0);
  await cvm.DeleteKeyPairs({ KeyIds: [kp.KeyPair.KeyId] });
  check("DeleteKeyPairs", "the key is gone", (await cvm.DescribeKeyPairs({})).TotalCount === 0);

  // The other ways of calling, and the documented authentication errors.
  const get = cvmClient({ http: { reqMethod: "GET" } });
  const g = await get.DescribeImages({ Filters: [{ Name: "image-type", Values: ["PUBLIC_IMAGE"] }], Limit: 1 });
  check("DescribeImages", "GET with TC3-HMAC-SHA256: the query as Node orders it", g.ImageSet.length === 1);
  for (const m of ["HmacSHA256", "HmacSHA1"]) {
    for (const method of ["POST", "GET"]) {
      const v1 = cvmClient({ top: { signMethod: m }, http: { reqMethod: method } });
      const z = await v1.DescribeZones({});
      check("DescribeZones", method + " signed with signature v1 " + m, z.ZoneSet.length > 0);
    }
  }
  check("DescribeZones", "a wrong SecretKey is AuthFailure.SignatureFailure",
    (await codeOf(cvmClient({}, Object.assign({}, credential, { secretKey: "wrong" })).DescribeZones({}))) === "AuthFailure.SignatureFailure");
  check("DescribeZones", "an unknown SecretId is AuthFailure.SecretIdNotFound",
    (await codeOf(cvmClient({}, Object.assign({}, credential, { secretId: "AKIDnobody" })).DescribeZones({}))) === "AuthFailure.SecretIdNotFound");
  await apiFlow();
  await networkFlow(vpc);
  vpc.report(check);
  await diskFlow(cvm);
}

async function waitDisk(cbs, id, state) {
  for (let i = 0; i < 10; i++) {
    const r = await cbs.DescribeDisks({ DiskIds: [id] });
    if (r.DiskSet.length === 1 && r.DiskSet[0].DiskState === state) return r.DiskSet[0];
  }
  return null;
}

// Cloud disks (cbs 2017-03-12), through the typed cbs client: an instance's own
// disks listed with the types it was bought with, portable disks made,
// found, attached, grown, renamed, detached and returned, and the
// documented refusals.
async function diskFlow(cvm) {
  const cbs = walked(new services.cbs.v20170312.Client({ credential, region, profile: profile() }), "cbs", "v20170312");
  const run = await cvm.RunInstances({ Placement: { Zone: "ap-guangzhou-3" }, ImageId: "img-31tjrtph",
    SystemDisk: { DiskType: "CLOUD_PREMIUM", DiskSize: 50 }, DataDisks: [{ DiskType: "CLOUD_SSD", DiskSize: 100 }] });
  const ins = run.InstanceIdSet[0];
  const own = await cbs.DescribeDisks({ Filters: [{ Name: "instance-id", Values: [ins] }] });
  check("DescribeDisks", "an instance's system and data disks, of the types asked, not portable",
    own.TotalCount === 2 && own.DiskSet.some((d) => d.DiskUsage === "SYSTEM_DISK" && d.DiskType === "CLOUD_PREMIUM" && d.DiskSize === 50) &&
    own.DiskSet.some((d) => d.DiskUsage === "DATA_DISK" && d.DiskType === "CLOUD_SSD" && d.DiskSize === 100) &&
    own.DiskSet.every((d) => !d.Portable && d.Attached && d.Placement.Zone === "ap-guangzhou-3"));
  const made = await cbs.CreateDisks({ Placement: { Zone: "ap-guangzhou-3" }, DiskChargeType: "POSTPAID_BY_HOUR",
    DiskType: "CLOUD_PREMIUM", DiskSize: 50, DiskCount: 2, DiskName: "node-data", Tags: [{ Key: "by", Value: "node" }],
    ClientToken: "node-disks-1" });
  const again = await cbs.CreateDisks({ Placement: { Zone: "ap-guangzhou-3" }, DiskChargeType: "POSTPAID_BY_HOUR",
    DiskType: "CLOUD_PREMIUM", DiskSize: 50, DiskCount: 2, DiskName: "node-data", ClientToken: "node-disks-1" });
  check("CreateDisks", "two disks, and the same two for the same ClientToken",
    made.DiskIdSet.length === 2 && JSON.stringify(made.DiskIdSet) === JSON.stringify(again.DiskIdSet));
  const [d1, d2] = made.DiskIdSet;
  const portable = await cbs.DescribeDisks({ Filters: [{ Name: "portable", Values: ["TRUE"] },
    { Name: "tag:by", Values: ["node"] }], Limit: 1, Offset: 1 });
  check("DescribeDisks", "filters portable and tag:by, the second of two, one a page",
    portable.TotalCount === 2 && portable.DiskSet.length === 1 && portable.DiskSet[0].DiskId === d2 &&
    portable.DiskSet[0].DiskState === "UNATTACHED" && portable.DiskSet[0].Tags.length === 1);
  check("CreateDisks", "a size off the 10 GiB steps is InvalidParameter.DiskSizeNotMultipleOfStepSize",
    (await codeOf(cbs.CreateDisks({ Placement: { Zone: "ap-guangzhou-3" }, DiskChargeType: "POSTPAID_BY_HOUR",
      DiskType: "CLOUD_SSD", DiskSize: 25 }))) === "InvalidParameter.DiskSizeNotMultipleOfStepSize");
  await waitStates(cvm, [ins], "RUNNING");
  await cbs.AttachDisks({ DiskIds: [d1], InstanceId: ins, DeleteWithInstance: true });
  const attached = await waitDisk(cbs, d1, "ATTACHED");
  check("AttachDisks", "ATTACHING, then ATTACHED to the instance", attached && attached.InstanceId === ins && attached.Attached);
  const di = await cvm.DescribeInstances({ InstanceIds: [ins] });
  check("DescribeInstances", "DataDisks lists the attached disk", di.InstanceSet[0].DataDisks.some((d) => d.DiskId === d1));
  check("TerminateDisks", "an attached disk is ResourceUnavailable.Attached",
    (await codeOf(cbs.TerminateDisks({ DiskIds: [d1] }))) === "ResourceUnavailable.Attached");
  check("TerminateDisks", "an instance's own disk is ResourceUnavailable.NotPortable",
    (await codeOf(cbs.TerminateDisks({ DiskIds: [own.DiskSet[0].DiskId] }))) === "ResourceUnavailable.NotPortable");
  await cbs.ResizeDisk({ DiskId: d1, DiskSize: 80 });
  const grown = await waitDisk(cbs, d1, "ATTACHED");
  check("ResizeDisk", "EXPANDING, then 80 GiB, still attached", grown && grown.DiskSize === 80);
  await cbs.ModifyDiskAttributes({ DiskIds: [d2], DiskName: "renamed" });
  const renamed = await cbs.DescribeDisks({ DiskIds: [d2] });
  check("ModifyDiskAttributes", "the new name", renamed.DiskSet[0].DiskName === "renamed");
  await cbs.DetachDisks({ DiskIds: [d1] });
  check("DetachDisks", "DETACHING, then UNATTACHED", (await waitDisk(cbs, d1, "UNATTACHED")) !== null);
  await cbs.TerminateDisks({ DiskIds: [d1, d2] });
  const left = await cbs.DescribeDisks({ DiskIds: [d1, d2] });
  check("TerminateDisks", "both are gone", left.TotalCount === 0);
  const quota = await cbs.DescribeDiskConfigQuota({ InquiryType: "INQUIRY_CBS_CONFIG", Zones: ["ap-guangzhou-3"],
    DiskChargeType: "POSTPAID_BY_HOUR" });
  check("DescribeDiskConfigQuota", "the zone's disk types, 10 GiB steps",
    quota.DiskConfigSet.length > 0 && quota.DiskConfigSet.every((q) => q.Zone === "ap-guangzhou-3" && q.StepSize === 10));
  cbs.report(check);
}

// api 2020-11-06: the product-scoped zones and regions the Terraform
// provider reads.
async function apiFlow() {
  const api = walked(new services.api.v20201106.Client({ credential, region, profile: profile() }), "api", "v20201106");
  const z = await api.DescribeZones({ Product: "cvm" });
  check("DescribeZones", "api 2020-11-06: the zones of product cvm, AVAILABLE",
    z.TotalCount === z.ZoneSet.length && z.ZoneSet.some((x) => x.Zone === "ap-guangzhou-3" && x.ZoneState === "AVAILABLE"));
  const r = await api.DescribeRegions({ Product: "cvm" });
  check("DescribeRegions", "api 2020-11-06: the regions of product cvm", r.RegionSet.some((x) => x.Region === region));
  check("DescribeRegions", "api 2020-11-06: Product is required (MissingParameter)",
    (await codeOf(api.DescribeRegions({}))) === "MissingParameter");
  api.report(check);
}

// VPCs and subnets, through the vpc client.
async function networkFlow(vpc) {
  const made = await vpc.CreateVpc({ VpcName: "node-vpc", CidrBlock: "192.168.0.0/16", Tags: [{ Key: "by", Value: "node" }] });
  const id = made.Vpc.VpcId;
  check("CreateVpc", "a VPC of 192.168.0.0/16, with its tag", made.Vpc.CidrBlock === "192.168.0.0/16" && made.Vpc.TagSet.length === 1);
  const sn = await vpc.CreateSubnet({ VpcId: id, SubnetName: "node-subnet", CidrBlock: "192.168.10.0/24", Zone: "ap-guangzhou-2" });
  check("CreateSubnet", "a /24 in ap-guangzhou-2, 253 addresses usable",
    sn.Subnet.Zone === "ap-guangzhou-2" && sn.Subnet.AvailableIpAddressCount === 253);
  const byName = await vpc.DescribeVpcs({ Filters: [{ Name: "vpc-name", Values: ["node-vpc"] }] });
  check("DescribeVpcs", "filter vpc-name", byName.TotalCount === 1 && byName.VpcSet[0].VpcId === id);
  check("CreateSubnet", "a block outside the VPC is InvalidParameterValue.SubnetRange",
    (await codeOf(vpc.CreateSubnet({ VpcId: id, SubnetName: "x", CidrBlock: "10.9.0.0/24", Zone: "ap-guangzhou-2" }))) ===
    "InvalidParameterValue.SubnetRange");
  await vpc.DeleteSubnet({ SubnetId: sn.Subnet.SubnetId });
  await vpc.DeleteVpc({ VpcId: id });
  const gone = await vpc.DescribeVpcs({ VpcIds: [id] });
  check("DeleteVpc", "the VPC and its subnet are gone", gone.TotalCount === 0);
}

async function tokenFlow() {
  const cvm = cvmClient();
  const z = await cvm.DescribeZones({});
  check("DescribeZones", "temporary credentials with X-TC-Token", z.ZoneSet.length > 0);
  const wrong = Object.assign({}, credential, { token: "wrong-token" });
  check("DescribeZones", "a wrong token is AuthFailure.TokenFailure",
    (await codeOf(cvmClient({}, wrong).DescribeZones({}))) === "AuthFailure.TokenFailure");
}

(process.env.CVM_TOKEN ? tokenFlow() : flow()).then(
  () => process.exit(failed ? 1 : 0),
  (e) => {
    check("flow", "ran to the end", false, (e && (e.code || "")) + " " + (e && e.message));
    process.exit(1);
  });
