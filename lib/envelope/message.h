// The one message type every tool and adapter passes around: the JSON-lines envelope
// of gsmq(7) with the body held as raw bytes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace gsmq {

struct Message {
  std::string channel;
  std::string body;                          // raw bytes, binary-safe
  bool body_is_json = false;                 // body was given as a non-string JSON value
  std::string id;                            // empty = not assigned yet
  int64_t ts = 0;                            // µs since the epoch; 0 = not set
  int priority = 0;                          // 0..9, higher first
  std::map<std::string, std::string> meta;
  std::optional<uint64_t> seq;               // assigned by gsmqd

  // Delivery policy (input) and receive-side facts (output); absent when not set.
  std::optional<int64_t> ttl_ms;
  std::optional<int64_t> delay_ms;
  std::optional<int64_t> deadline_ms;         // critical time: useful until ts + this
  std::optional<bool> deliver_late;           // past the deadline: delivered marked late, not dead-lettered
  std::optional<std::string> late_channel;    // past the deadline: moved there (else to dead_letter)
  std::optional<uint32_t> max_receives;
  std::optional<std::string> dead_letter;
  std::optional<uint32_t> receive_count;

  // Envelope fields gsmq does not model, kept for the round trip (a JSON object or null).
  nlohmann::json extra;

  bool operator==(const Message&) const = default;
};

// Microseconds since the Unix epoch, from the system clock.
int64_t now_micros();

// A new unique message id: a UUIDv7 string (time-ordered, random tail).
std::string new_message_id();

// Fills id and ts when they are not set yet; used where a message enters gsmq.
void stamp(Message& message);

}  // namespace gsmq
