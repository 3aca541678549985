package emulator

import "time"

type securityGroup struct {
	seq       int64
	id        string
	name      string
	remark    string
	projectID int
	created   time.Time
	ingress   []rule
	egress    []rule
	version   int
	isDefault bool
}

type rule struct {
	protocol, cidr, sgID, portRange, action, desc string
}

type eip struct {
	seq        int64
	id         string
	name       string
	ip         string
	ispID      int
	status     int
	next       int
	nextAt     time.Time
	instanceID string
	created    time.Time
	updated    time.Time
	mode       int
}
