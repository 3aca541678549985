package main

// Security-group rules: shown with their direction, index and the rules'
// version, and edited by index or by content under the version lock. A
// change is made against the version it was planned on; if someone else
// moved the rules meanwhile, the change is planned again on the new rules
// and retried only if it still applies (the rule it targets is still
// there, the rule it adds is not yet).

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/qcloud-legacy/cvm"
)

// ruleRow is a rule as a row: its direction, its index among that
// direction's rules, and the version of the rules it was read at.
type ruleRow struct {
	Direction string
	Index     int
	cvm.Rule
	Version int
}

var ruleCols = columns{"direction", "index", "protocol", "ports", "cidr", "securityGroupId", "action", "description", "version"}

func ruleRows(rs *cvm.RuleSet) []ruleRow {
	var out []ruleRow
	for i, r := range rs.Ingress {
		out = append(out, ruleRow{"ingress", i, r, rs.Version})
	}
	for i, r := range rs.Egress {
		out = append(out, ruleRow{"egress", i, r, rs.Version})
	}
	return out
}

func (a *app) rulesCommand() *cobra.Command {
	show := func(ctx context.Context, c *cvm.Client, args []string) error {
		rs, _, err := c.SecurityGroups.Rules(ctx, args[0])
		if err != nil {
			return err
		}
		return a.emit(ruleRows(rs), ruleCols)
	}
	cmd := &cobra.Command{Use: "rules ID", Short: "Show a security group's rules (direction, index, version), or add, delete and replace them",
		Example: `  cvm security-groups rules sg-abc12345
  cvm security-groups rules add sg-abc12345 --direction ingress --protocol tcp --port 22 --cidr 10.0.0.0/8 --description ssh
  cvm security-groups rules delete sg-abc12345 --direction ingress --match protocol=tcp,port=22
  cvm security-groups rules replace sg-abc12345 --direction ingress --index 0 --protocol tcp --port 443 --cidr 0.0.0.0/0`,
		Args: cobra.ExactArgs(1), RunE: a.withClient(show)}
	list := &cobra.Command{Use: "list ID", Short: "Show a security group's rules", Args: cobra.ExactArgs(1),
		Example: "  cvm security-groups rules list sg-abc12345 -o json", RunE: a.withClient(show)}
	cmd.AddCommand(list, a.rulesAddCommand(), a.rulesDeleteCommand(), a.rulesReplaceCommand())
	return cmd
}

// ruleFlags are the flags that describe a rule, defined once.
type ruleFlags struct {
	protocol, port, cidr, group, action, description string
}

func (f *ruleFlags) add(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.protocol, "protocol", "all", "tcp, udp, icmp or all")
	fs.StringVar(&f.port, "port", "", "a port, a range such as 8000-8010, or ALL (tcp and udp)")
	fs.StringVar(&f.cidr, "cidr", "", "the source (ingress) or destination (egress) address or block, such as 10.0.0.0/8")
	fs.StringVar(&f.group, "source-group", "", "another security group whose instances the rule matches (instead of --cidr)")
	fs.StringVar(&f.action, "action", "accept", "accept or drop")
	fs.StringVar(&f.description, "description", "", "at most 50 characters")
}

func (f *ruleFlags) rule() (cvm.Rule, error) {
	r := cvm.Rule{Protocol: strings.ToLower(f.protocol), Ports: f.port, CIDR: f.cidr, SecurityGroupID: f.group,
		Action: cvm.RuleAction(strings.ToUpper(f.action)), Description: f.description}
	if r.Protocol == "all" {
		r.Protocol = ""
	}
	if r.CIDR == "" && r.SecurityGroupID == "" {
		return r, usagef("give --cidr or --source-group")
	}
	return r, nil
}

// target picks a rule: by --index, or by --match (key=value pairs, each
// of which the rule must have).
type target struct {
	index int
	match string
}

func (t *target) add(cmd *cobra.Command, what string) {
	cmd.Flags().IntVar(&t.index, "index", -1, "the index of the rule to "+what+" (as `rules` shows)")
	cmd.Flags().StringVar(&t.match, "match", "", "the rule to "+what+" by content: key=value,... of protocol, port, cidr, source-group, action, description")
}

func (t target) validate() error {
	if (t.index >= 0) == (t.match != "") {
		return usagef("give --index or --match, not both")
	}
	if t.match != "" {
		_, err := parseMatch(t.match)
		return err
	}
	return nil
}

// parseMatch reads --match into a test of a rule.
func parseMatch(s string) (func(cvm.Rule) bool, error) {
	type test struct{ key, value string }
	var tests []test
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return nil, usagef("--match %q: want key=value,...", s)
		}
		switch k {
		case "protocol", "port", "ports", "cidr", "source-group", "action", "description":
		default:
			return nil, usagef("--match: unknown key %q (want protocol, port, cidr, source-group, action or description)", k)
		}
		tests = append(tests, test{k, v})
	}
	return func(r cvm.Rule) bool {
		for _, t := range tests {
			var got string
			fold := true
			switch t.key {
			case "protocol":
				got = r.Protocol
				if got == "" {
					got = "all"
				}
			case "port", "ports":
				got = r.Ports
			case "cidr":
				got, fold = r.CIDR, false
			case "source-group":
				got, fold = r.SecurityGroupID, false
			case "action":
				got = string(r.Action)
			case "description":
				got, fold = r.Description, false
			}
			if fold && !strings.EqualFold(got, t.value) || !fold && got != t.value {
				return false
			}
		}
		return true
	}, nil
}

// sameRule reports whether two rules are the same rule (as the API keeps
// it: protocol and action in any case).
func sameRule(a, b cvm.Rule) bool {
	norm := func(r cvm.Rule) cvm.Rule {
		r.Protocol, r.Action = strings.ToLower(r.Protocol), cvm.RuleAction(strings.ToUpper(string(r.Action)))
		if r.Protocol == "all" {
			r.Protocol = ""
		}
		if strings.EqualFold(r.Ports, "all") {
			r.Ports = ""
		}
		return r
	}
	return norm(a) == norm(b)
}

func direction(s string) (cvm.Direction, error) {
	switch strings.ToLower(s) {
	case "ingress", "in":
		return cvm.Ingress, nil
	case "egress", "out":
		return cvm.Egress, nil
	}
	return "", usagef("--direction %q: want ingress or egress", s)
}

func rulesOf(rs *cvm.RuleSet, d cvm.Direction) []cvm.Rule {
	if d == cvm.Ingress {
		return rs.Ingress
	}
	return rs.Egress
}

// errNoLongerApplies is a change that the rules, as they are now, no
// longer allow: what it targets is gone or moved beyond recognition.
var errNoLongerApplies = errors.New("the change no longer applies")

// ruleEdit is one change of rules, planned on a version of them.
type ruleEdit struct {
	sg       string
	dir      cvm.Direction
	version  int // --version: the rules must still be at it; -1 for any
	plan     func(rules []cvm.Rule) (do func(ctx context.Context, change *cvm.RuleChange) error, done string, err error)
	attempts int
}

// maxRuleAttempts bounds the re-planning when others keep moving the
// rules.
const maxRuleAttempts = 3

// apply reads the rules, plans the change on them and makes it locked to
// their version; when the call fails and the version has moved, it plans
// again on the new rules.
func (e *ruleEdit) apply(ctx context.Context, c *cvm.Client) (string, int, error) {
	rs, _, err := c.SecurityGroups.Rules(ctx, e.sg)
	if err != nil {
		return "", 0, err
	}
	if e.version >= 0 && rs.Version != e.version {
		return "", rs.Version, fmt.Errorf("%s: the rules are at version %d, not %d (--version): run `cvm security-groups rules %s` again", e.sg, rs.Version, e.version, e.sg)
	}
	for e.attempts = 1; ; e.attempts++ {
		do, done, err := e.plan(rulesOf(rs, e.dir))
		if err != nil {
			return "", rs.Version, err
		}
		if do == nil {
			return done, rs.Version, nil // nothing to change
		}
		v := rs.Version
		callErr := do(ctx, &cvm.RuleChange{ID: e.sg, Direction: e.dir, Version: &v})
		if callErr == nil {
			return done, v, nil
		}
		now, _, err := c.SecurityGroups.Rules(ctx, e.sg)
		if err != nil || now.Version == v || e.attempts == maxRuleAttempts {
			// Not a moved version (or out of attempts): the call's own error.
			return "", v, callErr
		}
		rs = now
	}
}

// editFlags are what every rule change takes: the direction, and the
// version the rules must still be at.
type editFlags struct {
	dir     string
	version int
}

// edit is the change of group sg's rules the flags name, its plan to be
// given.
func (f editFlags) edit(sg string) (*ruleEdit, error) {
	d, err := direction(f.dir)
	if err != nil {
		return nil, err
	}
	return &ruleEdit{sg: sg, dir: d, version: f.version}, nil
}

func (f *editFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.dir, "direction", "", "ingress or egress (required)")
	cmd.Flags().IntVar(&f.version, "version", -1, "change only if the rules are still at this version (as `rules` shows)")
}

type rulesAddOptions struct {
	editFlags
	rule  ruleFlags
	index int
}

func (a *app) rulesAddCommand() *cobra.Command {
	o := &rulesAddOptions{}
	cmd := &cobra.Command{Use: "add ID", Short: "Add a rule (appended, or before --index); a rule already there is left as it is",
		Example: "  cvm security-groups rules add sg-abc12345 --direction ingress --protocol tcp --port 22 --cidr 10.0.0.0/8 --description ssh",
		Args:    cobra.ExactArgs(1),
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, args []string) error {
			e, err := o.edit(args[0])
			if err != nil {
				return err
			}
			d := e.dir
			r, err := o.rule.rule()
			if err != nil {
				return err
			}
			var anchor *cvm.Rule // the rule the new one goes before, found by content after a move
			first := true
			e.plan = func(rules []cvm.Rule) (func(context.Context, *cvm.RuleChange) error, string, error) {
				if slices.ContainsFunc(rules, func(x cvm.Rule) bool { return sameRule(x, r) }) {
					return nil, "already present", nil
				}
				at := -1
				switch {
				case first && o.index >= 0 && o.index < len(rules):
					anchor, at = &rules[o.index], o.index
				case first && o.index > len(rules):
					return nil, "", usagef("--index %d: there are %d %s rules", o.index, len(rules), d)
				case anchor != nil:
					if at = slices.IndexFunc(rules, func(x cvm.Rule) bool { return sameRule(x, *anchor) }); at < 0 {
						return nil, "", fmt.Errorf("%w: the rule it went before was changed meanwhile", errNoLongerApplies)
					}
				}
				first = false
				return func(ctx context.Context, ch *cvm.RuleChange) error {
					_, err := c.SecurityGroups.InsertRules(ctx, ch, at, r)
					return err
				}, "added", nil
			}
			return a.ruleResult(ctx, c, e)
		})}
	o.editFlags.add(cmd)
	o.rule.add(cmd)
	cmd.Flags().IntVar(&o.index, "index", -1, "insert before the rule at this index (default: append)")
	return cmd
}

type rulesDeleteOptions struct {
	editFlags
	target target
	all    bool
}

func (a *app) rulesDeleteCommand() *cobra.Command {
	o := &rulesDeleteOptions{}
	cmd := &cobra.Command{Use: "delete ID", Short: "Delete a rule, by --index or by --match",
		Example: "  cvm security-groups rules delete sg-abc12345 --direction ingress --match protocol=tcp,port=22,cidr=10.0.0.0/8",
		Args:    cobra.ExactArgs(1),
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, args []string) error {
			e, err := o.edit(args[0])
			if err != nil {
				return err
			}
			d := e.dir
			if err := o.target.validate(); err != nil {
				return err
			}
			var gone []cvm.Rule // what is deleted, found by content after a move
			e.plan = func(rules []cvm.Rule) (func(context.Context, *cvm.RuleChange) error, string, error) {
				idx, err := o.target.locate(rules, d, o.all, &gone, "delete")
				if err != nil {
					return nil, "", err
				}
				return func(ctx context.Context, ch *cvm.RuleChange) error {
					_, err := c.SecurityGroups.DeleteRules(ctx, ch, idx...)
					return err
				}, fmt.Sprintf("deleted %d", len(idx)), nil
			}
			return a.ruleResult(ctx, c, e)
		})}
	o.editFlags.add(cmd)
	o.target.add(cmd, "delete")
	cmd.Flags().BoolVar(&o.all, "all", false, "with --match, delete every rule it matches (default: exactly one must match)")
	return cmd
}

type rulesReplaceOptions struct {
	editFlags
	target target
	rule   ruleFlags
}

func (a *app) rulesReplaceCommand() *cobra.Command {
	o := &rulesReplaceOptions{}
	cmd := &cobra.Command{Use: "replace ID", Short: "Replace a rule, chosen by --index or --match, with the rule the flags describe",
		Example: "  cvm security-groups rules replace sg-abc12345 --direction ingress --match port=80 --protocol tcp --port 443 --cidr 0.0.0.0/0",
		Args:    cobra.ExactArgs(1),
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, args []string) error {
			e, err := o.edit(args[0])
			if err != nil {
				return err
			}
			d := e.dir
			if err := o.target.validate(); err != nil {
				return err
			}
			r, err := o.rule.rule()
			if err != nil {
				return err
			}
			var old []cvm.Rule // what is replaced, found by content after a move
			e.plan = func(rules []cvm.Rule) (func(context.Context, *cvm.RuleChange) error, string, error) {
				idx, err := o.target.locate(rules, d, false, &old, "replace")
				if err != nil {
					return nil, "", err
				}
				at := idx[0]
				if sameRule(rules[at], r) {
					return nil, "already as asked", nil
				}
				return func(ctx context.Context, ch *cvm.RuleChange) error {
					_, err := c.SecurityGroups.ReplaceRule(ctx, ch, at, r)
					return err
				}, "replaced", nil
			}
			return a.ruleResult(ctx, c, e)
		})}
	o.editFlags.add(cmd)
	o.target.add(cmd, "replace")
	o.rule.add(cmd)
	return cmd
}

// locate returns the indexes of the rules t names. The first plan picks
// them (pick) and keeps them in *kept; a plan made again, after another
// client moved the rules, finds the kept rules by content, and refuses when
// one is gone.
func (t target) locate(rules []cvm.Rule, d cvm.Direction, all bool, kept *[]cvm.Rule, what string) ([]int, error) {
	if *kept == nil {
		idx, err := t.pick(rules, d, all)
		if err != nil {
			return nil, err
		}
		for _, i := range idx {
			*kept = append(*kept, rules[i])
		}
		return idx, nil
	}
	var idx []int
	for _, k := range *kept {
		i := slices.IndexFunc(rules, func(x cvm.Rule) bool { return sameRule(x, k) })
		if i < 0 {
			return nil, fmt.Errorf("%w: a rule to %s is no longer there", errNoLongerApplies, what)
		}
		idx = append(idx, i)
	}
	return idx, nil
}

// pick returns the indexes of the rules t names: the one at --index, or
// those --match matches (exactly one, unless all).
func (t target) pick(rules []cvm.Rule, d cvm.Direction, all bool) ([]int, error) {
	if t.index >= 0 {
		if t.index >= len(rules) {
			return nil, usagef("--index %d: there are %d %s rules", t.index, len(rules), d)
		}
		return []int{t.index}, nil
	}
	match, err := parseMatch(t.match)
	if err != nil {
		return nil, err
	}
	var idx []int
	for i, r := range rules {
		if match(r) {
			idx = append(idx, i)
		}
	}
	switch {
	case len(idx) == 0:
		return nil, fmt.Errorf("--match %s: no %s rule matches", t.match, d)
	case len(idx) > 1 && !all:
		s := make([]string, len(idx))
		for i, n := range idx {
			s[i] = strconv.Itoa(n)
		}
		return nil, fmt.Errorf("--match %s: %d %s rules match (indexes %s): narrow it, or use --index or --all", t.match, len(idx), d, strings.Join(s, ", "))
	}
	return idx, nil
}

// ruleEditResult is what a rule command prints.
type ruleEditResult struct {
	SecurityGroupID string
	Direction       string
	Result          string
	// LockedTo is the version of the rules the change was made against
	// (or found already made at).
	LockedTo int
	Attempts int
}

func (a *app) ruleResult(ctx context.Context, c *cvm.Client, e *ruleEdit) error {
	done, version, err := e.apply(ctx, c)
	if err != nil {
		return err
	}
	return a.emit(ruleEditResult{e.sg, string(e.dir), done, version, e.attempts}, columns{"securityGroupId", "direction", "result", "lockedTo", "attempts"})
}
