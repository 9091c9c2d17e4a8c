// LineReader: lines from pipes and files, whatever the write boundaries; a bounded line
// length; deadlines; and the stop request that makes a tool drain and exit.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <thread>

#include "io/line_reader.h"
#include "util/signals.h"

namespace gsmq {
namespace {

using namespace std::chrono_literals;
using Status = LineReader::Status;

// A deadline that a test expecting data never reaches (a hang fails instead of blocking).
Clock::time_point soon() { return Clock::now() + 10s; }
// A deadline for a read that must time out: no data will come.
Clock::time_point shortly() { return Clock::now() + 30ms; }

void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    ASSERT_GT(n, 0);
    data.remove_prefix(static_cast<size_t>(n));
  }
}

class Pipe {
 public:
  Pipe() {
    if (::pipe2(fds_, O_CLOEXEC) != 0) std::abort();
  }
  ~Pipe() {
    close_writer();
    ::close(fds_[0]);
  }
  int reader() const { return fds_[0]; }
  int writer() const { return fds_[1]; }
  void write(std::string_view data) { write_all(fds_[1], data); }
  void close_writer() {
    if (fds_[1] >= 0) ::close(fds_[1]);
    fds_[1] = -1;
  }

 private:
  int fds_[2];
};

TEST(LineReaderTest, LinesAcrossPartialWrites) {
  Pipe pipe;
  LineReader reader(pipe.reader(), 1024);
  std::string line;
  pipe.write("hel");
  EXPECT_EQ(reader.read_line(line, shortly()), Status::timeout) << "half a line is not a line";
  pipe.write("lo\nwor");
  ASSERT_EQ(reader.read_line(line, soon()), Status::line);
  EXPECT_EQ(line, "hello");
  EXPECT_EQ(reader.line_number(), 1u);
  EXPECT_EQ(reader.read_line(line, shortly()), Status::timeout);
  pipe.write("ld\n\nlast\n");
  ASSERT_EQ(reader.read_line(line, soon()), Status::line);
  EXPECT_EQ(line, "world");
  ASSERT_EQ(reader.read_line(line, soon()), Status::line);
  EXPECT_EQ(line, "") << "an empty line is a line";
  ASSERT_EQ(reader.read_line(line, soon()), Status::line);
  EXPECT_EQ(line, "last");
  EXPECT_EQ(reader.line_number(), 4u);
  pipe.close_writer();
  EXPECT_EQ(reader.read_line(line, soon()), Status::eof);
}

TEST(LineReaderTest, LastLineWithoutNewlineIsReturnedAtTheEnd) {
  Pipe pipe;
  LineReader reader(pipe.reader(), 1024);
  pipe.write("a\nb");
  pipe.close_writer();
  std::string line;
  ASSERT_EQ(reader.read_line(line, soon()), Status::line);
  EXPECT_EQ(line, "a");
  ASSERT_EQ(reader.read_line(line, soon()), Status::line);
  EXPECT_EQ(line, "b");
  EXPECT_EQ(reader.line_number(), 2u);
  EXPECT_EQ(reader.read_line(line, soon()), Status::eof);
  EXPECT_EQ(reader.read_line(line, soon()), Status::eof);
}

TEST(LineReaderTest, FollowedFileKeepsAPartialLastLineUntilItEnds) {
  char path[] = "/tmp/gsmq-line-reader-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  const int read_fd = ::open(path, O_RDONLY | O_CLOEXEC);  // an offset of its own
  ::unlink(path);
  ASSERT_GE(read_fd, 0);
  write_all(fd, "a\nb");
  {
    LineReader reader(read_fd, 1024, /*final_eof=*/false);
    std::string line;
    ASSERT_EQ(reader.read_line(line, soon()), Status::line);
    EXPECT_EQ(line, "a");
    EXPECT_EQ(reader.read_line(line, soon()), Status::eof) << "\"b\" may still grow";
    write_all(fd, "c\nd\n");
    ASSERT_EQ(reader.read_line(line, soon()), Status::line);
    EXPECT_EQ(line, "bc");
    ASSERT_EQ(reader.read_line(line, soon()), Status::line);
    EXPECT_EQ(line, "d");
    EXPECT_EQ(reader.read_line(line, soon()), Status::eof);
  }
  ::close(read_fd);
  ::close(fd);
}

TEST(LineReaderTest, CarriageReturnIsKept) {
  Pipe pipe;
  LineReader reader(pipe.reader(), 1024);
  pipe.write("crlf\r\n");
  std::string line;
  ASSERT_EQ(reader.read_line(line, soon()), Status::line);
  EXPECT_EQ(line, "crlf\r");
}

TEST(LineReaderTest, TooLongLineIsReportedOnceThenTheNextLineIsFine) {
  Pipe pipe;
  LineReader reader(pipe.reader(), 16);
  std::string line;
  pipe.write(std::string(16, 'z') + "\n" + std::string(40, 'x') + "\nshort\n");
  ASSERT_EQ(reader.read_line(line, soon()), Status::line) << "exactly the maximum is fine";
  EXPECT_EQ(line, std::string(16, 'z'));
  EXPECT_EQ(reader.read_line(line, soon()), Status::too_long);
  EXPECT_EQ(reader.line_number(), 2u);
  ASSERT_EQ(reader.read_line(line, soon()), Status::line);
  EXPECT_EQ(line, "short");
  EXPECT_EQ(reader.line_number(), 3u);
}

TEST(LineReaderTest, TooLongLineArrivingInPiecesIsSkippedToItsEnd) {
  Pipe pipe;
  LineReader reader(pipe.reader(), 16);
  std::string line;
  pipe.write(std::string(40, 'y'));
  EXPECT_EQ(reader.read_line(line, soon()), Status::too_long) << "reported before its end arrives";
  EXPECT_EQ(reader.line_number(), 1u);
  pipe.write(std::string(40, 'y'));
  EXPECT_EQ(reader.read_line(line, shortly()), Status::timeout) << "the rest is dropped, not reported again";
  pipe.write("yyy\nnext\n");
  ASSERT_EQ(reader.read_line(line, soon()), Status::line);
  EXPECT_EQ(line, "next");
  EXPECT_EQ(reader.line_number(), 2u);
}

TEST(LineReaderTest, IdlePipeTimesOutAtTheDeadlineAndStillWorksAfter) {
  Pipe pipe;
  LineReader reader(pipe.reader(), 1024);
  std::string line;
  EXPECT_EQ(reader.read_line(line, shortly()), Status::timeout);
  EXPECT_EQ(reader.read_line(line, Clock::now() - 1s), Status::timeout) << "a deadline in the past";
  pipe.write("late\n");
  ASSERT_EQ(reader.read_line(line, soon()), Status::line);
  EXPECT_EQ(line, "late");
}

TEST(LineReaderTest, ManyLinesAndLinesLongerThanOneRead) {
  Pipe pipe;
  const std::string big(200 * 1024, 'b');  // longer than one read(2) of the reader
  std::thread writer([&] {
    std::string chunk;
    for (int i = 0; i < 20000; ++i) {
      chunk += "line " + std::to_string(i) + "\n";
      if (i == 10000) chunk += big + "\n";
      if (chunk.size() > 777) {  // odd-sized writes: lines cross every boundary
        write_all(pipe.writer(), chunk);
        chunk.clear();
      }
    }
    write_all(pipe.writer(), chunk);
    pipe.close_writer();
  });
  LineReader reader(pipe.reader(), 1 << 20);
  std::string line;
  int expected = 0;
  bool saw_big = false;
  Status status;
  while ((status = reader.read_line(line, soon())) == Status::line) {
    if (line.size() == big.size()) {
      EXPECT_EQ(line, big);
      saw_big = true;
      continue;
    }
    EXPECT_EQ(line, "line " + std::to_string(expected));
    ++expected;
  }
  char rest[4096];  // on failure, let the writer finish rather than block forever
  while (::read(pipe.reader(), rest, sizeof rest) > 0) {
  }
  writer.join();
  EXPECT_EQ(status, Status::eof);
  EXPECT_EQ(expected, 20000);
  EXPECT_TRUE(saw_big);
  EXPECT_EQ(reader.line_number(), 20001u);
}

// request_stop() is process-wide and cannot be undone, so these run in a child process
// of their own; the child's exit code says which check failed (0: all passed).
// The child inherits the stop pipe when this process made it before the fork: what the
// child's stop wrote into it is read back out here, so that this process stays unstopped.
int exit_code_of_child(int (*body)()) {
  const pid_t child = ::fork();
  if (child < 0) return -1;
  if (child == 0) ::_exit(body());
  int status = 0;
  const bool exited = ::waitpid(child, &status, 0) == child && WIFEXITED(status);
  char drained;
  while (::read(stop_fd(), &drained, 1) == 1) {
  }
  if (stop_requested()) return -3;
  return exited ? WEXITSTATUS(status) : -2;
}

TEST(LineReaderTest, StopRequestEndsReadingAfterTheLinesAlreadyRead) {
  const int code = exit_code_of_child([] {
    int fds[2];
    if (::pipe(fds) != 0) return 10;
    LineReader reader(fds[0], 1024);
    std::string line;
    const std::string two = "first\nsecond\n";
    if (::write(fds[1], two.data(), two.size()) != static_cast<ssize_t>(two.size())) return 11;
    if (reader.read_line(line, soon()) != Status::line || line != "first") return 12;
    gsmq::request_stop();
    // "second\n" was already read from the pipe: it is still handed out (the drain).
    if (reader.read_line(line, soon()) != Status::line || line != "second") return 13;
    if (reader.read_line(line, soon()) != Status::stopped) return 14;
    return 0;
  });
  EXPECT_EQ(code, 0) << "12: first line, 13: line read before the stop lost, 14: not stopped";
}

TEST(LineReaderTest, StopRequestWakesABlockedReader) {
  const int code = exit_code_of_child([] {
    int idle[2];
    if (::pipe(idle) != 0) return 10;
    LineReader blocked(idle[0], 1024);
    std::string line;
    std::thread stopper([] { gsmq::request_stop(); });
    const Status s = blocked.read_line(line, soon());
    stopper.join();
    return s == Status::stopped ? 0 : 20 + static_cast<int>(s);
  });
  EXPECT_EQ(code, 0) << "20 + the status returned instead of stopped (23: timeout)";
}

}  // namespace
}  // namespace gsmq
