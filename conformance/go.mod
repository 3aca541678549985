module github.com/qcloud-legacy/cvm/conformance

go 1.26.0

require (
	github.com/qcloud-legacy/cvm v0.3.0
	github.com/stretchr/testify v1.12.1
	github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common v1.3.211
	github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm v1.3.100
	github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/tag v1.1.0
	github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc v1.0.1000
)

require (
	github.com/go-json-experiment/json v1.27.2 // indirect
	github.com/google/go-querystring v1.2.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/crypto v0.59.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	gopkg.in/ini.v1 v1.67.0 // indirect
)

replace github.com/qcloud-legacy/cvm => ../
