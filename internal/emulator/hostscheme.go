package emulator

import (
	"bytes"
	"net"
)

// SchemeHostListener wraps a listener so that a request whose Host header
// holds a scheme ("Host: http://127.0.0.1:9191") reaches the emulator
// instead of being refused by net/http with "400 Bad Request: malformed
// Host header". tccli pointed at the emulator with --endpoint
// http://127.0.0.1:PORT sends such a Host, and signs it (spec/api3 §4, §7):
// the scheme is moved out of the Host into X-Emulator-Host-Scheme, and the
// API 3.0 verifier tries the signed host with it put back.
//
// The rewrite looks for the Host line within each read; a header block
// split between two reads exactly inside that line is left as it is
// [inferred: clients write a request's headers at once].
func SchemeHostListener(l net.Listener) net.Listener { return schemeListener{l} }

type schemeListener struct{ net.Listener }

func (l schemeListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &schemeConn{Conn: c}, nil
}

// schemeHeader carries the scheme a Host header held.
const schemeHeader = "X-Emulator-Host-Scheme"

type schemeConn struct {
	net.Conn
	pending []byte // rewritten bytes not yet returned
}

var hostSchemes = []struct{ find, with []byte }{
	{[]byte("\r\nHost: http://"), []byte("\r\n" + schemeHeader + ": http\r\nHost: ")},
	{[]byte("\r\nHost: https://"), []byte("\r\n" + schemeHeader + ": https\r\nHost: ")},
}

func (c *schemeConn) Read(p []byte) (int, error) {
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		return n, nil
	}
	n, err := c.Conn.Read(p)
	if n == 0 {
		return n, err
	}
	buf := p[:n]
	changed := false
	for _, s := range hostSchemes {
		if bytes.Contains(buf, s.find) {
			buf = bytes.ReplaceAll(buf, s.find, s.with)
			changed = true
		}
	}
	if !changed {
		return n, err
	}
	m := copy(p, buf)
	c.pending = append(c.pending[:0], buf[m:]...)
	if len(c.pending) > 0 {
		return m, nil // the error, if any, comes again on the next read
	}
	return m, err
}
