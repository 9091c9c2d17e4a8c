#include "endpoint/registry/catalog.h"

#include <algorithm>

#include "endpoint/param_text.h"
#include "endpoint/registry/registry.h"

namespace gsmq::endpoint {
namespace {

std::vector<std::string> role_names(Roles roles) {
  std::vector<std::string> out;
  if (roles & kSource) out.emplace_back("source");
  if (roles & kSink) out.emplace_back("sink");
  if (roles & kListener) out.emplace_back("listener");
  return out;
}

// The parameters a scheme takes: the adapter's, less the TLS ones on a plain scheme.
std::vector<const ParamSpec*> params_of(const Adapter& adapter, const Scheme& scheme) {
  std::vector<const ParamSpec*> out;
  for (const ParamSpec& p : adapter.params)
    if (!p.tls || scheme.tls) out.push_back(&p);
  return out;
}

nlohmann::ordered_json typed(const ParamSpec& p, std::string_view text) {
  switch (p.type) {
    case ParamType::boolean: return text != "0";
    case ParamType::unsigned_number: return std::stoull(std::string(text));
    default: return std::string(text);
  }
}

nlohmann::ordered_json bound(const ParamSpec& p, uint64_t value) {
  if (p.type == ParamType::unsigned_number) return value;
  return bound_text(p, value);
}

nlohmann::ordered_json param_json(const Adapter& adapter, const ParamSpec& p) {
  nlohmann::ordered_json j;
  j["name"] = p.name;
  j["type"] = type_name(p.type);
  j["default"] = p.default_value.empty() ? nlohmann::ordered_json() : typed(p, p.default_value);
  if (p.type == ParamType::enumeration) j["choices"] = std::vector<std::string>(p.choices.begin(), p.choices.end());
  if (has_lower_bound(p) || has_upper_bound(p))
    j["range"] = {bound(p, p.min), has_upper_bound(p) ? bound(p, p.max) : nlohmann::ordered_json()};
  if (!p.keyword.empty()) j["keyword"] = p.keyword;
  j["roles"] = role_names(p.roles & adapter.roles);
  j["doc"] = p.doc;
  if (!p.alias.empty()) j["alias"] = p.alias;
  if (!p.section.empty()) j["section"] = p.section;
  return j;
}

std::string padded(std::string text, size_t width) {
  text.resize(std::max(text.size(), width), ' ');
  return text;
}

std::string scheme_text(const Adapter& adapter, const Scheme& scheme) {
  std::string out = url_prefix(scheme) + "  " + std::string(scheme.doc);
  if (scheme.default_port) out += "; default port " + std::to_string(scheme.default_port);
  out += "\n  roles: " + join_words(role_names(adapter.roles), "") + "\n";
  const auto params = params_of(adapter, scheme);
  if (params.empty()) return out + "  no parameters\n";
  std::vector<std::array<std::string, 6>> rows = {{"NAME", "TYPE", "DEFAULT", "RANGE", "ROLES", "DOC"}};
  for (const ParamSpec* p : params) {
    std::string doc(p->doc);
    if (!p->alias.empty()) doc += " (also spelt " + std::string(p->alias) + ")";
    const std::string range = range_text(*p);
    rows.push_back({std::string(p->name), std::string(type_name(p->type)),
                    p->default_value.empty() ? "-" : std::string(p->default_value), range.empty() ? "-" : range,
                    join_words(role_names(p->roles & adapter.roles), ""), doc});
  }
  std::array<size_t, 6> width{};
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  for (const auto& row : rows) {
    std::string line = " ";
    for (size_t i = 0; i + 1 < row.size(); ++i) line += " " + padded(row[i], width[i]);
    out += line + " " + row.back() + "\n";
  }
  if (adapter.passes_unknown)
    out += "  other parameters of a " + join_words(role_names(adapter.passes_unknown), "or") + ": passed on to the peer\n";
  return out;
}

}  // namespace

std::string catalog_text() {
  std::string out;
  for (const Adapter* a : registered_adapters())
    for (const Scheme& s : a->schemes) out += (out.empty() ? "" : "\n") + scheme_text(*a, s);
  return out;
}

nlohmann::ordered_json catalog_json() {
  auto list = nlohmann::ordered_json::array();
  for (const Adapter* a : registered_adapters())
    for (const Scheme& s : a->schemes) {
      nlohmann::ordered_json j;
      j["scheme"] = s.name;
      j["prefix"] = url_prefix(s);
      j["kind"] = a->kind;
      j["doc"] = s.doc;
      j["tls"] = s.tls;
      j["default_port"] = s.default_port ? nlohmann::ordered_json(s.default_port) : nlohmann::ordered_json();
      j["roles"] = role_names(a->roles);
      j["passes_unknown"] = role_names(a->passes_unknown);
      auto params = nlohmann::ordered_json::array();
      for (const ParamSpec* p : params_of(*a, s)) params.push_back(param_json(*a, *p));
      j["parameters"] = std::move(params);
      list.push_back(std::move(j));
    }
  return list;
}

}  // namespace gsmq::endpoint
