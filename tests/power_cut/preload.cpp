// A power-cut recorder for a whole process, loaded with LD_PRELOAD (tests/cli/power_cut.bats).
// It wraps the C library's fsync(2) and fdatasync(2): after each call that succeeds on a
// file or directory below $GSMQ_POWER_CUT_ROOT, it appends to $GSMQ_POWER_CUT_JOURNAL
// what that call made durable, by POSIX rules and no more:
//   F <size> <path>     a file's bytes up to <size> (its size when the sync returned)
//   E <path>            an entry of a synced directory (a file or directory in it)
// one write(2) per call, so that a kill -9 leaves whole lines. tests/power_cut/reboot.py
// then puts the tree back to what the journal says survived a power cut. It sees the real
// system calls the program makes, so a sync the program skips (or only pretends to make)
// is not recorded, and what it covered is lost.
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

using SyncFn = int (*)(int);

// The path below the root that fd refers to, or "" when it is elsewhere.
std::string path_below_root(int fd) {
  const char* root = std::getenv("GSMQ_POWER_CUT_ROOT");
  if (!root || !*root) return "";
  char link[64], target[PATH_MAX];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t n = ::readlink(link, target, sizeof target - 1);
  if (n <= 0) return "";
  const std::string path(target, static_cast<size_t>(n));
  const size_t len = std::strlen(root);
  if (path.compare(0, len, root) != 0 || (path.size() > len && path[len] != '/')) return "";
  return path;
}

// What a sync of fd about to start covers: the file's size and the directory's entries as
// they are before the call (what changes during it may not be covered).
std::string covered(int fd) {
  const std::string path = path_below_root(fd);
  std::string lines;
  struct stat st {};
  if (path.empty() || ::fstat(fd, &st) != 0) return lines;
  if (S_ISDIR(st.st_mode)) {
    if (DIR* dir = ::opendir(path.c_str())) {
      while (const dirent* e = ::readdir(dir))
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
          lines += "E " + path + "/" + e->d_name + "\n";
      ::closedir(dir);
    }
  } else if (S_ISREG(st.st_mode)) {
    lines = "F " + std::to_string(st.st_size) + " " + path + "\n";
  }
  return lines;
}

void record(const std::string& lines) {
  const char* journal = std::getenv("GSMQ_POWER_CUT_JOURNAL");
  if (lines.empty() || !journal) return;
  const int saved = errno;
  const int out = ::open(journal, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (out >= 0) {
    // One write: whole lines even if the process is killed right after.
    if (::write(out, lines.data(), lines.size()) != static_cast<ssize_t>(lines.size())) std::abort();
    ::close(out);
  }
  errno = saved;
}

int wrapped(const char* name, int fd) {
  static_assert(sizeof(void*) == sizeof(SyncFn));
  const auto real = reinterpret_cast<SyncFn>(::dlsym(RTLD_NEXT, name));
  if (!real) std::abort();
  const int saved = errno;
  const std::string lines = covered(fd);
  errno = saved;
  const int rc = real(fd);
  if (rc == 0) record(lines);
  return rc;
}

}  // namespace

extern "C" int fsync(int fd) { return wrapped("fsync", fd); }
extern "C" int fdatasync(int fd) { return wrapped("fdatasync", fd); }
