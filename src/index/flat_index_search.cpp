// FlatIndex search: exact top-k by scanning. Unfiltered f32 search of many queries runs as blocked matrix
// products (sgemm reaches near-peak FLOPs); one query, SQ8 codes and filtered candidate lists are scored row
// by row with the SIMD kernels. Threads take whole queries when there are enough, otherwise row ranges whose
// partial top-k are merged.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "core/kernels/distance.hpp"
#include "core/threads.hpp"
#include "index/flat_index.hpp"

namespace semspace::index {
namespace {

constexpr float kWorst = -std::numeric_limits<float>::infinity();
// sgemm tiles of 512 queries x 1024 rows (2 MiB of scores): OpenBLAS runs at the same FLOP rate for any of the
// shapes tried, and this one measured fastest end to end (fewer, larger calls; 1000 x 100k x 128, one thread).
constexpr std::size_t kQueryBlock = 512, kRowBlock = 1024;
// Below this many queries a matrix product gains little over per-row kernels.
constexpr std::size_t kGemmMinQueries = 8;
// A single query is split across threads by rows only when each thread gets at least this many.
constexpr std::size_t kMinRowsPerThread = 16384;

struct Hit {
  float score;
  std::uint32_t slot;
};

/// The k best hits pushed so far; the heap's front is the worst kept one, so most pushes stop at one compare.
class TopK {
 public:
  explicit TopK(std::size_t k) : k_(k) { heap_.reserve(k); }
  float worst() const noexcept { return worst_; }
  void push(float score, std::uint32_t slot) {
    if (heap_.size() < k_) {
      heap_.push_back({score, slot});
      std::push_heap(heap_.begin(), heap_.end(), better);
      if (heap_.size() == k_) worst_ = heap_.front().score;
    } else if (score > worst_) {
      std::pop_heap(heap_.begin(), heap_.end(), better);
      heap_.back() = {score, slot};
      std::push_heap(heap_.begin(), heap_.end(), better);
      worst_ = heap_.front().score;
    }
  }
  void merge(const TopK& other) {
    for (const Hit& hit : other.heap_) push(hit.score, hit.slot);
  }
  std::vector<Hit> sorted() const {
    std::vector<Hit> hits = heap_;
    std::sort(hits.begin(), hits.end(), better);
    return hits;
  }

 private:
  static bool better(const Hit& a, const Hit& b) noexcept { return a.score > b.score; }
  std::size_t k_;
  float worst_ = kWorst;  // stays -inf until k hits are kept
  std::vector<Hit> heap_;
};

// Pushes scores[i] (slot first_slot + i) that beat the worst kept hit. After the first few blocks almost no
// score does, so groups of 16 are first tested together in a loop the compiler vectorises.
void push_above(const float* scores, std::size_t n, std::uint32_t first_slot, TopK& top) {
  constexpr std::size_t kGroup = 16;
  std::size_t i = 0;
  for (; i + kGroup <= n; i += kGroup) {
    const float worst = top.worst();
    bool any = false;
    for (std::size_t j = 0; j < kGroup; ++j) any |= scores[i + j] > worst;
    if (!any) continue;
    for (std::size_t j = 0; j < kGroup; ++j) {
      if (scores[i + j] > top.worst()) top.push(scores[i + j], first_slot + static_cast<std::uint32_t>(i + j));
    }
  }
  for (; i < n; ++i) {
    if (scores[i] > top.worst()) top.push(scores[i], first_slot + static_cast<std::uint32_t>(i));
  }
}

}  // namespace

struct FlatScan {
  const FlatIndex& index;
  MatrixView queries;  // normalised for cosine
  std::size_t k;
  int threads;

  std::size_t rows() const { return index.labels_.size(); }

  void write(std::size_t q, const TopK& top, SearchResults& results) const {
    const auto hits = top.sorted();
    for (std::size_t j = 0; j < hits.size(); ++j) {
      results.labels[q * results.k + j] = index.labels_[hits[j].slot];
      results.scores[q * results.k + j] = hits[j].score;
    }
  }

  // Blocks of queries x blocks of rows through sgemm; l2 = 2 q.x - |x|^2 - |q|^2.
  void gemm(SearchResults& results) const {
    const std::size_t nq = queries.rows, d = queries.cols;
    const std::size_t per_thread = (nq + threads - 1) / threads;
    const std::size_t query_block = std::min(kQueryBlock, std::max<std::size_t>(per_thread, 1));
    const std::size_t blocks = (nq + query_block - 1) / query_block;
    const bool l2 = index.metric_ == Metric::kL2;
    const MatrixView base = index.f32_view();
    core::run_threads(threads, [&](int t) {
      std::vector<float> scores(query_block * kRowBlock);
      std::vector<float> query_norms(query_block);
      for (std::size_t b = static_cast<std::size_t>(t); b < blocks; b += threads) {
        const std::size_t q0 = b * query_block, qn = std::min(query_block, nq - q0);
        const MatrixView block{queries.data + q0 * queries.stride, qn, d, queries.stride};
        std::vector<TopK> tops(qn, TopK(k));
        if (l2) {
          for (std::size_t q = 0; q < qn; ++q) {
            const float* row = block.data + q * block.stride;
            query_norms[q] = kernels::dot_f32(row, row, d);
          }
        }
        for (std::size_t r0 = 0; r0 < base.rows; r0 += kRowBlock) {
          const std::size_t rn = std::min(kRowBlock, base.rows - r0);
          kernels::dot_f32_gemm(block, {base.data + r0 * base.stride, rn, d, base.stride}, scores.data(), kRowBlock);
          for (std::size_t q = 0; q < qn; ++q) {
            float* s = scores.data() + q * kRowBlock;
            if (l2) {
              const float* norms = index.norms_.data() + r0;
              for (std::size_t r = 0; r < rn; ++r) s[r] = 2 * s[r] - norms[r] - query_norms[q];
            }
            push_above(s, rn, static_cast<std::uint32_t>(r0), tops[q]);
          }
        }
        for (std::size_t q = 0; q < qn; ++q) write(q0 + q, tops[q], results);
      }
    });
  }

  // Scores candidates [begin, end) of `slots` (or rows begin..end when slots is null) into top.
  void scan(std::size_t q, const Sq8Query* prepared, const std::vector<std::uint32_t>* slots, std::size_t begin,
            std::size_t end, TopK& top, std::vector<float>& scores) const {
    const std::size_t d = queries.cols;
    if (prepared != nullptr) {
      const Sq8Codec& codec = *index.codec_;
      for (std::size_t j = begin; j < end; ++j) {
        const std::uint32_t slot = slots ? (*slots)[j] : static_cast<std::uint32_t>(j);
        const float score = codec.score(*prepared, index.codes_.data() + std::size_t{slot} * d);
        if (score > top.worst()) top.push(score, slot);
      }
      return;
    }
    const auto query = queries.row(q);
    const MatrixView base = index.f32_view();
    const bool l2 = index.metric_ == Metric::kL2;
    for (std::size_t j0 = begin; j0 < end; j0 += kRowBlock) {
      const std::size_t n = std::min(kRowBlock, end - j0);
      const std::span<float> out(scores.data(), n);
      if (slots) {
        const std::span<const std::uint32_t> ids(slots->data() + j0, n);
        l2 ? kernels::l2sq_f32_ids(query, base, ids, out) : kernels::dot_f32_ids(query, base, ids, out);
      } else {
        const MatrixView rows{base.data + j0 * base.stride, n, d, base.stride};
        l2 ? kernels::l2sq_f32_rows(query, rows, out) : kernels::dot_f32_rows(query, rows, out);
      }
      for (std::size_t j = 0; j < n; ++j) {
        const float score = l2 ? -out[j] : out[j];
        if (score > top.worst()) top.push(score, slots ? (*slots)[j0 + j] : static_cast<std::uint32_t>(j0 + j));
      }
    }
  }

  // Query by query with the row kernels: threads take queries, or share the rows of each query when there
  // are fewer queries than threads and enough rows to split.
  void each(const std::vector<std::uint32_t>* slots, SearchResults& results) const {
    const std::size_t nq = queries.rows, candidates = slots ? slots->size() : rows();
    const bool sq8 = index.storage_ == FlatStorage::kSq8;
    const int row_threads =
        nq >= static_cast<std::size_t>(threads)
            ? 1
            : static_cast<int>(std::clamp<std::size_t>(candidates / kMinRowsPerThread, 1, threads));
    const int query_threads = row_threads > 1 ? 1 : static_cast<int>(std::min<std::size_t>(threads, nq));
    core::run_threads(query_threads, [&](int t) {
      std::vector<float> scores(kRowBlock);
      for (std::size_t q = static_cast<std::size_t>(t); q < nq; q += query_threads) {
        std::optional<Sq8Query> prepared;
        if (sq8) prepared = index.codec_->prepare(queries.row(q), index.metric_);
        if (row_threads == 1) {
          TopK top(k);
          scan(q, prepared ? &*prepared : nullptr, slots, 0, candidates, top, scores);
          write(q, top, results);
          continue;
        }
        std::vector<TopK> parts(row_threads, TopK(k));
        core::run_threads(row_threads, [&](int part) {
          std::vector<float> part_scores(kRowBlock);
          const std::size_t begin = candidates * part / row_threads, end = candidates * (part + 1) / row_threads;
          scan(q, prepared ? &*prepared : nullptr, slots, begin, end, parts[part], part_scores);
        });
        for (int part = 1; part < row_threads; ++part) parts[0].merge(parts[part]);
        write(q, parts[0], results);
      }
    });
  }
};

Expected<SearchResults> FlatIndex::search(MatrixView queries, const SearchParams& params) const {
  if (params.k < 1) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("k must be at least 1, not {}", params.k));
  }
  if (auto ok = check_vectors(queries, dim_, "queries"); !ok) return tl::unexpected(ok.error());
  const auto k = static_cast<std::size_t>(params.k);
  SearchResults results{queries.rows, k, std::vector<std::uint64_t>(queries.rows * k, kNoLabel),
                        std::vector<float>(queries.rows * k, kWorst)};
  if (labels_.empty() || queries.rows == 0) return results;

  std::vector<float> unit;
  if (metric_ == Metric::kCosine) {  // queries normalised like the stored rows, so cosine = dot
    unit.resize(queries.rows * queries.cols);
    for (std::size_t q = 0; q < queries.rows; ++q) {
      const float* row = queries.data + q * queries.stride;
      const float norm = std::sqrt(kernels::dot_f32(row, row, queries.cols));
      for (std::size_t d = 0; d < queries.cols; ++d) unit[q * queries.cols + d] = norm > 0 ? row[d] / norm : 0.0f;
    }
    queries = {unit.data(), queries.rows, queries.cols, queries.cols};
  }
  const FlatScan scan{*this, queries, k, std::max(1, params.threads)};

  if (params.filter != nullptr) {
    // Only the passing points are scored: look each filter label up, or test each stored label when the
    // filter is the larger of the two. Ascending slots keep the scan's memory access forward.
    std::vector<std::uint32_t> slots;
    if (params.filter->size() < labels_.size()) {
      for (std::uint64_t label : params.filter->labels()) {
        if (auto it = slot_of_.find(label); it != slot_of_.end()) slots.push_back(it->second);
      }
      std::sort(slots.begin(), slots.end());
    } else {
      for (std::uint32_t slot = 0; slot < labels_.size(); ++slot) {
        if (params.filter->contains(labels_[slot])) slots.push_back(slot);
      }
    }
    scan.each(&slots, results);
  } else if (storage_ == FlatStorage::kF32 && queries.rows >= kGemmMinQueries) {
    scan.gemm(results);
  } else {
    scan.each(nullptr, results);
  }
  return results;
}

}  // namespace semspace::index
