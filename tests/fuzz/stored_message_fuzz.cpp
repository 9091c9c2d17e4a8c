// libFuzzer target for reading stored messages without parsing them (lib/server/
// hand_out_wire.h, index_fields.h): any bytes as a stored gsmq.v1.Message encoding.
// What well_formed_message accepts, the protobuf parser must accept too (else Receive
// would hand out an answer its receiver cannot read); for it, the index fields scanned
// must equal the parsed message's, and the bytes with the hand-out fields appended must
// parse as the message with those fields set.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <google/protobuf/util/message_differencer.h>

#include "gsmq/v1/message.pb.h"
#include "server/hand_out_wire.h"
#include "server/index_fields.h"
#include "fuzz_check.h"

using gsmq::fuzz::fail;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gsmq;
  using namespace gsmq::server;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  if (!well_formed_message(bytes)) {
    if (scan_index_fields(bytes)) fail("fields scanned from bytes refused as malformed");
    return 0;
  }
  v1::Message parsed;
  if (!parsed.ParseFromString(bytes)) fail("accepted bytes the parser refuses");
  const auto scanned = scan_index_fields(bytes);
  if (!scanned || !(*scanned == index_fields(parsed))) fail("scanned index fields differ from the parsed message's");

  HandOutFields fields;
  fields.seq = size * 7919 + 1;
  fields.receive_count = static_cast<uint32_t>(size % 3);
  if (size % 2) fields.receipt = std::to_string(fields.seq) + ":1@c";
  if (size % 5 == 0) fields.late_ms = static_cast<int64_t>(size);
  std::string handed = bytes;
  append_hand_out_fields(handed, fields);
  v1::Message got;
  if (!got.ParseFromString(handed)) fail("stored bytes with the hand-out fields appended do not parse");
  v1::Message want = parsed;
  want.set_seq(fields.seq);
  want.set_receive_count(fields.receive_count);
  if (fields.receipt) want.set_receipt(*fields.receipt);
  if (fields.late_ms) (*want.mutable_meta())["gsmq.late_ms"] = std::to_string(*fields.late_ms);
  if (!google::protobuf::util::MessageDifferencer::Equals(got, want)) fail("hand-out differs from parse-and-set");
  return 0;
}
