package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/creack/pty"
	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// wdOfTest is the package's directory, where testdata is, whatever the
// tests chdir to.
var wdOfTest, _ = os.Getwd()

// cli runs the command line in process against --emulator. In a synctest
// bubble its time is fake, so waits finish at once and outputs (times and
// ids) are the same on every run.
func cli(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"--emulator"}, args...), streams{in: strings.NewReader(""), out: &out, err: &errb})
	return out.String(), errb.String(), code
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join(wdOfTest, "testdata", "golden", name+".txt")
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to make %s", path)
	assert.Equal(t, string(want), got, "golden %s", name)
}

// TestGoldenOutputs: each format of the main commands, under both
// contracts, and queries.
func TestGoldenOutputs(t *testing.T) {
	cases := map[string][]string{
		"instances-table":       {"instances", "list"},
		"instances-json":        {"instances", "list", "-o", "json"},
		"instances-yaml":        {"instances", "list", "-o", "yaml", "--limit", "1"},
		"instances-text":        {"instances", "list", "-o", "text"},
		"instances-query-ids":   {"instances", "list", "--query", "[?status=='running'].id", "-o", "text"},
		"instances-query-count": {"instances", "list", "--query", "length(@)", "-o", "json"},
		"instances-api3-table":  {"--api", "3", "instances", "list"},
		"images-table":          {"images", "list", "--type", "public"},
		"eips-json":             {"eips", "list", "-o", "json"},
		"security-groups-table": {"security-groups", "list"},
		"zones-api3-json":       {"--api", "3", "zones", "list", "-o", "json"},
		"zones-text":            {"zones", "list", "-o", "text"},
		"keypairs-table":        {"keypairs", "list"},
		"call-json":             {"call", "cvm", "DescribeInstances", "limit=1", "-o", "json", "--query", "{total: totalCount, first: instanceSet[0].unInstanceId}"},
		"call-api3-json":        {"--api", "3", "call", "cvm", "DescribeZones", "--input", "{}", "--query", "ZoneSet[].Zone", "-o", "json"},
		"version":               {"version"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				out, errOut, code := cli(args...)
				require.Equal(t, 0, code, "stderr: %s", errOut)
				golden(t, name, out)
			})
		})
	}
}

// TestWaitAndLifecycle: stop with --wait, then get, under both contracts.
func TestWaitAndLifecycle(t *testing.T) {
	for _, api := range []string{"legacy", "3"} {
		t.Run(api, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				id, _, code := cli("--api", api, "instances", "list", "--query", "[0].id", "-o", "text")
				require.Equal(t, 0, code)
				id = strings.TrimSpace(id)
				require.Regexp(t, `^ins-`, id)
				// One emulator for the commands that follow, as one server would be.
				sharedEmulator = cvmtest.NewServer(emulatorOptions()...)
				defer func() { sharedEmulator.Close(); sharedEmulator = nil }()
				var out, errb bytes.Buffer
				a := func(args ...string) int {
					out.Reset()
					errb.Reset()
					return run(context.Background(), append([]string{"--emulator", "--api", api}, args...), streams{in: strings.NewReader(""), out: &out, err: &errb})
				}
				require.Equal(t, 0, a("instances", "stop", id, "--wait", "-o", "text"), errb.String())
				assert.Regexp(t, "^"+id+"\tstopped\t\t[-0-9a-f]+\n$", out.String(), "id, outcome, no code, request id")
				require.Equal(t, 0, a("instances", "wait", id, "--status", "stopped", "--timeout", "1s"), errb.String())
				require.Equal(t, 0, a("instances", "start", id, "--wait"), errb.String())
				require.Equal(t, 0, a("eips", "create", "--wait", "--query", "[0].id", "-o", "text"), errb.String())
				eip := strings.TrimSpace(out.String())
				require.Equal(t, 0, a("eips", "associate", eip, id, "-o", "text"), "an EIP waited for can be associated: %s", errb.String())
				require.Equal(t, 0, a("instances", "terminate", id, "--yes", "--wait", "-o", "text"), errb.String())
				assert.Regexp(t, "^"+id+"\tterminated\t\t[-0-9a-f]+\n$", out.String())
			})
		})
	}
}

// TestExitCodes: 2 for usage, 1 for an error (one line naming the action
// and code), 3 for a batch where some resources failed.
func TestExitCodes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, errOut, code := cli("instances", "list", "--bogus")
		assert.Equal(t, exitUsage, code, errOut)
		_, errOut, code = cli("instances", "list", "-o", "xml")
		assert.Equal(t, exitUsage, code)
		assert.Contains(t, errOut, `--output "xml"`)
		_, _, code = cli("instances", "list", "--query", "[?")
		assert.Equal(t, exitUsage, code)
		_, errOut, code = cli("instances", "terminate", "ins-abc12345")
		assert.Equal(t, exitUsage, code, "no --yes and no terminal")
		assert.Contains(t, errOut, "--yes")
		_, errOut, code = cli("instances", "get", "ins-00000000")
		assert.Equal(t, exitError, code)
		assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
		assert.Contains(t, errOut, "DescribeInstances")
		out, errOut, code := cli("--api", "3", "instances", "start", "ins-bad", "-o", "json")
		assert.Equal(t, exitError, code, "every id failed")
		assert.Contains(t, errOut, "InvalidInstanceId.Malformed")
		assert.Contains(t, out, `"requestId": "`, "the failure's request id, on stdout")
		assert.NotContains(t, out, `"requestId": ""`)

		id, _, _ := cli("instances", "list", "--query", "[0].id", "-o", "text")
		id = strings.TrimSpace(id)
		_, errOut, code = cli("instances", "stop", id, "ins-missing0")
		assert.Equal(t, exitPartial, code, "one stopped, one missing: %s", errOut)
		assert.Contains(t, errOut, "ins-missing0: failed: code 5000")
	})
}

// TestKeyPairCreateWritesTheKeyOnly: the private key goes to --save's
// file (mode 0600), never to the output.
func TestKeyPairCreateWritesTheKeyOnly(t *testing.T) {
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		path := filepath.Join(dir, "deploy_key")
		out, errOut, code := cli("keypairs", "create", "deploy_key", "--save", path, "-o", "json")
		require.Equal(t, 0, code, errOut)
		assert.NotContains(t, out, "PRIVATE KEY")
		assert.Contains(t, out, `"privateKeyFile": "`+path+`"`)
		st, err := os.Stat(path)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
		b, _ := os.ReadFile(path)
		assert.Contains(t, string(b), "BEGIN RSA PRIVATE KEY")
		_, _, code = cli("keypairs", "create", "other_key")
		assert.Equal(t, exitUsage, code, "--save is required")
	})
}

// TestProgressInATerminal runs the built command in a pseudo-terminal and
// reads its progress line while it waits.
func TestProgressInATerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin := filepath.Join(t.TempDir(), "cvm")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	idOut, err := exec.Command(bin, "--emulator", "instances", "list", "--query", "[0].id", "-o", "text").Output()
	require.NoError(t, err)
	id := strings.TrimSpace(string(idOut))

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--emulator", "instances", "stop", id, "--wait", "-o", "text")
	tty, err := pty.Start(cmd)
	require.NoError(t, err)
	defer tty.Close()
	var got bytes.Buffer
	buf := make([]byte, 4096)
	for {
		n, err := tty.Read(buf)
		got.Write(buf[:n])
		if err != nil {
			break // the process ended and closed its side
		}
	}
	require.NoError(t, cmd.Wait())
	text := got.String()
	assert.Contains(t, text, "waiting for 1 instance(s) to be stopped ...", "the progress line, on a terminal")
	assert.Contains(t, text, "done (")
	assert.Contains(t, text, id+"\tstopped\t")
}

// TestNoProgressWithoutATerminal: the same wait prints no progress when
// stderr is not a terminal.
func TestNoProgressWithoutATerminal(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		id, _, _ := cli("instances", "list", "--query", "[0].id", "-o", "text")
		_, errOut, code := cli("instances", "stop", strings.TrimSpace(id), "--wait")
		require.Equal(t, 0, code)
		assert.Empty(t, errOut)
	})
}

// TestLowerCamel: the JSON keys of the SDK's Go names.
func TestLowerCamel(t *testing.T) {
	for in, want := range map[string]string{"ID": "id", "ZoneID": "zoneId", "LANIP": "lanIp", "WANIPs": "wanIps", "CPU": "cpu",
		"MemoryGB": "memoryGb", "InstanceIDs": "instanceIds", "IsVPCGateway": "isVpcGateway", "VPCID": "vpcId", "UUID": "uuid",
		"LatestOperationState": "latestOperationState", "OS": "os", "NetworkInterfaceID": "networkInterfaceId"} {
		assert.Equal(t, want, lowerCamel(in), in)
	}
}

// TestDebugNamesAttemptsNotSecrets: --debug logs a line per attempt, with
// no secret in it.
func TestDebugNamesAttemptsNotSecrets(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, errOut, code := cli("--debug", "zones", "list", "-o", "json")
		require.Equal(t, 0, code)
		assert.Contains(t, errOut, "cvm: call")
		assert.Contains(t, errOut, "action=DescribeAvailabilityZones")
		assert.NotContains(t, errOut, "Signature")
		assert.NotContains(t, errOut, "cvmtest-secret-key")
	})
}

// TestEveryCommandHasAnExample: --help of every command shows one.
func TestEveryCommandHasAnExample(t *testing.T) {
	root := (&app{}).rootCommand()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Runnable() && c.Name() != "help" {
			assert.NotEmpty(t, c.Example, "%s has no example", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// TestEveryCommandEveryFormat: every command, in every format, against an
// emulator seeded the same way each time, with golden outputs; the steps
// before a command (stopping an instance to start it) run on the same
// emulator.
func TestEveryCommandEveryFormat(t *testing.T) {
	const ins, img, eip, sg = "ins-jyrufb0e", "img-31tjrtph", "eip-an4ll70t", "sg-myr4ghk9"
	pub, err := os.ReadFile(filepath.Join("testdata", "id_rsa.pub"))
	require.NoError(t, err)
	type step = []string
	cases := []struct {
		name   string
		before []step
		cmd    step
	}{
		{"instances-list", nil, step{"instances", "list"}},
		{"instances-get", nil, step{"instances", "get", ins}},
		{"instances-create", nil, step{"instances", "create", "--zone", "100002", "--cpu", "2", "--memory", "4", "--image", img, "--name", "cli", "--count", "2", "--wait"}},
		{"instances-start", []step{{"instances", "stop", ins, "--wait"}}, step{"instances", "start", ins, "--wait"}},
		{"instances-stop", nil, step{"instances", "stop", ins, "--wait"}},
		{"instances-restart", nil, step{"instances", "restart", ins, "--wait"}},
		{"instances-terminate", nil, step{"instances", "terminate", ins, "--yes", "--wait"}},
		{"instances-reset-password", []step{{"instances", "stop", ins, "--wait"}}, step{"instances", "reset-password", ins, "--password", "Passw0rd!2"}},
		{"instances-rename", nil, step{"instances", "rename", ins, "renamed"}},
		{"instances-wait", nil, step{"instances", "wait", ins, "--status", "running"}},
		{"images-list", nil, step{"images", "list", "--type", "private"}},
		{"images-get", nil, step{"images", "get", img}},
		{"eips-list", nil, step{"eips", "list"}},
		{"eips-create", nil, step{"eips", "create", "--count", "2", "--wait"}},
		{"eips-associate", nil, step{"eips", "associate", eip, ins}},
		{"eips-disassociate", []step{{"eips", "associate", eip, ins}, {"eips", "list"}, {"eips", "list"}}, step{"eips", "disassociate", eip}},
		{"eips-delete", nil, step{"eips", "delete", eip, "--yes"}},
		{"security-groups-list", nil, step{"security-groups", "list"}},
		{"security-groups-rules", nil, step{"security-groups", "rules", sg}},
		{"security-groups-create", nil, step{"security-groups", "create", "--name", "cli", "--remark", "made by cvm"}},
		{"security-groups-delete", nil, step{"security-groups", "delete", sg, "--yes"}},
		{"zones-list", nil, step{"zones", "list"}},
		{"keypairs-list", []step{{"keypairs", "import", "laptop", "--public-key-file", "id_rsa.pub"}}, step{"keypairs", "list"}},
		// The new key is random: its public key is left out.
		{"keypairs-create", nil, step{"keypairs", "create", "deploy_key", "--save", "deploy_key.pem", "--query", "{id: id, name: name, privateKeyFile: privateKeyFile}"}},
		{"keypairs-import", nil, step{"keypairs", "import", "laptop", "--public-key-file", "id_rsa.pub"}},
		{"deals-list", nil, step{"deals", "list"}},
		{"call", nil, step{"call", "cvm", "DescribeAvailabilityZones"}},
		{"version", nil, step{"version"}},
	}
	t.Chdir(t.TempDir())
	require.NoError(t, os.WriteFile("id_rsa.pub", pub, 0o644))
	for _, tc := range cases {
		for _, format := range []string{"table", "json", "yaml", "text"} {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				os.Remove("deploy_key.pem")
				synctest.Test(t, func(t *testing.T) {
					sharedEmulator = cvmtest.NewServer(emulatorOptions()...)
					defer func() { sharedEmulator.Close(); sharedEmulator = nil }()
					for _, s := range tc.before {
						_, errOut, code := cli(s...)
						require.Equal(t, 0, code, "%v: %s", s, errOut)
					}
					out, errOut, code := cli(append(tc.cmd, "-o", format)...)
					require.Equal(t, 0, code, "stderr: %s", errOut)
					golden(t, filepath.Join("every", tc.name+"."+format), out)
				})
			})
		}
	}
}

// TestEveryListTakesLimit: every list command pages through everything,
// and --limit stops it early.
func TestEveryListTakesLimit(t *testing.T) {
	count := func(args ...string) int {
		t.Helper()
		out, errOut, code := cli(append(args, "-o", "json")...)
		require.Equal(t, 0, code, "%v: %s", args, errOut)
		var items []any
		require.NoError(t, json.Unmarshal([]byte(out), &items), out)
		return len(items)
	}
	for _, list := range [][]string{{"instances", "list"}, {"images", "list"}, {"eips", "list"}, {"security-groups", "list"},
		{"keypairs", "list"}, {"deals", "list"}} {
		all := count(list...)
		limited := count(append(list, "--limit", "1")...)
		assert.Equal(t, min(all, 1), limited, "%v --limit 1 of %d", list, all)
	}
	assert.Greater(t, count("instances", "list"), 1, "the emulator is seeded with several instances")
	assert.Greater(t, count("images", "list"), 1)
}
