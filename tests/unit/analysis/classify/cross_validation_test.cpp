#include "analysis/classify/cross_validation.hpp"

#include <gtest/gtest.h>

#include "analysis/classify/classification_metrics.hpp"

namespace semspace {
namespace {

TEST(StratifiedFolds, EachFoldKeepsEveryClassShare) {
  // Classes of 50, 23 and 7 rows, in blocks (an unshuffled split would put whole classes in one fold).
  std::vector<std::uint32_t> y;
  for (std::uint32_t c = 0; c < 3; ++c) y.insert(y.end(), c == 0 ? 50 : c == 1 ? 23 : 7, c);
  auto folds = stratified_folds(y, 3, 5, 42);
  ASSERT_TRUE(folds);
  std::vector<std::vector<int>> count(5, std::vector<int>(3, 0));
  for (std::size_t r = 0; r < y.size(); ++r) ++count[(*folds)[r]][y[r]];
  const int per_class[3] = {50, 23, 7};
  for (int f = 0; f < 5; ++f) {
    int size = 0;
    for (int c = 0; c < 3; ++c) {
      EXPECT_GE(count[f][c], per_class[c] / 5) << "fold " << f << " class " << c;
      EXPECT_LE(count[f][c], (per_class[c] + 4) / 5) << "fold " << f << " class " << c;
      size += count[f][c];
    }
    EXPECT_GE(size, 16);
    EXPECT_LE(size, 16);  // 80 rows: exactly 16 per fold
  }
  // Seeded: the same seed gives the same folds, another seed others.
  EXPECT_EQ(*folds, *stratified_folds(y, 3, 5, 42));
  EXPECT_NE(*folds, *stratified_folds(y, 3, 5, 43));
  EXPECT_FALSE(stratified_folds(y, 3, 1, 0));
  EXPECT_FALSE(stratified_folds(y, 3, 81, 0));
}

TEST(CrossValidate, EveryRowIsPredictedOnceByAModelThatNeverSawIt) {
  std::vector<std::uint32_t> y(40);
  for (std::size_t r = 0; r < y.size(); ++r) y[r] = static_cast<std::uint32_t>(r % 2);
  Matrix x(40, 1);
  for (std::size_t r = 0; r < 40; ++r) x.row(r)[0] = static_cast<float>(r);  // the row number as its feature
  std::vector<int> seen(40, 0);
  auto cv = cross_validate(x.view(), y, 2, 4, 7,
                           [&](MatrixView train, std::span<const std::uint32_t>, MatrixView test)
                               -> Expected<std::vector<std::uint32_t>> {
                             std::vector<bool> in_train(40, false);
                             for (std::size_t r = 0; r < train.rows; ++r) in_train[static_cast<std::size_t>(train.row(r)[0])] = true;
                             std::vector<std::uint32_t> out;
                             for (std::size_t r = 0; r < test.rows; ++r) {
                               const auto row = static_cast<std::size_t>(test.row(r)[0]);
                               EXPECT_FALSE(in_train[row]);
                               ++seen[row];
                               out.push_back(0);  // always class 0: accuracy 1/2
                             }
                             return out;
                           });
  ASSERT_TRUE(cv);
  for (int s : seen) EXPECT_EQ(s, 1);
  EXPECT_DOUBLE_EQ(cv->scores.accuracy, 0.5);
  EXPECT_EQ(cv->fold_accuracy.size(), 4u);
}

TEST(ClassificationScores, AccuracyMacroF1AndConfusionByHand) {
  // truth  0 0 0 1 1 2 ; predicted 0 0 1 1 2 2
  std::vector<std::uint32_t> truth = {0, 0, 0, 1, 1, 2}, predicted = {0, 0, 1, 1, 2, 2};
  auto s = score_classification(truth, predicted, 4);  // class 3 never occurs: left out of the macro average
  EXPECT_DOUBLE_EQ(s.accuracy, 4.0 / 6.0);
  // F1: class 0: 2*2/(3+2) = 0.8; class 1: 2*1/(2+2) = 0.5; class 2: 2*1/(1+2) = 2/3
  EXPECT_NEAR(s.macro_f1, (0.8 + 0.5 + 2.0 / 3.0) / 3.0, 1e-15);
  EXPECT_EQ(s.count(0, 0), 2u);
  EXPECT_EQ(s.count(0, 1), 1u);
  EXPECT_EQ(s.count(1, 2), 1u);
  EXPECT_EQ(s.count(2, 2), 1u);
  EXPECT_EQ(s.count(3, 3), 0u);
}

}  // namespace
}  // namespace semspace
