// libFuzzer target for the byte scanners behind the envelope codec, against nlohmann/json
// as the reference: is_valid_json accepts exactly what nlohmann accepts (but a byte order
// mark or a NUL byte, which nlohmann skips or takes for the end), json_depth_within counts
// the nesting of accepted text, and json_member_text finds the value nlohmann's DOM holds.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "envelope/json_depth.h"
#include "envelope/json_member.h"
#include "envelope/json_validate.h"
#include "fuzz_check.h"

using gsmq::fuzz::fail;

namespace {

constexpr size_t kDepth = 64;  // nlohmann recurses when comparing: keep the reference shallow

// How deep the text nests, as nlohmann's parser sees it (a SAX count: the DOM would hide
// containers that a later duplicate member replaced).
class DepthCounter : public nlohmann::json_sax<nlohmann::json> {
 public:
  size_t deepest = 0;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return open(); }
  bool key(string_t&) override { return true; }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  bool open() {
    deepest = std::max(deepest, ++depth_);
    return true;
  }
  bool close() {
    --depth_;
    return true;
  }
  size_t depth_ = 0;
};

size_t depth_of(std::string_view text) {
  DepthCounter counter;
  nlohmann::json::sax_parse(text, &counter);
  return counter.deepest;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!gsmq::json_depth_within(text, kDepth)) return 0;
  const bool ours = gsmq::is_valid_json(text, kDepth);
  const bool theirs = nlohmann::json::accept(text);
  const bool nlohmann_quirk = text.starts_with("\xEF\xBB\xBF") || text.find('\0') != std::string_view::npos;
  if (ours != theirs && !(nlohmann_quirk && theirs && !ours)) fail(ours ? "accepted, nlohmann refuses" : "refused, nlohmann accepts", text);
  if (!ours) return 0;

  const size_t depth = depth_of(text);
  if (!gsmq::json_depth_within(text, depth) || (depth > 0 && gsmq::json_depth_within(text, depth - 1)))
    fail("depth differs", text);
  if (!gsmq::is_valid_json(text, depth) || (depth > 0 && gsmq::is_valid_json(text, depth - 1)))
    fail("depth limit of the check differs", text);
  const auto doc = nlohmann::json::parse(text);
  if (!doc.is_object()) return 0;
  for (const auto& [name, value] : doc.items()) {
    const auto found = gsmq::json_member_text(text, name);
    if (!found) fail("member not found", text);
    if (nlohmann::json::parse(*found, nullptr, false) != value) fail("member value differs", text);
  }
  if (gsmq::json_member_text(text, "\x01 not a name \x01")) fail("found a member that is not there", text);
  return 0;
}
