package emulator

// Tags: key-value pairs on resources named the six-segment way,
// qcs::<service>:<region>:uin/<uin>:<prefix>/<id> (tag 2018-08-13). One
// store for the account, seen by the tag service and by the describes of
// the resources tagged (an instance's Tags, a group's TagSet). The tag
// service does not check that a resource exists [inferred: its pages
// document no error for a resource that does not; TagResources makes the
// tag itself when it is new], so tags are kept for any well-formed name,
// and dropped when the emulator's own resource is deleted.

import (
	"slices"
	"strconv"
	"strings"
)

// tagRes is a resource as the tag store keys it: the account's uin is the
// caller's, whatever the name gave (the Terraform provider leaves it
// empty: qcs::cvm:ap-guangzhou:uin/:instance/ins-xxx).
type tagRes struct{ service, region, prefix, id string }

// tagKV is one tag.
type tagKV struct{ key, value string }

// Limits of tag 2018-08-13, from the request models' comments: at most 9
// resources and 9 tags a call; a resource holds at most 50 tags
// [inferred: the console's documented quota]; keys of at most 127
// characters and values of at most 255 [inferred, likewise].
const (
	maxTagResourcesPerCall = 9
	maxTagsPerCall         = 9
	maxTagsPerResource     = 50
	maxTagKeyLen           = 127
	maxTagValueLen         = 255
)

// parseResourceName reads a six-segment name. uin is the account's: a
// name may give it or leave it empty.
func parseResourceName(name string, uin int64) (tagRes, bool) {
	seg := strings.Split(name, ":")
	if len(seg) != 6 || seg[0] != "qcs" || seg[2] == "" {
		return tagRes{}, false
	}
	u, ok := strings.CutPrefix(seg[4], "uin/")
	if !ok || u != "" && u != strconv.FormatInt(uin, 10) {
		return tagRes{}, false
	}
	prefix, id, ok := strings.Cut(seg[5], "/")
	if !ok || prefix == "" || id == "" {
		return tagRes{}, false
	}
	return tagRes{service: tagService(seg[2], prefix), region: seg[3], prefix: prefix, id: id}, true
}

// tagService is the service an address's tags are kept under. Tencent's
// Terraform provider reads and writes an EIP's tags as
// qcs::vpc:<region>:uin/:eip/<id> (its VPC_SERVICE_TYPE with
// EIP_RESOURCE_TYPE), which works against the real tag service, while CAM
// names addresses under cvm. The two name one resource here [inferred]:
// both are accepted, and an address's tags are listed under vpc.
func tagService(service, prefix string) string {
	if service == "cvm" && prefix == "eip" {
		return "vpc"
	}
	return service
}

// name is the resource's six-segment name with the account's uin.
func (r tagRes) name(uin int64) string {
	return "qcs::" + r.service + ":" + r.region + ":uin/" + strconv.FormatInt(uin, 10) + ":" + r.prefix + "/" + r.id
}

// tagStore is every resource's tags: one map, which the Server and each
// region share (as they share projects), so that a region drops the tags
// of what it deletes.
type tagStore map[tagRes][]tagKV

// tagsOf returns a resource's tags, by key.
func (s *Server) tagsOf(r tagRes) []tagKV { return s.tags[r] }

// setTags adds or updates tags on every resource; a resource would hold
// more than maxTagsPerResource is refused before anything changes.
func (s *Server) setTags(res []tagRes, kvs []tagKV) (over tagRes, ok bool) {
	for _, r := range res {
		n := len(s.tags[r])
		for _, kv := range kvs {
			if !slices.ContainsFunc(s.tags[r], func(t tagKV) bool { return t.key == kv.key }) {
				n++
			}
		}
		if n > maxTagsPerResource {
			return r, false
		}
	}
	for _, r := range res {
		s.tags.merge(r, kvs)
	}
	return tagRes{}, true
}

// merge adds or updates tags of r, keeping them sorted by key.
func (st tagStore) merge(r tagRes, kvs []tagKV) {
	cur := slices.Clone(st[r])
	for _, kv := range kvs {
		i, found := slices.BinarySearchFunc(cur, kv.key, func(t tagKV, k string) int { return strings.Compare(t.key, k) })
		if found {
			cur[i].value = kv.value
		} else {
			cur = slices.Insert(cur, i, kv)
		}
	}
	st[r] = cur
}

// unsetTags removes the keys from every resource (keys a resource does
// not have are no error).
func (s *Server) unsetTags(res []tagRes, keys []string) {
	for _, r := range res {
		cur := slices.DeleteFunc(s.tags[r], func(t tagKV) bool { return slices.Contains(keys, t.key) })
		if len(cur) == 0 {
			delete(s.tags, r)
		} else {
			s.tags[r] = cur
		}
	}
}

// dropTags forgets the tags of a resource the region deleted.
func (rg *region) dropTags(service, prefix, id string) {
	delete(rg.tags, tagRes{service, longRegion(rg.code), prefix, id})
}

// tagged lists the tagged resources matching pred, in a stable order.
func (s *Server) tagged(pred func(tagRes, []tagKV) bool) []tagRes {
	var out []tagRes
	for r, kvs := range s.tags {
		if pred(r, kvs) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b tagRes) int {
		return strings.Compare(a.service+":"+a.region+":"+a.prefix+"/"+a.id, b.service+":"+b.region+":"+b.prefix+"/"+b.id)
	})
	return out
}

// tagSet3 is a resource's tags as the cvm and vpc answers show them
// ({"Key","Value"}).
func (rg *region) tagSet3(service, prefix, id string) []map[string]any {
	kvs := rg.tags[tagRes{service, longRegion(rg.code), prefix, id}]
	out := make([]map[string]any, len(kvs))
	for i, kv := range kvs {
		out[i] = map[string]any{"Key": kv.key, "Value": kv.value}
	}
	return out
}

// tagNew tags a resource the region just made with what its creation
// asked for (Tags, or TagSpecification of the resource's type).
func (rg *region) tagNew(service, prefix, id string, kvs []tagKV) {
	if len(kvs) == 0 {
		return
	}
	// At most maxTagsPerCall, checked when read: within the resource's limit.
	rg.tags.merge(tagRes{service, longRegion(rg.code), prefix, id}, kvs)
}

// tagMatch judges the tag filters (tag-key, tag-value, tag:<key>) of a
// resource; known is false for any other filter.
func (rg *region) tagMatch(f filter, service, prefix, id string) (matched, known bool) {
	kvs := rg.tags[tagRes{service, longRegion(rg.code), prefix, id}]
	switch {
	case f.name == "tag-key":
		return slices.ContainsFunc(kvs, func(t tagKV) bool { return f.contains(t.key) }), true
	case f.name == "tag-value":
		return slices.ContainsFunc(kvs, func(t tagKV) bool { return f.contains(t.value) }), true
	case strings.HasPrefix(f.name, "tag:"):
		key := strings.TrimPrefix(f.name, "tag:")
		return slices.ContainsFunc(kvs, func(t tagKV) bool { return t.key == key && f.contains(t.value) }), true
	}
	return false, false
}
