package loop_test

import (
	"context"
	"fmt"

	"github.com/pardemo/pardemo/internal/loop"
)

// Callbacks run one at a time, in the order they fall due; what a
// callback schedules with CallSoon runs at the loop's next turn.
func Example() {
	l := loop.New(loop.Options{Speed: 100}) // 1 story-second = 10 ms
	l.CallLater(0.2, func() { fmt.Println("later, 0.2 s"); l.Stop() })
	l.CallLater(0.1, func() { fmt.Println("later, 0.1 s") })
	l.CallSoon(func() {
		fmt.Println("soon, first")
		l.CallSoon(func() { fmt.Println("soon, from a callback: the next turn") })
	})
	l.CallSoon(func() { fmt.Println("soon, second") })
	if err := l.Run(context.Background()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// soon, first
	// soon, second
	// soon, from a callback: the next turn
	// later, 0.1 s
	// later, 0.2 s
}

// Two tasks that sleep in turns interleave: each await hands the loop to
// the other. Only one of them ever runs at a time.
func ExampleGo() {
	l := loop.New(loop.Options{Speed: 100})
	count := func(name string, n int, offset float64) func(co *loop.Co) (int, error) {
		return func(co *loop.Co) (int, error) {
			if err := co.Sleep(offset); err != nil {
				return 0, err
			}
			for i := range n {
				fmt.Println(name, i, "holder:", l.Holder())
				if err := co.Sleep(1); err != nil {
					return 0, err
				}
			}
			return n, nil
		}
	}
	a := loop.Go(l, "a", count("a", 3, 0))
	b := loop.Go(l, "b", count("b", 2, 0.5))
	if err := l.Run(context.Background()); err != nil {
		fmt.Println(err)
	}
	ra, _ := a.Result()
	rb, _ := b.Result()
	fmt.Println("results", ra, rb, "most holders at once:", l.Stats().MaxHolders)
	// Output:
	// a 0 holder: a
	// b 0 holder: b
	// a 1 holder: a
	// b 1 holder: b
	// a 2 holder: a
	// results 3 2 most holders at once: 1
}

// A future's done callbacks run on the loop once it has a result.
func ExampleFuture_AddDoneCallback() {
	l := loop.New(loop.Options{Speed: 100})
	f := loop.NewFuture[string](l)
	f.AddDoneCallback(func(f *loop.Future[string]) {
		v, err := f.Result()
		fmt.Println("callback got", v, err, "on", l.Holder())
	})
	loop.Go(l, "setter", func(co *loop.Co) (struct{}, error) {
		if err := co.Sleep(0.5); err != nil {
			return struct{}{}, err
		}
		fmt.Println("setting the result")
		return struct{}{}, f.SetResult("42")
	})
	if err := l.Run(context.Background()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// setting the result
	// callback got 42 <nil> on loop
}

// Cancelling a task wakes it in its await with ErrCancelled.
func ExampleTask_Cancel() {
	l := loop.New(loop.Options{Speed: 100})
	sleeper := loop.Go(l, "sleeper", func(co *loop.Co) (struct{}, error) {
		err := co.Sleep(60)
		fmt.Println("sleeper woke:", err)
		return struct{}{}, err
	})
	l.CallLater(0.5, func() { fmt.Println("cancel:", sleeper.Cancel()) })
	if err := l.Run(context.Background()); err != nil {
		fmt.Println(err)
	}
	fmt.Println("cancelled:", sleeper.Cancelled())
	// Output:
	// cancel: true
	// sleeper woke: cancelled
	// cancelled: true
}

// Workers drain a queue; Join waits until every item was handled.
func ExampleQueue() {
	l := loop.New(loop.Options{Speed: 100})
	q := loop.NewQueue[float64](l)
	for _, s := range []float64{0.3, 0.1, 0.2} {
		q.Put(s)
	}
	var workers []*loop.Task[struct{}]
	for _, name := range []string{"w1", "w2"} {
		workers = append(workers, loop.Go(l, name, func(co *loop.Co) (struct{}, error) {
			for {
				s, err := q.Get(co)
				if err != nil {
					return struct{}{}, err
				}
				if err := co.Sleep(s); err != nil {
					return struct{}{}, err
				}
				fmt.Println(name, "slept", s)
				q.TaskDone()
			}
		}))
	}
	loop.Go(l, "main", func(co *loop.Co) (struct{}, error) {
		if err := q.Join(co); err != nil {
			return struct{}{}, err
		}
		for _, w := range workers {
			w.Cancel()
		}
		return struct{}{}, nil
	})
	if err := l.Run(context.Background()); err != nil {
		fmt.Println(err)
	}
	fmt.Println("w1 cancelled:", workers[0].Cancelled(), "w2 cancelled:", workers[1].Cancelled())
	// Output:
	// w2 slept 0.1
	// w1 slept 0.3
	// w2 slept 0.2
	// w1 cancelled: true w2 cancelled: true
}

// A blocking call runs on an executor while the loop goes on.
func ExampleRunInExecutor() {
	l := loop.New(loop.Options{Speed: 100})
	pool := loop.NewPool(2)
	defer pool.Close()
	release := make(chan struct{})
	loop.Go(l, "main", func(co *loop.Co) (struct{}, error) {
		f := loop.RunInExecutor(l, pool, func() (int, error) {
			<-release // blocks its goroutine, not the loop
			return 7, nil
		})
		if err := co.Sleep(0.5); err != nil {
			return struct{}{}, err
		}
		fmt.Println("the loop still runs while the job blocks")
		close(release)
		v, err := loop.Await(co, f)
		fmt.Println("job returned", v, err)
		return struct{}{}, nil
	})
	if err := l.Run(context.Background()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// the loop still runs while the job blocks
	// job returned 7 <nil>
}
