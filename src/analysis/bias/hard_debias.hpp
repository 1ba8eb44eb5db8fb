// Hard debiasing (Bolukbasi, Chang, Zou, Saligrama & Kalai 2016, "Man is to Computer Programmer as Woman is to
// Homemaker? Debiasing Word Embeddings", NeurIPS 29), with a one-dimensional bias subspace as the paper uses:
//
// 1. Direction: for each definitional pair (a, b) of unit vectors with mean m, the rows a - m and b - m; the
//    first principal component of those rows is the bias direction g (oriented so that a - b projects positively).
// 2. Neutralise: every vocabulary word that is not specific (the lists' specific words and every word of their
//    pairs, compared in lower case) loses its component along g: u <- (u - (u.g) g) / |u - (u.g) g|.
// 3. Equalise: each equalize pair (in the case variants the vocabulary has: as written, lower, Title, UPPER)
//    becomes nu +- sqrt(1 - |nu|^2) g, with nu the pair's mean minus its component along g, so both words are
//    equally far from every neutralised word.
// The paper works on unit vectors; here each word keeps its original length (cosines are those of the paper's
// unit vectors; lengths still carry what pooling uses them for).
//
// Subword models: every n-gram bucket row loses its component along g, so a word outside the vocabulary (the
// mean of its n-gram rows) is neutral too; each vocabulary word's own row is then solved for so that its vector
// (the mean of its own and its n-gram rows) is exactly the debiased one. The limit: an unseen word that is
// gender-specific by meaning ("congresswomen" when only "congresswoman" was in the vocabulary) is neutralised too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "analysis/bias/debias_lists.hpp"
#include "semspace/status.hpp"
#include "semspace/word_vectors.hpp"

namespace semspace {

struct BiasDirection {
  std::vector<float> vector;               // unit length, model.dim() values
  double explained_variance_ratio = 0;     // share of the pairs' variance along it (1 = all of it)
  std::size_t pairs_used = 0;              // definitional pairs with both words in the vocabulary
  std::vector<std::string> missing_pairs;  // "a/b" for pairs skipped because a word is missing
};

/// The first principal component of the centred definitional pairs, from the model's unit vectors; words are
/// looked up as written, then in lower case (find_list_word). kNotFound when no pair has both words;
/// kInvalidArgument when the pairs' words coincide (no variance, so no direction).
Expected<BiasDirection> find_bias_direction(const WordVectors& model,
                                            std::span<const std::pair<std::string, std::string>> pairs);

/// Mean |cos(w, direction)| over the given vocabulary rows (Bolukbasi et al.'s DirectBias with c = 1); 0 when
/// there are none. Zero vectors count as 0.
double direct_bias(const WordVectors& model, std::span<const float> direction, std::span<const std::uint32_t> rows);

struct HardDebiasReport {
  BiasDirection direction;
  std::vector<std::uint32_t> neutralized_rows;  // vocabulary rows that were neutralised
  std::size_t specific = 0;                     // vocabulary words left alone as specific
  std::size_t equalized_pairs = 0;              // pairs equalised (case variants counted apart)
  std::vector<std::string> missing_equalize_pairs;  // "a/b" for equalize pairs with no variant in the vocabulary
  bool subwords_neutralized = false;            // the model's n-gram rows were neutralised too
};

struct HardDebiasResult {
  WordVectors model;  // same vocabulary, counts and subword settings as the input
  HardDebiasReport report;
};

/// Debiases `model` with `lists` (see the file comment). Errors as find_bias_direction. The input is unchanged.
Expected<HardDebiasResult> hard_debias(const WordVectors& model, const DebiasWordLists& lists);

}  // namespace semspace
