// BatchPool: every index of every batch runs exactly once.
#include "validate_pool.h"

#include <atomic>
#include <vector>

#include <gtest/gtest.h>

namespace accord::cli {
namespace {

TEST(BatchPool, EveryIndexRunsExactlyOnceAcrossManyBatches) {
  BatchPool pool(2);
  for (std::size_t n : {0u, 1u, 2u, 7u, 256u, 1000u}) {
    for (int round = 0; round < 50; ++round) {
      std::vector<std::atomic<int>> hits(n);
      pool.Run(n, [&](std::size_t i) { hits[i].fetch_add(1); });
      for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << "n=" << n << " i=" << i;
    }
  }
}

TEST(BatchPool, WithoutWorkersRunsInOrderOnTheCaller) {
  BatchPool pool(0);
  std::vector<std::size_t> order;
  pool.Run(5, [&](std::size_t i) { order.push_back(i); });
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
}

}  // namespace
}  // namespace accord::cli
