#include "server/record_codec.h"

#include <cstring>

namespace gsmq::server {
namespace {
void store64(char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(v >> (8 * i));
}
void put64(std::string& out, uint64_t v) {
  char b[8];
  store64(b, v);
  out.append(b, 8);
}
void put32(std::string& out, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out.append(b, 4);
}
uint64_t get64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}
uint32_t get32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}
}  // namespace

std::string encode_message_record(uint64_t seq, int64_t arrival_us, const v1::Message& message) {
  // One size computation and one write into the buffer (AppendToString sizes the message
  // again and appends through a stream).
  const size_t size = message.ByteSizeLong();
  std::string out(16 + size, '\0');
  char* p = out.data();
  store64(p, seq);
  store64(p + 8, static_cast<uint64_t>(arrival_us));
  message.SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(p + 16));
  return out;
}

size_t message_record_size_bound(const v1::Message& m) {
  // Each length-delimited field: its bytes, a tag of at most 2 bytes and a length of at
  // most 10. Every other field together: at most 18 fields of 2 + 10 bytes.
  // Unknown fields (from a newer client) are kept and stored: then the exact size.
  static const google::protobuf::Reflection* const reflection = v1::Message::GetReflection();  // one per type
  if (!reflection->GetUnknownFields(m).empty()) return message_record_size(m);
  constexpr size_t kDelimited = 12, kScalars = 18 * 12;
  size_t bound = 16 + kScalars;
  for (const std::string* f : {&m.channel(), &m.body(), &m.id(), &m.dead_letter(), &m.receipt(), &m.extra_json(),
                               &m.late_channel()})
    bound += f->size() + kDelimited;
  for (const auto& [key, value] : m.meta()) bound += key.size() + value.size() + 3 * kDelimited;  // entry, key, value
  return bound;
}

void set_record_seq(std::string& payload, uint64_t seq) { store64(payload.data(), seq); }

bool decode_message_header(std::string_view payload, uint64_t& seq, int64_t& arrival_us) {
  if (payload.size() < 16) return false;
  seq = get64(payload.data());
  arrival_us = static_cast<int64_t>(get64(payload.data() + 8));
  return true;
}

bool decode_message_record(std::string_view payload, MessageRecord& out) {
  if (!decode_message_header(payload, out.seq, out.arrival_us)) return false;
  if (!out.message.ParseFromArray(payload.data() + 16, static_cast<int>(payload.size() - 16))) return false;
  out.message.set_seq(out.seq);
  return true;
}

std::string encode_removed(const std::vector<uint64_t>& seqs) {
  std::string out;
  out.reserve(4 + 8 * seqs.size());
  put32(out, static_cast<uint32_t>(seqs.size()));
  for (auto s : seqs) put64(out, s);
  return out;
}

bool decode_removed(std::string_view payload, std::vector<uint64_t>& seqs) {
  if (payload.size() < 4) return false;
  const uint32_t n = get32(payload.data());
  if (payload.size() != 4 + 8ull * n) return false;
  seqs.resize(n);
  for (uint32_t i = 0; i < n; ++i) seqs[i] = get64(payload.data() + 4 + 8 * i);
  return true;
}

std::string encode_delivered(int64_t visible_until_us, const std::vector<Delivered>& items) {
  std::string out;
  out.reserve(12 + 12 * items.size());
  put64(out, static_cast<uint64_t>(visible_until_us));
  put32(out, static_cast<uint32_t>(items.size()));
  for (const auto& d : items) {
    put64(out, d.seq);
    put32(out, d.receive_count);
  }
  return out;
}

bool decode_delivered(std::string_view payload, int64_t& visible_until_us, std::vector<Delivered>& items) {
  if (payload.size() < 12) return false;
  visible_until_us = static_cast<int64_t>(get64(payload.data()));
  const uint32_t n = get32(payload.data() + 8);
  if (payload.size() != 12 + 12ull * n) return false;
  items.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    const char* p = payload.data() + 12 + 12 * i;
    items[i] = {get64(p), get32(p + 8)};
  }
  return true;
}

}  // namespace gsmq::server
