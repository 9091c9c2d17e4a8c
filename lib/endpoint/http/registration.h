// http:// and https:// endpoints (docs/endpoints/http.md). Connect form
// (http://HOST:PORT/PATH) = a sink that POSTs each message to the URL; listen form
// (http://:PORT/PATH, http://*:PORT/PATH or ?listen) = a source: an ingest server.
#pragma once

#include "endpoint/adapter.h"

namespace gsmq::endpoint::http {

extern const Adapter kAdapter;

}  // namespace gsmq::endpoint::http
