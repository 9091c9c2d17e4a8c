// libFuzzer target for the segment reader and crash recovery (lib/store): the input is a
// script. Records (types and payloads from the input) are written through SegmentedLog
// into small segments, the files are then damaged as the input says (bytes flipped or
// overwritten, files cut short or extended, with junk), and the log is opened again.
// Recovery must not crash or throw for damaged data; every record it reports must read
// back the same at its location and be one that was written; and a record appended and
// synced after recovery must be there on the next open.
#include <fuzzer/FuzzedDataProvider.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "store/segmented_log.h"
#include "fuzz_check.h"

using gsmq::fuzz::fail;

namespace {

namespace fs = std::filesystem;
using gsmq::store::Location;
using gsmq::store::LogOptions;
using gsmq::store::RecoveryReport;
using gsmq::store::SegmentedLog;

fs::path scratch_dir() {
  const fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
  return base / ("gsmq-segment-fuzz-" + std::to_string(::getpid()));
}

std::vector<fs::path> segment_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".seg") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

void damage(FuzzedDataProvider& in, const fs::path& dir) {
  const int ops = in.ConsumeIntegralInRange(0, 4);
  for (int op = 0; op < ops; ++op) {
    const auto files = segment_files(dir);
    if (files.empty()) return;
    const fs::path& file = files[in.ConsumeIntegralInRange<size_t>(0, files.size() - 1)];
    const uint64_t size = fs::file_size(file);
    const uint64_t at = size == 0 ? 0 : in.ConsumeIntegralInRange<uint64_t>(0, size - 1);
    switch (in.ConsumeIntegralInRange(0, 3)) {
      case 0: {  // flip one byte
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        f.seekg(static_cast<std::streamoff>(at));
        char c = 0;
        f.get(c);
        f.seekp(static_cast<std::streamoff>(at));
        f.put(static_cast<char>(c ^ in.ConsumeIntegralInRange<int>(1, 255)));
        break;
      }
      case 1:  // a torn tail
        fs::resize_file(file, at);
        break;
      case 2: {  // overwrite with bytes of the input
        const std::string junk = in.ConsumeRandomLengthString(64);
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(at));
        f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
        break;
      }
      default: {  // junk after the end
        const std::string junk = in.ConsumeRandomLengthString(64);
        std::ofstream(file, std::ios::app | std::ios::binary).write(junk.data(), static_cast<std::streamsize>(junk.size()));
        break;
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const fs::path dir = scratch_dir();
  fs::remove_all(dir);
  const LogOptions options{dir, in.ConsumeIntegralInRange<uint64_t>(64, 2048)};

  std::set<std::pair<uint8_t, std::string>> written;
  {
    auto log = SegmentedLog::open(options);
    const int records = in.ConsumeIntegralInRange(0, 24);
    for (int r = 0; r < records; ++r) {
      const uint8_t type = in.ConsumeIntegralInRange<uint8_t>(1, 255);
      std::string payload = in.ConsumeRandomLengthString(300);
      log->append(type, payload);
      written.emplace(type, std::move(payload));
      if (in.ConsumeBool()) log->sync();
    }
    log->sync();
  }
  damage(in, dir);

  std::vector<std::pair<Location, std::pair<uint8_t, std::string>>> found;
  RecoveryReport report;
  auto log = SegmentedLog::open(options, &report, [&](Location at, uint8_t type, std::string_view payload) {
    found.push_back({at, {type, std::string(payload)}});
  });
  if (report.records != found.size()) fail("report.records differs from the records seen");
  for (const auto& [at, record] : found) {
    if (!written.contains(record)) fail("recovery found a record that was never written");
    uint8_t type = 0;
    std::string payload;
    if (!log->read(at, &type, &payload) || type != record.first || payload != record.second)
      fail("a recovered record does not read back at its location");
  }
  const std::string last = "after recovery " + std::to_string(found.size());
  const Location at = log->append(7, last);
  log->sync();
  log.reset();
  log = SegmentedLog::open(options);
  uint8_t type = 0;
  std::string payload;
  if (!log->read(at, &type, &payload) || type != 7 || payload != last) fail("a record synced after recovery is gone");
  log.reset();
  fs::remove_all(dir);
  return 0;
}
