//go:build !unix

package ipcpipe

import "os"

func dupFile(*os.File) (*os.File, error) { return nil, os.ErrInvalid }
