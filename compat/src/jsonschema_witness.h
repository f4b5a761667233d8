// Private to compat/: judging and repairing witness candidates of the JSON
// Schema engine.
//
// A finding's witness must prove that finding: valid under the writer, and
// rejected by the reader *because of the constraint the finding names*, i.e.
// among the reader's failures (the schemas/ validator, every failure, format
// asserted) is one at the finding's reader path. The validator reports the
// dynamic keyword location (".../$ref/maximum"); it is mapped back to the
// static pointer the engine's findings use.
//
// A candidate is judged:
//   kNotAWitness  the writer rejects it, or the reader accepts it
//   kUnrelated    the reader rejects it, but only for other constraints (the
//                 issue's {"q":100} for MAXIMUM_ADDED, rejected for a missing
//                 required property)
//   kProves       the reader rejects it at the finding's path, and elsewhere
//   kClean        the reader rejects it at the finding's path and nowhere else
// Repair() tries to turn kProves / kUnrelated into kClean / kProves by
// giving the reader what it asks for elsewhere (missing required properties,
// values the reader accepts at other failing places, dropping a property
// the reader forbids) while the writer keeps accepting the document.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "accord/compat/jsonschema_compat.h"
#include "accord/schemas/jsonschema.h"
#include "jsonschema_model.h"

namespace accord::compat::jsc {

enum class Proof : std::uint8_t { kNotAWitness, kUnrelated, kProves, kClean };

// Whether a reader failure at static keyword location `failure` is about the
// finding at `finding` (equal, inside it, or a keyword whose failure the
// validator reports as a whole: anyOf, oneOf, not, dependentRequired, ...;
// a finding at ".../if" is proved by failures under ".../then" or ".../else").
bool FailureProvesPath(const std::string& failure, const std::string& finding);

// One schema compiled by the validator for the witness judge (known formats
// asserted, as the engine reads them), compiled when first asked for. One per
// schema model, so the two directions of a diff share each schema's
// compilation instead of compiling both schemas once per direction.
class JudgeValidator {
 public:
  // `compiled`, when not null, is the schema compiled so already (by the
  // caller: JsonSchemaCheckOptions::writer_validator); it must outlive this.
  JudgeValidator(const json::Value& schema, const jsonschema::SchemaBundle* bundle,
                 std::string base_uri, jsonschema::Dialect default_dialect,
                 const jsonschema::Validator* compiled = nullptr)
      : schema_(schema),
        bundle_(bundle),
        base_uri_(std::move(base_uri)),
        default_dialect_(default_dialect),
        given_(compiled) {}
  // nullptr: the validator cannot compile a schema the engine accepts.
  const jsonschema::Validator* Get();

 private:
  const json::Value& schema_;
  const jsonschema::SchemaBundle* bundle_;
  std::string base_uri_;
  jsonschema::Dialect default_dialect_;
  const jsonschema::Validator* given_;
  bool compiled_ = false;
  std::optional<jsonschema::Validator> validator_;
};

class WitnessJudge {
 public:
  // `reader` resolves the reader schema (for mapping locations) and `rnorm`
  // normalises it (for generating values the reader accepts); `wv`/`rv` are
  // the two schemas' validators; `wev`/`rev` are the engine's evaluators,
  // used when the validator cannot compile a schema the engine accepts.
  WitnessJudge(JudgeValidator& wv, JudgeValidator& rv, Resolver& wr, Resolver& rr, Evaluator& wev,
               Evaluator& rev, Normalizer& rnorm);
  ~WitnessJudge();

  Proof Judge(const json::Value& doc, const std::string& reader_path);
  // Best effort, bounded: returns an improved document (or `doc` unchanged)
  // and its judgement in `proof`.
  json::Value Repair(json::Value doc, const std::string& reader_path, Proof& proof);

 private:
  struct Failure {
    std::string instance;  // pointer into the document
    std::string location;  // static pointer of the keyword in the reader schema
    std::string keyword;
    NodeId node = kNoNode;  // reader schema node holding the keyword
  };
  bool WriterAccepts(const json::Value& doc);
  // nullopt: the reader accepts the document.
  std::optional<std::vector<Failure>> ReaderFailures(const json::Value& doc);
  // Maps a validator keyword location to (static pointer, node).
  std::pair<std::string, NodeId> Static(const std::string& dynamic);

  JudgeValidator& wv_;
  JudgeValidator& rv_;
  Resolver& wr_;
  Resolver& rr_;
  Evaluator& wev_;
  Evaluator& rev_;
  Normalizer& rn_;
  Generator rgen_;
};

}  // namespace accord::compat::jsc
