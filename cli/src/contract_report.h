// The results of a contract run (`accord test`, `accord can-i-deploy`) and
// their four renderings.
//
// A run is a list of checks; each check has a status and, when it did not
// simply pass, problems (one line each, with the file and line they point
// at, and for compatibility breaks the consumer, its owner, the field path
// and a witness event).
//
// text (colour only when asked: the caller decides from isatty/NO_COLOR):
//     PASS  orders.order-placed: examples validate (2 files)
//     FAIL  orders.order-placed: consumer shipping (team-logistics)
//           REQUIRED_ADDED at /properties/x: message
//             field:   /properties/x
//             witness: {"id":"a"}
//     WARN  ...          SKIP  ... (offline)
//     FAILED: 4 checks, 2 passed, 1 failed, 1 warning, 0 skipped
//   (PASSED when nothing failed). `quiet` leaves out PASS and SKIP lines.
// json: {"service", "file", "registry": string|null, "passed": bool,
//        "summary": {"checks", "passed", "failed", "warnings", "skipped"},
//        "checks": [{"subject", "name", "status": "PASS"|"FAIL"|"WARN"|"SKIP",
//                    "detail", "problems": [{"severity": "error"|"warning",
//                    "message", "file"?, "line"?, "kind"?, "path"?, "consumer"?,
//                    "owner"?, "witness"?}]}]}   (pretty-printed)
// junit: one <testsuite name="accord test SERVICE">, one <testcase
//   classname="SUBJECT" name="NAME"> per check; FAIL holds <failure>, SKIP
//   <skipped>, problems and warnings go to <system-out>.
// github: one workflow command per problem (::error for a failed check,
//   ::warning for a warning) with file= and line=, then the text summary line.
// "file" is always a real file (a schema, example or contract file) or absent
// (then github has no file= and line=): never a name such as "SUBJECT version
// N" for a schema that only the registry holds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accord/schemas/json.h"

namespace accord::cli {

enum class CheckStatus : std::uint8_t { kPass, kWarn, kFail, kSkip };
std::string_view CheckStatusName(CheckStatus s);  // "PASS", "WARN", "FAIL", "SKIP"

struct Problem {
  bool warning = false;  // else an error
  std::string message;   // one line
  std::string file;      // a real file it points at (schema, example or contract
                         // file); empty when there is none
  int line = 0;          // 0: unknown
  std::string kind;      // finding kind, when it is a compatibility finding
  std::string path;      // field path (JSON pointer) in the schema concerned
  std::string consumer;  // consuming service, when about one
  std::string owner;     // its owner
  std::optional<json::Value> witness;
  int column = 0;  // with `line`: the column of the offending value; 0: unknown
};

struct CheckResult {
  std::string subject;
  std::string name;  // e.g. "examples validate", "consumer shipping (team-logistics)"
  CheckStatus status = CheckStatus::kPass;
  std::string detail;  // one line shown after the name ("2 files", "offline")
  std::vector<Problem> problems;
};

struct RunReport {
  std::string command = "test";  // "test" or "can-i-deploy" (headings)
  std::string service;
  std::string file;      // the contract file, empty for can-i-deploy
  std::string registry;  // empty when offline
  std::vector<CheckResult> checks;

  bool passed() const;  // no check failed
  std::size_t Count(CheckStatus s) const;
};

enum class RunFormat : std::uint8_t { kText, kJson, kJunit, kGithub };
std::optional<RunFormat> RunFormatFromString(std::string_view s);

struct RenderOptions {
  RunFormat format = RunFormat::kText;
  bool colour = false;
  bool quiet = false;
};

// The rendering, ending with a newline.
std::string RenderRun(const RunReport& report, const RenderOptions& options);

// "FAILED: 4 checks, 2 passed, 1 failed, 1 warning, 0 skipped".
std::string RunSummaryLine(const RunReport& report);

}  // namespace accord::cli
