// One segment file: SegmentWriter appends, SegmentReader reads back, and damage on disk
// (torn tails, flipped bits, bad headers, failed writes) is found and contained.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "store/log_format.h"
#include "store/segment_reader.h"
#include "store/segment_writer.h"
#include "store/test_support.h"

namespace gsmq::store {
namespace {

namespace fs = std::filesystem;

struct Rec {
  uint64_t offset;
  uint8_t type;
  std::string payload;
};

class SegmentTest : public ::testing::Test {
 protected:
  fs::path path() const { return dir_.path() / "00000000000000000001.seg"; }

  // Writes records with random payloads of the given sizes and syncs.
  std::vector<Rec> write_records(const std::vector<size_t>& sizes) {
    std::vector<std::string> payloads;
    for (size_t n : sizes) payloads.push_back(testing::random_bytes(rng_, n));
    return write_payloads(payloads);
  }

  std::vector<Rec> write_payloads(const std::vector<std::string>& payloads) {
    auto w = SegmentWriter::create(path());
    std::vector<Rec> recs;
    for (const std::string& payload : payloads) {
      Rec r{0, static_cast<uint8_t>(1 + rng_() % 255), payload};
      r.offset = w->append(r.type, r.payload);
      recs.push_back(std::move(r));
    }
    w->sync();
    return recs;
  }

  // What is wrong with the segment's header (nullptr: nothing).
  const char* header_error(format::SegmentHeader* header = nullptr) const {
    format::SegmentHeader ignored;
    return SegmentReader::read_header(PosixFile::open(path(), O_RDONLY), fs::file_size(path()),
                                      header ? header : &ignored);
  }

  format::SegmentHeader header() const {
    format::SegmentHeader h;
    EXPECT_EQ(header_error(&h), nullptr);
    return h;
  }

  SegmentReader reader() const {
    auto file = std::make_shared<PosixFile>(PosixFile::open(path(), O_RDONLY));
    const uint64_t size = file->size();
    return SegmentReader(std::move(file), size, header());
  }

  std::vector<Rec> scan_all(SegmentScan* result) const {
    std::vector<Rec> got;
    *result = reader().scan([&](uint64_t off, uint8_t type, std::string_view payload) {
      got.push_back({off, type, std::string(payload)});
    });
    return got;
  }

  void flip_bit(uint64_t offset, int bit) const {
    std::fstream f(path(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(offset));
    char c = 0;
    f.get(c);
    f.seekp(static_cast<std::streamoff>(offset));
    f.put(static_cast<char>(c ^ (1 << bit)));
  }

  static void expect_same(const std::vector<Rec>& got, const std::vector<Rec>& want) {
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].offset, want[i].offset) << i;
      EXPECT_EQ(got[i].type, want[i].type) << i;
      EXPECT_TRUE(got[i].payload == want[i].payload) << i;
    }
  }

  testing::TempDir dir_;
  std::mt19937_64 rng_{42};
};

TEST_F(SegmentTest, RoundTripOfRandomRecordsUpTo1MiB) {
  std::vector<size_t> sizes{0, 1, 8, 9, 1 << 20};
  for (int i = 0; i < 200; ++i) sizes.push_back(static_cast<size_t>(1) << (rng_() % 21) >> (rng_() % 4));
  const std::vector<Rec> want = write_records(sizes);

  SegmentScan scan;
  expect_same(scan_all(&scan), want);
  EXPECT_EQ(scan.records, want.size());
  EXPECT_TRUE(scan.skipped.empty());
  EXPECT_FALSE(scan.tail.has_value());
  EXPECT_EQ(scan.valid_end, fs::file_size(path()));

  EXPECT_EQ(header().version, format::kFormatVersion);
  const SegmentReader r = reader();
  for (const Rec& rec : want) {
    uint8_t type = 0;
    std::string payload;
    ASSERT_TRUE(r.read(rec.offset, &type, &payload)) << rec.offset;
    EXPECT_EQ(type, rec.type);
    EXPECT_TRUE(payload == rec.payload);
  }
}

TEST_F(SegmentTest, ReadAtAnOffsetThatIsNoRecordStart) {
  const std::vector<Rec> want = write_records({100, 100});
  const SegmentReader r = reader();
  uint8_t type = 0;
  std::string payload, why;
  EXPECT_FALSE(r.read(0, &type, &payload, &why));
  EXPECT_EQ(why, "offset inside the segment header");
  EXPECT_FALSE(r.read(want[0].offset + 1, &type, &payload, &why));
  EXPECT_FALSE(r.read(fs::file_size(path()), &type, &payload, &why));
  EXPECT_FALSE(r.read(1ull << 40, &type, &payload, &why));
}

TEST_F(SegmentTest, RejectsRecordsTheFormatCannotHold) {
  auto w = SegmentWriter::create(path());
  EXPECT_THROW(w->append(format::kInvalidRecordType, "x"), std::invalid_argument);
  EXPECT_THROW(w->append(1, std::string(format::kMaxRecordPayload + 1, 'x')), std::invalid_argument);
  EXPECT_EQ(w->size(), format::kSegmentHeaderSize);
  EXPECT_EQ(w->append(1, std::string(format::kMaxRecordPayload, 'x')), format::kSegmentHeaderSize);
}

TEST_F(SegmentTest, CreateRefusesAnExistingFile) {
  write_records({1});
  EXPECT_THROW(SegmentWriter::create(path()), std::system_error);
}

TEST_F(SegmentTest, TornTailAtEveryLengthStopsAfterTheLastWholeRecord) {
  const std::vector<Rec> want = write_records({30, 40, 50});
  const uint64_t full = fs::file_size(path());
  const uint64_t last = want.back().offset;
  for (uint64_t len = last; len < full; ++len) {
    fs::resize_file(path(), len);
    SegmentScan scan;
    expect_same(scan_all(&scan), {want[0], want[1]});
    EXPECT_EQ(scan.valid_end, last) << len;
    EXPECT_EQ(scan.tail.has_value(), len > last) << len;
    EXPECT_TRUE(scan.skipped.empty());
  }
}

TEST_F(SegmentTest, CorruptRecordInTheMiddleIsSkipped) {
  const std::vector<Rec> want = write_records({10, 20, 30, 40, 50});
  flip_bit(want[2].offset + format::kRecordHeaderSize + 5, 3);

  SegmentScan scan;
  expect_same(scan_all(&scan), {want[0], want[1], want[3], want[4]});
  ASSERT_EQ(scan.skipped.size(), 1u);
  EXPECT_EQ(scan.skipped[0].offset, want[2].offset);
  EXPECT_EQ(scan.skipped[0].reason, "record checksum mismatch");
  EXPECT_FALSE(scan.tail.has_value());

  uint8_t type = 0;
  std::string payload, why;
  EXPECT_FALSE(reader().read(want[2].offset, &type, &payload, &why));
  EXPECT_EQ(why, "record checksum mismatch");
  EXPECT_TRUE(reader().read(want[3].offset, &type, &payload));
}

TEST_F(SegmentTest, CorruptTypeByteIsSkipped) {
  const std::vector<Rec> want = write_records({10, 20, 30});
  flip_bit(want[1].offset + 8, 0);
  SegmentScan scan;
  expect_same(scan_all(&scan), {want[0], want[2]});
  EXPECT_EQ(scan.skipped.size(), 1u);
}

TEST_F(SegmentTest, CorruptLengthIsSkippedByFindingTheNextIntactRecord) {
  const std::vector<Rec> want = write_records({10, 20, 30, 40});
  flip_bit(want[1].offset + 4 + 3, 7);  // length becomes > 64 MiB: it cannot be stepped over
  SegmentScan scan;
  expect_same(scan_all(&scan), {want[0], want[2], want[3]});
  ASSERT_EQ(scan.skipped.size(), 1u);
  EXPECT_EQ(scan.skipped[0].offset, want[1].offset);
  EXPECT_EQ(scan.skipped[0].reason, "record length larger than 64 MiB, " +
                                        std::to_string(want[2].offset - want[1].offset) +
                                        " bytes up to the next intact record");
  EXPECT_FALSE(scan.tail.has_value());
  EXPECT_EQ(scan.valid_end, fs::file_size(path()));
}

TEST_F(SegmentTest, CorruptLengthPastTheEndIsNotMistakenForATornTail) {
  const std::vector<Rec> want = write_records({100, 100, 100, 100, 100});
  flip_bit(want[2].offset + 4 + 2, 3);  // length now runs past the end of the segment
  SegmentScan scan;
  expect_same(scan_all(&scan), {want[0], want[1], want[3], want[4]});
  ASSERT_EQ(scan.skipped.size(), 1u);
  EXPECT_EQ(scan.skipped[0].offset, want[2].offset);
  EXPECT_FALSE(scan.tail.has_value());
}

TEST_F(SegmentTest, EveryDamagedLengthByteLosesOnlyItsOwnRecord) {
  const std::vector<Rec> want = write_records({30, 40, 50, 60, 70});
  for (int byte = 0; byte < 4; ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      flip_bit(want[1].offset + 4 + static_cast<uint64_t>(byte), bit);
      SegmentScan scan;
      const std::vector<Rec> got = scan_all(&scan);
      flip_bit(want[1].offset + 4 + static_cast<uint64_t>(byte), bit);  // undo
      SCOPED_TRACE("byte " + std::to_string(byte) + " bit " + std::to_string(bit));
      expect_same(got, {want[0], want[2], want[3], want[4]});
      EXPECT_FALSE(scan.tail.has_value());
    }
  }
}

TEST_F(SegmentTest, CorruptLastRecordIsATornTail) {
  const std::vector<Rec> want = write_records({10, 20});
  flip_bit(want[1].offset + format::kRecordHeaderSize, 0);
  SegmentScan scan;
  expect_same(scan_all(&scan), {want[0]});
  ASSERT_TRUE(scan.tail.has_value());
  EXPECT_EQ(scan.tail->reason, "record checksum mismatch");
}

TEST_F(SegmentTest, ZeroFilledTailIsATornTail) {
  const std::vector<Rec> want = write_records({10, 20});
  const uint64_t end = fs::file_size(path());
  fs::resize_file(path(), end + 4096);  // what a crash after a size update can leave
  SegmentScan scan;
  expect_same(scan_all(&scan), want);
  ASSERT_TRUE(scan.tail.has_value());
  EXPECT_EQ(scan.tail->offset, end);
  EXPECT_EQ(scan.valid_end, end);
}

TEST_F(SegmentTest, DamagedHeaderIsReported) {
  write_records({10});
  EXPECT_EQ(header_error(), nullptr);
  flip_bit(2, 1);
  EXPECT_STREQ(header_error(), "not a gsmq segment (bad magic)");
  flip_bit(2, 1);
  flip_bit(13, 1);  // the salt
  EXPECT_STREQ(header_error(), "segment header checksum mismatch");
  fs::resize_file(path(), 7);
  EXPECT_STREQ(header_error(), "segment header incomplete");
}

TEST_F(SegmentTest, ResumeCutsOffTheTornTailAndAppends) {
  std::vector<Rec> want = write_records({10, 20, 30});
  fs::resize_file(path(), want[2].offset + 12);
  auto w = SegmentWriter::resume(path(), header(), want[2].offset);
  EXPECT_EQ(fs::file_size(path()), want[2].offset);
  want[2] = {w->append(9, "again"), 9, "again"};
  w->flush();
  SegmentScan scan;
  expect_same(scan_all(&scan), want);
  EXPECT_FALSE(scan.tail.has_value());
}

// The middle record's payload holds frames that are intact as a version 1 record and as a
// record of another segment (a message that carries a segment file, or a crafted one);
// then the middle record's header is damaged, so that the reader searches through that
// payload for the next intact record. It must find the next real one.
TEST_F(SegmentTest, AFrameInsideAPayloadIsNotTakenForARecordAfterDamage) {
  char other_segment[format::kSegmentHeaderSize];
  const std::string inner =
      testing::record_frame(0, 1, "from a payload, unsalted") +
      testing::record_frame(format::encode_segment_header(other_segment).record_crc_seed, 1,
                            "from a payload, another segment's salt");
  const std::vector<Rec> want =
      write_payloads({"first", testing::random_bytes(rng_, 40) + inner + testing::random_bytes(rng_, 40), "last"});
  const uint64_t middle = want[1].offset;
  for (const auto& [byte, bit] : {std::pair{0, 2}, std::pair{4, 0}, std::pair{7, 7}, std::pair{8, 1}}) {
    SCOPED_TRACE("flipped bit " + std::to_string(bit) + " of header byte " + std::to_string(byte));
    flip_bit(middle + static_cast<uint64_t>(byte), bit);  // checksum, length (by 1, by 2^31), type
    SegmentScan scan;
    expect_same(scan_all(&scan), {want[0], want[2]});
    ASSERT_EQ(scan.skipped.size(), 1u);
    EXPECT_EQ(scan.skipped[0].offset, middle);
    EXPECT_FALSE(scan.tail.has_value());
    flip_bit(middle + static_cast<uint64_t>(byte), bit);  // undo
  }
}

// A version 1 segment (no salt), as gsmq wrote before: still read, and resumed.
TEST_F(SegmentTest, Version1SegmentsAreRead) {
  std::string bytes = testing::version1_segment_header();
  const std::vector<Rec> v1{{16, 7, "one"}, {16 + 9 + 3, 8, "two"}};
  for (const Rec& r : v1) bytes += testing::record_frame(0, r.type, r.payload);
  std::ofstream(path(), std::ios::binary) << bytes;

  const format::SegmentHeader h = header();
  EXPECT_EQ(h.version, 1u);
  EXPECT_EQ(h.size, format::kSegmentHeaderSizeV1);
  SegmentScan scan;
  expect_same(scan_all(&scan), v1);
  EXPECT_FALSE(scan.tail.has_value());

  // Unsalted, a frame inside a payload cannot be told from a record by the store: gsmqd
  // checks seqs (lib/server/seq_continuity.h), and a version 1 segment is never appended to
  // by SegmentedLog. SegmentWriter itself keeps the segment's format.
  auto w = SegmentWriter::resume(path(), h, bytes.size());
  const Rec three{w->append(9, "three"), 9, "three"};
  w->sync();
  expect_same(scan_all(&scan), {v1[0], v1[1], three});
}

TEST_F(SegmentTest, FailedWriteIsNotCountedAndIsCutOffByTheNextFlush) {
  auto w = SegmentWriter::create(path());
  const Rec first{w->append(1, "first"), 1, "first"};
  w->flush();
  const uint64_t good = w->written_size();
  {
    testing::FileSizeLimit limit(good + 100);
    w->append(2, std::string(1000, 'x'));
    try {
      w->flush();
      FAIL() << "flush past RLIMIT_FSIZE succeeded";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code().value(), EFBIG);
    }
  }
  EXPECT_EQ(w->written_size(), good);
  EXPECT_EQ(w->size(), good);
  EXPECT_EQ(fs::file_size(path()), good + 100);  // the partial write is still there...

  const Rec second{w->append(3, "second"), 3, "second"};
  EXPECT_EQ(second.offset, good);
  w->sync();  // ...until the next flush cuts it off
  SegmentScan scan;
  expect_same(scan_all(&scan), {first, second});
  EXPECT_EQ(scan.valid_end, fs::file_size(path()));
}

}  // namespace
}  // namespace gsmq::store
