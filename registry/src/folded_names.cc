// The case-variant index (folded_names.h).
#include "folded_names.h"

#include <algorithm>
#include <utility>

#include "service_internal.h"
#include "subject_names.h"

namespace accord::registry::internal {

FoldedNames::Claim::~Claim() {
  if (names_ == nullptr) return;
  std::lock_guard lock(names_->mu_);
  auto it = names_->claimed_.find(FoldSubjectName(subject_.str()));
  if (it == names_->claimed_.end()) return;
  it->second.erase(subject_.str());
  if (it->second.empty()) names_->claimed_.erase(it);
}

void FoldedNames::Claim::Commit() {
  if (names_ == nullptr) return;
  const std::string folded = FoldSubjectName(subject_.str());
  std::lock_guard lock(names_->mu_);
  names_->known_[folded].insert(subject_.str());
  auto it = names_->claimed_.find(folded);
  if (it != names_->claimed_.end()) {
    it->second.erase(subject_.str());
    if (it->second.empty()) names_->claimed_.erase(it);
  }
  names_ = nullptr;
}

RegistryResult<void> FoldedNames::LoadIfStale() {
  const auto now = std::chrono::steady_clock::now();
  // Reloads take at most 1% of the time: with many subjects a load takes
  // longer, and the index is reloaded less often than every kReload.
  if (loaded_ && now - loaded_at_ < std::max<std::chrono::steady_clock::duration>(
                                        kReload, kReloadFactor * load_took_)) {
    return {};
  }
  auto subjects = store_.ListSubjects(IncludeDeleted::kYes);
  if (!subjects) return std::unexpected(subjects.error());
  known_.clear();
  for (const SubjectName& s : *subjects) known_[FoldSubjectName(s.str())].insert(s.str());
  loaded_ = true;
  loaded_at_ = std::chrono::steady_clock::now();
  load_took_ = loaded_at_ - now;
  return {};
}

RegistryResult<FoldedNames::Claim> FoldedNames::ClaimNew(const SubjectName& s) {
  const std::string folded = FoldSubjectName(s.str());
  std::lock_guard lock(mu_);
  if (auto loaded = LoadIfStale(); !loaded) return std::unexpected(loaded.error());
  auto refuse = [&](const std::string& other, const char* how) {
    return std::unexpected(CaseVariantRefusal(s.str(), other, how));
  };
  if (auto c = claimed_.find(folded); c != claimed_.end()) {
    for (const std::string& other : c->second) {
      if (other != s.str()) return refuse(other, "the");
    }
  }
  if (auto k = known_.find(folded); k != known_.end()) {
    std::set<std::string>& names = k->second;
    for (auto it = names.begin(); it != names.end();) {
      if (*it == s.str()) {
        ++it;
        continue;
      }
      // Confirmed with the store: a permanently deleted subject is gone.
      auto versions = store_.ListVersions(SubjectName(*it), IncludeDeleted::kYes);
      if (!versions) return std::unexpected(versions.error());
      if (!versions->empty()) return refuse(*it, "the existing");
      it = names.erase(it);
    }
  }
  claimed_[folded].insert(s.str());
  return Claim(*this, s);
}

}  // namespace accord::registry::internal
