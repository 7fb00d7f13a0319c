// Aisle embed: <script src="https://chat.shop.example/embed.js" async></script> on any page of the shop.
// Optional attributes on the tag: data-title (the launcher's label), data-position ("right" or "left"),
// data-colour (the launcher's colour, e.g. "#0b6e4f"), data-open ("true": open on load), and for a
// customer signed in on the shop: data-user-id and data-user-hash (HMAC-SHA256 of the id under the
// shop's secret, computed on the shop's server; README, "Customer identity").
// The widget runs in an iframe from Aisle's own origin; this script only adds the launcher and the
// frame, styled through the DOM (no stylesheet, no inline style attributes), so a shop's CSP that
// allows this script needs nothing else but `frame-src` for Aisle's origin.
(() => {
  "use strict";

  const script = document.currentScript || [...document.scripts].find((s) => /\/embed\.js(\?|$)/.test(s.src));
  if (!script || window.aisleChat) return;  // included twice: one launcher is enough
  const base = new URL(".", script.src);
  const options = script.dataset;
  const title = (options.title || "Chat with our shop assistant").slice(0, 80);
  const side = options.position === "left" ? "left" : "right";
  const colour = /^#[0-9a-f]{3,8}$/i.test(options.colour || "") ? options.colour : "#0b6e4f";
  const frameId = "aisle-chat-frame";
  let identity = options.userId && options.userHash ? { user_id: options.userId, user_hash: options.userHash } : null;
  const phone = window.matchMedia("(max-width: 600px)");
  let launcher = null;
  let panel = null;
  let frame = null;

  function style(node, rules) {
    Object.assign(node.style, rules);
    return node;
  }

  function show(node, on, display) {  // `hidden` alone loses to a shop's `div { display: block }`
    node.hidden = !on;
    node.style.display = on ? display : "none";
  }

  function svg(paths) {
    const ns = "http://www.w3.org/2000/svg";
    const icon = document.createElementNS(ns, "svg");
    icon.setAttribute("viewBox", "0 0 24 24");
    icon.setAttribute("width", "26");
    icon.setAttribute("height", "26");
    icon.setAttribute("aria-hidden", "true");
    icon.setAttribute("focusable", "false");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", paths);
    path.setAttribute("fill", "currentColor");
    icon.append(path);
    return icon;
  }

  const CHAT_ICON = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
  const CLOSE_ICON = "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z";

  function buildLauncher() {
    const button = document.createElement("button");
    button.type = "button";
    button.id = "aisle-chat-launcher";
    button.setAttribute("aria-label", title);
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", frameId);
    button.title = title;
    button.append(svg(CHAT_ICON));
    style(button, {
      position: "fixed", bottom: "20px", [side]: "20px", zIndex: "2147483000", width: "60px", height: "60px",
      border: "0", borderRadius: "50%", padding: "0", display: "grid", placeItems: "center", cursor: "pointer",
      background: colour, color: "#fff", boxShadow: "0 6px 24px rgba(0, 0, 0, 0.25)",
    });
    button.addEventListener("click", () => (isOpen() ? close() : open()));
    return button;
  }

  function buildPanel() {
    const box = document.createElement("div");
    box.id = "aisle-chat-panel";
    frame = document.createElement("iframe");
    frame.id = frameId;
    frame.title = title;
    frame.src = base.href;
    frame.setAttribute("allow", "camera");
    style(frame, { width: "100%", height: "100%", border: "0", display: "block", background: "#fff" });
    box.append(frame);
    layout(box);
    show(box, false, "block");
    return box;
  }

  function layout(box) {
    const shared = { position: "fixed", zIndex: "2147483000", overflow: "hidden", background: "#fff" };
    if (phone.matches) {  // a phone: the whole screen, like an app
      style(box, { ...shared, top: "0", bottom: "0", left: "0", right: "0", width: "100%", height: "100%",
        borderRadius: "0", boxShadow: "none" });
    } else {
      style(box, { ...shared, top: "auto", bottom: "92px", left: side === "left" ? "20px" : "auto",
        right: side === "right" ? "20px" : "auto", width: "380px", height: "min(640px, calc(100vh - 112px))",
        borderRadius: "16px", boxShadow: "0 12px 48px rgba(0, 0, 0, 0.28)" });
    }
  }

  function isOpen() { return Boolean(panel && !panel.hidden); }

  function open() {
    if (!panel) {
      panel = buildPanel();
      document.body.append(panel);
    }
    show(panel, true, "block");
    launcher.setAttribute("aria-expanded", "true");
    launcher.replaceChildren(svg(CLOSE_ICON));
    launcher.setAttribute("aria-label", "Close the chat");
    if (phone.matches) show(launcher, false, "grid");  // the frame's own close button takes its place
    frame.focus();
    tellFrame("aisle:focus");
  }

  function close() {
    if (!isOpen()) return;
    show(panel, false, "block");
    show(launcher, true, "grid");
    launcher.setAttribute("aria-expanded", "false");
    launcher.replaceChildren(svg(CHAT_ICON));
    launcher.setAttribute("aria-label", title);
    launcher.focus();
  }

  function tellFrame(type, data) {
    if (frame && frame.contentWindow) frame.contentWindow.postMessage({ ...data, type }, base.origin);
  }

  function identify(userId, userHash) {  // a single-page shop signs a customer in (or out: no arguments)
    identity = userId && userHash ? { user_id: String(userId), user_hash: String(userHash) } : null;
    tellFrame("aisle:identify", identity || {});
  }

  function fromFrame(event) {  // the frame asks to close (its close button, or Escape inside it)
    if (!frame || event.source !== frame.contentWindow || event.origin !== base.origin) return;
    if (event.data && event.data.type === "aisle:close") close();
    if (event.data && event.data.type === "aisle:ready" && identity) tellFrame("aisle:identify", identity);
    if (event.data && event.data.type === "aisle:ready" && isOpen()) tellFrame("aisle:focus");
  }

  function start() {
    launcher = buildLauncher();
    document.body.append(launcher);
    window.addEventListener("message", fromFrame);
    document.addEventListener("keydown", (event) => { if (event.key === "Escape" && isOpen()) close(); });
    phone.addEventListener("change", () => {
      if (panel) layout(panel);
      show(launcher, !(phone.matches && isOpen()), "grid");
    });
    window.aisleChat = { open, close, identify };
    if (options.open === "true") open();
  }

  // Only sites listed in the server's allow-list may embed the chat: ask first, show nothing elsewhere.
  window.aisleChat = { pending: true };
  fetch(new URL("webchat/embed", base), { credentials: "omit", cache: "no-store" })
    .then((response) => {
      if (!response.ok) throw new Error(String(response.status));
      if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
    })
    .catch(() => {
      console.warn(`Aisle chat: ${location.origin} may not embed the chat; list it in server.cors_origins`);
    });
})();
