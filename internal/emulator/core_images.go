package emulator

// The core's image operations, with typed arguments and refusals; both
// front doors call them.

import (
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// makeImage images a stopped instance: a private image, made over the
// transition time, while the instance is busy imaging.
func (s *Server) makeImage(rg *region, now time.Time, in *instance, name, desc string) (*image, *apiError) {
	if !imageNameRE.MatchString(name) {
		return nil, invalid("imageName must be 1 to 16 letters, digits or '-', got %q", name)
	}
	if utf8.RuneCountInString(desc) > 64 {
		return nil, refuse(reasonMalformed, "imageDescription is longer than 64 characters")
	}
	custom := 0
	for _, img := range rg.images {
		if img.typ == imagePrivate {
			custom++
			if img.name == name {
				return nil, refuse(reasonImageNameTaken, "an image named %q already exists", name)
			}
		}
	}
	if custom >= maxCustomImages {
		return nil, errf(5100, "(EC_IMAGE_QUOTA)at most %d custom images per region", maxCustomImages)
	}
	if in.status != stStopped {
		return nil, statusErr(in, stStopped)
	}
	img := &image{
		seq: s.nextSeq(), id: s.newID("img-", func(id string) bool { return rg.images[id] != nil }),
		legacyID: 100000 + int(s.seq), name: name, desc: desc, osName: in.image.osName, typ: imagePrivate,
		created: now, creator: strconv.FormatInt(s.appID, 10), windows: in.image.windows,
		shares: map[string]time.Time{},
	}
	img.status = imageNormal
	if s.opts.Transition > 0 {
		img.status, img.next, img.nextAt, img.seenMoving = imageCreating, imageNormal, now.Add(s.opts.Transition), false
	}
	rg.addImage(img)
	s.move(rg, in, now, 12, stStopped) // 12: 镜像制作中
	return img, nil
}

// deletableImage refuses to delete an image being made, in use or shared.
func (rg *region) deletableImage(img *image) *apiError {
	switch {
	case img.status == imageCreating:
		return errf(5100, "image %s is being created", img.id)
	case rg.inUse(img):
		return errf(5100, "image %s is in use by an instance", img.id)
	case len(img.shares) > 0:
		return errf(5100, "image %s is shared; cancel the shares first", img.id)
	}
	return nil
}

// deleteImage deletes a private image.
func (rg *region) deleteImage(img *image) {
	delete(rg.images, img.id)
	rg.imageSeq = slices.DeleteFunc(rg.imageSeq, func(x string) bool { return x == img.id })
}

// renameImage changes an image's name and description; nil keeps either.
func renameImage(img *image, name, desc *string) *apiError {
	if name != nil && !imageNameRE.MatchString(*name) {
		return invalid("imageName must be 1 to 16 letters, digits or '-', got %q", *name)
	}
	if desc != nil && utf8.RuneCountInString(*desc) > 64 {
		return refuse(reasonMalformed, "imageDescription is longer than 64 characters")
	}
	if name != nil {
		img.name = *name
	}
	if desc != nil {
		img.desc = *desc
	}
	return nil
}

// copyImages copies ready images to other regions, over the transition
// time on both sides.
func (s *Server) copyImages(now time.Time, imgs []*image, targets []*region) *apiError {
	for _, img := range imgs {
		if img.status != imageNormal {
			return errf(5100, "image %s is not ready (status %d)", img.id, img.status)
		}
	}
	for _, img := range imgs {
		for _, t := range targets {
			cp := *img
			cp.seq = s.nextSeq()
			cp.id = s.newID("img-", func(id string) bool { return t.images[id] != nil })
			cp.created = now
			cp.shares = map[string]time.Time{}
			cp.status = imageNormal
			if s.opts.Transition > 0 {
				cp.status, cp.next, cp.nextAt, cp.seenMoving = imageSyncing, imageNormal, now.Add(s.opts.Transition), false
			}
			t.addImage(&cp)
		}
		if s.opts.Transition > 0 {
			img.status, img.next, img.nextAt, img.seenMoving = imageCopying, imageNormal, now.Add(s.opts.Transition), false
		}
	}
	return nil
}

// shareImageWith shares an image with accounts (by their numbers), or,
// with cancel, stops sharing it.
func shareImageWith(img *image, now time.Time, accounts []string, cancel bool) *apiError {
	for _, u := range accounts {
		if _, err := strconv.ParseUint(u, 10, 64); err != nil {
			return refuse(reasonNotAnAccount, "uinList.n must be account numbers, got %q", u)
		}
	}
	if cancel {
		for _, u := range accounts {
			delete(img.shares, u)
		}
		return nil
	}
	n := len(img.shares)
	for _, u := range accounts {
		if _, ok := img.shares[u]; !ok {
			n++
		}
	}
	if n > maxShares {
		return errf(5100, "an image can be shared with at most %d accounts", maxShares)
	}
	for _, u := range accounts {
		if _, ok := img.shares[u]; !ok {
			img.shares[u] = now
		}
	}
	return nil
}
