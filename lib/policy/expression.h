// The expression language of gsmq-bridge --filter and of the rules file (docs/policies.md):
//   channel ~ sensors/*  and  (body.temp > 30 or meta.alarm exists)  and not id in [a, b]
// A comparison is FIELD OP VALUE, FIELD in [V, ...], FIELD exists or exists FIELD; they
// combine with and, or, not and parentheses (not binds tightest, then and, then or).
// Operators: == (or =) != < <= > >= ; ~ (glob: * and ?) ; =~ and !~ (RE2 regular
// expression, found anywhere in the value unless anchored). Numbers compare as numbers
// when both sides are numbers, otherwise as text. A missing field satisfies only != and
// !~. VALUE is "quoted", 'quoted' or bare (up to a blank, or a ',', ')' or ']' closing
// nothing opened in the value).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "envelope/message.h"
#include "policy/fields.h"
#include "policy/scanner.h"

namespace gsmq::policy {

class Expression {
 public:
  // The whole of `text` is one expression; nullopt and `error` set otherwise.
  static std::optional<Expression> parse(std::string_view text, std::string& error);
  // Reads one expression from `scanner` and stops before the first word that cannot
  // continue it (a rule's `then`); nullopt and `error` set when none can be read.
  static std::optional<Expression> read(Scanner& scanner, std::string& error);

  bool matches(const Message& message) const;
  bool matches(const FieldReader& fields) const;

  struct Node;

 private:
  std::shared_ptr<const Node> root_;
};

}  // namespace gsmq::policy
