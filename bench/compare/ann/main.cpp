// ann_vs_hnswlib_faiss: nearest-neighbour search, semspace vs hnswlib and FAISS, on one data set per `run`, in one
// process. Driven by bench/compare/ann_vs_hnswlib_faiss.sh (see bench/compare/README.md):
//   ann_vs_hnswlib_faiss clustered --dir D [--n N] [--dim 128] [--clusters 1000] [--queries 1000] [--seed 42]
//   ann_vs_hnswlib_faiss words --model M.sem --dir D [--queries 1000] [--seed 42]
//   ann_vs_hnswlib_faiss split --input ALL.npy --dir D [--queries 1000] [--seed 42]
//   ann_vs_hnswlib_faiss run --dir D --name NAME --metric l2|cosine --markdown OUT.md --tsv OUT.tsv [...]
// Each data directory holds base.npy and queries.npy; `run` adds the cached ground truth gt-<metric>-k100.npy.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <numeric>
#include <set>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "contender.hpp"
#include "core/random.hpp"
#include "data.hpp"
#include "io/vector_formats.hpp"
#include "measure.hpp"
#include "report.hpp"

namespace ann {

extern std::vector<int> g_semspace_sq8_rerank;

#if !ANN_HNSWLIB_NATIVE
std::vector<std::unique_ptr<Contender>> make_hnswlib_native_contenders(int, DataMetric, const GraphSettings&) {
  return {};
}
#endif

namespace {

// Progress on stderr, with the seconds since the program started (the driver keeps it as <data set>.log).
void log(const std::string& message) {
  static const auto start = std::chrono::steady_clock::now();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cerr << fmt::format("ann_vs_hnswlib_faiss [{:6.0f} s]: {}", s, message) << std::endl;
}

struct RunFlags {
  std::string dir, name, description, metric = "l2", markdown, tsv;
  std::vector<int> threads{1, 2}, build_threads{1, 2}, efs{10, 16, 32, 64, 128, 256, 512}, sq8_rerank{0};
  std::vector<std::string> families{"semspace", "hnswlib", "hnswlib-native", "faiss"};
  int repeats = 3, m = 16, ef_construction = 200, gt_k = 100;
  std::size_t exact_queries = 0;
  double filter_fraction = 0.01, target_recall = 0.95;
  std::vector<double> extra_targets{0.99};
  std::uint64_t seed = 42;
};

void save(const DatasetRun& run, const RunFlags& f) {
  {
    std::ofstream md(f.markdown);
    write_markdown(run, md);
  }
  std::ofstream tsv(f.tsv);
  write_tsv(run, tsv);
}

int run_dataset(const RunFlags& f) {
  const std::filesystem::path dir = f.dir;
  const DataMetric metric = f.metric == "l2" ? DataMetric::kL2 : DataMetric::kCosine;
  semspace::Matrix base = read_matrix(dir / "base.npy");
  semspace::Matrix queries = read_matrix(dir / "queries.npy");
  if (base.cols() != queries.cols()) throw std::runtime_error("base and queries differ in dimension");
  if (metric == DataMetric::kCosine) {
    normalize_rows(base);
    normalize_rows(queries);
  }
  const int max_threads = *std::max_element(f.threads.begin(), f.threads.end());
  DatasetRun run;
  run.name = f.name;
  run.description = f.description;
  run.n = base.rows();
  run.dim = base.cols();
  run.nq = queries.rows();
  run.metric = metric == DataMetric::kL2 ? "squared L2" : "cosine (unit vectors; inner product for FAISS and hnswlib)";
  run.efs = f.efs;
  run.threads = f.threads;
  run.build_threads = f.build_threads;
  run.target_recall = f.target_recall;
  run.extra_targets = f.extra_targets;
  log(fmt::format("{}: {} x {} base, {} queries", f.name, base.rows(), base.cols(), queries.rows()));

  // Ground truth, cached next to the data.
  bool computed = false;
  const auto gt_start = std::chrono::steady_clock::now();
  const auto truth = ground_truth(dir, base, queries, metric, f.gt_k, max_threads, &computed);
  const double gt_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - gt_start).count();
  run.notes.push_back(computed ? fmt::format("ground truth: exact top {} by FAISS IndexFlat, computed in {:.1f} s "
                                             "and cached in {}", f.gt_k, gt_seconds, (dir / "gt-*.npy").string())
                               : fmt::format("ground truth: exact top {} by FAISS IndexFlat, read from the cache in {}",
                                             f.gt_k, dir.string()));

  // The filter: a random fraction of the labels, and the exact top 10 among them.
  const std::size_t pass = std::max<std::size_t>(10, static_cast<std::size_t>(f.filter_fraction * base.rows()));
  std::vector<std::uint64_t> passing;
  {
    std::vector<std::uint64_t> all(base.rows());
    std::iota(all.begin(), all.end(), 0);
    semspace::core::Rng rng(f.seed + 1);
    for (std::size_t i = 0; i < pass && i < all.size(); ++i) {
      std::swap(all[i], all[i + rng.below(static_cast<std::uint32_t>(all.size() - i))]);
    }
    passing.assign(all.begin(), all.begin() + std::min(pass, all.size()));
    std::sort(passing.begin(), passing.end());
  }
  const semspace::index::LabelSet filter(passing);
  std::vector<std::int64_t> filtered_truth;
  {
    semspace::Matrix subset(passing.size(), base.cols());
    for (std::size_t i = 0; i < passing.size(); ++i) {
      std::copy_n(base.row(passing[i]).data(), base.cols(), subset.row(i).data());
    }
    filtered_truth = exact_top_k(subset.view(), queries.view(), metric, 10, max_threads);
    for (auto& label : filtered_truth) label = label < 0 ? -1 : static_cast<std::int64_t>(passing[label]);
  }
  run.filter_size = passing.size();
  run.filter_fraction = static_cast<double>(passing.size()) / static_cast<double>(base.rows());

  // Exact one-query-per-call searches scan all of N per query: use a prefix of the queries on large N.
  std::size_t exact_q = f.exact_queries;
  if (exact_q == 0) exact_q = std::clamp<std::size_t>(queries.rows() * 100000 / std::max<std::size_t>(1, base.rows()),
                                                     std::min<std::size_t>(100, queries.rows()), queries.rows());
  exact_q = std::min(exact_q, queries.rows());
  const semspace::MatrixView exact_view{queries.data(), exact_q, queries.cols(), queries.cols()};

  GraphSettings settings{f.m, f.ef_construction, f.seed};
  g_semspace_sq8_rerank = f.sq8_rerank;
  std::vector<std::unique_ptr<Contender>> contenders;
  const std::set<std::string> families(f.families.begin(), f.families.end());
  const int dim = static_cast<int>(base.cols());
  auto take = [&](std::vector<std::unique_ptr<Contender>> more) {
    for (auto& c : more) contenders.push_back(std::move(c));
  };
  if (families.count("semspace")) {
    take(make_semspace_contenders(dim, metric, settings));
    if (auto why = semspace_missing_reason(); !why.empty()) run.notes.push_back("**" + why + "**");
  }
  if (families.count("hnswlib")) take(make_hnswlib_contenders(dim, metric, settings));
  if (families.count("hnswlib-native")) {
    auto native = make_hnswlib_native_contenders(dim, metric, settings);
    if (native.empty()) run.notes.push_back("hnswlib -march=native not built (SEMSPACE_BENCH_HNSWLIB_NATIVE=OFF)");
    take(std::move(native));
  }
  if (families.count("faiss")) take(make_faiss_contenders(dim, metric, settings));
  run.notes.push_back(fmt::format(
      "exact one-query-per-call searches use the first {} queries, one repeat (the batch and graph searches use "
      "all {}); search repeats: {} (best QPS kept; graph indexes interleaved, each repeat running every index in "
      "turn; exact batch: {})", exact_q, queries.rows(), f.repeats,
      static_cast<double>(base.rows()) * static_cast<double>(queries.rows()) > 1.5e8 ? 1 : f.repeats));

  SearchSetup setup{10, f.repeats};
  const ExactDistances exact{base.view(), metric};
  auto record = [&](SearchResult s) {
    log(fmt::format("  {} {} {} thr ef {}: recall {:.3f}{}, {:.0f} QPS{}", s.contender, s.mode, s.threads, s.ef,
                    s.recall, s.recall_ties >= 0 ? fmt::format(" (with ties {:.3f})", s.recall_ties) : "", s.qps,
                    s.mode == "filtered" ? fmt::format(", {} violations", s.violations) : ""));
    run.searches.push_back(std::move(s));
  };

  // Every index is built first and kept. The graph indexes are then searched interleaved: for each setting,
  // repeat by repeat, each index in turn (the order rotating), so a noisy stretch of this shared machine falls
  // on every contender alike instead of on whichever ran then; ratios of best-of-repeats stay comparable.
  std::vector<Contender*> graphs, built;
  for (auto& c : contenders) {
    run.contenders.push_back({c->name(), c->family(), c->note(), c->is_graph()});
    try {
      for (int bt : f.build_threads) {
        log(fmt::format("{}: building {} on {} thread(s)", f.name, c->name(), bt));
        auto b = measure_build(*c, base.view(), bt);
        log(fmt::format("  {:.2f} s, heap {:.0f} B/vector", b.seconds, b.heap_bytes / base.rows()));
        run.builds.push_back(b);
      }
      (c->is_graph() ? graphs : built).push_back(c.get());
    } catch (const std::exception& e) {
      run.notes.push_back(fmt::format("**{} failed**: {}", c->name(), e.what()));
      log(fmt::format("{} failed: {}", c->name(), e.what()));
      c->reset();
    }
  }
  save(run, f);

  // One setting (mode, threads, ef; ef 0 for exact indexes) for a set of indexes, interleaved as above.
  auto interleaved = [&](const std::vector<Contender*>& who, const std::string& mode, semspace::MatrixView qs,
                         const std::vector<std::int64_t>& t, int t_k, int threads, int ef,
                         const semspace::index::LabelSet* filter, int repeats) {
    if (who.empty()) return;
    std::vector<std::vector<std::uint64_t>> found(who.size(), std::vector<std::uint64_t>(qs.rows * setup.k));
    std::vector<double> best(who.size(), 0.0);
    for (Contender* c : who) {
      c->set_ef(ef);
      c->set_filter(filter);
    }
    for (int rep = 0; rep < std::max(1, repeats); ++rep) {
      for (std::size_t i = 0; i < who.size(); ++i) {
        const std::size_t j = (i + static_cast<std::size_t>(rep)) % who.size();
        const double seconds = time_search(*who[j], mode, qs, setup.k, threads, found[j].data());
        best[j] = std::max(best[j], static_cast<double>(qs.rows) / seconds);
      }
    }
    for (std::size_t j = 0; j < who.size(); ++j) {
      record(score_search(*who[j], mode, qs, found[j], t, t_k, setup.k, threads, ef, best[j], filter, &exact));
      who[j]->set_filter(nullptr);
    }
  };
  auto with = [](const std::vector<Contender*>& all, bool (Contender::*has)() const) {
    std::vector<Contender*> out;
    for (Contender* c : all) {
      if ((c->*has)()) out.push_back(c);
    }
    return out;
  };
  const auto batch_graphs = with(graphs, &Contender::has_batch), filter_graphs = with(graphs, &Contender::has_filter);
  const auto batch_exact = with(built, &Contender::has_batch), filter_exact = with(built, &Contender::has_filter);
  // A full exact batch scans N x nq vectors: one repeat once that is large (an 8-bit scan of 1M x 1000 takes
  // minutes with FAISS's GENERIC build). Exact one-query-per-call searches use the prefix exact_view, once.
  const bool large = static_cast<double>(base.rows()) * static_cast<double>(queries.rows()) > 1.5e8;
  try {
    for (int t : f.threads) {
      for (int ef : f.efs) {
        interleaved(graphs, "single", queries.view(), truth, f.gt_k, t, ef, nullptr, setup.repeats);
        interleaved(batch_graphs, "batch", queries.view(), truth, f.gt_k, t, ef, nullptr, setup.repeats);
      }
      save(run, f);
    }
    for (int ef : f.efs) {
      interleaved(filter_graphs, "filtered", queries.view(), filtered_truth, 10, 1, ef, &filter, setup.repeats);
    }
    save(run, f);
    // Exact indexes too: their batch ratios sit at the bar's edge (words, 1 thread: 11.8k vs FAISS's 12.1k QPS).
    for (int t : f.threads) {
      interleaved(built, "single", exact_view, truth, f.gt_k, t, 0, nullptr, 1);
      interleaved(batch_exact, "batch", queries.view(), truth, f.gt_k, t, 0, nullptr, large ? 1 : setup.repeats);
    }
    interleaved(filter_exact, "filtered", queries.view(), filtered_truth, 10, 1, 0, &filter, setup.repeats);
  } catch (const std::exception& e) {
    run.notes.push_back(fmt::format("**searches failed**: {}", e.what()));
    log(fmt::format("searches failed: {}", e.what()));
  }
  for (Contender* c : graphs) c->reset();
  for (Contender* c : built) c->reset();
  save(run, f);
  log(fmt::format("wrote {} and {}", f.markdown, f.tsv));
  return 0;
}

}  // namespace
}  // namespace ann

int main(int argc, char** argv) {
  using namespace ann;
  CLI::App app{"ANN search: semspace vs hnswlib and FAISS (bench/compare/README.md)"};
  app.require_subcommand(1);

  ClusteredSpec spec;
  std::string dir, model, input;
  std::size_t queries = 1000, max_rows = 0;
  std::uint64_t seed = 42;
  auto* clustered = app.add_subcommand("clustered", "Write clustered Gaussian base.npy and queries.npy");
  clustered->add_option("--dir", dir)->required();
  clustered->add_option("--n", spec.n)->capture_default_str();
  clustered->add_option("--dim", spec.dim)->capture_default_str();
  clustered->add_option("--clusters", spec.clusters)->capture_default_str();
  clustered->add_option("--queries", spec.queries)->capture_default_str();
  clustered->add_option("--seed", spec.seed)->capture_default_str();

  auto* words = app.add_subcommand("words", "Split a model's word vectors into base.npy and queries.npy");
  words->add_option("--model", model)->required();
  words->add_option("--dir", dir)->required();
  words->add_option("--queries", queries)->capture_default_str();
  words->add_option("--seed", seed)->capture_default_str();
  words->add_option("--max-rows", max_rows, "use only the first rows (0 = all)")->capture_default_str();

  auto* split = app.add_subcommand("split", "Split the rows of a .npy matrix into base.npy and queries.npy");
  split->add_option("--input", input)->required();
  split->add_option("--dir", dir)->required();
  split->add_option("--queries", queries)->capture_default_str();
  split->add_option("--seed", seed)->capture_default_str();
  split->add_option("--max-rows", max_rows, "use only the first rows (0 = all)")->capture_default_str();

  RunFlags f;
  auto* run = app.add_subcommand("run", "Build and search every contender on one data set; write the report");
  run->add_option("--dir", f.dir)->required();
  run->add_option("--name", f.name)->required();
  run->add_option("--description", f.description);
  run->add_option("--metric", f.metric)->check(CLI::IsMember({"l2", "cosine"}))->capture_default_str();
  run->add_option("--markdown", f.markdown)->required();
  run->add_option("--tsv", f.tsv)->required();
  run->add_option("--threads", f.threads)->delimiter(',')->capture_default_str();
  run->add_option("--build-threads", f.build_threads)->delimiter(',')->capture_default_str();
  run->add_option("--ef", f.efs)->delimiter(',')->capture_default_str();
  run->add_option("--families", f.families)->delimiter(',')->capture_default_str();
  run->add_option("--sq8-rerank", f.sq8_rerank, "semspace HnswIndex sq8 rows, one per rerank depth (0 = auto, -1 = none)")
      ->delimiter(',')->capture_default_str();
  run->add_option("--repeats", f.repeats)->capture_default_str();
  run->add_option("--m", f.m)->capture_default_str();
  run->add_option("--ef-construction", f.ef_construction)->capture_default_str();
  run->add_option("--exact-queries", f.exact_queries, "0 = all up to N = 100k, fewer above (min 100)")
      ->capture_default_str();
  run->add_option("--filter-fraction", f.filter_fraction)->capture_default_str();
  run->add_option("--target-recall", f.target_recall)->capture_default_str();
  run->add_option("--extra-targets", f.extra_targets, "more recall levels for matched-QPS tables")
      ->delimiter(',')->capture_default_str();
  run->add_option("--seed", f.seed)->capture_default_str();

  CLI11_PARSE(app, argc, argv);
  try {
    if (clustered->parsed()) {
      write_clustered(spec, dir);
      std::cout << fmt::format("{} {} {}\n", spec.n, spec.dim, spec.queries);
    } else if (words->parsed()) {
      auto vectors = semspace::io::read_word_vectors(model);
      if (!vectors) throw std::runtime_error(vectors.error().message);
      auto view = vectors->words_matrix().view();  // most frequent words first
      if (max_rows > 0) view.rows = std::min(view.rows, max_rows);
      const std::size_t dropped = write_split(view, queries, seed, dir);
      std::cout << fmt::format("{} {} {} {}\n", view.rows - dropped - queries, view.cols, queries, dropped);
    } else if (split->parsed()) {
      const auto all = read_matrix(input);
      auto view = all.view();
      if (max_rows > 0) view.rows = std::min(view.rows, max_rows);
      const std::size_t dropped = write_split(view, queries, seed, dir);
      std::cout << fmt::format("{} {} {} {}\n", view.rows - dropped - queries, view.cols, queries, dropped);
    } else if (run->parsed()) {
      return run_dataset(f);
    }
  } catch (const std::exception& e) {
    std::cerr << "ann_vs_hnswlib_faiss: " << e.what() << std::endl;
    return 1;
  }
  return 0;
}
