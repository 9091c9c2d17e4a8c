// One query parameter as an adapter declares it (gsmq(7) ENDPOINTS): its name, type,
// default, range or choices, the roles it applies to and one line of doc. Adapters list
// them in a table; params.h checks a URL against that table, and every tool prints it
// with --endpoints.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

#include "util/duration.h"

namespace gsmq::endpoint {

// What an endpoint is opened as by the tool: messages come out of it or go into it.
enum class Role { source, sink };

// The roles a parameter applies to. A URL is opened in exactly one: as a source or a
// sink in the connect form, or in the listen form (an ingest server, a bound socket;
// gsmq(7) "Listening or connecting"), whichever way its messages flow.
enum RoleBits : uint8_t { kSource = 1, kSink = 2, kListener = 4, kAnyRole = kSource | kSink | kListener };
using Roles = uint8_t;

enum class ParamType { boolean, unsigned_number, duration, size, enumeration, string, path };

// Durations are bounded in microseconds: .min = us(std::chrono::seconds(1)).
constexpr uint64_t us(Duration d) { return static_cast<uint64_t>(d.count()); }

struct ParamSpec {
  std::string_view name{};                    // snake_case
  ParamType type = ParamType::string;
  std::string_view default_value{};           // as written in a URL; empty: none (see doc)
  uint64_t min = 0;                           // unsigned, size: the range; duration: in µs
  uint64_t max = std::numeric_limits<uint64_t>::max();
  std::span<const std::string_view> choices{};  // enumeration: the accepted values, any case
  Roles roles = kAnyRole;
  std::string_view doc{};                     // one line
  std::string_view keyword{};                 // duration: a word accepted as well ("never")
  std::string_view alias{};                   // an older spelling, still accepted
  bool tls = false;                           // taken only by the TLS schemes of an adapter
  std::string_view section{};                 // shared: the gsmq(7) subsection documenting it

  // A shared declaration narrowed for one adapter.
  constexpr ParamSpec for_roles(Roles r) const {
    ParamSpec p = *this;
    p.roles = r;
    return p;
  }
  constexpr ParamSpec with_range(uint64_t lo, uint64_t hi) const {
    ParamSpec p = *this;
    p.min = lo;
    p.max = hi;
    return p;
  }
  constexpr ParamSpec with_default(std::string_view value) const {
    ParamSpec p = *this;
    p.default_value = value;
    return p;
  }
};

// An adapter's own parameters followed by shared ones (kTlsParams), as one table.
template <size_t N, size_t M>
constexpr std::array<ParamSpec, N + M> concat(const std::array<ParamSpec, N>& own,
                                              const std::array<ParamSpec, M>& shared) {
  std::array<ParamSpec, N + M> out{};
  for (size_t i = 0; i < N; ++i) out[i] = own[i];
  for (size_t i = 0; i < M; ++i) out[N + i] = shared[i];
  return out;
}

// As --endpoints prints it: "bool", "unsigned", "duration", "size", "enum", "string", "path".
constexpr std::string_view type_name(ParamType type) {
  switch (type) {
    case ParamType::boolean: return "bool";
    case ParamType::unsigned_number: return "unsigned";
    case ParamType::duration: return "duration";
    case ParamType::size: return "size";
    case ParamType::enumeration: return "enum";
    case ParamType::string: return "string";
    case ParamType::path: return "path";
  }
  return "?";
}

}  // namespace gsmq::endpoint
