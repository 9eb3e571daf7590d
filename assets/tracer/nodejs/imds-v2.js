
// IMDSv2: a session token first (PUT), then the address with that token. From
// a container on a bridge network the token answer crosses 2 hops, so the
// instance's metadata hop limit must be at least 2. Asked at most twice, 1 s
// apart.
const SOURCE = 'IMDSv2'
const TRIES = 2
const PAUSE_MS = 1000

async function lookup () {
  const token = await imds('PUT', 'api/token', {
    'X-aws-ec2-metadata-token-ttl-seconds': '21600',
    'Content-Length': '0' // an empty body rather than a chunked one
  })
  return imds('GET', 'meta-data/local-ipv4', { 'X-aws-ec2-metadata-token': token })
}
