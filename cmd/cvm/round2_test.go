package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm/cvmtest"
)

// shared runs fn with one emulator for every command it runs, as one
// server would be, under the given contract.
func shared(t *testing.T, api string, fn func(run func(args ...string) (string, string, int))) {
	synctest.Test(t, func(t *testing.T) {
		sharedEmulator = cvmtest.NewServer(emulatorOptions()...)
		defer func() { sharedEmulator.Close(); sharedEmulator = nil }()
		fn(func(args ...string) (string, string, int) {
			return cli(append([]string{"--api", api}, args...)...)
		})
	})
}

func instanceIDs(t *testing.T, run func(args ...string) (string, string, int)) []string {
	out, errOut, code := run("instances", "list", "--query", "[].id", "-o", "json")
	require.Equal(t, exitOK, code, errOut)
	var ids []string
	require.NoError(t, json.Unmarshal([]byte(out), &ids))
	require.GreaterOrEqual(t, len(ids), 3)
	return ids
}

// TestPartialFailureReportsEveryID: terminate A bad B tries all three,
// reports each on stdout (one JSON document), names the failure on stderr
// and exits 3; with --fail-fast it stops at bad and reports B not tried.
func TestPartialFailureReportsEveryID(t *testing.T) {
	for _, api := range []string{"legacy", "3"} {
		t.Run(api, func(t *testing.T) {
			shared(t, api, func(run func(args ...string) (string, string, int)) {
				ids := instanceIDs(t, run)
				out, errOut, code := run("instances", "terminate", ids[0], "ins-bad00000", ids[1], "--yes", "-o", "json")
				assert.Equal(t, exitPartial, code, errOut)
				var rows []map[string]string
				require.NoError(t, json.Unmarshal([]byte(out), &rows), "stdout is one JSON document: %s", out)
				require.Len(t, rows, 3)
				assert.Equal(t, "terminated", rows[0]["outcome"])
				assert.Equal(t, "failed", rows[1]["outcome"])
				assert.NotEmpty(t, rows[1]["code"])
				assert.NotEmpty(t, rows[1]["requestId"])
				assert.Equal(t, "terminated", rows[2]["outcome"], "the id after the failure was tried")
				assert.Contains(t, errOut, "ins-bad00000: failed")
				assert.Contains(t, errOut, "1 of 3 failed")

				out, errOut, code = run("instances", "terminate", "ins-bad00000", ids[2], "--yes", "--fail-fast")
				assert.Equal(t, exitError, code, "none succeeded: %s", errOut)
				assert.Regexp(t, `ins-bad00000\s+failed`, out)
				assert.Regexp(t, ids[2]+`\s+not tried`, out)

				// A batch with one bad id: each id's fate on stdout.
				out, errOut, code = run("instances", "stop", ids[2], "ins-bad00000", "-o", "json")
				require.NoError(t, json.Unmarshal([]byte(out), &rows), out)
				require.Len(t, rows, 2)
				if api == "3" {
					// API 3.0's batches are all or nothing.
					assert.Equal(t, exitError, code, errOut)
					assert.Equal(t, "failed", rows[0]["outcome"])
					assert.Equal(t, rows[0]["requestId"], rows[1]["requestId"])
				} else {
					assert.Equal(t, exitPartial, code, errOut)
					assert.Equal(t, "stop accepted", rows[0]["outcome"])
					assert.Equal(t, "failed", rows[1]["outcome"])
				}
			})
		})
	}
}

// TestUnknownCommandsExit2: at any depth, an unknown command is a usage
// error naming it, never the help with exit 0.
func TestUnknownCommandsExit2(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, args := range [][]string{{"frobnicate"}, {"instances", "frobnicate"}, {"eips", "frob"},
			{"security-groups", "rules", "add"}} {
			out, errOut, code := cli(args...)
			assert.Equal(t, exitUsage, code, "%v: %s", args, errOut)
			assert.Empty(t, out, "%v", args)
		}
		_, errOut, _ := cli("instances", "lst")
		assert.Contains(t, errOut, `unknown command "lst"`)
		assert.Contains(t, errOut, "did you mean list")
		out, _, code := cli("instances")
		assert.Equal(t, exitOK, code, "a group alone shows its help")
		assert.Contains(t, out, "Available Commands")
	})
}

// TestCountIsChecked: --count 0 (which the API would read as 1) or less
// is refused before anything is sent, for instances and EIPs alike.
func TestCountIsChecked(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sharedEmulator = cvmtest.NewServer(emulatorOptions()...)
		defer func() { sharedEmulator.Close(); sharedEmulator = nil }()
		for _, args := range [][]string{
			{"instances", "create", "--zone", "100002", "--cpu", "1", "--memory", "1", "--image", "img-31tjrtph", "--count", "0"},
			{"instances", "create", "--zone", "100002", "--cpu", "1", "--memory", "1", "--image", "img-31tjrtph", "--count", "-2"},
			{"eips", "create", "--count", "0"},
		} {
			sharedEmulator.ClearRequests()
			_, errOut, code := cli(args...)
			assert.Equal(t, exitUsage, code, "%v", args)
			assert.Contains(t, errOut, "--count")
			for _, r := range sharedEmulator.Requests("") {
				assert.NotContains(t, []string{"RunInstancesHour", "RunInstances", "CreateEip", "AllocateAddresses"}, r.Action, "%v sent %s", args, r.Action)
			}
		}
	})
}

// TestExitCodesOfTimeAndSignals: --timeout running out is 124; an
// interrupt is 130, after printing what was done.
func TestExitCodesOfTimeAndSignals(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sharedEmulator = cvmtest.NewServer(emulatorOptions()...)
		defer func() { sharedEmulator.Close(); sharedEmulator = nil }()
		ids := instanceIDs(t, func(args ...string) (string, string, int) { return cli(args...) })
		_, errOut, code := cli("instances", "wait", ids[0], "--status", "stopped", "--timeout", "2s")
		assert.Equal(t, exitTimeout, code, errOut)

		ctx, cancel := context.WithCancel(context.Background())
		cancel() // as Ctrl-C before the first call
		var out, errb bytes.Buffer
		code = run(ctx, []string{"--emulator", "instances", "terminate", ids[0], ids[1], "--yes", "-o", "json"},
			streams{in: strings.NewReader(""), out: &out, err: &errb})
		assert.Equal(t, exitSignal, code, errb.String())
		var rows []map[string]string
		require.NoError(t, json.Unmarshal(out.Bytes(), &rows), "what was done, printed: %s", out.String())
		require.Len(t, rows, 2)
		assert.Equal(t, "not tried", rows[0]["outcome"])
	})
}

// TestDryRun: every changing command prints the request it would send,
// with the password and the signature redacted, and sends no change;
// reads it needs first are sent.
func TestDryRun(t *testing.T) {
	for _, api := range []string{"legacy", "3"} {
		t.Run(api, func(t *testing.T) {
			shared(t, api, func(run func(args ...string) (string, string, int)) {
				ids := instanceIDs(t, run)
				sharedEmulator.ClearRequests()
				keyFile := filepath.Join(t.TempDir(), "k.pem")
				for _, args := range [][]string{
					{"instances", "create", "--zone", "100002", "--cpu", "1", "--memory", "2", "--image", "img-31tjrtph", "--password", "Sup3rSecret!"},
					{"instances", "stop", ids[0]},
					{"instances", "terminate", ids[0], ids[1]},
					{"instances", "reset-password", ids[0], "--password", "Sup3rSecret!"},
					{"eips", "create"},
					{"security-groups", "rules", "add", "sg-myr4ghk9", "--direction", "ingress", "--protocol", "tcp", "--port", "22", "--cidr", "10.0.0.0/8"},
					{"keypairs", "create", "k", "--save", keyFile},
				} {
					out, errOut, code := run(append(args, "--dry-run", "-o", "json")...)
					require.Equal(t, exitOK, code, "%v: %s", args, errOut)
					assert.NotContains(t, out, "Sup3rSecret!", "%v", args)
					var sent []map[string]any
					require.NoError(t, json.Unmarshal([]byte(out), &sent), "%v: %s", args, out)
					require.NotEmpty(t, sent, "%v", args)
					for _, s := range sent {
						assert.NotEmpty(t, s["action"])
						if p, ok := s["params"].(map[string]any); ok && api == "legacy" {
							assert.Equal(t, "REDACTED", p["Signature"], "%v", args)
						}
					}
					if args[1] == "terminate" {
						assert.Len(t, sent, 2, "one request per id")
					}
				}
				for _, r := range sharedEmulator.Requests("") {
					f := strings.Fields(r.Action) // "vpc DescribeSecurityGroupPolicies" under API 3.0
					assert.True(t, reads(f[len(f)-1]), "%s was sent under --dry-run", r.Action)
				}
				_, err := os.Stat(keyFile)
				assert.True(t, os.IsNotExist(err), "--dry-run writes no private key file")
			})
		})
	}
}

// TestPaging: --page-size sets what each call asks for, --no-paginate
// makes one call.
func TestPaging(t *testing.T) {
	shared(t, "legacy", func(run func(args ...string) (string, string, int)) {
		sharedEmulator.ClearRequests()
		out, _, code := run("instances", "list", "--page-size", "1", "-o", "json", "--query", "length(@)")
		require.Equal(t, exitOK, code)
		assert.Equal(t, "3\n", out)
		assert.Len(t, sharedEmulator.Requests("DescribeInstances"), 3, "a page of one per call")
		sharedEmulator.ClearRequests()
		out, _, code = run("instances", "list", "--page-size", "2", "--no-paginate", "-o", "json", "--query", "length(@)")
		require.Equal(t, exitOK, code)
		assert.Equal(t, "2\n", out)
		assert.Len(t, sharedEmulator.Requests("DescribeInstances"), 1)
		_, _, code = run("instances", "list", "--page-size", "101")
		assert.Equal(t, exitUsage, code)
	})
}

// TestCallContractAndInput: call speaks the client's contract, from
// --api or TENCENTCLOUD_CVM_API alike; --generate-cli-skeleton prints what
// --cli-input-json takes, and that runs the call.
func TestCallContractAndInput(t *testing.T) {
	t.Setenv("TENCENTCLOUD_CVM_API", "3")
	synctest.Test(t, func(t *testing.T) {
		out, errOut, code := cli("call", "cvm", "DescribeZones", "--input", "{}", "--query", "length(ZoneSet) > `0`", "-o", "json")
		require.Equal(t, exitOK, code, "the environment's contract: %s", errOut)
		assert.Equal(t, "true\n", out)

		out, errOut, code = cli("call", "cvm", "DescribeInstances", "--input", `{"Limit": 1}`, "--generate-cli-skeleton")
		require.Equal(t, exitOK, code, errOut)
		var in map[string]any
		require.NoError(t, json.Unmarshal([]byte(out), &in))
		assert.Equal(t, "cvm", in["service"])
		assert.Equal(t, "DescribeInstances", in["action"])
		path := filepath.Join(t.TempDir(), "in.json")
		require.NoError(t, os.WriteFile(path, []byte(out), 0o600))
		out, errOut, code = cli("call", "--cli-input-json", "file://"+path, "--query", "length(InstanceSet)", "-o", "json")
		require.Equal(t, exitOK, code, errOut)
		assert.Equal(t, "1\n", out)
		_, _, code = cli("call", "--cli-input-json", `{"action": "X", "bogus": 1}`)
		assert.Equal(t, exitUsage, code, "unknown members are refused")
	})
}

// TestEIPWaits: eips wait, and --wait on associate and disassociate,
// so that an immediate unbind after a bind works.
func TestEIPWaits(t *testing.T) {
	for _, api := range []string{"legacy", "3"} {
		t.Run(api, func(t *testing.T) {
			shared(t, api, func(run func(args ...string) (string, string, int)) {
				ids := instanceIDs(t, run)
				out, errOut, code := run("eips", "create", "--query", "[0].id", "-o", "text")
				require.Equal(t, exitOK, code, errOut)
				eip := strings.TrimSpace(out)
				_, errOut, code = run("eips", "wait", eip, "--status", "unbound", "--timeout", "1m")
				require.Equal(t, exitOK, code, errOut)
				out, errOut, code = run("eips", "associate", eip, ids[0], "--wait", "-o", "text")
				require.Equal(t, exitOK, code, errOut)
				assert.Contains(t, out, "bound to "+ids[0])
				out, errOut, code = run("eips", "disassociate", eip, "--wait", "-o", "text")
				require.Equal(t, exitOK, code, "an unbind right after a bind waited for: %s", errOut)
				assert.Contains(t, out, "unbound")
				_, _, code = run("eips", "wait", eip, "--status", "nonsense")
				assert.Equal(t, exitUsage, code)
			})
		})
	}
}

// TestPartialFailureGolden: the README's report of a partial failure.
func TestPartialFailureGolden(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out, errOut, code := cli("instances", "terminate", "ins-jyrufb0e", "ins-bad00000", "ins-zpcvjr4v", "--yes")
		assert.Equal(t, exitPartial, code)
		golden(t, "terminate-partial", out+errOut)
	})
}
