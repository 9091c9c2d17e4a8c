// The name every diagnostic starts with ("gsmq-recv: ..."): set once by the tool that
// runs (run_tool), read by library code that writes to stderr.
#pragma once

#include <string>

namespace gsmq {

void set_program_name(std::string name);
const std::string& program_name();  // "gsmq" until a tool sets its own

}  // namespace gsmq
