// Signet order checker page. All checking is done by the WASM module (signet-core);
// this file only reads inputs, composes the request and renders the report.
//
// The module is ./pkg/ beside this page (scripts/wasm-build.sh assembles dist/ that way). It is
// imported dynamically, not statically: a static import that fails would stop this script before
// it runs, leaving the page at "Loading" with no word of what went wrong.
const MODULE = "./pkg/signet_wasm.js";
let validateOrder;
let SignetError;

const $ = (id) => document.getElementById(id);

const todayUtc = () => new Date().toISOString().slice(0, 10);

// ---------------------------------------------------------------- inputs

const PEM_CSR = "CERTIFICATE REQUEST";

/** A CSR file's bytes as PEM text: PEM files as they are, DER wrapped in PEM armour. */
function csrFileToPem(bytes) {
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  if (text.includes("-----BEGIN")) return text.trim();
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  const b64 = btoa(binary).replace(/.{1,64}/g, "$&\n");
  return `-----BEGIN ${PEM_CSR}-----\n${b64}-----END ${PEM_CSR}-----`;
}

async function loadFile(file, textarea) {
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  textarea.value =
    textarea.id === "csr-input" ? csrFileToPem(bytes) : new TextDecoder().decode(bytes);
  textarea.dispatchEvent(new Event("input"));
}

function wireFileInputs() {
  for (const [pickerId, areaId] of [["order-file", "order-input"], ["csr-file", "csr-input"]]) {
    const picker = $(pickerId);
    const area = $(areaId);
    picker.addEventListener("change", () => loadFile(picker.files[0], area));
    area.addEventListener("dragover", (e) => {
      e.preventDefault();
      area.classList.add("dragging");
    });
    area.addEventListener("dragleave", () => area.classList.remove("dragging"));
    area.addEventListener("drop", (e) => {
      e.preventDefault();
      area.classList.remove("dragging");
      if (e.dataTransfer && e.dataTransfer.files.length > 0) loadFile(e.dataTransfer.files[0], area);
    });
  }
}

// ---------------------------------------------------------------- request

const isPlainObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The body to check and a note for the user. A CSR from the CSR field goes into
 * certificate.csr; the order is first checked as typed so malformed JSON (or a duplicate
 * key, which JSON.parse would silently drop) is reported on the original text.
 */
function composeRequest(orderText, csrText, options) {
  const csr = csrText.trim();
  if (csr === "") return { body: orderText, note: "" };
  const first = validateOrder(orderText, options);
  if (first.findings.some((f) => f.code.startsWith("json_"))) {
    return { body: orderText, report: first, note: "The CSR was not inserted: fix the order's JSON first." };
  }
  const order = JSON.parse(orderText);
  if (!isPlainObject(order) || ("certificate" in order && !isPlainObject(order.certificate))) {
    return { body: orderText, report: first, note: "The CSR was not inserted: the order has no certificate object to put it in." };
  }
  const replaced = isPlainObject(order.certificate) && "csr" in order.certificate;
  order.certificate = { ...(order.certificate || {}), csr };
  return {
    body: JSON.stringify(order, null, 2),
    csr,
    method: typeof order.cs_provisioning_method === "string" ? order.cs_provisioning_method : undefined,
    note: replaced
      ? "The CSR from the CSR field replaced the order's certificate.csr."
      : "The CSR from the CSR field was inserted as certificate.csr.",
  };
}

// ---------------------------------------------------------------- rendering

/** Path of a child, in the core's notation: `a.b`, `a[0]`. */
const childPath = (parent, key) =>
  typeof key === "number" ? `${parent}[${key}]` : parent === "" ? key : `${parent}.${key}`;

/** The parent of a core path (`a.b[2]` → `a.b`, `a.b` → `a`, `a` → ``). */
function parentPath(path) {
  if (path.endsWith("]")) return path.slice(0, path.lastIndexOf("["));
  const dot = path.lastIndexOf(".");
  return dot < 0 ? "" : path.slice(0, dot);
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

function preview(value) {
  if (typeof value === "string") {
    const oneLine = value.replace(/\s+/g, " ");
    const short = oneLine.length > 72 ? `${oneLine.slice(0, 72)}…` : oneLine;
    return el("span", { class: "value string" }, JSON.stringify(short));
  }
  if (value === null) return el("span", { class: "value null" }, "null");
  if (Array.isArray(value)) return el("span", { class: "value bracket" }, value.length === 0 ? "[]" : "[");
  if (typeof value === "object") return el("span", { class: "value bracket" }, Object.keys(value).length === 0 ? "{}" : "{");
  return el("span", { class: `value ${typeof value}` }, String(value));
}

/** Renders `value` as a tree; every node carries data-path and is registered in `nodes`. */
function renderNode(key, value, path, nodes) {
  const row = el("div", { class: "row" });
  if (key !== null) row.append(el("span", { class: "key" }, typeof key === "number" ? `[${key}]` : key), ": ");
  row.append(preview(value));
  const node = el("div", { class: "node", "data-path": path }, row, el("ul", { class: "findings" }));
  nodes.set(path, node);
  const entries = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : isPlainObject(value) ? Object.entries(value) : [];
  if (entries.length > 0) {
    const children = el("div", { class: "children" });
    for (const [k, v] of entries) children.append(renderNode(k, v, childPath(path, k), nodes));
    node.append(children, el("div", { class: "row closing" }, Array.isArray(value) ? "]" : "}"));
  }
  return node;
}

function findingItem(f, attachedAt) {
  const item = el(
    "li",
    { class: `finding ${f.severity}`, "data-code": f.code, "data-finding-path": f.path },
    el("span", { class: "badge" }, f.severity === "error" ? "Error" : "Warning"),
    " ",
    el("code", { class: "code" }, f.code),
    " ",
    el("span", { class: "message" }, f.message),
  );
  if (f.source) {
    const sub = f.subpath ? ` (${f.subpath})` : "";
    item.prepend(el("span", { class: "source" }, `${f.source}${sub}`), " ");
  }
  if (f.path !== attachedAt) item.append(" ", el("span", { class: "where" }, "at ", el("code", {}, f.path)));
  return item;
}

function renderSummary(report, note) {
  const errors = report.findings.filter((f) => f.severity === "error").length;
  const warnings = report.findings.length - errors;
  const s = $("summary");
  s.dataset.valid = String(report.valid);
  s.dataset.errors = String(errors);
  s.dataset.warnings = String(warnings);
  const plural = (n, w) => `${n} ${w}${n === 1 ? "" : "s"}`;
  s.replaceChildren(
    el("strong", {}, report.valid ? "Valid" : "Invalid"),
    ` — ${plural(errors, "error")}, ${plural(warnings, "warning")}`,
  );
  if (note) s.append(el("div", { class: "note" }, note));
}

function renderReport(body, report, note) {
  $("request-error").hidden = true;
  renderSummary(report, note);
  const tree = $("tree");
  const nodes = new Map();
  let parsed;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined) {
    tree.replaceChildren(el("pre", { class: "raw" }, body));
  } else {
    tree.replaceChildren(renderNode(null, parsed, "", nodes));
    // The root object is shown by the tree; its findings go to the banner instead.
    nodes.get("")?.querySelector(":scope > ul.findings")?.remove();
    nodes.delete("");
  }
  const banner = $("doc-findings");
  const bannerList = el("ul", { class: "findings" });
  banner.replaceChildren(el("div", { class: "banner-title" }, "Whole order"), bannerList);
  for (const f of report.findings) {
    // A finding about a missing member attaches to the nearest node that exists.
    let at = f.path;
    while (at !== "" && !nodes.has(at)) at = parentPath(at);
    const node = at === "" ? null : nodes.get(at);
    const list = node ? node.querySelector(":scope > ul.findings") : bannerList;
    list.append(findingItem(f, at));
    if (node) node.classList.add(`has-${f.severity}`);
  }
  banner.hidden = bannerList.children.length === 0;
  $("results").hidden = false;
}

function renderRequestError(err) {
  const box = $("request-error");
  const code = SignetError && err instanceof SignetError ? err.code : "internal";
  box.replaceChildren(el("strong", {}, "Cannot check: "), el("code", {}, code), " ", err.message);
  box.hidden = false;
  $("summary").replaceChildren();
  $("doc-findings").hidden = true;
  $("tree").replaceChildren();
  $("results").hidden = false;
}

/** Results are of the inputs they were computed from: any edit hides them until the next check. */
function clearResults() {
  $("results").hidden = true;
  $("summary").replaceChildren();
  delete $("summary").dataset.valid;
  $("request-error").hidden = true;
  $("doc-findings").hidden = true;
  $("tree").replaceChildren();
}

function check() {
  // An empty date field means "today": the binding defaults it.
  const options = { product: $("product").value, at: $("at").value || undefined };
  try {
    const req = composeRequest($("order-input").value, $("csr-input").value, options);
    // Order validation includes the CSR's key-policy checks (parse, self-signature, key type
    // and size for the device the provisioning method implies), reported at certificate.csr.
    const report = req.report ?? validateOrder(req.body, options);
    renderReport(req.body, report, req.note);
  } catch (err) {
    renderRequestError(err);
  }
}

// ---------------------------------------------------------------- start

/** Shows why the checker cannot run, on the page (the form stays disabled). */
function showLoadError(err) {
  const message = err && err.message ? err.message : String(err);
  const box = $("load-error");
  box.replaceChildren(
    el("strong", {}, "The checker failed to load. "),
    `The page needs its module (${MODULE} and signet_wasm_bg.wasm beside it), served over http(s) from the same folder: `,
    el("code", {}, message),
  );
  box.hidden = false;
  $("status").textContent = "The checker failed to load.";
  document.body.dataset.ready = "error";
}

async function main() {
  $("at").value = todayUtc();
  wireFileInputs();
  $("order-form").addEventListener("submit", (e) => {
    e.preventDefault();
    check();
  });
  for (const id of ["order-input", "csr-input", "product", "at"]) {
    $(id).addEventListener("input", clearResults);
    $(id).addEventListener("change", clearResults);
  }
  try {
    const m = await import(MODULE);
    await m.default();
    ({ validateOrder, SignetError } = m);
  } catch (err) {
    showLoadError(err);
    return;
  }
  $("validate").disabled = false;
  $("status").textContent = "Ready. Works offline; nothing is sent anywhere.";
  document.body.dataset.ready = "true";
}

main();
