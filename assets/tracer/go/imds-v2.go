
// IMDSv2: a session token first (PUT), then the address with that token. From
// a container on a bridge network the token answer crosses 2 hops, so the
// instance's metadata hop limit must be at least 2. Asked at most twice, 1 s
// apart.
const (
	datadogSource = "IMDSv2"
	datadogTries  = 2
	datadogPause  = time.Second
)

func datadogLookup() (string, error) {
	token, err := datadogIMDSCall(http.MethodPut, "api/token",
		http.Header{"X-aws-ec2-metadata-token-ttl-seconds": {"21600"}})
	if err != nil {
		return "", err
	}
	return datadogIMDSCall(http.MethodGet, "meta-data/local-ipv4",
		http.Header{"X-aws-ec2-metadata-token": {token}})
}
