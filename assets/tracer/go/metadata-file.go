
import (
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net"
	"os"
	"strings"
	"time"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
)

// The ECS container metadata file, which the ECS agent writes when the
// instance sets ECS_ENABLE_CONTAINER_METADATA=true. The file appears, and
// fills in, a moment after the container starts, so it is read up to 10
// times, 0.5 s apart.
const (
	datadogSource = "the ECS container metadata file"
	datadogPause  = 500 * time.Millisecond
)

// datadogTries is 1 without ECS_CONTAINER_METADATA_FILE: ECS sets the
// variable when the container starts or never, so there is nothing to wait for.
var datadogTries = func() int {
	if os.Getenv("ECS_CONTAINER_METADATA_FILE") == "" {
		return 1
	}
	return 10
}()

func datadogLookup() (string, error) {
	path := os.Getenv("ECS_CONTAINER_METADATA_FILE")
	if path == "" {
		return "", errors.New("ECS_CONTAINER_METADATA_FILE is not set (set ECS_ENABLE_CONTAINER_METADATA=true on the instance)")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var metadata struct{ HostPrivateIPv4Address string }
	if err := json.Unmarshal(data, &metadata); err != nil {
		return "", err
	}
	return metadata.HostPrivateIPv4Address, nil
}
