// Aisle chat widget: one WebSocket, JSON frames, every piece of text inserted with textContent.
(() => {
  "use strict";

  const SESSION_KEY = "aisle.session";
  const byId = (id) => document.getElementById(id);
  const list = byId("messages");
  const scroller = byId("scroller");
  const typing = byId("typing");
  const form = byId("composer");
  const input = byId("input");
  const statusLine = byId("status");

  let socket = null;
  let sessionId = readSession();
  let retries = 0;
  let lastId = 0;  // the newest numbered frame seen: a dropped connection resumes after it
  let maxChars = 4000;  // the server's limit on a message, from the session frame
  const outbox = [];
  let identity = {};  // a customer the shop signed in: {user_id, user_hash}, sent with each message

  window.AisleWidget = {
    identify(userId, userHash) {
      const given = typeof userId === "string" && typeof userHash === "string";
      identity = given ? { user_id: userId.slice(0, 256), user_hash: userHash.slice(0, 128) } : {};
    },
  };

  function readSession() {
    try { return localStorage.getItem(SESSION_KEY); } catch { return null; }
  }

  function saveSession(id) {
    try { localStorage.setItem(SESSION_KEY, id); } catch { /* private mode: the session lasts this page */ }
  }

  const { el, safeUrl, productCard, quickReplies } = window.AisleCards;
  const shopperEvents = window.AisleEvents.create(() => sessionId);
  const cardActions = { say: send, watch: shopperEvents.watchCard };
  const cartView = window.AisleCart.create({ onCheckout: () => shopperEvents.track("checkout") });

  // -- the conversation ------------------------------------------------------------------------

  function append(item) {
    list.append(item);
    scroller.scrollTop = scroller.scrollHeight;
  }

  function addUser(text) {
    const item = el("li", "message user");
    item.append(el("p", "bubble", text));
    append(item);
  }

  function addBot(message) {
    const item = el("li", "message bot");
    if (message.text) item.append(el("p", "bubble", message.text));
    const image = safeUrl(message.image);
    if (image) {
      const img = el("img", "bubble-image");
      img.src = image;
      img.alt = "Image from the assistant";
      // try-on pictures are deleted after a while: say so instead of showing a broken image
      img.addEventListener("error", () => img.replaceWith(el("p", "bubble expired", "This picture has expired.")));
      item.append(img);
    }
    const products = message.products || [];
    if (products.length) {
      const row = el("ul", "cards");
      row.setAttribute("aria-label", `${products.length} products`);
      list.querySelectorAll(".card-choose").forEach((button) => button.remove());  // only the latest cards are choosable
      products.forEach((product, index) => row.append(productCard(product, index + 1, cardActions)));
      item.append(row);
    }
    if ((message.quick_replies || []).length) item.append(quickReplies(message.quick_replies, send));
    if (message.cart) cartView.update(message.cart);
    append(item);
  }

  function addNotice(text) {
    const item = el("li", "message notice");
    item.append(el("p", "bubble", text));
    item.setAttribute("role", "alert");
    append(item);
  }

  function clearQuickReplies() {
    list.querySelectorAll(".quick-replies").forEach((group) => group.remove());
  }

  function renderHistory(messages) {
    list.querySelectorAll(".message:not(.welcome)").forEach((item) => item.remove());
    messages.forEach((entry, index) => {
      if (entry.role === "user") { addUser(entry.text); return; }
      const last = index === messages.length - 1;  // only the latest suggestions still make sense
      addBot({ text: entry.text, products: entry.products, image: entry.image, quick_replies: last ? entry.quick_replies : [],
        cart: entry.cart });
    });
  }

  function showTyping(on) {
    typing.hidden = !on;
    if (on) scroller.scrollTop = scroller.scrollHeight;
  }

  function setStatus(text) {
    statusLine.textContent = text;
  }

  // -- live frames: streamed answers, thumbs up/down, a colleague joining ----------------------

  let streaming = null;  // the bubble an answer is being written into
  let handoffLine = "";  // the status line while a colleague is asked for or holds the chat

  function sendFrame(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }

  function addDelta(text) {
    if (!streaming) {
      showTyping(false);
      streaming = el("li", "message bot streaming");
      streaming.setAttribute("aria-hidden", "true");  // screen readers hear the finished answer once
      streaming.append(el("p", "bubble", ""));
      list.append(streaming);
    }
    streaming.firstChild.textContent += text;
    scroller.scrollTop = scroller.scrollHeight;
  }

  function endStream() {
    if (streaming) streaming.remove();
    streaming = null;
  }

  function thumb() {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M2 10h4v11H2zM8 21h9.3a2 2 0 0 0 2-1.6l1.6-7A2 2 0 0 0 19 10h-5.5l.9-4.3A2 2 0 0 0 12.5 3L8 9.5z");
    svg.append(path);
    return svg;
  }

  function decorateAnswer(frame) {
    const item = list.lastElementChild;
    if (!item || !item.classList.contains("bot")) return;
    if (frame.author) {
      item.classList.add("agent");
      item.prepend(el("p", "author", `${frame.author} · customer service`));
      return;
    }
    if (typeof frame.id !== "number") return;
    const group = el("div", "rating");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Was this answer helpful?");
    group.dataset.messageId = String(frame.id);
    for (const [rating, label] of [["up", "This answer helped"], ["down", "This answer did not help"]]) {
      const button = el("button", `rate rate-${rating}`);
      button.append(thumb());  // drawn, not an emoji: a machine without an emoji font shows empty boxes
      button.type = "button";
      button.setAttribute("aria-label", label);
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", () => {
        const again = button.getAttribute("aria-pressed") === "true";
        sendFrame({ type: "feedback", message_id: frame.id, rating: again ? null : rating });
      });
      group.append(button);
    }
    item.append(group);
  }

  function showRating(frame) {
    const group = list.querySelector(`.rating[data-message-id="${Number(frame.message_id)}"]`);
    if (!group) return;
    group.querySelectorAll(".rate").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.classList.contains(`rate-${frame.rating}`)));
    });
  }

  function showHandoff(frame) {
    const avatar = document.querySelector(".chat-header .avatar");
    document.querySelector(".chat").dataset.handoff = frame.status;
    if (frame.status === "waiting") {
      handoffLine = frame.after_hours ? "our team is away · leave a message"
        : `waiting for a colleague${frame.position ? ` · #${frame.position} in the queue` : ""}`;
    } else if (frame.status === "active") {
      handoffLine = `${frame.agent || "A colleague"} from our team is here`;
      if (avatar) avatar.textContent = (frame.agent || "A").slice(0, 1).toUpperCase();
    } else {
      handoffLine = "";
      if (avatar) avatar.textContent = "A";
    }
    setStatus(handoffLine || "online");
  }

  function onLiveFrame(frame) {
    if (typeof frame.id === "number") lastId = Math.max(lastId, frame.id);
    if (frame.type === "delta") addDelta(frame.text || "");
    else if (frame.type === "idle") showTyping(false);
    else if (frame.type === "feedback") showRating(frame);
    else if (frame.type === "handoff") showHandoff(frame);
    else return false;
    return true;
  }

  // -- the socket ------------------------------------------------------------------------------

  function onFrame(raw) {
    let frame;
    try { frame = JSON.parse(raw); } catch { return; }
    if (onLiveFrame(frame)) return;
    if (frame.type === "session") {
      sessionId = frame.session_id;
      saveSession(sessionId);
      if (frame.max_message_chars) maxChars = frame.max_message_chars;
      loadPromo();
    } else if (frame.type === "history") {
      renderHistory(frame.messages || []);
      lastId = Math.max(lastId, frame.last_id || 0);
    } else if (frame.type === "typing") {
      showTyping(true);
    } else if (frame.type === "interim") {
      // progress of a slow answer ("working on it, about 10 s"): shown, and the typing dots stay
      (frame.messages || []).forEach((message) => { addBot(message); list.lastElementChild.classList.add("interim"); });
      showTyping(true);
    } else if (frame.type === "bot") {
      showTyping(false);
      endStream();
      (frame.messages || []).forEach(addBot);
      decorateAnswer(frame);
    } else if (frame.type === "error") {
      showTyping(false);
      addNotice(frame.message || "Something went wrong.");
    }
  }

  function connect() {
    const url = new URL("webchat/ws", location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    if (sessionId) url.searchParams.set("session_id", sessionId);
    if (sessionId && lastId) url.searchParams.set("after", String(lastId));
    socket = new WebSocket(url);
    socket.addEventListener("open", () => {
      retries = 0;
      setStatus(handoffLine || "online");
      while (outbox.length) socket.send(outbox.shift());
    });
    socket.addEventListener("message", (event) => onFrame(event.data));
    socket.addEventListener("close", () => {
      showTyping(false);
      setStatus("reconnecting…");
      setTimeout(connect, Math.min(10000, 500 * 2 ** retries++));
    });
  }

  function send(text, shown) {
    const clean = text.trim();
    if (!clean) return;
    clearQuickReplies();
    addUser(shown || clean);
    const frame = JSON.stringify({ type: "message", text: clean, session_id: sessionId || undefined, ...identity });
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(frame);
    else outbox.push(frame);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const length = input.value.trim().length;
    if (length > maxChars) {  // said, not cut: the shopper's text stays in the box to shorten
      addNotice(`That message is ${length.toLocaleString()} characters long; I can read up to ${maxChars.toLocaleString()}. Please shorten it a little.`);
      return;
    }
    send(input.value);
    input.value = "";
    input.focus();
  });

  // -- A/B promotion banner: the variant this visitor was given, its impression and its click --

  let promoRequested = false;

  function abEvent(kind, shown) {
    const body = JSON.stringify({ experiment_id: shown.experiment_id, variant_id: shown.variant_id, session_id: sessionId });
    return fetch(`ab/${kind}`, { method: "POST", headers: { "Content-Type": "application/json" }, body, keepalive: true })
      .catch(() => { /* the banner works without the statistics */ });
  }

  function showPromo(shown) {
    const banner = el("aside", "promo");
    banner.setAttribute("aria-label", "Promotion");
    const link = el("a", "promo-link");
    const href = safeUrl(shown.product && shown.product.url);
    if (href) { link.href = href; link.target = "_blank"; link.rel = "noopener noreferrer"; }
    link.append(el("strong", "promo-headline", shown.fields.headline || ""), el("span", "promo-text", shown.fields.text || ""));
    const seen = abEvent("impression", shown);
    link.addEventListener("click", () => { seen.then(() => abEvent("click", shown)); });
    banner.append(link);
    document.querySelector(".chat-header").after(banner);
  }

  function loadPromo() {
    if (promoRequested || !sessionId) return;
    promoRequested = true;
    fetch(`ab/variant?${new URLSearchParams({ session_id: sessionId })}`)
      .then((response) => (response.status === 200 ? response.json() : null))
      .then((shown) => { if (shown && shown.fields) showPromo(shown); })
      .catch(() => { /* no banner */ });
  }

  // -- photos: file picker, phone camera, drag and drop; each upload is one turn of the chat ----

  function addUserPhoto(file) {
    const item = el("li", "message user");
    const img = el("img", "bubble-image user-photo");
    img.alt = "Your photo";
    item.append(img);
    append(item);
    const reader = new FileReader();  // a data: URL, which the page's CSP allows for images
    reader.addEventListener("load", () => { img.src = reader.result; scroller.scrollTop = scroller.scrollHeight; });
    reader.readAsDataURL(file);
  }

  async function sendPhoto(file) {
    if (!file) return;
    if (!sessionId) { addNotice("Still connecting: please try again in a moment."); return; }
    clearQuickReplies();
    addUserPhoto(file);
    showTyping(true);
    const body = new FormData();
    body.append("session_id", sessionId);  // first, so the server can rate-limit before reading the photo
    body.append("photo", file, file.name || "photo");
    try {
      const response = await fetch("media/upload", { method: "POST", body });
      const answer = await response.json().catch(() => ({}));
      showTyping(false);
      if (response.ok) (answer.messages || []).forEach((message) => addBot(message));
      else addNotice(answer.error || "The photo could not be sent.");
    } catch {
      showTyping(false);
      addNotice("The photo could not be sent: check your connection and try again.");
    }
  }

  function wirePhotos() {
    const chat = document.querySelector(".chat");
    const pickers = { attach: byId("photo-input"), camera: byId("camera-input") };
    for (const [button, picker] of Object.entries(pickers)) {
      if (!picker || !byId(button)) continue;
      byId(button).addEventListener("click", () => picker.click());
      picker.addEventListener("change", () => { sendPhoto(picker.files[0]); picker.value = ""; });
    }
    const carriesFiles = (event) => Array.from(event.dataTransfer?.types || []).includes("Files");
    let depth = 0;
    chat.addEventListener("dragenter", (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth += 1;
      chat.classList.add("dragging");
    });
    chat.addEventListener("dragover", (event) => { if (carriesFiles(event)) event.preventDefault(); });
    chat.addEventListener("dragleave", () => { depth = Math.max(0, depth - 1); if (!depth) chat.classList.remove("dragging"); });
    chat.addEventListener("drop", (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth = 0;
      chat.classList.remove("dragging");
      sendPhoto(event.dataTransfer.files[0]);
    });
  }

  wirePhotos();
  connect();
})();
