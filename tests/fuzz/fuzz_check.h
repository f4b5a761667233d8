// Internal to the fuzz targets: how a target stops on a broken invariant
// (a message naming the target and the invariant, then the start of the
// input or value that broke it, then abort(), which libFuzzer reports as a
// crash and saves the input of).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace accord::fuzz {

inline void Check(const char* target, bool ok, const char* what, std::string_view detail = {}) {
  if (ok) return;
  std::fprintf(stderr, "%s: invariant broken: %s\n", target, what);
  std::fwrite(detail.data(), 1, detail.size() > 2000 ? 2000 : detail.size(), stderr);
  std::fputc('\n', stderr);
  std::abort();
}

}  // namespace accord::fuzz
