// The field app's shell: start-up, the router, shared view helpers. Screens are in screens.js.
import * as sync from "./sync.js";
import {screens} from "./screens.js";

export const S = {strings: null, config: null, lang: "vi", me: null, online: navigator.onLine};
const LANG_KEY = "toso-lang";  // a preference, not personal data

export function t(key, params) {
  let text = (S.strings && S.strings.labels[key]) || key;
  for (const [name, value] of Object.entries(params || {})) { text = text.replace(`%(${name})s`, value); }
  return text;
}

// Builds DOM without innerHTML, so text from the server is never parsed as markup.
export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) { continue; }
    if (name.startsWith("on")) { node.addEventListener(name.slice(2), value); }
    else if (name === "class") { node.className = value; }
    else if (name === "text") { node.textContent = value; }
    else if (value === true) { node.setAttribute(name, ""); }
    else { node.setAttribute(name, value); }
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) { continue; }
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function link(href, text, className) {
  return h("a", {href, class: className, onclick: (event) => { event.preventDefault(); go(href); }}, text);
}

export function show(title, ...nodes) {
  const main = document.getElementById("screen");
  main.replaceChildren(h("h1", {}, title), ...nodes.flat().filter((node) => node));
  document.title = title + " · ToSo";
  window.scrollTo(0, 0);
}

export function go(path) {
  history.pushState({}, "", path);
  return route();
}

export function uuid() {
  if (crypto.randomUUID) { return crypto.randomUUID(); }
  // Plain http on a local network is not a secure context: no randomUUID there, but random bytes are.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function isMember(me) {
  return !!me && (me.teams.length > 0 || me.roles.some((r) => r.role === "team_leader"));
}

export function workUnit(me) {
  if (me.teams.length) { return me.teams[0].unit; }
  const grant = me.roles.find((r) => r.role === "team_leader");
  return grant ? grant.unit : null;
}

async function loadJson(url) {
  const response = await fetch(url);
  if (!response.ok) { throw new Error(url + " " + response.status); }
  return response.json();
}

export async function setLanguage(lang) {
  S.lang = lang;
  localStorage.setItem(LANG_KEY, lang);
  S.strings = await loadJson(`/app/strings/${lang}.json`);
  document.documentElement.lang = lang;
  sync.configure(S.config, lang);
}

async function renderChrome() {
  const net = document.getElementById("net");
  const unsent = S.me ? await sync.unsentCount() : 0;
  net.textContent = (S.online ? t("online") : t("offline")) + (unsent ? ` · ${t("unsent", {n: unsent})}` : "");
  net.className = "net " + (S.online ? "on" : "off");
  const tabs = document.getElementById("tabs");
  tabs.hidden = !S.me;
  document.getElementById("lang").hidden = !S.me;
  if (!S.me) { return; }
  const here = location.pathname;
  const tab = (href, label) => {
    const a = link(href, label, "tab");
    if (here === href || (href !== "/app/" && here.startsWith(href))) { a.setAttribute("aria-current", "page"); }
    return a;
  };
  tabs.replaceChildren(tab("/app/", t("home")), tab("/app/outbox", t("outbox") + (unsent ? ` (${unsent})` : "")),
    tab("/app/posters", t("posters")), tab("/app/inbox", t("inbox")));
  const lang = document.getElementById("lang");
  lang.hidden = false;
  lang.textContent = S.lang === "vi" ? "EN" : "VI";
  lang.setAttribute("aria-label", S.lang === "vi" ? "EN: English" : "VI: Tiếng Việt");
}

export async function route() {
  const session = await sync.session();
  S.me = session ? session.me : null;
  await renderChrome();
  const path = location.pathname.replace(/\/+$/, "") || "/app";
  const params = new URLSearchParams(location.search);
  if (!S.me) { return screens.signIn(params); }
  const match = (pattern) => path.match(pattern);
  let found;
  if (path === "/app") { return isMember(S.me) ? screens.memberHome() : screens.villagerHome(); }
  if (path === "/app/help/new") { return screens.newRequest(params); }
  if ((found = match(/^\/app\/requests\/([0-9a-f-]{36})$/))) { return screens.request(found[1]); }
  if (path === "/app/log") { return screens.logHelp(); }
  if (path === "/app/outbox") { return screens.outbox(); }
  if (path === "/app/posters") { return screens.posters(); }
  if ((found = match(/^\/app\/posters\/([a-z0-9-]+)$/))) { return screens.poster(found[1]); }
  if (path === "/app/inbox") { return screens.inbox(); }
  if (path === "/app/team") { return screens.team(); }
  if (path === "/app/sign-out") { return screens.signOut(); }
  return go("/app/");
}

async function start() {
  S.config = await loadJson("/app/config.json");
  await setLanguage(localStorage.getItem(LANG_KEY) || "vi");
  window.addEventListener("popstate", route);
  document.getElementById("lang").addEventListener("click", () => setLanguage(S.lang === "vi" ? "en" : "vi").then(route));
  window.addEventListener("online", () => {
    S.online = true;
    // Redraw only screens that show what the sync changes; a form half filled in stays as it is.
    const redraw = () => { if (/^\/app\/?$|^\/app\/requests\//.test(location.pathname)) { route(); } };
    sync.refresh().catch(() => {}).then(redraw);
  });
  window.addEventListener("offline", () => { S.online = false; renderChrome(); });
  sync.onChange(() => {
    renderChrome();
    // The outbox on screen follows its records (a sync finished, a record was added); no other
    // screen is redrawn under the person's thumb.
    if (location.pathname === "/app/outbox") { screens.outbox(); }
  });
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/app/sw.js", {scope: "/app/"}).catch(() => {});
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data === "sync") { sync.sync().catch(() => {}); }
    });
  }
  await route();
  document.body.dataset.ready = "true";  // for tests and the benchmark: the first screen is drawn
  if (S.me) { sync.refresh().catch(() => {}); }
}

start();
