// Where things are declared in a .proto file's text, for marking them in the
// schema view: the registry names Protobuf places by pointer ("/Order" for a
// message or enum, "/Order/sku" for a field, oneof or enum value,
// "/Order.Line/sku" for a nested message's field: names relative to the
// package). This reads only the declaration structure (blocks and
// statements); the registry has already parsed and validated the schema.

// Tokens with their line numbers (0-based), comments dropped, strings kept
// as one token.
function tokenize(text) {
  const tokens = [];
  let line = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      for (; i < stop; i++) if (text[i] === '\n') line++;
    } else if (c === '"' || c === "'") {
      const start = line;
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      tokens.push({ text: text.slice(i, j + 1), line: start });
      i = j + 1;
    } else if (/[A-Za-z0-9_.]/.test(c)) {
      let j = i;
      while (j < text.length && /[A-Za-z0-9_.+-]/.test(text[j])) j++;
      tokens.push({ text: text.slice(i, j), line });
      i = j;
    } else {
      tokens.push({ text: c, line });
      i++;
    }
  }
  return tokens;
}

const BLOCKS = new Set(['message', 'enum', 'oneof']);
const NOT_FIELDS = new Set(['option', 'reserved', 'extensions', 'syntax', 'package', 'import']);
// A field option that tags the field as personal data:
// [(confluent.field_meta) = { tags: ["PII"] }] or tags: "PII".
const PII_TAG = /field_meta[^;]*\btags\s*:\s*(?:\[[^\]]*"PII"[^\]]*\]|"PII")/;

// A '{' opening a body rather than an aggregate option value (which follows '=').
function isOtherBlock(statement) {
  const first = statement[0]?.text;
  if (!statement.length || statement.at(-1).text === '=') return false;
  return first === 'extend' || first === 'service' || first === 'rpc' ||
    first === 'group' || statement[1]?.text === 'group';
}

// Map pointer -> {first, last} (line numbers, 0-based) of every message,
// enum, oneof, field and enum value the text declares, and pii: the line
// ranges of fields tagged as personal data.
export function protoDeclarations(text) {
  const tokens = tokenize(text);
  const places = new Map();
  const pii = [];
  // The scopes open at the current token: {kind, path} where path is the
  // pointer of the message or enum whose members are declared here (a
  // oneof's members belong to its message).
  const scopes = [];
  let statement = [];
  const scopePath = () => {
    for (let k = scopes.length - 1; k >= 0; k--) if (scopes[k].kind !== 'oneof') return scopes[k].path;
    return '';
  };
  for (const t of tokens) {
    if (t.text === '{' && !statement.depth && isOtherBlock(statement)) {
      // extend, service, rpc and group bodies: nothing in them is marked.
      scopes.push({ kind: 'other', path: null, open: { last: 0 } });
      statement = [];
    } else if (t.text === '{' && statement.length === 2 && BLOCKS.has(statement[0].text)) {
      const kind = statement[0].text;
      const name = statement[1].text;
      const outer = scopePath();
      // Nested types are named "Outer.Inner"; a oneof is a member of its message.
      const path = kind === 'oneof' ? `${outer}/${name}` : outer ? `${outer}.${name}` : `/${name}`;
      places.set(path, { first: statement[0].line, last: t.line });
      scopes.push({ kind, path, open: places.get(path) });
      statement = [];
    } else if (t.text === '{' && statement.length) {
      // An option's or field option's aggregate value: part of the statement.
      statement.push(t);
      statement.depth = (statement.depth ?? 0) + 1;
    } else if (t.text === '}' && statement.depth) {
      statement.push(t);
      statement.depth--;
    } else if (t.text === '}') {
      const scope = scopes.pop();
      if (scope) scope.open.last = Math.max(scope.open.last, t.line);
      statement = [];
    } else if (t.text === ';' && !statement.depth) {
      const eq = statement.findIndex((x) => x.text === '=');
      const inScope = scopes.length > 0 && scopes.every((x) => x.kind !== 'other');
      if (inScope && eq > 0 && !NOT_FIELDS.has(statement[0].text)) {
        const range = { first: statement[0].line, last: t.line };
        places.set(`${scopePath()}/${statement[eq - 1].text}`, range);
        if (PII_TAG.test(statement.map((x) => x.text).join(' '))) pii.push(range);
      }
      statement = [];
    } else {
      statement.push(t);
    }
  }
  return { places, pii };
}
