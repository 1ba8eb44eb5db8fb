// Markdown and TSV output of one data set's run.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "measure.hpp"

namespace ann {

struct ContenderInfo {
  std::string name, family, note;
  bool graph = false;
};

struct DatasetRun {
  std::string name;         // data set key, e.g. "clustered"
  std::string description;  // one line: what the vectors are
  std::size_t n = 0, dim = 0, nq = 0;
  std::string metric;
  std::vector<std::string> notes;  // ground truth, skipped contenders, caveats
  std::vector<ContenderInfo> contenders;
  std::vector<BuildResult> builds;
  std::vector<SearchResult> searches;
  std::vector<int> efs;
  std::vector<int> threads;        // search threads
  std::vector<int> build_threads;  // build threads: the build columns (they need not be the search threads)
  double target_recall = 0.95;        // the bars' target
  std::vector<double> extra_targets;  // more matched-recall tables (e.g. 0.99)
  std::size_t filter_size = 0;
  double filter_fraction = 0;
};

/// The data set's section of the report (### heading, tables with ratios).
void write_markdown(const DatasetRun& run, std::ostream& out);
/// One line per build and per search: kind, data set, contender, mode, threads, ef, and the numbers.
void write_tsv(const DatasetRun& run, std::ostream& out);

/// QPS at `target` recall on a contender's curve (results sorted by ef), interpolated linearly between the two
/// ef points around it. Returns < 0 when the curve never reaches it; sets *lower_bound when the smallest ef
/// already exceeds it (the QPS at the target is then at least the value returned).
double qps_at_recall(const std::vector<SearchResult>& curve, double target, bool* lower_bound);

}  // namespace ann
