// SegmentedLog: round trips across segments, rolling, reopening, crash recovery (torn
// tails at every byte, flipped bits, bad headers), retention, concurrent readers, and
// write failures.
#include "store/segmented_log.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "store/log_format.h"
#include "store/test_support.h"

namespace gsmq::store {
namespace {

namespace fs = std::filesystem;

struct Rec {
  Location location;
  uint8_t type;
  std::string payload;
  bool operator==(const Rec&) const = default;
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const fs::path& p, std::string_view bytes) {
  std::ofstream(p, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

void flip_bit(const fs::path& p, uint64_t offset, int bit) {
  std::string bytes = read_file(p);
  bytes.at(offset) = static_cast<char>(bytes.at(offset) ^ (1 << bit));
  write_file(p, bytes);
}

class SegmentedLogTest : public ::testing::Test {
 protected:
  std::unique_ptr<SegmentedLog> open(RecoveryReport* report = nullptr) {
    return SegmentedLog::open({dir_.path() / "log", segment_bytes_}, report);
  }

  fs::path segment_file(uint32_t id) const {
    return dir_.path() / "log" / format::segment_file_name(id);
  }

  Rec append(SegmentedLog& log, size_t size) {
    Rec r{{}, static_cast<uint8_t>(1 + rng_() % 255), testing::random_bytes(rng_, size)};
    r.location = log.append(r.type, r.payload);
    return r;
  }

  std::vector<Rec> append_many(SegmentedLog& log, size_t n, size_t max_size) {
    std::vector<Rec> recs;
    for (size_t i = 0; i < n; ++i) recs.push_back(append(log, rng_() % (max_size + 1)));
    return recs;
  }

  static std::vector<Rec> scan_all(const SegmentedLog& log) {
    std::vector<Rec> got;
    log.scan([&](Location loc, uint8_t type, std::string_view payload) {
      got.push_back({loc, type, std::string(payload)});
    });
    return got;
  }

  static void expect_readable(const SegmentedLog& log, const std::vector<Rec>& recs) {
    for (const Rec& r : recs) {
      uint8_t type = 0;
      std::string payload;
      ASSERT_TRUE(log.read(r.location, &type, &payload)) << r.location.to_u64();
      EXPECT_EQ(type, r.type);
      EXPECT_TRUE(payload == r.payload);
    }
  }

  static bool readable(const SegmentedLog& log, Location loc) {
    uint8_t type = 0;
    std::string payload;
    return log.read(loc, &type, &payload);
  }

  testing::TempDir dir_;
  uint64_t segment_bytes_ = 64 << 10;
  std::mt19937_64 rng_{7};
};

TEST(LocationTest, PacksIntoU64InOrder) {
  const Location a{3, 70000}, b{4, 16};
  EXPECT_EQ(a.to_u64(), (uint64_t{3} << 32) | 70000);
  EXPECT_EQ(Location::from_u64(a.to_u64()), a);
  EXPECT_EQ(Location::from_u64(~uint64_t{0}), (Location{~0u, ~0u}));
  EXPECT_LT(a, b);
  EXPECT_LT(a.to_u64(), b.to_u64());
}

TEST_F(SegmentedLogTest, RejectsBadOptions) {
  EXPECT_THROW(SegmentedLog::open({dir_.path(), 0}), std::invalid_argument);
  EXPECT_THROW(SegmentedLog::open({dir_.path(), SegmentedLog::kMaxSegmentBytes + 1}),
               std::invalid_argument);
  EXPECT_THROW(SegmentedLog::open({"", 1024}), std::invalid_argument);
}

TEST_F(SegmentedLogTest, NewLogHasOneEmptySegment) {
  RecoveryReport report;
  auto log = open(&report);
  EXPECT_EQ(report.records, 0u);
  EXPECT_TRUE(report.corruptions.empty());
  ASSERT_EQ(log->segments().size(), 1u);
  EXPECT_EQ(log->segments()[0].id, 1u);
  EXPECT_TRUE(fs::exists(segment_file(1)));
  EXPECT_EQ(log->total_bytes(), format::kSegmentHeaderSize);
  EXPECT_TRUE(scan_all(*log).empty());
}

TEST_F(SegmentedLogTest, RoundTripOfRandomRecordsUpTo1MiB) {
  segment_bytes_ = 4 << 20;
  auto log = open();
  std::vector<Rec> want;
  for (size_t size : {size_t{0}, size_t{1} << 20}) want.push_back(append(*log, size));
  for (int i = 0; i < 150; ++i) want.push_back(append(*log, (size_t{1} << (rng_() % 21)) >> (rng_() % 4)));
  log->flush();
  EXPECT_EQ(scan_all(*log), want);
  expect_readable(*log, want);
  EXPECT_GT(log->segments().size(), 1u);
}

TEST_F(SegmentedLogTest, ReadManyAnswersEachLocationInOrderAcrossSegmentsAndDamage) {
  segment_bytes_ = 8 << 10;  // several segments
  std::vector<Rec> recs;
  {
    auto log = open();
    recs = append_many(*log, 120, 300);
    recs.push_back(append(*log, 100 << 10));  // larger than the read-ahead window
    log->sync();
  }
  const Rec bad = recs[7];
  ASSERT_GT(bad.payload.size(), 1u);  // the flip lands in its payload
  flip_bit(segment_file(bad.location.segment),
           bad.location.offset + format::kRecordHeaderSize + bad.payload.size() / 2, 3);
  auto log = open();
  ASSERT_GT(log->segments().size(), 3u);
  // In order, out of order, repeated, damaged, inside a header, in no segment at all.
  std::vector<Location> where;
  for (const Rec& r : recs) where.push_back(r.location);
  where.push_back(recs[3].location);
  where.push_back(recs[100].location);
  where.push_back(recs[3].location);
  where.push_back(Location{1, 3});
  where.push_back(Location{999, static_cast<uint32_t>(format::kSegmentHeaderSize)});
  std::vector<size_t> order;
  log->read_many(where, [&](size_t i, bool ok, uint8_t type, std::string_view payload) {
    order.push_back(i);
    const size_t n = recs.size();
    if (i == 7 || i >= n + 3) {
      EXPECT_FALSE(ok) << i;
      return;
    }
    const Rec& want = i < n ? recs[i] : recs[i == n + 1 ? 100 : 3];
    ASSERT_TRUE(ok) << i;
    EXPECT_EQ(type, want.type) << i;
    EXPECT_TRUE(payload == want.payload) << i;
  });
  ASSERT_EQ(order.size(), where.size());
  for (size_t i = 0; i < order.size(); ++i) EXPECT_EQ(order[i], i);
}

TEST_F(SegmentedLogTest, ReadSeesRecordsOnceFlushed) {
  auto log = open();
  const Rec r = append(*log, 10);
  EXPECT_FALSE(readable(*log, r.location));
  EXPECT_TRUE(scan_all(*log).empty());
  log->flush();
  expect_readable(*log, {r});
}

TEST_F(SegmentedLogTest, RollsBeforeASegmentWouldPassSegmentBytes) {
  segment_bytes_ = 1000;
  auto log = open();
  std::vector<Rec> want = append_many(*log, 0, 0);
  for (int i = 0; i < 7; ++i) want.push_back(append(*log, 300));  // 16 + 3 * 309 = 943 per segment
  want.push_back(append(*log, 5000));                             // alone in a segment of its own
  want.push_back(append(*log, 1));
  log->flush();
  const std::vector<uint32_t> segment_of = {1, 1, 1, 2, 2, 2, 3, 4, 5};
  ASSERT_EQ(want.size(), segment_of.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(want[i].location.segment, segment_of[i]) << i;
  EXPECT_EQ(want[3].location.offset, format::kSegmentHeaderSize);

  const auto segments = log->segments();
  ASSERT_EQ(segments.size(), 5u);
  uint64_t total = 0;
  for (const auto& s : segments) {
    EXPECT_EQ(s.bytes, fs::file_size(segment_file(s.id)));
    total += s.bytes;
  }
  EXPECT_EQ(log->total_bytes(), total);
  EXPECT_EQ(scan_all(*log), want);
}

TEST_F(SegmentedLogTest, ReopenFindsEverythingAndContinuesTheLastSegment) {
  segment_bytes_ = 4096;
  std::vector<Rec> want;
  {
    auto log = open();
    want = append_many(*log, 50, 300);
    log->sync();
  }
  RecoveryReport report;
  std::vector<Rec> seen;
  auto log = SegmentedLog::open({dir_.path() / "log", segment_bytes_}, &report,
                                [&](Location loc, uint8_t type, std::string_view payload) {
                                  seen.push_back({loc, type, std::string(payload)});
                                });
  EXPECT_EQ(report.records, want.size());
  EXPECT_EQ(report.truncated_bytes, 0u);
  EXPECT_TRUE(report.corruptions.empty());
  EXPECT_EQ(seen, want);

  const uint32_t last_segment = want.back().location.segment;
  const Rec more = append(*log, 5);
  EXPECT_EQ(more.location.segment, last_segment);
  want.push_back(more);
  log->sync();
  log.reset();
  log = open();
  EXPECT_EQ(scan_all(*log), want);
}

TEST_F(SegmentedLogTest, SecondOpenOfTheSameDirectoryIsRefused) {
  auto log = open();
  EXPECT_THROW(open(), std::system_error);
  log.reset();
  EXPECT_NO_THROW(open());
}

TEST_F(SegmentedLogTest, TornTailAtEveryByteOfTheLastRecordIsCutOff) {
  segment_bytes_ = 1024;
  std::vector<Rec> want;
  {
    auto log = open();
    want = append_many(*log, 30, 100);
    want.push_back(append(*log, 60));
    log->sync();
  }
  const Rec last = want.back();
  want.pop_back();
  const fs::path file = segment_file(last.location.segment);
  const std::string intact = read_file(file);
  ASSERT_GT(last.location.segment, 1u);

  for (size_t len = last.location.offset; len < intact.size(); ++len) {
    SCOPED_TRACE(len);
    write_file(file, std::string_view(intact).substr(0, len));
    RecoveryReport report;
    auto log = open(&report);
    EXPECT_EQ(report.records, want.size());
    EXPECT_EQ(report.truncated_bytes, len - last.location.offset);
    EXPECT_TRUE(report.corruptions.empty());
    EXPECT_EQ(fs::file_size(file), last.location.offset);

    const Rec after = append(*log, 20);
    EXPECT_EQ(after.location, last.location);
    log->sync();
    log.reset();
    log = open(&report);
    std::vector<Rec> expected = want;
    expected.push_back(after);
    EXPECT_EQ(scan_all(*log), expected);
    EXPECT_EQ(report.truncated_bytes, 0u);
  }
}

TEST_F(SegmentedLogTest, LastSegmentCutInsideItsHeaderIsReplaced) {
  segment_bytes_ = 1024;
  std::vector<Rec> want;
  {
    auto log = open();
    want = append_many(*log, 12, 100);
    log->sync();
  }
  const uint32_t last = want.back().location.segment;
  std::erase_if(want, [&](const Rec& r) { return r.location.segment == last; });
  const std::string intact = read_file(segment_file(last));
  for (size_t len = 0; len < format::kSegmentHeaderSize; ++len) {
    SCOPED_TRACE(len);
    write_file(segment_file(last), std::string_view(intact).substr(0, len));
    RecoveryReport report;
    auto log = open(&report);
    EXPECT_EQ(report.truncated_bytes, len);
    EXPECT_TRUE(report.corruptions.empty());
    EXPECT_EQ(scan_all(*log), want);
    const Rec after = append(*log, 20);
    EXPECT_EQ(after.location, (Location{last, format::kSegmentHeaderSize}));
    log->flush();
    expect_readable(*log, {after});
  }
}

TEST_F(SegmentedLogTest, BitFlipInAMiddleRecordIsReportedAndSkipped) {
  std::vector<Rec> want;
  {
    auto log = open();
    want = append_many(*log, 10, 200);
    log->sync();
  }
  const Rec bad = want[4];
  flip_bit(segment_file(1), bad.location.offset + format::kRecordHeaderSize + bad.payload.size() / 2 - 1, 5);
  const uint64_t size_before = fs::file_size(segment_file(1));

  RecoveryReport report;
  auto log = open(&report);
  EXPECT_EQ(report.records, 9u);
  EXPECT_EQ(report.truncated_bytes, 0u);
  ASSERT_EQ(report.corruptions.size(), 1u);
  EXPECT_EQ(report.corruptions[0], "00000000000000000001.seg: offset " +
                                       std::to_string(bad.location.offset) +
                                       ": record checksum mismatch, record skipped");
  EXPECT_EQ(fs::file_size(segment_file(1)), size_before);  // damage is kept, not repaired

  EXPECT_FALSE(readable(*log, bad.location));
  want.erase(want.begin() + 4);
  expect_readable(*log, want);
  EXPECT_EQ(scan_all(*log), want);
  want.push_back(append(*log, 30));
  log->flush();
  EXPECT_EQ(scan_all(*log), want);
}

TEST_F(SegmentedLogTest, DamageInAnOlderSegmentIsReportedNotRepaired) {
  segment_bytes_ = 1024;
  std::vector<Rec> want;
  {
    auto log = open();
    want = append_many(*log, 30, 100);
    log->sync();
  }
  std::vector<Rec> first;
  for (const Rec& r : want)
    if (r.location.segment == 1) first.push_back(r);
  ASSERT_GE(first.size(), 3u);
  // A length over 64 MiB: the record cannot be stepped over; the next one is searched for.
  flip_bit(segment_file(1), first[1].location.offset + 7, 6);
  const uint64_t size_before = fs::file_size(segment_file(1));

  RecoveryReport report;
  auto log = open(&report);
  ASSERT_EQ(report.corruptions.size(), 1u);
  EXPECT_NE(report.corruptions[0].find("00000000000000000001.seg: offset " +
                                       std::to_string(first[1].location.offset) +
                                       ": record length larger than 64 MiB"),
            std::string::npos);
  EXPECT_NE(report.corruptions[0].find("record skipped"), std::string::npos);
  EXPECT_EQ(report.truncated_bytes, 0u);
  EXPECT_EQ(fs::file_size(segment_file(1)), size_before);

  std::erase_if(want, [&](const Rec& r) { return r.location == first[1].location; });
  EXPECT_EQ(report.records, want.size());
  EXPECT_EQ(scan_all(*log), want);
}

TEST_F(SegmentedLogTest, BadHeaderOfAnOlderSegmentMakesItUnreadable) {
  segment_bytes_ = 1024;
  std::vector<Rec> want;
  {
    auto log = open();
    want = append_many(*log, 30, 100);
    log->sync();
  }
  flip_bit(segment_file(1), 0, 1);
  RecoveryReport report;
  auto log = open(&report);
  ASSERT_EQ(report.corruptions.size(), 1u);
  EXPECT_EQ(report.corruptions[0],
            "00000000000000000001.seg: bad segment header: not a gsmq segment (bad magic)");
  EXPECT_FALSE(readable(*log, want[0].location));
  std::erase_if(want, [](const Rec& r) { return r.location.segment == 1; });
  EXPECT_EQ(scan_all(*log), want);
  EXPECT_EQ(log->segments().front().id, 1u);  // still listed, so retention can remove it
  log->drop_segments_before(2);
  EXPECT_FALSE(fs::exists(segment_file(1)));
}

TEST_F(SegmentedLogTest, BadHeaderOfTheLastSegmentIsKeptAndANewSegmentStarted) {
  std::vector<Rec> want;
  {
    auto log = open();
    want = append_many(*log, 5, 100);
    log->sync();
  }
  flip_bit(segment_file(1), 9, 0);  // the version field
  const std::string damaged = read_file(segment_file(1));
  RecoveryReport report;
  auto log = open(&report);
  ASSERT_EQ(report.corruptions.size(), 1u);
  EXPECT_EQ(report.truncated_bytes, 0u);
  EXPECT_EQ(read_file(segment_file(1)), damaged);
  const Rec r = append(*log, 10);
  EXPECT_EQ(r.location, (Location{2, format::kSegmentHeaderSize}));
  log->flush();
  EXPECT_EQ(scan_all(*log), std::vector<Rec>{r});
}

TEST_F(SegmentedLogTest, DropSegmentsBeforeDeletesWholeOldSegmentsOnly) {
  segment_bytes_ = 1024;
  auto log = open();
  std::vector<Rec> want = append_many(*log, 80, 100);
  log->flush();
  const uint32_t active = want.back().location.segment;
  ASSERT_GT(active, 4u);

  log->drop_segments_before(3);
  EXPECT_FALSE(fs::exists(segment_file(1)));
  EXPECT_FALSE(fs::exists(segment_file(2)));
  EXPECT_TRUE(fs::exists(segment_file(3)));
  EXPECT_EQ(log->segments().front().id, 3u);
  EXPECT_FALSE(readable(*log, want.front().location));
  std::erase_if(want, [](const Rec& r) { return r.location.segment < 3; });
  EXPECT_EQ(scan_all(*log), want);

  log->drop_segments_before(active + 10);  // never the active segment
  ASSERT_EQ(log->segments().size(), 1u);
  EXPECT_EQ(log->segments().front().id, active);
  std::erase_if(want, [&](const Rec& r) { return r.location.segment < active; });
  const Rec after = append(*log, 10);
  want.push_back(after);
  log->sync();
  log.reset();
  log = open();
  EXPECT_EQ(scan_all(*log), want);
}

TEST_F(SegmentedLogTest, ReadersRunConcurrentlyWithAppends) {
  segment_bytes_ = 8192;
  auto log = open();
  constexpr size_t kRecords = 3000;
  std::vector<Rec> recs(kRecords);
  std::atomic<size_t> published{0};
  std::atomic<bool> failed{false};

  auto reader = [&] {
    std::mt19937_64 rng(std::hash<std::thread::id>()(std::this_thread::get_id()));
    while (published.load() < kRecords) {
      const size_t n = published.load();
      if (n == 0) continue;
      const Rec& r = recs[rng() % n];
      uint8_t type = 0;
      std::string payload;
      if (!log->read(r.location, &type, &payload) || type != r.type || payload != r.payload)
        failed = true;
      size_t scanned = 0;
      if (rng() % 50 == 0) log->scan([&](Location, uint8_t, std::string_view) { ++scanned; });
      if (scanned > kRecords) failed = true;
    }
  };
  std::thread a(reader), b(reader);
  for (size_t i = 0; i < kRecords; ++i) {
    recs[i] = append(*log, rng_() % 200);
    if (i % 10 == 9 || i + 1 == kRecords) {
      log->flush();
      published.store(i + 1);
    }
    if (i % 1000 == 999) log->drop_segments_before(0);  // takes the lock, deletes nothing
  }
  a.join();
  b.join();
  EXPECT_FALSE(failed.load());
  EXPECT_EQ(scan_all(*log), recs);
}

TEST_F(SegmentedLogTest, FailedWriteIsReportedAndNeverCounted) {
  auto log = open();
  std::vector<Rec> want{append(*log, 100)};
  log->sync();
  const uint64_t good = log->total_bytes();
  {
    testing::FileSizeLimit limit(good + 50);
    const Rec doomed = append(*log, 2000);
    try {
      log->sync();
      FAIL() << "sync past RLIMIT_FSIZE succeeded";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code().value(), EFBIG);
    }
    EXPECT_EQ(log->total_bytes(), good);
    EXPECT_FALSE(readable(*log, doomed.location));
  }
  const Rec next = append(*log, 30);
  EXPECT_EQ(next.location.offset, good);  // the failed record's place is reused
  want.push_back(next);
  log->sync();
  EXPECT_EQ(fs::file_size(segment_file(1)), log->total_bytes());
  EXPECT_EQ(scan_all(*log), want);
  log.reset();
  RecoveryReport report;
  log = open(&report);
  EXPECT_EQ(scan_all(*log), want);
  EXPECT_EQ(report.truncated_bytes, 0u);
}

TEST_F(SegmentedLogTest, RecoveryDoesNotResurrectAFrameFromInsideAPayload) {
  std::vector<Rec> want;
  {
    auto log = open();
    want.push_back(append(*log, 30));
    // A payload holding frames that are intact as a version 1 record and as a record of
    // another segment: a message carrying a segment file, or one crafted to.
    char other[format::kSegmentHeaderSize];
    const std::string inner = testing::record_frame(0, 1, "inner, unsalted") +
                              testing::record_frame(format::encode_segment_header(other).record_crc_seed, 1,
                                                    "inner, another segment's salt");
    Rec carrier{{}, 1, testing::random_bytes(rng_, 20) + inner + testing::random_bytes(rng_, 20)};
    carrier.location = log->append(carrier.type, carrier.payload);
    want.push_back(carrier);
    want.push_back(append(*log, 30));
    log->sync();
  }
  flip_bit(segment_file(1), want[1].location.offset, 2);  // the carrier's checksum
  RecoveryReport report;
  auto log = open(&report);
  EXPECT_EQ(scan_all(*log), (std::vector<Rec>{want[0], want[2]}));
  EXPECT_EQ(report.records, 2u);
  EXPECT_EQ(report.corruptions.size(), 1u);
}

TEST_F(SegmentedLogTest, AVersion1LogIsReadAndContinuedInASaltedSegment) {
  fs::create_directories(dir_.path() / "log");
  std::string bytes = testing::version1_segment_header();
  std::vector<Rec> want;
  for (const std::string payload : {"one", "two", "three"}) {
    want.push_back({{1, static_cast<uint32_t>(bytes.size())}, 5, payload});
    bytes += testing::record_frame(0, 5, payload);
  }
  write_file(segment_file(1), bytes + testing::record_frame(0, 5, "torn").substr(0, 11));

  RecoveryReport report;
  auto log = open(&report);
  EXPECT_EQ(scan_all(*log), want);
  EXPECT_EQ(report.truncated_bytes, 11u);
  EXPECT_TRUE(report.corruptions.empty());
  want.push_back(append(*log, 40));
  EXPECT_EQ(want.back().location, (Location{2, format::kSegmentHeaderSize}));  // not in the old segment
  log->sync();
  log.reset();
  log = open();
  EXPECT_EQ(scan_all(*log), want);
  expect_readable(*log, want);
  EXPECT_EQ(read_file(segment_file(1)), bytes);
  EXPECT_EQ(read_file(segment_file(2)).substr(8, 4), std::string("\x02\x00\x00\x00", 4));
}

bool has(const std::vector<fs::path>& paths, const fs::path& path) {
  return std::find(paths.begin(), paths.end(), path) != paths.end();
}

TEST_F(SegmentedLogTest, NewDirectoriesAndSegmentFilesAreSyncedBeforeUse) {
  testing::SyncRecorder syncs;
  segment_bytes_ = 200;
  const fs::path log_dir = dir_.path() / "channel" / "log";
  auto log = SegmentedLog::open({log_dir, segment_bytes_});
  auto synced = syncs.take();
  EXPECT_TRUE(has(synced, dir_.path())) << "the entry of the new directory channel/";
  EXPECT_TRUE(has(synced, dir_.path() / "channel")) << "the entry of the new directory log/";
  EXPECT_TRUE(has(synced, log_dir)) << "the entry of the first segment file";
  EXPECT_TRUE(has(synced, log_dir / format::segment_file_name(1)));

  log->append(1, std::string(150, 'a'));
  log->sync();
  syncs.take();
  const Location rolled = log->append(1, std::string(150, 'b'));
  ASSERT_EQ(rolled.segment, 2u);
  log->sync();  // what the committer calls before it acknowledges the record
  synced = syncs.take();
  EXPECT_TRUE(has(synced, log_dir)) << "the entry of the rolled-to segment file";
  EXPECT_TRUE(has(synced, log_dir / format::segment_file_name(2)));
}

TEST_F(SegmentedLogTest, AFailedDirectorySyncFailsTheSyncAndIsRetried) {
  segment_bytes_ = 200;
  auto log = open();
  append(*log, 150);
  log->sync();
  testing::SyncRecorder syncs;
  syncs.fail(dir_.path() / "log");
  append(*log, 150);  // rolls: a new segment file whose entry must be synced
  try {
    log->sync();
    FAIL() << "a failed directory fsync was not reported";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), EIO);
  }
  syncs.fail({});
  syncs.take();
  log->sync();
  EXPECT_TRUE(has(syncs.take(), dir_.path() / "log"));
}

TEST_F(SegmentedLogTest, FailedRollLeavesTheLogUsable) {
  segment_bytes_ = 200;
  auto log = open();
  std::vector<Rec> want{append(*log, 150)};
  log->sync();
  {
    testing::FileSizeLimit limit(10);  // a new segment cannot even get its header
    EXPECT_THROW(append(*log, 150), std::system_error);
  }
  want.push_back(append(*log, 150));
  EXPECT_EQ(want.back().location, (Location{2, format::kSegmentHeaderSize}));
  log->sync();
  log.reset();
  log = open();
  EXPECT_EQ(scan_all(*log), want);
}

}  // namespace
}  // namespace gsmq::store
