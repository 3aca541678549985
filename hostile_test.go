package cvm

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHostileAnswers: answers no honest server sends end in a clear, typed
// error, in bounded time and memory.
func TestHostileAnswers(t *testing.T) {
	t.Parallel()
	deep := `{"code":0,"instanceSet":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`
	tests := []struct {
		name string
		body string
		call func(ctx context.Context, c *Client) error
	}{
		{"deep nesting", deep, func(ctx context.Context, c *Client) error { _, _, err := c.Instances.List(ctx, nil); return err }},
		{"deep nesting in a raw call", deep, func(ctx context.Context, c *Client) error {
			var out map[string]any
			return c.Do(ctx, "cvm", "DescribeInstances", nil, &out)
		}},
		{"a list that is a string", `{"code":0,"totalCount":1,"instanceSet":"ins-1"}`,
			func(ctx context.Context, c *Client) error { _, _, err := c.Instances.List(ctx, nil); return err }},
		{"a number that is an object", `{"code":0,"totalCount":{"n":1},"instanceSet":[]}`,
			func(ctx context.Context, c *Client) error { _, _, err := c.Instances.List(ctx, nil); return err }},
		{"a status that is not a number", `{"code":0,"totalCount":1,"instanceSet":[{"status":"running"}]}`,
			func(ctx context.Context, c *Client) error { _, _, err := c.Instances.List(ctx, nil); return err }},
		{"a negative total", `{"code":0,"totalCount":-3,"instanceSet":[]}`,
			func(ctx context.Context, c *Client) error { _, _, err := c.Instances.List(ctx, nil); return err }},
		{"a negative total of groups", `{"code":0,"data":{"totalNum":-1,"detail":[]}}`,
			func(ctx context.Context, c *Client) error { _, _, err := c.SecurityGroups.List(ctx, nil); return err }},
		{"a time that is not a time", `{"code":0,"totalCount":1,"imageSet":[{"createTime":"yesterday"}]}`,
			func(ctx context.Context, c *Client) error {
				_, _, err := c.Images.List(ctx, &ImageListOptions{Type: ImagePublic})
				return err
			}},
		{"a code that is not a number", `{"code":"oops"}`,
			func(ctx context.Context, c *Client) error { _, _, err := c.Zones.List(ctx); return err }},
		{"a code far out of range", `{"code":1e300}`,
			func(ctx context.Context, c *Client) error { _, _, err := c.Zones.List(ctx); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := setup(t, func(cfg *Config) { cfg.MaxAttempts = 1 })
			answer(t, mt, "POST", `=~^https://`, tt.body)
			err := tt.call(context.Background(), c)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrBadResponse)
			assert.NotContains(t, err.Error(), "\n")
			assert.Less(t, len(err.Error()), 600, "one short line")
		})
	}
}

// TestPageThatRepeatsForever: a server that ignores offset and claims a
// huge total makes All stop with an error after the second page.
func TestPageThatRepeatsForever(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	var b strings.Builder
	b.WriteString(`{"code":0,"totalCount":1000000000,"instanceSet":[`)
	for i := range 100 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"unInstanceId":"ins-` + strings.Repeat("x", i%7+1) + `"}`)
	}
	b.WriteString(`]}`)
	rec := answer(t, mt, "POST", cvmURL, b.String())
	n, errs := 0, 0
	for _, err := range c.Instances.All(context.Background(), nil) {
		if err != nil {
			errs++
			assert.ErrorIs(t, err, ErrBadResponse)
			continue
		}
		n++
	}
	assert.Equal(t, 100, n)
	assert.Equal(t, 1, errs)
	assert.Len(t, rec.requests(), 2)
}

// TestValidationBeforeSending: bad arguments of every typed request are
// refused with an ArgError naming the field, and nothing is sent.
func TestValidationBeforeSending(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	ctx := context.Background()
	neg, long := -1, strings.Repeat("x", 101)
	badName := "bad name"
	tests := map[string]struct {
		call func() error
		arg  string
	}{
		"Reinstall nil":   {func() error { _, _, err := c.Instances.Reinstall(ctx, nil); return err }, "req"},
		"Reinstall no id": {func() error { _, _, err := c.Instances.Reinstall(ctx, &InstanceReinstallRequest{}); return err }, "InstanceID"},
		"Reinstall type alone": {func() error {
			_, _, err := c.Instances.Reinstall(ctx, &InstanceReinstallRequest{InstanceID: "ins-1", ImageType: 1})
			return err
		}, "ImageType"},
		"Reinstall weak password": {func() error {
			_, _, err := c.Instances.Reinstall(ctx, &InstanceReinstallRequest{InstanceID: "ins-1", Password: "aaaaaaaa"})
			return err
		}, "Password"},
		"Resize nothing": {func() error {
			_, _, err := c.Instances.Resize(ctx, &InstanceResizeRequest{InstanceID: "ins-1"})
			return err
		}, "req"},
		"Resize shape": {func() error {
			_, err := c.Instances.ResizeHourly(ctx, &InstanceResizeRequest{InstanceID: "ins-1", CPU: 2, MemoryGB: 16})
			return err
		}, "MemoryGB"},
		"Resize disk": {func() error {
			_, err := c.Instances.ResizeHourly(ctx, &InstanceResizeRequest{InstanceID: "ins-1", DataDiskGB: 15})
			return err
		}, "DataDiskGB"},
		"SetBandwidth no dates": {func() error {
			_, _, err := c.Instances.SetBandwidth(ctx, &BandwidthRequest{InstanceID: "ins-1", BandwidthMbps: 5})
			return err
		}, "Start"},
		"SetBandwidthHourly range": {func() error { _, err := c.Instances.SetBandwidthHourly(ctx, "ins-1", 1001); return err }, "mbps"},
		"MoveToProject negative":   {func() error { _, err := c.Instances.MoveToProject(ctx, "ins-1", -1); return err }, "projectID"},
		"SetAutoRenew value":       {func() error { _, _, err := c.Instances.SetAutoRenew(ctx, 7, "ins-1"); return err }, "renew"},
		"ResetPassword weak":       {func() error { _, _, err := c.Instances.ResetPassword(ctx, "password", "ins-1"); return err }, "Password"},
		"Price months": {func() error {
			_, _, err := c.Instances.Price(ctx, &InstancePriceRequest{CPU: 1, MemoryGB: 1, Months: 0})
			return err
		}, "Months"},
		"PriceHourly count": {func() error {
			_, _, err := c.Instances.PriceHourly(ctx, &InstanceHourlyPriceRequest{CPU: 1, MemoryGB: 1, Count: 101})
			return err
		}, "Count"},
		"Get empty id":        {func() error { _, _, err := c.Instances.Get(ctx, ""); return err }, "id"},
		"Terminate spaced id": {func() error { _, err := c.Instances.Terminate(ctx, "ins 1"); return err }, "id"},
		"Images.Update name": {func() error {
			_, err := c.Images.Update(ctx, &ImageUpdateRequest{ImageID: "img-1", Name: &badName})
			return err
		}, "Name"},
		"Images.Sync none":   {func() error { _, err := c.Images.Sync(ctx, []string{"img-1"}); return err }, "regions"},
		"Images.Shares none": {func() error { _, _, err := c.Images.Shares(ctx); return err }, "ids"},
		"SG.Update remark": {func() error {
			_, err := c.SecurityGroups.Update(ctx, &SecurityGroupUpdateRequest{ID: "sg-1", Remark: &long})
			return err
		}, "Remark"},
		"SG.Create project": {func() error {
			_, _, err := c.SecurityGroups.Create(ctx, &SecurityGroupCreateRequest{Name: "a", ProjectID: -1})
			return err
		}, "ProjectID"},
		"SG.ReplaceRule index": {func() error {
			_, err := c.SecurityGroups.ReplaceRule(ctx, &RuleChange{ID: "sg-1", Direction: Ingress}, -1, Rule{Action: Accept})
			return err
		}, "index"},
		"SG.InsertRules none": {func() error {
			_, err := c.SecurityGroups.InsertRules(ctx, &RuleChange{ID: "sg-1", Direction: Ingress}, 0)
			return err
		}, "rules"},
		"SG.DeleteRules negative": {func() error {
			_, err := c.SecurityGroups.DeleteRules(ctx, &RuleChange{ID: "sg-1", Direction: Ingress}, -2)
			return err
		}, "indexes"},
		"SG.Default negative": {func() error { _, _, _, err := c.SecurityGroups.Default(ctx, neg); return err }, "projectID"},
		"SG.ListInstances limit": {func() error {
			_, _, err := c.SecurityGroups.ListInstances(ctx, "sg-1", &ListOptions{Limit: 500})
			return err
		}, "Limit"},
		"EIPs.SetPassThrough id": {func() error { _, err := c.EIPs.SetPassThrough(ctx, "", true); return err }, "id"},
		"EIPs.List offset": {func() error {
			_, _, err := c.EIPs.List(ctx, &EIPListOptions{ListOptions: ListOptions{Offset: -5}})
			return err
		}, "Offset"},
		"Zones.Abilities zone": {func() error { _, _, err := c.Zones.Abilities(ctx, 0); return err }, "zoneID"},
	}
	for name, tt := range tests {
		err := tt.call()
		var argErr *ArgError
		if assert.ErrorAs(t, err, &argErr, name) {
			assert.Equal(t, tt.arg, argErr.Arg, name)
		}
	}
	assert.Zero(t, mt.GetTotalCallCount(), "nothing was sent")
}
