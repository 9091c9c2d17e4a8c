#include "endpoint/nats/stream_setup.h"

#include <thread>
#include <vector>

#include "util/signals.h"

namespace gsmq::endpoint::nats {

jsCtx* jetstream_of(Connection& conn, jsOptions* options) {
  jsCtx* js = nullptr;
  const natsStatus s = natsConnection_JetStream(&js, conn.get(), options);
  if (s != NATS_OK) throw Error(ErrorKind::internal, conn.settings().url_text + ": JetStream context: " + describe(s));
  return js;
}

bool retryable(natsStatus status, jsErrCode code) {
  return status == NATS_TIMEOUT || status == NATS_NO_RESPONDERS || status == NATS_CONNECTION_DISCONNECTED ||
         status == NATS_CONNECTION_CLOSED || status == NATS_IO_ERROR || status == NATS_NOT_YET_CONNECTED ||
         code == JSClusterNotAvailErr || code == JSStreamOfflineErr;
}

void ensure_stream(jsCtx* js, Connection& conn) {
  const Settings& s = conn.settings();
  std::vector<const char*> subjects;
  for (const std::string& subject : s.stream_subjects) subjects.push_back(subject.c_str());
  const auto until = Clock::now() + s.connect_timeout;
  for (;;) {
    jsErrCode code = static_cast<jsErrCode>(0);
    jsStreamInfo* info = nullptr;
    natsStatus st;
    if (s.create) {
      jsStreamConfig cfg;
      jsStreamConfig_Init(&cfg);
      cfg.Name = s.stream.c_str();
      cfg.Subjects = subjects.data();
      cfg.SubjectsLen = static_cast<int>(subjects.size());
      cfg.Replicas = s.replicas;
      cfg.Duplicates = nanos(s.duplicate_window);
      cfg.Storage = s.memory_storage ? js_MemoryStorage : js_FileStorage;
      st = js_AddStream(&info, js, &cfg, nullptr, &code);
      if (st != NATS_OK && code == JSStreamNameExistErr) {
        conn.warn("the stream " + s.stream + " exists with another configuration; it is used as it is");
        st = NATS_OK;
      }
    } else {
      st = js_GetStreamInfo(&info, js, s.stream.c_str(), nullptr, &code);
    }
    jsStreamInfo_Destroy(info);
    if (st == NATS_OK) return;
    if (code == JSStreamNotFoundErr || st == NATS_NOT_FOUND)
      throw Error(ErrorKind::unavailable, s.url_text + ": there is no stream " + s.stream + " (?create makes it)");
    if (!retryable(st, code) || Clock::now() >= until || stop_requested())
      throw Error(ErrorKind::unavailable, s.url_text + ": JetStream: stream " + s.stream + ": " + describe(st) +
                                              (code ? " (error " + std::to_string(code) + ")" : ""));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace gsmq::endpoint::nats
