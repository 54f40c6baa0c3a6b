package local

import (
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestPersisterThrottlesBursts(t *testing.T) {
	t.Parallel()
	var saves atomic.Int32
	wrote := make(chan struct{}, 10)
	p := newPersister(func() error {
		saves.Add(1)
		wrote <- struct{}{}
		return nil
	}, 20*time.Millisecond, slog.New(slog.DiscardHandler))

	var wg sync.WaitGroup
	for range 100 {
		wg.Go(p.changed)
	}
	wg.Wait()
	select {
	case <-wrote:
	case <-time.After(5 * time.Second):
		t.Fatal("no write after a burst of changes")
	}
	time.Sleep(60 * time.Millisecond)
	if n := saves.Load(); n != 1 {
		t.Errorf("a burst of 100 changes caused %d writes, want 1", n)
	}
	// Nothing pending: close writes nothing more.
	if err := p.close(); err != nil {
		t.Fatal(err)
	}
	if n := saves.Load(); n != 1 {
		t.Errorf("close with nothing pending wrote; %d writes", n)
	}
}

func TestPersisterWritesPendingAtClose(t *testing.T) {
	t.Parallel()
	var saves atomic.Int32
	p := newPersister(func() error { saves.Add(1); return nil }, time.Hour, slog.New(slog.DiscardHandler))
	p.changed()
	if err := p.close(); err != nil {
		t.Fatal(err)
	}
	if n := saves.Load(); n != 1 {
		t.Fatalf("close wrote %d times, want 1", n)
	}
	p.changed() // after close: recorded, not scheduled
	time.Sleep(10 * time.Millisecond)
	if n := saves.Load(); n != 1 {
		t.Fatalf("a change after close was written by a timer")
	}
}

func TestPersisterRetriesFailedWriteAtClose(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	p := newPersister(func() error {
		if calls.Add(1) == 1 {
			return errors.New("disk full")
		}
		return nil
	}, time.Hour, slog.New(slog.DiscardHandler))
	p.changed()
	if err := p.flush(); err == nil {
		t.Fatal("first flush: want the save error")
	}
	if err := p.close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if n := calls.Load(); n != 2 {
		t.Fatalf("save called %d times, want 2 (the failed one retried at close)", n)
	}
}
