// semspace index build|search: an HNSW index over the rows of a .npy matrix, saved to one file, and top-k
// searches of it that write row numbers as an int64 .npy (with timing and optional recall as JSON).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/cli_common.hpp"
#include "core/progress.hpp"
#include "index/hnsw_index.hpp"
#include "io/npy.hpp"

namespace semspace::cli {
namespace {

// Insertion order and progress granularity: big enough that the per-chunk thread start is noise.
constexpr std::size_t kBuildChunk = 20000;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The index rejects NaN/Inf too, but only the command knows the file name a user needs to see.
Status check_finite(const Matrix& m, const std::string& file) {
  for (std::size_t r = 0; r < m.rows(); ++r) {
    for (float x : m.row(r)) {
      if (!std::isfinite(x)) {
        return make_error(ErrorCode::kInvalidArgument, fmt::format("{}: row {}: non-finite value {}", file, r, x));
      }
    }
  }
  return {};
}

// Runtime errors (bad files) exit 1 even when the library calls them invalid arguments: the flags were fine.
int report_runtime(Error error) {
  if (error.code == ErrorCode::kInvalidArgument) error.code = ErrorCode::kCorrupt;
  return report(error);
}

struct BuildFlags {
  std::string input, output, metric = "l2";
  int m = 16, ef_construction = 200, threads = 0, rerank = 0;
  bool sq8 = false, quiet = false;
};

int run_build(const BuildFlags& f) {
  auto metric = index::parse_metric(f.metric);
  if (!metric) return report(metric.error());
  auto base = io::read_npy_matrix(f.input);
  if (!base) return report(base.error());
  if (base->cols() == 0) return report(Error{ErrorCode::kCorrupt, fmt::format("{}: vectors have dimension 0", f.input)});
  if (auto ok = check_finite(*base, f.input); !ok) return report_runtime(ok.error());

  const auto start = std::chrono::steady_clock::now();
  auto index = index::HnswIndex::create(static_cast<int>(base->cols()), *metric,
                                        {.m = f.m, .ef_construction = f.ef_construction, .sq8 = f.sq8,
                                         .rerank = f.rerank});
  const int threads = f.threads > 0 ? f.threads : default_threads();
  core::Progress progress("indexing", !f.quiet && core::Progress::stderr_is_terminal());
  const std::size_t n = base->rows();
  std::vector<std::uint64_t> labels(std::min(n, kBuildChunk));
  for (std::size_t from = 0; from < n; from += kBuildChunk) {
    const std::size_t rows = std::min(kBuildChunk, n - from);
    labels.resize(rows);
    std::iota(labels.begin(), labels.end(), std::uint64_t{from});
    MatrixView chunk{base->row(from).data(), rows, base->cols(), base->cols()};
    if (auto ok = index->add(labels, chunk, threads); !ok) return report_runtime(ok.error());
    const double done = static_cast<double>(from + rows);
    progress.update(done / static_cast<double>(n),
                    fmt::format("{} vectors, {}/s", core::human_count(done), core::human_count(done / seconds_since(start))));
  }
  if (auto ok = index->save(f.output); !ok) return report(ok.error());
  const double seconds = seconds_since(start);
  progress.finish(fmt::format("{} vectors in {:.1f} s", core::human_count(static_cast<double>(n)), seconds));
  std::printf("%s: %zu vectors of dimension %zu, metric %s, m %d, ef_construction %d%s, built in %.2f s\n",
              f.output.c_str(), n, base->cols(), std::string(index::metric_name(*metric)).c_str(), f.m,
              f.ef_construction, f.sq8 ? ", sq8" : "", seconds);
  return kExitOk;
}

struct SearchFlags {
  std::string index, queries, output, ground_truth;
  int k = 10, ef = 0, threads = 0;
  std::optional<int> rerank;
  bool json = false;
};

int run_search(const SearchFlags& f) {
  auto loaded = index::HnswIndex::load(f.index);
  if (!loaded) return report((loaded.error()));
  index::HnswIndex& idx = **loaded;
  if (f.rerank) idx.set_rerank(*f.rerank);
  auto queries = io::read_npy_matrix(f.queries);
  if (!queries) return report(queries.error());
  if (queries->cols() != static_cast<std::size_t>(idx.dim())) {
    return report(Error{ErrorCode::kCorrupt, fmt::format("{}: queries have dimension {} but {} has dimension {}",
                                                         f.queries, queries->cols(), f.index, idx.dim())});
  }
  if (auto ok = check_finite(*queries, f.queries); !ok) return report_runtime(ok.error());
  std::optional<io::Int64Matrix> truth;
  if (!f.ground_truth.empty()) {
    auto gt = io::read_npy_int64_matrix(f.ground_truth);
    if (!gt) return report(gt.error());
    if (gt->rows != queries->rows() || gt->cols < static_cast<std::size_t>(f.k)) {
      return report(Error{ErrorCode::kCorrupt,
                          fmt::format("{}: ground truth is {} x {} but recall@{} of {} queries needs {} x {} or wider",
                                      f.ground_truth, gt->rows, gt->cols, f.k, queries->rows(), queries->rows(), f.k)});
    }
    truth = std::move(*gt);
  }

  const int threads = f.threads > 0 ? f.threads : default_threads();
  const auto start = std::chrono::steady_clock::now();
  auto results = idx.search(queries->view(), {.k = f.k, .ef = f.ef, .threads = threads});
  const double seconds = seconds_since(start);
  if (!results) return report_runtime(results.error());

  std::vector<std::int64_t> ids(results->labels.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    ids[i] = results->labels[i] == index::kNoLabel ? -1 : static_cast<std::int64_t>(results->labels[i]);
  }
  if (auto ok = io::write_npy(std::span<const std::int64_t>(ids), results->nq, results->k, f.output); !ok) {
    return report(ok.error());
  }

  const double qps = seconds > 0 ? static_cast<double>(results->nq) / seconds : 0.0;
  std::optional<double> recall;
  if (truth) {
    std::size_t hits = 0;
    for (std::size_t q = 0; q < results->nq; ++q) {
      const std::int64_t* want = truth->values.data() + q * truth->cols;
      const std::int64_t* got = ids.data() + q * results->k;
      for (std::size_t i = 0; i < results->k; ++i) hits += std::find(got, got + results->k, want[i]) != got + results->k;
    }
    recall = results->nq == 0 ? 0.0 : static_cast<double>(hits) / static_cast<double>(results->nq * results->k);
  }
  if (f.json) {
    nlohmann::json out = {{"queries", results->nq}, {"k", results->k},
                          {"ef", f.ef > 0 ? f.ef : std::max(f.k, 64)}, {"threads", threads},
                          {"index_size", idx.size()}, {"seconds", seconds}, {"queries_per_second", qps}};
    out["storage"] = idx.options().sq8 ? "sq8" : "f32";
    if (idx.options().sq8) {
      const int rerank = idx.options().rerank;
      const auto ef = static_cast<std::size_t>(f.ef > 0 ? f.ef : std::max(f.k, 64));
      out["rerank"] = rerank > 0 ? static_cast<std::size_t>(rerank)
                      : rerank == 0 ? index::HnswIndex::auto_rerank(static_cast<std::size_t>(f.k), ef)
                                    : 0;
    }
    if (recall) out[fmt::format("recall_at_{}", f.k)] = *recall;
    print_json(out);
  } else {
    std::printf("%zu queries in %.3f s (%.0f queries/s)", results->nq, seconds, qps);
    if (recall) std::printf(", recall@%d %.4f", f.k, *recall);
    std::printf("\n");
  }
  return kExitOk;
}

}  // namespace

void register_index(CLI::App& app, int& exit_code) {
  auto* group = app.add_subcommand("index", "Approximate nearest-neighbour (HNSW) indexes over .npy matrices");
  group->require_subcommand(1);

  auto b = std::make_shared<BuildFlags>();
  auto* build = group->add_subcommand("build", "Build an HNSW index over the rows of BASE.npy (labels = row numbers)");
  build->add_option("--input", b->input, "float32 .npy matrix, one vector per row")->required();
  build->add_option("--output", b->output, "Index file to write (replaced atomically)")->required();
  build->add_option("--metric", b->metric, "l2, cosine or dot")
      ->check(CLI::IsMember({"l2", "cosine", "dot"}))
      ->capture_default_str();
  build->add_option("--m", b->m, "Links per node (2m on the bottom level)")->check(CLI::Range(2, 127))->capture_default_str();
  build->add_option("--ef-construction", b->ef_construction, "Beam width while inserting")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  build->add_flag("--sq8", b->sq8, "int8 codes in the graph, f32 vectors kept for re-ranking the best candidates");
  build->add_option("--rerank", b->rerank, "sq8: candidates re-scored in f32 (0 = auto: min(ef, 3k); -1 = none)")
      ->check(CLI::Range(-1, 1 << 20))
      ->capture_default_str();
  build->add_option("--threads", b->threads, "Threads (default: all)")->check(CLI::Range(1, 1024));
  build->add_flag("--quiet", b->quiet, "No progress line");
  build->callback([b, &exit_code] { exit_code = run_build(*b); });

  auto s = std::make_shared<SearchFlags>();
  auto* search = group->add_subcommand("search", "Top-k rows of the index's base for each query row");
  search->add_option("--index", s->index, "Index file from `index build`")->required();
  search->add_option("--queries", s->queries, "float32 .npy matrix, one query per row")->required();
  search->add_option("-k", s->k, "Neighbours per query")->check(CLI::Range(1, 1 << 20))->capture_default_str();
  search->add_option("--ef", s->ef, "Search beam width (default max(k, 64))")->check(CLI::Range(1, 1 << 20));
  search->add_option("--threads", s->threads, "Threads (default: all)")->check(CLI::Range(1, 1024));
  search->add_option("--rerank", s->rerank, "sq8 index: candidates re-scored in f32 (default: as built)")
      ->check(CLI::Range(-1, 1 << 20));
  search->add_option("--output", s->output, "int64 .npy of row numbers, one row per query, best first; -1 pads")
      ->required();
  search->add_option("--ground-truth", s->ground_truth, "int64 .npy of true neighbour rows, for recall@k in the report");
  search->add_flag("--json", s->json, "Print one JSON object: counts, seconds, queries/sec, recall");
  search->callback([s, &exit_code] { exit_code = run_search(*s); });
}

}  // namespace semspace::cli
