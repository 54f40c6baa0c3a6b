package local

import (
	"log/slog"
	"sync"
	"time"
)

// persistDelay bounds how stale the state file may be after a change. A
// burst of changes (a sign-in storm) costs one write per delay, not one per
// change.
const persistDelay = 250 * time.Millisecond

// persister writes the state file after changes. changed is safe to call
// from inside a service's critical section: it only arms a timer, and the
// snapshot is taken later on the timer's goroutine.
type persister struct {
	save   func() error
	delay  time.Duration
	logger *slog.Logger

	mu      sync.Mutex
	timer   *time.Timer
	dirty   bool
	closed  bool
	writeMu sync.Mutex // one write at a time, in order
}

func newPersister(save func() error, delay time.Duration, logger *slog.Logger) *persister {
	return &persister{save: save, delay: delay, logger: logger}
}

// changed records a change and schedules a write within delay. Further
// changes before that write ride along with it (a throttle, not a trailing
// debounce, so a steady stream of changes cannot postpone the write forever).
func (p *persister) changed() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dirty = true
	if p.closed || p.timer != nil {
		return
	}
	p.timer = time.AfterFunc(p.delay, func() {
		if err := p.flush(); err != nil {
			p.logger.Error("saving state failed", "err", err)
		}
	})
}

// changedSync records a change and writes it before returning (the
// --state-sync mode): when it returns, the change is on disk, or the
// failure is logged and retried at the next change and at close.
func (p *persister) changedSync() {
	p.mu.Lock()
	p.dirty = true
	p.mu.Unlock()
	if err := p.flush(); err != nil {
		p.logger.Error("saving state failed", "err", err)
	}
}

// flush writes now if anything changed since the last write.
func (p *persister) flush() error {
	p.writeMu.Lock()
	defer p.writeMu.Unlock()
	p.mu.Lock()
	dirty := p.dirty
	p.dirty = false
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	p.mu.Unlock()
	if !dirty {
		return nil
	}
	if err := p.save(); err != nil {
		p.mu.Lock()
		p.dirty = true // try again at close
		p.mu.Unlock()
		return err
	}
	return nil
}

// close stops scheduling and writes what is pending. Changes after close
// are still recorded but only a later flush writes them.
func (p *persister) close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	return p.flush()
}
