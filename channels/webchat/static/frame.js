// The widget inside a shop's page (see embed.js): a close button, Escape to close, focus on open.
(() => {
  "use strict";

  if (window.parent === window) return;  // the chat page on its own: nothing to do
  const tellShop = (type) => window.parent.postMessage({ type }, "*");  // no data in it: any origin may hear it
  document.documentElement.classList.add("embedded");

  const close = document.createElement("button");
  close.type = "button";
  close.className = "close-chat";
  close.setAttribute("aria-label", "Close the chat");
  close.title = "Close the chat";
  close.textContent = "\u00d7";
  close.addEventListener("click", () => tellShop("aisle:close"));
  document.querySelector(".chat-header").append(close);

  document.addEventListener("keydown", (event) => { if (event.key === "Escape") tellShop("aisle:close"); });
  window.addEventListener("message", (event) => {
    if (event.source === window.parent && event.data && event.data.type === "aisle:focus") {
      document.getElementById("input").focus();
    }
    if (event.source === window.parent && event.data && event.data.type === "aisle:identify") {
      window.AisleWidget.identify(event.data.user_id, event.data.user_hash);  // checked by the server, not here
    }
  });
  tellShop("aisle:ready");
})();
