// Aisle agent console: sign in, then one WebSocket with the live queue and the open conversation.
// Every piece of text is inserted with textContent: transcripts hold what shoppers typed.
(() => {
  "use strict";

  const byId = (id) => document.getElementById(id);
  const state = { socket: null, me: "", selected: null, queue: [], conversation: null, retries: 0, filter: "all",
    colleagues: [], attached: [] };
  const CHANNEL_NAMES = { webchat: "Web chat", telegram: "Telegram", slack: "Slack", whatsapp: "WhatsApp",
    messenger: "Messenger", rest: "REST" };
  const REASONS = { asked: "asked for a person", complaint: "complaint", negative_sentiment: "frustrated",
    failed_turns: "the assistant could not help", error: "an error", no_answer: "no answer found",
    order_trouble: "order trouble" };
  const FILTERS = {
    all: () => true,
    waiting: (t) => t.status !== "active",
    urgent: (t) => t.urgency === "urgent",
    mine: (t) => t.agent === state.me || t.assigned === state.me,
  };

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function since(ts) {
    const seconds = Math.max(0, Math.round(Date.now() / 1000 - ts));
    if (seconds < 60) return `${seconds} s`;
    if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
    return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
  }

  function clock(ts) {
    return new Date(ts * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function toast(text) {
    const box = byId("toast");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { box.hidden = true; }, 6000);
  }

  function send(frame) {
    if (state.socket && state.socket.readyState === WebSocket.OPEN) state.socket.send(JSON.stringify(frame));
    else toast("Not connected: trying again…");
  }

  // -- the queue ------------------------------------------------------------------------------

  function renderQueue() {
    const list = byId("queue");
    list.replaceChildren();
    for (const ticket of state.queue.filter(FILTERS[state.filter])) {
      const item = el("li", `ticket ${ticket.status}${ticket.conversation_id === state.selected ? " selected" : ""}`);
      const button = el("button", "ticket-button");
      button.type = "button";
      button.setAttribute("aria-pressed", String(ticket.conversation_id === state.selected));
      const where = CHANNEL_NAMES[ticket.channel] || ticket.channel;
      const head = el("span", "ticket-head");
      head.append(el("strong", null, `${where} · ${ticket.sender_id.slice(0, 12)}`),
        el("span", `priority p${ticket.priority}`, ticket.urgency || "normal"));
      const status = ticket.status === "active" ? `with ${ticket.agent}` :
        ticket.status === "transferred" ? `passed to ${ticket.assigned} by ${ticket.transferred_by}` :
        `#${ticket.position} · waiting ${since(ticket.requested_at)}${ticket.after_hours ? " · left a message" : ""}` +
        `${ticket.assigned ? ` · for ${ticket.assigned}` : ""}`;
      button.append(head, el("span", "ticket-status", status), el("span", "ticket-reason", REASONS[ticket.reason] || ticket.reason));
      if (ticket.preview) button.append(el("span", "ticket-preview", `“${ticket.preview}”`));
      button.addEventListener("click", () => select(ticket.conversation_id));
      item.append(button);
      list.append(item);
    }
    const waiting = state.queue.filter((t) => t.status === "waiting").length;
    byId("queue-count").textContent = state.queue.length ? `(${waiting} waiting)` : "";
    byId("queue-empty").hidden = state.queue.length > 0;
  }

  function select(conversationId) {
    state.selected = conversationId;
    renderQueue();
    send({ type: "open", conversation_id: conversationId });
  }

  // -- the context: what a colleague reads before the transcript ------------------------------------

  function section(panel, title, ...children) {
    const items = children.filter(Boolean);
    if (!items.length) return;
    const box = el("section", "context-section");
    box.append(el("h3", null, title), ...items);
    panel.append(box);
  }

  function list(lines) {
    if (!lines.length) return null;
    const ul = el("ul");
    lines.forEach((line) => ul.append(el("li", null, line)));
    return ul;
  }

  function money(amount, currency) {
    return `${currency === "USD" ? "$" : `${currency || ""} `}${Number(amount).toFixed(2)}`;
  }

  function renderContext(context) {
    const panel = byId("context");
    panel.replaceChildren();
    if (!context) return;
    section(panel, "Why", el("p", `urgency u-${context.urgency}`, `${context.urgency}: the shopper ${context.why}`));
    section(panel, "Request", context.request ? el("p", "request", `“${context.request}”`) : null,
      context.in_progress ? el("p", null, `In progress: ${context.in_progress}`) : null);
    const customer = context.customer;
    section(panel, "Customer", customer ? el("p", null, `${customer.name || "Signed-in customer"} · ${customer.email}`) : null,
      list((context.orders || []).map((o) => `${o.number} · ${o.status} · ${o.summary} · ${money(o.total, o.currency)}` +
        `${o.expected ? ` · expected ${o.expected}` : ""}`)),
      list((context.returns || []).map((r) => `Returned: ${r.title} (${r.order})`)));
    const wants = Object.entries(context.wants || {}).map(([k, v]) => `${k} ${v}`);
    section(panel, "Looking for", wants.length ? el("p", null, wants.join(" · ")) : null);
    section(panel, "Shown", list((context.shown || []).map((p, n) => `${n + 1}. ${p.title} · ${money(p.price, p.currency)} · ${p.stock}`)),
      context.picked ? el("p", "picked", `Picked: ${context.picked.title}${context.picked.size ? `, size ${context.picked.size}` : ""}`) : null);
    section(panel, "Cart", list((context.cart || []).map((l) => `${l.quantity || 1} × ${l.title}${l.size ? ` (${l.size})` : ""}`)));
    section(panel, context.summary_by === "llm" ? "Summary (written by the LLM)" : "Summary", list(context.summary || []));
  }

  // -- the conversation -----------------------------------------------------------------------

  function turnItem(turn) {
    const item = el("li", `turn ${turn.role}`);
    const who = { user: "Shopper", bot: "Assistant", agent: turn.agent || "Colleague", note: `Note by ${turn.agent || "a colleague"}`,
      notice: "Assistant (notice)", handoff: "Handoff" }[turn.role] || turn.role;
    item.append(el("p", "turn-meta", `${who} · ${clock(turn.ts)}`));
    item.append(el("p", "turn-text", turn.text));
    if (turn.understood) {
      const u = turn.understood;
      const sentiment = typeof u.sentiment === "number" ? ` · sentiment ${u.sentiment.toFixed(2)}` : "";
      item.append(el("p", "understood", `understood: ${u.intent} → ${u.skill} (${Number(u.confidence || 0).toFixed(2)})${sentiment}`));
    }
    if ((turn.products || []).length) {
      const shown = el("ul", "shown");
      shown.setAttribute("aria-label", "Products shown");
      turn.products.forEach((p, n) => shown.append(el("li", null, `${n + 1}. ${p.title} · ${p.price}`)));
      item.append(shown);
    }
    if ((turn.quick_replies || []).length) item.append(el("p", "suggested", `suggested: ${turn.quick_replies.join(" | ")}`));
    if (turn.known && Object.keys(turn.known).length) item.append(el("p", "understood", `knew: ${JSON.stringify(turn.known)}`));
    return item;
  }

  function renderConversation(view) {
    state.conversation = view;
    const ticket = view.ticket;
    byId("conv-title").textContent = view.conversation_id;
    const csat = view.csat ? ` · answers rated 👍 ${view.csat.up} 👎 ${view.csat.down}` : "";
    byId("conv-meta").textContent = ticket ? `${ticket.status === "active" ? `held by ${ticket.agent}` : `waiting, #${ticket.position}`}` +
      ` · ${REASONS[ticket.reason] || ticket.reason}${csat}` : `not in the queue${csat}`;
    const transcript = byId("transcript");
    transcript.replaceChildren(...view.turns.filter((t) => t.role !== "note").map(turnItem));
    transcript.scrollTop = transcript.scrollHeight;
    byId("notes").replaceChildren(...view.turns.filter((t) => t.role === "note").map(turnItem));
    renderContext(view.context);
    const known = byId("known");
    known.replaceChildren();
    for (const [key, value] of Object.entries(view.known || {})) {
      known.append(el("dt", null, key), el("dd", null, typeof value === "string" ? value : JSON.stringify(value)));
    }
    const inQueue = Boolean(ticket);
    const mine = inQueue && ticket.status === "active" && ticket.agent === state.me;
    byId("take").disabled = !inQueue || mine;
    byId("return").disabled = !inQueue;
    const waiting = inQueue && ticket.status !== "active";
    byId("transfer").disabled = !mine;
    byId("assign").disabled = !waiting;
    byId("transfer-to").disabled = !mine && !waiting;
    byId("export").disabled = false;
    for (const id of ["reply", "send", "note", "add-note"]) byId(id).disabled = !inQueue;
  }

  function renderColleagues() {
    const select = byId("transfer-to");
    const chosen = select.value;
    select.replaceChildren(el("option", null, "Colleague…"), ...state.colleagues.map((name) => el("option", null, name)));
    select.firstChild.value = "";
    if (state.colleagues.includes(chosen)) select.value = chosen;
  }

  function filled(text) {
    // A preview of the variables for the open conversation; the server fills them again when sending.
    const context = (state.conversation && state.conversation.context) || {};
    const customer = context.customer || {};
    const order = (context.orders || [])[0] || {};
    const name = customer.name || "";
    const known = { name, first_name: name.split(" ")[0], email: customer.email, order: order.number,
      order_status: order.status, expected: order.expected, agent: state.me };
    return text.replace(/\{([a-z_]+)\}/g, (all, key) => (known[key] ? known[key] : all));
  }

  function renderCanned(replies) {
    const group = byId("canned");
    group.replaceChildren(...replies.map((reply) => {
      const item = el("span", "canned-item");
      const button = el("button", "canned-reply", reply.text);
      button.type = "button";
      button.addEventListener("click", () => { const box = byId("reply"); box.value = filled(reply.text); box.focus(); });
      const remove = el("button", "canned-delete quiet", "×");
      remove.type = "button";
      remove.setAttribute("aria-label", `Delete canned reply: ${reply.text}`);
      remove.addEventListener("click", () => send({ type: "canned_delete", id: reply.id }));
      item.append(button, remove);
      return item;
    }));
  }

  function renderSearch(frame) {
    const list = byId("search-results");
    list.hidden = false;
    list.replaceChildren(...(frame.results.length ? frame.results.map((found) => {
      const button = el("button", "found", `${CHANNEL_NAMES[found.channel] || found.channel} · ${found.sender_id.slice(0, 12)}`);
      button.type = "button";
      button.append(el("span", "found-snippet", found.snippet));
      button.addEventListener("click", () => select(found.conversation_id));
      const item = el("li");
      item.append(button);
      return item;
    }) : [el("li", "empty", `Nothing found for “${frame.query}”.`)]));
  }

  function renderProducts(items) {
    byId("product-results").replaceChildren(...items.map((product) => {
      const button = el("button", "quiet", `Attach ${product.title} · ${product.price}${product.stock > 0 ? "" : " · out of stock"}`);
      button.type = "button";
      button.addEventListener("click", () => {
        if (!state.attached.some((p) => p.id === product.id) && state.attached.length < 6) state.attached.push(product);
        renderAttached();
      });
      const item = el("li");
      item.append(button);
      return item;
    }));
  }

  function renderAttached() {
    byId("attached").replaceChildren(...state.attached.map((product) => {
      const item = el("li", "attached-card", product.title);
      const remove = el("button", "quiet", "×");
      remove.type = "button";
      remove.setAttribute("aria-label", `Remove ${product.title}`);
      remove.addEventListener("click", () => { state.attached = state.attached.filter((p) => p.id !== product.id); renderAttached(); });
      item.append(remove);
      return item;
    }));
  }

  function download(frame) {
    const blob = new Blob([JSON.stringify(frame.data, null, 2)], { type: "application/json" });
    const link = el("a");
    link.href = URL.createObjectURL(blob);
    link.download = `${frame.conversation_id.replace(/[^A-Za-z0-9_-]+/g, "_")}.json`;
    document.body.append(link);
    link.click();
    link.remove();
    toast("The shopper's data was exported.");
  }

  // -- the socket ------------------------------------------------------------------------------

  function onFrame(frame) {
    if (frame.type === "hello") {
      state.me = frame.agent;
      byId("me").textContent = `Signed in as ${frame.agent}`;
      byId("hours").textContent = frame.open ? "Open: shoppers are told their place in the queue"
        : `Closed: shoppers leave a message (back ${frame.next_opening})`;
      renderCanned(frame.canned || []);
    } else if (frame.type === "queue") {
      state.queue = frame.items || [];
      state.colleagues = (frame.colleagues || []).filter((name) => name !== state.me);
      renderColleagues();
      renderQueue();
    } else if (frame.type === "conversation" && frame.conversation_id === state.selected) {
      renderConversation(frame);
    } else if (frame.type === "canned") {
      renderCanned(frame.items || []);
    } else if (frame.type === "search") {
      renderSearch(frame);
    } else if (frame.type === "products") {
      renderProducts(frame.items || []);
    } else if (frame.type === "export") {
      download(frame);
    } else if (frame.type === "error") {
      toast(frame.message);
    }
  }

  function connect() {
    const url = new URL("console/ws", location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(url);
    state.socket = socket;
    socket.addEventListener("open", () => {
      state.retries = 0;
      byId("link").textContent = "live";
      if (state.selected) send({ type: "open", conversation_id: state.selected });
    });
    socket.addEventListener("message", (event) => { try { onFrame(JSON.parse(event.data)); } catch { /* ignore */ } });
    socket.addEventListener("close", () => {
      byId("link").textContent = "reconnecting…";
      setTimeout(boot, Math.min(10000, 500 * 2 ** state.retries++));
    });
  }

  function act(type, extra) {
    if (state.selected) send({ type, conversation_id: state.selected, ...extra });
  }

  function wire() {
    byId("take").addEventListener("click", () => act("take"));
    byId("return").addEventListener("click", () => act("return"));
    byId("export").addEventListener("click", () => act("export"));
    byId("search-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const query = byId("search").value.trim();
      if (query) send({ type: "search", query });
    });
    byId("canned-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const box = byId("canned-text");
      if (box.value.trim()) send({ type: "canned_add", text: box.value.trim() });
      box.value = "";
    });
    byId("product-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const query = byId("product-query").value.trim();
      if (query) send({ type: "products", query });
    });
    byId("transfer").addEventListener("click", () => {
      const to = byId("transfer-to").value;
      if (to) act("transfer", { to });
      else toast("Choose a colleague to transfer to.");
    });
    byId("assign").addEventListener("click", () => {
      const to = byId("transfer-to").value;
      if (to) act("assign", { to });
      else toast("Choose a colleague to assign the conversation to.");
    });
    for (const button of byId("filters").querySelectorAll("button")) {
      button.addEventListener("click", () => {
        state.filter = button.dataset.filter;
        for (const other of byId("filters").querySelectorAll("button")) {
          other.setAttribute("aria-pressed", String(other === button));
        }
        renderQueue();
      });
    }
    byId("reply-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const box = byId("reply");
      if (!box.value.trim()) return;
      act("reply", { text: box.value.trim(), products: state.attached.map((p) => p.id) });
      box.value = "";
      state.attached = [];
      renderAttached();
    });
    byId("reply").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); byId("reply-form").requestSubmit(); }
    });
    byId("note-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const box = byId("note");
      if (!box.value.trim()) return;
      act("note", { text: box.value.trim() });
      box.value = "";
    });
    byId("login-form").addEventListener("submit", signIn);
    byId("logout").addEventListener("click", async () => {
      await fetch("console/logout", { method: "POST" });
      location.reload();
    });
    setInterval(renderQueue, 15000);  // waiting times move on
  }

  async function signIn(event) {
    event.preventDefault();
    const body = JSON.stringify({ name: byId("name").value, token: byId("token").value });
    const response = await fetch("console/login", { method: "POST", headers: { "Content-Type": "application/json" }, body });
    if (response.status === 204) { byId("token").value = ""; boot(); return; }
    const answer = await response.json().catch(() => ({}));
    byId("login-error").textContent = answer.error || "Could not sign in.";
  }

  async function boot() {
    const response = await fetch("console/me").catch(() => null);
    const me = response && response.ok ? await response.json().catch(() => ({})) : {};
    const signedIn = Boolean(me.agent);
    byId("signin").hidden = signedIn;
    byId("app").hidden = !signedIn;
    if (signedIn) connect();
    else if (response) byId("name").focus();
    else setTimeout(boot, Math.min(10000, 500 * 2 ** state.retries++));
  }

  wire();
  boot();
})();
