#include "endpoint/nats/settings.h"

#include "endpoint/sink_channel.h"

namespace gsmq::endpoint::nats {
namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(std::move(item));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

std::string host_port(const std::string& host, uint16_t port) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return "nats://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// ?servers=HOST:PORT,... (a port is required; nats:// in front is allowed).
void read_servers(Settings& s, const EndpointUrl& url, const Params& params) {
  s.servers.push_back(host_port(url.host, url.port.value_or(4222)));
  for (std::string item : split_list(params.text("servers"))) {
    if (item.starts_with("nats://")) item.erase(0, 7);
    const size_t colon = item.rfind(':');
    const bool bracketed = item.starts_with('[');
    if (colon == std::string::npos || colon + 1 == item.size() || (bracketed && item[colon - 1] != ']') ||
        item.find_first_not_of("0123456789", colon + 1) != std::string::npos || item.size() - colon > 6 ||
        std::stoul(item.substr(colon + 1)) > 65535 || colon == 0)
      usage_error(url, "?servers: \"" + item + "\" is not HOST:PORT");
    s.servers.push_back("nats://" + item);
  }
}

// JetStream options given without ?stream= are a mistake worth naming.
constexpr std::string_view kJetStreamOnly[] = {"create", "subjects", "replicas", "duplicate_window", "storage",
                                               "durable", "deliver", "ack_wait", "max_deliver", "ack_timeout"};

void read_jetstream(Settings& s, const EndpointUrl& url, const Params& params, Role role) {
  s.stream = params.text("stream");
  if (!s.jetstream()) {
    for (std::string_view name : kJetStreamOnly)
      if (params.given(name)) usage_error(url, "?" + std::string(name) + " is for JetStream: name the stream (?stream=NAME)");
    return;
  }
  if (s.stream.find_first_of(" \t\r\n.*>") != std::string::npos)
    usage_error(url, "?stream=\"" + s.stream + "\": a stream name has no white space, '.', '*' or '>'");
  if (!s.queue.empty()) usage_error(url, "?queue is for core NATS; JetStream readers share work through ?durable=");
  s.create = params.flag("create");
  s.stream_subjects = split_list(params.text("subjects"));
  if (s.stream_subjects.empty() && !s.subject.empty()) s.stream_subjects.push_back(s.subject);
  for (const std::string& subject : s.stream_subjects)
    if (!valid_subject(subject, true)) usage_error(url, "?subjects: \"" + subject + "\" is not a subject");
  if (s.create && s.stream_subjects.empty())
    usage_error(url, "?create needs the stream's subjects (?subjects=A,B or the URL's subject)");
  s.replicas = static_cast<int>(params.number("replicas"));
  s.duplicate_window = params.duration("duplicate_window");
  s.memory_storage = params.text("storage") == "memory";
  s.ack_wait = params.duration("ack_wait");
  s.max_deliver = params.number("max_deliver");
  s.ack_timeout = params.duration("ack_timeout");
  if (role == Role::source) {
    s.durable = params.text("durable");
    if (s.durable.empty())
      usage_error(url, "a JetStream source reads through a durable consumer: name it (?durable=NAME)");
    if (s.durable.find_first_of(" \t\r\n.*>") != std::string::npos)
      usage_error(url, "?durable=\"" + s.durable + "\": a consumer name has no white space, '.', '*' or '>'");
    const std::string deliver = params.text("deliver");
    s.deliver = deliver == "new" ? DeliverFrom::fresh : deliver == "last" ? DeliverFrom::last : DeliverFrom::all;
  }
}

}  // namespace

bool valid_subject(std::string_view subject, bool filter) {
  if (subject.empty()) return false;
  size_t start = 0;
  for (;;) {
    const size_t dot = subject.find('.', start);
    const std::string_view token = subject.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (token.empty()) return false;
    for (char c : token)
      if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return false;
    if (token.find_first_of("*>") != std::string_view::npos) {
      if (!filter || token.size() != 1) return false;
      if (token == ">" && dot != std::string_view::npos) return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

Settings read_settings(const EndpointUrl& url, const Params& params, Role role, const EndpointOptions& options) {
  Settings s;
  s.url_text = url.text;
  if (url.host.empty() || url.host == "*") usage_error(url, std::string(kNoServer));
  read_servers(s, url, params);
  s.tls = tls_options(url, params, url.scheme == "nats+tls");
  if (s.tls.cert_file.empty() != s.tls.key_file.empty())
    usage_error(url, "?cert and ?key go together (the client certificate and its key)");
  s.subject = url.path;
  if (role == Role::source) {
    s.queue = params.text("queue");
    if (params.given("queue") && (s.queue.empty() || !valid_subject(s.queue, false)))
      usage_error(url, "?queue=\"" + s.queue + "\" is not a queue group name");
  }
  read_jetstream(s, url, params, role);
  if (role == Role::source) {
    if (s.subject.empty() && !s.jetstream())
      usage_error(url, "no subject to subscribe to (nats://HOST:PORT/SUBJECT)");
    if (!s.subject.empty() && !valid_subject(s.subject, true))
      usage_error(url, "\"" + s.subject + "\" is not a subject to subscribe to ('*' and '>' stand for whole tokens, '>' only last)");
  } else if (!s.subject.empty() && s.subject.find(kChannelPlaceholder) == std::string::npos &&
             !valid_subject(s.subject, false)) {
    usage_error(url, "\"" + s.subject + "\" is not a subject to publish to (no wildcards, white space or empty tokens)");
  }
  if (!url.password.empty()) {
    if (url.user.empty()) usage_error(url, "a password needs a user name (nats://USER:PASSWORD@HOST/...)");
    s.user = url.user;
    s.password = url.password;
  } else {
    s.token = url.user;
  }
  s.client_name = options.client_name;
  s.connect_timeout = params.duration("connect_timeout");
  s.retry = RetryPolicy::from(params);
  if (role == Role::source && options.follow) s.retry.forever = true;
  s.max_inflight = static_cast<size_t>(params.number("max_inflight"));
  return s;
}

}  // namespace gsmq::endpoint::nats
