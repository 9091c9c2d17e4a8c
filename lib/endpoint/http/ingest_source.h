// http:// and https:// in the listen form as a source: an ingest server. Each POST/PUT on
// the path becomes one message (or one per JSON line), and the HTTP answer is written only
// once the sink confirmed all of them: 200 {"ids":[...]}, or 503 when one failed.
#pragma once

#include <memory>

#include "endpoint/endpoint.h"
#include "endpoint/http/ingest_settings.h"

namespace gsmq::endpoint::http {

// Listens before returning: Error(unavailable) when the address cannot be used.
std::unique_ptr<Source> open_ingest_source(const IngestSettings& config, const EndpointOptions& options);

}  // namespace gsmq::endpoint::http
