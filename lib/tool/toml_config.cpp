#include "tool/toml_config.h"

#include <functional>
#include <sstream>

#include <toml++/toml.h>

namespace gsmq {
namespace {

std::string text_of(const toml::node& node, const std::string& key, const std::string& where) {
  if (auto s = node.value<std::string>()) return *s;
  if (auto b = node.value<bool>(); b && node.is_boolean()) return *b ? "true" : "false";
  if (node.is_integer()) return std::to_string(*node.value<int64_t>());
  if (node.is_floating_point()) {
    std::ostringstream out;
    out << *node.value<double>();
    return out.str();
  }
  throw CLI::ConversionError(where + ": " + key + ": a value must be a string, number, boolean or an array of them");
}

using Where = std::function<std::string(int64_t line, int64_t column)>;

void collect(const CLI::App* app, const toml::table& table, const std::vector<std::string>& parents,
             std::vector<CLI::ConfigItem>& out, const Where& where) {
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    if (const auto* sub = node.as_table()) {
      auto deeper = parents;
      deeper.push_back(name);
      collect(nullptr, *sub, deeper, out, where);
      continue;
    }
    CLI::ConfigItem item;
    item.parents = parents;
    item.name = name;
    const auto at = [&](const toml::node& n) { return where(n.source().begin.line, n.source().begin.column); };
    // A misspelt key is an error, not ignored (top-level keys are the app's long flags).
    if (app && app->get_option_no_throw("--" + name) == nullptr)
      throw CLI::ConversionError(at(node) + ": \"" + name + "\" is not an option of " + app->get_name());
    if (const auto* array = node.as_array()) {
      for (const auto& element : *array) item.inputs.push_back(text_of(element, name, at(element)));
    } else {
      item.inputs.push_back(text_of(node, name, at(node)));
    }
    out.push_back(std::move(item));
  }
}

}  // namespace

std::vector<CLI::ConfigItem> TomlConfig::from_config(std::istream& input) const {
  std::string text((std::istreambuf_iterator<char>(input)), std::istreambuf_iterator<char>());
  toml::table table;
  try {
    table = toml::parse(text);
  } catch (const toml::parse_error& e) {
    throw CLI::ConversionError(where(e.source().begin.line, e.source().begin.column) + ": " +
                               std::string(e.description()));
  }
  std::vector<CLI::ConfigItem> items;
  collect(app_, table, {}, items, [this](int64_t line, int64_t column) { return where(line, column); });
  return items;
}

std::string TomlConfig::where(int64_t line, int64_t column) const {
  const std::string file = option_ && !option_->results().empty() ? option_->results().back() : "config";
  return file + ": line " + std::to_string(line) + ", column " + std::to_string(column);
}

void set_toml_config(CLI::App& app, const std::string& help) {
  const CLI::Option* option = app.set_config("--config", "", help);
  app.config_formatter(std::make_shared<TomlConfig>(&app, option));
  app.allow_config_extras(CLI::config_extras_mode::error);  // a misspelt key is not ignored
}

std::string TomlConfig::to_config(const CLI::App* app, bool default_also, bool write_description,
                                  std::string prefix) const {
  // Writing a config is not offered; CLI11's TOML writer does it when asked.
  return CLI::ConfigTOML().to_config(app, default_also, write_description, std::move(prefix));
}

}  // namespace gsmq
