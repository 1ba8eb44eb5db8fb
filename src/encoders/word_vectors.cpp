#include "semspace/word_vectors.hpp"

#include <cmath>
#include <mutex>

#include <fmt/format.h>
#include <xxhash.h>

#include "prepare/text/subword.hpp"

namespace semspace {

struct WordVectors::Lazy {
  std::once_flag unit_once;
  Matrix unit;
};

namespace {

// fastText's end-of-sentence token has no character n-grams (Dictionary::initNgrams skips it), so its
// vector is its own row; models read from fastText .bin files contain it.
constexpr std::string_view kFastTextEos = "</s>";

void add_row(std::span<float> dst, std::span<const float> src) {
  for (std::size_t i = 0; i < dst.size(); ++i) dst[i] += src[i];
}

void scale(std::span<float> v, float factor) {
  for (float& x : v) x *= factor;
}

}  // namespace

WordVectors::WordVectors(std::vector<std::string> words, std::vector<std::uint64_t> counts, Matrix input,
                         SubwordOptions subwords)
    : words_(std::move(words)),
      counts_(std::move(counts)),
      input_(std::move(input)),
      subwords_(subwords),
      lazy_(std::make_unique<Lazy>()) {
  if (!subwords_.enabled()) subwords_ = SubwordOptions{.minn = 0, .maxn = 0, .buckets = 0};
  std::size_t expected_rows = words_.size() + (subwords_.enabled() ? subwords_.buckets : 0);
  SEMSPACE_CHECK(input_.rows() == expected_rows, "input rows {} != words {} + buckets {}", input_.rows(),
                 words_.size(), subwords_.buckets);
  SEMSPACE_CHECK(counts_.empty() || counts_.size() == words_.size(), "counts {} != words {}", counts_.size(),
                 words_.size());
  index_.reserve(words_.size());
  for (std::uint32_t i = 0; i < words_.size(); ++i) index_.emplace(words_[i], i);

  if (subwords_.enabled()) {
    words_matrix_ = Matrix(words_.size(), input_.cols());
    for (std::uint32_t i = 0; i < words_.size(); ++i) {
      auto row = words_matrix_.row(i);
      const auto rows = input_rows(i);
      for (std::uint32_t r : rows) add_row(row, input_.row(r));
      scale(row, 1.0f / static_cast<float>(rows.size()));
    }
  }
}

std::vector<std::uint32_t> WordVectors::input_rows(std::uint32_t index) const {
  SEMSPACE_CHECK(index < words_.size(), "word index {} out of range ({} words)", index, words_.size());
  std::vector<std::uint32_t> rows{index};
  if (!subwords_.enabled() || words_[index] == kFastTextEos) return rows;
  append_subword_buckets(words_[index], subwords_, rows);
  for (std::size_t i = 1; i < rows.size(); ++i) rows[i] += static_cast<std::uint32_t>(words_.size());
  return rows;
}

WordVectors::WordVectors(std::vector<std::string> words, std::vector<std::uint64_t> counts, Matrix vectors)
    : WordVectors(std::move(words), std::move(counts), std::move(vectors), SubwordOptions{0, 0, 0}) {}

WordVectors::WordVectors(WordVectors&&) noexcept = default;
WordVectors& WordVectors::operator=(WordVectors&&) noexcept = default;
WordVectors::~WordVectors() = default;

std::optional<std::uint32_t> WordVectors::find(std::string_view word) const {
  auto it = index_.find(word);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

const Matrix& WordVectors::words_matrix() const { return subwords_.enabled() ? words_matrix_ : input_; }

const Matrix& WordVectors::unit_words_matrix() const {
  std::call_once(lazy_->unit_once, [this] {
    const Matrix& src = words_matrix();
    Matrix unit(src.rows(), src.cols());
    for (std::size_t r = 0; r < src.rows(); ++r) {
      auto in = src.row(r);
      double norm = 0;
      for (float x : in) norm += static_cast<double>(x) * x;
      float inv = norm > 0 ? static_cast<float>(1.0 / std::sqrt(norm)) : 0.0f;
      auto out = unit.row(r);
      for (std::size_t c = 0; c < in.size(); ++c) out[c] = in[c] * inv;
    }
    lazy_->unit = std::move(unit);
  });
  return lazy_->unit;
}

Expected<std::vector<float>> WordVectors::vector(std::string_view word) const {
  if (auto index = find(word)) {
    auto row = vector(*index);
    return std::vector<float>(row.begin(), row.end());
  }
  std::vector<std::uint32_t> buckets;
  append_subword_buckets(word, subwords_, buckets);
  if (buckets.empty()) {
    return make_error(ErrorCode::kNotFound,
                      fmt::format("word \"{}\" is not in the vocabulary and the model has no subwords", word));
  }
  std::vector<float> out(input_.cols(), 0.0f);
  for (std::uint32_t b : buckets) add_row(out, input_.row(words_.size() + b));
  scale(out, 1.0f / static_cast<float>(buckets.size()));
  return out;
}

std::string WordVectors::fingerprint() const {
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  std::uint64_t header[4] = {static_cast<std::uint64_t>(dim()), words_.size(),
                             static_cast<std::uint64_t>(subwords_.minn) << 32 | static_cast<std::uint32_t>(subwords_.maxn),
                             subwords_.buckets};
  XXH3_64bits_update(state, header, sizeof(header));
  for (const auto& w : words_) XXH3_64bits_update(state, w.c_str(), w.size() + 1);
  XXH3_64bits_update(state, input_.data(), input_.size() * sizeof(float));
  std::uint64_t digest = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return fmt::format("wv-{:016x}", digest);
}

}  // namespace semspace
