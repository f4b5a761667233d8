// Validates AsyncAPI documents with the official parser (@asyncapi/parser)
// and the Avro and Protobuf schema parsers, so that every payload's
// schemaFormat is understood and its schema checked too.
//
//   node validate.js [--same YAML_FILE JSON_FILE]... FILE...
//
// --same: the two files must load (js-yaml, JSON.parse) into deep-equal
// values: the YAML and JSON forms of one export hold the same document.
// Prints every diagnostic as "FILE: SEVERITY PATH: MESSAGE" (errors,
// warnings, information and hints alike, so the test log shows them all),
// then "FILE: N errors, N warnings". Exits 1 when any file has an error
// diagnostic (or does not parse to a document at all), else 0.
'use strict';

const assert = require('assert');
const fs = require('fs');
const yaml = require('js-yaml');
const { Parser } = require('@asyncapi/parser');
const { AvroSchemaParser } = require('@asyncapi/avro-schema-parser');
const { ProtoBuffSchemaParser } = require('@asyncapi/protobuf-schema-parser');

const SEVERITY = ['error', 'warning', 'information', 'hint'];

// Exit status of the --same checks: 0 when every pair holds one document.
function sameDocuments(pairs) {
  let rc = 0;
  for (const [yamlFile, jsonFile] of pairs) {
    try {
      assert.deepStrictEqual(yaml.load(fs.readFileSync(yamlFile, 'utf8')),
                             JSON.parse(fs.readFileSync(jsonFile, 'utf8')));
      console.log(`${yamlFile}: the same document as ${jsonFile}`);
    } catch (e) {
      console.log(`${yamlFile}: error: not the same document as ${jsonFile}: ${e.message}`);
      rc = 1;
    }
  }
  return rc;
}

async function main(argv) {
  const pairs = [];
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--same') {
      pairs.push([argv[i + 1], argv[i + 2]]);
      i += 2;
    } else {
      files.push(argv[i]);
    }
  }
  let failed = sameDocuments(pairs) !== 0;
  const parser = new Parser();
  parser.registerSchemaParser(AvroSchemaParser());
  parser.registerSchemaParser(ProtoBuffSchemaParser());
  for (const file of files) {
    const { document, diagnostics } = await parser.parse(fs.readFileSync(file, 'utf8'), {
      source: file,
    });
    let errors = 0;
    let warnings = 0;
    for (const d of diagnostics) {
      if (d.severity === 0) errors++;
      if (d.severity === 1) warnings++;
      const where = (d.path || []).join('/') || '(root)';
      console.log(`${file}: ${SEVERITY[d.severity] || d.severity} ${where}: ${d.message}` +
                  (d.code ? ` [${d.code}]` : ''));
    }
    if (document === undefined && errors === 0) {
      console.log(`${file}: error (root): the parser returned no document`);
      errors++;
    }
    console.log(`${file}: ${errors} errors, ${warnings} warnings`);
    if (errors > 0) failed = true;
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then((rc) => process.exit(rc), (e) => {
  console.error(e);
  process.exit(1);
});
