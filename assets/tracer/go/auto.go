
import (
	"encoding/json"
)

// Auto: the ECS container metadata file when ECS names one, else IMDSv2, else
// IMDSv1 (asked only when no token comes). ECS writes the file a moment after
// the container starts, so it is read at 0, 1 and 2 s; after the third read
// IMDS is asked once, and the file is read a last time 1 s later. Without the
// file, IMDS is asked twice, 1 s apart. Either way, about 5 s at most.
const (
	datadogSource = "the ECS container metadata file, IMDSv2 or IMDSv1"
	datadogPause  = time.Second
)

var (
	datadogMetadataFile = os.Getenv("ECS_CONTAINER_METADATA_FILE")
	datadogTries        = func() int {
		if datadogMetadataFile == "" {
			return 2
		}
		return 4
	}()
	datadogTried int
)

func datadogLookup() (string, error) {
	datadogTried++
	if datadogMetadataFile == "" {
		return datadogFromIMDS()
	}
	answer, err := datadogFromFile()
	if err != nil && datadogTried == 3 {
		return datadogFromIMDS()
	}
	return answer, err
}

func datadogFromFile() (string, error) {
	data, err := os.ReadFile(datadogMetadataFile)
	if err != nil {
		return "", err
	}
	var metadata struct{ HostPrivateIPv4Address string }
	if err := json.Unmarshal(data, &metadata); err != nil {
		return "", err
	}
	if metadata.HostPrivateIPv4Address == "" {
		return "", fmt.Errorf("no HostPrivateIPv4Address in %s", datadogMetadataFile)
	}
	return metadata.HostPrivateIPv4Address, nil
}

func datadogFromIMDS() (string, error) {
	token, err := datadogIMDSCall(http.MethodPut, "api/token",
		http.Header{"X-aws-ec2-metadata-token-ttl-seconds": {"21600"}})
	if err != nil {
		// No token, so IMDSv1.
		return datadogIMDSCall(http.MethodGet, "meta-data/local-ipv4", http.Header{})
	}
	return datadogIMDSCall(http.MethodGet, "meta-data/local-ipv4",
		http.Header{"X-aws-ec2-metadata-token": {token}})
}
