// Sizes in bytes on the command line and in URLs: "64MiB", "512k", "1000".
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace gsmq {

// "64MiB", "512k", "1000" -> bytes (units B, k/K/KiB, M/MiB, G/GiB; powers of 1024).
std::optional<size_t> parse_size(const std::string& text);

// The shortest exact form: 67108864 -> "64MiB", 1000 -> "1000".
std::string format_size(size_t bytes);

}  // namespace gsmq
