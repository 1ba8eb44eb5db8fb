#include "store/metadata_filter.hpp"

#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace semspace::store {
namespace {

using nlohmann::json;

constexpr const char* kFieldOperators = "$eq, $ne, $gt, $gte, $lt, $lte, $in, $nin";

tl::unexpected<Error> bad(const std::string& where, const std::string& what) {
  return make_error(ErrorCode::kInvalidArgument,
                    fmt::format("filter at {}: {}", where.empty() ? std::string("top level") : where, what));
}

std::string type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    case json::value_t::binary: return "binary data";
    case json::value_t::discarded: return "nothing";
    default: return "a number";
  }
}

std::string join(const std::string& where, const std::string& key) { return where.empty() ? key : where + "." + key; }

// Scalars only: equality with an object or an array would need a definition of deep equality nobody asked for.
Expected<FilterValue> scalar(const json& value, const std::string& where) {
  if (value.is_boolean()) return FilterValue(value.get<bool>());
  if (value.is_string()) return FilterValue(value.get<std::string>());
  if (value.is_number_integer()) {
    if (value.is_number_unsigned() && value.get<std::uint64_t>() > std::numeric_limits<std::int64_t>::max()) {
      return FilterValue(static_cast<double>(value.get<std::uint64_t>()));
    }
    return FilterValue(value.get<std::int64_t>());
  }
  if (value.is_number()) return FilterValue(value.get<double>());
  return bad(where, fmt::format("expected a string, a number or a boolean, got {}", type_name(value)));
}

Expected<std::vector<std::string>> split_path(const std::string& field, const std::string& where) {
  std::vector<std::string> path;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = field.find('.', start);
    std::string segment = field.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (segment.empty()) return bad(where, fmt::format("field \"{}\" has an empty path segment", field));
    // SQLite's JSON paths quote a segment with '"' and have no escape for it.
    if (segment.find('"') != std::string::npos) {
      return bad(where, fmt::format("field \"{}\" contains '\"', which paths cannot express", field));
    }
    path.push_back(std::move(segment));
    if (dot == std::string::npos) return path;
    start = dot + 1;
  }
}

Expected<FilterNode> parse_node(const json& value, const std::string& where, int depth);

Expected<FilterNode> parse_list(FilterOp op, const std::string& name, const json& value, const std::string& where,
                                int depth) {
  if (!value.is_array() || value.empty()) {
    return bad(where, fmt::format("{} expects a non-empty array of filters, got {}", name,
                                  value.is_array() ? "an empty array" : type_name(value)));
  }
  FilterNode node{.op = op, .path = {}, .values = {}, .children = {}};
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto child = parse_node(value[i], fmt::format("{}[{}]", where, i), depth + 1);
    if (!child) return child;
    node.children.push_back(std::move(*child));
  }
  return node;
}

Expected<FilterNode> parse_field_operator(const std::vector<std::string>& path, const std::string& op,
                                          const json& operand, const std::string& where) {
  static const std::pair<const char*, FilterOp> kComparisons[] = {
      {"$eq", FilterOp::kEq}, {"$ne", FilterOp::kNe},   {"$gt", FilterOp::kGt},
      {"$gte", FilterOp::kGte}, {"$lt", FilterOp::kLt}, {"$lte", FilterOp::kLte}};
  for (const auto& [name, kind] : kComparisons) {
    if (op != name) continue;
    auto value = scalar(operand, where);
    if (!value) return tl::unexpected(value.error());
    const bool ordering = kind != FilterOp::kEq && kind != FilterOp::kNe;
    if (ordering && std::holds_alternative<bool>(*value)) {
      return bad(where, fmt::format("{} expects a number or a string, got a boolean", op));
    }
    return FilterNode{.op = kind, .path = path, .values = {std::move(*value)}, .children = {}};
  }
  if (op == "$in" || op == "$nin") {
    if (!operand.is_array()) return bad(where, fmt::format("{} expects an array of values, got {}", op, type_name(operand)));
    FilterNode node{.op = op == "$in" ? FilterOp::kIn : FilterOp::kNin, .path = path, .values = {}, .children = {}};
    for (std::size_t i = 0; i < operand.size(); ++i) {
      auto value = scalar(operand[i], fmt::format("{}[{}]", where, i));
      if (!value) return tl::unexpected(value.error());
      node.values.push_back(std::move(*value));
    }
    return node;
  }
  return bad(where, fmt::format("operator \"{}\" is unknown (expected {})", op, kFieldOperators));
}

// {"field": value} or {"field": {"$op": value, ...}}.
Expected<FilterNode> parse_field(const std::string& field, const json& value, const std::string& where) {
  auto path = split_path(field, where);
  if (!path) return tl::unexpected(path.error());
  if (!value.is_object()) {
    auto scalar_value = scalar(value, where);
    if (!scalar_value) return tl::unexpected(scalar_value.error());
    return FilterNode{.op = FilterOp::kEq, .path = std::move(*path), .values = {std::move(*scalar_value)}, .children = {}};
  }
  if (value.empty()) return bad(where, fmt::format("expected operators ({}) in the object, found none", kFieldOperators));
  FilterNode all{.op = FilterOp::kAnd, .path = {}, .values = {}, .children = {}};
  for (const auto& [key, operand] : value.items()) {
    if (key.empty() || key[0] != '$') {
      return bad(where, fmt::format("\"{}\" is not an operator; to reach a nested field write \"{}.{}\"", key, field, key));
    }
    auto node = parse_field_operator(*path, key, operand, join(where, key));
    if (!node) return node;
    all.children.push_back(std::move(*node));
  }
  if (all.children.size() == 1) return std::move(all.children.front());
  return all;
}

Expected<FilterNode> parse_node(const json& value, const std::string& where, int depth) {
  if (depth > kMaxFilterDepth) return bad(where, fmt::format("filters may nest at most {} levels", kMaxFilterDepth));
  if (!value.is_object()) return bad(where, fmt::format("expected an object, got {}", type_name(value)));
  FilterNode all{.op = FilterOp::kAnd, .path = {}, .values = {}, .children = {}};
  for (const auto& [key, operand] : value.items()) {
    const std::string here = join(where, key);
    Expected<FilterNode> node;
    if (key == "$and") {
      node = parse_list(FilterOp::kAnd, key, operand, here, depth);
    } else if (key == "$or") {
      node = parse_list(FilterOp::kOr, key, operand, here, depth);
    } else if (key == "$not") {
      auto inner = parse_node(operand, here, depth + 1);
      if (!inner) return inner;
      node = FilterNode{.op = FilterOp::kNot, .path = {}, .values = {}, .children = {std::move(*inner)}};
    } else if (!key.empty() && key[0] == '$') {
      return bad(here, fmt::format("operator \"{}\" is unknown here (expected $and, $or, $not or a field name)", key));
    } else {
      node = parse_field(key, operand, here);
    }
    if (!node) return node;
    all.children.push_back(std::move(*node));
  }
  if (all.children.size() == 1) return std::move(all.children.front());
  return all;
}

// ---- compilation ----

std::string json_path(const std::vector<std::string>& path) {
  std::string out = "$";
  for (const auto& segment : path) out += ".\"" + segment + "\"";
  return out;
}

class Compiler {
 public:
  explicit Compiler(std::string_view column) : column_(column) {}

  std::string node(const FilterNode& n) {
    switch (n.op) {
      case FilterOp::kAnd:
      case FilterOp::kOr: {
        if (n.children.empty()) return n.op == FilterOp::kAnd ? "1" : "0";
        std::string out = "(";
        for (std::size_t i = 0; i < n.children.size(); ++i) {
          if (i > 0) out += n.op == FilterOp::kAnd ? " AND " : " OR ";
          out += node(n.children[i]);
        }
        return out + ")";
      }
      case FilterOp::kNot: return "(NOT " + node(n.children.front()) + ")";
      case FilterOp::kEq: return compare(n.path, "=", n.values.front());
      case FilterOp::kNe: return "(NOT " + compare(n.path, "=", n.values.front()) + ")";
      case FilterOp::kGt: return compare(n.path, ">", n.values.front());
      case FilterOp::kGte: return compare(n.path, ">=", n.values.front());
      case FilterOp::kLt: return compare(n.path, "<", n.values.front());
      case FilterOp::kLte: return compare(n.path, "<=", n.values.front());
      case FilterOp::kIn: return member(n.path, n.values);
      case FilterOp::kNin: return "(NOT " + member(n.path, n.values) + ")";
    }
    return "0";
  }

  std::vector<SqlCondition::Param> take_params() { return std::move(params_); }

 private:
  // json_type of a missing path is NULL; coalesce keeps every leaf 0 or 1 so NOT complements exactly.
  std::string type_is(const std::vector<std::string>& path, const char* types) {
    params_.emplace_back(json_path(path));
    return fmt::format("coalesce(json_type({}, ?) IN ({}), 0)", column_, types);
  }
  std::string value_expr(const std::vector<std::string>& path) {
    params_.emplace_back(json_path(path));
    return fmt::format("json_extract({}, ?)", column_);
  }

  std::string compare(const std::vector<std::string>& path, const char* op, const FilterValue& value) {
    if (const bool* b = std::get_if<bool>(&value)) return type_is(path, *b ? "'true'" : "'false'");
    const bool text = std::holds_alternative<std::string>(value);
    // Separate statements: the parameters must be pushed in the order of their placeholders.
    const std::string type = type_is(path, text ? "'text'" : "'integer', 'real'");
    const std::string extracted = value_expr(path);
    std::string out = fmt::format("({} AND coalesce({} {} ?, 0))", type, extracted, op);
    if (text) {
      params_.emplace_back(std::get<std::string>(value));
    } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
      params_.emplace_back(*i);
    } else {
      params_.emplace_back(std::get<double>(value));
    }
    return out;
  }

  // One bound JSON array per type (json_each), so a list of any length costs a fixed number of parameters.
  std::string member(const std::vector<std::string>& path, const std::vector<FilterValue>& values) {
    nlohmann::json strings = nlohmann::json::array(), numbers = nlohmann::json::array();
    bool has_true = false, has_false = false;
    for (const auto& value : values) {
      if (const bool* b = std::get_if<bool>(&value)) {
        (*b ? has_true : has_false) = true;
      } else if (const auto* s = std::get_if<std::string>(&value)) {
        strings.push_back(*s);
      } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
        numbers.push_back(*i);
      } else {
        numbers.push_back(std::get<double>(value));
      }
    }
    std::vector<std::string> terms;
    auto list = [&](const nlohmann::json& items, const char* types) {
      if (items.empty()) return;
      const std::string type = type_is(path, types);
      const std::string extracted = value_expr(path);
      std::string term = fmt::format("({} AND coalesce({} IN (SELECT value FROM json_each(?)), 0))", type, extracted);
      params_.emplace_back(items.dump());
      terms.push_back(std::move(term));
    };
    list(strings, "'text'");
    list(numbers, "'integer', 'real'");
    if (has_true) terms.push_back(type_is(path, "'true'"));
    if (has_false) terms.push_back(type_is(path, "'false'"));
    if (terms.empty()) return "0";
    std::string out = "(";
    for (std::size_t i = 0; i < terms.size(); ++i) out += (i > 0 ? " OR " : "") + terms[i];
    return out + ")";
  }

  std::string column_;
  std::vector<SqlCondition::Param> params_;
};

}  // namespace

Expected<FilterNode> parse_filter(std::string_view text) {
  json value;
  try {
    value = json::parse(text);
  } catch (const json::exception& error) {  // parse_error, and out_of_range for numbers beyond double (1e999)
    std::string what = error.what();
    if (auto at = what.find("] "); at != std::string::npos) what = what.substr(at + 2);
    return make_error(ErrorCode::kInvalidArgument, "filter is not valid JSON: " + what);
  }
  auto node = parse_node(value, "", 0);
  if (!node) return node;
  return node;
}

SqlCondition compile_filter(const FilterNode& filter, std::string_view column) {
  Compiler compiler(column);
  SqlCondition out;
  out.sql = compiler.node(filter);
  out.params = compiler.take_params();
  return out;
}

}  // namespace semspace::store
