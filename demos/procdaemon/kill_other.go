//go:build !unix

package procdaemon

import "os"

var killSignal = os.Kill
