// The format version of a gsmqd data directory: the file DIR/format, one line
// "gsmq data directory format N". Written at the first start on a directory, checked at
// every start, so that a gsmqd never reads (and damages) a directory a newer gsmq wrote in a
// format it does not know. docs/storage-format.md, "Data directory".
#pragma once

#include <filesystem>

namespace gsmq::server {

// The format this gsmqd writes and the newest it reads.
inline constexpr int kDataDirFormat = 1;
inline constexpr const char* kDataDirFormatFile = "format";

// Checks DIR/format, and writes it (durably) when there is none: in a new directory, or in
// one from before format versions, which is format 1. Returns the format found there, 0
// when there was no file. Throws gsmq::Error (bad_input), naming the file and the
// versions, when the file says a newer format or is not a format line; on a failure to
// read or write it, std::system_error.
int check_data_dir_format(const std::filesystem::path& dir);

}  // namespace gsmq::server
