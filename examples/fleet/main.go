// Command fleet runs N worker processes that call the API together, sharing
// one account's quota through Redis with package redisquota, and prints the
// calls per second the fleet makes and the 4400 answers it gets.
//
// With no credentials it runs on an emulator it starts in-process, with the
// quota compressed to 60 calls per 2 seconds (30 per action) so that the
// effect shows in seconds. Compare:
//
//	go run . -redis 127.0.0.1:6379   # one quota for the fleet: no 4400
//	go run . -redis ''               # each worker its own limiter: 4400s
//
// It is a module of its own, like redisquota, so that the SDK's examples do
// not depend on a Redis client.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"sort"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/qcloud-legacy/cvm/redisquota"
)

// job is what the parent tells each worker.
type job struct {
	SecretID, Region, Endpoint string
	Account                    string // what the fleet's Redis keys are named after
	RateLimit                  cvm.RateLimit
	Redis                      string
	For                        time.Duration
}

// tick is what a worker reports each second.
type tick struct {
	Second, OK, Quota, Other int
}

const workerEnv = "FLEET_WORKER_JOB"

func main() {
	log.SetFlags(0)
	if spec := os.Getenv(workerEnv); spec != "" {
		if err := work(spec); err != nil {
			log.Fatal(err)
		}
		return
	}
	workers := flag.Int("workers", 3, "worker processes")
	redisAddr := flag.String("redis", "127.0.0.1:6379", "Redis address; empty gives each worker its own limiter")
	runFor := flag.Duration("for", 8*time.Second, "how long the fleet runs")
	flag.Parse()

	cfg, err := cvm.ConfigFromEnv()
	rl := cvm.RateLimit{}
	switch {
	case errors.Is(err, cvm.ErrNoCredentials):
		const global, perAction, window = 60, 30, 2 * time.Second
		srv := cvmtest.NewServer(cvmtest.WithQuotas(global, perAction, window))
		defer srv.Close()
		cfg = srv.Config()
		rl = cvm.RateLimit{Global: global, PerAction: perAction, Window: window, Margin: 150 * time.Millisecond}
		fmt.Printf("No credentials: an emulator at %s allows %d calls per %v (%d per action).\n",
			cfg.Endpoint, global, window, perAction)
	case err != nil:
		log.Fatal(err)
	}
	// The name the fleet's quota is kept under in Redis: the SecretID, or
	// the account the credentials provider names.
	account, err := cvm.QuotaAccount(context.Background(), cfg)
	if err != nil {
		log.Fatal(err)
	}
	if *redisAddr != "" {
		rdb := redis.NewClient(&redis.Options{Addr: *redisAddr})
		if err := rdb.Ping(context.Background()).Err(); err != nil {
			log.Fatalf("Redis at %s: %v\n(start one with: redis-server --port 6379, or run with -redis '')", *redisAddr, err)
		}
		rdb.Close()
		fmt.Printf("%d workers share the quota through Redis at %s.\n", *workers, *redisAddr)
	} else {
		fmt.Printf("%d workers, each with its own limiter.\n", *workers)
	}
	spec, _ := json.Marshal(job{SecretID: cfg.SecretID, Account: account, Region: cfg.Region, Endpoint: cfg.Endpoint,
		RateLimit: rl, Redis: *redisAddr, For: *runFor})
	self, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	perSecond := map[int]*tick{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range *workers {
		cmd := exec.Command(self)
		// The secret key goes by the environment, never on a command line.
		cmd.Env = append(os.Environ(), workerEnv+"="+string(spec), "FLEET_SECRET_KEY="+cfg.SecretKey.Reveal())
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			log.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			log.Fatal(err)
		}
		wg.Go(func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				var tk tick
				if json.Unmarshal(sc.Bytes(), &tk) != nil {
					continue
				}
				mu.Lock()
				sum := perSecond[tk.Second]
				if sum == nil {
					sum = &tick{Second: tk.Second}
					perSecond[tk.Second] = sum
				}
				sum.OK += tk.OK
				sum.Quota += tk.Quota
				sum.Other += tk.Other
				mu.Unlock()
			}
			if err := cmd.Wait(); err != nil {
				log.Printf("worker: %v", err)
			}
		})
	}
	wg.Wait()
	var seconds []int
	for s := range perSecond {
		seconds = append(seconds, s)
	}
	sort.Ints(seconds)
	var total tick
	for _, s := range seconds {
		tk := perSecond[s]
		fmt.Printf("second %2d: %4d calls/s, %4d answered 4400\n", s, tk.OK, tk.Quota)
		total.OK += tk.OK
		total.Quota += tk.Quota
		total.Other += tk.Other
	}
	fmt.Printf("total: %d calls, %d answered 4400, %d other errors\n", total.OK, total.Quota, total.Other)
}

// work is one worker process: 4 actions, 3 goroutines each, as fast as the
// limiter allows, reporting every second.
func work(spec string) error {
	var j job
	if err := json.Unmarshal([]byte(spec), &j); err != nil {
		return err
	}
	cfg := cvm.Config{SecretID: j.SecretID, SecretKey: cvm.NewSecret(os.Getenv("FLEET_SECRET_KEY")), Region: j.Region,
		Endpoint: j.Endpoint, RateLimit: j.RateLimit, MaxAttempts: 1}
	if j.SecretID == "" {
		// The real API: each worker finds the credentials the parent found.
		env, err := cvm.ConfigFromEnv()
		if err != nil {
			return err
		}
		cfg.SecretKey, cfg.Credentials = cvm.Secret{}, env.Credentials
		if cfg.Region == "" {
			cfg.Region = env.Region
		}
	}
	if j.Redis != "" {
		rdb := redis.NewClient(&redis.Options{Addr: j.Redis})
		defer rdb.Close()
		l, err := redisquota.New(rdb, j.Account, j.RateLimit)
		if err != nil {
			return err
		}
		cfg.Limiter = l
	}
	c, err := cvm.NewClient(cfg)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), j.For)
	defer cancel()
	start := time.Now()
	var mu sync.Mutex
	cur := tick{}
	flush := func(sec int) {
		if sec != cur.Second {
			_ = json.NewEncoder(os.Stdout).Encode(cur)
			cur = tick{Second: sec}
		}
	}
	var wg sync.WaitGroup
	for _, action := range []string{"DescribeAvailabilityZones", "DescribeProductRegionList", "DescribeEipQuota", "DescribeInstances"} {
		for range 3 {
			wg.Go(func() {
				for {
					err := c.Do(ctx, "", action, nil, nil)
					if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
						return
					}
					mu.Lock()
					flush(int(time.Since(start) / time.Second))
					switch {
					case err == nil:
						cur.OK++
					case errors.Is(err, cvm.ErrQuotaExceeded):
						cur.Quota++
					default:
						cur.Other++
					}
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	mu.Lock()
	flush(-1)
	mu.Unlock()
	return nil
}
