#include "cli/cli_common.hpp"

#include <cstdio>
#include <iostream>

#include "core/threads.hpp"
#include "io/vector_formats.hpp"
#include "store/collection_store.hpp"

namespace semspace::cli {

int report(const Error& error) {
  std::fprintf(stderr, "semspace: error: %s\n", error.message.c_str());
  return error.code == ErrorCode::kInvalidArgument ? kExitUsage : kExitError;
}

std::filesystem::path resolve_model_path(const std::string& spec) {
  if (spec == "default") return store::semspace_home() / "models" / "default.sem";
  return spec;
}

Expected<WordVectors> load_model(const std::string& spec) {
  auto path = resolve_model_path(spec);
  if (spec == "default" && !std::filesystem::exists(path)) {
    return make_error(ErrorCode::kNotFound,
                      "the default model is not built yet (" + path.string() + "); run `make demo` once to train it");
  }
  return io::read_word_vectors(path);
}

void print_json(const nlohmann::json& value) { std::cout << value.dump() << '\n'; }

int default_threads() { return core::hardware_threads(); }

}  // namespace semspace::cli
