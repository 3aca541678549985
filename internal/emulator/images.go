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
	img, err := s.makeImage(r.region, r.now, in, name, desc)
	if err != nil {
		return nil, err
	}
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
			err = r.region.deletableImage(img)
		}
		if err != nil {
			failed++
			detail[id] = item{Code: err.code, Message: err.message}
			continue
		}
		r.region.deleteImage(img)
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
	var newName, newDesc *string
	if name != "" {
		newName = &name
	}
	if q.has("imageDescription") {
		newDesc = &desc
	}
	if err := renameImage(img, newName, newDesc); err != nil {
		return nil, err
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
		imgs = append(imgs, img)
	}
	if err := s.copyImages(r.now, imgs, targets); err != nil {
		return nil, err
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
	if err := shareImageWith(img, r.now, uins, false); err != nil {
		return nil, err
	}
	return map[string]any{"code": "0"}, nil
}

func (s *Server) cancelShareImage(r *request) (map[string]any, *apiError) {
	img, uins, err := s.shareArgs(r)
	if err != nil {
		return nil, err
	}
	if err := shareImageWith(img, r.now, uins, true); err != nil {
		return nil, err
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
