package sync_test

import (
	"errors"
	"fmt"

	isync "github.com/pardemo/pardemo/internal/sync"
)

func ExampleReentrantLock() {
	l := isync.NewReentrantLock()

	// The holder may take the lock again: each Lock adds to the hold count.
	l.Lock("adder")
	l.Lock("adder")
	owner, count := l.Holder()
	fmt.Println("held by", owner, count, "times")

	// Someone else cannot take it until every hold is given back.
	fmt.Println("remover gets it:", l.TryLock("remover"))
	_ = l.Unlock("adder")
	fmt.Println("remover gets it after one release:", l.TryLock("remover"))
	_ = l.Unlock("adder")
	fmt.Println("remover gets it after two releases:", l.TryLock("remover"))
	_ = l.Unlock("remover")
	// Output:
	// held by adder 2 times
	// remover gets it: false
	// remover gets it after one release: false
	// remover gets it after two releases: true
}

func ExampleReentrantLock_Unlock() {
	l := isync.NewReentrantLock()
	l.Lock("adder")

	// Only the holder may release it.
	err := l.Unlock("remover")
	fmt.Println(err)
	fmt.Println("not the owner:", errors.Is(err, isync.ErrNotOwner))

	_ = l.Unlock("adder")
	// Releasing a free lock is an error too.
	err = l.Unlock("adder")
	fmt.Println(err)
	fmt.Println("not held:", errors.Is(err, isync.ErrNotHeld))
	// Output:
	// "remover" tried to release "adder"'s hold: re-entrant lock released by someone who does not hold it
	// not the owner: true
	// "adder" tried to release: re-entrant lock released while nobody holds it
	// not held: true
}
