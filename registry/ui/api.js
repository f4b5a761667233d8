// The registry's JSON API as the page uses it: Confluent's endpoints and
// Accord's catalog API (docs/catalog-api.md). Everything the page reads goes
// through get(); reply shapes are normalised in views/model.js, not here.
//
// Authentication: when a request is answered 401, onAuthNeeded() (set by the
// app) asks for a principal and key; they are kept in sessionStorage only
// (this tab, this session) and sent as HTTP Basic. Concurrent 401s share one
// prompt.

// The registry root: the folder above /ui/ (so a proxy prefix keeps working).
export const API_ROOT = new URL('../', new URL('./', import.meta.url)).pathname;
const AUTH_KEY = 'accord.auth';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// An expected failure a view reports to the reader (unknown page, nothing
// to compare), as opposed to a bug.
export class PageError extends Error {}

let authPrompt = null;  // the pending prompt, shared by concurrent 401s
export let onAuthNeeded = async () => null;
export function setAuthHandler(fn) { onAuthNeeded = fn; }

export function signedInAs() {
  const stored = sessionStorage.getItem(AUTH_KEY);
  return stored ? JSON.parse(stored).principal : null;
}
export function signOut() { sessionStorage.removeItem(AUTH_KEY); }

function basic(principal, key) {
  const bytes = new TextEncoder().encode(`${principal}:${key}`);
  return 'Basic ' + btoa(String.fromCharCode(...bytes));
}

function authHeader() {
  const stored = sessionStorage.getItem(AUTH_KEY);
  if (!stored) return {};
  const { principal, key } = JSON.parse(stored);
  return { Authorization: basic(principal, key) };
}

// Asks once for credentials (shared by every request waiting on a 401).
// Resolves true when new ones were stored, false when the user gave up.
async function promptForKey(message) {
  authPrompt ??= onAuthNeeded(message).then((creds) => {
    authPrompt = null;
    if (!creds) return false;
    sessionStorage.setItem(AUTH_KEY, JSON.stringify(creds));
    return true;
  });
  return authPrompt;
}

// Percent-encodes one path segment (a subject or service name).
export const seg = (raw) => encodeURIComponent(String(raw));

// GET `path` (relative to the registry root, e.g. "accord/v1/catalog") with
// query `params` (empty values left out). Resolves to the parsed JSON;
// rejects with ApiError (status 0 when the registry is unreachable).
export async function get(path, params = {}) {
  const url = new URL(path, new URL(API_ROOT, location.origin));
  for (const [k, v] of Object.entries(params)) {
    if (v != null && v !== '') url.searchParams.set(k, String(v));
  }
  for (let attempt = 0; ; attempt++) {
    let res;
    try {
      // X-Requested-With lets the server leave out WWW-Authenticate: Basic on
      // a 401, which would make the browser show its own password prompt.
      res = await fetch(url, {
        headers: { Accept: 'application/json', 'X-Requested-With': 'accord-ui', ...authHeader() },
      });
    } catch (e) {
      throw new ApiError(0, 0, `The registry is unreachable (${e.message}).`);
    }
    if (res.status === 401 && attempt < 5) {
      const hadKey = sessionStorage.getItem(AUTH_KEY) != null;
      if (await promptForKey(hadKey ? 'That key was not accepted.' : '')) continue;
    }
    const text = await res.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      if (res.ok) throw new ApiError(res.status, 0, `${url.pathname}: the reply is not JSON.`);
    }
    if (res.ok) return body;
    const message = body && typeof body.message === 'string' ? body.message : `HTTP ${res.status}`;
    throw new ApiError(res.status, body?.error_code ?? 0, message);
  }
}

// Like get(), but resolves to `fallback` when the resource does not exist
// (404), e.g. an endpoint this registry does not have yet.
export async function getOptional(path, params = {}, fallback = null) {
  try {
    return await get(path, params);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return fallback;
    throw e;
  }
}
