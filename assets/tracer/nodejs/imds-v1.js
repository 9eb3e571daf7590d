
// IMDSv1: one GET, no token. Asked at most twice, 1 s apart.
const SOURCE = 'IMDSv1'
const TRIES = 2
const PAUSE_MS = 1000

function lookup () {
  return imds('GET', 'meta-data/local-ipv4')
}
