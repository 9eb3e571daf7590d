// Package tracer is a test stand-in for dd-trace-go v2's tracer package.
//
// It declares the calls the generated tracer.go makes, with the signatures of
// github.com/DataDog/dd-trace-go/v2/ddtrace/tracer (Start returns an error in
// v2), so that a wrong call fails `go vet` and `go build`. Start prints the
// agent address the real tracer would use (WithAgentAddr, else
// DD_AGENT_HOST), for the behaviour tests.
package tracer

import (
	"fmt"
	"os"
)

type config struct {
	agentAddr string
}

// StartOption configures the tracer, as in v2.
type StartOption func(*config)

// WithAgentAddr sets the "host:port" the tracer sends traces to.
func WithAgentAddr(addr string) StartOption {
	return func(c *config) { c.agentAddr = addr }
}

// Start applies the options and prints the agent address, if one is set.
func Start(opts ...StartOption) error {
	c := config{agentAddr: os.Getenv("DD_AGENT_HOST")}
	for _, opt := range opts {
		opt(&c)
	}
	fmt.Println("tracer loaded")
	if c.agentAddr != "" {
		fmt.Printf("agent=%s\n", c.agentAddr)
	}
	return nil
}

// Stop stops the tracer.
func Stop() {}
