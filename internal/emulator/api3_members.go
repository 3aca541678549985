package emulator

// The types of the request members of the API 3.0 actions served: which
// members are lists, objects or single values. Members sent with another
// shape ("InstanceIds": "ins-1", "Placement": "ap-guangzhou-3") are refused
// with InvalidParameter before the action runs, as the real service refuses
// a member of the wrong type [inferred: spec §5 lists InvalidParameter for
// a malformed parameter; the pages give no example of this one]. Without
// this check a list sent as a string read as no list at all: a
// DescribeInstances of "InstanceIds": "ins-1" answered every instance.
//
// The table is data from Tencent's published API definitions (the API
// 3.0 reference pages and tccli's api.json): per action, "Member:kind"
// with nested members dotted and list indexes left out; kind is s (a
// single value), o (an object), [s (a list of values) or [o (a list of
// objects). billing, tag and region are from spec §6 rows 65-69 and 52.
// The official SDKs are judges of it, in conformance/wrongtype_test.go
// and models_test.go, never a source this code reads.

import (
	"strconv"
	"strings"
)

// memberKinds3 maps "service Action" to its members' kinds.
var memberKinds3 = func() map[string]map[string]string {
	out := make(map[string]map[string]string, len(memberTable3))
	for action, members := range memberTable3 {
		m := map[string]string{}
		for _, f := range strings.Fields(members) {
			name, kind, _ := strings.Cut(f, ":")
			m[name] = kind
		}
		out[action] = m
	}
	return out
}()

var memberTable3 = map[string]string{
	"billing DescribeDealsByCond":                        "BigDealId:s EndTime:s Limit:s Offset:s OrderId:s ResourceId:s StartTime:s Status:s",
	"billing PayDeals":                                   "AgentPay:s AutoVoucher:s BigDealIds:[s OrderIds:[s VoucherIds:[s",
	"tag AddProject":                                     "Info:s ProjectName:s",
	"tag TagResources":                                   "ResourceList:[s Tags.Category:s Tags.TagKey:s Tags.TagValue:s Tags:[o",
	"tag UnTagResources":                                 "ResourceList:[s TagKeys:[s",
	"tag ModifyResourceTags":                             "DeleteTags.TagKey:s DeleteTags:[o ReplaceTags.Category:s ReplaceTags.TagKey:s ReplaceTags.TagValue:s ReplaceTags:[o Resource:s",
	"tag DescribeResourceTagsByResourceIds":              "Category:s Limit:s Offset:s ResourceIds:[s ResourcePrefix:s ResourceRegion:s ServiceType:s",
	"tag DescribeResourceTags":                           "CosResourceId:s CreateUin:s Limit:s Offset:s ResourceId:s ResourcePrefix:s ResourceRegion:s ServiceType:s",
	"tag GetResources":                                   "MaxResults:s PaginationToken:s ResourceList:[s TagFilters.TagKey:s TagFilters.TagValue:[s TagFilters:[o",
	"tag DescribeProjects":                               "AllList:s Limit:s Offset:s ProjectName:s",
	"region DescribeRegions":                             "Product:s Scene:s",
	"api DescribeRegions":                                "Product:s Scene:s",
	"cbs CreateDisks":                                    "AutoMountConfiguration.FileSystemType:s AutoMountConfiguration.InstanceId:[s AutoMountConfiguration.MountPoint:[s AutoMountConfiguration:o BurstPerformance:s ClientToken:s DeleteSnapshot:s DiskBackupQuota:s DiskChargePrepaid.CurInstanceDeadline:s DiskChargePrepaid.Period:s DiskChargePrepaid.RenewFlag:s DiskChargePrepaid:o DiskChargeType:s DiskCount:s DiskName:s DiskSize:s DiskType:s Encrypt:s EncryptType:s KmsKeyId:s Placement.CageId:s Placement.CdcId:s Placement.CdcName:s Placement.DedicatedClusterId:s Placement.ProjectId:s Placement.ProjectName:s Placement.Zone:s Placement:o Shareable:s SnapshotId:s Tags.Key:s Tags.Value:s Tags:[o ThroughputPerformance:s",
	"cbs DescribeDisks":                                  "DiskIds:[s Filters.Name:s Filters.Values:[s Filters:[o Limit:s Offset:s Order:s OrderField:s ReturnBindAutoSnapshotPolicy:s",
	"cbs AttachDisks":                                    "AttachMode:s DeleteWithInstance:s DiskIds:[s InstanceId:s",
	"cbs DetachDisks":                                    "DiskIds:[s InstanceId:s",
	"cbs TerminateDisks":                                 "DeleteSnapshot:s DiskIds:[s",
	"cbs ResizeDisk":                                     "DiskId:s DiskSize:s",
	"cbs ModifyDiskAttributes":                           "BurstPerformanceOperation:s DeleteWithInstance:s DiskIds:[s DiskName:s DiskType:s Portable:s ProjectId:s",
	"cbs DescribeDiskConfigQuota":                        "CPU:s DedicatedClusterId:s DiskChargeType:s DiskTypes:[s DiskUsage:s InquiryType:s InstanceFamilies:[s Memory:s Zones:[s",
	"api DescribeZones":                                  "Product:s Scene:s",
	"region DescribeZones":                               "Product:s Scene:s",
	"region DescribeProducts":                            "Limit:s Offset:s",
	"cvm AssociateInstancesKeyPairs":                     "ForceStop:s InstanceIds:[s KeyIds:[s",
	"cvm AssociateSecurityGroups":                        "InstanceIds:[s SecurityGroupIds:[s",
	"cvm CreateImage":                                    "DataDiskIds:[s DryRun:s ForcePoweroff:s ImageDescription:s ImageFamily:s ImageName:s InstanceId:s SnapshotIds:[s Sysprep:s TagSpecification.ResourceType:s TagSpecification.Tags.Key:s TagSpecification.Tags.Value:s TagSpecification.Tags:[o TagSpecification:[o",
	"cvm CreateKeyPair":                                  "KeyName:s ProjectId:s TagSpecification.ResourceType:s TagSpecification.Tags.Key:s TagSpecification.Tags.Value:s TagSpecification.Tags:[o TagSpecification:[o",
	"cvm DeleteImages":                                   "DeleteBindedSnap:s DryRun:s ImageIds:[s",
	"cvm DeleteKeyPairs":                                 "KeyIds:[s",
	"cvm DescribeImageSharePermission":                   "ImageId:s",
	"cvm DescribeImages":                                 "Filters.Name:s Filters.Values:[s Filters:[o ImageIds:[s InstanceType:s Limit:s Offset:s",
	"cvm DescribeInstanceTypeConfigs":                    "Filters.Name:s Filters.Values:[s Filters:[o",
	"cvm DescribeInstances":                              "Filters.Name:s Filters.Values:[s Filters:[o InstanceIds:[s Limit:s Offset:s",
	"cvm DescribeInstancesAttributes":                    "Attributes:[s InstanceIds:[s",
	"cvm DescribeInstancesStatus":                        "InstanceIds:[s Limit:s Offset:s",
	"cvm DescribeKeyPairs":                               "Filters.Name:s Filters.Values:[s Filters:[o KeyIds:[s Limit:s Offset:s",
	"cvm DescribeRegions":                                "",
	"cvm DescribeZoneInstanceConfigInfos":                "Filters.Name:s Filters.Values:[s Filters:[o",
	"cvm DescribeZones":                                  "",
	"cvm DisassociateInstancesKeyPairs":                  "ForceStop:s InstanceIds:[s KeyIds:[s",
	"cvm DisassociateSecurityGroups":                     "InstanceIds:[s SecurityGroupIds:[s",
	"cvm ImportKeyPair":                                  "KeyName:s ProjectId:s PublicKey:s TagSpecification.ResourceType:s TagSpecification.Tags.Key:s TagSpecification.Tags.Value:s TagSpecification.Tags:[o TagSpecification:[o",
	"cvm InquiryPriceRenewInstances":                     "DryRun:s InstanceChargePrepaid.Period:s InstanceChargePrepaid.RenewFlag:s InstanceChargePrepaid:o InstanceIds:[s RenewPortableDataDisk:s",
	"cvm InquiryPriceResetInstancesInternetMaxBandwidth": "EndTime:s InstanceIds:[s InternetAccessible.AntiDDoSPackageId:s InternetAccessible.BandwidthPackageId:s InternetAccessible.IPv4AddressType:s InternetAccessible.IPv6AddressType:s InternetAccessible.InternetChargeType:s InternetAccessible.InternetMaxBandwidthOut:s InternetAccessible.InternetServiceProvider:s InternetAccessible.PublicIpAssigned:s InternetAccessible:o StartTime:s",
	"cvm InquiryPriceResetInstancesType":                 "InstanceIds:[s InstanceType:s",
	"cvm InquiryPriceRunInstances":                       "ClientToken:s CpuTopology.CoreCount:s CpuTopology.ThreadPerCore:s CpuTopology:o DataDisks.BurstPerformance:s DataDisks.CdcId:s DataDisks.DeleteWithInstance:s DataDisks.DiskId:s DataDisks.DiskName:s DataDisks.DiskSize:s DataDisks.DiskType:s DataDisks.Encrypt:s DataDisks.KmsKeyId:s DataDisks.SnapshotId:s DataDisks.ThroughputPerformance:s DataDisks:[o EnhancedService.AutomationService.Enabled:s EnhancedService.AutomationService:o EnhancedService.MonitorService.Enabled:s EnhancedService.MonitorService:o EnhancedService.SecurityService.Enabled:s EnhancedService.SecurityService:o EnhancedService:o HostName:s HpcClusterId:s ImageId:s InstanceChargePrepaid.Period:s InstanceChargePrepaid.RenewFlag:s InstanceChargePrepaid:o InstanceChargeType:s InstanceCount:s InstanceMarketOptions.MarketType:s InstanceMarketOptions.SpotOptions.MaxPrice:s InstanceMarketOptions.SpotOptions.SpotInstanceType:s InstanceMarketOptions.SpotOptions:o InstanceMarketOptions:o InstanceName:s InstanceType:s InternetAccessible.AntiDDoSPackageId:s InternetAccessible.BandwidthPackageId:s InternetAccessible.IPv4AddressType:s InternetAccessible.IPv6AddressType:s InternetAccessible.InternetChargeType:s InternetAccessible.InternetMaxBandwidthOut:s InternetAccessible.InternetServiceProvider:s InternetAccessible.PublicIpAssigned:s InternetAccessible:o LaunchTemplate.LaunchTemplateId:s LaunchTemplate.LaunchTemplateVersion:s LaunchTemplate:o LoginSettings.KeepImageLogin:s LoginSettings.KeyIds:[s LoginSettings.Password:s LoginSettings:o Metadata.Items.Key:s Metadata.Items.Value:s Metadata.Items:[o Metadata:o Placement.DedicatedResourcePackIds:[s Placement.DedicatedResourcePackTenancy:s Placement.HostId:s Placement.HostIds:[s Placement.ProjectId:s Placement.RackId:s Placement.Zone:s Placement:o SecurityGroupIds:[s SystemDisk.CdcId:s SystemDisk.DiskId:s SystemDisk.DiskName:s SystemDisk.DiskSize:s SystemDisk.DiskType:s SystemDisk:o TagSpecification.ResourceType:s TagSpecification.Tags.Key:s TagSpecification.Tags.Value:s TagSpecification.Tags:[o TagSpecification:[o VirtualPrivateCloud.AsVpcGateway:s VirtualPrivateCloud.Ipv6AddressCount:s VirtualPrivateCloud.PrivateIpAddresses:[s VirtualPrivateCloud.SubnetId:s VirtualPrivateCloud.VpcId:s VirtualPrivateCloud:o",
	"cvm ModifyImageAttribute":                           "ImageDeprecated:s ImageDescription:s ImageFamily:s ImageId:s ImageName:s",
	"cvm ModifyImageSharePermission":                     "AccountIds:[s ImageId:s Permission:s",
	"cvm ModifyInstancesAttribute":                       "AutoReboot:s CamRoleName:s CamRoleType:s DisableApiTermination:s HostName:s InstanceIds:[s InstanceName:s SecurityGroups:[s UserData:s",
	"cvm ModifyInstancesProject":                         "InstanceIds:[s ProjectId:s",
	"cvm ModifyInstancesRenewFlag":                       "InstanceIds:[s RenewFlag:s",
	"cvm ModifyInstancesVpcAttribute":                    "ForceStop:s InstanceIds:[s ReserveHostName:s VirtualPrivateCloud.AsVpcGateway:s VirtualPrivateCloud.Ipv6AddressCount:s VirtualPrivateCloud.PrivateIpAddresses:[s VirtualPrivateCloud.SubnetId:s VirtualPrivateCloud.VpcId:s VirtualPrivateCloud:o",
	"cvm ModifyKeyPairAttribute":                         "Description:s KeyId:s KeyName:s",
	"cvm RebootInstances":                                "ForceReboot:s InstanceIds:[s StopType:s",
	"cvm RenewInstances":                                 "InstanceChargePrepaid.Period:s InstanceChargePrepaid.RenewFlag:s InstanceChargePrepaid:o InstanceIds:[s RenewPortableDataDisk:s",
	"cvm ResetInstance":                                  "EnhancedService.AutomationService.Enabled:s EnhancedService.AutomationService:o EnhancedService.MonitorService.Enabled:s EnhancedService.MonitorService:o EnhancedService.SecurityService.Enabled:s EnhancedService.SecurityService:o EnhancedService:o HostName:s ImageId:s InstanceId:s LoginSettings.KeepImageLogin:s LoginSettings.KeyIds:[s LoginSettings.Password:s LoginSettings:o SystemDisk.CdcId:s SystemDisk.DiskId:s SystemDisk.DiskName:s SystemDisk.DiskSize:s SystemDisk.DiskType:s SystemDisk:o UserData:s",
	"cvm ResetInstancesInternetMaxBandwidth":             "EndTime:s InstanceIds:[s InternetAccessible.AntiDDoSPackageId:s InternetAccessible.BandwidthPackageId:s InternetAccessible.IPv4AddressType:s InternetAccessible.IPv6AddressType:s InternetAccessible.InternetChargeType:s InternetAccessible.InternetMaxBandwidthOut:s InternetAccessible.InternetServiceProvider:s InternetAccessible.PublicIpAssigned:s InternetAccessible:o StartTime:s",
	"cvm ResetInstancesPassword":                         "ForceStop:s InstanceIds:[s Password:s UserName:s",
	"cvm ResetInstancesType":                             "ForceStop:s InstanceIds:[s InstanceType:s",
	"cvm ResizeInstanceDisks":                            "DataDisks.BurstPerformance:s DataDisks.CdcId:s DataDisks.DeleteWithInstance:s DataDisks.DiskId:s DataDisks.DiskName:s DataDisks.DiskSize:s DataDisks.DiskType:s DataDisks.Encrypt:s DataDisks.KmsKeyId:s DataDisks.SnapshotId:s DataDisks.ThroughputPerformance:s DataDisks:[o ForceStop:s InstanceId:s ResizeOnline:s SystemDisk.CdcId:s SystemDisk.DiskId:s SystemDisk.DiskName:s SystemDisk.DiskSize:s SystemDisk.DiskType:s SystemDisk:o",
	"cvm RunInstances":                                   "ActionTimer.ActionTime:s ActionTimer.ActionTimerId:s ActionTimer.Externals.ReleaseAddress:s ActionTimer.Externals.StorageBlockAttr.MaxSize:s ActionTimer.Externals.StorageBlockAttr.MinSize:s ActionTimer.Externals.StorageBlockAttr.Type:s ActionTimer.Externals.StorageBlockAttr:o ActionTimer.Externals.UnsupportNetworks:[s ActionTimer.Externals:o ActionTimer.InstanceId:s ActionTimer.Status:s ActionTimer.TimerAction:s ActionTimer:o CamRoleName:s ChcIds:[s ClientToken:s CpuTopology.CoreCount:s CpuTopology.ThreadPerCore:s CpuTopology:o DataDisks.BurstPerformance:s DataDisks.CdcId:s DataDisks.DeleteWithInstance:s DataDisks.DiskId:s DataDisks.DiskName:s DataDisks.DiskSize:s DataDisks.DiskType:s DataDisks.Encrypt:s DataDisks.KmsKeyId:s DataDisks.SnapshotId:s DataDisks.ThroughputPerformance:s DataDisks:[o DedicatedClusterId:s DisableApiTermination:s DisasterRecoverGroupIds:[s DryRun:s EnableJumboFrame:s EnhancedService.AutomationService.Enabled:s EnhancedService.AutomationService:o EnhancedService.MonitorService.Enabled:s EnhancedService.MonitorService:o EnhancedService.SecurityService.Enabled:s EnhancedService.SecurityService:o EnhancedService:o HostName:s HpcClusterId:s ImageId:s InstanceChargePrepaid.Period:s InstanceChargePrepaid.RenewFlag:s InstanceChargePrepaid:o InstanceChargeType:s InstanceCount:s InstanceMarketOptions.MarketType:s InstanceMarketOptions.SpotOptions.MaxPrice:s InstanceMarketOptions.SpotOptions.SpotInstanceType:s InstanceMarketOptions.SpotOptions:o InstanceMarketOptions:o InstanceName:s InstanceType:s InternetAccessible.AntiDDoSPackageId:s InternetAccessible.BandwidthPackageId:s InternetAccessible.IPv4AddressType:s InternetAccessible.IPv6AddressType:s InternetAccessible.InternetChargeType:s InternetAccessible.InternetMaxBandwidthOut:s InternetAccessible.InternetServiceProvider:s InternetAccessible.PublicIpAssigned:s InternetAccessible:o LaunchTemplate.LaunchTemplateId:s LaunchTemplate.LaunchTemplateVersion:s LaunchTemplate:o LoginSettings.KeepImageLogin:s LoginSettings.KeyIds:[s LoginSettings.Password:s LoginSettings:o Metadata.Items.Key:s Metadata.Items.Value:s Metadata.Items:[o Metadata:o MinCount:s Placement.DedicatedResourcePackIds:[s Placement.DedicatedResourcePackTenancy:s Placement.HostId:s Placement.HostIds:[s Placement.ProjectId:s Placement.RackId:s Placement.Zone:s Placement:o SecurityGroupIds:[s SystemDisk.CdcId:s SystemDisk.DiskId:s SystemDisk.DiskName:s SystemDisk.DiskSize:s SystemDisk.DiskType:s SystemDisk:o TagSpecification.ResourceType:s TagSpecification.Tags.Key:s TagSpecification.Tags.Value:s TagSpecification.Tags:[o TagSpecification:[o UserData:s VirtualPrivateCloud.AsVpcGateway:s VirtualPrivateCloud.Ipv6AddressCount:s VirtualPrivateCloud.PrivateIpAddresses:[s VirtualPrivateCloud.SubnetId:s VirtualPrivateCloud.VpcId:s VirtualPrivateCloud:o",
	"cvm StartInstances":                                 "InstanceIds:[s",
	"cvm StopInstances":                                  "ForceStop:s InstanceIds:[s StopType:s StoppedMode:s",
	"cvm SyncImages":                                     "DestinationRegions:[s DryRun:s Encrypt:s ImageIds:[s ImageName:s ImageSetRequired:s KmsKeyId:s",
	"cvm TerminateInstances":                             "InstanceIds:[s ReleaseAddress:s ReleasePrepaidDataDisks:s",
	"vpc AllocateAddresses":                              "AddressChargePrepaid.AutoRenewFlag:s AddressChargePrepaid.Period:s AddressChargePrepaid:o AddressCount:s AddressName:s AddressType:s AntiDDoSPackageId:s AnycastZone:s ApplicableForCLB:s BandwidthPackageId:s ClientToken:s Egress:s InternetChargeType:s InternetMaxBandwidthOut:s InternetServiceProvider:s Tags.Key:s Tags.Value:s Tags:[o",
	"vpc AssociateAddress":                               "AddressId:s EipDirectConnection:s InstanceId:s NetworkInterfaceId:s PrivateIpAddress:s",
	"vpc AssociateNetworkInterfaceSecurityGroups":        "NetworkInterfaceIds:[s SecurityGroupIds:[s",
	"vpc AttachNetworkInterface":                         "AttachType:s ClientToken:s InstanceId:s NetworkInterfaceId:s",
	"vpc CreateDefaultSecurityGroup":                     "ProjectId:s",
	"vpc CreateSecurityGroup":                            "GroupDescription:s GroupName:s ProjectId:s Tags.Key:s Tags.Value:s Tags:[o",
	"vpc CreateSecurityGroupPolicies":                    "SecurityGroupId:s SecurityGroupPolicySet.Egress.Action:s SecurityGroupPolicySet.Egress.AddressTemplate.AddressGroupId:s SecurityGroupPolicySet.Egress.AddressTemplate.AddressId:s SecurityGroupPolicySet.Egress.AddressTemplate:o SecurityGroupPolicySet.Egress.CidrBlock:s SecurityGroupPolicySet.Egress.Ipv6CidrBlock:s SecurityGroupPolicySet.Egress.ModifyTime:s SecurityGroupPolicySet.Egress.PolicyDescription:s SecurityGroupPolicySet.Egress.PolicyIndex:s SecurityGroupPolicySet.Egress.Port:s SecurityGroupPolicySet.Egress.Protocol:s SecurityGroupPolicySet.Egress.SecurityGroupId:s SecurityGroupPolicySet.Egress.ServiceTemplate.ServiceGroupId:s SecurityGroupPolicySet.Egress.ServiceTemplate.ServiceId:s SecurityGroupPolicySet.Egress.ServiceTemplate:o SecurityGroupPolicySet.Egress:[o SecurityGroupPolicySet.Ingress.Action:s SecurityGroupPolicySet.Ingress.AddressTemplate.AddressGroupId:s SecurityGroupPolicySet.Ingress.AddressTemplate.AddressId:s SecurityGroupPolicySet.Ingress.AddressTemplate:o SecurityGroupPolicySet.Ingress.CidrBlock:s SecurityGroupPolicySet.Ingress.Ipv6CidrBlock:s SecurityGroupPolicySet.Ingress.ModifyTime:s SecurityGroupPolicySet.Ingress.PolicyDescription:s SecurityGroupPolicySet.Ingress.PolicyIndex:s SecurityGroupPolicySet.Ingress.Port:s SecurityGroupPolicySet.Ingress.Protocol:s SecurityGroupPolicySet.Ingress.SecurityGroupId:s SecurityGroupPolicySet.Ingress.ServiceTemplate.ServiceGroupId:s SecurityGroupPolicySet.Ingress.ServiceTemplate.ServiceId:s SecurityGroupPolicySet.Ingress.ServiceTemplate:o SecurityGroupPolicySet.Ingress:[o SecurityGroupPolicySet.PolicyStatistics.EgressIPv4TotalCount:s SecurityGroupPolicySet.PolicyStatistics.EgressIPv6TotalCount:s SecurityGroupPolicySet.PolicyStatistics.IngressIPv4TotalCount:s SecurityGroupPolicySet.PolicyStatistics.IngressIPv6TotalCount:s SecurityGroupPolicySet.PolicyStatistics:o SecurityGroupPolicySet.Version:s SecurityGroupPolicySet:o",
	"vpc DeleteSecurityGroup":                            "SecurityGroupId:s",
	"vpc CreateVpc":                                      "CidrBlock:s DnsServers:[s DomainName:s EnableMulticast:s Tags.Key:s Tags.Value:s Tags:[o VpcName:s",
	"vpc DescribeVpcs":                                   "Filters.Name:s Filters.Values:[s Filters:[o Limit:s Offset:s VpcIds:[s",
	"vpc ModifyVpcAttribute":                             "DnsServers:[s DomainName:s EnableCdcPublish:s EnableMulticast:s VpcId:s VpcName:s",
	"vpc DeleteVpc":                                      "VpcId:s",
	"vpc CreateSubnet":                                   "CdcId:s CidrBlock:s SubnetName:s Tags.Key:s Tags.Value:s Tags:[o VpcId:s Zone:s",
	"vpc DescribeSubnets":                                "Filters.Name:s Filters.Values:[s Filters:[o Limit:s Offset:s SubnetIds:[s",
	"vpc ModifySubnetAttribute":                          "EnableBroadcast:s SubnetId:s SubnetName:s",
	"vpc DeleteSubnet":                                   "SubnetId:s",
	"vpc DescribeRouteTables":                            "Filters.Name:s Filters.Values:[s Filters:[o Limit:s Offset:s RouteTableIds:[s",
	"vpc DescribeUsedIpAddress":                          "Filters.Name:s Filters.Values:[s Filters:[o IpAddresses:[s Limit:s Offset:s SubnetId:s VpcId:s",
	"vpc DescribeBandwidthPackages":                      "BandwidthPackageIds:[s Filters.Name:s Filters.Values:[s Filters:[o Limit:s Offset:s",
	"vpc DeleteSecurityGroupPolicies":                    "SecurityGroupId:s SecurityGroupPolicySet.Egress.Action:s SecurityGroupPolicySet.Egress.AddressTemplate.AddressGroupId:s SecurityGroupPolicySet.Egress.AddressTemplate.AddressId:s SecurityGroupPolicySet.Egress.AddressTemplate:o SecurityGroupPolicySet.Egress.CidrBlock:s SecurityGroupPolicySet.Egress.Ipv6CidrBlock:s SecurityGroupPolicySet.Egress.ModifyTime:s SecurityGroupPolicySet.Egress.PolicyDescription:s SecurityGroupPolicySet.Egress.PolicyIndex:s SecurityGroupPolicySet.Egress.Port:s SecurityGroupPolicySet.Egress.Protocol:s SecurityGroupPolicySet.Egress.SecurityGroupId:s SecurityGroupPolicySet.Egress.ServiceTemplate.ServiceGroupId:s SecurityGroupPolicySet.Egress.ServiceTemplate.ServiceId:s SecurityGroupPolicySet.Egress.ServiceTemplate:o SecurityGroupPolicySet.Egress:[o SecurityGroupPolicySet.Ingress.Action:s SecurityGroupPolicySet.Ingress.AddressTemplate.AddressGroupId:s SecurityGroupPolicySet.Ingress.AddressTemplate.AddressId:s SecurityGroupPolicySet.Ingress.AddressTemplate:o SecurityGroupPolicySet.Ingress.CidrBlock:s SecurityGroupPolicySet.Ingress.Ipv6CidrBlock:s SecurityGroupPolicySet.Ingress.ModifyTime:s SecurityGroupPolicySet.Ingress.PolicyDescription:s SecurityGroupPolicySet.Ingress.PolicyIndex:s SecurityGroupPolicySet.Ingress.Port:s SecurityGroupPolicySet.Ingress.Protocol:s SecurityGroupPolicySet.Ingress.SecurityGroupId:s SecurityGroupPolicySet.Ingress.ServiceTemplate.ServiceGroupId:s SecurityGroupPolicySet.Ingress.ServiceTemplate.ServiceId:s SecurityGroupPolicySet.Ingress.ServiceTemplate:o SecurityGroupPolicySet.Ingress:[o SecurityGroupPolicySet.PolicyStatistics.EgressIPv4TotalCount:s SecurityGroupPolicySet.PolicyStatistics.EgressIPv6TotalCount:s SecurityGroupPolicySet.PolicyStatistics.IngressIPv4TotalCount:s SecurityGroupPolicySet.PolicyStatistics.IngressIPv6TotalCount:s SecurityGroupPolicySet.PolicyStatistics:o SecurityGroupPolicySet.Version:s SecurityGroupPolicySet:o",
	"vpc DescribeAddressQuota":                           "",
	"vpc DescribeAddresses":                              "AddressIds:[s Filters.Name:s Filters.Values:[s Filters:[o Limit:s Offset:s",
	"vpc DescribeNetworkInterfaces":                      "Filters.Name:s Filters.Values:[s Filters:[o Limit:s NetworkInterfaceIds:[s Offset:s",
	"vpc DescribeSecurityGroupAssociationStatistics":     "SecurityGroupIds:[s",
	"vpc DescribeSecurityGroupPolicies":                  "Filters.Name:s Filters.Values:[s Filters:[o SecurityGroupId:s",
	"vpc DescribeSecurityGroupReferences":                "SecurityGroupIds:[s",
	"vpc DescribeSecurityGroups":                         "Filters.Name:s Filters.Values:[s Filters:[o Limit:s Offset:s OrderDirection:s OrderField:s SecurityGroupIds:[s",
	"vpc DescribeTaskResult":                             "DealName:s TaskId:s",
	"vpc DescribeVpcTaskResult":                          "TaskId:s",
	"vpc DisassociateAddress":                            "AddressId:s ReallocateNormalPublicIp:s",
	"vpc DisassociateNetworkInterfaceSecurityGroups":     "NetworkInterfaceIds:[s SecurityGroupIds:[s",
	"vpc ModifyAddressAttribute":                         "AddressId:s AddressName:s EipDirectConnection:s",
	"vpc ModifyNetworkInterfaceAttribute":                "NetworkInterfaceDescription:s NetworkInterfaceId:s NetworkInterfaceName:s SecurityGroupIds:[s TrunkingFlag:s",
	"vpc ModifySecurityGroupAttribute":                   "GroupDescription:s GroupName:s SecurityGroupId:s",
	"vpc ModifySecurityGroupPolicies":                    "SecurityGroupId:s SecurityGroupPolicySet.Egress.Action:s SecurityGroupPolicySet.Egress.AddressTemplate.AddressGroupId:s SecurityGroupPolicySet.Egress.AddressTemplate.AddressId:s SecurityGroupPolicySet.Egress.AddressTemplate:o SecurityGroupPolicySet.Egress.CidrBlock:s SecurityGroupPolicySet.Egress.Ipv6CidrBlock:s SecurityGroupPolicySet.Egress.ModifyTime:s SecurityGroupPolicySet.Egress.PolicyDescription:s SecurityGroupPolicySet.Egress.PolicyIndex:s SecurityGroupPolicySet.Egress.Port:s SecurityGroupPolicySet.Egress.Protocol:s SecurityGroupPolicySet.Egress.SecurityGroupId:s SecurityGroupPolicySet.Egress.ServiceTemplate.ServiceGroupId:s SecurityGroupPolicySet.Egress.ServiceTemplate.ServiceId:s SecurityGroupPolicySet.Egress.ServiceTemplate:o SecurityGroupPolicySet.Egress:[o SecurityGroupPolicySet.Ingress.Action:s SecurityGroupPolicySet.Ingress.AddressTemplate.AddressGroupId:s SecurityGroupPolicySet.Ingress.AddressTemplate.AddressId:s SecurityGroupPolicySet.Ingress.AddressTemplate:o SecurityGroupPolicySet.Ingress.CidrBlock:s SecurityGroupPolicySet.Ingress.Ipv6CidrBlock:s SecurityGroupPolicySet.Ingress.ModifyTime:s SecurityGroupPolicySet.Ingress.PolicyDescription:s SecurityGroupPolicySet.Ingress.PolicyIndex:s SecurityGroupPolicySet.Ingress.Port:s SecurityGroupPolicySet.Ingress.Protocol:s SecurityGroupPolicySet.Ingress.SecurityGroupId:s SecurityGroupPolicySet.Ingress.ServiceTemplate.ServiceGroupId:s SecurityGroupPolicySet.Ingress.ServiceTemplate.ServiceId:s SecurityGroupPolicySet.Ingress.ServiceTemplate:o SecurityGroupPolicySet.Ingress:[o SecurityGroupPolicySet.PolicyStatistics.EgressIPv4TotalCount:s SecurityGroupPolicySet.PolicyStatistics.EgressIPv6TotalCount:s SecurityGroupPolicySet.PolicyStatistics.IngressIPv4TotalCount:s SecurityGroupPolicySet.PolicyStatistics.IngressIPv6TotalCount:s SecurityGroupPolicySet.PolicyStatistics:o SecurityGroupPolicySet.Version:s SecurityGroupPolicySet:o SortPolicys:s",
	"vpc ReleaseAddresses":                               "AddressIds:[s",
	"vpc ReplaceSecurityGroupPolicy":                     "OriginalSecurityGroupPolicySet.Egress.Action:s OriginalSecurityGroupPolicySet.Egress.AddressTemplate.AddressGroupId:s OriginalSecurityGroupPolicySet.Egress.AddressTemplate.AddressId:s OriginalSecurityGroupPolicySet.Egress.AddressTemplate:o OriginalSecurityGroupPolicySet.Egress.CidrBlock:s OriginalSecurityGroupPolicySet.Egress.Ipv6CidrBlock:s OriginalSecurityGroupPolicySet.Egress.ModifyTime:s OriginalSecurityGroupPolicySet.Egress.PolicyDescription:s OriginalSecurityGroupPolicySet.Egress.PolicyIndex:s OriginalSecurityGroupPolicySet.Egress.Port:s OriginalSecurityGroupPolicySet.Egress.Protocol:s OriginalSecurityGroupPolicySet.Egress.SecurityGroupId:s OriginalSecurityGroupPolicySet.Egress.ServiceTemplate.ServiceGroupId:s OriginalSecurityGroupPolicySet.Egress.ServiceTemplate.ServiceId:s OriginalSecurityGroupPolicySet.Egress.ServiceTemplate:o OriginalSecurityGroupPolicySet.Egress:[o OriginalSecurityGroupPolicySet.Ingress.Action:s OriginalSecurityGroupPolicySet.Ingress.AddressTemplate.AddressGroupId:s OriginalSecurityGroupPolicySet.Ingress.AddressTemplate.AddressId:s OriginalSecurityGroupPolicySet.Ingress.AddressTemplate:o OriginalSecurityGroupPolicySet.Ingress.CidrBlock:s OriginalSecurityGroupPolicySet.Ingress.Ipv6CidrBlock:s OriginalSecurityGroupPolicySet.Ingress.ModifyTime:s OriginalSecurityGroupPolicySet.Ingress.PolicyDescription:s OriginalSecurityGroupPolicySet.Ingress.PolicyIndex:s OriginalSecurityGroupPolicySet.Ingress.Port:s OriginalSecurityGroupPolicySet.Ingress.Protocol:s OriginalSecurityGroupPolicySet.Ingress.SecurityGroupId:s OriginalSecurityGroupPolicySet.Ingress.ServiceTemplate.ServiceGroupId:s OriginalSecurityGroupPolicySet.Ingress.ServiceTemplate.ServiceId:s OriginalSecurityGroupPolicySet.Ingress.ServiceTemplate:o OriginalSecurityGroupPolicySet.Ingress:[o OriginalSecurityGroupPolicySet.PolicyStatistics.EgressIPv4TotalCount:s OriginalSecurityGroupPolicySet.PolicyStatistics.EgressIPv6TotalCount:s OriginalSecurityGroupPolicySet.PolicyStatistics.IngressIPv4TotalCount:s OriginalSecurityGroupPolicySet.PolicyStatistics.IngressIPv6TotalCount:s OriginalSecurityGroupPolicySet.PolicyStatistics:o OriginalSecurityGroupPolicySet.Version:s OriginalSecurityGroupPolicySet:o SecurityGroupId:s SecurityGroupPolicySet.Egress.Action:s SecurityGroupPolicySet.Egress.AddressTemplate.AddressGroupId:s SecurityGroupPolicySet.Egress.AddressTemplate.AddressId:s SecurityGroupPolicySet.Egress.AddressTemplate:o SecurityGroupPolicySet.Egress.CidrBlock:s SecurityGroupPolicySet.Egress.Ipv6CidrBlock:s SecurityGroupPolicySet.Egress.ModifyTime:s SecurityGroupPolicySet.Egress.PolicyDescription:s SecurityGroupPolicySet.Egress.PolicyIndex:s SecurityGroupPolicySet.Egress.Port:s SecurityGroupPolicySet.Egress.Protocol:s SecurityGroupPolicySet.Egress.SecurityGroupId:s SecurityGroupPolicySet.Egress.ServiceTemplate.ServiceGroupId:s SecurityGroupPolicySet.Egress.ServiceTemplate.ServiceId:s SecurityGroupPolicySet.Egress.ServiceTemplate:o SecurityGroupPolicySet.Egress:[o SecurityGroupPolicySet.Ingress.Action:s SecurityGroupPolicySet.Ingress.AddressTemplate.AddressGroupId:s SecurityGroupPolicySet.Ingress.AddressTemplate.AddressId:s SecurityGroupPolicySet.Ingress.AddressTemplate:o SecurityGroupPolicySet.Ingress.CidrBlock:s SecurityGroupPolicySet.Ingress.Ipv6CidrBlock:s SecurityGroupPolicySet.Ingress.ModifyTime:s SecurityGroupPolicySet.Ingress.PolicyDescription:s SecurityGroupPolicySet.Ingress.PolicyIndex:s SecurityGroupPolicySet.Ingress.Port:s SecurityGroupPolicySet.Ingress.Protocol:s SecurityGroupPolicySet.Ingress.SecurityGroupId:s SecurityGroupPolicySet.Ingress.ServiceTemplate.ServiceGroupId:s SecurityGroupPolicySet.Ingress.ServiceTemplate.ServiceId:s SecurityGroupPolicySet.Ingress.ServiceTemplate:o SecurityGroupPolicySet.Ingress:[o SecurityGroupPolicySet.PolicyStatistics.EgressIPv4TotalCount:s SecurityGroupPolicySet.PolicyStatistics.EgressIPv6TotalCount:s SecurityGroupPolicySet.PolicyStatistics.IngressIPv4TotalCount:s SecurityGroupPolicySet.PolicyStatistics.IngressIPv6TotalCount:s SecurityGroupPolicySet.PolicyStatistics:o SecurityGroupPolicySet.Version:s SecurityGroupPolicySet:o",
	"vpc TransformAddress":                               "InstanceId:s",
}

// shapes3 are the shapes the flattened names of a request give each
// member (index-free path → one or more of 's', 'o', 'v', 'l'): "A" makes A
// a single value, "A.B" an object, "A.0" a list of values, "A.0.B" a list
// of objects.
func shapes3(v map[string][]string) map[string]string {
	out := map[string]string{}
	add := func(path string, shape byte) {
		if !strings.Contains(out[path], string(shape)) {
			out[path] += string(shape)
		}
	}
	for key := range v {
		segs := strings.Split(key, ".")
		path := ""
		for i, seg := range segs {
			if _, err := strconv.Atoi(seg); err == nil && i > 0 {
				continue // an index: the list itself was added below
			}
			if path != "" {
				path += "."
			}
			path += seg
			switch {
			case i == len(segs)-1:
				add(path, 's')
			case isIndex(segs[i+1]) && i+2 == len(segs):
				add(path, 'v') // A.0: a list of values
			case isIndex(segs[i+1]):
				add(path, 'l') // A.0.B: a list of objects
			default:
				add(path, 'o')
			}
		}
	}
	return out
}

func isIndex(seg string) bool {
	_, err := strconv.Atoi(seg)
	return err == nil
}

// checkMembers3 refuses a member of an action sent with a shape its type
// does not have. Members the table does not know are left to the action.
func checkMembers3(service, action string, shapes map[string]string) *api3Err {
	kinds, ok := memberKinds3[service+" "+action]
	if !ok {
		return nil
	}
	for path, got := range shapes {
		want, known := kinds[path]
		if !known {
			continue
		}
		wantShape := map[string]string{"s": "s", "o": "o", "[s": "v", "[o": "l"}[want]
		if got != wantShape {
			return err3("InvalidParameter", "the parameter %s must be %s, not %s", path, kindWords[want], shapeWords(got))
		}
	}
	return nil
}

var kindWords = map[string]string{"s": "a single value", "o": "an object", "[s": "a list of values", "[o": "a list of objects"}

func shapeWords(shape string) string {
	if len(shape) > 1 {
		return "of several shapes at once"
	}
	return map[string]string{"s": "a single value", "o": "an object", "v": "a list of values", "l": "a list of objects"}[shape]
}
