package cvm

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"regexp"
	"strconv"
	"time"
	"unicode/utf8"
)

// ImagesService manages images (module image).
type ImagesService service

// ImageStatus is an image's state.
type ImageStatus int

// Documented image statuses.
const (
	ImageCreating ImageStatus = 1
	ImageNormal   ImageStatus = 2
	ImageInUse    ImageStatus = 3
	ImageSyncing  ImageStatus = 4 // being copied in, in the destination region
	ImageCopying  ImageStatus = 5 // being copied out, in the source region
)

// imageStatusNames are the documented names, by code.
var imageStatusNames = map[ImageStatus]string{ImageCreating: "creating", ImageNormal: "normal", ImageInUse: "in-use", ImageSyncing: "syncing", ImageCopying: "copying"}

// String names the status: its documented name, such as "normal",
// or "status(n)" for a code the SDK does not know.
func (s ImageStatus) String() string { return enumName(imageStatusNames, s, "status") }

// EncodeValues implements query.Encoder: the status's code.
func (s ImageStatus) EncodeValues(key string, v *url.Values) error {
	v.Set(key, strconv.Itoa(int(s)))
	return nil
}

// Image is an image, as DescribeImages reports it.
type Image struct {
	// ID is the "img-..." id; LegacyID the numeric one.
	ID          string
	LegacyID    int
	Name        string
	Description string
	Type        ImageType
	OSName      string
	Status      ImageStatus
	Created     time.Time
	Creator     string
}

type imageJSON struct {
	UnImgID          jsonString `json:"unImgId"`
	ImageID          jsonInt    `json:"imageId"`
	ImageName        jsonString `json:"imageName"`
	ImageDescription jsonString `json:"imageDescription"`
	ImageType        jsonInt    `json:"imageType"`
	OSName           jsonString `json:"osName"`
	Status           jsonInt    `json:"status"`
	CreateTime       jsonTime   `json:"createTime"`
	Creator          jsonString `json:"creator"`
	Createor         jsonString `json:"createor"` // the documented example's spelling
}

func (j *imageJSON) image() Image {
	creator := j.Creator
	if creator == "" {
		creator = j.Createor
	}
	return Image{
		ID: string(j.UnImgID), LegacyID: int(j.ImageID), Name: string(j.ImageName),
		Description: string(j.ImageDescription), Type: ImageType(j.ImageType), OSName: string(j.OSName),
		Status: ImageStatus(j.Status), Created: time.Time(j.CreateTime), Creator: string(creator),
	}
}

// ImageListOptions filters DescribeImages.
type ImageListOptions struct {
	ListOptions
	// Type is required: private, public, marketplace or shared. API 3.0
	// has no marketplace images: under [API3] that type is an [*ArgError].
	Type ImageType `url:"imageType"`
	// ImageIDs keeps these images; more than 10 are sent in several
	// calls (List then needs Offset 0).
	ImageIDs List[string] `url:"imageIds,omitempty"`
	// Status keeps images in this status; 0 means any. API 3.0 has no
	// such filter: under [API3] a Status is an [*ArgError] (check
	// Image.Status instead).
	Status ImageStatus `url:"status,omitempty"`
}

const maxImageIDs = 10

type describeImagesResponse struct {
	envelope
	TotalCount jsonInt     `json:"totalCount"`
	ImageSet   []imageJSON `json:"imageSet"`
}

func (o *ImageListOptions) check() (ImageListOptions, error) {
	if o == nil {
		return ImageListOptions{}, &ArgError{Arg: "opts", Reason: "is required: DescribeImages needs an image Type"}
	}
	if o.Type < ImagePrivate || o.Type > ImageShared {
		return *o, &ArgError{Arg: "Type", Reason: "must be ImagePrivate, ImagePublic, ImageMarket or ImageShared"}
	}
	return *o, nil
}

func (s *ImagesService) page(ctx context.Context, o ImageListOptions) (page[Image], *Response, error) {
	var out describeImagesResponse
	resp, err := s.client.do(ctx, "DescribeImages", &o, &out)
	if err != nil {
		return page[Image]{}, resp, err
	}
	if out.TotalCount < 0 {
		return page[Image]{}, resp, &ResponseError{Action: "DescribeImages", HTTPStatusCode: 200, Reason: fmt.Sprintf("negative total count %d", out.TotalCount)}
	}
	items := make([]Image, len(out.ImageSet))
	for i := range out.ImageSet {
		items[i] = out.ImageSet[i].image()
	}
	resp.TotalCount = int(out.TotalCount)
	return page[Image]{items, int(out.TotalCount)}, resp, nil
}

func (s *ImagesService) lister(o ImageListOptions) lister[Image] {
	return lister[Image]{
		arg: "ImageIDs", ids: o.ImageIDs, per: maxImageIDs, opts: o.ListOptions,
		key: func(i Image) string { return i.ID },
		fetch: func(ctx context.Context, ids []string, off, lim int) (page[Image], *Response, error) {
			c := o
			c.ImageIDs, c.Offset, c.Limit = ids, off, lim
			return s.page(ctx, c)
		},
	}
}

// List returns one page of the images matching opts, and the total in
// Response.TotalCount. More than 10 ImageIDs are sent in several calls and
// merged.
//
// It calls the DescribeImages action.
func (s *ImagesService) List(ctx context.Context, opts *ImageListOptions) ([]Image, *Response, error) {
	o, err := opts.check()
	if err != nil {
		return nil, nil, err
	}
	return s.lister(o).list(ctx)
}

// All returns an iterator over every image matching opts, fetching pages as
// the loop goes; see [InstancesService.All].
//
// It calls the DescribeImages action.
func (s *ImagesService) All(ctx context.Context, opts *ImageListOptions) iter.Seq2[Image, error] {
	o, err := opts.check()
	if err != nil {
		return errSeq[Image](err)
	}
	return s.lister(o).all(ctx)
}

// Get returns one image, of whatever type; an error matching [ErrNotFound]
// when there is none.
//
// It calls the DescribeImages action, which takes one image type at a time:
// once per type until it finds the image (private, shared, public, then
// marketplace images), so at most four times.
func (s *ImagesService) Get(ctx context.Context, id string) (*Image, *Response, error) {
	if err := checkID("id", id); err != nil {
		return nil, nil, err
	}
	found, resp, err := s.byID(ctx, []string{id})
	if err != nil {
		return nil, resp, err
	}
	if img, ok := found[id]; ok {
		return &img, resp, nil
	}
	return nil, resp, &APIError{Action: "DescribeImages", Code: CodeNotFound, Message: "image " + id + " not found"}
}

// imageTypesToSearch is the order in which byID asks the image types: the
// account's own images first, as Get and WaitStatus are most often asked of
// them.
var imageTypesToSearch = [...]ImageType{ImagePrivate, ImageShared, ImagePublic, ImageMarket}

// byID finds the images of ids, asking DescribeImages type by type for the
// ids not found yet.
func (s *ImagesService) byID(ctx context.Context, ids []string) (map[string]Image, *Response, error) {
	found := map[string]Image{}
	var resp *Response
	for _, typ := range imageTypesToSearch {
		var missing []string
		for _, id := range ids {
			if _, ok := found[id]; !ok {
				missing = append(missing, id)
			}
		}
		if len(missing) == 0 {
			break
		}
		for ch := range chunks(missing, MaxPageSize) {
			list, r, err := s.List(ctx, &ImageListOptions{ListOptions: ListOptions{Limit: MaxPageSize}, Type: typ, ImageIDs: ch})
			resp = r
			if err != nil {
				return nil, resp, err
			}
			for _, img := range list {
				found[img.ID] = img
			}
		}
	}
	return found, resp, nil
}

var imageNameRE = regexp.MustCompile(`^[A-Za-z0-9-]{1,16}$`)

// ImageCreateRequest makes a custom image of a stopped instance.
type ImageCreateRequest struct {
	InstanceID string `url:"instanceId"`
	// Name is 1 to 16 letters, digits or '-', unique in the region.
	Name string `url:"imageName"`
	// Description is at most 64 characters.
	Description string `url:"imageDescription,omitempty"`
}

type createImageResponse struct {
	envelope
	RequestID jsonString `json:"requestId"`
	ImageID   jsonString `json:"unImgId"`
}

// Create makes a custom image of a stopped instance and returns the
// asynchronous task's id. The image is [ImageCreating], then
// [ImageNormal]; a region holds at most 10 custom images.
//
// It calls the CreateImage action.
func (s *ImagesService) Create(ctx context.Context, req *ImageCreateRequest) (string, *Response, error) {
	if req == nil {
		return "", nil, &ArgError{Arg: "req", Reason: "is nil"}
	}
	if err := checkID("InstanceID", req.InstanceID); err != nil {
		return "", nil, err
	}
	if !imageNameRE.MatchString(req.Name) {
		return "", nil, &ArgError{Arg: "Name", Reason: fmt.Sprintf("must be 1 to 16 letters, digits or '-', got %q", req.Name)}
	}
	if utf8.RuneCountInString(req.Description) > 64 {
		return "", nil, &ArgError{Arg: "Description", Reason: "must be at most 64 characters"}
	}
	var out createImageResponse
	resp, err := s.client.do(ctx, "CreateImage", req, &out)
	if err != nil {
		return "", resp, err
	}
	return string(out.RequestID), resp, nil
}

// Delete deletes custom images; images being created or in use cannot be.
//
// It calls the DeleteImages action. A partial failure is an [*APIError]
// with code 5400 and [APIError.Items] per image.
func (s *ImagesService) Delete(ctx context.Context, ids ...string) (*BatchResult, *Response, error) {
	return s.client.batch(ctx, "DeleteImages", "imageIds", ids, maxBatchIDs, nil)
}

// ImageUpdateRequest changes a custom image's name or description; nil
// fields are left as they are.
type ImageUpdateRequest struct {
	ImageID     string  `url:"imageId"`
	Name        *string `url:"imageName,omitempty"`
	Description *string `url:"imageDescription,omitempty"`
}

// Update changes a custom image's name or description. Shared images
// cannot be changed.
//
// It calls the ModifyImageAttributes action.
func (s *ImagesService) Update(ctx context.Context, req *ImageUpdateRequest) (*Response, error) {
	if req == nil {
		return nil, &ArgError{Arg: "req", Reason: "is nil"}
	}
	if err := checkID("ImageID", req.ImageID); err != nil {
		return nil, err
	}
	if req.Name != nil && !imageNameRE.MatchString(*req.Name) {
		return nil, &ArgError{Arg: "Name", Reason: fmt.Sprintf("must be 1 to 16 letters, digits or '-', got %q", *req.Name)}
	}
	if req.Description != nil && utf8.RuneCountInString(*req.Description) > 64 {
		return nil, &ArgError{Arg: "Description", Reason: "must be at most 64 characters"}
	}
	if req.Name == nil && req.Description == nil {
		return nil, &ArgError{Arg: "req", Reason: "changes nothing"}
	}
	return s.client.do(ctx, "ModifyImageAttributes", req, &batchResponse{})
}

// Sync copies custom images of the client's region to other regions (not
// North America). The copies are [ImageSyncing] there until done.
//
// It calls the SyncCvmImage action.
func (s *ImagesService) Sync(ctx context.Context, ids []string, regions ...string) (*Response, error) {
	if err := checkIDs("ids", ids); err != nil {
		return nil, err
	}
	if len(ids) > maxImageIDs {
		return nil, &ArgError{Arg: "ids", Reason: "at most 10 images per call"}
	}
	if len(regions) == 0 {
		return nil, &ArgError{Arg: "regions", Reason: "needs at least one destination"}
	}
	dst := make([]string, len(regions))
	for i, r := range regions {
		reg, ok := LookupRegion(r)
		if !ok {
			return nil, &ArgError{Arg: "regions", Reason: fmt.Sprintf("unknown region %q", r)}
		}
		dst[i] = reg.Short
	}
	return s.client.do(ctx, "SyncCvmImage", &imageSync{s.client.region.Short, ids, dst}, &batchResponse{})
}

// maxShareAccounts is how many accounts one image can be shared with.
const maxShareAccounts = 50

func (s *ImagesService) share(ctx context.Context, action, id string, accounts []string) (*Response, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	if len(accounts) == 0 || len(accounts) > maxShareAccounts {
		return nil, &ArgError{Arg: "accounts", Reason: "needs 1 to 50 account ids"}
	}
	for _, a := range accounts {
		if _, err := strconv.ParseUint(a, 10, 64); err != nil {
			return nil, &ArgError{Arg: "accounts", Reason: fmt.Sprintf("%q is not an account id (UIN)", a)}
		}
	}
	return s.client.do(ctx, action, &imageShare{id, accounts}, &batchResponse{})
}

// The image actions' requests of their own (the others take the exported
// request types): their url tags put them on the legacy wire; the API 3.0
// routes read them as they are.
type (
	imageSync struct {
		Src  string       `url:"srcRegion"`
		IDs  List[string] `url:"imgIdList"`
		Dsts List[string] `url:"dstRegion"` // short region codes
	}
	imageShare struct {
		ID   string       `url:"imageId"`
		UINs List[string] `url:"uinList"`
	}
	imageRefs struct {
		IDs List[string] `url:"imageIds"`
	}
)

// Share shares a custom image with other accounts of the same region (at
// most 50 per image).
//
// It calls the ShareImage action.
func (s *ImagesService) Share(ctx context.Context, id string, accounts ...string) (*Response, error) {
	return s.share(ctx, "ShareImage", id, accounts)
}

// Unshare stops sharing a custom image with accounts.
//
// It calls the CancelShareImage action.
func (s *ImagesService) Unshare(ctx context.Context, id string, accounts ...string) (*Response, error) {
	return s.share(ctx, "CancelShareImage", id, accounts)
}

// ImageShare is an account an image is shared with.
type ImageShare struct {
	Account string
	Since   time.Time
}

type shareInfoResponse struct {
	envelope
	Data struct {
		ImageList []struct {
			ImageID      jsonString `json:"imageId"`
			ShareUinInfo []struct {
				UIN            jsonString `json:"uin"`
				ShareTimeStamp jsonInt    `json:"shareTimeStamp"`
			} `json:"shareUinInfo"`
		} `json:"imageList"`
	} `json:"data"`
}

// Shares returns, for each image, the accounts it is shared with.
//
// It calls the GetImageShareUinInfo action (at most 10 ids per call; more
// are sent in several calls).
func (s *ImagesService) Shares(ctx context.Context, ids ...string) (map[string][]ImageShare, *Response, error) {
	if err := checkIDs("ids", ids); err != nil {
		return nil, nil, err
	}
	res := map[string][]ImageShare{}
	resp := &Response{}
	for chunk := range chunks(ids, maxImageIDs) {
		var out shareInfoResponse
		r, err := s.client.do(ctx, "GetImageShareUinInfo", &imageRefs{chunk}, &out)
		if r != nil {
			resp.add(r)
		}
		if err != nil {
			return nil, resp, err
		}
		for _, img := range out.Data.ImageList {
			list := []ImageShare{}
			for _, u := range img.ShareUinInfo {
				list = append(list, ImageShare{Account: string(u.UIN), Since: time.Unix(int64(u.ShareTimeStamp), 0)})
			}
			res[string(img.ImageID)] = list
		}
	}
	return res, resp, nil
}

// WaitStatus waits until every image of ids, of whatever type, has the
// status, polling DescribeImages as [InstancesService.WaitStatus] does. An
// image not found yet (one being created) counts as "not found".
func (s *ImagesService) WaitStatus(ctx context.Context, status ImageStatus, ids ...string) error {
	if err := checkIDs("ids", ids); err != nil {
		return err
	}
	return s.client.poll(ctx, "DescribeImages", "status "+status.String(), func(ctx context.Context) (bool, map[string]string, error) {
		found, _, err := s.byID(ctx, ids)
		if err != nil {
			return false, nil, err
		}
		last := map[string]string{}
		for _, id := range ids {
			img, ok := found[id]
			switch {
			case !ok:
				last[id] = "not found"
			case img.Status != status:
				last[id] = img.Status.String()
			}
		}
		return len(last) == 0, last, nil
	})
}

// ImageType says where an image comes from.
type ImageType int

// Image types.
const (
	ImagePrivate ImageType = 1 // custom images of the account
	ImagePublic  ImageType = 2
	ImageMarket  ImageType = 3 // the marketplace (not in North America)
	ImageShared  ImageType = 4 // shared with the account
)

// imageTypeNames are the documented names, by code.
var imageTypeNames = map[ImageType]string{ImagePrivate: "private", ImagePublic: "public", ImageMarket: "marketplace", ImageShared: "shared"}

// String names the image type: its documented name, such as "private",
// or "imagetype(n)" for a code the SDK does not know.
func (t ImageType) String() string { return enumName(imageTypeNames, t, "imagetype") }

// EncodeValues implements query.Encoder: the type's code.
func (t ImageType) EncodeValues(key string, v *url.Values) error {
	v.Set(key, strconv.Itoa(int(t)))
	return nil
}
