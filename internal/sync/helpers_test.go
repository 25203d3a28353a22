package sync_test

import (
	"testing"
	"time"
)

// result is what a background call reports back to the test.
type result[T any] struct {
	val T
	err error
}

// async runs f in a goroutine and returns a channel with its result.
func async[T any](f func() (T, error)) <-chan result[T] {
	ch := make(chan result[T], 1)
	go func() {
		v, err := f()
		ch <- result[T]{v, err}
	}()
	return ch
}

// asyncErr is async for functions that only return an error.
func asyncErr(f func() error) <-chan result[struct{}] {
	return async(func() (struct{}, error) { return struct{}{}, f() })
}

// notDone fails the test if ch already holds a result. Inside a synctest
// bubble, call synctest.Wait first so "not yet" really means "blocked".
func notDone[T any](t *testing.T, ch <-chan result[T], what string) {
	t.Helper()
	select {
	case r := <-ch:
		t.Fatalf("%s returned early: %v, %v", what, r.val, r.err)
	default:
	}
}

// done returns the result in ch, failing the test if none is ready.
func done[T any](t *testing.T, ch <-chan result[T], what string) result[T] {
	t.Helper()
	select {
	case r := <-ch:
		return r
	default:
		t.Fatalf("%s has not returned", what)
		return result[T]{}
	}
}

// within waits for a result in real time, for tests outside a bubble.
func within[T any](t *testing.T, ch <-chan result[T], d time.Duration, what string) result[T] {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(d):
		t.Fatalf("%s did not return within %v", what, d)
		return result[T]{}
	}
}
