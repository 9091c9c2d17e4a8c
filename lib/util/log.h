// Structured logs on stderr, one logfmt line per event:
//   ts=2026-11-24T10:00:00.123456Z level=info msg="listening" addr=127.0.0.1:7878
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace gsmq::log {

enum class Level { debug, info, warn, error };

void set_level(Level level);
bool parse_level(std::string_view text, Level& out);

using Field = std::pair<std::string_view, std::string>;
void write(Level level, std::string_view message, std::initializer_list<Field> fields = {});

inline void info(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::info, m, f); }
inline void warn(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::warn, m, f); }
inline void error(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::error, m, f); }
inline void debug(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::debug, m, f); }

}  // namespace gsmq::log
