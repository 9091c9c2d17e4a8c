#include "federation/dedup_window.h"

#include <fcntl.h>

#include <cstring>
#include <random>

#include "store/posix_file.h"

namespace gsmq::federation {
namespace {

constexpr uint8_t kIdsRecord = 1;  // packed little-endian u64 hashes

// The salt of this window, made once and kept beside the log.
uint64_t load_or_make_salt(const std::filesystem::path& dir) {
  const auto path = dir / "salt";
  uint64_t salt = 0;
  if (std::filesystem::exists(path)) {
    auto file = store::PosixFile::open(path, O_RDONLY);
    if (file.pread_up_to(reinterpret_cast<char*>(&salt), sizeof salt, 0) == sizeof salt) return salt;
  }
  salt = std::random_device{}() | uint64_t{std::random_device{}()} << 32;
  const auto tmp = dir / "salt.tmp";
  {
    auto file = store::PosixFile::open(tmp, O_WRONLY | O_CREAT | O_TRUNC);
    file.pwrite_all(std::string_view(reinterpret_cast<const char*>(&salt), sizeof salt), 0);
    file.fsync();
  }
  std::filesystem::rename(tmp, path);
  store::sync_directory(dir);
  return salt;
}

}  // namespace

DedupWindow::DedupWindow(std::filesystem::path dir, store::Committer& committer, size_t capacity)
    : committer_(committer), capacity_(capacity) {
  store::create_durable_directories(dir);
  salt_ = load_or_make_salt(dir);
  std::vector<uint64_t> loaded;
  log_ = store::SegmentedLog::open({dir / "ids", 4ull << 20}, nullptr,
                                   [&](store::Location loc, uint8_t type, std::string_view payload) {
                                     if (type != kIdsRecord || payload.size() % 8 != 0) return;
                                     for (size_t i = 0; i < payload.size(); i += 8) {
                                       uint64_t h;
                                       std::memcpy(&h, payload.data() + i, 8);
                                       loaded.push_back(h);
                                     }
                                     segment_ids_[loc.segment] += payload.size() / 8;
                                   });
  const size_t from = loaded.size() > capacity_ ? loaded.size() - capacity_ : 0;
  for (size_t i = from; i < loaded.size(); ++i) remember(loaded[i]);
  for (auto& [h, durable] : ids_) durable = true;
}

DedupWindow::~DedupWindow() = default;

uint64_t DedupWindow::hash(std::string_view id) const {
  // FNV-1a over the salt and the id.
  uint64_t h = 14695981039346656037ull;
  auto mix = [&h](unsigned char c) { h = (h ^ c) * 1099511628211ull; };
  for (int i = 0; i < 8; ++i) mix(static_cast<unsigned char>(salt_ >> (8 * i)));
  for (unsigned char c : id) mix(c);
  return h;
}

void DedupWindow::remember(uint64_t h) {
  if (!ids_.emplace(h, false).second) return;
  order_.push_back(h);
  while (order_.size() > capacity_) {
    ids_.erase(order_.front());
    order_.pop_front();
  }
}

DedupWindow::Verdict DedupWindow::check(std::string_view id) {
  const uint64_t h = hash(id);
  std::lock_guard lock(mutex_);
  const auto it = ids_.find(h);
  if (it == ids_.end()) {
    remember(h);
    return Verdict::fresh;
  }
  if (!it->second) return Verdict::in_flight;
  ++duplicates_;
  return Verdict::duplicate;
}

void DedupWindow::committed(const std::vector<std::string_view>& ids, bool ok, std::function<void(bool)> done) {
  std::vector<uint64_t> hashes;
  hashes.reserve(ids.size());
  for (auto id : ids) hashes.push_back(hash(id));
  if (!ok || hashes.empty()) {
    std::lock_guard lock(mutex_);
    for (auto h : hashes)
      if (auto it = ids_.find(h); it != ids_.end() && !it->second) ids_.erase(it);  // its order_ entry ages out
    if (done) done(ok);
    return;
  }
  std::string payload(hashes.size() * 8, '\0');
  std::memcpy(payload.data(), hashes.data(), payload.size());
  store::Committer::Records records;
  records.emplace_back(kIdsRecord, std::move(payload));
  committer_.submit(log_.get(), std::move(records),
                    [this, hashes = std::move(hashes), done = std::move(done)](std::error_code ec,
                                                                              std::vector<store::Location> locs) {
                      uint32_t drop_before = 0;
                      {
                        std::lock_guard lock(mutex_);
                        for (auto h : hashes)
                          if (auto it = ids_.find(h); it != ids_.end()) {
                            if (ec) ids_.erase(it);
                            else it->second = true;
                          }
                        if (!ec && !locs.empty()) {
                          segment_ids_[locs.front().segment] += hashes.size();
                          // Older segments whose ids have all aged out of the window can go.
                          uint64_t newer = 0;
                          for (auto s = segment_ids_.rbegin(); s != segment_ids_.rend(); ++s) {
                            if (newer >= capacity_) {
                              drop_before = s->first + 1;
                              break;
                            }
                            newer += s->second;
                          }
                          if (drop_before) segment_ids_.erase(segment_ids_.begin(), segment_ids_.lower_bound(drop_before));
                        }
                      }
                      // On the I/O thread, between commits: what drop_segments_before needs.
                      if (drop_before) log_->drop_segments_before(drop_before);
                      if (done) done(!ec);
                    });
}

size_t DedupWindow::size() const {
  std::lock_guard lock(mutex_);
  return ids_.size();
}

uint64_t DedupWindow::duplicates() const {
  std::lock_guard lock(mutex_);
  return duplicates_;
}

}  // namespace gsmq::federation
