package sync_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	isync "github.com/pardemo/pardemo/internal/sync"
)

func ExampleNewLIFOQueue() {
	q := isync.NewLIFOQueue[string](3)
	for _, s := range []string{"first", "second", "third"} {
		_ = q.TryPut(s)
	}
	fmt.Println("put on a full stack:", q.PutTimeout("fourth", 10*time.Millisecond))
	for q.Len() > 0 {
		v, _ := q.TryGet()
		fmt.Println(v) // the newest comes out first
	}
	_, err := q.TryGet()
	fmt.Println("get on an empty stack:", err, errors.Is(err, isync.ErrEmpty))
	// Output:
	// put on a full stack: queue is full
	// third
	// second
	// first
	// get on an empty stack: queue is empty true
}

func ExampleNewPriorityQueue() {
	q := isync.NewPriorityQueue[int](0)
	for _, n := range []int{30, 10, 20} {
		_ = q.TryPut(n)
	}
	for q.Len() > 0 {
		n, _ := q.TryGet()
		fmt.Println(n) // the smallest comes out first, as in Python
	}
	// Output:
	// 10
	// 20
	// 30
}

func ExampleNewPriorityQueueFunc() {
	type task struct {
		name     string
		priority int // lower runs first
	}
	q := isync.NewPriorityQueueFunc(0, func(a, b task) bool { return a.priority < b.priority })
	for _, tk := range []task{{"backup", 2}, {"alert", 1}, {"report", 2}, {"page", 1}, {"cleanup", 3}} {
		_ = q.TryPut(tk)
	}
	ctx := context.Background()
	for q.Len() > 0 {
		tk, _ := q.Get(ctx)
		fmt.Println(tk.priority, tk.name)
		_ = q.TaskDone()
	}
	// Equal priorities kept the order they were put in: alert before page,
	// backup before report.
	fmt.Println("join:", q.Join(ctx))
	// Output:
	// 1 alert
	// 1 page
	// 2 backup
	// 2 report
	// 3 cleanup
	// join: <nil>
}
