#!/usr/bin/env node
// Peer benchmark: validates an NDJSON file with ajv (JSON Schema 2020-12).
// Usage: node ajv_validate.js SCHEMA EVENTS [--assert-format]
// The schema is compiled once; each line is JSON.parse'd and validated
// (ajv's default: stop at the first error). The file is read in 4 MiB chunks
// so memory stays flat. Prints "events=N invalid=I seconds=S" (validation
// loop only, compile excluded).
"use strict";
const fs = require("fs");
const Ajv2020 = require("ajv/dist/2020");
const addFormats = require("ajv-formats");

const [schemaPath, eventsPath, ...flags] = process.argv.slice(2);
const assertFormat = flags.includes("--assert-format");
const ajv = new Ajv2020({ strict: false, validateFormats: assertFormat });
if (assertFormat) addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));

let events = 0;
let invalid = 0;
function check(line) {
  if (line.trim() === "") return;
  events++;
  let doc;
  try {
    doc = JSON.parse(line);
  } catch (e) {
    invalid++;
    return;
  }
  if (!validate(doc)) invalid++;
}

const start = process.hrtime.bigint();
const fd = fs.openSync(eventsPath, "r");
const buf = Buffer.alloc(4 << 20);
let rest = "";
for (;;) {
  const n = fs.readSync(fd, buf, 0, buf.length, null);
  if (n === 0) break;
  const text = rest + buf.toString("utf8", 0, n);
  let from = 0;
  for (let nl = text.indexOf("\n", from); nl !== -1; nl = text.indexOf("\n", from)) {
    check(text.slice(from, nl));
    from = nl + 1;
  }
  rest = text.slice(from);
}
if (rest !== "") check(rest);
fs.closeSync(fd);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(`events=${events} invalid=${invalid} seconds=${seconds.toFixed(3)}`);
