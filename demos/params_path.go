package demos

import (
	"errors"
	"fmt"
	"strings"
)

// maxPathLen bounds a path knob like every other knob is bounded.
const maxPathLen = 4096

// Path declares a file-path knob whose default is "not given".
func Path(name, usage string) Param {
	return Param{Name: name, Usage: usage, Kind: PathKind}
}

// parsePath accepts any path the system could name. Whether the file can
// be created there is for the scenario to find out and report.
func (p Param) parsePath(s string) (string, error) {
	if strings.ContainsRune(s, 0) {
		return "", errors.New("a file path cannot contain a NUL byte")
	}
	if len(s) > maxPathLen {
		return "", fmt.Errorf("a path of %d bytes is too long (at most %d)", len(s), maxPathLen)
	}
	return s, nil
}
