#include "endpoint/nats/mapping.h"


#include "endpoint/nats/settings.h"
#include "endpoint/sink_channel.h"
#include "util/decimal.h"

namespace gsmq::endpoint::nats {
namespace {

bool valid_header_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (static_cast<unsigned char>(c) <= ' ' || c == ':' || c == 0x7f) return false;
  return true;
}

bool valid_header_value(std::string_view value) { return value.find_first_of("\r\n") == std::string_view::npos; }

}  // namespace

Outgoing outgoing_for(const Message& message, std::string_view url_subject) {
  Outgoing o;
  o.subject = sink_channel(url_subject, message.channel);
  if (o.subject.empty()) {
    o.error = "no subject: the message has no channel and the URL names no subject";
    return o;
  }
  if (!valid_subject(o.subject, false)) {
    o.error = "\"" + o.subject + "\" is not a subject to publish to (no wildcards, white space or empty tokens)";
    return o;
  }
  if (!valid_header_value(message.id) || message.id.empty()) {
    o.error = "the id \"" + message.id + "\" cannot be a Nats-Msg-Id header";
    return o;
  }
  o.headers.emplace_back(kMsgIdHeader, message.id);
  if (message.ts != 0) o.headers.emplace_back(kTsHeader, std::to_string(message.ts));
  if (message.priority != 0) o.headers.emplace_back(kPriorityHeader, std::to_string(message.priority));
  for (const auto& [key, value] : message.meta) {
    std::string name;
    if (key.starts_with(kMetaJetStreamPrefix)) continue;
    if (key.starts_with(kMetaPrefix)) name = key.substr(kMetaPrefix.size());
    else name = std::string(kMetaHeaderPrefix) + key;
    if (!valid_header_name(name)) {
      o.error = "meta \"" + key + "\" cannot be a NATS header name (no ':', white space or control characters)";
      return o;
    }
    if (!valid_header_value(value)) {
      o.error = "meta \"" + key + "\" has a line break, which a NATS header cannot carry";
      return o;
    }
    o.headers.emplace_back(std::move(name), value);
  }
  return o;
}

Message message_from(std::string_view subject, std::string_view payload, const Headers& headers) {
  Message m;
  m.channel = subject;
  m.body = payload;
  for (const auto& [name, value] : headers) {
    int64_t ts = 0;
    int priority = 0;
    if (name == kMsgIdHeader && m.id.empty()) {
      m.id = value;
      continue;
    }
    if (name == kTsHeader && parse_decimal(value, ts) && ts > 0) {
      m.ts = ts;
      continue;
    }
    if (name == kPriorityHeader && parse_decimal(value, priority) && priority >= 0 && priority <= 9) {
      m.priority = priority;
      continue;
    }
    if (name.starts_with(kExpectHeaderPrefix)) continue;  // said to the stream when published, not about the message
    std::string key;
    if (name.starts_with(kMetaHeaderPrefix) && name.size() > kMetaHeaderPrefix.size())
      key = name.substr(kMetaHeaderPrefix.size());
    else
      key = std::string(kMetaPrefix) + name;
    auto [it, fresh] = m.meta.emplace(key, value);
    if (!fresh) it->second += ", " + value;
  }
  return m;
}

void add_stream_facts(Message& message, const StreamFacts& facts) {
  message.meta[std::string(kMetaJetStreamPrefix) + "stream"] = facts.stream;
  message.meta[std::string(kMetaJetStreamPrefix) + "seq"] = std::to_string(facts.stream_seq);
  if (facts.delivered > 0) message.receive_count = static_cast<uint32_t>(facts.delivered);
  if (message.ts == 0 && facts.timestamp_ns > 0) message.ts = facts.timestamp_ns / 1000;
}

}  // namespace gsmq::endpoint::nats
