// Parsing a hub repo listing and choosing the files of a sentence-embedding model (no network).
#include "io/hub_files.hpp"

#include <gtest/gtest.h>

namespace semspace::io {
namespace {

const std::string kCommit = "0123456789abcdef0123456789abcdef01234567";

RepoListing listing_of(const std::vector<std::string>& names) {
  RepoListing listing{.commit = kCommit, .files = {}};
  for (const auto& name : names) listing.files.push_back(RepoFile{.name = name, .size = 1, .sha256 = {}});
  return listing;
}

std::vector<std::string> names_of(const std::vector<RepoFile>& files) {
  std::vector<std::string> names;
  for (const auto& f : files) names.push_back(f.name);
  return names;
}

TEST(RepoListing, ParsesShaSizesAndLfs) {
  const std::string sha(64, 'c');
  auto listing = parse_repo_listing(R"({"id":"o/m","sha":")" + kCommit + R"(","siblings":[
      {"rfilename":"config.json","size":612,"blobId":"x"},
      {"rfilename":"model.safetensors","size":90868376,
       "lfs":{"sha256":")" + sha + R"(","size":90868376,"pointerSize":135}},
      {"rfilename":"vocab.txt"}]})",
                                    "http://hub/api");
  ASSERT_TRUE(listing) << listing.error().message;
  EXPECT_EQ(listing->commit, kCommit);
  ASSERT_EQ(listing->files.size(), 3u);
  EXPECT_EQ(listing->files[0].size, 612u);
  EXPECT_EQ(listing->files[0].sha256, "");
  EXPECT_EQ(listing->files[1].size, 90868376u);
  EXPECT_EQ(listing->files[1].sha256, sha);
  EXPECT_FALSE(listing->files[2].size.has_value());  // a listing without ?blobs=true has no sizes
}

TEST(RepoListing, RejectsMalformedListingsNamingTheUrl) {
  const std::string ok_sha = R"("sha":")" + kCommit + R"(")";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"<html>", "not JSON"},
      {"[]", "not a JSON object"},
      {R"({"siblings":[]})", "\"sha\""},
      {R"({"sha":"../../etc","siblings":[]})", "\"sha\""},
      {"{" + ok_sha + "}", "\"siblings\""},
      {"{" + ok_sha + R"(,"siblings":[{"size":1}]})", "rfilename"},
      {"{" + ok_sha + R"(,"siblings":[{"rfilename":"../../.bashrc"}]})", "unsafe file name \"../../.bashrc\""},
      {"{" + ok_sha + R"(,"siblings":[{"rfilename":"/etc/passwd"}]})", "unsafe file name"},
      {"{" + ok_sha + R"(,"siblings":[{"rfilename":"m","lfs":{"sha256":"xyz"}}]})", "lfs.sha256"},
      {"{" + ok_sha + R"(,"siblings":[{"rfilename":"m","size":3,"lfs":{"sha256":")" + std::string(64, 'a') +
           R"(","size":4}}]})",
       "disagrees"},
  };
  for (const auto& [json, expected] : cases) {
    auto listing = parse_repo_listing(json, "http://hub/api/models/o/m/revision/main");
    ASSERT_FALSE(listing) << json;
    EXPECT_EQ(listing.error().code, ErrorCode::kCorrupt);
    EXPECT_NE(listing.error().message.find("http://hub/api/models/o/m/revision/main"), std::string::npos);
    EXPECT_NE(listing.error().message.find(expected), std::string::npos) << listing.error().message;
  }
}

TEST(RepoPaths, SafeRelativePathsOnly) {
  for (const char* ok : {"config.json", "1_Pooling/config.json", "a/b/c.txt", ".gitattributes"}) {
    EXPECT_TRUE(is_safe_repo_path(ok)) << ok;
  }
  for (const char* bad : {"", "/abs", "a//b", "a/./b", "../x", "a/..", "a\\b", "a\nb", "dir/"}) {
    EXPECT_FALSE(is_safe_repo_path(bad)) << bad;
  }
}

TEST(ModelFiles, ChoosesSentenceTransformerFilesAndSafetensorsOnly) {
  auto chosen = select_model_files(
      listing_of({".gitattributes", "README.md", "config.json", "model.safetensors", "pytorch_model.bin",
                  "tf_model.h5", "flax_model.msgpack", "rust_model.ot", "onnx/model.onnx",
                  "openvino/openvino_model.xml",
                  "tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json", "modules.json",
                  "sentence_bert_config.json", "config_sentence_transformers.json", "1_Pooling/config.json",
                  "2_Normalize/.gitkeep", "2_Dense/config.json", "2_Dense/model.safetensors",
                  "2_Dense/pytorch_model.bin", "data_config.json", "train_script.py"}),
      "o/m");
  ASSERT_TRUE(chosen) << chosen.error().message;
  EXPECT_EQ(names_of(*chosen),
            (std::vector<std::string>{"config.json", "tokenizer.json", "vocab.txt", "tokenizer_config.json",
                                      "special_tokens_map.json", "modules.json", "sentence_bert_config.json",
                                      "config_sentence_transformers.json", "1_Pooling/config.json",
                                      "2_Dense/config.json", "2_Dense/model.safetensors", "model.safetensors"}));
}

TEST(ModelFiles, ShardIndexStandsInForTheWeights) {
  auto chosen = select_model_files(
      listing_of({"config.json", "model.safetensors.index.json", "model-00001-of-00002.safetensors"}), "o/m");
  ASSERT_TRUE(chosen) << chosen.error().message;
  EXPECT_EQ(names_of(*chosen), (std::vector<std::string>{"config.json", "model.safetensors.index.json"}));
}

TEST(ModelFiles, RefusesWithoutSafetensorsOrConfig) {
  auto pickle = select_model_files(listing_of({"config.json", "pytorch_model.bin", "onnx/model.onnx"}), "o/m");
  ASSERT_FALSE(pickle);
  EXPECT_EQ(pickle.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(pickle.error().message.find("o/m@" + kCommit + " has no safetensors weights"), std::string::npos)
      << pickle.error().message;
  EXPECT_NE(pickle.error().message.find("only pytorch_model.bin, onnx/model.onnx"), std::string::npos)
      << pickle.error().message;

  auto no_config = select_model_files(listing_of({"model.safetensors"}), "o/m");
  ASSERT_FALSE(no_config);
  EXPECT_NE(no_config.error().message.find("no config.json"), std::string::npos);

  auto dense = select_model_files(listing_of({"config.json", "model.safetensors", "2_Dense/config.json",
                                              "2_Dense/pytorch_model.bin"}),
                                  "o/m");
  ASSERT_FALSE(dense);
  EXPECT_NE(dense.error().message.find("module 2_Dense/ has only pickled"), std::string::npos) << dense.error().message;
}

TEST(ModelFiles, ShardsFromTheIndex) {
  auto shards = safetensors_shards(R"({"metadata":{"total_size":1},"weight_map":{
      "a":"model-00001-of-00002.safetensors","b":"model-00002-of-00002.safetensors",
      "c":"model-00001-of-00002.safetensors"}})",
                                   "index.json");
  ASSERT_TRUE(shards) << shards.error().message;
  EXPECT_EQ(*shards,
            (std::vector<std::string>{"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"}));
  for (const char* bad : {"{", R"({"weight_map":{}})", R"({"weight_map":{"a":1}})",
                          R"({"weight_map":{"a":"../x.safetensors"}})", R"({"weight_map":{"a":"x.bin"}})"}) {
    auto r = safetensors_shards(bad, "index.json");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
    EXPECT_EQ(r.error().message.rfind("index.json: ", 0), 0u) << r.error().message;
  }
}

}  // namespace
}  // namespace semspace::io
