#include "workload/distractor_filler.h"

#include <gtest/gtest.h>

namespace l4lab::workload {
namespace {

// Documents of `words` words "<name>0 <name>1 ...", each word costing 1.
DistractorPool pool(const std::vector<std::pair<std::string, int>>& docs) {
  DistractorPool p;
  for (const auto& [name, n] : docs) {
    DistractorDoc d;
    d.source_id = name;
    for (int i = 0; i < n; ++i) {
      d.words.push_back(name + std::to_string(i));
      d.costs.push_back(1);
    }
    d.total_cost = n;
    p.total_cost += n;
    p.docs.push_back(std::move(d));
  }
  return p;
}

TEST(DistractorFiller, AddsWordsWorthTheGapHeaderIncluded) {
  const auto p = pool({{"a", 10}});
  Rng rng(1);
  DistractorFiller f(p, /*header_cost=*/3, "primary", rng);
  EXPECT_TRUE(f.add(6));  // header 3 + first word 1, then two words
  EXPECT_EQ(f.render(), "a0 a1 a2");
  EXPECT_EQ(f.sources(), (std::vector<std::string>{"a"}));
}

TEST(DistractorFiller, NeverReadsThePrimarysDocument) {
  const auto p = pool({{"primary", 50}, {"b", 3}});
  Rng rng(7);
  DistractorFiller f(p, 0, "primary", rng);
  EXPECT_FALSE(f.add(100));  // only b's three words: the pool runs dry
  EXPECT_EQ(f.render(), "b0 b1 b2");
}

TEST(DistractorFiller, DocumentsAreSeparatedAndEachBreakCosts) {
  const auto p = pool({{"a", 2}, {"b", 2}});
  Rng rng(3);
  DistractorFiller f(p, 0, "", rng);
  EXPECT_FALSE(f.add(100));
  const std::string text = f.render();
  EXPECT_TRUE(text == "a0 a1\n\nb0 b1" || text == "b0 b1\n\na0 a1") << text;
  EXPECT_EQ(f.sources().size(), 2u);
}

TEST(DistractorFiller, RemoveThenAddResumesWhereTheWordsWereTaken) {
  const auto p = pool({{"a", 10}});
  Rng rng(1);
  DistractorFiller f(p, 0, "", rng);
  EXPECT_TRUE(f.add(5));
  f.remove(2);
  EXPECT_EQ(f.render(), "a0 a1 a2");
  EXPECT_TRUE(f.add(1));
  EXPECT_EQ(f.render(), "a0 a1 a2 a3");
}

TEST(DistractorFiller, RestoreGoesBackToEarlierEntries) {
  const auto p = pool({{"a", 10}});
  Rng rng(1);
  DistractorFiller f(p, 0, "", rng);
  EXPECT_TRUE(f.add(2));
  const auto two = f.entries();
  EXPECT_TRUE(f.add(3));
  f.restore(two);
  EXPECT_EQ(f.render(), "a0 a1");
}

TEST(ClosestCount, KeepsTheInRangeCountNearestTheTargetTiesToShorter) {
  ClosestCount best(100, 90, 110);
  EXPECT_FALSE(best.found());
  best.consider(80, {});   // below the bucket
  best.consider(120, {});  // above the limit
  EXPECT_FALSE(best.found());
  best.consider(95, {{0, 1}});
  best.consider(105, {{0, 2}});  // as near, longer: not taken
  EXPECT_EQ(best.count(), 95);
  best.consider(101, {{0, 3}});
  EXPECT_EQ(best.count(), 101);
  ASSERT_EQ(best.entries().size(), 1u);
  EXPECT_EQ(best.entries()[0].word, 3);
}

}  // namespace
}  // namespace l4lab::workload
