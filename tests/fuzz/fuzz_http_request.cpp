// Any byte string, as the body of every JSON endpoint, must give a request struct or an error that names what is
// wrong, never a crash; parsed values must keep the documented bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "serve/json_request.hpp"

namespace {

template <class Parsed>
void check(const Parsed& parsed) {
  if (!parsed && parsed.error().message.empty()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace semspace::serve;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto embeddings = parse_embeddings_request(body);
  check(embeddings);
  if (embeddings && (embeddings->input.empty() || (embeddings->dimensions && *embeddings->dimensions < 1))) __builtin_trap();
  auto tei = parse_tei_embed_request(body);
  check(tei);
  if (tei && tei->inputs.empty()) __builtin_trap();
  check(parse_create_collection_request(body));
  auto upsert = parse_upsert_request(body);
  check(upsert);
  if (upsert) {
    for (const auto& point : *upsert) {
      if (point.vector.has_value() == point.text.has_value()) __builtin_trap();  // exactly one of them
    }
  }
  check(parse_ids_request(body));
  auto search = parse_search_request(body);
  check(search);
  if (search && (search->k < 1 || search->k > kMaxK)) __builtin_trap();
  auto project = parse_project_request(body);
  check(project);
  if (project && (project->dim < 2 || project->dim > 3 || project->limit > kMaxProjectLimit)) __builtin_trap();
  check(parse_locate_request(body));
  check(parse_neighbors_request(body));
  check(parse_analogy_request(body));
  check(parse_similarity_request(body));
  return 0;
}
