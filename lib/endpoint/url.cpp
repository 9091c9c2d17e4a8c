#include "endpoint/url.h"

#include <algorithm>
#include <charconv>

namespace gsmq {
namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void parse_query(std::string_view q, std::map<std::string, std::string>& out) {
  while (!q.empty()) {
    const auto amp = q.find('&');
    const std::string_view item = q.substr(0, amp);
    if (!item.empty()) {
      const auto eq = item.find('=');
      const std::string key = percent_decode(item.substr(0, eq));
      out[key] = eq == std::string_view::npos ? "" : percent_decode(item.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
}
}  // namespace

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

bool EndpointUrl::listens() const { return host.empty() || host == "*" || flag("listen"); }

std::string EndpointUrl::param(const std::string& key, const std::string& fallback) const {
  const auto it = query.find(key);
  return it == query.end() ? fallback : it->second;
}

bool EndpointUrl::flag(const std::string& key) const {
  const auto it = query.find(key);
  if (it == query.end()) return false;
  return it->second != "0" && it->second != "false" && it->second != "no";
}

namespace {
std::optional<EndpointUrl> parse_url(std::string_view text, std::string& error) {
  EndpointUrl url;
  url.text = std::string(text);
  if (text == "-") {
    url.scheme = "-";
    return url;
  }
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    error = "\"" + std::string(text) + "\" is not an endpoint URL (expected SCHEME://..., file:PATH or -)";
    return std::nullopt;
  }
  url.scheme = std::string(text.substr(0, colon));
  std::transform(url.scheme.begin(), url.scheme.end(), url.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!std::all_of(url.scheme.begin(), url.scheme.end(),
                   [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.'; })) {
    error = "bad scheme in \"" + std::string(text) + "\"";
    return std::nullopt;
  }
  std::string_view rest = text.substr(colon + 1);
  // Query first: it may follow both the authority form and the file:PATH form.
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    parse_query(rest.substr(q + 1), url.query);
    rest = rest.substr(0, q);
  }
  if (!rest.starts_with("//")) {
    // Opaque form, e.g. file:relative/path or file:/abs/path.
    url.path = percent_decode(rest);
    if (url.path.empty()) {
      error = "\"" + std::string(text) + "\" has no path";
      return std::nullopt;
    }
    return url;
  }
  rest.remove_prefix(2);
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) url.path = percent_decode(rest.substr(slash + 1));
  if (url.scheme == "file") {
    // file:///abs/path (RFC 8089): the path is absolute; only the local host is possible.
    if (!authority.empty() && authority != "localhost") {
      error = "\"" + std::string(text) + "\": file URLs name a local path (file:///PATH or file:PATH)";
      return std::nullopt;
    }
    if (slash == std::string_view::npos) {
      error = "\"" + std::string(text) + "\" has no path";
      return std::nullopt;
    }
    url.path.insert(0, "/");
    return url;
  }
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    const auto c = userinfo.find(':');
    url.user = percent_decode(userinfo.substr(0, c));
    if (c != std::string_view::npos) url.password = percent_decode(userinfo.substr(c + 1));
    authority.remove_prefix(at + 1);
  }
  // host[:port], or [ipv6][:port]; several, separated by commas.
  auto parse_server = [&](std::string_view part, EndpointUrl::Server& server) -> bool {
    std::string_view port_text;
    if (part.starts_with('[')) {
      const auto close = part.find(']');
      if (close == std::string_view::npos) {
        error = "unclosed '[' in \"" + std::string(text) + "\"";
        return false;
      }
      server.host = std::string(part.substr(1, close - 1));
      const std::string_view after = part.substr(close + 1);
      if (after.starts_with(':')) port_text = after.substr(1);
      else if (!after.empty()) {
        error = "unexpected text after ']' in \"" + std::string(text) + "\"";
        return false;
      }
    } else {
      const auto c = part.rfind(':');
      server.host = std::string(part.substr(0, c));
      if (c != std::string_view::npos) port_text = part.substr(c + 1);
    }
    if (!port_text.empty()) {
      unsigned value = 0;
      auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
      if (ec != std::errc{} || p != port_text.data() + port_text.size() || value == 0 || value > 65535) {
        error = "bad port \"" + std::string(port_text) + "\" in \"" + std::string(text) + "\"";
        return false;
      }
      server.port = static_cast<uint16_t>(value);
    }
    return true;
  };
  for (;;) {
    const auto comma = authority.find(',');
    EndpointUrl::Server server;
    if (!parse_server(authority.substr(0, comma), server)) return std::nullopt;
    url.servers.push_back(std::move(server));
    if (comma == std::string_view::npos) break;
    authority.remove_prefix(comma + 1);
    if (authority.empty()) {
      error = "an empty server after ',' in \"" + std::string(text) + "\"";
      return std::nullopt;
    }
  }
  url.host = url.servers.front().host;
  url.port = url.servers.front().port;
  return url;
}

}  // namespace

std::string redact_secrets(std::string_view text) {
  std::string out(text);
  const auto query = out.find('?');
  if (query == std::string::npos) return out;
  for (size_t at = query; (at = out.find("token=", at)) != std::string::npos;) {
    if (out[at - 1] != '?' && out[at - 1] != '&') {
      at += 6;
      continue;
    }
    const size_t from = at + 6, to = std::min(out.find('&', from), out.size());
    if (to == from) {  // an empty token hides nothing
      at = from;
      continue;
    }
    out.replace(from, to - from, "***");
    at = from + 3;
  }
  return out;
}

std::optional<EndpointUrl> parse_endpoint_url(std::string_view text, std::string& error) {
  auto url = parse_url(text, error);
  if (!url) {
    // error quotes the text: say it without its secrets
    // (the search goes on after each replacement: the shown text may contain the raw one)
    const std::string raw(text), shown = redact_secrets(text);
    for (size_t at = 0; raw != shown && (at = error.find(raw, at)) != std::string::npos; at += shown.size())
      error.replace(at, raw.size(), shown);
    return url;
  }
  url->text = redact_secrets(text);
  return url;
}

}  // namespace gsmq
