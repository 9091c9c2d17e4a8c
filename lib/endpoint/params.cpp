#include "endpoint/params.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <stdexcept>

#include "endpoint/param_text.h"
#include "util/error.h"
#include "util/size.h"

namespace gsmq::endpoint {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

bool named(const ParamSpec& p, std::string_view key) { return p.name == key || (!p.alias.empty() && p.alias == key); }

// The declaration of `key` for `role`: a table may declare a name once per role (HTTP's
// timeout means one thing for the sink and another for the ingest server). Falls back to
// the first declaration of the name, so that a wrong role can be named as such.
const ParamSpec* find_param(std::span<const ParamSpec> table, std::string_view key, Roles role) {
  const ParamSpec* first = nullptr;
  for (const ParamSpec& p : table) {
    if (!named(p, key)) continue;
    if (p.roles & role) return &p;
    if (!first) first = &p;
  }
  return first;
}

// The roles of every declaration of `key`.
Roles declared_roles(std::span<const ParamSpec> table, std::string_view key) {
  Roles roles = 0;
  for (const ParamSpec& p : table)
    if (named(p, key)) roles |= p.roles;
  return roles;
}

std::optional<uint64_t> whole_number(std::string_view text) {
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

// The typed value of `text` for `p`, or nullopt when it is not of the accepted form.
std::optional<std::variant<bool, uint64_t, Duration, std::string>> typed(const ParamSpec& p, const std::string& text) {
  const auto in_range = [&](uint64_t v) { return v >= p.min && v <= p.max; };
  switch (p.type) {
    case ParamType::boolean:
      if (text.empty() || text == "1" || text == "true" || text == "yes") return true;
      if (text == "0" || text == "false" || text == "no") return false;
      return std::nullopt;
    case ParamType::unsigned_number:
      if (const auto v = whole_number(text); v && in_range(*v)) return *v;
      return std::nullopt;
    case ParamType::size:
      if (const auto v = parse_size(text); v && in_range(*v)) return static_cast<uint64_t>(*v);
      return std::nullopt;
    case ParamType::duration:
      if (!p.keyword.empty() && text == p.keyword) return Duration::max();
      if (const auto d = parse_duration(text); d && in_range(us(*d))) return *d;
      return std::nullopt;
    case ParamType::enumeration:
      for (std::string_view choice : p.choices)
        if (iequals(choice, text)) return std::string(choice);
      return std::nullopt;
    case ParamType::string:
      return text;
    case ParamType::path:
      if (text.empty()) return std::nullopt;
      return text;
  }
  return std::nullopt;
}

std::string role_noun(Roles role) {
  if (role == kSource) return "a source";
  if (role == kSink) return "a sink";
  if (role == kListener) return "the listen form";
  return "any role";
}

// "sending (a sink) or listening (the listen form)"; "connecting (a source or a sink)".
std::string role_uses(Roles roles) {
  std::string out;
  const auto add = [&](Roles bit, const char* text) {
    if (!(roles & bit)) return;
    out += (out.empty() ? "" : " or ") + std::string(text);
  };
  if ((roles & kSource) && (roles & kSink)) {
    add(kSource, "connecting (a source or a sink)");
  } else {
    add(kSource, "receiving (a source)");
    add(kSink, "sending (a sink)");
  }
  add(kListener, "listening (the listen form)");
  return out;
}

// "mqtts:// or wss://": the adapter's schemes that take its TLS parameters.
std::string tls_schemes(const Adapter& adapter) {
  std::vector<std::string> names;
  for (const Scheme& s : adapter.schemes)
    if (s.tls) names.push_back(url_prefix(s));
  return join_words(names, "or");
}

[[noreturn]] void unknown(const Adapter& adapter, const Scheme& scheme, const EndpointUrl& url, const std::string& key,
                          Roles role) {
  if (key == "listen" && !(adapter.roles & kListener) && !adapter.connect_only.empty())
    usage_error(url, std::string(adapter.connect_only));
  std::vector<std::string> valid;
  for (const ParamSpec& p : adapter.params)
    if ((p.roles & role) && (!p.tls || scheme.tls) && std::find(valid.begin(), valid.end(), p.name) == valid.end())
      valid.emplace_back(p.name);
  std::string what = "unknown parameter ?" + key + " for " + url_prefix(scheme) + " (";
  if (valid.empty()) what += "it takes none";
  else what += (role == kAnyRole ? "valid: " : "valid for " + role_noun(role) + ": ") + join_words(valid, "");
  usage_error(url, what + ")");
}

}  // namespace

Params parse_params(const Adapter& adapter, const EndpointUrl& url, Roles role) {
  const Scheme* scheme = find_scheme(adapter, url.scheme);
  if (!scheme) throw std::logic_error("parse_params: " + url.scheme + " is not a scheme of " + std::string(adapter.kind));
  if (url.servers.size() > 1 && !adapter.several_servers)
    usage_error(url, "names " + std::to_string(url.servers.size()) + " servers; " + std::string(scheme->name) +
                         "://" + " takes one");
  Params out;
  out.table_ = adapter.params;
  out.role_ = role;
  const bool passes_unknown = role != 0 && (role & ~adapter.passes_unknown) == 0;
  for (const auto& [key, text] : url.query) {
    const ParamSpec* p = find_param(adapter.params, key, role);
    if (p && p->tls && !scheme->tls) usage_error(url, "?" + key + " needs a TLS scheme (" + tls_schemes(adapter) + ")");
    if (!p || !(p->roles & role)) {
      if (passes_unknown) {
        out.passed_on_.emplace_back(key, text);
        continue;
      }
      if (!p) unknown(adapter, *scheme, url, key, role);
      const Roles declared = declared_roles(adapter.params, key);
      const Roles roles = (declared & adapter.roles) ? declared & adapter.roles : declared;
      usage_error(url, "?" + key + " is for " + role_uses(roles) + ", not for " + role_noun(role));
    }
    auto value = typed(*p, text);
    if (!value) usage_error(url, "?" + key + "=" + text + ": expected " + accepted_form(*p));
    out.given_.push_back({p, std::move(*value)});
  }
  return out;
}

const ParamSpec& Params::spec(std::string_view name) const {
  if (const ParamSpec* p = find_param(table_, name, role_)) return *p;
  throw std::logic_error("no endpoint parameter \"" + std::string(name) + "\" is declared");
}

bool Params::given(std::string_view name) const {
  const ParamSpec& p = spec(name);
  return std::any_of(given_.begin(), given_.end(), [&](const Given& g) { return g.spec->name == p.name; });
}

Params::Value Params::value(std::string_view name) const {
  const ParamSpec& p = spec(name);
  for (const Given& g : given_)
    if (g.spec->name == p.name) return g.value;
  if (!p.default_value.empty()) {
    if (auto v = typed(p, std::string(p.default_value))) return *v;
    throw std::logic_error("the default of ?" + std::string(name) + " is not of its own type");
  }
  switch (p.type) {
    case ParamType::boolean: return false;
    case ParamType::unsigned_number:
    case ParamType::size: return uint64_t{0};
    case ParamType::duration: return Duration{0};
    default: return std::string();
  }
}

namespace {
template <typename T>
T as(const std::variant<bool, uint64_t, Duration, std::string>& v, std::string_view name) {
  if (const T* t = std::get_if<T>(&v)) return *t;
  throw std::logic_error("endpoint parameter \"" + std::string(name) + "\" read as the wrong type");
}
}  // namespace

bool Params::flag(std::string_view name) const { return as<bool>(value(name), name); }
uint64_t Params::number(std::string_view name) const { return as<uint64_t>(value(name), name); }
Duration Params::duration(std::string_view name) const { return as<Duration>(value(name), name); }
std::string Params::text(std::string_view name) const { return as<std::string>(value(name), name); }

}  // namespace gsmq::endpoint
