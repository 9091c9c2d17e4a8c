// JSON text written straight into a string, byte for byte as nlohmann/json's
// dump(-1, ' ', false, error_handler_t::replace) writes it, without building a json
// value: the pieces format_envelope is made of.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gsmq {

// Appends `bytes` as a JSON string ("..." with '"', '\', and control characters escaped)
// and returns true; when they are not valid UTF-8, appends nothing and returns false.
bool append_json_string_if_utf8(std::string& out, std::string_view bytes);

// Appends `bytes` as a JSON string; bytes that are not UTF-8 become U+FFFD.
void append_json_string(std::string& out, std::string_view bytes);

void append_json_integer(std::string& out, int64_t value);
void append_json_integer(std::string& out, uint64_t value);

}  // namespace gsmq
