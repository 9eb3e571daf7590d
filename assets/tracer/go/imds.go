
import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
)

const datadogIMDS = "http://169.254.169.254/latest/"

// datadogIMDSClient gives each request 1 s, never uses a proxy (IMDS is
// link-local, so HTTP_PROXY must not apply) and keeps no idle connection open
// once the lookup is over.
var datadogIMDSClient = &http.Client{
	Timeout:   time.Second,
	Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true},
}

// datadogIMDSCall sends one IMDS request and returns the body of a 200 answer.
func datadogIMDSCall(method, path string, header http.Header) (string, error) {
	request, err := http.NewRequest(method, datadogIMDS+path, nil)
	if err != nil {
		return "", err
	}
	request.Header = header
	response, err := datadogIMDSClient.Do(request)
	if err != nil {
		return "", err
	}
	defer response.Body.Close()
	body, err := io.ReadAll(io.LimitReader(response.Body, 256))
	if err != nil {
		return "", err
	}
	if response.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s %s: HTTP %d", method, path, response.StatusCode)
	}
	return string(body), nil
}
