// Private to registry/src: the index behind the case-variant rule (service.h,
// RULES, "Subject names"): which subjects fold (FoldSubjectName) to the same
// name. Register asks it only when it creates a subject, so the check costs
// one hash lookup, not a scan of the subjects.
//
// What it knows: every subject with a version record (soft-deleted ones
// included), loaded from Store::ListSubjects on first use and again when the
// load is older than kReload, or than kReloadFactor times what the last load
// took when that is longer (so reloads, O(subjects), take at most 1% of the
// time: subjects other processes on a shared store created are seen within
// max(1 s, 100 x load time)); the subjects this process created since; and
// the names being created right now (claims not yet committed). A hit is confirmed with the
// store (a permanently deleted subject no longer counts) unless it is a claim
// in flight.
//
// Several replicas on one PostgreSQL store: two replicas creating "Orders"
// and "orders" within one reload interval of each other both pass here; the
// store's write refuses the second (subject_folds, NewVersion::case_fold and
// SubjectClaim::case_fold).
//
// Thread safety: every method may be called concurrently (mu_ guards all).
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include "accord/registry/error.h"
#include "accord/registry/store.h"
#include "accord/registry/types.h"

namespace accord::registry::internal {

class FoldedNames {
 public:
  static constexpr std::chrono::seconds kReload{1};
  static constexpr int kReloadFactor = 100;

  // Keeps `store` (owned by the Service) for its lifetime.
  explicit FoldedNames(Store& store) : store_(store) {}

  // A claim on a name being created: released on destruction unless
  // committed (the write failed or was refused).
  class Claim {
   public:
    Claim(FoldedNames& names, SubjectName s) : names_(&names), subject_(std::move(s)) {}
    Claim(Claim&& o) noexcept : names_(o.names_), subject_(std::move(o.subject_)) {
      o.names_ = nullptr;
    }
    Claim& operator=(Claim&&) = delete;
    Claim(const Claim&) = delete;
    ~Claim();
    // The subject was written: it is known from now on.
    void Commit();

   private:
    FoldedNames* names_;
    SubjectName subject_;
  };

  // 42208 naming the other subject when a different subject with a version
  // record, or a claim in flight, folds like `s`; else `s` is claimed.
  // Store errors pass through.
  RegistryResult<Claim> ClaimNew(const SubjectName& s);

 private:
  RegistryResult<void> LoadIfStale();

  Store& store_;
  std::mutex mu_;
  // folded name -> subjects with a version record (as last seen)
  std::unordered_map<std::string, std::set<std::string>> known_;
  // folded name -> subjects being created in this process
  std::unordered_map<std::string, std::set<std::string>> claimed_;
  std::chrono::steady_clock::time_point loaded_at_{};
  std::chrono::steady_clock::duration load_took_{};
  bool loaded_ = false;
};

}  // namespace accord::registry::internal
