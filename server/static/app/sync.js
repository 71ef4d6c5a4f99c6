// Sign-in, the API client and the outbox. Tokens travel only in the Authorization header.
import * as store from "./store.js";

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || "HTTP " + status);
    this.status = status;
    this.problem = problem || {};
  }
}
export class SignedOut extends Error {}

const state = {config: null, lang: "vi", syncing: null, listeners: new Set()};
export const configure = (config, lang) => { state.config = config; state.lang = lang; };
export const onChange = (listener) => state.listeners.add(listener);
const changed = () => state.listeners.forEach((listener) => listener());

export const session = () => store.get("session", "current");

function claims(token) {
  const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  const json = decodeURIComponent(escape(atob(part + "===".slice((part.length + 3) % 4))));
  return JSON.parse(json);
}

async function postJson(url, body) {
  const response = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json",
    "Accept-Language": state.lang}, body: JSON.stringify(body), credentials: "same-origin"});
  const data = await response.json().catch(() => null);
  if (!response.ok) { throw new ApiError(response.status, data); }
  return data;
}

async function devToken(phone) {
  return (await postJson("/app/dev-token", {phone})).id_token;
}

// Another person signing in on this phone starts from nothing: the previous person's queue and
// cached data are gone (sign-out already cleared them; this covers an expired session too).
async function begin(token) {
  const phone = claims(token).phone_number;
  const previous = await session();
  // "owner" outlives an expired session, so the same person signing in again keeps their outbox.
  if ((await store.get("session", "owner")) !== phone) { await store.clearPersonal(); }
  await store.put("session", phone, "owner");
  await store.put("session", {phone, token, exp: claims(token).exp, me: previous && previous.phone === phone ? previous.me : null}, "current");
  const me = (await api("GET", "/me")).data;
  await store.put("session", {phone, token, exp: claims(token).exp, me}, "current");
  changed();
  return me;
}

export const signInDemo = async (phone) => begin(await devToken(phone));

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = reject;
    document.head.appendChild(script);
  });
}

// Production only: the Firebase SDK loads when it is needed, never with the shell.
async function firebaseAuth() {
  if (!window.firebase) {
    for (const src of state.config.firebase_sdk) { await loadScript(src); }
    const {project, api_key: apiKey} = state.config.firebase;
    window.firebase.initializeApp({apiKey, authDomain: project + ".firebaseapp.com", projectId: project});
  }
  return window.firebase.auth();
}

let confirmation = null;
export async function sendCode(phone, container) {
  const auth = await firebaseAuth();
  const verifier = new window.firebase.auth.RecaptchaVerifier(container, {size: "invisible"});
  confirmation = await auth.signInWithPhoneNumber(phone.replace(/\s+/g, "").replace(/^0/, "+84"), verifier);
}
export async function confirmCode(code) {
  const credential = await confirmation.confirm(code);
  return begin(await credential.user.getIdToken());
}

// Stays signed in: a token close to expiry is renewed (the emulator's by minting, Firebase's by its SDK).
async function freshToken() {
  const current = await session();
  if (!current) { throw new SignedOut(); }
  if (current.exp - 300 > Date.now() / 1000 || !navigator.onLine) { return current.token; }
  let token;
  if (state.config.emulator) {
    token = await devToken(current.phone);
  } else {
    const auth = await firebaseAuth();
    const user = auth.currentUser || await new Promise((resolve) => {
      const stop = auth.onAuthStateChanged((found) => { stop(); resolve(found); });
    });
    if (!user) { throw new SignedOut(); }
    token = await user.getIdToken(true);
  }
  await store.put("session", {...current, token, exp: claims(token).exp}, "current");
  return token;
}

export class Offline extends Error {}

export async function api(method, path, body, etag) {
  // With no network, do not even try: the caller falls back to the phone's copy.
  if (!navigator.onLine) { throw new Offline("offline"); }
  const headers = {"Accept-Language": state.lang, "Accept": "application/json"};
  if (!path.startsWith("/public")) { headers.Authorization = "Bearer " + await freshToken(); }
  if (body !== undefined) { headers["Content-Type"] = "application/json"; }
  if (etag) { headers["If-None-Match"] = etag; }
  const response = await fetch("/api/v1" + path.replace(/^\/public/, ""),
    {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  if (response.status === 304) { return {status: 304, data: null, etag}; }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.status === 401 && headers.Authorization) {
    // The token was refused (revoked, or the account changed): sign in again; the outbox stays.
    await store.remove("session", "current");
    changed();
  }
  if (!response.ok) { throw new ApiError(response.status, data); }
  return {status: response.status, data, etag: response.headers.get("ETag")};
}

export async function signOut() {
  await store.clearPersonal();
  if (state.config && !state.config.emulator) {
    // Firebase keeps its own copy of the signed-in user: end it too, so the next person starts clean.
    try { await (await firebaseAuth()).signOut(); } catch (error) { /* offline: the SDK cannot load; nothing of ours remains */ }
  }
  changed();
}

// ---- the outbox: records made on the phone, each with its client id, sent exactly once ----

export async function enqueue(kind, body, extra = {}) {
  await store.put("outbox", {id: body.id, kind, body, state: "waiting", created_at: new Date().toISOString(), ...extra});
  changed();
  if (!navigator.onLine && "serviceWorker" in navigator) {
    navigator.serviceWorker.ready.then((registration) => registration.sync && registration.sync.register("outbox")).catch(() => {});
  }
  sync().catch(() => {});
}

export async function outbox() {
  return (await store.all("outbox")).sort((a, b) => a.created_at.localeCompare(b.created_at));
}

export const unsentCount = async () => (await outbox()).filter((item) => item.state !== "sent").length;

export async function retry(id) {
  const item = await store.get("outbox", id);
  await store.put("outbox", {...item, state: "waiting", reason: null, errors: null});
  changed();
  return sync();
}

export async function discard(id) { await store.remove("outbox", id); changed(); }

export function sync() {
  if (!navigator.onLine) { return Promise.resolve(false); }
  if (!state.syncing) {
    state.syncing = (async () => {
      const waiting = (await outbox()).filter((item) => item.state === "waiting");
      const of = (kind) => waiting.filter((item) => item.kind === kind);
      // Residents first: the records that name them are checked against them.
      await sendBatch("/residents/batch", of("resident"));
      await sendBatch("/activities/batch", of("activity"));
      for (const item of of("help_request")) { await sendOne(item, "/help-requests"); }
      for (const item of of("comment")) { await sendOne(item, `/help-requests/${item.request}/comments`); }
      await store.put("cache", new Date().toISOString(), "last_sync");
      return true;
    })().finally(() => { state.syncing = null; changed(); });
  }
  return state.syncing;
}

async function sendBatch(path, items) {
  for (let start = 0; start < items.length; start += 500) {
    const chunk = items.slice(start, start + 500);
    const {data} = await api("POST", path, {items: chunk.map((item) => item.body)});
    const now = new Date().toISOString();
    await store.putMany("outbox", chunk.map((item, index) => {
      const result = data.results[index];
      return result.status === "rejected"
        ? {...item, state: "rejected", reason: result.reason, errors: result.errors}
        : {...item, state: "sent", sent_at: now, receipt: result.status};
    }));
  }
}

async function sendOne(item, path) {
  try {
    const {data, status} = await api("POST", path, item.body);
    await store.put("outbox", {...item, state: "sent", sent_at: new Date().toISOString(),
      receipt: status === 201 ? "created" : "duplicate", result: {id: data.id, reference: data.reference}});
  } catch (error) {
    // The server said no (not "try later"): keep it, with the reason, for the person to fix or delete.
    if (error instanceof ApiError && error.status >= 400 && error.status < 500 && ![401, 408, 429].includes(error.status)) {
      await store.put("outbox", {...item, state: "rejected", reason: error.message, errors: error.problem.errors || null});
    } else {
      throw error;
    }
  }
}

// ---- reads kept for offline use ----

export async function cached(key, path, isPublic) {
  try {
    const {data} = await api("GET", (isPublic ? "/public" : "") + path);
    await store.put("cache", data, key);
    return {data, fresh: true};
  } catch (error) {
    if (error instanceof ApiError) { throw error; }
    return {data: await store.get("cache", key), fresh: false};
  }
}

// Help requests the person may see, kept by id and brought up to date with `updated_since`:
// an unchanged sync is one small empty page.
let lastPull = 0;
export async function pullRequests(force) {
  if (!force && Date.now() - lastPull < 15000) { return knownRequests(); }  // a screen drawn just after a sync
  lastPull = Date.now();
  const known = (await store.get("cache", "requests")) || {since: null, items: {}};
  const query = known.since ? "updated_since=" + encodeURIComponent(known.since) : "";
  const {data} = await api("GET", "/help-requests?limit=500&" + query);
  let latest = known.since ? Date.parse(known.since) : 0;
  for (const item of data.items) {
    known.items[item.id] = item;
    latest = Math.max(latest, Date.parse(item.updated_at) + 1);  // +1 ms: not the same row again
  }
  known.since = latest ? new Date(latest).toISOString() : null;
  await store.put("cache", known, "requests");
  return known.items;
}

export async function knownRequests() {
  return ((await store.get("cache", "requests")) || {items: {}}).items;
}

export async function rememberRequest(item) {
  const known = (await store.get("cache", "requests")) || {since: null, items: {}};
  known.items[item.id] = item;
  await store.put("cache", known, "requests");
}

// Guides: the catalogue by ETag and changed_since, each guide kept whole for reading offline.
let pullingPosters = null;
export function pullPosters() {
  // One pull at a time: the start-up sync and the guides screen may ask together.
  pullingPosters = pullingPosters || pullPostersOnce().finally(() => { pullingPosters = null; });
  return pullingPosters;
}

export async function postersComplete() {
  const meta = await store.get("posters", "__catalogue__");
  return !!meta && meta.lang === state.lang && !!meta.images_kept;
}

async function pullPostersOnce() {
  const meta = (await store.get("posters", "__catalogue__")) || {slug: "__catalogue__", etag: null, as_of: null, lang: null};
  // Only a complete copy (every guide and picture kept) is brought up to date by changes; otherwise all again.
  const incremental = meta.lang === state.lang && !!meta.as_of && !!meta.images_kept;
  const query = `/public/posters?lang=${state.lang}` + (incremental ? "&changed_since=" + encodeURIComponent(meta.as_of) : "");
  // An ETag names the answer to one exact query: send it only for the query it came with.
  const {status, data, etag} = await api("GET", query, undefined, incremental && meta.query === query ? meta.etag : null);
  if (status === 304) { return false; }
  const changedSlugs = data.items.map((item) => item.slug);
  const full = await Promise.all(changedSlugs.map(async (slug) => (await api("GET", `/public/posters/${slug}?lang=${state.lang}`)).data));
  await store.putMany("posters", full.map((poster) => ({...poster, requested_lang: state.lang})));
  for (const slug of data.removed || []) { await store.remove("posters", slug); }
  const imagesKept = await keepImages(full);
  await store.put("posters", {slug: "__catalogue__", etag, query, as_of: data.as_of || meta.as_of, lang: state.lang,
                              images_kept: imagesKept});
  return true;
}

// Step pictures go into the service worker's image cache now, so a guide never opened online still
// reads whole offline. Their URLs are content-hashed: one stored copy is right forever.
async function keepImages(full) {
  if (!("caches" in window)) { return false; }
  const cache = await caches.open("toso-images");
  const urls = [...new Set(full.flatMap((poster) => poster.steps.map((step) => step.image).filter(Boolean)))];
  let kept = true;
  for (const url of urls) {
    if (!navigator.onLine) { return false; }  // the signal went: finish at the next sync
    if (!(await cache.match(url))) { await cache.add(url).catch(() => { kept = false; }); }
  }
  return kept;
}

export async function posters() {
  return (await store.all("posters")).filter((item) => item.slug !== "__catalogue__" && item.requested_lang === state.lang);
}

// The routine sync: send the outbox, then fetch what changed. Guides are checked at most every
// six hours (their ETag makes a check cheap, but a check is still a request on a thin signal).
const POSTER_CHECK_MS = 6 * 3600 * 1000;
export async function refresh(checkPosters, force) {
  await sync();
  await pullRequests(force);
  const last = await store.get("cache", "posters_checked");
  if (checkPosters || !last || Date.now() - last > POSTER_CHECK_MS) {
    await pullPosters();
    await store.put("cache", Date.now(), "posters_checked");
  }
}
