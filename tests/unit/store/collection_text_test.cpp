// Text through a collection's encoder: documents and queries agree (same pooling, same SIF component kept with
// the collection), and a model of another space is refused.
#include "store/collection_text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_test_util.hpp"
#include "support/test_models.hpp"

namespace semspace::store {
namespace {

CollectionInfo text_collection(const TextModel& model) {
  CollectionInfo info = testing::info_of("t", static_cast<int>(model.dim()));
  info.model = "m.sem";
  info.fingerprint = model.fingerprint();
  info.encoder = R"({"pooling":"sif","sif_a":0.001})";
  return info;
}

TEST(CollectionText, DocumentsAndQueriesShareTheEncoderAndItsComponent) {
  testing::ScratchDir dir("text");
  auto store = testing::open_or_die(dir / "c.db");
  const TextModel model(semspace::testing::random_model(40, 12, 3));
  ASSERT_TRUE(store.create(text_collection(model)));
  std::vector<std::string> texts = {"w1 w2 w3", "w4 w5", "w6 w7 w8 w9", "w10 w11", "w12 w13 w14"};
  auto vectors = encode_documents(store, "t", model, texts);
  ASSERT_TRUE(vectors) << vectors.error().message;
  auto component = store.get_array("t", "sif_component");
  ASSERT_TRUE(component && *component);
  EXPECT_EQ((*component)->size(), 12u) << "fitted on the first batch and kept";
  std::vector<Point> points;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    points.push_back(Point{static_cast<std::int64_t>(i), std::vector<float>(vectors->row(i).begin(), vectors->row(i).end()), "{}"});
  }
  ASSERT_TRUE(store.upsert("t", points));
  for (std::size_t i = 0; i < texts.size(); ++i) {
    auto hits = search_text(store, "t", model, texts[i], SearchOptions{.k = 1});
    ASSERT_TRUE(hits) << hits.error().message;
    ASSERT_EQ(hits->size(), 1u);
    EXPECT_EQ(hits->front().id, PointId(static_cast<std::int64_t>(i))) << "a document's own text finds it";
    EXPECT_NEAR(hits->front().score, 1.0f, 1e-5);
  }
  auto again = encode_documents(store, "t", model, std::vector<std::string>{"w1 w2 w3", "w20 w21"});
  ASSERT_TRUE(again);
  for (std::size_t d = 0; d < 12; ++d) EXPECT_FLOAT_EQ(again->row(0)[d], vectors->row(0)[d]) << "the kept component";
}

TEST(CollectionText, AModelOfAnotherSpaceIsRefused) {
  testing::ScratchDir dir("text-other");
  auto store = testing::open_or_die(dir / "c.db");
  const TextModel model(semspace::testing::random_model(40, 12, 3));
  const TextModel other(semspace::testing::random_model(40, 12, 4));
  ASSERT_TRUE(store.create(text_collection(model)));
  auto refused = search_text(store, "t", other, "w1 w2");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(refused.error().message, ::testing::HasSubstr("another space"));
  EXPECT_FALSE(encode_documents(store, "t", other, std::vector<std::string>{"w1", "w2"}));
  ASSERT_TRUE(store.create(testing::info_of("plain", 12)));
  EXPECT_THAT(search_text(store, "plain", model, "w1").error().message, ::testing::HasSubstr("has no model"));
}

// A collection records the f32 fingerprint; int8 vectors (about 1% off) are refused, for documents and queries.
TEST(CollectionText, Int8VectorsAreRefused) {
  testing::ScratchDir dir("text-int8");
  auto store = testing::open_or_die(dir / "c.db");
  const TextModel model(semspace::testing::random_model(40, 12, 3));
  ASSERT_TRUE(store.create(text_collection(model)));
  const TextEncodeOptions int8{.int8 = true};
  auto documents = encode_documents(store, "t", model, std::vector<std::string>{"w1"}, int8);
  ASSERT_FALSE(documents);
  EXPECT_THAT(documents.error().message, ::testing::HasSubstr("collections hold f32"));
  auto query = encode_query(store, "t", model, "w1", int8);
  ASSERT_FALSE(query);
  EXPECT_THAT(query.error().message, ::testing::HasSubstr("collections hold f32"));
  EXPECT_TRUE(encode_documents(store, "t", model, std::vector<std::string>{"w1"})) << "f32 is accepted";
}

}  // namespace
}  // namespace semspace::store
