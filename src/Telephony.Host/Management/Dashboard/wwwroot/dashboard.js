// The live dashboard: reads the management endpoint's JSON once a second (whichever member serves it asks the whole
// cluster) and redraws. No framework and nothing from a CDN: the machines that run this are often offline.
"use strict";

const tokenKey = "telephony-token";
const $ = (id) => document.getElementById(id);
let role = null;
let busy = false;

function headers() {
  const token = sessionStorage.getItem(tokenKey);
  return token ? { Authorization: "Bearer " + token } : {};
}

async function get(path) {
  const response = await fetch(path, { headers: headers(), cache: "no-store" });
  if (response.status === 401) throw Object.assign(new Error("sign in"), { signIn: true });
  if (!response.ok) return { error: (await response.json().catch(() => ({}))).error || response.statusText };
  return response.json();
}

function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (className) e.className = className;
  return e;
}

function row(cells, id) {
  const tr = el("tr");
  if (id) tr.id = id;
  for (const c of cells) tr.append(c instanceof Node ? wrap(c) : el("td", c));
  return tr;
}

function wrap(node) {
  const td = el("td");
  td.append(node);
  return td;
}

function fill(tableId, rows) {
  $(tableId).tBodies[0].replaceChildren(...rows);
}

const seconds = (s) => s === null || s === undefined ? "" : s < 60 ? `${s.toFixed(0)} s` : `${Math.floor(s / 60)} min ${(s % 60).toFixed(0)} s`;
const percent = (x) => x === null || x === undefined ? "–" : `${(x * 100).toFixed(0)} %`;
const since = (t) => t ? seconds(Math.max(0, (Date.now() - Date.parse(t)) / 1000)) : "";

function tile(label, value, id) {
  const t = el("div", null, "tile");
  t.id = id;
  t.append(el("b", value), el("span", label, "muted"));
  return t;
}

function drawQueues(queues, details) {
  fill("queues", queues.map((q) => {
    const t = (details[q.queue] || {}).today || {};
    return row([q.queue, q.strategy, q.waiting, seconds(q.longestWaitSeconds), q.connected, t.answered ?? "", t.abandoned ?? "",
      percent(t.serviceLevel), `${q.agentsAvailable} / ${q.agentsLoggedIn}`], "queue-" + q.queue);
  }));
  $("waiting").replaceChildren(...queues.filter((q) => (details[q.queue]?.waiting || []).length > 0).map((q) => {
    const callers = details[q.queue].waiting.map((c) => `${c.callerIdNum || c.caller} ${seconds(c.waitSeconds)}${c.phase === "Ringing" ? " (ringing)" : ""}`);
    return el("p", `${q.queue} waiting: ${callers.join(", ")}`, "waiting");
  }));
}

// Cards are kept and updated in place (only their buttons are rebuilt, and only when the agent's status or the
// session's role changed): a button replaced every second would swallow a supervisor's click.
function drawAgents(agents) {
  const grid = $("agents");
  const keep = new Set();
  for (const a of agents) {
    const id = "agent-" + a.agentId;
    keep.add(id);
    let card = document.getElementById(id);
    if (!card) {
      card = el("div");
      card.id = id;
      for (const part of ["title", "state", "since muted", "call muted", "buttons"]) card.append(el("div", null, part));
      grid.append(card);
    }
    card.className = "agent " + (a.status === "Available" ? a.activity : a.status);
    const set = (part, text) => { const p = card.querySelector("." + part); if (p.textContent !== text) p.textContent = text; };
    set("title", `${a.agentId} ${a.name || ""}`);
    set("state", a.state + (a.breakReason ? ` (${a.breakReason})` : ""));
    set("since", `${since(a.stateSince)} in state · ${a.calls} call${a.calls === 1 ? "" : "s"}`);
    set("call", a.reservation ? `${a.reservation.answeredAt ? "talking to" : "offered"} ${a.reservation.caller} (${a.reservation.queue})` : "");
    const key = a.status + "/" + role;
    if (card.dataset.status !== a.status || card.dataset.key !== key) {
      card.dataset.status = a.status;
      card.dataset.key = key;
      card.querySelector(".buttons").replaceChildren(...buttonsFor(a));
    }
  }
  for (const card of [...grid.children]) if (!keep.has(card.id)) card.remove();
}

function buttonsFor(a) {
  const actions = a.status === "LoggedOut" ? [["login", "Log in"]]
    : [[a.status === "OnBreak" ? "unpause" : "pause", a.status === "OnBreak" ? "Unpause" : "Pause"], ["logout", "Log out"]];
  return actions.map(([verb, label]) => {
    const b = el("button", label);
    b.dataset.action = verb;
    b.disabled = role !== "Operator";
    if (b.disabled) b.title = "a read-only token cannot act";
    b.onclick = () => act(`/agents/${encodeURIComponent(a.agentId)}/${verb}`, { reason: verb === "pause" ? "supervisor" : undefined });
    return b;
  });
}

function drawNodes(nodes) {
  fill("nodes", nodes.map((n) => {
    const s = n.status;
    if (!s) return row([n.node, n.region || "", el("span", n.error || "no answer", "error"), "", "", "", "", "", "", "", ""], "node-" + n.node);
    return row([n.node, n.region || "", el("span", s.amiState, "AMI-" + s.amiState), s.eventsPerSecond.toFixed(1), s.channelsUp || 0,
      `${s.bufferUsed} / ${s.bufferCapacity}`, s.eventsJournaled, s.gaps, s.quarantined, s.reconnects, s.member], "node-" + n.node);
  }));
}

function draw(data) {
  const nodes = data.nodes.nodes || [];
  const queues = data.queues.queues || [];
  const agents = data.agents.agents || [];
  const channels = nodes.reduce((sum, n) => sum + (n.status?.channelsUp || 0), 0);
  const events = nodes.reduce((sum, n) => sum + (n.status?.eventsPerSecond || 0), 0);
  $("totals").replaceChildren(
    tile("channels up", channels, "total-channels"),
    tile("events/s", events.toFixed(1), "total-events"),
    tile("waiting", queues.reduce((sum, q) => sum + q.waiting, 0), "total-waiting"),
    tile("talking (queues)", queues.reduce((sum, q) => sum + q.connected, 0), "total-talking"),
    tile("answered today", Object.values(data.details).reduce((sum, d) => sum + (d.today?.answered || 0), 0), "total-answered"),
    tile("agents free", agents.filter((a) => a.state === "Idle").length, "total-free"));
  drawQueues(queues, data.details);
  drawAgents(agents);
  drawNodes(nodes);
  fill("actions", Object.entries(data.actions.counts || {}).map(([status, count]) => row([status, count], "actions-" + status)));
  fill("projections", (data.projections.projections || []).map((p) =>
    row([p.name, p.state, p.offset, p.lagEvents, p.lagSeconds.toFixed(1)], "projection-" + p.name)));
  fill("members", (data.cluster.members || []).map((m) => row([m.address, m.status, m.reachability, m.roles.join(", ")])));
  const errors = ["nodes", "queues", "agents", "actions", "projections"].map((k) => data[k].error ? `${k}: ${data[k].error}` : null).filter(Boolean);
  if (errors.length) $("notice").textContent = errors.join(" · ");
  $("updated").textContent = "updated " + new Date().toLocaleTimeString();
  // For the dashboard benchmark: when the first full picture was on screen.
  if (performance.getEntriesByName("telephony-first-data").length === 0) performance.mark("telephony-first-data");
}

async function act(path, body) {
  const response = await fetch(path, { method: "POST", headers: { ...headers(), "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const answer = await response.json().catch(() => ({}));
  $("notice").textContent = response.ok ? `${path.split("/").slice(-2).join(" ")}: done` : `refused (${response.status}): ${answer.error || response.statusText}`;
  tick();
}

async function tick() {
  if (busy) return;
  busy = true;
  try {
    if (!role) {
      const session = await get("/session");
      role = session.role;
      $("member").textContent = session.member;
      $("role").textContent = role === "Operator" ? "operator" : "read-only";
      $("sign-in").hidden = true;
      $("board").hidden = false;
      $("sign-out").hidden = !session.tokenRequired;
    }
    const [cluster, nodes, queues, agents, actions, projections] = await Promise.all(
      ["/cluster", "/nodes", "/queues", "/agents", "/actions?limit=1", "/projections"].map(get));
    const details = {};
    await Promise.all((queues.queues || []).map(async (q) => { details[q.queue] = await get("/queues/" + encodeURIComponent(q.queue)); }));
    draw({ cluster, nodes, queues, agents, actions, projections, details });
  } catch (e) {
    if (e.signIn) {
      role = null;
      $("board").hidden = true;
      $("sign-in").hidden = false;
    } else {
      $("notice").textContent = "cannot reach the management endpoint: " + e.message;
    }
  } finally {
    busy = false;
  }
}

$("sign-in").onsubmit = (e) => {
  e.preventDefault();
  sessionStorage.setItem(tokenKey, $("token").value);
  $("token").value = "";
  tick();
};
$("sign-out").onclick = () => {
  sessionStorage.removeItem(tokenKey);
  role = null;
  location.reload();
};
tick();
setInterval(tick, 1000);
