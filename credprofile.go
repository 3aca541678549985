package cvm

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"
)

// ProfileCredentials reads the named profile, and nothing else: section
// [name] of the credentials file (the first that exists of
// TENCENTCLOUD_CREDENTIALS_FILE, ~/.tencentcloud/credentials and
// /etc/tencentcloud/credentials), else tccli's profile of that name
// (<dir>/<name>.credential, as [TCCLICredentials] finds dir). A profile
// found in neither is a [*CredentialsError] naming it and every place
// looked, never a fallback to another source: a mistyped profile must not
// act on another account. Its Source names the file it came from.
func ProfileCredentials(name string) CredentialsProvider {
	return &profileProvider{name: name,
		ini: &iniProvider{section: name}, tccli: &tccliProvider{profile: name}}
}

type profileProvider struct {
	name   string
	ini    *iniProvider
	tccli  *tccliProvider
	chosen CredentialsProvider
}

func (p *profileProvider) Retrieve(ctx context.Context) (Credentials, error) {
	if p.chosen != nil {
		return p.chosen.Retrieve(ctx)
	}
	if p.name == "" || strings.ContainsAny(p.name, `/\`) || strings.ContainsFunc(p.name, unicode.IsControl) {
		return Credentials{}, &CredentialsError{Source: fmt.Sprintf("profile %q", p.name), Reason: "is not a profile name"}
	}
	c, err := p.ini.Retrieve(ctx)
	if err == nil {
		p.chosen = p.ini
		return c, nil
	}
	if !errors.Is(err, ErrNoCredentials) {
		return Credentials{}, err
	}
	dir, _, _ := p.tccli.where()
	tccliPath := filepath.Join(dir, p.name+".credential")
	c, err = p.tccli.Retrieve(ctx)
	switch {
	case err == nil:
		p.chosen = p.tccli
		return c, nil
	case !errors.Is(err, fs.ErrNotExist):
		return Credentials{}, err
	}
	paths, _ := p.ini.paths()
	var found []string
	for _, path := range paths {
		// The first file that exists is the one read.
		if _, err := os.Stat(path); err == nil {
			found = append(found, path+" (no ["+p.name+"] section)")
			break
		}
		found = append(found, path+" (no such file)")
	}
	return Credentials{}, &CredentialsError{Source: fmt.Sprintf("profile %q", p.name),
		Reason: "is defined nowhere: looked in " + strings.Join(append(found, tccliPath+" (no such file)"), ", ")}
}

// region is the chosen profile's region, if it names one.
func (p *profileProvider) region() string {
	switch p.chosen {
	case p.ini:
		return p.ini.region
	case p.tccli:
		return p.tccli.region
	}
	return ""
}

func (p *profileProvider) quotaKey() string {
	if k, ok := p.chosen.(quotaKeyer); ok {
		return k.quotaKey()
	}
	return ""
}
