#include "daemon/access_in_force.h"

#include "util/error.h"
#include "util/log.h"

namespace gsmq::daemon {

AccessInForce::AccessInForce(AccessOptions options) : options_(std::move(options)) {
  std::string error;
  files_ = read(error);
  if (!files_) throw Error(ErrorKind::usage, error);
}

std::shared_ptr<const AccessInForce::Files> AccessInForce::read(std::string& error) const {
  auto files = std::make_shared<Files>();
  if (!options_.acl_file.empty()) {
    files->acl = policy::load_acl(options_.acl_file, error);
    if (!files->acl) return nullptr;
  }
  if (!options_.tokens_file.empty()) {
    auto tokens = Tokens::load(options_.tokens_file, error);
    if (!tokens) return nullptr;
    files->tokens = std::move(*tokens);
  }
  return files;
}

std::shared_ptr<const AccessInForce::Files> AccessInForce::current() const {
  std::lock_guard lock(mutex_);
  return files_;
}

uint64_t AccessInForce::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

v1::ReloadAccessResponse AccessInForce::reload() {
  v1::ReloadAccessResponse response;
  std::string error;
  auto files = read(error);
  std::lock_guard lock(mutex_);
  if (!files) {
    log::warn("access files refused; those in force stay", {{"error", error}});
    response.set_error(error);
  } else {
    files_ = std::move(files);
    ++generation_;
    log::info("access files reloaded", {{"acl", options_.acl_file}, {"tokens", options_.tokens_file}});
  }
  response.set_acl_lines(static_cast<uint32_t>(files_->acl ? files_->acl->size() : 0));
  response.set_tokens(static_cast<uint32_t>(files_->tokens.size()));
  return response;
}

grpc::Status AccessInForce::authenticate(const grpc::ServerContext& context, std::string& identity) const {
  if (!options_.enabled()) {
    identity = kAnonymous;
    return grpc::Status::OK;
  }
  const auto& metadata = context.client_metadata();
  if (const auto found = metadata.find("authorization"); found != metadata.end()) {
    const std::string value(found->second.data(), found->second.size());
    constexpr std::string_view kBearer = "Bearer ";
    const auto files = current();
    std::optional<std::string> who;
    if (value.rfind(kBearer, 0) == 0) who = files->tokens.verify(value.substr(kBearer.size()));
    if (!who) return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "the token was refused (gsmqd --tokens)");
    identity = *who;
    return grpc::Status::OK;
  }
  if (const auto auth = context.auth_context(); auth && auth->IsPeerAuthenticated()) {
    // A verified client certificate: its subject CN, or its first SAN without one.
    for (const char* property : {"x509_common_name", "x509_subject_alternative_name"}) {
      const auto values = auth->FindPropertyValues(property);
      if (!values.empty()) {
        identity.assign(values.front().data(), values.front().size());
        return grpc::Status::OK;
      }
    }
  }
  if (!options_.allow_anonymous)
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "who is calling? send a token (?token=, $GSMQ_TOKEN) or a client certificate "
                        "(gsmqd allows no anonymous callers)");
  identity = kAnonymous;
  return grpc::Status::OK;
}

bool AccessInForce::allows(const std::string& identity, server::Operation operation, std::string_view channel) const {
  const auto files = current();
  return !files->acl || files->acl->allows(identity, operation, channel);
}

}  // namespace gsmq::daemon
