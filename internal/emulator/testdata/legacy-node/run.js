// Drives Tencent's legacy Node.js SDK (qcloudapi-sdk) against the emulator,
// the way its README shows, and prints one JSON line per call.
// Usage: node run.js HOST:PORT SECRET_ID SECRET_KEY
const Capi = require('qcloudapi-sdk')
require('./distinct-nonces')

const [host, SecretId, SecretKey] = process.argv.slice(2)

function call(name, opts, data) {
  const capi = new Capi(Object.assign({ SecretId, SecretKey, Region: 'gz', serviceType: 'cvm', protocol: 'http', host }, opts))
  return new Promise((resolve) => {
    capi.request(data, (err, body) => {
      console.log(JSON.stringify({ name, err: err ? String(err) : null, body }))
      resolve(body)
    })
  })
}

async function main() {
  await call('zones-post-sha1', {}, { Action: 'DescribeAvailabilityZones' })
  await call('zones-get-sha1', { method: 'GET' }, { Action: 'DescribeAvailabilityZones' })
  await call('zones-post-sha256', { signatureMethod: 'sha256' }, { Action: 'DescribeAvailabilityZones' })
  await call('zones-get-sha256', { method: 'GET', signatureMethod: 'sha256' }, { Action: 'DescribeAvailabilityZones' })
  const run = await call('run', {}, {
    Action: 'RunInstancesHour', zoneId: 100003, cpu: 1, mem: 1, imageId: 'img-31tjrtph',
    storageSize: 0, bandwidth: 1, goodsNum: 2, instanceName: 'node sdk 实例', clientToken: 'node-1'
  })
  const ids = (run && run.unInstanceIds) || []
  await call('describe', {}, { Action: 'DescribeInstances', instanceIds: ids, limit: 100 })
  // Nested lists (dot-qs flattens them to name.N.field).
  await call('sg', { serviceType: 'dfw' }, { Action: 'CreateSecurityGroup', sgName: 'node-web' })
  await call('stop-bad', {}, { Action: 'StopInstances', instanceIds: ids.concat(['ins-nothere']) })
  // The live test's "special parameters" case, verbatim: UTF-8, an
  // underscore name, a POST value starting with "@" (sent, not signed),
  // undefined, null, false, NaN, a number, odd names.
  await call('special', {}, {
    Action: 'DescribeAvailabilityZones', test: '中文', test_1: 'test_1', test_2: '@test2',
    undefined: undefined, null: null, false: false, number: 0, '1.1': 1, '1a': '1a',
    _1_a_: '_1_a_', empty: '', NaN: NaN
  })
  // A password that starts with "@" (spec §12), by POST and by GET, on
  // the instances stop-bad stopped; ids named the PHP way, with underscores.
  await call('reset-at-post', {}, { Action: 'ResetInstancePassword', instanceIds_0: ids[0], password: '@Passw0rd1' })
  await call('reset-at-get', { method: 'GET' }, { Action: 'ResetInstancePassword', instanceIds_0: ids[1], password: '@Passw0rd2' })
  await call('reset-at-post-sha256', { signatureMethod: 'sha256' }, { Action: 'ResetInstancePassword', instanceIds: ids, password: '@Passw0rd3' })
  await call('bad-key', { SecretKey: 'wrong' }, { Action: 'DescribeAvailabilityZones' })
  await call('bad-region', { Region: 'mars' }, { Action: 'DescribeAvailabilityZones' })
}

main()
