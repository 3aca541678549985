package emulator

// The core's key-pair operations, with typed arguments and refusals; both
// front doors call them.

import (
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/ssh"
)

// checkKeyName refuses a name the core will not give a key pair: empty,
// longer than 25 characters, of other characters than letters, digits and
// underscores, or another pair's.
func (rg *region) checkKeyName(name string, except *keyPair) *apiError {
	switch {
	case name == "":
		return refuse(reasonKeyNameEmpty, "keyName is empty")
	case utf8.RuneCountInString(name) > 25:
		return refuse(reasonKeyNameTooLong, "keyName is longer than 25 characters, got %q", name)
	case !keyNameRE.MatchString(name):
		return refuse(reasonKeyNameChars, "keyName must be 1 to 25 letters, digits and underscores, got %q", name)
	}
	for _, k := range rg.keyPairs {
		if k != except && k.name == name {
			return refuse(reasonKeyNameTaken, "keyName %q exists: 密钥名称不可重复", name)
		}
	}
	return nil
}

// makeKeyPair generates a key pair in a project and answers it with its
// private key, which the core never keeps.
func (s *Server) makeKeyPair(rg *region, now time.Time, name string, project int) (*keyPair, []byte, *apiError) {
	if err := rg.checkKeyName(name, nil); err != nil {
		return nil, nil, err
	}
	k, secret, err := s.generateKeyPair(rg, now, name)
	if err != nil {
		return nil, nil, errf(6000, "cannot generate a key: %v", err)
	}
	k.projectID = project
	return k, secret, nil
}

// importPublicKey keeps an OpenSSH RSA public key as a key pair of a
// project; a key imported already is refused.
func (s *Server) importPublicKey(rg *region, now time.Time, name, pubKey string, project int) (*keyPair, *apiError) {
	if err := rg.checkKeyName(name, nil); err != nil {
		return nil, err
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(pubKey))
	if err != nil || pub.Type() != ssh.KeyAlgoRSA {
		return nil, refuse(reasonBadPublicKey, "pubKey is not an OpenSSH RSA public key")
	}
	for _, k := range rg.keyPairs {
		if strings.Join(strings.Fields(k.pubkey)[:2], " ") == strings.Join(strings.Fields(pubKey)[:2], " ") {
			return nil, refuse(reasonKeyImported, "this public key was imported as %s", k.id)
		}
	}
	k := s.newKeyPair(rg, now, name, strings.TrimSpace(pubKey))
	k.projectID = project
	return k, nil
}

// keyTarget refuses an instance a key pair cannot be bound to or unbound
// from: one running Windows, or one not stopped.
func keyTarget(in *instance) *apiError {
	if in.image.windows {
		e := errf(5100, "注意：Windows无法绑定密钥: instance %s runs Windows", in.id)
		e.codeDesc = "OperationConstraints.InvaildInstanceStatus"
		return e
	}
	if in.status != stStopped {
		e := statusErr(in, stStopped)
		e.codeDesc = "OperationConstraints.InvaildInstanceStatus"
		return e
	}
	return nil
}

// bindKey binds a key pair to stopped instances (their old key and their
// password stop working), or, with unbind, unbinds it from them, all or
// none.
func bindKey(k *keyPair, ins []*instance, unbind bool) *apiError {
	for _, in := range ins {
		if err := keyTarget(in); err != nil {
			return err
		}
		if unbind && in.keyID != k.id {
			return errf(5100, "key %s is not bound to instance %s", k.id, in.id)
		}
	}
	for _, in := range ins {
		if unbind {
			in.keyID = ""
		} else {
			in.keyID = k.id
		}
	}
	return nil
}
