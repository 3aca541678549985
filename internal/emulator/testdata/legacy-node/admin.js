// Drives the emulator's admin API from Node (plain HTTP and JSON), with
// Tencent's legacy Node.js SDK making the API calls, the way a test suite in
// another language would use the emulator. Prints one JSON line per step.
// Usage: node admin.js HOST:PORT SECRET_ID SECRET_KEY
const Capi = require('qcloudapi-sdk')
require('./distinct-nonces')

const [host, SecretId, SecretKey] = process.argv.slice(2)
const base = 'http://' + host + '/_emulator/'

function call(name, data) {
  const capi = new Capi({ SecretId, SecretKey, Region: 'gz', serviceType: 'cvm', protocol: 'http', host })
  return new Promise((resolve) => {
    capi.request(data, (err, body) => {
      console.log(JSON.stringify({ name, err: err ? String(err) : null, body }))
      resolve(body)
    })
  })
}

async function admin(name, method, path, body) {
  // Writes say they are JSON: the admin API refuses any other write, as a
  // web page could send it cross-site.
  const headers = method === 'GET' ? {} : { 'Content-Type': 'application/json' }
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  console.log(JSON.stringify({ name, status: res.status, body: JSON.parse(text) }))
  return JSON.parse(text)
}

async function main() {
  await admin('health', 'GET', 'health')
  await admin('reset', 'POST', 'reset')
  await admin('seed', 'POST', 'seed', { regions: { gz: { keyPairs: ['deploy', 'backup'], securityGroups: ['web'] } } })
  await call('keys', { Action: 'DescribeKeyPairs' })
  await admin('seed-bad', 'POST', 'seed', { regions: { gz: { servers: 3 } } })
  const run = await call('run', {
    Action: 'RunInstancesHour', zoneId: 100003, cpu: 1, mem: 1, imageId: 'img-31tjrtph',
    storageSize: 0, bandwidth: 1, goodsNum: 1, clientToken: 'node-admin-1'
  })
  const ids = (run && run.unInstanceIds) || []
  await call('creating', { Action: 'DescribeInstances', instanceIds: ids })
  await admin('advance', 'POST', 'clock', { advance: '1m' })
  await call('running', { Action: 'DescribeInstances', instanceIds: ids })
  await admin('fault', 'POST', 'faults', { action: 'DescribeInstances', code: 6000, message: 'injected by node', times: 1 })
  await call('faulted', { Action: 'DescribeInstances' })
  await call('after-fault', { Action: 'DescribeInstances' })
  const state = await admin('state', 'GET', 'state')
  await admin('reset-again', 'POST', 'reset')
  await call('after-reset', { Action: 'DescribeInstances' })
  await admin('restore', 'PUT', 'state', state)
  await call('after-restore', { Action: 'DescribeInstances' })
  await admin('requests', 'GET', 'requests')
}

main()
