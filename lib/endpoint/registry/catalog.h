// What the tools speak (--endpoints): every scheme of the registry with its roles and
// its parameter table, as text to read or as JSON for scripts and tests.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace gsmq::endpoint {

std::string catalog_text();

// A list of schemes: {"scheme", "prefix", "kind", "doc", "tls", "default_port", "roles",
// "passes_unknown", "parameters": [{"name", "type", "default", "range" | "choices",
// "roles", "doc", and "keyword", "alias", "section" where there is one}]}.
nlohmann::ordered_json catalog_json();

}  // namespace gsmq::endpoint
