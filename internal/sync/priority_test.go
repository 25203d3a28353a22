package sync_test

import (
	"cmp"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	isync "github.com/pardemo/pardemo/internal/sync"
)

func TestPriorityOrderedSmallestFirst(t *testing.T) {
	q := isync.NewPriorityQueue[int](0)
	for _, v := range []int{5, 1, 4, 1, 3, 9, 2, 6} {
		_ = q.TryPut(v)
	}
	var got []int
	for q.Len() > 0 {
		v, _ := q.TryGet()
		got = append(got, v)
	}
	if want := []int{1, 1, 2, 3, 4, 5, 6, 9}; !slices.Equal(got, want) {
		t.Fatalf("order = %v, want %v", got, want)
	}
}

type job struct {
	name string
	prio int
}

func byPrio(a, b job) bool { return a.prio < b.prio }

// Equal priorities come out in the order they were put, even after the
// heap has been shuffled by many pushes and pops.
func TestPriorityStable(t *testing.T) {
	q := isync.NewPriorityQueueFunc(0, byPrio)
	for _, j := range []job{{"a", 2}, {"b", 1}, {"c", 2}, {"d", 1}, {"e", 3}, {"f", 2}, {"g", 1}} {
		_ = q.TryPut(j)
	}
	var got []string
	for q.Len() > 0 {
		j, _ := q.TryGet()
		got = append(got, j.name)
	}
	if want := []string{"b", "d", "g", "a", "c", "f", "e"}; !slices.Equal(got, want) {
		t.Fatalf("order = %v, want %v", got, want)
	}
}

// Random puts and gets must match a model: the stable minimum, i.e. the
// first item of the model kept sorted by (priority, arrival).
func TestPriorityMatchesModel(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	type item struct{ prio, seq int }
	q := isync.NewPriorityQueueFunc(0, func(a, b item) bool { return a.prio < b.prio })
	var model []item
	for i := range 20_000 {
		if len(model) == 0 || r.IntN(5) < 3 {
			it := item{prio: r.IntN(8), seq: i} // few priorities: many ties
			if err := q.TryPut(it); err != nil {
				t.Fatal(err)
			}
			model = append(model, it)
			continue
		}
		// The model's next item: lowest priority, earliest arrival.
		k := 0
		for j, m := range model {
			if cmp.Or(cmp.Compare(m.prio, model[k].prio), cmp.Compare(m.seq, model[k].seq)) < 0 {
				k = j
			}
		}
		want := model[k]
		model = slices.Delete(model, k, k+1)
		if v, err := q.TryGet(); err != nil || v != want {
			t.Fatalf("step %d: TryGet = %v, %v; want %v", i, v, err, want)
		}
	}
	if q.Len() != len(model) {
		t.Fatalf("Len = %d, want %d", q.Len(), len(model))
	}
}

func TestPriorityNilLessPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("NewPriorityQueueFunc(nil) did not panic")
		}
	}()
	isync.NewPriorityQueueFunc[job](1, nil)
}

func TestPriorityFullEmptyAndJoin(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := isync.NewPriorityQueue[string](2)
		if _, err := q.GetTimeout(time.Second); !errors.Is(err, isync.ErrEmpty) {
			t.Fatalf("GetTimeout on empty = %v, want ErrEmpty", err)
		}
		_ = q.TryPut("m")
		_ = q.TryPut("z")
		if err := q.TryPut("a"); !errors.Is(err, isync.ErrFull) {
			t.Fatalf("TryPut on full = %v, want ErrFull", err)
		}
		// A Put blocked on the full queue goes in when room is made, and
		// then jumps the queue because "a" is the smallest.
		put := asyncErr(func() error { return q.Put(t.Context(), "a") })
		synctest.Wait()
		notDone(t, put, "Put on a full priority queue")
		if v, _ := q.TryGet(); v != "m" {
			t.Fatalf("TryGet = %q, want m", v)
		}
		synctest.Wait()
		done(t, put, "Put after TryGet")
		if v, _ := q.TryGet(); v != "a" {
			t.Fatalf("TryGet = %q, want a", v)
		}
		if q.HighWater() != 2 {
			t.Fatalf("HighWater = %d, want 2", q.HighWater())
		}

		join := asyncErr(func() error { return q.Join(t.Context()) })
		_, _ = q.TryGet()
		_ = q.TaskDone()
		_ = q.TaskDone()
		synctest.Wait()
		notDone(t, join, "Join with one task unfinished")
		_ = q.TaskDone()
		synctest.Wait()
		if r := done(t, join, "Join"); r.err != nil {
			t.Fatal(r.err)
		}
	})
}
