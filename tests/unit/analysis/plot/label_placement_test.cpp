#include "analysis/plot/label_placement.hpp"

#include <gtest/gtest.h>

#include "core/random.hpp"
#include "semspace/status.hpp"

namespace semspace::plot {
namespace {

struct Scene {
  std::vector<PixelPoint> points;
  std::vector<LabelRequest> requests;
};

// n points uniform in a w x h canvas, one label request per point in row order, widths 10..70 px.
Scene random_scene(std::size_t n, double w, double h, std::uint64_t seed) {
  core::Rng rng(seed);
  Scene s;
  for (std::size_t i = 0; i < n; ++i) {
    s.points.push_back({rng.uniform() * w, rng.uniform() * h});
    s.requests.push_back({static_cast<std::uint32_t>(i), 10 + 60 * static_cast<double>(rng.uniform()), 11});
  }
  return s;
}

Box square(PixelPoint p, double r) { return {p.x - r, p.y - r, p.x + r, p.y + r}; }

// The rules place_labels promises, checked pairwise without any acceleration structure.
void expect_valid(const Scene& s, const std::vector<std::optional<Box>>& placed, const LabelPlacementOptions& o) {
  ASSERT_EQ(placed.size(), s.requests.size());
  for (std::size_t i = 0; i < placed.size(); ++i) {
    if (!placed[i]) continue;
    const Box& box = *placed[i];
    EXPECT_TRUE(o.bounds.contains(box)) << i;
    EXPECT_NEAR(box.width(), s.requests[i].width, 1e-9);
    EXPECT_NEAR(box.height(), s.requests[i].height, 1e-9);
    for (std::size_t j = i + 1; j < placed.size(); ++j) {
      if (placed[j]) {
        EXPECT_FALSE(box.overlaps(*placed[j])) << i << " and " << j;
      }
    }
    for (std::size_t p = 0; p < s.points.size(); ++p) {
      if (p == s.requests[i].point) continue;
      EXPECT_FALSE(box.overlaps(square(s.points[p], o.point_radius))) << "label " << i << " covers point " << p;
    }
    // Beside its own point: within reach of the marker, not on it.
    const PixelPoint own = s.points[s.requests[i].point];
    EXPECT_FALSE(box.overlaps(square(own, o.point_radius))) << i;
    EXPECT_LE(std::max({box.x0 - own.x, own.x - box.x1, 0.0}), o.point_radius + o.gap + 1e-9) << i;
    EXPECT_LE(std::max({box.y0 - own.y, own.y - box.y1, 0.0}), o.point_radius + o.gap + 1e-9) << i;
  }
}

// The same greedy rule without the grid: every candidate against every point and every placed label.
std::vector<std::optional<Box>> naive_place(const Scene& s, const LabelPlacementOptions& o) {
  std::vector<std::optional<Box>> out(s.requests.size());
  std::vector<Box> placed;
  const double r = o.point_radius, g = o.gap, d = r + g / 2;
  for (std::size_t i = 0; i < s.requests.size(); ++i) {
    if (o.max_labels != 0 && placed.size() == o.max_labels) break;
    const auto& q = s.requests[i];
    const PixelPoint p = s.points[q.point];
    const double w = q.width, h = q.height;
    const Box tries[] = {{p.x + r + g, p.y - h / 2, p.x + r + g + w, p.y + h / 2},
                         {p.x + d, p.y - d - h, p.x + d + w, p.y - d},
                         {p.x + d, p.y + d, p.x + d + w, p.y + d + h},
                         {p.x - r - g - w, p.y - h / 2, p.x - r - g, p.y + h / 2},
                         {p.x - d - w, p.y - d - h, p.x - d, p.y - d},
                         {p.x - d - w, p.y + d, p.x - d, p.y + d + h},
                         {p.x - w / 2, p.y - r - g - h, p.x + w / 2, p.y - r - g},
                         {p.x - w / 2, p.y + r + g, p.x + w / 2, p.y + r + g + h}};
    for (const Box& box : tries) {
      bool free = o.bounds.contains(box);
      for (const Box& other : placed) free = free && !box.overlaps(other);
      for (std::size_t j = 0; j < s.points.size() && free; ++j) {
        free = j == q.point || !box.overlaps(square(s.points[j], r));
      }
      if (free) {
        placed.push_back(box);
        out[i] = box;
        break;
      }
    }
  }
  return out;
}

TEST(LabelPlacement, DensePointsGetNoOverlapsAndMatchTheNaiveRule) {
  for (std::uint64_t seed : {1, 2, 3}) {
    const Scene s = random_scene(1500, 600, 400, seed);
    const LabelPlacementOptions o{.bounds = {0, 0, 600, 400}, .point_radius = 2, .gap = 2};
    const auto placed = place_labels(s.points, s.requests, o);
    expect_valid(s, placed, o);
    const auto naive = naive_place(s, o);
    std::size_t count = 0;
    for (std::size_t i = 0; i < placed.size(); ++i) {
      ASSERT_EQ(placed[i].has_value(), naive[i].has_value()) << "seed " << seed << " label " << i;
      if (placed[i]) {
        ++count;
        EXPECT_EQ(placed[i]->x0, naive[i]->x0);
        EXPECT_EQ(placed[i]->y0, naive[i]->y0);
      }
    }
    // Dense: some labels fit, many are dropped.
    EXPECT_GT(count, 20u) << seed;
    EXPECT_LT(count, s.requests.size() / 2) << seed;
  }
}

TEST(LabelPlacement, SparsePointsAreAllLabelled) {
  Scene s;
  for (int i = 0; i < 5; ++i) {
    s.points.push_back({100.0 + 150 * i, 100.0 + 50 * i});
    s.requests.push_back({static_cast<std::uint32_t>(i), 40, 11});
  }
  const LabelPlacementOptions o{.bounds = {0, 0, 800, 400}, .point_radius = 4, .gap = 2};
  const auto placed = place_labels(s.points, s.requests, o);
  expect_valid(s, placed, o);
  for (std::size_t i = 0; i < placed.size(); ++i) {
    ASSERT_TRUE(placed[i]) << i;
    EXPECT_EQ(placed[i]->x0, s.points[i].x + 6) << "the first choice is right of the point";
  }
}

TEST(LabelPlacement, UsesOtherSidesAtTheEdgesAndStopsAtTheLimit) {
  Scene s;
  s.points = {{795, 200}, {5, 5}, {400, 200}, {420, 200}, {440, 200}};
  for (std::uint32_t i = 0; i < 5; ++i) s.requests.push_back({i, 40, 11});
  const LabelPlacementOptions o{.bounds = {0, 0, 800, 400}, .point_radius = 3, .gap = 2, .max_labels = 4};
  const auto placed = place_labels(s.points, s.requests, o);
  expect_valid(s, placed, o);
  ASSERT_TRUE(placed[0]);
  EXPECT_LT(placed[0]->x1, 795);  // no room on the right: left of the point
  ASSERT_TRUE(placed[1]);
  EXPECT_GT(placed[1]->y0, 5);    // no room above: below
  ASSERT_TRUE(placed[2]);
  ASSERT_TRUE(placed[3]);
  EXPECT_FALSE(placed[4]) << "max_labels = 4 placed already";
  // A request naming a point that does not exist is a caller's bug.
  const std::vector<LabelRequest> bad = {{9, 10, 10}};
  EXPECT_THROW(place_labels(s.points, bad, o), semspace::InternalError);
}

}  // namespace
}  // namespace semspace::plot
