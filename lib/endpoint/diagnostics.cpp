#include <cstdio>

#include "endpoint/endpoint.h"

namespace gsmq {

void Diagnostics::bad_input(uint64_t line, const std::string& what) {
  ++bad_inputs_;
  std::fprintf(stderr, "%s: LINE %llu: %s\n", program.c_str(), static_cast<unsigned long long>(line), what.c_str());
}

void Diagnostics::warn(const std::string& what) {
  if (!quiet) std::fprintf(stderr, "%s: %s\n", program.c_str(), what.c_str());
}

}  // namespace gsmq
