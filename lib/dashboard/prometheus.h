// /metrics: a Snapshot and the gRPC request counts in the Prometheus text format (0.0.4).
// Names follow Prometheus's conventions: gsmq_ prefix, base units (seconds, bytes),
// _total for counters. gsmqd(8) lists them.
#pragma once

#include <string>

#include "dashboard/request_metrics.h"
#include "dashboard/snapshot.h"

namespace gsmq::dashboard {

std::string prometheus_text(const Snapshot& snapshot, const RequestMetrics& requests);

// A label value as the text format wants it: \, " and newline escaped.
std::string escape_label_value(const std::string& value);

}  // namespace gsmq::dashboard
