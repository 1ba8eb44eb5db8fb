#include "analysis/classify/classifier_file.hpp"

#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "support/python_reference.hpp"
#include "unit/analysis/analysis_test_data.hpp"

namespace semspace {
namespace {

std::vector<char> read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_all(const std::filesystem::path& path, const std::vector<char>& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

struct Trained {
  testing::Blobs blobs;
  std::vector<std::string> names = {"alpha", "beta", "gamma"};
};

Trained trained() { return {testing::make_blobs(60, 4, 3, 1.5, 3.0, 11)}; }

TEST(ClassifierFile, KnnRoundTripPredictsTheSame) {
  auto t = trained();
  auto clf = fit_knn_classifier(t.blobs.x.view(), t.blobs.truth, t.names,
                                {.k = 5, .metric = KnnMetric::kL2, .distance_weighted = true});
  ASSERT_TRUE(clf);
  auto dir = testing::scratch_dir("classifier_file_knn");
  ASSERT_TRUE(save_classifier(*clf, dir / "a.clf"));
  auto back = load_classifier(dir / "a.clf");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->classes, t.names);
  EXPECT_EQ(back->knn.k, 5);
  EXPECT_EQ(back->knn.metric, KnnMetric::kL2);
  EXPECT_TRUE(back->knn.distance_weighted);
  EXPECT_EQ(back->reference_classes, t.blobs.truth);
  auto a = predict(*clf, t.blobs.x.view(), 1), b = predict(*back, t.blobs.x.view(), 2);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->classes, b->classes);
  EXPECT_EQ(a->proba, b->proba);
}

TEST(ClassifierFile, LogisticRoundTripKeepsEveryWeight) {
  auto t = trained();
  auto clf = fit_logistic_classifier(t.blobs.x.view(), t.blobs.truth, t.names, {.C = 0.5});
  ASSERT_TRUE(clf);
  auto dir = testing::scratch_dir("classifier_file_logistic");
  ASSERT_TRUE(save_classifier(*clf, dir / "a.clf"));
  auto back = load_classifier(dir / "a.clf");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->method, ClassifierMethod::kLogistic);
  EXPECT_EQ(back->logistic.coef, clf->logistic.coef);
  EXPECT_EQ(back->logistic.intercept, clf->logistic.intercept);
  auto p = predict(*back, t.blobs.x.view(), 1);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->proba, clf->logistic.predict_proba(t.blobs.x.view()));
  Matrix wrong(2, 5);
  auto mismatch = predict(*back, wrong.view(), 1);
  ASSERT_FALSE(mismatch);
  EXPECT_NE(mismatch.error().message.find("dimension 5 but the classifier was trained on dimension 4"), std::string::npos);
}

TEST(ClassifierFile, CorruptFilesGiveErrorsNamingTheFile) {
  auto t = trained();
  auto clf = fit_logistic_classifier(t.blobs.x.view(), t.blobs.truth, t.names, {});
  ASSERT_TRUE(clf);
  auto dir = testing::scratch_dir("classifier_file_corrupt");
  ASSERT_TRUE(save_classifier(*clf, dir / "good.clf"));
  const auto good = read_all(dir / "good.clf");
  auto expect_error = [&](const std::vector<char>& bytes, const std::string& text) {
    write_all(dir / "bad.clf", bytes);
    auto loaded = load_classifier(dir / "bad.clf");
    ASSERT_FALSE(loaded) << text;
    EXPECT_EQ(loaded.error().code, ErrorCode::kCorrupt);
    EXPECT_NE(loaded.error().message.find((dir / "bad.clf").string() + ": " + text), std::string::npos)
        << loaded.error().message;
  };
  expect_error(std::vector<char>(good.begin(), good.end() - 9), "header describes");  // truncated
  expect_error(std::vector<char>(good.begin(), good.begin() + 20), "file is 20 bytes, too small for a classifier");
  auto flipped = good;
  flipped[good.size() / 2] ^= 0x10;
  expect_error(flipped, "checksum mismatch");
  auto magic = good;
  magic[0] = 'X';
  expect_error(magic, "not a semspace classifier");
  auto method = good;
  method[12] = 7;
  expect_error(method, "method 7");
  EXPECT_EQ(load_classifier(dir / "missing.clf").error().code, ErrorCode::kIo);
}

// Every truncation and every single-byte change of a k-NN and a logistic file: an error naming the file, never
// a crash or a wrong model (the fuzz target explores further; this runs in every ctest).
TEST(ClassifierFile, EveryTruncationAndByteChangeIsRefused) {
  auto t = trained();
  auto knn = fit_knn_classifier(t.blobs.x.view(), t.blobs.truth, t.names, {.k = 3});
  auto logistic = fit_logistic_classifier(t.blobs.x.view(), t.blobs.truth, t.names, {});
  ASSERT_TRUE(knn && logistic);
  auto dir = testing::scratch_dir("classifier_file_sweep");
  for (const auto* clf : {&*knn, &*logistic}) {
    ASSERT_TRUE(save_classifier(*clf, dir / "good.clf"));
    const auto good = read_all(dir / "good.clf");
    auto refused = [&](const std::vector<char>& bytes) {
      auto loaded = load_classifier(std::as_bytes(std::span(bytes.data(), bytes.size())), "sweep.clf");
      return !loaded && loaded.error().message.rfind("sweep.clf: ", 0) == 0;
    };
    for (std::size_t n = 0; n < good.size(); ++n) {
      EXPECT_TRUE(refused(std::vector<char>(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n)))) << "truncated to " << n;
    }
    for (std::size_t i = 0; i < good.size(); ++i) {
      auto changed = good;
      changed[i] = static_cast<char>(changed[i] ^ 0x5a);
      EXPECT_TRUE(refused(changed)) << "byte " << i;
    }
  }
}

}  // namespace
}  // namespace semspace
