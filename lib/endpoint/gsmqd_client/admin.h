// Administrative calls to a running gsmqd (gsmqd channels / ping / links): the answers as
// JSON objects, ready to print as JSON lines.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gsmq::endpoint::gsmqd_client {

// Error(unavailable) when the daemon cannot be reached.
std::vector<nlohmann::ordered_json> list_channels(const std::string& url);
nlohmann::ordered_json ping(const std::string& url);
// One object per federation link (gsmqd links).
std::vector<nlohmann::ordered_json> list_links(const std::string& url);
// One object per rule in force with its counters (gsmqd rules show); none without --rules.
std::vector<nlohmann::ordered_json> list_rules(const std::string& url);
// Has the daemon read its rules file again (gsmqd rules reload): {"file","rules"}.
// Error(bad_input) with the file's error when it was refused (the rules in force stay),
// Error(usage) when the daemon runs without --rules.
nlohmann::ordered_json reload_rules(const std::string& url);
// Has the daemon read its --acl and --tokens files again (gsmqd acl reload):
// {"acl_lines","tokens"}; Error(bad_input) with the file's error when refused (those in
// force stay), Error(usage) when it runs without them, Error(refused) when not allowed.
nlohmann::ordered_json reload_access(const std::string& url);

}  // namespace gsmq::endpoint::gsmqd_client
