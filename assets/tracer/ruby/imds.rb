require 'net/http'

# Requests to the EC2 instance metadata service (IMDS).
module DatadogImds
  URL = URI('http://169.254.169.254/latest/')

  # Yields one connection that never goes through a proxy (the nil proxy
  # address) and gives each request 1 s, without Net::HTTP's silent retry of
  # a timed-out request; returns what the block returns.
  def self.connect(&block)
    http = Net::HTTP.new(URL.host, URL.port, nil)
    http.open_timeout = http.read_timeout = http.write_timeout = 1
    http.max_retries = 0
    http.start(&block)
  end

  # The body of a 200 answer; any other answer is an error.
  def self.body(response)
    raise "HTTP #{response.code} from IMDS" unless response.is_a?(Net::HTTPOK)

    response.body.to_s[0, 256]
  end
end
