package redisquota

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/qcloud-legacy/cvm"
	"github.com/redis/go-redis/v9"
)

// API3Limiter shares API 3.0's quotas across a fleet: each action under
// its own per-second limit (cvm.API3PerSecond: 40 for DescribeInstances, 10
// for RunInstances and the lifecycle actions, 20 for the rest), per
// account, with the guarantees of [Limiter]. Set it as cfg.Limiter of the
// clients with cfg.API = cvm.API3.
type API3Limiter struct {
	rdb     redis.UniversalClient
	account string
	opts    []Option
	mu      sync.Mutex
	byLimit map[int]*Limiter // one Limiter per limit, made when first needed
}

// NewAPI3 returns an API3Limiter for account on rdb; the options are those
// of [New].
func NewAPI3(rdb redis.UniversalClient, account string, opts ...Option) (*API3Limiter, error) {
	l := &API3Limiter{rdb: rdb, account: account, opts: opts, byLimit: map[int]*Limiter{}}
	// The arguments are checked now, with the common limit.
	if _, err := l.limiter(cvm.API3PerSecond("")); err != nil {
		return nil, err
	}
	return l, nil
}

// NewAPI3ForConfig is NewAPI3 for the account of cfg (see
// [cvm.QuotaAccount]).
func NewAPI3ForConfig(ctx context.Context, rdb redis.UniversalClient, cfg cvm.Config, opts ...Option) (*API3Limiter, error) {
	account, err := cvm.QuotaAccount(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return NewAPI3(rdb, account, opts...)
}

// limiter returns the Limiter of the actions limited to n a second: n per
// action in a one-second window, with no account-wide quota (API 3.0
// counts per action).
func (l *API3Limiter) limiter(n int) (*Limiter, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if lim, ok := l.byLimit[n]; ok {
		return lim, nil
	}
	lim, err := New(l.rdb, l.account+"\x00api3\x00"+itoa(n),
		cvm.RateLimit{Global: math.MaxInt32, PerAction: n, Window: time.Second}, l.opts...)
	if err != nil {
		return nil, err
	}
	l.byLimit[n] = lim
	return lim, nil
}

// Wait blocks until a call of the API 3.0 action may be sent, or returns at
// once when the wait would outlast ctx's deadline.
func (l *API3Limiter) Wait(ctx context.Context, action string) error {
	lim, err := l.limiter(cvm.API3PerSecond(action))
	if err != nil {
		return err
	}
	return lim.Wait(ctx, action)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for ; n > 0; n /= 10 {
		i--
		b[i] = byte('0' + n%10)
	}
	return string(b[i:])
}
