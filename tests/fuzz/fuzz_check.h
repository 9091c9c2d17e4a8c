// What a fuzz target does when a property it checks fails: says which target (the
// binary's name) and what failed, then aborts, so that libFuzzer keeps the input.
#pragma once

#include <cerrno>  // program_invocation_short_name (GNU)
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace gsmq::fuzz {

[[noreturn]] inline void fail(std::string_view what, std::string_view detail = {}) {
  std::fprintf(stderr, "%s: %.*s%s%.*s\n", program_invocation_short_name, static_cast<int>(what.size()), what.data(),
               detail.empty() ? "" : ": ", static_cast<int>(detail.size()), detail.data());
  std::abort();
}

}  // namespace gsmq::fuzz
