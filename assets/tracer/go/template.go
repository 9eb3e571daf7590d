// Datadog APM: send this app's traces to the Datadog agent on its EC2 host.
//
// Save this file as tracer.go in your main package (it needs dd-trace-go v2:
// go get github.com/DataDog/dd-trace-go/v2) and start the tracer with it
// first thing in main:
//
//	func main() {
//		startDatadogTracer()
//		defer tracer.Stop()
//		// ...
//	}
//
// It looks up the host's private IPv4 before the tracer starts and passes it
// with tracer.WithAgentAddr.
//
// The entryPoint recipe (app-container.json) is the alternative: it sets
// DD_AGENT_HOST before the app starts. Use one or the other. A DD_AGENT_HOST
// that is already set is kept as it is.
//
// When no address turns up within about 5 s, one line goes to the log and
// the tracer keeps its default agent address: the app always starts.

package main
// ddecs-wizard: lookup

// startDatadogTracer starts the tracer, pointed at the agent on this EC2 host
// when its address can be found.
func startDatadogTracer() {
	var options []tracer.StartOption
	if os.Getenv("DD_AGENT_HOST") == "" {
		if host, err := datadogAgentHost(); err != nil {
			log.Printf("datadog: %v; the tracer keeps its default agent host", err)
		} else {
			options = append(options, tracer.WithAgentAddr(net.JoinHostPort(host, "8126")))
		}
	}
	if err := tracer.Start(options...); err != nil {
		log.Printf("datadog: the tracer did not start: %v", err)
	}
}

// datadogAgentHost returns the first answer that is an IPv4 address, or an
// error saying why there is none.
func datadogAgentHost() (string, error) {
	why := "no answer"
	for attempt := 1; attempt <= datadogTries; attempt++ {
		if attempt > 1 {
			time.Sleep(datadogPause)
		}
		answer, err := datadogLookup()
		answer = strings.TrimSpace(answer)
		// ParseIP also takes IPv6 and "::ffff:a.b.c.d", hence the To4 and ':' checks.
		ip := net.ParseIP(answer)
		switch {
		case err != nil:
			why = err.Error()
		case ip == nil || ip.To4() == nil || strings.Contains(answer, ":"):
			why = fmt.Sprintf("the answer %.40q is not an IPv4 address", answer)
		default:
			return answer, nil
		}
	}
	return "", fmt.Errorf("no agent host from %s (%s)", datadogSource, strings.Join(strings.Fields(why), " "))
}
