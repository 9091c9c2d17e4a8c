// Shell-style globs over channel names and field values: * any run of characters
// (including '/'), ? one character; everything else stands for itself.
#pragma once

#include <string_view>

namespace gsmq {

bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace gsmq
