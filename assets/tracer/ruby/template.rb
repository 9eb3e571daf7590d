# frozen_string_literal: true

# Datadog APM: send this app's traces to the Datadog agent on its EC2 host.
#
# Rails: copy this file into config/initializers/. Other apps: require it at
# boot, right after Bundler (`require_relative 'tracer'`). It looks up the
# host's private IPv4 and hands it to the datadog gem (2.x) with
# `Datadog.configure { |c| c.agent.host = ... }`, which applies to the tracer
# at once.
#
# The entryPoint recipe (app-container.json) is the alternative: it sets
# DD_AGENT_HOST before the app starts. Use one or the other. A DD_AGENT_HOST
# that is already set is kept as it is.
#
# When no address turns up within about 5 s, one line goes to stderr and the
# tracer keeps its default agent host: the app always starts.

require 'datadog'
require 'resolv'
# ddecs-wizard: lookup

# The first answer from DatadogAgentSource that is an IPv4 address.
module DatadogAgentHost
  # The address, or nil after one line on stderr saying why there is none.
  def self.find
    why = 'no answer'
    DatadogAgentSource::TRIES.times do |attempt|
      sleep DatadogAgentSource::PAUSE if attempt.positive?
      begin
        answer = DatadogAgentSource.lookup.to_s.strip
      rescue StandardError => e # whatever fails, the app must still start
        why = "#{e.class}: #{e.message}"
        next
      end
      return answer if Resolv::IPv4::Regex.match?(answer)

      why = "the answer #{answer[0, 40].inspect} is not an IPv4 address"
    end
    warn "datadog: no agent host from #{DatadogAgentSource::NAME} (#{why.gsub(/\s+/, ' ')}); " \
         'the tracer keeps its default agent host'
    nil
  end
end

if ENV.fetch('DD_AGENT_HOST', '').empty?
  host = DatadogAgentHost.find
  Datadog.configure { |c| c.agent.host = host } if host
end
