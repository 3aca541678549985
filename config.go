package cvm

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Defaults of [Config].
const (
	DefaultMaxAttempts = 3
	DefaultHTTPMethod  = http.MethodPost
	DefaultTimeout     = 60 * time.Second
	apiPath            = "/v2/index.php"
	apiDomain          = ".api.qcloud.com"
)

// Config configures a [Client]. Region and credentials (SecretID and
// SecretKey, or Credentials) are required; every other field's zero value is
// a documented default.
type Config struct {
	// SecretID is the API key's id ("AKID...").
	SecretID string
	// SecretKey is the API key's secret. As a [Secret], it never shows when
	// the Config is printed, marshalled or logged.
	SecretKey Secret
	// Token is the session token of temporary credentials; empty for a
	// long-lived key.
	Token Secret
	// Credentials, instead of SecretID, SecretKey and Token, provides the
	// credentials of each call: temporary ones are refreshed before they
	// expire. See [ConfigFromEnv] and [DefaultCredentialsChain].
	Credentials CredentialsProvider
	// Region is the region to call, by short code ("gz") or long name
	// ("ap-guangzhou"); see [Regions]. The legacy short code is sent.
	Region string
	// API is the contract the typed services speak: LegacyAPI (the zero
	// value) or API3. The methods and their Go types are the same under
	// both; see MIGRATING.md.
	API APIVersion
	// Endpoint, when set, is the full URL, path included, used for every
	// module instead of https://<module>.api.qcloud.com/v2/index.php, such as
	// "http://127.0.0.1:9191/v2/index.php" for the emulator. With API3 it is
	// the base URL of every service instead of
	// https://<service>.tencentcloudapi.com, such as "http://127.0.0.1:9191"
	// (its path, if any, is "/"). Plain http is refused for hosts other than
	// loopback unless AllowInsecureHTTP is set.
	Endpoint string
	// AllowInsecureHTTP allows an http:// Endpoint on a host other than
	// loopback. Requests then travel unencrypted.
	AllowInsecureHTTP bool
	// AllowInsecureTLS accepts an HTTPClient whose transport skips
	// certificate verification or allows TLS below 1.2; without it,
	// NewClient refuses such a client.
	AllowInsecureTLS bool
	// HTTPClient sends the requests. nil means a client with a 60-second
	// timeout, TLS 1.2 or later, and no redirects followed.
	HTTPClient *http.Client
	// HTTPMethod is "POST" (the default; parameters go in a form body and
	// never in a URL) or "GET".
	HTTPMethod string
	// SignatureMethod is "HmacSHA256" (the default) or "HmacSHA1", for the
	// legacy API.
	SignatureMethod string
	// API3SignatureMethod is how API 3.0 calls are signed:
	// "TC3-HMAC-SHA256" (the default; POST JSON) or "HmacSHA256" (signature
	// v1 over a POST form).
	API3SignatureMethod string
	// MaxAttempts is how many attempts a call may make, the first included.
	// 0 means 3; 1 means no retries. Retry.MaxAttempts, when set, wins.
	MaxAttempts int
	// Retry is the retry policy: attempts, backoff bounds, further codes to
	// retry. Its zero value means MaxAttempts and the documented defaults.
	Retry RetryPolicy
	// Wait is how waiters poll (WaitStatus and the like).
	Wait WaitPolicy
	// Hooks observe every call and attempt; see [Hooks].
	Hooks []Hooks
	// RateLimit sets the built-in limiter's quotas. The zero value means
	// the API's documented quotas.
	RateLimit RateLimit
	// Limiter, when set, replaces the built-in limiter, for example with
	// one shared across processes. RateLimit is then ignored.
	Limiter Limiter
	// Logger receives a Debug line per attempt and a Warn line per retry.
	// nil means silent.
	Logger *slog.Logger
	// UserAgent is put before the SDK's own User-Agent.
	UserAgent string
}

// Format prints the Config with SecretKey and Token shown as REDACTED, for
// every verb.
func (cfg Config) Format(f fmt.State, verb rune) {
	type plain Config // no methods: avoids recursion
	s := fmt.Sprintf(fmt.FormatString(f, verb), plain(cfg))
	fmt.Fprint(f, strings.Replace(s, "cvm.plain{", "cvm.Config{", 1))
}

// LogValue logs the Config's SecretID, Region and Endpoint only.
func (cfg Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("secret_id", cfg.SecretID), slog.String("region", cfg.Region),
		slog.String("endpoint", cfg.Endpoint))
}

func parseEndpoint(raw string, allowHTTP bool, api APIVersion) (*url.URL, error) {
	bad := func(reason string) error {
		return &ArgError{Arg: "Config.Endpoint", Reason: fmt.Sprintf("%q %s", raw, reason)}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, bad("is not a URL")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, bad("must start with https:// or http://")
	case u.Host == "" || u.Hostname() == "":
		return nil, bad("has no host")
	case u.User != nil:
		return nil, bad("must not carry user information")
	case u.RawQuery != "" || u.Fragment != "":
		return nil, bad("must not carry a query or fragment")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, bad("has an invalid port")
		}
	}
	switch {
	case api == API3 && u.Path != "" && u.Path != "/":
		return nil, bad("must be a base URL such as http://127.0.0.1:9191 for API 3.0, whose path is always /")
	case api == API3:
		u.Path = "/"
	case u.Path == "":
		u.Path = apiPath
	}
	if u.Scheme == "http" && !allowHTTP && !isLoopback(u.Hostname()) {
		return nil, bad("uses plain http to a host other than loopback; use https or set AllowInsecureHTTP")
	}
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ConfigFromEnv returns a Config whose Credentials are those of the first
// configured source of [DefaultCredentialsChain] (wrapped in the legacy STS
// AssumeRole when TENCENTCLOUD_ROLE_ARN and TENCENTCLOUD_ROLE_SESSION_NAME
// are set), whose Region comes from TENCENTCLOUD_REGION or else that
// source's profile, whose API comes from TENCENTCLOUD_CVM_API ("legacy", the
// default, or "3"), and whose Endpoint comes from TENCENTCLOUD_API_ENDPOINT
// (one URL, path included, for every module, as for Config.Endpoint: say, a
// running emulator). The other fields are left zero for the caller to fill.
//
// It asks the chain once, so that a missing or broken source is reported
// now: with no source configured the error is a [*NoCredentialsError]
// listing every source tried (errors.Is ErrNoCredentials); a broken one
// gives a [*CredentialsError] naming it. Sources are never mixed, and errors
// never hold a secret.
func ConfigFromEnv() (Config, error) {
	return configFromEnv(context.Background(), "")
}

// ConfigForProfile is [ConfigFromEnv] with the credentials, and the region
// unless TENCENTCLOUD_REGION says otherwise, of the named profile alone
// ([ProfileCredentials]): the environment's keys, the other profiles and
// the instance's role are not consulted, and a profile defined nowhere is a
// [*CredentialsError] naming it and where it was looked for. It is what a
// command's --profile flag means.
func ConfigForProfile(name string) (Config, error) {
	if name == "" {
		return Config{}, &CredentialsError{Source: `profile ""`, Reason: "is not a profile name"}
	}
	return configFromEnv(context.Background(), name)
}

// namedProfile is the profile the environment names (TCCLI_PROFILE, then
// TENCENTCLOUD_PROFILE), or "".
func namedProfile() string {
	for _, n := range []string{EnvTCCLIProfile, EnvProfile} {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// configFromEnv reads the environment; with profile set, the credentials
// are that profile's alone.
func configFromEnv(ctx context.Context, profile string) (Config, error) {
	cfg := Config{Region: os.Getenv(EnvRegion), Endpoint: os.Getenv(EnvAPIEndpoint)}
	api, err := ParseAPIVersion(os.Getenv(EnvCVMAPI))
	if err != nil {
		return cfg, &ArgError{Arg: EnvCVMAPI, Reason: fmt.Sprintf("%q is not legacy or 3", os.Getenv(EnvCVMAPI))}
	}
	cfg.API = api
	env, ini, tccli := EnvCredentials(), INIFileCredentials("").(*iniProvider), TCCLICredentials("", "").(*tccliProvider)
	var ch *chain
	var named *profileProvider
	switch {
	case profile != "":
		named = ProfileCredentials(profile).(*profileProvider)
		ch = CredentialsChain(named).(*chain)
	case namedProfile() != "":
		// A profile named by the environment: the environment's keys,
		// else that profile, and never [default] or the instance's role
		// in its place.
		named = ProfileCredentials(namedProfile()).(*profileProvider)
		ch = CredentialsChain(env, named).(*chain)
	default:
		ch = CredentialsChain(env, ini, tccli, defaultInstanceRole()).(*chain)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := ch.Retrieve(ctx); err != nil {
		return cfg, err
	}
	if cfg.Region == "" {
		switch ch.chosen {
		case ini:
			cfg.Region = ini.region
		case tccli:
			cfg.Region = tccli.region
		case named:
			cfg.Region = named.region()
		}
	}
	var provider CredentialsProvider = ch
	arn, session := os.Getenv(EnvRoleArn), os.Getenv(EnvRoleSessionName)
	switch {
	case arn != "" && session != "":
		assumed, err := AssumeRoleCredentials(ch, AssumeRoleRequest{RoleArn: arn, RoleSessionName: session},
			Config{Region: cfg.Region, Endpoint: cfg.Endpoint})
		if err != nil {
			return cfg, &CredentialsError{Source: "environment", Reason: EnvRoleArn + " and " + EnvRoleSessionName, Err: err}
		}
		provider = assumed
	case arn != "" || session != "":
		return cfg, &CredentialsError{Source: "environment", Reason: "set both " + EnvRoleArn + " and " + EnvRoleSessionName + ", or neither"}
	}
	cfg.Credentials = NewCredentialsCache(provider)
	return cfg, nil
}

// provider returns the credentials provider cfg describes: Credentials, or
// static keys from SecretID, SecretKey and Token.
func (cfg Config) provider() (CredentialsProvider, error) {
	switch {
	case cfg.Credentials != nil && (cfg.SecretID != "" || !cfg.SecretKey.IsZero() || !cfg.Token.IsZero()):
		return nil, &ArgError{Arg: "Config.Credentials", Reason: "set either Credentials or SecretID and SecretKey, not both"}
	case cfg.Credentials != nil:
		return cfg.Credentials, nil
	case cfg.SecretID == "":
		return nil, &ArgError{Arg: "Config.SecretID", Reason: "is required (or Config.Credentials)"}
	case cfg.SecretKey.IsZero():
		return nil, &ArgError{Arg: "Config.SecretKey", Reason: "is required"}
	case strings.ContainsAny(cfg.SecretID, " \t\r\n"):
		return nil, &ArgError{Arg: "Config.SecretID", Reason: "contains white space"}
	}
	return StaticCredentials(cfg.SecretID, cfg.SecretKey.Reveal(), cfg.Token.Reveal()), nil
}

// validate checks cfg's settings and applies their defaults (HTTPMethod,
// SignatureMethod, MaxAttempts), and returns its region.
func (cfg *Config) validate() (Region, error) {
	region, ok := LookupRegion(cfg.Region)
	switch {
	case !ok && cfg.Region == "":
		return Region{}, &ArgError{Arg: "Config.Region", Reason: "is required (a short code such as gz or a long name such as ap-guangzhou)"}
	case !ok:
		return Region{}, &ArgError{Arg: "Config.Region", Reason: fmt.Sprintf("unknown region %q", cfg.Region)}
	}
	switch m := strings.ToUpper(cfg.HTTPMethod); m {
	case "":
		cfg.HTTPMethod = DefaultHTTPMethod
	case http.MethodGet, http.MethodPost:
		cfg.HTTPMethod = m
	default:
		return Region{}, &ArgError{Arg: "Config.HTTPMethod", Reason: fmt.Sprintf("%q is not GET or POST", cfg.HTTPMethod)}
	}
	switch cfg.SignatureMethod {
	case "":
		cfg.SignatureMethod = SignatureHmacSHA256
	case SignatureHmacSHA256, SignatureHmacSHA1:
	default:
		return Region{}, &ArgError{Arg: "Config.SignatureMethod", Reason: fmt.Sprintf("%q is not HmacSHA256 or HmacSHA1", cfg.SignatureMethod)}
	}
	switch cfg.API3SignatureMethod {
	case "":
		cfg.API3SignatureMethod = SignatureTC3
	case SignatureTC3, SignatureHmacSHA256:
	default:
		return Region{}, &ArgError{Arg: "Config.API3SignatureMethod", Reason: fmt.Sprintf("%q is not TC3-HMAC-SHA256 or HmacSHA256", cfg.API3SignatureMethod)}
	}
	if cfg.API != LegacyAPI && cfg.API != API3 {
		return Region{}, &ArgError{Arg: "Config.API", Reason: fmt.Sprintf("unknown APIVersion %d", int(cfg.API))}
	}
	switch {
	case cfg.MaxAttempts < 0:
		return Region{}, &ArgError{Arg: "Config.MaxAttempts", Reason: "must not be negative"}
	case cfg.MaxAttempts == 0:
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	return region, cfg.RateLimit.validate()
}
