const fs = require('fs')

// Auto: the ECS container metadata file when ECS names one, else IMDSv2, else
// IMDSv1 (asked only when no token comes). ECS writes the file a moment after
// the container starts, so it is read at 0, 1 and 2 s; after the third read
// IMDS is asked once, and the file is read a last time 1 s later. Without the
// file, IMDS is asked twice, 1 s apart. Either way, about 5 s at most.
const SOURCE = 'the ECS container metadata file, IMDSv2 or IMDSv1'
const METADATA_FILE = process.env.ECS_CONTAINER_METADATA_FILE
const TRIES = METADATA_FILE ? 4 : 2
const PAUSE_MS = 1000
let tried = 0

async function fromFile () {
  const metadata = JSON.parse(await fs.promises.readFile(METADATA_FILE, 'utf8'))
  const answer = metadata?.HostPrivateIPv4Address ?? ''
  if (!answer) throw new Error(`no HostPrivateIPv4Address in ${METADATA_FILE}`)
  return answer
}

async function fromImds () {
  let token
  try {
    token = await imds('PUT', 'api/token', {
      'X-aws-ec2-metadata-token-ttl-seconds': '21600',
      'Content-Length': '0' // an empty body rather than a chunked one
    })
  } catch {
    return imds('GET', 'meta-data/local-ipv4') // no token, so IMDSv1
  }
  return imds('GET', 'meta-data/local-ipv4', { 'X-aws-ec2-metadata-token': token })
}

async function lookup () {
  tried++
  if (!METADATA_FILE) return fromImds()
  try {
    return await fromFile()
  } catch (error) {
    if (tried !== 3) throw error
  }
  return fromImds()
}
