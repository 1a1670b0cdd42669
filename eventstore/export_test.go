package eventstore

// SetBeforeCommit installs a hook run after a batch's handlers and before
// its checkpoint is saved and committed.
func (s *Subscriber) SetBeforeCommit(hook func(consumer string)) { s.beforeCommit = hook }
