package cvm

import "strings"

// Region is a region of the legacy API, known by a short code (what the
// legacy API documents, such as "gz") and a long one (what the newer API uses,
// such as "ap-guangzhou").
type Region struct {
	// Short is the legacy code sent on the wire, such as "gz".
	Short string
	// Long is the newer name, such as "ap-guangzhou".
	Long string
	// Name is the region's name in the console, such as "广州".
	Name string
}

// regions lists the regions of the legacy API's region table, with the
// long names from Tencent's later documentation.
var regions = []Region{
	{"bj", "ap-beijing", "北京"},
	{"bjjr", "ap-beijing-fsi", "北京金融"},
	{"ca", "na-toronto", "北美(多伦多)"},
	{"cd", "ap-chengdu", "成都"},
	{"cq", "ap-chongqing", "重庆"},
	{"de", "eu-frankfurt", "德国(法兰克福)"},
	{"gz", "ap-guangzhou", "广州"},
	{"gzopen", "ap-guangzhou-open", "广州OPEN"},
	{"hk", "ap-hongkong", "香港"},
	{"in", "ap-mumbai", "印度(孟买)"},
	{"jp", "ap-tokyo", "日本(东京)"},
	{"kr", "ap-seoul", "韩国(首尔)"},
	{"nj", "ap-nanjing", "南京"},
	{"ru", "eu-moscow", "俄罗斯(莫斯科)"},
	{"sg", "ap-singapore", "新加坡"},
	{"sh", "ap-shanghai", "上海"},
	{"shjr", "ap-shanghai-fsi", "上海金融"},
	{"szjr", "ap-shenzhen-fsi", "深圳金融"},
	{"szx", "ap-shenzhen", "深圳"},
	{"th", "ap-bangkok", "泰国(曼谷)"},
	{"tpe", "ap-taipei", "台北"},
	{"tsn", "ap-tianjin", "天津"},
	{"use", "na-ashburn", "美东(弗吉尼亚)"},
	{"usw", "na-siliconvalley", "美西(硅谷)"},
}

// Regions returns the regions the SDK knows, sorted by short code.
func Regions() []Region { return append([]Region(nil), regions...) }

// LookupRegion finds a region by its short or long code, ignoring case.
func LookupRegion(code string) (Region, bool) {
	code = strings.ToLower(strings.TrimSpace(code))
	for _, r := range regions {
		if r.Short == code || r.Long == code {
			return r, true
		}
	}
	return Region{}, false
}
