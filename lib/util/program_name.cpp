#include "util/program_name.h"

namespace gsmq {
namespace {
std::string& name_storage() {
  static std::string name = "gsmq";
  return name;
}
}  // namespace

void set_program_name(std::string name) { name_storage() = std::move(name); }
const std::string& program_name() { return name_storage(); }

}  // namespace gsmq
