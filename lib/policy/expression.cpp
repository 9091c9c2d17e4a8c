#include "policy/expression.h"

#include <charconv>
#include <vector>

#include <re2/re2.h>

#include "policy/glob.h"

namespace gsmq::policy {

enum class Op { eq, ne, lt, le, gt, ge, glob, regex, not_regex, in, exists, all, any, negate };

struct Expression::Node {
  Op op = Op::eq;
  std::string field;
  std::vector<std::string> values;           // one for a comparison, the list for `in`
  std::shared_ptr<const RE2> regex;          // =~ and !~
  std::vector<std::shared_ptr<const Node>> children;  // all, any, negate
};

namespace {

using Node = Expression::Node;
constexpr int kMaxNesting = 64;

std::optional<double> as_number(std::string_view text) {
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || p != text.data() + text.size()) return std::nullopt;
  return v;
}

int compare(const std::string& actual, const std::string& wanted) {
  const auto a = as_number(actual), b = as_number(wanted);
  if (a && b) return *a < *b ? -1 : (*a > *b ? 1 : 0);
  const int c = actual.compare(wanted);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool eval(const Node& n, const FieldReader& fields) {
  switch (n.op) {
    case Op::all:
      for (const auto& c : n.children)
        if (!eval(*c, fields)) return false;
      return true;
    case Op::any:
      for (const auto& c : n.children)
        if (eval(*c, fields)) return true;
      return false;
    case Op::negate: return !eval(*n.children.front(), fields);
    default: break;
  }
  const auto actual = fields.get(n.field);
  if (!actual) return n.op == Op::ne || n.op == Op::not_regex;
  switch (n.op) {
    case Op::exists: return true;
    case Op::glob: return glob_match(n.values.front(), *actual);
    case Op::regex: return RE2::PartialMatch(*actual, *n.regex);
    case Op::not_regex: return !RE2::PartialMatch(*actual, *n.regex);
    case Op::in:
      for (const auto& v : n.values)
        if (compare(*actual, v) == 0) return true;
      return false;
    case Op::eq: return compare(*actual, n.values.front()) == 0;
    case Op::ne: return compare(*actual, n.values.front()) != 0;
    case Op::lt: return compare(*actual, n.values.front()) < 0;
    case Op::le: return compare(*actual, n.values.front()) <= 0;
    case Op::gt: return compare(*actual, n.values.front()) > 0;
    case Op::ge: return compare(*actual, n.values.front()) >= 0;
    default: return false;
  }
}

class Parser {
 public:
  Parser(Scanner& s, std::string& error) : s_(s), error_(error) {}

  std::shared_ptr<const Node> any(int depth) {
    if (depth > kMaxNesting) return fail("nested more than " + std::to_string(kMaxNesting) + " levels deep");
    return chain("or", Op::any, [&] { return all(depth); });
  }

 private:
  std::shared_ptr<const Node> fail(const std::string& why) {
    if (error_.empty()) error_ = why;
    return nullptr;
  }

  std::shared_ptr<const Node> all(int depth) {
    return chain("and", Op::all, [&] { return unary(depth); });
  }

  // next (keyword next)*: one node of kind `op` over them, or the only one.
  template <class Next>
  std::shared_ptr<const Node> chain(std::string_view keyword, Op op, Next next) {
    auto first = next();
    if (!first || !s_.next_is_keyword(keyword)) return first;
    auto n = std::make_shared<Node>();
    n->op = op;
    n->children.push_back(first);
    while (s_.take_keyword(keyword)) {
      auto more = next();
      if (!more) return nullptr;
      n->children.push_back(more);
    }
    return n;
  }

  std::shared_ptr<const Node> unary(int depth) {
    if (depth > kMaxNesting) return fail("nested more than " + std::to_string(kMaxNesting) + " levels deep");
    if (s_.take_keyword("not")) {
      auto inner = unary(depth + 1);
      if (!inner) return nullptr;
      auto n = std::make_shared<Node>();
      n->op = Op::negate;
      n->children.push_back(inner);
      return n;
    }
    if (s_.take("(")) {
      auto inner = any(depth + 1);
      if (!inner) return nullptr;
      if (!s_.take(")")) return fail("at column " + std::to_string(s_.column()) + ": expected )");
      return inner;
    }
    if (s_.take_keyword("exists")) {
      auto n = std::make_shared<Node>();
      n->op = Op::exists;
      n->field = field();
      if (n->field.empty()) return nullptr;
      return n;
    }
    return comparison();
  }

  // A field name, checked; empty (and the error set) when there is none or it is unknown.
  std::string field() {
    const size_t column = s_.column();
    std::string name = s_.name();
    if (name.empty()) {
      fail("at column " + std::to_string(column) + ": expected a field (" + std::string(kFieldNames) + ")");
      return "";
    }
    if (!is_field_name(name)) {
      fail("unknown field " + name + " (" + std::string(kFieldNames) + ")");
      return "";
    }
    return name;
  }

  std::shared_ptr<const Node> comparison() {
    const size_t column = s_.column();
    const std::string name = s_.name();
    auto n = std::make_shared<Node>();
    n->field = name;
    static const std::pair<std::string_view, Op> ops[] = {
        {"==", Op::eq}, {"=~", Op::regex}, {"!=", Op::ne}, {"!~", Op::not_regex}, {"<=", Op::le},
        {">=", Op::ge}, {"<", Op::lt},     {">", Op::gt},  {"~", Op::glob},       {"=", Op::eq}};
    bool found = false;
    if (!name.empty()) {
      for (const auto& [symbol, op] : ops)
        if (s_.take(symbol)) {
          n->op = op;
          found = true;
          break;
        }
      if (!found && s_.take_keyword("in")) n->op = Op::in, found = true;
      if (!found && s_.take_keyword("exists")) n->op = Op::exists, found = true;
    }
    if (!found)
      return fail("at column " + std::to_string(column) +
                  ": expected FIELD OP VALUE, e.g. channel~sensors/* or body.temp>30 (OP: == != < <= > >= ~ =~ !~ in exists)");
    if (!is_field_name(name)) return fail("unknown field " + name + " (" + std::string(kFieldNames) + ")");
    if (n->op == Op::exists) return n;
    if (n->op == Op::in) {
      if (!s_.take("[")) return fail("at column " + std::to_string(s_.column()) + ": expected [ after in");
      do {
        const size_t at = s_.column();
        auto v = s_.value(error_);
        if (!v) return fail("at column " + std::to_string(at) + ": expected a value in the list");
        n->values.push_back(std::move(*v));
      } while (s_.take(","));
      if (!s_.take("]")) return fail("at column " + std::to_string(s_.column()) + ": expected , or ]");
      return n;
    }
    const size_t at = s_.column();
    auto v = s_.value(error_);
    if (!v) return fail("at column " + std::to_string(at) + ": expected a value after the operator");
    n->values.push_back(std::move(*v));
    if (n->op == Op::regex || n->op == Op::not_regex) {
      RE2::Options options;
      options.set_log_errors(false);
      auto re = std::make_shared<RE2>(n->values.front(), options);
      if (!re->ok()) return fail("bad regular expression \"" + n->values.front() + "\": " + re->error());
      n->regex = std::move(re);
    }
    return n;
  }

  Scanner& s_;
  std::string& error_;
};

}  // namespace

std::optional<Expression> Expression::read(Scanner& scanner, std::string& error) {
  error.clear();
  Parser parser(scanner, error);
  auto root = parser.any(0);
  if (!root) return std::nullopt;
  Expression e;
  e.root_ = std::move(root);
  return e;
}

std::optional<Expression> Expression::parse(std::string_view text, std::string& error) {
  Scanner scanner(text);
  auto e = read(scanner, error);
  if (!e) {
    error = "\"" + std::string(text) + "\": " + error;
    return std::nullopt;
  }
  if (!scanner.at_end()) {
    error = "\"" + std::string(text) + "\": at column " + std::to_string(scanner.column()) +
            ": expected and, or or the end, not \"" + std::string(scanner.rest()) + "\"";
    return std::nullopt;
  }
  return e;
}

bool Expression::matches(const Message& message) const { return matches(FieldReader(message)); }

bool Expression::matches(const FieldReader& fields) const { return eval(*root_, fields); }

}  // namespace gsmq::policy
