package emulator

// API 3.0 actions of service tag 2018-08-13 on resources' tags
// (core_tags.go): TagResources, UnTagResources,
// DescribeResourceTagsByResourceIds, DescribeResourceTags and GetResources.
// The service is global: X-TC-Region may be left out. Limits and error
// codes are from the request models' comments and the SDK's error list.

import (
	"crypto/md5"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

func init() {
	register3("tag", map[string]handler3{
		"TagResources":                      {fn: (*Server).tagResources3, noRegion: true},
		"UnTagResources":                    {fn: (*Server).untagResources3, noRegion: true},
		"ModifyResourceTags":                {fn: (*Server).modifyResourceTags3, noRegion: true},
		"DescribeResourceTagsByResourceIds": {fn: (*Server).describeResourceTagsByResourceIds3, reads: true, noRegion: true},
		"DescribeResourceTags":              {fn: (*Server).describeResourceTags3, reads: true, noRegion: true},
		"GetResources":                      {fn: (*Server).getResources3, reads: true, noRegion: true},
	})
}

// resourceList3 reads ResourceList: 1 to 9 six-segment names.
func (s *Server) resourceList3(c *call3, required bool) ([]tagRes, *api3Err) {
	names := c.q.list("ResourceList")
	switch {
	case required && len(names) == 0:
		return nil, err3("MissingParameter", "the parameter ResourceList is required")
	case len(names) > maxTagResourcesPerCall:
		return nil, err3("LimitExceeded.ResourceNumPerRequest", "ResourceList takes at most %d resources, got %d", maxTagResourcesPerCall, len(names))
	}
	out := make([]tagRes, 0, len(names))
	for _, n := range names {
		r, ok := parseResourceName(n, s.appID)
		if !ok {
			return nil, err3("InvalidParameterValue.ResourceDescriptionError",
				"the resource %q is not a six-segment name such as qcs::cvm:ap-guangzhou:uin/:instance/ins-xxxxxxxx", n)
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// checkTagKey checks a tag key as TagResources and UnTagResources take it.
func checkTagKey(k string) *api3Err {
	switch lower := strings.ToLower(k); {
	case k == "":
		return err3("InvalidParameterValue.TagKeyEmpty", "a tag key is empty")
	case utf8.RuneCountInString(k) > maxTagKeyLen:
		return err3("InvalidParameterValue.TagKeyLengthExceeded", "the tag key %q is longer than %d characters", k, maxTagKeyLen)
	case strings.HasPrefix(lower, "qcloud:") || strings.HasPrefix(lower, "tencent:") || strings.HasPrefix(lower, "project"):
		// [inferred: the console reserves these prefixes for system tags]
		return err3("InvalidParameterValue.ReservedTagKey", "the tag key %q is reserved", k)
	case strings.ContainsFunc(k, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return err3("InvalidParameterValue.TagKeyCharacterIllegal", "the tag key %q holds a control character", k)
	}
	return nil
}

// tagSpec3 reads the tags a creation asks for its resource of type
// resourceType: TagSpecification.N with that ResourceType (cvm), or Tags
// (vpc); each tag {Key, Value}.
func tagSpec3(c *call3, resourceType string) ([]tagKV, *api3Err) {
	var out []tagKV
	for _, spec := range c.q.objects("TagSpecification") {
		if t := spec.Get("ResourceType"); t != resourceType {
			return nil, err3("InvalidParameterValue", "TagSpecification.ResourceType %q: this action makes resources of type %s", t, resourceType)
		}
		kvs, err := tagsOf3(&p{v: spec}, "Tags", "Key", "Value")
		if err != nil {
			return nil, err
		}
		out = append(out, kvs...)
	}
	kvs, err := tagsOf3(c.q, "Tags", "Key", "Value")
	if err != nil {
		return nil, err
	}
	out = append(out, kvs...)
	if len(out) > maxTagsPerCall {
		return nil, err3("LimitExceeded.TagNumPerRequest", "at most %d tags, got %d", maxTagsPerCall, len(out))
	}
	return out, nil
}

// tagsOf3 reads a list of tags ({TagKey, TagValue} under name, or {Key,
// Value} as the cvm and vpc actions take them), checked by checkTags.
func tagsOf3(q *p, name, keyField, valueField string) ([]tagKV, *api3Err) {
	objs := q.objects(name)
	if len(objs) > maxTagsPerCall {
		return nil, err3("LimitExceeded.TagNumPerRequest", "%s takes at most %d tags, got %d", name, maxTagsPerCall, len(objs))
	}
	out := make([]tagKV, 0, len(objs))
	for _, o := range objs {
		out = append(out, tagKV{key: o.Get(keyField), value: o.Get(valueField)})
	}
	if err := checkTags(out); err != nil {
		return nil, err
	}
	return out, nil
}

// checkTags checks tags as TagResources does: each key by checkTagKey,
// each value 1 to maxTagValueLen characters, no key twice.
func checkTags(kvs []tagKV) *api3Err {
	for i, kv := range kvs {
		if err := checkTagKey(kv.key); err != nil {
			return err
		}
		switch {
		case kv.value == "":
			return err3("InvalidParameterValue.TagValueEmpty", "the tag %q has an empty value", kv.key)
		case utf8.RuneCountInString(kv.value) > maxTagValueLen:
			return err3("InvalidParameterValue.TagValueLengthExceeded", "the value of tag %q is longer than %d characters", kv.key, maxTagValueLen)
		case slices.ContainsFunc(kvs[:i], func(t tagKV) bool { return t.key == kv.key }):
			return err3("InvalidParameterValue.TagKeyDuplicate", "the tag key %q is given twice", kv.key)
		}
	}
	return nil
}

func (s *Server) tagResources3(c *call3) (map[string]any, *api3Err) {
	res, err := s.resourceList3(c, true)
	if err != nil {
		return nil, err
	}
	kvs, err := tagsOf3(c.q, "Tags", "TagKey", "TagValue")
	if err != nil {
		return nil, err
	}
	if len(kvs) == 0 {
		return nil, err3("MissingParameter", "the parameter Tags is required")
	}
	if r, ok := s.setTags(res, kvs); !ok {
		return nil, err3("LimitExceeded.ResourceAttachedTags", "the resource %s would hold more than %d tags", r.name(s.appID), maxTagsPerResource)
	}
	return map[string]any{"FailedResources": []any{}}, nil
}

func (s *Server) untagResources3(c *call3) (map[string]any, *api3Err) {
	res, err := s.resourceList3(c, true)
	if err != nil {
		return nil, err
	}
	keys := c.q.list("TagKeys")
	switch {
	case len(keys) == 0:
		return nil, err3("MissingParameter", "the parameter TagKeys is required")
	case len(keys) > maxTagsPerCall:
		return nil, err3("LimitExceeded.TagNumPerRequest", "TagKeys takes at most %d keys, got %d", maxTagsPerCall, len(keys))
	}
	for _, k := range keys {
		if k == "" {
			return nil, err3("InvalidParameterValue.TagKeyEmpty", "a tag key is empty")
		}
	}
	s.unsetTags(res, keys)
	return map[string]any{"FailedResources": []any{}}, nil
}

// modifyResourceTags3 replaces and removes tags of one resource, as the
// Terraform provider changes every resource's tags: ReplaceTags or
// DeleteTags (at least one, neither empty, at most 10 each, no key in
// both).
func (s *Server) modifyResourceTags3(c *call3) (map[string]any, *api3Err) {
	name, err := str3(c, "Resource", true)
	if err != nil {
		return nil, err
	}
	r, ok := parseResourceName(name, s.appID)
	if !ok {
		return nil, err3("InvalidParameterValue.ResourceDescriptionError", "the resource %q is not a six-segment name", name)
	}
	replace, err := tagsOf3(c.q, "ReplaceTags", "TagKey", "TagValue")
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, o := range c.q.objects("DeleteTags") {
		k := o.Get("TagKey")
		if k == "" {
			return nil, err3("InvalidParameterValue.TagKeyEmpty", "a tag key to delete is empty")
		}
		keys = append(keys, k)
	}
	switch {
	case len(replace) == 0 && len(keys) == 0:
		return nil, err3("MissingParameter", "give ReplaceTags or DeleteTags")
	case len(replace) > 10 || len(keys) > 10:
		return nil, err3("LimitExceeded.TagNumPerRequest", "ReplaceTags and DeleteTags take at most 10 tags each")
	}
	for _, kv := range replace {
		if slices.Contains(keys, kv.key) {
			return nil, err3("InvalidParameterValue.DeleteTagsParamError", "the tag key %q is both replaced and deleted", kv.key)
		}
	}
	if over, ok := s.setTags([]tagRes{r}, replace); !ok {
		return nil, err3("LimitExceeded.ResourceAttachedTags", "the resource %s would hold more than %d tags", over.name(s.appID), maxTagsPerResource)
	}
	s.unsetTags([]tagRes{r}, keys)
	return map[string]any{}, nil
}

// tagRow is one tag of one resource, as the Describe actions list it.
func tagRow(r tagRes, kv tagKV) map[string]any {
	return map[string]any{"TagKey": kv.key, "TagValue": kv.value, "ResourceId": r.id, "TagKeyMd5": md5hex(kv.key),
		"TagValueMd5": md5hex(kv.value), "ServiceType": r.service, "Category": "Custom"}
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// tagPage3 reads Offset and Limit of the tag Describes: Limit 1 to 1000
// (15 when absent) [inferred: the pages give the default only], Offset a
// multiple of it (InvalidParameterValue.OffsetInvalid otherwise, as the
// models' comments require).
func tagPage3(c *call3) (offset, limit int, err *api3Err) {
	if limit, err = int3(c, "Limit", false, 15, 1, 1000); err != nil {
		return 0, 0, err
	}
	if offset, err = int3(c, "Offset", false, 0, 0, 1<<31-1); err != nil {
		return 0, 0, err
	}
	if offset%limit != 0 {
		return 0, 0, err3("InvalidParameterValue.OffsetInvalid", "Offset %d must be a multiple of Limit %d", offset, limit)
	}
	return offset, limit, nil
}

// tagRows3 answers a Describe of tag rows, a page of them.
func tagRows3(rows []map[string]any, offset, limit int, member string) map[string]any {
	return map[string]any{"TotalCount": len(rows), "Offset": offset, "Limit": limit, member: pageOf(rows, offset, limit)}
}

func (s *Server) describeResourceTagsByResourceIds3(c *call3) (map[string]any, *api3Err) {
	svc, err := str3(c, "ServiceType", true)
	if err != nil {
		return nil, err
	}
	prefix, err := str3(c, "ResourcePrefix", true)
	if err != nil {
		return nil, err
	}
	ids, err := ids3(c, "ResourceIds", true, 50)
	if err != nil {
		return nil, err
	}
	region, _ := str3(c, "ResourceRegion", false)
	if _, err := oneOf3(c, "Category", "All", "All", "Custom", "System"); err != nil {
		return nil, err
	}
	offset, limit, err := tagPage3(c)
	if err != nil {
		return nil, err
	}
	rows := []map[string]any{}
	if c.q.v.Get("Category") != "System" { // every tag here is a custom one
		for _, id := range ids {
			r := tagRes{tagService(svc, prefix), region, prefix, id}
			for _, kv := range s.tagsOf(r) {
				rows = append(rows, tagRow(r, kv))
			}
		}
	}
	return tagRows3(rows, offset, limit, "Tags"), nil
}

func (s *Server) describeResourceTags3(c *call3) (map[string]any, *api3Err) {
	offset, limit, err := tagPage3(c)
	if err != nil {
		return nil, err
	}
	if uin := c.q.v.Get("CreateUin"); uin != "" && uin != strconv.FormatInt(s.appID, 10) {
		return tagRows3([]map[string]any{}, offset, limit, "Rows"), nil
	}
	want := func(field, got string) bool { v := c.q.v.Get(field); return v == "" || v == got }
	svc := c.q.v.Get("ServiceType")
	if svc != "" {
		svc = tagService(svc, c.q.v.Get("ResourcePrefix"))
	}
	rows := []map[string]any{}
	for _, r := range s.tagged(func(r tagRes, _ []tagKV) bool {
		return want("ResourceRegion", r.region) && (svc == "" || svc == r.service) && want("ResourcePrefix", r.prefix) &&
			want("ResourceId", r.id)
	}) {
		for _, kv := range s.tagsOf(r) {
			rows = append(rows, tagRow(r, kv))
		}
	}
	return tagRows3(rows, offset, limit, "Rows"), nil
}

func (s *Server) getResources3(c *call3) (map[string]any, *api3Err) {
	res, err := s.resourceList3(c, false)
	if err != nil {
		return nil, err
	}
	filters := c.q.objects("TagFilters")
	if len(filters) > 5 {
		return nil, err3("InvalidParameterValue.TagFiltersLengthExceeded", "TagFilters takes at most 5 filters, got %d", len(filters))
	}
	type tagFilter struct {
		key    string
		values []string
	}
	var fs []tagFilter
	for _, f := range filters {
		tf := tagFilter{key: f.Get("TagKey"), values: (&p{v: f}).list("TagValue")}
		if tf.key == "" {
			return nil, err3("InvalidParameterValue.TagFilters", "a TagFilter has no TagKey")
		}
		if len(tf.values) > 10 {
			return nil, err3("InvalidParameterValue.TagFilters", "a TagFilter takes at most 10 values, got %d", len(tf.values))
		}
		fs = append(fs, tf)
	}
	max, err := int3(c, "MaxResults", false, 50, 1, 200)
	if err != nil {
		return nil, err
	}
	from := 0
	if tok := c.q.v.Get("PaginationToken"); tok != "" {
		n, e := strconv.Atoi(tok)
		if e != nil || n < 0 {
			return nil, err3("InvalidParameter.PaginationTokenInvalid", "the PaginationToken %q is not one this service gave", tok)
		}
		from = n
	}
	matches := s.tagged(func(r tagRes, kvs []tagKV) bool {
		if len(res) > 0 && !slices.Contains(res, r) {
			return false
		}
		for _, f := range fs {
			i := slices.IndexFunc(kvs, func(t tagKV) bool { return t.key == f.key })
			if i < 0 || len(f.values) > 0 && !slices.Contains(f.values, kvs[i].value) {
				return false
			}
		}
		return true
	})
	if len(res) > 0 {
		max = len(matches) // a ResourceList answers every match (MaxResults does not apply)
	}
	list := []map[string]any{}
	next := ""
	for i := from; i < len(matches); i++ {
		if len(list) == max {
			next = strconv.Itoa(i)
			break
		}
		r := matches[i]
		tags := []map[string]any{}
		for _, kv := range s.tagsOf(r) {
			tags = append(tags, map[string]any{"TagKey": kv.key, "TagValue": kv.value, "Category": "Custom"})
		}
		list = append(list, map[string]any{"Resource": r.name(s.appID), "Tags": tags})
	}
	return map[string]any{"PaginationToken": next, "ResourceTagMappingList": list}, nil
}
