package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/qcloud-legacy/cvm"
)

// callInput is what `call` takes as --cli-input-json, and what
// --generate-cli-skeleton prints: the module (legacy) or service (API
// 3.0), the action, and its parameters.
type callInput struct {
	Module     string         `json:"module,omitempty"`
	Service    string         `json:"service,omitempty"`
	Action     string         `json:"action"`
	Parameters map[string]any `json:"parameters"`
}

type callOptions struct {
	input, cliInput string
	skeleton        bool
}

func (a *app) callCommand() *cobra.Command {
	o := &callOptions{}
	var call func(*cobra.Command, []string) error
	cmd := &cobra.Command{Use: "call MODULE ACTION [key=value...]",
		Short: "Call any action of the client's contract: legacy (module, key=value) or API 3.0 (service, --input JSON)",
		Example: `  cvm call cvm DescribeInstances limit=2 -o json
  cvm --api 3 call cvm DescribeZones --input '{}' -o json
  cvm --api 3 call cvm DescribeInstances --generate-cli-skeleton > in.json
  cvm --api 3 call --cli-input-json file://in.json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !o.skeleton {
				return call(cmd, args)
			}
			// No client is needed to print the skeleton: the contract
			// alone, resolved as the client resolves it.
			api, err := a.contract()
			if err != nil {
				return err
			}
			in, err := o.read(a.in, args, api == cvm.API3)
			if err != nil {
				return err
			}
			return a.printJSON(in)
		}}
	call = a.withClient(func(ctx context.Context, c *cvm.Client, args []string) error {
		// The contract is the client's, resolved once (--api, then
		// TENCENTCLOUD_CVM_API), as for every other command.
		api3 := c.API() == cvm.API3
		in, err := o.read(a.in, args, api3)
		if err != nil {
			return err
		}
		if in.Action == "" || in.Module == "" && in.Service == "" {
			return usagef("give MODULE ACTION (or --cli-input-json)")
		}
		var out map[string]any
		if api3 {
			err = c.Do3(ctx, in.Service, in.Action, in.Parameters, &out)
		} else {
			params := map[string]string{}
			for k, v := range in.Parameters {
				if params[k], err = scalar(v); err != nil {
					return usagef("parameter %s: %v", k, err)
				}
			}
			err = c.Do(ctx, in.Module, in.Action, params, &out)
		}
		if err != nil {
			return err
		}
		return a.emit(out, nil)
	})
	f := cmd.Flags()
	f.StringVar(&o.input, "input", "", "with API 3.0: the action's parameters as a JSON object")
	f.StringVar(&o.cliInput, "cli-input-json", "", "the call as JSON (module or service, action, parameters): the JSON itself, file://PATH, or - for stdin")
	f.BoolVar(&o.skeleton, "generate-cli-skeleton", false, "print the JSON --cli-input-json takes (with what the arguments give) and call nothing")
	return cmd
}

// read gathers the call from --cli-input-json, then the arguments and
// --input over it.
func (o *callOptions) read(stdin io.Reader, args []string, api3 bool) (callInput, error) {
	in := callInput{Parameters: map[string]any{}}
	if o.cliInput != "" {
		b, err := readInput(stdin, o.cliInput)
		if err != nil {
			return in, usagef("--cli-input-json: %v", err)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		dec.UseNumber()
		if err := dec.Decode(&in); err != nil {
			return in, usagef("--cli-input-json: %v", err)
		}
		if in.Parameters == nil {
			in.Parameters = map[string]any{}
		}
	}
	if api3 && in.Module != "" && in.Service == "" {
		in.Service, in.Module = in.Module, ""
	}
	if !api3 && in.Service != "" && in.Module == "" {
		in.Module, in.Service = in.Service, ""
	}
	if len(args) > 0 {
		if api3 {
			in.Service = args[0]
		} else {
			in.Module = args[0]
		}
	}
	if len(args) > 1 {
		in.Action = args[1]
	}
	if api3 {
		if len(args) > 2 {
			return in, usagef("with API 3.0, give the parameters as --input JSON")
		}
		if o.input != "" {
			dec := json.NewDecoder(strings.NewReader(o.input))
			dec.UseNumber()
			var p map[string]any
			if err := dec.Decode(&p); err != nil {
				return in, usagef("--input: %v", err)
			}
			for k, v := range p {
				in.Parameters[k] = v
			}
		}
		return in, nil
	}
	if o.input != "" {
		return in, usagef("--input is for API 3.0 (--api 3); legacy parameters are key=value arguments")
	}
	for _, kv := range args[min(2, len(args)):] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return in, usagef("%q: want key=value", kv)
		}
		in.Parameters[k] = v
	}
	return in, nil
}

// readInput reads a flag's JSON: the text itself, file://PATH, or - for
// stdin.
func readInput(stdin io.Reader, v string) ([]byte, error) {
	switch {
	case v == "-":
		return io.ReadAll(io.LimitReader(stdin, 16<<20))
	case strings.HasPrefix(v, "file://"):
		return os.ReadFile(strings.TrimPrefix(v, "file://"))
	}
	return []byte(v), nil
}

// scalar is a legacy parameter's text: a string, number or boolean.
func scalar(v any) (string, error) {
	switch t := v.(type) {
	case string:
		return t, nil
	case json.Number:
		return t.String(), nil
	case bool:
		if t {
			return "true", nil
		}
		return "false", nil
	}
	return "", fmt.Errorf("legacy parameters are strings, numbers or booleans (flatten lists as name.0=...), got %T", v)
}

// printJSON prints v as indented JSON, whatever --output says (a skeleton
// is meant for --cli-input-json).
func (a *app) printJSON(v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(a.out, "%s\n", b)
	return err
}

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{Use: "version", Short: "Print the SDK's version", Args: cobra.NoArgs, Example: "  cvm version",
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(a.out, "cvm %s (github.com/qcloud-legacy/cvm %s)\n", cvm.Version, cvm.Version)
			return err
		}}
}
