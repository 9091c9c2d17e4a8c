// gsmq-gen's reports: the human summary (stderr), the JSON summary (--json, stdout),
// the per-second CSV time series (--csv) and the live progress line on a terminal.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "gen/load_run.h"

namespace gsmq::gen {

std::string summary_text(const LoadOptions& options, const LoadResult& result);
nlohmann::ordered_json summary_json(const LoadOptions& options, const LoadResult& result);
std::string csv_header();
std::string csv_line(const Interval& interval);
std::string progress_line(const Interval& interval);

}  // namespace gsmq::gen
