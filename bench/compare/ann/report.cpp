#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include <fmt/format.h>

namespace ann {
namespace {

std::string qps_text(double qps) {
  if (qps >= 10000) return fmt::format("{:.1f}k", qps / 1000);
  if (qps >= 1000) return fmt::format("{:.2f}k", qps / 1000);
  return fmt::format("{:.0f}", qps);
}

std::string ratio_text(std::optional<double> a, std::optional<double> b) {
  if (!a || !b || *b <= 0) return "n/a";
  return fmt::format("{:.2f}", *a / *b);
}

std::vector<SearchResult> curve_of(const DatasetRun& run, const std::string& contender, const std::string& mode,
                                   int threads) {
  std::vector<SearchResult> out;
  for (const auto& s : run.searches) {
    if (s.contender == contender && s.mode == mode && s.threads == threads) out.push_back(s);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.ef < b.ef; });
  return out;
}

const BuildResult* build_of(const DatasetRun& run, const std::string& contender, int threads) {
  for (const auto& b : run.builds) {
    if (b.contender == contender && b.threads == threads) return &b;
  }
  return nullptr;
}

// The memory of a contender: from its last build (every build of one contender keeps the same structure).
const BuildResult* memory_of(const DatasetRun& run, const std::string& contender) {
  const BuildResult* last = nullptr;
  for (const auto& b : run.builds) {
    if (b.contender == contender) last = &b;
  }
  return last;
}

// The first contender of a family with the given graph-ness ("hnswlib" -> "hnswlib HierarchicalNSW").
std::optional<std::string> anchor(const DatasetRun& run, const std::string& family, const std::string& name_part) {
  for (const auto& c : run.contenders) {
    if (c.family == family && c.name.find(name_part) != std::string::npos) return c.name;
  }
  return std::nullopt;
}

}  // namespace

double qps_at_recall(const std::vector<SearchResult>& curve, double target, bool* lower_bound) {
  *lower_bound = false;
  for (std::size_t i = 0; i < curve.size(); ++i) {
    if (curve[i].recall < target) continue;
    if (i == 0) {
      *lower_bound = true;
      return curve[0].qps;
    }
    const auto& a = curve[i - 1];
    const auto& b = curve[i];
    const double t = (target - a.recall) / (b.recall - a.recall);
    return a.qps + t * (b.qps - a.qps);
  }
  return -1;
}

namespace {

// Issue 3's bars, evaluated on this data set from the numbers above.
template <class CurveOf>
void write_bars(const DatasetRun& run, std::ostream& out, const std::optional<std::string>& hnswlib,
                const std::optional<std::string>& faiss_hnsw, const std::optional<std::string>& faiss_flat,
                CurveOf curve_of) {
  bool any_semspace = false;
  for (const auto& c : run.contenders) any_semspace = any_semspace || c.family == "semspace";
  out << "\n**Issue 3 bars on this data**";
  if (!any_semspace) {
    out << ": not evaluated, no semspace contender ran.\n";
    return;
  }
  const std::string target = fmt::format("{:.2f}", run.target_recall);
  out << " (one query per call; \"~\" = a lower-bound QPS is involved, see above).\n\n"
      << "| bar | index | threads | measured | met |\n| --- | --- | ---: | --- | --- |\n";
  auto qps = [&](const std::string& name, int t, bool* lb) -> std::optional<double> {
    const double q = qps_at_recall(curve_of(run, name, "single", t), run.target_recall, lb);
    if (q < 0) return std::nullopt;
    return q;
  };
  for (const auto& c : run.contenders) {
    if (c.family != "semspace" || !c.graph) continue;
    for (int t : run.threads) {
      bool lb = false, lbh = false, lbf = false;
      const auto mine = qps(c.name, t, &lb);
      const auto h = hnswlib ? qps(*hnswlib, t, &lbh) : std::nullopt;
      const auto f = faiss_hnsw ? qps(*faiss_hnsw, t, &lbf) : std::nullopt;
      const bool approx = lb || lbh || lbf;
      std::string measured = fmt::format("÷ hnswlib {}, ÷ FAISS HNSWFlat {}", ratio_text(mine, h), ratio_text(mine, f));
      std::string met = (mine && h && f && *mine >= 1.3 * *h && *mine >= 1.3 * *f) ? "yes" : "no";
      if (approx) met = "~" + met;
      out << fmt::format("| QPS at recall {} ≥ 1.3× hnswlib and FAISS | {} | {} | {} | {} |\n", target, c.name, t,
                         measured, met);
      if (c.name.find("rerank") != std::string::npos) {
        const auto* mm = memory_of(run, c.name);
        const auto* hm = hnswlib ? memory_of(run, *hnswlib) : nullptr;
        const bool mem_ok = mm && hm && mm->heap_bytes < 0.4 * hm->heap_bytes;
        const std::string goal = (mine && h && *mine >= 2.0 * *h && mem_ok) ? "yes" : "no";
        out << fmt::format("| goal: 2× hnswlib at recall {} with SQ8 + re-ranking, < 40% of its memory | {} | {} | "
                           "QPS ÷ hnswlib {}, heap ÷ hnswlib {} | {}{} |\n",
                           target, c.name, t, ratio_text(mine, h),
                           mm && hm ? fmt::format("{:.2f}", mm->heap_bytes / hm->heap_bytes) : "n/a",
                           approx ? "~" : "", goal);
      }
    }
    for (const auto& b : run.builds) {
      if (b.contender != c.name || !hnswlib) continue;
      const auto* hb = build_of(run, *hnswlib, b.threads);
      if (!hb) continue;
      out << fmt::format("| build time ≤ hnswlib's | {} | {} | {:.2f} s vs {:.2f} s | {} |\n", c.name, b.threads,
                         b.seconds, hb->seconds, b.seconds <= hb->seconds ? "yes" : "no");
    }
  }
  for (const auto& c : run.contenders) {
    if (c.family != "semspace" || c.graph || c.name.find("sq8") != std::string::npos || !faiss_flat) continue;
    for (const auto& s : run.searches) {
      if (s.contender != c.name || s.mode == "filtered") continue;
      for (const auto& f : run.searches) {
        if (f.contender != *faiss_flat || f.mode != s.mode || f.threads != s.threads) continue;
        out << fmt::format("| exact search ≥ {} | {} ({}) | {} | {} vs {} QPS | {} |\n", *faiss_flat, c.name,
                           s.mode, s.threads, qps_text(s.qps), qps_text(f.qps), s.qps >= f.qps ? "yes" : "no");
      }
    }
  }
  out << "\nThe filtered bar is evaluated in the filtered table above.\n";
}

}  // namespace

void write_markdown(const DatasetRun& run, std::ostream& out) {
  out << fmt::format("### {}: N = {}, dim {}, {} queries, {}\n\n", run.name, run.n, run.dim, run.nq, run.metric);
  out << "- data: " << run.description << "\n";
  for (const auto& note : run.notes) out << "- " << note << "\n";
  for (const auto& c : run.contenders) {
    if (!c.note.empty()) out << "- " << c.name << ": " << c.note << "\n";
  }
  const auto hnswlib = anchor(run, "hnswlib", "HierarchicalNSW");
  const auto hnswlib_native = anchor(run, "hnswlib-native", "HierarchicalNSW");
  const auto faiss_hnsw = anchor(run, "faiss", "HNSWFlat");
  const auto faiss_sq = anchor(run, "faiss", "HNSWSQ");
  const auto faiss_flat = anchor(run, "faiss", "IndexFlat");
  const auto faiss_flat_sq = anchor(run, "faiss", "IndexScalarQuantizer");
  const std::string target = fmt::format("{:.2f}", run.target_recall);

  // ---- build and memory ----
  out << "\n**Build and memory.** Build = wall seconds of add (FAISS SQ: train + add) on the given threads. Memory "
         "per vector: heap = bytes malloc'd and still in use after the build (glibc mallinfo2) minus before, / N; "
         "RSS = resident set after minus before, / N (both after malloc_trim; the data matrix itself is not counted); "
         "structure = the library's own layout counted from its fields where it exposes them (hnswlib: level-0 "
         "block, upper links, per-element arrays and locks, without its label hash map; FAISS: codes + HNSW "
         "neighbour, level and offset arrays). Ratios: semspace over hnswlib (our flags).\n\n";
  // Build columns follow the build threads, which need not be the search threads (BUILD_THREADS=2 alone left
  // every build cell empty when they followed run.threads).
  std::string head = "| index |", rule = "| --- |";
  for (int t : run.build_threads) {
    head += fmt::format(" build s, {} thr |", t);
    rule += " ---: |";
  }
  head += " heap B/vector | RSS B/vector | structure B/vector |";
  rule += " ---: | ---: | ---: |";
  for (int t : run.build_threads) {
    head += fmt::format(" build ÷ hnswlib, {} thr |", t);
    rule += " ---: |";
  }
  head += " heap ÷ hnswlib |";
  rule += " ---: |";
  out << head << "\n" << rule << "\n";
  for (const auto& c : run.contenders) {
    std::string row = "| " + c.name + " |";
    for (int t : run.build_threads) {
      const auto* b = build_of(run, c.name, t);
      row += b ? fmt::format(" {:.2f} |", b->seconds) : " – |";
    }
    const auto* m = memory_of(run, c.name);
    const double n = static_cast<double>(run.n);
    row += m ? fmt::format(" {:.0f} | {:.0f} | {} |", m->heap_bytes / n, m->rss_bytes / n,
                           m->structure_bytes > 0 ? fmt::format("{:.0f}", m->structure_bytes / n) : "n/a")
             : " – | – | – |";
    for (int t : run.build_threads) {
      std::optional<double> mine, theirs;
      if (c.family == "semspace" && hnswlib) {
        if (const auto* b = build_of(run, c.name, t)) mine = b->seconds;
        if (const auto* b = build_of(run, *hnswlib, t)) theirs = b->seconds;
      }
      row += c.family == "semspace" ? " " + ratio_text(mine, theirs) + " |" : " |";
    }
    if (c.family == "semspace" && hnswlib && m) {
      const auto* h = memory_of(run, *hnswlib);
      row += " " + ratio_text(m->heap_bytes, h ? std::optional<double>(h->heap_bytes) : std::nullopt) + " |";
    } else {
      row += " |";
    }
    out << row << "\n";
  }

  // ---- curves ----
  for (const std::string mode : {"single", "batch"}) {
    bool any = false;
    for (const auto& s : run.searches) any = any || (s.mode == mode && s.ef > 0);
    if (!any) continue;
    out << (mode == "single"
                ? "\n**Recall@10 / queries per second, graph indexes, one query per call** (each thread takes the "
                  "next query, as a service would; QPS = best of the repeats over all queries).\n\n"
                : "\n**The same, batch search** (all queries in one call of the library's multi-query search on "
                  "the given threads).\n\n");
    head = "| index | threads |";
    rule = "| --- | ---: |";
    for (int ef : run.efs) {
      head += fmt::format(" ef {} |", ef);
      rule += " ---: |";
    }
    out << head << "\n" << rule << "\n";
    for (const auto& c : run.contenders) {
      if (!c.graph) continue;
      for (int t : run.threads) {
        const auto curve = curve_of(run, c.name, mode, t);
        if (curve.empty()) continue;
        std::string row = fmt::format("| {} | {} |", c.name, t);
        for (int ef : run.efs) {
          auto it = std::find_if(curve.begin(), curve.end(), [&](const auto& s) { return s.ef == ef; });
          row += it == curve.end() ? " – |" : fmt::format(" {:.3f} / {} |", it->recall, qps_text(it->qps));
        }
        out << row << "\n";
      }
    }
  }

  // ---- matched recall: the target first, then any extra targets; then the target with ties ----
  // `measured` is the run with each search's recall, or a copy with the tie-aware recall in its place.
  auto write_matched = [&](const DatasetRun& measured, double tr, bool ties) {
    const std::string tt = fmt::format("{:.2f}", tr);
    if (ties) {
      out << "\n**At recall@10 = " << tt << " counting ties** (a result counts when it is no farther than the 10th "
          << "true neighbour, as ann-benchmarks counts: where vectors repeat, which of equally near points the truth "
          << "lists is arbitrary; otherwise as above).\n\n";
    } else {
      out << "\n**At recall@10 = " << tt << "** (QPS interpolated linearly between the two ef points around "
          << tt << " on each curve; \"≥\" = the smallest ef already exceeds it, so the QPS there is a lower bound; "
          << "n/a = the curve never reaches it). Ratios: semspace QPS over the anchor's, same threads and mode.\n\n";
    }
    out << "| index | mode | threads | QPS at " << tt << " | ÷ hnswlib | ÷ hnswlib -march=native | ÷ FAISS HNSWFlat | "
        << "÷ FAISS HNSWSQ |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n";
    auto at = [&](const std::string& name, const std::string& mode, int t, bool* lb) -> std::optional<double> {
      const auto curve = curve_of(measured, name, mode, t);
      const double q = qps_at_recall(curve, tr, lb);
      if (q < 0) return std::nullopt;
      return q;
    };
    for (const std::string mode : {"single", "batch"}) {
      for (const auto& c : measured.contenders) {
        if (!c.graph) continue;
        for (int t : measured.threads) {
          const auto curve = curve_of(measured, c.name, mode, t);
          if (curve.empty()) continue;
          bool lb = false;
          const auto mine = at(c.name, mode, t, &lb);
          std::string cell;
          if (mine) {
            cell = (lb ? "≥ " : "") + qps_text(*mine);
          } else {
            double best = 0;
            for (const auto& s : curve) best = std::max(best, s.recall);
            cell = fmt::format("n/a (max recall {:.3f})", best);
          }
          std::string row = fmt::format("| {} | {} | {} | {} |", c.name, mode, t, cell);
          for (const auto& other : {hnswlib, hnswlib_native, faiss_hnsw, faiss_sq}) {
            if (c.family != "semspace" || !other) {
              row += " |";
              continue;
            }
            bool olb = false;
            const auto theirs = at(*other, mode, t, &olb);
            std::string r = ratio_text(mine, theirs);
            if (r != "n/a" && (lb || olb)) r = "~" + r;
            row += " " + r + " |";
          }
          out << row << "\n";
        }
      }
    }
  };
  std::vector<double> targets{run.target_recall};
  targets.insert(targets.end(), run.extra_targets.begin(), run.extra_targets.end());
  for (const double tr : targets) write_matched(run, tr, false);
  // The tie-aware table only where ties change something (duplicate vectors): elsewhere it repeats the first.
  DatasetRun with_ties = run;
  bool ties_differ = false;
  for (auto& s : with_ties.searches) {
    if (s.recall_ties < 0 || s.mode == "filtered") continue;
    ties_differ = ties_differ || s.recall_ties > s.recall + 0.001;
    s.recall = s.recall_ties;
  }
  if (ties_differ) {
    write_matched(with_ties, run.target_recall, true);
  } else {
    out << "\nCounting ties (a result no farther than the 10th true neighbour counts as found) changes no graph "
           "search's recall@10 by more than 0.001 on this data.\n";
  }

  // ---- exact ----
  bool any_exact = false;
  for (const auto& s : run.searches) any_exact = any_exact || (s.ef == 0 && s.mode != "filtered");
  if (any_exact) {
    out << "\n**Exact search** (flat indexes; ratio = QPS over FAISS with the same storage, threads and mode: f32 "
           "over " << (faiss_flat ? *faiss_flat : "FAISS IndexFlat") << ", sq8 over FAISS IndexScalarQuantizer "
           "(QT_8bit); FAISS's f32 batch search runs its GEMM in OpenBLAS, whose own thread count is "
           "OPENBLAS_NUM_THREADS, not the threads column).\n\n";
    out << "| index | mode | threads | queries | recall@10 | QPS | ÷ FAISS same storage |\n"
           "| --- | --- | ---: | ---: | ---: | ---: | ---: |\n";
    for (const auto& c : run.contenders) {
      if (c.graph) continue;
      for (const auto& s : run.searches) {
        if (s.contender != c.name || s.mode == "filtered") continue;
        std::optional<double> theirs;
        const bool sq8 = c.name.find("sq8") != std::string::npos;
        if (const auto other = sq8 ? faiss_flat_sq : faiss_flat) {
          for (const auto& f : run.searches) {
            if (f.contender == *other && f.mode == s.mode && f.threads == s.threads) theirs = f.qps;
          }
        }
        out << fmt::format("| {} | {} | {} | {} | {:.3f} | {} | {} |\n", c.name, s.mode, s.threads, s.queries,
                           s.recall, qps_text(s.qps), c.family == "semspace" ? ratio_text(s.qps, theirs) : "");
      }
    }
  }

  // ---- filtered ----
  bool any_filtered = false;
  for (const auto& s : run.searches) any_filtered = any_filtered || s.mode == "filtered";
  if (any_filtered) {
    out << fmt::format(
        "\n**Filtered search**: a LabelSet passing {} random points ({:.1f}% of N); recall@10 against the exact "
        "top 10 of the passing points; 1 thread, one query per call; latency = 1 / QPS. Unfiltered columns: the "
        "same index and ef without a filter. \"violations\": returned labels outside the filter (must be 0).\n\n",
        run.filter_size, 100.0 * run.filter_fraction);
    out << "| index | ef | recall@10 unfiltered | recall@10 filtered | µs/query unfiltered | µs/query filtered | "
           "filtered ÷ unfiltered latency | violations |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
    for (const auto& c : run.contenders) {
      for (const auto& s : run.searches) {
        if (s.contender != c.name || s.mode != "filtered") continue;
        const SearchResult* plain = nullptr;
        for (const auto& u : run.searches) {
          if (u.contender == c.name && u.mode == "single" && u.threads == s.threads && u.ef == s.ef) plain = &u;
        }
        out << fmt::format("| {} | {} | {} | {:.3f} | {} | {:.1f} | {} | {} |\n", c.name,
                           s.ef == 0 ? "–" : std::to_string(s.ef), plain ? fmt::format("{:.3f}", plain->recall) : "–",
                           s.recall, plain ? fmt::format("{:.1f}", 1e6 / plain->qps) : "–", 1e6 / s.qps,
                           plain ? fmt::format("{:.2f}", plain->qps / s.qps) : "–", s.violations);
      }
    }
    // The filtered bar: recall >= target under the filter at <= 3x the unfiltered latency at the target.
    out << "\nFiltered bar (issue 3: recall@10 >= " << target << " with the filter at no more than 3x the "
        << "unfiltered latency): filtered = the smallest ef whose filtered recall reaches " << target
        << "; unfiltered = the latency at recall " << target << " on the unfiltered 1-thread curve (interpolated).\n\n"
        << "| index | filtered: ef, recall, µs/query | unfiltered µs/query at " << target
        << " | ratio | meets bar |\n| --- | --- | ---: | ---: | --- |\n";
    for (const auto& c : run.contenders) {
      if (!c.graph) continue;
      std::vector<SearchResult> filtered;
      for (const auto& s : run.searches) {
        if (s.contender == c.name && s.mode == "filtered") filtered.push_back(s);
      }
      if (filtered.empty()) continue;
      std::sort(filtered.begin(), filtered.end(), [](const auto& a, const auto& b) { return a.ef < b.ef; });
      const SearchResult* reached = nullptr;
      for (const auto& s : filtered) {
        if (s.recall >= run.target_recall && s.violations == 0) {
          reached = &s;
          break;
        }
      }
      bool lb = false;
      const double qps = qps_at_recall(curve_of(run, c.name, "single", 1), run.target_recall, &lb);
      const std::string unfiltered = qps > 0 ? fmt::format("{}{:.1f}", lb ? "≤ " : "", 1e6 / qps) : "n/a";
      if (!reached) {
        double best = 0;
        for (const auto& s : filtered) best = std::max(best, s.recall);
        out << fmt::format("| {} | not reached (max recall {:.3f}) | {} | – | no |\n", c.name, best, unfiltered);
        continue;
      }
      const double ratio = qps > 0 ? qps / reached->qps : -1;
      out << fmt::format("| {} | ef {}, {:.3f}, {:.1f} | {} | {} | {} |\n", c.name, reached->ef, reached->recall,
                         1e6 / reached->qps, unfiltered, ratio > 0 ? fmt::format("{:.2f}", ratio) : "n/a",
                         ratio > 0 ? (ratio <= 3.0 ? "yes" : "no") : "n/a");
    }
  }
  write_bars(run, out, hnswlib, faiss_hnsw, faiss_flat, curve_of);
  out << "\n";
}

void write_tsv(const DatasetRun& run, std::ostream& out) {
  for (const auto& b : run.builds) {
    out << fmt::format("build\t{}\t{}\t{}\t{}\t{:.3f}\t{:.0f}\t{:.0f}\t{:.0f}\n", run.name, run.n, b.contender,
                       b.threads, b.seconds, b.heap_bytes, b.rss_bytes, b.structure_bytes);
  }
  for (const auto& s : run.searches) {
    out << fmt::format("search\t{}\t{}\t{}\t{}\t{}\t{}\t{:.4f}\t{:.1f}\t{}\t{}\t{:.4f}\n", run.name, run.n, s.contender,
                       s.mode, s.threads, s.ef, s.recall, s.qps, s.queries, s.violations, s.recall_ties);
  }
}

}  // namespace ann
