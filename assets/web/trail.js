// The web page's verdicts panel, the decision trail of each settled verdict, and the policy text with its findings.
"use strict";

const Trail = (() => {
  const VERDICTS = ["permitted", "forbidden", "required", "undecided", "conflict"];
  const ICON = { permitted: "✓", forbidden: "✕", required: "!", undecided: "?", conflict: "⚠", open: "…" };
  const folded = new Set(); // actions whose trail the reader has closed
  const sourceLines = {}; // prefix -> lines of that text
  let backTo = null; // the trail button that jumped to the source

  // A translated string whose {placeholders} may be DOM nodes.
  function tn(key, vars) {
    return t(key).split(/(\{\w+\})/).map((p) => {
      const m = /^\{(\w+)\}$/.exec(p);
      return m && vars[m[1]] !== undefined ? vars[m[1]] : p;
    });
  }

  function badge(v) {
    const key = v ?? "open";
    return h("span", { class: `verdict verdict-${key}` },
      h("span", { class: "icon", "aria-hidden": "true" }, ICON[key] ?? "•"),
      h("span", { class: "verdict-word" }, v ? verdictWord(v) : t("stillOpen")));
  }

  function legend() {
    return h("section", { id: "legend", class: "card", "aria-labelledby": "legend-title" },
      h("h2", { id: "legend-title" }, t("legendHeading")),
      h("dl", { class: "legend" }, [...VERDICTS, null].map((v) =>
        h("div", {}, h("dt", {}, badge(v)), h("dd", {}, t(`m_${v ?? "open"}`))))));
  }

  // ---- Verdicts -------------------------------------------------------------------------
  function renderVerdicts(res, actions, given) {
    const box = $("#verdicts");
    if (!box) return;
    const kids = [h("h2", { id: "verdicts-title" }, t("verdictsHeading"))];
    if (!res) {
      kids.push(h("p", { class: "hint" }, t("noActions")));
      fill(box, ...kids);
      return;
    }
    const settled = actions.filter((a) => res.partial.verdicts[a.name]?.verdict != null).length;
    kids.push(h("p", { class: "progress" }, t("progress", { n: settled, m: actions.length })));
    const ctx = { res, given, lines: ruleLines(res.explain), derived: res.explain?.derived ?? {} };
    kids.push(h("ul", { class: "verdict-list" }, actions.map((a) => verdictCard(a, ctx))));
    if (settled && res.assumed?.length) kids.push(assumedBlock(res.assumed, ctx));
    fill(box, ...kids);
  }

  function verdictCard(a, ctx) {
    const pv = ctx.res.partial.verdicts[a.name] ?? { verdict: null, possible: [], needed: [] };
    const v = pv.verdict ?? null;
    const ex = (ctx.res.explain?.actions ?? []).find((x) => x.action === a.name);
    return h("li", { class: "verdict-card", "data-action": a.name, "data-verdict": v ?? "open" },
      h("div", { class: "verdict-head" },
        h("h3", {}, a.description ?? a.name, " ", h("span", { class: "fact-name" }, a.name)),
        badge(v)),
      h("p", { class: "meaning" }, v ? t(`m_${v}`) :
        t("possible", { list: listWords((pv.possible ?? []).map(verdictWord)) })),
      !v && pv.needed?.length ? h("div", { class: "depends" }, h("span", {}, t("dependsOn")),
        h("ul", {}, pv.needed.map((f) => h("li", {}, factLabel(f))))) : null,
      v && ex ? trailBlock(a, ex, ctx) : null);
  }

  function trailBlock(a, ex, ctx) {
    const by = new Set(ex.by ?? []);
    const details = h("details", { class: "trail", open: !folded.has(a.name) },
      h("summary", {}, t("trail")),
      by.size ? null : h("p", { class: "default-note" },
        ex.default ? t("byDefault", { word: verdictWord(ex.default) }) : t("noRuleNoDefault")),
      h("ol", { class: "rules" }, (ex.rules ?? []).map((r) => ruleItem(r, ctx, by, 0))));
    details.addEventListener("toggle", () => (details.open ? folded.delete(a.name) : folded.add(a.name)));
    return details;
  }

  function ruleLines(explain) {
    const lines = {};
    const add = (rules) => (rules ?? []).forEach((r) => { lines[r.rule] = r.line; });
    (explain?.actions ?? []).forEach((a) => add(a.rules));
    Object.values(explain?.derived ?? {}).forEach((d) => add(d.rules));
    return lines;
  }

  function lineButton(n, prefix) {
    if (!n) return null;
    return h("button", { type: "button", class: "line-link", "data-line": n, "aria-label": t("lineLabel", { n }),
      onclick: (ev) => showLine(n, ev.currentTarget, prefix) }, t("lineShort", { n }));
  }
  function ruleRefs(names, ctx) {
    const out = [];
    (names ?? []).forEach((n, i) => {
      if (i) out.push(", ");
      out.push(code(n));
      if (ctx.lines[n]) out.push(" ", lineButton(ctx.lines[n]));
    });
    return h("span", {}, out);
  }

  function ruleItem(r, ctx, by, depth) {
    const req = r.kind === "requirement";
    const firedText = req ? (r.fired ? t("reqFired") : t("reqNotFired")) : (r.fired ? t("fired") : t("notFired"));
    const kind = STRINGS.en[`kind_${r.kind}`] ? t(`kind_${r.kind}`) : r.kind;
    return h("li", { class: `rule ${r.fired ? "fired" : "not-fired"}${by.has(r.rule) ? " deciding" : ""}`, "data-rule": r.rule },
      h("div", { class: "rule-head" },
        lineButton(r.line),
        h("span", { class: "kind" }, kind), " ", code(r.rule), " ",
        h("span", { class: `fired-badge ${r.fired ? "on" : "off"}` }, firedText),
        by.has(r.rule) ? h("span", { class: "deciding-badge" }, t("deciding")) : null),
      r.description ? h("blockquote", { class: "quote" }, h("p", {}, r.description)) : null,
      r.conclusions?.length ? h("ul", { class: "conclusions" }, r.conclusions.map((c) => h("li", {},
        h("span", { class: "modality" }, t(`mod_${c.modality}`)), " — ", statusText(c, ctx, req)))) : null,
      r.because?.length ? h("ul", { class: "because" }, r.because.map((b) => condition(b, ctx, depth))) : null);
  }

  function statusText(c, ctx, req) {
    if (!c.status) return h("span", { class: "muted" }, t(req ? "st_noneReq" : "st_none"));
    if (c.status === "kept") return h("span", { class: "st-kept" }, t("st_kept"));
    const key = c.status === "overridden" ? "st_overridden" : c.status === "outranked" ? "st_outranked" : null;
    if (!key) return h("span", {}, c.status);
    return h("span", { class: "st-removed" }, tn(key, { rules: ruleRefs(c.removed_by, ctx) }));
  }

  function condition(b, ctx, depth) {
    const isDerived = b.fact in ctx.derived;
    const tag = isDerived ? t("derivedTag") : b.fact in ctx.given ? t("answered") : t("assumedTag");
    const why = isDerived && depth < 6 && ctx.derived[b.fact].rules?.length
      ? h("details", { class: "derived-why" }, h("summary", {}, t("whyDerived", { fact: factLabel(b.fact) })),
        h("ol", { class: "rules" }, ctx.derived[b.fact].rules.map((r) => ruleItem(r, ctx, new Set(), depth + 1))))
      : null;
    return h("li", { class: `cond ${b.holds ? "holds" : "fails"}` },
      h("span", { class: "part" }, t(`part_${b.part}`)), " ",
      h("span", { class: "cond-text" }, factLabel(b.fact), " ",
        b.test && b.test !== b.fact ? code(b.test) : h("span", { class: "fact-name" }, b.fact)),
      " ", h("span", { class: "cond-value" }, "= ", h("strong", {}, valueText(b.value)), ` (${tag})`), " ",
      h("span", { class: "holds-badge" }, h("span", { "aria-hidden": "true" }, b.holds ? "✓ " : "✕ "),
        b.holds ? t("holds") : t("notHolds")),
      why);
  }

  function assumedBlock(names, ctx) {
    const seen = {};
    const visit = (rules) => (rules ?? []).forEach((r) => (r.because ?? []).forEach((b) => { seen[b.fact] = b.value; }));
    (ctx.res.explain?.actions ?? []).forEach((a) => visit(a.rules));
    Object.values(ctx.derived).forEach((d) => visit(d.rules));
    const fallback = (f) => !f ? "" : f.type === "bool" ? false : f.type === "enum" ? f.values?.[0] : f.min;
    return h("div", { class: "assumed", role: "note" },
      h("h3", {}, t("assumedHeading")), h("p", {}, t("assumedText")),
      h("ul", {}, names.map((n) => h("li", {}, factLabel(n), " ", h("span", { class: "fact-name" }, n), " = ",
        h("strong", {}, valueText(n in seen ? seen[n] : fallback(state.facts.get(n))))))));
  }

  // ---- Policy text --------------------------------------------------------------------------
  const KW = new Set(("policy source fact action rule if unless then and or not may must requires overrides " +
    "default case given expect is in true false").split(" "));

  // Splits the text into lines of [class, text] pieces: comments, strings (which may span lines), keywords.
  function highlight(text) {
    const lines = [];
    let inStr = false;
    for (const line of text.split("\n")) {
      const out = [];
      const push = (cls, s) => {
        if (!s) return;
        const last = out.at(-1);
        if (last && last[0] === cls) last[1] += s; else out.push([cls, s]);
      };
      let i = 0;
      while (i < line.length) {
        if (inStr || line[i] === '"') {
          let j = inStr ? i : i + 1;
          inStr = true;
          while (j < line.length) {
            if (line[j] === "\\") j += 2;
            else if (line[j] === '"') { j++; inStr = false; break; } else j++;
          }
          push("str", line.slice(i, j)); i = j; continue;
        }
        if (line[i] === "#") { push("com", line.slice(i)); break; }
        const m = /[A-Za-z_][A-Za-z0-9_]*/y;
        m.lastIndex = i;
        const w = m.exec(line);
        if (w) { push(KW.has(w[0]) ? "kw" : "", w[0]); i += w[0].length; continue; }
        push("", line[i]); i++;
      }
      lines.push(out);
    }
    return lines;
  }

  function codeBlock(text, prefix, diags, label) {
    sourceLines[prefix] = text.split("\n");
    const byLine = {};
    for (const d of diags) (byLine[d.line] ??= []).push(d);
    const rows = [];
    const pieces = highlight(text.endsWith("\n") ? text.slice(0, -1) : text);
    pieces.forEach((pieces, i) => {
      const n = i + 1;
      const ds = byLine[n] ?? [];
      const sev = ds.some((d) => d.severity === "error") ? "error" : ds.length ? "warning" : "";
      rows.push(h("div", { class: `src-line${sev ? ` has-${sev}` : ""}`, id: `${prefix}-L${n}`, tabindex: "-1" },
        h("span", { class: "ln" }, String(n)),
        h("span", { class: "tx" }, pieces.map(([cls, s]) => (cls ? h("span", { class: cls }, s) : s)), "\u200b")));
      for (const d of ds) rows.push(diagBox(d, false));
    });
    return h("div", { class: "code", role: "region", "aria-label": label, "data-version": prefix }, rows);
  }

  function diagBox(d, withLine) {
    const witness = d.witness && Object.keys(d.witness).length
      ? h("p", {}, t("example"), " ", Object.entries(d.witness).map(([k, v]) => `${factLabel(k)} = ${valueText(v)}`).join("; "))
      : null;
    return h(withLine ? "li" : "div", { class: `diag diag-${d.severity}`, "data-code": d.code },
      h("p", {}, withLine ? lineButton(d.line, "src") : null, withLine ? " " : null,
        h("strong", { class: "sev" }, t(`sev_${d.severity}`)), " ", code(d.code), " ", d.message),
      d.help ? h("p", { class: "help" }, h("strong", {}, t("help")), " ", d.help) : null,
      d.rules?.length ? h("p", {}, d.rules.map((r, i) => [i ? ", " : "", code(r)])) : null, witness);
  }

  function renderSource(detail, expand) {
    const box = $("#source");
    if (!box) return;
    const diags = detail.diagnostics ?? [];
    const served = detail.served_source;
    delete sourceLines.srv;
    const file = codeBlock(detail.source ?? "", "src", diags, t("fileSource"));
    const used = served ? codeBlock(served, "srv", [], t("servedSource")) : null;
    // When the version in use differs from the file, one of the two is shown at a time.
    const switcher = served ? h("div", { class: "choices", role: "group", "aria-label": t("sourceHeading") },
      [["srv", t("servedSource")], ["src", t("fileSource")]].map(([k, label]) => h("button", {
        type: "button", class: "small version", "data-version": k, onclick: () => showVersion(k) }, label))) : null;
    const body = h("div", { id: "source-body", hidden: !expand }, switcher, used, file);
    fill(box,
      h("div", { class: "source-head" },
        h("h2", { id: "source-title" }, t("sourceHeading")),
        h("button", { type: "button", id: "source-toggle", class: "small", "aria-expanded": String(!!expand),
          "aria-controls": "source-body", onclick: () => setExpanded(body.hidden) }, expand ? t("hideSource") : t("showSource")),
        h("button", { type: "button", id: "back-to-trail", class: "small", hidden: true, onclick: goBack }, t("backToTrail"))),
      h("h3", {}, t("findings", { n: diags.length })),
      diags.length ? h("ul", { class: "findings" }, diags.map((d) => diagBox(d, true))) : h("p", { class: "hint" }, t("noFindings")),
      body);
    if (served) showVersion("srv");
  }
  function showVersion(k) {
    for (const el of document.querySelectorAll("#source-body .code")) el.hidden = el.dataset.version !== k;
    for (const b of document.querySelectorAll("#source-body button.version")) b.setAttribute("aria-pressed", String(b.dataset.version === k));
  }

  function setExpanded(open) {
    const body = $("#source-body"), btn = $("#source-toggle");
    if (!body) return;
    body.hidden = !open;
    btn.setAttribute("aria-expanded", String(open));
    btn.textContent = open ? t("hideSource") : t("showSource");
  }

  // Highlights a rule's lines (its first line and the indented lines after it) and moves focus there.
  function showLine(n, from, prefix) {
    const pre = prefix ?? (sourceLines.srv ? "srv" : "src");
    const el = document.getElementById(`${pre}-L${n}`);
    if (!el) return;
    setExpanded(true);
    if (sourceLines.srv) showVersion(pre);
    document.querySelectorAll(".src-line.target").forEach((e) => e.classList.remove("target"));
    const lines = sourceLines[pre];
    let k = n;
    do { document.getElementById(`${pre}-L${k}`)?.classList.add("target"); k++; }
    while (k <= lines.length && /^\s+\S/.test(lines[k - 1]));
    backTo = from ?? null;
    $("#back-to-trail").hidden = !backTo;
    el.scrollIntoView({ block: "center" });
    el.focus({ preventScroll: true });
  }
  function goBack() {
    if (backTo && backTo.isConnected) { backTo.scrollIntoView({ block: "center" }); backTo.focus({ preventScroll: true }); }
    $("#back-to-trail").hidden = true;
  }

  return { legend, renderVerdicts, renderSource, showLine };
})();
