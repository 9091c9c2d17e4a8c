// file:PATH — a JSON-lines file: read once (or followed with --follow / ?follow), or
// appended to (?fsync to fdatasync after every record).
#pragma once

#include "endpoint/adapter.h"

namespace gsmq::endpoint::file {

extern const Adapter kAdapter;

}  // namespace gsmq::endpoint::file
