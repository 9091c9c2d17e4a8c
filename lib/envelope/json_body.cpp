#include "envelope/json_body.h"

#include <nlohmann/json.hpp>

#include "envelope/codec.h"
#include "envelope/json_depth.h"

namespace gsmq {

bool is_json_body(std::string_view bytes) {
  if (!json_depth_within(bytes, kMaxBodyDepth)) return false;
  const auto value = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
  return !value.is_discarded() && !value.is_string();
}

}  // namespace gsmq
