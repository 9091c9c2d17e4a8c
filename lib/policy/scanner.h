// Reads the text of an expression or a rule, left to right: words, quoted strings,
// punctuation and keywords, skipping blanks. Positions are 1-based columns, for errors.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gsmq::policy {

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  // True when only blanks are left.
  bool at_end();
  // The column of the next non-blank character.
  size_t column();
  // Takes `symbol` (punctuation such as "==" or "(") when it comes next.
  bool take(std::string_view symbol);
  // Takes `keyword` when it comes next as a whole word.
  bool take_keyword(std::string_view keyword);
  // True when `keyword` comes next as a whole word (without taking it).
  bool next_is_keyword(std::string_view keyword);
  // A name: letters, digits and _ . - (a field such as body.temp or meta.content-type,
  // a rule name). Empty when none comes next.
  std::string name();
  // A value: a "quoted" or 'quoted' string (\" \' \\ \n \t escapes), or a bare run of
  // characters up to a blank, or a ',', ')' or ']' that closes nothing opened in it
  // (brackets inside it pair up: ^a/(b|c)$ is one value). nullopt with `error` set for an unclosed
  // quote; nullopt without an error when no value comes next.
  std::optional<std::string> value(std::string& error);
  // Everything not read yet, from the next non-blank character.
  std::string_view rest();

 private:
  void skip_blanks();
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace gsmq::policy
