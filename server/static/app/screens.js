// The screens: sign-in, a member's day (requests, logging help, outbox), a villager's requests,
// guides and the inbox. Each screen draws what the phone holds first, then what the network adds.
import * as sync from "./sync.js";
import * as store from "./store.js";
import {S, t, h, link, show, go, uuid, isMember, workUnit, route, setLanguage} from "./app.js";

const WORK_ACTIONS = ["claim", "start", "wait", "resume", "resolve"];
const OPEN = ["new", "assigned", "in_progress", "waiting_on_resident"];

function notice(text, kind) { return h("p", {class: "notice " + (kind || ""), role: kind === "error" ? "alert" : "status"}, text); }
function button(text, onclick, className) { return h("button", {type: "button", class: className || "big", onclick}, text); }
function when(iso) { return iso ? new Date(iso).toLocaleString(S.lang === "vi" ? "vi-VN" : "en-GB", {dateStyle: "short", timeStyle: "short"}) : ""; }
function errorText(error) {
  if (error instanceof sync.ApiError) { return error.message; }
  return S.online ? t("error") : t("needs_network");
}

async function services() {
  const {data} = await sync.cached("services:" + S.lang, `/services?lang=${S.lang}`, true);
  return data ? data.items : [];
}

function serviceName(list, code) {
  const found = list.find((s) => s.code === code);
  return found ? found.name : code;
}

// ---- sign-in ----

async function contactBlock(unitCode) {
  if (!unitCode) { return null; }
  // Public facts (the team's published phone), kept so they still show with no signal.
  const key = "toso-contact:" + unitCode;
  let contact = JSON.parse(localStorage.getItem(key) || "null");
  if (navigator.onLine) {
    try {
      const response = await fetch(`/app/contact.json?unit=${encodeURIComponent(unitCode)}`);
      if (response.ok) { contact = await response.json(); localStorage.setItem(key, JSON.stringify(contact)); }
    } catch (error) { /* the kept copy, if any */ }
  }
  if (!contact) { return null; }
  return h("section", {class: "card", "aria-labelledby": "contact-title"},
    h("h2", {id: "contact-title"}, t("cannot_sign_in")),
    contact.team_phone ? h("p", {}, h("a", {class: "big call", href: "tel:" + contact.team_phone},
      `${t("call_team")}: ${contact.team_phone}`), contact.team ? h("span", {class: "meta"}, contact.team) : null) : null,
    contact.commune ? h("p", {}, t("commune_office", {commune: contact.commune})) : null);
}

export const screens = {};

screens.signIn = async (params) => {
  const error = notice(t("sign_in_failed"), "error");
  error.hidden = true;
  const fail = (problem) => {
    error.textContent = navigator.onLine ? t("sign_in_failed") : t("sign_in_needs_network");
    error.hidden = false;
    console.info("sign-in failed", problem && problem.message);
  };
  // Signed in: draw the first screen, then send whatever waited for this person (an expired session's outbox).
  const done = () => route().then(() => sync.refresh().catch(() => {}));
  const nodes = [h("p", {}, t("sign_in_intro"))];
  // An expired session leaves its outbox: say whose it is, and that another person signing in deletes it.
  const owner = await store.get("session", "owner");
  const unsent = owner ? await sync.unsentCount() : 0;
  if (unsent) { nodes.push(notice(t("unsent_owner", {n: unsent, phone: owner}), "error")); }
  const demo = [];
  if (S.config.emulator) {
    // A villager types their own number; the demo's people are one tap below.
    const phone = h("input", {id: "phone", type: "tel", autocomplete: "tel", inputmode: "tel", placeholder: "0912 345 678"});
    nodes.push(h("form", {class: "card", onsubmit: (event) => {
      event.preventDefault();
      sync.signInDemo(phone.value).then(done, fail);
    }}, h("label", {for: "phone"}, t("phone")), phone, h("button", {type: "submit", class: "big primary"}, t("sign_in"))));
    demo.push(h("h2", {}, t("demo_people")), notice(t("demo_mode")),
      h("ul", {class: "people"}, S.config.demo_people.map((person) => h("li", {},
        button([person.name, h("small", {}, ` ${person.phone} · ${person.role}`)],
          () => sync.signInDemo(person.phone).then(done, fail), "person")))));
  } else {
    const phone = h("input", {id: "phone", type: "tel", autocomplete: "tel", inputmode: "tel", placeholder: "0912 345 678"});
    const code = h("input", {id: "code", inputmode: "numeric", autocomplete: "one-time-code"});
    const captcha = h("div", {id: "recaptcha"});
    nodes.push(h("div", {class: "card"},
      h("label", {for: "phone"}, t("phone")), phone, captcha,
      button(t("send_code"), () => sync.sendCode(phone.value, captcha).catch(fail)),
      h("label", {for: "code"}, t("code")), code,
      button(t("sign_in"), () => sync.confirmCode(code.value).then(done, fail), "big primary")));
  }
  nodes.push(error);
  if (params.get("unit")) { sessionStorage.setItem("toso-unit", params.get("unit")); }
  show(t("sign_in"), ...nodes, await contactBlock(params.get("unit") || sessionStorage.getItem("toso-unit")), ...demo);
  const lang = h("p", {}, button(S.lang === "vi" ? "English" : "Tiếng Việt",
    async () => { await setLanguage(S.lang === "vi" ? "en" : "vi"); route(); }, "link"));
  document.getElementById("screen").append(lang);
};

screens.signOut = async () => {
  const unsent = await sync.unsentCount();
  const leave = async () => { await sync.signOut(); go("/app/"); };
  if (!unsent) { return leave(); }
  show(t("sign_out"), notice(t("unsent_warning", {n: unsent}), "error"),
    button(t("stay"), () => go("/app/outbox")), button(t("sign_out_anyway"), leave, "big danger"));
};

// ---- requests ----

async function refreshRequests() {
  try { return await sync.pullRequests(); } catch (error) { return sync.knownRequests(); }
}

async function act(item, action) {
  try {
    const {data} = await sync.api("POST", `/help-requests/${item.id}/${action}`, {version: item.version});
    await sync.rememberRequest(data);
  } catch (error) {
    alertLine(errorText(error));
    return;
  }
  route();
}

function alertLine(text) {
  const main = document.getElementById("screen");
  const old = main.querySelector(".flash");
  if (old) { old.remove(); }
  main.prepend(h("p", {class: "notice error flash", role: "alert"}, text));
}

function requestCard(item, serviceList, withActions) {
  const actions = withActions ? (item.allowed_actions || []).filter((a) => WORK_ACTIONS.includes(a)) : [];
  return h("li", {class: "card request"},
    link(`/app/requests/${item.id}`, `${item.reference} · ${serviceName(serviceList, item.service)}`, "title"),
    h("p", {class: "meta"}, `${S.strings.statuses[item.status] || item.status} · ${item.unit ? item.unit.name : ""}`),
    h("p", {}, item.description),
    actions.length ? h("div", {class: "row"}, actions.map((action) =>
      button(S.strings.request_actions[action], () => act(item, action), "small"))) : null);
}

function signOutLink() {
  return h("p", {class: "sign-out"}, link("/app/sign-out", `${t("sign_out")} (${S.me.phone})`, "small"));
}

export function isLeader(me) {
  return me.roles.some((r) => r.role === "team_leader");
}

function list(items, render) {
  return items.length ? h("ul", {class: "plain"}, items.map(render)) : h("p", {class: "empty"}, t("nothing_here"));
}

screens.memberHome = async () => {
  const [items, serviceList] = [await sync.knownRequests(), await services()];
  const draw = (known) => {
    const all = Object.values(known);
    const mine = all.filter((r) => r.assignee && r.assignee.phone === S.me.phone && OPEN.includes(r.status));
    const fresh = all.filter((r) => r.status === "new");
    show(t("home"),
      link("/app/log", t("log_help"), "big primary"),
      isLeader(S.me) ? link("/app/team", t("my_team"), "big") : null,
      h("h2", {}, t("my_work")), list(mine, (r) => requestCard(r, serviceList, true)),
      h("h2", {}, t("new_in_area")), list(fresh, (r) => requestCard(r, serviceList, true)),
      standing, signOutLink());
  };
  let standing = null;
  draw(items);
  if (navigator.onLine) {
    const updated = await refreshRequests();
    standing = await standingCard(serviceList);
    if (location.pathname.replace(/\/$/, "") === "/app") { draw(updated); }
  }
};

// The member's own place in their team's emulation ranking this month, and their skills (online only:
// a ranking read from yesterday's copy would mislead).
async function standingCard(serviceList) {
  const team = (S.me.teams || [])[0];
  if (!team) { return null; }
  const month = new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 7);  // Vietnam's month
  try {
    const roster = (await sync.api("GET", `/teams/${team.id}/members?limit=500`)).data.items;
    const myself = roster.find((m) => m.phone === S.me.phone);
    const ranking = (await sync.api("GET", `/emulation/${team.unit.code}?period=${month}&of=members`)).data;
    const entry = myself && ranking.items.find((item) => item.member && item.member.id === myself.id);
    const skills = (myself && myself.skills) || [];
    return h("section", {class: "card standing", "aria-labelledby": "standing"},
      h("h2", {id: "standing"}, t("my_standing")),
      entry ? h("p", {}, t("standing_line", {rank: entry.rank, count: ranking.items.length, team: team.name,
                                             score: entry.score.toLocaleString(S.lang)})) : null,
      h("p", {class: "meta"}, skills.length ?
        t("my_skills", {skills: skills.map((code) => serviceName(serviceList, code)).join(", ")}) : t("no_skills_yet")));
  } catch (error) {
    return null;  // the standing is a bonus: home works without it
  }
}

screens.villagerHome = async () => {
  const serviceList = await services();
  const draw = async (known) => {
    const queued = (await sync.outbox()).filter((item) => item.kind === "help_request" && item.state !== "sent");
    const mine = Object.values(known).filter((r) => r.requester && r.requester.phone === S.me.phone)
      .sort((a, b) => b.created_at.localeCompare(a.created_at));
    show(t("my_requests"),
      link("/app/help/new", t("ask_help"), "big primary"),
      queued.length ? h("ul", {class: "plain"}, queued.map((item) => h("li", {class: "card request"},
        link(`/app/requests/${item.id}`, serviceName(serviceList, item.body.service), "title"),
        h("p", {class: "meta"}, item.state === "rejected" ? `${t("rejected")}: ${item.reason}` : t("waiting")),
        h("p", {}, item.body.description)))) : null,
      list(mine, (r) => requestCard(r, serviceList, false)), signOutLink());
  };
  await draw(await sync.knownRequests());
  if (navigator.onLine) { const updated = await refreshRequests(); if (location.pathname.replace(/\/$/, "") === "/app") { await draw(updated); } }
};

screens.newRequest = async (params) => {
  const serviceList = await services();
  // The village: from the poster's link, else the one this person asked for last (kept with their
  // data, so it works offline and goes at sign-out), else a member's own.
  const lastUnit = await store.get("cache", "last_unit");
  const preset = params.get("unit") || sessionStorage.getItem("toso-unit") || lastUnit ||
    (isMember(S.me) && workUnit(S.me) ? workUnit(S.me).code : "");
  const service = h("select", {id: "service", required: true},
    serviceList.map((s) => h("option", {value: s.code, selected: s.code === params.get("service")}, s.name)));
  const need = h("textarea", {id: "need", required: true, maxlength: 2000, rows: 4});
  const call = h("input", {id: "call", maxlength: 200, placeholder: "Sau 17 giờ"});
  const unit = h("input", {id: "unit", type: "hidden", value: preset});
  const place = h("p", {class: "meta", id: "place"});
  const village = [];
  if (preset && !navigator.onLine) {
    place.textContent = `${t("village")}: ${preset}`;
  } else if (preset) {
    fetch(`/app/contact.json?unit=${encodeURIComponent(preset)}`).then((r) => r.ok ? r.json() : null)
      .then((c) => { if (c) { place.textContent = `${t("village")}: ${c.unit.name}`; } }).catch(() => { place.textContent = `${t("village")}: ${preset}`; });
  } else {
    const search = h("input", {id: "village", type: "search", autocomplete: "off"});
    const results = h("ul", {class: "plain choices"});
    search.addEventListener("change", async () => {
      try {
        const {data} = await sync.api("GET", `/units?q=${encodeURIComponent(search.value)}&limit=20`);
        results.replaceChildren(...data.items.filter((u) => ["village", "commune"].includes(u.level)).map((u) =>
          h("li", {}, button(u.name + (u.parent_name ? ", " + u.parent_name : ""), () => {
            unit.value = u.code; place.textContent = `${t("village")}: ${u.name}`; results.replaceChildren();
          }, "choice"))));
      } catch (error) { results.replaceChildren(h("li", {}, errorText(error))); }
    });
    village.push(h("label", {for: "village"}, t("find_village")), search, results);
  }
  const problem = h("p", {class: "notice error", role: "alert", hidden: true});
  show(t("ask_help"), h("form", {class: "card", onsubmit: async (event) => {
    event.preventDefault();
    if (!unit.value) { problem.textContent = t("find_village"); problem.hidden = false; return; }
    const body = {id: uuid(), unit: unit.value, service: service.value, description: need.value.trim(),
                  preferred_contact: call.value.trim() || null};
    await store.put("cache", body.unit, "last_unit");
    await sync.enqueue("help_request", body);
    go(`/app/requests/${body.id}`);
  }}, place, ...village, unit,
    h("label", {for: "service"}, t("service")), service,
    h("label", {for: "need"}, t("need")), need,
    h("label", {for: "call"}, t("when_to_call")), call,
    problem, h("button", {type: "submit", class: "big primary"}, t("file_request"))));
};

screens.request = async (id) => {
  const serviceList = await services();
  const queued = (await sync.outbox()).find((item) => item.id === id && item.kind === "help_request");
  if (queued && queued.state !== "sent") {
    if (queued.state === "waiting" && navigator.onLine) {
      // Draw again once this sync has answered for the request (sent: its reference; rejected: why).
      const here = location.pathname;
      sync.sync().catch(() => {}).then(async () => {
        const now = (await sync.outbox()).find((item) => item.id === id);
        if (location.pathname === here && now && now.state !== "waiting") { route(); }
      });
    }
    return show(t("kind_help_request"),
      notice(queued.state === "rejected" ? `${t("rejected")}: ${queued.reason}` : t("request_queued"), queued.state === "rejected" ? "error" : ""),
      h("dl", {class: "facts"}, h("dt", {}, t("service")), h("dd", {}, serviceName(serviceList, queued.body.service)),
        h("dt", {}, t("need")), h("dd", {}, queued.body.description)),
      queued.state === "rejected" ? button(t("send_again"), () => sync.retry(id).then(route)) : null);
  }
  let item;
  try {
    item = (await sync.api("GET", `/help-requests/${id}`)).data;
    await sync.rememberRequest(item);
  } catch (error) {
    item = (await sync.knownRequests())[id];
    if (!item) { return show(t("kind_help_request"), notice(errorText(error), "error")); }
  }
  const mine = item.requester && item.requester.phone === S.me.phone;
  const body = h("textarea", {id: "reply", required: true, rows: 3, maxlength: 2000});
  const nodes = [
    h("p", {class: "reference"}, h("span", {}, t("reference") + ": "), h("strong", {}, item.reference)),
    mine ? h("p", {class: "meta"}, t("reference_hint")) : null,
    h("dl", {class: "facts"},
      h("dt", {}, t("status")), h("dd", {}, S.strings.statuses[item.status] || item.status),
      h("dt", {}, t("service")), h("dd", {}, serviceName(serviceList, item.service)),
      h("dt", {}, t("need")), h("dd", {}, item.description),
      item.preferred_contact ? [h("dt", {}, t("when_to_call")), h("dd", {}, item.preferred_contact)] : null),
  ];
  const actions = (item.allowed_actions || []).filter((a) => WORK_ACTIONS.includes(a));
  if (actions.length) { nodes.push(h("div", {class: "row"}, actions.map((a) => button(S.strings.request_actions[a], () => act(item, a), "small")))); }
  nodes.push(h("h2", {}, t("replies")),
    list((item.comments || []).filter((c) => !c.internal), (c) => h("li", {class: "card"},
      h("p", {class: "meta"}, `${(c.author && c.author.name) || ""} · ${when(c.created_at)}`), h("p", {}, c.body))),
    h("form", {class: "card", onsubmit: async (event) => {
      event.preventDefault();
      await sync.enqueue("comment", {id: uuid(), body: body.value.trim()}, {request: id});
      await sync.sync().catch(() => {});
      route();
    }}, h("label", {for: "reply"}, t("your_reply")), body, h("button", {type: "submit", class: "big"}, t("send"))));
  if (mine && ["resolved", "closed"].includes(item.status)) {
    if (item.rating) {
      nodes.push(notice(`${t("rate")} ${t("stars", {n: item.rating.score})}`));
    } else {
      nodes.push(h("section", {class: "card"}, h("h2", {}, t("rate")), h("div", {class: "row"}, [1, 2, 3, 4, 5].map((score) =>
        button(t("stars", {n: score}), async () => {
          try { await sync.api("POST", `/help-requests/${id}/rating`, {score}); route(); } catch (error) { alertLine(errorText(error)); }
        }, "small")))));
    }
  }
  nodes.push(h("h2", {}, t("history")), list(item.history || [], (e) => h("li", {class: "meta"},
    `${when(e.created_at)} · ${S.strings.statuses[e.to] || e.to}`)));
  show(t("kind_help_request"), ...nodes);
};

// ---- logging help: resident, service, action, outcome (and a blocker when it did not work) ----

async function residents(unitCode) {
  const key = "residents:" + unitCode;
  let known = [];
  try { known = ((await sync.cached(key, `/residents?unit=${encodeURIComponent(unitCode)}&limit=500`)).data || {items: []}).items; } catch (error) { known = []; }
  const local = (await sync.outbox()).filter((item) => item.kind === "resident" && item.state !== "sent").map((item) => item.body);
  const byId = new Map([...known, ...local].map((r) => [r.id, r]));
  return [...byId.values()];
}

function residentLabel(r) {
  return (r.name || "—") + (r.birth_year ? ` (${r.birth_year})` : "");
}

screens.logHelp = async (saved) => {
  const unit = workUnit(S.me);
  const record = {unit: unit.code};
  const serviceList = await services();
  const people = await residents(unit.code);
  const step = (title, ...nodes) => show(title, saved ? notice(t("saved_waiting")) : null, ...nodes);

  const save = async () => {
    const body = {id: uuid(), ...record, occurred_at: new Date().toISOString()};
    await sync.enqueue("activity", body);
    saved = true;
    pickWho();
  };
  const choices = (items, label, pick) => h("div", {class: "grid"}, items.map((value) => button(label(value), () => pick(value), "choice")));
  const pickBlocker = () => step(t("which_blocker"), choices(S.strings.order.blockers, (b) => S.strings.blockers[b], (b) => { record.blocker = b; save(); }));
  const pickOutcome = () => step(t("which_outcome"), choices(S.strings.order.outcomes, (o) => S.strings.outcomes[o], (o) => {
    record.outcome = o;
    delete record.blocker;
    return o === "succeeded" ? save() : pickBlocker();
  }));
  const pickAction = () => step(t("which_action"), choices(S.strings.order.actions, (a) => S.strings.actions[a], (a) => { record.action = a; pickOutcome(); }));
  const pickService = () => step(t("which_service"), choices(serviceList.map((s) => s.code), (c) => serviceName(serviceList, c), (c) => { record.service = c; pickAction(); }));

  const addPerson = () => {
    const name = h("input", {id: "name", autocomplete: "off", maxlength: 120});
    const year = h("input", {id: "year", type: "number", inputmode: "numeric", min: 1900, max: 2100});
    const gender = h("select", {id: "gender"}, h("option", {value: ""}, "—"),
      h("option", {value: "female"}, t("female")), h("option", {value: "male"}, t("male")), h("option", {value: "other"}, t("other_gender")));
    const consent = h("input", {id: "consent", type: "checkbox"});
    step(t("add_resident"), h("form", {class: "card", onsubmit: async (event) => {
      event.preventDefault();
      const agreed = consent.checked;
      const body = {id: uuid(), unit: unit.code, consent: agreed, name: agreed && name.value.trim() ? name.value.trim() : null,
                    birth_year: year.value ? Number(year.value) : null, gender: gender.value || null};
      await sync.enqueue("resident", body);
      people.unshift(body);
      record.resident = body.id;
      delete record.people;
      pickService();
    }}, h("div", {class: "check"}, consent, h("label", {for: "consent"}, t("consent"))),
      h("p", {class: "meta"}, t("consent_hint")),
      h("label", {for: "name"}, t("name")), name, h("label", {for: "year"}, t("birth_year")), year,
      h("label", {for: "gender"}, t("gender")), gender,
      h("button", {type: "submit", class: "big primary"}, t("save")), button(t("cancel"), () => pickWho(), "link")));
  };

  const pickWho = () => {
    const search = h("input", {id: "search", type: "search", autocomplete: "off"});
    const results = h("ul", {class: "plain"});
    const fill = () => {
      const q = search.value.trim().toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d");
      const fold = (s) => (s || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d");
      results.replaceChildren(...people.filter((r) => !q || fold(r.name).includes(q)).slice(0, 30).map((r) =>
        h("li", {}, button(residentLabel(r), () => { record.resident = r.id; delete record.people; pickService(); }, "choice"))));
    };
    search.addEventListener("input", fill);
    fill();
    const count = h("input", {id: "count", type: "number", min: 1, max: 500, value: 10, inputmode: "numeric"});
    step(t("who"), button(t("add_resident"), addPerson, "big primary"),
      h("label", {for: "search"}, t("search_resident")), search, results,
      h("form", {class: "card row", onsubmit: (event) => {
        event.preventDefault();
        delete record.resident;
        record.people = Number(count.value) || 1;
        pickService();
      }}, h("label", {for: "count"}, t("people_count")), count, h("button", {type: "submit", class: "small"}, t("group_session"))));
  };
  pickWho();
};

// ---- outbox ----

function describe(item, serviceList) {
  const b = item.body;
  if (item.kind === "activity") {
    return [t("kind_activity"), serviceName(serviceList, b.service), S.strings.actions[b.action], S.strings.outcomes[b.outcome]].join(" · ");
  }
  if (item.kind === "resident") { return `${t("kind_resident")} · ${residentLabel(b)}`; }
  if (item.kind === "help_request") { return `${t("kind_help_request")} · ${serviceName(serviceList, b.service)}` + (item.result ? ` · ${item.result.reference}` : ""); }
  return `${t("kind_comment")} · ${b.body.slice(0, 40)}`;
}

function errorsText(errors) {
  if (!errors) { return ""; }
  // The server's own words, already in the person's language; field names mean nothing to them.
  return Object.values(errors).map((messages) => [].concat(messages).join(" ")).join(" ");
}

screens.outbox = async () => {
  const serviceList = await services();
  const items = (await sync.outbox()).reverse();
  const lastSync = await store.get("cache", "last_sync");
  const row = (item) => h("li", {class: "card outbox-item " + item.state, "data-state": item.state, "data-id": item.id,
                                 "data-reason": item.reason || null},
    h("p", {}, describe(item, serviceList)),
    h("p", {class: "meta"}, when(item.created_at)),
    h("p", {class: "state"}, h("strong", {}, t(item.state)),
      item.state === "sent" ? ` · ${when(item.sent_at)}` : "",
      item.state === "rejected" ? h("span", {class: "reason"}, ` · ${errorsText(item.errors) || item.reason}`) : ""),
    item.state === "rejected" ? h("div", {class: "row"},
      button(t("send_again"), () => sync.retry(item.id).catch(() => {}).then(route), "small"),
      button(t("discard"), () => sync.discard(item.id).then(route), "small")) : null);
  const waiting = items.filter((i) => i.state === "waiting").length;
  show(t("outbox"),
    h("p", {class: "meta"}, `${waiting} ${t("waiting").toLowerCase()}` + (lastSync ? ` · ${t("last_sync", {time: when(lastSync)})}` : "")),
    button(t("sync_now"), () => sync.sync().catch((error) => alertLine(errorText(error))).then(route), "big"),
    list(items, row));
};

// ---- guides and inbox ----

screens.posters = async () => {
  const draw = async () => {
    const saved = (await sync.posters()).sort((a, b) => a.title.localeCompare(b.title));
    const complete = await sync.postersComplete();
    show(t("posters"), saved.length ? (complete ? h("p", {class: "meta", id: "posters-kept"}, t("offline_read")) : null) : notice(t("no_posters")),
      list(saved, (p) => h("li", {class: "card"}, link(`/app/posters/${p.slug}`, p.title, "title"), h("p", {}, p.summary))));
  };
  await draw();
  if (navigator.onLine) {
    try { await sync.pullPosters(); if (location.pathname === "/app/posters") { await draw(); } } catch (error) { /* the saved copy stays */ }
  }
};

screens.poster = async (slug) => {
  const poster = (await sync.posters()).find((p) => p.slug === slug);
  if (!poster) { return show(t("posters"), notice(t("no_posters"))); }
  show(poster.title, h("p", {}, poster.summary), h("ol", {class: "steps"}, poster.steps.map((step) => h("li", {},
    h("p", {}, step.text), step.image ? h("img", {src: step.image, alt: "", width: 240, height: 160, loading: "lazy"}) : null,
    step.warning ? notice("⚠ " + step.warning) : null))), poster.help ? h("p", {class: "card"}, poster.help) : null,
    link("/app/help/new?service=" + encodeURIComponent(poster.service), t("ask_help"), "big primary"));
};

screens.inbox = async () => {
  let data;
  try { data = (await sync.cached("notifications", "/notifications?limit=100")).data; } catch (error) { data = null; }
  const items = data ? [...data.items].sort((a, b) => b.created_at.localeCompare(a.created_at)) : [];
  show(t("inbox"), list(items, (n) => h("li", {class: "card" + (n.read ? "" : " unread")},
    n.request ? link(`/app/requests/${n.request}`, n.title, "title") : h("p", {class: "title"}, n.title),
    h("p", {}, n.body), h("p", {class: "meta"}, when(n.created_at) + (n.read ? "" : ` · ${t("unread")}`)))));
};

// ---- a leader's teams: members, the public phone, last month's figures ----

function lastMonth() {
  const vietnam = new Date(Date.now() + 7 * 3600 * 1000);  // Vietnam's clock: UTC+7, no daylight saving
  const year = vietnam.getUTCMonth() === 0 ? vietnam.getUTCFullYear() - 1 : vietnam.getUTCFullYear();
  const month = vietnam.getUTCMonth() === 0 ? 12 : vietnam.getUTCMonth();
  return `${year}-${String(month).padStart(2, "0")}`;
}

function percent(rate) { return rate === null || rate === undefined ? "—" : `${Math.round(rate * 1000) / 10} %`; }

screens.team = async () => {
  const grant = S.me.roles.find((r) => r.role === "team_leader");
  if (!grant) { return go("/app/"); }
  const month = lastMonth();
  const nodes = [];
  try {
    const {data} = await sync.api("GET", `/coverage/${encodeURIComponent(grant.unit.code)}?period=${month}`);
    nodes.push(h("h2", {}, `${grant.unit.name}: ${t("last_month", {month})}`),
      h("dl", {class: "facts figures"}, data.items.map((item) => [
        h("dt", {}, S.strings.indicators[item.indicator] || item.indicator),
        h("dd", {}, item.denominator ? `${item.numerator} / ${item.denominator} · ${percent(item.rate)}` : String(item.numerator))])));
    const {data: teams} = await sync.api("GET", "/teams?limit=100");
    for (const team of teams.items) { nodes.push(await teamCard(team)); }
  } catch (error) {
    nodes.push(notice(errorText(error), "error"));
  }
  show(t("my_team"), ...nodes);
};

async function teamCard(team) {
  const members = (await sync.api("GET", `/teams/${team.id}/members?limit=500`)).data.items;  // a team is one page
  const id = `team-${team.id}`;
  const phone = h("input", {id: id + "-public", type: "tel", inputmode: "tel", value: team.public_phone || ""});
  const newPhone = h("input", {id: id + "-phone", type: "tel", inputmode: "tel", required: true});
  const newName = h("input", {id: id + "-name", maxlength: 120});
  const attempt = (promise) => promise.then(() => screens.team()).catch((error) => alertLine(errorText(error)));
  const removeButton = (member) => {
    const label = member.display_name || member.phone;
    const remove = button(t("remove"), () => {
      if (remove.dataset.armed) { return attempt(sync.api("DELETE", `/teams/${team.id}/members/${member.id}`)); }
      remove.dataset.armed = "true";  // a second tap confirms: no member is removed by a slip of the thumb
      remove.textContent = t("confirm_remove", {name: label});
      return null;
    }, "small");
    return remove;
  };
  return h("section", {class: "card", "aria-labelledby": id},
    h("h2", {id}, `${team.name} · ${team.unit.name}`),
    h("form", {onsubmit: (event) => {
      event.preventDefault();
      attempt(sync.api("PATCH", `/teams/${team.id}`, {public_phone: phone.value.trim() || null}));
    }}, h("label", {for: id + "-public"}, t("public_phone")), phone, h("p", {class: "meta"}, t("public_phone_hint")),
      h("button", {type: "submit", class: "small"}, t("save"))),
    h("h3", {}, t("members")),
    list(members, (member) => h("li", {class: "row member"}, h("span", {}, `${member.display_name || ""} ${member.phone}`),
      removeButton(member))),
    h("form", {onsubmit: (event) => {
      event.preventDefault();
      attempt(sync.api("POST", `/teams/${team.id}/members`, {phone: newPhone.value, display_name: newName.value.trim() || null}));
    }}, h("label", {for: id + "-phone"}, t("phone")), newPhone, h("label", {for: id + "-name"}, t("name")), newName,
      h("button", {type: "submit", class: "big"}, t("add_member"))));
}
