package cvm

// Routes of the key-pair actions (spec/api3 §6 rows 53 to 59). API 3.0
// requires a ProjectId to make a key; the legacy calls make them in the
// default project (0).

import (
	"context"
	"net/url"
)

func init() {
	addRoutes3(map[string]route3{
		"DescribeKeyPairs": {service: "cvm", action: "DescribeKeyPairs", build: buildDescribeKeyPairs3,
			newOut: func() any { return new(describeKeyPairs3) }, fill: fillDescribeKeyPairs3},
		"CreateKeyPair": {service: "cvm", action: "CreateKeyPair", build: func(_ context.Context, _ *Client, v url.Values) (map[string]any, error) {
			return map[string]any{"KeyName": v.Get("keyName"), "ProjectId": 0}, nil
		}, newOut: func() any { return new(createKeyPair3) }, fill: func(_ context.Context, _ *Client, got, out any, _ url.Values) error {
			k, o := got.(*createKeyPair3).KeyPair, out.(*createKeyPairResponse)
			o.Data.KeyID, o.Data.KeyName, o.Data.Pubkey, o.Data.Secretkey = jsonString(k.KeyId), jsonString(k.KeyName),
				jsonString(k.PublicKey), jsonString(k.PrivateKey)
			return nil
		}},
		"ImportKeyPair": {service: "cvm", action: "ImportKeyPair", build: func(_ context.Context, _ *Client, v url.Values) (map[string]any, error) {
			return map[string]any{"KeyName": v.Get("keyName"), "PublicKey": v.Get("pubKey"), "ProjectId": 0}, nil
		}, newOut: func() any {
			return new(struct {
				Envelope3
				KeyId string
			})
		}, fill: func(_ context.Context, _ *Client, got, out any, _ url.Values) error {
			out.(*importKeyPairResponse).KeyID = jsonString(got.(*struct {
				Envelope3
				KeyId string
			}).KeyId)
			return nil
		}},
		"ModifyKeyPair": {service: "cvm", action: "ModifyKeyPairAttribute", build: func(_ context.Context, _ *Client, v url.Values) (map[string]any, error) {
			return map[string]any{"KeyId": v.Get("keyId"), "KeyName": v.Get("keyName")}, nil
		}},
		"DeleteKeyPair": {service: "cvm", action: "DeleteKeyPairs", build: func(_ context.Context, _ *Client, v url.Values) (map[string]any, error) {
			return map[string]any{"KeyIds": listParam(v, "keyIds")}, nil
		}, fill: allSucceeded("keyIds")},
		"BindInstanceKey":   keyBinding3("AssociateInstancesKeyPairs"),
		"UnBindInstanceKey": keyBinding3("DisassociateInstancesKeyPairs"),
	})
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

func buildDescribeKeyPairs3(_ context.Context, _ *Client, v url.Values) (map[string]any, error) {
	d := newDescribe3(v, "offset", false)
	if !d.ids("KeyIds", listParam(v, "keyIds")) {
		d.filterIf("key-name", v, "keyName")
		d.filterIf("project-id", v, "projectId")
	}
	return d.done()
}

// fillDescribeKeyPairs3: API 3.0 has no key status or bound addresses
// (§6 row 53); every key reads as usable.
func fillDescribeKeyPairs3(_ context.Context, _ *Client, got, out any, _ url.Values) error {
	g, o := got.(*describeKeyPairs3), out.(*describeKeyPairsResponse)
	o.Data.TotalCount = jsonInt(g.TotalCount)
	for _, k := range g.KeyPairSet {
		o.Data.SSHSet = append(o.Data.SSHSet, keyPairJSON{KeyID: jsonString(k.KeyId), KeyName: jsonString(k.KeyName),
			Pubkey: jsonString(k.PublicKey), CreateTime: parseTime3(k.CreatedTime), BindUnInstanceIDs: asJSONStrings(k.AssociatedInstanceIds)})
	}
	return nil
}

func keyBinding3(action string) route3 {
	return route3{service: "cvm", action: action, build: func(_ context.Context, _ *Client, v url.Values) (map[string]any, error) {
		return map[string]any{"InstanceIds": listParam(v, "instanceIds"), "KeyIds": []string{v.Get("keyId")}}, nil
	}}
}
