// The BERT encoder against tests/reference/bert_reference.py: a BertModel written in plain torch.nn, run in float64
// on random weights, saved as a HuggingFace / sentence-transformers folder with a hand-written model.safetensors.
// Relative error of an output = max |ours - reference| / max |reference| over that output; the bar is 1e-4.
#include "io/hf_bert.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "io/npy.hpp"
#include "io/text_model_files.hpp"
#include "io_test_util.hpp"
#include "safetensors_test_util.hpp"
#include "support/python_reference.hpp"

namespace semspace::io {
namespace {

namespace fs = std::filesystem;

// The script's output, generated once per script version and shared by the test processes ctest starts: each
// generates into its own directory and renames it into place; a loser of that race uses the winner's copy.
fs::path reference_dir() {
  static const fs::path dir = [] {
    const auto script = semspace::testing::reference_script("bert_reference.py");
    std::ifstream in(script, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const auto final_dir = fs::path(SEMSPACE_BINARY_DIR) / "test_scratch" /
                           ("bert_reference-" + std::to_string(std::hash<std::string>{}(text.str())));
    if (fs::exists(final_dir / "done")) return final_dir;
    const auto tmp = semspace::testing::scratch_dir("bert_reference_tmp");
    auto run = semspace::testing::run_python(script, {tmp.string()});
    if (run.status != 0) {
      ADD_FAILURE() << "bert_reference.py failed: " << run.output;
      return fs::path();
    }
    testing_util::write_file(tmp / "done", "");
    std::error_code ec;
    fs::rename(tmp, final_dir, ec);
    if (ec) fs::remove_all(tmp, ec);
    return final_dir;
  }();
  return dir;
}

struct Batch {
  std::size_t n = 0, length = 0;
  std::vector<std::uint32_t> ids, mask, types;
};

std::vector<std::uint32_t> read_u32(const fs::path& path, std::size_t& rows, std::size_t& cols) {
  auto m = read_npy_int64_matrix(path);
  EXPECT_TRUE(m) << m.error().message;
  if (!m) return {};
  rows = m->rows;
  cols = m->cols;
  return std::vector<std::uint32_t>(m->values.begin(), m->values.end());
}

Batch read_batch(const fs::path& dir) {
  Batch b;
  b.ids = read_u32(dir / "ids.npy", b.n, b.length);
  b.mask = read_u32(dir / "mask.npy", b.n, b.length);
  b.types = read_u32(dir / "type_ids.npy", b.n, b.length);
  return b;
}

double relative_error(const Matrix& ours, const Matrix& reference) {
  EXPECT_EQ(ours.rows(), reference.rows());
  EXPECT_EQ(ours.cols(), reference.cols());
  double max_diff = 0, max_ref = 0;
  for (std::size_t i = 0; i < std::min(ours.size(), reference.size()); ++i) {
    max_diff = std::max(max_diff, std::abs(static_cast<double>(ours.data()[i]) - reference.data()[i]));
    max_ref = std::max(max_ref, std::abs(static_cast<double>(reference.data()[i])));
  }
  return max_diff / max_ref;
}

Matrix read_matrix(const fs::path& path) {
  auto m = read_npy_matrix(path);
  EXPECT_TRUE(m) << m.error().message;
  return m ? std::move(*m) : Matrix();
}

// The unpadded rows of the reference's [n * L, H] token states, stacked.
Matrix reference_tokens(const fs::path& ref, const Batch& b) {
  Matrix all = read_matrix(ref / "tokens.npy");
  std::size_t total = 0;
  for (auto m : b.mask) total += m;
  Matrix out(total, all.cols());
  std::size_t r = 0;
  for (std::size_t i = 0; i < b.n * b.length; ++i) {
    if (b.mask[i] == 1) std::copy_n(all.row(i).data(), all.cols(), out.row(r++).data());
  }
  return out;
}

Matrix stack(const std::vector<Matrix>& parts) {
  std::size_t rows = 0;
  for (const auto& p : parts) rows += p.rows();
  Matrix out(rows, parts.empty() ? 0 : parts[0].cols());
  std::size_t r = 0;
  for (const auto& p : parts) {
    std::copy_n(p.data(), p.size(), out.row(r).data());
    r += p.rows();
  }
  return out;
}

class BertReference : public ::testing::TestWithParam<std::string> {};

TEST_P(BertReference, MatchesTorchForEveryPooling) {
  const fs::path dir = reference_dir();
  ASSERT_FALSE(dir.empty());
  const std::string variant = GetParam();
  const fs::path folder = dir / variant;
  // The prefixed folder holds the gelu weights under "bert." names.
  const fs::path ref = dir / (variant == "gelu_prefixed" ? "gelu" : variant) / "ref";
  const Batch b = read_batch(dir);
  const Matrix tokens = reference_tokens(ref, b);

  auto encoder = load_bert_folder(folder);
  ASSERT_TRUE(encoder) << encoder.error().message;
  // The folder's modules.json: mean pooling, then Normalize.
  EXPECT_EQ(encoder->pooling().mode, TokenPooling::kMean);
  EXPECT_TRUE(encoder->pooling().normalize);
  auto out = encoder->encode_padded(b.ids, b.mask, b.types, b.n, b.length, {.token_states = true});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_LE(relative_error(stack(out->token_states), tokens), 1e-4);
  EXPECT_LE(relative_error(out->pooled, read_matrix(ref / "pooled_mean_normalized.npy")), 1e-4);

  auto config = read_bert_config(folder / "config.json");
  ASSERT_TRUE(config);
  auto file = SafetensorsFile::open(folder / "model.safetensors");
  ASSERT_TRUE(file);
  const SafetensorsSet files = SafetensorsSet::single(std::move(*file));
  for (auto [mode, name] : {std::pair{TokenPooling::kMean, "mean"}, {TokenPooling::kCls, "cls"}, {TokenPooling::kMax, "max"}}) {
    auto weights = read_bert_weights(files, *config);
    ASSERT_TRUE(weights) << weights.error().message;
    auto pooled_encoder = BertEncoder::create(*config, std::move(*weights), {.mode = mode, .normalize = false});
    ASSERT_TRUE(pooled_encoder) << pooled_encoder.error().message;
    auto pooled = pooled_encoder->encode_padded(b.ids, b.mask, b.types, b.n, b.length);
    ASSERT_TRUE(pooled) << pooled.error().message;
    EXPECT_LE(relative_error(pooled->pooled, read_matrix(ref / (std::string("pooled_") + name + ".npy"))), 1e-4) << name;
  }
}

INSTANTIATE_TEST_SUITE_P(Variants, BertReference,
                         ::testing::Values("gelu", "gelu_new", "gelu_f16", "gelu_bf16", "gelu_prefixed"));

TEST(BertEncoder, ThreadsAndChunksGiveTheReferenceToo) {
  const fs::path dir = reference_dir();
  ASSERT_FALSE(dir.empty());
  const Batch b = read_batch(dir);
  auto encoder = load_bert_folder(dir / "gelu");
  ASSERT_TRUE(encoder) << encoder.error().message;
  const Matrix tokens = reference_tokens(dir / "gelu" / "ref", b);
  const Matrix pooled = read_matrix(dir / "gelu" / "ref" / "pooled_mean_normalized.npy");
  // Small chunks put the short sequences in chunks below the row-split threshold (columns split instead).
  for (std::size_t chunk : {std::size_t{4096}, std::size_t{40}, std::size_t{1}}) {
    for (int threads : {1, 2, 3}) {
      auto out = encoder->encode_padded(b.ids, b.mask, b.types, b.n, b.length,
                                        {.threads = threads, .token_states = true, .max_chunk_tokens = chunk});
      ASSERT_TRUE(out) << out.error().message;
      EXPECT_LE(relative_error(stack(out->token_states), tokens), 1e-4) << threads << " threads, chunk " << chunk;
      EXPECT_LE(relative_error(out->pooled, pooled), 1e-4) << threads << " threads, chunk " << chunk;
    }
  }
}

double cosine(std::span<const float> a, std::span<const float> b) {
  double dot = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    aa += static_cast<double>(a[i]) * a[i];
    bb += static_cast<double>(b[i]) * b[i];
  }
  return dot / std::sqrt(aa * bb);
}

// The int8 mode (issue 4's goal): every sentence's pooled vector within cosine 0.99 of the torch reference, for
// each activation and weight dtype, with one and two threads and with chunks small enough to split columns.
TEST_P(BertReference, Int8StaysWithinCosine099OfTheReference) {
  const fs::path dir = reference_dir();
  ASSERT_FALSE(dir.empty());
  const std::string variant = GetParam();
  const fs::path ref = dir / (variant == "gelu_prefixed" ? "gelu" : variant) / "ref";
  const Batch b = read_batch(dir);
  const Matrix pooled = read_matrix(ref / "pooled_mean_normalized.npy");
  auto encoder = load_bert_folder(dir / variant);
  ASSERT_TRUE(encoder) << encoder.error().message;
  double worst = 1.0;
  for (auto [threads, chunk] : {std::pair<int, std::size_t>{1, 4096}, {2, 4096}, {2, 40}}) {
    auto out = encoder->encode_padded(b.ids, b.mask, b.types, b.n, b.length,
                                      {.threads = threads, .max_chunk_tokens = chunk, .int8 = true});
    ASSERT_TRUE(out) << out.error().message;
    for (std::size_t s = 0; s < b.n; ++s) {
      const double c = cosine(out->pooled.row(s), pooled.row(s));
      worst = std::min(worst, c);
      EXPECT_GE(c, 0.99) << "sentence " << s << ", " << threads << " threads, chunk " << chunk;
    }
  }
  // Not f32 in disguise: quantisation must move the outputs a little.
  EXPECT_LT(worst, 0.99999) << "int8 output equals f32";
  std::cout << variant << ": worst int8 cosine to the reference " << worst << "\n";
}

TEST(BertEncoder, BadInputsAreErrorsNamingTheSequence) {
  const fs::path dir = reference_dir();
  ASSERT_FALSE(dir.empty());
  auto encoder = load_bert_folder(dir / "gelu");
  ASSERT_TRUE(encoder);
  std::vector<std::uint32_t> ok = {1, 2, 3}, big = {1, 500}, types = {0, 2, 0}, long_seq(65, 1);
  auto expect = [&](std::vector<TokenSequence> batch, const std::string& fragment) {
    auto out = encoder->encode(batch);
    ASSERT_FALSE(out) << fragment;
    EXPECT_EQ(out.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(out.error().message.find(fragment), std::string::npos) << out.error().message;
  };
  expect({{ok, {}}, {{}, {}}}, "sequence 1 is empty");
  expect({{big, {}}}, "sequence 0, position 1: token id 500 is not below vocab_size 500");
  expect({{ok, types}}, "type id 2 is not below type_vocab_size 2");
  expect({{ok, std::span(types).first(2)}}, "2 type ids for 3 tokens");
  expect({{long_seq, {}}}, "65 tokens; the model takes at most 64");
  std::vector<std::uint32_t> mask = {1, 0, 1}, ids = {1, 2, 3};
  auto holes = encoder->encode_padded(ids, mask, {}, 1, 3);
  ASSERT_FALSE(holes);
  EXPECT_NE(holes.error().message.find("ones then zeros"), std::string::npos);
  auto none = encoder->encode({});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->pooled.rows(), 0u);
}

// Broken copies of the reference folder.
class BertFolderErrors : public testing_util::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    source_ = reference_dir() / "gelu";
    ASSERT_FALSE(reference_dir().empty());
    fs::copy(source_, dir_ / "m", fs::copy_options::recursive);
    folder_ = dir_ / "m";
  }
  std::vector<testing_util::RawTensor> source_tensors() {
    auto file = SafetensorsFile::open(source_ / "model.safetensors");
    EXPECT_TRUE(file) << file.error().message;
    std::vector<testing_util::RawTensor> tensors;
    if (!file) return tensors;
    for (const auto& t : file->tensors()) {
      auto raw = file->bytes(t);
      tensors.push_back({t.name, t.dtype, t.shape, std::string(reinterpret_cast<const char*>(raw.data()), raw.size())});
    }
    return tensors;
  }
  // Rewrites model.safetensors through `edit` on its tensor list.
  void rewrite(const std::function<void(std::vector<testing_util::RawTensor>&)>& edit) {
    auto tensors = source_tensors();
    edit(tensors);
    testing_util::write_file(folder_ / "model.safetensors", testing_util::safetensors_bytes(tensors));
  }
  // Replaces model.safetensors by HF's sharded layout: the tensors split in `shards` files named as HF names them,
  // and model.safetensors.index.json mapping each tensor to its shard (`edit_map` may alter the map first).
  void shard(std::size_t shards, const std::function<void(nlohmann::json&)>& edit_map = nullptr) {
    const auto tensors = source_tensors();
    nlohmann::json map = nlohmann::json::object();
    for (std::size_t s = 0; s < shards; ++s) {
      const std::string name = fmt::format("model-{:05}-of-{:05}.safetensors", s + 1, shards);
      std::vector<testing_util::RawTensor> part;
      for (std::size_t i = s; i < tensors.size(); i += shards) {
        part.push_back(tensors[i]);
        map[tensors[i].name] = name;
      }
      testing_util::write_file(folder_ / name, testing_util::safetensors_bytes(part));
    }
    if (edit_map) edit_map(map);
    nlohmann::json index = {{"metadata", {{"total_size", 0}}}, {"weight_map", map}};
    testing_util::write_file(folder_ / "model.safetensors.index.json", index.dump(2));
    fs::remove(folder_ / "model.safetensors");
  }
  void expect_error(ErrorCode code, const std::string& fragment) {
    auto encoder = load_bert_folder(folder_);
    ASSERT_FALSE(encoder) << fragment;
    EXPECT_EQ(encoder.error().code, code) << encoder.error().message;
    EXPECT_NE(encoder.error().message.find(fragment), std::string::npos) << encoder.error().message;
  }
  fs::path source_, folder_;
};

TEST_F(BertFolderErrors, MissingTensor) {
  rewrite([](auto& tensors) {
    std::erase_if(tensors, [](const auto& t) { return t.name == "encoder.layer.1.attention.self.key.bias"; });
  });
  expect_error(ErrorCode::kCorrupt, "model.safetensors: tensor 'encoder.layer.1.attention.self.key.bias' is missing");
}

TEST_F(BertFolderErrors, WrongShape) {
  rewrite([](auto& tensors) {
    for (auto& t : tensors) {
      if (t.name == "encoder.layer.2.intermediate.dense.weight") t.shape = {64, 128};
    }
  });
  expect_error(ErrorCode::kCorrupt,
               "tensor 'encoder.layer.2.intermediate.dense.weight' has shape [64, 128], the config needs [128, 64]");
}

TEST_F(BertFolderErrors, TruncatedSafetensors) {
  const auto path = folder_ / "model.safetensors";
  fs::resize_file(path, fs::file_size(path) - 10);
  expect_error(ErrorCode::kCorrupt, "model.safetensors: tensor");
  fs::resize_file(path, 100);
  expect_error(ErrorCode::kCorrupt, "model.safetensors: header length");
}

TEST_F(BertFolderErrors, BadHeaderJson) {
  const auto path = folder_ / "model.safetensors";
  std::string bytes = testing_util::read_file(path);
  bytes[8] = '!';
  testing_util::write_file(path, bytes);
  expect_error(ErrorCode::kCorrupt, "model.safetensors: header is not valid JSON");
}

TEST_F(BertFolderErrors, UnknownModelTypeAndFields) {
  const std::string config = testing_util::read_file(folder_ / "config.json");
  auto with = [&](const std::string& from, const std::string& to) {
    std::string edited = config;
    const auto at = edited.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    edited.replace(at, from.size(), to);
    testing_util::write_file(folder_ / "config.json", edited);
  };
  with(R"("model_type": "bert")", R"("model_type": "roberta")");
  expect_error(ErrorCode::kUnsupported, "model_type 'roberta' (architectures [\"BertModel\"]) is not supported");
  with(R"("hidden_act": "gelu")", R"("hidden_act": "swish")");
  expect_error(ErrorCode::kUnsupported, "hidden_act 'swish' is not supported");
  with(R"("num_attention_heads": 4)", R"("num_attention_heads": 5)");
  expect_error(ErrorCode::kInvalidArgument, "hidden_size 64 is not a multiple of num_attention_heads 5");
  with(R"("hidden_size": 64)", R"("hidden_size": "64")");
  expect_error(ErrorCode::kCorrupt, "config.json: field 'hidden_size' is not a positive integer");
  with(R"("hidden_size": 64)", R"("hidden_size": 32)");
  expect_error(ErrorCode::kCorrupt, "tensor 'embeddings.word_embeddings.weight' has shape [500, 64], the config needs [500, 32]");
  testing_util::write_file(folder_ / "config.json", "{");
  expect_error(ErrorCode::kCorrupt, "config.json: not valid JSON");
}

TEST_F(BertFolderErrors, PoolingModules) {
  const auto pooling = folder_ / "1_Pooling" / "config.json";
  testing_util::write_file(pooling, R"({"pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false})");
  auto encoder = load_bert_folder(folder_);
  ASSERT_TRUE(encoder) << encoder.error().message;
  EXPECT_EQ(encoder->pooling().mode, TokenPooling::kCls);
  testing_util::write_file(pooling, R"({"pooling_mode_cls_token": true, "pooling_mode_mean_tokens": true})");
  expect_error(ErrorCode::kUnsupported, "exactly one pooling mode must be true, found 2");
  testing_util::write_file(pooling, R"({"pooling_mode_mean_sqrt_len_tokens": true})");
  expect_error(ErrorCode::kUnsupported, "pooling_mode_mean_sqrt_len_tokens is not supported");
  testing_util::write_file(folder_ / "modules.json",
                           R"([{"idx": 0, "path": "", "type": "sentence_transformers.models.Transformer"},
                               {"idx": 1, "path": "2_Dense", "type": "sentence_transformers.models.Dense"}])");
  expect_error(ErrorCode::kUnsupported, "module type 'sentence_transformers.models.Dense' is not supported");
  // Without modules.json: sentence-transformers' default, mean pooling without normalisation.
  fs::remove(folder_ / "modules.json");
  encoder = load_bert_folder(folder_);
  ASSERT_TRUE(encoder) << encoder.error().message;
  EXPECT_EQ(encoder->pooling().mode, TokenPooling::kMean);
  EXPECT_FALSE(encoder->pooling().normalize);
  fs::remove(folder_ / "model.safetensors");
  testing_util::write_file(folder_ / "pytorch_model.bin", "x");
  expect_error(ErrorCode::kNotFound,
               "no model.safetensors or model.safetensors.index.json in the model folder (it has pytorch_model.bin");
}

TEST_F(BertFolderErrors, ShardedWeightsGiveTheSameEncoder) {
  const fs::path dir = reference_dir();
  const Batch b = read_batch(dir);
  auto single = load_bert_folder(source_);
  ASSERT_TRUE(single) << single.error().message;
  shard(3);
  auto sharded = load_bert_folder(folder_);
  ASSERT_TRUE(sharded) << sharded.error().message;
  auto expected = single->encode_padded(b.ids, b.mask, b.types, b.n, b.length);
  auto got = sharded->encode_padded(b.ids, b.mask, b.types, b.n, b.length);
  ASSERT_TRUE(expected && got);
  ASSERT_EQ(got->pooled.size(), expected->pooled.size());
  EXPECT_TRUE(std::equal(got->pooled.data(), got->pooled.data() + got->pooled.size(), expected->pooled.data()));

  auto set = SafetensorsSet::open_folder(folder_);
  ASSERT_TRUE(set) << set.error().message;
  ASSERT_EQ(set->paths().size(), 4u);  // the index, then three shards
  EXPECT_EQ(set->paths()[0].filename(), "model.safetensors.index.json");
  EXPECT_EQ(set->paths()[3].filename(), "model-00003-of-00003.safetensors");
  const SafetensorsRef ref = set->find("encoder.layer.1.output.dense.weight");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref.tensor->name, "encoder.layer.1.output.dense.weight");
  EXPECT_FALSE(set->find("no.such.tensor"));

  // A model's fingerprint covers its shards: changing one byte of one shard changes it.
  auto before = transformer_fingerprint(folder_);
  ASSERT_TRUE(before) << before.error().message;
  const fs::path last = folder_ / "model-00003-of-00003.safetensors";
  std::string bytes = testing_util::read_file(last);
  bytes.back() = static_cast<char>(bytes.back() ^ 1);
  testing_util::write_file(last, bytes);
  auto after = transformer_fingerprint(folder_);
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_NE(*before, *after);
}

TEST_F(BertFolderErrors, ShardIndexErrorsNameTheIndexAndShard) {
  shard(2);
  fs::remove(folder_ / "model-00002-of-00002.safetensors");
  expect_error(ErrorCode::kNotFound,
               "model.safetensors.index.json: names shard model-00002-of-00002.safetensors, which is not in the folder");
  shard(2, [](nlohmann::json& map) {  // point a tensor at the shard that does not hold it
    auto& entry = map["embeddings.LayerNorm.bias"];
    entry = entry == "model-00001-of-00002.safetensors" ? "model-00002-of-00002.safetensors"
                                                         : "model-00001-of-00002.safetensors";
  });
  expect_error(ErrorCode::kCorrupt, "maps tensor 'embeddings.LayerNorm.bias' to model-0000");
  shard(2, [](nlohmann::json& map) { map.erase("encoder.layer.0.output.dense.bias"); });
  expect_error(ErrorCode::kCorrupt,
               "model.safetensors.index.json: tensor 'encoder.layer.0.output.dense.bias' is missing");
  shard(2, [](nlohmann::json& map) { map["encoder.layer.0.output.dense.bias"] = "../outside.safetensors"; });
  expect_error(ErrorCode::kCorrupt, "names \"../outside.safetensors\", not a .safetensors file inside the repo");
  testing_util::write_file(folder_ / "model.safetensors.index.json", "[1, 2]");
  expect_error(ErrorCode::kCorrupt, "model.safetensors.index.json: not a JSON object");
}

}  // namespace
}  // namespace semspace::io
