// Package cvm is a client for Tencent Cloud's legacy CVM API ("API 2.0",
// https://<module>.api.qcloud.com/v2/index.php): instances, images, security
// groups, elastic IPs, zones, key pairs, network interfaces, orders and
// projects.
//
// Create a [Client] from a [Config] and call its services:
// [Client.Deals], [Client.EIPs], [Client.Images], [Client.Instances],
// [Client.KeyPairs], [Client.NetworkInterfaces], [Client.Projects],
// [Client.SecurityGroups] and [Client.Zones]:
//
//	cfg, err := cvm.ConfigFromEnv()
//	if err != nil { ... }
//	client, err := cvm.NewClient(cfg)
//	if err != nil { ... }
//	ids, _, err := client.Instances.Create(ctx, &cvm.InstanceCreateRequest{
//		ZoneID: 100003, CPU: 2, MemoryGB: 4, ImageID: "img-31tjrtph",
//	})
//	err = client.Instances.WaitStatus(ctx, cvm.InstanceRunning, ids...)
//
// Each method's documentation names the legacy action it calls. Actions
// that no service wraps go through [Client.Do], which signs, paces,
// retries and decodes like every typed method.
//
// Package [github.com/qcloud-legacy/cvm/cvmtest] runs an in-process emulator of
// the API for tests.
//
// # API 3.0
//
// With [Config.API] set to [API3] (or TENCENTCLOUD_CVM_API=3), the same
// services, methods and Go types speak API 3.0
// (https://<service>.tencentcloudapi.com, TC3-HMAC-SHA256): a fleet moves
// by a flag, and the emulator serves both contracts over one state.
// [Client.Do3] calls any API 3.0 action. Under API3 a method calls the API
// 3.0 counterpart of the legacy action its documentation names (the table
// of spec/api3 §6, listed in MIGRATING.md); where API 3.0 has no
// counterpart for a field, the field's documentation says what it holds
// instead. What changes for a program (ids, statuses, order ids, per-id
// batch results, quotas) is in MIGRATING.md.
//
// # Authentication
//
// Requests are signed with the account's SecretID and SecretKey, by
// HMAC-SHA256 unless [Config.SignatureMethod] says HmacSHA1, as the legacy API
// documents. Every attempt is signed afresh with a new Timestamp and a random
// Nonce, since the API rejects a repeated (Timestamp, Nonce) as a replay.
// Credentials are static ([Config.SecretID], [Config.SecretKey], and
// [Config.Token] for temporary ones) or come from a [CredentialsProvider]
// in [Config.Credentials], refreshed before they expire: the environment,
// Tencent's credentials file, tccli's profile, a CVM instance's CAM role, or
// a role assumed through STS. [ConfigFromEnv] sets up the chain of them
// Tencent's tools use. The SecretKey, the Token and request signatures never
// appear in logs, errors, or a printed or marshalled Config.
//
// # Pagination
//
// List methods return one page and the total number of matches in
// [Response].TotalCount; [ListOptions] sets Offset and Limit (at most 100).
// All methods return an iterator over every match, fetching pages as the
// loop goes:
//
//	for in, err := range client.Instances.All(ctx, nil) {
//		if err != nil { ... }
//	}
//
// Nothing is fetched until the loop starts, the options are copied and
// never changed, each range starts over from the options' offset, and the
// walk stops on an empty or short page, at the total, or with an error for
// a page that repeats the previous one.
//
// # Errors
//
// An answer with a non-zero code is an [*APIError] (errors.As) and matches a
// sentinel such as [ErrNotFound] or [ErrQuotaExceeded] (errors.Is). Batch
// actions report each resource's result in [APIError.Items]. A bad argument
// is an [*ArgError], returned before anything is sent; an answer that is not
// the API's envelope is a [*ResponseError]; a call that got no answer is a
// [*RequestError] wrapping the cause (a context error, a network error).
//
// # Rate limiting and retries
//
// The API allows 1000 calls a minute per account and 100 a minute per action.
// An exact sliding-window log for the account and one per action, shared by
// every Client of a SecretID in the process, pace each attempt so that no
// window of a minute holds more, however aligned, while sustained load uses
// 99.5% of the quota (see [RateLimit.Margin]). See [RateLimit] and
// [Limiter]; package github.com/qcloud-legacy/cvm/redisquota shares one
// quota among processes.
//
// Failed attempts are retried with capped exponential backoff and full
// jitter, up to [Config.MaxAttempts], for transport errors, HTTP 5xx answers
// and codes 4400 (quota), 4500 (replay), 6000 (internal) and 6200
// (unavailable), never for definite answers such as 4000, 41xx, 4300 or 5000.
// A call that may have changed something is retried only when a retry cannot
// do it twice: reads always; RunInstances and RunInstancesHour because the
// client gives each call a clientToken that every attempt repeats; other
// changes only when the answer proves the server did not act (4400, 4500,
// 6200) or the request never left the client.
//
// # Logging
//
// With a [Config.Logger], each attempt logs one Debug line (action, module,
// attempt, duration, code) and each retry a Warn line. [Config.Hooks]
// observe every call and attempt; package
// github.com/qcloud-legacy/cvm/cvmotel turns them into OpenTelemetry spans
// and metrics. No log line, error or hook ever carries a secret.
package cvm
