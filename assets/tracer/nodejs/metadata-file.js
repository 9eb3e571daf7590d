const fs = require('fs')

// The ECS container metadata file, which the ECS agent writes when the
// instance sets ECS_ENABLE_CONTAINER_METADATA=true. The file appears, and
// fills in, a moment after the container starts, so it is read up to 10
// times, 0.5 s apart; the variable naming it is set at start or never, so
// without it once is enough.
const SOURCE = 'the ECS container metadata file'
const METADATA_FILE = process.env.ECS_CONTAINER_METADATA_FILE
const TRIES = METADATA_FILE ? 10 : 1
const PAUSE_MS = 500

async function lookup () {
  if (!METADATA_FILE) {
    throw new Error('ECS_CONTAINER_METADATA_FILE is not set (set ECS_ENABLE_CONTAINER_METADATA=true on the instance)')
  }
  const metadata = JSON.parse(await fs.promises.readFile(METADATA_FILE, 'utf8'))
  return metadata?.HostPrivateIPv4Address ?? ''
}
