// gsmqd's access control (docs/security.md): identities from bearer tokens (--tokens) or
// verified client certificates (--tls-client-auth), anonymous callers only with
// --allow-anonymous, and the ACL (--acl) deciding what each may do. SIGHUP and the
// ReloadAccess call read the files again atomically: a bad file is refused with file,
// line and reason, and the ones in force stay.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "daemon/tokens.h"
#include "gsmq/v1/broker.pb.h"
#include "policy/acl.h"
#include "server/access.h"

namespace gsmq::daemon {

struct AccessOptions {
  std::string acl_file;       // --acl: without, every identity may do everything
  std::string tokens_file;    // --tokens
  bool allow_anonymous = false;
  bool certificates = false;  // client certificates are asked for (--tls-client-auth request|require)
  // Any of these makes gsmqd check who calls; without, it is open to everyone (as before).
  bool enabled() const { return !acl_file.empty() || !tokens_file.empty() || certificates; }
};

using server::kAnonymous;

class AccessInForce final : public server::AccessControl {
 public:
  // Reads the files; Error(usage) "FILE:LINE: reason" when one is bad.
  explicit AccessInForce(AccessOptions options);

  grpc::Status authenticate(const grpc::ServerContext& context, std::string& identity) const override;
  bool allows(const std::string& identity, server::Operation operation, std::string_view channel) const override;
  uint64_t generation() const override;

  v1::ReloadAccessResponse reload();

 private:
  struct Files {
    std::optional<policy::Acl> acl;
    Tokens tokens;
  };
  std::shared_ptr<const Files> current() const;
  std::shared_ptr<const Files> read(std::string& error) const;

  const AccessOptions options_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Files> files_;
  uint64_t generation_ = 0;
};

}  // namespace gsmq::daemon
