// What a redis:// URL asks for (docs/endpoints/redis.md): the server, the stream key,
// the consumer group and consumer a source reads as, and the sink's trimming, read once
// from the URL's checked parameters (registration.cpp declares them).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "endpoint/endpoint.h"
#include "endpoint/params.h"
#include "endpoint/reconnect.h"

namespace gsmq::endpoint::redis {

inline constexpr std::string_view kNoServer =
    "gsmq does not run a Redis server; name the server to connect to (redis://HOST:PORT/STREAM)";

struct Settings {
  std::string url_text;
  std::string host;
  uint16_t port = 6379;
  std::string user, password;   // AUTH [user] password
  uint64_t db = 0;              // SELECT
  std::string key;              // the stream (source), or the sink's (may hold {channel}, may be empty)
  std::string group = "gsmq";   // source: the consumer group
  std::string consumer;         // source: this reader's name in the group (default: the host name)
  bool from_first = true;       // source: a new group starts at the stream's first entry (else: new ones)
  Duration claim_idle = std::chrono::seconds(30);  // source: take over others' entries idle this long (0: never)
  uint64_t maxlen = 0;          // sink: XADD MAXLEN ~ this (0: no trimming)
  bool pubsub = false;          // ?pubsub: a pub/sub channel (PUBLISH, SUBSCRIBE) instead of a stream
  bool envelope = false;        // pubsub: payloads are JSON envelopes (else bodies)
  size_t max_inflight = 100;
  Duration connect_timeout = std::chrono::seconds(5);
  RetryPolicy retry;
};

Settings read_settings(const EndpointUrl& url, const Params& params, Role role, const EndpointOptions& options);

}  // namespace gsmq::endpoint::redis
