// How a gsmq Message and a NATS message map onto each other (docs/endpoints/nats.md),
// without nats.c types so that it is tested without a server: channel <-> subject, body
// <-> payload, id <-> Nats-Msg-Id (JetStream's de-duplication key), ts and priority <->
// Gsmq-Ts and Gsmq-Priority, meta KEY <-> Gsmq-Meta-KEY, and any other header NAME <->
// meta nats.NAME. A JetStream delivery adds meta nats.js.stream and nats.js.seq and
// the receive_count.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "envelope/message.h"

namespace gsmq::endpoint::nats {

inline constexpr std::string_view kMsgIdHeader = "Nats-Msg-Id";
inline constexpr std::string_view kTsHeader = "Gsmq-Ts";
inline constexpr std::string_view kPriorityHeader = "Gsmq-Priority";
inline constexpr std::string_view kMetaHeaderPrefix = "Gsmq-Meta-";
inline constexpr std::string_view kMetaPrefix = "nats.";
inline constexpr std::string_view kExpectHeaderPrefix = "Nats-Expected-";  // publish conditions, not kept
inline constexpr std::string_view kMetaJetStreamPrefix = "nats.js.";  // facts of a delivery, not headers

using Headers = std::vector<std::pair<std::string, std::string>>;

// What a sink publishes for a message, or why it cannot (error set).
struct Outgoing {
  std::string subject;
  Headers headers;
  std::string error;
};

// Subject: the URL's (with {channel} standing for the message's own), else the
// message's channel. Nats-Msg-Id: the message's id (it must have one). Gsmq-Ts when
// ts is set, Gsmq-Priority when not 0. Meta nats.js.* is not sent. A meta key or value
// that cannot be a header (':' or white space in a name, a line break in a value) is an
// error naming it.
Outgoing outgoing_for(const Message& message, std::string_view url_subject);

// The Message for a received NATS message (not stamped): subject, payload and headers.
// A header that appears more than once keeps its values joined by ", ". Nats-Expected-*
// headers (conditions of the publish that stored it) are left out.
Message message_from(std::string_view subject, std::string_view payload, const Headers& headers);

// What JetStream says about a delivery.
struct StreamFacts {
  std::string stream;
  uint64_t stream_seq = 0;
  uint64_t delivered = 0;  // how many times, this one included
  int64_t timestamp_ns = 0;
};
// Adds meta nats.js.stream and nats.js.seq, receive_count, and ts from the stream's
// timestamp when the message carried none.
void add_stream_facts(Message& message, const StreamFacts& facts);

}  // namespace gsmq::endpoint::nats
