#include "endpoint/http/outgoing_request.h"

#include "endpoint/http/header_codec.h"
#include "envelope/base64.h"
#include "envelope/codec.h"
#include "endpoint/sink_channel.h"

namespace gsmq::endpoint::http {
namespace {

void common_headers(const SinkSettings& config, Request& r) {
  r.headers.emplace_back("Host", config.host_header());
  r.headers.emplace_back("User-Agent", std::string("gsmq/") + GSMQ_VERSION);
  if (!config.user.empty())
    r.headers.emplace_back("Authorization", "Basic " + base64_encode(config.user + ":" + config.password));
}

}  // namespace

std::string target_for(const SinkSettings& config, const std::string& channel) {
  const std::string path = replace_channel_placeholder(config.path, channel);
  std::string target = "/" + encode_path(path);
  if (!config.forward_query.empty()) target += "?" + config.forward_query;
  return target;
}

Request request_for_message(const SinkSettings& config, const Message& m) {
  Request r;
  r.method = config.method;
  r.target = target_for(config, m.channel);
  common_headers(config, r);
  std::string content_type = m.body_is_json ? "application/json" : "application/octet-stream";
  if (auto it = m.meta.find("http.content-type"); it != m.meta.end()) content_type = it->second;
  else if (auto it2 = m.meta.find("content-type"); it2 != m.meta.end()) content_type = it2->second;
  r.headers.emplace_back("Content-Type", encode_header_value(content_type));
  if (!m.channel.empty()) r.headers.emplace_back(kChannelHeader, encode_header_value(m.channel));
  if (!m.id.empty()) r.headers.emplace_back(kIdHeader, encode_header_value(m.id));
  if (m.ts != 0) r.headers.emplace_back(kTsHeader, std::to_string(m.ts));
  if (m.priority != 0) r.headers.emplace_back(kPriorityHeader, std::to_string(m.priority));
  for (const auto& [key, value] : m.meta) {
    if (key == "http.content-type") continue;  // it is the Content-Type
    r.headers.emplace_back(meta_header_name(key), encode_header_value(value));
  }
  r.body = m.body;
  return r;
}

Request request_for_batch(const SinkSettings& config, const std::vector<const Message*>& messages) {
  Request r;
  r.method = config.method;
  r.target = target_for(config, messages.empty() ? std::string() : messages.front()->channel);
  common_headers(config, r);
  r.headers.emplace_back("Content-Type", "application/x-ndjson");
  for (const Message* m : messages) {
    r.body += format_envelope(*m);
    r.body += '\n';
  }
  return r;
}

Message message_from_response(const Response& response) {
  Message m;
  m.body = response.body;
  for (const auto& [name, value] : response.headers) {
    if (iequals(name, "Content-Type")) m.meta["http.content-type"] = value;
    else if (iequals(name, kChannelHeader)) m.channel = decode_header_value(value);
    else if (iequals(name, kIdHeader)) m.id = decode_header_value(value);
    else if (auto key = meta_key_of_header(name)) m.meta[*key] = decode_header_value(value);
  }
  m.meta["http.status"] = std::to_string(response.status);
  if (auto type = find_header(response.headers, "Content-Type")) m.body_is_json = body_is_json(*type, m.body);
  return m;
}

}  // namespace gsmq::endpoint::http
