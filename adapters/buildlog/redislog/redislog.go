package redislog

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/mastra-admin/mastra-admin/commands"
)

// Config configures a Cache.
type Config struct {
	Client redis.UniversalClient
	// Prefix starts every key (tests use one each; default "mastra-admin:").
	Prefix string
	// RunningTTL keeps a log that is still written (0: 24 h): a log whose
	// writer died is dropped that long after its last line.
	RunningTTL time.Duration
	// MaxBlock bounds one blocking XREAD, so that a reader whose context
	// ends stops within it (0: 500 ms).
	MaxBlock time.Duration
}

func (c *Config) setDefaults() {
	if c.Prefix == "" {
		c.Prefix = "mastra-admin:"
	}
	if c.RunningTTL == 0 {
		c.RunningTTL = 24 * time.Hour
	}
	if c.MaxBlock == 0 {
		c.MaxBlock = 500 * time.Millisecond
	}
}

// Validate reports what is missing or wrong.
func (c Config) Validate() error {
	var errs []error
	if c.Client == nil {
		errs = append(errs, errors.New("redislog: the Redis client is nil"))
	}
	if c.RunningTTL < time.Millisecond {
		errs = append(errs, fmt.Errorf("redislog: running TTL %s is under a millisecond", c.RunningTTL))
	}
	if c.MaxBlock < time.Millisecond {
		errs = append(errs, fmt.Errorf("redislog: max block %s is under a millisecond", c.MaxBlock))
	}
	return errors.Join(errs...)
}

// Cache implements commands.BuildLogCache over Redis streams.
type Cache struct{ cfg Config }

var _ commands.BuildLogCache = (*Cache)(nil)

// New returns a cache over cfg.Client.
func New(cfg Config) (*Cache, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Cache{cfg: cfg}, nil
}

// Open connects to the Redis at url (redis://host:6379/0), checks that it
// answers, and returns a cache over it with prefix; closing the client
// it returns ends the cache.
func Open(ctx context.Context, url, prefix string) (*Cache, *redis.Client, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, nil, fmt.Errorf("redis url: %w", err)
	}
	client := redis.NewClient(opts)
	if err := client.Ping(ctx).Err(); err != nil {
		_ = client.Close()
		return nil, nil, fmt.Errorf("reach redis at %s: %w", opts.Addr, err)
	}
	c, err := New(Config{Client: client, Prefix: prefix})
	if err != nil {
		_ = client.Close()
		return nil, nil, err
	}
	return c, client, nil
}

func (c *Cache) key(id uuid.UUID) string { return c.cfg.Prefix + "build-log:" + id.String() }

// topLines is the Lua that finds how many lines a log has (the sequence
// number of its last entry) and whether its last entry is the end.
const topLines = `
local have = 0
local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #top > 0 then
  if top[1][2][1] == 'end' then
    local id = top[1][1]
    return {tonumber(string.sub(id, string.find(id, '-', 1, true) + 1)) - 1, 1}
  end
  local id = top[1][1]
  have = tonumber(string.sub(id, string.find(id, '-', 1, true) + 1))
end
return {have, 0}
`

// appendScript adds ARGV[3..] as lines ARGV[1]… and sets the TTL ARGV[2]
// (ms), in one step.
var appendScript = redis.NewScript(`
local function top()` + topLines + `end
local t = top()
local have = t[1]
if t[2] == 1 then return redis.error_reply('COMPLETE') end
local first = tonumber(ARGV[1])
if first > have then return redis.error_reply('GAP ' .. have) end
local added = 0
for i = 3, #ARGV do
  local n = first + i - 3
  if n >= have then
    redis.call('XADD', KEYS[1], '0-' .. (n + 1), 'l', ARGV[i])
    added = added + 1
  end
end
if added > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return added
`)

// completeScript adds the end entry unless there is one, and sets the
// TTL ARGV[1] (ms).
var completeScript = redis.NewScript(`
local function top()` + topLines + `end
local t = top()
if t[2] == 0 then redis.call('XADD', KEYS[1], '0-' .. (t[1] + 1), 'end', '1') end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return t[1]
`)

// Append implements commands.BuildLogCache.
func (c *Cache) Append(ctx context.Context, id uuid.UUID, first int, lines []string) error {
	if first < 0 {
		return fmt.Errorf("build log %s: first line %d is negative", id, first)
	}
	if len(lines) == 0 {
		return ctx.Err()
	}
	args := make([]any, 0, len(lines)+2)
	args = append(args, first, c.cfg.RunningTTL.Milliseconds())
	for _, l := range lines {
		args = append(args, l)
	}
	err := appendScript.Run(ctx, c.cfg.Client, []string{c.key(id)}, args...).Err()
	reply := ""
	if err != nil {
		reply = strings.TrimPrefix(err.Error(), "ERR ") // Redis may prefix a script's error
	}
	switch {
	case err == nil:
		return nil
	case reply == "COMPLETE":
		return fmt.Errorf("append to %s: %w", id, commands.ErrLogComplete)
	case strings.HasPrefix(reply, "GAP "):
		return fmt.Errorf("append line %d to %s of %s lines: %w", first, id, strings.TrimPrefix(reply, "GAP "), commands.ErrLogGap)
	default:
		return fmt.Errorf("append to build log %s: %w", id, err)
	}
}

// Complete implements commands.BuildLogCache.
func (c *Cache) Complete(ctx context.Context, id uuid.UUID, ttl time.Duration) error {
	if ttl < time.Millisecond {
		ttl = time.Millisecond
	}
	if err := completeScript.Run(ctx, c.cfg.Client, []string{c.key(id)}, ttl.Milliseconds()).Err(); err != nil {
		return fmt.Errorf("complete build log %s: %w", id, err)
	}
	return nil
}

// Read implements commands.BuildLogCache: XREAD after entry 0-from,
// blocking at most MaxBlock at a time until wait has passed.
func (c *Cache) Read(ctx context.Context, id uuid.UUID, from int, wait time.Duration) (commands.LogChunk, error) {
	if from < 0 {
		return commands.LogChunk{}, fmt.Errorf("build log %s: line %d is negative", id, from)
	}
	deadline := time.Now().Add(wait)
	for {
		if err := ctx.Err(); err != nil {
			return commands.LogChunk{}, err
		}
		block := time.Duration(-1) // no BLOCK
		if left := time.Until(deadline); wait > 0 && left >= time.Millisecond {
			block = min(left, c.cfg.MaxBlock)
		}
		res, err := c.cfg.Client.XRead(ctx, &redis.XReadArgs{
			Streams: []string{c.key(id), "0-" + strconv.Itoa(from)},
			Count:   commands.MaxLogChunk,
			Block:   block,
		}).Result()
		if errors.Is(err, redis.Nil) {
			if block < 0 {
				return commands.LogChunk{}, nil
			}
			continue
		}
		if err != nil {
			return commands.LogChunk{}, fmt.Errorf("read build log %s: %w", id, err)
		}
		var chunk commands.LogChunk
		for _, s := range res {
			for _, m := range s.Messages {
				if _, ok := m.Values["end"]; ok {
					chunk.Complete = true
					break
				}
				line, _ := m.Values["l"].(string)
				chunk.Lines = append(chunk.Lines, line)
			}
		}
		if len(chunk.Lines) > 0 || chunk.Complete || block < 0 {
			return chunk, nil
		}
	}
}
