const http = require('http')

const IMDS = 'http://169.254.169.254/latest/'

// One IMDS request with a 1 s timeout; resolves to the body of a 200 answer.
// `agent: false` gives the request a fresh agent, so it never goes through a
// proxy that NODE_USE_ENV_PROXY puts on the global one.
function imds (method, path, headers = {}) {
  return new Promise((resolve, reject) => {
    const request = http.request(IMDS + path, { method, headers, agent: false, timeout: 1000 })
    request.on('timeout', () => request.destroy(new Error(`${method} ${path}: no answer within 1 s`)))
    request.on('error', reject)
    request.on('response', response => {
      let body = ''
      response.setEncoding('latin1')
      response.on('data', chunk => { body = (body + chunk).slice(0, 256) })
      response.on('error', reject)
      response.on('end', () => {
        if (response.statusCode === 200) resolve(body)
        else reject(new Error(`${method} ${path}: HTTP ${response.statusCode}`))
      })
    })
    request.end()
  })
}
