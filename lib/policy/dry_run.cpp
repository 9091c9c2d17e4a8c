#include "policy/dry_run.h"

#include <string>

#include "envelope/codec.h"
#include "io/blank_line.h"

namespace gsmq::policy {

DryRunStats dry_run(RuleEngine& rules, std::istream& in, std::ostream& out, std::ostream& errors) {
  DryRunStats stats;
  std::string line;
  for (uint64_t number = 1; std::getline(in, line); ++number) {
    if (is_blank_line(line)) continue;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    Message m;
    std::string error;
    if (!parse_envelope(line, m, error)) {
      errors << "LINE " << number << ": " << error << "\n";
      ++stats.bad_lines;
      continue;
    }
    ++stats.messages;
    const int64_t now = m.ts != 0 ? m.ts : now_micros();
    const Verdict v = rules.apply(m, now);
    std::string text = "{\"line\":" + std::to_string(number) + ",\"rules\":" + nlohmann::json(v.matched).dump();
    if (!v.dropped_by.empty()) text += ",\"dropped_by\":" + nlohmann::json(v.dropped_by).dump();
    text += ",\"out\":[";
    bool first = true;
    auto add = [&](const Message& message) {
      if (!first) text += ',';
      first = false;
      text += format_envelope(message);
    };
    if (v.dropped_by.empty()) add(m);
    for (const auto& c : v.copies) add(c);
    text += "]}\n";
    out << text << std::flush;
  }
  return stats;
}

}  // namespace gsmq::policy
