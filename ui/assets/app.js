// moat ui: the page keeps the edits (spec path -> value) relative to the
// spec as loaded; every change posts them all, and the server re-plans.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

const state = { orig: null, edits: new Map(), hash: "", seq: 0, boxes: {}, timer: 0, lastDialogOpener: null };

function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") e.textContent = v; else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
}

async function post(path, body) {
  const r = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  return r;
}

function editList() {
  return Array.from(state.edits, ([path, value]) => ({ path, value }));
}

// setEdit records an edit, or drops it when the value is the loaded one,
// so undoing a change leaves the file's text as it was.
function setEdit(path, value, same) {
  if (same) state.edits.delete(path); else state.edits.set(path, value);
  schedule();
}

function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(replan, 80);
}

function shown(v) { return v === undefined || v === null ? "" : String(v); }

function fieldValue(input) {
  const t = input.dataset.type, raw = input.value.trim();
  if (input.type === "checkbox") return input.checked;
  if (t === "int") return /^-?\d+$/.test(raw) ? parseInt(raw, 10) : raw;
  if (t === "list") return raw === "" ? [] : raw.split(",").map(s => s.trim()).filter(Boolean);
  if (t === "zones") return /^\d+$/.test(raw) ? parseInt(raw, 10) : raw.split(",").map(s => s.trim()).filter(Boolean);
  return raw;
}

function onField(ev) {
  const input = ev.target;
  const path = input.dataset.path;
  if (!path || !state.orig) return;
  const o = state.orig[path];
  const same = input.type === "checkbox" ? input.checked === Boolean(o) : input.value.trim() === shown(o);
  setEdit(path, fieldValue(input), same);
}

function onNAT() {
  const on = $("#nat-enabled").checked;
  $("#nat-mode").disabled = !on;
  const choice = on ? $("#nat-mode").value : "none";
  setEdit("ui.nat", choice, choice === state.orig["ui.nat"]);
}

function onDomains() {
  const names = $("#fe-domains").value.split(",").map(s => s.trim());
  const certs = $("#fe-certs").value.split(",").map(s => s.trim());
  const same = $("#fe-domains").value.trim() === shown(state.orig["frontend.domains"]) && $("#fe-certs").value.trim() === shown(state.orig["frontend.certificates"]);
  const list = [];
  names.forEach((n, i) => {
    if (!n) return;
    const d = { name: n };
    if (certs[i]) d.certificate = certs[i];
    list.push(d);
  });
  setEdit("frontend.domains", list.length ? list : null, same);
}

function onBastion() {
  const mode = $("#bastion-mode").value, from = $("#bastion-from").value.trim();
  $("#bastion-from").disabled = mode !== "ssh";
  const same = mode === state.orig["bastion.mode"] && from === shown(state.orig["bastion.allow_from"]);
  let v = null;
  if (mode === "ssm") v = { mode: "ssm" };
  if (mode === "ssh") v = { mode: "ssh", allow_from: from ? from.split(",").map(s => s.trim()).filter(Boolean) : [] };
  setEdit("bastion", v, same);
}

// fill puts the loaded settings into every field.
function fill(s) {
  for (const input of $$("[data-path]")) {
    const v = s[input.dataset.path];
    if (input.type === "checkbox") input.checked = Boolean(v); else input.value = shown(v);
  }
  const nat = s["ui.nat"] || "none";
  $("#nat-enabled").checked = nat !== "none";
  $("#nat-mode").value = nat === "none" ? "instance-per-zone" : nat;
  $("#nat-mode").disabled = nat === "none";
  $("#fe-domains").value = shown(s["frontend.domains"]);
  $("#fe-certs").value = shown(s["frontend.certificates"]);
  $("#bastion-mode").value = s["bastion.mode"] || "off";
  $("#bastion-from").value = shown(s["bastion.allow_from"]);
  $("#bastion-from").disabled = s["bastion.mode"] !== "ssh";
}

async function replan() {
  const seq = ++state.seq;
  const edits = editList();
  const r = await post("/api/plan", { edits });
  const res = await r.json();
  if (seq !== state.seq) return;
  if (!r.ok) { showAlert(res.error); return; }
  hideAlert();
  render(res);
  $("#checks").replaceChildren(el("li", { class: "muted", text: "proving…" }));
  $("#proofs").dataset.state = "proving";
  const v = await post("/api/verify", { edits });
  const vr = await v.json();
  if (seq !== state.seq) return;
  renderChecks(v.ok ? vr.checks : null, v.ok ? "" : vr.error);
}

function render(res) {
  state.hash = res.hash;
  if (!state.orig) { state.orig = res.settings; fill(res.settings); }
  $("#file").textContent = res.file;
  const errors = res.diagnostics.filter(d => d.severity === "error");
  const n = state.edits.size;
  $("#status").textContent = !res.changed ? "no unsaved changes" : `${n} unsaved ${n === 1 ? "change" : "changes"}` + (errors.length ? `, ${errors.length} ${errors.length === 1 ? "error" : "errors"}` : "");
  $("#save").disabled = !res.changed || errors.length > 0;
  $("#reset").disabled = n === 0;
  renderDiagnostics(res.diagnostics);
  renderInfra(res);
  renderCost(res.cost);
  $("#notes").replaceChildren(...res.notes.map(x => el("li", { text: `${x.kind}: ${x.text}` })));
  if (res.diagram) showDiagram(res.diagram);
  $("#names").replaceChildren(...res.names.map(x => el("option", { value: x })));
  $("#spec").textContent = res.spec;
  document.body.dataset.ready = String(state.seq);
}

// renderDiagnostics lists every problem and shows each at its field: the
// closest field whose path is the diagnostic's or a parent of it.
function renderDiagnostics(ds) {
  for (const p of $$(".err")) { p.textContent = ""; }
  for (const i of $$("[aria-invalid]")) i.removeAttribute("aria-invalid");
  for (const b of $$(".gear")) b.classList.remove("has-err");
  const list = [];
  for (const d of ds) {
    const text = `${d.where}: ${d.severity}: ${d.summary}` + (d.hint ? ` — hint: ${d.hint}` : "");
    list.push(el("li", { class: d.severity, text }));
    let path = d.path || "";
    if (path === "network.nat" || path.startsWith("network.nat.")) path = "network.nat";
    while (path) {
      const slot = $(`.err[data-for="${CSS.escape(path)}"]`);
      if (slot) {
        slot.textContent = (slot.textContent ? slot.textContent + " " : "") + d.summary + (d.hint ? ` (hint: ${d.hint})` : "");
        slot.className = "err " + d.severity;
        const input = $(`[data-path="${CSS.escape(path)}"]`) || slot.previousElementSibling?.querySelector("input,select");
        if (input && d.severity === "error") { input.setAttribute("aria-invalid", "true"); }
        const dlg = slot.closest("dialog");
        if (dlg) $(`.gear[data-dialog="${dlg.id}"]`)?.classList.add("has-err");
        break;
      }
      path = path.includes(".") ? path.slice(0, path.lastIndexOf(".")) : "";
    }
  }
  $("#diags").replaceChildren(...list);
}

function renderInfra(res) {
  const s = res.settings, l = res.layout;
  $("#vpc-cidr").textContent = l ? `${l.vpc} ${l.cidr}` : shown(s["network.cidr"]);
  const tiers = $("#tiers");
  tiers.replaceChildren();
  if (l) {
    const t = el("table", { class: "tiers" });
    t.append(el("caption", { text: `${l.zones.length} zones by AZ ID; NAT: ${s["ui.nat"]}` }));
    const head = el("tr", {}, el("th", { scope: "col", text: "tier" }), ...l.zones.map(z => el("th", { scope: "col", text: z })), el("th", { scope: "col", text: "runs" }));
    t.append(el("thead", {}, head));
    const body = el("tbody");
    for (const row of l.tiers) {
      const tr = el("tr", { class: "tier " + row.tier, "data-tier": row.tier });
      tr.append(el("th", { scope: "row", text: row.tier }));
      for (const z of l.zones) tr.append(el("td", { text: row.subnets[z] || "" }));
      tr.append(el("td", { text: row.holds.join(", ") }));
      body.append(tr);
    }
    t.append(body);
    tiers.append(t);
  }
  $("#sum-frontend").textContent = `${shown(s["frontend.kind"])}${s["frontend.internet_facing"] ? ", internet-facing" : ", internal"}${s["frontend.domains"] ? " — " + s["frontend.domains"] : ""}`;
  $("#sum-service").textContent = s["service.port"] ? `${s["service.name"]} on port ${s["service.port"]} (${s["service.kind"]}, ${s["service.cpu"]} CPU, ${s["service.memory"]} MiB × ${s["service.desired_count"]})` : "none";
  $("#sum-database").textContent = s["database.engine"] ? `${s["database.engine"]} ${s["database.instance_class"]}, ${s["environment"]}` : "none";
  $("#sum-bastion").textContent = s["bastion.mode"] === "off" ? "off" : `${s["bastion.mode"]}${s["bastion.allow_from"] ? " from " + s["bastion.allow_from"] : ""}`;
}

function renderCost(c) {
  const total = $("#cost-total");
  if (!c) { total.textContent = "–"; total.dataset.cents = ""; return; }
  total.textContent = c.total + (c.unpriced ? ` + ${c.unpriced} unpriced` : "") + " a month";
  total.dataset.cents = String(c.cents);
  $("#cost-nat").textContent = c.nat ? `of which NAT ${c.nat}` : "";
  $("#cost-nat").dataset.cents = String(c.nat_cents || 0);
  const rows = (c.options || []).map(o => {
    const label = el("td", {}, el("div", { text: o.label }), el("div", { class: "muted", text: "gives up: " + (o.error || o.gives_up) }));
    const tr = el("tr", { "data-option": o.option }, label, el("td", { text: o.error ? "-" : o.total }), el("td", { text: o.error ? "-" : o.nat }), el("td", { text: o.error ? "-" : o.saving }));
    if (o.option === c.current) { tr.classList.add("current"); tr.setAttribute("aria-current", "true"); }
    return tr;
  });
  $("#options tbody").replaceChildren(...rows);
  $("#lines tbody").replaceChildren(...c.lines.map(x => el("tr", {}, el("td", { text: x.resource }), el("td", { text: x.item }), el("td", { text: x.monthly }))));
}

function renderChecks(checks, error) {
  const ul = $("#checks");
  $("#proofs").dataset.state = error ? "error" : "done";
  if (!checks) { ul.replaceChildren(el("li", { class: "muted", text: error })); return; }
  ul.replaceChildren(...checks.map(c => {
    const li = el("li", { class: c.mark === "✓" ? "ok" : "bad" }, el("span", { class: "mark", text: c.mark }), " " + c.intent);
    if (c.detail) li.append(el("div", { class: "muted", text: c.detail }));
    if (c.evidence) li.append(el("div", { class: "muted", text: c.evidence }));
    if (c.highlight && c.highlight.length) {
      const b = el("button", { type: "button", text: "Show on diagram" });
      b.addEventListener("click", () => highlightAddrs(c.highlight));
      li.append(b);
    }
    return li;
  }));
}

function showDiagram(d) {
  state.boxes = d.boxes;
  const box = $("#diagram");
  box.innerHTML = d.svg; // moat's own SVG, every text escaped by the diagram writer
  for (const id of Object.keys(d.boxes)) {
    const g = box.querySelector(`g[id="${CSS.escape(id)}"]`);
    if (!g) continue;
    g.setAttribute("tabindex", "0");
    g.setAttribute("role", "button");
    g.setAttribute("aria-label", d.boxes[id].addrs.join(", "));
    g.classList.add("pick");
  }
  $("#details").replaceChildren();
}

function showDetails(id) {
  const b = state.boxes[id];
  if (!b) return;
  $("#details").replaceChildren(el("h3", { text: b.addrs.join(", ") }), el("ul", {}, ...(b.details.length ? b.details : ["no rules or routes of its own"]).map(x => el("li", { text: x }))));
}

function highlightAddrs(addrs) {
  for (const [id, b] of Object.entries(state.boxes)) {
    const g = $("#diagram").querySelector(`g[id="${CSS.escape(id)}"]`);
    if (g) g.classList.toggle("ui-hl", b.addrs.some(a => addrs.includes(a)));
  }
}

async function reach(ev) {
  ev.preventDefault();
  const q = { from: $("#reach-from").value, to: $("#reach-to").value, proto: $("#reach-proto").value, port: $("#reach-port").value };
  const out = $("#reach-answer");
  out.dataset.verdict = "";
  out.textContent = "tracing…";
  const r = await post("/api/reach", { edits: editList(), reach: q });
  const res = await r.json();
  if (!r.ok) { out.replaceChildren(el("p", { class: "err error", text: res.error })); return; }
  out.dataset.verdict = res.verdict;
  out.dataset.blocked = res.blocked || "";
  const parts = [el("p", { class: "verdict " + res.verdict, text: res.summary })];
  let shownBlocks = false;
  for (const p of res.paths) {
    const li = el("li", {}, el("span", { class: "mark", text: p.mark }), " " + p.class);
    if (p.hops && p.hops.length) li.append(el("div", { class: "muted", text: "hops: " + p.hops.join(" -> ") }));
    // The first blocked class shows its blockers; the others fold theirs,
    // which are usually the same settings on another interface.
    const blocks = (p.blocks || []).map(b => el("div", { class: "blocker", text: "blocked by: " + b }));
    if (blocks.length && shownBlocks) {
      li.append(el("details", {}, el("summary", { text: `blocked by ${blocks.length} ${blocks.length === 1 ? "setting" : "settings"}` }), ...blocks));
    } else {
      li.append(...blocks);
    }
    shownBlocks = shownBlocks || blocks.length > 0;
    parts.push(li);
  }
  out.replaceChildren(parts[0], el("ul", {}, ...parts.slice(1)));
  if (res.diagram) showDiagram(res.diagram);
}

async function save() {
  const r = await post("/api/save", { edits: editList(), hash: state.hash });
  const res = await r.json();
  if (!r.ok) { showAlert(res.error); return; }
  state.edits.clear();
  state.orig = null;
  showAlert("Saved " + res.saved, true);
  replan();
}

async function download() {
  const r = await post("/api/template", { edits: editList() });
  if (!r.ok) { showAlert((await r.json()).error); return; }
  const name = (r.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
  const a = el("a", { href: URL.createObjectURL(await r.blob()), download: name ? name[1] : "template.yaml" });
  document.body.append(a);
  a.click();
  a.remove();
}

function showAlert(text, ok) {
  const a = $("#alert");
  a.textContent = text;
  a.className = ok ? "ok" : "bad";
  a.hidden = false;
}
function hideAlert() { if ($("#alert").className === "bad") $("#alert").hidden = true; }

function wire() {
  for (const input of $$("[data-path]")) {
    input.addEventListener(input.type === "checkbox" || input.tagName === "SELECT" ? "change" : "input", onField);
  }
  $("#nat-enabled").addEventListener("change", onNAT);
  $("#nat-mode").addEventListener("change", onNAT);
  $("#fe-domains").addEventListener("input", onDomains);
  $("#fe-certs").addEventListener("input", onDomains);
  $("#bastion-mode").addEventListener("change", onBastion);
  $("#bastion-from").addEventListener("input", onBastion);
  for (const g of $$(".gear")) {
    g.addEventListener("click", () => { state.lastDialogOpener = g; $("#" + g.dataset.dialog).showModal(); });
  }
  for (const d of $$("dialog")) {
    d.addEventListener("close", () => state.lastDialogOpener?.focus());
  }
  $("#reach-form").addEventListener("submit", reach);
  $("#reach-clear").addEventListener("click", () => { $("#reach-answer").replaceChildren(); replan(); });
  $("#save").addEventListener("click", save);
  $("#download").addEventListener("click", download);
  $("#reset").addEventListener("click", () => { state.edits.clear(); fill(state.orig); replan(); });
  const dia = $("#diagram");
  const pick = ev => { const g = ev.target.closest("g.pick"); if (g) showDetails(g.id); };
  dia.addEventListener("click", pick);
  dia.addEventListener("keydown", ev => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); pick(ev); } });
}

wire();
replan();
