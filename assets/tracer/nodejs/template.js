// Datadog APM: send this app's traces to the Datadog agent on its EC2 host.
//
// Save this file as tracer.js beside your app's entry file and load it before
// anything else: start the app with `node --require ./tracer.js server.js`
// (instead of --require dd-trace/init), or make `require('./tracer')` the
// first line of server.js. It starts dd-trace at once, so that dd-trace can
// patch the modules loaded after it, then looks up the host's private IPv4 in
// the background and points the tracer at it with tracer.setUrl(). dd-trace
// sends finished spans in batches (every 2 s by default) to the address set
// at that moment, so the first spans are not lost when the answer comes
// quickly, as it does on EC2.
//
// The entryPoint recipe (app-container.json) is the alternative: it sets
// DD_AGENT_HOST before the app starts. Use one or the other. A DD_AGENT_HOST
// that is already set is kept as it is.
//
// When no address turns up within about 5 s, one line goes to stderr and the
// tracer keeps its default agent host: the app is never held up.
'use strict'

const tracer = require('dd-trace').init()
const net = require('net')
// ddecs-wizard: lookup

// unref(): a pending retry must not keep an app that has finished alive.
function pause (ms) {
  return new Promise(resolve => setTimeout(resolve, ms).unref())
}

// The first answer that is an IPv4 address; rejects saying why there is none.
async function agentHost () {
  let why = 'no answer'
  for (let attempt = 1; attempt <= TRIES; attempt++) {
    if (attempt > 1) await pause(PAUSE_MS)
    try {
      const answer = String(await lookup()).trim()
      if (net.isIPv4(answer)) return answer
      why = `the answer ${JSON.stringify(answer.slice(0, 40))} is not an IPv4 address`
    } catch (error) {
      why = error.message
    }
  }
  throw new Error(`no agent host from ${SOURCE} (${why.replace(/\s+/g, ' ')})`)
}

if (!process.env.DD_AGENT_HOST) {
  agentHost().then(
    host => tracer.setUrl(`http://${host}:8126`),
    error => console.error(`datadog: ${error.message}; the tracer keeps its default agent host`)
  )
}

module.exports = tracer
