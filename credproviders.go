package cvm

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gopkg.in/ini.v1"
)

// Environment variables this package reads (spec §13.1). The token is read
// from TENCENTCLOUD_TOKEN (tccli's name), then TENCENTCLOUD_SECURITY_TOKEN
// (Terraform's), then TENCENTCLOUD_SESSION_TOKEN (this SDK's earlier name).
const (
	EnvSecretID         = "TENCENTCLOUD_SECRET_ID"
	EnvSecretKey        = "TENCENTCLOUD_SECRET_KEY"
	EnvToken            = "TENCENTCLOUD_TOKEN"
	EnvSecurityToken    = "TENCENTCLOUD_SECURITY_TOKEN"
	EnvSessionToken     = "TENCENTCLOUD_SESSION_TOKEN"
	EnvRegion           = "TENCENTCLOUD_REGION"
	EnvCredentialsFile  = "TENCENTCLOUD_CREDENTIALS_FILE"
	EnvTCCLIProfile     = "TCCLI_PROFILE"
	EnvProfile          = "TENCENTCLOUD_PROFILE"
	EnvSharedCredsDir   = "TENCENTCLOUD_SHARED_CREDENTIALS_DIR"
	EnvMetadataEndpoint = "TENCENTCLOUD_METADATA_ENDPOINT"
	EnvMetadataDisabled = "TENCENTCLOUD_METADATA_DISABLED"
	EnvRoleArn          = "TENCENTCLOUD_ROLE_ARN"
	EnvRoleSessionName  = "TENCENTCLOUD_ROLE_SESSION_NAME"
	EnvAPIEndpoint      = "TENCENTCLOUD_API_ENDPOINT"
	// EnvCVMAPI selects the contract of ConfigFromEnv's Config: "legacy"
	// (the default) or "3".
	EnvCVMAPI              = "TENCENTCLOUD_CVM_API"
	DefaultMetadataBaseURL = "http://metadata.tencentyun.com"
)

// EnvCredentials reads TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY,
// and a token from TENCENTCLOUD_TOKEN, TENCENTCLOUD_SECURITY_TOKEN or
// TENCENTCLOUD_SESSION_TOKEN (the first set). With none of them set it is
// not configured; with only some, it is broken.
func EnvCredentials() CredentialsProvider { return envProvider{} }

type envProvider struct{}

func envToken() (name, value string) {
	for _, n := range []string{EnvToken, EnvSecurityToken, EnvSessionToken} {
		if v := os.Getenv(n); v != "" {
			return n, v
		}
	}
	return "", ""
}

func (envProvider) Retrieve(context.Context) (Credentials, error) {
	id, key := os.Getenv(EnvSecretID), os.Getenv(EnvSecretKey)
	tokName, tok := envToken()
	const src = "environment"
	switch {
	case id == "" && key == "" && tok == "":
		return Credentials{}, notConfigured(src, EnvSecretID+" and "+EnvSecretKey+" are not set")
	case id == "":
		return Credentials{}, &CredentialsError{Source: src, Reason: EnvSecretID + " is not set, but " + firstSet(EnvSecretKey, key, tokName) + " is"}
	case key == "":
		return Credentials{}, &CredentialsError{Source: src, Reason: EnvSecretKey + " is not set, but " + firstSet(EnvSecretID, id, tokName) + " is"}
	case strings.TrimSpace(id) != id || strings.TrimSpace(key) != key:
		return Credentials{}, &CredentialsError{Source: src, Reason: EnvSecretID + " or " + EnvSecretKey + " has surrounding white space"}
	}
	return Credentials{SecretID: id, SecretKey: NewSecret(key), Token: NewSecret(tok), Source: src}, nil
}

func (envProvider) quotaKey() string { return os.Getenv(EnvSecretID) }

func firstSet(name, value, other string) string {
	if value != "" {
		return name
	}
	return other
}

// INIFileCredentials reads the [default] section (keys secret_id,
// secret_key, and optionally token and region) of the INI file at path, or,
// with path "", of the first that exists of TENCENTCLOUD_CREDENTIALS_FILE,
// ~/.tencentcloud/credentials and /etc/tencentcloud/credentials. No file is
// "not configured", except that a TENCENTCLOUD_CREDENTIALS_FILE naming a
// missing file is broken; a file without both keys, or that is not INI, is
// broken too. Errors name the file, never its content.
func INIFileCredentials(path string) CredentialsProvider { return &iniProvider{path: path} }

type iniProvider struct {
	path string
	// section is the profile's section; "" is [default].
	section string
	id      string
	region  string
}

func (p *iniProvider) paths() (paths []string, explicit bool) {
	if p.path != "" {
		return []string{p.path}, true
	}
	if f := os.Getenv(EnvCredentialsFile); f != "" {
		return []string{f}, true
	}
	if home, err := os.UserHomeDir(); err == nil {
		paths = append(paths, filepath.Join(home, ".tencentcloud", "credentials"))
	}
	return append(paths, "/etc/tencentcloud/credentials"), false
}

func (p *iniProvider) Retrieve(ctx context.Context) (Credentials, error) {
	paths, explicit := p.paths()
	for _, path := range paths {
		b, err := readCredentialsFile(ctx, path)
		switch {
		case errors.Is(err, fs.ErrNotExist) && !explicit:
			continue
		case err != nil:
			return Credentials{}, &CredentialsError{Source: "credentials file " + path, Reason: "cannot be read", Err: pathError(err)}
		}
		src := "credentials file " + path
		f, err := ini.LoadSources(ini.LoadOptions{Insensitive: true}, b)
		if err != nil {
			// The parser quotes the offending line, which may hold the key.
			return Credentials{}, &CredentialsError{Source: src, Reason: "is not a valid INI file" + iniLine(b)}
		}
		name := p.section
		if name == "" {
			name = "default"
		}
		sec, err := f.GetSection(name)
		switch {
		case err != nil && p.section != "":
			// A named profile may live in tccli's files instead.
			return Credentials{}, notConfigured(src, "has no ["+name+"] section")
		case err != nil:
			return Credentials{}, &CredentialsError{Source: src, Reason: "has no [default] section"}
		}
		id := strings.TrimSpace(sec.Key("secret_id").String())
		key := strings.TrimSpace(sec.Key("secret_key").String())
		if id == "" || key == "" {
			return Credentials{}, &CredentialsError{Source: src, Reason: "has no secret_id and secret_key in [" + name + "]"}
		}
		p.id, p.region = id, strings.TrimSpace(sec.Key("region").String())
		return Credentials{SecretID: id, SecretKey: NewSecret(key), Token: NewSecret(strings.TrimSpace(sec.Key("token").String())), Source: src}, nil
	}
	return Credentials{}, notConfigured("credentials file", "none of "+strings.Join(paths, ", ")+" exists")
}

func (p *iniProvider) quotaKey() string { return p.id }

// iniLine names the first line that is neither blank, a comment, a section
// nor key = value, without quoting it.
func iniLine(b []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		l := strings.TrimSpace(sc.Text())
		if l == "" || l[0] == '#' || l[0] == ';' || l[0] == '[' && strings.HasSuffix(l, "]") || strings.ContainsAny(l, "=:") {
			continue
		}
		return " (line " + strconv.Itoa(n) + ")"
	}
	return ""
}

// pathError keeps an I/O error's kind without its text.
func pathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// TCCLICredentials reads tccli's profile: the JSON file
// <dir>/<profile>.credential (keys secretId, secretKey, token, expiresAt)
// and the region in <dir>/<profile>.configure. With profile "", the profile
// comes from TCCLI_PROFILE, then TENCENTCLOUD_PROFILE, then "default"; with
// dir "", from TENCENTCLOUD_SHARED_CREDENTIALS_DIR, then ~/.tccli. A missing
// file is "not configured", unless a profile was named; a profile of type
// "cvm-role" uses the instance role.
func TCCLICredentials(dir, profile string) CredentialsProvider {
	return &tccliProvider{dir: dir, profile: profile}
}

type tccliProvider struct {
	dir, profile string
	id, region   string
	role         CredentialsProvider
}

func (p *tccliProvider) where() (dir, profile string, named bool) {
	dir, profile = p.dir, p.profile
	named = profile != ""
	if profile == "" {
		for _, n := range []string{EnvTCCLIProfile, EnvProfile} {
			if v := os.Getenv(n); v != "" {
				profile, named = v, true
				break
			}
		}
	}
	if profile == "" {
		profile = "default"
	}
	if dir == "" {
		dir = os.Getenv(EnvSharedCredsDir)
	}
	if dir == "" {
		if home, err := os.UserHomeDir(); err == nil {
			dir = filepath.Join(home, ".tccli")
		}
	}
	return dir, profile, named
}

func (p *tccliProvider) Retrieve(ctx context.Context) (Credentials, error) {
	if p.role != nil {
		return p.role.Retrieve(ctx)
	}
	dir, profile, named := p.where()
	path := filepath.Join(dir, profile+".credential")
	src := "tccli profile " + path
	b, err := readCredentialsFile(ctx, path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !named:
		return Credentials{}, notConfigured("tccli profile", path+" does not exist")
	case err != nil:
		return Credentials{}, &CredentialsError{Source: src, Reason: "cannot be read", Err: pathError(err)}
	}
	var f struct {
		SecretID  string `json:"secretId"`
		SecretKey string `json:"secretKey"`
		Token     string `json:"token"`
		Type      string `json:"type"`
		ExpiresAt int64  `json:"expiresAt"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return Credentials{}, &CredentialsError{Source: src, Reason: "is not a JSON object"}
	}
	p.region = tccliRegion(ctx, filepath.Join(dir, profile+".configure"))
	if f.Type == "cvm-role" && f.SecretID == "" {
		p.role = InstanceRoleCredentials(InstanceRoleOptions{})
		return p.role.Retrieve(ctx)
	}
	id, key := strings.TrimSpace(f.SecretID), strings.TrimSpace(f.SecretKey)
	if id == "" || key == "" {
		return Credentials{}, &CredentialsError{Source: src, Reason: "has no secretId and secretKey"}
	}
	p.id = id
	c := Credentials{SecretID: id, SecretKey: NewSecret(key), Token: NewSecret(strings.TrimSpace(f.Token)), Source: src}
	if f.ExpiresAt > 0 {
		c.Expires = time.Unix(f.ExpiresAt, 0)
	}
	return c, nil
}

func (p *tccliProvider) quotaKey() string {
	if k, ok := p.role.(quotaKeyer); ok {
		return k.quotaKey()
	}
	return p.id
}

func tccliRegion(ctx context.Context, path string) string {
	b, err := readCredentialsFile(ctx, path)
	if err != nil {
		return ""
	}
	var f struct {
		Sys struct {
			Region string `json:"region"`
		} `json:"_sys_param"`
	}
	if json.Unmarshal(b, &f) != nil {
		return ""
	}
	return f.Sys.Region
}

// InstanceRoleOptions configure [InstanceRoleCredentials].
type InstanceRoleOptions struct {
	// Endpoint is the metadata service's base URL, to which
	// /latest/meta-data/... is appended. "" means TENCENTCLOUD_METADATA_ENDPOINT,
	// else http://metadata.tencentyun.com.
	Endpoint string
	// Role is the CAM role's name; "" discovers it.
	Role string
	// HTTPClient asks the metadata service. nil means a client with a
	// 1-second connect and 2-second overall timeout, so that a program off
	// CVM finds out at once.
	HTTPClient *http.Client
}

// InstanceRoleCredentials gets the temporary credentials of the CAM role of
// the CVM instance the program runs on, from the metadata service. It is not
// configured when TENCENTCLOUD_METADATA_DISABLED is true or when the service
// does not answer (off CVM, or no role bound); an answer whose Code is not
// Success is broken.
func InstanceRoleCredentials(opts InstanceRoleOptions) CredentialsProvider {
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{
			Timeout: 2 * time.Second,
			Transport: &http.Transport{
				Proxy:                 nil, // link-local service: never through a proxy
				DialContext:           (&net.Dialer{Timeout: time.Second}).DialContext,
				ResponseHeaderTimeout: 2 * time.Second,
			},
			CheckRedirect: noRedirects,
		}
	}
	return &roleProvider{opts: opts}
}

type roleProvider struct {
	opts InstanceRoleOptions
	role string
	// detect: part of the default chain, which asks the service only on a
	// CVM instance or with TENCENTCLOUD_METADATA_ENDPOINT set (oncvm.go).
	detect bool
}

// defaultInstanceRole is the instance role of the default chain.
func defaultInstanceRole() CredentialsProvider {
	p := InstanceRoleCredentials(InstanceRoleOptions{}).(*roleProvider)
	p.detect = true
	return p
}

func (p *roleProvider) base() string {
	b := p.opts.Endpoint
	if b == "" {
		b = os.Getenv(EnvMetadataEndpoint)
	}
	if b == "" {
		b = DefaultMetadataBaseURL
	}
	return strings.TrimSuffix(b, "/") + "/latest/meta-data/cam/security-credentials/"
}

func (p *roleProvider) get(ctx context.Context, url string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, err
	}
	resp, err := p.opts.HTTPClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, b, err
}

func (p *roleProvider) Retrieve(ctx context.Context) (Credentials, error) {
	if v, _ := strconv.ParseBool(os.Getenv(EnvMetadataDisabled)); v {
		return Credentials{}, notConfigured("instance role", EnvMetadataDisabled+" is true")
	}
	if p.detect && p.opts.Endpoint == "" && !metadataReachable() {
		return Credentials{}, notConfigured("instance role", "not a CVM instance, so the metadata service was not asked (set "+EnvMetadataEndpoint+" to ask it)")
	}
	base := p.base()
	role := p.opts.Role
	if role == "" {
		role = p.role
	}
	if role == "" {
		status, b, err := p.get(ctx, base)
		switch {
		case err != nil:
			return Credentials{}, notConfigured("instance role", "the metadata service at "+base+" did not answer")
		case status != http.StatusOK:
			return Credentials{}, notConfigured("instance role", fmt.Sprintf("no role bound (metadata service answered HTTP %d)", status))
		}
		role, _, _ = strings.Cut(strings.TrimSpace(string(b)), "\n")
		role = strings.TrimSpace(role)
		if role == "" {
			return Credentials{}, notConfigured("instance role", "no role bound")
		}
		p.role = role
	}
	src := "instance role " + role
	status, b, err := p.get(ctx, base+role)
	switch {
	case err != nil:
		return Credentials{}, &CredentialsError{Source: src, Reason: "the metadata service did not answer", Err: err}
	case status == http.StatusNotFound:
		return Credentials{}, &CredentialsError{Source: src, Reason: "the metadata service does not know the role (HTTP 404)"}
	case status != http.StatusOK:
		return Credentials{}, &CredentialsError{Source: src, Reason: fmt.Sprintf("the metadata service answered HTTP %d", status)}
	}
	var doc struct {
		TmpSecretID  string `json:"TmpSecretId"`
		TmpSecretKey string `json:"TmpSecretKey"`
		Token        string `json:"Token"`
		ExpiredTime  int64  `json:"ExpiredTime"`
		Code         string `json:"Code"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return Credentials{}, &CredentialsError{Source: src, Reason: "the metadata answer is not the credential document"}
	}
	if !strings.EqualFold(doc.Code, "Success") {
		return Credentials{}, &CredentialsError{Source: src, Reason: fmt.Sprintf("the metadata answer's Code is %q, not Success", doc.Code)}
	}
	if doc.TmpSecretID == "" || doc.TmpSecretKey == "" || doc.Token == "" || doc.ExpiredTime == 0 {
		return Credentials{}, &CredentialsError{Source: src, Reason: "the metadata answer lacks a key, token or expiry"}
	}
	return Credentials{SecretID: doc.TmpSecretID, SecretKey: NewSecret(doc.TmpSecretKey), Token: NewSecret(doc.Token),
		Expires: time.Unix(doc.ExpiredTime, 0), Source: src}, nil
}

func (p *roleProvider) quotaKey() string { return "cam-role:" + p.role }

// AssumeRoleRequest is what [AssumeRoleCredentials] asks the legacy STS
// AssumeRole action for.
type AssumeRoleRequest struct {
	// RoleArn is the role, such as qcs::cam::uin/12345678:roleName/deploy.
	RoleArn string `url:"roleArn"`
	// RoleSessionName names the session, 2 to 128 characters of letters,
	// digits and +=,.@_-.
	RoleSessionName string `url:"roleSessionName"`
	// DurationSeconds is how long the credentials last: at most 7200 (the
	// legacy API's limit); 0 means 1800, the API's default.
	DurationSeconds int `url:"durationSeconds,omitempty"`
}

// MaxAssumeRoleDuration is the longest session the legacy STS grants.
const MaxAssumeRoleDuration = 7200 * time.Second

func (r AssumeRoleRequest) validate() error {
	switch {
	case r.RoleArn == "":
		return &ArgError{Arg: "RoleArn", Reason: "is required"}
	case len(r.RoleSessionName) < 2 || len(r.RoleSessionName) > 128:
		return &ArgError{Arg: "RoleSessionName", Reason: "must be 2 to 128 characters"}
	case strings.IndexFunc(r.RoleSessionName, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("+=,.@_-", c))
	}) >= 0:
		return &ArgError{Arg: "RoleSessionName", Reason: "may hold only letters, digits and +=,.@_-"}
	case r.DurationSeconds < 0 || r.DurationSeconds > int(MaxAssumeRoleDuration/time.Second):
		return &ArgError{Arg: "DurationSeconds", Reason: "must be between 0 and 7200"}
	}
	return nil
}

// AssumeRoleCredentials returns temporary credentials of a role, from the
// legacy STS AssumeRole action (module sts), signed with the credentials of
// source (any provider, a chain included). cfg configures the client that
// calls STS (Region, Endpoint, HTTPClient, ...); its credentials are
// replaced by source.
func AssumeRoleCredentials(source CredentialsProvider, req AssumeRoleRequest, cfg Config) (CredentialsProvider, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	if source == nil {
		return nil, &ArgError{Arg: "source", Reason: "is nil"}
	}
	cfg.SecretID, cfg.SecretKey, cfg.Token, cfg.Credentials = "", Secret{}, Secret{}, source
	if cfg.Region == "" {
		cfg.Region = "gz"
	}
	c, err := NewClient(cfg)
	if err != nil {
		return nil, err
	}
	return &assumeRoleProvider{client: c, req: req}, nil
}

type assumeRoleProvider struct {
	client *Client
	req    AssumeRoleRequest
}

func (p *assumeRoleProvider) Retrieve(ctx context.Context) (Credentials, error) {
	var out struct {
		Envelope
		Data struct {
			Credentials struct {
				SessionToken jsonString `json:"sessionToken"`
				Token        jsonString `json:"token"`
				TmpSecretID  jsonString `json:"tmpSecretId"`
				TmpSecretKey jsonString `json:"tmpSecretKey"`
			} `json:"credentials"`
			ExpiredTime jsonInt `json:"expiredTime"`
		} `json:"data"`
	}
	src := "role " + p.req.RoleArn
	if _, err := p.client.do(ctx, "AssumeRole", p.req, &out); err != nil {
		return Credentials{}, &CredentialsError{Source: src, Reason: "AssumeRole failed", Err: err}
	}
	cr := out.Data.Credentials
	tok := string(cr.SessionToken)
	if tok == "" {
		tok = string(cr.Token) // the output table's name for it
	}
	if cr.TmpSecretID == "" || cr.TmpSecretKey == "" || tok == "" || out.Data.ExpiredTime == 0 {
		return Credentials{}, &CredentialsError{Source: src, Reason: "the AssumeRole answer lacks a key, token or expiry"}
	}
	return Credentials{SecretID: string(cr.TmpSecretID), SecretKey: NewSecret(string(cr.TmpSecretKey)), Token: NewSecret(tok),
		Expires: time.Unix(int64(out.Data.ExpiredTime), 0), Source: src}, nil
}

func (p *assumeRoleProvider) quotaKey() string { return "role:" + p.req.RoleArn }

// DefaultCredentialsChain is the chain [ConfigFromEnv] uses: the
// environment, the INI file, tccli's profile, then the instance role, each
// skipped when not configured (spec §13.7). The instance role is asked only
// on a machine that looks like a CVM instance, or with
// TENCENTCLOUD_METADATA_ENDPOINT set: elsewhere the chain makes no network
// call at all.
func DefaultCredentialsChain() CredentialsProvider {
	return CredentialsChain(EnvCredentials(), INIFileCredentials(""), TCCLICredentials("", ""), defaultInstanceRole())
}
