#include "train/word2vec/word2vec_trainer.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "train/word2vec/negative_sampler.hpp"

namespace semspace::train {
namespace {

namespace fs = std::filesystem;

// A corpus with planted structure: kTopics topics of kWordsPerTopic random-letter words (so subwords carry no
// topic information); every line draws its words from one topic plus a few shared filler words.
struct PlantedCorpus {
  static constexpr int kTopics = 6;
  static constexpr int kWordsPerTopic = 8;
  std::vector<std::vector<std::string>> topics;
  fs::path path;

  explicit PlantedCorpus(const std::string& name, int lines = 6000, std::uint32_t seed = 7) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> letter('a', 'z');
    std::set<std::string> used;
    auto random_word = [&] {
      for (;;) {
        std::string w;
        for (int i = 0; i < 6; ++i) w.push_back(static_cast<char>(letter(rng)));
        if (used.insert(w).second) return w;
      }
    };
    topics.resize(kTopics);
    for (auto& topic : topics) {
      for (int i = 0; i < kWordsPerTopic; ++i) topic.push_back(random_word());
    }
    std::vector<std::string> filler = {"the", "of", "and", "a", "to"};
    path = fs::temp_directory_path() / (name + "-" + std::to_string(std::random_device{}()) + ".txt");
    std::ofstream out(path);
    std::uniform_int_distribution<int> pick_topic(0, kTopics - 1), pick_word(0, kWordsPerTopic - 1),
        pick_filler(0, static_cast<int>(filler.size()) - 1), coin(0, 3);
    for (int line = 0; line < lines; ++line) {
      const auto& topic = topics[pick_topic(rng)];
      for (int i = 0; i < 12; ++i) {
        out << (coin(rng) == 0 ? filler[pick_filler(rng)] : topic[pick_word(rng)]) << (i == 11 ? '\n' : ' ');
      }
    }
  }
  ~PlantedCorpus() { fs::remove(path); }

  // Fraction of (word, top-k neighbour) pairs where the neighbour is a topic-mate.
  double neighbour_precision(const WordVectors& model, int k) const {
    std::map<std::string, int> topic_of;
    for (int t = 0; t < kTopics; ++t) {
      for (const auto& w : topics[t]) topic_of[w] = t;
    }
    const Matrix& unit = model.unit_words_matrix();
    int good = 0, total = 0;
    for (const auto& [word, topic] : topic_of) {
      auto index = model.find(word);
      EXPECT_TRUE(index.has_value()) << word;
      if (!index) continue;
      std::vector<std::pair<float, std::string>> scored;
      for (std::uint32_t j = 0; j < model.size(); ++j) {
        if (j == *index || !topic_of.count(model.words()[j])) continue;
        float dot = 0;
        for (int d = 0; d < model.dim(); ++d) dot += unit.row(*index)[d] * unit.row(j)[d];
        scored.emplace_back(dot, model.words()[j]);
      }
      std::partial_sort(scored.begin(), scored.begin() + k, scored.end(), std::greater<>());
      for (int i = 0; i < k; ++i) {
        good += topic_of[scored[i].second] == topic;
        ++total;
      }
    }
    return static_cast<double>(good) / total;
  }
};

Word2VecOptions small_options() {
  Word2VecOptions options;
  options.dim = 24;
  options.epochs = 5;
  options.min_count = 1;
  options.sample = 0;
  options.threads = 1;
  options.subwords.buckets = 5000;
  return options;
}

struct Variant {
  Word2VecArchitecture architecture;
  bool subwords;
  int threads;
};

class PlantedStructure : public testing::TestWithParam<Variant> {};

TEST_P(PlantedStructure, NeighboursAreTopicMates) {
  PlantedCorpus corpus("planted");
  auto options = small_options();
  options.architecture = GetParam().architecture;
  options.threads = GetParam().threads;
  if (!GetParam().subwords) options.subwords.maxn = 0;
  TrainReport report;
  auto model = train_word2vec(corpus.path, options, nullptr, &report);
  ASSERT_TRUE(model) << model.error().message;
  EXPECT_EQ(model->has_subwords(), GetParam().subwords);
  EXPECT_EQ(report.vocabulary, PlantedCorpus::kTopics * PlantedCorpus::kWordsPerTopic + 5);
  EXPECT_EQ(report.words_trained, report.corpus.kept_tokens * options.epochs);
  EXPECT_TRUE(std::isfinite(report.final_loss));
  // Chance level is 7/47 ~ 0.15.
  EXPECT_GT(corpus.neighbour_precision(*model, 5), 0.9);
}

INSTANTIATE_TEST_SUITE_P(Variants, PlantedStructure,
                         testing::Values(Variant{Word2VecArchitecture::kSkipGram, false, 1},
                                         Variant{Word2VecArchitecture::kSkipGram, true, 1},
                                         Variant{Word2VecArchitecture::kCbow, false, 1},
                                         Variant{Word2VecArchitecture::kCbow, true, 2},
                                         Variant{Word2VecArchitecture::kSkipGram, true, 2}),
                         [](const testing::TestParamInfo<Variant>& info) {
                           const Variant& v = info.param;
                           return std::string(v.architecture == Word2VecArchitecture::kSkipGram ? "SkipGram" : "Cbow") +
                                  (v.subwords ? "Subwords" : "Words") + std::to_string(v.threads) + "Threads";
                         });

TEST(Word2VecTrainer, OneThreadAndSameSeedIsBitIdentical) {
  PlantedCorpus corpus("determinism", 800);
  auto options = small_options();
  auto first = train_word2vec(corpus.path, options, nullptr, nullptr);
  auto second = train_word2vec(corpus.path, options, nullptr, nullptr);
  ASSERT_TRUE(first && second);
  ASSERT_EQ(first->input().size(), second->input().size());
  EXPECT_EQ(0, std::memcmp(first->input().data(), second->input().data(), first->input().size() * sizeof(float)));
  options.seed = 2;
  auto third = train_word2vec(corpus.path, options, nullptr, nullptr);
  ASSERT_TRUE(third);
  EXPECT_NE(0, std::memcmp(first->input().data(), third->input().data(), first->input().size() * sizeof(float)));
}

TEST(Word2VecTrainer, UnseenWordsGetVectorsThroughSubwords) {
  PlantedCorpus corpus("oov", 2000);
  auto model = train_word2vec(corpus.path, small_options(), nullptr, nullptr);
  ASSERT_TRUE(model);
  std::string word = corpus.topics[0][0];
  std::string unseen = word + "s";
  ASSERT_FALSE(model->find(unseen));
  auto v = model->vector(unseen);
  ASSERT_TRUE(v) << v.error().message;
  // The unseen variant shares most n-grams with its stem, so it is nearer to it than to another topic's word.
  auto cosine = [](std::span<const float> a, std::span<const float> b) {
    double dot = 0, na = 0, nb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) dot += a[i] * b[i], na += a[i] * a[i], nb += b[i] * b[i];
    return dot / std::sqrt(na * nb);
  };
  auto stem = model->vector(*model->find(word));
  auto other = model->vector(*model->find(corpus.topics[3][0]));
  EXPECT_GT(cosine(*v, stem), cosine(*v, other));
}

TEST(Word2VecTrainer, EmptyCorpusIsAClearError) {
  auto path = fs::temp_directory_path() / "semspace-empty-corpus.txt";
  std::ofstream(path) << "\n\n  \n";
  auto model = train_word2vec(path, small_options(), nullptr, nullptr);
  ASSERT_FALSE(model);
  EXPECT_NE(model.error().message.find("no words found"), std::string::npos) << model.error().message;
  EXPECT_NE(model.error().message.find(path.string()), std::string::npos);
  fs::remove(path);
}

TEST(Word2VecTrainer, MinCountAboveEveryWordIsAClearError) {
  PlantedCorpus corpus("mincount", 50);
  auto options = small_options();
  options.min_count = 1000000;
  auto model = train_word2vec(corpus.path, options, nullptr, nullptr);
  ASSERT_FALSE(model);
  EXPECT_NE(model.error().message.find("--min-count"), std::string::npos) << model.error().message;
}

TEST(Word2VecTrainer, MissingInputNamesTheFile) {
  auto model = train_word2vec("/nonexistent/corpus.txt", small_options(), nullptr, nullptr);
  ASSERT_FALSE(model);
  EXPECT_NE(model.error().message.find("/nonexistent/corpus.txt"), std::string::npos) << model.error().message;
}

TEST(Word2VecOptions, RejectsOutOfRangeValuesNamingTheFlag) {
  auto options = small_options();
  options.dim = 0;
  auto status = options.validate();
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("--dim"), std::string::npos);
  options = small_options();
  options.subwords.minn = 5;
  options.subwords.maxn = 3;
  EXPECT_FALSE(options.validate());
  options = small_options();
  options.sample = -1;
  EXPECT_FALSE(options.validate());
  options = small_options();
  options.neg_power = -0.5;
  status = options.validate();
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("--neg-power"), std::string::npos);
}

TEST(Word2VecOptions, NegativePowerFollowsTheModeUnlessGiven) {
  Word2VecOptions options;
  options.subwords = SubwordOptions{3, 6, 1000};
  EXPECT_EQ(options.effective_neg_power(), 0.5);  // fastText's table
  options.subwords.maxn = 0;
  EXPECT_EQ(options.effective_neg_power(), 0.75);  // word2vec's
  options.neg_power = 1.0;
  EXPECT_EQ(options.effective_neg_power(), 1.0);
}

TEST(NegativeSampler, DrawsUnigramToThreeQuarters) {
  std::vector<std::uint64_t> counts = {1000, 300, 50, 7, 1, 1};
  NegativeSampler sampler(counts, 0.75);
  double total = 0;
  for (auto c : counts) total += std::pow(static_cast<double>(c), 0.75);
  core::Rng rng(3);
  std::vector<int> drawn(counts.size());
  constexpr int kDraws = 400000;
  for (int i = 0; i < kDraws; ++i) ++drawn[sampler.sample(rng)];
  for (std::size_t w = 0; w < counts.size(); ++w) {
    double expected = std::pow(static_cast<double>(counts[w]), 0.75) / total;
    EXPECT_NEAR(sampler.probability(static_cast<std::uint32_t>(w)), expected, 1e-6) << w;
    double observed = static_cast<double>(drawn[w]) / kDraws;
    EXPECT_NEAR(observed, expected, 5 * std::sqrt(expected * (1 - expected) / kDraws) + 1e-6) << w;
  }
}

}  // namespace
}  // namespace semspace::train
