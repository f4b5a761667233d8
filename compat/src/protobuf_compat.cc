// Protobuf compatibility (protobuf_compat.h): Confluent's comparison of two
// files, the directed check, the diff, the mode logic and reserved fields.
#include "accord/compat/protobuf_compat.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "accord/schemas/budget.h"
#include "accord/schemas/protobuf_descriptors.h"
#include "document_path.h"
#include "protobuf_witness.h"

namespace accord::compat {

namespace gp = google::protobuf;
using PK = ProtobufKind;

namespace {

// ---- names and paths ---------------------------------------------------------------

std::string Relative(const std::string& full_name, const gp::FileDescriptor* file) {
  const std::string& pkg = file->package();
  if (!pkg.empty() && full_name.size() > pkg.size() && full_name.starts_with(pkg) &&
      full_name[pkg.size()] == '.') {
    return full_name.substr(pkg.size() + 1);
  }
  return full_name;
}
std::string Relative(const gp::Descriptor* d) { return Relative(d->full_name(), d->file()); }
std::string Relative(const gp::EnumDescriptor* e) { return Relative(e->full_name(), e->file()); }

// A type's path carries its file (document_path.h): Make names an imported
// file as the finding's document and leaves the checked file's unnamed.
std::string PathOf(const gp::Descriptor* d) {
  return internal::InDocument(d->file()->name(), "/" + Relative(d));
}
std::string PathOf(const gp::FieldDescriptor* f) {
  return PathOf(f->containing_type()) + "/" + f->name();
}
std::string PathOf(const gp::EnumDescriptor* e) {
  return internal::InDocument(e->file()->name(), "/" + Relative(e));
}
// The pointer alone, for a type of the checked file.
std::string PointerOf(const gp::FieldDescriptor* f) {
  return std::string(internal::SplitDocumentPath(PathOf(f)).second);
}
std::string PathOf(const gp::OneofDescriptor* o) {
  return PathOf(o->containing_type()) + "/" + o->name();
}

// ---- field shapes ------------------------------------------------------------------------

enum class Shape { kScalar, kEnum, kMessage, kMap };

Shape ShapeOf(const gp::FieldDescriptor* f) {
  if (f->is_map()) return Shape::kMap;
  switch (f->type()) {
    case gp::FieldDescriptor::TYPE_MESSAGE:
    case gp::FieldDescriptor::TYPE_GROUP:
      return Shape::kMessage;
    case gp::FieldDescriptor::TYPE_ENUM:
      return Shape::kEnum;
    default:
      return Shape::kScalar;
  }
}

// Wire-compatible groups of scalar types (enums are in the varint group).
int GroupOf(const gp::FieldDescriptor* f) {
  switch (f->type()) {
    case gp::FieldDescriptor::TYPE_INT32:
    case gp::FieldDescriptor::TYPE_INT64:
    case gp::FieldDescriptor::TYPE_UINT32:
    case gp::FieldDescriptor::TYPE_UINT64:
    case gp::FieldDescriptor::TYPE_BOOL:
    case gp::FieldDescriptor::TYPE_ENUM:
      return 1;
    case gp::FieldDescriptor::TYPE_SINT32:
    case gp::FieldDescriptor::TYPE_SINT64:
      return 2;
    case gp::FieldDescriptor::TYPE_STRING:
    case gp::FieldDescriptor::TYPE_BYTES:
      return 3;
    case gp::FieldDescriptor::TYPE_FIXED32:
    case gp::FieldDescriptor::TYPE_SFIXED32:
      return 4;
    case gp::FieldDescriptor::TYPE_FIXED64:
    case gp::FieldDescriptor::TYPE_SFIXED64:
      return 5;
    case gp::FieldDescriptor::TYPE_FLOAT:
      return 6;
    case gp::FieldDescriptor::TYPE_DOUBLE:
      return 7;
    case gp::FieldDescriptor::TYPE_MESSAGE:
    case gp::FieldDescriptor::TYPE_GROUP:
      return 8;
  }
  return 0;
}

std::string TypeText(const gp::FieldDescriptor* f) {
  switch (ShapeOf(f)) {
    case Shape::kMap:
      return "map<" + TypeText(f->message_type()->map_key()) + ", " +
             TypeText(f->message_type()->map_value()) + ">";
    case Shape::kMessage:
      return f->message_type()->full_name();
    case Shape::kEnum:
      return f->enum_type()->full_name();
    case Shape::kScalar:
      return f->type_name();
  }
  return "";
}

enum class Label { kSingular, kOptional, kRequired, kRepeated, kOneof };

Label LabelOf(const gp::FieldDescriptor* f) {
  if (f->is_repeated()) return Label::kRepeated;
  if (f->is_required()) return Label::kRequired;
  if (f->real_containing_oneof() != nullptr) return Label::kOneof;
  if (f->has_presence() && ShapeOf(f) != Shape::kMessage) return Label::kOptional;
  return Label::kSingular;
}

std::string_view LabelText(Label l) {
  switch (l) {
    case Label::kSingular:
      return "singular";
    case Label::kOptional:
      return "optional";
    case Label::kRequired:
      return "required";
    case Label::kRepeated:
      return "repeated";
    case Label::kOneof:
      return "oneof member";
  }
  return "";
}

bool IsWellKnown(const gp::FileDescriptor* f) { return f->name().starts_with("google/protobuf/"); }

std::string Q(const std::string& s) { return "'" + s + "'"; }

// ---- the comparison ------------------------------------------------------------------------

class Comparer {
 public:
  Comparer(const protobuf::Schema& original, const protobuf::Schema& update)
      : original_(original), update_(update) {}

  Report Run() {
    const gp::FileDescriptor* w = protobuf::FileOf(original_);
    const gp::FileDescriptor* r = protobuf::FileOf(update_);
    if (w->package() != r->package()) {
      Add(PK::kPackageChanged, "", "",
          "package changed from " + Q(w->package()) + " to " + Q(r->package()));
    }
    CompareFiles(w, r);
    // Types defined in imported files and used by both sides under one
    // name: compared through their references, once per pair.
    while (!pending_.empty()) {
      auto [a, b] = pending_.back();
      pending_.pop_back();
      CompareMessage(a, b);
    }
    while (!pending_enums_.empty()) {
      auto [a, b] = pending_enums_.back();
      pending_enums_.pop_back();
      CompareEnum(a, b);
    }
    return std::move(report_);
  }

 private:
  struct TypeEntry {
    const gp::Descriptor* message = nullptr;
    const gp::EnumDescriptor* enumeration = nullptr;
    std::vector<int> index;  // position path among siblings
  };
  using Types = std::vector<std::pair<std::string, TypeEntry>>;  // declaration order

  static void CollectMessage(const gp::Descriptor* d, std::vector<int> index, Types& out) {
    if (d->options().map_entry()) return;
    out.push_back({Relative(d), TypeEntry{d, nullptr, index}});
    for (int i = 0; i < d->nested_type_count(); ++i) {
      std::vector<int> sub = index;
      sub.push_back(i);
      CollectMessage(d->nested_type(i), std::move(sub), out);
    }
    for (int i = 0; i < d->enum_type_count(); ++i) {
      out.push_back({Relative(d->enum_type(i)), TypeEntry{nullptr, d->enum_type(i), {}}});
    }
  }

  static Types TypesOf(const gp::FileDescriptor* f) {
    Types out;
    for (int i = 0; i < f->message_type_count(); ++i) CollectMessage(f->message_type(i), {i}, out);
    for (int i = 0; i < f->enum_type_count(); ++i) {
      out.push_back({Relative(f->enum_type(i)), TypeEntry{nullptr, f->enum_type(i), {}}});
    }
    return out;
  }

  void CompareFiles(const gp::FileDescriptor* w, const gp::FileDescriptor* r) {
    const Types wt = TypesOf(w), rt = TypesOf(r);
    std::map<std::string_view, const TypeEntry*> wi, ri;
    for (const auto& [name, e] : wt) wi.emplace(name, &e);
    for (const auto& [name, e] : rt) ri.emplace(name, &e);
    for (const auto& [name, e] : wt) {
      ChargeWork(1);
      auto it = ri.find(name);
      const bool same_kind =
          it != ri.end() && (it->second->message != nullptr) == (e.message != nullptr);
      if (e.message != nullptr) {
        if (!same_kind) {
          Add(PK::kMessageRemoved, PathOf(e.message), "", "message " + name + " removed",
              WitnessFor(e.message, nullptr, {}));
          continue;
        }
        if (it->second->index != e.index) {
          Add(PK::kMessageMoved, PathOf(e.message), PathOf(it->second->message),
              "message " + name + " moved to another position in the file");
        }
        Compared(e.message, it->second->message);
        CompareMessage(e.message, it->second->message);
      } else {
        if (!same_kind) {
          Add(PK::kEnumRemoved, PathOf(e.enumeration), "", "enum " + name + " removed");
          continue;
        }
        CompareEnum(e.enumeration, it->second->enumeration);
      }
    }
    for (const auto& [name, e] : rt) {
      auto it = wi.find(name);
      const bool same_kind =
          it != wi.end() && (it->second->message != nullptr) == (e.message != nullptr);
      if (same_kind) continue;
      if (e.message != nullptr) {
        Add(PK::kMessageAdded, "", PathOf(e.message), "message " + name + " added");
      } else {
        Add(PK::kEnumAdded, "", PathOf(e.enumeration), "enum " + name + " added");
      }
    }
  }

  // Marks a pair as compared; false when it was already.
  bool Compared(const gp::Descriptor* a, const gp::Descriptor* b) {
    return done_.insert({a, b}).second;
  }

  void CompareEnum(const gp::EnumDescriptor* w, const gp::EnumDescriptor* r) {
    if (!done_enums_.insert({w, r}).second) return;
    const std::string name = Relative(w);
    for (int i = 0; i < w->value_count(); ++i) {
      ChargeWork(1);
      const gp::EnumValueDescriptor* v = w->value(i);
      if (w->FindValueByNumber(v->number()) != v) continue;  // an alias: the first name counts
      const gp::EnumValueDescriptor* rv = r->FindValueByNumber(v->number());
      if (rv == nullptr) {
        Add(PK::kEnumConstRemoved, PathOf(w) + "/" + v->name(), PathOf(r),
            "enum " + name + " value " + v->name() + " (" + std::to_string(v->number()) +
                ") removed");
      } else if (rv->name() != v->name()) {
        Finding f =
            Make(PK::kEnumConstChanged, PathOf(w) + "/" + v->name(), PathOf(r) + "/" + rv->name(),
                 "enum " + name + " value " + std::to_string(v->number()) + " renamed from " +
                     v->name() + " to " + rv->name() +
                     ": compatible on the wire, but consumers of the JSON form read "
                     "the value by name and reject or misread " +
                     Q(v->name()));
        f.severity = Severity::kWarning;
        report_.Add(std::move(f));
      }
    }
    for (int i = 0; i < r->value_count(); ++i) {
      const gp::EnumValueDescriptor* v = r->value(i);
      if (r->FindValueByNumber(v->number()) != v) continue;
      if (w->FindValueByNumber(v->number()) == nullptr) {
        Add(PK::kEnumConstAdded, PathOf(w), PathOf(r) + "/" + v->name(),
            "enum " + name + " value " + v->name() + " (" + std::to_string(v->number()) +
                ") added");
      }
    }
  }

  // A field's named type in another file: compare it through the imports.
  void FollowReference(const gp::FieldDescriptor* wf, const gp::FieldDescriptor* rf) {
    const gp::FileDescriptor* wfile = protobuf::FileOf(original_);
    const gp::FileDescriptor* rfile = protobuf::FileOf(update_);
    if (ShapeOf(wf) == Shape::kMessage && ShapeOf(rf) == Shape::kMessage) {
      const gp::Descriptor* a = wf->message_type();
      const gp::Descriptor* b = rf->message_type();
      if ((a->file() != wfile || b->file() != rfile) && !IsWellKnown(a->file()) &&
          !IsWellKnown(b->file()) && Compared(a, b)) {
        pending_.push_back({a, b});
      }
    } else if (ShapeOf(wf) == Shape::kEnum && ShapeOf(rf) == Shape::kEnum) {
      const gp::EnumDescriptor* a = wf->enum_type();
      const gp::EnumDescriptor* b = rf->enum_type();
      if ((a->file() != wfile || b->file() != rfile) && !IsWellKnown(a->file()) &&
          !IsWellKnown(b->file())) {
        pending_enums_.push_back({a, b});
      }
    }
  }

  // The value types of two fields (or of two map values): kinds, groups and
  // names. True when they match.
  bool CompareTypes(const gp::FieldDescriptor* wf, const gp::FieldDescriptor* rf,
                    const gp::FieldDescriptor* wfield, const gp::FieldDescriptor* rfield,
                    std::string_view what) {
    const Shape ws = ShapeOf(wf), rs = ShapeOf(rf);
    const bool w_scalarish = ws == Shape::kScalar || ws == Shape::kEnum;
    const bool r_scalarish = rs == Shape::kScalar || rs == Shape::kEnum;
    auto change = [&] {
      return FieldText(wfield) + std::string(what) + " changed from " + TypeText(wf) + " to " +
             TypeText(rf);
    };
    if (ws == Shape::kMap || rs == Shape::kMap || ws == Shape::kMessage || rs == Shape::kMessage) {
      if (ws != rs) {
        Add(PK::kFieldKindChanged, PathOf(wfield), PathOf(rfield), change(),
            WitnessFor(wfield->containing_type(), rfield->containing_type(), {wfield->number()}));
        return false;
      }
      if (ws == Shape::kMessage && Relative(wf->message_type()) != Relative(rf->message_type())) {
        Add(PK::kFieldNamedTypeChanged, PathOf(wfield), PathOf(rfield), change(),
            WitnessFor(wfield->containing_type(), rfield->containing_type(), {wfield->number()}));
        return false;
      }
      return true;
    }
    if (w_scalarish && r_scalarish) {
      if (ws == Shape::kEnum && rs == Shape::kEnum) {
        if (Relative(wf->enum_type()) != Relative(rf->enum_type())) {
          Add(PK::kFieldNamedTypeChanged, PathOf(wfield), PathOf(rfield), change(),
              WitnessFor(wfield->containing_type(), rfield->containing_type(), {wfield->number()}));
          return false;
        }
        return true;
      }
      if (GroupOf(wf) != GroupOf(rf)) {
        Add(PK::kFieldScalarKindChanged, PathOf(wfield), PathOf(rfield), change(),
            WitnessFor(wfield->containing_type(), rfield->containing_type(), {wfield->number()}));
        return false;
      }
      return true;
    }
    return true;
  }

  // "Order field 2 (qty)", for messages (built only for a finding).
  static std::string FieldText(const gp::FieldDescriptor* f) {
    return Relative(f->containing_type()) + " field " + std::to_string(f->number()) + " (" +
           f->name() + ")";
  }

  void CompareField(const gp::FieldDescriptor* wf, const gp::FieldDescriptor* rf) {
    if (wf->name() != rf->name()) {
      const bool json_differs = wf->json_name() != rf->json_name();
      Finding f = Make(PK::kFieldNameChanged, PathOf(wf), PathOf(rf),
                       Relative(wf->containing_type()) + " field " + std::to_string(wf->number()) +
                           " renamed from " + wf->name() + " to " + rf->name() +
                           (json_differs ? ": compatible on the wire, but consumers of the JSON "
                                           "form look for \"" +
                                               wf->json_name() + "\" and lose the field"
                                         : ""));
      f.severity = json_differs ? Severity::kWarning : Severity::kSafe;
      report_.Add(std::move(f));
    }
    bool same_type = true;
    if (ShapeOf(wf) == Shape::kMap && ShapeOf(rf) == Shape::kMap) {
      const gp::Descriptor* we = wf->message_type();
      const gp::Descriptor* re = rf->message_type();
      same_type = CompareTypes(we->map_key(), re->map_key(), wf, rf, " map key") &&
                  CompareTypes(we->map_value(), re->map_value(), wf, rf, " map value");
      if (same_type) FollowReference(we->map_value(), re->map_value());
    } else {
      same_type = CompareTypes(wf, rf, wf, rf, "");
      if (same_type) FollowReference(wf, rf);
    }
    // Labels (oneof membership is compared with the oneofs).
    const Label wl = LabelOf(wf), rl = LabelOf(rf);
    if (ShapeOf(wf) == Shape::kMap || ShapeOf(rf) == Shape::kMap || wl == rl ||
        wl == Label::kOneof || rl == Label::kOneof) {
      return;
    }
    const std::string change = FieldText(wf) + " changed from " + std::string(LabelText(wl)) +
                               " to " + std::string(LabelText(rl));
    if (rl == Label::kRequired) {
      Add(PK::kRequiredFieldAdded, PathOf(wf), PathOf(rf), change,
          WitnessFor(wf->containing_type(), rf->containing_type(), {}));
    } else if (wl == Label::kRequired) {
      Add(PK::kRequiredFieldRemoved, PathOf(wf), PathOf(rf), change);
    } else if (GroupOf(wf) == 3 || GroupOf(wf) == 8) {
      Add(PK::kFieldStringOrBytesLabelChanged, PathOf(wf), PathOf(rf), change);
    } else if (same_type) {
      Add(PK::kFieldNumericLabelChanged, PathOf(wf), PathOf(rf), change,
          WitnessFor(wf->containing_type(), rf->containing_type(), {wf->number()}));
    }
  }

  void CompareMessage(const gp::Descriptor* w, const gp::Descriptor* r) {
    const std::string name = Relative(w);
    for (int i = 0; i < w->field_count(); ++i) {
      ChargeWork(1);
      const gp::FieldDescriptor* wf = w->field(i);
      const gp::FieldDescriptor* rf = r->FindFieldByNumber(wf->number());
      if (rf == nullptr) {
        const std::string desc = FieldText(wf);
        const gp::OneofDescriptor* wo = wf->real_containing_oneof();
        if (wf->is_required()) {
          Add(PK::kRequiredFieldRemoved, PathOf(wf), PathOf(r), desc + " removed (was required)",
              WitnessFor(w, r, {wf->number()}));
        } else if (wo != nullptr && RealOneof(r, wo->name()) != nullptr) {
          Add(PK::kOneofFieldRemoved, PathOf(wf), PathOf(RealOneof(r, wo->name())),
              desc + " removed from oneof " + wo->name(), WitnessFor(w, r, {wf->number()}));
        } else if (wo == nullptr) {
          Add(PK::kFieldRemoved, PathOf(wf), PathOf(r), desc + " removed");
        }
        continue;
      }
      CompareField(wf, rf);
      const gp::OneofDescriptor* wo = wf->real_containing_oneof();
      const gp::OneofDescriptor* ro = rf->real_containing_oneof();
      if (wo == nullptr && ro == nullptr) continue;
      const std::string desc = FieldText(wf);
      if (wo == nullptr && ro != nullptr) {
        if (RealOneof(w, ro->name()) != nullptr) {
          // Set together with a field the writer's oneof has, the reader keeps one.
          std::vector<int> numbers{wf->number()};
          for (int j = 0; j < ro->field_count(); ++j) {
            const gp::FieldDescriptor* other = w->FindFieldByNumber(ro->field(j)->number());
            if (other != nullptr && other != wf) {
              numbers.push_back(other->number());
              break;
            }
          }
          Add(PK::kFieldMovedToExistingOneof, PathOf(wf), PathOf(rf),
              desc + " moved into the existing oneof " + ro->name(), WitnessFor(w, r, numbers));
        }
      } else if (wo != nullptr && ro == nullptr) {
        Add(PK::kOneofFieldMovedToTopLevel, PathOf(wf), PathOf(rf),
            desc + " moved out of oneof " + wo->name());
      } else if (wo != nullptr && ro != nullptr && wo->name() != ro->name() &&
                 RealOneof(r, wo->name()) != nullptr) {
        Add(PK::kOneofFieldRemoved, PathOf(wf), PathOf(rf),
            desc + " moved from oneof " + wo->name() + " to oneof " + ro->name(),
            WitnessFor(w, r, {wf->number()}));
      }
    }
    for (int i = 0; i < r->field_count(); ++i) {
      const gp::FieldDescriptor* rf = r->field(i);
      if (w->FindFieldByNumber(rf->number()) != nullptr) continue;
      const std::string desc = FieldText(rf);
      const gp::OneofDescriptor* ro = rf->real_containing_oneof();
      if (rf->is_required()) {
        Add(PK::kRequiredFieldAdded, PathOf(w), PathOf(rf), desc + " added as required",
            WitnessFor(w, r, {}));
      } else if (ro != nullptr && RealOneof(w, ro->name()) != nullptr) {
        Add(PK::kOneofFieldAdded, PathOf(RealOneof(w, ro->name())), PathOf(rf),
            desc + " added to oneof " + ro->name());
      } else if (ro == nullptr) {
        Add(PK::kFieldAdded, PathOf(w), PathOf(rf), desc + " added");
      }
    }
    // Oneofs by name.
    for (int i = 0; i < w->real_oneof_decl_count(); ++i) {
      const gp::OneofDescriptor* o = w->oneof_decl(i);
      if (RealOneof(r, o->name()) == nullptr) {
        Add(PK::kOneofRemoved, PathOf(o), PathOf(r), name + " oneof " + o->name() + " removed");
      }
    }
    for (int i = 0; i < r->real_oneof_decl_count(); ++i) {
      const gp::OneofDescriptor* o = r->oneof_decl(i);
      if (RealOneof(w, o->name()) != nullptr) continue;
      Add(PK::kOneofAdded, PathOf(w), PathOf(o), name + " oneof " + o->name() + " added");
      std::vector<int> moved;
      for (int j = 0; j < o->field_count(); ++j) {
        const gp::FieldDescriptor* wf = w->FindFieldByNumber(o->field(j)->number());
        if (wf != nullptr && wf->real_containing_oneof() == nullptr) moved.push_back(wf->number());
      }
      if (moved.size() > 1) {
        std::string list;
        for (int n : moved) list += (list.empty() ? "" : ", ") + std::to_string(n);
        Add(PK::kMultipleFieldsMovedToOneof, PathOf(w), PathOf(o),
            name + " fields " + list + " moved into the new oneof " + o->name(),
            WitnessFor(w, r, moved));
      }
    }
  }

  // A real (not synthetic) oneof of `d` named `name`, or null.
  static const gp::OneofDescriptor* RealOneof(const gp::Descriptor* d, const std::string& name) {
    for (int i = 0; i < d->real_oneof_decl_count(); ++i) {
      if (d->oneof_decl(i)->name() == name) return d->oneof_decl(i);
    }
    return nullptr;
  }

  Witness WitnessFor(const gp::Descriptor* w, const gp::Descriptor* r, std::vector<int> numbers) {
    return internal::ProtobufWitness(original_, update_, w->full_name(),
                                     r == nullptr ? std::string() : r->full_name(),
                                     std::move(numbers));
  }

  Finding Make(PK kind, std::string writer_path, std::string reader_path, std::string message) {
    Finding f;
    f.kind = kind;
    f.severity = ProtobufKindIsBreaking(kind) ? Severity::kBreaking : Severity::kSafe;
    // Each side's file: the checked one is unnamed, an imported one is the
    // finding's document (by its import path).
    auto side = [](const std::string& path, const protobuf::Schema& schema, std::string& document,
                   std::string& pointer) {
      auto [file, at] = internal::SplitDocumentPath(path);
      if (file != protobuf::FileOf(schema)->name()) document = file;
      pointer = at;
    };
    side(writer_path, original_, f.writer_document, f.writer_path);
    side(reader_path, update_, f.reader_document, f.reader_path);
    f.message = std::move(message);
    return f;
  }

  void Add(PK kind, std::string writer_path, std::string reader_path, std::string message,
           Witness witness = {}) {
    Finding f = Make(kind, std::move(writer_path), std::move(reader_path), std::move(message));
    if (f.severity == Severity::kBreaking) f.witness = std::move(witness);
    report_.Add(std::move(f));
  }

  const protobuf::Schema& original_;
  const protobuf::Schema& update_;
  Report report_;
  std::set<std::pair<const gp::Descriptor*, const gp::Descriptor*>> done_;
  std::set<std::pair<const gp::EnumDescriptor*, const gp::EnumDescriptor*>> done_enums_;
  std::vector<std::pair<const gp::Descriptor*, const gp::Descriptor*>> pending_;
  std::vector<std::pair<const gp::EnumDescriptor*, const gp::EnumDescriptor*>> pending_enums_;
};

Result<protobuf::Schema> ParseNamed(std::string_view text, const ProtobufCheckOptions& options,
                                    std::string_view role) {
  auto s = protobuf::Parse(text, options.parse);
  if (!s && s.error().file == options.parse.file_name) s.error().file = std::string(role);
  return s;
}

}  // namespace

bool ProtobufKindIsBreaking(ProtobufKind k) {
  switch (k) {
    case PK::kPackageChanged:
    case PK::kMessageRemoved:
    case PK::kFieldKindChanged:
    case PK::kFieldScalarKindChanged:
    case PK::kFieldNamedTypeChanged:
    case PK::kFieldNumericLabelChanged:
    case PK::kRequiredFieldAdded:
    case PK::kRequiredFieldRemoved:
    case PK::kOneofFieldRemoved:
    case PK::kMultipleFieldsMovedToOneof:
    case PK::kFieldMovedToExistingOneof:
    case PK::kReservedFieldRemoved:
    case PK::kFieldConflictsWithReservedField:
      return true;
    default:
      return false;
  }
}

ProtobufKind BackwardChangeKind(ProtobufKind checked) { return checked; }

ProtobufKind ForwardChangeKind(ProtobufKind checked) {
  switch (checked) {
    case PK::kMessageAdded:
      return PK::kMessageRemoved;
    case PK::kMessageRemoved:
      return PK::kMessageAdded;
    case PK::kEnumAdded:
      return PK::kEnumRemoved;
    case PK::kEnumRemoved:
      return PK::kEnumAdded;
    case PK::kEnumConstAdded:
      return PK::kEnumConstRemoved;
    case PK::kEnumConstRemoved:
      return PK::kEnumConstAdded;
    case PK::kFieldAdded:
      return PK::kFieldRemoved;
    case PK::kFieldRemoved:
      return PK::kFieldAdded;
    case PK::kOneofAdded:
      return PK::kOneofRemoved;
    case PK::kOneofRemoved:
      return PK::kOneofAdded;
    case PK::kOneofFieldAdded:
      return PK::kOneofFieldRemoved;
    case PK::kOneofFieldRemoved:
      return PK::kOneofFieldAdded;
    case PK::kRequiredFieldAdded:
      return PK::kRequiredFieldRemoved;
    case PK::kRequiredFieldRemoved:
      return PK::kRequiredFieldAdded;
    // Compared from the new file to the old, fields the old version has in
    // a oneof and the new one outside it: the author moved them out.
    case PK::kMultipleFieldsMovedToOneof:
    case PK::kFieldMovedToExistingOneof:
      return PK::kOneofFieldMovedToTopLevel;
    default:
      return checked;
  }
}

Report CompareProtobufSchemas(const protobuf::Schema& original, const protobuf::Schema& update) {
  return Comparer(original, update).Run();
}

Report CheckProtobufSchemas(const protobuf::Schema& writer, const protobuf::Schema& reader) {
  Report all = CompareProtobufSchemas(writer, reader);
  Report out;
  for (Finding& f : all.findings) {
    if (f.severity != Severity::kSafe) out.Add(std::move(f));
  }
  return out;
}

Result<Report> CheckProtobuf(std::string_view writer, std::string_view reader,
                             const ProtobufCheckOptions& options) {
  auto w = ParseNamed(writer, options, "writer");
  if (!w) return std::unexpected(std::move(w.error()));
  auto r = ParseNamed(reader, options, "reader");
  if (!r) return std::unexpected(std::move(r.error()));
  return CheckProtobufSchemas(*w, *r);
}

Report DiffProtobufSchemas(const protobuf::Schema& old_schema, const protobuf::Schema& new_schema) {
  Report out;
  Report backward = CompareProtobufSchemas(old_schema, new_schema);
  for (const Finding& f : backward.findings) {
    if (f.severity != Severity::kBreaking) continue;
    Finding g = f;
    g.direction = Direction::kBackward;
    out.Add(std::move(g));
  }
  Report forward = CompareProtobufSchemas(new_schema, old_schema);
  for (Finding& f : forward.findings) {
    if (f.severity != Severity::kBreaking) continue;
    if (auto k = f.kind.As<ProtobufKind>()) f.kind = ForwardChangeKind(*k);
    f.direction = Direction::kForward;
    out.Add(std::move(f));
  }
  for (Finding& f : backward.findings) {
    if (f.severity == Severity::kBreaking) continue;
    f.direction = Direction::kNone;
    out.Add(std::move(f));
  }
  return out;
}

Result<Report> DiffProtobuf(std::string_view old_schema, std::string_view new_schema,
                            const ProtobufCheckOptions& options) {
  auto o = ParseNamed(old_schema, options, "old");
  if (!o) return std::unexpected(std::move(o.error()));
  auto n = ParseNamed(new_schema, options, "new");
  if (!n) return std::unexpected(std::move(n.error()));
  return DiffProtobufSchemas(*o, *n);
}

Report CheckProtobufLevel(Level level, const std::vector<protobuf::Schema>& history,
                          const protobuf::Schema& candidate, const std::vector<int>& versions) {
  auto at = [&](std::size_t i) -> const protobuf::Schema& {
    return i < history.size() ? history[i] : candidate;
  };
  return CheckHistory(
      level, history.size(),
      [&](std::size_t w, std::size_t r) { return CheckProtobufSchemas(at(w), at(r)); }, versions);
}

// ---- reserved fields ---------------------------------------------------------------------

std::vector<std::string> ParseReservedFields(std::string_view property) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= property.size()) {
    std::size_t end = property.find(',', start);
    if (end == std::string_view::npos) end = property.size();
    std::string_view item = property.substr(start, end - start);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    start = end + 1;
  }
  return out;
}

Report CheckProtobufReservedFields(const protobuf::Schema& candidate, std::string_view reserved,
                                   std::optional<std::string_view> previous_reserved) {
  Report out;
  const std::vector<std::string> names = ParseReservedFields(reserved);
  const std::set<std::string> set(names.begin(), names.end());
  const gp::FileDescriptor* file = protobuf::FileOf(candidate);
  if (file->message_type_count() > 0) {
    const gp::Descriptor* d = file->message_type(0);
    for (int i = 0; i < d->field_count(); ++i) {
      const gp::FieldDescriptor* f = d->field(i);
      if (!set.contains(f->name())) continue;
      Finding x;
      x.kind = PK::kFieldConflictsWithReservedField;
      x.writer_path = x.reader_path = PointerOf(f);
      x.message = Relative(d) + " field " + f->name() + " has a name confluent:reserved reserves";
      out.Add(std::move(x));
    }
  }
  if (previous_reserved) {
    for (const std::string& n : ParseReservedFields(*previous_reserved)) {
      if (set.contains(n)) continue;
      Finding x;
      x.kind = PK::kReservedFieldRemoved;
      x.message =
          "reserved field " + n + " of the previous version is missing from confluent:reserved";
      out.Add(std::move(x));
    }
  }
  return out;
}

}  // namespace accord::compat
