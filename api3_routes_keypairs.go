package cvm

// Routes of the key-pair actions (spec/api3 §6 rows 53 to 59). API 3.0
// requires a ProjectId to make a key; the legacy calls make them in the
// default project (0).

import (
	"context"
	"strconv"
)

func init() {
	addRoutes3(map[string]route3{
		"DescribeKeyPairs": {service: "cvm", action: "DescribeKeyPairs", typed: typedDescribeKeyPairs3,
			newOut: func() any { return new(describeKeyPairs3) }, fillTyped: fillDescribeKeyPairs3},
		"CreateKeyPair": {service: "cvm", action: "CreateKeyPair", typed: func(_ context.Context, _ *Client, req any) (map[string]any, error) {
			return map[string]any{"KeyName": req.(*keyPairCreate).Name, "ProjectId": 0}, nil
		}, newOut: func() any { return new(createKeyPair3) }, fillTyped: func(_ context.Context, _ *Client, got, out, _ any) error {
			k, o := got.(*createKeyPair3).KeyPair, out.(*createKeyPairResponse)
			o.Data.KeyID, o.Data.KeyName, o.Data.Pubkey, o.Data.Secretkey = jsonString(k.KeyId), jsonString(k.KeyName),
				jsonString(k.PublicKey), jsonString(k.PrivateKey)
			return nil
		}},
		"ImportKeyPair": {service: "cvm", action: "ImportKeyPair", typed: func(_ context.Context, _ *Client, req any) (map[string]any, error) {
			r := req.(*keyPairImport)
			return map[string]any{"KeyName": r.Name, "PublicKey": r.PublicKey, "ProjectId": 0}, nil
		}, newOut: func() any { return new(importKeyPair3) }, fillTyped: func(_ context.Context, _ *Client, got, out, _ any) error {
			out.(*importKeyPairResponse).KeyID = jsonString(got.(*importKeyPair3).KeyId)
			return nil
		}},
		"ModifyKeyPair": {service: "cvm", action: "ModifyKeyPairAttribute", typed: func(_ context.Context, _ *Client, req any) (map[string]any, error) {
			r := req.(*keyPairRename)
			return map[string]any{"KeyId": r.ID, "KeyName": r.Name}, nil
		}},
		"DeleteKeyPair":     batch3("cvm", "DeleteKeyPairs", "KeyIds"),
		"BindInstanceKey":   keyBinding3("AssociateInstancesKeyPairs"),
		"UnBindInstanceKey": keyBinding3("DisassociateInstancesKeyPairs"),
	})
}

type importKeyPair3 struct {
	Envelope3
	KeyId string
}

type keyPair3 struct {
	KeyId, KeyName, PublicKey, PrivateKey, CreatedTime, Description string
	ProjectId                                                       int
	AssociatedInstanceIds                                           []string
}

type describeKeyPairs3 struct {
	Envelope3
	TotalCount int
	KeyPairSet []keyPair3
}

type createKeyPair3 struct {
	Envelope3
	KeyPair keyPair3
}

func typedDescribeKeyPairs3(_ context.Context, _ *Client, req any) (map[string]any, error) {
	o := req.(*KeyPairListOptions)
	d := &describe3{members: map[string]any{}}
	page3(d.members, o.ListOptions)
	if !d.ids("KeyIds", o.IDs) {
		if o.Name != "" {
			d.filter("key-name", o.Name)
		}
		if o.ProjectID != nil {
			d.filter("project-id", strconv.Itoa(*o.ProjectID))
		}
	}
	return d.done()
}

// fillDescribeKeyPairs3: API 3.0 has no key status or bound addresses
// (§6 row 53); every key reads as usable.
func fillDescribeKeyPairs3(_ context.Context, _ *Client, got, out, _ any) error {
	g, o := got.(*describeKeyPairs3), out.(*describeKeyPairsResponse)
	o.Data.TotalCount = jsonInt(g.TotalCount)
	for _, k := range g.KeyPairSet {
		o.Data.SSHSet = append(o.Data.SSHSet, keyPairJSON{KeyID: jsonString(k.KeyId), KeyName: jsonString(k.KeyName),
			Pubkey: jsonString(k.PublicKey), CreateTime: parseTime3(k.CreatedTime), BindUnInstanceIDs: asJSONStrings(k.AssociatedInstanceIds)})
	}
	return nil
}

func keyBinding3(action string) route3 {
	return route3{service: "cvm", action: action, typed: func(_ context.Context, _ *Client, req any) (map[string]any, error) {
		r := req.(*keyBinding)
		return map[string]any{"InstanceIds": []string(r.InstanceIDs), "KeyIds": []string{r.KeyID}}, nil
	}}
}
