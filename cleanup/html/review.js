// The review page. Article text is only ever set with textContent or .value: never as markup.
"use strict";
(function () {
  const DATA = JSON.parse(document.getElementById("data").textContent);
  const $ = (id) => document.getElementById(id);
  const items = DATA.items;
  const STORE = "cleanup-review:" + (DATA.article.sha256 || DATA.name);
  const extra = DATA.extra.slice(); // the editor's own changes (and decisions kept from before)
  const undo = [];
  let current = -1;
  const spans = []; // item index -> element in the article

  function blank(record) {
    return Object.assign({ decision: null, replacement: null, by: null, at: null }, record);
  }
  items.forEach((it) => { it.record = blank(it.record || {}); });

  // Restore unsaved work from an earlier visit of this page (same article).
  try {
    const saved = JSON.parse(localStorage.getItem(STORE) || "null");
    if (saved && saved.items) {
      const byId = new Map(saved.items.map((r) => [r.id, r]));
      items.forEach((it) => {
        const r = byId.get(it.id);
        if (r && r.decision) Object.assign(it.record, { decision: r.decision, replacement: r.replacement, by: r.by, at: r.at });
      });
      const known = new Set(items.map((it) => it.id).concat(extra.map((r) => r.id)));
      saved.items.filter((r) => r.type === "editor" && !known.has(r.id)).forEach((r) => extra.push(r));
    }
  } catch (e) { /* storage unavailable: decisions stay in the page until exported */ }

  // -- the article --------------------------------------------------------------------
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function buildArticle() {
    const article = $("article");
    const frag = document.createDocumentFragment();
    for (const seg of DATA.segments) {
      if (seg[0] === "t") {
        const s = el("span", "plain", seg[1]);
        s.dataset.off = String(seg[2]);
        frag.appendChild(s);
      } else {
        const k = seg[1];
        const e = el("span", seg[0] === "i" ? "item" : "anchor");
        e.dataset.idx = String(k);
        e.tabIndex = -1;
        spans[k] = e;
        frag.appendChild(e);
      }
    }
    article.appendChild(frag);
    article.addEventListener("click", (ev) => {
      const t = ev.target.closest("[data-idx]");
      if (t) select(Number(t.dataset.idx));
    });
    items.forEach((_, k) => paint(k));
  }

  function state(it) {
    const d = it.record.decision;
    return d === "accept" ? "accepted" : d === "reject" ? "rejected" : d === "replace" ? "replaced" : "undecided";
  }

  function paint(k) {
    const it = items[k], e = spans[k];
    if (!e) return;
    e.replaceChildren();
    const st = state(it);
    e.className = (e.classList.contains("anchor") ? "anchor " : "item ") + it.type + " " + st +
      (visible(it) ? "" : " filtered") + (k === current ? " current" : "");
    e.title = (it.entry || it.rule) + ": " + it.message;
    if (e.classList.contains("anchor")) { e.textContent = it.type === "flag" ? "⚑" : "✎"; return; }
    if (st === "replaced") {
      e.appendChild(el("del", "", it.old));
      e.appendChild(el("ins", "", it.record.replacement));
    } else if (st === "rejected" || it.type === "flag") {
      e.appendChild(document.createTextNode(it.old));
    } else {
      for (const [op, text] of it.segments) {
        e.appendChild(op === "=" ? document.createTextNode(text) : el(op === "-" ? "del" : "ins", "", text));
      }
    }
  }

  // -- filters and counter ------------------------------------------------------------
  function visible(it) {
    const rule = $("rule-filter").value, conf = $("conf-filter").value;
    if (rule && (it.entry || it.rule) !== rule && it.rule !== rule) return false;
    if (conf) {
      const [op, v] = conf.split(":");
      if (op === "ge" && !(it.confidence >= Number(v))) return false;
      if (op === "lt" && !(it.confidence < Number(v))) return false;
    }
    if ($("hide-decided").checked && it.record.decision && items.indexOf(it) !== current) return false;
    return true;
  }

  function fillFilters() {
    const rules = new Map();
    items.forEach((it) => {
      rules.set(it.rule, (rules.get(it.rule) || 0) + 1);
      if (it.entry) rules.set(it.entry, (rules.get(it.entry) || 0) + 1);
    });
    for (const [name, n] of [...rules].sort()) {
      const o = el("option", "", name + " (" + n + ")");
      o.value = name;
      $("rule-filter").appendChild(o);
    }
    for (const id of ["rule-filter", "conf-filter", "hide-decided"]) {
      $(id).addEventListener("change", () => { items.forEach((_, k) => paint(k)); count(); });
    }
  }

  function count() {
    const left = items.filter((it) => !it.record.decision).length;
    const shown = items.filter((it) => visible(it) && !it.record.decision).length;
    $("counter").textContent = left + " left of " + items.length + (shown !== left ? " (" + shown + " in view)" : "");
    $("counter").dataset.left = String(left);
  }

  // -- the side panel -----------------------------------------------------------------
  function select(k) {
    const prev = current;
    current = k;
    if (prev >= 0) paint(prev);
    if (k < 0) return;
    paint(k);
    showDetail();
    const e = spans[k];
    if (e && e.scrollIntoView) e.scrollIntoView({ block: "center" });
  }

  function showDetail() {
    const it = items[current];
    $("empty").hidden = true;
    $("detail").hidden = false;
    $("edit-form").hidden = true;
    $("d-title").textContent = "[" + (current + 1) + "/" + items.length + "] " + it.type + " · " +
      it.rule + (it.entry ? " · " + it.entry : "") + " · line " + it.line + ", column " + it.column;
    const change = $("d-change");
    change.replaceChildren(document.createTextNode("…" + it.before));
    if (it.proposed === null) change.appendChild(el("mark", "", it.old));
    for (const [op, text] of it.proposed === null ? [] : it.segments) {
      change.appendChild(op === "=" ? document.createTextNode(text) : el(op === "-" ? "del" : "ins", "", text));
    }
    change.appendChild(document.createTextNode(it.after + "…"));
    $("d-message").textContent = it.message;
    const dl = $("d-evidence");
    dl.replaceChildren();
    for (const [key, v] of Object.entries(it.evidence)) {
      if (v === null || v === "" || (typeof v === "object" && Object.keys(v).length === 0)) continue;
      dl.appendChild(el("dt", "", key));
      dl.appendChild(el("dd", "", typeof v === "string" ? v : JSON.stringify(v)));
    }
    $("d-conf").value = it.confidence;
    $("d-conf-text").textContent = Number(it.confidence).toFixed(2);
    const alts = $("d-alts");
    alts.replaceChildren();
    if (it.alternatives.length) alts.appendChild(el("span", "", "model alternatives: "));
    it.alternatives.forEach((a, n) => {
      const b = el("button", "alt", (n + 1) + ". " + a);
      b.addEventListener("click", () => decide("replace", a));
      alts.appendChild(b);
    });
    const r = it.record;
    $("d-decision").textContent = r.decision ? "decided: " + r.decision + (r.decision === "replace" ? " → " + r.replacement : "") : "undecided";
    $("b-accept").disabled = it.proposed === null || it.proposed === undefined;
  }

  // -- decisions ----------------------------------------------------------------------
  function decide(decision, replacement) {
    if (current < 0) return;
    const it = items[current];
    if (decision === "accept" && (it.proposed === null || it.proposed === undefined)) return;
    undo.push([current, Object.assign({}, it.record)]);
    Object.assign(it.record, {
      decision: decision, replacement: decision === "replace" ? replacement : null,
      by: decision ? (DATA.by || null) : null, at: decision ? new Date().toISOString().replace(/\.\d+Z$/, "Z") : null,
    });
    paint(current);
    showDetail();
    changed();
    if (decision) next(1, true);
  }

  function changed() {
    count();
    const text = exportText();
    $("export-text").value = text;
    try { localStorage.setItem(STORE, text); } catch (e) { /* full or unavailable */ }
  }

  function undoLast() {
    const step = undo.pop();
    if (!step) return;
    const [k, before] = step;
    if (k === "extra") { extra.splice(extra.indexOf(before), 1); changed(); return; }
    Object.assign(items[k].record, before);
    select(k);
    changed();
  }

  function next(dir, undecidedOnly) {
    const n = items.length;
    if (!n) return;
    for (let step = 1; step <= n; step++) {
      const k = ((current < 0 ? (dir > 0 ? -1 : 0) : current) + dir * step + n * 2) % n;
      const it = items[k];
      if (visible(it) && (!undecidedOnly || !it.record.decision)) { select(k); return; }
    }
  }

  function startEdit() {
    if (current < 0) return;
    const it = items[current];
    $("edit-form").hidden = false;
    const input = $("edit-input");
    input.value = it.record.replacement !== null ? it.record.replacement : (it.proposed !== null ? it.proposed : it.old);
    input.focus();
    input.select();
  }

  // -- the editor's own change of a selected span -------------------------------------
  let codepoints = null;
  function cpSlice(a, b) {
    if (!codepoints) codepoints = Array.from(DATA.text);
    return codepoints.slice(Math.max(0, a), Math.max(0, b)).join("");
  }

  function hash(s) { // FNV-1a, two lanes: an id, not a secret
    let h1 = 0x811c9dc5, h2 = 0x01000193;
    for (let i = 0; i < s.length; i++) {
      h1 = Math.imul(h1 ^ s.charCodeAt(i), 16777619) >>> 0;
      h2 = Math.imul(h2 ^ s.charCodeAt(i), 2246822519) >>> 0;
    }
    return h1.toString(16).padStart(8, "0") + h2.toString(16).padStart(8, "0");
  }

  function editSelection() {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { alert("Select a few words of the article first."); return; }
    const range = sel.getRangeAt(0);
    const node = range.startContainer;
    const host = node.parentElement;
    if (node !== range.endContainer || node.nodeType !== 3 || !host.classList.contains("plain")) {
      alert("Select words outside the highlighted changes (within one stretch of plain text).");
      return;
    }
    const base = Number(host.dataset.off);
    const start = base + Array.from(node.data.slice(0, range.startOffset)).length;
    const end = base + Array.from(node.data.slice(0, range.endOffset)).length;
    const old = cpSlice(start, end);
    const replacement = prompt("Replace “" + old + "” with:", old);
    if (replacement === null || replacement === old) return;
    let before = cpSlice(start - 40, start), after = cpSlice(end, end + 40);
    before = before.slice(before.lastIndexOf("\n") + 1);
    after = after.split("\n")[0];
    const lineStart = cpSlice(start - 400, start), lineEnd = cpSlice(end, end + 400);
    const sStart = lineStart.slice(Math.max(lineStart.lastIndexOf("\n"), lineStart.search(/[.!?…]["'”’»)]*\s+[^.!?…]*$/) + 1) + 1);
    const m = lineEnd.match(/^[^\n]*?[.!?…]["'”’»)]*(?=\s|$)|^[^\n]*/);
    const sentence = (sStart + old + (m ? m[0] : "")).trim();
    const rec = {
      id: "e" + hash(before + "\u0000" + old + "\u0000" + after), type: "editor", rule: "editor", entry: null,
      kind: "lexical", old: old, proposed: null, line: null, column: null, before: before, after: after,
      sentence: sentence, sentence_at: Math.max(0, sentence.indexOf(old)), decision: "replace",
      replacement: replacement, by: DATA.by || null, at: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    };
    extra.push(rec);
    undo.push(["extra", rec]);
    const mark = el("span", "item editor replaced");
    mark.appendChild(el("del", "", old));
    mark.appendChild(el("ins", "", replacement));
    range.deleteContents();
    range.insertNode(mark);
    changed();
  }

  // -- export -------------------------------------------------------------------------
  const FIELDS = ["id", "type", "rule", "entry", "kind", "old", "proposed", "line", "column", "before", "after",
                  "sentence", "sentence_at"];
  function decisions() {
    const records = items.map((it) => {
      const r = {};
      for (const f of FIELDS) r[f] = it[f] === undefined ? null : it[f];
      return Object.assign(r, { decision: it.record.decision, replacement: it.record.replacement,
                                by: it.record.by, at: it.record.at });
    });
    return { schema: DATA.schema, article: DATA.article, tool: DATA.tool, items: records.concat(extra) };
  }
  function exportText() { return JSON.stringify(decisions(), null, 1) + "\n"; }

  function download() {
    const blob = new Blob([exportText()], { type: "application/json" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = DATA.name.replace(/^.*[\\/]/, "").replace(/\.[^.]*$/, "") + ".decisions.json";
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  // -- keys and buttons ---------------------------------------------------------------
  document.addEventListener("keydown", (ev) => {
    const typing = ev.target.closest && ev.target.closest("input, textarea, select");
    if (typing) {
      if (ev.key === "Escape") { $("edit-form").hidden = true; ev.target.blur(); }
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const keys = {
      j: () => next(1), n: () => next(1), ArrowDown: () => next(1),
      k: () => next(-1), p: () => next(-1), ArrowUp: () => next(-1),
      a: () => decide("accept"), r: () => decide("reject"), e: startEdit, u: undoLast,
      x: editSelection,
    };
    const f = keys[ev.key];
    if (f) { ev.preventDefault(); f(); }
  });
  $("b-accept").addEventListener("click", () => decide("accept"));
  $("b-reject").addEventListener("click", () => decide("reject"));
  $("b-edit").addEventListener("click", startEdit);
  $("b-clear").addEventListener("click", () => decide(null));
  $("edit-cancel").addEventListener("click", () => { $("edit-form").hidden = true; });
  $("edit-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = $("edit-input").value;
    $("edit-form").hidden = true;
    $("edit-input").blur();
    decide("replace", v);
  });
  $("export").addEventListener("click", download);
  $("edit-selection").addEventListener("click", editSelection);

  $("name").textContent = DATA.name;
  buildArticle();
  fillFilters();
  changed();
  window.cleanupReview = { decisions: decisions, exportText: exportText, select: select, items: items };
})();
