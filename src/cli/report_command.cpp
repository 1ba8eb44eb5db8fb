// semspace report: one self-contained HTML page about a space: its PCA picture, k-means clusters, the nearest
// neighbours of a few probe items and, for word models, evaluation numbers.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "analysis/cluster_quality.hpp"
#include "analysis/evaluate/analogy_eval.hpp"
#include "analysis/evaluate/word_similarity_eval.hpp"
#include "analysis/kmeans.hpp"
#include "analysis/pca.hpp"
#include "analysis/plot/html_page.hpp"
#include "analysis/plot/scatter_plot.hpp"
#include "analysis/score_blocks.hpp"
#include "analysis/top_k.hpp"
#include "analysis/word_queries.hpp"
#include "cli/analysis_input.hpp"
#include "cli/cli_common.hpp"
#include "core/random.hpp"
#include "io/atomic_file.hpp"

namespace semspace::cli {
namespace {

struct ReportFlags {
  AnalysisInputFlags input;
  std::string output, title, analogies, similarity;
  std::vector<std::string> probes;
  int k = 8, neighbors = 8, threads = 0;
  std::size_t members = 8;
  std::uint64_t seed = 1;
  bool json = false;
};

constexpr std::size_t kDefaultProbes = 5;      // probes picked from the largest clusters when none are given
constexpr std::size_t kSilhouetteRows = 2000;  // exact up to this many rows, a sample of it above
constexpr std::size_t kPlotNames = 80;         // names written beside points (words and ids, not row numbers)
// Points drawn in the page's picture: an SVG circle with its tooltip is about 100 bytes, and browsers slow down
// on pages of many MB; a uniform sample of this many rows shows the same shapes.
constexpr std::size_t kPlotRows = 20'000;

int runtime(const Error& error) {
  report(error);
  return kExitError;
}

std::string percent(double fraction) { return fmt::format("{:.1f}%", 100 * fraction); }
std::string decimal(double value) { return std::isfinite(value) ? fmt::format("{:.4f}", value) : "undefined"; }
nlohmann::json number_or_null(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(); }

struct Neighbours {
  std::string probe;
  std::vector<std::pair<std::string, float>> items;  // name, cosine; best first
};

// Cosine neighbours of one row among the analysed rows (inputs that are not a word model).
Neighbours row_neighbours(const AnalysisInput& in, std::size_t probe, int k, std::span<const float> norms) {
  std::vector<float> scores(in.vectors.rows());
  dot_rows(in.vectors.row(probe), in.vectors.view(), scores);
  TopK top(static_cast<std::size_t>(k));
  for (std::size_t r = 0; r < scores.size(); ++r) {
    const float denominator = norms[probe] * norms[r];
    if (r != probe) top.push(denominator > 0 ? scores[r] / denominator : 0.0f, static_cast<std::uint32_t>(r));
  }
  Neighbours out{in.names[probe], {}};
  for (const auto& s : top.take_sorted()) out.items.emplace_back(in.names[s.id], s.score);
  return out;
}

Expected<std::vector<Neighbours>> probe_neighbours(const AnalysisInput& in, const std::vector<std::string>& probes,
                                                   int k) {
  std::vector<Neighbours> out;
  if (in.model) {
    for (const auto& probe : probes) {
      auto found = nearest_neighbors(*in.model, probe, k);
      if (!found) return make_error(found.error().code, fmt::format("--probe: {}", found.error().message));
      Neighbours n{probe, {}};
      for (const auto& neighbour : *found) n.items.emplace_back(neighbour.word, neighbour.score);
      out.push_back(std::move(n));
    }
    return out;
  }
  std::vector<float> norms(in.vectors.rows());
  for (std::size_t r = 0; r < norms.size(); ++r) {
    double sum = 0;
    for (float v : in.vectors.row(r)) sum += static_cast<double>(v) * v;
    norms[r] = static_cast<float>(std::sqrt(sum));
  }
  for (const auto& probe : probes) {
    const auto at = std::find(in.names.begin(), in.names.end(), probe);
    if (at == in.names.end()) {
      return make_error(ErrorCode::kNotFound, fmt::format("--probe '{}' is not a row of {}", probe, in.source));
    }
    out.push_back(row_neighbours(in, static_cast<std::size_t>(at - in.names.begin()), k, norms));
  }
  return out;
}

struct Clusters {
  KMeansResult result;
  std::vector<std::vector<std::size_t>> nearest;  // per cluster: its rows, nearest the centre first
  std::optional<SilhouetteResult> silhouette;
  std::optional<double> purity;
  std::vector<std::string> top_label;  // per cluster, with --labels: its most common label and its share
};

Expected<Clusters> cluster_rows(const AnalysisInput& in, int k, std::uint64_t seed, int threads) {
  auto result = kmeans(in.vectors.view(), {.k = k, .seed = seed, .threads = threads});
  if (!result) return make_error(result.error().code, fmt::format("{}: {}", in.source, result.error().message));
  Clusters c{std::move(*result), {}, std::nullopt, std::nullopt, {}};
  std::vector<float> distances;
  auto labels = assign_to_centers(in.vectors.view(), c.result.centers.view(), threads, &distances);
  if (!labels) return tl::unexpected(labels.error());
  c.nearest.resize(static_cast<std::size_t>(k));
  for (std::size_t r = 0; r < c.result.labels.size(); ++r) c.nearest[c.result.labels[r]].push_back(r);
  for (auto& rows : c.nearest) {
    std::stable_sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) { return distances[a] < distances[b]; });
  }
  auto s = silhouette_score(in.vectors.view(), c.result.labels,
                            {.max_exact_rows = kSilhouetteRows, .sample_size = kSilhouetteRows, .seed = seed,
                             .threads = threads});
  if (s) c.silhouette = *s;  // undefined for k = 1: left out
  if (in.labels) {
    auto p = cluster_purity(c.result.labels, *in.labels);
    if (!p) return tl::unexpected(p.error());
    c.purity = *p;
    for (const auto& rows : c.nearest) {
      std::map<std::string, std::size_t> counts;
      for (auto r : rows) ++counts[(*in.labels)[r]];
      auto best = std::max_element(counts.begin(), counts.end(),
                                   [](const auto& a, const auto& b) { return a.second < b.second; });
      c.top_label.push_back(best == counts.end() ? ""
                                                 : fmt::format("{} ({})", best->first,
                                                               percent(static_cast<double>(best->second) / rows.size())));
    }
  }
  return c;
}

// All rows up to kPlotRows, else a seeded uniform sample of kPlotRows of them; in row order either way.
std::vector<std::size_t> plotted_rows(std::size_t rows, std::uint64_t seed) {
  std::vector<std::size_t> all(rows);
  std::iota(all.begin(), all.end(), std::size_t{0});
  if (rows <= kPlotRows) return all;
  core::Rng rng(seed);
  for (std::size_t i = 0; i < kPlotRows; ++i) {
    std::swap(all[i], all[i + rng.below(static_cast<std::uint32_t>(rows - i))]);
  }
  all.resize(kPlotRows);
  std::sort(all.begin(), all.end());
  return all;
}

// The row nearest the centre of each of the largest clusters.
std::vector<std::string> default_probes(const AnalysisInput& in, const Clusters& c) {
  std::vector<std::size_t> order(c.nearest.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return c.nearest[a].size() > c.nearest[b].size(); });
  std::vector<std::string> probes;
  for (std::size_t cluster : order) {
    if (probes.size() == kDefaultProbes) break;
    if (!c.nearest[cluster].empty()) probes.push_back(in.names[c.nearest[cluster].front()]);
  }
  return probes;
}

int run_report(const ReportFlags& f) {
  if ((!f.analogies.empty() || !f.similarity.empty()) && f.input.model.empty()) {
    return report(Error{ErrorCode::kInvalidArgument, "--analogies and --similarity evaluate a word-vector model: "
                                                     "give it with --model"});
  }
  auto in = load_analysis_input(f.input);
  if (!in) return report(in.error());
  const std::size_t rows = in->vectors.rows(), dim = in->vectors.cols();
  if (rows < 2 || dim < 2) {
    return runtime(Error{ErrorCode::kInvalidArgument,
                         fmt::format("{} has {} rows of dimension {}: a report needs at least 2 rows of dimension 2 or "
                                     "more to draw",
                                     in->source, rows, dim)});
  }
  const int threads = f.threads > 0 ? f.threads : default_threads();
  const int k = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(f.k), rows));

  // Projection.
  auto pca = fit_pca(in->vectors.view(), {.components = 2, .seed = f.seed, .threads = threads});
  if (!pca) return runtime(Error{pca.error().code, fmt::format("{}: {}", in->source, pca.error().message)});
  auto coords = pca->transform(in->vectors.view(), threads);
  if (!coords) return runtime(coords.error());
  const auto ratio = pca->explained_variance_ratio();

  auto clusters = cluster_rows(*in, k, f.seed, threads);
  if (!clusters) return runtime(clusters.error());
  const Clusters& c = *clusters;

  // The picture: coloured by the given labels, else by cluster (the cluster table then shows the same colours).
  const std::vector<std::size_t> shown = plotted_rows(rows, f.seed);
  Matrix shown_coords(shown.size(), 2);
  std::vector<std::string> shown_names, shown_categories;
  for (std::size_t i = 0; i < shown.size(); ++i) {
    std::copy_n(coords->row(shown[i]).data(), 2, shown_coords.row(i).data());
    shown_names.push_back(in->names[shown[i]]);
    shown_categories.push_back(in->labels ? (*in->labels)[shown[i]] : std::to_string(c.result.labels[shown[i]]));
  }
  std::vector<std::optional<plot::Rgb>> cluster_color(static_cast<std::size_t>(k));
  if (!in->labels) {
    const auto colors = plot::assign_category_colors(shown_categories);
    for (std::size_t i = 0; i < shown.size(); ++i) {
      cluster_color[c.result.labels[shown[i]]] = colors.entries[colors.entry_of_point[i]].color;
    }
  }
  const bool meaningful_names = !f.input.model.empty() || !f.input.collection.empty();
  auto svg = plot::scatter_svg(
      {.coordinates = shown_coords.view(), .names = shown_names, .categories = shown_categories},
      {.title = "",
       .x_label = fmt::format("PC1 ({} of the variance)", percent(ratio[0])),
       .y_label = fmt::format("PC2 ({} of the variance)", percent(ratio[1])),
       .legend_title = in->labels ? "label" : "cluster",
       .text_labels = meaningful_names,
       .max_text_labels = kPlotNames,
       .seed = f.seed});
  if (!svg) return runtime(svg.error());

  std::vector<std::string> probes = f.probes.empty() ? default_probes(*in, c) : f.probes;
  auto neighbours = probe_neighbours(*in, probes, f.neighbors);
  if (!neighbours) return runtime(neighbours.error());

  std::optional<AnalogyReport> analogy;
  if (!f.analogies.empty()) {
    auto r = evaluate_analogy_file(*in->model, f.analogies, {.threads = threads});
    if (!r) return runtime(r.error());
    analogy = *r;
  }
  std::optional<WordSimilarityReport> similarity;
  if (!f.similarity.empty()) {
    auto r = evaluate_word_similarity_file(*in->model, f.similarity);
    if (!r) return runtime(r.error());
    similarity = *r;
  }

  // The page.
  plot::Page page{f.title.empty() ? fmt::format("semspace report: {}", in->source) : f.title,
                  fmt::format("{} rows of dimension {}{}", rows, dim,
                              f.input.labels.empty() ? "" : fmt::format(", labels from {}", f.input.labels))};
  {
    plot::PageSection s{"projection", "Projection (PCA)"};
    s.paragraphs.push_back(fmt::format(
        "The rows projected on their two leading principal components, which keep {} and {} of the variance "
        "({} together). Both axes share one scale. Points are coloured by {}.",
        percent(ratio[0]), percent(ratio[1]), percent(ratio[0] + ratio[1]),
        in->labels ? "label" : "k-means cluster"));
    s.figure_svg = std::move(*svg);
    s.figure_caption = shown.size() == rows ? "Hover over a point to see its name."
                                            : fmt::format("A uniform sample of {} of the {} rows (seed {}). Hover over "
                                                          "a point to see its name.",
                                                          shown.size(), rows, f.seed);
    page.sections.push_back(std::move(s));
  }
  {
    plot::PageSection s{"clusters", "Clusters (k-means)"};
    std::string summary = fmt::format("k-means with k = {}{} (k-means++ seeding, seed {}): inertia {:.6g}", k,
                                      k < f.k ? ", as many as there are rows" : "", f.seed,
                                      c.result.inertia);
    if (c.silhouette) {
      summary += fmt::format(", silhouette {}{}", decimal(c.silhouette->score),
                             c.silhouette->sampled ? fmt::format(" (sample of {} rows)", c.silhouette->rows_used) : "");
    }
    if (c.purity) summary += fmt::format(", purity against the labels {}", decimal(*c.purity));
    s.paragraphs.push_back(summary + ".");
    plot::PageTable table{{"cluster", "rows"}, {}};
    if (in->labels) table.header.push_back("most common label");
    table.header.push_back(fmt::format("nearest the centre (up to {})", f.members));
    for (std::size_t cluster = 0; cluster < c.nearest.size(); ++cluster) {
      std::vector<plot::PageCell> row;
      row.push_back({std::to_string(cluster), cluster_color[cluster]});
      row.push_back({std::to_string(c.result.cluster_sizes[cluster]), std::nullopt, true});
      if (in->labels) row.push_back({c.top_label[cluster]});
      std::string members;
      for (std::size_t i = 0; i < std::min(f.members, c.nearest[cluster].size()); ++i) {
        members += (i == 0 ? "" : ", ") + in->names[c.nearest[cluster][i]];
      }
      row.push_back({members});
      table.rows.push_back(std::move(row));
    }
    s.tables.push_back(std::move(table));
    page.sections.push_back(std::move(s));
  }
  {
    plot::PageSection s{"neighbours", "Nearest neighbours"};
    s.paragraphs.push_back(fmt::format("For each probe, the {} most cosine-similar {}.{}", f.neighbors,
                                       in->model ? "words of the whole model" : "other rows",
                                       f.probes.empty() ? " The probes are the items nearest the centres of the "
                                                          "largest clusters."
                                                        : ""));
    plot::PageTable table{{"probe", "neighbours (cosine)"}, {}};
    for (const auto& n : *neighbours) {
      std::string items;
      for (const auto& [name, score] : n.items) items += fmt::format("{}{} ({:.3f})", items.empty() ? "" : ", ", name, score);
      table.rows.push_back({{n.probe}, {items}});
    }
    s.tables.push_back(std::move(table));
    page.sections.push_back(std::move(s));
  }
  if (analogy) {
    plot::PageSection s{"analogies", "Analogies"};
    s.paragraphs.push_back(fmt::format(
        "Questions from {}, answered by 3CosAdd over the {} most frequent words (word2vec's compute-accuracy): "
        "{} of {} questions had all four words in that vocabulary.",
        f.analogies, AnalogyEvalOptions{}.max_vocab, analogy->answered, analogy->questions));
    auto row = [](const char* name, double accuracy, std::size_t answered) {
      return std::vector<plot::PageCell>{{name}, {percent(accuracy), {}, true}, {std::to_string(answered), {}, true}};
    };
    s.tables.push_back({{"questions", "accuracy", "answered"},
                        {row("all", analogy->accuracy(), analogy->answered),
                         row("semantic", analogy->semantic_accuracy(), analogy->semantic_answered),
                         row("syntactic", analogy->syntactic_accuracy(), analogy->syntactic_answered)}});
    page.sections.push_back(std::move(s));
  }
  if (similarity) {
    plot::PageSection s{"similarity", "Word similarity"};
    s.paragraphs.push_back(
        fmt::format("Pairs from {}: the model's cosine similarity against the human scores.", f.similarity));
    s.tables.push_back({{"Spearman", "Pearson", "pairs scored", "pairs skipped (unknown words)"},
                        {{{decimal(similarity->spearman), {}, true},
                          {decimal(similarity->pearson), {}, true},
                          {fmt::format("{} of {}", similarity->found, similarity->pairs), {}, true},
                          {std::to_string(similarity->oov), {}, true}}}});
    page.sections.push_back(std::move(s));
  }

  auto file = io::AtomicFileWriter::create(f.output);
  if (!file) return runtime(file.error());
  if (auto ok = file->write(plot::render_html(page)); !ok) return runtime(ok.error());
  if (auto ok = file->commit(); !ok) return runtime(ok.error());

  if (f.json) {
    nlohmann::json out = {{"output", f.output},
                          {"rows", rows},
                          {"dim", dim},
                          {"explained_variance_ratio", ratio},
                          {"k", k},
                          {"inertia", c.result.inertia},
                          {"cluster_sizes", c.result.cluster_sizes},
                          {"silhouette", c.silhouette ? number_or_null(c.silhouette->score) : nlohmann::json()},
                          {"probes", probes}};
    if (c.purity) out["purity"] = *c.purity;
    if (analogy) out["analogy_accuracy"] = analogy->accuracy();
    if (similarity) out["similarity_spearman"] = number_or_null(similarity->spearman);
    print_json(out);
    return kExitOk;
  }
  fmt::print("wrote a report on {} ({} rows, {} clusters, {} probes) to {}\n", in->source, rows, k, probes.size(),
             f.output);
  return kExitOk;
}

}  // namespace

void register_report(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<ReportFlags>();
  auto* cmd = app.add_subcommand("report", "Write one self-contained HTML page about a space: PCA plot, k-means "
                                           "clusters, nearest neighbours, evaluation");
  add_analysis_input_options(*cmd, f->input);
  cmd->add_option("--output", f->output, "The HTML file to write")->required();
  cmd->add_option("--title", f->title, "Page title (default: 'semspace report: ' and the input)");
  cmd->add_option("--k", f->k, "k-means clusters (at most the number of rows)")->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--members", f->members, "Members listed per cluster, nearest its centre first")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--probe", f->probes,
                  "Show the nearest neighbours of this word or row name (repeatable; default: the item nearest the "
                  "centre of each of the 5 largest clusters)");
  cmd->add_option("--neighbors", f->neighbors, "Neighbours shown per probe")->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--analogies", f->analogies, "With --model: analogy questions file (questions-words format)");
  cmd->add_option("--similarity", f->similarity, "With --model: word-pair similarity file (word1 word2 score)");
  cmd->add_option("--seed", f->seed, "Seed of k-means and the PCA sketch")->capture_default_str();
  cmd->add_option("--threads", f->threads, "Threads (default: all cores)")->check(CLI::NonNegativeNumber);
  cmd->add_flag("--json", f->json, "Print one JSON object");
  cmd->callback([f, &exit_code] { exit_code = run_report(*f); });
}

}  // namespace semspace::cli
