package emulator

import (
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/qcloud-legacy/cvm"
)

// Image types and statuses, as documented.
const (
	imagePrivate = 1
	imagePublic  = 2
	imageMarket  = 3
	imageShared  = 4

	imageCreating = 1
	imageNormal   = 2
	imageInUse    = 3
	imageSyncing  = 4
	imageCopying  = 5

	maxCustomImages = 10
	maxShares       = 50
)

var imageTypeNames = map[int]string{imagePrivate: "私有镜像", imagePublic: "公有镜像", imageMarket: "服务市场", imageShared: "共享镜像"}

type image struct {
	seq         int64
	id          string
	legacyID    int
	name, desc  string
	osName      string
	typ, status int
	next        int
	nextAt      time.Time
	seenMoving  bool // a describe showed it moving (AutoAdvance)
	created     time.Time
	creator     string
	windows     bool
	shares      map[string]time.Time // uin → when
}

func (rg *region) addImage(img *image) {
	rg.images[img.id] = img
	rg.imageSeq = append(rg.imageSeq, img.id)
}

func (rg *region) inUse(img *image) bool {
	for _, in := range rg.instances {
		if in.image == img {
			return true
		}
	}
	return false
}

func init() {
	register(onImage, map[string]func(*Server, *request) (map[string]any, *apiError){
		"DescribeImages":        (*Server).describeImages,
		"CreateImage":           (*Server).createImage,
		"DeleteImages":          (*Server).deleteImages,
		"ModifyImageAttributes": (*Server).modifyImageAttributes,
		"SyncCvmImage":          (*Server).syncCvmImage,
		"ShareImage":            (*Server).shareImage,
		"CancelShareImage":      (*Server).cancelShareImage,
		"GetImageShareUinInfo":  (*Server).getImageShareUinInfo,
	})
}

func (s *Server) describeImages(r *request) (map[string]any, *apiError) {
	q := r.p()
	typ := q.integer("imageType", true, 0, 1, 4)
	ids := q.ids("imageIds", false, 10)
	status := q.integer("status", false, 0, 0, 5)
	offset, limit := q.page()
	if q.err != nil {
		return nil, q.err
	}
	rg := r.region
	rg.settle(r.now)
	var matches []*image
	for _, id := range rg.imageSeq {
		img := rg.images[id]
		if img.typ != typ || status != 0 && img.status != status || len(ids) > 0 && !slices.Contains(ids, img.id) {
			continue
		}
		matches = append(matches, img)
	}
	set := make([]map[string]any, 0, limit)
	for _, img := range pageOf(matches, offset, limit) {
		st := img.status
		if st == imageNormal && img.typ == imagePrivate && rg.inUse(img) {
			st = imageInUse
		}
		set = append(set, map[string]any{
			"unImgId": img.id, "imageId": img.legacyID, "imageName": img.name, "imageDescription": img.desc,
			"osName": img.osName, "imageType": img.typ, "createTime": apiTime(img.created),
			"creator": img.creator, "status": st,
		})
	}
	return map[string]any{"totalCount": len(matches), "imageSet": set}, nil
}

var imageNameRE = regexp.MustCompile(`^[A-Za-z0-9-]{1,16}$`)

func (s *Server) createImage(r *request) (map[string]any, *apiError) {
	q := r.p()
	in, err := s.one(r, q)
	if err != nil {
		return nil, err
	}
	name := q.str("imageName", true)
	desc := q.strMax("imageDescription", false, 64)
	if q.err != nil {
		return nil, q.err
	}
	if !imageNameRE.MatchString(name) {
		return nil, invalid("imageName must be 1 to 16 letters, digits or '-', got %q", name)
	}
	rg := r.region
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
		created: r.now, creator: strconv.FormatInt(s.appID, 10), windows: in.image.windows,
		shares: map[string]time.Time{},
	}
	img.status = imageNormal
	if s.opts.Transition > 0 {
		img.status, img.next, img.nextAt, img.seenMoving = imageCreating, imageNormal, r.now.Add(s.opts.Transition), false
	}
	rg.addImage(img)
	s.move(r.region, in, r.now, 12, stStopped) // 12: 镜像制作中
	return map[string]any{"requestId": 9000000 + s.nextSeq(), "unImgId": img.id}, nil
}

// ownImage finds a custom image of the account.
func (s *Server) ownImage(r *request, id string) (*image, *apiError) {
	r.region.settle(r.now)
	img, ok := r.region.images[id]
	if !ok || img.typ != imagePrivate {
		return nil, notFound("image", id)
	}
	return img, nil
}

func (s *Server) deleteImages(r *request) (map[string]any, *apiError) {
	q := r.p()
	ids := q.ids("imageIds", true, 0)
	if q.err != nil {
		return nil, q.err
	}
	detail := map[string]item{}
	failed := 0
	for _, id := range ids {
		img, err := s.ownImage(r, id)
		if err == nil {
			switch {
			case img.status == imageCreating:
				err = errf(5100, "image %s is being created", id)
			case r.region.inUse(img):
				err = errf(5100, "image %s is in use by an instance", id)
			case len(img.shares) > 0:
				err = errf(5100, "image %s is shared; cancel the shares first", id)
			}
		}
		if err != nil {
			failed++
			detail[id] = item{Code: err.code, Message: err.message}
			continue
		}
		delete(r.region.images, id)
		r.region.imageSeq = slices.DeleteFunc(r.region.imageSeq, func(x string) bool { return x == id })
		detail[id] = item{RequestID: strconv.FormatInt(9000000+s.nextSeq(), 10)}
	}
	return batchAnswer(detail, failed, len(ids))
}

func batchAnswer(detail map[string]item, failed, total int) (map[string]any, *apiError) {
	switch failed {
	case 0:
		return map[string]any{"message": "success", "detail": detail}, nil
	case total:
		e := errf(5100, "all %d operations failed", failed)
		e.detail = detail
		return nil, e
	default:
		e := errf(5400, "%d of %d operations failed", failed, total)
		e.detail = detail
		return nil, e
	}
}

func (s *Server) modifyImageAttributes(r *request) (map[string]any, *apiError) {
	q := r.p()
	id := q.str("imageId", true)
	name := q.str("imageName", false)
	desc := q.strMax("imageDescription", false, 64)
	if q.err != nil {
		return nil, q.err
	}
	img, err := s.ownImage(r, id)
	if err != nil {
		return nil, err
	}
	if name != "" {
		if !imageNameRE.MatchString(name) {
			return nil, invalid("imageName must be 1 to 16 letters, digits or '-', got %q", name)
		}
		img.name = name
	}
	if q.has("imageDescription") {
		img.desc = desc
	}
	return map[string]any{}, nil
}

func (s *Server) syncCvmImage(r *request) (map[string]any, *apiError) {
	q := r.p()
	ids := q.ids("imgIdList", true, 10)
	dsts := q.ids("dstRegion", true, 0)
	if q.err != nil {
		return nil, q.err
	}
	var targets []*region
	for _, d := range dsts {
		rg, ok := cvm.LookupRegion(d)
		if !ok {
			return nil, invalid("invalid dstRegion %q", d)
		}
		if rg.Short == r.region.code {
			return nil, invalid("dstRegion %s is the source region", d)
		}
		if rg.Short == "ca" || rg.Short == "usw" || rg.Short == "use" {
			return nil, invalid("images cannot be copied to North America (%s)", d)
		}
		targets = append(targets, s.regionLocked(rg.Short))
	}
	var imgs []*image
	for _, id := range ids {
		img, err := s.ownImage(r, id)
		if err != nil {
			return nil, err
		}
		if img.status != imageNormal {
			return nil, errf(5100, "image %s is not ready (status %d)", id, img.status)
		}
		imgs = append(imgs, img)
	}
	for _, img := range imgs {
		for _, t := range targets {
			cp := *img
			cp.seq = s.nextSeq()
			cp.id = s.newID("img-", func(id string) bool { return t.images[id] != nil })
			cp.created = r.now
			cp.shares = map[string]time.Time{}
			cp.status = imageNormal
			if s.opts.Transition > 0 {
				cp.status, cp.next, cp.nextAt, cp.seenMoving = imageSyncing, imageNormal, r.now.Add(s.opts.Transition), false
			}
			t.addImage(&cp)
		}
		if s.opts.Transition > 0 {
			img.status, img.next, img.nextAt, img.seenMoving = imageCopying, imageNormal, r.now.Add(s.opts.Transition), false
		}
	}
	return map[string]any{}, nil
}

func (s *Server) shareArgs(r *request) (*image, []string, *apiError) {
	q := r.p()
	id := q.str("imageId", true)
	uins := q.ids("uinList", true, maxShares)
	if q.err != nil {
		return nil, nil, q.err
	}
	for _, u := range uins {
		if _, err := strconv.ParseUint(u, 10, 64); err != nil {
			return nil, nil, refuse(reasonNotAnAccount, "uinList.n must be account numbers, got %q", u)
		}
	}
	img, err := s.ownImage(r, id)
	if err != nil {
		return nil, nil, err
	}
	return img, uins, nil
}

func (s *Server) shareImage(r *request) (map[string]any, *apiError) {
	img, uins, err := s.shareArgs(r)
	if err != nil {
		return nil, err
	}
	n := len(img.shares)
	for _, u := range uins {
		if _, ok := img.shares[u]; !ok {
			n++
		}
	}
	if n > maxShares {
		return nil, errf(5100, "an image can be shared with at most %d accounts", maxShares)
	}
	for _, u := range uins {
		if _, ok := img.shares[u]; !ok {
			img.shares[u] = r.now
		}
	}
	return map[string]any{"code": "0"}, nil
}

func (s *Server) cancelShareImage(r *request) (map[string]any, *apiError) {
	img, uins, err := s.shareArgs(r)
	if err != nil {
		return nil, err
	}
	for _, u := range uins {
		delete(img.shares, u)
	}
	return map[string]any{"code": "0"}, nil
}

func (s *Server) getImageShareUinInfo(r *request) (map[string]any, *apiError) {
	q := r.p()
	ids := q.ids("imageIds", true, 10)
	if q.err != nil {
		return nil, q.err
	}
	var list []any
	for _, id := range ids {
		img, err := s.ownImage(r, id)
		if err != nil {
			return nil, err
		}
		uins := make([]string, 0, len(img.shares))
		for u := range img.shares {
			uins = append(uins, u)
		}
		slices.Sort(uins)
		info := make([]any, 0, len(uins))
		for _, u := range uins {
			// As documented, numbers come back as strings here.
			info = append(info, map[string]any{"uin": u, "shareTimeStamp": strconv.FormatInt(img.shares[u].Unix(), 10)})
		}
		list = append(list, map[string]any{"imageId": img.id, "shareUinInfo": info})
	}
	return map[string]any{"code": "0", "data": map[string]any{
		"imageNum": strconv.Itoa(len(list)), "maxImgShareNum": strconv.Itoa(maxShares), "imageList": list,
	}}, nil
}
