// Signs parameter sets with Tencent's legacy Node.js SDK (qcloudapi-sdk),
// unchanged, for the Go SDK's cross-check. Reads one JSON object a line on
// stdin: {method, host, path, secretId, secretKey, sha256, params}; writes
// one line per input: the query string the SDK would send, Signature
// included. Timestamp, Nonce and Region come from params, which override the
// SDK's own (it merges the caller's data over its defaults).
const Capi = require('qcloudapi-sdk')
const readline = require('readline')

const rl = readline.createInterface({ input: process.stdin })
rl.on('line', (line) => {
  const c = JSON.parse(line)
  const capi = new Capi({
    SecretId: c.secretId,
    SecretKey: c.secretKey,
    host: c.host,
    path: c.path,
    method: c.method,
    signatureMethod: c.sha256 ? 'sha256' : 'sha1'
  })
  const opts = Object.assign({}, capi.defaults)
  process.stdout.write(capi.generateQueryString(c.params, opts) + '\n')
})
