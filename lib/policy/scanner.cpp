#include "policy/scanner.h"

#include <cctype>

namespace gsmq::policy {
namespace {
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}
}  // namespace

void Scanner::skip_blanks() {
  while (pos_ < text_.size() && is_blank(text_[pos_])) ++pos_;
}

bool Scanner::at_end() {
  skip_blanks();
  return pos_ == text_.size();
}

size_t Scanner::column() {
  skip_blanks();
  return pos_ + 1;
}

bool Scanner::take(std::string_view symbol) {
  skip_blanks();
  if (text_.substr(pos_, symbol.size()) != symbol) return false;
  pos_ += symbol.size();
  return true;
}

bool Scanner::next_is_keyword(std::string_view keyword) {
  skip_blanks();
  if (text_.substr(pos_, keyword.size()) != keyword) return false;
  const size_t end = pos_ + keyword.size();
  return end == text_.size() || !is_name_char(text_[end]);
}

bool Scanner::take_keyword(std::string_view keyword) {
  if (!next_is_keyword(keyword)) return false;
  pos_ += keyword.size();
  return true;
}

std::string Scanner::name() {
  skip_blanks();
  const size_t start = pos_;
  while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
  return std::string(text_.substr(start, pos_ - start));
}

std::optional<std::string> Scanner::value(std::string& error) {
  skip_blanks();
  if (pos_ == text_.size()) return std::nullopt;
  const char quote = text_[pos_];
  if (quote == '"' || quote == '\'') {
    const size_t start = pos_++;
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      char c = text_[pos_++];
      if (c == '\\' && pos_ < text_.size()) {
        c = text_[pos_++];
        if (c == 'n') c = '\n';
        else if (c == 't') c = '\t';
      }
      out.push_back(c);
    }
    if (pos_ == text_.size()) {
      error = "at column " + std::to_string(start + 1) + ": unclosed " + std::string(1, quote);
      return std::nullopt;
    }
    ++pos_;
    return out;
  }
  // A bare value ends at a blank, or at a ',', ')' or ']' that closes nothing opened in
  // it: a regular expression such as ^a/(b|c)/[0-9]+$ needs no quotes.
  const size_t start = pos_;
  int open = 0;
  for (; pos_ < text_.size() && !is_blank(text_[pos_]); ++pos_) {
    const char c = text_[pos_];
    if (c == '(' || c == '[') ++open;
    else if ((c == ')' || c == ']') && open > 0) --open;
    else if (c == ',' || c == ')' || c == ']') {
      if (open == 0) break;
    }
  }
  if (pos_ == start) return std::nullopt;
  return std::string(text_.substr(start, pos_ - start));
}

std::string_view Scanner::rest() {
  skip_blanks();
  return text_.substr(pos_);
}

}  // namespace gsmq::policy
