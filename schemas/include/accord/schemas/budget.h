// A work budget for one request: a counter of abstract work units that the
// parsers, the compatibility engine and the differ charge as they go, so
// that an input too costly to answer is stopped early instead of running
// for seconds.
//
// Contracts:
//  * A WorkBudget counts units (roughly: one node, field, symbol or value
//    visited, one pair of nodes compared). Charge returns false once the
//    total has passed the limit, and keeps returning false.
//  * WorkBudgetScope makes a budget the current one of its thread until it
//    is destroyed (scopes nest: the previous one is restored). Code that
//    does work calls ChargeWork(units); with no current budget (the CLI,
//    tests) that is always true and nothing is counted.
//  * What code does when ChargeWork returns false is its own business, as
//    long as it then finishes quickly (each call after exhaustion does O(1)
//    work more): parsers fail with ErrorCode::kLimit, the compatibility
//    engine stops comparing. The owner of the budget (the registry's
//    Service) asks Exhausted() afterwards and answers with an error naming
//    the limit; a result computed under an exhausted budget is never used.
//  * Not thread-safe: one budget per thread (a request runs on one thread).
#pragma once

#include <cstdint>

namespace accord {

class WorkBudget {
 public:
  explicit WorkBudget(std::uint64_t limit) : limit_(limit) {}
  // Counts `units`; false when the total is now past the limit.
  bool Charge(std::uint64_t units) {
    used_ += units;
    return used_ <= limit_;
  }
  bool Exhausted() const { return used_ > limit_; }
  std::uint64_t used() const { return used_; }
  std::uint64_t limit() const { return limit_; }

 private:
  std::uint64_t limit_;
  std::uint64_t used_ = 0;
};

namespace detail {
inline thread_local WorkBudget* current_work_budget = nullptr;
}  // namespace detail

// The current budget of this thread; nullptr when none.
inline WorkBudget* CurrentWorkBudget() { return detail::current_work_budget; }

// Charges the current budget, if any; false when it is exhausted.
inline bool ChargeWork(std::uint64_t units = 1) {
  WorkBudget* b = detail::current_work_budget;
  return b == nullptr || b->Charge(units);
}

// Whether the current budget (if any) is exhausted, without charging.
inline bool WorkExhausted() {
  const WorkBudget* b = detail::current_work_budget;
  return b != nullptr && b->Exhausted();
}

class WorkBudgetScope {
 public:
  explicit WorkBudgetScope(WorkBudget& budget) : previous_(detail::current_work_budget) {
    detail::current_work_budget = &budget;
  }
  ~WorkBudgetScope() { detail::current_work_budget = previous_; }
  WorkBudgetScope(const WorkBudgetScope&) = delete;
  WorkBudgetScope& operator=(const WorkBudgetScope&) = delete;

 private:
  WorkBudget* previous_;
};

}  // namespace accord
