package sync_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	isync "github.com/pardemo/pardemo/internal/sync"
)

func TestLIFOOrder(t *testing.T) {
	q := isync.NewLIFOQueue[string](3)
	for _, s := range []string{"a", "b", "c"} {
		if err := q.TryPut(s); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for q.Len() > 0 {
		v, err := q.TryGet()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if want := []string{"c", "b", "a"}; !slices.Equal(got, want) {
		t.Fatalf("order = %v, want %v", got, want)
	}
}

// Random pushes and pops must behave like a slice used as a stack.
func TestLIFOMatchesModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	q := isync.NewLIFOQueue[int](0)
	var model []int
	for i := range 20_000 {
		if len(model) == 0 || r.IntN(5) < 3 {
			if err := q.TryPut(i); err != nil {
				t.Fatal(err)
			}
			model = append(model, i)
			continue
		}
		v, err := q.TryGet()
		want := model[len(model)-1]
		model = model[:len(model)-1]
		if err != nil || v != want {
			t.Fatalf("step %d: TryGet = %d, %v; want %d", i, v, err, want)
		}
	}
	if q.Len() != len(model) {
		t.Fatalf("Len = %d, want %d", q.Len(), len(model))
	}
}

// The LIFO queue is a real Queue: full and empty errors, blocking, and the
// TaskDone/Join handshake all behave as for FIFO.
func TestLIFOFullEmptyAndJoin(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := isync.NewLIFOQueue[int](2)
		if q.Cap() != 2 {
			t.Fatalf("Cap = %d, want 2", q.Cap())
		}
		if _, err := q.TryGet(); !errors.Is(err, isync.ErrEmpty) {
			t.Fatalf("TryGet on empty = %v, want ErrEmpty", err)
		}
		_ = q.TryPut(1)
		_ = q.TryPut(2)
		start := time.Now()
		if err := q.PutTimeout(3, time.Second); !errors.Is(err, isync.ErrFull) {
			t.Fatalf("PutTimeout on full = %v, want ErrFull", err)
		}
		if time.Since(start) != time.Second {
			t.Fatalf("PutTimeout gave up after %v, want 1s", time.Since(start))
		}

		// A blocked Put goes through once a Get makes room, and its item
		// is then the newest, so it comes out next.
		put := asyncErr(func() error { return q.Put(t.Context(), 3) })
		synctest.Wait()
		notDone(t, put, "Put on a full LIFO queue")
		if v, _ := q.Get(t.Context()); v != 2 {
			t.Fatalf("Get = %d, want 2", v)
		}
		synctest.Wait()
		done(t, put, "Put after Get")
		if v, _ := q.Get(t.Context()); v != 3 {
			t.Fatalf("Get = %d, want 3 (the newest)", v)
		}

		join := asyncErr(func() error { return q.Join(t.Context()) })
		synctest.Wait()
		notDone(t, join, "Join with unfinished tasks")
		_, _ = q.TryGet()
		for range 2 {
			_ = q.TaskDone()
		}
		synctest.Wait()
		notDone(t, join, "Join with one task unfinished")
		_ = q.TaskDone()
		synctest.Wait()
		if r := done(t, join, "Join"); r.err != nil {
			t.Fatal(r.err)
		}
		if err := q.TaskDone(); !errors.Is(err, isync.ErrTooManyTaskDone) {
			t.Fatalf("extra TaskDone = %v", err)
		}
	})
}

func TestLIFOGetBlocksWhileEmpty(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := isync.NewLIFOQueue[int](0)
		get := async(func() (int, error) { return q.Get(t.Context()) })
		synctest.Wait()
		notDone(t, get, "Get on an empty LIFO queue")
		_ = q.TryPut(7)
		synctest.Wait()
		if r := done(t, get, "Get after Put"); r.val != 7 || r.err != nil {
			t.Fatalf("Get = %d, %v", r.val, r.err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if _, err := q.Get(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Get on empty with deadline = %v", err)
		}
	})
}
