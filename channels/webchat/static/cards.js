// Aisle chat widget: the pieces it builds from the server's data, every text set with textContent.
// `window.AisleCards`, used by widget.js: el, safeUrl, productCard(product, position, on), quickReplies(replies, say).
window.AisleCards = (() => {
  "use strict";

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function safeUrl(value) {
    if (!value) return null;
    try {
      const url = new URL(value, location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch { return null; }
  }

  function formatPrice(price, currency) {
    try {
      return new Intl.NumberFormat(undefined, { style: "currency", currency: currency || "USD" }).format(price);
    } catch { return `${currency || ""} ${Number(price).toFixed(2)}`.trim(); }
  }

  const ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];

  function chooseButton(product, position, say) {  // says "the second one", as the shopper would (and as on every platform)
    const button = el("button", "card-choose", "Choose");
    button.type = "button";
    button.setAttribute("aria-label", `Choose ${product.title || `product ${position}`}`);
    const payload = position <= ORDINALS.length ? `the ${ORDINALS[position - 1]} one` : `number ${position}`;
    button.addEventListener("click", () => say(payload, product.title || payload));
    return button;
  }

  // `on.say(text, shown)` sends a message for the shopper; `on.watch(card, productId)` reports it seen and opened
  function productCard(product, position, on) {
    const card = el("li", "card");
    const link = el("a", "card-link");
    const href = safeUrl(product.url);
    if (href) { link.href = href; link.target = "_blank"; link.rel = "noopener noreferrer"; }
    const src = safeUrl(product.image);
    const frame = el("div", "card-image");
    if (src) {
      const img = el("img");
      img.src = src;
      img.alt = product.title || "";
      img.decoding = "async";
      frame.append(img);
    }
    const body = el("div", "card-body");
    body.append(el("h3", "card-title", product.title));
    const meta = [product.colour, product.brand].filter(Boolean).join(" · ");
    if (meta) body.append(el("p", "card-meta", meta));
    body.append(el("p", "card-price", formatPrice(product.price, product.currency)));
    if (product.availability && product.availability !== "in stock") {  // "only 3 left", "out of stock"
      const stock = el("p", `card-stock${product.in_stock === false ? " card-stock-out" : ""}`, product.availability);
      body.append(stock);
    }
    link.append(frame, body);
    card.append(link, chooseButton(product, position, on.say));
    on.watch(card, product.id);
    return card;
  }

  function quickReplies(replies, say) {
    const group = el("div", "quick-replies");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Suggested replies");
    for (const reply of replies) {
      const button = el("button", "quick-reply", reply.title);
      button.type = "button";
      button.addEventListener("click", () => say(reply.payload, reply.title));
      group.append(button);
    }
    return group;
  }

  return { el, safeUrl, formatPrice, productCard, quickReplies };
})();
