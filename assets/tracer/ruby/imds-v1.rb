
# IMDSv1: one GET, no token. Asked at most twice, 1 s apart.
module DatadogAgentSource
  NAME = 'IMDSv1'
  TRIES = 2
  PAUSE = 1

  def self.lookup
    DatadogImds.connect do |http|
      DatadogImds.body(http.get("#{DatadogImds::URL.path}meta-data/local-ipv4"))
    end
  end
end
