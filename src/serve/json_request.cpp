#include "serve/json_request.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace semspace::serve {
namespace {

using json = nlohmann::json;

tl::unexpected<Error> bad_field(std::string_view field, std::string_view expected, const json& found) {
  return make_error(ErrorCode::kInvalidArgument,
                    fmt::format("field \"{}\": expected {}, found {}", field, expected, found.type_name()));
}

tl::unexpected<Error> bad_value(std::string_view field, std::string_view what) {
  return make_error(ErrorCode::kInvalidArgument, fmt::format("field \"{}\": {}", field, what));
}

Expected<json> parse_object(std::string_view body) {
  json value;
  try {
    value = json::parse(body);
  } catch (const json::exception& error) {  // parse_error, and out_of_range for numbers beyond double
    std::string what = error.what();       // "[json.exception.parse_error.101] parse error at line 1, ..."
    if (auto at = what.find("] "); at != std::string::npos) what = what.substr(at + 2);
    return make_error(ErrorCode::kInvalidArgument, "request body is not valid JSON: " + what);
  }
  if (!value.is_object()) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("request body must be a JSON object, found {}", value.type_name()));
  }
  return value;
}

// A field that is absent or null is "not given": clients (OpenAI's among them) send null for unset options.
const json* field(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

Status read_string(const json& object, const char* name, std::string& out, bool required = false) {
  const json* value = field(object, name);
  if (!value) return required ? Status(bad_value(name, "is required")) : Status{};
  if (!value->is_string()) return bad_field(name, "a string", *value);
  out = value->get<std::string>();
  return {};
}

Status read_int(const json& object, const char* name, std::int64_t& out, std::int64_t lo, std::int64_t hi) {
  const json* value = field(object, name);
  if (!value) return {};
  if (!value->is_number_integer()) return bad_field(name, "an integer", *value);
  // Non-negative JSON integers parse as unsigned: compared as such, so values beyond int64 are caught too.
  const bool in_range = value->is_number_unsigned()
                            ? value->get<std::uint64_t>() <= static_cast<std::uint64_t>(hi) &&
                                  (lo <= 0 || value->get<std::uint64_t>() >= static_cast<std::uint64_t>(lo))
                            : value->get<std::int64_t>() >= lo && value->get<std::int64_t>() <= hi;
  if (!in_range) {
    return bad_value(name, fmt::format("must be between {} and {}, found {}", lo, hi, value->dump()));
  }
  out = value->get<std::int64_t>();
  return {};
}

Status read_int(const json& object, const char* name, int& out, int lo, int hi) {
  std::int64_t wide = out;
  if (auto ok = read_int(object, name, wide, lo, hi); !ok) return ok;
  out = static_cast<int>(wide);
  return {};
}

Status read_bool(const json& object, const char* name, bool& out) {
  const json* value = field(object, name);
  if (!value) return {};
  if (!value->is_boolean()) return bad_field(name, "true or false", *value);
  out = value->get<bool>();
  return {};
}

Status read_double(const json& object, const char* name, double& out, double lo, double hi) {
  const json* value = field(object, name);
  if (!value) return {};
  if (!value->is_number()) return bad_field(name, "a number", *value);
  const double x = value->get<double>();
  if (!(x >= lo && x <= hi)) return bad_value(name, fmt::format("must be between {} and {}, found {}", lo, hi, x));
  out = x;
  return {};
}

// A string or a non-empty list of strings.
Expected<std::vector<std::string>> texts_field(const json& object, const char* name) {
  const json* value = field(object, name);
  if (!value) return bad_value(name, "is required (a string or a list of strings)");
  std::vector<std::string> texts;
  if (value->is_string()) {
    texts.push_back(value->get<std::string>());
    return texts;
  }
  if (!value->is_array()) return bad_field(name, "a string or a list of strings", *value);
  if (value->empty()) return bad_value(name, "is an empty list (give at least one text)");
  texts.reserve(value->size());
  for (std::size_t i = 0; i < value->size(); ++i) {
    const json& item = (*value)[i];
    if (!item.is_string()) {
      if (item.is_number_integer() || item.is_array()) {
        return bad_value(name, "token arrays are not supported: send the texts as strings");
      }
      return bad_field(fmt::format("{}[{}]", name, i), "a string", item);
    }
    texts.push_back(item.get<std::string>());
  }
  return texts;
}

Status read_texts(const json& object, const char* name, std::vector<std::string>& out) {
  auto texts = texts_field(object, name);
  if (!texts) return tl::unexpected(texts.error());
  out = std::move(*texts);
  return {};
}

Expected<std::vector<float>> read_vector(const json& value, std::string_view name) {
  if (!value.is_array()) return bad_field(name, "an array of numbers", value);
  if (value.empty()) return bad_value(name, "is empty");
  std::vector<float> vector;
  vector.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    const json& x = value[i];
    if (!x.is_number()) return bad_field(fmt::format("{}[{}]", name, i), "a number", x);
    // Checked as a double: converting a double beyond float's range to float is undefined behaviour.
    const double v = x.get<double>();
    if (!(std::fabs(v) <= std::numeric_limits<float>::max())) {
      return bad_value(fmt::format("{}[{}]", name, i), "is not a finite float");
    }
    vector.push_back(static_cast<float>(v));
  }
  return vector;
}

Expected<store::PointId> read_id(const json& value, std::string_view name) {
  if (value.is_string() && !value.get_ref<const std::string&>().empty()) return store::PointId(value.get<std::string>());
  if (value.is_number_integer()) {
    if (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return bad_value(name, "integer id does not fit in a signed 64-bit integer");
    }
    return store::PointId(value.get<std::int64_t>());
  }
  return bad_field(name, "a non-empty string or an integer", value);
}

Status read_projection(const json& object, ProjectRequest& out) {
  if (auto ok = read_string(object, "method", out.method); !ok) return ok;
  if (out.method != "pca" && out.method != "tsne") {
    return bad_value("method", fmt::format("expected \"pca\" or \"tsne\", found \"{}\"", out.method));
  }
  if (auto ok = read_int(object, "dim", out.dim, 2, 3); !ok) return ok;
  std::int64_t limit = static_cast<std::int64_t>(out.limit);
  if (auto ok = read_int(object, "limit", limit, 2, static_cast<std::int64_t>(kMaxProjectLimit)); !ok) return ok;
  out.limit = static_cast<std::size_t>(limit);
  if (auto ok = read_double(object, "perplexity", out.perplexity, 1.0, 1000.0); !ok) return ok;
  std::int64_t seed = static_cast<std::int64_t>(out.seed);
  if (auto ok = read_int(object, "seed", seed, 0, std::numeric_limits<std::int64_t>::max()); !ok) return ok;
  out.seed = static_cast<std::uint64_t>(seed);
  return {};
}

// The body as an object, handed to `fill` to read the fields of T.
template <class T, class Fill>
Expected<T> parse_as(std::string_view body, Fill fill) {
  auto object = parse_object(body);
  if (!object) return tl::unexpected(object.error());
  T request;
  if (Status ok = fill(*object, request); !ok) return tl::unexpected(ok.error());
  return request;
}

}  // namespace

Expected<EmbeddingsRequest> parse_embeddings_request(std::string_view body) {
  return parse_as<EmbeddingsRequest>(body, [](const json& object, EmbeddingsRequest& request) -> Status {
    if (auto ok = read_texts(object, "input", request.input); !ok) return ok;
    if (auto ok = read_string(object, "model", request.model); !ok) return ok;
    std::string format = "float";
    if (auto ok = read_string(object, "encoding_format", format); !ok) return ok;
    if (format != "float" && format != "base64") {
      return bad_value("encoding_format", fmt::format("expected \"float\" or \"base64\", found \"{}\"", format));
    }
    request.base64 = format == "base64";
    if (field(object, "dimensions")) {
      int dimensions = 0;
      if (auto ok = read_int(object, "dimensions", dimensions, 1, 1 << 20); !ok) return ok;
      request.dimensions = dimensions;
    }
    return {};
  });
}

Expected<TeiEmbedRequest> parse_tei_embed_request(std::string_view body) {
  return parse_as<TeiEmbedRequest>(body, [](const json& object, TeiEmbedRequest& request) -> Status {
    if (auto ok = read_texts(object, "inputs", request.inputs); !ok) return ok;
    if (auto ok = read_string(object, "model", request.model); !ok) return ok;
    if (auto ok = read_bool(object, "normalize", request.normalize); !ok) return ok;
    return read_bool(object, "truncate", request.truncate);
  });
}

Expected<CreateCollectionRequest> parse_create_collection_request(std::string_view body) {
  return parse_as<CreateCollectionRequest>(body, [](const json& object, CreateCollectionRequest& request) -> Status {
    if (auto ok = read_int(object, "dimension", request.dimension, 1, 1 << 16); !ok) return ok;
    if (auto ok = read_string(object, "metric", request.metric); !ok) return ok;
    if (request.metric != "cosine" && request.metric != "l2" && request.metric != "dot") {
      return bad_value("metric", fmt::format("expected \"cosine\", \"l2\" or \"dot\", found \"{}\"", request.metric));
    }
    if (auto ok = read_string(object, "model", request.model); !ok) return ok;
    if (auto ok = read_string(object, "pooling", request.pooling); !ok) return ok;
    if (request.pooling != "sif" && request.pooling != "mean") {
      return bad_value("pooling", fmt::format("expected \"sif\" or \"mean\", found \"{}\"", request.pooling));
    }
    if (request.dimension == 0 && request.model.empty()) return bad_value("dimension", "is required when no \"model\" is given");
    return {};
  });
}

Expected<std::vector<PointInput>> parse_upsert_request(std::string_view body) {
  auto object = parse_object(body);
  if (!object) return tl::unexpected(object.error());
  const json* points = field(*object, "points");
  if (!points) return bad_value("points", "is required (a list of {\"id\", \"vector\" or \"text\", \"metadata\"})");
  if (!points->is_array()) return bad_field("points", "a list of points", *points);
  if (points->empty()) return bad_value("points", "is an empty list");
  std::vector<PointInput> out;
  out.reserve(points->size());
  for (std::size_t i = 0; i < points->size(); ++i) {
    const json& point = (*points)[i];
    const std::string where = fmt::format("points[{}]", i);
    if (!point.is_object()) return bad_field(where, "an object", point);
    PointInput input;
    const json* id = field(point, "id");
    if (!id) return bad_value(where + ".id", "is required");
    auto parsed_id = read_id(*id, where + ".id");
    if (!parsed_id) return tl::unexpected(parsed_id.error());
    input.id = std::move(*parsed_id);
    const json* vector = field(point, "vector");
    const json* text = field(point, "text");
    if (vector && text) return bad_value(where, "has both \"vector\" and \"text\"; give one");
    if (vector) {
      auto parsed = read_vector(*vector, where + ".vector");
      if (!parsed) return tl::unexpected(parsed.error());
      input.vector = std::move(*parsed);
    } else if (text) {
      if (!text->is_string()) return bad_field(where + ".text", "a string", *text);
      input.text = text->get<std::string>();
    } else {
      return bad_value(where, "needs \"vector\" (array of numbers) or \"text\" (string)");
    }
    if (const json* metadata = field(point, "metadata")) {
      if (!metadata->is_object()) return bad_field(where + ".metadata", "an object", *metadata);
      input.metadata_json = metadata->dump();
    }
    out.push_back(std::move(input));
  }
  return out;
}

Expected<std::vector<store::PointId>> parse_ids_request(std::string_view body) {
  auto object = parse_object(body);
  if (!object) return tl::unexpected(object.error());
  const json* ids = field(*object, "ids");
  if (!ids) return bad_value("ids", "is required (a list of ids)");
  if (!ids->is_array()) return bad_field("ids", "a list of ids", *ids);
  std::vector<store::PointId> out;
  for (std::size_t i = 0; i < ids->size(); ++i) {
    auto id = read_id((*ids)[i], fmt::format("ids[{}]", i));
    if (!id) return tl::unexpected(id.error());
    out.push_back(std::move(*id));
  }
  return out;
}

Expected<SearchRequest> parse_search_request(std::string_view body) {
  auto object = parse_object(body);
  if (!object) return tl::unexpected(object.error());
  SearchRequest request;
  int given = 0;
  if (const json* text = field(*object, "text")) {
    if (!text->is_string()) return bad_field("text", "a string", *text);
    request.text = text->get<std::string>();
    ++given;
  }
  if (const json* vector = field(*object, "vector")) {
    auto parsed = read_vector(*vector, "vector");
    if (!parsed) return tl::unexpected(parsed.error());
    request.vector = std::move(*parsed);
    ++given;
  }
  if (const json* id = field(*object, "id")) {
    auto parsed = read_id(*id, "id");
    if (!parsed) return tl::unexpected(parsed.error());
    request.id = std::move(*parsed);
    ++given;
  }
  if (given != 1) {
    return make_error(ErrorCode::kInvalidArgument, "give exactly one of \"text\", \"vector\" or \"id\"");
  }
  if (auto ok = read_int(*object, "k", request.k, 1, kMaxK); !ok) return tl::unexpected(ok.error());
  if (const json* filter = field(*object, "filter")) {
    auto parsed = store::parse_filter(filter->dump());
    if (!parsed) return bad_value("filter", parsed.error().message);
    request.filter = std::move(*parsed);
  }
  return request;
}

Expected<ProjectRequest> parse_project_request(std::string_view body) {
  ProjectRequest request;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return request;  // no body: the defaults
  auto object = parse_object(body);
  if (!object) return tl::unexpected(object.error());
  if (auto ok = read_projection(*object, request); !ok) return tl::unexpected(ok.error());
  return request;
}

Expected<LocateRequest> parse_locate_request(std::string_view body) {
  return parse_as<LocateRequest>(body, [](const json& object, LocateRequest& request) -> Status {
    if (auto ok = read_string(object, "text", request.text, true); !ok) return ok;
    return read_projection(object, request.projection);
  });
}

Expected<NeighborsRequest> parse_neighbors_request(std::string_view body) {
  return parse_as<NeighborsRequest>(body, [](const json& object, NeighborsRequest& request) -> Status {
    if (auto ok = read_string(object, "word", request.word, true); !ok) return ok;
    return read_int(object, "k", request.k, 1, kMaxK);
  });
}

Expected<AnalogyRequest> parse_analogy_request(std::string_view body) {
  return parse_as<AnalogyRequest>(body, [](const json& object, AnalogyRequest& request) -> Status {
    for (auto [name, out] : {std::pair{"a", &request.a}, {"b", &request.b}, {"c", &request.c}}) {
      if (auto ok = read_string(object, name, *out, true); !ok) return ok;
    }
    return read_int(object, "k", request.k, 1, kMaxK);
  });
}

Expected<SimilarityRequest> parse_similarity_request(std::string_view body) {
  return parse_as<SimilarityRequest>(body, [](const json& object, SimilarityRequest& request) -> Status {
    if (auto ok = read_string(object, "a", request.a, true); !ok) return ok;
    return read_string(object, "b", request.b, true);
  });
}

}  // namespace semspace::serve
