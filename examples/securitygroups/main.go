// Command securitygroups manages a security group's rules: it creates a
// group, replaces its rules, inserts and edits single rules under the
// version lock, shows what a stale version gets, and deletes the group.
// Against the real API it needs -create, since it changes the account.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"time"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/examples/internal/exampleenv"
)

func main() {
	create := flag.Bool("create", false, "against the real API, create and delete a security group")
	flag.Parse()
	log.SetFlags(0)
	env, err := exampleenv.New()
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	if env.Real() && !*create {
		fmt.Println("Pass -create to create and delete a security group.")
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sgs := env.Client.SecurityGroups

	sg, _, err := sgs.Create(ctx, &cvm.SecurityGroupCreateRequest{Name: "example-web", Remark: "rules example"})
	if err != nil {
		log.Fatal(err)
	}
	defer func() {
		if _, err := sgs.Delete(context.Background(), sg.ID); err != nil {
			log.Printf("delete %s: %v", sg.ID, err)
		} else {
			fmt.Printf("deleted %s\n", sg.ID)
		}
	}()
	fmt.Printf("created %s\n", sg.ID)

	_, err = sgs.ReplaceRules(ctx, sg.ID,
		[]cvm.Rule{
			{Protocol: "tcp", Ports: "80", CIDR: "0.0.0.0/0", Action: cvm.Accept, Description: "http"},
			{Protocol: "tcp", Ports: "443", CIDR: "0.0.0.0/0", Action: cvm.Accept, Description: "https"},
		},
		[]cvm.Rule{{CIDR: "0.0.0.0/0", Action: cvm.Accept}})
	if err != nil {
		log.Fatal(err)
	}
	rules, _, err := sgs.Rules(ctx, sg.ID)
	if err != nil {
		log.Fatal(err)
	}
	show := func(rs *cvm.RuleSet) {
		fmt.Printf("version %d:\n", rs.Version)
		for i, r := range rs.Ingress {
			fmt.Printf("  in  %d %-6s %-4s %-6s %-12s %s\n", i, r.Action, r.Protocol, r.Ports, r.CIDR, r.Description)
		}
		for i, r := range rs.Egress {
			fmt.Printf("  out %d %-6s %-4s %-6s %-12s %s\n", i, r.Action, r.Protocol, r.Ports, r.CIDR, r.Description)
		}
	}
	show(rules)

	// Insert SSH from the office first, locked to the version just read.
	change := &cvm.RuleChange{ID: sg.ID, Direction: cvm.Ingress, Version: &rules.Version}
	if _, err := sgs.InsertRules(ctx, change, 0, cvm.Rule{Protocol: "tcp", Ports: "22", CIDR: "203.0.113.0/24", Action: cvm.Accept, Description: "office ssh"}); err != nil {
		log.Fatal(err)
	}
	// The same version again is stale now: someone (we) changed the rules.
	_, err = sgs.InsertRules(ctx, change, 0, cvm.Rule{Protocol: "tcp", Ports: "3389", Action: cvm.Accept})
	var apiErr *cvm.APIError
	if errors.As(err, &apiErr) {
		fmt.Printf("a stale version is refused: %v\n", err)
	}

	rules, _, err = sgs.Rules(ctx, sg.ID)
	if err != nil {
		log.Fatal(err)
	}
	// Drop plain http: replace rule 1 with a DROP.
	change.Version = &rules.Version
	if _, err := sgs.ReplaceRule(ctx, change, 1, cvm.Rule{Protocol: "tcp", Ports: "80", CIDR: "0.0.0.0/0", Action: cvm.Drop, Description: "no http"}); err != nil {
		log.Fatal(err)
	}
	rules, _, err = sgs.Rules(ctx, sg.ID)
	if err != nil {
		log.Fatal(err)
	}
	show(rules)
}
