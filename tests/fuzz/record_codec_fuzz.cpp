// libFuzzer target for the record codec of queues and events-stores (lib/server/
// record_codec.h): any bytes as a message, removed or delivered record payload. Decoding
// must not crash; what decodes must encode back to a payload that decodes the same.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/util/message_differencer.h>

#include "server/record_codec.h"
#include "fuzz_check.h"

using gsmq::fuzz::fail;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gsmq::server;
  const std::string_view payload(reinterpret_cast<const char*>(data), size);

  MessageRecord record;
  if (decode_message_record(payload, record)) {
    uint64_t seq = 0;
    int64_t arrival = 0;
    if (!decode_message_header(payload, seq, arrival) || seq != record.seq || arrival != record.arrival_us)
      fail("the header of a decodable message record does not decode the same");
    MessageRecord back;
    if (!decode_message_record(encode_message_record(record.seq, record.arrival_us, record.message), back) ||
        back.seq != record.seq || back.arrival_us != record.arrival_us ||
        !google::protobuf::util::MessageDifferencer::Equals(back.message, record.message))
      fail("a message record does not survive encode/decode");
  }

  std::vector<uint64_t> seqs;
  if (decode_removed(payload, seqs)) {
    std::vector<uint64_t> back;
    if (!decode_removed(encode_removed(seqs), back) || back != seqs) fail("a removed record does not round-trip");
  }

  int64_t until = 0;
  std::vector<Delivered> items;
  if (decode_delivered(payload, until, items)) {
    int64_t until_back = 0;
    std::vector<Delivered> back;
    if (!decode_delivered(encode_delivered(until, items), until_back, back) || until_back != until ||
        back.size() != items.size())
      fail("a delivered record does not round-trip");
    for (size_t i = 0; i < items.size(); ++i)
      if (back[i].seq != items[i].seq || back[i].receive_count != items[i].receive_count)
        fail("a delivered record's items do not round-trip");
  }
  return 0;
}
