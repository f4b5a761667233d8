// Runs the official JSON-Schema-Test-Suite against accord::jsonschema::Validator.
//
// Usage: jsonschema_suite <draft>   (draft4, draft6, draft7, draft2019-09, draft2020-12)
//
// Reads <testdata>/JSON-Schema-Test-Suite in place (<testdata> is $ACCORD_TESTDATA,
// else the ACCORD_SHARED_TESTDATA compile-time default). Remote documents
// (remotes/, served as http://localhost:1234/...) and the meta-schemas
// (<testdata>/metaschemas, under their own $id) are handed to the validator in
// the SchemaBundle: nothing is fetched. Runs every tests/<draft>/*.json
// ("required") and optional/format/*.json for the formats format::Find knows,
// with FormatMode::kAssert ("format", informational), and the other
// optional/*.json files (informational).
//
// Exit status: 0 when the required tests meet the bar (all of draft7 and
// draft2020-12; at least 98% of the others), 1 otherwise, 77 (ctest SKIP) when
// the test data is absent.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "accord/schemas/format.h"
#include "accord/schemas/json.h"
#include "accord/schemas/jsonschema.h"
#include "accord/schemas/load.h"

namespace fs = std::filesystem;
namespace js = accord::jsonschema;

namespace {

constexpr int kSkipReturnCode = 77;

// Every test this runner does not run, with the reason. `file` is relative to
// tests/<draft>/; an empty `test` skips the whole case.
struct Skip {
  std::string_view draft;
  std::string_view file;
  std::string_view case_description;
  std::string_view test_description;
  std::string_view reason;
};
constexpr Skip kSkipped[] = {
    {"", "", "", "", ""},  // (none at present)
};

const Skip* FindSkip(std::string_view draft, std::string_view file, std::string_view case_desc,
                     std::string_view test_desc) {
  for (const Skip& s : kSkipped) {
    if (s.draft.empty()) continue;
    if (s.draft != draft || s.file != file) continue;
    if (!s.case_description.empty() && s.case_description != case_desc) continue;
    if (!s.test_description.empty() && s.test_description != test_desc) continue;
    return &s;
  }
  return nullptr;
}

std::optional<accord::json::Value> LoadJson(const fs::path& path) {
  auto text = accord::ReadFile(path.string(), 64u * 1024u * 1024u);
  if (!text) {
    std::fprintf(stderr, "cannot read %s: %s\n", path.c_str(), text.error().ToString().c_str());
    return std::nullopt;
  }
  auto doc = accord::ParseJson(*text, path.string());
  if (!doc) {
    std::fprintf(stderr, "cannot parse %s: %s\n", path.c_str(), doc.error().ToString().c_str());
    return std::nullopt;
  }
  return std::move(doc->root);
}

std::vector<fs::path> JsonFiles(const fs::path& dir, bool recursive) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  if (recursive) {
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path());
    }
  } else {
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<js::Dialect> DraftDialect(std::string_view draft) {
  if (draft == "draft4") return js::Dialect::kDraft4;
  if (draft == "draft6") return js::Dialect::kDraft6;
  if (draft == "draft7") return js::Dialect::kDraft7;
  if (draft == "draft2019-09") return js::Dialect::kDraft2019_09;
  if (draft == "draft2020-12") return js::Dialect::kDraft2020_12;
  return std::nullopt;
}

struct Tally {
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  std::vector<std::string> failures;
};

// Runs one test file; `file_label` is relative to tests/<draft>/.
void RunFile(const fs::path& path, const std::string& file_label, std::string_view draft,
             const js::SchemaBundle& bundle, const js::CompileOptions& options, Tally* tally) {
  auto doc = LoadJson(path);
  if (!doc || !doc->IsArray()) {
    ++tally->failed;
    tally->failures.push_back(file_label + ": unreadable test file");
    return;
  }
  for (const accord::json::Value& test_case : doc->AsArray()) {
    const accord::json::Value* desc = test_case.Find("description");
    const accord::json::Value* schema = test_case.Find("schema");
    const accord::json::Value* tests = test_case.Find("tests");
    if (desc == nullptr || schema == nullptr || tests == nullptr || !tests->IsArray()) continue;
    const std::string& case_desc = desc->AsString();
    auto validator = js::Validator::Compile(*schema, bundle, options);
    for (const accord::json::Value& t : tests->AsArray()) {
      const std::string& test_desc = t.Find("description")->AsString();
      const accord::json::Value* data = t.Find("data");
      bool expected = t.Find("valid")->AsBool();
      std::string name = file_label + " | " + case_desc + " | " + test_desc;
      if (FindSkip(draft, file_label, case_desc, test_desc) != nullptr) {
        ++tally->skipped;
        continue;
      }
      if (!validator) {
        ++tally->failed;
        tally->failures.push_back(name + "  [compile error: " + validator.error().ToString() + "]");
        continue;
      }
      js::ValidationResult all = validator->Validate(*data, js::StopMode::kAllFailures);
      js::ValidationResult first = validator->Validate(*data, js::StopMode::kFirstFailure);
      bool quick = validator->IsValid(*data);
      if (all.valid == expected && first.valid == expected && quick == expected) {
        ++tally->passed;
        continue;
      }
      ++tally->failed;
      std::string detail = expected ? "expected valid" : "expected invalid";
      if (all.valid != first.valid || all.valid != quick) detail += ", stop modes disagree";
      if (!all.failures.empty()) {
        const js::ValidationFailure& f = all.failures.front();
        detail +=
            "; got: " + f.keyword_location + " at '" + f.instance_location + "': " + f.message;
      }
      tally->failures.push_back(name + "  [" + detail + "]");
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 || !DraftDialect(argv[1])) {
    std::fprintf(stderr, "usage: %s draft4|draft6|draft7|draft2019-09|draft2020-12\n", argv[0]);
    return 2;
  }
  const std::string draft = argv[1];
  const char* env = std::getenv("ACCORD_TESTDATA");
  fs::path root = env != nullptr && *env != '\0' ? fs::path(env) : fs::path(ACCORD_SHARED_TESTDATA);
  fs::path suite = root / "JSON-Schema-Test-Suite";
  fs::path tests_dir = suite / "tests" / draft;
  std::error_code ec;
  if (!fs::is_directory(tests_dir, ec)) {
    std::printf(
        "\n*** SKIPPED: JSON-Schema-Test-Suite not found at %s ***\n"
        "*** (set ACCORD_TESTDATA to the folder holding JSON-Schema-Test-Suite/) ***\n\n",
        tests_dir.c_str());
    return kSkipReturnCode;
  }

  // The bundle: remotes under http://localhost:1234/, meta-schemas under their $id.
  js::SchemaBundle bundle;
  fs::path remotes = suite / "remotes";
  for (const fs::path& p : JsonFiles(remotes, true)) {
    auto doc = LoadJson(p);
    if (!doc) return 1;
    bundle.Add("http://localhost:1234/" + fs::relative(p, remotes).generic_string(),
               std::move(*doc));
  }
  for (const fs::path& p : JsonFiles(root / "metaschemas", true)) {
    auto doc = LoadJson(p);
    if (!doc || !doc->IsObject()) continue;
    const accord::json::Value* id = doc->Find("$id");
    if (id == nullptr) id = doc->Find("id");
    if (id == nullptr || !id->IsString()) continue;
    bundle.Add(id->AsString(), std::move(*doc));
  }

  js::CompileOptions options;
  options.default_dialect = *DraftDialect(draft);

  Tally required;
  for (const fs::path& p : JsonFiles(tests_dir, false)) {
    RunFile(p, p.filename().string(), draft, bundle, options, &required);
  }

  Tally formats;
  js::CompileOptions format_options = options;
  format_options.format = js::FormatMode::kAssert;
  std::vector<std::string> not_run;
  for (const fs::path& p : JsonFiles(tests_dir / "optional" / "format", false)) {
    std::string stem = p.stem().string();
    // ecmascript-regex.json exercises format "regex" with ECMA-262 syntax.
    std::string format_name = stem == "ecmascript-regex" ? "regex" : stem;
    if (stem != "unknown" && accord::format::Find(format_name) == nullptr) {
      not_run.push_back(stem);
      continue;
    }
    RunFile(p, "optional/format/" + p.filename().string(), draft, bundle, format_options, &formats);
  }

  // optional/*.json besides format: informational, never gating.
  Tally optional;
  for (const fs::path& p : JsonFiles(tests_dir / "optional", false)) {
    RunFile(p, "optional/" + p.filename().string(), draft, bundle, options, &optional);
  }

  for (const std::string& f : optional.failures) {
    std::printf("NOTE (optional, informational) %s: %s\n", draft.c_str(), f.c_str());
  }
  for (const std::string& f : required.failures)
    std::printf("FAIL %s: %s\n", draft.c_str(), f.c_str());
  for (const std::string& f : formats.failures) {
    std::printf("FAIL (format, informational) %s: %s\n", draft.c_str(), f.c_str());
  }
  int total = required.passed + required.failed;
  double ratio = total == 0 ? 0.0 : static_cast<double>(required.passed) / total;
  std::printf("%s required: %d/%d passed (%.2f%%), %d skipped\n", draft.c_str(), required.passed,
              total, ratio * 100.0, required.skipped);
  std::printf("%s format (kAssert): %d/%d passed, %d skipped", draft.c_str(), formats.passed,
              formats.passed + formats.failed, formats.skipped);
  if (!not_run.empty()) {
    std::printf("; formats not implemented, not run:");
    for (const std::string& s : not_run) std::printf(" %s", s.c_str());
  }
  std::printf("\n");
  std::printf("%s other optional tests (informational): %d/%d passed, %d skipped\n", draft.c_str(),
              optional.passed, optional.passed + optional.failed, optional.skipped);

  const bool strict = draft == "draft7" || draft == "draft2020-12";
  const bool ok = strict ? required.failed == 0 && total > 0 : ratio >= 0.98;
  if (!ok) {
    std::printf("%s: FAILED (%s)\n", draft.c_str(),
                strict ? "every required test must pass" : "at least 98% must pass");
  }
  return ok ? 0 : 1;
}
