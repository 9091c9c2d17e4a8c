// What gsmqd writes into its logs (docs/storage-format.md, "Record types used by gsmqd"):
// a message record is [u64 seq][i64 arrival µs][gsmq.v1.Message protobuf]; queue state
// records list the sequences they concern, so old state segments can be dropped safely.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gsmq/v1/message.pb.h"

namespace gsmq::server {

enum RecordType : uint8_t {
  kMessageRecord = 1,    // a queued or stored message
  kRemovedRecord = 2,    // queue: these seqs are gone (acked, expired, dead-lettered, purged)
  kDeliveredRecord = 3,  // queue: these seqs were handed out, in flight until a time
  kUnreceivedRecord = 4, // queue: these seqs are ready again with this receive count (given back uncounted)
};

struct MessageRecord {
  uint64_t seq = 0;
  int64_t arrival_us = 0;
  v1::Message message;
};

// A message record: seq (8 bytes LE), arrival µs (8 bytes LE), then the Message encoding.
inline constexpr size_t kMessageRecordHeaderSize = 16;
std::string encode_message_record(uint64_t seq, int64_t arrival_us, const v1::Message& message);
// The payload size encode_message_record makes (it must fit store::format::kMaxRecordPayload).
inline size_t message_record_size(const v1::Message& message) { return kMessageRecordHeaderSize + message.ByteSizeLong(); }
// At least message_record_size, from the fields' lengths alone (no encoding pass): the
// exact size is worth computing only when this bound is over a limit.
size_t message_record_size_bound(const v1::Message& message);
// Sets the seq of a record encoded with a placeholder seq (so that the costly encoding can
// happen outside the channel lock, and only the seq is written under it).
void set_record_seq(std::string& payload, uint64_t seq);
// Header only (cheap, for recovery and indexes); false if too short.
bool decode_message_header(std::string_view payload, uint64_t& seq, int64_t& arrival_us);
bool decode_message_record(std::string_view payload, MessageRecord& out);

struct Delivered {
  uint64_t seq;
  uint32_t receive_count;
};

std::string encode_removed(const std::vector<uint64_t>& seqs);
bool decode_removed(std::string_view payload, std::vector<uint64_t>& seqs);
std::string encode_delivered(int64_t visible_until_us, const std::vector<Delivered>& items);
bool decode_delivered(std::string_view payload, int64_t& visible_until_us, std::vector<Delivered>& items);

}  // namespace gsmq::server
