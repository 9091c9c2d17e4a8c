// Which envelope input lines are blank: skipped, neither a message nor bad input
// (gsmq(7) THE ENVELOPE). Shared by the line sources and the HTTP ingest's JSON lines.
#pragma once

#include <string_view>

namespace gsmq {

// True for a line (without its '\n') of nothing but spaces and tabs, before an optional
// trailing '\r' (a CRLF line end).
bool is_blank_line(std::string_view line);

}  // namespace gsmq
