// Rendering compatibility reports, shared by the CLI and the server.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accord/compat/report.h"

namespace accord::compat {

enum class OutputFormat : std::uint8_t { kText, kJson, kJunit, kGithub };
std::string_view OutputFormatName(OutputFormat f);  // "text", "json", "junit", "github"
std::optional<OutputFormat> OutputFormatFromString(std::string_view s);

// What was compared, for headings and annotations.
struct RenderContext {
  std::string writer_name;  // e.g. file name of the old schema
  std::string reader_name;  // e.g. file name of the new schema
  std::string mode;         // e.g. "BACKWARD", "FULL_TRANSITIVE"
  // Maps a JSON pointer in the new schema to a line in its file (for GitHub
  // annotations); may be empty: then line=1.
  std::function<int(std::string_view pointer)> new_schema_line;
  std::string new_schema_file;  // file the GitHub annotation points at
  // Name of the schema file of each version number (index version - 1), for
  // reports spanning a history; a finding with writer_version/reader_version
  // set is shown with that name instead of writer_name/reader_name.
  std::vector<std::string> version_names;
  // Version number of the new (candidate) schema. A finding whose
  // writer_version equals it points into the new schema through writer_path
  // (FORWARD direction); otherwise reader_path is the pointer into the new
  // schema. 0: the new schema is always the reader.
  int new_schema_version = 0;
  // Where a finding's side is shown when it points into a schema the
  // compared one references (Finding::writer_document / reader_document not
  // empty): called with whether that side is the new schema's (else an old
  // version's), the side's version (0: not known), the document as the
  // finding names it and the pointer. Its `name` replaces the schema's name
  // before "#pointer" (empty, or no function: the document itself); `file`
  // and `line` (when it is a local file) are where a GitHub annotation on the
  // new schema's side points instead of new_schema_file.
  struct Place {
    std::string name;
    std::string file;
    int line = 0;
  };
  std::function<Place(bool new_side, int version, std::string_view document,
                      std::string_view pointer)>
      referenced;
  // A diff of two versions: sides are labelled "old:" / "new:" (OldPath /
  // NewPath of each finding, into writer_name / reader_name) and kinds are
  // already in the author's words. Otherwise sides are "writer:" / "reader:".
  bool old_new = false;
};

// The kind a checker finding names, in the author's words for its direction
// (BackwardChangeKind / ForwardChangeKind of its language); the kind itself
// for Direction::kNone or a kind that already names a change.
Kind ChangeKindOf(const Kind& checked, Direction direction);

// The advice for a finding, written for the schema the user can still
// change; empty for a SAFE finding. A finding of a mode's check takes the
// advice of its kind in the author's words (ChangeKindOf: for a FORWARD
// break that is the new schema, never the deployed old one); in a diff
// (ctx.old_new) kinds are already in those words.
std::string_view AdviceFor(const Finding& f, const RenderContext& ctx);

// A checker message (in the reader's and writer's words) in the words of a
// diff's versions: for a BACKWARD finding "the writer" is the old version
// and "the reader" the new one, for a FORWARD finding the other way round
// (whole words "writer" / "reader" only; "readers" is kept).
std::string InVersionWords(std::string_view message, Direction direction);

// What a finding's break means, for people: "BACKWARD (the new version
// rejects events of the old one)", "FORWARD under STRICT only (...)" for a
// warning; "neither BACKWARD nor FORWARD" for a SAFE finding or an unknown
// direction.
std::string ConsequenceText(const Finding& f);

// Renders a report; the output always ends with a newline. Formats:
//
// text: one block per finding, then a summary line:
//     BREAKING TYPE_NARROWED
//       breaks:  BACKWARD (the new version rejects events of the old one)
//       writer:  old.json#/properties/id (version 1)
//       reader:  new.json#/properties/id (version 2)
//       message: ...
//       witness: {"id":1.5}
//       advice:  ...
//
//     INCOMPATIBLE: 1 breaking, 0 warnings, 0 safe (BACKWARD: old.json -> new.json)
//   A finding's heading is its severity and kind ("UNDECIDED PATTERN_CHANGED"
//   for a finding the engine could neither prove nor rule out: it has no
//   witness). The summary counts undecided findings apart ("1 breaking,
//   2 undecided, 0 warnings, 0 safe"), shown when there are any.
//   A side is named by its file (version_names[version - 1] when the finding
//   carries a version and the name is known, else writer_name/reader_name),
//   or, when it points into a referenced schema (Finding::writer_document),
//   by that schema (RenderContext::referenced, else the document's name);
//   "(version N)" is added only when the finding carries a version and no
//   version_names are given. "witness:" appears only when there is one
//   (compact JSON). "breaks:" appears when the finding's direction is known,
//   and for every finding of a diff (a SAFE one breaks neither direction);
//   in a diff the sides are "old:" and "new:". "advice:" (AdviceFor) appears
//   when the kind has advice.
//
// json: one object, pretty-printed, members always present in this order:
//     {"compatible": bool, "verdict": "COMPATIBLE"|"INCOMPATIBLE",
//      "mode": string, "writer": string, "reader": string,
//      "breaking": int, "undecided": int, "warnings": int, "safe": int,
//      "findings": [{"kind": string,
//                    "severity": "BREAKING"|"UNDECIDED"|"WARNING"|"SAFE",
//                    "direction": "BACKWARD"|"FORWARD"|null,
//                    "writerPath": pointer, "readerPath": pointer,
//                    "writerDocument": string | null,
//                    "readerDocument": string | null,
//                    "oldPath": pointer | null, "newPath": pointer | null,
//                    "message": string, "witness": any JSON value | null,
//                    "advice": string | null,
//                    "writerVersion": int | null, "readerVersion": int | null}]}
//   "direction" is the direction the finding breaks (null: not known, or a
//   SAFE diff finding); "oldPath" / "newPath" point into the old and new
//   version (null when neither the direction is known nor it is a diff).
//   "writerDocument" / "readerDocument": the referenced schema the writer /
//   reader pointer is in, named as the text shows it (null: the compared
//   schema itself, "writer" / "reader" above or its version's name).
//   findings in report order (breaking, warning, safe).
//
// junit: JUnit XML, one <testsuite> (inside <testsuites>); one <testcase> per
//   finding (breaking ones hold a <failure type="KIND">, undecided ones an
//   <error type="KIND"> (counted in `errors`); warnings and safe
//   changes pass, with the message in <system-out>), or a single passing
//   testcase for the checked pair when there are no findings. All text and
//   attributes are XML-escaped; characters XML 1.0 forbids become U+FFFD.
//
// github: GitHub Actions workflow commands, one line per finding:
//     ::error file=F,line=L,title=KIND::message
//   (::warning for warnings, ::notice for safe changes; an undecided finding
//   is an ::error titled "KIND (undecided)"), F = new_schema_file,
//   L = new_schema_line(pointer into the new schema) or 1 (the pointer into
//   the new schema: NewPath for a diff or a finding whose direction is known);
//   when that pointer is in a referenced schema that is a local file
//   (RenderContext::referenced gives a `file`), F and L are that file and the
//   line it gives (1 when 0); data escaped as
//   GitHub requires (% \r \n), properties also (: ,). Then the text summary
//   line.
std::string Render(const Report& report, OutputFormat format, const RenderContext& ctx);

// Escapers for the CI formats, for every renderer of Accord's reports (check,
// lint, contract tests) so they agree:
//  XmlEscape: & < > " ' escaped; characters XML 1.0 forbids become U+FFFD;
//    with `attribute`, tab/newline/carriage return become character references.
//  GithubEscapeData: workflow-command data (% CR LF).
//  GithubEscapeProperty: property values (also ':' and ',').
std::string XmlEscape(std::string_view s, bool attribute = false);
std::string GithubEscapeData(std::string_view s);
std::string GithubEscapeProperty(std::string_view s);

}  // namespace accord::compat
