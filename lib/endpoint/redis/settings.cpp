#include "endpoint/redis/settings.h"

#include <unistd.h>

namespace gsmq::endpoint::redis {
namespace {

std::string host_name() {
  char name[256] = "";
  if (gethostname(name, sizeof name - 1) != 0 || !*name) return "gsmq";
  return name;
}

}  // namespace

Settings read_settings(const EndpointUrl& url, const Params& params, Role role, const EndpointOptions& options) {
  Settings s;
  s.url_text = url.text;
  if (url.host.empty() || url.host == "*") usage_error(url, std::string(kNoServer));
  s.host = url.host;
  s.port = url.port.value_or(6379);
  s.user = url.user;
  s.password = url.password;
  if (!s.user.empty() && s.password.empty())
    usage_error(url, "a user needs a password (redis://USER:PASSWORD@HOST/..., or redis://:PASSWORD@HOST/...)");
  s.db = params.number("db");
  s.key = url.path;
  s.pubsub = params.flag("pubsub");
  s.envelope = params.flag("envelope");
  if (s.envelope && !s.pubsub) usage_error(url, "?envelope is for ?pubsub (stream entries carry the envelope in fields)");
  if (s.pubsub)
    for (const char* name : {"group", "consumer", "deliver", "claim_idle", "maxlen"})
      if (params.given(name)) usage_error(url, "?" + std::string(name) + " is for streams, not ?pubsub");
  if (role == Role::source) {
    if (s.key.empty()) usage_error(url, s.pubsub ? "no channel to subscribe to (redis://HOST:PORT/CHANNEL?pubsub)"
                                                 : "no stream to read (redis://HOST:PORT/STREAM)");
    if (s.key.find("{channel}") != std::string::npos) usage_error(url, "a source reads one stream: {channel} is for a sink");
    s.group = params.text("group");
    s.consumer = params.given("consumer") ? params.text("consumer") : host_name();
    if (s.group.empty() || s.consumer.empty()) usage_error(url, "?group and ?consumer cannot be empty");
    s.from_first = params.text("deliver") == "all";
    s.claim_idle = params.duration("claim_idle");
  } else {
    s.maxlen = params.number("maxlen");
  }
  s.max_inflight = static_cast<size_t>(params.number("max_inflight"));
  s.connect_timeout = params.duration("connect_timeout");
  s.retry = RetryPolicy::from(params);
  if (role == Role::source && options.follow) s.retry.forever = true;
  return s;
}

}  // namespace gsmq::endpoint::redis
