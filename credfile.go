package cvm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// maxCredentialsFile caps what a credentials or profile file may hold:
// real ones are a few hundred bytes, and a larger one is a mistake (or a
// device) that must not cost memory.
const maxCredentialsFile = 64 << 10

var (
	errNotRegular  = errors.New("not a regular file")
	errFileTooLong = fmt.Errorf("larger than %d bytes", maxCredentialsFile)
)

// readCredentialsFile reads a credentials file: a regular file (a symbolic
// link to one included) of at most maxCredentialsFile bytes. It is opened
// without blocking, so that a FIFO, which would wait for a writer past any
// deadline, is refused at once, as is a device or a directory.
func readCredentialsFile(ctx context.Context, path string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, openNonBlocking, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	switch {
	case !st.Mode().IsRegular():
		return nil, &fs.PathError{Op: "open", Path: path, Err: errNotRegular}
	case st.Size() > maxCredentialsFile:
		return nil, &fs.PathError{Op: "read", Path: path, Err: errFileTooLong}
	}
	b, err := io.ReadAll(io.LimitReader(f, maxCredentialsFile+1))
	if err == nil && len(b) > maxCredentialsFile {
		err = &fs.PathError{Op: "read", Path: path, Err: errFileTooLong}
	}
	return b, err
}
