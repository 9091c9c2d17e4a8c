// The config file of a tool (gsmqd --config FILE): TOML, read by toml++ and handed to CLI11
// as if the keys were long flags. CLI11's own reader (2.1 in Debian 12) takes a '#' inside a
// quoted string for a comment, so `forward = ["up sensors/#"]` would swallow the lines after
// it; toml++ reads TOML as specified, and names the line and column of a mistake.
#pragma once

#include <CLI/CLI.hpp>

namespace gsmq {

class TomlConfig : public CLI::Config {
 public:
  // `option` is the --config option (its value names the file in error messages) of `app`
  // (whose long flags are the keys a file may have).
  TomlConfig(const CLI::App* app, const CLI::Option* option) : app_(app), option_(option) {}

  // A key is a long flag's name; a table's keys are a subcommand's ([links] listen = ...).
  // A string, number or boolean is one value; an array is the values of a repeatable flag.
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;
  std::string to_config(const CLI::App* app, bool default_also, bool write_description,
                        std::string prefix) const override;

 private:
  std::string where(int64_t line, int64_t column) const;
  const CLI::App* app_;
  const CLI::Option* option_;
};

// Makes `app` read --config FILE as TOML (TomlConfig).
void set_toml_config(CLI::App& app, const std::string& help);

}  // namespace gsmq
