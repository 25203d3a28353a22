//go:build unix

package proc_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/pardemo/pardemo/internal/proc"
)

// A duplex pipe: one end stays here, the other would go to a child in
// Spec.ExtraFiles (here it is opened in this process, to keep the example
// short). After the sender closes its side, a receive reports end of
// stream at once.
func ExamplePipe() {
	mine, theirs, err := proc.Pipe()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer mine.Close()
	child, _ := proc.OpenPipe(theirs[0], theirs[1]) // in a child: proc.OpenPipe(self.File(0), self.File(1))
	child.Send("hello")
	child.Send([]int{1, 2, 3})
	child.Close()

	var s string
	var xs []int
	fmt.Println(mine.Recv(&s), s)
	fmt.Println(mine.Recv(&xs), xs)
	err = mine.Recv(&s)
	fmt.Println(errors.Is(err, proc.ErrEndOfStream))
	// Output:
	// <nil> hello
	// <nil> [1 2 3]
	// true
}

// A queue served by this process; any process that knows its address can
// put and get. TaskDone and Join are the JoinableQueue part.
func ExampleQueue() {
	q, err := proc.NewQueue(0, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer q.Close()
	ctx := context.Background()
	producer, _ := proc.DialQueue(ctx, q.Addr(), "producer")
	defer producer.Close()
	consumer, _ := proc.DialQueue(ctx, q.Addr(), "consumer")
	defer consumer.Close()

	for _, n := range []int{1, 2, 3} {
		size, _ := producer.Put(ctx, []any{42, n, "hello"})
		fmt.Println("put, size", size)
	}
	for range 3 {
		var rec []any
		size, _ := consumer.Get(ctx, &rec)
		fmt.Println("got", rec, "size", size)
		consumer.TaskDone(ctx)
	}
	fmt.Println("join:", producer.Join(ctx))
	// Output:
	// put, size 1
	// put, size 2
	// put, size 3
	// got [42 1 hello] size 2
	// got [42 2 hello] size 1
	// got [42 3 hello] size 0
	// join: <nil>
}

// Shared memory: a second mapping of the same file (in another process it
// would be OpenShared(path) there) sees every store at once.
func ExampleShared() {
	sh, err := proc.CreateShared(10)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sh.Close()
	other, _ := proc.OpenShared(sh.Path())
	defer other.Close()
	sh.Unlink() // both have it mapped: the name can go

	for i := range 10 {
		sh.Word(i).Store(int64(i))
	}
	for i := range other.Len() { // "the child" doubles the array
		other.Word(i).Store(2 * other.Word(i).Load())
	}
	var wg sync.WaitGroup
	for range 4 { // and four workers add under the cross-process lock
		wg.Go(func() {
			for range 1000 {
				other.Lock()
				other.Word(0).Store(other.Word(0).Load() + 1)
				other.Unlock()
			}
		})
	}
	wg.Wait()
	fmt.Println(sh.Word(0).Load(), sh.Word(1).Load(), sh.Word(9).Load())
	// Output: 4000 2 18
}

// A manager serves a dict and a list; clients change them only by calls.
func ExampleManagerServer() {
	dir, _ := os.MkdirTemp("", "pardemo-mex-")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "manager.sock")
	srv, err := proc.ListenManager(path) // in the manager process
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error)
	go func() { served <- srv.Serve(ctx) }()

	m, _ := proc.DialManager(ctx, path) // in each worker process
	for i := range 3 {
		m.Set(ctx, i, i*2)
		m.Append(ctx, i)
	}
	st, _ := m.Snapshot(ctx)
	fmt.Println(st.Dict, st.List, st.Calls)
	m.Close()
	stop()
	fmt.Println(<-served)
	// Output:
	// map[0:0 1:2 2:4] [0 1 2] 7
	// <nil>
}
