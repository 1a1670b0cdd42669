package eventstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// groupSeparator joins the consumer names of a group topic.
const groupSeparator = "+"

// GroupTopic is the topic of a consumer group: the named consumers are
// served together, one transaction per batch for all of them, each with
// its own checkpoint, lock and park. Read models use it so that N
// projections cost one read and one commit per batch instead of N.
//
// A member that fails is parked alone; the others go on. A member whose
// lock another process holds (a replay of that projection) is left out of
// the batch until it is free again.
func GroupTopic(consumers ...string) string { return strings.Join(consumers, groupSeparator) }

// members returns the consumer names of a topic (one, unless it is a
// group topic) or what is wrong with them.
func members(topic string) ([]string, error) {
	names := strings.Split(topic, groupSeparator)
	for i, n := range names {
		if n == "" {
			return nil, fmt.Errorf("subscriber: empty consumer name in topic %q", topic)
		}
		if slices.Contains(names[:i], n) {
			return nil, fmt.Errorf("subscriber: consumer %q twice in topic %q", n, topic)
		}
	}
	return names, nil
}

// ConsumerError attributes a handler's failure to one consumer of a
// group, so that only that consumer parks.
type ConsumerError struct {
	Consumer string
	Err      error
}

func (e *ConsumerError) Error() string { return e.Consumer + ": " + e.Err.Error() }
func (e *ConsumerError) Unwrap() error { return e.Err }

// failedConsumer names the consumer a handler error is attributed to, if
// any.
func failedConsumer(err error) (string, bool) {
	var ce *ConsumerError
	if errors.As(err, &ce) {
		return ce.Consumer, true
	}
	return "", false
}

// Targets lists the consumers of a group that have yet to apply a
// delivered event: those whose checkpoint is before it. A handler marks
// each one Done once applied, so that a retry of the message skips it.
type Targets struct {
	names []string
	done  []bool
}

// Pending reports whether consumer has yet to apply the event.
func (t *Targets) Pending(consumer string) bool {
	i := slices.Index(t.names, consumer)
	return i >= 0 && !t.done[i]
}

// Done records that consumer applied the event.
func (t *Targets) Done(consumer string) {
	if i := slices.Index(t.names, consumer); i >= 0 {
		t.done[i] = true
	}
}

// Names lists every target, applied or not.
func (t *Targets) Names() []string { return slices.Clone(t.names) }

// TargetsFromContext returns the targets of a delivered event.
func TargetsFromContext(ctx context.Context) (*Targets, bool) {
	d, ok := ctx.Value(deliveryKey{}).(delivery)
	return d.targets, ok && d.targets != nil
}
