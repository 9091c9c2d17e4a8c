#include "endpoint/mqtt/topic.h"

namespace gsmq::endpoint::mqtt {

bool valid_topic_name(const std::string& topic) {
  if (topic.empty() || topic.size() > 65535) return false;
  return topic.find_first_of(std::string("+#\0", 3)) == std::string::npos;
}

bool valid_topic_filter(const std::string& filter) {
  if (filter.empty() || filter.size() > 65535 || filter.find('\0') != std::string::npos) return false;
  size_t start = 0;
  for (;;) {
    const size_t slash = filter.find('/', start);
    const std::string level = filter.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (level.find_first_of("+#") != std::string::npos && level.size() != 1) return false;  // "a+" or "#x"
    if (level == "#" && slash != std::string::npos) return false;                          // '#' not last
    if (slash == std::string::npos) return true;
    start = slash + 1;
  }
}

}  // namespace gsmq::endpoint::mqtt
