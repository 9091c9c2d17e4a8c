#include "io/blank_line.h"

namespace gsmq {

bool is_blank_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

}  // namespace gsmq
