package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm"
)

const webGroup = "sg-myr4ghk9" // the --emulator's seeded group

func ruleList(t *testing.T, run func(args ...string) (string, string, int)) []map[string]any {
	t.Helper()
	out, errOut, code := run("security-groups", "rules", webGroup, "-o", "json")
	require.Equal(t, exitOK, code, errOut)
	var rows []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rows))
	return rows
}

// TestRuleEditing: rules shows direction, index and version; add, replace
// and delete by index and by content; adding a rule already there changes
// nothing; a --version that moved is refused.
func TestRuleEditing(t *testing.T) {
	for _, api := range []string{"legacy", "3"} {
		t.Run(api, func(t *testing.T) {
			shared(t, api, func(run func(args ...string) (string, string, int)) {
				before := ruleList(t, run)
				add := []string{"security-groups", "rules", "add", webGroup, "--direction", "ingress", "--protocol", "tcp", "--port", "22",
					"--cidr", "10.0.0.0/8", "--description", "ssh", "-o", "json"}
				out, errOut, code := run(add...)
				require.Equal(t, exitOK, code, errOut)
				assert.Contains(t, out, `"result": "added"`)
				rows := ruleList(t, run)
				require.Len(t, rows, len(before)+1)
				var ssh map[string]any
				for _, r := range rows {
					if r["description"] == "ssh" {
						ssh = r
					}
					assert.Contains(t, r, "index")
					assert.Equal(t, rows[0]["version"], r["version"])
				}
				require.NotNil(t, ssh)
				assert.Equal(t, "ingress", ssh["direction"])

				out, _, code = run(add...)
				require.Equal(t, exitOK, code)
				assert.Contains(t, out, `"result": "already present"`)
				assert.Len(t, ruleList(t, run), len(before)+1)

				_, errOut, code = run("security-groups", "rules", "replace", webGroup, "--direction", "ingress", "--match", "port=22,cidr=10.0.0.0/8",
					"--protocol", "tcp", "--port", "2222", "--cidr", "10.0.0.0/8", "--description", "ssh")
				require.Equal(t, exitOK, code, errOut)
				rows = ruleList(t, run)
				idx := -1
				for _, r := range rows {
					if r["ports"] == "2222" {
						idx = int(r["index"].(float64))
					}
				}
				require.GreaterOrEqual(t, idx, 0, "replaced: %v", rows)

				// A stale --version is refused, with nothing changed.
				_, errOut, code = run("security-groups", "rules", "delete", webGroup, "--direction", "ingress", "--index", "0", "--version", "0")
				assert.Equal(t, exitError, code)
				assert.Contains(t, errOut, "not 0 (--version)")

				_, errOut, code = run("security-groups", "rules", "delete", webGroup, "--direction", "ingress", "--match", "port=2222")
				require.Equal(t, exitOK, code, errOut)
				assert.Len(t, ruleList(t, run), len(before))

				_, errOut, code = run("security-groups", "rules", "delete", webGroup, "--direction", "ingress", "--match", "port=2222")
				assert.Equal(t, exitError, code)
				assert.Contains(t, errOut, "no ingress rule matches")
				_, _, code = run("security-groups", "rules", "delete", webGroup, "--direction", "ingress")
				assert.Equal(t, exitUsage, code, "--index or --match")
				_, _, code = run("security-groups", "rules", "add", webGroup, "--direction", "sideways", "--cidr", "1.2.3.4")
				assert.Equal(t, exitUsage, code)
			})
		})
	}
}

// interloper is a transport that, at the first rule change it sees,
// first makes a change of its own through another client: the rules move
// between the command's reading and its change.
func interloper(t *testing.T, change func(ctx context.Context, c *cvm.Client) error) func(http.RoundTripper) http.RoundTripper {
	var once sync.Once
	return func(next http.RoundTripper) http.RoundTripper {
		return roundTripper(func(req *http.Request) (*http.Response, error) {
			if isRuleChange(req) {
				once.Do(func() {
					cfg := sharedEmulator.Config()
					cfg.RateLimit.Disabled = true
					c, err := cvm.NewClient(cfg)
					require.NoError(t, err)
					require.NoError(t, change(req.Context(), c))
				})
			}
			return next.RoundTrip(req)
		})
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func isRuleChange(req *http.Request) bool {
	action := req.Header.Get("X-TC-Action")
	if action == "" {
		if req.Body != nil {
			b, _ := io.ReadAll(req.Body)
			req.Body = io.NopCloser(strings.NewReader(string(b)))
			action = string(b) + req.URL.RawQuery
		}
	}
	for _, a := range []string{"CreateSecurityGroupPolicy", "DeleteSecurityGroupPolicy", "ModifySingleSecurityGroupPolicy",
		"CreateSecurityGroupPolicies", "DeleteSecurityGroupPolicies", "ReplaceSecurityGroupPolicy"} {
		if strings.Contains(action, a) {
			return true
		}
	}
	return false
}

// TestRuleEditingUnderTheVersionLock: another client inserts a rule at the
// top between the command's reading and its change. The change, made
// against the old version, is refused; the command plans it again on the
// new rules (the rule it deletes has moved down) and deletes that rule,
// not the one now at its old index. When the other client deleted the
// very rule instead, the change no longer applies and nothing is retried.
func TestRuleEditingUnderTheVersionLock(t *testing.T) {
	top := cvm.Rule{Protocol: "udp", Ports: "53", CIDR: "10.1.0.0/16", Action: cvm.Accept, Description: "dns"}
	for _, api := range []string{"legacy", "3"} {
		t.Run(api, func(t *testing.T) {
			shared(t, api, func(run func(args ...string) (string, string, int)) {
				_, errOut, code := run("security-groups", "rules", "add", webGroup, "--direction", "ingress", "--protocol", "tcp", "--port", "22", "--cidr", "10.0.0.0/8")
				require.Equal(t, exitOK, code, errOut)
				n := len(ruleList(t, run))

				wrapTransport = interloper(t, func(ctx context.Context, c *cvm.Client) error {
					_, err := c.SecurityGroups.InsertRules(ctx, &cvm.RuleChange{ID: webGroup, Direction: cvm.Ingress}, 0, top)
					return err
				})
				out, errOut, code := run("security-groups", "rules", "delete", webGroup, "--direction", "ingress", "--match", "port=22", "-o", "json")
				wrapTransport = nil
				require.Equal(t, exitOK, code, errOut)
				assert.Contains(t, out, `"attempts": 2`)
				rows := ruleList(t, run)
				assert.Len(t, rows, n, "one rule in, one out")
				var ports []any
				for _, r := range rows {
					ports = append(ports, r["ports"])
				}
				assert.Contains(t, ports, "53", "the other client's rule stays")
				assert.NotContains(t, ports, "22", "the rule asked for went")

				_, errOut, code = run("security-groups", "rules", "add", webGroup, "--direction", "ingress", "--protocol", "tcp", "--port", "22", "--cidr", "10.0.0.0/8")
				require.Equal(t, exitOK, code, errOut)
				wrapTransport = interloper(t, func(ctx context.Context, c *cvm.Client) error {
					rs, _, err := c.SecurityGroups.Rules(ctx, webGroup)
					if err != nil {
						return err
					}
					for i, r := range rs.Ingress {
						if r.Ports == "22" {
							_, err = c.SecurityGroups.DeleteRules(ctx, &cvm.RuleChange{ID: webGroup, Direction: cvm.Ingress}, i)
							return err
						}
					}
					return nil
				})
				_, errOut, code = run("security-groups", "rules", "replace", webGroup, "--direction", "ingress", "--match", "port=22",
					"--protocol", "tcp", "--port", "2222", "--cidr", "10.0.0.0/8")
				wrapTransport = nil
				assert.Equal(t, exitError, code, errOut)
				assert.Contains(t, errOut, "no longer applies")
				for _, r := range ruleList(t, run) {
					assert.NotEqual(t, "2222", r["ports"], "nothing was replaced")
				}
			})
		})
	}
}
