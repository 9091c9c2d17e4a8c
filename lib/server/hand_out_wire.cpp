#include "server/hand_out_wire.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>

#include <vector>

#include "envelope/utf8.h"
#include "gsmq/v1/message.pb.h"

namespace gsmq::server {

using google::protobuf::internal::WireFormatLite;

void append_hand_out_fields(std::string& out, const HandOutFields& fields) {
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  WireFormatLite::WriteUInt64(v1::Message::kSeqFieldNumber, fields.seq, &coded);
  WireFormatLite::WriteUInt32(v1::Message::kReceiveCountFieldNumber, fields.receive_count, &coded);
  if (fields.receipt) WireFormatLite::WriteString(v1::Message::kReceiptFieldNumber, *fields.receipt, &coded);
  if (fields.late_ms) {
    // meta is map<string, string>: each entry is a message {1: key, 2: value}
    static const std::string kKey(kLateMetaKey);
    const std::string value = std::to_string(*fields.late_ms);
    const size_t entry = WireFormatLite::StringSize(kKey) + WireFormatLite::StringSize(value) + 2;
    WireFormatLite::WriteTag(v1::Message::kMetaFieldNumber, WireFormatLite::WIRETYPE_LENGTH_DELIMITED, &coded);
    coded.WriteVarint32(static_cast<uint32_t>(entry));
    WireFormatLite::WriteString(1, kKey, &coded);
    WireFormatLite::WriteString(2, value, &coded);
  }
  coded.Trim();
}

namespace {

// The Message fields declared `string`: a parser refuses them unless they are UTF-8. Read
// from the descriptor once, so that a string field added to Message is checked too.
bool is_string_field(int number) {
  static const std::vector<char> strings = [] {
    std::vector<char> s;
    const auto* d = v1::Message::descriptor();
    for (int i = 0; i < d->field_count(); ++i) {
      const auto* f = d->field(i);
      if (f->type() != google::protobuf::FieldDescriptor::TYPE_STRING) continue;
      if (s.size() <= static_cast<size_t>(f->number())) s.resize(static_cast<size_t>(f->number()) + 1, 0);
      s[static_cast<size_t>(f->number())] = 1;
    }
    return s;
  }();
  return number > 0 && static_cast<size_t>(number) < strings.size() && strings[static_cast<size_t>(number)];
}

// A meta entry (map<string, string>) is a message of key 1 and value 2, both strings.
bool is_entry_string(int number) { return number == 1 || number == 2; }

// Walks the fields of `bytes`: `string_field(number)` says which must be UTF-8, and with
// `meta_entries` each meta entry is walked the same way; `visit` sees each field.
bool well_formed(std::string_view bytes, bool (*string_field)(int), bool meta_entries,
                 const std::function<void(const StoredField&)>& visit) {
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) return false;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  while (in.CurrentPosition() < static_cast<int>(bytes.size())) {
    // A tag as strict as the parser's: at most 5 bytes, 32 bits, a field number, and a wire
    // type gsmq writes (groups are not among them).
    const int tag_at = in.CurrentPosition();
    uint64_t tag64 = 0;
    if (!in.ReadVarint64(&tag64) || in.CurrentPosition() - tag_at > 5 || tag64 > UINT32_MAX) return false;
    const auto tag = static_cast<uint32_t>(tag64);
    const int number = WireFormatLite::GetTagFieldNumber(tag);
    const auto type = WireFormatLite::GetTagWireType(tag);
    if (number == 0 || type == WireFormatLite::WIRETYPE_START_GROUP || type == WireFormatLite::WIRETYPE_END_GROUP ||
        type > WireFormatLite::WIRETYPE_FIXED32)
      return false;
    if (type == WireFormatLite::WIRETYPE_VARINT) {
      uint64_t value = 0;
      if (!in.ReadVarint64(&value)) return false;
      if (visit) visit({number, true, value});
      continue;
    }
    if (type != WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      if (!WireFormatLite::SkipField(&in, tag)) return false;
      continue;
    }
    // a length as strict as the parser's too: at most 5 bytes, below 2^31
    const int length_at = in.CurrentPosition();
    uint64_t length = 0;
    if (!in.ReadVarint64(&length) || in.CurrentPosition() - length_at > 5 || length > INT32_MAX ||
        length > bytes.size() - static_cast<size_t>(in.CurrentPosition()))
      return false;
    const std::string_view value = bytes.substr(static_cast<size_t>(in.CurrentPosition()), length);
    if (string_field(number) && !is_valid_utf8(value)) return false;
    if (meta_entries && number == v1::Message::kMetaFieldNumber &&
        !well_formed(value, is_entry_string, false, nullptr))
      return false;
    if (!in.Skip(static_cast<int>(length))) return false;
    if (visit) visit({number, false, length});
  }
  return true;
}

}  // namespace

bool well_formed_message(std::string_view bytes, const std::function<void(const StoredField&)>& visit) {
  return well_formed(bytes, is_string_field, true, visit);
}

}  // namespace gsmq::server
