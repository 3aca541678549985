package cvm

import (
	"context"
	"fmt"
	"iter"
	"regexp"
	"time"

	"golang.org/x/crypto/ssh"
)

// KeyPairsService manages SSH key pairs (module cvm).
type KeyPairsService service

// KeyPair is an SSH key pair, as DescribeKeyPairs reports it. Tencent keeps
// only its public half.
type KeyPair struct {
	ID        string
	Name      string
	PublicKey string
	// OK is true for status 0 ("正常"). API 3.0 reports no status: under
	// [API3] OK is always true.
	OK bool
	// InstanceIDs are the instances the key is bound to; BoundIPs their
	// addresses, which API 3.0 does not report: under [API3] BoundIPs is
	// empty.
	InstanceIDs []string
	BoundIPs    []string
	Created     time.Time
}

type keyPairJSON struct {
	KeyID             jsonString            `json:"keyId"`
	KeyName           jsonString            `json:"keyName"`
	Pubkey            jsonString            `json:"pubkey"`
	Status            jsonInt               `json:"status"`
	BindIPs           oneOrMany[jsonString] `json:"bindIps"`
	CreateTime        jsonTime              `json:"createTime"`
	BindUnInstanceIDs oneOrMany[jsonString] `json:"bindUnInstanceIds"`
}

func strs(l []jsonString) []string {
	if len(l) == 0 {
		return nil
	}
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = string(s)
	}
	return out
}

func (j *keyPairJSON) keyPair() KeyPair {
	return KeyPair{ID: string(j.KeyID), Name: string(j.KeyName), PublicKey: string(j.Pubkey), OK: j.Status == 0,
		InstanceIDs: strs(j.BindUnInstanceIDs), BoundIPs: strs(j.BindIPs), Created: time.Time(j.CreateTime)}
}

// KeyPairListOptions filters DescribeKeyPairs.
type KeyPairListOptions struct {
	ListOptions
	IDs List[string] `url:"keyIds,omitempty"`
	// Name keeps keys whose name matches it.
	Name string `url:"keyName,omitempty"`
	// ProjectID keeps the keys of one project; nil means every project.
	ProjectID *int `url:"projectId,omitempty"`
}

type describeKeyPairsResponse struct {
	envelope
	Data struct {
		TotalCount jsonInt       `json:"totalCount"`
		SSHSet     []keyPairJSON `json:"sshSet"`
	} `json:"data"` // the list sits under data, though the table lists it flat
}

func (s *KeyPairsService) lister(opts *KeyPairListOptions) lister[KeyPair] {
	o := orZero(opts)
	return lister[KeyPair]{
		arg: "IDs", ids: o.IDs, per: 100, opts: o.ListOptions, key: func(k KeyPair) string { return k.ID },
		fetch: func(ctx context.Context, ids []string, off, lim int) (page[KeyPair], *Response, error) {
			c := o
			c.IDs, c.Offset, c.Limit = ids, off, lim
			var out describeKeyPairsResponse
			resp, err := s.client.do(ctx, "DescribeKeyPairs", &c, &out)
			if err != nil {
				return page[KeyPair]{}, resp, err
			}
			if out.Data.TotalCount < 0 {
				return page[KeyPair]{}, resp, &ResponseError{Action: "DescribeKeyPairs", HTTPStatusCode: 200, Reason: "negative total count"}
			}
			items := make([]KeyPair, len(out.Data.SSHSet))
			for i := range out.Data.SSHSet {
				items[i] = out.Data.SSHSet[i].keyPair()
			}
			resp.TotalCount = int(out.Data.TotalCount)
			return page[KeyPair]{items, int(out.Data.TotalCount)}, resp, nil
		},
	}
}

// List returns one page of the key pairs matching opts (nil for all), and
// the total in Response.TotalCount.
//
// It calls the DescribeKeyPairs action.
func (s *KeyPairsService) List(ctx context.Context, opts *KeyPairListOptions) ([]KeyPair, *Response, error) {
	return s.lister(opts).list(ctx)
}

// All returns an iterator over every key pair matching opts; see
// [InstancesService.All].
//
// It calls the DescribeKeyPairs action.
func (s *KeyPairsService) All(ctx context.Context, opts *KeyPairListOptions) iter.Seq2[KeyPair, error] {
	return s.lister(opts).all(ctx)
}

// Get returns one key pair; an error matching [ErrNotFound] when there is
// none.
//
// It calls the DescribeKeyPairs action.
func (s *KeyPairsService) Get(ctx context.Context, id string) (*KeyPair, *Response, error) {
	if err := checkID("id", id); err != nil {
		return nil, nil, err
	}
	list, resp, err := s.List(ctx, &KeyPairListOptions{IDs: []string{id}})
	if err != nil {
		return nil, resp, err
	}
	for i := range list {
		if list[i].ID == id {
			return &list[i], resp, nil
		}
	}
	return nil, resp, &APIError{Action: "DescribeKeyPairs", Code: CodeNotFound, Message: "key pair " + id + " not found"}
}

// keyNameRE is the documented rule for key names ("只能包含数字，字母和下划线")
// with the 25-character limit of the newer API [inferred for the legacy one].
var keyNameRE = regexp.MustCompile(`^[A-Za-z0-9_]{1,25}$`)

func checkKeyName(name string) error {
	if !keyNameRE.MatchString(name) {
		return &ArgError{Arg: "name", Reason: "must be 1 to 25 letters, digits and underscores"}
	}
	return nil
}

// NewKeyPair is a key pair the API made: the private key is returned only
// this once, as a [Secret], and never logged or printed by the SDK.
type NewKeyPair struct {
	KeyPair
	PrivateKey Secret
}

type createKeyPairResponse struct {
	envelope
	Data struct {
		KeyID     jsonString `json:"keyId"`
		KeyName   jsonString `json:"keyName"`
		Pubkey    jsonString `json:"pubkey"`
		Secretkey jsonString `json:"secretkey"`
	} `json:"data"`
}

// Create makes an OpenSSH RSA key pair named name (letters, digits and
// underscores, unique). Tencent keeps only the public key: save the private
// key now.
//
// It calls the CreateKeyPair action.
func (s *KeyPairsService) Create(ctx context.Context, name string) (*NewKeyPair, *Response, error) {
	if err := checkKeyName(name); err != nil {
		return nil, nil, err
	}
	var out createKeyPairResponse
	resp, err := s.client.do(ctx, "CreateKeyPair", &keyPairCreate{Name: name}, &out)
	if err != nil {
		return nil, resp, err
	}
	d := out.Data
	return &NewKeyPair{KeyPair: KeyPair{ID: string(d.KeyID), Name: string(d.KeyName), PublicKey: string(d.Pubkey), OK: true},
		PrivateKey: NewSecret(string(d.Secretkey))}, resp, nil
}

type importKeyPairResponse struct {
	envelope
	KeyID jsonString `json:"keyId"` // at the top level, unlike CreateKeyPair
}

// Import registers an OpenSSH RSA public key ("ssh-rsa AAAA... comment")
// under name. The key is checked before anything is sent. It is bound to
// no instance: see [KeyPairsService.Bind].
//
// It calls the ImportKeyPair action.
func (s *KeyPairsService) Import(ctx context.Context, name, publicKey string) (string, *Response, error) {
	if err := checkKeyName(name); err != nil {
		return "", nil, err
	}
	pub, _, _, rest, err := ssh.ParseAuthorizedKey([]byte(publicKey))
	switch {
	case err != nil:
		return "", nil, &ArgError{Arg: "publicKey", Reason: "is not an OpenSSH public key (ssh-rsa AAAA...)"}
	case pub.Type() != ssh.KeyAlgoRSA:
		return "", nil, &ArgError{Arg: "publicKey", Reason: fmt.Sprintf("is a %s key; the API takes RSA keys", pub.Type())}
	case len(rest) > 0:
		return "", nil, &ArgError{Arg: "publicKey", Reason: "holds more than one key"}
	}
	var out importKeyPairResponse
	resp, err := s.client.do(ctx, "ImportKeyPair", &keyPairImport{Name: name, PublicKey: publicKey}, &out)
	if err != nil {
		return "", resp, err
	}
	return string(out.KeyID), resp, nil
}

// Rename renames a key pair.
//
// It calls the ModifyKeyPair action.
func (s *KeyPairsService) Rename(ctx context.Context, id, name string) (*Response, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	if err := checkKeyName(name); err != nil {
		return nil, err
	}
	return s.client.do(ctx, "ModifyKeyPair", &keyPairRename{ID: id, Name: name}, nil)
}

// Delete deletes key pairs. A key bound to an instance (or used by an
// image) cannot go; the result has one item per key, and when some fail the
// error is an *APIError with code 5400 (5100 if all failed) and Items.
//
// It calls the DeleteKeyPair action.
func (s *KeyPairsService) Delete(ctx context.Context, ids ...string) (*BatchResult, *Response, error) {
	return s.client.batch(ctx, "DeleteKeyPair", "keyIds", ids, 100, nil)
}

// Bind binds a key pair to stopped Linux instances: its public key is
// written to their SSH configuration, replacing any key bound before, and
// password login stops working. Windows instances cannot take keys.
//
// It calls the BindInstanceKey action.
func (s *KeyPairsService) Bind(ctx context.Context, keyID string, instanceIDs ...string) (*Response, error) {
	return s.bindCall(ctx, "BindInstanceKey", keyID, instanceIDs)
}

// Unbind removes a key pair from stopped Linux instances; they log in
// with their password again, if one was set.
//
// It calls the UnBindInstanceKey action (the overview spells it
// unBindInstanceKey).
func (s *KeyPairsService) Unbind(ctx context.Context, keyID string, instanceIDs ...string) (*Response, error) {
	return s.bindCall(ctx, "UnBindInstanceKey", keyID, instanceIDs)
}

func (s *KeyPairsService) bindCall(ctx context.Context, action, keyID string, ids []string) (*Response, error) {
	if err := checkID("keyID", keyID); err != nil {
		return nil, err
	}
	if err := checkIDs("instanceIDs", ids); err != nil {
		return nil, err
	}
	if len(ids) > maxBatchIDs {
		return nil, &ArgError{Arg: "instanceIDs", Reason: fmt.Sprintf("at most %d a call", maxBatchIDs)}
	}
	return s.client.do(ctx, action, &keyBinding{KeyID: keyID, InstanceIDs: ids}, nil)
}

// The key-pair actions' requests: their url tags put them on the legacy
// wire; the API 3.0 routes read them as they are.
type (
	keyPairCreate struct {
		Name string `url:"keyName"`
	}
	keyPairImport struct {
		Name      string `url:"keyName"`
		PublicKey string `url:"pubKey"` // capital K, as documented
	}
	keyPairRename struct {
		ID   string `url:"keyId"`
		Name string `url:"keyName"`
	}
	keyBinding struct {
		KeyID       string       `url:"keyId"`
		InstanceIDs List[string] `url:"instanceIds"`
	}
)
