// The field app's service worker (scope /app/). SHELL (its version and file list) is prepended by
// the server. The shell is served from the cache, so a repeat visit needs no network; guides'
// images are kept once seen; the API itself is never cached here (personal data lives in IndexedDB,
// which signing out clears).
const SHELL_CACHE = "toso-shell-" + SHELL.version;
const IMAGE_CACHE = "toso-images";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL.urls)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(
    names.filter((name) => name.startsWith("toso-shell-") && name !== SHELL_CACHE).map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && url.pathname.startsWith("/app/")) {
    // Every screen is the same shell page.
    event.respondWith(caches.match("/app/", {cacheName: SHELL_CACHE}).then((hit) => hit || fetch(request)));
    return;
  }
  if (SHELL.urls.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname, {cacheName: SHELL_CACHE}).then((hit) => hit || fetch(request)));
    return;
  }
  if (url.pathname.startsWith("/api/v1/images/")) {
    // Content-hashed URLs: a stored copy is always right.
    event.respondWith(caches.open(IMAGE_CACHE).then((cache) => cache.match(request).then((hit) => hit ||
      fetch(request).then((response) => { if (response.ok) { cache.put(request, response.clone()); } return response; }))));
  }
});

// Background sync where the browser offers it: wake an open page to send its outbox.
self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") {
    event.waitUntil(self.clients.matchAll().then((clients) => clients.forEach((client) => client.postMessage("sync"))));
  }
});
