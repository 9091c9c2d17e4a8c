// The dashboard's page, script and style sheet (lib/dashboard/assets/), built into gsmqd.
#pragma once

#include <string_view>

namespace gsmq::dashboard {

struct Asset {
  std::string_view content_type;
  std::string_view body;
};

// nullptr for a name that is not an asset ("index.html", "app.js", "style.css").
const Asset* find_asset(std::string_view name);

}  // namespace gsmq::dashboard
