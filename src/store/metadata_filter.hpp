// Metadata filters: a JSON language in the style of Chroma and MongoDB, parsed into a tree, then compiled to one
// SQL condition over json_type/json_extract(metadata, path) in which every user value is a bound parameter.
//
//   {"genre": "jazz"}                          equality (string, number or boolean)
//   {"year": {"$gte": 1950, "$lt": 1960}}      $eq $ne $gt $gte $lt $lte; several operators on a field all hold
//   {"genre": {"$in": ["jazz", "blues"]}}      $in $nin: membership in a list of scalars
//   {"$and": [..]}, {"$or": [..]}, {"$not": {..}}, and several fields in one object all hold
//   {"album.label": "Blue Note"}               dotted paths reach into nested objects
//
// Types never mix: a number matches only numbers (1 == 1.0), a string only strings, true only true. $ne and $nin
// also match points that lack the field (they are the complement of $eq and $in, as in MongoDB), and $not is the
// complement of its filter.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "semspace/status.hpp"

namespace semspace::store {

enum class FilterOp { kEq, kNe, kGt, kGte, kLt, kLte, kIn, kNin, kAnd, kOr, kNot };

/// A value a field is compared with.
using FilterValue = std::variant<bool, std::int64_t, double, std::string>;

struct FilterNode {
  FilterOp op = FilterOp::kAnd;
  std::vector<std::string> path;     // comparisons: the field's path, one entry per dotted segment
  std::vector<FilterValue> values;   // comparisons: one value; $in/$nin: the list
  std::vector<FilterNode> children;  // $and/$or: the operands; $not: one
};

/// The deepest nesting of $and/$or/$not a filter may have: deep enough for any hand-written or generated filter,
/// shallow enough that parsing and SQL compilation cannot exhaust the stack.
inline constexpr int kMaxFilterDepth = 32;

/// Parses a filter. kInvalidArgument naming the place and what was expected, e.g.
/// `filter at $and[1].year: operator "$gtx" is unknown (expected $eq, $ne, $gt, $gte, $lt, $lte, $in, $nin)`.
/// "{}" is the filter every point passes.
Expected<FilterNode> parse_filter(std::string_view json);

/// An SQL condition and its parameters, in the order of their `?` placeholders.
struct SqlCondition {
  using Param = std::variant<std::int64_t, double, std::string>;
  std::string sql;
  std::vector<Param> params;
};

/// Compiles a parsed filter to a condition on the JSON text column `column` (an identifier we choose, never user
/// input). The condition is 0 or 1 for every row, never NULL, so NOT is an exact complement.
SqlCondition compile_filter(const FilterNode& filter, std::string_view column = "metadata");

}  // namespace semspace::store
