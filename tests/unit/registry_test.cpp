// The adapter registry and every adapter's declared table: one adapter per scheme,
// snake_case names, defaults of their own type and within range, choices for enums,
// one line of doc each, and a name declared twice only for different roles.
#include "endpoint/registry/registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "endpoint/params.h"

namespace gsmq::endpoint {
namespace {

bool snake_case(std::string_view name) {
  return !name.empty() && std::islower(static_cast<unsigned char>(name[0])) &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_';
         });
}

// A URL of `scheme` without parameters.
std::string bare_url(const Scheme& scheme) {
  if (scheme.name == "-") return "-";
  if (scheme.name == "file") return "file:x";
  return url_prefix(scheme) + "h:1/x";
}

TEST(Registry, EverySchemeHasOneAdapter) {
  std::set<std::string_view> seen;
  for (const Adapter* a : registered_adapters())
    for (const Scheme& s : a->schemes) {
      EXPECT_TRUE(seen.insert(s.name).second) << s.name;
      EXPECT_EQ(find_adapter(s.name), a) << s.name;
      EXPECT_FALSE(s.doc.empty()) << s.name;
    }
  for (const char* scheme : {"-", "file", "gsmq", "mqtt", "mqtts", "ws", "wss", "http", "https", "coap", "coaps",
                             "zmq+tcp", "zmq+ipc", "nats", "redis", "tcp", "udp"})
    EXPECT_TRUE(seen.contains(scheme)) << scheme;
  EXPECT_EQ(find_adapter("nope"), nullptr);
}

TEST(Registry, EveryTableIsWellFormed) {
  for (const Adapter* a : registered_adapters()) {
    EXPECT_TRUE(a->open_source && a->open_sink) << a->kind;
    for (const ParamSpec& p : a->params) {
      const std::string where = std::string(a->kind) + " ?" + std::string(p.name);
      EXPECT_TRUE(snake_case(p.name)) << where;
      EXPECT_FALSE(p.doc.empty()) << where;
      EXPECT_EQ(p.doc.find('\n'), std::string_view::npos) << where;
      EXPECT_NE(p.roles, 0) << where;
      EXPECT_LE(p.min, p.max) << where;
      EXPECT_EQ(p.type == ParamType::enumeration, !p.choices.empty()) << where;
      for (const ParamSpec& q : a->params)
        if (&q != &p && (q.name == p.name || (!q.alias.empty() && q.alias == p.name))) {
          EXPECT_EQ(q.roles & p.roles, 0) << where << " is declared twice for one role";
        }
    }
  }
}

TEST(Registry, EveryDefaultIsAValueOfItsParameter) {
  for (const Adapter* a : registered_adapters()) {
    const Scheme& scheme = a->schemes.back();  // the TLS one where there is one
    std::string error;
    const auto url = parse_endpoint_url(bare_url(scheme), error);
    ASSERT_TRUE(url) << error;
    for (const ParamSpec& p : a->params) {
      const Params params = parse_params(*a, *url, p.roles);
      const std::string where = std::string(a->kind) + " ?" + std::string(p.name);
      switch (p.type) {
        case ParamType::boolean: EXPECT_NO_THROW(params.flag(p.name)) << where; break;
        case ParamType::unsigned_number:
        case ParamType::size:
          if (!p.default_value.empty()) {
            EXPECT_GE(params.number(p.name), p.min) << where;
            EXPECT_LE(params.number(p.name), p.max) << where;
          }
          break;
        case ParamType::duration: EXPECT_NO_THROW(params.duration(p.name)) << where; break;
        default: EXPECT_NO_THROW(params.text(p.name)) << where;
      }
    }
  }
}

}  // namespace
}  // namespace gsmq::endpoint
