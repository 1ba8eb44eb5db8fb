// TextModel's fingerprint: computed once, equal to the word vectors' own, the same from copies and threads.
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "encoders/text_model.hpp"
#include "support/test_models.hpp"

namespace semspace {
namespace {

TEST(TextModel, FingerprintIsTheWordVectorsOwnFromEveryCopyAndThread) {
  const WordVectors vectors = testing::random_model(50, 6, 3);
  const std::string expected = vectors.fingerprint();
  const TextModel model(testing::random_model(50, 6, 3));
  const TextModel other(testing::random_model(50, 6, 4));
  std::vector<std::string> seen(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&, i] {
      const TextModel copy = model;
      seen[i] = copy.fingerprint();
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& fingerprint : seen) EXPECT_EQ(fingerprint, expected);
  EXPECT_EQ(model.fingerprint(), expected);
  EXPECT_NE(other.fingerprint(), expected);  // another space
}

}  // namespace
}  // namespace semspace
