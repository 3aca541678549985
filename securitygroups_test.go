package cvm_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
)

func TestSecurityGroupsFlow(t *testing.T) {
	t.Parallel()
	bothContracts(t, securityGroupsFlow, cvmtest.WithInstances(25), cvmtest.WithTransition(-1))
}

func securityGroupsFlow(t *testing.T, api cvm.APIVersion, c *cvm.Client, srv *cvmtest.Server) {
	ctx := context.Background()

	web, _, err := c.SecurityGroups.Create(ctx, &cvm.SecurityGroupCreateRequest{Name: "web", Remark: "front"})
	require.NoError(t, err)
	assert.Regexp(t, `^sg-`, web.ID)
	_, _, err = c.SecurityGroups.Create(ctx, &cvm.SecurityGroupCreateRequest{Name: "web"})
	var apiErr *cvm.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Contains(t, apiErr.Message, "(7005)")
	db, _, err := c.SecurityGroups.Create(ctx, &cvm.SecurityGroupCreateRequest{Name: "db"})
	require.NoError(t, err)

	_, err = c.SecurityGroups.ReplaceRules(ctx, web.ID,
		[]cvm.Rule{
			{Protocol: "tcp", Ports: "443", CIDR: "0.0.0.0/0", Action: cvm.Accept, Description: "https"},
			{Protocol: "tcp", Ports: "22", SecurityGroupID: db.ID, Action: cvm.Accept},
		},
		[]cvm.Rule{{CIDR: "0.0.0.0/0", Action: cvm.Accept}})
	require.NoError(t, err)
	rs, _, err := c.SecurityGroups.Rules(ctx, web.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, rs.Version)
	assert.Equal(t, cvm.Rule{Protocol: "tcp", Ports: "443", CIDR: "0.0.0.0/0", Action: cvm.Accept, Description: "https"}, rs.Ingress[0])
	assert.Len(t, rs.Egress, 1)

	// The version lock: a stale version is refused.
	stale := 0
	_, err = c.SecurityGroups.InsertRules(ctx, &cvm.RuleChange{ID: web.ID, Direction: cvm.Ingress, Version: &stale}, 0,
		cvm.Rule{Protocol: "udp", Ports: "53", Action: cvm.Drop})
	assert.ErrorIs(t, err, cvm.ErrOperationFailed)
	_, err = c.SecurityGroups.InsertRules(ctx, &cvm.RuleChange{ID: web.ID, Direction: cvm.Ingress, Version: &rs.Version}, 0,
		cvm.Rule{Protocol: "udp", Ports: "53", Action: cvm.Drop})
	require.NoError(t, err)
	v := rs.Version + 1
	_, err = c.SecurityGroups.ReplaceRule(ctx, &cvm.RuleChange{ID: web.ID, Direction: cvm.Ingress, Version: &v}, 0,
		cvm.Rule{Protocol: "udp", Ports: "5353", Action: cvm.Accept})
	require.NoError(t, err)
	rs, _, err = c.SecurityGroups.Rules(ctx, web.ID)
	require.NoError(t, err)
	require.Len(t, rs.Ingress, 3)
	assert.Equal(t, "5353", rs.Ingress[0].Ports)
	_, err = c.SecurityGroups.DeleteRules(ctx, &cvm.RuleChange{ID: web.ID, Direction: cvm.Ingress}, 0)
	require.NoError(t, err)

	refs, _, err := c.SecurityGroups.Referrers(ctx, db.ID)
	require.NoError(t, err)
	assert.Equal(t, map[string][]string{db.ID: {web.ID}}, refs)
	_, err = c.SecurityGroups.Delete(ctx, db.ID)
	assert.ErrorIs(t, err, cvm.ErrOperationFailed, "named by web's rules")

	// 25 instances: two calls of at most 20.
	var sets []cvm.InstanceGroups
	for _, in := range srv.Instances("") {
		sets = append(sets, cvm.InstanceGroups{InstanceID: in.ID, SecurityGroupIDs: []string{web.ID}})
	}
	resp, err := c.SecurityGroups.SetInstanceGroups(ctx, sets...)
	require.NoError(t, err)
	if api == cvm.API3 {
		assert.Equal(t, 25, resp.Attempts, "one ModifyInstancesAttribute a instance")
	} else {
		assert.Equal(t, 2, resp.Attempts)
	}
	n := 0
	for _, err := range c.SecurityGroups.AllInstances(ctx, web.ID, &cvm.ListOptions{Limit: 10}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 25, n)
	got, _, err := c.SecurityGroups.Get(ctx, web.ID)
	require.NoError(t, err)
	assert.Equal(t, 25, got.Instances)

	name := "frontend"
	_, err = c.SecurityGroups.Update(ctx, &cvm.SecurityGroupUpdateRequest{ID: web.ID, Name: &name})
	require.NoError(t, err)
	var names []string
	for g, err := range c.SecurityGroups.All(ctx, &cvm.SecurityGroupListOptions{ListOptions: cvm.ListOptions{Limit: 1}}) {
		require.NoError(t, err)
		names = append(names, g.Name)
	}
	assert.Equal(t, []string{"frontend", "db"}, names, "row offsets page one group at a time")

	def, created, _, err := c.SecurityGroups.Default(ctx, 0)
	require.NoError(t, err)
	assert.True(t, created)
	again, created, _, err := c.SecurityGroups.Default(ctx, 0)
	require.NoError(t, err)
	assert.False(t, created)
	assert.Equal(t, def.ID, again.ID)
	_, err = c.SecurityGroups.Delete(ctx, def.ID)
	assert.ErrorIs(t, err, cvm.ErrOperationFailed)
}

func TestSecurityGroupsValidation(t *testing.T) {
	t.Parallel()
	c, srv := flowClient(t)
	ctx := context.Background()
	for name, rule := range map[string]cvm.Rule{
		"no action":         {CIDR: "0.0.0.0/0"},
		"bad action":        {Action: "MAYBE"},
		"bad protocol":      {Protocol: "sctp", Action: cvm.Accept},
		"two sources":       {CIDR: "10.0.0.0/8", SecurityGroupID: "sg-1", Action: cvm.Accept},
		"ports without tcp": {Ports: "22", Action: cvm.Accept},
		"module and ports":  {ServiceModule: "ppm-1", Protocol: "tcp", Action: cvm.Accept},
		"long description":  {Action: cvm.Accept, Description: string(make([]rune, 51))},
	} {
		_, err := c.SecurityGroups.ReplaceRules(ctx, "sg-1", []cvm.Rule{rule}, nil)
		var argErr *cvm.ArgError
		require.ErrorAs(t, err, &argErr, name)
		assert.Equal(t, "ingress[0]", argErr.Arg, name)
	}
	_, _, err := c.SecurityGroups.Create(ctx, &cvm.SecurityGroupCreateRequest{Name: string(make([]rune, 61))})
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	_, err = c.SecurityGroups.InsertRules(ctx, &cvm.RuleChange{ID: "sg-1", Direction: "sideways"}, 0, cvm.Rule{Action: cvm.Accept})
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	_, err = c.SecurityGroups.DeleteRules(ctx, &cvm.RuleChange{ID: "sg-1", Direction: cvm.Egress})
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	_, err = c.SecurityGroups.SetInstanceGroups(ctx)
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	assert.Empty(t, srv.SecurityGroups(""))
}

// TestSecurityGroupCreateWithoutName: sgName is optional (spec §12), and
// two unnamed groups do not collide.
func TestSecurityGroupCreateWithoutName(t *testing.T) {
	t.Parallel()
	c, srv := flowClient(t)
	ctx := context.Background()
	for range 2 {
		g, _, err := c.SecurityGroups.Create(ctx, &cvm.SecurityGroupCreateRequest{Remark: "no name"})
		require.NoError(t, err)
		assert.NotEmpty(t, g.ID)
	}
	assert.Len(t, srv.SecurityGroups(""), 2)
}
