// The web page's behaviour: its words in English and Dutch, choosing a policy and actions, the questionnaire and its answers.
"use strict";

const STRINGS = {
  en: {
    skip: "Skip to content", tagline: "apply a policy", noscript: "This page needs JavaScript.",
    choosePolicy: "Choose a policy", loading: "Loading…", otherPolicy: "Other policy", noPolicies: "No policies are loaded.",
    hasErrors: "This file has errors.", notServed: "It cannot be questioned; its text and findings can be viewed below.",
    servedOld: "The questions are answered with the last version that had no errors.",
    actionsHeading: "What should be decided?", actionsHint: "Choose the actions you want a verdict on.",
    all: "All", none: "None", chosenCount: "({n} of {m} chosen)", noActions: "Choose at least one action to get questions.", defaultIs: "default: {word}",
    question: "Question {n}", isThisSo: "Is this so?", neededFor: "Needed for:", yes: "Yes", no: "No", answer: "Answer",
    between: "A whole number from {min} to {max}.", badNumber: "Enter a whole number from {min} to {max}.",
    doneHeading: "No more questions", allSettled: "All chosen verdicts are settled.",
    answersHeading: "Your answers", noAnswers: "No answers yet.", change: "Change", remove: "Remove", cancel: "Cancel",
    changeLabel: "Change the answer to: {q}", removeLabel: "Remove the answer to: {q}", startOver: "Start over",
    verdictsHeading: "Verdicts", progress: "{n} of {m} settled.", stillOpen: "still open", possible: "Possible: {list}.",
    dependsOn: "Still depends on:", or: "or", and: "and",
    permitted: "permitted", forbidden: "forbidden", required: "required", undecided: "undecided", conflict: "conflict",
    m_permitted: "may be done, but need not be", m_forbidden: "must not be done", m_required: "must be done",
    m_undecided: "the policy says nothing about it in this situation",
    m_conflict: "the rules contradict each other: one forbids it, another permits or requires it",
    m_open: "depends on answers not given yet", legendHeading: "What the verdicts mean",
    trail: "Decision trail", byDefault: "No rule decides this; by default this action is {word}.",
    noRuleNoDefault: "No rule applies, and the policy sets no default for this action.",
    kind_rule: "rule", kind_requirement: "requirement", lineShort: "line {n}", lineLabel: "Show line {n} in the policy text",
    fired: "applies", notFired: "does not apply", reqFired: "not met", reqNotFired: "met", deciding: "decides",
    mod_may: "permits", mod_must: "obliges", "mod_must not": "forbids",
    st_kept: "stands", st_overridden: "set aside by {rules}", st_outranked: "gives way to requirement {rules}",
    st_none: "only if the rule applies", st_noneReq: "only if the requirement is not met",
    part_if: "if", part_unless: "unless", part_requires: "requires", holds: "holds", notHolds: "does not hold",
    answered: "your answer", assumedTag: "assumed", derivedTag: "derived", whyDerived: "How was this derived?",
    assumedHeading: "Not asked",
    assumedText: "These facts were not asked because they change none of these verdicts. The decision trails take them as:",
    sourceHeading: "Policy text", showSource: "Show the text", hideSource: "Hide the text", backToTrail: "Back to the decision trail",
    findings: "Findings ({n})", noFindings: "No findings.", sev_error: "error", sev_warning: "warning", help: "Help:",
    servedSource: "Version in use (differs from the file)", fileSource: "The file as last read",
    example: "For example:", apiError: "The server answered with an error ({status}): {msg}",
    netError: "The server could not be reached: {msg}", retry: "Try again", close: "Close",
    announceAll: "All chosen verdicts are settled.", busy: "Working…",
  },
  nl: {
    skip: "Naar de inhoud", tagline: "beleid toepassen", noscript: "Deze pagina heeft JavaScript nodig.",
    choosePolicy: "Kies een beleid", loading: "Bezig met laden…", otherPolicy: "Ander beleid", noPolicies: "Er is geen beleid geladen.",
    hasErrors: "Dit bestand bevat fouten.",
    notServed: "Er kunnen geen vragen over worden beantwoord; de tekst en de bevindingen staan hieronder.",
    servedOld: "De vragen worden beantwoord met de laatste versie zonder fouten.",
    actionsHeading: "Wat moet worden beslist?", actionsHint: "Kies de handelingen waarover u een uitkomst wilt.",
    all: "Alle", none: "Geen", chosenCount: "({n} van {m} gekozen)", noActions: "Kies ten minste één handeling om vragen te krijgen.", defaultIs: "standaard: {word}",
    question: "Vraag {n}", isThisSo: "Klopt dit?", neededFor: "Nodig voor:", yes: "Ja", no: "Nee", answer: "Beantwoorden",
    between: "Een geheel getal van {min} tot en met {max}.", badNumber: "Vul een geheel getal in van {min} tot en met {max}.",
    doneHeading: "Geen vragen meer", allSettled: "Alle gekozen uitkomsten staan vast.",
    answersHeading: "Uw antwoorden", noAnswers: "Nog geen antwoorden.", change: "Wijzigen", remove: "Verwijderen",
    cancel: "Annuleren", changeLabel: "Wijzig het antwoord op: {q}", removeLabel: "Verwijder het antwoord op: {q}",
    startOver: "Opnieuw beginnen", verdictsHeading: "Uitkomsten", progress: "{n} van {m} staan vast.",
    stillOpen: "nog open", possible: "Mogelijk: {list}.", dependsOn: "Hangt nog af van:", or: "of", and: "en",
    permitted: "toegestaan", forbidden: "verboden", required: "verplicht", undecided: "onbeslist", conflict: "conflict",
    m_permitted: "mag worden gedaan, maar hoeft niet", m_forbidden: "mag niet worden gedaan", m_required: "moet worden gedaan",
    m_undecided: "het beleid zegt er in deze situatie niets over",
    m_conflict: "de regels spreken elkaar tegen: de ene verbiedt het, een andere staat het toe of verplicht het",
    m_open: "hangt af van antwoorden die nog niet zijn gegeven", legendHeading: "Wat de uitkomsten betekenen",
    trail: "Onderbouwing", byDefault: "Geen regel beslist dit; standaard is deze handeling {word}.",
    noRuleNoDefault: "Geen regel is van toepassing, en het beleid geeft voor deze handeling geen standaard.",
    kind_rule: "regel", kind_requirement: "vereiste", lineShort: "r. {n}", lineLabel: "Toon tekstregel {n} in de tekst van het beleid",
    fired: "van toepassing", notFired: "niet van toepassing", reqFired: "niet vervuld", reqNotFired: "vervuld",
    deciding: "beslissend", mod_may: "staat toe", mod_must: "verplicht", "mod_must not": "verbiedt",
    st_kept: "blijft staan", st_overridden: "opzij gezet door {rules}", st_outranked: "wijkt voor vereiste {rules}",
    st_none: "alleen als de regel van toepassing is", st_noneReq: "alleen als het vereiste niet vervuld is",
    part_if: "als", part_unless: "tenzij", part_requires: "vereist", holds: "klopt", notHolds: "klopt niet",
    answered: "uw antwoord", assumedTag: "aangenomen", derivedTag: "afgeleid", whyDerived: "Hoe is dit afgeleid?",
    assumedHeading: "Niet gevraagd",
    assumedText: "Deze feiten zijn niet gevraagd, omdat ze geen van deze uitkomsten veranderen. De onderbouwing gaat uit van:",
    sourceHeading: "Tekst van het beleid", showSource: "Toon de tekst", hideSource: "Verberg de tekst",
    backToTrail: "Terug naar de onderbouwing", findings: "Bevindingen ({n})", noFindings: "Geen bevindingen.",
    sev_error: "fout", sev_warning: "waarschuwing", help: "Tip:",
    servedSource: "Versie die wordt gebruikt (wijkt af van het bestand)", fileSource: "Het bestand zoals het laatst is gelezen",
    example: "Bijvoorbeeld:", apiError: "De server gaf een foutmelding ({status}): {msg}",
    netError: "De server is niet bereikbaar: {msg}", retry: "Opnieuw proberen", close: "Sluiten",
    announceAll: "Alle gekozen uitkomsten staan vast.", busy: "Bezig…",
  },
};

let lang = "en";
function t(key, vars) {
  const s = STRINGS[lang][key] ?? STRINGS.en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => (vars && k in vars ? vars[k] : `{${k}}`));
}
function setLang(l) {
  lang = STRINGS[l] ? l : "en";
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
}

// Builds an element; text children are always inserted as text, never as markup.
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids.flat(Infinity)) if (kid != null && kid !== false) el.append(kid instanceof Node ? kid : String(kid));
  return el;
}
const $ = (sel) => document.querySelector(sel);
// Replaces an element's content; null and false children are left out.
function fill(el, ...kids) { el.replaceChildren(...kids.flat(Infinity).filter((k) => k != null && k !== false)); return el; }
const code = (name) => h("code", { class: "name" }, name);
const listWords = (items) => items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} ${t("or")} ${items.at(-1)}`;
const verdictWord = (v) => t(v);
const variantLabel = (v) => String(v).replace(/_/g, " ");
function valueText(v) { return v === true ? t("yes") : v === false ? t("no") : variantLabel(v); }

class ApiError extends Error {
  constructor(status, message, data) { super(message); this.status = status; this.data = data; }
}
async function api(method, path, body) {
  let res;
  try {
    res = await fetch(path, body === undefined ? { method } :
      { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  } catch (e) { throw new ApiError(0, e.message); }
  const text = await res.text();
  let data = null;
  try { data = JSON.parse(text); } catch { /* reported below */ }
  if (!res.ok) throw new ApiError(res.status, (data && data.error) || text || res.statusText, data);
  if (data === null) throw new ApiError(res.status, "invalid JSON");
  return data;
}
const policyPath = (name) => "v1/policies/" + name.split("/").map(encodeURIComponent).join("/");

function showError(e, retry) {
  const box = $("#error");
  const msg = e instanceof ApiError && e.status ? t("apiError", { status: e.status, msg: e.message })
    : t("netError", { msg: e.message });
  fill(box, h("p", {}, msg),
    retry ? h("button", { type: "button", onclick: () => { clearError(); retry(); } }, t("retry")) : null,
    h("button", { type: "button", onclick: clearError }, t("close")));
  box.hidden = false;
}
function clearError() { const box = $("#error"); box.hidden = true; fill(box); }
function announce(msg) { const live = $("#live"); live.textContent = ""; setTimeout(() => { live.textContent = msg; }, 50); }

// ---- State -------------------------------------------------------------------------------
const state = {
  policies: [], policy: null, detail: null, facts: new Map(), chosen: new Set(),
  answers: [], editing: null, last: null, seq: 0, round: 0, shown: {},
  actionsOpen: !matchMedia("(max-width: 720px)").matches,
};
const givenObject = () => Object.fromEntries(state.answers.map((a) => [a.fact, a.value]));
const factLabel = (name) => state.facts.get(name)?.description ??
  state.policy?.derived?.find((d) => d.name === name)?.description ?? name;
const actionOf = (name) => state.policy.actions.find((a) => a.name === name);
const chosenActions = () => state.policy.actions.filter((a) => state.chosen.has(a.name));

// ---- Choosing a policy ---------------------------------------------------------------------
async function start() {
  setLang(navigator.language && navigator.language.startsWith("nl") ? "nl" : "en");
  fill($("#view"), h("p", { class: "loading" }, t("loading")));
  try { state.policies = (await api("GET", "v1/policies")).policies; }
  catch (e) { fill($("#view")); showError(e, start); return; }
  const langs = new Set(state.policies.map((p) => p.language));
  if (langs.size === 1) setLang([...langs][0]);
  state.pickerLang = lang;
  window.addEventListener("hashchange", route);
  route();
}
let routed = false; // false until the first view is shown: focus then stays where the browser puts it
function route() {
  const name = decodeURIComponent(location.hash.slice(1));
  const p = state.policies.find((q) => q.name === name) ?? (state.policies.length === 1 ? state.policies[0] : null);
  const from = state.policy === null ? "picker" : "policy";
  if (p) { if (state.policy !== p) choosePolicy(p, routed && from === "picker"); } else renderPicker(routed && from === "policy");
  routed = true;
}
function renderPicker(focus) {
  state.policy = null; state.seq++;
  $("#other-policy").hidden = true;
  setLang(state.pickerLang);
  document.title = "deontic";
  const view = $("#view");
  if (!state.policies.length) { fill(view, h("p", {}, t("noPolicies"))); return; }
  fill(view, h("h1", { id: "picker-title", tabindex: "-1" }, t("choosePolicy")),
    h("ul", { class: "policy-list" }, state.policies.map((p) => h("li", {},
      h("button", { type: "button", class: "policy-card", "data-policy": p.name, lang: p.language,
        onclick: () => { location.hash = encodeURIComponent(p.name); } },
        h("span", { class: "policy-title" }, p.title ?? p.name),
        h("span", { class: "fact-name" }, p.name),
        p.ok ? null : h("span", { class: "warn-inline" }, "⚠ ", t("hasErrors")))))));
  if (focus) $("#picker-title").focus();
}

async function choosePolicy(p, focus) {
  Object.assign(state, { policy: p, detail: null, answers: [], editing: null, last: null, shown: {} });
  state.facts = new Map(p.facts.map((f) => [f.name, f]));
  state.chosen = new Set(p.actions.map((a) => a.name));
  setLang(p.language);
  document.title = `${p.title ?? p.name} · deontic`;
  clearError();
  const warn = [];
  if (!p.ok) warn.push(h("p", {}, "⚠ ", t("hasErrors"), " ", p.served ? t("servedOld") : t("notServed")));
  fill($("#view"), [
    h("h1", { id: "policy-title", tabindex: "-1" }, p.title ?? p.name),
    h("p", { class: "fact-name" }, p.name),
    warn.length ? h("div", { class: "warning", role: "note" }, warn) : null,
    p.served ? h("section", { id: "actions", "aria-labelledby": "actions-title" }) : null,
    p.served ? h("div", { class: "columns" },
      h("div", { class: "col" },
        h("section", { id: "question", class: "card", "aria-labelledby": "q-title" }),
        h("section", { id: "answers", class: "card", "aria-labelledby": "answers-title" })),
      h("div", { class: "col" },
        h("section", { id: "verdicts", class: "card", "aria-labelledby": "verdicts-title" }),
        Trail.legend())) : null,
    h("section", { id: "source", class: "card", "aria-labelledby": "source-title" })]);
  if (p.served) { renderActions(); renderAnswers(); ask(false); }
  loadDetail(p);
  $("#other-policy").hidden = state.policies.length < 2;
  if (focus) $("#policy-title").focus();
}
async function loadDetail(p) {
  try { state.detail = await api("GET", policyPath(p.name)); }
  catch (e) { if (state.policy === p) showError(e, () => loadDetail(p)); return; }
  if (state.policy === p) Trail.renderSource(state.detail, !p.served);
}

// ---- Actions to decide -------------------------------------------------------------------
function renderActions() {
  const count = () => t("chosenCount", { n: state.chosen.size, m: state.policy.actions.length });
  const counter = h("span", { class: "count" }, count());
  const set = (names) => {
    state.chosen = new Set(names);
    for (const box of $("#actions").querySelectorAll("input[type=checkbox]")) box.checked = state.chosen.has(box.value);
    counter.textContent = count();
    ask(false);
  };
  const details = h("details", { class: "card", open: state.actionsOpen },
    h("summary", {}, h("span", { id: "actions-title", class: "summary-title" }, t("actionsHeading")), " ", counter),
    h("fieldset", {},
      h("legend", { class: "sr-only" }, t("actionsHeading")),
      h("p", { class: "hint" }, t("actionsHint")),
      h("div", { class: "bulk" },
        h("button", { type: "button", class: "small", onclick: () => set(state.policy.actions.map((a) => a.name)) }, t("all")),
        h("button", { type: "button", class: "small", onclick: () => set([]) }, t("none"))),
      h("div", { class: "action-list" }, state.policy.actions.map((a) => h("label", { class: "action-item" },
        h("input", { type: "checkbox", value: a.name, checked: state.chosen.has(a.name), onchange: (ev) => {
          ev.target.checked ? state.chosen.add(a.name) : state.chosen.delete(a.name);
          counter.textContent = count();
          ask(false);
        } }),
        h("span", {}, h("span", { class: "action-desc" }, a.description ?? a.name), " ",
          h("span", { class: "fact-name" }, a.name, a.default ? ` · ${t("defaultIs", { word: verdictWord(a.default) })}` : "")))))));
  details.addEventListener("toggle", () => { state.actionsOpen = details.open; });
  fill($("#actions"), details);
}

// ---- The questionnaire ---------------------------------------------------------------------
async function ask(focusAfter) {
  const p = state.policy;
  const actions = chosenActions().map((a) => a.name);
  const seq = ++state.seq;
  if (!actions.length) {
    state.last = null;
    renderQuestion(); Trail.renderVerdicts(null, [], {}); return;
  }
  $("#verdicts")?.setAttribute("aria-busy", "true");
  try {
    const res = await api("POST", `${policyPath(p.name)}/ask`, { given: givenObject(), actions });
    if (seq !== state.seq || state.policy !== p) return;
    clearError();
    state.last = res; state.round++;
    renderQuestion(); renderAnswers();
    Trail.renderVerdicts(res, p.actions.filter((a) => actions.includes(a.name)), givenObject());
    announceChanges(res, actions);
    if (focusAfter) $("#q-text")?.focus();
  } catch (e) {
    if (seq === state.seq) showError(e, () => ask(focusAfter));
  } finally {
    if (seq === state.seq) $("#verdicts")?.removeAttribute("aria-busy");
  }
}
function announceChanges(res, actions) {
  const parts = [];
  for (const name of actions) {
    const v = res.partial.verdicts[name]?.verdict ?? null;
    const was = state.shown[name];
    if (was !== v && (v !== null || was != null)) parts.push(`${actionOf(name).description ?? name}: ${v ? verdictWord(v) : t("stillOpen")}.`);
    state.shown[name] = v;
  }
  if (!res.question && parts.length) parts.push(t("announceAll"));
  if (parts.length) announce(parts.join(" "));
}

function renderQuestion() {
  const box = $("#question");
  if (!box) return;
  box.dataset.round = String(state.round);
  const q = state.last?.question && { ...state.facts.get(state.last.question.fact), ...state.last.question };
  if (!state.last) {
    box.dataset.fact = "";
    fill(box, h("h2", { id: "q-title" }, t("question", { n: 1 })),
      h("p", { id: "q-text", tabindex: "-1" }, chosenActions().length ? t("loading") : t("noActions")));
    return;
  }
  if (!q) {
    box.dataset.fact = "";
    fill(box, h("h2", { id: "q-title" }, t("doneHeading")),
      h("p", { id: "q-text", class: "done", tabindex: "-1" }, "✓ ", t("allSettled")));
    return;
  }
  box.dataset.fact = q.fact;
  const needed = (q.needed_for ?? []).map((n) => actionOf(n)?.description ?? n);
  fill(box,
    h("h2", { id: "q-title" }, t("question", { n: state.answers.length + 1 })),
    h("p", { id: "q-text", class: "q-text", tabindex: "-1" }, q.description ?? q.fact),
    h("p", { class: "fact-name" }, q.fact),
    q.type === "bool" ? h("p", { class: "q-prompt" }, t("isThisSo")) : null,
    answerControls(q, undefined, (v) => answer(q.fact, v), "q-text"),
    needed.length ? h("div", { class: "needed-for" }, h("span", {}, t("neededFor")),
      h("ul", {}, needed.map((d) => h("li", {}, d)))) : null);
}

// The control that fits a fact's type; calls onAnswer with a JSON value of that type.
function answerControls(fact, current, onAnswer, labelledBy) {
  const choice = (label, value) => h("button", { type: "button", class: "choice", "data-value": String(value),
    "aria-pressed": current === undefined ? null : String(current === value), onclick: () => onAnswer(value) }, label);
  if (fact.type === "bool") {
    return h("div", { class: "choices", role: "group", "aria-labelledby": labelledBy },
      choice(t("yes"), true), choice(t("no"), false));
  }
  if (fact.type === "enum") {
    return h("div", { class: "choices", role: "group", "aria-labelledby": labelledBy },
      (fact.values ?? []).map((v) => choice(variantLabel(v), v)));
  }
  const id = `num-${fact.fact ?? fact.name}-${labelledBy}`;
  const hint = h("p", { class: "hint", id: `${id}-hint` }, t("between", { min: fact.min, max: fact.max }));
  const err = h("p", { class: "field-error", id: `${id}-err`, hidden: true });
  const input = h("input", { type: "number", id, inputmode: "numeric", step: "1", min: fact.min, max: fact.max,
    value: current ?? "", required: true, "aria-labelledby": labelledBy, "aria-describedby": `${id}-hint ${id}-err` });
  return h("form", { class: "number-form", novalidate: true, onsubmit: (ev) => {
    ev.preventDefault();
    const n = Number(input.value);
    if (input.value.trim() === "" || !Number.isInteger(n) || n < fact.min || n > fact.max) {
      err.textContent = t("badNumber", { min: fact.min, max: fact.max });
      err.hidden = false; input.setAttribute("aria-invalid", "true"); input.focus(); return;
    }
    onAnswer(n);
  } }, hint, h("div", { class: "choices" }, input, h("button", { type: "submit", class: "choice" }, t("answer"))), err);
}

function answer(fact, value) {
  const i = state.answers.findIndex((a) => a.fact === fact);
  if (i >= 0) state.answers[i] = { fact, value }; else state.answers.push({ fact, value });
  state.editing = null;
  renderAnswers();
  ask(true);
}

// ---- Answers given so far ------------------------------------------------------------------
function renderAnswers() {
  const box = $("#answers");
  if (!box) return;
  const items = state.answers.map((a, i) => {
    const f = state.facts.get(a.fact) ?? { name: a.fact, type: typeof a.value === "boolean" ? "bool" : "enum" };
    const label = factLabel(a.fact);
    const labelId = `ans-${i}`;
    const editing = state.editing === a.fact;
    return h("li", { class: "answer", "data-fact": a.fact },
      h("div", { class: "answer-q" }, h("span", { id: labelId }, label), " ", h("span", { class: "fact-name" }, a.fact)),
      h("div", { class: "answer-row" },
        h("strong", { class: "answer-value" }, valueText(a.value)),
        editing ? null : h("button", { type: "button", class: "small change", "aria-label": t("changeLabel", { q: label }),
          onclick: () => { state.editing = a.fact; renderAnswers(); box.querySelector(`[data-fact="${CSS.escape(a.fact)}"] .choice`)?.focus(); } },
          t("change")),
        editing ? null : h("button", { type: "button", class: "small remove", "aria-label": t("removeLabel", { q: label }),
          onclick: () => { state.answers.splice(i, 1); state.editing = null; renderAnswers(); ask(true); } }, t("remove"))),
      editing ? h("div", { class: "editor" }, answerControls(f, a.value, (v) => answer(a.fact, v), labelId),
        h("button", { type: "button", class: "small cancel", onclick: () => {
          state.editing = null; renderAnswers();
          box.querySelector(`[data-fact="${CSS.escape(a.fact)}"] .change`)?.focus();
        } }, t("cancel"))) : null);
  });
  fill(box, h("h2", { id: "answers-title" }, t("answersHeading")),
    items.length ? h("ol", { class: "answer-list" }, items) : h("p", { class: "hint" }, t("noAnswers")),
    items.length ? h("button", { type: "button", class: "small", onclick: () => {
      state.answers = []; state.editing = null; renderAnswers(); ask(true);
    } }, t("startOver")) : null);
}

document.addEventListener("DOMContentLoaded", () => {
  $("#skip").addEventListener("click", (ev) => { ev.preventDefault(); $("#main").focus(); });
  $("#other-policy").addEventListener("click", () => { location.hash = ""; });
  start();
});
