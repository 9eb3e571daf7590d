require 'json'

# Auto: the ECS container metadata file when ECS names one, else IMDSv2, else
# IMDSv1 (asked only when no token comes). ECS writes the file a moment after
# the container starts, so it is read at 0, 1 and 2 s; after the third read
# IMDS is asked once, and the file is read a last time 1 s later. Without the
# file, IMDS is asked twice, 1 s apart. Either way, about 5 s at most.
module DatadogAgentSource
  NAME = 'the ECS container metadata file, IMDSv2 or IMDSv1'
  FILE = ENV.fetch('ECS_CONTAINER_METADATA_FILE', '')
  TRIES = FILE.empty? ? 2 : 4
  PAUSE = 1
  @tried = 0

  def self.lookup
    @tried += 1
    return from_imds if FILE.empty?

    begin
      return from_file
    rescue StandardError
      raise unless @tried == 3
    end
    from_imds
  end

  def self.from_file
    answer = JSON.parse(File.read(FILE)).fetch('HostPrivateIPv4Address', '').to_s
    raise "no HostPrivateIPv4Address in #{FILE}" if answer.empty?

    answer
  end

  def self.from_imds
    path = DatadogImds::URL.path
    # The Content-Type only spares `ruby -w` a warning about the empty body.
    put = Net::HTTP::Put.new("#{path}api/token",
                             'X-aws-ec2-metadata-token-ttl-seconds' => '21600',
                             'Content-Type' => 'text/plain')
    token = begin
      DatadogImds.connect { |http| DatadogImds.body(http.request(put)) }
    rescue StandardError
      nil # no token, so IMDSv1
    end
    headers = token ? { 'X-aws-ec2-metadata-token' => token } : {}
    DatadogImds.connect { |http| DatadogImds.body(http.get("#{path}meta-data/local-ipv4", headers)) }
  end
end
