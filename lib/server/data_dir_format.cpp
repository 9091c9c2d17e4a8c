#include "server/data_dir_format.h"

#include <fcntl.h>
#include <cstdio>

#include <cerrno>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <system_error>

#include "store/posix_file.h"
#include "util/error.h"
#include "util/log.h"

namespace gsmq::server {

namespace {

const std::string kPrefix = "gsmq data directory format ";

std::string format_line(int format) { return kPrefix + std::to_string(format) + "\n"; }

// Writes `text` to `file` so that it appears whole and stays: a temporary file, synced,
// renamed over, synced under its name too (the power-cut model of the tests,
// store/simulated_power_cut.h, follows files by name, not across renames), then the
// directory synced.
void write_durably(const std::filesystem::path& dir, const std::filesystem::path& file, const std::string& text) {
  const std::filesystem::path tmp = file.string() + ".tmp";
  {
    auto out = store::PosixFile::open(tmp, O_WRONLY | O_CREAT | O_TRUNC);
    out.pwrite_all(text, 0);
    out.datasync();
  }
  if (::rename(tmp.c_str(), file.c_str()) != 0)
    throw std::system_error(errno, std::generic_category(), "cannot rename " + tmp.string() + " to " + file.string());
  store::PosixFile::open(file, O_RDONLY).fsync();
  store::sync_directory(dir);
}

}  // namespace

int check_data_dir_format(const std::filesystem::path& dir) {
  const auto file = dir / kDataDirFormatFile;
  std::ifstream in(file);
  if (!in) {
    if (std::filesystem::exists(file))
      throw std::system_error(errno, std::generic_category(), "cannot read " + file.string());
    const bool had_data = std::filesystem::exists(dir / "queues") || std::filesystem::exists(dir / "store");
    write_durably(dir, file, format_line(kDataDirFormat));
    if (had_data)
      log::info("data directory from before format versions: marked as format " + std::to_string(kDataDirFormat),
                {{"file", file.string()}});
    return 0;
  }
  std::stringstream text;
  text << in.rdbuf();
  static const std::regex kLine("gsmq data directory format ([1-9][0-9]{0,8})\n?");
  std::smatch m;
  const std::string content = text.str();
  if (!std::regex_match(content, m, kLine)) {
    throw Error(ErrorKind::bad_input, file.string() + ": not a gsmq data directory format line (expected \"" +
                                          kPrefix + "N\"): is " + dir.string() + " a gsmqd data directory?");
  }
  const int format = std::stoi(m[1].str());
  if (format > kDataDirFormat) {
    throw Error(ErrorKind::bad_input,
                file.string() + ": data directory format " + std::to_string(format) +
                    ", written by a newer gsmq; this gsmqd (" GSMQ_VERSION ") reads format " +
                    std::to_string(kDataDirFormat) + " at most: run a newer gsmqd, or another --data-dir");
  }
  return format;
}

}  // namespace gsmq::server
