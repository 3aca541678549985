package cvm

import (
	"fmt"
	"log/slog"
)

// Secret holds a secret string, such as a SecretKey or a session Token,
// that never shows when printed with any fmt verb, marshalled (JSON, text,
// gob) or logged with log/slog: it reads "REDACTED" (or nothing, when
// empty). Its value sits behind a pointer, so that even fmt's reflection
// over a struct that holds it in an unexported field finds only an address.
//
//	cfg := cvm.Config{SecretID: id, SecretKey: cvm.NewSecret(key), Region: "gz"}
type Secret struct{ p *string }

// NewSecret returns a Secret holding s.
func NewSecret(s string) Secret {
	if s == "" {
		return Secret{}
	}
	return Secret{&s}
}

// Reveal returns the secret itself. Call it only to hand the value to what
// needs it.
func (s Secret) Reveal() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// IsZero reports whether the Secret is empty.
func (s Secret) IsZero() bool { return s.p == nil || *s.p == "" }

func (s Secret) shown() string {
	if s.IsZero() {
		return ""
	}
	return redacted
}

// String returns "REDACTED", or "" for an empty Secret.
func (s Secret) String() string { return s.shown() }

// GoString returns the same as String, for %#v.
func (s Secret) GoString() string { return fmt.Sprintf("%q", s.shown()) }

// Format prints the same as String for every verb.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, s.GoString())
		return
	}
	fmt.Fprint(f, s.shown())
}

// MarshalJSON returns "REDACTED" (or ""), as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.shown() + `"`), nil }

// MarshalText returns "REDACTED" (or "").
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.shown()), nil }

// UnmarshalText sets the Secret, so that one can be read from a
// configuration file or a flag. Marshalling it back gives "REDACTED".
func (s *Secret) UnmarshalText(b []byte) error {
	*s = NewSecret(string(b))
	return nil
}

// GobEncode encodes nothing: a Secret does not travel through gob.
func (s Secret) GobEncode() ([]byte, error) { return []byte{}, nil }

// GobDecode leaves the Secret empty.
func (s *Secret) GobDecode([]byte) error { *s = Secret{}; return nil }

// LogValue logs "REDACTED" (or "").
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.shown()) }

const redacted = "REDACTED"
