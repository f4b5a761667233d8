// Lint rules that fit Protobuf (protobuf_compat.h, LintProtobuf).
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "accord/compat/protobuf_compat.h"
#include "accord/schemas/protobuf_descriptors.h"

namespace accord::compat {

namespace gp = google::protobuf;

namespace {

constexpr std::string_view kRemovedReserved = "proto-removed-field-reserved";
constexpr std::string_view kNumberReused = "proto-field-number-reused";
constexpr std::string_view kEnumZero = "proto-enum-zero-unspecified";
constexpr std::string_view kPii = "pii-unmarked";

lint::Level LevelOf(const lint::Config& config, std::string_view rule, lint::Level fallback) {
  if (auto it = config.levels.find(rule); it != config.levels.end()) return it->second;
  return fallback;
}

std::string UpperSnake(std::string_view camel) {
  std::string out;
  for (std::size_t i = 0; i < camel.size(); ++i) {
    const char c = camel[i];
    if (std::isupper(static_cast<unsigned char>(c)) && i > 0 &&
        !std::isupper(static_cast<unsigned char>(camel[i - 1])) && camel[i - 1] != '_') {
      out += '_';
    }
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string Relative(const std::string& full, const gp::FileDescriptor* f) {
  const std::string& p = f->package();
  return !p.empty() && full.starts_with(p + ".") ? full.substr(p.size() + 1) : full;
}

bool Reserved(const gp::Descriptor* d, int number, const std::string& name) {
  return d->IsReservedNumber(number) && d->IsReservedName(name);
}

// Words that suggest personal data in a field name.
bool LooksPersonal(std::string_view name) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view w :
       {"email", "phone", "first_name", "last_name", "full_name", "firstname", "lastname", "birth",
        "address", "ssn", "passport", "ip_address", "card_number", "iban", "national_id"}) {
    if (lower.find(w) != std::string::npos) return true;
  }
  return false;
}

class Linter {
 public:
  Linter(const protobuf::Schema& s, const protobuf::Schema* prev, const lint::Config& c)
      : schema_(s), previous_(prev), config_(c) {}

  std::vector<lint::Finding> Run() {
    const gp::FileDescriptor* file = protobuf::FileOf(schema_);
    for (int i = 0; i < file->message_type_count(); ++i) Message(file->message_type(i));
    for (int i = 0; i < file->enum_type_count(); ++i) Enum(file->enum_type(i));
    Pii();
    if (previous_ != nullptr) {
      const gp::FileDescriptor* old = protobuf::FileOf(*previous_);
      for (int i = 0; i < old->message_type_count(); ++i) Previous(old->message_type(i));
    }
    return std::move(out_);
  }

 private:
  void Add(std::string_view rule, lint::Level fallback, std::string pointer, std::string message) {
    const lint::Level level = LevelOf(config_, rule, fallback);
    if (level == lint::Level::kOff) return;
    out_.push_back(lint::Finding{std::string(rule), level, std::move(pointer), std::move(message)});
  }

  void Message(const gp::Descriptor* d) {
    if (d->options().map_entry()) return;
    for (int i = 0; i < d->nested_type_count(); ++i) Message(d->nested_type(i));
    for (int i = 0; i < d->enum_type_count(); ++i) Enum(d->enum_type(i));
  }

  void Enum(const gp::EnumDescriptor* e) {
    const gp::EnumValueDescriptor* zero = e->FindValueByNumber(0);
    if (zero == nullptr) return;  // proto2 enums need no zero value
    const std::string want = UpperSnake(e->name()) + "_UNSPECIFIED";
    if (zero->name() != want && !zero->name().ends_with("_UNSPECIFIED")) {
      Add(kEnumZero, lint::Level::kWarning, "/" + Relative(e->full_name(), e->file()),
          "enum " + e->name() + "'s zero value is " + zero->name() + ": name it " + want +
              " (the value a reader sees when the field is unset)");
    }
  }

  void Pii() {
    for (const std::string& m : schema_.MessageNames()) {
      for (const protobuf::FieldInfo& f : protobuf::Fields(schema_, m, 1)) {
        if (!LooksPersonal(f.name)) continue;
        const bool marked = std::find(f.tags.begin(), f.tags.end(), "PII") != f.tags.end() ||
                            std::find(f.tags.begin(), f.tags.end(), "NOT_PII") != f.tags.end();
        if (!marked) {
          Add(kPii, lint::Level::kError,
              "/" + Relative(m, protobuf::FileOf(schema_)) + "/" + f.name,
              "field " + f.name +
                  " looks like personal data: tag it [(confluent.field_meta).tags = \"PII\"] "
                  "(or \"NOT_PII\")");
        }
      }
    }
  }

  void Previous(const gp::Descriptor* old) {
    if (old->options().map_entry()) return;
    for (int i = 0; i < old->nested_type_count(); ++i) Previous(old->nested_type(i));
    const gp::Descriptor* now = protobuf::PoolOf(schema_)->FindMessageTypeByName(old->full_name());
    if (now == nullptr) return;
    const std::string at = "/" + Relative(now->full_name(), now->file());
    for (int i = 0; i < old->field_count(); ++i) {
      const gp::FieldDescriptor* f = old->field(i);
      const gp::FieldDescriptor* g = now->FindFieldByNumber(f->number());
      if (g == nullptr) {
        if (!Reserved(now, f->number(), f->name())) {
          Add(kRemovedReserved, lint::Level::kError, at,
              "field " + f->name() + " (" + std::to_string(f->number()) +
                  ") was removed: reserve its number and name (reserved " +
                  std::to_string(f->number()) + "; reserved \"" + f->name() + "\";)");
        }
      } else if (g->type() != f->type()) {
        Add(kNumberReused, lint::Level::kError, at + "/" + g->name(),
            "field number " + std::to_string(f->number()) + " was " + f->name() + " (" +
                f->type_name() + ") and is now " + g->name() + " (" + g->type_name() +
                "): old data is read into the new field; use a new number");
      }
    }
  }

  const protobuf::Schema& schema_;
  const protobuf::Schema* previous_;
  const lint::Config& config_;
  std::vector<lint::Finding> out_;
};

}  // namespace

std::vector<lint::Finding> LintProtobuf(const protobuf::Schema& schema,
                                        const protobuf::Schema* previous,
                                        const lint::Config& config) {
  return Linter(schema, previous, config).Run();
}

}  // namespace accord::compat
