// Every place a model is named takes a transformer too: `embed`, `model info` and collections, with the model given
// as a folder or as a pulled ORG/NAME (pulled from the in-process FakeHub). The vectors are checked against
// tests/reference/sentence_encoder.py: tokenizer, BERT forward pass, mean pooling and Normalize written
// independently in Python (float64 torch), on the tricky tokenizer strings, truncation included.
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "io/npy.hpp"
#include "support/fake_hub.hpp"
#include "support/python_reference.hpp"

namespace {

namespace fs = std::filesystem;
using semspace::testing::FakeHub;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Outcome {
  int code = -1;
  std::string out, err;
};

// The reference folder and its expected vectors, made once per test process.
struct Reference {
  fs::path dir, folder, texts, expected;
};

const Reference& reference() {
  static const Reference ref = [] {
    Reference r;
    r.dir = semspace::testing::scratch_dir("sentence_encoder_reference");
    r.folder = r.dir / "model";
    r.texts = r.dir / "texts.txt";
    r.expected = r.dir / "expected.npy";
    // The tricky tokenizer strings (accents, CJK, emoji, long words, controls), an empty text, and texts far
    // longer than the folder's max_seq_length of 16 tokens.
    std::string texts = slurp(fs::path(SEMSPACE_SOURCE_DIR) / "tests" / "data" / "tokenizer" / "tricky.txt");
    if (!texts.empty() && texts.back() != '\n') texts += '\n';
    texts += "\nthe quick brown fox jumps over the lazy dog and the quick brown fox jumps over the lazy dog again\n";
    semspace::testing::write_text(r.texts, texts);
    auto run = semspace::testing::run_python(semspace::testing::reference_script("sentence_encoder.py"),
                                             {r.dir.string(), r.texts.string()});
    if (run.status != 0) ADD_FAILURE() << "sentence_encoder.py failed: " << run.output;
    return r;
  }();
  return ref;
}

class TextModelCli : public testing::Test {
 protected:
  void SetUp() override {
    tmp_ = semspace::testing::scratch_dir("text_model_cli");
    ASSERT_TRUE(fs::exists(reference().expected));
  }

  Outcome run(const std::string& args, const std::string& stdin_path = "/dev/null") {
    const std::string command = "env -u HF_TOKEN -u HF_TOKEN_PATH HF_HOME='" + (tmp_ / "hf").string() +
                                "' SEMSPACE_HOME='" + (tmp_ / "home").string() + "' HF_ENDPOINT='" + hub_.url() +
                                "' " + SEMSPACE_BINARY_DIR + "/semspace " + args + " <'" + stdin_path + "' >'" +
                                (tmp_ / "out").string() + "' 2>'" + (tmp_ / "err").string() + "'";
    const int status = std::system(command.c_str());
    return Outcome{WIFEXITED(status) ? WEXITSTATUS(status) : 128, slurp(tmp_ / "out"), slurp(tmp_ / "err")};
  }

  // Serves the reference folder's files as the hub repo org/model (the empty 2_Normalize folder has no file to
  // list, as on the real hub).
  void serve_reference_folder() {
    for (const auto& entry : fs::recursive_directory_iterator(reference().folder)) {
      if (!entry.is_regular_file()) continue;
      const std::string name = fs::relative(entry.path(), reference().folder).generic_string();
      hub_.files[name] = FakeHub::file(slurp(entry.path()), name == "model.safetensors");
    }
  }

  // Each row of `actual` against the reference within 1e-4 relative error.
  static void expect_reference_vectors(const fs::path& actual_path) {
    auto actual = semspace::io::read_npy_matrix(actual_path);
    auto expected = semspace::io::read_npy_matrix(reference().expected);
    ASSERT_TRUE(actual) << actual.error().message;
    ASSERT_TRUE(expected) << expected.error().message;
    ASSERT_EQ(actual->rows(), expected->rows());
    ASSERT_EQ(actual->cols(), expected->cols());
    for (std::size_t r = 0; r < actual->rows(); ++r) {
      double diff = 0, norm = 0;
      for (std::size_t c = 0; c < actual->cols(); ++c) {
        const double e = expected->row(r)[c];
        diff += (actual->row(r)[c] - e) * (actual->row(r)[c] - e);
        norm += e * e;
      }
      EXPECT_LT(std::sqrt(diff / norm), 1e-4) << "row " << r;
    }
  }

  fs::path tmp_;
  FakeHub hub_;
};

TEST_F(TextModelCli, EmbedWithATransformerFolderMatchesTheReference) {
  const Outcome r = run("embed --model '" + reference().folder.string() + "' --output '" + (tmp_ / "a.npy").string() +
                            "' --threads 1",
                        reference().texts.string());
  ASSERT_EQ(r.code, 0) << r.err;
  expect_reference_vectors(tmp_ / "a.npy");
  EXPECT_NE(r.err.find("texts were longer than the model's 16 tokens and were truncated"), std::string::npos)
      << "said once: " << r.err;
  // Threads and small batches change the schedule, not the vectors.
  const Outcome threaded = run("embed --model '" + reference().folder.string() + "' --output '" +
                                   (tmp_ / "b.npy").string() + "' --threads 2 --batch 3",
                               reference().texts.string());
  ASSERT_EQ(threaded.code, 0) << threaded.err;
  expect_reference_vectors(tmp_ / "b.npy");
}

// `embed --int8`: every text (the tricky strings, the empty one, the truncated ones) within cosine 0.99 of the
// Python reference's f32 vector, but not equal to it; `model info` says int8 is available.
TEST_F(TextModelCli, EmbedInt8StaysWithinCosine099OfTheReference) {
  const Outcome r = run("embed --model '" + reference().folder.string() + "' --int8 --threads 2 --output '" +
                            (tmp_ / "int8.npy").string() + "'",
                        reference().texts.string());
  ASSERT_EQ(r.code, 0) << r.err;
  auto actual = semspace::io::read_npy_matrix(tmp_ / "int8.npy");
  auto expected = semspace::io::read_npy_matrix(reference().expected);
  ASSERT_TRUE(actual) << actual.error().message;
  ASSERT_TRUE(expected) << expected.error().message;
  ASSERT_EQ(actual->rows(), expected->rows());
  double worst = 1.0;
  for (std::size_t row = 0; row < actual->rows(); ++row) {
    double dot = 0, aa = 0, ee = 0;
    for (std::size_t c = 0; c < actual->cols(); ++c) {
      const double a = actual->row(row)[c], e = expected->row(row)[c];
      dot += a * e;
      aa += a * a;
      ee += e * e;
    }
    const double cosine = dot / std::sqrt(aa * ee);
    worst = std::min(worst, cosine);
    EXPECT_GE(cosine, 0.99) << "text " << row;
  }
  EXPECT_LT(worst, 0.99999) << "int8 output equals f32";
  const Outcome info = run("model info '" + reference().folder.string() + "' --json");
  ASSERT_EQ(info.code, 0) << info.err;
  EXPECT_EQ(nlohmann::json::parse(info.out)["int8"], "available (embed --int8)");
}

TEST_F(TextModelCli, APulledModelIsNamedByItsRepoId) {
  serve_reference_folder();
  const Outcome pull = run("model pull org/model");
  ASSERT_EQ(pull.code, 0) << pull.err;
  const Outcome r = run("embed --model org/model --output '" + (tmp_ / "pulled.npy").string() + "'",
                        reference().texts.string());
  ASSERT_EQ(r.code, 0) << r.err;
  expect_reference_vectors(tmp_ / "pulled.npy");

  const Outcome info = run("model info org/model --json");
  ASSERT_EQ(info.code, 0) << info.err;
  const auto json = nlohmann::json::parse(info.out, nullptr, false);
  ASSERT_TRUE(json.is_object()) << info.out;
  EXPECT_EQ(json["kind"], "transformer");
  EXPECT_EQ(json["architecture"], "BertModel");
  EXPECT_EQ(json["dim"], 64);
  EXPECT_EQ(json["max_length"], 16) << "sentence_bert_config.json's max_seq_length, below the 64 positions";
  EXPECT_EQ(json["pooling"], "mean");
  EXPECT_EQ(json["normalize"], true);
  EXPECT_EQ(json["layers"], 3);
  // The same bytes give the same fingerprint wherever they live; the missing empty 2_Normalize folder does not
  // change what the model computes.
  const Outcome local = run("model info '" + reference().folder.string() + "' --json");
  ASSERT_EQ(local.code, 0) << local.err;
  EXPECT_EQ(nlohmann::json::parse(local.out)["fingerprint"], json["fingerprint"]);
  EXPECT_EQ(json["fingerprint"].get<std::string>().rfind("tf-", 0), 0u);
}

TEST_F(TextModelCli, ACollectionEncodesDocumentsAndQueriesWithATransformer) {
  serve_reference_folder();
  ASSERT_EQ(run("model pull org/model").code, 0);
  const Outcome created = run("collection create docs --model org/model --json");
  ASSERT_EQ(created.code, 0) << created.err;
  const auto info = nlohmann::json::parse(created.out);
  EXPECT_EQ(info["dim"], 64);
  EXPECT_EQ(info["model"], "org/model") << "a repo id stays a name, found again under SEMSPACE_HOME";
  EXPECT_EQ(info["encoder"]["kind"], "transformer");

  const std::vector<std::string> texts = {"the quick brown fox", "café au lait", "中文字符", "tokenization of words",
                                          "a completely different sentence about the weather"};
  std::string jsonl;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    jsonl += nlohmann::json{{"id", i}, {"text", texts[i]}, {"metadata", {{"n", i}}}}.dump() + "\n";
  }
  semspace::testing::write_text(tmp_ / "docs.jsonl", jsonl);
  const Outcome upserted = run("collection upsert docs --input '" + (tmp_ / "docs.jsonl").string() + "' --json");
  ASSERT_EQ(upserted.code, 0) << upserted.err;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const Outcome found = run("collection search docs --text '" + texts[i] + "' -k 1 --json");
    ASSERT_EQ(found.code, 0) << found.err;
    const auto results = nlohmann::json::parse(found.out)["results"];
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0]["id"], i) << "a document's own text finds it first";
    EXPECT_NEAR(results[0]["score"].get<double>(), 1.0, 1e-5);
  }
  // Word-vector-only commands refuse a transformer with a usage error that says why.
  const Outcome refused = run("similarity --model org/model fox dog");
  EXPECT_EQ(refused.code, 2);
  EXPECT_NE(refused.err.find("needs word vectors"), std::string::npos) << refused.err;
}

TEST_F(TextModelCli, ModelNamesThatAreNotModels) {
  const Outcome unpulled = run("model info org/absent");
  EXPECT_EQ(unpulled.code, 1);
  EXPECT_NE(unpulled.err.find("semspace model pull org/absent"), std::string::npos) << unpulled.err;
  fs::create_directories(tmp_ / "empty_folder");
  const Outcome folder = run("embed --model '" + (tmp_ / "empty_folder").string() + "'");
  EXPECT_EQ(folder.code, 1);
  EXPECT_NE(folder.err.find("without config.json"), std::string::npos) << folder.err;
  const Outcome nothing = run("model info no-such-model.vec");
  EXPECT_EQ(nothing.code, 1);
  EXPECT_NE(nothing.err.find("not found"), std::string::npos) << nothing.err;
  semspace::testing::write_text(tmp_ / "tiny.vec", "2 2\nking 0.1 0.2\nqueen 0.2 0.1\n");
  const Outcome int8 = run("embed --model '" + (tmp_ / "tiny.vec").string() + "' --int8", reference().texts.string());
  EXPECT_EQ(int8.code, 2);
  EXPECT_NE(int8.err.find("int8 is a transformer mode"), std::string::npos) << int8.err;
}

TEST_F(TextModelCli, ModelInfoDescribesWordVectors) {
  semspace::testing::write_text(tmp_ / "tiny.vec", "3 2\nking 0.1 0.2\nqueen 0.2 0.1\ncar -1 0.5\n");
  const Outcome r = run("model info '" + (tmp_ / "tiny.vec").string() + "' --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["kind"], "word-vectors");
  EXPECT_EQ(json["dim"], 2);
  EXPECT_EQ(json["words"], 3);
  EXPECT_EQ(json["fingerprint"].get<std::string>().rfind("wv-", 0), 0u);
}

#ifdef SEMSPACE_WITH_FINETUNE  // built only with libtorch (SEMSPACE_FINETUNE=ON, the default)
// `semspace finetune` runs semspace-finetune (libtorch) with every argument, --help included; its output folder is a
// model every other command takes, with a fingerprint of its own.
TEST_F(TextModelCli, FinetuneRunsTheLibtorchExecutableAndWritesAModelFolder) {
  const fs::path data = tmp_ / "ft";
  auto fixture = semspace::testing::run_python(semspace::testing::reference_script("finetune_fixture.py"),
                                               {data.string()});
  ASSERT_EQ(fixture.status, 0) << fixture.output;
  const Outcome help = run("finetune --help");
  ASSERT_EQ(help.code, 0) << help.err;
  EXPECT_NE(help.out.find("--loss"), std::string::npos) << help.out;

  const std::string model = (data / "model").string(), out = (tmp_ / "tuned").string();
  const Outcome r = run("finetune --model '" + model + "' --train '" + (data / "train.csv").string() +
                        "' --loss mnrl --output '" + out + "' --epochs 2 --lr 1e-2 --threads 1 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(json.is_object()) << r.out;
  EXPECT_EQ(json["train_records"], 540) << "600 records, 10% held out";
  EXPECT_EQ(json["eval_records"], 60);
  ASSERT_EQ(json["evaluations"].size(), 3u) << "before training and after each epoch";
  EXPECT_TRUE(json["evaluations"][2].contains("recall@1"));

  const Outcome tuned = run("model info '" + out + "' --json");
  ASSERT_EQ(tuned.code, 0) << tuned.err;
  const Outcome original = run("model info '" + model + "' --json");
  ASSERT_EQ(original.code, 0) << original.err;
  EXPECT_EQ(nlohmann::json::parse(tuned.out)["kind"], "transformer");
  EXPECT_NE(nlohmann::json::parse(tuned.out)["fingerprint"], nlohmann::json::parse(original.out)["fingerprint"]);

  const Outcome no_loss = run("finetune --model '" + model + "' --train '" + (data / "train.csv").string() +
                              "' --output '" + out + "'");
  EXPECT_EQ(no_loss.code, 2);
  EXPECT_NE(no_loss.err.find("--loss"), std::string::npos) << no_loss.err;
  semspace::testing::write_text(tmp_ / "tiny.vec", "2 2\nking 0.1 0.2\nqueen 0.2 0.1\n");
  const Outcome words = run("finetune --model '" + (tmp_ / "tiny.vec").string() + "' --train '" +
                            (data / "train.csv").string() + "' --loss mnrl --output '" + out + "'");
  EXPECT_EQ(words.code, 2);
  EXPECT_NE(words.err.find("needs a transformer"), std::string::npos) << words.err;
}
#endif

}  // namespace
