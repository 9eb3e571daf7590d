
// IMDSv1: one GET, no token. Asked at most twice, 1 s apart.
const (
	datadogSource = "IMDSv1"
	datadogTries  = 2
	datadogPause  = time.Second
)

func datadogLookup() (string, error) {
	return datadogIMDSCall(http.MethodGet, "meta-data/local-ipv4", http.Header{})
}
