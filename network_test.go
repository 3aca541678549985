package cvm_test

import (
	"context"
	"testing"
	"time"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNetworkInterfacesFlow(t *testing.T) {
	t.Parallel()
	bothContracts(t, networkInterfacesFlow, cvmtest.WithTransition(time.Second))
}

func networkInterfacesFlow(t *testing.T, api cvm.APIVersion, c *cvm.Client, srv *cvmtest.Server) {
	ctx := context.Background()
	vpc := srv.SeedVPC("", "flow", "10.1.0.0/16")
	sub1 := srv.SeedSubnet("", vpc, "flow-1", "10.1.1.0/24", 100003)
	sub2 := srv.SeedSubnet("", vpc, "flow-2", "10.1.2.0/24", 100003)
	ids, _, err := c.Instances.Create(ctx, &cvm.InstanceCreateRequest{ZoneID: 100003, CPU: 1, MemoryGB: 1,
		ImageID: "img-31tjrtph", VPCID: vpc, SubnetID: sub1})
	require.NoError(t, err)
	srv.Advance(2 * time.Second)
	assert.Equal(t, "10.1.1.2", srv.Instances("")[0].LanIP, "the subnet's first address (.0 and .1 are kept)")
	eni := srv.SeedNetworkInterface("", vpc, 100003)
	other := srv.SeedNetworkInterface("", vpc, 100001)

	task, _, err := c.NetworkInterfaces.Attach(ctx, vpc, eni, ids[0])
	require.NoError(t, err)
	if api == cvm.API3 {
		assert.Zero(t, task, "API 3.0 answers no task")
	} else {
		st, _, err := c.NetworkInterfaces.TaskStatus(ctx, task)
		require.NoError(t, err)
		assert.Equal(t, cvm.VPCTaskInProgress, st)
		srv.Advance(2 * time.Second)
		require.NoError(t, c.NetworkInterfaces.WaitTask(ctx, task))
	}
	_, _, err = c.NetworkInterfaces.Attach(ctx, vpc, eni, ids[0])
	var apiErr *cvm.APIError
	require.ErrorAs(t, err, &apiErr)
	if api == cvm.API3 {
		assert.Equal(t, "UnsupportedOperation.AttachmentAlreadyExists", apiErr.ErrorCode)
	} else {
		assert.Equal(t, "InvalidNetworkInterface.AlreadyAssociated", apiErr.CodeDesc)
	}
	_, _, err = c.NetworkInterfaces.Attach(ctx, vpc, other, ids[0])
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter, "another zone")

	g, _, err := c.SecurityGroups.Create(ctx, &cvm.SecurityGroupCreateRequest{Name: "eni"})
	require.NoError(t, err)
	_, err = c.SecurityGroups.SetNetworkInterfaceGroups(ctx, cvm.NetworkInterfaceGroups{InterfaceID: eni, SecurityGroupIDs: []string{g.ID}})
	require.NoError(t, err)
	nics, _, err := c.SecurityGroups.NetworkInterfaces(ctx, g.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{eni}, nics)

	_, err = c.Instances.UpdateVPCConfig(ctx, &cvm.InstanceVPCConfig{InstanceID: ids[0], VPCID: vpc,
		SubnetID: sub2, PrivateIP: "10.1.2.3"})
	require.NoError(t, err)
	assert.Equal(t, "10.1.2.3", srv.Instances("")[0].LanIP)
	_, err = c.Instances.UpdateVPCConfig(ctx, &cvm.InstanceVPCConfig{InstanceID: ids[0], VPCID: "vpc-other001",
		SubnetID: sub2, PrivateIP: "10.1.2.4"})
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter, "no moving across VPCs")
	_, err = c.Instances.UpdateVPCConfig(ctx, &cvm.InstanceVPCConfig{InstanceID: ids[0], VPCID: vpc,
		SubnetID: sub2, PrivateIP: "not-an-ip"})
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter, "checked before sending")
}
