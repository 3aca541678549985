// A CI pipeline in another language, against a running cvm-emulator: it
// reads the settings line the emulator printed (-print-settings json, given
// here in CVM_SETTINGS), seeds named resources, aims a fault at one
// instance, and asserts on the request log, with Tencent's legacy Node.js
// SDK making the API calls. Prints one JSON line per step.
const Capi = require('qcloudapi-sdk')
require('./distinct-nonces')

const settings = JSON.parse(process.env.CVM_SETTINGS)
const host = new URL(settings.endpoint).host
const admin = settings.admin

function call(name, data) {
  const capi = new Capi({
    SecretId: settings.secretId, SecretKey: settings.secretKey, Region: settings.region,
    serviceType: 'cvm', protocol: 'http', host
  })
  return new Promise((resolve) => {
    capi.request(data, (err, body) => {
      console.log(JSON.stringify({ name, err: err ? String(err) : null, body }))
      resolve(body)
    })
  })
}

async function adminCall(name, method, path, body) {
  const headers = method === 'GET' ? {} : { 'Content-Type': 'application/json' }
  const res = await fetch(admin + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  console.log(JSON.stringify({ name, status: res.status, body: JSON.parse(text) }))
  return JSON.parse(text)
}

async function main() {
  const seeded = await adminCall('seed', 'POST', 'seed', {
    regions: {
      [settings.region]: {
        instances: [{ name: 'web-1', cpu: 2, memoryGB: 4 }, { name: 'web-2' }, { name: 'db-1', status: 'stopped' }],
        eips: [{ name: 'pub-1', instance: 'web-1' }]
      }
    }
  })
  const [web1, web2] = seeded.regions[settings.region].instances
  await adminCall('fault', 'POST', 'faults', { action: 'RestartInstances', code: 6000, message: 'web-2 is sick', ids: [web2] })
  await call('restart-web-1', { Action: 'RestartInstances', instanceIds: [web1] })
  await call('restart-web-2', { Action: 'RestartInstances', instanceIds: [web2] })
  await adminCall('clear', 'DELETE', 'requests')
  await call('stop-web-2', { Action: 'StopInstances', instanceIds: [web2] })
  await call('describe', { Action: 'DescribeInstances', limit: 10 })
  await adminCall('stops', 'GET', 'requests?action=StopInstances')
  await adminCall('all', 'GET', 'requests')
}

main()
