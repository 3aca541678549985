// Package cvmtest runs an in-process emulator of the legacy CVM API, and of
// API 3.0 over the same state, for tests, the way net/http/httptest runs a
// server.
//
//	srv := cvmtest.NewServer(cvmtest.WithInstances(3))
//	defer srv.Close()
//	client, err := cvm.NewClient(srv.Config())
//
// The emulator answers like the API: the same envelope, codes and shapes
// (quirks included), signature and replay checks, sliding-window quotas of
// 1000 calls a minute per key and 100 per action, parameter validation, and
// per-region state for zones, instances, images, security groups and EIPs,
// with transitional states (creating, stopping, ...) that last a set time.
// With [WithClock], time moves only through [Server.Advance], so tests of
// transitions and quota windows never sleep. [Server.InjectFault] makes
// actions fail, slow down or lose their answers.
package cvmtest

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/internal/clock"
	"github.com/qcloud-legacy/cvm/internal/emulator"
)

// Server is a running emulator. Its URL is the base of [Server.Config]'s
// endpoint.
type Server struct {
	*httptest.Server
	emu      *emulator.Server
	fake     *clock.Fake
	secretID string
	key      string
	token    string
	region   string
	offline  bool
}

// Option configures a Server.
type Option func(*settings)

type settings struct {
	opts      emulator.Options
	id, key   string
	token     string
	region    string
	start     *time.Time
	instances int
	images    []string
	groups    []string
	eips      int
	offline   bool
	auto      bool
}

// WithCredentials sets the key pair the server accepts. By default each
// Server makes up its own, so that clients of different servers do not
// share rate-limit buckets.
func WithCredentials(secretID, secretKey string) Option {
	return func(s *settings) { s.id, s.key = secretID, secretKey }
}

// WithToken makes the key pair temporary credentials that need this
// session token; Config then carries it.
func WithToken(token string) Option { return func(s *settings) { s.token = token } }

// WithQuotas sets the quotas: calls per window for the key, and for each
// action. The default is the API's: 1000 and 100 a minute.
func WithQuotas(global, perAction int, window time.Duration) Option {
	return func(s *settings) {
		s.opts.QuotaGlobal, s.opts.QuotaAction, s.opts.QuotaWindow = global, perAction, window
	}
}

// WithoutQuotas turns quotas off.
func WithoutQuotas() Option { return func(s *settings) { s.opts.QuotasOff = true } }

// WithClock runs the server on a fake clock that starts at start and moves
// only through [Server.Advance]. It drives transitional states and quota
// windows. Request Timestamps are still checked against the wall clock,
// which clients sign with.
func WithClock(start time.Time) Option { return func(s *settings) { s.start = &start } }

// WithAutoAdvance runs the server on a fake clock, as WithClock(start)
// does, that moves by itself: a describe call that would show a resource
// still moving, which an earlier describe already showed moving, first
// moves the clock to that transition's end. Each transitional state is seen
// once; a program waiting on a transition finishes with no one calling
// Advance.
func WithAutoAdvance(start time.Time) Option {
	return func(s *settings) { s.start, s.auto = &start, true }
}

// WithTransition sets how long transitional states last (default 2s; 0 or
// less means they end at once).
func WithTransition(d time.Duration) Option {
	if d <= 0 {
		d = -1
	}
	// An Option may be used for several servers at once: it changes only
	// the settings it is given.
	return func(s *settings) { s.opts.Transition = d }
}

// WithSeed makes generated ids and fault probabilities repeatable.
func WithSeed(seed uint64) Option { return func(s *settings) { s.opts.Seed = seed } }

// WithLogger logs one line per request.
func WithLogger(l *slog.Logger) Option { return func(s *settings) { s.opts.Logger = l } }

// WithRegion sets the region of Config and of the seeding options (default
// "gz").
func WithRegion(code string) Option { return func(s *settings) { s.region = code } }

// WithInstances seeds n running instances.
func WithInstances(n int) Option { return func(s *settings) { s.instances = n } }

// WithImages seeds custom images with these names.
func WithImages(names ...string) Option {
	return func(s *settings) { s.images = append(s.images, names...) }
}

// WithSecurityGroups seeds security groups with these names, without rules.
func WithSecurityGroups(names ...string) Option {
	return func(s *settings) { s.groups = append(s.groups, names...) }
}

// WithEIPs seeds n unbound EIPs.
func WithEIPs(n int) Option { return func(s *settings) { s.eips = n } }

// WithRole binds a CAM role to the instance the server's metadata service
// speaks for: GET /latest/meta-data/cam/security-credentials/ names it, and
// .../<name> hands out temporary keys that last ttl (new ones when a
// quarter of their life, at most 15 minutes, is left), which the API accepts
// with their Token until they expire, on the server's clock. Point
// [cvm.InstanceRoleOptions.Endpoint] or TENCENTCLOUD_METADATA_ENDPOINT at
// [Server.MetadataEndpoint]. The server also serves legacy STS AssumeRole.
func WithRole(name string, ttl time.Duration) Option {
	return func(s *settings) {
		if s.opts.Roles == nil {
			s.opts.Roles = map[string]time.Duration{}
		}
		s.opts.Roles[name] = ttl
	}
}

// WithUnpaidDeals leaves the orders of prepaid actions unpaid, and their
// instances being created, until [cvm.DealsService.Pay] pays them. By
// default orders are paid from the balance at once.
func WithUnpaidDeals() Option { return func(s *settings) { s.opts.UnpaidDeals = true } }

// WithoutNetwork makes a server that listens on no port: clients reach it
// through [Server.Transport], which [Server.Config] sets, in process. Tests
// can then run under testing/synctest, where fake time makes waits,
// backoff and transitions finish at once (see the package example).
func WithoutNetwork() Option { return func(s *settings) { s.offline = true } }

var serial atomic.Int64

// NewServer starts an emulator on a loopback port. Close it when done. It
// panics, as httptest.NewServer does, if it cannot listen or an option is
// invalid.
func NewServer(opts ...Option) *Server {
	st := settings{region: emulator.DefaultRegion}
	for _, o := range opts {
		o(&st)
	}
	if st.id == "" {
		n := serial.Add(1)
		st.id = "AKIDcvmtest" + time.Now().Format("150405") + "x" + strconv.FormatInt(n, 10)
		st.key = "cvmtest-secret-key-" + strconv.FormatInt(n, 10)
	}
	st.opts.Keys = map[string]string{st.id: st.key}
	if st.token != "" {
		st.opts.Tokens = map[string]string{st.id: st.token}
	}
	s := &Server{secretID: st.id, key: st.key, token: st.token, region: st.region}
	if st.start != nil {
		s.fake = clock.NewFake(*st.start)
		st.opts.Clock = s.fake
		if st.auto {
			st.opts.AutoAdvance = s.fake.Set
		}
	}
	s.emu = emulator.New(st.opts)
	if st.instances > 0 {
		if _, err := s.emu.SeedInstances(st.region, st.instances); err != nil {
			panic("cvmtest: " + err.Error())
		}
	}
	for _, name := range st.images {
		if _, err := s.emu.SeedImage(st.region, name, ""); err != nil {
			panic("cvmtest: " + err.Error())
		}
	}
	for _, name := range st.groups {
		if _, err := s.emu.SeedSecurityGroup(st.region, name); err != nil {
			panic("cvmtest: " + err.Error())
		}
	}
	if st.eips > 0 {
		if _, err := s.emu.SeedEIPs(st.region, st.eips); err != nil {
			panic("cvmtest: " + err.Error())
		}
	}
	if st.offline {
		s.offline = true
		s.Server = &httptest.Server{URL: "http://127.0.0.1"} // loopback, so clients accept plain http; nothing listens
		return s
	}
	s.Server = httptest.NewUnstartedServer(s.emu)
	// tccli --endpoint http://… puts the scheme in its Host header.
	s.Server.Listener = emulator.SchemeHostListener(s.Server.Listener)
	s.Server.Start()
	return s
}

// Close stops the server.
func (s *Server) Close() {
	if !s.offline {
		s.Server.Close()
	}
}

// SeedVPC adds a VPC of the block cidr (a /16 to /28 of 10.0.0.0/8,
// 172.16.0.0/12 or 192.168.0.0/16) and returns its id; every region also
// has its default VPC, 172.16.0.0/16, with a default subnet in each zone.
// It panics on an unknown region or a bad block.
func (s *Server) SeedVPC(region, name, cidr string) string {
	id, err := s.emu.SeedVPC(s.or(region), name, cidr)
	if err != nil {
		panic("cvmtest: " + err.Error())
	}
	return id
}

// SeedSubnet adds a subnet of a VPC in a zone and returns its id; an
// instance placed in it takes one of its addresses. It panics on an
// unknown region, VPC or zone, or a block outside the VPC's or overlapping
// another subnet.
func (s *Server) SeedSubnet(region, vpcID, name, cidr string, zoneID int) string {
	id, err := s.emu.SeedSubnet(s.or(region), vpcID, name, cidr, zoneID)
	if err != nil {
		panic("cvmtest: " + err.Error())
	}
	return id
}

// SeedNetworkInterface adds a secondary network interface in a VPC and
// zone, attached to nothing, and returns its id. It panics on an unknown
// region or zone.
func (s *Server) SeedNetworkInterface(region, vpcID string, zoneID int) string {
	id, err := s.emu.SeedNetworkInterface(s.or(region), vpcID, zoneID)
	if err != nil {
		panic("cvmtest: " + err.Error())
	}
	return id
}

// SeedProject adds a project, as AddProject would, and returns its id.
func (s *Server) SeedProject(name string) int { return s.emu.SeedProject(name) }

// MetadataEndpoint returns the base URL of the server's CVM metadata
// service, for [cvm.InstanceRoleOptions.Endpoint] or
// TENCENTCLOUD_METADATA_ENDPOINT.
func (s *Server) MetadataEndpoint() string { return s.URL }

// Transport returns an http.RoundTripper that hands requests to the
// emulator in process, with no network: like httptest.Server.Client, but
// usable under testing/synctest. An answer the emulator drops (a Drop
// fault) comes back as an error.
func (s *Server) Transport() http.RoundTripper { return inProcess{s.emu} }

type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(req *http.Request) (resp *http.Response, err error) {
	if req.Body != nil {
		b, rerr := io.ReadAll(req.Body)
		req.Body.Close()
		if rerr != nil {
			return nil, rerr
		}
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	if req.Host == "" {
		req.Host = req.URL.Host
	}
	req.RequestURI = req.URL.RequestURI()
	rec := httptest.NewRecorder()
	defer func() {
		if r := recover(); r != nil {
			// The emulator aborts the handler to drop the connection.
			resp, err = nil, fmt.Errorf("cvmtest: connection closed without an answer (%v)", r)
		}
	}()
	t.h.ServeHTTP(rec, req)
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	resp = rec.Result()
	resp.Request = req
	return resp, nil
}

// Endpoint returns the URL clients call: the server's URL and the API path.
func (s *Server) Endpoint() string { return s.URL + emulator.Path }

// API3Endpoint returns the endpoint to give Tencent's official API 3.0
// SDKs, which serve it at "/" over the same state as the legacy API:
// host:port, to be called over plain HTTP. For the Go SDK,
//
//	cpf := profile.NewClientProfile()
//	cpf.HttpProfile.Endpoint = srv.API3Endpoint()
//	cpf.HttpProfile.Scheme = "HTTP"
//
// and for the Node SDK, profile.httpProfile = {endpoint: …, protocol:
// "http://"}. It is empty for a server made [WithoutNetwork].
func (s *Server) API3Endpoint() string {
	if s.offline {
		return ""
	}
	return strings.TrimPrefix(s.URL, "http://")
}

// Credentials returns the key the server accepts (the emulator's own, never
// a real account's), for clients configured by hand, such as Tencent's
// official SDKs.
func (s *Server) Credentials() (secretID, secretKey, token string) {
	return s.secretID, s.key, s.token
}

// Config returns a client configuration for this server: its endpoint,
// credentials and region. The client's rate limiter stays on, with the
// default quotas.
func (s *Server) Config() cvm.Config {
	return cvm.Config{
		SecretID:   s.secretID,
		SecretKey:  cvm.NewSecret(s.key),
		Token:      cvm.NewSecret(s.token),
		Region:     s.region,
		Endpoint:   s.Endpoint(),
		HTTPClient: s.client(),
	}
}

// API3Config is [Server.Config] for a client that speaks API 3.0
// (Config.API cvm.API3) to the same server, over the same state.
func (s *Server) API3Config() cvm.Config {
	cfg := s.Config()
	cfg.API = cvm.API3
	cfg.Endpoint = s.URL
	return cfg
}

func (s *Server) client() *http.Client {
	if s.offline {
		return &http.Client{Transport: s.Transport()}
	}
	return s.Client()
}

// Advance moves the fake clock of a server made [WithClock]. It panics on a
// server on the wall clock.
func (s *Server) Advance(d time.Duration) {
	if s.fake == nil {
		panic("cvmtest: Advance needs a server made WithClock")
	}
	s.fake.Advance(d)
}

// Now returns the server's time.
func (s *Server) Now() time.Time {
	if s.fake != nil {
		return s.fake.Now()
	}
	return time.Now()
}

// Fault is an injected failure; see [Server.InjectFault].
type Fault struct {
	// Code, when not 0, is answered as an error code, before acting.
	Code int
	// Message goes with Code.
	Message string
	// HTTPStatus, when not 0, is answered with Body, before acting, as a
	// proxy in front of the API would: an HTML 502 page, say.
	HTTPStatus int
	Body       string
	// Delay holds the answer back (the server's time, so that clients'
	// deadlines are exercised).
	Delay time.Duration
	// Drop closes the connection without an answer after the server has
	// acted: the lost-answer case.
	Drop bool
	// Times is how many calls it applies to; 0 means every call.
	Times int
	// Probability, when in (0, 1), applies it to that share of calls, drawn
	// from the seed.
	Probability float64
	// IDs, when set, aim the fault at resources: it matches only calls
	// with a parameter (instanceId, instanceIds.n, eipId, sgId, ... in the
	// action's own spelling) whose value is one of them.
	IDs []string
}

// InjectFault makes calls of action ("*" for all) fail as f says: an error
// code, an HTTP status with a body, a delay, or a dropped answer after the
// server acted; for the next f.Times calls (0: all) or with probability
// f.Probability. action names an operation by either contract's action
// name ("RestartInstances" or "RebootInstances", "EipBindInstance" or
// "AssociateAddress"), and the fault fires whichever contract the call
// comes through.
func (s *Server) InjectFault(action string, f Fault) { s.emu.InjectFault(action, emulator.Fault(f)) }

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() { s.emu.ClearFaults() }

// Seeded are the ids a [Server.Seed] made in one region, in the order the
// seed gave the resources.
type Seeded struct {
	Instances, EIPs, Images, SecurityGroups, KeyPairs []string
	Projects                                          []int
	VPCs, Subnets, Disks                              []string
}

// Seed adds resources from the JSON that cvm-emulator's -seed-file and
// POST /_emulator/seed take, by count or one by one with their attributes:
//
//	{"regions":{"gz":{"instances":[{"name":"web-1","status":"stopped","cpu":2,"memoryGB":4}],
//	 "eips":[{"name":"pub-1","instance":"web-1"}],
//	 "securityGroups":[{"name":"web","rules":{"ingress":[{"ipProtocol":"tcp","portRange":"80","cidrIp":"0.0.0.0/0","action":"ACCEPT"}]}}],
//	 "keyPairs":[{"name":"deploy","instances":["web-1"]}],
//	 "vpcs":[{"name":"main","cidr":"10.0.0.0/16","subnets":[{"name":"web","cidr":"10.0.1.0/24","zoneId":100003}]}]}}}
//
// VPCs come first: an instance naming a subnet ("subnet":"web") is placed
// in it.
//
// and returns the ids it made, by region.
func (s *Server) Seed(seedJSON string) (map[string]Seeded, error) {
	sd, err := emulator.ParseSeed([]byte(seedJSON))
	if err != nil {
		return nil, err
	}
	res, err := s.emu.ApplySeed(sd)
	out := map[string]Seeded{}
	for region, ids := range res.Regions {
		out[region] = Seeded{Instances: ids.Instances, EIPs: ids.EIPs, Images: ids.Images,
			SecurityGroups: ids.SecurityGroups, KeyPairs: ids.KeyPairs, Projects: ids.Projects, VPCs: ids.VPCs, Subnets: ids.Subnets,
			Disks: ids.Disks}
	}
	return out, err
}

// Request is one call in the emulator's request log.
type Request struct {
	Time      time.Time
	Method    string
	Path      string
	Action    string
	Module    string
	Region    string
	Code      int // the envelope's code; 0 for success
	Status    int // the HTTP status; 0 when no answer was given
	RequestID string
	// Contract is the contract the call came through: "legacy" or "api3".
	Contract string
	// LegacyActions and API3Actions name the call's operation under each
	// contract: a legacy RestartInstances has API3Actions
	// ["RebootInstances"]; an API 3.0 AssociateAddress has LegacyActions
	// ["EipBindInstance"].
	LegacyActions, API3Actions []string
	// Params are the call's parameters (each cut to 64 characters, at most
	// 64 of them), never a Signature, Token, password, secret or private
	// key.
	Params map[string]string
}

// Requests returns the last 1,000 calls the emulator got, oldest first,
// those of action only when action is not "": an operation named by either
// contract's action name, so that "RestartInstances" keeps API 3.0
// RebootInstances calls too. A test asserts on them: "StopInstances was
// called for ins-2 exactly once".
func (s *Server) Requests(action string) []Request {
	var out []Request
	for _, r := range s.emu.Requests(emulator.RequestFilter{Action: action}) {
		out = append(out, Request{Time: r.Time, Method: r.Method, Path: r.Path, Action: r.Action, Module: r.Module,
			Region: r.Region, Code: r.Code, Status: r.Status, RequestID: r.RequestID, Contract: r.Contract,
			LegacyActions: r.LegacyActions, API3Actions: r.API3Actions, Params: r.Params})
	}
	return out
}

// ClearRequests empties the request log.
func (s *Server) ClearRequests() { s.emu.ClearRequests() }

// Instance is a snapshot of an emulated instance.
type Instance struct {
	// ID is the unified id (ins-...), LegacyID the qcvm... one.
	ID, LegacyID string
	Name         string
	ImageID      string
	// Zone is the zone's name, ZoneID its id.
	Zone  string
	LanIP string
	// ZoneID, CPU (cores), Mem (GB) and Bandwidth (Mbps).
	ZoneID, CPU, Mem, Bandwidth int
	// Status is the API's status code (2 running, 4 stopped, ...).
	Status    int
	ProjectID int
	// Prepaid is true for monthly instances.
	Prepaid bool
	// WanIPs are its public addresses; SecurityGroupIDs its groups, in
	// order.
	WanIPs, SecurityGroupIDs []string
	Created                  time.Time
}

// Image is a snapshot of an emulated image.
type Image struct {
	ID, Name, Description string
	// Type is 1 custom, 2 public, 3 marketplace, 4 shared; Status the API's
	// status code (2 normal, ...).
	Type, Status int
	// SharedWith lists the accounts it is shared with.
	SharedWith []string
}

// convert copies the emulator's snapshots into cvmtest's types, whose
// fields are the same.
func convert[T, F any](in []F, f func(F) T) []T {
	out := make([]T, len(in))
	for i, x := range in {
		out[i] = f(x)
	}
	return out
}

// Instances returns the instances of a region ("" for the server's
// region), in creation order.
func (s *Server) Instances(region string) []Instance {
	out, err := s.emu.Instances(s.or(region))
	if err != nil {
		panic("cvmtest: " + err.Error())
	}
	return convert(out, func(x emulator.InstanceInfo) Instance { return Instance(x) })
}

// Images returns the images of a region of an image type (0 for all; 1
// custom, 2 public, 4 shared).
func (s *Server) Images(region string, imageType int) []Image {
	out, err := s.emu.Images(s.or(region), imageType)
	if err != nil {
		panic("cvmtest: " + err.Error())
	}
	return convert(out, func(x emulator.ImageInfo) Image { return Image(x) })
}

// SeedInstances creates n running instances in a region and returns their
// ids.
func (s *Server) SeedInstances(region string, n int) []string {
	ids, err := s.emu.SeedInstances(s.or(region), n)
	if err != nil {
		panic("cvmtest: " + err.Error())
	}
	return ids
}

func (s *Server) or(region string) string {
	if region == "" {
		return s.region
	}
	return region
}

// SecurityGroup is a snapshot of an emulated security group.
type SecurityGroup struct {
	ID, Name, Remark string
	ProjectID        int
	// Default is true for the project's default group.
	Default bool
	// Version is the rules' optimistic-lock version.
	Version int
	// Ingress and Egress count the rules.
	Ingress, Egress int
	// InstanceIDs are the instances in the group.
	InstanceIDs []string
}

// EIP is a snapshot of an emulated elastic IP.
type EIP struct {
	ID, Name, IP string
	// InstanceID is the instance it is bound to, if any.
	InstanceID string
	// Status is the API's status code (2 bound, 4 unbound, ...).
	Status int
}

// SecurityGroups returns the security groups of a region, in creation order.
func (s *Server) SecurityGroups(region string) []SecurityGroup {
	out, err := s.emu.SecurityGroups(s.or(region))
	if err != nil {
		panic("cvmtest: " + err.Error())
	}
	return convert(out, func(x emulator.SecurityGroupInfo) SecurityGroup { return SecurityGroup(x) })
}

// EIPs returns the EIPs of a region, in creation order.
func (s *Server) EIPs(region string) []EIP {
	out, err := s.emu.EIPs(s.or(region))
	if err != nil {
		panic("cvmtest: " + err.Error())
	}
	return convert(out, func(x emulator.EIPInfo) EIP { return EIP(x) })
}
