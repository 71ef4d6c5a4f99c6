// The phone's copy: session, outbox (records waiting to be sent), cached reads, saved guides.
// A small promise wrapper over IndexedDB; nothing here leaves the phone except through sync.js.
const DB_NAME = "toso";
const VERSION = 1;
// Stores holding one person's data; "posters" holds public guides and survives a sign-out.
export const PERSONAL = ["session", "outbox", "cache"];
let opened = null;

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export function open() {
  if (!opened) {
    const request = indexedDB.open(DB_NAME, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore("session");
      const outbox = db.createObjectStore("outbox", {keyPath: "id"});
      outbox.createIndex("state", "state");
      db.createObjectStore("cache");
      db.createObjectStore("posters", {keyPath: "slug"});
    };
    opened = promised(request);
  }
  return opened;
}

async function run(storeName, mode, action) {
  const db = await open();
  const tx = db.transaction(storeName, mode);
  const result = action(tx.objectStore(storeName));
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
  return result && "onsuccess" in result ? result.result : result;
}

export const get = (store, key) => run(store, "readonly", (s) => s.get(key));
export const all = (store) => run(store, "readonly", (s) => s.getAll());
export const put = (store, value, key) => run(store, "readwrite", (s) => (key === undefined ? s.put(value) : s.put(value, key)));
export const remove = (store, key) => run(store, "readwrite", (s) => s.delete(key));
export const putMany = (store, values) => run(store, "readwrite", (s) => { values.forEach((v) => s.put(v)); });

// Signing out, or another person signing in: nothing of the previous person stays on the phone.
export async function clearPersonal() {
  const db = await open();
  const tx = db.transaction(PERSONAL, "readwrite");
  PERSONAL.forEach((name) => tx.objectStore(name).clear());
  await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
}
