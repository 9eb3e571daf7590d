
# IMDSv2: a session token first (PUT), then the address with that token. From a
# container on a bridge network the token answer crosses 2 hops, so the
# instance's metadata hop limit must be at least 2. Asked at most twice, 1 s
# apart.
module DatadogAgentSource
  NAME = 'IMDSv2'
  TRIES = 2
  PAUSE = 1

  def self.lookup
    path = DatadogImds::URL.path
    DatadogImds.connect do |http|
      # The Content-Type only spares `ruby -w` a warning about the empty body.
      put = Net::HTTP::Put.new("#{path}api/token",
                               'X-aws-ec2-metadata-token-ttl-seconds' => '21600',
                               'Content-Type' => 'text/plain')
      token = DatadogImds.body(http.request(put))
      DatadogImds.body(http.get("#{path}meta-data/local-ipv4", 'X-aws-ec2-metadata-token' => token))
    end
  end
end
