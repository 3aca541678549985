package cvm_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
)

// testPublicKey is an OpenSSH RSA public key made for these tests.
const testPublicKey = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC4LyMNeOViOiaei5Nh9nFGt52gKlVUHw3++MjnrmNJEDUKrkKcCLs1joMDdfgdHP5C68CKRqypPVFnOY0UWVcPi9YeIu8HutlVmV6w8l2WR94oZRfZePV3YJ1+SpsaILaoAYRaDIlKphO80t893hqEg/G6EGPtNV7BlHrH7wUdgQ== test@example"

func TestKeyPairsFlow(t *testing.T) {
	t.Parallel()
	c, srv := flowClient(t, cvmtest.WithInstances(2), cvmtest.WithTransition(-1))
	ctx := context.Background()
	ins := srv.Instances("")
	linux := ins[0].ID

	created, _, err := c.KeyPairs.Create(ctx, "deploy_key")
	require.NoError(t, err)
	assert.Contains(t, created.PrivateKey.Reveal(), "BEGIN RSA PRIVATE KEY")
	assert.NotContains(t, fmt.Sprintf("%+v", created), "PRIVATE KEY", "the private key never prints")
	assert.Contains(t, created.PublicKey, "ssh-rsa ")
	imported, _, err := c.KeyPairs.Import(ctx, "laptop", testPublicKey)
	require.NoError(t, err)
	_, _, err = c.KeyPairs.Import(ctx, "bad", "ssh-rsa not-base64")
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter, "checked before sending")
	_, _, err = c.KeyPairs.Create(ctx, "has space")
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	_, _, err = c.KeyPairs.Create(ctx, "deploy_key")
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter, "names are unique")

	// Stopped Linux instances only.
	_, err = c.KeyPairs.Bind(ctx, created.ID, linux)
	assert.ErrorIs(t, err, cvm.ErrOperationFailed, "a running instance")
	_, _, err = c.Instances.Stop(ctx, linux)
	require.NoError(t, err)
	_, err = c.KeyPairs.Bind(ctx, created.ID, linux)
	require.NoError(t, err)
	k, _, err := c.KeyPairs.Get(ctx, created.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{linux}, k.InstanceIDs)
	assert.Equal(t, []string{ins[0].LanIP}, k.BoundIPs)

	_, err = c.KeyPairs.Rename(ctx, imported, "laptop_2")
	require.NoError(t, err)
	var names []string
	for kp, err := range c.KeyPairs.All(ctx, nil) {
		require.NoError(t, err)
		names = append(names, kp.Name)
	}
	assert.ElementsMatch(t, []string{"deploy_key", "laptop_2"}, names)

	// A bound key cannot go: a partial failure with every item.
	res, _, err := c.KeyPairs.Delete(ctx, created.ID, imported)
	assert.ErrorIs(t, err, cvm.ErrPartialFailure)
	var apiErr *cvm.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Len(t, apiErr.Items, 2)
	_ = res
	_, err = c.KeyPairs.Unbind(ctx, created.ID, linux)
	require.NoError(t, err)
	res, _, err = c.KeyPairs.Delete(ctx, created.ID)
	require.NoError(t, err)
	require.Len(t, res.Items, 1)
	assert.Equal(t, created.ID, res.Items[0].ID)
	_, _, err = c.KeyPairs.Get(ctx, created.ID)
	assert.ErrorIs(t, err, cvm.ErrNotFound)
}

func TestNetworkInterfacesFlow(t *testing.T) {
	t.Parallel()
	c, srv := flowClient(t, cvmtest.WithTransition(time.Second))
	ctx := context.Background()
	ids, _, err := c.Instances.Create(ctx, &cvm.InstanceCreateRequest{ZoneID: 100003, CPU: 1, MemoryGB: 1,
		ImageID: "img-31tjrtph", VPCID: "vpc-flow0001", SubnetID: "subnet-flow01"})
	require.NoError(t, err)
	srv.Advance(2 * time.Second)
	eni := srv.SeedNetworkInterface("", "vpc-flow0001", 100003)
	other := srv.SeedNetworkInterface("", "vpc-flow0001", 100001)

	task, _, err := c.NetworkInterfaces.Attach(ctx, "vpc-flow0001", eni, ids[0])
	require.NoError(t, err)
	st, _, err := c.NetworkInterfaces.TaskStatus(ctx, task)
	require.NoError(t, err)
	assert.Equal(t, cvm.VPCTaskInProgress, st)
	srv.Advance(2 * time.Second)
	require.NoError(t, c.NetworkInterfaces.WaitTask(ctx, task))
	_, _, err = c.NetworkInterfaces.Attach(ctx, "vpc-flow0001", eni, ids[0])
	var apiErr *cvm.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "InvalidNetworkInterface.AlreadyAssociated", apiErr.CodeDesc)
	_, _, err = c.NetworkInterfaces.Attach(ctx, "vpc-flow0001", other, ids[0])
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter, "another zone")

	g, _, err := c.SecurityGroups.Create(ctx, &cvm.SecurityGroupCreateRequest{Name: "eni"})
	require.NoError(t, err)
	_, err = c.SecurityGroups.SetNetworkInterfaceGroups(ctx, cvm.NetworkInterfaceGroups{InterfaceID: eni, SecurityGroupIDs: []string{g.ID}})
	require.NoError(t, err)
	nics, _, err := c.SecurityGroups.NetworkInterfaces(ctx, g.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{eni}, nics)

	_, err = c.Instances.UpdateVPCConfig(ctx, &cvm.InstanceVPCConfig{InstanceID: ids[0], VPCID: "vpc-flow0001",
		SubnetID: "subnet-flow02", PrivateIP: "10.1.2.3"})
	require.NoError(t, err)
	assert.Equal(t, "10.1.2.3", srv.Instances("")[0].LanIP)
	_, err = c.Instances.UpdateVPCConfig(ctx, &cvm.InstanceVPCConfig{InstanceID: ids[0], VPCID: "vpc-other001",
		SubnetID: "subnet-flow02", PrivateIP: "10.1.2.4"})
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter, "no moving across VPCs")
	_, err = c.Instances.UpdateVPCConfig(ctx, &cvm.InstanceVPCConfig{InstanceID: ids[0], VPCID: "vpc-flow0001",
		SubnetID: "subnet-flow02", PrivateIP: "not-an-ip"})
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter, "checked before sending")
}

func TestDealsAndProjectsFlow(t *testing.T) {
	t.Parallel()
	c, srv := flowClient(t, cvmtest.WithTransition(time.Second))
	ctx := context.Background()
	pre, _, err := c.Instances.CreatePrepaid(ctx, &cvm.InstancePrepaidCreateRequest{Months: 1,
		InstanceCreateRequest: cvm.InstanceCreateRequest{ZoneID: 100003, CPU: 1, MemoryGB: 1, ImageID: "img-31tjrtph"}})
	require.NoError(t, err)
	deals := pre.DealIDs
	ids := pre.InstanceIDs[deals[0]]
	require.Len(t, deals, 1)
	d, _, err := c.Deals.Get(ctx, deals[0])
	require.NoError(t, err)
	assert.Equal(t, cvm.DealShipping, d.Status, "while the instance is created")
	assert.Equal(t, ids, d.InstanceIDs)
	srv.Advance(2 * time.Second)
	settled, err := c.Deals.WaitSettled(ctx, deals...)
	require.NoError(t, err)
	assert.Equal(t, cvm.DealDelivered, settled[0].Status)

	sums, resp, err := c.Deals.Query(ctx, cvm.DealQuery{From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, 1, resp.TotalCount)
	assert.Equal(t, deals[0], sums[0].ID)

	pid, _, err := c.Projects.Create(ctx, "web前端2", "front end")
	require.NoError(t, err)
	_, _, err = c.Projects.Create(ctx, "web前端2", "")
	var apiErr *cvm.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Contains(t, apiErr.Message, "(1036)")
	_, _, err = c.Projects.Create(ctx, "bad name!", "")
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	ps, _, err := c.Projects.List(ctx, false)
	require.NoError(t, err)
	require.Len(t, ps, 1)
	assert.Equal(t, pid, ps[0].ID)
	_, err = c.Instances.MoveToProject(ctx, ids[0], pid)
	require.NoError(t, err, "a created project is usable")
}

func TestUnpaidDeals(t *testing.T) {
	t.Parallel()
	c, srv := flowClient(t, cvmtest.WithTransition(time.Second), cvmtest.WithUnpaidDeals())
	ctx := context.Background()
	pre, _, err := c.Instances.CreatePrepaid(ctx, &cvm.InstancePrepaidCreateRequest{Months: 1,
		InstanceCreateRequest: cvm.InstanceCreateRequest{ZoneID: 100003, CPU: 1, MemoryGB: 1, ImageID: "img-31tjrtph"}})
	require.NoError(t, err)
	deals := pre.DealIDs
	ids := pre.InstanceIDs[deals[0]]
	srv.Advance(time.Minute)
	_, err = c.Deals.WaitSettled(ctx, deals...)
	var we *cvm.WaitError
	require.ErrorAs(t, err, &we, "an unpaid order does not move by itself")
	assert.Equal(t, int(cvm.InstanceCreating), srv.Instances("")[0].Status, "not delivered until paid")
	paid, _, err := c.Deals.Pay(ctx, deals...)
	require.NoError(t, err)
	assert.Len(t, paid.Paid, 1)
	srv.Advance(2 * time.Second)
	_, err = c.Deals.WaitSettled(ctx, deals...)
	require.NoError(t, err)
	require.NoError(t, c.Instances.WaitStatus(ctx, cvm.InstanceRunning, ids...))
}
