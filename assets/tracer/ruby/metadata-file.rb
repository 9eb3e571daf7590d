require 'json'

# The ECS container metadata file, which the ECS agent writes when the instance
# sets ECS_ENABLE_CONTAINER_METADATA=true. The file appears, and fills in, a
# moment after the container starts, so it is read up to 10 times, 0.5 s apart;
# the variable naming it is set at start or never, so without it once is enough.
module DatadogAgentSource
  NAME = 'the ECS container metadata file'
  FILE = ENV.fetch('ECS_CONTAINER_METADATA_FILE', '')
  TRIES = FILE.empty? ? 1 : 10
  PAUSE = 0.5

  def self.lookup
    if FILE.empty?
      raise 'ECS_CONTAINER_METADATA_FILE is not set (set ECS_ENABLE_CONTAINER_METADATA=true on the instance)'
    end

    JSON.parse(File.read(FILE)).fetch('HostPrivateIPv4Address', '')
  end
end
