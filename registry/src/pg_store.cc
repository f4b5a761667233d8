// The PostgreSQL Store: several registry processes (replicas) on one
// database, all equal. libpq (Debian's libpq-dev) is used directly: the C
// API gives the listener its socket to poll, and errors come back as values
// (SQLSTATE), which this file maps to StoreFault.
//
// What holds across processes, and why (no process-local lock is relied on):
//  * Schema ids come from accord_next_schema_id: the sequence schema_ids
//    for the default context, a context's own ids under a lock on the
//    context for the others; one schema (fingerprint) has one row: the
//    fingerprint is a unique key, and an insert that loses the race finds
//    the winner's id (ON CONFLICT DO NOTHING, then SELECT).
//  * Appends to a subject are serialised by the lock of its row in
//    subject_heads (and, for a subject's first version, deletes and claims,
//    a transaction-level advisory lock on the subject); under it AddVersion
//    compares the subject's highest version with
//    NewVersion::expected_latest, so a writer that decided against an older
//    latest gets kConflict and decides again. The config and mode a
//    decision read are compared through a config epoch (accord_epoch) that
//    every config or mode write moves (accord_add_version, kFunctions).
//  * Every write, once committed, sends a notification (on the channel of
//    its schema, NotificationChannel) with what it changed and its audit
//    row's seq: every other process's listener drops those cached mutable
//    reads. The notification is not part of the
//    write: PostgreSQL serialises the commits of notifying transactions (a
//    database-wide lock held through the commit's WAL flush), which capped
//    registrations at one disk flush each. The writer queues it; this
//    process's listener sends what is queued, several writes' worth in one
//    asynchronous-commit transaction and one notification
//    (PostgresStore::Announce, notification_batch.h; a build before that
//    format reads such a notification as "everything changed", so replicas
//    of both builds stay correct during an upgrade). A writer that dies between its
//    COMMIT and its notification leaves an audit row nobody was told of: each listener's periodic
//    check counts the recent audit rows against the notifications it got
//    (Listener below) and drops everything when one stays unannounced. A
//    listener that lost its connection drops everything when it is back.
//  * Migrations run under a session advisory lock: replicas started together
//    migrate once; a database migrated by a newer build is refused.
#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "accord/registry/server.h"
#include "accord/registry/store.h"
#include "accord/schemas/json.h"
#include "notification_batch.h"
#include "store_columns.h"
#include "subject_names.h"

namespace accord::registry {
namespace {

using namespace internal::columns;  // NOLINT: the column codecs shared with sqlite_store.cc

// The layout version of the tables below; a database that records a higher
// one was migrated by a newer build and is refused.
// 1: the tables (kDdl). 2: accord_add_version (kFunctions). 3: subject_folds
// and accord_add_version's p_case_fold (the layout-2 function stays, for
// replicas of the previous build still running during an upgrade). 4:
// accord_add_version's p_sub_owner (the layout-3 function stays likewise).
// 5: service_versions, environments, deployments (new tables only). 6:
// read_counts and webhooks (kUsageDdl; independent of layout 5's tables).
// 7: config.contract, the data-contract settings as JSON (NULL: none;
// columns::ContractSettingsText), added by kDdl's ADD COLUMN IF NOT EXISTS,
// and accord_add_version's p_sub_contract / p_global_contract (the layout-4
// function stays likewise). 8: contexts (kContextsDdl) and
// accord_next_schema_id, which accord_add_version draws ids through (the
// previous build's replicas never name a context, and get what they got
// before).
// 9: subject_meta.message (ADD COLUMN IF NOT EXISTS in kDdl; the function's
// INSERT leaves it to its default and its UPDATE leaves it alone: replicas of
// the previous build still running during an upgrade keep working).
// 10: subject_heads and accord_epoch (kHeadsDdl), accord_add_version's
// p_config_epoch and fast path (layout 4's and layout 7's signatures now
// call it, so that every append keeps the subject's head).
// 11: contexts.deleted (DELETE /contexts/{ctx}; ADD COLUMN IF NOT EXISTS in
// kContextsDdl) and accord_add_version's p_ctx_* (the config and mode of the
// subject's context, issue #18; layout 10's signature now calls it without
// them, which is what that build decided under).
constexpr int kSchemaVersion = 11;
// Advisory lock keys (64-bit, app-chosen): migrations, session level.
constexpr const char* kMigrationLock = "7308894582163227137";
constexpr const char* kDdl = R"sql(
CREATE TABLE IF NOT EXISTS accord_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE SEQUENCE IF NOT EXISTS schema_ids;
CREATE TABLE IF NOT EXISTS schemas(
  id BIGINT PRIMARY KEY,
  type TEXT NOT NULL,
  text TEXT NOT NULL,
  canonical TEXT NOT NULL,
  fingerprint TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS schema_refs(
  schema_id BIGINT NOT NULL,
  ord INTEGER NOT NULL,
  name TEXT NOT NULL,
  subject TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY(schema_id, ord));
CREATE INDEX IF NOT EXISTS schema_refs_target ON schema_refs(subject, version);
CREATE TABLE IF NOT EXISTS versions(
  subject TEXT NOT NULL,
  version INTEGER NOT NULL,
  schema_id BIGINT NOT NULL,
  deleted BOOLEAN NOT NULL DEFAULT false,
  created_ms BIGINT NOT NULL,
  metadata TEXT NOT NULL DEFAULT '',
  rule_set TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(subject, version));
CREATE INDEX IF NOT EXISTS versions_by_schema ON versions(schema_id);
CREATE TABLE IF NOT EXISTS config(scope TEXT PRIMARY KEY, level TEXT, policy TEXT, lint BOOLEAN);
ALTER TABLE config ADD COLUMN IF NOT EXISTS contract TEXT;
CREATE TABLE IF NOT EXISTS modes(scope TEXT PRIMARY KEY, mode TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit(
  seq BIGSERIAL PRIMARY KEY,
  ts_ms BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  version INTEGER NOT NULL,
  schema_id BIGINT NOT NULL,
  detail TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_by_subject ON audit(subject, seq);
CREATE TABLE IF NOT EXISTS subject_meta(
  subject TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  description TEXT NOT NULL,
  tags TEXT NOT NULL,
  links TEXT NOT NULL,
  sla TEXT NOT NULL);
ALTER TABLE subject_meta ADD COLUMN IF NOT EXISTS message TEXT NOT NULL DEFAULT '';
CREATE TABLE IF NOT EXISTS deprecations(
  subject TEXT NOT NULL,
  version INTEGER NOT NULL,
  sunset TEXT NOT NULL,
  reason TEXT NOT NULL,
  replacement INTEGER,
  deprecated_ms BIGINT NOT NULL,
  PRIMARY KEY(subject, version));
-- Which subject holds each case-folded name (NewVersion::case_fold): the
-- subjects created while case variants are refused. A row whose subject
-- has no version record left is stale and taken over.
CREATE TABLE IF NOT EXISTS subject_folds(
  folded TEXT PRIMARY KEY,
  subject TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS services(
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  produces TEXT NOT NULL,
  consumes TEXT NOT NULL,
  updated_ms BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS service_versions(
  service TEXT NOT NULL,
  version TEXT NOT NULL,
  owner TEXT NOT NULL,
  produces TEXT NOT NULL,
  consumes TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  PRIMARY KEY(service, version));
CREATE TABLE IF NOT EXISTS environments(
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  production BOOLEAN NOT NULL,
  created_ms BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS deployments(
  environment TEXT NOT NULL,
  service TEXT NOT NULL,
  version TEXT NOT NULL,
  deployed_ms BIGINT NOT NULL,
  PRIMARY KEY(environment, service));
)sql";

// Layout 6: who read which schema (Store::AddReadCounts) and the webhooks.
constexpr const char* kUsageDdl = R"sql(
CREATE TABLE IF NOT EXISTS read_counts(
  schema_id BIGINT NOT NULL,
  principal TEXT NOT NULL,
  user_agent TEXT NOT NULL,
  count BIGINT NOT NULL,
  first_seen_ms BIGINT NOT NULL,
  last_seen_ms BIGINT NOT NULL,
  PRIMARY KEY(schema_id, principal, user_agent));
CREATE TABLE IF NOT EXISTS webhooks(
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  events TEXT NOT NULL,
  secret TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_ms BIGINT NOT NULL);
)sql";

// Layout 8: the numbers of the named contexts (Store::EnsureContext), whose
// schema ids carry them in their high bits (SchemaId::InContext).
constexpr const char* kContextsDdl = R"sql(
CREATE SEQUENCE IF NOT EXISTS context_numbers;
CREATE TABLE IF NOT EXISTS contexts(
  name TEXT PRIMARY KEY,
  number BIGINT NOT NULL UNIQUE);
ALTER TABLE contexts ADD COLUMN IF NOT EXISTS deleted BOOLEAN NOT NULL DEFAULT false;
)sql";

// Layout 10: what lets a registration skip most of its checks (see
// accord_add_version's fast path). subject_heads holds each subject's highest
// version number (soft-deleted ones included), kept by every write that
// changes it (accord_add_version, HardDeleteVersions); its row is the lock an
// append takes. accord_epoch's one row counts the config and mode writes
// (statement triggers, so writes by any build or by hand count too): a
// decision read under epoch E still holds while the epoch is E. The heads of
// the subjects written before this layout are filled in here (migration:
// every step idempotent).
constexpr const char* kHeadsDdl = R"sql(
CREATE TABLE IF NOT EXISTS subject_heads(subject TEXT PRIMARY KEY, latest INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS accord_epoch(
  one BOOLEAN PRIMARY KEY DEFAULT true CHECK (one),  -- one row, ever
  config BIGINT NOT NULL);
INSERT INTO accord_epoch(config) VALUES (0) ON CONFLICT (one) DO NOTHING;
CREATE OR REPLACE FUNCTION accord_config_written() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE accord_epoch SET config = config + 1;
  RETURN NULL;
END
$fn$;
DROP TRIGGER IF EXISTS config_epoch ON config;
CREATE TRIGGER config_epoch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON config
  FOR EACH STATEMENT EXECUTE FUNCTION accord_config_written();
DROP TRIGGER IF EXISTS modes_epoch ON modes;
CREATE TRIGGER modes_epoch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON modes
  FOR EACH STATEMENT EXECUTE FUNCTION accord_config_written();
INSERT INTO subject_heads(subject, latest)
  SELECT v.subject, MAX(v.version) FROM versions v GROUP BY v.subject
  ON CONFLICT (subject) DO UPDATE SET latest = EXCLUDED.latest;
-- A schema row (text and canonical form) is usually over the size at which
-- PostgreSQL compresses; lz4 costs a fraction of pglz's CPU (pglz was a
-- tenth of the registration function's instructions). Rows stored before
-- keep pglz; a server built without lz4 (or before PostgreSQL 14) keeps
-- pglz for all.
DO $do$
BEGIN
  ALTER TABLE schemas ALTER COLUMN text SET COMPRESSION lz4,
    ALTER COLUMN canonical SET COMPRESSION lz4;
EXCEPTION WHEN OTHERS THEN
  NULL;
END
$do$;
)sql";

// A registration in one statement, hence one round trip and one implicit
// transaction (autocommit): it serialises with the subject's other writers
// until it commits, refuses a stale decision (p_expected_latest; with
// p_decided, the config rows (data-contract settings included) and mode rows
// and the owner the decision read: NewVersion::decided_under), finds or
// inserts the schema (a new one's id from accord_next_schema_id), appends the
// version, replaces the subject's catalog metadata when p_meta_owner is set,
// and writes the audit row. (The change notification is sent after the
// commit: see PostgresStore::Notify.) Returns one row: outcome 'ok' or
// 'conflict' (nothing written), the schema id, whether the row is new, the
// audit seq, and the config epoch when the full path read it (else NULL).
// p_fail_at names a step that raises (SQLSTATE AC001) for fault-injection
// tests: the whole statement rolls back. With p_case_fold (the subject is
// being created and case variants are refused), the folded name is claimed
// in subject_folds, and outcome 'case_variant' with case_variant_of names
// another subject with versions that holds it: a racing creator of another
// variant waits on the claim's key and then sees it.
//
// Two paths (layout 10). The fast one, for the usual registration (a new
// version appended to an existing subject, decided under config epoch
// p_config_epoch, no owner to compare, no name to claim), checks with one
// statement: the subject's head row updated under its checks. The epoch
// moves with every write to the config table (any column, the contract
// settings included) and the modes table, so an unchanged epoch stands for
// all of p_decided's comparisons. Everything else, and a fast path whose
// checks failed (to find out why), takes the full path, which checks first
// and writes after (so its 'conflict' leaves nothing): the subject's
// advisory lock, MAX(version), the config and mode rows, the owner, the name
// claim. Each statement takes a new snapshot, so what a statement reads
// after a lock sees every write committed before it. Both paths then draw a
// new schema's id alike (accord_next_schema_id).
// (The function's instructions per registration: a third fewer than
// layout 4's, lz4 included; docs/benchmarks.md, "Instructions per
// registration: table layout 10".)
constexpr const char* kFunctions = R"sql(
-- Contexts (issue #18): the id a new schema row gets. NULL: the default
-- context's sequence. A context's own id (its number << 32, low half 0):
-- that context's largest id + 1, under a lock on the context held to the
-- end of the transaction, so replicas allocating in one context take turns
-- and never move the default sequence. Anything else: that id (IMPORT).
CREATE OR REPLACE FUNCTION accord_next_schema_id(p_schema_id BIGINT) RETURNS BIGINT
LANGUAGE plpgsql AS $fn$
DECLARE
  next_id BIGINT;
BEGIN
  IF p_schema_id IS NULL THEN
    RETURN nextval('schema_ids');
  END IF;
  IF p_schema_id > 0 AND p_schema_id % 4294967296 = 0 THEN
    PERFORM pg_advisory_xact_lock(hashtextextended('accord_context_ids', p_schema_id));
    SELECT COALESCE(MAX(s.id), p_schema_id) + 1 INTO next_id FROM schemas s
      WHERE s.id >= p_schema_id AND s.id < p_schema_id + 4294967296;
    RETURN next_id;
  END IF;
  RETURN p_schema_id;
END
$fn$;
CREATE OR REPLACE FUNCTION accord_add_version(
    p_subject TEXT, p_version INTEGER, p_expected_latest INTEGER, p_schema_id BIGINT,
    p_type TEXT, p_text TEXT, p_canonical TEXT, p_fingerprint TEXT, p_refs TEXT,
    p_created_ms BIGINT, p_metadata TEXT, p_rule_set TEXT,
    p_meta_owner TEXT, p_meta_description TEXT, p_meta_tags TEXT, p_meta_links TEXT,
    p_meta_sla TEXT,
    p_ts_ms BIGINT, p_actor TEXT, p_action TEXT, p_audit_subject TEXT, p_audit_version INTEGER,
    p_detail TEXT, p_fail_at TEXT,
    p_decided BOOLEAN, p_global_scope TEXT, p_sub_level TEXT, p_sub_policy TEXT,
    p_sub_lint BOOLEAN, p_global_level TEXT, p_global_policy TEXT, p_global_lint BOOLEAN,
    p_sub_mode TEXT, p_global_mode TEXT, p_case_fold TEXT, p_sub_owner TEXT,
    -- layout 7 (data contracts): the config rows' contract settings decided under
    p_sub_contract TEXT, p_global_contract TEXT,
    -- layout 10: the config epoch the decision's config and mode were read under
    p_config_epoch BIGINT,
    -- layout 11: the subject's context's config and mode (scope ':.ctx:'),
    -- compared when p_ctx_scope is not NULL (a subject in a named context)
    p_ctx_scope TEXT, p_ctx_level TEXT, p_ctx_policy TEXT, p_ctx_lint BOOLEAN,
    p_ctx_contract TEXT, p_ctx_mode TEXT,
    OUT outcome TEXT, OUT schema_id BIGINT, OUT new_schema BOOLEAN, OUT seq BIGINT,
    OUT case_variant_of TEXT, OUT config_epoch BIGINT)
LANGUAGE plpgsql AS $fn$
DECLARE
  latest INTEGER;
  holder TEXT;
  c config%ROWTYPE;
  g config%ROWTYPE;
  x config%ROWTYPE;
  sm TEXT;
  gm TEXT;
  xm TEXT;
  so TEXT;
  fast BOOLEAN := false;
BEGIN
  -- (1) Serialise with the subject's other writers; refuse a stale decision.
  --
  -- The fast path's one statement. The head row's lock serialises this
  -- append with every other append and hard delete of the subject (a
  -- writer holding it makes this UPDATE wait, then re-check the row it
  -- committed). Its latest must still be the one decided against, and the
  -- config epoch the one the decision's config and mode were read under:
  -- then those rows (every column) are as the decision read them, and
  -- p_decided's four reads are skipped.
  IF p_expected_latest > 0 AND p_config_epoch IS NOT NULL AND p_case_fold IS NULL
     AND p_meta_owner IS NULL THEN
    UPDATE subject_heads h SET latest = p_version
      WHERE h.subject = p_subject AND h.latest = p_expected_latest
        AND (SELECT e.config FROM accord_epoch e) = p_config_epoch;
    fast := FOUND;
  END IF;
  IF NOT fast THEN
    -- The full path: checks, each of which may refuse, and no write yet.
    -- The advisory lock serialises with the writers that take it
    -- (LockSubject: deletes, deprecations, claims); the head row's lock
    -- with fast-path appends (one holding it has committed once this
    -- returns, so the MAX below sees its version).
    PERFORM pg_advisory_xact_lock(hashtextextended(p_subject, 7));
    PERFORM 1 FROM subject_heads h WHERE h.subject = p_subject FOR UPDATE;
    SELECT COALESCE(MAX(v.version), 0) INTO latest FROM versions v WHERE v.subject = p_subject;
    IF latest IS DISTINCT FROM p_expected_latest AND p_expected_latest IS NOT NULL THEN
      outcome := 'conflict';
      RETURN;
    END IF;
    IF p_decided THEN
      -- Returned, so that the store can tell its cached config reads are
      -- older than the epoch (then it reads them again).
      SELECT e.config INTO config_epoch FROM accord_epoch e;
      -- No row reads as a row of NULLs: both mean "not set".
      SELECT * INTO c FROM config WHERE scope = p_subject;
      SELECT * INTO g FROM config WHERE scope = p_global_scope;
      SELECT mode INTO sm FROM modes WHERE scope = p_subject;
      SELECT mode INTO gm FROM modes WHERE scope = p_global_scope;
      IF c.level IS DISTINCT FROM p_sub_level OR c.policy IS DISTINCT FROM p_sub_policy
         OR c.lint IS DISTINCT FROM p_sub_lint OR g.level IS DISTINCT FROM p_global_level
         OR g.policy IS DISTINCT FROM p_global_policy OR g.lint IS DISTINCT FROM p_global_lint
         OR sm IS DISTINCT FROM p_sub_mode OR gm IS DISTINCT FROM p_global_mode
         OR c.contract IS DISTINCT FROM p_sub_contract  -- layout 7
         OR g.contract IS DISTINCT FROM p_global_contract THEN
        outcome := 'conflict';
        RETURN;
      END IF;
      IF p_ctx_scope IS NOT NULL THEN  -- layout 11
        SELECT * INTO x FROM config WHERE scope = p_ctx_scope;
        SELECT mode INTO xm FROM modes WHERE scope = p_ctx_scope;
        IF x.level IS DISTINCT FROM p_ctx_level OR x.policy IS DISTINCT FROM p_ctx_policy
           OR x.lint IS DISTINCT FROM p_ctx_lint OR x.contract IS DISTINCT FROM p_ctx_contract
           OR xm IS DISTINCT FROM p_ctx_mode THEN
          outcome := 'conflict';
          RETURN;
        END IF;
      END IF;
      -- The owner the authorisation read (DecidedUnder::subject_owner), when
      -- this write could undo another's: it replaces the subject's metadata,
      -- or creates the subject, which a claim may have given an owner.
      IF p_meta_owner IS NOT NULL OR p_expected_latest = 0 THEN
        SELECT m.owner INTO so FROM subject_meta m WHERE m.subject = p_subject;
        IF COALESCE(so, '') <> COALESCE(p_sub_owner, '') THEN
          outcome := 'conflict';
          RETURN;
        END IF;
      END IF;
    END IF;
    IF p_case_fold IS NOT NULL THEN
      INSERT INTO subject_folds(folded, subject) VALUES(p_case_fold, p_subject)
        ON CONFLICT (folded) DO NOTHING;
      SELECT f.subject INTO holder FROM subject_folds f WHERE f.folded = p_case_fold;
      IF holder IS DISTINCT FROM p_subject THEN
        IF EXISTS (SELECT 1 FROM versions v WHERE v.subject = holder) THEN
          outcome := 'case_variant';
          case_variant_of := holder;
          RETURN;
        END IF;
        UPDATE subject_folds SET subject = p_subject
          WHERE folded = p_case_fold AND subject = holder;
        IF NOT FOUND THEN
          outcome := 'conflict';
          RETURN;
        END IF;
      END IF;
    END IF;
    -- The checks passed: the head moves (created for a new subject).
    INSERT INTO subject_heads(subject, latest) VALUES(p_subject, GREATEST(latest, p_version))
      ON CONFLICT (subject) DO UPDATE SET latest = EXCLUDED.latest;
  END IF;

  -- (2) The writes: every check above passed.
  IF p_meta_owner IS NOT NULL THEN
    -- (subject_meta.message, layout 9, keeps its default or its value.)
    INSERT INTO subject_meta(subject, owner, description, tags, links, sla)
      VALUES(p_subject, p_meta_owner, p_meta_description, p_meta_tags, p_meta_links, p_meta_sla)
      ON CONFLICT (subject) DO UPDATE SET owner = EXCLUDED.owner,
        description = EXCLUDED.description, tags = EXCLUDED.tags, links = EXCLUDED.links,
        sla = EXCLUDED.sla;
  END IF;
  -- (Measured: these four statements cost PostgreSQL fewer instructions
  -- than one statement with the same three inserts as CTEs.)
  new_schema := false;
  SELECT s.id INTO schema_id FROM schemas s WHERE s.fingerprint = p_fingerprint;
  IF schema_id IS NULL THEN
    -- The id is drawn only when a row is inserted (accord_next_schema_id:
    -- the default context's sequence, or the context's own ids under its
    -- lock). A racing writer of the same schema may win the fingerprint:
    -- this one then takes its id (ON CONFLICT waited for it to commit; the
    -- next statement sees it).
    INSERT INTO schemas(id, type, text, canonical, fingerprint)
      VALUES(accord_next_schema_id(p_schema_id), p_type, p_text, p_canonical,  -- contexts
             p_fingerprint)
      ON CONFLICT (fingerprint) DO NOTHING RETURNING id INTO schema_id;
    IF schema_id IS NULL THEN
      SELECT s.id INTO schema_id FROM schemas s WHERE s.fingerprint = p_fingerprint;
      IF schema_id IS NULL THEN
        -- A schema row is never deleted: unreachable. Raised, so that
        -- the head moved above does not stay.
        RAISE EXCEPTION 'schema row vanished' USING ERRCODE = 'serialization_failure';
      END IF;
    ELSE
      new_schema := true;
      IF p_fail_at = 'schema' THEN RAISE EXCEPTION 'injected fault' USING ERRCODE = 'AC001'; END IF;
      IF p_schema_id IS NOT NULL THEN
        -- Later registrations get ids above every imported one (of the
        -- default context: another context's ids never move its sequence).
        PERFORM setval('schema_ids', p_schema_id)
          WHERE p_schema_id > (SELECT last_value FROM schema_ids)
            AND p_schema_id < 4294967296;  -- contexts
      END IF;
      IF p_refs IS NOT NULL THEN
        INSERT INTO schema_refs(schema_id, ord, name, subject, version)
          SELECT schema_id, r.ord - 1, r.e->>'name', r.e->>'subject', (r.e->>'version')::INTEGER
          FROM jsonb_array_elements(p_refs::jsonb) WITH ORDINALITY AS r(e, ord);
      END IF;
    END IF;
  END IF;
  IF p_fail_at = 'version' THEN RAISE EXCEPTION 'injected fault' USING ERRCODE = 'AC001'; END IF;
  INSERT INTO versions(subject, version, schema_id, deleted, created_ms, metadata, rule_set)
    VALUES(p_subject, p_version, schema_id, false, p_created_ms, p_metadata, p_rule_set);
  IF p_fail_at = 'audit' THEN RAISE EXCEPTION 'injected fault' USING ERRCODE = 'AC001'; END IF;
  INSERT INTO audit(ts_ms, actor, action, subject, version, schema_id, detail)
    VALUES(p_ts_ms, p_actor, p_action, p_audit_subject, p_audit_version, schema_id, p_detail)
    RETURNING audit.seq INTO seq;
  IF p_fail_at = 'commit' THEN RAISE EXCEPTION 'injected fault' USING ERRCODE = 'AC001'; END IF;
  outcome := 'ok';
END
$fn$;
-- The previous builds' signatures, for their replicas still running during
-- an upgrade: each now takes the full path above (no epoch), which keeps the
-- subject's head and draws ids as above (they never name a context).
-- Layout 10's (no context config: that build decided under none), on its
-- fast path when it passes an epoch:
CREATE OR REPLACE FUNCTION accord_add_version(
    p_subject TEXT, p_version INTEGER, p_expected_latest INTEGER, p_schema_id BIGINT,
    p_type TEXT, p_text TEXT, p_canonical TEXT, p_fingerprint TEXT, p_refs TEXT,
    p_created_ms BIGINT, p_metadata TEXT, p_rule_set TEXT,
    p_meta_owner TEXT, p_meta_description TEXT, p_meta_tags TEXT, p_meta_links TEXT,
    p_meta_sla TEXT,
    p_ts_ms BIGINT, p_actor TEXT, p_action TEXT, p_audit_subject TEXT, p_audit_version INTEGER,
    p_detail TEXT, p_fail_at TEXT,
    p_decided BOOLEAN, p_global_scope TEXT, p_sub_level TEXT, p_sub_policy TEXT,
    p_sub_lint BOOLEAN, p_global_level TEXT, p_global_policy TEXT, p_global_lint BOOLEAN,
    p_sub_mode TEXT, p_global_mode TEXT, p_case_fold TEXT, p_sub_owner TEXT,
    p_sub_contract TEXT, p_global_contract TEXT, p_config_epoch BIGINT,
    OUT outcome TEXT, OUT schema_id BIGINT, OUT new_schema BOOLEAN, OUT seq BIGINT,
    OUT case_variant_of TEXT, OUT config_epoch BIGINT)
LANGUAGE sql AS $fn$
  SELECT a.outcome, a.schema_id, a.new_schema, a.seq, a.case_variant_of, a.config_epoch
  FROM accord_add_version($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                          $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29,
                          $30, $31, $32, $33, $34, $35, $36, $37, $38, $39,
                          NULL, NULL, NULL, NULL, NULL, NULL) a
$fn$;
-- Layout 7's (data contracts):
CREATE OR REPLACE FUNCTION accord_add_version(
    p_subject TEXT, p_version INTEGER, p_expected_latest INTEGER, p_schema_id BIGINT,
    p_type TEXT, p_text TEXT, p_canonical TEXT, p_fingerprint TEXT, p_refs TEXT,
    p_created_ms BIGINT, p_metadata TEXT, p_rule_set TEXT,
    p_meta_owner TEXT, p_meta_description TEXT, p_meta_tags TEXT, p_meta_links TEXT,
    p_meta_sla TEXT,
    p_ts_ms BIGINT, p_actor TEXT, p_action TEXT, p_audit_subject TEXT, p_audit_version INTEGER,
    p_detail TEXT, p_fail_at TEXT,
    p_decided BOOLEAN, p_global_scope TEXT, p_sub_level TEXT, p_sub_policy TEXT,
    p_sub_lint BOOLEAN, p_global_level TEXT, p_global_policy TEXT, p_global_lint BOOLEAN,
    p_sub_mode TEXT, p_global_mode TEXT, p_case_fold TEXT, p_sub_owner TEXT,
    p_sub_contract TEXT, p_global_contract TEXT,
    OUT outcome TEXT, OUT schema_id BIGINT, OUT new_schema BOOLEAN, OUT seq BIGINT,
    OUT case_variant_of TEXT)
LANGUAGE sql AS $fn$
  SELECT a.outcome, a.schema_id, a.new_schema, a.seq, a.case_variant_of
  FROM accord_add_version($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                          $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29,
                          $30, $31, $32, $33, $34, $35, $36, $37, $38, NULL,
                          NULL, NULL, NULL, NULL, NULL, NULL) a
$fn$;
-- Layout 4's, whose build knows no contract settings and so never compared
-- them: it passes the stored ones, which compare equal (a config write
-- between this statement's snapshot and the function's read still refuses,
-- and that build decides again).
CREATE OR REPLACE FUNCTION accord_add_version(
    p_subject TEXT, p_version INTEGER, p_expected_latest INTEGER, p_schema_id BIGINT,
    p_type TEXT, p_text TEXT, p_canonical TEXT, p_fingerprint TEXT, p_refs TEXT,
    p_created_ms BIGINT, p_metadata TEXT, p_rule_set TEXT,
    p_meta_owner TEXT, p_meta_description TEXT, p_meta_tags TEXT, p_meta_links TEXT,
    p_meta_sla TEXT,
    p_ts_ms BIGINT, p_actor TEXT, p_action TEXT, p_audit_subject TEXT, p_audit_version INTEGER,
    p_detail TEXT, p_fail_at TEXT,
    p_decided BOOLEAN, p_global_scope TEXT, p_sub_level TEXT, p_sub_policy TEXT,
    p_sub_lint BOOLEAN, p_global_level TEXT, p_global_policy TEXT, p_global_lint BOOLEAN,
    p_sub_mode TEXT, p_global_mode TEXT, p_case_fold TEXT, p_sub_owner TEXT,
    OUT outcome TEXT, OUT schema_id BIGINT, OUT new_schema BOOLEAN, OUT seq BIGINT,
    OUT case_variant_of TEXT)
LANGUAGE sql AS $fn$
  SELECT a.outcome, a.schema_id, a.new_schema, a.seq, a.case_variant_of
  FROM accord_add_version($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                          $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29,
                          $30, $31, $32, $33, $34, $35, $36,
                          (SELECT c.contract FROM config c WHERE c.scope = $1),
                          (SELECT c.contract FROM config c WHERE c.scope = $26), NULL,
                          NULL, NULL, NULL, NULL, NULL, NULL) a
$fn$;
)sql";

// Every read of versions selects these columns (ReadVersions), with the
// version's deprecation joined in. Text is ordered bytewise (COLLATE "C"),
// as SQLite orders it, whatever the database's locale.
constexpr const char* kVersionColumns =
    "SELECT v.subject, v.version, v.schema_id, v.deleted, v.created_ms, v.metadata, v.rule_set, "
    "d.sunset, d.reason, d.replacement, d.deprecated_ms FROM versions v "
    "LEFT JOIN deprecations d ON d.subject = v.subject AND d.version = v.version ";

void LogWarning(const std::string& msg, const std::string& detail) {
  json::Value line{json::Object{}};
  line.Add("level", "warn");
  line.Add("msg", msg);
  if (!detail.empty()) line.Add("detail", detail);
  LogToStderr(json::ToJson(line));
}

std::unexpected<RegistryError> Unavailable() {
  return std::unexpected(RegistryError{ErrorCode::kStoreError,
                                       "store error: the database is unavailable; retry later",
                                       StoreFault::kUnavailable});
}

std::unexpected<RegistryError> Conflict() {
  return std::unexpected(RegistryError{ErrorCode::kStoreError,
                                       "store error: a concurrent change won; retry",
                                       StoreFault::kConflict});
}

std::unexpected<RegistryError> InjectedFault() {
  return Fail(ErrorCode::kStoreError, "store error: injected fault");
}

// 16 hex digits from the system's random source.
std::string RandomToken() {
  std::random_device rd;
  char out[17];
  std::snprintf(out, sizeof out, "%08x%08x", rd(), rd());
  return out;
}

std::int64_t ToInt(const char* text) {
  std::int64_t v = 0;
  if (text != nullptr) std::from_chars(text, text + std::char_traits<char>::length(text), v);
  return v;
}

// A query's parameter: text, or SQL NULL.
using Param = std::optional<std::string>;
Param P(std::int64_t v) { return std::to_string(v); }
Param P(std::int32_t v) { return std::to_string(v); }
Param P(std::string v) { return v; }
Param P(bool v) { return std::string(v ? "t" : "f"); }

// A config column as SetConfig writes it (and accord_add_version compares
// it); NULL when the record or the field is not set.
Param ConfigColumn(const std::optional<ConfigRecord>& c,
                   std::optional<compat::Level> ConfigRecord::*field) {
  if (!c || !((*c).*field)) return Param();
  return std::string(compat::LevelName(*((*c).*field)));
}
Param ConfigColumn(const std::optional<ConfigRecord>& c,
                   std::optional<compat::Policy> ConfigRecord::*field) {
  if (!c || !((*c).*field)) return Param();
  return std::string(compat::PolicyName(*((*c).*field)));
}
Param ConfigColumn(const std::optional<ConfigRecord>& c, std::optional<bool> ConfigRecord::*field) {
  if (!c || !((*c).*field)) return Param();
  return P(*((*c).*field));
}

// A query result (owns the PGresult).
class Rows {
 public:
  explicit Rows(PGresult* r) : r_(r) {}
  Rows(Rows&& o) noexcept : r_(std::exchange(o.r_, nullptr)) {}
  Rows& operator=(Rows&&) = delete;
  ~Rows() {
    if (r_ != nullptr) PQclear(r_);
  }
  int size() const { return PQntuples(r_); }
  bool IsNull(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
  std::string Text(int row, int col) const {
    return std::string(PQgetvalue(r_, row, col),
                       static_cast<std::size_t>(PQgetlength(r_, row, col)));
  }
  std::int64_t Int(int row, int col) const { return ToInt(PQgetvalue(r_, row, col)); }
  bool Bool(int row, int col) const { return PQgetvalue(r_, row, col)[0] == 't'; }

 private:
  PGresult* r_;
};

// One connection to the database.
class Conn {
 public:
  explicit Conn(PGconn* c) : c_(c) {}
  ~Conn() { PQfinish(c_); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;
  PGconn* get() const { return c_; }
  bool ok() const { return PQstatus(c_) == CONNECTION_OK; }

  // Runs `sql` with `params` ($1, $2, ... as text). Errors, by SQLSTATE:
  // unique key / serialisation / deadlock -> kConflict; connection lost
  // -> kUnavailable; statement timeout -> 50002; else 50001. The message
  // never holds the server's text (it may name hosts and SQL); the log does.
  RegistryResult<Rows> Exec(const char* sql, const std::vector<Param>& params = {}) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
    PGresult* r = nullptr;
    if (values.empty()) {
      // The simple protocol, which also runs a script of several statements
      // (the DDL).
      r = PQexec(c_, sql);
    } else {
      // Prepared once per connection: parsing and planning cost the database
      // more than running these small statements.
      const std::string* name = Prepared(sql, static_cast<int>(values.size()), &r);
      if (name != nullptr) {
        r = PQexecPrepared(c_, name->c_str(), static_cast<int>(values.size()), values.data(),
                           nullptr, nullptr, 0);
      }
    }
    const ExecStatusType st = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Rows(r);
    const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    const std::string code = state != nullptr ? state : "";
    std::string detail = code + " " + PQerrorMessage(c_);
    if (r != nullptr) PQclear(r);
    if (!ok() || code.starts_with("08") || code == "57P01" || code == "57P02" || code == "57P03") {
      LogWarning("database connection failed", detail);
      return Unavailable();
    }
    if (code == "23505" || code == "40001" || code == "40P01") return Conflict();
    LogWarning("database statement failed", detail);
    if (code == "57014") {
      return Fail(ErrorCode::kOperationTimeout, "store error: the database did not answer in time");
    }
    return Fail(ErrorCode::kStoreError, "store error: the database refused the statement");
  }

 private:
  // The name of `sql` prepared on this connection; nullptr with *failed set
  // to the error result when it cannot be prepared.
  const std::string* Prepared(const char* sql, int params, PGresult** failed) {
    auto it = prepared_.find(sql);
    if (it != prepared_.end()) return &it->second;
    std::string name = "accord_" + std::to_string(prepared_.size());
    PGresult* r = PQprepare(c_, name.c_str(), sql, params, nullptr);
    if (r == nullptr || PQresultStatus(r) != PGRES_COMMAND_OK) {
      *failed = r;
      return nullptr;
    }
    PQclear(r);
    return &prepared_.emplace(sql, std::move(name)).first->second;
  }

  PGconn* c_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
};

// Opens a connection (connect_timeout bounds the attempt) with the session
// settings every connection gets.
RegistryResult<std::unique_ptr<Conn>> Connect(const PostgresOptions& o) {
  const std::string timeout = std::to_string(o.connect_timeout_s);
  const char* keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
  const char* values[] = {o.uri.c_str(), timeout.c_str(), "accord", nullptr};
  auto conn = std::make_unique<Conn>(PQconnectdbParams(keys, values, /*expand_dbname=*/1));
  if (conn->get() == nullptr || !conn->ok()) {
    LogWarning("cannot connect to the database",
               conn->get() != nullptr ? PQerrorMessage(conn->get()) : "out of memory");
    return Unavailable();
  }
  const std::string settings =
      "SET statement_timeout = " + std::to_string(o.statement_timeout_ms) +
      "; SET idle_in_transaction_session_timeout = " + std::to_string(o.statement_timeout_ms * 4) +
      "; SET client_min_messages = warning"
      // Acknowledged means durable, whatever the server's default.
      "; SET synchronous_commit = on";
  PGresult* r = PQexec(conn->get(), settings.c_str());
  const bool set = r != nullptr && PQresultStatus(r) == PGRES_COMMAND_OK;
  if (r != nullptr) PQclear(r);
  if (!set) return Unavailable();
  return conn;
}

// A bounded pool: at most pool_size connections, opened on demand; a
// caller waits for a free one at most statement_timeout_ms (then 50002); a
// broken connection is dropped when returned and reopened on a later
// demand. Holds `o` by reference (the store's options outlive it).
class Pool {
 public:
  explicit Pool(const PostgresOptions& o) : options_(o) {}

  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Conn> c) : pool_(pool), c_(std::move(c)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (pool_ != nullptr && c_ != nullptr) pool_->Return(std::move(c_));
    }
    Conn& operator*() { return *c_; }
    Conn* operator->() { return c_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Conn> c_;
  };

  RegistryResult<Lease> Acquire() {
    std::unique_lock lock(mu_);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.statement_timeout_ms);
    while (free_.empty() && open_ >= options_.pool_size) {
      if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && free_.empty() &&
          open_ >= options_.pool_size) {
        return Fail(ErrorCode::kOperationTimeout,
                    "store error: every database connection is busy; retry later");
      }
    }
    if (!free_.empty()) {
      std::unique_ptr<Conn> c = std::move(free_.back());
      free_.pop_back();
      return Lease(this, std::move(c));
    }
    ++open_;
    lock.unlock();
    auto c = Connect(options_);
    if (!c) {
      lock.lock();
      --open_;
      cv_.notify_one();
      return std::unexpected(c.error());
    }
    return Lease(this, std::move(*c));
  }

  // Closes the idle connections (after the database restarted, they are
  // broken, though libpq only finds out on their next use).
  void DropIdle() {
    std::lock_guard lock(mu_);
    open_ -= static_cast<int>(free_.size());
    free_.clear();
    cv_.notify_all();
  }

 private:
  void Return(std::unique_ptr<Conn> c) {
    std::lock_guard lock(mu_);
    if (c->ok() && PQtransactionStatus(c->get()) == PQTRANS_IDLE) {
      free_.push_back(std::move(c));
    } else {
      --open_;  // broken, or left inside a transaction: closed
    }
    cv_.notify_one();
  }

  const PostgresOptions& options_;
  std::mutex mu_;  // guards free_ and open_
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> free_;
  int open_ = 0;  // connections lent out or free
};

// Reads of mutable state served from memory until a change (own write,
// notification, periodic check) drops them. A read that overlapped a drop
// does not fill the cache (its result may predate the change).
class ReadCache {
 public:
  template <typename T, typename Load>
  RegistryResult<T> Get(std::unordered_map<std::string, T> ReadCache::*map, const std::string& key,
                        Load&& load) {
    std::uint64_t generation;
    {
      std::lock_guard lock(mu_);
      auto& m = this->*map;
      if (auto it = m.find(key); it != m.end()) return it->second;
      generation = generation_;
    }
    RegistryResult<T> loaded = load();
    if (loaded) {
      std::lock_guard lock(mu_);
      auto& m = this->*map;
      if (generation == generation_) {
        if (m.size() >= kMaxEntries) m.clear();
        m.emplace(key, *loaded);
      }
    }
    return loaded;
  }
  // A version this process appended to `subject`: its cached list gains
  // it when the list is the one the write was decided against (highest
  // version `after`); otherwise the list is dropped. The subject lists are
  // dropped, and its metadata when `metadata_changed`.
  void Append(const std::string& subject, const VersionRecord& record, std::int32_t after,
              bool metadata_changed) {
    std::lock_guard lock(mu_);
    ++generation_;  // a read that overlapped the write does not fill
    subjects.clear();
    if (metadata_changed) metadata.erase(subject);
    auto it = versions.find(subject);
    if (it == versions.end()) return;
    const std::int32_t last = it->second.empty() ? 0 : it->second.back().version.value();
    if (last == after && record.version.value() > last) {
      it->second.push_back(record);
    } else {
      versions.erase(it);
    }
  }
  // Drops one subject's entries ("" the global config and mode) and the
  // subject lists.
  void DropSubject(const std::string& subject) {
    std::lock_guard lock(mu_);
    ++generation_;
    versions.erase(subject);
    configs.erase(subject);
    modes.erase(subject);
    metadata.erase(subject);
    subjects.clear();
  }
  // Drops one subject's version list; true when there was one. The
  // generation stays: a read that overlapped fills what it read, as old as
  // the list dropped, and a notification drops it like that one (a reader
  // sending "not found" after "not found" cannot keep every other read from
  // filling the cache).
  bool DropVersions(const std::string& subject) {
    std::lock_guard lock(mu_);
    return versions.erase(subject) > 0;
  }
  void Drop() {
    std::lock_guard lock(mu_);
    ++generation_;
    versions.clear();
    configs.clear();
    modes.clear();
    metadata.clear();
    subjects.clear();
  }

  // The database's config epoch (accord_epoch) as a read or a write just
  // found it: when it is newer than any seen before, every cached config
  // and mode was read under an older one, and all are dropped (read again,
  // they carry the new epoch; config writes are rare).
  void SeenConfigEpoch(std::int64_t epoch) {
    std::lock_guard lock(mu_);
    if (epoch <= config_epoch_) return;
    config_epoch_ = epoch;
    ++generation_;  // a read that overlapped does not fill
    configs.clear();
    modes.clear();
  }

  // The config epoch under which the subject's, its context's (when
  // d.context_scope) and the global config and mode were read, when all are
  // cached under one epoch with the
  // values `d` holds (what the decision read); else nullopt.
  std::optional<std::int64_t> EpochOf(const std::string& subject, const DecidedUnder& d) const {
    std::lock_guard lock(mu_);
    // One scope's cached config and mode: both read under one epoch (the
    // subject's config's, which the others must share) and equal to what
    // the decision holds. A missing record and one with no field set are
    // equal (as in accord_add_version's comparison).
    std::optional<std::int64_t> epoch;
    auto same = [&](const std::string& scope, const std::optional<ConfigRecord>& config,
                    const std::optional<Mode>& mode) {
      const auto c = configs.find(scope);
      const auto m = modes.find(scope);
      if (c == configs.end() || m == modes.end()) return false;
      if (!epoch) epoch = c->second.epoch;
      return epoch && c->second.epoch == epoch && m->second.epoch == epoch &&
             c->second.value.value_or(ConfigRecord{}) == config.value_or(ConfigRecord{}) &&
             m->second.value == mode;
    };
    // The subject's, the global, and the subject's context's own (issue #18).
    if (!same(subject, d.subject_config, d.subject_mode) ||
        !same("", d.global_config, d.global_mode) ||
        (d.context_scope && !same(d.context_scope->str(), d.context_config, d.context_mode))) {
      return std::nullopt;
    }
    return epoch;
  }

  // A config or mode record (nullopt: not set) and the config epoch of the
  // snapshot it was read in (nullopt: the database has none).
  template <typename T>
  struct Epoched {
    std::optional<T> value;
    std::optional<std::int64_t> epoch;
  };

  // Keyed by subject (versions: every version, soft-deleted included),
  // scope (configs, modes), or "live"/"all" (subjects).
  std::unordered_map<std::string, std::vector<VersionRecord>> versions;
  std::unordered_map<std::string, Epoched<ConfigRecord>> configs;
  std::unordered_map<std::string, Epoched<Mode>> modes;
  std::unordered_map<std::string, std::optional<SubjectMetadata>> metadata;
  std::unordered_map<std::string, std::vector<SubjectName>> subjects;

 private:
  static constexpr std::size_t kMaxEntries = 100'000;  // per map; then it starts over
  mutable std::mutex mu_;  // guards the maps, generation_ and config_epoch_
  std::uint64_t generation_ = 0;
  std::int64_t config_epoch_ = -1;  // the newest seen (SeenConfigEpoch)
};

// What a write changed, for the cached reads of every process: applied
// here on commit, and sent to every listener as the notification's payload
// "<kind><h|->\t<origin>\t<audit seq>\t<subject>" (origin: the writing
// store object, whose own listener skips what it applied already).
struct Change {
  enum class Kind : char {
    kSubject = 's',        // one subject's versions, config, mode or metadata
    kGlobal = 'g',         // the global config or mode
    kNothingCached = 'n',  // service declarations: not cached
    kEverything = '*',     // anything (copies; a conflict)
  };
  static_assert(internal::kChangeKinds == std::string_view("sgn*") &&
                    static_cast<char>(Kind::kSubject) == 's' &&
                    static_cast<char>(Kind::kGlobal) == 'g' &&
                    static_cast<char>(Kind::kNothingCached) == 'n' &&
                    static_cast<char>(Kind::kEverything) == '*',
                "the payload format's kinds are Kind's values");
  Kind kind = Kind::kEverything;
  std::string subject;
  bool holders = false;  // HoldersGeneration moves
  std::int64_t seq = 0;  // the write's audit row
  std::string origin;    // the writing store (PostgresStore::origin_)
  // A version this process appended (AddVersion): its cached version list
  // gains it rather than being dropped, when that list is the one the
  // write was decided against (its highest version is `appended_after`).
  std::optional<VersionRecord> appended;
  std::int32_t appended_after = 0;
  bool metadata_changed = false;  // with `appended`: the subject's metadata too
  // Further changes the same transaction made, each with its own audit row
  // (a service declaration's claims): applied and announced with it.
  std::vector<Change> also;

  static Change Subject(const SubjectName& s, bool holders = false) {
    return Change{.kind = Kind::kSubject, .subject = s.str(), .holders = holders};
  }
  static Change Scope(const std::optional<SubjectName>& s) {
    return s ? Subject(*s) : Change{.kind = Kind::kGlobal};
  }
  static Change NothingCached() { return Change{.kind = Kind::kNothingCached}; }
  static Change Everything() { return Change{.kind = Kind::kEverything}; }

  // The notification's payload: kind, holders flag, origin, seq, subject.
  std::string Payload() const {
    return internal::FormatChangePayload({.kind = static_cast<char>(kind),
                                          .holders = holders,
                                          .origin = origin,
                                          .seq = seq,
                                          .subject = subject});
  }
  // The changes of a notification, a single payload or a batch of them
  // (notification_batch.h); nullopt for one this build does not read
  // (then: everything).
  static std::optional<std::vector<Change>> ParseNotification(std::string_view p) {
    std::vector<Change> out;
    if (!internal::IsNotificationBatch(p)) {
      auto one = Parse(p);
      if (!one) return std::nullopt;
      out.push_back(std::move(*one));
      return out;
    }
    auto payloads = internal::SplitNotificationBatch(p);
    if (!payloads) return std::nullopt;
    for (std::string_view payload : *payloads) {
      auto one = Parse(payload);
      if (!one) return std::nullopt;
      out.push_back(std::move(*one));
    }
    return out;
  }
  // nullopt for a payload this build does not know (then: everything).
  static std::optional<Change> Parse(std::string_view p) {
    auto parsed = internal::ParseChangePayload(p);
    if (!parsed) return std::nullopt;
    Change c;
    c.kind = static_cast<Kind>(parsed->kind);  // one of kChangeKinds, as Kind's values
    c.holders = parsed->holders;
    c.origin = std::string(parsed->origin);
    c.seq = parsed->seq;
    c.subject = std::string(parsed->subject);
    return c;
  }
};

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(PostgresOptions o) : options_(std::move(o)), pool_(options_) {}

  ~PostgresStore() override {
    if (listener_.joinable()) {
      stop_ = true;
      const std::uint64_t one = 1;
      (void)!write(wake_fd_, &one, sizeof one);
      listener_.join();
    }
    if (wake_fd_ >= 0) close(wake_fd_);
    if (announce_fd_ >= 0) close(announce_fd_);
  }

  RegistryResult<void> Open() {
    auto lease = pool_.Acquire();
    if (!lease) return std::unexpected(lease.error());
    Conn& c = **lease;
    if (auto r = c.Exec((std::string("SELECT pg_advisory_lock(") + kMigrationLock + ")").c_str());
        !r) {
      return std::unexpected(r.error());
    }
    auto migrated = Migrate(c);
    (void)c.Exec((std::string("SELECT pg_advisory_unlock(") + kMigrationLock + ")").c_str());
    if (!migrated) return migrated;
    wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    announce_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd_ < 0 || announce_fd_ < 0) {
      return Fail(ErrorCode::kStoreError, "store error: cannot start the listener");
    }
    // Listening before Open returns: no change made after it goes unseen.
    auto listening = StartListening();
    if (!listening) return std::unexpected(listening.error());
    listener_ =
        std::thread([this, first = std::move(*listening)]() mutable { Listen(std::move(first)); });
    return {};
  }

  // --- reads ---------------------------------------------------------------

  RegistryResult<std::optional<SchemaRecord>> GetSchema(SchemaId id) override {
    return ReadSchema("SELECT id, type, text, canonical, fingerprint FROM schemas WHERE id = $1",
                      P(id.value()));
  }

  RegistryResult<std::optional<SchemaRecord>> FindSchemaByFingerprint(
      const std::string& fingerprint) override {
    return ReadSchema(
        "SELECT id, type, text, canonical, fingerprint FROM schemas WHERE fingerprint = $1",
        P(fingerprint));
  }

  RegistryResult<SchemaId> MaxSchemaId(std::int64_t context) override {
    const SchemaId base = SchemaId::InContext(context, 0);
    auto rows = Query(
        "SELECT COALESCE(MAX(id), $1::bigint) FROM schemas WHERE id >= $1::bigint AND id < "
        "$2::bigint",
        {P(base.value()), P(base.value() + SchemaId::kContextSpan)});
    if (!rows) return std::unexpected(rows.error());
    return SchemaId(rows->Int(0, 0));
  }

  RegistryResult<std::vector<ContextRecord>> ListContexts() override {
    auto rows = Query("SELECT name, number, deleted FROM contexts ORDER BY number");
    if (!rows) return std::unexpected(rows.error());
    std::vector<ContextRecord> out;
    for (int i = 0; i < rows->size(); ++i) {
      out.push_back({.name = rows->Text(i, 0),
                     .number = rows->Int(i, 1),
                     .deleted = rows->Text(i, 2) == "t"});
    }
    return out;
  }

  RegistryResult<std::vector<SubjectName>> ListSubjects(IncludeDeleted deleted) override {
    const bool all = deleted == IncludeDeleted::kYes;
    return cache_.Get(&ReadCache::subjects, all ? "all" : "live",
                      [&]() -> RegistryResult<std::vector<SubjectName>> {
                        auto rows = Query(all ? "SELECT DISTINCT subject COLLATE \"C\" AS s FROM "
                                                "versions ORDER BY s"
                                              : "SELECT DISTINCT subject COLLATE \"C\" AS s FROM "
                                                "versions WHERE NOT deleted ORDER BY s");
                        if (!rows) return std::unexpected(rows.error());
                        std::vector<SubjectName> out;
                        for (int i = 0; i < rows->size(); ++i) out.emplace_back(rows->Text(i, 0));
                        return out;
                      });
  }

  RegistryResult<std::vector<VersionRecord>> ListVersions(const SubjectName& subject,
                                                          IncludeDeleted deleted) override {
    auto all = cache_.Get(
        &ReadCache::versions, subject.str(), [&]() -> RegistryResult<std::vector<VersionRecord>> {
          return QueryVersions(
              std::string(kVersionColumns) + "WHERE v.subject = $1 ORDER BY v.version",
              {P(subject.str())});
        });
    if (!all || deleted == IncludeDeleted::kYes) return all;
    std::vector<VersionRecord> live;
    for (VersionRecord& v : *all) {
      if (!v.deleted) live.push_back(std::move(v));
    }
    return live;
  }

  RegistryResult<std::vector<VersionRecord>> VersionsOfSchema(SchemaId id,
                                                              IncludeDeleted deleted) override {
    return QueryVersions(
        std::string(kVersionColumns) +
            (deleted == IncludeDeleted::kYes ? "WHERE v.schema_id = $1 "
                                             : "WHERE v.schema_id = $1 AND NOT v.deleted ") +
            "ORDER BY v.subject COLLATE \"C\", v.version",
        {P(id.value())});
  }

  RegistryResult<std::vector<VersionRecord>> Referrers(const SubjectName& subject,
                                                       Version version) override {
    return QueryVersions(std::string(kVersionColumns) +
                             "JOIN schema_refs r ON r.schema_id = v.schema_id "
                             "WHERE r.subject = $1 AND r.version = $2 "
                             "ORDER BY v.schema_id, v.subject COLLATE \"C\", v.version",
                         {P(subject.str()), P(version.value())});
  }

  // The config epoch in a read's first column (GetConfig, GetMode), noted in
  // the cache; nullopt when the column is NULL.
  std::optional<std::int64_t> ConfigEpochIn(const Rows& rows) {
    if (rows.IsNull(0, 0)) return std::nullopt;
    cache_.SeenConfigEpoch(rows.Int(0, 0));
    return rows.Int(0, 0);
  }

  RegistryResult<std::optional<ConfigRecord>> GetConfig(
      const std::optional<SubjectName>& subject) override {
    using Entry = ReadCache::Epoched<ConfigRecord>;
    auto entry = cache_.Get(&ReadCache::configs, ScopeOf(subject), [&]() -> RegistryResult<Entry> {
      // With the config epoch of the same snapshot (ReadCache::EpochOf), and
      // every column the registration function compares (the data-contract
      // settings too), so that a cached record under an epoch stands for
      // the whole row.
      auto rows = Query(
          "SELECT (SELECT e.config FROM accord_epoch e), c.scope IS NOT NULL, c.level, c.policy, "
          "c.lint, c.contract FROM (VALUES (1)) AS one(x) LEFT JOIN config c ON c.scope = $1",
          {P(ScopeOf(subject))});
      if (!rows) return std::unexpected(rows.error());
      Entry out;
      out.epoch = ConfigEpochIn(*rows);
      if (!rows->Bool(0, 1)) return out;
      ConfigRecord c;
      if (!rows->IsNull(0, 2)) c.level = compat::LevelFromString(rows->Text(0, 2));
      if (!rows->IsNull(0, 3)) c.policy = compat::PolicyFromString(rows->Text(0, 3));
      if (!rows->IsNull(0, 4)) c.lint = rows->Bool(0, 4);
      if (!rows->IsNull(0, 5)) ReadContractSettings(rows->Text(0, 5), &c);
      out.value = c;
      return out;
    });
    if (!entry) return std::unexpected(entry.error());
    return std::move(entry->value);
  }

  RegistryResult<std::optional<Mode>> GetMode(const std::optional<SubjectName>& subject) override {
    using Entry = ReadCache::Epoched<Mode>;
    auto entry = cache_.Get(&ReadCache::modes, ScopeOf(subject), [&]() -> RegistryResult<Entry> {
      // With the config epoch of the same snapshot (ReadCache::EpochOf).
      auto rows = Query(
          "SELECT (SELECT e.config FROM accord_epoch e), m.mode "
          "FROM (VALUES (1)) AS one(x) LEFT JOIN modes m ON m.scope = $1",
          {P(ScopeOf(subject))});
      if (!rows) return std::unexpected(rows.error());
      Entry out;
      out.epoch = ConfigEpochIn(*rows);
      if (!rows->IsNull(0, 1)) out.value = ModeFromString(rows->Text(0, 1));
      return out;
    });
    if (!entry) return std::unexpected(entry.error());
    return entry->value;
  }

  RegistryResult<std::vector<AuditRecord>> ListAudit(
      std::int64_t after_seq, std::size_t limit,
      const std::optional<SubjectName>& subject) override {
    std::vector<Param> params{P(after_seq)};
    if (subject) params.push_back(P(subject->str()));
    params.push_back(P(static_cast<std::int64_t>(limit)));
    auto rows = Query(subject ? "SELECT seq, ts_ms, actor, action, subject, version, schema_id, "
                                "detail FROM audit WHERE seq > $1 AND subject = $2 ORDER BY seq "
                                "LIMIT $3"
                              : "SELECT seq, ts_ms, actor, action, subject, version, schema_id, "
                                "detail FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2",
                      params);
    if (!rows) return std::unexpected(rows.error());
    std::vector<AuditRecord> out;
    for (int i = 0; i < rows->size(); ++i) {
      out.push_back(AuditRecord{.seq = rows->Int(i, 0),
                                .ts_ms = rows->Int(i, 1),
                                .actor = rows->Text(i, 2),
                                .action = rows->Text(i, 3),
                                .subject = rows->Text(i, 4),
                                .version = static_cast<std::int32_t>(rows->Int(i, 5)),
                                .schema_id = rows->Int(i, 6),
                                .detail = rows->Text(i, 7)});
    }
    return out;
  }

  RegistryResult<std::optional<SubjectMetadata>> GetSubjectMetadata(
      const SubjectName& subject) override {
    return cache_.Get(
        &ReadCache::metadata, subject.str(),
        [&]() -> RegistryResult<std::optional<SubjectMetadata>> {
          auto rows = Query(
              "SELECT owner, description, tags, links, sla, message FROM subject_meta "
              "WHERE subject = $1",
              {P(subject.str())});
          if (!rows) return std::unexpected(rows.error());
          if (rows->size() == 0) return std::nullopt;
          return MetadataOf(rows->Text(0, 0), rows->Text(0, 1), rows->Text(0, 2), rows->Text(0, 3),
                            rows->Text(0, 4), rows->Text(0, 5));
        });
  }

  RegistryResult<std::vector<VersionRecord>> ListDeprecated() override {
    return QueryVersions(std::string(kVersionColumns) + "WHERE d.sunset IS NOT NULL", {});
  }

  RegistryResult<std::optional<ServiceRecord>> GetService(const std::string& name) override {
    auto all = QueryServices(
        "SELECT name, owner, produces, consumes, updated_ms FROM services WHERE name = $1",
        {P(name)});
    if (!all) return std::unexpected(all.error());
    if (all->empty()) return std::nullopt;
    return std::move(all->front());
  }

  RegistryResult<std::vector<ServiceRecord>> ListServices() override {
    return QueryServices(
        "SELECT name, owner, produces, consumes, updated_ms FROM services "
        "ORDER BY name COLLATE \"C\"",
        {});
  }

  RegistryResult<std::optional<ServiceVersionRecord>> GetServiceVersion(
      const std::string& service, const std::string& version) override {
    auto all = QueryServiceVersions(
        "SELECT service, version, owner, produces, consumes, created_ms FROM service_versions "
        "WHERE service = $1 AND version = $2",
        {P(service), P(version)});
    if (!all) return std::unexpected(all.error());
    if (all->empty()) return std::nullopt;
    return std::move(all->front());
  }

  RegistryResult<std::vector<ServiceVersionRecord>> ListServiceVersions(
      const std::optional<std::string>& service) override {
    if (service) {
      return QueryServiceVersions(
          "SELECT service, version, owner, produces, consumes, created_ms FROM service_versions "
          "WHERE service = $1 ORDER BY created_ms, version COLLATE \"C\"",
          {P(*service)});
    }
    return QueryServiceVersions(
        "SELECT service, version, owner, produces, consumes, created_ms FROM service_versions "
        "ORDER BY service COLLATE \"C\", created_ms, version COLLATE \"C\"",
        {});
  }

  RegistryResult<std::optional<EnvironmentRecord>> GetEnvironment(
      const std::string& name) override {
    auto all = QueryEnvironments(
        "SELECT name, owner, production, created_ms FROM environments WHERE name = $1", {P(name)});
    if (!all) return std::unexpected(all.error());
    if (all->empty()) return std::nullopt;
    return std::move(all->front());
  }

  RegistryResult<std::vector<EnvironmentRecord>> ListEnvironments() override {
    return QueryEnvironments(
        "SELECT name, owner, production, created_ms FROM environments "
        "ORDER BY name COLLATE \"C\"",
        {});
  }

  RegistryResult<std::vector<DeploymentRecord>> ListDeployments(
      const std::optional<std::string>& environment) override {
    auto rows = environment
                    ? Query(
                          "SELECT environment, service, version, deployed_ms FROM "
                          "deployments WHERE environment = $1 ORDER BY service COLLATE \"C\"",
                          {P(*environment)})
                    : Query(
                          "SELECT environment, service, version, deployed_ms FROM "
                          "deployments ORDER BY environment COLLATE \"C\", "
                          "service COLLATE \"C\"");
    if (!rows) return std::unexpected(rows.error());
    std::vector<DeploymentRecord> out;
    for (int i = 0; i < rows->size(); ++i) {
      out.push_back(DeploymentRecord{.environment = rows->Text(i, 0),
                                     .service = rows->Text(i, 1),
                                     .version = rows->Text(i, 2),
                                     .deployed_ms = rows->Int(i, 3)});
    }
    return out;
  }

  RegistryResult<std::vector<std::pair<std::optional<SubjectName>, ConfigRecord>>> ListConfigs()
      override {
    auto rows = Query(
        "SELECT scope, level, policy, lint, contract FROM config ORDER BY scope COLLATE \"C\"");
    if (!rows) return std::unexpected(rows.error());
    std::vector<std::pair<std::optional<SubjectName>, ConfigRecord>> out;
    for (int i = 0; i < rows->size(); ++i) {
      ConfigRecord c;
      if (!rows->IsNull(i, 1)) c.level = compat::LevelFromString(rows->Text(i, 1));
      if (!rows->IsNull(i, 2)) c.policy = compat::PolicyFromString(rows->Text(i, 2));
      if (!rows->IsNull(i, 3)) c.lint = rows->Bool(i, 3);
      if (!rows->IsNull(i, 4)) ReadContractSettings(rows->Text(i, 4), &c);
      out.emplace_back(ScopeFrom(rows->Text(i, 0)), c);
    }
    return out;
  }

  RegistryResult<std::vector<std::pair<std::optional<SubjectName>, Mode>>> ListModes() override {
    auto rows = Query("SELECT scope, mode FROM modes ORDER BY scope COLLATE \"C\"");
    if (!rows) return std::unexpected(rows.error());
    std::vector<std::pair<std::optional<SubjectName>, Mode>> out;
    for (int i = 0; i < rows->size(); ++i) {
      if (auto m = ModeFromString(rows->Text(i, 1)))
        out.emplace_back(ScopeFrom(rows->Text(i, 0)), *m);
    }
    return out;
  }

  RegistryResult<std::vector<std::pair<SubjectName, SubjectMetadata>>> ListSubjectMetadata()
      override {
    auto rows = Query(
        "SELECT subject, owner, description, tags, links, sla, message FROM subject_meta "
        "ORDER BY subject COLLATE \"C\"");
    if (!rows) return std::unexpected(rows.error());
    std::vector<std::pair<SubjectName, SubjectMetadata>> out;
    for (int i = 0; i < rows->size(); ++i) {
      out.emplace_back(SubjectName(rows->Text(i, 0)),
                       MetadataOf(rows->Text(i, 1), rows->Text(i, 2), rows->Text(i, 3),
                                  rows->Text(i, 4), rows->Text(i, 5), rows->Text(i, 6)));
    }
    return out;
  }

  RegistryResult<void> Ping() override {
    auto rows = Query("SELECT 1");  // at once when known unreachable
    if (!rows) return std::unexpected(rows.error());
    return {};
  }

  void ForgetCachedReads() override { cache_.Drop(); }
  bool ForgetCachedVersions(const SubjectName& subject) override {
    return cache_.DropVersions(subject.str());
  }

  std::uint64_t HoldersGeneration() const override {
    return holders_generation_.load(std::memory_order_acquire);
  }

  // --- writes --------------------------------------------------------------

  // One statement (accord_add_version, kFunctions) in its own implicit
  // transaction: one round trip; the notification is queued (Notify).
  RegistryResult<WrittenVersion> AddVersion(const NewVersion& v) override {
    if (!reachable_.load()) return Unavailable();
    Change change = Change::Subject(v.subject);
    change.origin = origin_;
    Param refs;
    if (!v.schema.references.empty()) {
      json::Array list;
      for (const SchemaReference& ref : v.schema.references) {
        json::Value e{json::Object{}};
        e.Add("name", ref.name);
        e.Add("subject", ref.subject.str());
        e.Add("version", std::int64_t{ref.version.value()});
        list.push_back(std::move(e));
      }
      refs = json::ToJson(json::Value(std::move(list)));
    }
    const std::optional<SubjectMetadata>& m = v.subject_metadata;
    AuditRecord audit = v.audit;
    if (audit.version == 0) audit.version = v.version.value();
    if (audit.subject.empty()) audit.subject = v.subject.str();
    const std::int64_t created = v.created_ms != 0 ? v.created_ms : NowMs();
    Param fail_at;
    for (const char* step : {"schema", "version", "audit", "commit"}) {
      if (Injected(step)) {
        fail_at = step;
        break;
      }
    }
    const DecidedUnder d = v.decided_under.value_or(DecidedUnder{});
    // The config epoch the decision's config and mode were read under, when
    // this process knows it: the function's fast path then compares the
    // epoch instead of reading the four records.
    const std::optional<std::int64_t> epoch =
        v.decided_under ? cache_.EpochOf(v.subject.str(), d) : std::nullopt;
    auto lease = pool_.Acquire();
    if (!lease) return std::unexpected(lease.error());
    auto r = (*lease)->Exec(
        "SELECT outcome, schema_id, new_schema, seq, case_variant_of, config_epoch FROM "
        "accord_add_version($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
        "$16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, "
        "$33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, $45)",
        {P(v.subject.str()),
         P(std::int64_t{v.version.value()}),
         v.expected_latest ? P(std::int64_t{v.expected_latest->value()}) : Param(),
         v.schema.id.value() != 0 ? P(v.schema.id.value()) : Param(),
         P(std::string(SchemaTypeName(v.schema.type))),
         P(v.schema.text),
         P(v.schema.canonical),
         P(v.schema.fingerprint),
         refs,
         P(created),
         P(v.metadata),
         P(v.rule_set),
         m ? P(m->owner) : Param(),
         m ? P(m->description) : Param(),
         m ? P(json::ToJson(StringsJson(m->tags))) : Param(),
         m ? P(LinksText(m->links)) : Param(),
         m ? P(SlaText(m->sla)) : Param(),
         P(audit.ts_ms != 0 ? audit.ts_ms : NowMs()),
         P(audit.actor.empty() ? "anonymous" : audit.actor),
         P(audit.action),
         P(audit.subject),
         P(std::int64_t{audit.version}),
         P(audit.detail),
         fail_at,
         P(v.decided_under.has_value()),
         P(ScopeOf(std::nullopt)),
         ConfigColumn(d.subject_config, &ConfigRecord::level),
         ConfigColumn(d.subject_config, &ConfigRecord::policy),
         ConfigColumn(d.subject_config, &ConfigRecord::lint),
         ConfigColumn(d.global_config, &ConfigRecord::level),
         ConfigColumn(d.global_config, &ConfigRecord::policy),
         ConfigColumn(d.global_config, &ConfigRecord::lint),
         d.subject_mode ? P(std::string(ModeName(*d.subject_mode))) : Param(),
         d.global_mode ? P(std::string(ModeName(*d.global_mode))) : Param(),
         v.case_fold ? P(*v.case_fold) : Param(),
         P(d.subject_owner),
         d.subject_config ? ContractSettingsText(*d.subject_config) : Param(),
         d.global_config ? ContractSettingsText(*d.global_config) : Param(),
         epoch ? P(*epoch) : Param(),
         d.context_scope ? P(ScopeOf(d.context_scope)) : Param(),
         ConfigColumn(d.context_config, &ConfigRecord::level),
         ConfigColumn(d.context_config, &ConfigRecord::policy),
         ConfigColumn(d.context_config, &ConfigRecord::lint),
         d.context_config ? ContractSettingsText(*d.context_config) : Param(),
         d.context_mode ? P(std::string(ModeName(*d.context_mode))) : Param()});
    if (!r) {
      if (r.error().fault == StoreFault::kUnavailable) {
        reachable_ = false;
        Apply(Change::Everything());  // committed or not: unknown
      } else if (r.error().fault == StoreFault::kConflict) {
        Apply(Change::Everything());  // a stale cached read may have caused it
      }
      return std::unexpected(r.error());
    }
    // The full path read the epoch: cached config reads older than it are
    // dropped, so that the next registrations take the fast path again.
    if (!r->IsNull(0, 5)) cache_.SeenConfigEpoch(r->Int(0, 5));
    if (r->Text(0, 0) == "case_variant") {
      return std::unexpected(
          internal::CaseVariantRefusal(v.subject.str(), r->Text(0, 4), "the existing"));
    }
    if (r->Text(0, 0) != "ok") {
      Apply(Change::Everything());
      return Conflict();
    }
    WrittenVersion out{
        .id = SchemaId(r->Int(0, 1)), .version = v.version, .new_schema = r->Bool(0, 2)};
    change.seq = r->Int(0, 3);
    change.holders = !out.new_schema;  // an existing schema gained a holder
    if (v.expected_latest) {
      change.appended = VersionRecord{.subject = v.subject,
                                      .version = v.version,
                                      .schema_id = out.id,
                                      .deleted = false,
                                      .created_ms = created,
                                      .metadata = v.metadata,
                                      .rule_set = v.rule_set,
                                      .deprecation = std::nullopt};
      change.appended_after = v.expected_latest->value();
      change.metadata_changed = m.has_value();
    }
    Apply(change);
    commits_.fetch_add(1, std::memory_order_relaxed);
    Notify(change);
    return out;
  }

  RegistryResult<void> SoftDeleteVersions(const SubjectName& subject,
                                          const std::vector<Version>& versions,
                                          const AuditRecord& audit) override {
    return Write(Change::Subject(subject, /*holders=*/true),
                 [&](Conn& c, Change& change) -> RegistryResult<void> {
                   if (auto locked = LockSubject(c, subject.str()); !locked) return locked;
                   for (Version v : versions) {
                     if (Injected("delete")) return InjectedFault();
                     auto r = c.Exec(
                         "UPDATE versions SET deleted = true WHERE subject = $1 AND version = $2",
                         {P(subject.str()), P(std::int64_t{v.value()})});
                     if (!r) return std::unexpected(r.error());
                   }
                   return InsertAudit(c, audit, change);
                 });
  }

  RegistryResult<void> HardDeleteVersions(const SubjectName& subject,
                                          const std::vector<Version>& versions,
                                          const AuditRecord& audit) override {
    return Write(Change::Subject(subject, /*holders=*/true),
                 [&](Conn& c, Change& change) -> RegistryResult<void> {
                   if (auto locked = LockSubject(c, subject.str()); !locked) return locked;
                   // The head row's lock too (accord_add_version's fast path
                   // takes only that one), before the deletes: the head set
                   // below is computed after every append it waited for.
                   auto head = c.Exec("SELECT 1 FROM subject_heads WHERE subject = $1 FOR UPDATE",
                                      {P(subject.str())});
                   if (!head) return std::unexpected(head.error());
                   for (Version v : versions) {
                     if (Injected("delete")) return InjectedFault();
                     for (const char* sql :
                          {"DELETE FROM versions WHERE subject = $1 AND version = $2",
                           "DELETE FROM deprecations WHERE subject = $1 AND version = $2"}) {
                       auto r = c.Exec(sql, {P(subject.str()), P(std::int64_t{v.value()})});
                       if (!r) return std::unexpected(r.error());
                     }
                   }
                   // The subject's highest version may be gone.
                   auto moved = c.Exec(
                       "UPDATE subject_heads SET latest = (SELECT COALESCE(MAX(version), 0) FROM "
                       "versions WHERE subject = $1) WHERE subject = $1",
                       {P(subject.str())});
                   if (!moved) return std::unexpected(moved.error());
                   return InsertAudit(c, audit, change);
                 });
  }

  RegistryResult<void> SetConfig(const std::optional<SubjectName>& subject,
                                 const std::optional<ConfigRecord>& config,
                                 const AuditRecord& audit) override {
    return Write(Change::Scope(subject), [&](Conn& c, Change& change) -> RegistryResult<void> {
      if (Injected("config")) return InjectedFault();
      auto r = config
                   ? c.Exec(
                         "INSERT INTO config(scope, level, policy, lint, contract) "
                         "VALUES($1, $2, $3, $4, $5) "
                         "ON CONFLICT (scope) DO UPDATE SET level = EXCLUDED.level, "
                         "policy = EXCLUDED.policy, lint = EXCLUDED.lint, "
                         "contract = EXCLUDED.contract",
                         {P(ScopeOf(subject)), ConfigColumn(config, &ConfigRecord::level),
                          ConfigColumn(config, &ConfigRecord::policy),
                          ConfigColumn(config, &ConfigRecord::lint), ContractSettingsText(*config)})
                   : c.Exec("DELETE FROM config WHERE scope = $1", {P(ScopeOf(subject))});
      if (!r) return std::unexpected(r.error());
      return InsertAudit(c, audit, change);
    });
  }

  RegistryResult<void> SetMode(const std::optional<SubjectName>& subject,
                               const std::optional<Mode>& mode, const AuditRecord& audit) override {
    return Write(Change::Scope(subject), [&](Conn& c, Change& change) -> RegistryResult<void> {
      if (Injected("mode")) return InjectedFault();
      auto r = mode ? c.Exec(
                          "INSERT INTO modes(scope, mode) VALUES($1, $2) "
                          "ON CONFLICT (scope) DO UPDATE SET mode = EXCLUDED.mode",
                          {P(ScopeOf(subject)), P(std::string(ModeName(*mode)))})
                    : c.Exec("DELETE FROM modes WHERE scope = $1", {P(ScopeOf(subject))});
      if (!r) return std::unexpected(r.error());
      return InsertAudit(c, audit, change);
    });
  }

  RegistryResult<void> SetSubjectMetadata(const SubjectName& subject,
                                          const std::optional<SubjectMetadata>& metadata,
                                          const AuditRecord& audit) override {
    return Write(Change::Subject(subject), [&](Conn& c, Change& change) -> RegistryResult<void> {
      if (auto r = WriteSubjectMetadata(c, subject, metadata); !r) return r;
      return InsertAudit(c, audit, change);
    });
  }

  RegistryResult<void> SetDeprecation(const SubjectName& subject, Version version,
                                      const std::optional<Deprecation>& deprecation,
                                      const AuditRecord& audit) override {
    return Write(
        Change::Subject(subject, /*holders=*/true),
        [&](Conn& c, Change& change) -> RegistryResult<void> {
          if (auto locked = LockSubject(c, subject.str()); !locked) return locked;
          auto exists = c.Exec("SELECT 1 FROM versions WHERE subject = $1 AND version = $2",
                               {P(subject.str()), P(std::int64_t{version.value()})});
          if (!exists) return std::unexpected(exists.error());
          if (exists->size() == 0) {
            return Fail(ErrorCode::kStoreError, "store error: no such version");
          }
          if (Injected("deprecation")) return InjectedFault();
          auto r =
              deprecation
                  ? c.Exec(
                        "INSERT INTO deprecations(subject, version, sunset, reason, replacement, "
                        "deprecated_ms) VALUES($1, $2, $3, $4, $5, $6) "
                        "ON CONFLICT (subject, version) DO UPDATE SET sunset = EXCLUDED.sunset, "
                        "reason = EXCLUDED.reason, replacement = EXCLUDED.replacement, "
                        "deprecated_ms = EXCLUDED.deprecated_ms",
                        {P(subject.str()), P(std::int64_t{version.value()}), P(deprecation->sunset),
                         P(deprecation->reason),
                         deprecation->replacement
                             ? P(std::int64_t{deprecation->replacement->value()})
                             : Param(),
                         P(deprecation->deprecated_ms != 0 ? deprecation->deprecated_ms : NowMs())})
                  : c.Exec("DELETE FROM deprecations WHERE subject = $1 AND version = $2",
                           {P(subject.str()), P(std::int64_t{version.value()})});
          if (!r) return std::unexpected(r.error());
          return InsertAudit(c, audit, change);
        });
  }

  RegistryResult<void> PutService(const ServiceRecord& service, const AuditRecord& audit,
                                  const std::vector<SubjectClaim>& claims) override {
    return Write(Change::NothingCached(), [&](Conn& c, Change& change) -> RegistryResult<void> {
      // Each claimed subject's advisory lock, in one order (no deadlock with
      // another claimer), serialises the claim with registrations of it
      // through every process; under it the subject must still be nobody's.
      std::vector<const SubjectClaim*> ordered;
      for (const SubjectClaim& claim : claims) ordered.push_back(&claim);
      std::sort(ordered.begin(), ordered.end(), [](const SubjectClaim* a, const SubjectClaim* b) {
        return a->subject.str() < b->subject.str();
      });
      for (const SubjectClaim* claim : ordered) {
        if (auto locked = LockSubject(c, claim->subject.str()); !locked) return locked;
      }
      for (const SubjectClaim& claim : claims) {
        auto taken = c.Exec(
            "SELECT 1 WHERE EXISTS (SELECT 1 FROM subject_meta WHERE subject = $1 AND owner <> '') "
            "OR EXISTS (SELECT 1 FROM versions WHERE subject = $1)",
            {P(claim.subject.str())});
        if (!taken) return std::unexpected(taken.error());
        if (taken->size() > 0) return Conflict();
        if (claim.case_fold) {
          if (auto held = ClaimFold(c, claim.subject.str(), *claim.case_fold); !held) return held;
        }
        if (auto r = WriteSubjectMetadata(c, claim.subject, claim.metadata); !r) return r;
        Change claimed = Change::Subject(claim.subject);
        claimed.origin = origin_;
        if (auto r = InsertAudit(c, claim.audit, claimed); !r) return r;
        change.also.push_back(std::move(claimed));
      }
      if (Injected("service")) return InjectedFault();
      auto r = c.Exec(
          "INSERT INTO services(name, owner, produces, consumes, updated_ms) "
          "VALUES($1, $2, $3, $4, $5) ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, "
          "produces = EXCLUDED.produces, consumes = EXCLUDED.consumes, "
          "updated_ms = EXCLUDED.updated_ms",
          {P(service.name), P(service.owner), P(ProducesText(service.produces)),
           P(ConsumesText(service.consumes)),
           P(service.updated_ms != 0 ? service.updated_ms : NowMs())});
      if (!r) return std::unexpected(r.error());
      return InsertAudit(c, audit, change);
    });
  }

  RegistryResult<void> DeleteService(const std::string& name, const AuditRecord& audit) override {
    return Write(Change::NothingCached(), [&](Conn& c, Change& change) -> RegistryResult<void> {
      if (Injected("service")) return InjectedFault();
      auto r = c.Exec("DELETE FROM services WHERE name = $1", {P(name)});
      if (!r) return std::unexpected(r.error());
      return InsertAudit(c, audit, change);
    });
  }

  RegistryResult<bool> AddServiceVersion(const ServiceVersionRecord& record,
                                         const AuditRecord& audit) override {
    // A version stored already is immutable: nothing is written (the
    // caller compares). One inserted by another process between this read
    // and the write makes the insert conflict (kConflict).
    auto existing = GetServiceVersion(record.service, record.version);
    if (!existing) return std::unexpected(existing.error());
    if (*existing) return false;
    auto r = Write(Change::NothingCached(), [&](Conn& c, Change& change) -> RegistryResult<void> {
      if (Injected("service_version")) return InjectedFault();
      auto ins = c.Exec(
          "INSERT INTO service_versions(service, version, owner, produces, consumes, created_ms) "
          "VALUES($1, $2, $3, $4, $5, $6) ON CONFLICT (service, version) DO NOTHING RETURNING 1",
          {P(record.service), P(record.version), P(record.owner),
           P(ProducedSchemasText(record.produces)), P(ConsumesText(record.consumes)),
           P(record.created_ms != 0 ? record.created_ms : NowMs())});
      if (!ins) return std::unexpected(ins.error());
      if (ins->size() == 0) return Conflict();
      return InsertAudit(c, audit, change);
    });
    if (!r) return std::unexpected(r.error());
    return true;
  }

  RegistryResult<void> PutEnvironment(const EnvironmentRecord& environment,
                                      const AuditRecord& audit) override {
    return Write(Change::NothingCached(), [&](Conn& c, Change& change) -> RegistryResult<void> {
      if (Injected("environment")) return InjectedFault();
      auto r = c.Exec(
          "INSERT INTO environments(name, owner, production, created_ms) VALUES($1, $2, $3, $4) "
          "ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, "
          "production = EXCLUDED.production",
          {P(environment.name), P(environment.owner), P(environment.production),
           P(environment.created_ms != 0 ? environment.created_ms : NowMs())});
      if (!r) return std::unexpected(r.error());
      return InsertAudit(c, audit, change);
    });
  }

  RegistryResult<void> SetDeployment(const DeploymentRecord& deployment,
                                     const std::optional<EnvironmentRecord>& create,
                                     const AuditRecord& audit) override {
    return Write(Change::NothingCached(), [&](Conn& c, Change& change) -> RegistryResult<void> {
      if (create) {
        if (Injected("environment")) return InjectedFault();
        auto r = c.Exec(
            "INSERT INTO environments(name, owner, production, created_ms) "
            "VALUES($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING",
            {P(create->name), P(create->owner), P(create->production),
             P(create->created_ms != 0 ? create->created_ms : NowMs())});
        if (!r) return std::unexpected(r.error());
      }
      if (Injected("deployment")) return InjectedFault();
      auto r = c.Exec(
          "INSERT INTO deployments(environment, service, version, deployed_ms) "
          "VALUES($1, $2, $3, $4) ON CONFLICT (environment, service) DO UPDATE SET "
          "version = EXCLUDED.version, deployed_ms = EXCLUDED.deployed_ms",
          {P(deployment.environment), P(deployment.service), P(deployment.version),
           P(deployment.deployed_ms != 0 ? deployment.deployed_ms : NowMs())});
      if (!r) return std::unexpected(r.error());
      return InsertAudit(c, audit, change);
    });
  }

  RegistryResult<void> RemoveDeployment(const std::string& environment, const std::string& service,
                                        const AuditRecord& audit) override {
    return Write(Change::NothingCached(), [&](Conn& c, Change& change) -> RegistryResult<void> {
      if (Injected("deployment")) return InjectedFault();
      auto r = c.Exec("DELETE FROM deployments WHERE environment = $1 AND service = $2",
                      {P(environment), P(service)});
      if (!r) return std::unexpected(r.error());
      return InsertAudit(c, audit, change);
    });
  }

  // --- usage (usage.h) ---------------------------------------------------------

  // Replicas add their counts concurrently: the read_counts lock (a
  // transaction-level advisory lock) makes the check against
  // kMaxUserAgentsPerReader and the insert one step across processes. One
  // statement per delta: whether the agent keeps its own row, and the sum.
  // Nothing is cached from read_counts, so nobody is notified.
  // Numbers come from the sequence context_numbers; a name is numbered once
  // (its primary key: a racing numbering of the same name finds the
  // winner's number). An explicit number (store copy) moves the sequence
  // past it. Contexts never change once numbered: nothing to announce.
  RegistryResult<std::int64_t> EnsureContext(const std::string& name,
                                             std::int64_t number) override {
    std::int64_t out = 0;
    auto r = Unannounced([&](Conn& c) -> RegistryResult<void> {
      if (Injected("context")) return InjectedFault();
      // Numbered already (the usual case: another process numbered it):
      // no number is drawn, so none is wasted.
      auto known = c.Exec("SELECT number, deleted FROM contexts WHERE name = $1", {P(name)});
      if (!known) return std::unexpected(known.error());
      if (known->size() == 1) {
        out = known->Int(0, 0);
        if (known->Text(0, 1) != "t") return {};
        auto revived = c.Exec("UPDATE contexts SET deleted = false WHERE name = $1", {P(name)});
        if (!revived) return std::unexpected(revived.error());
        return {};
      }
      auto ins = number > 0 ? c.Exec(
                                  "INSERT INTO contexts(name, number) VALUES($1, $2::bigint) "
                                  "ON CONFLICT (name) DO NOTHING",
                                  {P(name), P(number)})
                            : c.Exec(
                                  "INSERT INTO contexts(name, number) VALUES($1, "
                                  "nextval('context_numbers')) ON CONFLICT (name) DO NOTHING",
                                  {P(name)});
      if (!ins) return std::unexpected(ins.error());
      if (number > 0) {
        auto moved = c.Exec(
            "SELECT setval('context_numbers', $1::bigint) WHERE $1::bigint > (SELECT "
            "last_value FROM context_numbers)",
            {P(number)});
        if (!moved) return std::unexpected(moved.error());
      }
      auto rows = c.Exec("SELECT number FROM contexts WHERE name = $1", {P(name)});
      if (!rows) return std::unexpected(rows.error());
      if (rows->size() != 1) return Conflict();
      out = rows->Int(0, 0);
      return {};
    });
    if (!r) return std::unexpected(r.error());
    return out;
  }

  // The context's own config and mode go with it: announced as a change
  // of that scope (the config epoch moves too, through its triggers).
  RegistryResult<void> DeleteContext(const std::string& name, const AuditRecord& audit) override {
    const SubjectName scope(":" + name + ":");
    return Write(Change::Scope(scope), [&](Conn& c, Change& change) -> RegistryResult<void> {
      if (Injected("context")) return InjectedFault();
      auto marked =
          c.Exec("UPDATE contexts SET deleted = true WHERE name = $1 RETURNING number", {P(name)});
      if (!marked) return std::unexpected(marked.error());
      if (marked->size() != 1) {
        return Fail(ErrorCode::kStoreError, "context " + name + " has no record");
      }
      for (const char* sql :
           {"DELETE FROM config WHERE scope = $1", "DELETE FROM modes WHERE scope = $1"}) {
        if (auto r = c.Exec(sql, {P(scope.str())}); !r) return std::unexpected(r.error());
      }
      return InsertAudit(c, audit, change);
    });
  }

  RegistryResult<void> AddReadCounts(const std::vector<ReadCount>& deltas) override {
    if (deltas.empty()) return {};
    return Unannounced([&](Conn& c) -> RegistryResult<void> {
      if (Injected("readers")) return InjectedFault();
      if (auto r = c.Exec("SELECT pg_advisory_xact_lock(hashtextextended('read_counts', 11))");
          !r) {
        return std::unexpected(r.error());
      }
      for (const ReadCount& d : deltas) {
        auto r = c.Exec(
            "INSERT INTO read_counts AS r(schema_id, principal, user_agent, count, "
            "first_seen_ms, last_seen_ms) SELECT $1::bigint, $2::text, CASE WHEN $3::text = $7 "
            "OR EXISTS(SELECT 1 FROM read_counts WHERE schema_id = $1::bigint AND principal = "
            "$2::text AND user_agent = $3::text) OR (SELECT COUNT(*) FROM read_counts WHERE "
            "schema_id = $1::bigint AND principal = $2::text AND user_agent <> $7) < $8::bigint "
            "THEN $3::text ELSE $7 END, $4::bigint, $5::bigint, $6::bigint "
            "ON CONFLICT (schema_id, principal, user_agent) DO UPDATE SET "
            "count = r.count + EXCLUDED.count, "
            "first_seen_ms = LEAST(r.first_seen_ms, EXCLUDED.first_seen_ms), "
            "last_seen_ms = GREATEST(r.last_seen_ms, EXCLUDED.last_seen_ms)",
            {P(d.schema_id.value()), P(d.principal), P(d.user_agent), P(d.count),
             P(d.first_seen_ms), P(d.last_seen_ms), P(std::string(kOtherUserAgent)),
             P(static_cast<std::int64_t>(kMaxUserAgentsPerReader))});
        if (!r) return std::unexpected(r.error());
      }
      return {};
    });
  }

  RegistryResult<std::vector<ReadCount>> ListReadCounts(std::optional<SchemaId> id) override {
    constexpr const char* kColumns =
        "SELECT schema_id, principal, user_agent, count, first_seen_ms, last_seen_ms "
        "FROM read_counts ";
    constexpr const char* kOrder =
        "ORDER BY schema_id, principal COLLATE \"C\", user_agent COLLATE \"C\"";
    auto rows = id ? Query((std::string(kColumns) + "WHERE schema_id = $1 " + kOrder).c_str(),
                           {P(id->value())})
                   : Query((std::string(kColumns) + kOrder).c_str());
    if (!rows) return std::unexpected(rows.error());
    std::vector<ReadCount> out;
    for (int i = 0; i < rows->size(); ++i) {
      out.push_back(ReadCount{.schema_id = SchemaId(rows->Int(i, 0)),
                              .principal = rows->Text(i, 1),
                              .user_agent = rows->Text(i, 2),
                              .count = rows->Int(i, 3),
                              .first_seen_ms = rows->Int(i, 4),
                              .last_seen_ms = rows->Int(i, 5)});
    }
    return out;
  }

  RegistryResult<std::vector<WebhookRecord>> ListWebhooks() override {
    auto rows = Query(
        "SELECT id, url, events, secret, created_by, created_ms FROM webhooks "
        "ORDER BY id COLLATE \"C\"");
    if (!rows) return std::unexpected(rows.error());
    std::vector<WebhookRecord> out;
    for (int i = 0; i < rows->size(); ++i) {
      out.push_back(WebhookRecord{.id = rows->Text(i, 0),
                                  .url = rows->Text(i, 1),
                                  .events = WebhookEventsOf(rows->Text(i, 2)),
                                  .secret = rows->Text(i, 3),
                                  .created_by = rows->Text(i, 4),
                                  .created_ms = rows->Int(i, 5)});
    }
    return out;
  }

  RegistryResult<void> PutWebhook(const WebhookRecord& hook, const AuditRecord& audit) override {
    return Write(Change::NothingCached(), [&](Conn& c, Change& change) -> RegistryResult<void> {
      if (Injected("webhook")) return InjectedFault();
      auto r = c.Exec(
          "INSERT INTO webhooks(id, url, events, secret, created_by, created_ms) "
          "VALUES($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET url = EXCLUDED.url, "
          "events = EXCLUDED.events, secret = EXCLUDED.secret, "
          "created_by = EXCLUDED.created_by, created_ms = EXCLUDED.created_ms",
          {P(hook.id), P(hook.url), P(WebhookEventsText(hook.events)), P(hook.secret),
           P(hook.created_by), P(hook.created_ms != 0 ? hook.created_ms : NowMs())});
      if (!r) return std::unexpected(r.error());
      return InsertAudit(c, audit, change);
    });
  }

  RegistryResult<void> DeleteWebhook(const std::string& id, const AuditRecord& audit) override {
    return Write(Change::NothingCached(), [&](Conn& c, Change& change) -> RegistryResult<void> {
      if (Injected("webhook")) return InjectedFault();
      auto r = c.Exec("DELETE FROM webhooks WHERE id = $1", {P(id)});
      if (!r) return std::unexpected(r.error());
      return InsertAudit(c, audit, change);
    });
  }

  RegistryResult<void> ReplaceAudit(const std::vector<AuditRecord>& rows) override {
    return Write(Change::Everything(), [&](Conn& c, Change& change) -> RegistryResult<void> {
      if (auto r = c.Exec("DELETE FROM audit"); !r) return std::unexpected(r.error());
      std::int64_t max_seq = 0;
      for (const AuditRecord& a : rows) {
        auto r = c.Exec(
            "INSERT INTO audit(seq, ts_ms, actor, action, subject, version, schema_id, detail) "
            "VALUES($1, $2, $3, $4, $5, $6, $7, $8)",
            {P(a.seq), P(a.ts_ms), P(a.actor), P(a.action), P(a.subject),
             P(std::int64_t{a.version}), P(a.schema_id), P(a.detail)});
        if (!r) return std::unexpected(r.error());
        max_seq = std::max(max_seq, a.seq);
      }
      change.seq = max_seq;
      // Rows written later are numbered after the copied ones.
      if (max_seq > 0) {
        auto r = c.Exec("SELECT setval(pg_get_serial_sequence('audit', 'seq'), $1)", {P(max_seq)});
        if (!r) return std::unexpected(r.error());
      }
      return {};
    });
  }

 private:
  bool Injected(std::string_view step) const { return options_.fail_at && options_.fail_at(step); }

  RegistryResult<void> Migrate(Conn& c) {
    auto exists = c.Exec("SELECT to_regclass('accord_meta') IS NOT NULL");
    if (!exists) return std::unexpected(exists.error());
    if (exists->Bool(0, 0)) {
      auto stored = c.Exec("SELECT value FROM accord_meta WHERE key = 'schema_version'");
      if (!stored) return std::unexpected(stored.error());
      const std::int64_t version = stored->size() > 0 ? ToInt(stored->Text(0, 0).c_str()) : 0;
      if (version > kSchemaVersion) {
        return Fail(ErrorCode::kStoreError,
                    "the database was migrated by a newer version of Accord (table layout " +
                        std::to_string(version) + "; this build knows up to " +
                        std::to_string(kSchemaVersion) + "): upgrade this replica");
      }
      if (version == kSchemaVersion) return {};
    }
    // Create or migrate in one transaction: a crash in the middle leaves the
    // database as it was. Every step is idempotent (IF NOT EXISTS, OR
    // REPLACE), so running them all brings any earlier layout to this one.
    if (auto r = c.Exec("BEGIN"); !r) return std::unexpected(r.error());
    auto step = [&]() -> RegistryResult<void> {
      if (auto r = c.Exec(kDdl); !r) return std::unexpected(r.error());
      if (auto r = c.Exec(kUsageDdl); !r) return std::unexpected(r.error());
      if (auto r = c.Exec(kContextsDdl); !r) return std::unexpected(r.error());
      // After the tables its functions' bodies name (LANGUAGE sql bodies are
      // checked when created).
      if (auto r = c.Exec(kHeadsDdl); !r) return std::unexpected(r.error());
      if (auto r = c.Exec(kFunctions); !r) return std::unexpected(r.error());
      auto r = c.Exec(
          "INSERT INTO accord_meta(key, value) VALUES('schema_version', $1) "
          "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
          {P(std::int64_t{kSchemaVersion})});
      if (!r) return std::unexpected(r.error());
      if (auto r = c.Exec("COMMIT"); !r) return std::unexpected(r.error());
      return {};
    }();
    if (!step) (void)c.Exec("ROLLBACK");
    return step;
  }

  // Serialises writes to one subject across every process: held until the
  // transaction ends. (A hash collision only serialises two subjects more.)
  static RegistryResult<void> LockSubject(Conn& c, const std::string& subject) {
    auto r = c.Exec("SELECT pg_advisory_xact_lock(hashtextextended($1, 7))", {P(subject)});
    if (!r) return std::unexpected(r.error());
    return {};
  }

  // A read on a pooled connection. While the database is known to be
  // unreachable (the listener's last check failed), fails at once rather
  // than tie up a request thread in a connection attempt.
  RegistryResult<Rows> Query(const char* sql, const std::vector<Param>& params = {}) {
    if (!reachable_.load()) return Unavailable();
    auto lease = pool_.Acquire();
    if (!lease) return std::unexpected(lease.error());
    auto rows = (*lease)->Exec(sql, params);
    if (!rows && rows.error().fault == StoreFault::kUnavailable) reachable_ = false;
    return rows;
  }

  RegistryResult<std::optional<SchemaRecord>> ReadSchema(const char* sql, Param key) {
    if (!reachable_.load()) return Unavailable();
    auto lease = pool_.Acquire();
    if (!lease) return std::unexpected(lease.error());
    auto rows = (*lease)->Exec(sql, {std::move(key)});
    if (!rows) return std::unexpected(rows.error());
    if (rows->size() == 0) return std::nullopt;
    SchemaRecord rec;
    rec.id = SchemaId(rows->Int(0, 0));
    rec.type = SchemaTypeFromString(rows->Text(0, 1)).value_or(SchemaType::kAvro);
    rec.text = rows->Text(0, 2);
    rec.canonical = rows->Text(0, 3);
    rec.fingerprint = rows->Text(0, 4);
    // The references were written in the schema's own transaction: a
    // schema row never shows without them.
    auto refs = (*lease)->Exec(
        "SELECT name, subject, version FROM schema_refs WHERE schema_id = $1 ORDER BY ord",
        {P(rec.id.value())});
    if (!refs) return std::unexpected(refs.error());
    for (int i = 0; i < refs->size(); ++i) {
      rec.references.push_back(
          SchemaReference{.name = refs->Text(i, 0),
                          .subject = SubjectName(refs->Text(i, 1)),
                          .version = Version(static_cast<std::int32_t>(refs->Int(i, 2)))});
    }
    return rec;
  }

  RegistryResult<std::vector<VersionRecord>> QueryVersions(const std::string& sql,
                                                           const std::vector<Param>& params) {
    auto rows = Query(sql.c_str(), params);
    if (!rows) return std::unexpected(rows.error());
    std::vector<VersionRecord> out;
    out.reserve(static_cast<std::size_t>(rows->size()));
    for (int i = 0; i < rows->size(); ++i) {
      VersionRecord v{.subject = SubjectName(rows->Text(i, 0)),
                      .version = Version(static_cast<std::int32_t>(rows->Int(i, 1))),
                      .schema_id = SchemaId(rows->Int(i, 2)),
                      .deleted = rows->Bool(i, 3),
                      .created_ms = rows->Int(i, 4),
                      .metadata = rows->Text(i, 5),
                      .rule_set = rows->Text(i, 6),
                      .deprecation = std::nullopt};
      if (!rows->IsNull(i, 7)) {
        v.deprecation = Deprecation{};
        v.deprecation->sunset = rows->Text(i, 7);
        v.deprecation->reason = rows->Text(i, 8);
        if (!rows->IsNull(i, 9)) {
          v.deprecation->replacement = Version(static_cast<std::int32_t>(rows->Int(i, 9)));
        }
        v.deprecation->deprecated_ms = rows->Int(i, 10);
      }
      out.push_back(std::move(v));
    }
    return out;
  }

  RegistryResult<std::vector<ServiceVersionRecord>> QueryServiceVersions(
      const char* sql, const std::vector<Param>& params) {
    auto rows = Query(sql, params);
    if (!rows) return std::unexpected(rows.error());
    std::vector<ServiceVersionRecord> out;
    for (int i = 0; i < rows->size(); ++i) {
      ServiceVersionRecord r;
      r.service = rows->Text(i, 0);
      r.version = rows->Text(i, 1);
      r.owner = rows->Text(i, 2);
      r.produces = ProducedSchemasOf(rows->Text(i, 3));
      r.consumes = ConsumesOf(ParseColumn(rows->Text(i, 4)));
      r.created_ms = rows->Int(i, 5);
      out.push_back(std::move(r));
    }
    return out;
  }

  RegistryResult<std::vector<EnvironmentRecord>> QueryEnvironments(
      const char* sql, const std::vector<Param>& params) {
    auto rows = Query(sql, params);
    if (!rows) return std::unexpected(rows.error());
    std::vector<EnvironmentRecord> out;
    for (int i = 0; i < rows->size(); ++i) {
      out.push_back(EnvironmentRecord{.name = rows->Text(i, 0),
                                      .owner = rows->Text(i, 1),
                                      .production = rows->Bool(i, 2),
                                      .created_ms = rows->Int(i, 3)});
    }
    return out;
  }

  RegistryResult<std::vector<ServiceRecord>> QueryServices(const char* sql,
                                                           const std::vector<Param>& params) {
    auto rows = Query(sql, params);
    if (!rows) return std::unexpected(rows.error());
    std::vector<ServiceRecord> out;
    for (int i = 0; i < rows->size(); ++i) {
      ServiceRecord r;
      r.name = rows->Text(i, 0);
      r.owner = rows->Text(i, 1);
      r.produces = ProducesOf(rows->Text(i, 2));
      r.consumes = ConsumesOf(ParseColumn(rows->Text(i, 3)));
      r.updated_ms = rows->Int(i, 4);
      out.push_back(std::move(r));
    }
    return out;
  }

  RegistryResult<void> WriteSubjectMetadata(Conn& c, const SubjectName& subject,
                                            const std::optional<SubjectMetadata>& m) {
    if (Injected("metadata")) return InjectedFault();
    auto r =
        m ? c.Exec(
                "INSERT INTO subject_meta(subject, owner, description, tags, links, sla, message) "
                "VALUES($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (subject) DO UPDATE SET "
                "owner = EXCLUDED.owner, description = EXCLUDED.description, "
                "tags = EXCLUDED.tags, links = EXCLUDED.links, sla = EXCLUDED.sla, "
                "message = EXCLUDED.message",
                {P(subject.str()), P(m->owner), P(m->description),
                 P(json::ToJson(StringsJson(m->tags))), P(LinksText(m->links)), P(SlaText(m->sla)),
                 P(m->message)})
          : c.Exec("DELETE FROM subject_meta WHERE subject = $1", {P(subject.str())});
    if (!r) return std::unexpected(r.error());
    return {};
  }

  // A folded name for `subject` in subject_folds, as accord_add_version
  // takes it (p_case_fold): kInvalidSubject naming another subject with a
  // version record that holds it; a holder without versions gives it up.
  // A racing creator of another variant waits on the row's key, then sees it.
  static RegistryResult<void> ClaimFold(Conn& c, const std::string& subject,
                                        const std::string& folded) {
    auto r = c.Exec(
        "INSERT INTO subject_folds(folded, subject) VALUES($1, $2) "
        "ON CONFLICT (folded) DO NOTHING",
        {P(folded), P(subject)});
    if (!r) return std::unexpected(r.error());
    auto holder = c.Exec("SELECT subject FROM subject_folds WHERE folded = $1", {P(folded)});
    if (!holder) return std::unexpected(holder.error());
    if (holder->size() == 0) return Conflict();
    const std::string other = holder->Text(0, 0);
    if (other == subject) return {};
    auto versions = c.Exec("SELECT 1 FROM versions WHERE subject = $1 LIMIT 1", {P(other)});
    if (!versions) return std::unexpected(versions.error());
    if (versions->size() > 0) {
      return std::unexpected(internal::CaseVariantRefusal(subject, other, "the existing"));
    }
    auto moved = c.Exec(
        "UPDATE subject_folds SET subject = $1 WHERE folded = $2 AND subject = $3 RETURNING 1",
        {P(subject), P(folded), P(other)});
    if (!moved) return std::unexpected(moved.error());
    if (moved->size() == 0) return Conflict();
    return {};
  }

  // The write's audit row; `change` gets its seq. The last step of every
  // write but ReplaceAudit (which sets the seq itself): a seq is drawn
  // moments before its COMMIT, which the listener's check relies on.
  RegistryResult<void> InsertAudit(Conn& c, const AuditRecord& a, Change& change) {
    if (Injected("audit")) return InjectedFault();
    auto r = c.Exec(
        "INSERT INTO audit(ts_ms, actor, action, subject, version, schema_id, detail) "
        "VALUES($1, $2, $3, $4, $5, $6, $7) RETURNING seq",
        {P(a.ts_ms != 0 ? a.ts_ms : NowMs()), P(a.actor.empty() ? "anonymous" : a.actor),
         P(a.action), P(a.subject), P(std::int64_t{a.version}), P(a.schema_id), P(a.detail)});
    if (!r) return std::unexpected(r.error());
    change.seq = r->Int(0, 0);
    return {};
  }

  // Tells every process (this one's listener included, which skips it) of
  // a committed `change`, soon: the writer queues the notification and
  // returns; the listener thread sends what is queued (Announce). Best
  // effort: when it fails, the write stands and the listeners' check finds
  // the unannounced audit row.
  void Notify(const Change& change) {
    bool first = false;
    {
      std::lock_guard lock(announce_mu_);
      // A listener that cannot reach the database keeps at most this many;
      // others find the dropped ones by their check.
      if (to_announce_.size() >= kMaxQueuedNotifications) to_announce_.pop_front();
      first = to_announce_.empty();
      to_announce_.push_back(change.Payload());
    }
    // Only the first queued needs the listener woken: Announce sends until
    // the queue is empty, so it takes the others with it (a system call
    // per registration saved under load).
    if (first) {
      const std::uint64_t one = 1;
      (void)!write(announce_fd_, &one, sizeof one);
    }
  }

  // Sends the queued notifications, in their order, in transactions of at
  // most kNotificationsPerTransaction. Why batched and on the listener's
  // connection: a notifying transaction holds PostgreSQL's notification
  // lock until its commit returns and takes a transaction id, so one per
  // write cost the database about as much as the write; under load, the
  // writes of one moment now share one. It commits asynchronously (a
  // notification is not durable anyway), so it never waits for a WAL flush
  // under that lock. False when the connection failed.
  bool Announce(Conn& c) {
    std::uint64_t wakes = 0;
    (void)!read(announce_fd_, &wakes, sizeof wakes);
    for (;;) {
      std::vector<std::string> batch;
      {
        std::lock_guard lock(announce_mu_);
        while (!to_announce_.empty() && batch.size() < kNotificationsPerTransaction) {
          batch.push_back(std::move(to_announce_.front()));
          to_announce_.pop_front();
        }
      }
      if (batch.empty()) return true;
      // The batch's payloads go in as few notifications as PostgreSQL's
      // payload limit (8,000 bytes) allows: each notification is a
      // statement here, a queue entry, and a message to every listener.
      std::vector<std::string> notifications;
      std::string joined;
      for (const std::string& payload : batch) {
        const std::size_t entry = internal::NotificationBatchEntryBytes(payload.size());
        if (!joined.empty() && joined.size() + entry > kMaxNotificationBytes) {
          notifications.push_back(std::move(joined));
          joined.clear();
        }
        if (internal::kNotificationBatchHeader.size() + entry > kMaxNotificationBytes) {
          notifications.push_back(payload);  // alone, as it is (too long to batch)
        } else {
          internal::AppendToNotificationBatch(joined, payload);
        }
      }
      if (!joined.empty()) notifications.push_back(std::move(joined));
      std::string sql = "BEGIN; SET LOCAL synchronous_commit = off; ";
      for (const std::string& payload : notifications) {
        char* literal = PQescapeLiteral(c.get(), payload.data(), payload.size());
        if (literal == nullptr) continue;
        sql += "SELECT pg_notify('" + channel_ + "', " + literal + "); ";
        PQfreemem(literal);
      }
      sql += "COMMIT";
      if (!c.Exec(sql.c_str())) {
        if (!c.ok()) return false;
        (void)c.Exec("ROLLBACK");
      }
    }
  }

  // Runs `fn` in one transaction and, once it committed, notifies every
  // process of `change` as `fn` completed it; rolls back on any failure.
  // Applies the change to this process's cached reads once the
  // outcome is known: committed, or a COMMIT whose outcome is unknown; and
  // after a conflict, which a stale cached read may have caused, the whole
  // cache is dropped. A write that failed before COMMIT changed nothing:
  // while the database is down, reads keep being served from the cache.
  RegistryResult<void> Write(Change change,
                             const std::function<RegistryResult<void>(Conn&, Change&)>& fn) {
    if (!reachable_.load()) return Unavailable();
    auto lease = pool_.Acquire();
    if (!lease) return std::unexpected(lease.error());
    Conn& c = **lease;
    auto r = c.Exec("BEGIN");
    if (!r) {
      if (r.error().fault == StoreFault::kUnavailable) reachable_ = false;
      return std::unexpected(r.error());
    }
    change.origin = origin_;
    auto done = fn(c, change);
    if (done && Injected("commit")) done = InjectedFault();
    if (done) {
      auto committed = c.Exec("COMMIT");
      if (committed) {
        Apply(change);
        commits_.fetch_add(1, std::memory_order_relaxed);
        for (const Change& other : change.also) {
          Apply(other);
          Notify(other);
        }
        Notify(change);
      } else {
        done = std::unexpected(committed.error());
        Apply(Change::Everything());  // committed or not: unknown
      }
    } else {
      if (c.ok()) (void)c.Exec("ROLLBACK");
      if (done.error().fault == StoreFault::kConflict) Apply(Change::Everything());
    }
    if (!done && done.error().fault == StoreFault::kUnavailable) reachable_ = false;
    return done;
  }

  // Runs `fn` in one transaction that changes nothing any process caches
  // and writes no audit row (AddReadCounts): no notification follows.
  RegistryResult<void> Unannounced(const std::function<RegistryResult<void>(Conn&)>& fn) {
    if (!reachable_.load()) return Unavailable();
    auto lease = pool_.Acquire();
    if (!lease) return std::unexpected(lease.error());
    Conn& c = **lease;
    RegistryResult<void> done;
    if (auto begun = c.Exec("BEGIN"); !begun) {
      done = std::unexpected(begun.error());
    } else {
      done = fn(c);
    }
    if (done && Injected("commit")) done = InjectedFault();
    if (done) {
      if (auto committed = c.Exec("COMMIT"); committed) {
        commits_.fetch_add(1, std::memory_order_relaxed);
      } else {
        done = std::unexpected(committed.error());
      }
    } else if (c.ok()) {
      (void)c.Exec("ROLLBACK");
    }
    if (!done && done.error().fault == StoreFault::kUnavailable) reachable_ = false;
    return done;
  }

  // Drops what `change` made stale in this process's cached reads.
  void Apply(const Change& change) {
    switch (change.kind) {
      case Change::Kind::kSubject:
        if (change.appended) {
          cache_.Append(change.subject, *change.appended, change.appended_after,
                        change.metadata_changed);
        } else {
          cache_.DropSubject(change.subject);
        }
        break;
      case Change::Kind::kGlobal:
        cache_.DropSubject("");
        break;
      case Change::Kind::kNothingCached:
        break;
      case Change::Kind::kEverything:
        cache_.Drop();
        break;
    }
    if (change.holders || change.kind == Change::Kind::kEverything) {
      holders_generation_.fetch_add(1, std::memory_order_acq_rel);
    }
  }

  CommitStats GetCommitStats() const override {
    const std::uint64_t n = commits_.load(std::memory_order_relaxed);
    return CommitStats{.commits = n, .writes = n};  // one transaction per write
  }

  // The listener thread: LISTEN on its own connection; each notification's
  // change (Change::Parse) is applied to the cached reads. Every
  // poll_interval_ms it checks the audit log (Heard::Check), which tells
  // both whether the database answers (reachable_, for Ping) and whether a
  // write committed without its notification. Reconnects on failure; a new
  // connection drops everything (notifications may have been missed
  // meanwhile).
  //
  // A listening connection, and the audit log's highest seq when it began
  // to listen (every later commit notifies it).
  struct Listening {
    std::unique_ptr<Conn> conn;
    std::int64_t seq = 0;
  };
  RegistryResult<Listening> StartListening() {
    auto c = Connect(options_);
    if (!c) return std::unexpected(c.error());
    auto schema = (*c)->Exec("SELECT COALESCE(current_schema(), '')");
    if (!schema) return std::unexpected(schema.error());
    channel_ = internal::NotificationChannel(schema->Text(0, 0));
    if (auto r = (*c)->Exec(("LISTEN " + channel_).c_str()); !r) {
      return std::unexpected(r.error());
    }
    auto seq = (*c)->Exec("SELECT COALESCE(MAX(seq), 0) FROM audit");
    if (!seq) return std::unexpected(seq.error());
    return Listening{std::move(*c), seq->Int(0, 0)};
  }

  // Which audit rows the listener was told of, and the check that finds a
  // row nobody announced: its writer died (or lost its connection) between
  // COMMIT and pg_notify. Seqs are drawn in order, each moments before its
  // write's COMMIT (InsertAudit is the last step; accord_add_version
  // writes the audit row last), but writes commit in any order and a
  // rolled-back write leaves a gap for good. So a row may still appear
  // below seqs already seen, though not once `horizon` has passed since a
  // higher seq was committed: every write is bounded by the statement
  // timeout. Each check counts the rows in (low, checked] (`checked`: the
  // previous check's highest seq, so a row had at least one interval for
  // its notification) against the notifications heard in that range; on a
  // difference it reads the range's seqs, and a row still unannounced
  // `grace` later drops every cached read. `low` trails the highest seq by
  // `horizon`.
  class Heard {
   public:
    Heard(std::int64_t start, std::chrono::milliseconds horizon, std::chrono::milliseconds grace)
        : horizon_(horizon), grace_(grace), low_(start), checked_(start) {}

    void Told(std::int64_t seq) {
      if (seq > low_) told_.insert(seq);
    }

    // One check on `c`; false when the database did not answer. Sets
    // *lost when a committed write was never announced.
    bool Check(Conn& c, const std::function<void()>& drain, bool* lost) {
      *lost = false;
      auto r = c.Exec(
          "SELECT (SELECT COALESCE(MAX(seq), 0) FROM audit), "
          "(SELECT count(*) FROM audit WHERE seq > $1 AND seq <= $2)",
          {P(low_), P(checked_)});
      if (!r) return false;
      drain();  // notifications that came in with the answer
      const auto now = std::chrono::steady_clock::now();
      std::erase_if(suspects_, [&](const auto& suspect) {
        const auto& [seq, since] = suspect;
        if (told_.contains(seq)) return true;
        if (now - since < grace_) return false;
        *lost = true;
        told_.insert(seq);  // dealt with
        return true;
      });
      const std::int64_t rows = r->Int(0, 1);
      if (rows != Count(low_, checked_)) {
        auto seqs =
            c.Exec("SELECT seq FROM audit WHERE seq > $1 AND seq <= $2", {P(low_), P(checked_)});
        if (!seqs) return false;
        std::set<std::int64_t> present;
        for (int i = 0; i < seqs->size(); ++i) present.insert(seqs->Int(i, 0));
        for (std::int64_t seq : present) {
          if (!told_.contains(seq) && !suspects_.contains(seq)) suspects_.emplace(seq, now);
        }
        // Heard of but gone (ReplaceAudit rewrote the log): forgotten, so
        // later counts compare like with like.
        std::erase_if(told_, [&](std::int64_t seq) {
          return seq > low_ && seq <= checked_ && !present.contains(seq);
        });
      }
      checked_ = std::max(checked_, r->Int(0, 0));
      history_.emplace_back(now, checked_);
      while (!history_.empty() && now - history_.front().first > horizon_) {
        low_ = std::max(low_, history_.front().second);
        history_.pop_front();
      }
      told_.erase(told_.begin(), told_.upper_bound(low_));
      return true;
    }

   private:
    std::int64_t Count(std::int64_t after, std::int64_t upto) const {
      return static_cast<std::int64_t>(
          std::distance(told_.upper_bound(after), told_.upper_bound(upto)));
    }

    std::chrono::milliseconds horizon_;
    std::chrono::milliseconds grace_;
    std::int64_t low_;      // rows at or below are settled
    std::int64_t checked_;  // the last check's highest seq
    std::set<std::int64_t> told_;
    // Unannounced rows, and when a check first found them.
    std::map<std::int64_t, std::chrono::steady_clock::time_point> suspects_;
    std::deque<std::pair<std::chrono::steady_clock::time_point, std::int64_t>> history_;
  };

  void Listen(Listening first) {
    std::unique_ptr<Conn> conn = std::move(first.conn);
    // Twice the statement timeout bounds a write's seq-to-commit time (see
    // Heard), with room for replicas configured a little differently.
    const auto horizon =
        std::chrono::milliseconds(std::max(10'000, 2 * options_.statement_timeout_ms));
    // A notification is sent right after its COMMIT; one not heard a second
    // after its row was found (or a check interval, when that is longer) is
    // taken as lost.
    const auto grace = std::chrono::milliseconds(std::max(1000, options_.poll_interval_ms));
    Heard heard(first.seq, horizon, grace);
    auto next_check = std::chrono::steady_clock::now();
    // When queued notifications are to be sent (announcing: some are queued).
    bool announcing = false;
    auto announce_at = next_check;
    while (!stop_.load()) {
      if (!conn) {
        auto listening = StartListening();
        if (!listening) {
          reachable_ = false;
          Sleep(options_.poll_interval_ms);
          continue;
        }
        conn = std::move(listening->conn);
        heard = Heard(listening->seq, horizon, grace);
        // Changes made while not listening were not seen.
        Apply(Change::Everything());
        // Connections idle since before a failure may be broken.
        if (!reachable_.load()) pool_.DropIdle();
        reachable_ = true;
        // What is still queued goes out now: the writers who queued it
        // woke the listener before it failed (Notify wakes it only for a
        // queue that was empty).
        announcing = true;
        announce_at = std::chrono::steady_clock::now();
      }
      const auto now = std::chrono::steady_clock::now();
      if (now >= next_check) {
        next_check = now + std::chrono::milliseconds(options_.poll_interval_ms);
        bool lost = false;
        if (!heard.Check(
                *conn, [&] { Drain(*conn, heard); }, &lost)) {
          conn.reset();
          reachable_ = false;
          continue;
        }
        reachable_ = true;
        if (lost) Apply(Change::Everything());
      }
      // Queued notifications wait up to announce_delay_ms, so that the writes
      // of that moment share one notifying transaction.
      auto wake_at = next_check;
      if (announcing) wake_at = std::min(wake_at, announce_at);
      // Rounded up: a wait rounded down to 0 ms would spin until then.
      const int wait_ms =
          static_cast<int>(std::max<std::int64_t>(0, std::chrono::ceil<std::chrono::milliseconds>(
                                                         wake_at - std::chrono::steady_clock::now())
                                                         .count()));
      pollfd fds[3] = {{PQsocket(conn->get()), POLLIN, 0},
                       {wake_fd_, POLLIN, 0},
                       {announcing ? -1 : announce_fd_, POLLIN, 0}};
      if (poll(fds, 3, wait_ms) < 0) continue;
      if ((fds[2].revents & POLLIN) != 0) {
        announcing = true;
        announce_at = std::chrono::steady_clock::now() +
                      std::chrono::milliseconds(options_.announce_delay_ms);
      }
      if (announcing && std::chrono::steady_clock::now() >= announce_at) {
        announcing = false;
        if (!Announce(*conn)) {
          conn.reset();
          reachable_ = false;
          continue;
        }
        Drain(*conn, heard);  // notifications that came in with the answers
      }
      if ((fds[0].revents & POLLIN) != 0) {
        if (PQconsumeInput(conn->get()) == 0) {
          conn.reset();
          reachable_ = false;
          continue;
        }
        Drain(*conn, heard);
      }
    }
    // What the last writes queued is still sent on the way out.
    if (conn) (void)Announce(*conn);
  }

  // Applies the notifications libpq has received and records their seqs.
  void Drain(Conn& conn, Heard& heard) {
    while (PGnotify* n = PQnotifies(conn.get())) {
      const std::optional<std::vector<Change>> changes = Change::ParseNotification(n->extra);
      PQfreemem(n);
      if (!changes) {
        Apply(Change::Everything());
        continue;
      }
      for (const Change& change : *changes) {
        // This store's own writes were applied when they committed.
        if (change.origin != origin_) Apply(change);
        heard.Told(change.seq);
      }
    }
  }

  void Sleep(int ms) {
    pollfd fd{wake_fd_, POLLIN, 0};
    (void)poll(&fd, 1, ms);
  }

  const PostgresOptions options_;
  Pool pool_;
  ReadCache cache_;
  // This store object among every process's (random): its notifications
  // come back to its own listener, which skips them.
  const std::string origin_ = RandomToken();
  // The notification channel (NotificationChannel), set by the listener thread when
  // it starts listening and read only by it (Announce).
  std::string channel_;
  std::atomic<std::uint64_t> holders_generation_{0};
  std::atomic<std::uint64_t> commits_{0};
  std::atomic<bool> reachable_{true};  // the database answered the last check
  std::atomic<bool> stop_{false};
  int wake_fd_ = -1;  // eventfd: wakes the listener to stop
  // Notifications queued by writers for the listener to send (Notify), and
  // the eventfd that wakes it for them.
  static constexpr std::size_t kMaxQueuedNotifications = 100'000;
  static constexpr std::size_t kNotificationsPerTransaction = 256;
  // Under PostgreSQL's limit on a notification's payload (8,000 bytes).
  static constexpr std::size_t kMaxNotificationBytes = 7'900;
  std::mutex announce_mu_;
  std::deque<std::string> to_announce_;
  int announce_fd_ = -1;
  std::thread listener_;
};

}  // namespace

RegistryResult<std::unique_ptr<Store>> OpenPostgresStore(const PostgresOptions& options) {
  auto store = std::make_unique<PostgresStore>(options);
  if (auto r = store->Open(); !r) return std::unexpected(r.error());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace accord::registry
