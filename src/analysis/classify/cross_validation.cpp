#include "analysis/classify/cross_validation.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/random.hpp"

namespace semspace {

Expected<std::vector<std::uint32_t>> stratified_folds(std::span<const std::uint32_t> y, std::size_t classes, int folds,
                                                      std::uint64_t seed) {
  if (folds < 2 || static_cast<std::size_t>(folds) > y.size()) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("folds = {} must be between 2 and the number of rows ({})", folds, y.size()));
  }
  std::vector<std::vector<std::uint32_t>> members(classes);
  for (std::size_t r = 0; r < y.size(); ++r) members[y[r]].push_back(static_cast<std::uint32_t>(r));
  core::Rng rng(seed);
  std::vector<std::uint32_t> fold(y.size());
  std::size_t next = 0;
  for (auto& rows : members) {
    for (std::size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[rng.below(static_cast<std::uint32_t>(i))]);
    for (auto r : rows) fold[r] = static_cast<std::uint32_t>(next++ % static_cast<std::size_t>(folds));
  }
  return fold;
}

Expected<CrossValidation> cross_validate(MatrixView x, std::span<const std::uint32_t> y, std::size_t classes,
                                         int folds, std::uint64_t seed, const FitPredict& fit_predict,
                                         const std::function<void(int fold)>& fold_done) {
  auto fold_of = stratified_folds(y, classes, folds, seed);
  if (!fold_of) return tl::unexpected(fold_of.error());
  CrossValidation out{.predicted = std::vector<std::uint32_t>(y.size())};
  for (int f = 0; f < folds; ++f) {
    std::vector<std::size_t> train_rows, test_rows;
    for (std::size_t r = 0; r < y.size(); ++r) ((*fold_of)[r] == static_cast<std::uint32_t>(f) ? test_rows : train_rows).push_back(r);
    auto gather = [&](const std::vector<std::size_t>& rows) {
      Matrix m(rows.size(), x.cols);
      for (std::size_t i = 0; i < rows.size(); ++i) std::copy(x.row(rows[i]).begin(), x.row(rows[i]).end(), m.row(i).begin());
      return m;
    };
    const Matrix train_x = gather(train_rows), test_x = gather(test_rows);
    std::vector<std::uint32_t> train_y(train_rows.size());
    for (std::size_t i = 0; i < train_rows.size(); ++i) train_y[i] = y[train_rows[i]];
    auto predicted = fit_predict(train_x.view(), train_y, test_x.view());
    if (!predicted) return tl::unexpected(predicted.error());
    SEMSPACE_CHECK(predicted->size() == test_rows.size(), "{} predictions for {} rows", predicted->size(), test_rows.size());
    std::size_t correct = 0;
    for (std::size_t i = 0; i < test_rows.size(); ++i) {
      out.predicted[test_rows[i]] = (*predicted)[i];
      correct += (*predicted)[i] == y[test_rows[i]];
    }
    out.fold_accuracy.push_back(static_cast<double>(correct) / static_cast<double>(test_rows.size()));
    if (fold_done) fold_done(f);
  }
  out.scores = score_classification(y, out.predicted, classes);
  return out;
}

}  // namespace semspace
