package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/redis/go-redis/v9"
)

// keyPrefix keeps mfaportal's keys apart from anything else on the server.
const keyPrefix = "mfaportal:"

// Redis is a Store on a Redis server, shared by every replica that points
// at it. A Redis that is down or unreachable makes each call fail within
// about a second rather than hang a request: callers fail closed.
type Redis struct {
	client *redis.Client
}

// NewRedis connects lazily to the server at url (redis://[user:password@]host:port/db,
// or rediss:// for TLS). Timeouts given in the URL's query win over the
// short ones set here.
func NewRedis(rawURL string) (*Redis, error) {
	opt, err := redis.ParseURL(rawURL)
	if err != nil {
		// url.Error repeats the whole URL, password included: keep its reason only.
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("store: %w", err)
	}
	orDefault(&opt.DialTimeout, 500*time.Millisecond)
	orDefault(&opt.ReadTimeout, 500*time.Millisecond)
	orDefault(&opt.WriteTimeout, 500*time.Millisecond)
	orDefault(&opt.PoolTimeout, 500*time.Millisecond)
	if opt.PoolSize == 0 {
		opt.PoolSize = 8
	}
	if opt.MaxRetries == 0 {
		// No retries: a retried INCR or GETDEL whose reply was lost would
		// count twice or lose the record, and the pool already drops
		// connections that died while idle.
		opt.MaxRetries = -1
	}
	opt.DialerRetries = 1
	opt.ContextTimeoutEnabled = true // a caller's deadline (health checks) holds
	return &Redis{client: redis.NewClient(opt)}, nil
}

func orDefault(d *time.Duration, v time.Duration) {
	if *d == 0 {
		*d = v
	}
}

// Addr is the server's host:port, for logs (the URL may hold a password).
func (r *Redis) Addr() string { return r.client.Options().Addr }

// incr counts and starts the window in one step, so a counter can never be
// left without an expiry (it would then never reset). A key that somehow
// has none gets one here.
var incr = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
	redis.call('PEXPIRE', KEYS[1], ARGV[1])
	ttl = tonumber(ARGV[1])
end
return {n, ttl}
`)

func (r *Redis) Incr(ctx context.Context, key string, window time.Duration) (int64, time.Duration, error) {
	if window < time.Millisecond {
		return 0, 0, fmt.Errorf("store: Incr %q: window %v is shorter than a millisecond", key, window)
	}
	res, err := incr.Run(ctx, r.client, []string{keyPrefix + key}, window.Milliseconds()).Int64Slice()
	if err != nil {
		return 0, 0, redisError("Incr", err)
	}
	if len(res) != 2 {
		return 0, 0, fmt.Errorf("store: Incr %q: unexpected reply %v", key, res)
	}
	return res[0], time.Duration(res[1]) * time.Millisecond, nil
}

func (r *Redis) Put(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	// go-redis reads a zero expiration as "keep forever".
	if ttl < time.Millisecond {
		return fmt.Errorf("store: Put %q: ttl %v is shorter than a millisecond", key, ttl)
	}
	return redisError("Put", r.client.Set(ctx, keyPrefix+key, value, ttl).Err())
}

func (r *Redis) Get(ctx context.Context, key string) ([]byte, error) {
	v, err := r.client.Get(ctx, keyPrefix+key).Bytes()
	return v, redisError("Get", err)
}

func (r *Redis) Take(ctx context.Context, key string) ([]byte, error) {
	v, err := r.client.GetDel(ctx, keyPrefix+key).Bytes()
	return v, redisError("Take", err)
}

func (r *Redis) Ping(ctx context.Context) error {
	return redisError("Ping", r.client.Ping(ctx).Err())
}

// Close releases the connections.
func (r *Redis) Close() error { return r.client.Close() }

// redisError turns Redis's "no such key" into ErrNotFound and names the
// operation in any other error.
func redisError(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, redis.Nil):
		return ErrNotFound
	default:
		return fmt.Errorf("store: Redis %s: %w", op, err)
	}
}
