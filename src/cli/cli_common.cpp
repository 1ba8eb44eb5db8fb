#include "cli/cli_common.hpp"

#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "core/threads.hpp"
#include "io/atomic_file.hpp"
#include "io/text_model_files.hpp"
#include "io/vector_formats.hpp"
#include "store/collection_store.hpp"

namespace semspace::cli {

int report(const Error& error) {
  std::fprintf(stderr, "semspace: error: %s\n", error.message.c_str());
  return error.code == ErrorCode::kInvalidArgument ? kExitUsage : kExitError;
}

std::filesystem::path models_root() { return store::semspace_home() / "models"; }

Expected<WordVectors> load_model(const std::string& spec) {
  auto location = io::resolve_model(spec, models_root());
  if (!location) return tl::unexpected(location.error());
  if (location->kind != TextModelKind::kWordVectors) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("{} is a transformer model ({}); this command needs word vectors", spec,
                                  location->path.string()));
  }
  return io::read_word_vectors(location->path);
}

Expected<TextModel> load_text_model(const std::string& spec) { return io::load_text_model(spec, models_root()); }

void note_truncation(const TextModel& model, const TextEncodeStats& stats) {
  if (stats.truncated_texts == 0 || model.transformer() == nullptr) return;
  std::fprintf(stderr, "semspace: note: %zu of %zu texts were longer than the model's %zu tokens and were truncated\n",
               stats.truncated_texts, stats.texts, model.transformer()->max_length);
}

Status write_text_file(const std::string& path, const std::string& text) {
  auto file = io::AtomicFileWriter::create(path);
  if (!file) return tl::unexpected(file.error());
  if (auto ok = file->write(text); !ok) return ok;
  return file->commit();
}

void print_json(const nlohmann::json& value) { std::cout << value.dump() << '\n'; }

int default_threads() { return core::hardware_threads(); }

}  // namespace semspace::cli
